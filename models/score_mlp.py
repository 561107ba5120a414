"""A small score network and its denoising-score-matching trainer, with a risk-sensitive variant.

``ScoreMLP`` maps (x, t) to a noise prediction eps_hat (the score is
-eps_hat / sigma(t) under the VP schedule of :mod:`tasks.sde`): an MLP with
SiLU activations on x and Fourier features of t.

``train_dsm`` fits it (``train_dsm_batched``: several seeds' fits as one stacked
model) by denoising score matching on samples x_0 with a
per-sample *risk* r >= 0 (the standard deviation of Gaussian noise already
present in the sample, Li, Luyten, van der Schaar 2024):

* ``risk_sensitive=False`` is standard DSM, x_t = alpha x_0 + sigma z with
  target -z / sigma, whatever the risk (noisy samples are taken at face value);
* ``risk_sensitive=True`` shrinks the injected noise by what the sample
  already carries, x_t = alpha x_0 + sigma_r z with sigma_r^2 = sigma^2 -
  alpha^2 r^2, and regresses on -z / sigma_r; a pair (sample, t) enters only
  where sigma^2 >= alpha^2 r^2. For Gaussian noise x_t then has the law of the
  clean sample's forward marginal, so the minimiser is the clean score.

The loss is weighted by the injected variance (sigma_r^2 ||s + z / sigma_r||^2),
the usual eps-prediction weighting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from models.stacked import stack_parameters, stacked_linear, unstack_into


@dataclass(frozen=True, kw_only=True)
class ScoreConfig:
    """Architecture and optimiser of a ScoreMLP fit."""

    dim: int = 1
    width: int = 64
    frequencies: int = 4  # Fourier features sin/cos(pi k t), k = 1..frequencies
    steps: int = 1500
    batch: int = 1024
    lr: float = 3e-3  # peak of a one-cycle schedule
    t_min: float = 1e-3
    beta_min: float = 0.1
    beta_max: float = 20.0


class ScoreMLP(nn.Module):
    """eps_hat(x, t): (n, dim), (n, 1) -> (n, dim)."""

    def __init__(self, config: ScoreConfig, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        inputs = config.dim + 1 + 2 * config.frequencies
        self.net = nn.Sequential(
            nn.Linear(inputs, config.width),
            nn.SiLU(),
            nn.Linear(config.width, config.width),
            nn.SiLU(),
            nn.Linear(config.width, config.dim),
        )
        with torch.no_grad():
            for layer in self.net:
                if isinstance(layer, nn.Linear):
                    bound = 1.0 / math.sqrt(layer.in_features)
                    layer.weight.uniform_(-bound, bound, generator=generator)
                    layer.bias.uniform_(-bound, bound, generator=generator)
        self.k: torch.Tensor
        self.register_buffer("k", torch.arange(1, config.frequencies + 1, dtype=torch.float32) * math.pi)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        angles = t * self.k  # (n, F)
        return self.net(torch.cat([x, t, torch.sin(angles), torch.cos(angles)], dim=-1))

    def log_alpha(self, t: torch.Tensor) -> torch.Tensor:
        c = self.config
        return -0.5 * (c.beta_min * t + 0.5 * (c.beta_max - c.beta_min) * t * t)

    def score(self, x: np.ndarray, t: float) -> np.ndarray:
        """The score -eps_hat / sigma(t) at numpy points (n, dim): a callable for tasks.sde samplers."""
        tt = torch.full((len(x), 1), float(t))
        sigma = torch.sqrt(-torch.expm1(2.0 * self.log_alpha(tt)))
        with torch.no_grad():
            out = -self(torch.as_tensor(x, dtype=torch.float32), tt) / sigma
        return out.double().numpy()


def time_features(k: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """[t, sin(k t), cos(k t)]: the inputs of a ScoreMLP after x, (..., 1) -> (..., 1 + 2 F)."""
    angles = t * k
    return torch.cat([t, torch.sin(angles), torch.cos(angles)], dim=-1)


def _stacked_eps_hat(
    params: Mapping[str, torch.Tensor],
    k: torch.Tensor,
    x: torch.Tensor,
    t: torch.Tensor,
    features: torch.Tensor | None = None,
) -> torch.Tensor:
    """S ScoreMLPs over stacked parameters (name -> (S, ...)) at once: x (S, n, dim), t (S, n, 1) ->
    (S, n, dim), ``ScoreMLP.forward`` of each seed's network (batched matrix products);
    ``features``: ``time_features(k, t)`` when the caller has it already."""
    h = torch.cat([x, time_features(k, t) if features is None else features], dim=-1)
    for i in (0, 2, 4):  # net.0, net.2, net.4: the Linear layers (SiLU after the first two)
        h = stacked_linear(h, params[f"net.{i}.weight"], params[f"net.{i}.bias"])
        h = torch.nn.functional.silu(h) if i < 4 else h
    return h


class StackedScore:
    """The scores of S fitted ScoreMLPs evaluated as one stacked network (inference only).

    ``score(x, t, which)``: x (len(which), n, dim) numpy, the states of the
    seeds ``which`` (indices into ``models``) -> their scores -eps_hat / sigma(t),
    each row ``models[which[i]].score`` of that row up to floating-point
    reduction order.
    """

    def __init__(self, models: Sequence[ScoreMLP]) -> None:
        if not models:
            raise ValueError("need at least one model")
        self.base = models[0]
        with torch.no_grad():
            self.params = {n: p.detach() for n, p in stack_parameters(models).items()}
        self._subsets: dict[tuple[int, ...], dict[str, torch.Tensor]] = {}
        self._times: dict[tuple[tuple[int, ...], float], tuple[torch.Tensor, ...]] = {}

    def score(self, x: np.ndarray, t: float, which: Sequence[int]) -> np.ndarray:
        key = tuple(int(i) for i in which)
        if key not in self._subsets:
            index = torch.as_tensor(key, dtype=torch.long)
            self._subsets[key] = {n: p.index_select(0, index) for n, p in self.params.items()}
        params = self._subsets[key]
        shape = (*x.shape[:-1], 1)
        if (shape, float(t)) not in self._times:  # the same few times recur at every correction
            tt = torch.full(shape, float(t))
            sigma = torch.sqrt(-torch.expm1(2.0 * self.base.log_alpha(tt)))
            self._times[shape, float(t)] = tt, sigma, time_features(self.base.k, tt)
        tt, sigma, features = self._times[shape, float(t)]
        with torch.no_grad():
            eps = _stacked_eps_hat(params, self.base.k, torch.as_tensor(x, dtype=torch.float32), tt, features)
            out = -eps / sigma
        return out.double().numpy()


def train_dsm(
    samples: np.ndarray,
    risks: np.ndarray,
    config: ScoreConfig,
    *,
    risk_sensitive: bool,
    generator: torch.Generator,
) -> tuple[ScoreMLP, float]:
    """Fit a ScoreMLP on samples (n, dim) with per-sample risks (n,); returns it and its final-loss average.

    The returned loss is the mean over the last 10% of steps (a convergence
    diagnostic: the eps-prediction loss of a fitted model is well below 1,
    its value at eps_hat = 0).
    """
    model = ScoreMLP(config, generator)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config.lr, total_steps=config.steps)
    x_all = torch.as_tensor(samples, dtype=torch.float32).reshape(len(samples), config.dim)
    r_all = torch.as_tensor(risks, dtype=torch.float32).reshape(-1, 1)
    tail: list[float] = []
    for step in range(config.steps):
        idx = torch.randint(len(x_all), (config.batch,), generator=generator)
        x0, r = x_all[idx], r_all[idx]
        t = config.t_min + (1.0 - config.t_min) * torch.rand(config.batch, 1, generator=generator)
        log_alpha = model.log_alpha(t)
        alpha, sigma = torch.exp(log_alpha), torch.sqrt(-torch.expm1(2.0 * log_alpha))
        z = torch.randn(config.batch, config.dim, generator=generator)
        if risk_sensitive:
            var = sigma**2 - (alpha * r) ** 2
            feasible = (var > 0).float()
            injected = torch.sqrt(var.clamp(min=1e-12))
            score = -model(alpha * x0 + injected * z, t) / sigma
            per = ((injected * score + z) ** 2).sum(-1, keepdim=True) * feasible
            loss = per.sum() / feasible.sum().clamp(min=1.0)
        else:
            loss = ((model(alpha * x0 + sigma * z, t) - z) ** 2).sum(-1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
        if step >= config.steps - max(1, config.steps // 10):
            tail.append(float(loss.detach()))
    return model, float(np.mean(tail))


def train_dsm_batched(
    samples: Sequence[np.ndarray],
    risks: Sequence[np.ndarray],
    config: ScoreConfig,
    *,
    risk_sensitive: bool,
    generators: Sequence[torch.Generator],
) -> tuple[list[ScoreMLP], list[float]]:
    """``train_dsm`` for S seeds at once: one ScoreMLP per (samples, risks, generator), trained together.

    Each seed's model is initialised and its minibatches, times and noise are
    drawn from its own generator in the order ``train_dsm`` draws them, and
    its loss is the same expression; the S models are one network over
    stacked parameters (leading seed dimension, batched matrix products) and
    one Adam (elementwise, so each seed's update is its own) on the sum of the
    S losses. Each seed's
    result is ``train_dsm``'s up to floating-point reduction order.
    """
    if not (len(samples) == len(risks) == len(generators) > 0):
        raise ValueError(
            f"need one sample set, risk vector and generator per seed (got {len(samples)}, "
            f"{len(risks)}, {len(generators)})"
        )
    models = [ScoreMLP(config, g) for g in generators]
    params = stack_parameters(models)  # name -> (S, ...)
    base = models[0]

    def eps_hat(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return _stacked_eps_hat(params, base.k, x, t)

    opt = torch.optim.Adam(list(params.values()), lr=config.lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config.lr, total_steps=config.steps)
    x_all = [torch.as_tensor(s, dtype=torch.float32).reshape(len(s), config.dim) for s in samples]
    r_all = [torch.as_tensor(r, dtype=torch.float32).reshape(-1, 1) for r in risks]
    tails: list[list[float]] = [[] for _ in generators]
    for step in range(config.steps):
        draws = []
        for x_s, r_s, g in zip(x_all, r_all, generators, strict=True):
            idx = torch.randint(len(x_s), (config.batch,), generator=g)
            t_s = config.t_min + (1.0 - config.t_min) * torch.rand(config.batch, 1, generator=g)
            draws.append((x_s[idx], r_s[idx], t_s, torch.randn(config.batch, config.dim, generator=g)))
        x0, r, t, z = (torch.stack(parts) for parts in zip(*draws, strict=True))  # (S, batch, .)
        log_alpha = base.log_alpha(t)
        alpha, sigma = torch.exp(log_alpha), torch.sqrt(-torch.expm1(2.0 * log_alpha))
        if risk_sensitive:
            var = sigma**2 - (alpha * r) ** 2
            feasible = (var > 0).float()
            injected = torch.sqrt(var.clamp(min=1e-12))
            score = -eps_hat(alpha * x0 + injected * z, t) / sigma
            per = ((injected * score + z) ** 2).sum(-1, keepdim=True) * feasible
            losses = per.sum(dim=(1, 2)) / feasible.sum(dim=(1, 2)).clamp(min=1.0)  # (S,)
        else:
            losses = ((eps_hat(alpha * x0 + sigma * z, t) - z) ** 2).sum(-1).mean(-1)
        opt.zero_grad()
        losses.sum().backward()
        opt.step()
        schedule.step()
        if step >= config.steps - max(1, config.steps // 10):
            for tail, loss in zip(tails, losses.detach().tolist(), strict=True):
                tail.append(float(loss))
    unstack_into(models, params)
    return models, [float(np.mean(tail)) for tail in tails]
