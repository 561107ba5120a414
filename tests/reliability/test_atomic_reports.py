"""Reliability R-8: killing a writer mid-write leaves the previous complete results file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

WRITER = """
import sys
from pathlib import Path
from theorycheck.records import write_document
path = Path(sys.argv[1])
big = [{"id": f"p2024/c{i}", "verdict": "HOLDS", "mutants": [], "paper": {}, "blob": "x" * 2000}
       for i in range(400)]
n = 0
print("ready", flush=True)
while True:
    n += 1
    write_document(path, {"schema_version": 1, "generation": n, "claims": big})
"""


def test_sigkill_during_writes_never_leaves_a_truncated_file(tmp_path: Path):
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({"schema_version": 1, "generation": 0, "claims": []}))
    generations = []
    for attempt in range(25):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.02 + 0.013 * (attempt % 7))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        doc = json.loads(path.read_text())  # raises if truncated
        generations.append(doc["generation"])
    assert max(generations) > 0
    leftovers = [p for p in tmp_path.iterdir() if p.name != "claims.json"]
    assert all(p.name.startswith(".claims.json.") for p in leftovers)
