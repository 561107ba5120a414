"""Deep feature instrumental variable regression (DFIV, Xu et al. 2021, arXiv:2010.07154).

Two ReLU feature nets, ``psi`` on the treatment X and ``phi`` on the
instrument Z, each ending in ``features`` outputs, are trained by
alternating closed-form ridge stages (as in the authors' code,
liyuan9988/DeepFeatureIV @ 54b04e9e, ``src/models/DFIV``):

* Stage 1 (``stage1_iters`` Adam steps on ``phi``): ridge-regress the frozen
  ``psi(X1)`` on ``[phi(Z1), 1]`` with penalty ``lam1 * m``; the loss is the
  penalised residual.
* Stage 2 (``stage2_iters`` Adam steps on ``psi``): with ``phi`` frozen, the
  Stage-1 weights ``W1`` (a function of ``psi(X1)``) predict
  ``E[psi(X) | Z2]``; ridge-regress ``Y2`` on ``[phi(Z2) W1, 1]`` with
  penalty ``lam2 * n``; the loss backpropagates into ``psi`` through ``W1``.

After ``epochs`` rounds the final weights are refitted in closed form and
``f(x) = [psi(x), 1] beta``. Full-batch.
Departures from the authors' code: ReLU instead of LeakyReLU, our widths and
step counts (set per claim), Adam with an explicit learning rate, float64 throughout (the
nets are tiny; no dtype conversions in the loop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from models.stacked import stack_parameters, unstack_into


@dataclass(frozen=True, kw_only=True)
class DFIVConfig:
    """Architecture and training budget of DFIV."""

    width: int = 32  # hidden units per layer of both nets
    depth: int = 2  # hidden layers of both nets
    features: int = 16  # outputs of psi and of phi
    lam1: float = 1e-3  # Stage-1 ridge per sample (the authors' default: 0.1)
    lam2: float = 1e-3  # Stage-2 ridge per sample (the authors' default: 0.1)
    epochs: int = 200
    stage1_iters: int = 2  # the authors' default: 20
    stage2_iters: int = 1
    lr: float = 3e-3
    head: bool = (
        True  # a final linear layer to ``features`` outputs; False: the last hidden ReLUs are the features
    )
    kink_init: bool = (
        False  # first layer w = unit vector, b = -<w, t>, t uniform in the cube (kinks in the data)
    )


def _mlp(inputs: int, config: DFIVConfig, generator: torch.Generator) -> nn.Sequential:
    layers: list[nn.Module] = []
    width = inputs
    for _ in range(config.depth):
        layers += [nn.Linear(width, config.width), nn.ReLU()]
        width = config.width
    if config.head:
        layers.append(nn.Linear(width, config.features))
    net = nn.Sequential(*layers).double()
    with torch.no_grad():
        for layer in net:
            if isinstance(layer, nn.Linear):  # PyTorch's default init, drawn from our generator
                bound = 1.0 / layer.in_features**0.5
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.uniform_(-bound, bound, generator=generator)
        if (
            config.kink_init
        ):  # ReLU(<w, x> - <w, t>): unit normal w, kink through a uniform point t of the cube
            first = net[0]
            assert isinstance(first, nn.Linear)
            w = torch.randn(first.weight.shape, generator=generator, dtype=torch.float64)
            w = w / w.norm(dim=1, keepdim=True)
            t = torch.rand(first.weight.shape, generator=generator, dtype=torch.float64)
            first.weight.copy_(w)
            first.bias.copy_(-(w * t).sum(1))
    return net


def _with_one(features: torch.Tensor) -> torch.Tensor:
    return torch.cat([features, torch.ones(features.shape[0], 1, dtype=features.dtype)], dim=1)


def ridge(features: torch.Tensor, target: torch.Tensor, penalty: float) -> torch.Tensor:
    """Differentiable ``argmin_W ||target - features W||^2 + penalty ||W||^2`` (float64)."""
    gram = features.T @ features + penalty * torch.eye(features.shape[1], dtype=features.dtype)
    return torch.linalg.solve(gram, features.T @ target)


@dataclass
class DFIVFit:
    """A trained DFIV estimate ``f(x) = [psi(x), 1] beta`` and its training record."""

    treatment_net: nn.Sequential
    beta: torch.Tensor  # (features + 1, 1)
    stage2_losses: list[float]  # penalised Stage-2 loss per epoch (divided by n)

    @torch.no_grad()
    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return (_with_one(self.treatment_net(x.double())) @ self.beta)[:, 0]


def _stage2(
    psi: nn.Sequential,
    phi_z1: torch.Tensor,
    phi_z2: torch.Tensor,
    x1: torch.Tensor,
    y2: torch.Tensor,
    config: DFIVConfig,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Stage-1 weights from psi(X1), then the Stage-2 fit: (penalised loss / n, beta)."""
    m, n = x1.shape[0], y2.shape[0]
    w1 = ridge(phi_z1, psi(x1), config.lam1 * m)  # (k+1, k)
    predicted = _with_one(phi_z2 @ w1)  # (n, k+1)
    beta = ridge(predicted, y2[:, None], config.lam2 * n)
    residual = y2[:, None] - predicted @ beta
    loss = (residual.pow(2).sum() + config.lam2 * n * beta.pow(2).sum()) / n
    return loss, beta


