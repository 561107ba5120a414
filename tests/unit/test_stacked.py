"""models.stacked: S models' parameters on a leading seed dimension and back."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from models.stacked import stack_parameters, stacked_linear, unstack_into


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


def _linear_grads(linear, h, weight, bias, g):  # type: ignore[no-untyped-def]
    leaves = [t.detach().clone().requires_grad_(True) for t in (h, weight, bias)]
    out = linear(*leaves)
    out.backward(g)
    return out.detach(), [t.grad for t in leaves]


def _baddbmm(h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    return torch.baddbmm(bias[:, None, :], h, weight.transpose(1, 2))


@pytest.mark.parametrize(("seeds", "n", "width", "out"), [(4, 1024, 64, 1), (2, 300, 10, 1), (3, 50, 7, 5)])
def test_stacked_linear_is_baddbmm_forward_and_backward(seeds: int, n: int, width: int, out: int) -> None:
    gen = torch.Generator().manual_seed(n)
    h, weight = torch.randn(seeds, n, width, generator=gen), torch.randn(seeds, out, width, generator=gen)
    bias, g = torch.randn(seeds, out, generator=gen), torch.randn(seeds, n, out, generator=gen)
    ours, ours_grads = _linear_grads(stacked_linear, h, weight, bias, g)
    theirs, their_grads = _linear_grads(_baddbmm, h, weight, bias, g)
    assert torch.equal(ours, theirs)
    grad_h, grad_weight, grad_bias = ours_grads
    assert torch.equal(grad_h, their_grads[0]) and torch.equal(grad_bias, their_grads[2])  # the same products
    torch.testing.assert_close(grad_weight, their_grads[1], rtol=1e-6, atol=1e-5)  # the same sums, any order


def test_stacked_linear_without_grad_is_baddbmm() -> None:
    h, weight, bias = torch.randn(2, 5, 3), torch.randn(2, 1, 3), torch.randn(2, 1)
    with torch.no_grad():
        assert torch.equal(stacked_linear(h, weight, bias), _baddbmm(h, weight, bias))


@pytest.mark.parametrize("seeds", [1, 2, 4, 8])
@pytest.mark.parametrize("n", [256, 1024])
def test_stacked_linear_weight_gradient_is_autograds_at_the_score_mlps_shapes(seeds: int, n: int) -> None:
    """At li2024's stacked score MLP (a 64-wide hidden layer into one output, batches of 256 and 1024)
    g^T h and autograd's (h^T g)^T round alike, so its training is bit for bit what autograd's was;
    another BLAS or CPU may round them apart (then this fails and the claim's numbers move by rounding)."""
    gen = torch.Generator().manual_seed(seeds * n)
    h, weight = torch.randn(seeds, n, 64, generator=gen), torch.randn(seeds, 1, 64, generator=gen)
    bias, g = torch.randn(seeds, 1, generator=gen), torch.randn(seeds, n, 1, generator=gen)
    _, ours = _linear_grads(stacked_linear, h, weight, bias, g)
    _, theirs = _linear_grads(_baddbmm, h, weight, bias, g)
    assert all(torch.equal(a, b) for a, b in zip(ours, theirs, strict=True))
