"""Synthetic claims with known truth, for the statistical calibration suite (issue 6)."""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="calib2024", title="Calibration claims with known truth", authors=("theorycheck",), year=2024
)
