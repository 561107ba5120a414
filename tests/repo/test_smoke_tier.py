"""The smoke tier of the whole catalogue through the real CLI, in parallel: no claim may ERROR.

Smoke asserts no verdict (too few seeds); it proves that every claim
collects, trains, is judged and reported by ``theorycheck run -n 2``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from theorycheck.catalogue import claim_ids

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_tier_of_the_whole_catalogue(tmp_path: Path):
    out = tmp_path / "reports"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "theorycheck",
            "run",
            "--tier",
            "smoke",
            "-n",
            "2",
            "--no-cache",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    doc = json.loads((out / "claims.json").read_text())
    assert sorted(c["id"] for c in doc["claims"]) == claim_ids(ROOT)
    assert doc["summary"]["verdicts"]["ERROR"] == 0
    assert all(c["seeds"] >= 2 for c in doc["claims"])
    assert (out / "claims.md").is_file() and (out / "index.html").is_file()
    assert "theorycheck claim status" in run.stdout
