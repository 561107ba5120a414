"""Group-sparse classification (Zhang, Meng, Cao 2025): D Gaussian groups, the label reads one of them.

An input is a ``d x D`` matrix ``X`` whose columns (groups) are i.i.d.
``N(0, sigma_x^2 I_d)``; the label is ``y = sign(<x_{j*}, v*>)`` for a fixed
relevant group ``j*`` and unit direction ``v*``. Each group becomes a token by
appending a one-hot positional code, ``z_j = [x_j; e_j]``, so a sample is the
``(d + D) x D`` matrix ``Z`` with tokens as columns. A downstream task keeps
``j*`` and swaps ``v*`` for a new unit direction orthogonal to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument


@dataclass(frozen=True, kw_only=True)
class GroupSparseTask:
    """Groups of size ``d = len(vstar)``, ``groups = D`` of them, relevant group ``jstar``."""

    groups: int
    jstar: int
    vstar: tuple[float, ...]
    sigma_x: float = 1.0

    def __post_init__(self) -> None:
        if self.groups < 2 or not 0 <= self.jstar < self.groups:
            raise ValueError(f"need groups >= 2 and 0 <= jstar < groups, got {self.groups}, {self.jstar}")
        if len(self.vstar) < 1 or abs(math.fsum(v * v for v in self.vstar) - 1.0) > 1e-6:
            raise ValueError("vstar must be a non-empty unit vector")
        if not self.sigma_x > 0:
            raise ValueError(f"sigma_x must be > 0, got {self.sigma_x}")

    @property
    def d(self) -> int:
        """Size of one group."""
        return len(self.vstar)

    @property
    def dim(self) -> int:
        """Token dimension ``d + D``."""
        return self.d + self.groups


@dataclass(frozen=True, kw_only=True)
class DownstreamTask:
    """A pretraining task and a downstream direction ``vnew`` (unit, orthogonal to ``vstar``)."""

    task: GroupSparseTask
    vnew: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.vnew) != self.task.d or abs(math.fsum(v * v for v in self.vnew) - 1.0) > 1e-6:
            raise ValueError("vnew must be a unit vector of the task's group size")

    @property
    def downstream(self) -> GroupSparseTask:
        """The downstream task: same groups and ``j*``, direction ``vnew``."""
        return replace(self.task, vstar=self.vnew)


def sample(task: GroupSparseTask, n: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` samples: tokens ``Z (n, d + D, D)`` (columns ``[x_j; e_j]``), labels ``y (n,)`` in {-1, 1}."""
    x = task.sigma_x * torch.randn(n, task.d, task.groups, generator=gen)  # (n, d, D)
    v = torch.tensor(task.vstar, dtype=x.dtype)
    y = torch.sign(torch.einsum("ndj,d->nj", x, v)[:, task.jstar])  # (n,)
    y[y == 0] = 1.0
    pos = torch.eye(task.groups, dtype=x.dtype).expand(n, -1, -1)  # (n, D, D)
    return torch.cat([x, pos], dim=1), y


def _unit(raw: list[float], fallback: list[float]) -> tuple[float, ...]:
    norm = math.sqrt(math.fsum(v * v for v in raw))
    vec = raw if norm > 1e-6 else fallback
    norm = math.sqrt(math.fsum(v * v for v in vec))
    return tuple(v / norm for v in vec)


def _orthogonal_unit(raw: list[float], vstar: tuple[float, ...]) -> tuple[float, ...]:
    """The unit direction of ``raw`` with its ``vstar`` component removed (a fixed one if degenerate)."""
    d = len(vstar)
    for cand in (raw, *([1.0 if i == k else 0.0 for i in range(d)] for k in range(d))):
        dot = math.fsum(a * b for a, b in zip(cand, vstar, strict=True))
        perp = [a - dot * b for a, b in zip(cand, vstar, strict=True)]
        if math.sqrt(math.fsum(p * p for p in perp)) > 1e-3:
            return _unit(perp, perp)
    raise ValueError("no direction orthogonal to vstar (d = 1)")


def _check(name_lo: str, lo: float, name_hi: str, hi: float, least: float) -> None:
    if not least <= lo <= hi:
        raise InvalidArgument(f"need {least} <= {name_lo}={lo!r} <= {name_hi}={hi!r}")


def group_sparse_tasks(
    *,
    min_d: int = 4,
    max_d: int = 12,
    min_groups: int = 4,
    max_groups: int = 8,
    min_sigma: float = 0.5,
    max_sigma: float = 2.0,
) -> st.SearchStrategy[GroupSparseTask]:
    """Tasks with ``d`` in ``[min_d, max_d]``, ``D`` in ``[min_groups, max_groups]``, ``j*`` in ``0..D-1``.

    ``v*`` is a drawn list of coordinates, normalised (its length is ``d``).
    Shrinks towards the fewest groups, ``j* = 0``, ``d = min_d``, ``v* = e_1``
    and ``sigma_x = 1``.
    """
    _check("min_d", min_d, "max_d", max_d, 2)
    _check("min_groups", min_groups, "max_groups", max_groups, 2)
    _check("min_sigma", min_sigma, "max_sigma", max_sigma, 1e-3)

    @st.composite
    def build(draw: st.DrawFn) -> GroupSparseTask:
        groups = draw(st.integers(min_groups, max_groups))
        jstar = draw(st.integers(0, groups - 1))
        raw = draw(st.lists(st.floats(-1.0, 1.0, allow_subnormal=False), min_size=min_d, max_size=max_d))
        sigma = draw(st.just(min(max(1.0, min_sigma), max_sigma)) | st.floats(min_sigma, max_sigma))
        fallback = [1.0] + [0.0] * (len(raw) - 1)
        return GroupSparseTask(groups=groups, jstar=jstar, vstar=_unit(raw, fallback), sigma_x=sigma)

    return build()


def downstream_tasks(
    *,
    min_d: int = 4,
    max_d: int = 12,
    min_groups: int = 4,
    max_groups: int = 8,
    min_sigma: float = 0.5,
    max_sigma: float = 2.0,
) -> st.SearchStrategy[DownstreamTask]:
    """A pretraining task (as :func:`group_sparse_tasks`) and a new direction orthogonal to its ``v*``.

    The new direction is a drawn list projected off ``v*`` and normalised.
    Shrinks as :func:`group_sparse_tasks` does, and the new direction towards
    the first coordinate axis orthogonal to ``v*`` (``e_2`` when ``v* = e_1``).
    """
    tasks = group_sparse_tasks(
        min_d=min_d,
        max_d=max_d,
        min_groups=min_groups,
        max_groups=max_groups,
        min_sigma=min_sigma,
        max_sigma=max_sigma,
    )

    @st.composite
    def build(draw: st.DrawFn) -> DownstreamTask:
        task = draw(tasks)
        raw = draw(st.lists(st.floats(-1.0, 1.0, allow_subnormal=False), min_size=task.d, max_size=task.d))
        return DownstreamTask(task=task, vnew=_orthogonal_unit(raw, task.vstar))

    return build()
