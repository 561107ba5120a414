"""Tiers: how much evidence a run gathers (DESIGN section 5).

A tier fixes the number of drawn instances per claim, the group-sequential
looks (seed counts at which the verdict is examined), the shrink budget and
the per-unit timeout. Claims pick their sizes with :meth:`Tier.pick`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from .errors import TheorycheckError

T = TypeVar("T")


@dataclass(frozen=True)
class Tier:
    """One evidence level: smoke, default or full."""

    name: str
    instances: int
    looks: tuple[int, ...]
    shrink_budget: int
    unit_timeout: float
    asserts_verdict: bool

    @property
    def max_seeds(self) -> int:
        """The seed budget: the last look."""
        return self.looks[-1]

    def pick(self, *, smoke: T, default: T, full: T | None = None) -> T:
        """The value for this tier (``full`` falls back to ``default``)."""
        if self.name == "smoke":
            return smoke
        if self.name == "full" and full is not None:
            return full
        return default


TIERS: dict[str, Tier] = {
    "smoke": Tier(
        "smoke", instances=1, looks=(2,), shrink_budget=0, unit_timeout=300.0, asserts_verdict=False
    ),
    "default": Tier(
        "default", instances=2, looks=(4, 8), shrink_budget=3, unit_timeout=600.0, asserts_verdict=True
    ),
    "full": Tier(
        "full", instances=5, looks=(4, 8, 16, 32), shrink_budget=20, unit_timeout=3600.0, asserts_verdict=True
    ),
}


def get_tier(name: str) -> Tier:
    """The tier called ``name``; a clear error for any other name."""
    try:
        return TIERS[name]
    except KeyError:
        raise TheorycheckError(f"unknown tier {name!r}; choose one of {', '.join(TIERS)}") from None
