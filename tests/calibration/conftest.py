"""The calibration suite runs only on request: ``-m calibration`` or ``--run-calibration``.

Its synthetic catalogue (``catalogue/claims/calib2024``) is data for the
suite, not claims for the theorycheck plugin to collect.
"""

from __future__ import annotations

import pytest

collect_ignore = ["catalogue"]


def _requested(config: pytest.Config) -> bool:
    markexpr = str(config.getoption("markexpr", "") or "")
    return bool(config.getoption("--run-calibration", False)) or (
        "calibration" in markexpr and "not calibration" not in markexpr
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _requested(config):
        return
    skip = pytest.mark.skip(reason="calibration suite: run with -m calibration or --run-calibration")
    for item in items:
        if item.get_closest_marker("calibration") is not None:
            item.add_marker(skip)
