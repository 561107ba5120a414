"""In-distribution data on a low-dimensional subspace and out-of-distribution sets leaving it or in it.

In-distribution (ID): C Gaussian clusters in a random r-dimensional subspace
U of R^d: ``x = U (c_y + spread * z / sqrt(r)) + noise * xi`` with centres
``c_y ~ N(0, separation^2 / r I_r)`` (drawn once per data set),
``z ~ N(0, I_r)``, ``xi ~ N(0, I_d)``. The ambient noise is fixed *per
coordinate*, so its total energy ``noise^2 d`` grows with d: at the drawn
noise levels it exceeds the signal energy at the largest d of a sweep, and the
inputs are not low-dimensional (their covariance has a full-rank bulk). Only
the labels are set by the r directions of U. The noise-free part
``U (c_y + spread z / sqrt(r))`` is an input's *content* (``clean=True``).

Out-of-distribution sets, all matched to the ID mean energy
``E||x||^2 = mean_c ||c||^2 + spread^2 + noise^2 d`` (:meth:`LowDimData.energy`):

* ``isotropic``: ``N(0, E||x||^2 / d I_d)``, no structure at all (all of it
  is content: nothing is removed by ``clean=True``);
* ``far``: the same cluster model on an r-dimensional subspace orthogonal to U
  (needs d >= 2r);
* ``corrupted``: ``sqrt(1 - rho) x_ID + sqrt(rho) x_iso``: an ID input with a
  fraction rho of its energy replaced by isotropic noise;
* ``in_subspace``: fresh cluster centres in U itself (no low-dimensional gap:
  the premise of low dimensionalisation removed).

A :class:`LowDimProblem` is what a claim quantifies over (r, C, noise, rho);
:meth:`LowDimProblem.draw` makes a data set at a given ambient dimension d.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

OOD_KINDS = ("isotropic", "far", "corrupted", "in_subspace")


@dataclass(frozen=True, kw_only=True)
class LowDimProblem:
    """Clusters on an r-dimensional subspace: intrinsic dimension, classes, ambient noise, corruption rho."""

    intrinsic: int
    classes: int
    noise: float
    corruption: float
    separation: float = 3.0
    spread: float = 0.5

    def __post_init__(self) -> None:
        if not (isinstance(self.intrinsic, int) and self.intrinsic >= 1):
            raise ValueError(f"intrinsic={self.intrinsic!r} must be an int >= 1")
        if not (isinstance(self.classes, int) and self.classes >= 2):
            raise ValueError(f"classes={self.classes!r} must be an int >= 2")
        for name in ("noise", "separation", "spread"):
            value = getattr(self, name)
            if not (isinstance(value, float) and math.isfinite(value) and value >= 0.0):
                raise ValueError(f"{name}={value!r} must be a finite float >= 0")
        if not (isinstance(self.corruption, float) and 0.0 < self.corruption < 1.0):
            raise ValueError(f"corruption={self.corruption!r} must be a float in (0, 1)")

    def draw(self, dim: int, rng: np.random.Generator) -> LowDimData:
        """A data set at ambient dimension ``dim``: random subspaces (Haar) and cluster centres."""
        r = self.intrinsic
        if dim < r:
            raise ValueError(f"dim={dim} is below the intrinsic dimension {r}")
        frame, _ = np.linalg.qr(rng.standard_normal((dim, min(dim, 2 * r))))
        centres = rng.standard_normal((self.classes, r)) * self.separation / math.sqrt(r)
        fresh = rng.standard_normal((self.classes, r)) * self.separation / math.sqrt(r)
        off = frame[:, r : 2 * r] if dim >= 2 * r else None
        return LowDimData(problem=self, basis=frame[:, :r], off_basis=off, centres=centres, fresh=fresh)


@dataclass(frozen=True, eq=False)
class LowDimData:
    """One draw of a :class:`LowDimProblem` at a fixed ambient dimension."""

    problem: LowDimProblem
    basis: np.ndarray  # d x r, orthonormal: the ID subspace U
    off_basis: np.ndarray | None  # d x r, orthonormal and orthogonal to U (None when d < 2r)
    centres: np.ndarray  # C x r: the ID class centres (coordinates in U)
    fresh: np.ndarray  # C x r: centres of the in-subspace OOD clusters

    @property
    def dim(self) -> int:
        return int(self.basis.shape[0])

    @property
    def energy(self) -> float:
        """``E||x||^2`` of an ID input (closed form given the centres)."""
        p = self.problem
        return float(np.mean(np.sum(self.centres**2, axis=1)) + p.spread**2 + p.noise**2 * self.dim)

    def _clusters(
        self, n: int, basis: np.ndarray, centres: np.ndarray, rng: np.random.Generator, clean: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        p = self.problem
        y = rng.integers(0, p.classes, size=n)
        z = centres[y] + p.spread * rng.standard_normal((n, p.intrinsic)) / math.sqrt(p.intrinsic)
        noise = rng.standard_normal((n, self.dim))  # drawn either way: same stream clean or not
        x = z @ basis.T + (0.0 if clean else p.noise) * noise
        return x, y

    def inliers(
        self, n: int, rng: np.random.Generator, *, clean: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """n labelled ID inputs (labels uniform over the classes); ``clean``: their content only."""
        return self._clusters(n, self.basis, self.centres, rng, clean)

    def outliers(self, kind: str, n: int, rng: np.random.Generator, *, clean: bool = False) -> np.ndarray:
        """n OOD inputs of the given kind (module docstring), energy-matched to the ID inputs.

        ``clean``: the content only (the cluster kinds without their ambient noise; an
        isotropic input is all content; a corrupted one mixes clean ID content and isotropic noise).
        """
        if kind == "isotropic":
            return rng.standard_normal((n, self.dim)) * math.sqrt(self.energy / self.dim)
        if kind == "far":
            if self.off_basis is None:
                raise ValueError(f"far OOD needs d >= 2r, got d={self.dim}, r={self.problem.intrinsic}")
            return self._clusters(n, self.off_basis, self.centres, rng, clean)[0]
        if kind == "corrupted":
            rho = self.problem.corruption
            inner = self.inliers(n, rng, clean=clean)[0]
            return math.sqrt(1.0 - rho) * inner + math.sqrt(rho) * self.outliers("isotropic", n, rng)
        if kind == "in_subspace":
            return self._clusters(n, self.basis, self.fresh, rng, clean)[0]
        raise ValueError(f"kind={kind!r} is not one of {OOD_KINDS}")


def low_dim_problems(
    *,
    min_intrinsic: int = 2,
    max_intrinsic: int = 6,
    min_classes: int = 3,
    max_classes: int = 6,
    min_noise: float = 0.3,
    max_noise: float = 0.6,
    min_corruption: float = 0.2,
    max_corruption: float = 0.5,
) -> st.SearchStrategy[LowDimProblem]:
    """Problems with r in [min_intrinsic, max_intrinsic], C in [min_classes, max_classes], ambient noise
    (per coordinate) in [min_noise, max_noise] and corruption rho in [min_corruption, max_corruption].

    The default noise range was fixed from the premise, before any run: at d = 128
    the noise energy ``noise^2 d`` must exceed the signal energy (about
    separation^2 + spread^2 = 9.25), so noise >= 0.27; up to 0.6 (noise five times
    the signal) keeps the classes separable inside U (per-direction noise 0.36
    against a centre spread of 9 / r).

    Shrinking moves toward the smallest r and C, the least noise and the least
    corruption (the hardest corrupted set to detect).
    """
    for name, value, low in (("min_intrinsic", min_intrinsic, 1), ("min_classes", min_classes, 2)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InvalidArgument(f"{name}={value!r} must be an int >= {low}")
    for name, lo, hi in (("intrinsic", min_intrinsic, max_intrinsic), ("classes", min_classes, max_classes)):
        if isinstance(hi, bool) or not isinstance(hi, int) or hi < lo:
            raise InvalidArgument(f"max_{name}={hi!r} must be an int >= min_{name}")
    if not (0.0 <= min_noise <= max_noise and math.isfinite(max_noise)):
        raise InvalidArgument(f"need 0 <= min_noise <= max_noise, got {min_noise}, {max_noise}")
    if not (0.0 < min_corruption <= max_corruption < 1.0):
        raise InvalidArgument(
            f"need 0 < min_corruption <= max_corruption < 1, got {min_corruption}, {max_corruption}"
        )

    def rounded(lo: float, hi: float) -> st.SearchStrategy[float]:
        return st.floats(lo, hi, allow_nan=False).map(lambda v: float(min(max(round(v, 4), lo), hi)))

    return st.builds(
        lambda r, c, s, rho: LowDimProblem(intrinsic=r, classes=c, noise=s, corruption=rho),
        st.integers(min_intrinsic, max_intrinsic),
        st.integers(min_classes, max_classes),
        rounded(min_noise, max_noise),
        rounded(min_corruption, max_corruption),
    )
