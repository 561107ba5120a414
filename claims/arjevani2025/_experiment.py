"""Shared experiments of arjevani2025: Jacobian ranks, the quadratic landscape at S_I, GD limits.

Every unit draws from ``numpy.random.default_rng(seed)``: the random point of
F_p for the ranks; for each teacher of a panel a Haar-random eigenbasis Q
(T = Q diag(l) Q^T, l rescaled to max |l| = 1, which rescales the landscape
and changes none of its critical structure), the scales of the neurons at each
canonical critical point and the signs of the dead neurons' output weights;
and the initialisations of gradient descent. Counts are sums over the panel.

Tolerances (fixed before the claims ran): a point is critical when its
parameter gradient has norm <= 1e-8 and its loss matches the closed form to
1e-9 (T normalised, parameters of order one, float64); Hessian eigenvalues
within 1e-7 of the largest are zero. A descent run (step 0.02, 3000 steps at the
default tier, from w_i ~ N(0, I/n), a_i ~ N(0, 1)) has converged when its
gradient norm is <= 1e-6 after the step budget; its limit is "at S_I" when
``||A - S_I||_F <= 1e-3``; it is global when its loss is within 1e-6 of the
smallest L_I.
"""

from __future__ import annotations

import numpy as np

from models.polynomial_network import (
    descend,
    inertia,
    jacobian_ranks,
    parameter_gradient,
    parameter_hessian,
    quadratic_loss,
)
from tasks.polynomial_teachers import (
    AH_EXCEPTIONS,
    GAUSSIAN_KURTOSIS,
    UNIFORM_KURTOSIS,
    DimensionPanel,
    QuadraticTeacher,
    TeacherPanel,
    degenerate,
    expected_dimension,
    generic_dimension,
    is_local_minimum,
    predicted_signature,
    shifted_truncation,
    subsets,
    thick_width,
    unshifted_truncation,
)
from theorycheck import Measurement, Tier

GRAD_TOL = 1e-8
LOSS_TOL = 1e-9
AT_POINT = 1e-3
CONVERGED = 1e-6
GLOBAL_TOL = 1e-6


def dimension_counts(panel: DimensionPanel, seed: int, tier: Tier) -> Measurement:
    """Exact ranks of the tangent forms at a random point of F_p, r = 1..thick width + 1, for every pair.

    ``mismatch``: widths where the rank differs from the AH dimension;
    ``off_exceptions`` / ``off_quadrics``: widths where it differs from
    min(r n, D) on the pairs with d >= 3 / d = 2; ``off_projective``: widths
    where it differs from min(r n, D) - 1; ``defects``: widths with a rank
    below min(r n, D) on the d >= 3 pairs.
    """
    rng = np.random.default_rng(seed)
    counts = dict.fromkeys(("mismatch", "off_exceptions", "off_quadrics", "off_projective", "defects"), 0)
    checked = 0
    for n, d in panel.pairs:
        widths = range(1, thick_width(n, d) + 2)
        for r, rank in zip(widths, jacobian_ranks(n, d, widths[-1], rng), strict=True):
            checked += 1
            counts["mismatch"] += rank != expected_dimension(n, d, r)
            key = "off_quadrics" if d == 2 else "off_exceptions"
            counts[key] += rank != generic_dimension(n, d, r)
            counts["off_projective"] += rank != generic_dimension(n, d, r) - 1
            counts["defects"] += d > 2 and rank < generic_dimension(n, d, r)
    exceptional = sum(p in AH_EXCEPTIONS for p in panel.pairs)
    return Measurement.one(
        scalars={**{k: float(v) for k, v in counts.items()}, "checked": checked, "exceptional": exceptional}
    )


