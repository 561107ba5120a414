"""Work units and the executors that run them (DESIGN section 6).

A unit is one call of a claim's experiment: (claim, instance, seed, tier).
Executors take a batch of units and return one outcome per unit, in the
order given; an outcome is a Measurement or an error line. The process
executor runs units in harness-owned worker processes (forked from a clean
forkserver that has already imported torch and the scientific stack) with
a per-unit timeout and an address-space limit, so a segfault, an OOM or a
hang is one ERROR unit and never takes the caller down.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol

from .measurement import Measurement


@dataclass(frozen=True)
class Unit:
    """One training run of a claim's experiment."""

    claim_id: str
    root: str
    instance: Any
    instance_json: str
    repeat: int
    seed: int
    tier: str
    key: str
    control: str = ""  # the name of a control of the claim to run instead of its experiment
    batch: tuple[int, ...] = ()  # the seeds of a batch unit (theorycheck.batching), one row each

    def label(self) -> str:
        what = f" control {self.control}" if self.control else ""
        if self.batch:
            return f"{self.claim_id}{what} repeats {self.repeat}.. ({len(self.batch)} seeds, batched)"
        return f"{self.claim_id}{what} repeat {self.repeat} (seed {self.seed})"


@dataclass(frozen=True)
class Outcome:
    """What running a unit produced: a measurement, or an error line."""

    unit: Unit
    measurement: Measurement | None
    error: str | None
    seconds: float


class Executor(Protocol):
    """Runs units; one outcome per unit, in input order."""

    def run(self, units: Sequence[Unit]) -> list[Outcome]: ...

    def close(self) -> None: ...


def run_unit(
    unit: Unit, threads: int | None = None, on_loaded: Callable[[], None] | None = None
) -> Measurement:
    """Run one unit in this process: load the claim, call its experiment, check the result.

    With ``threads``, torch (if the claim imported it) is limited to that many
    threads before the experiment starts; ``on_loaded`` is called once the
    claim is imported, so that a timeout measures the experiment, not imports.
    """
    import sys

    from .catalogue import load_claim
    from .errors import MeasurementError
    from .tiers import get_tier

    claim = load_claim(unit.claim_id, Path(unit.root))
    if threads is not None and "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    if on_loaded is not None:
        on_loaded()
    if unit.batch:
        from .batching import run_batch

        return run_batch(claim, unit, get_tier(unit.tier))
    experiment = claim.experiment
    if unit.control:
        controls = {c.name: c.experiment for c in claim.controls}
        if unit.control not in controls:
            raise MeasurementError(f"the claim has no control {unit.control!r} (it has {sorted(controls)})")
        experiment = controls[unit.control]
    result = experiment(unit.instance, unit.seed, get_tier(unit.tier))
    if not isinstance(result, Measurement):
        raise MeasurementError(f"the experiment returned {type(result).__name__}, not a Measurement")
    if result.seeds != 1:
        raise MeasurementError(f"the experiment returned {result.seeds} rows; it must return one (one seed)")
    result.check_finite()
    return result


def limit_torch_threads(threads: int) -> None:
    """Cap torch's intra-op threads (and OpenMP's) for experiments run in this process."""
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)


def describe_exception(exc: BaseException, root: str) -> str:
    """``Type: message`` plus the traceback frames inside the catalogue, innermost last."""
    frames = [
        f"{os.path.relpath(f.filename, root)}:{f.lineno} in {f.name}"
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith(root) and "/theorycheck/" not in f.filename
    ]
    where = f" [at {' <- '.join(reversed(frames[-3:]))}]" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _skipped(unit: Unit, failed: Outcome) -> Outcome:
    """A unit not started because an earlier unit of the same batch failed (its claim is ERROR anyway)."""
    return Outcome(unit, None, f"not run: {failed.unit.label()} failed first", 0.0)


