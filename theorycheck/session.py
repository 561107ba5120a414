"""Per-process run settings and resources shared by the pytest plugin and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import Cache, NoCache
from .counterexamples import CounterexampleStore
from .execute import Executor, ProcessExecutor, limit_torch_threads, make_executor
from .result_cache import RecordCache, record_key
from .tiers import Tier

if TYPE_CHECKING:
    from .engine import ClaimResult


@dataclass
class RunSettings:
    """Everything that decides how claims are run in one session."""

    root: Path
    tier: Tier
    session_seed: int = 0
    executor: str = "process"
    cache_dir: Path | None = None
    out_dir: Path | None = None
    unit_timeout: float | None = None
    memory_mb: int = 0
    unit_threads: int = 1
    scheduler: str | None = None
    upload: bool = False
    batch: bool = True  # the seeds of one look as one unit where the experiment opts in
    _executor: Executor | None = field(default=None, repr=False)
    _cache: Cache | None = field(default=None, repr=False)

    def executor_instance(self) -> Executor:
        if self._executor is None:
            timeout = self.unit_timeout if self.unit_timeout is not None else self.tier.unit_timeout
            self._executor = make_executor(
                self.executor,
                timeout=timeout,
                memory_mb=self.memory_mb,
                threads=self.unit_threads,
                scheduler=self.scheduler,
                root=self.root,
                upload=self.upload,
            )
        return self._executor

    def cache_instance(self) -> Cache:
        if self._cache is None:
            self._cache = NoCache() if self.cache_dir is None else Cache(self.cache_dir)
        return self._cache

    def record_cache(self) -> RecordCache | None:
        """Whole claim records, beside the unit cache (none when caching is off)."""
        return None if self.cache_dir is None else RecordCache(self.cache_dir / "records")

    def record_key(self, claim_id: str) -> str:
        """The record cache's key of ``claim_id`` under these settings (read from files alone)."""
        return record_key(
            self.root,
            claim_id,
            tier=self.tier.name,
            session_seed=self.session_seed,
            counterexamples=self.out_dir / "counterexamples" if self.out_dir is not None else None,
            options={"timeout": self.unit_timeout, "memory_mb": self.memory_mb, "threads": self.unit_threads},
        )

    def cached_record(self, claim_id: str) -> tuple[str | None, dict[str, Any] | None]:
        """The key and the stored record of ``claim_id`` (record None on a miss; key None without a cache)."""
        cache = self.record_cache()
        if cache is None:
            return None, None
        key = self.record_key(claim_id)
        return key, cache.get(key)

    def store_record(self, key: str | None, record: dict[str, Any]) -> None:
        """Keep ``record`` under the key computed before its run (a counterexample it stored changes
        the next run's key, so that run replays it)."""
        cache = self.record_cache()
        if cache is not None and key is not None:
            cache.put(key, record)

    def run_claim(self, claim_id: str) -> ClaimResult:
        """Run one claim with this session's executor, cache and counterexample store."""
        from .engine import ClaimRunner  # Hypothesis and sympy: a run served from records needs neither

        if self.executor == "inprocess":
            limit_torch_threads(self.unit_threads)
        store = CounterexampleStore(self.out_dir / "counterexamples") if self.out_dir is not None else None
        executor = self.executor_instance()
        if isinstance(executor, ProcessExecutor):
            executor.prepare(claim_id, str(self.root))  # a worker imports the claim beside the runner
        runner = ClaimRunner(
            claim_id,
            self.root,
            self.tier,
            session_seed=self.session_seed,
            executor=executor,
            cache=self.cache_instance(),
            counterexamples=store,
            batch=self.batch,
        )
        return runner.run()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()
            self._executor = None


__all__ = ["RunSettings", "limit_torch_threads"]
