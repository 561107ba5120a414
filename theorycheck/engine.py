"""Running one claim: draw instances, run seeds in looks, judge, confirm, run controls.

For each judged instance the seeds run in group-sequential looks (the tier's
``looks``, e.g. 4 then 8 seeds) at level alpha / (number of looks) per look
(Bonferroni alpha spending, VERDICTS R4 option 1); the looks stop once the
claim and every mutant are decided. Instances combine by intersection-union
for HOLDS and Holm for VIOLATED (VERDICTS R3). Which instances are judged is
the search's business (search.py): every drawn one, or for claims with cheap
units the nearest the edge among many screened ones.

At a tier that asserts verdicts, a VIOLATED claim is confirmed on a fresh
block of seeds of its counterexample instance at the claim's full alpha; a
violation that does not reproduce is FLAKY (VERDICTS R-13). Stored
counterexamples are judged apart, each on its own fresh seeds at the
claim's alpha: a pre-registered instance is its own confirmation, and it
does not enlarge the Holm family of the drawn instances. A claim that HOLDS
is then judged on its controls (its experiment with the premise removed, on
the same instances and seeds): holding on one makes it HOLLOW.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis.errors import HypothesisException

from . import instances as instance_json
from .batching import batchable, run_units
from .cache import Cache, library_versions, source_digest, unit_key
from .catalogue import load_claim, load_module
from .claim import Claim, Control
from .counterexamples import CounterexampleStore
from .execute import Executor, InProcessExecutor, Unit
from .judging import (
    combine_instances,
    combined,
    confirmed,
    error_judgement,
    judge,
    slack,
    unmet_precondition,
)
from .measurement import Measurement
from .outcomes import ClaimResult, ControlResult, InstanceResult, ReplayResult
from .search import InstanceSearch, SearchOutcome, instance_key, screening_limit
from .seeding import derive_seed
from .tiers import Tier
from .verdict import Judgement, Verdict

__all__ = ["ClaimResult", "ClaimRunner", "InstanceResult", "combine_instances", "experiment_identity"]


@dataclass(frozen=True)
class _Identity:
    """Who owns a claim's trainings: the experiment id (seeds, cache) and the source digest."""

    experiment: str
    digest: str


