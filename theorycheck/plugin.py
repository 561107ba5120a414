"""pytest plugin: one item per claim module, verdicts as outcomes, reports at session end.

Hooks only; the work is in :mod:`theorycheck.session` and :mod:`theorycheck.engine`.
Collection imports no claim module (so no torch) and never trains; a claim is
loaded, run and judged in its item's setup, so a malformed claim fails its
own item only. Under pytest-xdist, records travel to the controller in
``user_properties``; the controller checks that every collected claim
reported (a missing one is an error that names it) and writes the reports.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .catalogue import claim_id_of, find_root, is_claim_file
from .cli import positive_int
from .errors import TheorycheckError
from .tiers import TIERS, get_tier

if TYPE_CHECKING:
    from .progress import Display

_RECORD = "theorycheck_record"
_CLAIM_NODE = re.compile(r"::([a-z][a-z0-9_]*/[A-Za-z_][A-Za-z0-9_]*)$")
_SETTINGS = pytest.StashKey["Any"]()


class ClaimFailure(Exception):
    """The claim's verdict fails its item (VIOLATED, or ERROR found in the harness)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("theorycheck", "theorycheck claim runs")
    group.addoption(
        "--tier", default="default", choices=sorted(TIERS), help="evidence tier (default: default)"
    )
    group.addoption("--theorycheck-seed", type=int, default=0, help="session seed (default 0)")
    group.addoption(
        "--claims-out", default=None, help="directory for claims.json/md/html (default: ROOT/reports)"
    )
    group.addoption("--no-claims-report", action="store_true", help="write no report files")
    group.addoption(
        "--claims-cache-dir", default=None, help="measurement cache (default: ROOT/.theorycheck/cache)"
    )
    group.addoption("--no-claims-cache", action="store_true", help="train everything, store nothing")
    group.addoption(
        "--claims-executor",
        default="process",
        choices=["process", "inprocess", "dask"],
        help="run units in isolated worker processes (default), in the pytest process, or on a Dask cluster",
    )
    group.addoption(
        "--dask-scheduler", default=None, help="Dask scheduler address (with --claims-executor dask)"
    )
    group.addoption(
        "--dask-upload",
        action="store_true",
        help="upload claims/, models/, tasks/ to the Dask workers instead of using a shared checkout",
    )
    group.addoption(
        "--unit-timeout", type=float, default=None, help="seconds per work unit (default: tier's)"
    )
    group.addoption(
        "--unit-threads",
        type=positive_int,
        default=1,
        help="torch threads per work unit (default 1: the catalogue's models are too small to gain from "
        "more, and extra threads on shared cores cost several times the CPU)",
    )
    group.addoption(
        "--unit-memory-mb",
        type=int,
        default=0,
        help="address-space limit per unit process, MiB (the process keeps freed memory on its heap for its "
        "next unit: see execute.ALLOCATOR_VARIABLES; leave room above a unit's own peak)",
    )
    group.addoption(
        "--on-flaky",
        choices=("skip", "fail"),
        default="skip",
        help="a VIOLATED claim that its confirmation block does not reproduce: skip (default) or fail",
    )
    group.addoption("--strict-mutants", action="store_true", help="fail a claim whose mutants survive")
    group.addoption(
        "--no-claims-batch",
        action="store_true",
        help="run every seed as its own unit, also where an experiment declares batched_experiment",
    )
    group.addoption(
        "--claims-progress",
        choices=("auto", "live", "plain", "off"),
        default="auto",
        help="progress display: live on a terminal outside CI, plain lines otherwise (auto, the default)",
    )


def _settings(config: pytest.Config, root: Path) -> Any:
    from .session import RunSettings

    if _SETTINGS not in config.stash:
        opt = config.option
        out = None if opt.no_claims_report else Path(opt.claims_out or root / "reports")
        cache = None if opt.no_claims_cache else Path(opt.claims_cache_dir or root / ".theorycheck" / "cache")
        config.stash[_SETTINGS] = RunSettings(
            root=root,
            tier=get_tier(opt.tier),
            session_seed=opt.theorycheck_seed,
            executor=opt.claims_executor,
            cache_dir=cache,
            out_dir=out,
            unit_timeout=opt.unit_timeout,
            memory_mb=opt.unit_memory_mb,
            unit_threads=opt.unit_threads,
            scheduler=opt.dask_scheduler,
            upload=opt.dask_upload,
            batch=not opt.no_claims_batch,
        )
    return config.stash[_SETTINGS]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "claim: a theorycheck claim item")
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(Controller(config), "theorycheck-controller")


