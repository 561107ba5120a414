"""Executors stop a batch at its first failed unit: one timeout per hanging claim, not one per seed."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from theorycheck import execute
from theorycheck.execute import InProcessExecutor, ProcessExecutor, Unit
from theorycheck.measurement import Measurement

TOY = Path(__file__).parents[1] / "fixtures" / "toy_catalogue"


def _toy_units(claim_id: str, n: int) -> list[Unit]:
    instance = {"scale": 1.0}  # the crashing experiment never reads it
    return [
        Unit(claim_id, str(TOY), instance, '{"scale": 1.0}', r, 1000 + r, "smoke", f"key{r}")
        for r in range(n)
    ]


def test_in_process_batch_stops_at_the_first_failure(monkeypatch: pytest.MonkeyPatch):
    calls: list[int] = []

    def fake_run_unit(unit: Unit) -> Measurement:
        calls.append(unit.repeat)
        if unit.repeat == 1:
            raise ValueError("boom")
        return Measurement.one(scalars={"x": 1.0})

    monkeypatch.setattr(execute, "run_unit", fake_run_unit)
    outcomes = InProcessExecutor().run(_toy_units("toy2024/true_rate", 4))
    assert calls == [0, 1]
    assert outcomes[0].error is None and outcomes[1].error is not None and "boom" in outcomes[1].error
    assert all(o.error is not None and o.error.startswith("not run:") for o in outcomes[2:])


def test_process_batch_stops_at_the_first_failure():
    executor = ProcessExecutor(jobs=1, timeout=60)
    try:
        outcomes = executor.run(_toy_units("toy2024/crashing", 3))
    finally:
        executor.close()
    assert "the experiment exploded on purpose" in (outcomes[0].error or "")
    assert [o.error for o in outcomes[1:]] == [f"not run: {outcomes[0].unit.label()} failed first"] * 2


def test_worker_processes_run_numpy_on_the_configured_threads(tmp_path: Path):
    """BLAS pools are sized at numpy's import: the harness sets the thread variables before any worker
    exists, so a unit on one thread really has one BLAS thread (the process the forkserver forked)."""
    catalogue = tmp_path / "cat"
    paper = catalogue / "claims" / "blas2024"
    paper.mkdir(parents=True)
    (catalogue / "claims" / "__init__.py").write_text("")
    (paper / "__init__.py").write_text(
        "from theorycheck import Paper\nPAPER = Paper(key='blas2024', title='t', authors=('A',), year=2024)\n"
    )
    (paper / "threads.py").write_text(
        textwrap.dedent(
            """
            import ctypes, glob, os
            import numpy
            from hypothesis import strategies as st
            from theorycheck import Claim, Measurement, Mutant, Threshold, reference
            from . import PAPER

            def experiment(instance, seed, tier):
                here = os.path.dirname(numpy.__file__)
                lib = ctypes.CDLL(glob.glob(os.path.join(here, "..", "numpy.libs", "*openblas*"))[0])
                get = getattr(lib, "scipy_openblas_get_num_threads64_", None) or lib.openblas_get_num_threads
                mmap = float(os.environ.get("MALLOC_MMAP_THRESHOLD_", "0"))
                return Measurement.one(scalars={"threads": float(get()), "mmap": mmap})

            CLAIM = Claim(
                paper=PAPER, theorem="0", statement="s", instances=st.just(0), experiment=experiment,
                prediction=Threshold("threads", "<=", 1),
                mutants=[Mutant("m", Threshold("threads", ">=", 2), why="w")],
                reference=reference(section="0", value="v"),
            )
            """
        )
    )
    unit = Unit("blas2024/threads", str(catalogue), 0, "0", 0, 1, "smoke", "key-blas")
    executor = ProcessExecutor(jobs=1, timeout=120, threads=1)
    try:
        (outcome,) = executor.run([unit])
    finally:
        executor.close()
    assert outcome.error is None, outcome.error
    assert outcome.measurement is not None and outcome.measurement.scalar("threads")[0] == 1.0
    assert outcome.measurement.scalar("mmap")[0] == float(os.environ["MALLOC_MMAP_THRESHOLD_"])  # inherited


def test_worker_allocator_thresholds_are_set_before_workers_start_and_a_users_value_wins(
    monkeypatch: pytest.MonkeyPatch,
):
    environ = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}
    environ["MALLOC_TRIM_THRESHOLD_"] = "12345"
    monkeypatch.setattr(execute.os, "environ", environ)  # nothing it sets outlives the test
    execute._prepare_worker_environment(1)
    assert environ["MALLOC_MMAP_THRESHOLD_"] == execute.ALLOCATOR_VARIABLES["MALLOC_MMAP_THRESHOLD_"]
    assert environ["MALLOC_TRIM_THRESHOLD_"] == "12345"