class InProcessExecutor:
    """Runs units one after another in the calling process (no isolation); stops at the first failure."""

    def run(self, units: Sequence[Unit]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        failed: Outcome | None = None
        for unit in units:
            if failed is not None:
                outcomes.append(_skipped(unit, failed))
                continue
            start = time.perf_counter()
            try:
                measurement, error = run_unit(unit), None
            except Exception as exc:
                measurement, error = None, describe_exception(exc, unit.root)
            outcomes.append(Outcome(unit, measurement, error, time.perf_counter() - start))
            if error is not None:
                failed = outcomes[-1]
        return outcomes

    def close(self) -> None:
        return None


@dataclass(frozen=True)
class _Preload:
    """Asks a worker to import a claim before its first unit arrives (see ProcessExecutor.prepare)."""

    claim_id: str
    root: str


def _worker_main(conn: Connection, threads: int, memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ["OMP_NUM_THREADS"] = str(threads)
    while True:
        try:
            unit = conn.recv()
        except EOFError:
            return
        if unit is None:
            return
        if isinstance(unit, _Preload):
            from .catalogue import load_claim

            with contextlib.suppress(Exception):  # the unit that follows reports any error
                load_claim(unit.claim_id, Path(unit.root))
            continue
        try:
            measurement = run_unit(unit, threads, on_loaded=lambda: conn.send(("started", None)))
            conn.send(("ok", measurement.to_json()))
        except MemoryError:
            conn.send(("error", "MemoryError: the unit exceeded the memory limit"))
        except Exception as exc:
            conn.send(("error", describe_exception(exc, unit.root)))


class _Worker:
    def __init__(self, context: Any, threads: int, memory_mb: int) -> None:
        parent, child = context.Pipe()
        self.conn: Connection = parent
        self.process = context.Process(target=_worker_main, args=(child, threads, memory_mb), daemon=True)
        self.process.start()
        child.close()

    def stop(self, *, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        else:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def _death_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"worker process killed by {name}"
    return f"worker process exited with code {code}"


@dataclass
class _Running:
    """A unit in flight: its worker, when it was sent, when the experiment started."""

    worker: _Worker
    index: int
    sent: float
    started: float | None = None
    seeds: int = 1  # a batch unit gets the timeout of each of its seeds

    def deadline(self, timeout: float, load_timeout: float) -> float:
        if self.started is not None:
            return self.started + timeout * self.seeds
        return self.sent + load_timeout


# Imported once by the forkserver, so that each worker process starts with them (the forkserver runs
# nothing else: no threads, no torch thread pool, a clean state to fork from). Missing ones are skipped.
# What every claim module imports, and no more: the preload is the first unit's critical path (it
# runs beside the parent's own imports), so scipy.stats (over a second; the engine judges in the
# parent without it) is left to the few experiments that use it, once per worker process.
PRELOAD = ("theorycheck.execute", "numpy", "sympy", "hypothesis", "torch", "theorycheck.frozen_preload")
_FORKSERVER: list[Any] = []


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")

# glibc's malloc serves blocks over 128 KiB by mmap and hands a freed heap top back to the system, so a
# unit that allocates its activations afresh at every step pays page faults for each one (li2024's
# stacked score MLP: 2 s of system time in 15 s of CPU; 0.3 s with these). Worker processes keep such
# blocks on their heap instead. Read by the C library when a process starts (so set before the
# forkserver starts); a value the user set wins, and other C libraries ignore these names.
ALLOCATOR_VARIABLES = {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20), "MALLOC_TRIM_THRESHOLD_": str(2**30)}


def _prepare_worker_environment(threads: int) -> None:
    """Size the BLAS/OpenMP pools of processes started from here (numpy reads these at import),
    and set their allocator's thresholds (``ALLOCATOR_VARIABLES``).

    Setting them in a worker is too late: the forkserver (or a spawned worker)
    has already imported numpy, which sized its pool from the environment it
    inherited; so they are set here, before any worker process exists.
    """
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    for name, value in ALLOCATOR_VARIABLES.items():
        os.environ.setdefault(name, value)


def _forkserver() -> Any:
    """The forkserver context, started once per process in a background thread.

    Its preload (importing torch takes seconds) then overlaps with the caller's
    own work (loading the claim), and every worker process is a cheap fork of
    it instead of a fresh interpreter importing everything again (the spawn
    context cost one full import of torch per worker).
    """
    if os.environ.get("THEORYCHECK_START_METHOD") == "spawn":
        return mp.get_context("spawn")
    if not _FORKSERVER:
        # the forkserver is the workers' parent: tell them whose units they run (fault fixtures use it)
        os.environ["THEORYCHECK_HARNESS_PID"] = str(os.getpid())
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOAD))
        from multiprocessing import forkserver

        threading.Thread(target=forkserver.ensure_running, daemon=True).start()
        _FORKSERVER.append(context)
    return _FORKSERVER[0]


def start_forkserver(threads: int) -> None:
    """Start the unit processes' forkserver now (its preload runs in the background), with the
    BLAS/OpenMP pools sized for ``threads``: the command line calls this before it imports pytest,
    sympy and the claim, so that the forkserver's imports overlap its own. Idempotent."""
    if os.environ.get("THEORYCHECK_START_METHOD") != "spawn":
        _prepare_worker_environment(threads)
        _forkserver()


