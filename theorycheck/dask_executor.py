"""Running work units on a Dask cluster (the optional extra ``theorycheck[dask]``).

``theorycheck run --executor dask --scheduler tcp://HOST:8786`` (pytest:
``--claims-executor dask --dask-scheduler ...``). Every unit is one Dask task;
cached units never leave the client. On the worker a task runs its unit in a
harness-owned process (the :class:`~theorycheck.execute.ProcessExecutor`, one
per worker thread, reused across tasks), so the unit's timeout, memory limit
and crash isolation hold there as they do locally, and the outcome (a
Measurement or an error line) is byte-for-byte what a local run gives. A Dask
worker killed mid-run loses nothing: the scheduler reruns its tasks
elsewhere (Dask's ``allowed-failures``), and a unit that keeps killing workers
ends as an ERROR naming it.

The catalogue reaches the workers in one of two ways:

* **shared checkout** (default): the workers see the client's catalogue root
  at the same path (same machine, or a shared file system);
* **uploaded** (``--dask-upload``): the client zips ``claims/``, ``models/``
  and ``tasks/`` and registers them with the scheduler (Dask's
  ``UploadDirectory``; workers need nannies), and each task loads its claim
  from the worker's copy.

The workers need theorycheck and the catalogue's dependencies installed
(``pip install theorycheck[dask]`` plus torch, in the same versions: the
cache key includes them).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import instances
from .catalogue import ensure_importable
from .errors import TheorycheckError
from .execute import Outcome, ProcessExecutor, Unit
from .measurement import Measurement

CATALOGUE_PACKAGES = ("claims", "models", "tasks")


@dataclass(frozen=True)
class WorkerSettings:
    """What a task needs to run its unit on a worker: limits and where the catalogue is."""

    timeout: float
    memory_mb: int
    threads: int
    uploaded: str = ""  # the uploaded catalogue's directory name on the worker, or "" (shared checkout)


class DaskExecutor:
    """Runs units as Dask tasks; one outcome per unit, in input order."""

    def __init__(
        self,
        scheduler: str,
        *,
        root: Path,
        timeout: float = 600.0,
        memory_mb: int = 0,
        threads: int = 1,
        upload: bool = False,
    ) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise TheorycheckError(
                "the dask executor needs the optional extra: pip install 'theorycheck[dask]'"
            ) from exc
        try:
            self.client = Client(scheduler, timeout="30s", set_as_default=False)
        except OSError as exc:
            raise TheorycheckError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from exc
        uploaded = _upload(self.client, root) if upload else ""
        self.settings = WorkerSettings(timeout, memory_mb, threads, uploaded)

    def run(self, units: Sequence[Unit]) -> list[Outcome]:
        """Submit every unit at once, wait for all (a failure does not cancel its batch: the claim's
        error is then the lowest-index failure, exactly as a local run reports it)."""
        # the instance travels as its JSON: the scheduler deserialises the task and cannot import claims
        futures = [
            self.client.submit(
                run_remote,
                replace(unit, instance=None),
                self.settings,
                pure=False,
                key=f"theorycheck-{unit.key[:16]}-{uuid.uuid4().hex}",
            )
            for unit in units
        ]
        outcomes = []
        for unit, future in zip(units, futures, strict=True):
            try:
                status, payload, seconds = future.result()
            except Exception as exc:  # KilledWorker, CancelledError, a lost scheduler
                outcomes.append(Outcome(unit, None, f"dask: {type(exc).__name__}: {exc}", 0.0))
                continue
            if status == "ok":
                outcomes.append(Outcome(unit, Measurement.from_json(payload), None, seconds))
            else:
                outcomes.append(Outcome(unit, None, str(payload), seconds))
        return outcomes

    def close(self) -> None:
        self.client.close()


_LOCAL = threading.local()


def run_remote(unit: Unit, settings: WorkerSettings) -> tuple[str, Any, float]:
    """The Dask task: rebuild the instance, run the unit in this worker thread's own harness process."""
    if multiprocessing.current_process().daemon:
        raise TheorycheckError(
            "this Dask worker is a daemonic process and cannot start the harness process that isolates "
            "each unit: start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False"
        )
    root = _uploaded_root(settings.uploaded) if settings.uploaded else unit.root
    # the harness processes are spawned from here and inherit sys.path: the catalogue must be on it
    ensure_importable(Path(root))
    executor = getattr(_LOCAL, "executor", None)
    if executor is None or getattr(_LOCAL, "key", None) != (settings, root):
        if executor is not None:
            executor.close()
        executor = ProcessExecutor(
            jobs=1, timeout=settings.timeout, memory_mb=settings.memory_mb, threads=settings.threads
        )
        _LOCAL.executor, _LOCAL.key = executor, (settings, root)
    instance = instances.from_json(json.loads(unit.instance_json))
    (outcome,) = executor.run([replace(unit, root=root, instance=instance)])
    if outcome.error is not None or outcome.measurement is None:
        return "error", outcome.error, outcome.seconds
    return "ok", outcome.measurement.to_json(), outcome.seconds


def _uploaded_root(name: str) -> str:
    """Where the nanny extracted the uploaded catalogue on this worker's machine."""
    from distributed import get_worker

    worker = get_worker()
    for base in (worker.local_directory, os.path.dirname(worker.local_directory)):
        candidate = os.path.join(base, name)
        if os.path.isdir(os.path.join(candidate, "claims")):
            return candidate
    raise TheorycheckError(f"the uploaded catalogue {name!r} is not on worker {worker.address}")


def _upload(client: Any, root: Path) -> str:
    """Zip the catalogue packages under a content-named directory and register them with the cluster."""
    from distributed.diagnostics.plugin import UploadDirectory

    digest = hashlib.sha256()
    for package in CATALOGUE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    name = f"theorycheck-catalogue-{digest.hexdigest()[:16]}"
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / name
        for package in CATALOGUE_PACKAGES:
            if (root / package).is_dir():
                shutil.copytree(
                    root / package, staged / package, ignore=shutil.ignore_patterns("__pycache__")
                )
        client.register_plugin(UploadDirectory(str(staged), update_path=False))
    return name