def _teacher(
    teacher: QuadraticTeacher, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lam = np.array(teacher.eigenvalues)
    lam = lam / np.max(np.abs(lam))
    q, r = np.linalg.qr(rng.standard_normal((len(lam), len(lam))))
    q = q * np.sign(np.diag(r))
    return lam, q, q @ np.diag(lam) @ q.T


def _canonical(
    lam: np.ndarray, q: np.ndarray, subset: tuple[int, ...], width: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, tuple[float, ...]]:
    """S_I realised by |I| active neurons along v_i (random scales), width - |I| dead ones (random signs)."""
    eig, _ = shifted_truncation(lam, subset)
    w = np.zeros((width, len(lam)))
    a = np.zeros(width)
    for c, i in enumerate(subset):
        scale = rng.uniform(0.5, 2.0)
        w[c] = scale * q[:, i]
        a[c] = eig[i] / scale**2
    signs = tuple(float(s) for s in rng.choice((-1.0, 1.0), size=width - len(subset)))
    a[len(subset) :] = np.array(signs) * rng.uniform(0.5, 2.0, size=width - len(subset))
    return w, a, signs


def _is_critical(w: np.ndarray, a: np.ndarray, teacher: np.ndarray) -> bool:
    return bool(np.linalg.norm(parameter_gradient(w, a, teacher, GAUSSIAN_KURTOSIS)) <= GRAD_TOL)


def _realise(
    eig: np.ndarray, q: np.ndarray, subset: tuple[int, ...], width: int
) -> tuple[np.ndarray, np.ndarray]:
    w = np.zeros((width, len(eig)))
    a = np.zeros(width)
    for c, i in enumerate(subset):
        w[c] = q[:, i]
        a[c] = eig[i]
    return w, a


def quadratic_landscape(panel: TeacherPanel, seed: int, tier: Tier) -> Measurement:
    """Gradient, loss and Hessian inertia at every S_I (|I| <= r) of every teacher of the panel.

    ``not_critical``: S_I with a nonzero gradient or a loss off the closed
    form; ``unshifted_critical`` / ``plus_one_critical``: the same test for
    Eckart-Young's truncations and for a shift with |I| + 1; ``top_not_global``:
    teachers whose best L_I over |I| = r is not the top-r by |l|;
    ``sig_mismatch`` / ``frobenius_mismatch``: S_I whose measured inertia
    differs from :func:`predicted_signature` with the Gaussian shift / with
    s = 0; ``spurious_minima``: measured second-order points (no negative
    eigenvalue) that are not global; ``deficient_minima``: those with
    |I| < r; ``points``: S_I judged (degenerate ones, l_i + s = 0, skipped).
    """
    rng = np.random.default_rng(seed)
    keys = (
        "not_critical",
        "unshifted_not_critical",
        "plus_one_not_critical",
        "top_not_global",
        "sig_mismatch",
        "frobenius_mismatch",
        "spurious_minima",
        "deficient_minima",
        "points",
        "skipped",
    )
    out = dict.fromkeys(keys, 0)
    for teacher in panel.teachers:
        lam, q, t = _teacher(teacher, rng)
        r = teacher.width
        values = {s: shifted_truncation(lam, s)[1] for s in subsets(len(lam), r)}
        best = min(values.values())
        full = [s for s in values if len(s) == r]
        top = tuple(sorted(np.argsort(-np.abs(lam))[:r].tolist()))
        out["top_not_global"] += values[top] > min(values[s] for s in full) + GLOBAL_TOL
        for subset, value in values.items():
            if degenerate(lam, subset, r):
                out["skipped"] += 1
                continue
            out["points"] += 1
            w, a, signs = _canonical(lam, q, subset, r, rng)
            loss = float(quadratic_loss((w.T * a) @ w - t, GAUSSIAN_KURTOSIS))
            out["not_critical"] += not (_is_critical(w, a, t) and abs(loss - value) <= LOSS_TOL)
            if subset:
                out["unshifted_not_critical"] += not _is_critical(
                    *_realise(unshifted_truncation(lam, subset), q, subset, r), t
                )
                rest = float(np.sum(np.delete(lam, list(subset))))
                plus_one = unshifted_truncation(lam, subset) + np.where(
                    np.isin(np.arange(len(lam)), subset), rest / (len(subset) + 1), 0.0
                )
                out["plus_one_not_critical"] += not _is_critical(*_realise(plus_one, q, subset, r), t)
            measured = inertia(parameter_hessian(w, a, t, GAUSSIAN_KURTOSIS))
            out["sig_mismatch"] += measured != predicted_signature(lam, subset, r, signs)
            out["frobenius_mismatch"] += measured != predicted_signature(lam, subset, r, signs, 0)
            if measured[0] == 0:
                out["spurious_minima"] += value > best + GLOBAL_TOL
                out["deficient_minima"] += len(subset) < r
    return Measurement.one(scalars={k: float(v) for k, v in out.items()})


def _limits(panel: TeacherPanel, seed: int, tier: Tier, kurtosis: float) -> Measurement:
    rng = np.random.default_rng(seed)
    runs = tier.pick(smoke=4, default=8, full=32)
    steps = tier.pick(smoke=1500, default=3000, full=12000)
    out = dict.fromkeys(("unexplained", "nonglobal", "off_frobenius", "deficient", "runs", "converged"), 0)
    for teacher in panel.teachers:
        lam, q, t = _teacher(teacher, rng)
        n, r = len(lam), teacher.width
        w0 = rng.standard_normal((runs, r, n)) / np.sqrt(n)
        a0 = rng.standard_normal((runs, r))
        end = descend(t, w0, a0, kurtosis=kurtosis, steps=steps, lr=0.02)
        points = {s: shifted_truncation(lam, s) for s in subsets(n, r) if not degenerate(lam, s, r)}
        best = min(v for _, v in points.values())
        frob = [q @ np.diag(unshifted_truncation(lam, s)) @ q.T for s in subsets(n, r)]
        for k in range(runs):
            out["runs"] += 1
            if not end.gradient_norms[k] <= CONVERGED:  # also a diverged (NaN) run
                continue
            out["converged"] += 1
            a = end.functions[k]
            near = [
                s for s, (eig, _) in points.items() if np.linalg.norm(a - q @ np.diag(eig) @ q.T) <= AT_POINT
            ]
            out["unexplained"] += not any(is_local_minimum(lam, s, r) for s in near)
            out["deficient"] += any(len(s) < r for s in near)
            out["nonglobal"] += float(quadratic_loss(a - t, GAUSSIAN_KURTOSIS)) > best + GLOBAL_TOL
            out["off_frobenius"] += not any(np.linalg.norm(a - f) <= AT_POINT for f in frob)
    scalars = {k: float(v) for k, v in out.items()}
    scalars["converged_fraction"] = scalars["converged"] / scalars["runs"]
    return Measurement.one(scalars=scalars)


def gaussian_limits(panel: TeacherPanel, seed: int, tier: Tier) -> Measurement:
    """Gradient descent on the Gaussian population loss from random starts; where its limits lie.

    ``unexplained``: converged runs not within 1e-3 of an S_I that the rule
    calls a minimum; ``nonglobal``: converged runs above the global value;
    ``off_frobenius``: converged runs away from every Eckart-Young truncation;
    ``deficient``: converged runs at an S_I with |I| < r.
    """
    return _limits(panel, seed, tier, GAUSSIAN_KURTOSIS)


def uniform_input_limits(panel: TeacherPanel, seed: int, tier: Tier) -> Measurement:
    """Control: the same descent with uniform inputs (fourth moment 9/5), judged against the Gaussian S_I."""
    return _limits(panel, seed, tier, UNIFORM_KURTOSIS)