def fit_dfiv(
    config: DFIVConfig,
    stage1: tuple[torch.Tensor, torch.Tensor],
    stage2: tuple[torch.Tensor, torch.Tensor],
    generator: torch.Generator,
) -> DFIVFit:
    """Train DFIV on ``stage1 = (x1, z1)`` (m samples) and ``stage2 = (z2, y2)`` (n samples)."""
    x1, z1 = stage1[0].double(), stage1[1].double()
    z2, y2 = stage2[0].double(), stage2[1].double()
    psi = _mlp(x1.shape[1], config, generator)
    phi = _mlp(z1.shape[1], config, generator)
    opt_psi = torch.optim.Adam(psi.parameters(), lr=config.lr)
    opt_phi = torch.optim.Adam(phi.parameters(), lr=config.lr)
    m = x1.shape[0]
    losses: list[float] = []
    for _ in range(config.epochs):
        target = psi(x1).detach()
        for _ in range(config.stage1_iters):
            opt_phi.zero_grad()
            features = _with_one(phi(z1))
            w1 = ridge(features, target, config.lam1 * m)
            loss1 = (target - features @ w1).pow(2).sum() + config.lam1 * m * w1.pow(2).sum()
            (loss1 / m).backward()
            opt_phi.step()
        with torch.no_grad():
            phi_z1, phi_z2 = _with_one(phi(z1)), _with_one(phi(z2))
        for _ in range(config.stage2_iters):
            opt_psi.zero_grad()
            loss2, _ = _stage2(psi, phi_z1, phi_z2, x1, y2, config)
            loss2.backward()
            opt_psi.step()
        losses.append(float(loss2.detach()))
    with torch.no_grad():
        phi_z1, phi_z2 = _with_one(phi(z1)), _with_one(phi(z2))
        _, beta = _stage2(psi, phi_z1, phi_z2, x1, y2, config)
    return DFIVFit(psi, beta, losses)


STACK_ROWS = 4096  # samples per stacked step (seeds x n): larger stacks leave the cache and step slower


