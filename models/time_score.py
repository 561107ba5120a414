"""Time score matching (Choi, Meng, Song, Ermon 2022): a Gaussian-path time-score model, its loss and trainer.

The bridge between p_0 = N(0, I) and p_1 is the law of x_t = sqrt(1 - t^2) x_0
+ t x_1 (the convention of the authors' toy code, ermongroup/dre-infinity). For
a Gaussian p_1 = N(m, I + theta) the bridge is N(t m, I + t^2 theta) and its
time score d/dt log p_t(x) is

    s(x, t) = -tr(S^-1 S') / 2 + (x - t m)' S^-1 S' S^-1 (x - t m) / 2 + (x - t m)' S^-1 m,

S = I + t^2 theta, S' = 2 t theta. :class:`GaussianPathTimeScore` is that
family with learnable symmetric theta (and optionally m): the authors'
``toy_param_mvn_mi`` / ``toy_param_scorenet`` parameterisation. Integrating
the time score over t in [0, 1] gives log p_1(x) - log p_0(x).

:func:`tsm_loss` is the integration-by-parts objective with weight
lambda(t) = 1 - t^2 + eps (the authors' reweighting):

    E_t E_{x_t}[lambda s^2 / 2 + lambda d_t s + lambda' s]
        + lambda(0) E_{p_0} s(x, 0) - lambda(1) E_{p_1} s(x, 1),

d_t s the partial derivative at fixed x. Times are drawn per group of the
batch (one t per group), so a step inverts only ``groups`` matrices.
``total_derivative=True`` builds x_t from the differentiated t, so autograd
returns d/dt s(x_t(t), t) along the path instead: the implementation error
that the objective does not forgive (a control of the claims).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

Sampler = Callable[[int, torch.Generator], torch.Tensor]
DTYPE = torch.float64


class GaussianPathTimeScore(nn.Module):
    """s(x, t) of the bridge N(t m, I + t^2 theta); x (G, n, d), t (G, 1) -> (G, n).

    theta = (A + A') / 2 (the authors' parameterisation), or with ``cholesky=True``
    theta = L L' - I, L lower-triangular with diagonal exp(diag A): p_1's covariance
    stays positive definite and its scale is learnt on a log scale (needed for
    peaked p_1, whose variance is 1e-6 of p_0's).
    """

    def __init__(
        self,
        dim: int,
        generator: torch.Generator,
        *,
        learn_mean: bool = False,
        init: float = 0.05,
        cholesky: bool = False,
    ):
        super().__init__()
        self.cholesky = cholesky
        self.a = nn.Parameter(init * torch.randn(dim, dim, generator=generator, dtype=DTYPE))
        self.m = nn.Parameter(torch.zeros(dim, dtype=DTYPE), requires_grad=learn_mean)

    @property
    def theta(self) -> torch.Tensor:
        if self.cholesky:
            lower = torch.tril(self.a, -1) + torch.diag(torch.exp(torch.diagonal(self.a)))
            return lower @ lower.T - torch.eye(self.a.shape[0], dtype=DTYPE)
        return 0.5 * (self.a + self.a.T)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        theta, m = self.theta, self.m
        eye = torch.eye(theta.shape[0], dtype=DTYPE)
        s_inv = torch.linalg.inv(eye + (t * t)[:, :, None] * theta)  # (G, d, d)
        ds = 2.0 * t[:, :, None] * theta  # S'
        centred = x - t[:, None, :] * m  # (G, n, d)
        y = torch.einsum("gij,gnj->gni", s_inv, centred)  # S^-1 (x - t m)
        trace = torch.einsum("gij,gji->g", s_inv, ds)
        quad = torch.einsum("gni,gij,gnj->gn", y, ds, y)
        return -0.5 * trace[:, None] + 0.5 * quad + y @ m

    def log_ratio(self, x: torch.Tensor) -> torch.Tensor:
        """Closed form log N(x; m, I + theta) - log N(x; 0, I) (what the time score integrates to)."""
        eye = torch.eye(self.theta.shape[0], dtype=DTYPE)
        cov = eye + self.theta
        centred = x - self.m
        quad = (centred * torch.linalg.solve(cov, centred.T).T).sum(-1)
        return -0.5 * quad - 0.5 * torch.logdet(cov) + 0.5 * (x * x).sum(-1)


def tsm_loss(
    model: nn.Module,
    x0: torch.Tensor,
    x1: torch.Tensor,
    *,
    groups: int,
    generator: torch.Generator,
    eps: float = 1e-5,
    total_derivative: bool = False,
) -> torch.Tensor:
    """The weighted time-score-matching objective on a batch (n, d) of p_0 and of p_1 draws."""
    n, d = x0.shape
    per = n // groups
    t = torch.rand(groups, 1, generator=generator, dtype=DTYPE)
    t_grad = t.clone().requires_grad_(True)
    t_path = (t_grad if total_derivative else t)[:, :, None]
    xt = torch.sqrt(1.0 - t_path**2) * x0[: groups * per].view(groups, per, d)
    xt = xt + t_path * x1[: groups * per].view(groups, per, d)
    s = model(xt, t_grad)  # (G, per)
    ds = torch.autograd.grad(s.sum(), t_grad, create_graph=True)[0]  # (G, 1): sum over the group
    lam = 1.0 - t * t + eps
    body = (0.5 * lam * s * s - 2.0 * t * s).sum() + (lam * ds).sum()
    zero, one = torch.zeros(1, 1, dtype=DTYPE), torch.ones(1, 1, dtype=DTYPE)
    start = (1.0 + eps) * model(x0[None], zero).sum() * (groups * per) / n
    end = eps * model(x1[None], one).sum() * (groups * per) / n
    return (body + start - end) / (groups * per)


@dataclass(frozen=True, kw_only=True)
class TSMConfig:
    steps: int = 800
    batch: int = 512
    groups: int = 16
    lr: float = 1e-2  # cosine-annealed to 0
    total_derivative: bool = False


def train_tsm(
    model: nn.Module, draw0: Sampler, draw1: Sampler, config: TSMConfig, generator: torch.Generator
) -> float:
    """Fit ``model`` by TSM on fresh draws each step; returns the mean loss over the last 10% of steps."""
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=config.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, config.steps)
    tail: list[float] = []
    for step in range(config.steps):
        loss = tsm_loss(
            model,
            draw0(config.batch, generator),
            draw1(config.batch, generator),
            groups=config.groups,
            generator=generator,
            total_derivative=config.total_derivative,
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
        if step >= config.steps - max(1, config.steps // 10):
            tail.append(float(loss.detach()))
    return float(np.mean(tail))


def integrate_time_score(model: nn.Module, x: torch.Tensor, nodes: int = 48) -> torch.Tensor:
    """int_0^1 s(x, t) dt at points x (n, d): Gauss-Legendre after t = 1 - (1 - u)^2 (clustered at t = 1)."""
    u, w = np.polynomial.legendre.leggauss(nodes)
    u, w = (u + 1.0) / 2.0, w / 2.0
    total = torch.zeros(len(x), dtype=DTYPE)
    with torch.no_grad():
        for ui, wi in zip(u, w, strict=True):
            t = 1.0 - (1.0 - ui) ** 2
            jac = 2.0 * (1.0 - ui)
            total += wi * jac * model(x[None], torch.full((1, 1), t, dtype=DTYPE))[0]
    return total


@dataclass(frozen=True, kw_only=True)
class ClassifierConfig:
    steps: int = 1000
    batch: int = 512
    lr: float = 1e-2  # cosine-annealed to 0


def fit_logistic_ratio(
    model: GaussianPathTimeScore,
    data0: torch.Tensor,
    data1: torch.Tensor,
    config: ClassifierConfig,
    generator: torch.Generator,
) -> float:
    """The single-classifier baseline on the same family: logistic regression of p_1 against p_0 draws
    (minibatches of the fixed sets ``data0``, ``data1``) with logit log N(x; m, I + theta) -
    log N(x; 0, I) + c, i.e. ``model.log_ratio`` plus a free constant; returns the final constant c."""
    offset = nn.Parameter(torch.zeros((), dtype=DTYPE))
    params = [p for p in model.parameters() if p.requires_grad] + [offset]
    opt = torch.optim.Adam(params, lr=config.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, config.steps)
    for _ in range(config.steps):
        x0 = data0[torch.randint(len(data0), (config.batch,), generator=generator)]
        x1 = data1[torch.randint(len(data1), (config.batch,), generator=generator)]
        loss = nn.functional.softplus(-(model.log_ratio(x1) + offset)).mean()
        loss = loss + nn.functional.softplus(model.log_ratio(x0) + offset).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
    return float(offset.detach())


# Batched seeds: S models of one class and config trained as one, parameters stacked on a leading
# seed dimension; each seed draws from its own generator in the order of the unbatched trainers.


def _stacked_params(
    models: Sequence[GaussianPathTimeScore], generators: Sequence[torch.Generator]
) -> tuple[torch.Tensor, torch.Tensor]:
    """The models' (a, m) stacked (S, d, d), (S, d) as fresh leaves (m trainable where the models' is)."""
    if not (len(models) == len(generators) > 0):
        raise ValueError(f"need one model per generator ({len(models)}, {len(generators)})")
    first = models[0]
    if any(m.a.shape != first.a.shape or m.cholesky != first.cholesky for m in models) or any(
        m.m.requires_grad != first.m.requires_grad for m in models
    ):
        raise ValueError("the models of one batch need one dimension, one theta form and one learn_mean")
    a = torch.stack([m.a.detach() for m in models]).requires_grad_()
    mean = torch.stack([m.m.detach() for m in models]).requires_grad_(first.m.requires_grad)
    return a, mean


def _copy_back(models: Sequence[GaussianPathTimeScore], a: torch.Tensor, mean: torch.Tensor) -> None:
    with torch.no_grad():
        for s, model in enumerate(models):
            model.a.copy_(a[s])
            model.m.copy_(mean[s])


def stacked_theta(a: torch.Tensor, cholesky: bool) -> torch.Tensor:
    """:attr:`GaussianPathTimeScore.theta` of S stacked ``a`` (S, d, d)."""
    if cholesky:
        lower = torch.tril(a, -1) + torch.diag_embed(torch.exp(torch.diagonal(a, dim1=-2, dim2=-1)))
        return lower @ lower.mT - torch.eye(a.shape[-1], dtype=DTYPE)
    return 0.5 * (a + a.mT)


def stacked_time_score(
    theta: torch.Tensor, m: torch.Tensor, x: torch.Tensor, t: torch.Tensor
) -> torch.Tensor:
    """:meth:`GaussianPathTimeScore.forward` of S stacked models: theta (S, d, d), m (S, d),
    x (S, G, n, d), t (S, G, 1) -> (S, G, n)."""
    eye = torch.eye(theta.shape[-1], dtype=DTYPE)
    s_inv = torch.linalg.inv(eye + (t * t)[..., None] * theta[:, None])  # (S, G, d, d)
    ds = 2.0 * t[..., None] * theta[:, None]
    centred = x - t[:, :, None, :] * m[:, None, None, :]
    # batched matrix products and broadcast sums, not the forward's einsums (1.4x faster a TSM step
    # at S = 4, d = 8, G = 16 with its double backward): the same sums, another order
    y = centred @ s_inv.mT  # S^-1 (x - t m)
    trace = (s_inv * ds.mT).sum(dim=(-2, -1))
    quad = ((y @ ds) * y).sum(-1)
    return -0.5 * trace[..., None] + 0.5 * quad + (y * m[:, None, None, :]).sum(-1)


def stacked_tsm_loss(
    theta: torch.Tensor,
    m: torch.Tensor,
    x0: torch.Tensor,
    x1: torch.Tensor,
    *,
    groups: int,
    generators: Sequence[torch.Generator],
    eps: float = 1e-5,
    total_derivative: bool = False,
) -> torch.Tensor:
    """:func:`tsm_loss` of S stacked models on batches x0, x1 (S, n, d): the S losses (S,), each
    seed's times drawn from its own generator."""
    s_count, n, d = x0.shape
    per = n // groups
    t = torch.stack([torch.rand(groups, 1, generator=g, dtype=DTYPE) for g in generators])  # (S, G, 1)
    t_grad = t.clone().requires_grad_(True)
    t_path = (t_grad if total_derivative else t)[..., None]
    xt = torch.sqrt(1.0 - t_path**2) * x0[:, : groups * per].view(s_count, groups, per, d)
    xt = xt + t_path * x1[:, : groups * per].view(s_count, groups, per, d)
    s = stacked_time_score(theta, m, xt, t_grad)  # (S, G, per)
    ds = torch.autograd.grad(s.sum(), t_grad, create_graph=True)[0]  # each seed's own: its s, its t
    lam = 1.0 - t * t + eps
    body = (0.5 * lam * s * s - 2.0 * t * s).sum(dim=(1, 2)) + (lam * ds).sum(dim=(1, 2))
    zero = torch.zeros(s_count, 1, 1, dtype=DTYPE)
    start = (1.0 + eps) * stacked_time_score(theta, m, x0[:, None], zero).sum(dim=(1, 2)) * (groups * per) / n
    end = eps * stacked_time_score(theta, m, x1[:, None], zero + 1.0).sum(dim=(1, 2)) * (groups * per) / n
    return (body + start - end) / (groups * per)


