"""Reliability R-2 and R-3: a pytest-xdist worker killed mid-run never yields a silent green run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "plugin"))
from plugin_support import install, results

KILLER = '''"""Fault claim: the unit kills the pytest worker that runs it."""

from __future__ import annotations

from ._base import kill_pytest_worker, make_claim

CLAIM = make_claim(kill_pytest_worker, "The unit SIGKILLs the pytest-xdist worker.")
'''


def _catalogue(pytester: pytest.Pytester, copies: int) -> Path:
    root = install(pytester, "fault_catalogue")
    claims = root / "claims" / "fault2024"
    for name in ("exits", "killed", "segfaults", "hangs", "nan", "raises", "oom"):
        (claims / f"{name}.py").unlink()
    healthy = (claims / "healthy_a.py").read_text()
    for i in range(copies):
        (claims / f"healthy_{i:02d}.py").write_text(healthy)
    (claims / "kills_worker.py").write_text(KILLER)
    return root


def test_killed_worker_is_reported_as_worker_lost(pytester: pytest.Pytester):
    root = _catalogue(pytester, 6)
    result = pytester.runpytest_subprocess(
        "claims", "-n", "2", "--tier", "smoke", "--no-claims-cache", timeout=240
    )
    assert result.ret == 1
    records = {c["id"]: c for c in results(root)["claims"]}
    assert len(records) == 9
    assert records["fault2024/kills_worker"]["verdict"] == "ERROR"
    assert "worker lost" in records["fault2024/kills_worker"]["reason"]
    assert all(r["verdict"] != "ERROR" for cid, r in records.items() if cid != "fault2024/kills_worker")


def test_no_worker_restart_reports_missing_claims(pytester: pytest.Pytester):
    root = _catalogue(pytester, 12)
    result = pytester.runpytest_subprocess(
        "claims",
        "-n",
        "2",
        "--tier",
        "smoke",
        "--no-claims-cache",
        "--max-worker-restart=0",
        "--dist",
        "load",
        timeout=240,
    )
    assert result.ret != 0
    records = {c["id"]: c for c in results(root)["claims"]}
    assert len(records) == 15
    missing = [cid for cid, r in records.items() if r["reason"].startswith("MISSING")]
    lost = [cid for cid, r in records.items() if "worker lost" in r["reason"]]
    assert lost == ["fault2024/kills_worker"]
    if missing:
        result.stdout.fnmatch_lines([f"*{len(missing)} units not run: claims MISSING*"])
