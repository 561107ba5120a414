"""Batched seeds: the seeds of one look run as one unit, with the per-seed results, cache entries and
verdicts of an unbatched run; cached seeds are not rerun; a batch's errors are reported per seed."""

from __future__ import annotations

import importlib
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from theorycheck import cli
from theorycheck.batching import batch_unit, run_units, split_outcome
from theorycheck.cache import Cache, NoCache
from theorycheck.catalogue import isolated_catalogue
from theorycheck.engine import ClaimRunner
from theorycheck.errors import ClaimDeclarationError
from theorycheck.execute import InProcessExecutor, Outcome, ProcessExecutor, Unit
from theorycheck.measurement import Measurement
from theorycheck.outcomes import ClaimResult
from theorycheck.session import RunSettings
from theorycheck.tiers import TIERS
from theorycheck.verdict import Verdict

HEADER = """
import math
import numpy as np
from hypothesis import strategies as st
from theorycheck import Claim, Control, Measurement, Mutant, Threshold, reference
from . import PAPER

CALLS = []  # the seeds of each batched call, in order

def experiment(instance, seed, tier):
    rng = np.random.default_rng(seed)
    level = 0.95 if instance < 100 else 0.5
    return Measurement.one(
        series={"loss": ([1.0, 2.0, 4.0], (rng.random(3) + level).tolist())},
        scalars={"acc": level + 0.01 * rng.standard_normal()},
    )

def control(instance, seed, tier):
    return experiment(instance + 100, seed, tier)

def batched(instance, seeds, tier):
    CALLS.append(("experiment", tuple(seeds)))
    return [experiment(instance, s, tier) for s in seeds]

def batched_control(instance, seeds, tier):
    CALLS.append(("control", tuple(seeds)))
    return [control(instance, s, tier) for s in seeds]
"""

CLAIMS = {
    "plain": "BATCHED = None",
    "batched": "BATCHED = batched",
    # one seed of each batch is NaN: that seed alone is the error
    "nan": """
def BATCHED(instance, seeds, tier):
    rows = batched(instance, seeds, tier)
    nan = Measurement(series=rows[1].series, scalars={"acc": (math.nan,)})
    return [nan if i == 1 else r for i, r in enumerate(rows)]
""",
    "raises": """
def BATCHED(instance, seeds, tier):
    raise RuntimeError("the batch diverged")
""",
    # 0.7 s per seed: over a 1 s unit timeout for two seeds, within it per seed
    "sleepy": """
def BATCHED(instance, seeds, tier):
    import time
    time.sleep(0.7 * len(seeds))
    return batched(instance, seeds, tier)
""",
    "short": """
def BATCHED(instance, seeds, tier):
    return batched(instance, seeds, tier)[:-1]
""",
}

CLAIM = """
CLAIM = Claim(
    paper=PAPER, theorem="1", statement="accurate", instances=st.integers(0, 5), experiment=experiment,
    batched_experiment=BATCHED, prediction=Threshold("acc", ">=", 0.9),
    mutants=[Mutant("near", Threshold("acc", ">=", 0.97), why="0.95 is below 0.97")],
    controls=[Control("chance", control, why="at chance", batched_experiment=batched_control)],
    reference=reference(section="1", value="none"),
)
"""