def train_tsm_batched(
    models: Sequence[GaussianPathTimeScore],
    draw0: Sequence[Sampler],
    draw1: Sequence[Sampler],
    config: TSMConfig,
    generators: Sequence[torch.Generator],
) -> list[float]:
    """:func:`train_tsm` for S seeds at once: ``models[s]`` fitted on ``draw0[s]``, ``draw1[s]`` with
    ``generators[s]``, in the draw order of :func:`train_tsm`.

    One Adam (and one cosine schedule, the same for every seed) over the stacked
    parameters minimises the sum of the S losses: each seed gets its own gradient
    and, Adam being elementwise, its own update, so each seed's run is its
    :func:`train_tsm` run up to float reduction order. The fitted parameters are
    copied back into ``models``; returns each seed's tail loss.
    """
    a, mean = _stacked_params(models, generators)
    cholesky = models[0].cholesky
    opt = torch.optim.Adam([p for p in (a, mean) if p.requires_grad], lr=config.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, config.steps)
    tail: list[torch.Tensor] = []
    for step in range(config.steps):
        x0, x1 = [], []
        for f0, f1, g in zip(draw0, draw1, generators, strict=True):
            x0.append(f0(config.batch, g))
            x1.append(f1(config.batch, g))
        loss = stacked_tsm_loss(
            stacked_theta(a, cholesky),
            mean,
            torch.stack(x0),
            torch.stack(x1),
            groups=config.groups,
            generators=generators,
            total_derivative=config.total_derivative,
        )
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        schedule.step()
        if step >= config.steps - max(1, config.steps // 10):
            tail.append(loss.detach())
    _copy_back(models, a, mean)
    return [float(np.mean(column)) for column in torch.stack(tail).T.tolist()]


def stacked_log_ratio(theta: torch.Tensor, m: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """:meth:`GaussianPathTimeScore.log_ratio` of S stacked models at x (S, n, d) -> (S, n)."""
    cov = torch.eye(theta.shape[-1], dtype=DTYPE) + theta
    centred = x - m[:, None, :]
    quad = (centred * torch.linalg.solve(cov, centred.mT).mT).sum(-1)
    return -0.5 * quad - 0.5 * torch.logdet(cov)[:, None] + 0.5 * (x * x).sum(-1)


def fit_logistic_ratio_batched(
    models: Sequence[GaussianPathTimeScore],
    data0: Sequence[torch.Tensor],
    data1: Sequence[torch.Tensor],
    config: ClassifierConfig,
    generators: Sequence[torch.Generator],
) -> list[float]:
    """:func:`fit_logistic_ratio` for S seeds at once (seed s: ``models[s]``, its sets ``data0[s]``,
    ``data1[s]``, its minibatches from ``generators[s]``), as :func:`train_tsm_batched` stacks
    :func:`train_tsm`. Copies the fits back into ``models``; returns each seed's constant c."""
    a, mean = _stacked_params(models, generators)
    cholesky = models[0].cholesky
    offset = torch.zeros(len(models), dtype=DTYPE, requires_grad=True)
    opt = torch.optim.Adam([p for p in (a, mean) if p.requires_grad] + [offset], lr=config.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, config.steps)
    for _ in range(config.steps):
        x0, x1 = [], []
        for d0, d1, g in zip(data0, data1, generators, strict=True):
            x0.append(d0[torch.randint(len(d0), (config.batch,), generator=g)])
            x1.append(d1[torch.randint(len(d1), (config.batch,), generator=g)])
        theta = stacked_theta(a, cholesky)
        logit1 = stacked_log_ratio(theta, mean, torch.stack(x1)) + offset[:, None]
        logit0 = stacked_log_ratio(theta, mean, torch.stack(x0)) + offset[:, None]
        loss = nn.functional.softplus(-logit1).mean(dim=1) + nn.functional.softplus(logit0).mean(dim=1)
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        schedule.step()
    _copy_back(models, a, mean)
    return offset.detach().tolist()