def _stacked_forward(net: nn.Sequential, params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """``net``'s architecture applied with stacked parameters (name -> (S, ...)) to ``x (S, n, inputs)``."""
    for index, layer in enumerate(net):
        if isinstance(layer, nn.Linear):
            weight, bias = params[f"{index}.weight"], params[f"{index}.bias"]
            x = torch.baddbmm(bias[:, None, :], x, weight.transpose(1, 2))
        else:
            x = torch.relu(x)
    return x


def _with_ones(features: torch.Tensor) -> torch.Tensor:
    shape = (*features.shape[:-1], 1)
    return torch.cat([features, torch.ones(shape, dtype=features.dtype)], dim=-1)


def _penalised_gram(features: torch.Tensor, penalty: float) -> torch.Tensor:
    """``F^T F + penalty I`` for a stack ``F (S, n, k)``."""
    eye = torch.eye(features.shape[-1], dtype=features.dtype)
    return features.transpose(1, 2) @ features + penalty * eye


def _stage2_from_moments(
    w1: torch.Tensor, gram: torch.Tensor, cross: torch.Tensor, energy: torch.Tensor, penalty: float
) -> torch.Tensor:
    """The penalised Stage-2 loss (times n) of a stack, from ``phi(Z2)``'s moments: ``gram = F^T F``,
    ``cross = F^T Y2``, ``energy = Y2^T Y2``, ``F = [phi(Z2), 1] (S, n, k+1)``, Stage-1 weights ``w1``.

    The predicted features are ``[F w1, 1] = F L`` with ``L = [w1, e]`` (``e`` picks F's column of
    ones), so the ridge fit needs only ``L^T gram L`` and ``L^T cross``, and its penalised residual is
    ``energy - beta . L^T cross``: O(k^3) per step instead of O(n k^2). The same function of ``w1`` as
    the residual form in :func:`_stage2`, up to float round-off; that difference of two nearly equal
    numbers loses digits as the fit's residual becomes small against ``||Y2||^2`` (float64: 1e-8 per
    seed at kim2025's designs, whose noise keeps the residual well away from zero)."""
    last = torch.zeros(*w1.shape[:-1], 1, dtype=w1.dtype)
    last[:, -1] = 1.0
    lift = torch.cat([w1, last], dim=-1)
    moment = lift.transpose(1, 2) @ cross
    eye = torch.eye(lift.shape[-1], dtype=lift.dtype)
    beta = torch.linalg.solve(lift.transpose(1, 2) @ gram @ lift + penalty * eye, moment)
    return energy - (moment * beta).sum((1, 2))


def fit_dfiv_batched(
    config: DFIVConfig,
    stage1: Sequence[tuple[torch.Tensor, torch.Tensor]],
    stage2: Sequence[tuple[torch.Tensor, torch.Tensor]],
    generators: Sequence[torch.Generator],
    *,
    max_rows: int = STACK_ROWS,
) -> list[DFIVFit]:
    """:func:`fit_dfiv` for S seeds at once (the same m and n for all): seed s's nets are drawn from
    ``generators[s]`` as :func:`fit_dfiv` draws them, then the seeds are trained as stacked models (one
    Adam over the stacked parameters on the sum of the seeds' losses: each seed gets its own update),
    at most ``max_rows // n`` seeds per stack (at least one). The same fits as S calls of
    :func:`fit_dfiv`, up to float round-off (reduction order, Stage 1's gradient at the ridge
    minimiser, Stage 2 from moments)."""
    group = max(1, max_rows // stage2[0][0].shape[0])
    if len(generators) > group:
        return [
            fit
            for start in range(0, len(generators), group)
            for fit in fit_dfiv_batched(
                config,
                stage1[start : start + group],
                stage2[start : start + group],
                generators[start : start + group],
                max_rows=max_rows,
            )
        ]
    x1 = torch.stack([s[0].double() for s in stage1])
    z1 = torch.stack([s[1].double() for s in stage1])
    z2 = torch.stack([s[0].double() for s in stage2])
    y2 = torch.stack([s[1].double() for s in stage2])[:, :, None]
    psis, phis = [], []
    for generator, (x, z) in zip(generators, stage1, strict=True):
        psis.append(_mlp(x.shape[1], config, generator))
        phis.append(_mlp(z.shape[1], config, generator))
    psi, phi = stack_parameters(psis), stack_parameters(phis)
    opt_psi = torch.optim.Adam(list(psi.values()), lr=config.lr)
    opt_phi = torch.optim.Adam(list(phi.values()), lr=config.lr)
    m, n = x1.shape[1], y2.shape[1]
    losses: list[torch.Tensor] = []
    # phi changes only at a Stage-1 step, psi only at a Stage-2 step: phi(Z1) (with its graph) and its
    # penalised Gram matrix, built after each phi step, serve as the next Stage 1's features and
    # as Stage 2's fixed features and Gram (factorised once per epoch); psi(X1), built at the start
    # of an epoch, is Stage 1's target (detached) and Stage 2's first psi(X1): exact reuse. Stage 1's
    # gradient in phi(Z1) is taken at the ridge minimiser w1 (the envelope theorem: the path through
    # w1 contributes zero), Stage 2's loss is written in k x k moments: the same gradients, up to
    # float round-off (tests/unit/test_dfiv_exact.py).
    features = _with_ones(_stacked_forward(phis[0], phi, z1))
    gram1 = _penalised_gram(features.detach(), config.lam1 * m)
    energy = y2.pow(2).sum((1, 2))
    for _ in range(config.epochs):
        psi_x1 = _stacked_forward(psis[0], psi, x1)
        target = psi_x1.detach()
        for _ in range(config.stage1_iters):
            opt_phi.zero_grad()
            with torch.no_grad():  # d/dF of (||T - F w1||^2 + lam ||w1||^2) / m at the minimiser w1
                w1 = torch.linalg.solve(gram1, features.transpose(1, 2) @ target)
                grad = (features @ w1 - target) @ w1.transpose(1, 2) * (2.0 / m)
            features.backward(grad)
            opt_phi.step()
            features = _with_ones(_stacked_forward(phis[0], phi, z1))
            gram1 = _penalised_gram(features.detach(), config.lam1 * m)
        with torch.no_grad():
            phi_z1 = features.detach()
            phi_z2 = _with_ones(_stacked_forward(phis[0], phi, z2))
            lu, pivots = torch.linalg.lu_factor(gram1)
            gram2, cross2 = phi_z2.transpose(1, 2) @ phi_z2, phi_z2.transpose(1, 2) @ y2
        for step in range(config.stage2_iters):
            opt_psi.zero_grad()
            if step:
                psi_x1 = _stacked_forward(psis[0], psi, x1)
            w1 = torch.linalg.lu_solve(lu, pivots, phi_z1.transpose(1, 2) @ psi_x1)
            loss2 = _stage2_from_moments(w1, gram2, cross2, energy, config.lam2 * n) / n
            loss2.sum().backward()
            opt_psi.step()
        losses.append(loss2.detach())
    unstack_into(psis, psi)
    unstack_into(phis, phi)
    record = torch.stack(losses).T.tolist() if losses else [[] for _ in psis]
    fits = []
    for s, (psi_s, phi_s) in enumerate(zip(psis, phis, strict=True)):
        with torch.no_grad():
            phi_z1_s, phi_z2_s = _with_one(phi_s(z1[s])), _with_one(phi_s(z2[s]))
            _, beta_s = _stage2(psi_s, phi_z1_s, phi_z2_s, x1[s], y2[s, :, 0], config)
        fits.append(DFIVFit(psi_s, beta_s, record[s]))
    return fits
