"""Unit tests of models.ff_attention_transformer: shapes, ablations, truncation, one Adam step, the
batched trainer (each seed gets its unbatched run)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch.nn import functional as F

from models.ff_attention_transformer import (
    AdamConfig,
    FFAttentionTransformer,
    ModelConfig,
    stacked_logits,
    train_adam,
    train_adam_batched,
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


def test_stacked_logits_are_each_models_last_position_logits() -> None:
    config = ModelConfig(vocab=20, d_model=8, seq_len=10, ff_layers=(0, 1))
    models = [_model(seed, config) for seed in (0, 1, 2)]
    x = torch.stack([_batch(seed) for seed in (3, 4, 5)])  # (S, B, T)
    params = {
        name: torch.stack([dict(m.named_parameters())[name] for m in models])
        for name in dict(models[0].named_parameters())
    }
    got = stacked_logits(params, config, x)
    for s, m in enumerate(models):
        assert torch.allclose(got[s], m(x[s], last_only=True), atol=1e-6)


@pytest.mark.parametrize(
    ("ff_layers", "optimizer", "frozen"), [((0, 1), "adam", False), ((1,), "sgd", True), ((), "sgd", True)]
)
def test_batched_training_gives_each_seed_its_unbatched_run(
    ff_layers: tuple[int, ...], optimizer: str, frozen: bool
) -> None:
    """train_adam_batched over 3 seeds: each seed's log, losses and trained weights are train_adam's."""
    config = ModelConfig(vocab=20, d_model=8, seq_len=10, ff_layers=ff_layers)
    train = AdamConfig(
        steps=12, lr=0.03 if optimizer == "sgd" else 1e-2, batch=6, log_every=5, log_steps=(1, 2),
        optimizer=optimizer, momentum=0.9 if optimizer == "sgd" else 0.0, weight_decay=1e-4,
    )  # fmt: skip
    probe_x = _batch(99)

    def setup(seed: int) -> tuple[FFAttentionTransformer, torch.Generator]:
        gen = torch.Generator().manual_seed(seed)
        model = FFAttentionTransformer(config, generator=gen)
        if frozen:
            for p in (model.tok.weight, model.pos, model.unembed.weight):
                p.requires_grad_(False)
        return model, gen

    def draw(gen: torch.Generator) -> Callable[[int], tuple[torch.Tensor, torch.Tensor]]:
        return lambda b: (
            torch.randint(0, 20, (b, 10), generator=gen),
            torch.randint(0, 20, (b,), generator=gen),
        )

    def probe(model: FFAttentionTransformer) -> dict[str, float]:
        r = model.readout(probe_x)
        return {
            "full": float(r.full.softmax(-1)[:, 0].mean()),
            "no_ff": float(r.no_ff.softmax(-1)[:, 0].mean()),
        }

    seeds = (5, 6, 7)
    singles = []
    for seed in seeds:
        model, gen = setup(seed)
        singles.append((model, train_adam(model, draw(gen), probe, train)))
    batch = [setup(seed) for seed in seeds]
    models = [m for m, _ in batch]
    logs = train_adam_batched(models, [draw(g) for _, g in batch], [probe] * len(seeds), train)
    for seed, (single, log), model, batched in zip(seeds, singles, models, logs, strict=True):
        assert batched.steps == log.steps == [0, 1, 2, 5, 10, 12]
        assert torch.allclose(torch.tensor(batched.loss), torch.tensor(log.loss), rtol=1e-5, atol=1e-6)
        for name in log.values:
            assert torch.allclose(
                torch.tensor(batched.values[name]), torch.tensor(log.values[name]), atol=1e-6
            )
        for (name, p), q in zip(single.named_parameters(), model.parameters(), strict=True):
            assert torch.allclose(p, q, atol=1e-5), name
        if frozen:  # frozen parameters stay at their init
            assert torch.equal(model.tok.weight, setup(seed)[0].tok.weight)
