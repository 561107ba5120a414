"""The harness's own overhead, as ratios measured in one run (issue 15); writes reports/perf.md.

1. One claim, cold, default tier: ``theorycheck run CLAIM -n 0 --no-cache``
   against a plain Python loop that imports the claim and calls its
   experiment on the same instances and seeds (a fresh interpreter each,
   torch on one thread), for each claim given.
2. Fixed start-up: ``theorycheck run`` on a trivial claim that imports torch
   (as every claim of the catalogue does) but trains nothing, against the
   time a fresh interpreter needs to import torch.
3. With ``--catalogue``: the default tier of the whole catalogue with ``-n 2``
   three times on one cache: cold (an empty cache), replay (the second run:
   the counterexamples the cold run stored change those claims' record keys,
   so they are judged again, from the unit cache, and replay them) and warm
   (the third run: every record is served); the cold/replay and cold/warm
   ratios, and the xdist efficiency: the claims' summed seconds over twice
   the cold wall time.

Usage: python benchmarks/bench_overhead.py [--claims A/B C/D] [--catalogue [--catalogue-out reports]]
       [--out reports/perf.md]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from theorycheck.atomic import write_text_atomic  # noqa: E402

BATCHED_SECTION = "## Batched seeds"  # written by bench_batched.py, kept by this one

PLAIN_LOOP = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
import torch
torch.set_num_threads(1)
sys.path.insert(0, {root!r})
from theorycheck.catalogue import load_claim
from theorycheck.engine import experiment_identity
from theorycheck.instances import from_json
from theorycheck.search import instance_key
from theorycheck.seeding import derive_seed
from theorycheck.tiers import get_tier
claim = load_claim({claim_id!r}, Path({root!r}))
experiment_id, _ = experiment_identity(claim, {claim_id!r})
tier = get_tier({tier!r})
controls = [c for c in claim.controls if c.name in {controls!r}]
for inst in json.loads({instances!r}):
    instance = from_json(inst["instance"])
    key = instance_key(instance)
    for repeat in range(inst["seeds"]):
        seed = derive_seed({seed}, experiment_id, key, repeat)
        claim.experiment(instance, seed, tier)
        for control in controls:
            control.experiment(instance, seed, tier)
print(json.dumps({{"seconds": time.perf_counter() - start}}))
"""

TRIVIAL_CLAIM = '''
"""A claim that imports torch, as the catalogue's do, but trains nothing: the harness's fixed cost."""
from __future__ import annotations
import torch  # noqa: F401
from hypothesis import strategies as st
from theorycheck import Claim, Measurement, Mutant, Threshold, reference
from . import PAPER

def experiment(instance, seed, tier):
    return Measurement.one(scalars={"x": 1.0 + 1e-3 * (seed % 7)})

CLAIM = Claim(
    paper=PAPER, theorem="0", statement="x is one", instances=st.just(0), experiment=experiment,
    prediction=Threshold("x", ">=", 0.5),
    mutants=[Mutant("two", Threshold("x", ">=", 2.0), why="x is one")],
    reference=reference(section="0", value="none"),
)
'''


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}


