"""Unit tests of models.ff_attention_transformer: shapes, ablations, truncation, one Adam step."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from models.ff_attention_transformer import (
    AdamConfig,
    FFAttentionTransformer,
    ModelConfig,
    train_adam,
    truncated,
)

CONFIG = ModelConfig(vocab=20, d_model=8, seq_len=10)


def _model(seed: int = 0, config: ModelConfig = CONFIG) -> FFAttentionTransformer:
    return FFAttentionTransformer(config, generator=torch.Generator().manual_seed(seed))


def _batch(seed: int = 0) -> torch.Tensor:
    return torch.randint(0, 20, (4, 10), generator=torch.Generator().manual_seed(seed))


def test_shapes_and_last_only_agree_with_the_full_pass() -> None:
    m, x = _model(), _batch()
    full = m(x)
    assert full.shape == (4, 10, 20)
    assert torch.allclose(m(x, last_only=True), full[:, -1], atol=1e-5)
    r = m.readout(x)
    assert torch.allclose(r.full, full[:, -1], atol=1e-5)
    assert torch.allclose(r.no_ff, m(x, no_ff=(1,), last_only=True), atol=1e-5)


def test_causality_and_ablations_change_the_output() -> None:
    m, x = _model(), _batch()
    y = x.clone()
    y[:, -1] = (y[:, -1] + 1) % 20
    assert torch.allclose(m(x)[:, :-1], m(y)[:, :-1], atol=1e-5)
    assert not torch.allclose(m(x, no_attn=(1,)), m(x))
    assert not torch.allclose(m(x, no_ff=(1,)), m(x))


def test_ff_switch_and_init_are_seeded() -> None:
    both = _model(config=ModelConfig(vocab=20, d_model=8, seq_len=10, ff_layers=(0, 1)))
    assert set(both.ffs) == {"0", "1"}
    assert torch.equal(_model(3)(_batch()), _model(3)(_batch()))


def test_truncation_has_the_requested_rank_and_leaves_the_original() -> None:
    m, name = _model(), "ffs.1.w1.weight"
    before = dict(m.named_parameters())[name].detach().clone()
    cut = truncated(m, name, 2)
    assert int(torch.linalg.matrix_rank(dict(cut.named_parameters())[name].detach())) == 2
    assert torch.equal(dict(m.named_parameters())[name].detach(), before)
    zero = truncated(m, "ffs.1.w1.weight", 0)
    x = _batch()
    assert torch.allclose(zero(x, last_only=True), m(x, no_ff=(1,), last_only=True), atol=1e-5)


def test_a_few_adam_steps_lower_the_loss_on_a_fixed_batch() -> None:
    m, x = _model(), _batch()
    y = torch.arange(4) % 20

    def loss(model: FFAttentionTransformer) -> dict[str, float]:
        return {"loss": float(F.cross_entropy(model(x, last_only=True), y))}

    log = train_adam(m, lambda b: (x, y), loss, AdamConfig(steps=5, lr=1e-2, batch=4, log_every=5))
    assert log.steps == [0, 5] and log.values["loss"][1] < log.values["loss"][0]


def test_sgd_frozen_parameters_and_extra_log_steps() -> None:
    m, x = _model(), _batch()
    y = torch.arange(4) % 20
    m.tok.weight.requires_grad_(False)
    frozen = m.tok.weight.clone()

    def loss(model: FFAttentionTransformer) -> dict[str, float]:
        return {"loss": float(F.cross_entropy(model(x, last_only=True), y))}

    config = AdamConfig(
        steps=6,
        lr=0.03,
        batch=4,
        log_every=5,
        log_steps=(1, 2),
        optimizer="sgd",
        momentum=0.9,
        weight_decay=1e-4,
    )
    log = train_adam(m, lambda b: (x, y), loss, config)
    assert log.steps == [0, 1, 2, 5, 6] and log.values["loss"][-1] < log.values["loss"][0]
    assert torch.equal(m.tok.weight, frozen)
