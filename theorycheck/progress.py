"""Live progress of a claim run: claims done / running / queued, units trained and cached,
each claim's verdict as it finishes, the elapsed time and an estimate of what remains.

The pytest controller feeds :class:`ProgressState` from its hooks (under
pytest-xdist it sees each item start and finish as the workers report them).
Two displays: :class:`LiveDisplay`, a rich status bar redrawn in place with
one printed line per finished claim, when stdout is a terminal and CI is not
set; :class:`LineDisplay`, plain lines (one per finished claim) otherwise.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

MODES = ("auto", "live", "plain", "off")
Clock = Callable[[], float]


def duration(seconds: float | None) -> str:
    """``42s``, ``3m05s``, ``1h02m``; ``?`` when unknown."""
    if seconds is None:
        return "?"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


@dataclass
class ProgressState:
    """What the controller knows about the run so far; every method takes the time explicitly."""

    started: float
    total: int = 0
    running: dict[str, float] = field(default_factory=dict)
    finished: dict[str, str] = field(default_factory=dict)
    trained: int = 0
    cached: int = 0
    unit_errors: int = 0

    @property
    def done(self) -> int:
        return len(self.finished)

    @property
    def queued(self) -> int:
        return max(0, self.total - self.done - len(self.running))

    def start(self, claim_id: str, now: float) -> None:
        if claim_id not in self.finished:
            self.running.setdefault(claim_id, now)

    def finish(self, claim_id: str, record: Mapping[str, Any]) -> bool:
        """Record a finished claim; False if it was already counted."""
        self.running.pop(claim_id, None)
        if claim_id in self.finished:
            return False
        self.finished[claim_id] = str(record.get("verdict", "?"))
        units = record.get("units") or {}
        self.trained += int(units.get("done", 0))
        self.cached += int(units.get("cached", 0))
        self.unit_errors += int(units.get("error", 0))
        self.total = max(self.total, self.done + len(self.running))
        return True

    def elapsed(self, now: float) -> float:
        return now - self.started

    def remaining(self, now: float) -> float | None:
        """Time per finished claim so far times the claims left (None before the first finishes)."""
        if self.done == 0 or self.total <= self.done:
            return None if self.done == 0 else 0.0
        return self.elapsed(now) / self.done * (self.total - self.done)

    def counts(self, now: float) -> str:
        units = f"units {self.trained} trained, {self.cached} cached"
        if self.unit_errors:
            units += f", {self.unit_errors} failed"
        left = self.remaining(now)
        if self.total and self.done >= self.total:
            eta = "all done"
        else:
            eta = "estimating" if left is None else f"about {duration(left)} left"
        return (
            f"{self.done}/{self.total} claims done, {len(self.running)} running, {self.queued} queued; "
            f"{units}; elapsed {duration(self.elapsed(now))}, {eta}"
        )

    def finished_line(self, claim_id: str, record: Mapping[str, Any], now: float) -> str:
        """The line printed when ``claim_id`` finishes (after :meth:`finish`)."""
        width = len(str(self.total))
        seconds = record.get("seconds")
        took = f"{seconds:.1f}s" if isinstance(seconds, (int, float)) else "-"
        return (
            f"[{self.done:>{width}}/{self.total}] {self.finished[claim_id]:<12} {claim_id} ({took}) | "
            f"{self.counts(now)}"
        )


class Display(Protocol):
    def started(self, claim_id: str) -> None: ...

    def finished(self, claim_id: str, record: Mapping[str, Any]) -> None: ...

    def set_total(self, total: int) -> None: ...

    def close(self) -> None: ...


class LineDisplay:
    """Plain lines for logs and CI: one when the run starts, one per finished claim."""

    def __init__(self, write_line: Callable[[str], None], clock: Clock = time.monotonic) -> None:
        self.write_line = write_line
        self.clock = clock
        self.state = ProgressState(started=clock())
        self._announced = False
        self._closed = False

    def set_total(self, total: int) -> None:
        self.state.total = max(self.state.total, total)

    def started(self, claim_id: str) -> None:
        if not self._announced:
            self._announced = True
            self.write_line(f"theorycheck: {self.state.total} claims queued")
        self.state.start(claim_id, self.clock())

    def finished(self, claim_id: str, record: Mapping[str, Any]) -> None:
        if self.state.finish(claim_id, record):
            self.write_line(self.state.finished_line(claim_id, record, self.clock()))

    def close(self) -> None:
        if self.state.done and not self._closed:
            self.write_line(f"theorycheck: {self.state.counts(self.clock())}")
        self._closed = True


class LiveDisplay:
    """A rich status bar kept at the bottom of the terminal, finished claims printed above it."""

    COLOURS: Mapping[str, str] = {
        "HOLDS": "green",
        "VIOLATED": "red",
        "HOLLOW": "red",
        "INCONCLUSIVE": "yellow",
        "FLAKY": "dark_orange",
        "ERROR": "magenta",
    }

    def __init__(self, stream: TextIO, clock: Clock = time.monotonic) -> None:
        from rich.console import Console
        from rich.live import Live

        self.clock = clock
        self.state = ProgressState(started=clock())
        self.lock = threading.Lock()
        self.stream = stream
        self.console = Console(file=stream, highlight=False)
        self.live = Live(
            console=self.console,
            get_renderable=self._render,
            refresh_per_second=2,
            redirect_stdout=False,
            redirect_stderr=False,
            transient=True,
        )
        self._live_started = False

    def _render(self) -> Any:
        from rich.console import Group
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        now = self.clock()
        with self.lock:
            state = self.state
            left = state.remaining(now)
            eta = "" if left is None or state.done >= state.total else f" · ~{duration(left)} left"
            grid = Table.grid(padding=(0, 1))
            grid.add_row(
                ProgressBar(total=max(state.total, 1), completed=state.done, width=24),
                Text(
                    f"{state.done}/{state.total} claims · {len(state.running)} running · "
                    f"{state.queued} queued · {duration(state.elapsed(now))}{eta}"
                ),
            )
            running = sorted(state.running.items(), key=lambda kv: kv[1])
            names = ", ".join(f"{cid} ({duration(now - t0)})" for cid, t0 in running[:3])
            more = f" +{len(running) - 3}" if len(running) > 3 else ""
            units = f"units {state.trained} trained, {state.cached} cached"
            detail = f"{units} · running {names}{more}" if running else units
            return Group(grid, Text(detail, style="dim", overflow="ellipsis", no_wrap=True))

    def set_total(self, total: int) -> None:
        with self.lock:
            self.state.total = max(self.state.total, total)

    def started(self, claim_id: str) -> None:
        with self.lock:
            self.state.start(claim_id, self.clock())
        if not self._live_started:
            self._live_started = True
            self.live.start()

    def finished(self, claim_id: str, record: Mapping[str, Any]) -> None:
        from rich.text import Text

        with self.lock:
            if not self.state.finish(claim_id, record):
                return
            verdict = self.state.finished[claim_id]
            seconds = record.get("seconds")
            took = f"{seconds:.1f}s" if isinstance(seconds, (int, float)) else "-"
            line = Text.assemble(
                (f"{verdict:<12}", f"bold {self.COLOURS.get(verdict, 'white')}"),
                f" {claim_id} ",
                (f"({took})", "dim"),
            )
        self.console.print(line)

    def close(self) -> None:
        if self.stream.closed:
            return
        if self._live_started:
            self._live_started = False
            self.live.stop()
            if self.state.done:
                self.console.print(self.state.counts(self.clock()))
        self.stream.close()


def in_ci(env: Mapping[str, str] | None = None) -> bool:
    """CI is set to anything but an explicit no."""
    value = (os.environ if env is None else env).get("CI", "")
    return value.strip().lower() not in ("", "0", "false", "no")


def choose_mode(option: str, *, isatty: bool, env: Mapping[str, str] | None = None) -> str:
    """``auto`` is ``live`` on a terminal outside CI and ``plain`` otherwise."""
    if option != "auto":
        return option
    return "live" if isatty and not in_ci(env) else "plain"


def make_display(mode: str, write_line: Callable[[str], None]) -> Display | None:
    """The display for ``mode`` (``off``: none). ``live`` writes to a duplicate of the terminal's stdout,
    so that pytest's output capture during an in-process item never swallows it."""
    if mode == "off":
        return None
    if mode == "live":
        try:
            stream = open(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", closefd=True)  # noqa: SIM115
        except (OSError, ValueError, AttributeError):
            return LineDisplay(write_line)
        try:
            return LiveDisplay(stream)
        except ImportError:
            stream.close()
            return LineDisplay(write_line)
    return LineDisplay(write_line)
