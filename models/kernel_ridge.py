"""Prompt-only baseline: polynomial kernel ridge regression with exact leave-one-out ridge choice.

For one prompt ``(x_i, y_i)_{i<=N}`` the kernel is ``k(x, x') = (1 + <x, x'>/d)^P``.
With ``K = U diag(lam) U^T`` the ridge estimator for penalty ``mu`` has hat
matrix ``H = U diag(lam / (lam + mu)) U^T``, and the exact leave-one-out
residuals are ``(y_i - (H y)_i) / (1 - H_ii)``; the penalty with the smallest
mean squared LOO residual is chosen per prompt from ``ridges * N``. All prompts
of a batch are solved at once in float64 (one batched eigendecomposition).
"""

from __future__ import annotations

import torch

DEFAULT_RIDGES = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0)


def polynomial_kernel(a: torch.Tensor, b: torch.Tensor, degree: int) -> torch.Tensor:
    """``(1 + a b^T / d)^degree``: ``(B, N, d), (B, M, d) -> (B, N, M)``, elementwise in place (no copies)."""
    return (a @ b.transpose(-1, -2)).div_(a.shape[-1]).add_(1.0).pow_(degree)


@torch.no_grad()
def krr_loo_predict(
    x: torch.Tensor,
    y: torch.Tensor,
    xq: torch.Tensor,
    degree: int,
    ridges: tuple[float, ...] = DEFAULT_RIDGES,
) -> torch.Tensor:
    """KRR predictions ``(B, Q)`` at ``xq (B, Q, d)``, fitted on each prompt ``x (B, N, d)``, ``y (B, N)``.

    The ridge is ``mu = rho * N`` with ``rho`` chosen per prompt from ``ridges`` by exact LOO.
    """
    x, y, xq = x.double(), y.double(), xq.double()
    n = x.shape[1]
    lam, u = torch.linalg.eigh(polynomial_kernel(x, x, degree))  # (B, N), (B, N, N)
    lam = lam.clamp(min=0.0)
    uy = torch.einsum("bnk,bn->bk", u, y)  # (B, N): U^T y
    mus = torch.tensor(ridges, dtype=torch.float64) * n  # (R,)
    shrink = lam[:, None, :] / (lam[:, None, :] + mus[None, :, None])  # (B, R, N)
    fitted = torch.einsum("bnk,brk->brn", u, shrink * uy[:, None, :])  # (B, R, N): H y
    hdiag = torch.einsum("bnk,brk->brn", u * u, shrink)  # (B, R, N): diag H
    loo = ((y[:, None, :] - fitted) / (1.0 - hdiag).clamp(min=1e-12)) ** 2  # (B, R, N)
    best = loo.mean(-1).argmin(-1)  # (B,)
    mu = mus[best]  # (B,)
    alpha_coef = uy / (lam + mu[:, None])  # (B, N): diag(1/(lam+mu)) U^T y
    alpha = torch.einsum("bnk,bk->bn", u, alpha_coef)  # (B, N)
    kq = polynomial_kernel(xq, x, degree)  # (B, Q, N)
    return torch.einsum("bqn,bn->bq", kq, alpha).float()
