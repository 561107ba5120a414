"""Tiers: how much evidence a run gathers (DESIGN section 5).

A tier fixes the number of instances judged per claim, the group-sequential
looks (seed counts at which the verdict is examined), the shrink budget, the
per-unit timeout, and the instance search of claims with cheap units (how
many instances they may screen, within what time). Claims pick their sizes
with :meth:`Tier.pick`.
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
    max_instances: int = 1  # instances a cheap claim may screen (see search_size)
    search_seconds: float = 0.0  # the per-claim time budget of that screening
    screen_seeds: int = 2  # seeds an instance is screened on before the looks go to the nearest the edge

    def search_size(self, unit_seconds: float | None) -> int:
        """How many instances a claim screens: its looks' instances, or for a claim declaring cheap
        units (``unit_seconds``) as many as ``search_seconds`` pays for, up to ``max_instances``.

        Deterministic: the count follows from the declaration, never from a measured time.
        """
        if unit_seconds is None or self.search_seconds <= 0:
            return self.instances
        affordable = int(self.search_seconds // (self.screen_seeds * unit_seconds))
        return max(self.instances, min(self.max_instances, affordable))

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
        "default",
        instances=2,
        looks=(4, 8),
        shrink_budget=3,
        unit_timeout=600.0,
        asserts_verdict=True,
        max_instances=100,
        search_seconds=20.0,
    ),
    "full": Tier(
        "full",
        instances=5,
        looks=(4, 8, 16, 32),
        shrink_budget=20,
        unit_timeout=3600.0,
        asserts_verdict=True,
        max_instances=200,
        search_seconds=300.0,
    ),
}


def get_tier(name: str) -> Tier:
    """The tier called ``name``; a clear error for any other name."""
    try:
        return TIERS[name]
    except KeyError:
        raise TheorycheckError(f"unknown tier {name!r}; choose one of {', '.join(TIERS)}") from None
