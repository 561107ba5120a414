"""Oracle test of the stacked DFIV trainer (models/dfiv.py) against the trainer it replaced, which
recomputed phi(Z1), its Gram matrix and psi(X1) at every stage, backpropagated Stage 1 through the ridge
solve and fitted Stage 2 on the n predicted features. Reusing those is exact (bit for bit at 4dcaec7);
Stage 1's gradient at the ridge minimiser and Stage 2 from phi(Z2)'s moments are the same gradients, so
the fits agree up to float round-off (the batched path only)."""

from __future__ import annotations

import pytest
import torch

from models.dfiv import (
    DFIVConfig,
    _mlp,
    _penalised_gram,
    _stacked_forward,
    _stage2,
    _with_one,
    _with_ones,
    fit_dfiv_batched,
)
from models.stacked import stack_parameters, unstack_into
from tasks.iv_regression import IVDesign, JumpTarget, draw_structural, sample_iv


def _ridge_stacked(features: torch.Tensor, target: torch.Tensor, penalty: float) -> torch.Tensor:
    return torch.linalg.solve(_penalised_gram(features, penalty), features.transpose(1, 2) @ target)


def _recomputing_trainer(config, stage1, stage2, generators):  # type: ignore[no-untyped-def]
    """The previous loop of ``fit_dfiv_batched`` (one stack): per seed, the treatment net, beta and losses."""
    x1 = torch.stack([s[0].double() for s in stage1])
    z1 = torch.stack([s[1].double() for s in stage1])
    z2 = torch.stack([s[0].double() for s in stage2])
    y2 = torch.stack([s[1].double() for s in stage2])[:, :, None]
    psis, phis = [], []
    for generator, (x, z) in zip(generators, stage1, strict=True):
        psis.append(_mlp(x.shape[1], config, generator))
        phis.append(_mlp(z.shape[1], config, generator))
    psi, phi = stack_parameters(psis), stack_parameters(phis)
    opt_psi = torch.optim.Adam(list(psi.values()), lr=config.lr)
    opt_phi = torch.optim.Adam(list(phi.values()), lr=config.lr)
    m, n = x1.shape[1], y2.shape[1]
    losses = []
    for _ in range(config.epochs):
        target = _stacked_forward(psis[0], psi, x1).detach()
        for _ in range(config.stage1_iters):
            opt_phi.zero_grad()
            features = _with_ones(_stacked_forward(phis[0], phi, z1))
            w1 = _ridge_stacked(features, target, config.lam1 * m)
            loss1 = (target - features @ w1).pow(2).sum((1, 2)) + config.lam1 * m * w1.pow(2).sum((1, 2))
            (loss1 / m).sum().backward()
            opt_phi.step()
        with torch.no_grad():
            phi_z1 = _with_ones(_stacked_forward(phis[0], phi, z1))
            phi_z2 = _with_ones(_stacked_forward(phis[0], phi, z2))
        for _ in range(config.stage2_iters):
            opt_psi.zero_grad()
            w1 = _ridge_stacked(phi_z1, _stacked_forward(psis[0], psi, x1), config.lam1 * m)
            predicted = _with_ones(phi_z2 @ w1)
            beta = _ridge_stacked(predicted, y2, config.lam2 * n)
            residual = y2 - predicted @ beta
            loss2 = (residual.pow(2).sum((1, 2)) + config.lam2 * n * beta.pow(2).sum((1, 2))) / n
            loss2.sum().backward()
            opt_psi.step()
        losses.append(loss2.detach())
    unstack_into(psis, psi)
    unstack_into(phis, phi)
    record = torch.stack(losses).T.tolist() if losses else [[] for _ in psis]
    out = []
    for s, (psi_s, phi_s) in enumerate(zip(psis, phis, strict=True)):
        with torch.no_grad():
            phi_z1_s, phi_z2_s = _with_one(phi_s(z1[s])), _with_one(phi_s(z2[s]))
            _, beta_s = _stage2(psi_s, phi_z1_s, phi_z2_s, x1[s], y2[s, :, 0], config)
        out.append((psi_s, beta_s, record[s]))
    return out


@pytest.mark.parametrize(
    "config",
    [  # kim2025's settings (one Stage-1 step), several steps per stage, no training
        DFIVConfig(width=32, depth=1, head=False, kink_init=True, epochs=7, stage1_iters=1, stage2_iters=2),
        DFIVConfig(width=8, depth=2, features=4, epochs=5, stage1_iters=2, stage2_iters=3, lr=1e-2),
        DFIVConfig(width=8, depth=1, head=False, epochs=0),
    ],
)
def test_stacked_fit_equals_the_recomputing_trainer(config: DFIVConfig) -> None:
    design = IVDesign(target=JumpTarget(location=0.4, height=1.0, amplitude=0.5))
    f = draw_structural(design.target, torch.Generator())
    data = []
    for seed in range(3):
        gen = torch.Generator().manual_seed(seed)
        data.append((sample_iv(design, f, 96, gen), sample_iv(design, f, 96, gen), gen))
    states = [gen.get_state() for *_, gen in data]
    stage1, stage2 = [(o.x, o.z) for o, _, _ in data], [(t.z, t.y) for _, t, _ in data]
    old_gens = [torch.Generator().set_state(state) for state in states]
    reference = _recomputing_trainer(config, stage1, stage2, old_gens)
    gens = [torch.Generator().set_state(state) for state in states]
    fits = fit_dfiv_batched(config, stage1, stage2, gens)
    for fit, (psi, beta, losses), gen, old_gen in zip(fits, reference, gens, old_gens, strict=True):
        assert fit.stage2_losses == pytest.approx(losses, rel=1e-12)
        assert torch.allclose(fit.beta, beta, rtol=1e-9, atol=1e-12)
        for new, old in zip(fit.treatment_net.parameters(), psi.parameters(), strict=True):
            assert torch.allclose(new, old, rtol=1e-10, atol=1e-12)
        assert torch.equal(gen.get_state(), old_gen.get_state())
