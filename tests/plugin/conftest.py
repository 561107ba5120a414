"""Fixtures for plugin tests: catalogues copied into a pytester directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugin_support import install


@pytest.fixture
def toy(pytester: pytest.Pytester) -> Path:
    return install(pytester, "toy_catalogue")


@pytest.fixture
def faults(pytester: pytest.Pytester) -> Path:
    return install(pytester, "fault_catalogue")


@pytest.fixture
def flaky(pytester: pytest.Pytester) -> Path:
    return install(pytester, "flaky_catalogue")