class ClaimRunner:
    """Runs one claim at one tier through an executor and a cache."""

    def __init__(
        self,
        claim_id: str,
        root: Path,
        tier: Tier,
        *,
        session_seed: int,
        executor: Executor,
        cache: Cache,
        counterexamples: CounterexampleStore | None = None,
        batch: bool = True,
    ) -> None:
        self.claim_id = claim_id
        self.root = root
        self.tier = tier
        self.session_seed = session_seed
        self.executor = executor
        self.cache = cache
        self.counterexamples = counterexamples
        self.units = {"done": 0, "cached": 0, "error": 0}
        self.screen_error: str | None = None
        self.batch = batch  # run the seeds of one look as one unit where the experiment opts in
        self.batched: frozenset[str] = frozenset()

    def run(self) -> ClaimResult:
        start = time.perf_counter()
        try:
            claim = load_claim(self.claim_id, self.root)
        except Exception as exc:
            prefix = "" if isinstance(exc, _declaration_errors()) else "cannot import the claim module: "
            return self._error(None, f"{prefix}{type(exc).__name__}: {exc}", start)
        _freeze_imports()
        if not isinstance(self.executor, InProcessExecutor):
            _prefetch_later_imports()
        experiment_id, module = experiment_identity(claim, self.claim_id)
        self.batched = batchable(claim) if self.batch else frozenset()
        who = _Identity(experiment_id, source_digest(module or load_module(self.claim_id, self.root)))
        replays = self._replays(claim, who)
        size = self.tier.search_size(claim.unit_seconds)
        screening = size > self.tier.instances
        first = self.tier.screen_seeds if screening else 0
        search = InstanceSearch(
            claim.instances,
            seed=derive_seed(self.session_seed, experiment_id, "instances"),
            tier=self.tier,
            size=size,
            judge=lambda instance, key: self._instance(claim, instance, key, who, first),
            screen=(lambda instance, key: self._screen(claim, instance, key, who)) if screening else None,
        )
        try:
            found = search.run()
        except HypothesisException as exc:
            return self._error(
                claim, f"instances: the strategy could not draw ({type(exc).__name__}: {exc})", start
            )
        except TypeError as exc:
            return self._error(claim, f"instances: drew a value that is not JSON data ({exc})", start)
        if self.screen_error is not None:
            return self._error(claim, f"screening: {self.screen_error}", start)
        if found.info.stopped_by_time:
            return self._error(
                claim,
                f"screening: {found.info.screened} of {size} instances took over "
                f"{screening_limit(self.tier):g} s, the limit of the {self.tier.name} tier: unit_seconds="
                f"{claim.unit_seconds:g} is far below what a unit costs; declare the real cost",
                start,
            )
        if not found.results:
            return self._error(claim, "instances: the strategy drew no instance", start)
        return self._combine(claim, found, replays, who, start)

    # ------------------------------------------------------------------ units

    def _unit(
        self, instance: Any, key: str, who: _Identity, *tag: Any, control: Control | None = None
    ) -> Unit:
        unit_seed = derive_seed(self.session_seed, who.experiment, key, *tag)
        parts = {
            "experiment": who.experiment if control is None else _control_identity(control, who),
            "instance": key,
            "seed": unit_seed,
            "tier": self.tier.name,
            "source": who.digest,
            "versions": library_versions(),
        }
        repeat = tag[-1] if tag and isinstance(tag[-1], int) else 0
        return Unit(
            self.claim_id,
            str(self.root),
            instance,
            key,
            repeat,
            unit_seed,
            self.tier.name,
            unit_key(parts),
            control="" if control is None else control.name,
        )

    def _run_units(self, units: Sequence[Unit]) -> tuple[list[Measurement], list[str]]:
        found: dict[int, Measurement] = {}
        for i, unit in enumerate(units):
            cached = self.cache.get(unit.key, unit.label())
            if cached is not None:
                found[i] = cached
                self.units["cached"] += 1
        todo = [u for i, u in enumerate(units) if i not in found]
        errors = []
        for outcome in run_units(self.executor, todo, self.batched):
            index = units.index(outcome.unit)
            if outcome.error is not None or outcome.measurement is None:
                errors.append(f"{outcome.unit.label()}: {outcome.error}")
                self.units["error"] += 1
                continue
            found[index] = outcome.measurement
            self.units["done"] += 1
            self.cache.put(
                outcome.unit.key, outcome.measurement, {"claim": self.claim_id, "seed": outcome.unit.seed}
            )
        return [found[i] for i in sorted(found)], errors

    def _measure(self, units: Sequence[Unit]) -> tuple[Measurement | None, str | None]:
        rows, errors = self._run_units(units)
        if errors:
            return None, errors[0]
        try:
            return Measurement.stack(rows), None
        except Exception as exc:
            return None, str(exc)

    # ------------------------------------------------------------------ one instance

    def _instance(self, claim: Claim, instance: Any, key: str, who: _Identity, first: int) -> InstanceResult:
        """Judge one instance on the tier's looks, with repeats ``first``, ``first + 1``, ..."""
        rows: list[Measurement] = []
        alpha = claim.alpha / len(self.tier.looks)
        verdict: Judgement | None = None
        mutants: dict[str, Judgement] = {}
        measurement = Measurement()
        for look in self.tier.looks:
            units = [self._unit(instance, key, who, first + r) for r in range(len(rows), look)]
            new_rows, errors = self._run_units(units)
            if errors:
                failed = error_judgement(errors[0])
                return InstanceResult(instance, key, failed, {}, len(rows), tuple(errors), first_repeat=first)
            rows.extend(new_rows)
            try:
                measurement = Measurement.stack(rows)
            except Exception as exc:
                failed = error_judgement(str(exc))
                return InstanceResult(instance, key, failed, {}, len(rows), (str(exc),), first_repeat=first)
            verdict, mutants = self._judge_all(claim, measurement, alpha)
            undecided = [j for j in (verdict, *mutants.values()) if j.verdict is Verdict.INCONCLUSIVE]
            if not undecided:
                break
        assert verdict is not None
        return InstanceResult(
            instance, key, verdict, mutants, len(rows), measurement=measurement, first_repeat=first
        )

    def _judge_all(
        self, claim: Claim, measurement: Measurement, alpha: float
    ) -> tuple[Judgement, dict[str, Judgement]]:
        unmet = unmet_precondition(claim, measurement, alpha)
        if unmet is not None:
            return unmet, {m.name: unmet for m in claim.mutants}
        verdict = judge(claim.prediction, measurement, alpha)
        return verdict, {m.name: judge(m.prediction, measurement, alpha) for m in claim.mutants}

    def _screen(self, claim: Claim, instance: Any, key: str, who: _Identity) -> float | None:
        """How close the screening seeds put this instance to the edge (None: nothing to say).

        After a failed screening unit nothing more is screened; the claim is ERROR.
        """
        if self.screen_error is not None:
            return None
        units = [self._unit(instance, key, who, r) for r in range(self.tier.screen_seeds)]
        measurement, error = self._measure(units)
        if measurement is None:
            self.screen_error = error or "screening failed"
            return None
        if unmet_precondition(claim, measurement, claim.alpha) is not None:
            return None
        return slack(judge(claim.prediction, measurement, claim.alpha))

    def _confirm(self, claim: Claim, violated: InstanceResult, who: _Identity) -> Judgement:
        """Judge a VIOLATED instance again on a fresh block of seeds, at the claim's alpha.

        The block takes the repeats after the tier's budget, so its seeds never
        overlap the ones that found the violation; one pre-selected instance
        and one look need no further correction.
        """
        first = violated.first_repeat + self.tier.max_seeds
        units = [
            self._unit(violated.instance, violated.instance_json, who, repeat)
            for repeat in range(first, first + self.tier.max_seeds)
        ]
        measurement, error = self._measure(units)
        if measurement is None:
            return error_judgement(error or "no measurement")
        unmet = unmet_precondition(claim, measurement, claim.alpha)
        return unmet if unmet is not None else judge(claim.prediction, measurement, claim.alpha)

    def _replays(self, claim: Claim, who: _Identity) -> list[ReplayResult]:
        """Stored counterexamples, each judged on its own fresh seeds (tagged 'replay') at full alpha."""
        if self.counterexamples is None or not self.tier.asserts_verdict:
            return []
        out = []
        for instance in self.counterexamples.load(self.claim_id):
            try:
                key = instance_key(instance)
            except TypeError:
                continue
            units = [self._unit(instance, key, who, "replay", r) for r in range(self.tier.max_seeds)]
            measurement, error = self._measure(units)
            if measurement is None:
                out.append(ReplayResult(instance, error_judgement(error or "no measurement")))
                continue
            unmet = unmet_precondition(claim, measurement, claim.alpha)
            judged = unmet if unmet is not None else judge(claim.prediction, measurement, claim.alpha)
            out.append(ReplayResult(instance, judged))
        return out

    def _controls(
        self, claim: Claim, judged: Sequence[InstanceResult], who: _Identity
    ) -> list[ControlResult]:
        """The claim's prediction on each control, same instances and seeds, no preconditions.

        Preconditions are skipped on purpose: they gate on the experiment being
        valid, and a prediction that a premise-free experiment satisfies is
        hollow whether or not that experiment 'trained'.
        """
        alpha = claim.alpha / len(self.tier.looks)
        out = []
        for control in claim.controls:
            per_instance = []
            for inst in judged:
                units = [
                    self._unit(inst.instance, inst.instance_json, who, inst.first_repeat + r, control=control)
                    for r in range(inst.seeds)
                ]
                measurement, error = self._measure(units)
                if measurement is None:
                    per_instance.append(error_judgement(f"control {control.name}: {error}"))
                else:
                    per_instance.append(judge(claim.prediction, measurement, alpha))
            out.append(
                ControlResult(control.name, control.why, combined(per_instance, alpha), tuple(per_instance))
            )
        return out

    # ------------------------------------------------------------------ combining

    def _combine(
        self, claim: Claim, found: SearchOutcome, replays: list[ReplayResult], who: _Identity, start: float
    ) -> ClaimResult:
        results = found.results
        alpha = claim.alpha / len(self.tier.looks)
        errors = [e for r in results for e in r.errors]
        verdict, pick = combine_instances([r.claim for r in results], alpha)
        mutants = {
            m.name: combined([r.mutants.get(m.name, error_judgement("not judged")) for r in results], alpha)
            for m in claim.mutants
        }
        shown = results[pick].claim
        reason = shown.reason
        counterexample = confirmation = None
        reproduced = next((r for r in replays if r.judgement.verdict is Verdict.VIOLATED), None)
        if errors:
            verdict, reason = Verdict.ERROR, errors[0]
        elif reproduced is not None:
            verdict, shown, counterexample = Verdict.VIOLATED, reproduced.judgement, reproduced.instance
            reason = f"a stored counterexample reproduces on fresh seeds: {reproduced.judgement.reason}"
        elif verdict is Verdict.VIOLATED:
            key = found.counterexample_key or results[pick].instance_json
            failing = next((r for r in results if r.instance_json == key), results[pick])
            if self.tier.asserts_verdict:
                confirmation = self._confirm(claim, failing, who)
                verdict, reason = confirmed(failing.claim, confirmation)
            if verdict is Verdict.VIOLATED:
                counterexample = failing.instance
                if self.counterexamples is not None and self.tier.asserts_verdict:
                    self.counterexamples.add(self.claim_id, counterexample)
        controls: list[ControlResult] = []
        if verdict is Verdict.HOLDS and claim.controls:
            controls = self._controls(claim, results, who)
            hollow = [c for c in controls if c.judgement.verdict is Verdict.HOLDS]
            if hollow:
                verdict = Verdict.HOLLOW
                reason = "; ".join(
                    f"holds on its control {c.name} ({c.why}): {c.judgement.statistic} "
                    f"{_interval(c.judgement)} inside {_region(c.judgement)}"
                    for c in hollow
                )
        return ClaimResult(
            claim_id=self.claim_id,
            claim=claim,
            tier=self.tier.name,
            verdict=verdict,
            reason=reason,
            judgement=shown,
            mutants=mutants,
            instances=results,
            counterexample=counterexample,
            units=dict(self.units),
            seconds=time.perf_counter() - start,
            family_alpha=claim.alpha,
            confirmation=confirmation,
            controls=controls,
            replays=replays,
            search=found.info,
        )

    def _error(self, claim: Claim | None, reason: str, start: float) -> ClaimResult:
        return ClaimResult(
            claim_id=self.claim_id,
            claim=claim,
            tier=self.tier.name,
            verdict=Verdict.ERROR,
            reason=reason,
            units=dict(self.units),
            seconds=time.perf_counter() - start,
        )