def pytest_unconfigure(config: pytest.Config) -> None:
    controller = config.pluginmanager.get_plugin("theorycheck-controller")
    if isinstance(controller, Controller):
        controller.close_display()
    if _SETTINGS in config.stash:
        config.stash[_SETTINGS].close()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    try:
        root = find_root(file_path.parent)
    except TheorycheckError:
        return None
    if is_claim_file(file_path, root):
        return ClaimFile.from_parent(parent, path=file_path, root=root)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """``claims/`` and its paper folders are plain directories to pytest, not packages: a Package
    imports its ``__init__`` (for a setup_module it might define), which imported theorycheck's
    Hypothesis and sympy even when every claim is served from the record cache."""
    try:
        root = find_root(path)
    except TheorycheckError:
        return None
    try:
        rel = path.resolve().relative_to(root / "claims")
    except ValueError:
        return None
    return pytest.Dir.from_parent(parent, path=path) if len(rel.parts) <= 1 else None


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A claim file named on the command line is not also a test module: pytest's Python plugin
    collects every named ``.py`` file as one, which imported the claim (and torch) at collection
    and repeated, for a claim whose record is cached, the import the record cache exists to avoid.
    Its item is :class:`ClaimFile`'s, from :func:`pytest_collect_file`."""
    try:
        root = find_root(module_path.parent)
    except TheorycheckError:
        return None
    if is_claim_file(module_path, root):
        return _NoTests.from_parent(parent, path=module_path)
    return None


class _NoTests(pytest.File):
    """A collector with nothing in it: what the Python plugin gets for a claim file."""

    def collect(self) -> list[pytest.Item]:
        return []


