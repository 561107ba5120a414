"""Finding and loading claims by path: ``claims/<paper_key>/<slug>.py`` is ``<paper_key>/<slug>``.

The engine imports none of the catalogue packages statically; it puts the
catalogue root on ``sys.path`` and imports claim modules by name, the way
benchopt runs a benchmark folder.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .errors import ClaimDeclarationError, TheorycheckError, UnknownClaimError

if TYPE_CHECKING:
    from .claim import Claim


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds a ``claims/`` package."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / "claims" / "__init__.py").is_file():
            return candidate
    raise TheorycheckError(f"no claims/ package at or above {start}")


def ensure_importable(root: Path) -> None:
    """Put the catalogue root first on ``sys.path`` (idempotent)."""
    text = str(root)
    if text not in sys.path:
        sys.path.insert(0, text)


@contextmanager
def isolated_catalogue(root: Path | None = None) -> Iterator[None]:
    """Within the block ``claims`` imports afresh (from ``root`` when given); afterwards the
    previous ``claims`` modules and ``sys.path`` are back, as if nothing had been imported.

    For running a second catalogue (a calibration or test catalogue) in a
    process that already imported the project's own.
    """
    saved_path = list(sys.path)
    saved = {k: v for k, v in sys.modules.items() if _is_claims_module(k)}
    for name in saved:
        del sys.modules[name]
    if root is not None:
        ensure_importable(root)
    try:
        yield
    finally:
        for name in [k for k in sys.modules if _is_claims_module(k)]:
            del sys.modules[name]
        sys.modules.update(saved)
        sys.path[:] = saved_path


def _is_claims_module(name: str) -> bool:
    return name == "claims" or name.startswith("claims.")


def is_claim_file(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``<root>/claims/<paper>/<slug>.py`` with a public slug."""
    try:
        rel = path.resolve().relative_to(root / "claims")
    except ValueError:
        return False
    return len(rel.parts) == 2 and path.suffix == ".py" and not path.name.startswith("_")


def claim_id_of(path: Path, root: Path) -> str:
    """``<paper>/<slug>`` for a claim file."""
    rel = path.resolve().relative_to(root / "claims")
    return f"{rel.parts[0]}/{rel.stem}"


def claim_files(root: Path, paths: Iterable[Path] = ()) -> list[Path]:
    """Every claim file under ``paths`` (default: the whole catalogue), sorted."""
    targets = list(paths) or [root / "claims"]
    found: set[Path] = set()
    for target in targets:
        target = target.resolve()
        if target.is_file():
            if is_claim_file(target, root):
                found.add(target)
            continue
        for path in target.rglob("*.py"):
            if is_claim_file(path, root):
                found.add(path.resolve())
    return sorted(found)


def claim_ids(root: Path) -> list[str]:
    """All claim ids of the catalogue, sorted."""
    return [claim_id_of(p, root) for p in claim_files(root)]


def module_name(claim_id: str) -> str:
    """The importable module name of a claim id."""
    paper, _, slug = claim_id.partition("/")
    return f"claims.{paper}.{slug}"


def load_module(claim_id: str, root: Path) -> ModuleType:
    """Import the claim module of ``claim_id``; clear errors for unknown ids and bad declarations."""
    paper, sep, slug = claim_id.partition("/")
    if not sep or not paper.isidentifier() or not slug.isidentifier():
        raise UnknownClaimError(f"{claim_id!r} is not a claim id of the form <paper_key>/<slug>")
    path = root / "claims" / paper / f"{slug}.py"
    if not path.is_file():
        known = claim_ids(root)
        close = [c for c in known if c.split("/")[0] == paper] or known[:5]
        raise UnknownClaimError(f"unknown claim id {claim_id!r}; known ids include: {', '.join(close)}")
    if (path.parent / slug).is_dir():
        raise ClaimDeclarationError(
            "claim id",
            f"{claim_id!r} names both {path} and the folder {path.parent / slug}: a duplicate claim id",
            "rename one of them",
        )
    ensure_importable(root)
    try:
        return importlib.import_module(module_name(claim_id))
    except ClaimDeclarationError as exc:
        raise ClaimDeclarationError(
            exc.field, f"{exc.problem} [{_declaration_site(exc, path)}]", exc.fix
        ) from exc


def _declaration_site(exc: BaseException, path: Path) -> str:
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == path.resolve()
    ]
    line = frames[-1].lineno if frames else 1
    return f"{path}:{line}"


def _is_claim_module_name(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 3 and parts[0] == "claims" and not parts[2].startswith("_")


def load_claim(claim_id: str, root: Path) -> Claim:
    """The CLAIM object of ``claim_id``, checked to be a Claim of its own paper."""
    from .claim import Claim  # Hypothesis and sympy: finding claims by path needs neither

    module = load_module(claim_id, root)
    claim = getattr(module, "CLAIM", None)
    where = f"[{root / 'claims' / claim_id}.py]"
    if claim is None:
        raise ClaimDeclarationError(
            "CLAIM", f"the module defines no CLAIM {where}", "assign CLAIM = Claim(...)"
        )
    if not isinstance(claim, Claim):
        raise ClaimDeclarationError("CLAIM", f"is a {type(claim).__name__}, not a Claim {where}")
    origin = claim.declared_in
    if origin != module.__name__ and _is_claim_module_name(origin):
        other = origin.removeprefix("claims.").replace(".", "/")
        raise ClaimDeclarationError(
            "CLAIM",
            f"is the claim declared in {other}: a duplicate claim id {where}",
            "declare each claim once; to share work, share the experiment function instead",
        )
    paper_key = claim_id.split("/")[0]
    if claim.paper.key != paper_key:
        raise ClaimDeclarationError(
            "paper", f"claim lives in claims/{paper_key}/ but cites paper {claim.paper.key!r} {where}"
        )
    return claim
