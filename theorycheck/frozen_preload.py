"""Imported last by the unit processes' forkserver: freezes what its preload imported.

The forkserver imports torch, sympy, Hypothesis and numpy once and forks every
unit process from itself. ``gc.freeze()`` here moves those modules' objects (a
few hundred thousand) out of the collector's reach, so that a unit's full
collections do not walk them again, and so that collecting does not write to
the pages a fork shares with its parent (the gc.freeze documentation's pattern).
"""

from __future__ import annotations

import gc

gc.freeze()
