"""Helpers of the plugin tests: catalogues copied into a pytester directory, results read back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures"


def install(pytester: pytest.Pytester, name: str) -> Path:
    """Copy ``tests/fixtures/<name>/claims`` into the pytester directory."""
    shutil.copytree(
        FIXTURES / name / "claims",
        pytester.path / "claims",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return pytester.path


def results(root: Path, out: str = "reports") -> dict[str, Any]:
    return json.loads((root / out / "claims.json").read_text())


def verdicts(root: Path, out: str = "reports") -> dict[str, str]:
    return {c["id"]: c["verdict"] for c in results(root, out)["claims"]}
