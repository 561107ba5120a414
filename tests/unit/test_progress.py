"""Progress state and the plain display, with an explicit clock (no timed assertions)."""

from __future__ import annotations

import pytest

from theorycheck.progress import LineDisplay, ProgressState, choose_mode, duration, in_ci


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _record(verdict: str, done: int = 3, cached: int = 1) -> dict:
    return {"verdict": verdict, "seconds": 2.5, "units": {"done": done, "cached": cached, "error": 0}}


def test_counts_units_and_estimate():
    state = ProgressState(started=0.0, total=4)
    assert state.remaining(10.0) is None
    state.start("a/x", 0.0)
    state.start("a/y", 0.0)
    assert (state.done, len(state.running), state.queued) == (0, 2, 2)
    assert state.finish("a/x", _record("HOLDS"))
    assert not state.finish("a/x", _record("HOLDS"))  # counted once (setup and call both carry it)
    assert (state.done, len(state.running), state.queued) == (1, 1, 2)
    assert (state.trained, state.cached) == (3, 1)
    assert state.remaining(10.0) == pytest.approx(30.0)  # 10 s per claim, 3 left
    text = state.counts(10.0)
    assert "1/4 claims done, 1 running, 2 queued" in text and "units 3 trained, 1 cached" in text
    assert "elapsed 10s, about 30s left" in text


def test_line_display_prints_a_line_per_finished_claim_with_its_verdict():
    lines: list[str] = []
    clock = FakeClock()
    display = LineDisplay(lines.append, clock)
    display.set_total(2)
    display.started("a/x")
    display.started("a/y")
    clock.now += 65
    display.finished("a/x", _record("HOLDS"))
    display.finished("a/x", _record("HOLDS"))
    clock.now += 5
    display.finished("a/y", _record("VIOLATED", done=0, cached=4))
    display.close()
    display.close()  # sessionfinish and unconfigure both close it
    assert lines[0] == "theorycheck: 2 claims queued"
    assert lines[1].startswith("[1/2] HOLDS        a/x (2.5s) | 1/2 claims done, 1 running, 0 queued")
    assert "elapsed 1m05s, about 1m05s left" in lines[1]
    assert lines[2].startswith("[2/2] VIOLATED     a/y") and "units 3 trained, 5 cached" in lines[2]
    assert len(lines) == 4 and lines[3].startswith("theorycheck: 2/2 claims done") and "all done" in lines[3]


@pytest.mark.parametrize(
    ("option", "tty", "env", "mode"),
    [
        ("auto", True, {}, "live"),
        ("auto", False, {}, "plain"),
        ("auto", True, {"CI": "true"}, "plain"),
        ("auto", True, {"CI": "0"}, "live"),
        ("off", True, {}, "off"),
        ("plain", True, {}, "plain"),
    ],
)
def test_mode(option: str, tty: bool, env: dict, mode: str):
    assert choose_mode(option, isatty=tty, env=env) == mode


def test_duration_and_ci():
    assert [duration(s) for s in (None, 5, 65, 3725)] == ["?", "5s", "1m05s", "1h02m"]
    assert in_ci({"CI": "1"}) and not in_ci({}) and not in_ci({"CI": "false"})