def _freeze_imports() -> None:
    """Move what the process holds after its first claim's imports (torch, sympy, Hypothesis,
    numpy: hundreds of thousands of objects) out of the collector's reach, once per process.

    Every full collection would otherwise walk them all again: Hypothesis runs one when it first
    seeds its PRNG, pytest several as it ends, and a forked unit process when it collects; together
    a few tenths of a second per run. Objects frozen stay alive, so this runs once, right after the
    imports, when little garbage exists (the pattern the gc.freeze documentation gives for fork).
    """
    global _FROZEN
    if not _FROZEN:
        gc.freeze()
        _FROZEN = True


_FROZEN = False

# What judging and the reports import when the units are back (scipy.special for the t quantiles,
# the report modules): a tenth of a second or more after the last unit, on the run's critical path.
LATER_IMPORTS = ("scipy.special", "theorycheck.records", "theorycheck.report")


def _prefetch_later_imports() -> None:
    """Import :data:`LATER_IMPORTS` in a background thread, once per process, while the units run
    in other processes and this one waits for them (the GIL is free then); an import that fails
    here fails again, with its message, where it is used."""
    global _PREFETCHED
    if _PREFETCHED:
        return
    _PREFETCHED = True

    def load() -> None:
        for name in LATER_IMPORTS:
            with contextlib.suppress(Exception):
                importlib.import_module(name)

    threading.Thread(target=load, name="theorycheck-prefetch", daemon=True).start()