def harness(root: Path, claim_id: str, tier: str, out: Path) -> tuple[float, dict]:
    """Wall time of ``theorycheck run CLAIM -n 0 --no-cache`` and the claim's record."""
    cmd = [sys.executable, "-m", "theorycheck", "run", claim_id, "-n", "0", "--no-cache"]
    cmd += ["--tier", tier, "--out", str(out)]
    start = time.perf_counter()
    subprocess.run(cmd, cwd=root, env=_env(root), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    record = next(c for c in json.loads((out / "claims.json").read_text())["claims"] if c["id"] == claim_id)
    return wall, record


def plain_loop(root: Path, claim_id: str, tier: str, record: dict, seed: int = 0) -> float:
    """Wall time of a fresh interpreter that runs the same units as the harness did."""
    instances = json.dumps([{"instance": i["instance"], "seeds": i["seeds"]} for i in record["instances"]])
    controls = [c["name"] for c in record.get("controls", [])]  # the controls the harness ran
    code = PLAIN_LOOP.format(
        root=str(root), claim_id=claim_id, tier=tier, instances=instances, controls=controls, seed=seed
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=root, env=_env(root), check=True, capture_output=True)
    return time.perf_counter() - start


def torch_import() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.perf_counter() - start


def trivial_catalogue(directory: Path) -> Path:
    paper = directory / "claims" / "noop2024"
    paper.mkdir(parents=True)
    (directory / "claims" / "__init__.py").write_text("")
    (paper / "__init__.py").write_text(
        "from theorycheck import Paper\nPAPER = Paper(key='noop2024', title='t', authors=('A',), year=2024)\n"
    )
    (paper / "trivial.py").write_text(textwrap.dedent(TRIVIAL_CLAIM))
    return directory


RUNS = ("cold", "replay", "warm")


def catalogue(tier: str, directory: Path, out: Path | None = None) -> dict[str, float]:
    """Cold, replay and warm runs of the whole catalogue with -n 2, and the xdist efficiency.

    The cache starts empty (a fresh folder under ``directory``); the reports go to ``out``
    (default: a temporary folder), so the cold run can also be the run the reports are made from
    (the replay and warm runs then rewrite them with the same verdicts, and add to history.jsonl).
    """
    cache, out = directory / "cache", (out or directory / "out").resolve()
    cmd = [sys.executable, "-m", "theorycheck", "run", "--tier", tier, "-n", "2", "--cache-dir", str(cache)]
    walls, claims = {}, []
    for run in RUNS:
        start = time.perf_counter()
        subprocess.run([*cmd, "--out", str(out)], cwd=ROOT, env=_env(ROOT), capture_output=True, check=False)
        walls[run] = time.perf_counter() - start
        records = json.loads((out / "claims.json").read_text())["claims"]
        claims = claims or records  # the cold run's records
        walls[f"{run}_trained"] = sum(int((c.get("units") or {}).get("done", 0)) for c in records)
    busy = sum(c.get("seconds", 0.0) for c in claims)
    return {**walls, "busy": busy, "claims": len(claims), "tier": tier}


def report(
    rows: list[tuple[str, float, float, int]], startup: tuple[float, float], cat: dict | None, tier: str
) -> str:
    lines = [
        "# Harness overhead",
        "",
        "Generated by `python benchmarks/bench_overhead.py` (all figures from one run on this machine; "
        f"{os.cpu_count()} CPUs). Ratios, not timings, are the results: the machine is shared.",
        "",
        f"## One claim, cold, {tier} tier: `theorycheck run CLAIM -n 0 --no-cache` vs a plain loop",
        "",
        "The plain loop is a fresh interpreter that imports torch and the claim and calls its experiment "
        "(and the controls the harness ran) on the same instances and seeds (the harness's record says "
        "which); both on one torch thread.",
        "",
        "| claim | units | plain loop (s) | theorycheck run (s) | ratio | target |",
        "|---|---|---|---|---|---|",
    ]
    for claim_id, plain, run, units in rows:
        lines.append(f"| {claim_id} | {units} | {plain:.1f} | {run:.1f} | {run / plain:.2f}x | <= 1.10x |")
    run, torch = startup
    lines += [
        "",
        "## Fixed start-up",
        "",
        "| `theorycheck run` on a trivial claim (s) | importing torch (s) "
        "| start-up beyond importing torch (s) | target |",
        "|---|---|---|---|",
        f"| {run:.2f} | {torch:.2f} | {run - torch:.2f} | <= 1.5 s |",
    ]
    if cat:
        eff = cat["busy"] / (2 * cat["cold"])
        lines += [
            "",
            f"## Whole catalogue, {cat['tier']} tier, -n 2 ({cat['claims']} claims)",
            "",
            "Three runs on one cache: cold (empty cache), replay (the second run: claims whose "
            "counterexamples the cold run stored are judged again, from the unit cache, with the "
            "counterexamples replayed) and warm (the third run: every record served from the cache).",
            "",
            "| cold (s) | replay (s) | warm (s) | units trained cold / replay / warm "
            "| replay speed-up | warm speed-up | target | xdist efficiency | target |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {cat['cold']:.0f} | {cat['replay']:.1f} | {cat['warm']:.1f} "
            f"| {cat['cold_trained']} / {cat['replay_trained']} / {cat['warm_trained']} "
            f"| {cat['cold'] / cat['replay']:.0f}x | {cat['cold'] / cat['warm']:.0f}x | >= 50x "
            f"| {100 * eff:.0f} % | >= 90 % |",
        ]
    return "\n".join(lines) + "\n"


def _kept_sections(path: Path) -> str:
    """Sections other benchmarks own in the same file (bench_batched.py's), carried over unchanged."""
    if not path.exists():
        return ""
    text = path.read_text()
    start = text.find(BATCHED_SECTION)
    return "" if start < 0 else "\n" + text[start:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--claims", nargs="*", default=["nitanda2025/poc_one_over_n", "zhu2024/transformer_reversal_curse"]
    )
    parser.add_argument("--tier", default="default")
    parser.add_argument(
        "--catalogue-tier",
        default=None,
        help="tier of the catalogue runs (default: --tier); smoke to iterate",
    )
    parser.add_argument(
        "--catalogue", action="store_true", help="also time the whole catalogue cold, replaying and warm"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "perf.md")
    parser.add_argument(
        "--catalogue-out", type=Path, default=None, help="where the catalogue runs write their reports"
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for claim_id in args.claims:
            run, record = harness(ROOT, claim_id, args.tier, Path(tmp) / claim_id.replace("/", "_"))
            plain = plain_loop(ROOT, claim_id, args.tier, record)
            rows.append((claim_id, plain, run, sum(i["seeds"] for i in record["instances"])))
        trivial = trivial_catalogue(Path(tmp) / "trivial")
        run, _ = harness(trivial, "noop2024/trivial", args.tier, Path(tmp) / "trivial-out")
        startup = (run, torch_import())
        cat_tier = args.catalogue_tier or args.tier
        cat = catalogue(cat_tier, Path(tmp) / "catalogue", args.catalogue_out) if args.catalogue else None
    text = report(rows, startup, cat, args.tier) + _kept_sections(args.out)
    write_text_atomic(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
