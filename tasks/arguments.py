"""Checks of the keyword arguments of task strategies: a bad range is a clear error at declaration."""

from __future__ import annotations

from hypothesis.errors import InvalidArgument


def number_in(name: str, value: object, low: float, high: float) -> float:
    """``value`` as a float when it is a number (not a bool) in [low, high]; InvalidArgument otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise InvalidArgument(f"{name}={value!r} must be a number in [{low}, {high}]")
    return float(value)