_PREFETCHED = False


def _declaration_errors() -> tuple[type[Exception], ...]:
    from .errors import TheorycheckError

    return (TheorycheckError,)


def _interval(j: Judgement) -> str:
    if j.interval is None:
        return "[none]"
    return f"[{j.interval[0]:.4g}, {j.interval[1]:.4g}]"


def _region(j: Judgement) -> str:
    if j.region is None:
        return "(none)"
    return f"[{j.region[0]:.4g}, {j.region[1]:.4g}]"


def _control_identity(control: Control, who: _Identity) -> str:
    fn = control.experiment
    name = f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', control.name)}"
    return f"{who.experiment}|control:{control.name}:{name}"


def experiment_identity(claim: Claim, claim_id: str) -> tuple[str, ModuleType | None]:
    """Who owns the trainings: the experiment function, when it is a named module-level one.

    Claims that share an experiment function (and so its instances strategy
    seed) share their work units: the same instances, seeds and cache entries,
    trained once. Anything else (a lambda, a partial) is owned by the claim.
    """
    fn = claim.experiment
    name, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    module = sys.modules.get(name or "")
    if module is None or not qualname or "<" in qualname or getattr(module, qualname, None) is not fn:
        return f"claim:{claim_id}", None
    return f"{name}:{qualname}", module


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m theorycheck.engine CLAIM_ID [--tier T]``: run one claim in-process and print it."""
    import argparse

    from .cache import NoCache
    from .catalogue import find_root
    from .execute import limit_torch_threads
    from .tiers import get_tier

    parser = argparse.ArgumentParser(prog="python -m theorycheck.engine")
    parser.add_argument("claim_id")
    parser.add_argument("--tier", default="default")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--no-batch", action="store_true", help="run every seed as its own unit, batched_experiment or not"
    )
    args = parser.parse_args(argv)
    root = find_root(Path.cwd())
    limit_torch_threads(1)
    runner = ClaimRunner(
        args.claim_id,
        root,
        get_tier(args.tier),
        session_seed=args.seed,
        executor=InProcessExecutor(),
        cache=NoCache(),
        batch=not args.no_batch,
    )
    result = runner.run()
    print(f"{result.claim_id}: {result.verdict} ({result.seconds:.1f} s) {result.reason}")
    if result.search is not None:
        print(f"  search: {result.search}")
    for inst in result.instances:
        j = inst.claim
        print(
            f"  instance {instance_json.describe(inst.instance)}: {j.verdict} est={j.estimate} "
            f"ci={j.interval} region={j.region} seeds={inst.seeds} {j.reason}"
        )
        for name, mj in inst.mutants.items():
            print(f"    mutant {name}: {mj.verdict} est={mj.estimate} ci={mj.interval} {mj.reason}")
    for name, mj in result.mutants.items():
        print(f"  mutant {name}: {mj.verdict}")
    for c in result.controls:
        print(f"  control {c.name}: {c.judgement.verdict} est={c.judgement.estimate} {c.judgement.reason}")
    for r in result.replays:
        print(f"  replay {instance_json.describe(r.instance)}: {r.judgement.verdict} {r.judgement.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
