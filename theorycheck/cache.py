"""Content-addressed cache of work-unit Measurements (DESIGN section 6).

An entry's key hashes the claim id, the instance, the seed, the tier, the
source of the catalogue modules the claim imports and the library versions.
Entries are written atomically and carry a checksum of their payload, so a
truncated or edited entry is detected, reported and recomputed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
import warnings
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from .atomic import write_text_atomic
from .errors import MeasurementError
from .measurement import Measurement

_LIBRARIES = ("torch", "numpy", "sympy", "hypothesis", "scipy")
_CATALOGUE = ("claims", "models", "tasks")


@functools.cache
def library_versions() -> dict[str, str]:
    """Versions of the libraries a measurement may depend on."""
    out = {"python": ".".join(map(str, sys.version_info[:3]))}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    from . import __version__

    out["theorycheck"] = __version__
    return out


def source_digest(module: ModuleType) -> str:
    """Hash of the sources of ``module`` and every catalogue module it reaches.

    The import graph is followed through module globals (imported modules,
    and functions or classes defined in catalogue modules), so editing a
    helper a claim uses invalidates that claim's entries and no other's.
    """
    seen: dict[str, str] = {}
    stack = [module]
    while stack:
        mod = stack.pop()
        name = mod.__name__
        file = getattr(mod, "__file__", None)
        if name in seen or not file or name.split(".")[0] not in _CATALOGUE:
            continue
        seen[name] = hashlib.sha256(Path(file).read_bytes()).hexdigest()
        parent = name.rpartition(".")[0]
        if parent in sys.modules:
            stack.append(sys.modules[parent])
        for value in vars(mod).values():
            target = (
                value
                if isinstance(value, ModuleType)
                else sys.modules.get(getattr(value, "__module__", "") or "")
            )
            # a package's submodules appear among its attributes once anything imports them:
            # following them would make the digest depend on which sibling claims are loaded
            if isinstance(target, ModuleType) and not target.__name__.startswith(name + "."):
                stack.append(target)
    text = json.dumps(sorted(seen.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def unit_key(parts: Mapping[str, Any]) -> str:
    """The cache key of a work unit described by ``parts``."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class Cache:
    """Measurements on disk under ``directory``, one JSON file per key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0
        self.corrupt = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, label: str = "") -> Measurement | None:
        """The stored measurement, or None when absent or corrupt (with a warning)."""
        path = self._path(key)
        if not path.is_file():
            self.misses += 1
            return None
        try:
            doc = json.loads(path.read_text())
            payload = doc["measurement"]
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
            if doc.get("key") != key or doc.get("checksum") != digest:
                raise MeasurementError("checksum mismatch")
            measurement = Measurement.from_json(payload)
            measurement.check_finite()
        except (OSError, ValueError, KeyError, TypeError, MeasurementError) as exc:
            self.corrupt += 1
            self.misses += 1
            warnings.warn(
                f"corrupt cache entry {path} for {label or key[:12]} ({exc}); recomputing",
                stacklevel=2,
            )
            return None
        self.hits += 1
        return measurement

    def put(self, key: str, measurement: Measurement, unit: Mapping[str, Any]) -> None:
        """Store ``measurement`` atomically."""
        payload = measurement.to_json()
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        doc = {"key": key, "unit": dict(unit), "checksum": digest, "measurement": payload}
        write_text_atomic(self._path(key), json.dumps(doc, sort_keys=True))


class NoCache(Cache):
    """A cache that writes nothing to disk (``--no-cache``).

    Within one process it still remembers what it trained, so claims that
    share an experiment do not train the same unit twice in one run.
    """

    def __init__(self) -> None:
        super().__init__(Path("."))
        self._memory: dict[str, Measurement] = {}

    def get(self, key: str, label: str = "") -> Measurement | None:
        found = self._memory.get(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: str, measurement: Measurement, unit: Mapping[str, Any]) -> None:
        self._memory[key] = measurement
