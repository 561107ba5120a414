"""The ``theorycheck`` command: run, list, show, report, diff, baseline, history.

``run`` is a thin layer over pytest with this plugin and pytest-xdist, so a
CLI run and ``pytest claims`` produce the same records. Bad input (unknown
claim id, bad flag, corrupt results file) gives one clear line and exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from tabulate import tabulate

from .errors import TheorycheckError
from .tiers import TIERS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _workers(text: str) -> str:
    if text == "auto" or (text.isdigit() and int(text) >= 0):
        return text
    raise argparse.ArgumentTypeError(f"-n takes a number >= 0 or 'auto', not {text!r}")


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1 (shared with the pytest plugin's options)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="theorycheck", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run claims and write the reports")
    run.add_argument("paths", nargs="*", help="claim files, paper folders or claim ids (default: all)")
    run.add_argument("--tier", default="default", choices=sorted(TIERS))
    run.add_argument("-n", dest="workers", default="2", type=_workers, help="parallel workers (0: none)")
    run.add_argument("--out", default="reports", help="report directory (default: reports)")
    run.add_argument("--seed", type=int, default=0, help="session seed (default 0)")
    run.add_argument("--cache-dir", default=None, help="measurement cache (default .theorycheck/cache)")
    run.add_argument("--no-cache", action="store_true", help="train everything, store nothing")
    run.add_argument("--executor", default="process", choices=["process", "inprocess", "dask"])
    run.add_argument("--scheduler", default=None, help="Dask scheduler address, with --executor dask")
    run.add_argument(
        "--upload", action="store_true", help="with --executor dask: upload the catalogue to the workers"
    )
    run.add_argument("--strict-mutants", action="store_true", help="fail claims whose mutants survive")
    run.add_argument(
        "--no-batch",
        action="store_true",
        help="train seed by seed, also where an experiment declares batched_experiment (what the cache "
        "holds is served either way: a batched seed's cache entry is the unbatched one's)",
    )
    run.add_argument(
        "--unit-threads", type=positive_int, default=1, help="torch threads per work unit (default 1)"
    )
    run.add_argument(
        "--on-flaky",
        choices=("skip", "fail"),
        default="skip",
        help="a violation its confirmation block does not reproduce: skip (default) or fail",
    )
    run.add_argument(
        "--progress",
        choices=("auto", "live", "plain", "off"),
        default="auto",
        help="live status bar on a terminal outside CI, plain lines otherwise (auto, the default)",
    )
    sub.add_parser("list", help="list the claims of the catalogue")
    show = sub.add_parser("show", help="show one claim and its last result")
    show.add_argument("claim_id")
    show.add_argument(
        "--json", default="reports/claims.json", help="results file to read the last verdict from"
    )
    report = sub.add_parser("report", help="re-render claims.md and index.html from claims.json")
    report.add_argument("--json", default="reports/claims.json")
    report.add_argument("--out", default=None, help="directory (default: the json's directory)")
    diff = sub.add_parser("diff", help="compare two claims.json; exit 1 on a regression")
    diff.add_argument("base")
    diff.add_argument("head")
    baseline = sub.add_parser(
        "baseline", help="rewrite the baseline that `diff` compares against from a claims.json, deliberately"
    )
    baseline.add_argument(
        "source", nargs="?", default="reports/claims.json", help="default reports/claims.json"
    )
    baseline.add_argument("--out", default="reports/baseline.json", help="default reports/baseline.json")
    baseline.add_argument(
        "--force", action="store_true", help="accept a tier different from the current baseline's"
    )
    hist = sub.add_parser("history", help="a claim's verdicts and estimates over past runs")
    hist.add_argument("claim_id", nargs="?", help="one claim (default: one line per claim)")
    hist.add_argument("--file", default="reports/history.jsonl", help="default reports/history.jsonl")
    hist.add_argument("--tier", default=None, choices=sorted(TIERS), help="only runs of this tier")
    return parser


def _root() -> Path:
    from .catalogue import find_root

    return find_root(Path.cwd())


def _resolve_paths(root: Path, paths: Sequence[str]) -> list[str]:
    """Paths, paper keys or claim ids, as paths pytest can collect; unknown ones are an error."""
    from .catalogue import claim_ids
    from .errors import UnknownClaimError

    known = claim_ids(root)
    out = []
    for text in paths:
        if Path(text).exists():
            out.append(str(Path(text).resolve()))
        elif text in known:
            out.append(str(root / "claims" / f"{text}.py"))
        elif "/" not in text and (root / "claims" / text).is_dir():
            out.append(str(root / "claims" / text))
        elif "/" in text:
            paper = text.split("/")[0]
            same = ", ".join(c for c in known if c.startswith(paper + "/")) or "none"
            raise UnknownClaimError(f"unknown claim id {text!r}; claims of paper {paper!r}: {same}")
        else:
            raise TheorycheckError(f"{text!r} is neither a path, a paper key nor a claim id")
    return out or [str(root / "claims")]


def cmd_run(args: argparse.Namespace) -> int:
    # Hypothesis's third-party plugins (entry points; trio, if installed, registers one) are for
    # @given tests, of which a claim run has none: loading them cost each run a scan of every
    # installed package and their imports. HYPOTHESIS_NO_PLUGINS= (set, empty) keeps them.
    os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")
    root = _root()
    targets = _resolve_paths(root, args.paths)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *targets,
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",  # for @given tests, of which a claim run has none; it imported Hypothesis
        "-q",
        "--assert=plain",  # nothing here asserts; rewriting would re-compile every plugin's package
        "--tier",
        args.tier,
        "--theorycheck-seed",
        str(args.seed),
        "--claims-out",
        str(Path(args.out).resolve()),
        "--claims-executor",
        args.executor,
        "-o",
        "addopts=",
        "-o",
        "testpaths=",
        "--rootdir",
        str(root),
    ]
    in_process = args.workers in ("0", "1")
    if not _all_records_cached(root, targets, args):
        if not in_process:
            cmd += ["-n", args.workers, "--dist", "worksteal"]
        elif args.executor == "process":
            from .execute import start_forkserver

            start_forkserver(args.unit_threads)
    if args.no_cache:
        cmd.append("--no-claims-cache")
    elif args.cache_dir:
        cmd += ["--claims-cache-dir", str(Path(args.cache_dir).resolve())]
    if args.strict_mutants:
        cmd.append("--strict-mutants")
    if args.no_batch:
        cmd.append("--no-claims-batch")
    if args.executor == "dask":
        if not args.scheduler:
            raise TheorycheckError("--executor dask needs --scheduler tcp://HOST:PORT")
        cmd += ["--dask-scheduler", args.scheduler] + (["--dask-upload"] if args.upload else [])
    elif args.scheduler or args.upload:
        raise TheorycheckError("--scheduler and --upload go with --executor dask")
    cmd += ["--on-flaky", args.on_flaky, "--unit-threads", str(args.unit_threads)]
    cmd += ["--claims-progress", args.progress]
    code = _pytest_in_process(root, cmd[3:])
    print(f"reports written to {Path(args.out).resolve()}/claims.{{json,md}} and index.html")
    return code


def _all_records_cached(root: Path, targets: Sequence[str], args: argparse.Namespace) -> bool:
    """Whether the record cache holds every selected claim: then nothing trains, and starting
    pytest-xdist's workers, or the unit processes' forkserver, would cost more than serving the
    records in this process."""
    from .catalogue import claim_files, claim_id_of
    from .session import RunSettings
    from .tiers import get_tier

    if args.no_cache:
        return False
    settings = RunSettings(
        root=root,
        tier=get_tier(args.tier),
        session_seed=args.seed,
        cache_dir=Path(args.cache_dir).resolve() if args.cache_dir else root / ".theorycheck" / "cache",
        out_dir=Path(args.out).resolve(),
        unit_threads=args.unit_threads,
    )
    ids = [claim_id_of(path, root) for path in claim_files(root, [Path(t) for t in targets])]
    return bool(ids) and all(settings.cached_record(claim_id)[1] is not None for claim_id in ids)


def _pytest_in_process(root: Path, arguments: list[str]) -> int:
    """pytest in this interpreter (one start-up, not two): the catalogue root on sys.path and, for
    pytest-xdist's workers, on PYTHONPATH; run from the root, as the subprocess used to be."""
    import pytest

    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    previous = Path.cwd()
    os.chdir(root)
    try:
        return int(pytest.main(arguments))
    finally:
        os.chdir(previous)


