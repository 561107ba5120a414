"""Stacked parameters: S models of one architecture as one set of tensors with a leading seed dimension.

The batched trainers (``train_*_batched``) step these stacked tensors with one
elementwise optimiser on the sum of the S losses, so that each seed gets its
own update, and copy the result back into the per-seed models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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


def stacked_linear(h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """``h @ weight[s]^T + bias[s]`` for each seed: h (S, N, in), weight (S, out, in), bias (S, out).

    ``torch.baddbmm(bias[:, None, :], h, weight.transpose(1, 2))``, forward and
    gradients. For a one-wide output (``out == 1``, a regression head) the
    backward pass is written out (:class:`_OneWideLinear`): autograd would form
    the weight gradient as ``(h^T g)^T``, a batched matrix-vector product that
    takes MKL about ten times as long on one CPU thread as the same dot products
    taken as ``g^T h``.
    """
    if weight.shape[1] == 1 and torch.is_grad_enabled() and (h.requires_grad or weight.requires_grad):
        out: torch.Tensor = _OneWideLinear.apply(h, weight, bias)
        return out
    return torch.baddbmm(bias[:, None, :], h, weight.transpose(1, 2))


class _OneWideLinear(torch.autograd.Function):
    """:func:`stacked_linear` for ``out == 1`` with its gradients formed as products of the same numbers:
    ``g * weight`` is the outer product ``g @ weight`` (one product per entry, so equal to autograd's),
    ``g^T h`` the weight gradient (the dot products of autograd's ``(h^T g)^T``; MKL may order them
    differently, so equal to rounding), ``g`` summed over N the bias gradient (autograd's reduction)."""

    @staticmethod
    def forward(ctx: Any, h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(h, weight)
        return torch.baddbmm(bias[:, None, :], h, weight.transpose(1, 2))

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        h, weight = ctx.saved_tensors
        needs_h, needs_weight, needs_bias = ctx.needs_input_grad
        return (
            g * weight if needs_h else None,
            torch.bmm(g.transpose(1, 2), h) if needs_weight else None,
            g.sum(1) if needs_bias else None,
        )
