"""Fault-isolation benchmark (VERDICTS R-1, R-4): what a faulty claim costs the run around it.

Runs the fault catalogue of the reliability tests (one claim per fault kind:
exception, hang, NaN, os._exit, SIGKILL, segfault, allocation past the
memory limit, plus two healthy claims) at the smoke tier with -n 2, then the
two healthy claims alone, and prints:
  * wall time of the faulty run and of the clean run, and the difference
    (R-1 asks for at most 10 s more than the clean run);
  * how long after the unit timeout T the hanging claim was reported ERROR
    (R-4 asks for at most T + 5 s);
  * whether the healthy claims' verdicts and estimates are identical in both.
Figures are measured in one run and printed, never asserted.
Usage: python benchmarks/bench_faults.py [--timeout 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "tests" / "fixtures" / "fault_catalogue" / "claims"
HEALTHY = ("fault2024/healthy_a", "fault2024/healthy_b")


def _pytest(cwd: Path, targets: list[str], out: str, timeout: float) -> float:
    cmd = [sys.executable, "-m", "pytest", *targets, "-n", "2", "-q", "-p", "no:cacheprovider"]
    cmd += ["--tier", "smoke", "--unit-timeout", str(timeout), "--unit-memory-mb", "3072"]
    cmd += ["--no-claims-cache", "--claims-out", out, "-o", "addopts=", "--rootdir", str(cwd)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(cwd), str(ROOT)])}
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0, help="unit timeout T in seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(CATALOGUE, root / "claims", ignore=shutil.ignore_patterns("__pycache__"))
        faulty_wall = _pytest(root, ["claims"], "faulty", args.timeout)
        clean_wall = _pytest(root, [f"claims/{c}.py" for c in HEALTHY], "clean", args.timeout)
        faulty = {c["id"]: c for c in json.loads((root / "faulty" / "claims.json").read_text())["claims"]}
        clean = {c["id"]: c for c in json.loads((root / "clean" / "claims.json").read_text())["claims"]}
    errors = sorted(cid for cid, c in faulty.items() if c["verdict"] == "ERROR")
    same = all(
        faulty[c][k] == clean[c][k] for c in HEALTHY for k in ("verdict", "estimate", "interval", "mutants")
    )
    hang = faulty["fault2024/hangs"]
    print(f"fault kinds reported ERROR: {len(errors)} ({', '.join(e.split('/')[1] for e in errors)})")
    print(f"faulty run wall {faulty_wall:.1f} s, clean run wall {clean_wall:.1f} s, ")
    print(f"difference {faulty_wall - clean_wall:+.1f} s (R-1 bound: +10 s)")
    print(f"hang reported after {hang['seconds']:.1f} s with T = {args.timeout:g} s (R-4 bound: T + 5 s)")
    print(f"healthy claims identical to the clean run: {same}")


if __name__ == "__main__":
    main()
