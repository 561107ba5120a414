"""Unit tests of models.recall_attention: shapes, the structured form, equivariance and one step."""

from __future__ import annotations

import math

import pytest
import torch

from models.recall_attention import (
    OneLayerRecall,
    RecallConfig,
    TrainConfig,
    accuracy,
    recall_loss,
    train,
    train_batched,
)

V, K = 13, 2


def _tokens(n: int = 32, t: int = 8, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    tok = torch.randint(K, V - 1, (n, t), generator=gen)
    q = torch.randint(0, K, (n,), generator=gen)
    p = torch.randint(0, t - 2, (n,), generator=gen)
    rows = torch.arange(n)
    tok[rows, p] = q
    tok[:, -1] = q
    return tok, tok[rows, p + 1]


@pytest.mark.parametrize("attention", ["softmax", "linear", "relu"])
@pytest.mark.parametrize("param", ["structured", "full"])
def test_forward_shapes(attention: str, param: str) -> None:
    model = OneLayerRecall(
        RecallConfig(vocab_size=V, triggers=K, attention=attention, param=param), torch.Generator()
    )
    tok, ybar = _tokens()
    assert model(tok).shape == (32, V)
    assert model.attention(tok).shape == (32, 8)
    assert recall_loss(model(tok), ybar, 0.2).ndim == 0


def test_structured_softmax_recalls_the_answer() -> None:
    model = OneLayerRecall(RecallConfig(vocab_size=V, triggers=K), torch.Generator())
    with torch.no_grad():
        model.a.fill_(20.0)
        model.b.fill_(20.0)
        model.c.fill_(20.0 - math.log(0.8 / 0.2))
    tok, ybar = _tokens()
    z = model(tok)
    assert accuracy(z, ybar) == 1.0
    bayes = -(0.8 * math.log(0.8) + 0.2 * math.log(0.2))
    assert float(recall_loss(z, ybar, 0.2).detach()) == pytest.approx(bayes, abs=1e-3)


def test_structured_model_is_equivariant_under_output_permutations() -> None:
    model = OneLayerRecall(RecallConfig(vocab_size=V, triggers=K, init=0.7), torch.Generator())
    tok, _ = _tokens()
    perm = torch.arange(V)
    perm[K : V - 1] = K + torch.randperm(V - 1 - K, generator=torch.Generator().manual_seed(5))
    z, zp = model(tok), model(perm[tok])
    assert torch.allclose(zp[:, perm], z)


def test_one_step_lowers_the_loss_for_each_optimiser() -> None:
    tok, ybar = _tokens(64)
    for opt, lr in (("ngd", 0.2), ("gd", 1.0), ("adam", 0.05)):
        for param in ("structured", "full"):
            model = OneLayerRecall(RecallConfig(vocab_size=V, triggers=K, param=param), torch.Generator())
            log = train(model, (tok, ybar), (tok, ybar), 0.1, TrainConfig(steps=3, lr=lr, optimizer=opt))
            assert log.train_loss[-1] < log.train_loss[0], (opt, param)
            assert log.steps.tolist() == [0, 1, 2, 3]


def test_ablations_remove_the_constructions_premises() -> None:
    tok, ybar = _tokens()
    no_map = OneLayerRecall(RecallConfig(vocab_size=V, triggers=K, noise_map=False), torch.Generator())
    assert not no_map.c.requires_grad
    log = train(no_map, (tok, ybar), (tok, ybar), 0.2, TrainConfig(steps=3, lr=0.2))
    assert float(no_map.c) == 0.0 and log.train_loss[-1] < log.train_loss[0]
    current = OneLayerRecall(RecallConfig(vocab_size=V, triggers=K, keys="current"), torch.Generator())
    with torch.no_grad():
        current.a.fill_(20.0)
    last = tok[:, -1]
    on_query = (current.attention(tok) * (tok == last[:, None])).sum(dim=1)
    assert torch.all(on_query > 0.99)  # the query token keys itself: the answer after it is not read


def test_configs_validate() -> None:
    with pytest.raises(ValueError):
        RecallConfig(vocab_size=V, triggers=K, keys="next")
    with pytest.raises(ValueError):
        RecallConfig(vocab_size=V, triggers=K, attention="gelu")
    with pytest.raises(ValueError):
        TrainConfig(steps=5, lr=0.1, optimizer="sgd")
    assert RecallConfig(vocab_size=V, triggers=K, attention="relu").structured_init == 0.5


@pytest.mark.parametrize("attention", ["softmax", "linear", "relu"])
@pytest.mark.parametrize(("keys", "noise_map"), [("previous", True), ("previous", False), ("current", True)])
@pytest.mark.parametrize("optimizer", ["ngd", "gd"])
def test_train_batched_equals_per_seed_runs(
    attention: str, keys: str, noise_map: bool, optimizer: str
) -> None:
    """Three seeds trained as one stacked model: each seed's logs and parameters are its own run's."""
    cfg = RecallConfig(vocab_size=V, triggers=K, attention=attention, keys=keys, noise_map=noise_map)
    tc = TrainConfig(steps=25, lr=0.2 if optimizer == "ngd" else 2.0, optimizer=optimizer, log_every=5)
    data = [_tokens(seed=s) for s in range(3)]
    evals = [_tokens(seed=10 + s) for s in range(3)]
    alone = [OneLayerRecall(cfg, torch.Generator()) for _ in range(3)]
    logs = [train(m, d, e, 0.1, tc) for m, d, e in zip(alone, data, evals, strict=True)]
    stacked = [OneLayerRecall(cfg, torch.Generator()) for _ in range(3)]
    batched = train_batched(stacked, data, evals, 0.1, tc)
    for one, log, m, mb in zip(logs, batched, alone, stacked, strict=True):
        assert list(log.steps) == list(one.steps) == [0, 5, 10, 15, 20, 25]
        assert torch.allclose(
            torch.as_tensor(log.train_loss), torch.as_tensor(one.train_loss), rtol=1e-12, atol=1e-13
        )
        assert torch.allclose(
            torch.as_tensor(log.eval_loss), torch.as_tensor(one.eval_loss), rtol=1e-12, atol=1e-13
        )
        for name in ("a", "b", "c"):
            assert torch.allclose(getattr(mb, name), getattr(m, name), rtol=1e-12, atol=1e-10)


def test_train_batched_rejects_full_matrices_and_adam() -> None:
    full = [OneLayerRecall(RecallConfig(vocab_size=V, triggers=K, param="full"), torch.Generator())]
    data = [_tokens()]
    with pytest.raises(ValueError, match="structured"):
        train_batched(full, data, data, 0.0, TrainConfig(steps=1, lr=0.1))
    structured = [OneLayerRecall(RecallConfig(vocab_size=V, triggers=K), torch.Generator())]
    with pytest.raises(ValueError, match="optimizers"):
        train_batched(structured, data, data, 0.0, TrainConfig(steps=1, lr=0.1, optimizer="adam"))
