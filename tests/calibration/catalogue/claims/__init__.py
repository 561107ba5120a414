"""Calibration catalogue: synthetic claims whose truth is known exactly."""

from __future__ import annotations
