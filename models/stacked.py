"""Stacked parameters: S models of one architecture as one set of tensors with a leading seed dimension.

The batched trainers (``train_*_batched``) step these stacked tensors with one
elementwise optimiser on the sum of the S losses, so that each seed gets its
own update, and copy the result back into the per-seed models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import nn


def stack_parameters(models: Sequence[nn.Module]) -> dict[str, torch.Tensor]:
    """Every named parameter of ``models`` on a new leading seed dimension (name -> (S, ...)): a leaf
    that requires grad where ``models[0]``'s parameter does (frozen parameters stay frozen)."""
    own = [dict(m.named_parameters()) for m in models]
    return {
        name: torch.stack([p[name].detach() for p in own]).requires_grad_(first.requires_grad)
        for name, first in own[0].items()
    }


def unstack_into(models: Sequence[nn.Module], params: Mapping[str, torch.Tensor]) -> None:
    """Seed s's slice of every stacked tensor into ``models[s]``'s parameter of that name."""
    with torch.no_grad():
        for s, model in enumerate(models):
            for name, p in model.named_parameters():
                p.copy_(params[name][s])