class ProcessExecutor:
    """Runs units in ``jobs`` harness-owned worker processes with a timeout and a memory limit.

    The timeout counts from the moment the experiment starts (after the
    worker imported the claim); imports get their own, longer limit. After
    the first failed unit no further unit of the batch is started (the
    claim is ERROR either way), so a hanging claim costs one timeout, not one
    per seed.
    """

    def __init__(
        self, *, jobs: int = 1, timeout: float = 600.0, memory_mb: int = 0, threads: int = 1
    ) -> None:
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.load_timeout = max(300.0, timeout)
        self.memory_mb = memory_mb
        self.threads = threads
        _prepare_worker_environment(threads)
        self._context = _forkserver()
        self._idle: list[_Worker] = []
        self._preparing: threading.Thread | None = None

    def _worker(self) -> _Worker:
        return self._idle.pop() if self._idle else _Worker(self._context, self.threads, self.memory_mb)

    def prepare(self, claim_id: str, root: str) -> None:
        """Have a worker import ``claim_id`` now, while the caller imports it too: the first unit
        then finds the claim (its models, its sympy predictions) imported instead of waiting for
        both imports one after the other. In a background thread, because starting a worker
        waits for the forkserver's preload; :meth:`run` waits for it before using a worker."""
        self._wait_prepared()

        def send() -> None:
            worker = self._worker()
            try:
                worker.conn.send(_Preload(claim_id, root))
            except (BrokenPipeError, OSError):
                worker.stop(kill=True)
                return
            self._idle.append(worker)

        self._preparing = threading.Thread(target=send, daemon=True)
        self._preparing.start()

    def _wait_prepared(self) -> None:
        if self._preparing is not None:
            self._preparing.join()
            self._preparing = None

    def run(self, units: Sequence[Unit]) -> list[Outcome]:
        self._wait_prepared()
        results: dict[int, Outcome] = {}
        pending = list(enumerate(units))
        busy: dict[Connection, _Running] = {}
        while pending or busy:
            failed = next((o for o in results.values() if o.error is not None), None)
            if failed is not None:
                results.update({index: _skipped(unit, failed) for index, unit in pending})
                pending.clear()
                if not busy:
                    break
            while pending and len(busy) < self.jobs:
                index, unit = pending.pop(0)
                worker = self._worker()
                try:
                    worker.conn.send(unit)
                except (BrokenPipeError, OSError):
                    worker.stop(kill=True)
                    pending.insert(0, (index, unit))
                    continue
                busy[worker.conn] = _Running(
                    worker, index, time.perf_counter(), seeds=max(1, len(unit.batch))
                )
            deadline = min(r.deadline(self.timeout, self.load_timeout) for r in busy.values())
            sentinels = {r.worker.process.sentinel: conn for conn, r in busy.items()}
            ready = wait([*busy, *sentinels], timeout=max(0.0, deadline - time.perf_counter()))
            for conn in {r if isinstance(r, Connection) else sentinels[r] for r in ready}:  # type: ignore[index]
                outcome = self._collect(busy[conn], units)
                if outcome is not None:
                    results[busy.pop(conn).index] = outcome
            now = time.perf_counter()
            for conn, running in list(busy.items()):
                if now >= running.deadline(self.timeout, self.load_timeout):
                    busy.pop(conn)
                    running.worker.stop(kill=True)
                    unit = units[running.index]
                    phase = "" if running.started is not None else " while importing the claim"
                    limit = self.timeout * running.seeds if running.started is not None else self.load_timeout
                    results[running.index] = Outcome(
                        unit, None, f"timeout after {limit:g} s{phase} in {unit.label()}", now - running.sent
                    )
        return [results[i] for i in range(len(units))]

    def _collect(self, running: _Running, units: Sequence[Unit]) -> Outcome | None:
        """The unit's outcome once its worker answered or died; None after a 'started' message."""
        unit, worker = units[running.index], running.worker
        elapsed = time.perf_counter() - running.sent
        try:
            status, payload = worker.conn.recv() if worker.conn.poll() else (None, None)
        except (EOFError, OSError):
            status, payload = None, None
        if status == "started":
            running.started = time.perf_counter()
            return None
        if status == "ok" and isinstance(payload, dict):
            self._idle.append(worker)
            return Outcome(unit, Measurement.from_json(payload), None, elapsed)
        if status == "error":
            self._idle.append(worker)
            return Outcome(unit, None, str(payload), elapsed)
        worker.process.join(timeout=5)
        reason = _death_reason(worker.process.exitcode)
        worker.stop(kill=True)
        return Outcome(unit, None, f"{reason} while running {unit.label()}", elapsed)

    def close(self) -> None:
        self._wait_prepared()
        for worker in self._idle:
            worker.stop()
        self._idle.clear()


def make_executor(
    kind: str,
    *,
    jobs: int = 1,
    timeout: float = 600.0,
    memory_mb: int = 0,
    threads: int = 1,
    scheduler: str | None = None,
    root: Path | None = None,
    upload: bool = False,
) -> Executor:
    """The executor called ``kind``: 'inprocess', 'process' or 'dask' (needs ``scheduler``)."""
    from .errors import TheorycheckError

    if kind == "inprocess":
        return InProcessExecutor()
    if kind == "process":
        return ProcessExecutor(jobs=jobs, timeout=timeout, memory_mb=memory_mb, threads=threads)
    if kind == "dask":
        if not scheduler:
            raise TheorycheckError(
                "the dask executor needs the scheduler's address (--scheduler tcp://HOST:PORT)"
            )
        from .dask_executor import DaskExecutor

        return DaskExecutor(
            scheduler,
            root=root or Path.cwd(),
            timeout=timeout,
            memory_mb=memory_mb,
            threads=threads,
            upload=upload,
        )
    raise TheorycheckError(f"unknown executor {kind!r}; choose 'inprocess', 'process' or 'dask'")