def cmd_list(args: argparse.Namespace) -> int:
    from .catalogue import claim_ids, load_claim

    root = _root()
    rows = []
    for claim_id in claim_ids(root):
        try:
            c = load_claim(claim_id, root)
            rows.append(
                [
                    claim_id,
                    c.paper.cite(),
                    c.theorem,
                    c.prediction.kind,
                    c.prediction.describe(),
                    len(c.mutants),
                ]
            )
        except Exception as exc:
            rows.append([claim_id, "-", "-", "ERROR", f"{type(exc).__name__}: {exc}", 0])
    print(tabulate(rows, headers=["claim", "paper", "thm", "kind", "prediction", "mutants"]))
    papers = {str(row[0]).split("/")[0] for row in rows}
    print(f"{len(rows)} claims from {len(papers)} papers")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from .catalogue import load_claim
    from .records import load_document
    from .report import measured

    root = _root()
    claim = load_claim(args.claim_id, root)
    print(f"{args.claim_id}: {claim.paper.cite()}, theorem {claim.theorem}")
    print(f"  {claim.paper.title}")
    print(f"statement:  {claim.statement}")
    print(f"prediction: {claim.prediction.describe()}")
    for m in claim.mutants:
        print(f"mutant {m.name}: {m.prediction.describe()} -- {m.why}")
    print(f"paper reports: {claim.reference.where}: {claim.reference.value}")
    for gap in claim.gaps:
        print(f"gap: {gap}")
    path = Path(args.json)
    if path.is_file():
        doc = load_document(path)
        record = next((c for c in doc["claims"] if c["id"] == args.claim_id), None)
        if record is not None:
            print(
                f"last result ({doc['tier']} tier): {record['verdict']} {measured(record)} {record['reason']}"
            )
            for m in record["mutants"]:
                print(f"  mutant {m['name']}: {m['verdict']} ({m['status']})")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .records import load_document
    from .report import summary_line, write_reports

    path = Path(args.json)
    doc = load_document(path)
    out = Path(args.out) if args.out else path.parent
    write_reports(doc, out)
    print(summary_line(doc))
    print(f"wrote {out}/claims.md and {out}/index.html")
    return 0


