"""In-context linear regression prompts for weight prediction (Huang, Wang, Lee 2025).

A prompt holds ``n`` pairs ``(x_i, y_i)`` with ``x_i ~ N(0, I_d)``,
``y_i = w*^T x_i`` (noiseless) and ``w* ~ N(0, I_d)``; the model must output
``w*`` itself. The chain of thought is the gradient-descent path on the
in-context least-squares loss ``L(w) = (1/2n) sum_i (w^T x_i - y_i)^2``::

    w_0 = 0,    w_{k+1} = w_k - eta (S w_k - h),    S = X^T X / n,   h = X^T y / n

An instance fixes only ``(d, n)``: the prompts themselves are drawn from a
seeded ``torch.Generator``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument


@dataclass(frozen=True, kw_only=True)
class RegressionPrompt:
    """Prompts of ``length`` examples in dimension ``dim``."""

    dim: int  # d
    length: int  # n

    def __post_init__(self) -> None:
        if not (isinstance(self.dim, int) and isinstance(self.length, int) and 1 <= self.dim <= self.length):
            raise ValueError(f"need integers 1 <= dim <= length, got dim={self.dim}, length={self.length}")


def sample_prompts(
    problem: RegressionPrompt, batch: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``batch`` fresh prompts: inputs ``x (B, n, d)``, labels ``y (B, n)`` and weights ``w* (B, d)``."""
    x = torch.randn(batch, problem.length, problem.dim, generator=generator)
    w = torch.randn(batch, problem.dim, generator=generator)
    y = torch.einsum("bnd,bd->bn", x, w)
    return x, y, w


def gd_step_size(problem: RegressionPrompt) -> float:
    """eta = 1 / (1 + sqrt(d/n))^2: the inverse upper Marchenko-Pastur edge of ``S``.

    The spectrum of ``S`` concentrates on ``[(1 - sqrt(d/n))^2, (1 + sqrt(d/n))^2]``;
    with this step GD is stable (``eta * lambda_max < 2``) on essentially every prompt.
    (The optimal ``2 / (lambda_- + lambda_+)`` of the limit spectrum diverges on the
    prompts whose top eigenvalue exceeds the edge, which at d <= 8 are many.)
    """
    return 1.0 / (1.0 + math.sqrt(problem.dim / problem.length)) ** 2


def gd_iterates(x: torch.Tensor, y: torch.Tensor, step_size: float, steps: int) -> torch.Tensor:
    """The GD path ``w_1..w_steps`` from ``w_0 = 0``: ``(B, steps, d)``."""
    n = x.shape[1]
    s = torch.einsum("bni,bnj->bij", x, x) / n  # (B, d, d)
    h = torch.einsum("bni,bn->bi", x, y) / n  # (B, d)
    w = torch.zeros_like(h)
    path = []
    for _ in range(steps):
        w = w - step_size * (torch.einsum("bij,bj->bi", s, w) - h)
        path.append(w)
    return torch.stack(path, dim=1)


def one_step_floor(problem: RegressionPrompt) -> float:
    """Relative error E||w* - eta* h||^2 / E||w*||^2 of the best single GD step: (d+1)/(n+d+1)."""
    d, n = problem.dim, problem.length
    return (d + 1) / (n + d + 1)


def regression_prompts(
    *, min_dim: int = 2, max_dim: int = 8, min_ratio: int = 1, max_ratio: int = 4
) -> st.SearchStrategy[RegressionPrompt]:
    """Prompt shapes with ``d`` in ``[min_dim, max_dim]`` and ``n`` in ``[min_ratio * d, max_ratio * d]``.

    Shrinking moves towards the smallest dimension and the shortest prompt
    (``n = min_ratio * d``), where one GD step is furthest from recovery.
    """
    if not isinstance(min_dim, int) or min_dim < 1:
        raise InvalidArgument(f"min_dim={min_dim!r} must be an int >= 1")
    if not isinstance(max_dim, int) or max_dim < min_dim:
        raise InvalidArgument(f"max_dim={max_dim!r} must be an int >= min_dim={min_dim}")
    if not isinstance(min_ratio, int) or min_ratio < 1:
        raise InvalidArgument(f"min_ratio={min_ratio!r} must be an int >= 1 (n >= d)")
    if not isinstance(max_ratio, int) or max_ratio < min_ratio:
        raise InvalidArgument(f"max_ratio={max_ratio!r} must be an int >= min_ratio={min_ratio}")

    @st.composite
    def build(draw: st.DrawFn) -> RegressionPrompt:
        d = draw(st.integers(min_dim, max_dim))
        n = draw(st.integers(min_ratio * d, max_ratio * d))
        return RegressionPrompt(dim=d, length=n)

    return build()
