"""Runner benchmark: ratios measured in one run, never asserted in tests.

Measures, on the catalogue paths given (default: the three exemplar papers at
the smoke tier), the wall time of
  1. a cold run (empty cache) with -n 2 and the process executor,
  2. a warm rerun of the same (everything cached),
  3. a cold run with -n 0 (one process, no xdist),
  4. a cold run with -n 0 and the in-process executor,
and prints the ratios warm/cold, parallel speed-up and executor overhead.
Usage: python benchmarks/bench_runner.py [--tier smoke] [PATHS...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(paths: list[str], tier: str, workers: str, executor: str, cache: Path, out: Path) -> float:
    cmd = [
        sys.executable,
        "-m",
        "theorycheck",
        "run",
        *paths,
        "--tier",
        tier,
        "-n",
        workers,
        "--executor",
        executor,
        "--cache-dir",
        str(cache),
        "--out",
        str(out),
    ]
    start = time.perf_counter()
    subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["zhu2024", "huang2025b", "nitanda2025"])
    parser.add_argument("--tier", default="smoke")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cold = _run(args.paths, args.tier, "2", "process", base / "c1", base / "o1")
        warm = _run(args.paths, args.tier, "2", "process", base / "c1", base / "o2")
        serial = _run(args.paths, args.tier, "0", "process", base / "c2", base / "o3")
        inproc = _run(args.paths, args.tier, "0", "inprocess", base / "c3", base / "o4")
        same = json.loads((base / "o1" / "claims.json").read_text())["summary"]
    rows = {
        "cold -n 2 (s)": cold,
        "warm -n 2 (s)": warm,
        "cold -n 0 process (s)": serial,
        "cold -n 0 inprocess (s)": inproc,
        "warm / cold": warm / cold,
        "speed-up -n 2 vs -n 0": serial / cold,
        "process / inprocess executor": serial / inproc,
    }
    print(f"tier {args.tier}, paths {' '.join(args.paths)}; claims {same['claims']}")
    for name, value in rows.items():
        print(f"{name:32s} {value:8.2f}")


if __name__ == "__main__":
    main()
