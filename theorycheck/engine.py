"""Running one claim: draw instances with Hypothesis, run seeds in looks, judge.

For each drawn instance the seeds run in group-sequential looks (the tier's
``looks``, e.g. 4 then 8 seeds) at level alpha / (number of looks) per look
(Bonferroni alpha spending, VERDICTS R4 option 1); the looks stop once the
claim and every mutant are decided. Instances combine by intersection-union
for HOLDS and Holm for VIOLATED (VERDICTS R3). A VIOLATED instance makes
Hypothesis shrink, within the tier's shrink budget, to a minimal
counterexample, which is stored and replayed first on the next run.

At a tier that asserts verdicts, a VIOLATED claim is confirmed on a fresh
block of seeds (as many as the tier's budget) of its counterexample instance
at the claim's full alpha; a violation that does not reproduce is FLAKY
(VERDICTS R-13), and only a confirmed one stores a counterexample.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, example, given, note, seed, settings
from hypothesis.errors import HypothesisException

from . import instances as instance_json
from .cache import Cache, library_versions, source_digest, unit_key
from .catalogue import load_claim, load_module
from .claim import Claim
from .counterexamples import CounterexampleStore
from .draws import seed_only_draws
from .errors import MeasurementError, TheorycheckError
from .execute import Executor, Unit
from .fit import holm
from .measurement import Measurement
from .predictions import Prediction
from .seeding import derive_seed
from .tiers import Tier
from .verdict import Judgement, Verdict


@dataclass(frozen=True)
class InstanceResult:
    """The verdicts on one drawn instance, with the seeds it took."""

    instance: Any
    instance_json: str
    claim: Judgement
    mutants: dict[str, Judgement]
    seeds: int
    errors: tuple[str, ...] = ()
    measurement: Measurement | None = None


@dataclass
class ClaimResult:
    """Everything a run learned about one claim; records.py writes it out."""

    claim_id: str
    claim: Claim | None
    tier: str
    verdict: Verdict
    reason: str
    judgement: Judgement | None = None
    mutants: dict[str, Judgement] = field(default_factory=dict)
    instances: list[InstanceResult] = field(default_factory=list)
    counterexample: Any = None
    units: dict[str, int] = field(default_factory=lambda: {"done": 0, "cached": 0, "error": 0})
    seconds: float = 0.0
    family_alpha: float = 0.05
    confirmation: Judgement | None = None


@dataclass(frozen=True)
class _Found:
    """What the Hypothesis search left: judged instances, the failing one, the unit identity."""

    results: list[InstanceResult]
    counterexample_key: str | None
    digest: str
    experiment_id: str


class _Violated(Exception):
    """Raised inside the Hypothesis test so that it shrinks the instance."""

    def __init__(self, key: str) -> None:
        super().__init__(f"claim violated on instance {key}")
        self.key = key


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
    ) -> None:
        self.claim_id = claim_id
        self.root = root
        self.tier = tier
        self.session_seed = session_seed
        self.executor = executor
        self.cache = cache
        self.counterexamples = counterexamples
        self.units = {"done": 0, "cached": 0, "error": 0}

    def run(self) -> ClaimResult:
        start = time.perf_counter()
        try:
            claim = load_claim(self.claim_id, self.root)
        except TheorycheckError as exc:
            return self._error(None, f"{type(exc).__name__}: {exc}", start)
        except Exception as exc:
            return self._error(None, f"cannot import the claim module: {type(exc).__name__}: {exc}", start)
        experiment_id, module = experiment_identity(claim, self.claim_id)
        digest = source_digest(module or load_module(self.claim_id, self.root))
        results: dict[str, InstanceResult] = {}
        budget = self.tier.instances + self.tier.shrink_budget

        def check(instance: Any) -> None:
            key = json.dumps(instance_json.to_json(instance), sort_keys=True)
            note(f"instance: {instance_json.describe(instance)}")
            if key not in results:
                if len(results) >= budget:
                    return  # shrink budget spent: report the smallest violation found so far
                results[key] = self._instance(claim, instance, key, digest, experiment_id)
            if results[key].claim.verdict is Verdict.VIOLATED:
                raise _Violated(key)

        test = self._hypothesis_test(claim, check, experiment_id)
        counterexample_key = None
        try:
            with seed_only_draws():
                test()
        except _Violated as violated:
            counterexample_key = violated.key
        except HypothesisException as exc:
            return self._error(
                claim, f"instances: the strategy could not draw ({type(exc).__name__}: {exc})", start
            )
        except TypeError as exc:
            return self._error(claim, f"instances: drew a value that is not JSON data ({exc})", start)
        if not results:
            return self._error(claim, "instances: the strategy drew no instance", start)
        found = _Found(list(results.values()), counterexample_key, digest, experiment_id)
        return self._combine(claim, found, start)

    # ------------------------------------------------------------------ hypothesis

    def _hypothesis_test(self, claim: Claim, check: Any, experiment_id: str) -> Any:
        phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if self.tier.shrink_budget else [])
        wrapped = given(claim.instances)(check)
        if self.counterexamples is not None:
            for stored in reversed(self.counterexamples.load(self.claim_id)):
                wrapped = example(stored)(wrapped)
        wrapped = settings(
            max_examples=self.tier.instances,
            phases=phases,
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            print_blob=False,
            verbosity=Verbosity.quiet,
        )(wrapped)
        return seed(derive_seed(self.session_seed, experiment_id, "instances"))(wrapped)

    # ------------------------------------------------------------------ one instance

    def _instance(
        self, claim: Claim, instance: Any, key: str, digest: str, experiment_id: str
    ) -> InstanceResult:
        rows: list[Measurement] = []
        alpha = claim.alpha / len(self.tier.looks)
        verdict: Judgement | None = None
        mutants: dict[str, Judgement] = {}
        measurement = Measurement()
        for look in self.tier.looks:
            units = [
                self._unit(instance, key, repeat, digest, experiment_id) for repeat in range(len(rows), look)
            ]
            new_rows, errors = self._run_units(units)
            if errors:
                return InstanceResult(
                    instance, key, _error_judgement(errors[0]), {}, len(rows), tuple(errors)
                )
            rows.extend(new_rows)
            measurement = Measurement.stack(rows)
            unmet = _unmet_precondition(claim, measurement, alpha)
            if unmet is not None:
                verdict = unmet
                mutants = {m.name: unmet for m in claim.mutants}
            else:
                verdict = _judge(claim.prediction, measurement, alpha)
                mutants = {m.name: _judge(m.prediction, measurement, alpha) for m in claim.mutants}
            undecided = [j for j in (verdict, *mutants.values()) if j.verdict is Verdict.INCONCLUSIVE]
            if not undecided:
                break
        assert verdict is not None
        return InstanceResult(instance, key, verdict, mutants, len(rows), measurement=measurement)

    def _confirm(self, claim: Claim, violated: InstanceResult, digest: str, experiment_id: str) -> Judgement:
        """Judge a VIOLATED instance again on a fresh block of seeds, at the claim's alpha.

        The block takes the repeats after the tier's budget, so its seeds never
        overlap the ones that found the violation; one pre-selected instance
        and one look need no further correction.
        """
        first = self.tier.max_seeds
        units = [
            self._unit(violated.instance, violated.instance_json, repeat, digest, experiment_id)
            for repeat in range(first, first + self.tier.max_seeds)
        ]
        rows, errors = self._run_units(units)
        if errors:
            return _error_judgement(errors[0])
        measurement = Measurement.stack(rows)
        unmet = _unmet_precondition(claim, measurement, claim.alpha)
        return unmet if unmet is not None else _judge(claim.prediction, measurement, claim.alpha)

    def _unit(self, instance: Any, key: str, repeat: int, digest: str, experiment_id: str) -> Unit:
        unit_seed = derive_seed(self.session_seed, experiment_id, key, repeat)
        parts = {
            "experiment": experiment_id,
            "instance": key,
            "seed": unit_seed,
            "tier": self.tier.name,
            "source": digest,
            "versions": library_versions(),
        }
        return Unit(
            self.claim_id, str(self.root), instance, key, repeat, unit_seed, self.tier.name, unit_key(parts)
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
        for outcome in self.executor.run(todo):
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

    # ------------------------------------------------------------------ combining

    def _combine(self, claim: Claim, found: _Found, start: float) -> ClaimResult:
        results = found.results
        alpha = claim.alpha / len(self.tier.looks)
        errors = [e for r in results for e in r.errors]
        verdict, pick = combine_instances([r.claim for r in results], alpha)
        mutants = {
            m.name: _combined([r.mutants.get(m.name, _error_judgement("not judged")) for r in results], alpha)
            for m in claim.mutants
        }
        reason = results[pick].claim.reason
        if errors:
            verdict, reason = Verdict.ERROR, errors[0]
        counterexample = confirmation = None
        if verdict is Verdict.VIOLATED:
            key = found.counterexample_key or results[pick].instance_json
            failing = next((r for r in results if r.instance_json == key), results[pick])
            if self.tier.asserts_verdict:
                confirmation = self._confirm(claim, failing, found.digest, found.experiment_id)
                verdict, reason = _confirmed(failing.claim, confirmation)
        if verdict is Verdict.VIOLATED:
            counterexample = failing.instance
            if self.counterexamples is not None and self.tier.asserts_verdict:
                self.counterexamples.add(self.claim_id, counterexample)
        return ClaimResult(
            claim_id=self.claim_id,
            claim=claim,
            tier=self.tier.name,
            verdict=verdict,
            reason=reason,
            judgement=results[pick].claim,
            mutants=mutants,
            instances=results,
            counterexample=counterexample,
            units=dict(self.units),
            seconds=time.perf_counter() - start,
            family_alpha=claim.alpha,
            confirmation=confirmation,
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


def _judge(prediction: Prediction, measurement: Measurement, alpha: float) -> Judgement:
    try:
        return prediction.judge(measurement, alpha)
    except MeasurementError as exc:
        return _error_judgement(str(exc))


def _unmet_precondition(claim: Claim, measurement: Measurement, alpha: float) -> Judgement | None:
    """An INCONCLUSIVE (or ERROR) judgement when a declared precondition does not hold, else None.

    A precondition (the model trained, the forward task was fitted) that does
    not hold makes the prediction vacuous on this instance: neither the claim
    nor its mutants can be judged.
    """
    for pre in claim.requires:
        judged = _judge(pre, measurement, alpha)
        if judged.verdict is Verdict.ERROR:
            return judged
        if judged.verdict is not Verdict.HOLDS:
            mean = "" if judged.estimate is None else f" (mean {judged.estimate:.4g})"
            return Judgement(
                Verdict.INCONCLUSIVE,
                judged.statistic,
                seeds=judged.seeds,
                reason=f"precondition {pre.describe()} is {judged.verdict}{mean}: "
                "the prediction is vacuous here",
            )
    return None


def _confirmed(found: Judgement, confirmation: Judgement) -> tuple[Verdict, str]:
    """VIOLATED when the confirmation block reproduces the violation, else FLAKY (or ERROR)."""
    if confirmation.verdict is Verdict.VIOLATED:
        return Verdict.VIOLATED, found.reason
    if confirmation.verdict is Verdict.ERROR:
        return Verdict.ERROR, f"confirmation block: {confirmation.reason}"
    return Verdict.FLAKY, (
        f"VIOLATED on {found.seeds} seeds ({found.statistic} interval {_interval(found)}) but "
        f"{confirmation.verdict.value} on {confirmation.seeds} fresh confirmation seeds "
        f"(interval {_interval(confirmation)})"
    )


def _interval(j: Judgement) -> str:
    if j.interval is None:
        return "none"
    return f"[{j.interval[0]:.4g}, {j.interval[1]:.4g}]"


def _error_judgement(reason: str) -> Judgement:
    return Judgement(Verdict.ERROR, "", reason=reason)


def _combined(judgements: Sequence[Judgement], alpha: float) -> Judgement:
    """The judgement of the instance that shows the combined verdict, carrying that verdict."""
    verdict, pick = combine_instances(judgements, alpha)
    shown = judgements[pick]
    return shown if shown.verdict is verdict else dataclasses.replace(shown, verdict=verdict)


def combine_instances(judgements: Sequence[Judgement], alpha: float) -> tuple[Verdict, int]:
    """Claim-level verdict over instances, and the index of the instance that shows it.

    ERROR if any instance errored; VIOLATED if any Holm-adjusted violation
    p-value is below ``alpha``; HOLDS if every instance holds (intersection-
    union, no adjustment needed); INCONCLUSIVE otherwise.
    """
    for i, j in enumerate(judgements):
        if j.verdict is Verdict.ERROR:
            return Verdict.ERROR, i
    adjusted = holm([j.p_violation for j in judgements])
    violated = [
        i
        for i, (j, p) in enumerate(zip(judgements, adjusted, strict=True))
        if j.verdict is Verdict.VIOLATED and p < alpha
    ]
    if violated:
        return Verdict.VIOLATED, min(violated, key=lambda i: judgements[i].p_violation)
    if all(j.verdict is Verdict.HOLDS for j in judgements):
        return Verdict.HOLDS, max(range(len(judgements)), key=lambda i: judgements[i].p_violation)
    undecided = [i for i, j in enumerate(judgements) if j.verdict is not Verdict.HOLDS]
    return Verdict.INCONCLUSIVE, undecided[0]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m theorycheck.engine CLAIM_ID [--tier T]``: run one claim in-process and print it."""
    import argparse

    from .cache import NoCache
    from .catalogue import find_root
    from .execute import InProcessExecutor
    from .tiers import get_tier

    parser = argparse.ArgumentParser(prog="python -m theorycheck.engine")
    parser.add_argument("claim_id")
    parser.add_argument("--tier", default="default")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    root = find_root(Path.cwd())
    from .session import limit_torch_threads

    limit_torch_threads(1)
    runner = ClaimRunner(
        args.claim_id,
        root,
        get_tier(args.tier),
        session_seed=args.seed,
        executor=InProcessExecutor(),
        cache=NoCache(),
    )
    result = runner.run()
    print(f"{result.claim_id}: {result.verdict} ({result.seconds:.1f} s) {result.reason}")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
