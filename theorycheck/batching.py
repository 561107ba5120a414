"""Batched seeds: the seeds of one look of one instance run as one work unit.

A claim (or a control) that declares ``batched_experiment(instance, seeds,
tier) -> [Measurement, ...]`` trains all the seeds the engine still needs
for one look as one batched model (stacked parameters, a leading seed
dimension), where each seed's init and data come from its own generator,
seeded exactly as ``experiment(instance, seed, tier)`` seeds it. Everything
around the experiment stays per seed: the engine still derives one unit per
seed (its seed and cache key), serves the cached ones, and gets back one
outcome per seed, so the cache entries, replays, controls and reports are
those of an unbatched run. Only the units it would otherwise send to the
executor one by one travel as one batch unit (``Unit.batch``: the members'
seeds), and the batch's outcome is split back into per-seed outcomes here:
a batch that fails is an error of each of its seeds with the batch's
reason; a seed whose row is NaN is an error of that seed alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import replace

from .claim import Claim
from .errors import MeasurementError
from .execute import Executor, Outcome, Unit
from .measurement import Measurement
from .tiers import Tier

__all__ = ["batchable", "run_batch", "run_units"]


def batchable(claim: Claim) -> frozenset[str]:
    """Which of the claim's experiments train batched: '' (the experiment) and the names of controls."""
    names = {c.name for c in claim.controls if c.batched_experiment is not None}
    if claim.batched_experiment is not None:
        names.add("")
    return frozenset(names)


def run_units(executor: Executor, units: Sequence[Unit], batched: Collection[str]) -> list[Outcome]:
    """One outcome per unit, in input order; the units of an experiment in ``batched`` (by control
    name, '' for the claim's own) run as one batch unit per instance and tier."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for index, unit in enumerate(units):
        if unit.control in batched:
            groups.setdefault((unit.instance_json, unit.control, unit.tier), []).append(index)
    if not groups:
        return executor.run(units)
    single = [i for i, u in enumerate(units) if u.control not in batched]
    sent = [units[i] for i in single] + [batch_unit([units[i] for i in g]) for g in groups.values()]
    found: dict[int, Outcome] = {}
    outcomes = executor.run(sent)
    found.update(zip(single, outcomes[: len(single)], strict=True))
    for members, outcome in zip(groups.values(), outcomes[len(single) :], strict=True):
        found.update(zip(members, split_outcome(outcome, [units[i] for i in members]), strict=True))
    return [found[i] for i in range(len(units))]


def batch_unit(members: Sequence[Unit]) -> Unit:
    """The unit that runs ``members`` (same claim, instance, control and tier) as one batch."""
    first = members[0]
    key = hashlib.sha256("|".join(u.key for u in members).encode()).hexdigest()
    return replace(first, key=f"batch-{key}", batch=tuple(u.seed for u in members))


def split_outcome(outcome: Outcome, members: Sequence[Unit]) -> list[Outcome]:
    """The batch's outcome as one outcome per member seed (an error of the batch is each seed's)."""
    share = outcome.seconds / len(members)
    measurement, error = outcome.measurement, outcome.error
    if error is None and (measurement is None or measurement.seeds != len(members)):
        rows = 0 if measurement is None else measurement.seeds
        error = f"the batch returned {rows} rows for {len(members)} seeds"
    if error is not None or measurement is None:
        what = f"batch of {len(members)} seeds failed: {error}"
        return [Outcome(u, None, what, share) for u in members]
    out = []
    for i, unit in enumerate(members):
        row = measurement.row(i)
        try:
            row.check_finite()
        except MeasurementError as exc:
            out.append(Outcome(unit, None, f"MeasurementError: {exc}", share))
            continue
        out.append(Outcome(unit, row, None, share))
    return out


def run_batch(claim: Claim, unit: Unit, tier: Tier) -> Measurement:
    """Call the batched experiment on the unit's seeds; one row per seed, in order (not yet checked
    finite: a NaN seed is that seed's error, see :func:`split_outcome`)."""
    fn = claim.batched_experiment
    if unit.control:
        fn = next((c.batched_experiment for c in claim.controls if c.name == unit.control), None)
    if fn is None:
        what = f"control {unit.control!r}" if unit.control else "the claim"
        raise MeasurementError(f"{what} declares no batched_experiment")
    rows = list(fn(unit.instance, unit.batch, tier))
    if len(rows) != len(unit.batch):
        raise MeasurementError(
            f"the batched experiment returned {len(rows)} measurements for {len(unit.batch)} seeds"
        )
    for seed, row in zip(unit.batch, rows, strict=True):
        if not isinstance(row, Measurement):
            raise MeasurementError(
                f"the batched experiment returned {type(row).__name__}, not a Measurement, for seed {seed}"
            )
        if row.seeds != 1:
            raise MeasurementError(f"the batched experiment returned {row.seeds} rows for seed {seed}")
    return Measurement.stack(rows)
