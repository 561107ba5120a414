"""Executors stop a batch at its first failed unit: one timeout per hanging claim, not one per seed."""

from __future__ import annotations

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
