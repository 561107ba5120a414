"""The Dask executor on a real local cluster: a scheduler and two workers on 127.0.0.1.

The toy and fault catalogues give the same comparable claims.json through
Dask as through the local process pool; a worker killed mid-run loses no
unit; the uploaded-catalogue mode works from a directory the workers cannot
see. Every process the test starts, it ends.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from theorycheck.records import comparable

pytest.importorskip("distributed", reason="the dask extra is not installed (pip install 'theorycheck[dask]')")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass
class Cluster:
    """A scheduler and its workers, started as process groups so they can be ended whole."""

    address: str
    directory: Path
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
        worker = subprocess.Popen(
            [
                *_dask(),
                "worker",
                self.address,
                "--host",
                "127.0.0.1",
                "--dashboard-address",
                "127.0.0.1:0",
                "--nthreads",
                "1",
                "--name",
                name,
                "--local-directory",
                str(self.directory / name),
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(self.directory / f"{name}.log", "wb"),  # noqa: SIM115 - closed with the process
            env=env,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int, timeout: float = 60.0) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(count, timeout=timeout)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def _dask() -> list[str]:
    executable = Path(sys.executable).with_name("dask")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "dask"]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    directory = tmp_path / "cluster"
    directory.mkdir()
    scheduler_file = directory / "scheduler.json"
    scheduler = subprocess.Popen(
        [
            *_dask(),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--dashboard-address",
            "127.0.0.1:0",
            "--scheduler-file",
            str(scheduler_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(directory / "scheduler.log", "wb"),  # noqa: SIM115
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not scheduler_file.exists():
        if time.monotonic() > deadline or scheduler.poll() is not None:
            os.killpg(scheduler.pid, signal.SIGKILL)
            pytest.fail("the Dask scheduler did not start: " + (directory / "scheduler.log").read_text())
        time.sleep(0.2)
    address = json.loads(scheduler_file.read_text())["address"]
    assert address.startswith("tcp://127.0.0.1:")
    running = Cluster(address, directory, scheduler)
    try:
        running.start_worker("w1")
        running.start_worker("w2")
        running.wait_for_workers(2)
        yield running
    finally:
        running.stop()


def _catalogue(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _pytest(root: Path, out: str, *args: str, background: bool = False) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "claims",
        "-p",
        "no:cacheprovider",
        "-q",
        "-o",
        "addopts=",
        "--no-claims-cache",
        "--claims-out",
        out,
        *args,
    ]
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if not background:
        process.wait(timeout=600)
    return process


def _comparable(root: Path, out: str) -> dict:
    return comparable(json.loads((root / out / "claims.json").read_text()))


def test_toy_and_fault_catalogues_match_the_local_process_pool(cluster: Cluster, tmp_path: Path):
    for name, extra in (
        ("toy_catalogue", ("--tier", "default")),
        ("fault_catalogue", ("--tier", "smoke", "--unit-timeout", "5", "--unit-memory-mb", "3072")),
    ):
        root = _catalogue(tmp_path, name)
        local = _pytest(root, "local", *extra, "--claims-executor", "process")
        remote = _pytest(
            root, "dask", *extra, "--claims-executor", "dask", "--dask-scheduler", cluster.address
        )
        assert local.returncode == remote.returncode == 1, (local.stdout.read(), remote.stdout.read())
        assert _comparable(root, "dask") == _comparable(root, "local"), name


def test_a_worker_killed_mid_run_loses_no_unit(cluster: Cluster, tmp_path: Path):
    root = _catalogue(tmp_path, "toy_catalogue")
    slow = root / "claims" / "toy2024" / "_shared.py"
    pause = "    import time\n\n    time.sleep(1.0)\n"
    slow.write_text(
        slow.read_text().replace(
            "    rng = np.random.default_rng(seed)\n", pause + "    rng = np.random.default_rng(seed)\n", 1
        )
    )
    local = _pytest(root, "local", "--claims-executor", "process")
    run = _pytest(
        root, "dask", "--claims-executor", "dask", "--dask-scheduler", cluster.address, background=True
    )
    time.sleep(8)  # the first look's units are in flight on both workers
    victim = cluster.workers[0]
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    output, _ = run.communicate(timeout=600)
    assert run.returncode == local.returncode == 1, output
    doc = json.loads((root / "dask" / "claims.json").read_text())
    assert "MISSING" not in json.dumps(doc["claims"])
    assert _comparable(root, "dask") == _comparable(root, "local")


def test_the_catalogue_can_be_uploaded_to_the_workers(cluster: Cluster, tmp_path: Path):
    root = _catalogue(tmp_path, "toy_catalogue")
    (root / "claims" / "toy2024" / "crashing.py").unlink()
    local = _pytest(root, "local", "--claims-executor", "process")
    uploaded = _pytest(
        root, "dask", "--claims-executor", "dask", "--dask-scheduler", cluster.address, "--dask-upload"
    )
    assert uploaded.returncode == local.returncode == 1, uploaded.stdout.read()
    assert _comparable(root, "dask") == _comparable(root, "local")
    # each worker machine holds its own copy of claims/, models/, tasks/, and the tasks loaded it from there
    copies = list(cluster.directory.rglob("theorycheck-catalogue-*/claims/toy2024/true_rate.py"))
    assert len(copies) == 2, copies