@pytest.fixture
def catalogue(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "cat"
    paper = root / "claims" / "bat2024"
    paper.mkdir(parents=True)
    (root / "claims" / "__init__.py").write_text("")
    (paper / "__init__.py").write_text(
        "from theorycheck import Paper\n"
        "PAPER = Paper(key='bat2024', title='t', authors=('A. B',), year=2024)\n"
    )
    for name, body in CLAIMS.items():
        text = textwrap.dedent(HEADER) + textwrap.dedent(body) + textwrap.dedent(CLAIM)
        (paper / f"{name}.py").write_text(text)
    with isolated_catalogue(root):
        yield root


def _run(root: Path, claim: str, *, batch: bool = True, cache: Cache | None = None) -> ClaimResult:
    runner = ClaimRunner(
        f"bat2024/{claim}",
        root,
        TIERS["default"],
        session_seed=0,
        executor=InProcessExecutor(),
        cache=cache or NoCache(),
        batch=batch,
    )
    return runner.run()


def _calls(claim: str) -> list[tuple[str, tuple[int, ...]]]:
    return importlib.import_module(f"claims.bat2024.{claim}").CALLS  # type: ignore[no-any-return]


def _entries(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(directory.rglob("*.json"))}


def test_batched_and_unbatched_runs_give_identical_measurements_and_verdicts(catalogue: Path):
    plain, batched = _run(catalogue, "batched", batch=False), _run(catalogue, "batched")
    assert batched.verdict is plain.verdict is Verdict.HOLDS
    assert [i.measurement for i in batched.instances] == [i.measurement for i in plain.instances]
    assert [(i.claim, i.mutants, i.seeds) for i in batched.instances] == [
        (i.claim, i.mutants, i.seeds) for i in plain.instances
    ]
    assert batched.controls == plain.controls
    assert batched.units == plain.units


def test_each_look_of_each_instance_is_one_batched_call(catalogue: Path):
    result = _run(catalogue, "batched")
    calls = _calls("batched")
    looks = [len(s) for kind, s in calls if kind == "experiment"]
    assert sum(looks) == sum(i.seeds for i in result.instances)
    assert len(looks) <= len(result.instances) * len(TIERS["default"].looks)
    assert all(n > 1 for n in looks)
    assert [len(s) for kind, s in calls if kind == "control"] == [i.seeds for i in result.instances]


def test_a_batched_run_writes_the_cache_entries_of_an_unbatched_one(catalogue: Path, tmp_path: Path):
    _run(catalogue, "batched", batch=False, cache=Cache(tmp_path / "plain"))
    _run(catalogue, "batched", cache=Cache(tmp_path / "batched"))
    assert _entries(tmp_path / "batched") == _entries(tmp_path / "plain")


def test_cached_seeds_are_not_rerun(catalogue: Path, tmp_path: Path):
    full = _run(catalogue, "batched", cache=Cache(tmp_path / "c"))
    entries = sorted((tmp_path / "c").rglob("*.json"))
    for path in entries[::3]:
        path.unlink()
    _calls("batched").clear()
    again = _run(catalogue, "batched", cache=Cache(tmp_path / "c"))
    rerun = sum(len(s) for _, s in _calls("batched"))
    assert rerun == len(entries[::3])
    assert again.units["cached"] == len(entries) - rerun and again.units["done"] == rerun
    assert [i.measurement for i in again.instances] == [i.measurement for i in full.instances]


def test_a_nan_seed_is_the_error_of_that_seed_alone(catalogue: Path):
    result = _run(catalogue, "nan")
    assert result.verdict is Verdict.ERROR
    assert "non-finite scalar 'acc'" in result.reason and "repeat 1 " in result.reason
    errors = [e for i in result.instances for e in i.errors]
    assert all("repeat 1 " in e for e in errors)


@pytest.mark.parametrize(
    ("claim", "reason"), [("raises", "the batch diverged"), ("short", "returned 3 measurements for 4 seeds")]
)
def test_a_failed_batch_is_an_error_of_each_of_its_seeds_with_the_reason(
    catalogue: Path, claim: str, reason: str
):
    result = _run(catalogue, claim)
    assert result.verdict is Verdict.ERROR
    errors = [e for i in result.instances for e in i.errors]
    assert len(errors) % TIERS["default"].looks[0] == 0 and errors
    assert all(reason in e and "batch of 4 seeds" in e for e in errors)
    assert all(any(f"repeat {r} (seed" in e for e in errors) for r in range(4))


def test_the_experiment_and_each_control_opt_in_apart(catalogue: Path):
    result = _run(catalogue, "plain")  # no batched_experiment; its control has one
    assert result.verdict is Verdict.HOLDS
    assert {kind for kind, _ in _calls("plain")} == {"control"}


def test_a_session_without_batching_never_calls_the_batched_experiment(catalogue: Path):
    """``theorycheck run --no-batch`` / ``pytest --no-claims-batch`` reach the runner as
    ``RunSettings.batch``; with it off every seed is its own call of ``experiment``."""
    _calls("batched").clear()
    settings = RunSettings(root=catalogue, tier=TIERS["default"], executor="inprocess", batch=False)
    try:
        result = settings.run_claim("bat2024/batched")
    finally:
        settings.close()
    assert result.verdict is Verdict.HOLDS and result.units["done"] > 0
    assert _calls("batched") == []
    settings = RunSettings(root=catalogue, tier=TIERS["default"], executor="inprocess")
    try:
        settings.run_claim("bat2024/batched")
    finally:
        settings.close()
    assert _calls("batched")


def test_the_command_line_passes_no_batch_to_pytest(monkeypatch: pytest.MonkeyPatch, catalogue: Path):
    seen: list[list[str]] = []
    monkeypatch.setenv("HYPOTHESIS_NO_PLUGINS", "1")  # what the command sets, undone after the test
    monkeypatch.setattr(cli, "_pytest_in_process", lambda root, arguments: seen.append(arguments) or 0)
    monkeypatch.chdir(catalogue)
    assert cli.main(["run", "bat2024/batched", "-n", "0", "--executor", "inprocess", "--no-batch"]) == 0
    assert cli.main(["run", "bat2024/batched", "-n", "0", "--executor", "inprocess"]) == 0
    assert "--no-claims-batch" in seen[0] and "--no-claims-batch" not in seen[1]


def _units(root: Path, claim: str, n: int) -> list[Unit]:
    return [Unit(f"bat2024/{claim}", str(root), 3, "3", r, 1000 + r, "smoke", f"key{r}") for r in range(n)]


def test_the_process_executor_runs_a_batch_unit(catalogue: Path):
    units = _units(catalogue, "batched", 3)
    executor = ProcessExecutor(jobs=1, timeout=60)
    try:
        batched = run_units(executor, units, {""})
    finally:
        executor.close()
    plain = InProcessExecutor().run(units)
    assert [o.unit for o in batched] == units
    assert [o.measurement for o in batched] == [o.measurement for o in plain]


def test_a_batch_unit_gets_the_timeout_of_each_of_its_seeds(catalogue: Path):
    executor = ProcessExecutor(jobs=1, timeout=1.0)
    try:
        outcomes = run_units(executor, _units(catalogue, "sleepy", 2), {""})
    finally:
        executor.close()
    assert [o.error for o in outcomes] == [None, None]


def test_split_outcome_keeps_the_seed_order_and_shares_the_time(catalogue: Path):
    units = _units(catalogue, "batched", 2)
    rows = [Measurement.one(scalars={"acc": float(r)}) for r in range(2)]
    outcome = Outcome(batch_unit(units), Measurement.stack(rows), None, 4.0)
    split = split_outcome(outcome, units)
    assert [o.measurement for o in split] == rows and [o.seconds for o in split] == [2.0, 2.0]
    assert batch_unit(units).batch == (1000, 1001) and "2 seeds, batched" in batch_unit(units).label()


def test_a_batched_experiment_must_be_callable(catalogue: Path):
    text = (
        (catalogue / "claims" / "bat2024" / "plain.py").read_text().replace("BATCHED = None", "BATCHED = 3")
    )
    (catalogue / "claims" / "bat2024" / "bad.py").write_text(text)
    with pytest.raises(ClaimDeclarationError, match="batched_experiment"):
        importlib.import_module("claims.bat2024.bad")
