"""Drawing a claim's instances with Hypothesis, steered toward the edge of the prediction.

Two modes (DESIGN section 4, issue "worst cases"):

* **judge each** (the default, for claims with costly units): every drawn
  instance is judged on the tier's looks; a VIOLATED one makes Hypothesis
  shrink it, within the shrink budget.
* **screen, then judge** (claims that declare cheap units, see
  ``Tier.search_size``): many instances are screened on a couple of seeds
  and Hypothesis is told, with ``hypothesis.target``, how close each came to
  the edge of the claim's region, so its targeting phase climbs toward the
  worst case. The looks are then spent on the instances nearest the edge, on
  fresh seeds (the screening seeds are never reused for judging, so choosing
  by them biases nothing). A violation is shrunk by replaying the same
  deterministic search, which now fails at that instance: shrink candidates
  that screen at or past the edge are judged in full, within the budget.

Every search is a deterministic function of its seed: the instances, their
order and the verdicts do not depend on timing or on which worker ran it.
Screening covers the ``size`` instances the declaration pays for, whatever the
clock says; a screening that runs past ``SCREEN_LIMIT`` times the tier's search
budget (a ``unit_seconds`` declared far below what a unit costs) stops and
makes the claim ERROR, rather than judging whatever it had screened by then.
Shrinking is bounded by counts alone (the tier's shrink budget; Hypothesis's own
300 s cap on shrinking is lifted for the search).
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, note, seed, settings, target
from hypothesis.strategies import SearchStrategy

from . import instances as instance_json
from .draws import seed_only_draws
from .judging import slack
from .outcomes import InstanceResult, SearchInfo
from .tiers import Tier
from .verdict import Verdict

Judge = Callable[[Any, str], InstanceResult]
Screen = Callable[[Any, str], float | None]
EDGE = "closeness to the edge of the predicted region"
SCREEN_LIMIT = 10  # screening past this many times the tier's search budget is an ERROR


class _Violated(Exception):
    """Raised inside the Hypothesis test so that it shrinks the instance."""

    def __init__(self, key: str) -> None:
        super().__init__(f"claim violated on instance {key}")
        self.key = key


@dataclass(frozen=True)
class SearchOutcome:
    """The judged instances (in the order judged), the failing one, and how the search went."""

    results: list[InstanceResult]
    counterexample_key: str | None
    info: SearchInfo


@contextlib.contextmanager
def _no_shrink_time_limit() -> Iterator[None]:
    """Hypothesis stops shrinking after ``MAX_SHRINKING_SECONDS`` (300 s) of wall time, which would make
    a slow claim's counterexample, and the instances judged, depend on the clock; here shrinking is
    bounded by counts (the tier's shrink budget) alone."""
    from hypothesis.internal.conjecture import engine

    saved = getattr(engine, "MAX_SHRINKING_SECONDS", None)
    if saved is None:
        yield
        return
    engine.MAX_SHRINKING_SECONDS = 10**9
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = saved


def screening_limit(tier: Tier) -> float:
    """Seconds a claim's screening may take before it stops and the claim is ERROR."""
    return SCREEN_LIMIT * max(tier.search_seconds, 1.0)


def instance_key(instance: Any) -> str:
    """The canonical JSON of an instance: its identity in seeds, caches and reports."""
    return json.dumps(instance_json.to_json(instance), sort_keys=True)


class InstanceSearch:
    """Runs the Hypothesis search of one claim at one tier."""

    def __init__(
        self,
        strategy: SearchStrategy[Any],
        *,
        seed: int,
        tier: Tier,
        size: int,
        judge: Judge,
        screen: Screen | None = None,
    ) -> None:
        self.strategy = strategy
        self.seed = seed
        self.tier = tier
        self.size = size
        self.judge = judge
        self.screen = screen

    def run(self) -> SearchOutcome:
        with seed_only_draws(), _no_shrink_time_limit():
            if self.screen is None or self.size <= self.tier.instances:
                return self._judge_each()
            return self._screen_then_judge(self.screen)

    def _test(self, check: Callable[[Any], None], phases: list[Phase], examples: int) -> Callable[[], None]:
        wrapped = settings(
            max_examples=examples,
            phases=phases,
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            print_blob=False,
            verbosity=Verbosity.quiet,
        )(given(self.strategy)(check))
        return seed(self.seed)(wrapped)  # type: ignore[no-any-return]

    def _shrinking(self) -> list[Phase]:
        return [Phase.shrink] if self.tier.shrink_budget else []

    # ---------------------------------------------------------------- judge each drawn instance

    def _judge_each(self) -> SearchOutcome:
        results: dict[str, InstanceResult] = {}
        budget = self.tier.instances + self.tier.shrink_budget

        def check(instance: Any) -> None:
            key = instance_key(instance)
            note(f"instance: {instance_json.describe(instance)}")
            if key not in results:
                if len(results) >= budget:
                    return  # shrink budget spent: report the smallest violation found so far
                results[key] = self.judge(instance, key)
            closeness = slack(results[key].claim)
            if closeness is not None:
                target(-closeness, label=EDGE)
            if results[key].claim.verdict is Verdict.VIOLATED:
                raise _Violated(key)

        # no target phase: with a few costly instances there is nothing to climb (target() still
        # records each instance's closeness in Hypothesis's statistics)
        failing = self._run(check, [Phase.generate, *self._shrinking()], self.tier.instances)
        judged = list(results.values())
        nearest = min((s for r in judged if (s := slack(r.claim)) is not None), default=None)
        return SearchOutcome(judged, failing, SearchInfo(len(judged), len(judged), nearest))

    # ---------------------------------------------------------------- screen, then judge the nearest

    def _screen_then_judge(self, screen: Screen) -> SearchOutcome:
        screened: dict[str, tuple[Any, float | None]] = {}
        # deadline: the first pass's time limit; none after it
        state: dict[str, float] = {"limit": self.size, "stopped": False, "failed": False, "extra": 0}
        state["deadline"] = time.perf_counter() + screening_limit(self.tier)

        def closeness(instance: Any, key: str, *, new_allowed: bool) -> float | None:
            if key in screened:
                return screened[key][1]
            if not new_allowed or len(screened) >= state["limit"] or state["stopped"]:
                return None
            if time.perf_counter() > state["deadline"]:
                state["stopped"] = True  # the declared unit cost is far off: the engine makes this ERROR
                return None
            value = screen(instance, key)
            screened[key] = (instance, value)
            return value

        def first_pass(instance: Any) -> None:
            key = instance_key(instance)
            value = closeness(instance, key, new_allowed=True)
            if value is not None:
                target(-value, label=EDGE)

        self._run(first_pass, [Phase.generate, Phase.target], self.size)
        if state["stopped"]:  # judging what happened to be screened in time would depend on the clock
            info = SearchInfo(len(screened), 0, None, stopped_by_time=True)
            return SearchOutcome([], None, info)
        first_keys = set(screened)
        state["deadline"] = math.inf  # shrinking is bounded by counts (limit, extra), never by the clock
        ranked = sorted(screened, key=lambda k: (screened[k][1] is None, screened[k][1] or 0.0))
        results = {k: self.judge(screened[k][0], k) for k in ranked[: self.tier.instances]}
        violated = [k for k, r in results.items() if r.claim.verdict is Verdict.VIOLATED]
        failing = violated[0] if violated else None
        if violated and self.tier.shrink_budget:
            state["limit"] = len(screened) + 10 * self.tier.shrink_budget

            def second_pass(instance: Any) -> None:
                key = instance_key(instance)
                note(f"instance: {instance_json.describe(instance)}")
                value = closeness(instance, key, new_allowed=bool(state["failed"]))
                if value is not None:
                    target(-value, label=EDGE)
                if key not in results:
                    fresh = key not in first_keys and state["failed"]
                    if not fresh or value is None or value > 0 or state["extra"] >= self.tier.shrink_budget:
                        return
                    state["extra"] += 1
                    results[key] = self.judge(instance, key)
                if results[key].claim.verdict is Verdict.VIOLATED:
                    state["failed"] = True
                    raise _Violated(key)

            failing = (
                self._run(second_pass, [Phase.generate, Phase.target, Phase.shrink], self.size) or failing
            )
        values = [v for _, v in screened.values() if v is not None]
        info = SearchInfo(len(screened), len(results), min(values, default=None), bool(state["stopped"]))
        return SearchOutcome(list(results.values()), failing, info)

    def _run(self, check: Callable[[Any], None], phases: list[Phase], examples: int) -> str | None:
        """Run a Hypothesis test; the key of the (shrunk) failing instance, or None."""
        try:
            self._test(check, phases, examples)()
        except _Violated as violated:
            return violated.key
        return None
