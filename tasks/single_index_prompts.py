"""In-context single-index prompts with a low-dimensional task prior (Oko, Song, Suzuki, Wu 2024).

A task is ``f(x) = sigma(<x, beta>)`` with ``x ~ N(0, I_d)`` and the index
``beta`` uniform on the unit sphere of a fixed r-dimensional subspace
``S = span(U)`` of R^d (``U (d, r)`` orthonormal, drawn once by QR of a Gaussian
matrix). The link ``sigma`` is a normalised Hermite polynomial (unit variance
under N(0, 1)); Q is the information exponent (lowest Hermite degree)::

    he2:     (z^2 - 1) / sqrt(2)                      degree P = 2, Q = 2
    he3:     (z^3 - 3 z) / sqrt(6)                    degree P = 3, Q = 3
    he2+he3: (he2(z) + he3(z)) / sqrt(2)              degree P = 3, Q = 2

A prompt holds ``N`` pairs ``(x_i, y_i = f(x_i) + noise * xi_i)`` plus query
inputs ``x_q`` whose clean targets ``f(x_q)`` are returned (the error is
measured against the clean target, so it is normalised by ``Var f = 1``).
An instance fixes only the shape of the problem; the subspace, the tasks and
the prompts are drawn from a seeded ``torch.Generator``. ``PriorContrast``
pairs a rank-r prior with the full prior r = d at one d (a control).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

LINKS = ("he2", "he3", "he2+he3")
_DEGREE = {"he2": 2, "he3": 3, "he2+he3": 3}


def link_degree(link: str) -> int:
    """Degree P of the link polynomial."""
    return _DEGREE[link]


def apply_link(link: str, z: torch.Tensor) -> torch.Tensor:
    """The normalised Hermite link evaluated elementwise (unit variance for z ~ N(0, 1)); only the
    polynomials the link uses are computed."""
    if link == "he2":
        return _he2(z)
    if link == "he3":
        return _he3(z)
    if link == "he2+he3":
        return (_he2(z) + _he3(z)) / math.sqrt(2.0)
    raise ValueError(f"unknown link {link!r}; choose one of {LINKS}")


def _he2(z: torch.Tensor) -> torch.Tensor:
    return (z * z - 1.0) / math.sqrt(2.0)


def _he3(z: torch.Tensor) -> torch.Tensor:
    return (z**3 - 3.0 * z) / math.sqrt(6.0)


@dataclass(frozen=True, kw_only=True)
class SingleIndexTask:
    """Single-index tasks in dimension ``dim`` with index on an r-dim subspace (``rank`` = r)."""

    dim: int  # d
    rank: int  # r
    link: str
    noise: float = 0.0  # label noise standard deviation

    def __post_init__(self) -> None:
        if not (isinstance(self.dim, int) and isinstance(self.rank, int) and 1 <= self.rank <= self.dim):
            raise ValueError(f"need integers 1 <= rank <= dim, got rank={self.rank}, dim={self.dim}")
        if self.link not in LINKS:
            raise ValueError(f"unknown link {self.link!r}; choose one of {LINKS}")
        if not (isinstance(self.noise, float) and 0.0 <= self.noise < 1.0):
            raise ValueError(f"noise={self.noise!r} must be a float in [0, 1)")


@dataclass(frozen=True, kw_only=True)
class SingleIndexFamily:
    """The same task prior (rank, link, noise) over a sweep of ambient dimensions ``dims``."""

    dims: tuple[int, ...]
    rank: int
    link: str
    noise: float = 0.0

    def __post_init__(self) -> None:
        if len(self.dims) < 2 or list(self.dims) != sorted(set(self.dims)):
            raise ValueError(f"dims={self.dims!r} must be at least two increasing integers")
        for d in self.dims:
            self.at(d)  # validates rank <= d, link and noise

    def at(self, dim: int) -> SingleIndexTask:
        """The task at ambient dimension ``dim``."""
        return SingleIndexTask(dim=dim, rank=self.rank, link=self.link, noise=self.noise)


def random_subspace(dim: int, rank: int, generator: torch.Generator) -> torch.Tensor:
    """An orthonormal basis ``U (d, r)`` of a uniformly random r-dim subspace (QR of a Gaussian matrix)."""
    q, _ = torch.linalg.qr(torch.randn(dim, rank, generator=generator))
    return q


def sample_indices(basis: torch.Tensor, batch: int, generator: torch.Generator) -> torch.Tensor:
    """``batch`` index vectors ``beta (B, d)`` uniform on the unit sphere of ``span(basis)``."""
    u = torch.randn(batch, basis.shape[1], generator=generator)
    u = u / u.norm(dim=1, keepdim=True)
    return u @ basis.T


def sample_prompts(
    task: SingleIndexTask,
    basis: torch.Tensor,
    batch: int,
    length: int,
    queries: int,
    generator: torch.Generator,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """``batch`` fresh tasks, each with a prompt and ``queries`` query points.

    Returns ``x (B, N, d)``, noisy labels ``y (B, N)``, query inputs
    ``xq (B, Q, d)`` and their clean targets ``fq (B, Q)``.
    """
    beta = sample_indices(basis, batch, generator)  # (B, d)
    x = torch.randn(batch, length, task.dim, generator=generator)
    xq = torch.randn(batch, queries, task.dim, generator=generator)
    y = apply_link(task.link, torch.einsum("bnd,bd->bn", x, beta))
    y = y.add_(torch.randn(batch, length, generator=generator).mul_(task.noise))  # in place: no copies
    fq = apply_link(task.link, torch.einsum("bqd,bd->bq", xq, beta))
    return x, y, xq, fq


def sample_prompts_stacked(
    task: SingleIndexTask,
    bases: Sequence[torch.Tensor],
    batch: int,
    length: int,
    queries: int,
    generators: Sequence[torch.Generator],
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """:func:`sample_prompts` for S seeds, stacked on a leading seed axis: row s is drawn on
    ``bases[s]`` from ``generators[s]``, which draws exactly what ``sample_prompts`` draws from it and
    in the same order (directions, prompt inputs, query inputs, label noise); the labels and targets
    of all seeds are then computed at once (the same sums, up to float reduction order)."""
    s, d, r = len(generators), task.dim, bases[0].shape[1]
    u = torch.empty(s, batch, r)
    x = torch.empty(s, batch, length, d)
    xq = torch.empty(s, batch, queries, d)
    noise = torch.empty(s, batch, length)
    for k, g in enumerate(generators):
        for part in (u[k], x[k], xq[k], noise[k]):
            part.normal_(generator=g)
    u = u / u.norm(dim=2, keepdim=True)
    beta = torch.bmm(u, torch.stack(list(bases)).transpose(1, 2))  # (S, B, d)
    y = apply_link(task.link, torch.einsum("sbnd,sbd->sbn", x, beta)) + task.noise * noise
    fq = apply_link(task.link, torch.einsum("sbqd,sbd->sbq", xq, beta))
    return x, y, xq, fq


def _check_int(name: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidArgument(f"{name}={value!r} must be an int >= {low}")


def _check_common(min_rank: int, max_rank: int, links: tuple[str, ...], max_noise: float) -> None:
    _check_int("min_rank", min_rank, 1)
    _check_int("max_rank", max_rank, min_rank)
    if not links or any(link not in LINKS for link in links):
        raise InvalidArgument(f"links={links!r} must be a non-empty subset of {LINKS}")
    if isinstance(max_noise, bool) or not isinstance(max_noise, (int, float)) or not 0 <= max_noise < 1:
        raise InvalidArgument(f"max_noise={max_noise!r} must be a number in [0, 1)")


def single_index_tasks(
    *,
    min_dim: int = 4,
    max_dim: int = 32,
    min_rank: int = 1,
    max_rank: int = 2,
    links: tuple[str, ...] = ("he2",),
    max_noise: float = 0.1,
) -> st.SearchStrategy[SingleIndexTask]:
    """Tasks with ``d`` in ``[min_dim, max_dim]``, ``r`` in ``[min_rank, min(max_rank, d)]``.

    Shrinking moves towards the smallest dimension, rank 1, the first link
    of ``links`` and noiseless labels.
    """
    _check_int("min_dim", min_dim, 1)
    _check_int("max_dim", max_dim, min_dim)
    _check_common(min_rank, max_rank, links, max_noise)
    if min_rank > max_dim:
        raise InvalidArgument(f"min_rank={min_rank} exceeds max_dim={max_dim}")

    @st.composite
    def build(draw: st.DrawFn) -> SingleIndexTask:
        d = draw(st.integers(max(min_dim, min_rank), max_dim))
        r = draw(st.integers(min_rank, min(max_rank, d)))
        link = draw(st.sampled_from(links))
        noise = draw(st.floats(0.0, float(max_noise), allow_nan=False))
        return SingleIndexTask(dim=d, rank=r, link=link, noise=noise)

    return build()


def single_index_families(
    *,
    min_base: int = 4,
    max_base: int = 8,
    ratio: int = 4,
    points: int = 2,
    min_rank: int = 1,
    max_rank: int = 2,
    links: tuple[str, ...] = ("he2",),
    max_noise: float = 0.1,
) -> st.SearchStrategy[SingleIndexFamily]:
    """Dimension sweeps ``d_0 .. ratio * d_0`` (``points`` geometric steps) with one task prior.

    The smallest dimension ``d_0`` is drawn in ``[min_base, max_base]``; the
    sweep is ``round(d_0 * ratio ** (k / (points - 1)))``. Shrinking moves
    towards the smallest ``d_0``, rank 1, the first link of ``links`` and
    noiseless labels.
    """
    _check_int("min_base", min_base, 1)
    _check_int("max_base", max_base, min_base)
    _check_int("ratio", ratio, 2)
    _check_int("points", points, 2)
    _check_common(min_rank, max_rank, links, max_noise)
    if min_rank > min_base:
        raise InvalidArgument(f"min_rank={min_rank} exceeds min_base={min_base}")
    if points > (ratio - 1) * min_base + 1:
        raise InvalidArgument(
            f"points={points} distinct dimensions do not fit in [{min_base}, {ratio * min_base}]"
        )

    @st.composite
    def build(draw: st.DrawFn) -> SingleIndexFamily:
        d0 = draw(st.integers(min_base, max_base))
        dims = tuple(round(d0 * ratio ** (k / (points - 1))) for k in range(points))
        r = draw(st.integers(min_rank, min(max_rank, d0)))
        link = draw(st.sampled_from(links))
        noise = draw(st.floats(0.0, float(max_noise), allow_nan=False))
        return SingleIndexFamily(dims=dims, rank=r, link=link, noise=noise)

    return build()


@dataclass(frozen=True, kw_only=True)
class PriorContrast:
    """One ambient dimension ``dim`` under two task priors: a low-dimensional one (``rank`` = r < d)
    and the full one (r = d, indices uniform on the whole sphere)."""

    dim: int  # d
    rank: int  # r of the low-dimensional prior
    link: str
    noise: float = 0.0

    def __post_init__(self) -> None:
        if not (isinstance(self.rank, int) and isinstance(self.dim, int) and self.rank < self.dim):
            raise ValueError(f"need integers rank < dim, got rank={self.rank}, dim={self.dim}")
        self.full()  # validates dim, rank >= 1, link and noise
        self.low()

    def low(self) -> SingleIndexTask:
        """The task with the low-dimensional prior (rank r)."""
        return SingleIndexTask(dim=self.dim, rank=self.rank, link=self.link, noise=self.noise)

    def full(self) -> SingleIndexTask:
        """The task with the full prior (rank d: no subspace to learn)."""
        return SingleIndexTask(dim=self.dim, rank=self.dim, link=self.link, noise=self.noise)


def prior_contrasts(
    *,
    min_dim: int = 8,
    max_dim: int = 16,
    min_rank: int = 1,
    max_rank: int = 2,
    links: tuple[str, ...] = ("he2",),
    max_noise: float = 0.1,
) -> st.SearchStrategy[PriorContrast]:
    """A dimension ``d`` in ``[min_dim, max_dim]``, a low rank ``r`` in
    ``[min_rank, min(max_rank, d - 1)]``, and the full-rank prior r = d beside it.

    Shrinking moves towards the smallest dimension, the smallest rank, the
    first link of ``links`` and noiseless labels.
    """
    _check_int("min_dim", min_dim, 2)
    _check_int("max_dim", max_dim, min_dim)
    _check_common(min_rank, max_rank, links, max_noise)
    if min_rank >= min_dim:
        raise InvalidArgument(f"min_rank={min_rank} must be below min_dim={min_dim} (r < d)")

    @st.composite
    def build(draw: st.DrawFn) -> PriorContrast:
        d = draw(st.integers(min_dim, max_dim))
        r = draw(st.integers(min_rank, min(max_rank, d - 1)))
        link = draw(st.sampled_from(links))
        noise = draw(st.floats(0.0, float(max_noise), allow_nan=False))
        return PriorContrast(dim=d, rank=r, link=link, noise=noise)

    return build()
