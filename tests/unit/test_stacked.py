"""models.stacked: S models' parameters on a leading seed dimension and back."""

from __future__ import annotations

import torch
from torch import nn

from models.stacked import stack_parameters, unstack_into


def _models(seeds: int) -> list[nn.Module]:
    out = []
    for s in range(seeds):
        torch.manual_seed(s)
        model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
        model[0].bias.requires_grad_(False)  # a frozen parameter
        out.append(model)
    return out


def test_parameters_stack_per_seed_and_frozen_ones_stay_frozen():
    models = _models(3)
    params = stack_parameters(models)
    assert list(params) == [name for name, _ in models[0].named_parameters()]
    for name, stacked in params.items():
        assert stacked.shape[0] == 3 and stacked.is_leaf
        assert stacked.requires_grad == dict(models[0].named_parameters())[name].requires_grad
        for s, model in enumerate(models):
            assert torch.equal(stacked[s], dict(model.named_parameters())[name])


def test_unstack_writes_each_seed_its_own_slice():
    models = _models(2)
    params = stack_parameters(models)
    with torch.no_grad():
        for stacked in params.values():
            stacked.add_(torch.arange(2.0).reshape(-1, *[1] * (stacked.dim() - 1)))
    unstack_into(models, params)
    for name, stacked in params.items():
        for s, model in enumerate(models):
            assert torch.equal(dict(model.named_parameters())[name], stacked[s])
