"""A cache of whole claim records, keyed without importing the claim (warm reruns in seconds).

The unit cache (cache.py) saves the trainings; this one saves everything
after them: drawing the instances, judging, confirming, the controls. Its
key hashes what a record depends on, computed from source files alone, so a
warm rerun neither imports torch nor the catalogue:

* the claim id, tier, session seed and the options that change results
  (unit timeout and memory limit);
* the claim module and every catalogue module it imports, found by reading
  their ``import`` statements (``ast``), transitively: a superset of what the
  unit cache's digest follows at run time, so an edit anywhere the claim
  reaches is a miss;
* the engine's own source (every ``theorycheck/*.py`` but the modules that
  only present records) and the library versions;
* the claim's stored counterexamples (they are judged apart on every run).

Records with an ERROR verdict are never stored (a timeout may not repeat).
Entries are written atomically with a checksum; a corrupt one is a miss.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .atomic import write_text_atomic
from .cache import library_versions

CATALOGUE_PACKAGES = ("claims", "models", "tasks")


def module_file(root: Path, name: str) -> Path | None:
    """The source file of catalogue module ``name`` under ``root`` (a module or a package)."""
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=4096)
def _imported(digest: str, source: bytes, filename: str, name: str, is_package: bool) -> frozenset[str]:
    """Catalogue modules named by the import statements of one source file (``digest`` is its
    hash: a key computes each claim's digest over the models and tasks that many claims share, so
    each version of a file is parsed once per process, however many claims import it)."""
    tree = ast.parse(source, filename=filename)
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import submodule`
    return frozenset(m for m in found if m.split(".")[0] in CATALOGUE_PACKAGES)


def static_digest(root: Path, module: str) -> str:
    """Hash of ``module``'s source and of every catalogue module it reaches by import, with parents."""
    seen: dict[str, str] = {}
    stack = [module]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        path = module_file(root, name)
        if path is None:
            continue  # `from pkg import attribute`: not a module
        source = path.read_bytes()
        seen[name] = hashlib.sha256(source).hexdigest()
        parts = name.split(".")
        stack.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # the packages' __init__
        stack.extend(_imported(seen[name], source, str(path), name, path.name == "__init__.py"))
    return hashlib.sha256(json.dumps(sorted(seen.items())).encode()).hexdigest()


# Engine modules that only present records (reports, progress, the command line): editing them
# leaves every record as it was, so they are not part of the key.
PRESENTATION_MODULES = frozenset(
    {
        "baseline.py",
        "cli.py",
        "diff.py",
        "figures.py",
        "history.py",
        "html_claim.py",
        "html_report.py",
        "progress.py",
        "report.py",
        "svgplot.py",
    }
)


@functools.cache
def engine_digest() -> str:
    """Hash of the engine's own source: a new judging rule invalidates every record."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(here.glob("*.py")):
        if path.name in PRESENTATION_MODULES:
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def record_key(
    root: Path,
    claim_id: str,
    *,
    tier: str,
    session_seed: int,
    counterexamples: Path | None,
    options: Mapping[str, Any],
) -> str:
    """The key of a claim's record: everything it depends on, from files alone."""
    paper, _, slug = claim_id.partition("/")
    stored = counterexamples / paper / f"{slug}.json" if counterexamples is not None else None
    parts = {
        "claim": claim_id,
        "tier": tier,
        "seed": session_seed,
        "options": dict(options),
        "catalogue": static_digest(root, f"claims.{paper}.{slug}"),
        "engine": engine_digest(),
        "versions": library_versions(),
        "counterexamples": hashlib.sha256(stored.read_bytes()).hexdigest()
        if stored is not None and stored.is_file()
        else None,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class RecordCache:
    """Claim records on disk under ``directory``, one checksummed JSON file per key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored record (marked as served from the cache), or None when absent or corrupt."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            doc = json.loads(path.read_text())
            record = doc["record"]
            if doc.get("key") != key or doc.get("checksum") != _checksum(record):
                raise ValueError("checksum mismatch")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            warnings.warn(f"corrupt record cache entry {path} ({exc}); running the claim", stacklevel=2)
            return None
        units = record.get("units") or {}
        record["units"] = {
            "done": 0,
            "cached": int(units.get("done", 0)) + int(units.get("cached", 0)),
            "error": 0,
        }
        record["seconds"] = 0.0
        return dict(record)

    def put(self, key: str, record: Mapping[str, Any]) -> None:
        """Store ``record`` atomically, unless it is an ERROR."""
        if record.get("verdict") == "ERROR":
            return
        doc = {"key": key, "checksum": _checksum(record), "record": dict(record)}
        write_text_atomic(self._path(key), json.dumps(doc, sort_keys=True, allow_nan=False))


def _checksum(record: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
