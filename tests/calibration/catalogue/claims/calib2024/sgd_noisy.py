"""True: online SGD on least squares, O(1/t), noisier: 16-32 chains per seed (slope sd near the tolerance).

The same prediction and mutants as ``sgd_one_over_t``; only the instances differ.
"""

from __future__ import annotations

import dataclasses

from ._experiments import least_squares
from .sgd_one_over_t import CLAIM as _QUIET

CLAIM = dataclasses.replace(_QUIET, theorem="SGD-noisy", instances=least_squares(chains=(16, 32)))
