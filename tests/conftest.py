"""Shared fixtures: the toy catalogue with known truth, and pytester."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).parent / "fixtures"
TOY_CATALOGUE = FIXTURES / "toy_catalogue"


@pytest.fixture
def toy_root(tmp_path: Path) -> Path:
    """A private copy of the toy catalogue (claims/toy2024/...) in a temporary directory."""
    root = tmp_path / "catalogue"
    shutil.copytree(TOY_CATALOGUE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root
