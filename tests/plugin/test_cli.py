"""The theorycheck command: list, show, run, report, diff, and one-line errors for bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "theorycheck", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(
        FIXTURES / "toy_catalogue", tmp_path / "cat", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path / "cat"


def test_list_and_show(root: Path):
    listed = _cli(root, "list")
    assert listed.returncode == 0
    assert "toy2024/true_rate" in listed.stdout and "rate" in listed.stdout
    assert "3 claims from 1 papers" in listed.stdout
    shown = _cli(root, "show", "toy2024/true_rate")
    assert shown.returncode == 0
    assert "mutant one_over_n" in shown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "toy2024/nope"), "unknown claim id 'toy2024/nope'"),
        (("show", "not-an-id"), "not a claim id"),
        (("run", "toy2024/nope"), "unknown claim id 'toy2024/nope'"),
        (("run", "nowhere"), "neither a path"),
        (("run", "--tier", "huge"), "invalid choice"),
        (("run", "-n", "two"), "-n takes a number"),
        (("run", "--bogus"), "unrecognized arguments"),
        (("frobnicate",), "invalid choice"),
        (("report", "--json", "missing.json"), "cannot read results file"),
        (("diff", "missing.json", "missing.json"), "cannot read results file"),
        (("baseline", "missing.json"), "cannot read results file"),
        (("history",), "no runs recorded"),
        (("history", "--tier", "huge"), "invalid choice"),
    ],
)
def test_bad_input_is_one_clear_line(root: Path, args: tuple[str, ...], message: str):
    result = _cli(root, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_report_and_diff(root: Path):
    first = _cli(root, "run", "toy2024/true_rate", "toy2024/false_rate", "-n", "0", "--executor", "inprocess")
    assert first.returncode == 1, first.stdout + first.stderr
    doc = json.loads((root / "reports" / "claims.json").read_text())
    assert {c["id"]: c["verdict"] for c in doc["claims"]} == {
        "toy2024/true_rate": "HOLDS",
        "toy2024/false_rate": "VIOLATED",
    }
    (root / "reports" / "claims.md").unlink()
    assert _cli(root, "report").returncode == 0
    assert (root / "reports" / "claims.md").is_file()
    same = _cli(root, "diff", "reports/claims.json", "reports/claims.json")
    assert same.returncode == 0 and "no changes" in same.stdout
    worse = json.loads((root / "reports" / "claims.json").read_text())
    worse["claims"][1]["verdict"] = "INCONCLUSIVE"
    (root / "head.json").write_text(json.dumps(worse))
    regressed = _cli(root, "diff", "reports/claims.json", "head.json")
    assert regressed.returncode == 1 and "REGRESSION" in regressed.stdout
    (root / "bad.json").write_text((root / "reports" / "claims.json").read_text()[:200])
    corrupt = _cli(root, "diff", "reports/claims.json", "bad.json")
    assert corrupt.returncode == 2 and "not valid JSON" in corrupt.stderr


def test_baseline_history_and_diff_on_a_doctored_baseline(root: Path):
    run = _cli(root, "run", "-n", "0", "--executor", "inprocess")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "theorycheck: 3 claims queued" in run.stdout  # plain progress off a terminal
    made = _cli(root, "baseline")
    assert made.returncode == 0 and "no previous baseline" in made.stdout
    baseline = json.loads((root / "reports" / "baseline.json").read_text())
    assert all("measurement" not in c for c in baseline["claims"])
    assert _cli(root, "diff", "reports/baseline.json", "reports/claims.json").stdout.startswith("no changes")

    # doctor the baseline: false_rate held, crashing was only inconclusive, true_rate's mutant went unkilled
    by_id = {c["id"]: c for c in baseline["claims"]}
    by_id["toy2024/false_rate"]["verdict"] = "HOLDS"
    by_id["toy2024/crashing"]["verdict"] = "INCONCLUSIVE"
    by_id["toy2024/true_rate"]["mutants"][0]["verdict"] = "INCONCLUSIVE"
    (root / "doctored.json").write_text(json.dumps(baseline))
    diff = _cli(root, "diff", "doctored.json", "reports/claims.json")
    assert diff.returncode == 1, diff.stdout + diff.stderr
    rows = [line.split() for line in diff.stdout.splitlines()]
    assert ["toy2024/crashing", "claim", "INCONCLUSIVE", "ERROR", "REGRESSION"] in rows
    assert ["toy2024/false_rate", "claim", "HOLDS", "VIOLATED", "REGRESSION"] in rows
    assert any(r[:3] == ["toy2024/true_rate", "mutant", "one_over_n"] and r[-1] != "REGRESSION" for r in rows)
    # false_rate's mutant, killed while the claim held, is now unscored: the claim's own row says it
    assert not any(r[:3] == ["toy2024/false_rate", "mutant", "n_cubed"] for r in rows)
    assert "2 regression(s), 1 other change(s)" in diff.stdout

    accepted = _cli(root, "baseline", "reports/claims.json", "--out", "doctored.json")
    assert accepted.returncode == 0 and "REGRESSION" in accepted.stdout  # says what it accepts
    assert _cli(root, "diff", "doctored.json", "reports/claims.json").returncode == 0
    smoke = json.loads((root / "reports" / "claims.json").read_text())
    smoke["tier"] = "smoke"
    (root / "smoke.json").write_text(json.dumps(smoke))
    refused = _cli(root, "baseline", "smoke.json", "--out", "doctored.json")
    assert refused.returncode == 2 and "--force" in refused.stderr

    _cli(root, "run", "toy2024/true_rate", "-n", "0", "--executor", "inprocess")
    one = _cli(root, "history", "toy2024/true_rate")
    assert one.returncode == 0 and "toy2024/true_rate: 2 run(s)" in one.stdout
    every = _cli(root, "history")
    assert "toy2024/false_rate" in every.stdout and "toy2024/crashing" in every.stdout
    unknown = _cli(root, "history", "toy2024/nope")
    assert unknown.returncode == 2 and "no runs" in unknown.stderr


def test_a_fully_cached_run_starts_no_workers(root: Path):
    args = ("run", "toy2024/true_rate", "toy2024/false_rate", "-n", "2", "--progress", "plain")
    cold = _cli(root, *args)
    assert "bringing up nodes" in cold.stdout, cold.stdout + cold.stderr
    # the violated claim stored a counterexample: the next run replays it (a new key), then it is cached
    assert "bringing up nodes" in _cli(root, *args).stdout
    first = json.loads((root / "reports" / "claims.json").read_text())
    warm = _cli(root, *args)
    assert warm.returncode == cold.returncode == 1
    assert "bringing up nodes" not in warm.stdout, warm.stdout
    second = json.loads((root / "reports" / "claims.json").read_text())
    assert [(c["id"], c["verdict"], c["estimate"]) for c in second["claims"]] == [
        (c["id"], c["verdict"], c["estimate"]) for c in first["claims"]
    ]
    assert all(c["units"]["done"] == 0 for c in second["claims"])