class ClaimFile(pytest.File):
    """A claim module; collects one item without importing it."""

    def __init__(self, *, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.root = root

    def collect(self) -> list[pytest.Item]:
        claim_id = claim_id_of(self.path, self.root)
        return [ClaimItem.from_parent(self, name=claim_id, claim_id=claim_id, root=self.root)]


class ClaimItem(pytest.Item):
    """Runs and judges one claim: setup trains, call asserts the verdict."""

    def __init__(self, *, claim_id: str, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim_id = claim_id
        self.root = root
        self.record: dict[str, Any] | None = None
        self.add_marker("claim")

    def setup(self) -> None:
        from .records import claim_record
        from .report import junit_properties

        settings = _settings(self.config, self.root)
        key, record = settings.cached_record(self.claim_id)
        if record is None:
            record = claim_record(settings.run_claim(self.claim_id))
            settings.store_record(key, record)
        self.record = record
        self.user_properties.append((_RECORD, json.dumps(record, allow_nan=False)))
        self.user_properties.extend(junit_properties(record))
        if record["verdict"] == "ERROR":
            raise ClaimFailure(f"ERROR {self.claim_id}: {record['reason']}")

    def runtest(self) -> None:
        record = self.record
        assert record is not None
        tier = get_tier(record["tier"])
        verdict = record["verdict"]
        if verdict == "VIOLATED" and tier.asserts_verdict:
            where = f" on {record['counterexample']}" if record.get("counterexample") else ""
            raise ClaimFailure(
                f"VIOLATED {self.claim_id}: {record['statistic']} = {record['estimate']:.4g}, interval "
                f"{record['interval']}, predicted region {record['region']}{where}"
            )
        if verdict == "HOLLOW" and tier.asserts_verdict:
            raise ClaimFailure(f"HOLLOW {self.claim_id}: {record['reason']}")
        if verdict == "INCONCLUSIVE" and tier.asserts_verdict:
            pytest.skip(f"INCONCLUSIVE {self.claim_id}: {record['reason']}")
        if verdict == "FLAKY" and tier.asserts_verdict:
            if self.config.option.on_flaky == "fail":
                raise ClaimFailure(f"FLAKY {self.claim_id}: {record['reason']}")
            pytest.skip(f"FLAKY {self.claim_id}: {record['reason']}")
        survivors = [m["name"] for m in record["mutants"] if m["status"] == "survived"]
        if survivors and self.config.option.strict_mutants and tier.asserts_verdict:
            raise ClaimFailure(f"{self.claim_id} HOLDS but mutants survived: {', '.join(survivors)}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ClaimFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def _repr_failure_py(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        # setup-phase errors are rendered through this; keep ERROR verdicts to one clear line
        if isinstance(excinfo.value, ClaimFailure):
            return str(excinfo.value)
        return super()._repr_failure_py(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"claim {self.claim_id}"


# ---------------------------------------------------------------- controller side


class Controller:
    """Hooks of the controlling process: gather records, show progress, check completeness, write reports."""

    def __init__(self, config: pytest.Config) -> None:
        from .progress import choose_mode

        self.config = config
        self.expected: set[str] = set()
        self.records: dict[str, dict[str, Any]] = {}
        self.missing: list[str] = []
        self.document: dict[str, Any] | None = None
        self.started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.progress_mode = choose_mode(
            getattr(config.option, "claims_progress", "auto"), isatty=_isatty(sys.stdout)
        )
        self.display: Display | None = None

    def _show(self) -> Display | None:
        """The progress display, made when the first claim is known (runs without claims show none)."""
        if self.display is None and self.progress_mode != "off" and self.expected:
            from .progress import make_display

            self.display = make_display(self.progress_mode, self._write_line)
        if self.display is not None:
            self.display.set_total(len(self.expected))
        return self.display

    def _write_line(self, line: str) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(line)
        else:
            print(line, flush=True)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.expected.update(i.claim_id for i in session.items if isinstance(i, ClaimItem))
        self._show()

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.expected.update(m.group(1) for i in ids if (m := _CLAIM_NODE.search(i)))
        self._show()

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        match = _CLAIM_NODE.search(nodeid)
        display = self._show() if match else None
        if match and display is not None:
            display.started(match.group(1))

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: Any, config: pytest.Config) -> tuple[str, str, str] | None:
        """While the progress display shows each claim, pytest's own dots for claim items are left out
        (the outcome categories, and so the final counts, stay pytest's)."""
        if self.display is None or config.option.verbose > 0 or report.when == "collect":
            return None
        if not _CLAIM_NODE.search(getattr(report, "nodeid", "")):
            return None
        if report.when in ("setup", "teardown"):
            category = "error" if report.failed else "skipped" if report.skipped else ""
        else:
            category = report.outcome
        return category, "", ""

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        match = _CLAIM_NODE.search(report.nodeid)
        if match is None:
            return
        claim_id = match.group(1)
        for name, value in report.user_properties:
            if name == _RECORD and claim_id not in self.records:
                self.records[claim_id] = json.loads(str(value))
                if self.display is not None:
                    self.display.finished(claim_id, self.records[claim_id])
        # the whole record travelled here for the reports; junitxml gets only the summary properties
        report.user_properties = [(n, v) for n, v in report.user_properties if n != _RECORD]
        if report.failed and claim_id not in self.records:
            from .records import error_record

            lines = str(report.longrepr).strip().splitlines()
            reason = next(
                (ln for ln in lines if "crashed" in ln or "worker" in ln), lines[-1] if lines else ""
            )
            self.records[claim_id] = error_record(
                claim_id, self.config.option.tier, f"worker lost: {reason.strip()}"
            )
            if self.display is not None:
                self.display.finished(claim_id, self.records[claim_id])

    def close_display(self) -> None:
        if self.display is not None:
            self.display.close()

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.close_display()
        if self.config.option.collectonly or (not self.expected and not self.records):
            return
        from .history import HISTORY_FILE, append_history, entries_of
        from .records import error_record, run_document, write_document
        from .report import write_reports

        opt = self.config.option
        self.missing = sorted(self.expected - set(self.records))
        records = dict(self.records)
        for claim_id in self.missing:
            records[claim_id] = error_record(
                claim_id, opt.tier, "MISSING: the claim never reported (worker lost or run interrupted)"
            )
        if self.missing and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        self.document = run_document(records.values(), tier=opt.tier, session_seed=opt.theorycheck_seed)
        if not opt.no_claims_report:
            out = Path(opt.claims_out or _root_of(session) / "reports")
            write_document(out / "claims.json", self.document)
            append_history(out / HISTORY_FILE, entries_of(self.document, run=self.started))
            write_reports(self.document, out)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.document is None:
            return
        from .report import status_table, summary_line

        terminalreporter.section("theorycheck claim status")
        terminalreporter.write_line(status_table(self.document))
        terminalreporter.write_line(summary_line(self.document))
        if self.missing:
            terminalreporter.write_line(
                f"{len(self.missing)} units not run: claims MISSING: {', '.join(self.missing)}", red=True
            )


def _root_of(session: pytest.Session) -> Path:
    try:
        return find_root(Path(session.config.rootpath))
    except TheorycheckError:
        return Path(session.config.rootpath)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
