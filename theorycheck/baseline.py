"""reports/baseline.json: what CI's ``theorycheck diff`` compares a fresh run against.

The baseline changes only when someone runs ``theorycheck baseline``: it is
a claims.json whose verdicts, intervals and mutants are accepted as the
reference. The measured curves (``measurement``) are left out: diff never
reads them and they would make every rewrite a large change in git.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .diff import Change, compare
from .errors import CorruptFileError, TheorycheckError
from .records import load_document, write_document

DROPPED = ("measurement",)


def baseline_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` without the per-claim fields diff does not read."""
    out = dict(document)
    out["claims"] = [{k: v for k, v in c.items() if k not in DROPPED} for c in document["claims"]]
    return out


def rewrite_baseline(
    source: Path, out: Path, *, force: bool = False
) -> tuple[dict[str, Any] | None, list[Change]]:
    """Write ``out`` from ``source``; return the previous baseline (None if there was none or it was
    unreadable) and the changes the new one accepts. A different tier needs ``force``."""
    new = load_document(source)
    try:
        old: dict[str, Any] | None = load_document(out) if out.exists() else None
    except CorruptFileError:
        old = None
    if old is not None and old.get("tier") != new.get("tier") and not force:
        raise TheorycheckError(
            f"{source} is tier {new.get('tier')!r} but the baseline {out} is tier {old.get('tier')!r}; "
            "pass --force to replace it anyway"
        )
    write_document(out, baseline_document(new))
    return old, ([] if old is None else compare(old, new))
