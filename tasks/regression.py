"""Regression instances for mean-field networks: Gaussian inputs and a bounded teacher.

An instance fixes what the theorems of Nitanda et al. (2025) quantify over:
the input dimension, the number of training points, the teacher, the
entropy coefficient lam, the weight decay lam' and the neuron output scale.
The training inputs themselves are drawn from a seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

SINE_WEIGHT = 0.25  # weight of the sine term of the teacher


@dataclass(frozen=True, kw_only=True)
class Regression:
    """A regression task: y = tanh(a . z) + 0.25 sin(2 a . z), z ~ N(0, I_dim)."""

    teacher: tuple[float, ...]  # a, one coefficient per input dimension
    points: int  # n, training points
    entropy: float  # lam
    weight_decay: float  # lam'
    scale: float  # s, output scale of a neuron

    @property
    def dim(self) -> int:
        """Input dimension."""
        return len(self.teacher)


def teacher(task: Regression, inputs: torch.Tensor) -> torch.Tensor:
    """The bounded teacher on inputs (n, dim) -> (n,); |y| <= 1.25."""
    a = torch.tensor(task.teacher, dtype=inputs.dtype)
    u = inputs @ a  # (n,)
    return torch.tanh(u) + SINE_WEIGHT * torch.sin(2.0 * u)


def sample(task: Regression, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Training inputs (n, dim) drawn i.i.d. N(0, I) and their teacher targets (n,)."""
    inputs = torch.randn(task.points, task.dim, generator=generator, dtype=torch.float64)
    return inputs, teacher(task, inputs)


def _check_range(name: str, low: float, high: float, floor: float) -> None:
    if not (floor <= low <= high):
        raise InvalidArgument(f"need {floor} <= min_{name}={low} <= max_{name}={high}")


def regressions(
    *,
    min_dim: int = 1,
    max_dim: int = 3,
    min_points: int = 16,
    max_points: int = 64,
    min_entropy: float = 0.01,
    max_entropy: float = 0.2,
    min_weight_decay: float = 0.01,
    max_weight_decay: float = 0.1,
    min_scale: float = 1.0,
    max_scale: float = 4.0,
    min_lead: float = 0.0,
) -> st.SearchStrategy[Regression]:
    """Regression tasks with teacher coefficients in [-2, 2].

    With ``min_lead > 0`` the first coefficient has magnitude in
    ``[min_lead, 2]`` (a teacher that is not zero: with ``a = 0`` the target is
    0 and the problem is symmetric under ``x -> -x``). Shrinking moves towards
    the smallest dimension, the fewest points, zero teacher coefficients (the
    first one towards ``+min_lead``), and the lower ends of lam, lam' and the
    scale.
    """
    _check_range("dim", min_dim, max_dim, 1)
    _check_range("points", min_points, max_points, 2)
    _check_range("entropy", min_entropy, max_entropy, 1e-6)
    _check_range("weight_decay", min_weight_decay, max_weight_decay, 0.0)
    _check_range("scale", min_scale, max_scale, 1e-6)
    _check_range("lead", min_lead, 2.0, 0.0)
    coefficient = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)
    teachers = st.lists(coefficient, min_size=min_dim, max_size=max_dim).map(tuple)
    if min_lead > 0:
        lead = st.tuples(st.floats(min_value=min_lead, max_value=2.0), st.booleans()).map(
            lambda v: -v[0] if v[1] else v[0]
        )
        rest = st.lists(coefficient, min_size=min_dim - 1, max_size=max_dim - 1)
        teachers = st.tuples(lead, rest).map(lambda v: (v[0], *v[1]))
    return st.builds(
        Regression,
        teacher=teachers,
        points=st.integers(min_value=min_points, max_value=max_points),
        entropy=st.floats(min_value=min_entropy, max_value=max_entropy),
        weight_decay=st.floats(min_value=min_weight_decay, max_value=max_weight_decay),
        scale=st.floats(min_value=min_scale, max_value=max_scale),
    )
