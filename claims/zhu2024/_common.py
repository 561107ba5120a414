"""Shared pieces of the zhu2024 claims: the instances and the two experiments.

Not a claim module (leading underscore). The experiments glue ``tasks``
(entity pairs) to ``models`` (bilinear model, tiny transformer) and return a
:class:`Measurement` row per seed; they are pure given (instance, seed, tier).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st

from models.bilinear import Bilinear, BilinearConfig, GDConfig, train_gd
from models.transformer import (
    AdamWConfig,
    TinyCausalTransformer,
    TransformerConfig,
    last_token_mask,
    train_adamw,
)
from tasks.entities import EntityPairs, entity_pairings
from theorycheck import Measurement, Tier
from theorycheck.measurement import Curve

# ------------------------------------------------------------ bilinear model


@dataclass(frozen=True, kw_only=True)
class BilinearCase:
    """Entity pairs and the embedding dimension ``d`` of the bilinear model."""

    pairs: EntityPairs
    d: int


def bilinear_cases(
    *, dims: tuple[int, ...] = (64, 128, 256), max_pairs: int = 200
) -> st.SearchStrategy[BilinearCase]:
    """Pairs with ``M = 2n`` in [20, 2 max_pairs] and ``d`` from ``dims``; shrinks to M = 20, the first d."""
    return st.builds(
        BilinearCase, pairs=entity_pairings(min_pairs=10, max_pairs=max_pairs), d=st.sampled_from(dims)
    )


def bilinear_experiment(case: BilinearCase, seed: int, tier: Tier) -> Measurement:
    """Train Theta from zero by full-batch GD (lr = d) and measure forward and reverse losses."""
    return _bilinear(case, seed, tier, symmetric=False)


def bilinear_symmetric_experiment(case: BilinearCase, seed: int, tier: Tier) -> Measurement:
    """Control: the same run with Theta constrained symmetric, so e_B^T Theta e_A = e_A^T Theta e_B."""
    return _bilinear(case, seed, tier, symmetric=True)


def _bilinear(case: BilinearCase, seed: int, tier: Tier, *, symmetric: bool) -> Measurement:
    pairs, d = case.pairs, case.d
    m = pairs.n_entities
    gen = torch.Generator().manual_seed(seed)
    model = Bilinear(BilinearConfig(vocab=m, d=d, symmetric=symmetric), generator=gen)
    steps = tier.pick(smoke=150, default=300)
    gd = GDConfig(steps=steps, lr=float(d), log_every=25)
    log = train_gd(model, pairs.training_pairs(), pairs.reverse_test_pairs(), gd)
    tr = np.asarray(log.train_loss)
    rev = np.asarray(log.test_loss)
    tr_ratio, rev_ratio = tr / tr[0], rev / rev[0]
    # eps_hat(t) = log(rev ratio) / log(train ratio), on steps where the train loss has halved;
    # the denominator is kept below 0 so an untrained run gives a huge, finite value.
    log_tr = np.minimum(np.log(tr_ratio), -1e-9)
    eps_t = np.log(rev_ratio) / log_tr
    moved = tr_ratio < 0.5
    tx, ty = (torch.as_tensor(a) for a in pairs.reverse_test_pairs())
    with torch.no_grad():
        logits = model(tx)  # (n_test, M)
    p_rev = torch.softmax(logits, dim=-1).gather(1, ty[:, None])[:, 0]
    return Measurement.one(
        series={"train_loss": Curve.of(log.steps, tr), "reverse_loss": Curve.of(log.steps, rev)},
        scalars={
            "Ltr_0": tr[0],
            "Ltr_T": tr[-1],
            "Lrev_0": rev[0],
            "Lrev_T": rev[-1],
            "train_ratio": tr_ratio[-1],
            "reverse_ratio": rev_ratio[-1],
            "eps_hat": float(eps_t[-1]),
            "eps_hat_max": float(np.max(eps_t[moved])) if moved.any() else float(eps_t[-1]),
            "M": m,
            "d": d,
            "log_M": math.log(m),
            "rev_Mp_geo": m * math.exp(-rev[-1]),  # geometric mean over held-out pairs of M p(A_i|B_i)
            "rev_Mp_mean": m * float(p_rev.mean()),  # arithmetic mean (heavy-tailed, reported only)
            "rev_acc": float((logits.argmax(-1) == ty).double().mean()),
        },
    )


# ---------------------------------------------------------------- transformer


def transformer_config(tier: Tier, vocab: int) -> tuple[TransformerConfig, AdamWConfig]:
    """Model and optimiser per tier: one layer at smoke/default (Sec. 4), two at full (Sec. 5)."""
    width, layers, heads = tier.pick(smoke=(32, 1, 2), default=(64, 1, 4), full=(64, 2, 4))
    # the authors' AdamW lr 0.01 and weight decay 0.01 (train_reverse.py:61, 207-210), full batch and far
    # fewer steps (theirs: batch 64, 18 000 steps) for cost
    opt = tier.pick(
        smoke=AdamWConfig(steps=150, lr=1e-2, weight_decay=0.01, log_every=25),
        default=AdamWConfig(steps=300, lr=1e-2, weight_decay=0.01, log_every=25),
        full=AdamWConfig(steps=1500, lr=1e-2, weight_decay=0.01, log_every=100),
    )
    return TransformerConfig(vocab=vocab, d_model=width, n_layers=layers, n_heads=heads, seq_len=3), opt


def _last_token_scores(model: TinyCausalTransformer, seqs: np.ndarray, m: int) -> tuple[float, float, float]:
    """(mean NLL over entity tokens, entity-restricted accuracy, full-vocab accuracy) of the last token."""
    x = torch.as_tensor(seqs, dtype=torch.long)
    with torch.no_grad():
        logits = model(x[:, :2])[:, -1, :]  # (n, vocab)
    target = x[:, 2]
    entity = torch.log_softmax(logits[:, :m], dim=-1)
    nll = -entity.gather(1, target[:, None])[:, 0]
    return (
        float(nll.mean()),
        float((entity.argmax(-1) == target).float().mean()),
        float((logits.argmax(-1) == target).float().mean()),
    )


def transformer_experiment(pairs: EntityPairs, seed: int, tier: Tier) -> Measurement:
    """Fit [A, R, B] (all) and [B, R_inv, A] (trained subset); score the held-out reverse.

    Scalars: ``rev_nll_0`` / ``rev_nll_T`` (entity-restricted NLL of the held-out
    reverse completions at init / after training), ``fwd_nll_T`` (the same for
    the trained forward sentences ``[A_i, R, B_i]`` of the held-out pairs),
    ``rev_acc``, ``train_acc``, ``train_nll``, ``rev_Mp_geo``, ``M``, ``log_M``.
    """
    return _transformer(pairs, seed, tier, train=True)


def transformer_untrained(pairs: EntityPairs, seed: int, tier: Tier) -> Measurement:
    """Control of :func:`transformer_experiment`: the same model and scores, no training step."""
    return _transformer(pairs, seed, tier, train=False)


def _transformer(pairs: EntityPairs, seed: int, tier: Tier, *, train: bool) -> Measurement:
    m = pairs.n_entities
    sentences, test = pairs.sentences()
    held_fwd = sentences[pairs.n_train : pairs.n_pairs]  # [A_i, R, B_i] of the held-out pairs i >= n_train
    model_cfg, opt_cfg = transformer_config(tier, vocab=m + 2)
    model = TinyCausalTransformer(model_cfg, generator=torch.Generator().manual_seed(seed))
    rev_nll_0, _, _ = _last_token_scores(model, test, m)
    if train:
        log = train_adamw(model, sentences, last_token_mask(len(sentences), 3), opt_cfg)
        steps, losses = list(log.steps), list(log.loss)
    else:
        model.eval()
        nll, _, _ = _last_token_scores(model, sentences, m)
        steps, losses = [0, 1], [nll, nll]
    train_nll, _, train_acc = _last_token_scores(model, sentences, m)
    fwd_nll, _, _ = _last_token_scores(model, held_fwd, m)
    rev_nll, rev_acc, _ = _last_token_scores(model, test, m)
    return Measurement.one(
        series={"train_loss": Curve.of(steps, losses)},
        scalars={
            "train_acc": train_acc,
            "train_nll": train_nll,
            "rev_acc": rev_acc,
            "rev_nll_0": rev_nll_0,
            "rev_nll_T": rev_nll,
            "fwd_nll_T": fwd_nll,
            "rev_Mp_geo": m * math.exp(-rev_nll),
            "M": m,
            "log_M": math.log(m),
        },
    )
