""".ci/run's exit codes, with `make` and `theorycheck` replaced by stubs that return chosen codes.

The test command comes first and decides alone when it fails (pytest's 5, no tests, fails too);
then the catalogue run (exit 1 is for diff to judge; more is a broken run), then diff.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _stub(path: Path, body: str) -> None:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def _ci(tmp_path: Path, *, make: int, run: int, diff: int) -> tuple[int, list[str]]:
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", repo / ".ci" / "run")
    bin_dir, venv = tmp_path / "bin", repo / ".venv" / "bin"
    bin_dir.mkdir()
    venv.mkdir(parents=True)
    calls = tmp_path / "calls"
    _stub(bin_dir / "make", f'echo "make $*" >> {calls}; exit {make}')
    for name in ("chromium", "chromedriver"):
        _stub(bin_dir / name, "exit 0")
    _stub(
        venv / "theorycheck",
        f'echo "theorycheck $1" >> {calls}\ncase "$1" in run) exit {run};; diff) exit {diff};; esac',
    )
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}
    env.pop("THEORYCHECK_CI_OUT", None)
    done = subprocess.run(
        ["bash", str(repo / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return done.returncode, calls.read_text().split("\n")[:-1] if calls.exists() else []


@pytest.mark.parametrize(
    ("make", "run", "diff", "code", "calls"),
    [
        (0, 0, 0, 0, ["make test", "theorycheck run", "theorycheck diff"]),
        (0, 1, 0, 0, ["make test", "theorycheck run", "theorycheck diff"]),  # a known VIOLATED in baseline
        (0, 1, 1, 1, ["make test", "theorycheck run", "theorycheck diff"]),  # a regression
        (0, 0, 2, 2, ["make test", "theorycheck run", "theorycheck diff"]),  # unreadable baseline
        (0, 2, 0, 2, ["make test", "theorycheck run"]),  # a broken run never reaches diff
        (0, 5, 0, 5, ["make test", "theorycheck run"]),  # a run that collected no claims
        (1, 0, 0, 1, ["make test"]),  # the tests fail first
        (5, 0, 0, 1, ["make test"]),  # no tests collected is a failure
        (2, 0, 0, 2, ["make test"]),
    ],
)
def test_ci_exit_codes(tmp_path: Path, make: int, run: int, diff: int, code: int, calls: list[str]):
    assert _ci(tmp_path, make=make, run=run, diff=diff) == (code, calls)
