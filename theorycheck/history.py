"""reports/history.jsonl: one line per claim per run, and the trajectories read back from it.

The controller of a run is the only writer. It appends all of the run's
lines with one ``write`` on a file opened with ``O_APPEND``, after which it
fsyncs, so a reader sees whole runs (a crash can leave at most one torn last
line, which :func:`read_history` skips and the next append starts after).

A trajectory is one claim's entries in file order; :func:`flags` marks the
entries a maintainer should look at: a verdict that flipped since the
previous run of the same tier, and an estimate that left the previous run's
interval.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HISTORY_FILE = "history.jsonl"
FIELDS = ("run", "commit", "tier", "seed", "claim", "verdict", "estimate", "interval", "seconds")


def entries_of(document: Mapping[str, Any], *, run: str | None = None) -> list[dict[str, Any]]:
    """The history lines of one claims.json document, one per claim, in claim order."""
    stamp = run or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    provenance = document.get("provenance") or {}
    commit = provenance.get("git_commit")
    out = []
    for record in document.get("claims", []):
        interval = record.get("interval")
        out.append(
            {
                "run": stamp,
                "commit": commit,
                "tier": document.get("tier"),
                "seed": document.get("session_seed"),
                "claim": record["id"],
                "verdict": record["verdict"],
                "estimate": record.get("estimate"),
                "interval": list(interval) if interval else None,
                "seconds": record.get("seconds"),
            }
        )
    return out


def append_history(path: Path, entries: Sequence[Mapping[str, Any]]) -> None:
    """Append ``entries`` as complete JSON lines with one write (the controller is the only writer)."""
    if not entries:
        return
    text = "".join(json.dumps(dict(e), sort_keys=True, allow_nan=False) + "\n" for e in entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if _ends_torn(fd):
            text = "\n" + text  # a crashed writer's partial line stays alone on its line
        data = text.encode("utf-8")
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        os.fsync(fd)
    finally:
        os.close(fd)


def _ends_torn(fd: int) -> bool:
    size = os.fstat(fd).st_size
    if size == 0:
        return False
    return os.pread(fd, 1, size - 1) != b"\n"


def read_history(path: Path) -> list[dict[str, Any]]:
    """Every complete, well-formed line of ``path`` (none if missing); torn or foreign lines are skipped."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    out = []
    for line in text.split("\n")[:-1]:  # the part after the last newline is incomplete
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("claim"), str) and "verdict" in entry:
            out.append(entry)
    return out


def trajectories(entries: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Entries grouped by claim id, each list in file (time) order."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for e in entries:
        out.setdefault(str(e["claim"]), []).append(e)
    return out


@dataclass(frozen=True)
class Flag:
    """Something that changed between an entry and the previous entry of the same tier."""

    index: int
    kind: str  # "flip" or "moved"
    text: str


def _interval(entry: Mapping[str, Any]) -> tuple[float, float] | None:
    iv = entry.get("interval")
    if not isinstance(iv, (list, tuple)) or len(iv) != 2:
        return None
    low = -math.inf if iv[0] is None else float(iv[0])
    high = math.inf if iv[1] is None else float(iv[1])
    return low, high


def flags(trajectory: Sequence[Mapping[str, Any]]) -> list[Flag]:
    """Verdict flips and estimates outside the previous interval, against the previous same-tier entry."""
    out: list[Flag] = []
    last: dict[Any, Mapping[str, Any]] = {}
    for i, entry in enumerate(trajectory):
        before = last.get(entry.get("tier"))
        last[entry.get("tier")] = entry
        if before is None:
            continue
        if entry["verdict"] != before["verdict"]:
            out.append(Flag(i, "flip", f"verdict {before['verdict']} -> {entry['verdict']}"))
        estimate, interval = entry.get("estimate"), _interval(before)
        if isinstance(estimate, (int, float)) and interval is not None:
            low, high = interval
            if not low <= estimate <= high:
                out.append(
                    Flag(
                        i,
                        "moved",
                        f"estimate {estimate:.4g} outside the previous interval [{low:.4g}, {high:.4g}]",
                    )
                )
    return out


def describe(entry: Mapping[str, Any]) -> str:
    """``estimate [low, high]`` of an entry, or ``-``."""
    estimate = entry.get("estimate")
    if not isinstance(estimate, (int, float)):
        return "-"
    interval = _interval(entry)
    if interval is None:
        return f"{estimate:.4g}"
    return f"{estimate:.4g} [{interval[0]:.4g}, {interval[1]:.4g}]"
