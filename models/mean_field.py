"""A mean-field two-layer network trained by discretised mean-field Langevin dynamics.

The network is an average of N neurons ``h(x, z) = s * tanh(w . z + b)`` with
particle ``x = (w, b)``. Training minimises the entropy-regularised risk
``F(mu) + lam * Ent(mu)`` with ``F(mu) = mean_j (f_mu(z_j) - y_j)^2 / 2 + lam' E_mu |x|^2``
by noisy gradient descent on the particles (Nitanda et al. 2025, eq. (MFLD)):

    x_i <- x_i - eta * (grad_x dF/dmu(x_i) + 2 lam' x_i) + sqrt(2 lam eta) * xi_i.

R independent replicas are run at once as an (R, N, d + 1) tensor; the
gradient is closed-form, so no autograd is involved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True, kw_only=True)
class MeanFieldConfig:
    """Hyper-parameters of the network and of the Langevin discretisation."""

    scale: float  # s, the output scale of every neuron
    entropy: float  # lam, the entropy (temperature) coefficient
    weight_decay: float  # lam', the coefficient of E_mu |x|^2 in F
    step: float = 0.1  # eta
    steps: int = 200  # T

    def __post_init__(self) -> None:
        if not (self.scale > 0 and self.entropy > 0 and self.weight_decay >= 0 and self.step > 0):
            raise ValueError(f"invalid mean-field configuration {self}")
        if self.steps < 0:
            raise ValueError(f"steps must be >= 0, got {self.steps}")


def network_outputs(particles: torch.Tensor, inputs: torch.Tensor, scale: float) -> torch.Tensor:
    """f(z_j) for every replica: particles (R, N, d + 1), inputs (n, d) -> (R, n)."""
    z1 = _with_bias(inputs)  # (n, d + 1)
    return scale * torch.tanh(particles @ z1.T).mean(dim=1)  # (R, N, n) -> (R, n)


def train(
    config: MeanFieldConfig,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    *,
    replicas: int,
    width: int,
    generator: torch.Generator,
    record: Sequence[int] = (),
) -> np.ndarray:
    """Run MFLD on ``replicas`` independent width-``width`` networks.

    Particles start i.i.d. from N(0, I). Returns the outputs on the training
    inputs at each step listed in ``record`` (step 0 is the initialisation;
    the final step ``config.steps`` is always appended if absent), as a float64
    array of shape (distinct recorded steps, replicas, n), in step order.
    """
    if replicas < 1 or width < 1:
        raise ValueError(f"need replicas >= 1 and width >= 1, got {replicas} and {width}")
    marks = sorted({int(t) for t in record} | {config.steps})
    if marks[0] < 0 or marks[-1] > config.steps:
        raise ValueError(f"record steps {marks} outside [0, {config.steps}]")
    z1 = _with_bias(inputs).to(torch.float32)  # (n, d + 1)
    y = targets.to(torch.float32)  # (n,)
    n, dim = z1.shape
    s, eta = config.scale, config.step
    noise = math.sqrt(2.0 * config.entropy * eta)
    shrink = 1.0 - 2.0 * config.weight_decay * eta
    x = torch.randn(replicas, width, dim, generator=generator)  # (R, N, d + 1)
    out: list[torch.Tensor] = []
    for t in range(config.steps + 1):
        act = torch.tanh(x @ z1.T)  # (R, N, n)
        f = s * act.mean(dim=1)  # (R, n)
        if t in marks:
            out.append(f.clone())
        if t == config.steps:
            break
        resid = (f - y) * (s / n)  # (R, n): d loss / d f, times s
        # grad_x dF/dmu(x) = mean_j (f_j - y_j) s (1 - tanh^2) [z_j; 1]
        grad = ((1.0 - act * act) * resid[:, None, :]) @ z1  # (R, N, d + 1)
        x = shrink * x - eta * grad + noise * torch.randn(x.shape, generator=generator)
    return torch.stack(out).double().numpy()


def _with_bias(inputs: torch.Tensor) -> torch.Tensor:
    ones = torch.ones(inputs.shape[0], 1, dtype=inputs.dtype)
    return torch.cat([inputs, ones], dim=1)
