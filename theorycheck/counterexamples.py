"""Counterexamples found by a run, stored as reviewable JSON and replayed first.

One file per claim, ``<dir>/<paper>/<slug>.json``: a list of instances in
the JSON form of :mod:`theorycheck.instances`. A corrupt file is reported
and ignored (and rewritten on the next violation), never trusted.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from . import instances
from .atomic import write_text_atomic
from .errors import CorruptFileError


class CounterexampleStore:
    """Reads and appends the counterexamples of each claim under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, claim_id: str) -> Path:
        return self.directory / f"{claim_id}.json"

    def _documents(self, claim_id: str) -> list[Any]:
        path = self.path(claim_id)
        if not path.is_file():
            return []
        try:
            doc = json.loads(path.read_text())
            if (
                not isinstance(doc, dict)
                or doc.get("claim") != claim_id
                or not isinstance(doc.get("instances"), list)
            ):
                raise CorruptFileError("expected {'claim': id, 'instances': [...]}")
            return list(doc["instances"])
        except (OSError, ValueError, CorruptFileError) as exc:
            warnings.warn(f"ignoring corrupt counterexample file {path}: {exc}", stacklevel=2)
            return []

    def load(self, claim_id: str) -> list[Any]:
        """The stored instances of ``claim_id`` that can still be rebuilt."""
        out = []
        for data in self._documents(claim_id):
            try:
                out.append(instances.from_json(data))
            except CorruptFileError as exc:
                warnings.warn(f"skipping stored counterexample of {claim_id}: {exc}", stacklevel=2)
        return out

    def add(self, claim_id: str, instance: Any) -> None:
        """Store ``instance`` (once) for ``claim_id``, atomically."""
        data = instances.to_json(instance)
        docs = self._documents(claim_id)
        if data in docs:
            return
        docs.append(data)
        write_text_atomic(
            self.path(claim_id), json.dumps({"claim": claim_id, "instances": docs}, indent=2) + "\n"
        )
