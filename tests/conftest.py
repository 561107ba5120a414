"""Shared fixtures: the toy catalogue with known truth, and pytester."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Under CI (CI set, as CI services do) the property tests run on fixed examples, so a red build
# reproduces and a rare draw cannot fail one build and pass the next; locally they keep exploring
# (that is how non_gaussian_perturbations' shape of 8.000000000000004 was found). The claims' own
# searches set their settings and seeds explicitly and are not affected.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

pytest_plugins = ["pytester"]

# the fixture catalogues are data for the plugin tests, not claims of this run
collect_ignore = ["fixtures"]

FIXTURES = Path(__file__).parent / "fixtures"
TOY_CATALOGUE = FIXTURES / "toy_catalogue"


@pytest.fixture
def toy_root(tmp_path: Path) -> Path:
    """A private copy of the toy catalogue (claims/toy2024/...) in a temporary directory."""
    root = tmp_path / "catalogue"
    shutil.copytree(TOY_CATALOGUE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-calibration",
        action="store_true",
        default=False,
        help="run the statistical calibration suite (tests marked calibration; or select -m calibration)",
    )
