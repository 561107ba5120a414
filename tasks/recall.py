"""In-context recall: a trigger token, its output token, and a noisy next-token target.

Vocabulary: ordinary tokens ``0 .. N-1`` and one generic noise token
``tau = N`` (so ``V = N + 1`` classes). The first ``K`` ordinary tokens are
*triggers*; the other ``N - K`` are *output* (and filler) tokens. A sequence
of length ``T`` is::

    x_0 .. x_{T-1}:  filler tokens drawn uniformly from the non-trigger tokens,
                     except x_p = q (a trigger) and x_{p+1} = ybar (an output token),
                     and the last token x_{T-1} = q again,

with ``q`` uniform over the triggers, ``p`` uniform in ``0 .. T-3`` and
``ybar`` uniform over the allowed outputs. The trigger occurs only at ``p``
and at the end, so ``ybar`` is the unique in-context answer. The next token
is ``ybar`` with probability ``1 - alpha`` and ``tau`` with probability
``alpha`` (Bietti et al. 2023; Nguyen & Nguyen-Tang 2025), so the Bayes
predictor puts ``(1 - alpha, alpha)`` on ``(ybar, tau)`` and its risk is the
binary entropy ``H(alpha)``. The noise token never appears in the context.

Out of distribution: a fraction ``held_out`` of the output tokens is never an
answer in training (it still appears as filler), and test sequences may take
their answers from that held-out set and be longer (``test_context``).

Samplers are vectorised over a batch and driven by a ``torch.Generator``.
The batch carries the sampled target *and* ``ybar``, so the analytic
population loss ``-(1 - alpha) log p(ybar) - alpha log p(tau)`` can be
computed instead of the noisy sampled-label cross-entropy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

ATTENTIONS = ("softmax", "linear", "relu")
Answers = Literal["train", "held_out", "all"]


@dataclass(frozen=True, kw_only=True)
class RecallTask:
    """One in-context recall distribution (sizes, noise and the OOD split)."""

    vocab: int  # N ordinary tokens; the noise token is N
    triggers: int  # K trigger tokens 0 .. K-1
    context: int  # T, training sequence length
    alpha: float = 0.0  # probability that the next token is the noise token
    held_out: float = 0.0  # fraction of output tokens never used as an answer in training
    test_context: int = 0  # length of OOD test sequences (0: same as context)

    def __post_init__(self) -> None:
        if not 1 <= self.triggers <= self.vocab - 2:
            raise ValueError(f"need 1 <= triggers <= vocab - 2, got {self.triggers}, {self.vocab}")
        if self.context < 3:
            raise ValueError(f"context must be >= 3, got {self.context}")
        if not 0.0 <= self.alpha < 0.5:
            raise ValueError(f"alpha must be in [0, 1/2), got {self.alpha}")
        if not 0.0 <= self.held_out < 1.0:
            raise ValueError(f"held_out must be in [0, 1), got {self.held_out}")
        if self.held_out > 0 and not 1 <= self.n_held_out < self.n_outputs:
            raise ValueError(f"held_out={self.held_out} leaves an empty train or test answer set")
        if self.test_context and self.test_context < 3:
            raise ValueError(f"test_context must be 0 or >= 3, got {self.test_context}")

    @property
    def noise_token(self) -> int:
        """The generic noise token ``tau = N``."""
        return self.vocab

    @property
    def vocab_size(self) -> int:
        """``V = N + 1`` classes (ordinary tokens and the noise token)."""
        return self.vocab + 1

    @property
    def n_outputs(self) -> int:
        return self.vocab - self.triggers

    @property
    def n_held_out(self) -> int:
        return round(self.held_out * self.n_outputs)

    @property
    def bayes_risk(self) -> float:
        """Binary entropy ``H(alpha)`` in nats: the smallest expected cross-entropy."""
        a = self.alpha
        return 0.0 if a == 0.0 else -(1 - a) * math.log(1 - a) - a * math.log(a)


@dataclass(frozen=True, kw_only=True)
class RecallProblem:
    """A recall task and the attention kind of the learner (a string: tasks stay model-free)."""

    task: RecallTask
    attention: str = "softmax"

    def __post_init__(self) -> None:
        if self.attention not in ATTENTIONS:
            raise ValueError(f"attention must be one of {ATTENTIONS}, got {self.attention!r}")


@dataclass(frozen=True)
class RecallBatch:
    """``tokens (B, T)`` int64, sampled ``target (B,)``, answer ``ybar (B,)``, ``position (B,)`` of q."""

    tokens: torch.Tensor
    target: torch.Tensor
    ybar: torch.Tensor
    position: torch.Tensor


def answer_tokens(task: RecallTask, answers: Answers) -> torch.Tensor:
    """The output tokens answers are drawn from: the first ``n_outputs - n_held_out`` for training."""
    outputs = torch.arange(task.triggers, task.vocab)
    cut = task.n_outputs - task.n_held_out
    if answers == "train":
        return outputs[:cut]
    if answers == "held_out":
        if task.n_held_out == 0:
            raise ValueError("the task holds out no output tokens")
        return outputs[cut:]
    return outputs


def sample_recall(
    task: RecallTask,
    n: int,
    generator: torch.Generator,
    *,
    answers: Answers = "train",
    context: int | None = None,
) -> RecallBatch:
    """``n`` sequences of length ``context`` (default ``task.context``) with answers from ``answers``."""
    t = task.context if context is None else context
    if t < 3:
        raise ValueError(f"context must be >= 3, got {t}")
    fill = torch.randint(task.triggers, task.vocab, (n, t), generator=generator)  # (B, T) non-triggers
    q = torch.randint(0, task.triggers, (n,), generator=generator)
    pool = answer_tokens(task, answers)
    ybar = pool[torch.randint(0, len(pool), (n,), generator=generator)]
    p = torch.randint(0, t - 2, (n,), generator=generator)
    rows = torch.arange(n)
    tokens = fill.clone()
    tokens[rows, p] = q
    tokens[rows, p + 1] = ybar
    tokens[:, -1] = q
    noisy = torch.rand(n, generator=generator) < task.alpha
    target = torch.where(noisy, torch.full_like(ybar, task.noise_token), ybar)
    return RecallBatch(tokens=tokens, target=target, ybar=ybar, position=p)


def _check_range(name: str, lo: float, hi: float, floor: float) -> None:
    if not floor <= lo <= hi:
        raise InvalidArgument(f"need {floor} <= min_{name}={lo!r} <= max_{name}={hi!r}")


def recall_tasks(
    *,
    min_vocab: int = 16,
    max_vocab: int = 64,
    min_triggers: int = 1,
    max_triggers: int = 8,
    min_context: int = 8,
    max_context: int = 32,
    min_alpha: float = 0.0,
    max_alpha: float = 0.0,
    min_held_out: float = 0.0,
    max_held_out: float = 0.0,
    longer_test: bool = False,
    always_longer: bool = False,
) -> st.SearchStrategy[RecallTask]:
    """Recall tasks with sizes in the given ranges.

    ``alpha`` is 0 or drawn from ``[0.05, max_alpha]`` when ``max_alpha >= 0.05``;
    with ``min_alpha > 0`` it is drawn from ``[max(min_alpha, 0.05), max_alpha]`` only
    (the noisy case; shrinks toward ``min_alpha``);
    the held-out fraction from ``[min_held_out, max_held_out]``; with
    ``longer_test`` the test context is ``T`` or ``2T`` (always ``2T`` with
    ``always_longer``). Shrinks towards the
    smallest vocabulary, fewest triggers, shortest context, the noiseless
    case, the smallest held-out fraction and test sequences as long as training ones.
    """
    _check_range("vocab", min_vocab, max_vocab, 4)
    _check_range("triggers", min_triggers, max_triggers, 1)
    _check_range("context", min_context, max_context, 3)
    _check_range("held_out", min_held_out, max_held_out, 0.0)
    if max_triggers > min_vocab - 2:
        raise InvalidArgument(f"max_triggers={max_triggers} must leave >= 2 outputs at vocab {min_vocab}")
    if not 0.0 <= max_alpha < 0.5:
        raise InvalidArgument(f"max_alpha={max_alpha!r} must be in [0, 0.5)")
    if max_held_out >= 1.0:
        raise InvalidArgument(f"max_held_out={max_held_out!r} must be < 1")
    if not 0.0 <= min_alpha <= max_alpha:
        raise InvalidArgument(f"need 0 <= min_alpha={min_alpha!r} <= max_alpha={max_alpha!r}")
    alphas = st.just(0.0)
    if min_alpha > 0:
        alphas = st.floats(max(min_alpha, 0.05), max_alpha)
    elif max_alpha >= 0.05:
        alphas = st.one_of(st.just(0.0), st.floats(0.05, max_alpha))

    @st.composite
    def build(draw: st.DrawFn) -> RecallTask:
        vocab = draw(st.integers(min_vocab, max_vocab))
        triggers = draw(st.integers(min_triggers, max_triggers))
        context = draw(st.integers(min_context, max_context))
        held = draw(st.floats(min_held_out, max_held_out)) if max_held_out > 0 else 0.0
        n_out = vocab - triggers
        if held > 0:  # keep both answer sets non-empty after rounding
            held = min(max(held, 1.0 / n_out), 1.0 - 1.0 / n_out)
        longer = (always_longer or draw(st.booleans())) if longer_test else False
        return RecallTask(
            vocab=vocab,
            triggers=triggers,
            context=context,
            alpha=draw(alphas),
            held_out=held,
            test_context=2 * context if longer else 0,
        )

    return build()


def recall_problems(
    *,
    attentions: tuple[str, ...] = ATTENTIONS,
    tasks: st.SearchStrategy[RecallTask] | None = None,
) -> st.SearchStrategy[RecallProblem]:
    """A recall task (default ``recall_tasks()``) with an attention kind from ``attentions``.

    Shrinks as the task strategy does, and towards the first attention kind listed.
    """
    if not attentions or any(a not in ATTENTIONS for a in attentions):
        raise InvalidArgument(f"attentions={attentions!r} must be a non-empty subset of {ATTENTIONS}")
    return st.builds(
        lambda task, attention: RecallProblem(task=task, attention=attention),
        tasks if tasks is not None else recall_tasks(),
        st.sampled_from(attentions),
    )
