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