def _print_changes(changes: Sequence[Any]) -> int:
    """The diff table and a count line; returns the number of regressions."""
    if not changes:
        print("no changes")
        return 0
    rows = [[c.claim_id, c.what, c.base, c.head, "REGRESSION" if c.regression else ""] for c in changes]
    print(tabulate(rows, headers=["claim", "what", "base", "head", ""]))
    regressions = sum(c.regression for c in changes)
    print(f"{regressions} regression(s), {len(changes) - regressions} other change(s)")
    return regressions


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import compare, tier_note
    from .records import load_document

    base, head = load_document(Path(args.base)), load_document(Path(args.head))
    note = tier_note(base, head)
    if note:
        print(note)
    return 1 if _print_changes(compare(base, head)) else 0


def cmd_baseline(args: argparse.Namespace) -> int:
    from .baseline import rewrite_baseline

    source, out = Path(args.source), Path(args.out)
    old, changes = rewrite_baseline(source, out, force=args.force)
    if old is None:
        print(f"no previous baseline at {out}")
    else:
        print(f"changes the new baseline accepts (previous {out} -> {source}):")
        _print_changes(changes)
    print(f"wrote {out} from {source}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from .history import describe, flags, read_history, trajectories

    path = Path(args.file)
    entries = [e for e in read_history(path) if args.tier is None or e.get("tier") == args.tier]
    if not entries:
        raise TheorycheckError(f"no runs recorded in {path}")
    by_claim = trajectories(entries)
    if args.claim_id is None:
        rows = []
        for claim_id, runs in sorted(by_claim.items()):
            found = flags(runs)
            last = found[-1].text if found else ""
            rows.append([claim_id, len(runs), runs[-1]["verdict"], describe(runs[-1]), len(found), last])
        print(tabulate(rows, headers=["claim", "runs", "verdict", "estimate [CI]", "flags", "latest flag"]))
        return 0
    if args.claim_id not in by_claim:
        raise TheorycheckError(f"claim {args.claim_id!r} has no runs in {path}")
    runs = by_claim[args.claim_id]
    marks: dict[int, list[str]] = {}
    for flag in flags(runs):
        marks.setdefault(flag.index, []).append(flag.text)
    rows = [
        [
            e.get("run", ""),
            str(e.get("commit") or "")[:10],
            e.get("tier", ""),
            e.get("seed", ""),
            e["verdict"],
            describe(e),
            e.get("seconds", ""),
            "; ".join(marks.get(i, [])),
        ]
        for i, e in enumerate(runs)
    ]
    print(f"{args.claim_id}: {len(runs)} run(s)")
    print(tabulate(rows, headers=["run", "commit", "tier", "seed", "verdict", "estimate [CI]", "s", "flag"]))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {
        "run": cmd_run,
        "list": cmd_list,
        "show": cmd_show,
        "report": cmd_report,
        "diff": cmd_diff,
        "baseline": cmd_baseline,
        "history": cmd_history,
    }
    try:
        return commands[args.command](args)
    except TheorycheckError as exc:
        print(f"theorycheck: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
