"""reports/history.jsonl: appending whole lines, reading past torn ones, flips and moved estimates."""

from __future__ import annotations

from pathlib import Path

from report_records import document, rate_record, record

from theorycheck.history import (
    append_history,
    describe,
    entries_of,
    flags,
    read_history,
    trajectories,
)


def _entry(verdict: str, estimate: float | None, interval: list | None, tier: str = "default") -> dict:
    return {"claim": "a/x", "tier": tier, "verdict": verdict, "estimate": estimate, "interval": interval}


def test_entries_carry_commit_tier_seed_verdict_estimate_interval_seconds():
    doc = document(rate_record(), record("a/y", "ERROR"))
    doc["provenance"]["git_commit"] = "c0ffee"
    entries = entries_of(doc, run="2025-01-01T00:00:00Z")
    assert [e["claim"] for e in entries] == ["a/y", "toy2024/rate"]
    rate = entries[1]
    assert rate["commit"] == "c0ffee" and rate["tier"] == "default" and rate["seed"] == 0
    assert rate["verdict"] == "HOLDS" and rate["estimate"] == -0.5 and rate["interval"] == [-0.52, -0.48]
    assert "seconds" in rate and rate["run"] == "2025-01-01T00:00:00Z"


def test_append_adds_whole_lines_and_a_torn_line_is_skipped(tmp_path: Path):
    path = tmp_path / "history.jsonl"
    assert read_history(path) == []
    append_history(path, [{"claim": "a/x", "verdict": "HOLDS"}])
    with path.open("a") as handle:
        handle.write('{"claim": "a/x", "verd')  # a writer killed mid-line
    append_history(path, [{"claim": "a/x", "verdict": "VIOLATED"}, {"claim": "a/y", "verdict": "HOLDS"}])
    got = read_history(path)
    assert [(e["claim"], e["verdict"]) for e in got] == [
        ("a/x", "HOLDS"),
        ("a/x", "VIOLATED"),
        ("a/y", "HOLDS"),
    ]
    assert path.read_text().endswith("\n")
    append_history(path, [])
    assert len(read_history(path)) == 3


def test_flags_mark_flips_and_estimates_outside_the_previous_interval():
    runs = [
        _entry("HOLDS", 1.0, [0.9, 1.1]),
        _entry("HOLDS", 1.05, [0.95, 1.15]),  # inside: nothing
        _entry("HOLDS", 1.5, [1.4, 1.6]),  # moved
        _entry("INCONCLUSIVE", 1.45, [1.2, 1.7]),  # flip, inside [1.4, 1.6]
        _entry("INCONCLUSIVE", 9.0, [8.0, None], tier="smoke"),  # another tier: compared with no one
        _entry("ERROR", None, None),  # flip; no estimate
    ]
    got = [(f.index, f.kind) for f in flags(runs)]
    assert got == [(2, "moved"), (3, "flip"), (5, "flip")]
    assert "outside the previous interval [0.95, 1.15]" in flags(runs)[0].text


def test_trajectories_and_describe():
    runs = trajectories([{"claim": "a/x", "verdict": "HOLDS"}, {"claim": "a/y", "verdict": "HOLDS"}])
    assert sorted(runs) == ["a/x", "a/y"]
    assert describe(_entry("HOLDS", 1.0, [0.5, None])) == "1 [0.5, inf]"
    assert describe(_entry("ERROR", None, None)) == "-"
