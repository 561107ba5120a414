"""Markov chains drawn as successive ``torch.multinomial`` calls would draw them, in bulk.

``chain_states(p, start, steps, generator)`` returns, bit for bit, the states of
``steps`` calls ``torch.multinomial(p[state], 1, generator=generator)`` (each
on the previous call's output) and leaves ``generator`` in the state those
calls leave it in. It is about twice as fast on one CPU thread because
torch's one-sample path is sequential per call: for float64 rows it draws
``q ~ Exp(1)`` per entry, one ``random64`` of the generator's MT19937 each
(``u = (r & (2^53 - 1)) 2^-53``, ``q = -log1p(-u)``, a serial kernel), and
returns ``argmax(p / q)``. The ``q`` do not depend on the chain's states, so
all of them are drawn at once from a numpy ``MT19937`` holding the torch
generator's state (the same engine), and the chain only divides and takes
argmaxes.

numpy's vectorised ``log1p`` may differ from the C library's (which torch
calls) in the last bits, so a row's argmax is taken from the bulk ``q`` only
when its best ratio beats the second by a relative ``MARGIN`` (thousands of
times that difference); any other row is recomputed with ``math.log1p``, the
C library's function, as torch does. Whether this replica matches the
installed torch is checked once per process on a scratch generator; if it
does not (another torch's state layout or kernel), or the rows are not
float64 CPU tensors without grad, or the generator is not a CPU one, the
chain is drawn by ``torch.multinomial`` itself.
"""

from __future__ import annotations

import functools
import math
import struct

import numpy as np
import torch

__all__ = ["chain_states"]

MARGIN = 1e-12  # relative gap between the two best ratios above which the bulk q decide the argmax
_HEAD = struct.Struct("<QiiQ")  # torch's CPU generator state: seed, left, seeded, next, then 624 words
_WORDS, _STATE_BYTES = 624, 5056


def chain_states(
    p: torch.Tensor, start: torch.Tensor, steps: int, generator: torch.Generator
) -> torch.Tensor:
    """States ``(B, steps + 1)`` of chains from ``start (B,)`` under row-stochastic ``p (M, M)``.

    Column 0 is ``start``; column ``t + 1`` is ``torch.multinomial(p[column t], 1,
    generator=generator)[:, 0]``, and the generator ends where those calls leave it.
    """
    if p.ndim != 2 or p.shape[0] != p.shape[1] or start.ndim != 1 or steps < 0:
        raise ValueError(f"need p (M, M), start (B,) and steps >= 0, got {tuple(p.shape)}, "
                         f"{tuple(start.shape)}, {steps}")  # fmt: skip
    if not (torch.isfinite(p).all() and (p >= 0).all() and (p.sum(1) > 0).all()):
        raise ValueError("p must have finite, non-negative rows with a positive sum")
    replicable = p.dtype == torch.float64 and p.device.type == "cpu" and not p.requires_grad
    if not (replicable and generator.device.type == "cpu" and _replica_matches_torch()):
        return _torch_chain(p, start, steps, generator)
    return _bulk_chain(p, start, steps, generator)


def _torch_chain(
    p: torch.Tensor, start: torch.Tensor, steps: int, generator: torch.Generator
) -> torch.Tensor:
    states = [start]
    for _ in range(steps):
        states.append(torch.multinomial(p[states[-1]], 1, generator=generator)[:, 0])
    return torch.stack(states, dim=1)


def _bulk_chain(p: torch.Tensor, start: torch.Tensor, steps: int, generator: torch.Generator) -> torch.Tensor:
    rows = p.numpy()
    batch, m = len(start), rows.shape[1]
    if steps * batch == 0:  # nothing drawn: the generator stays exactly as it is
        return torch.from_numpy(start.numpy().astype(np.int64).reshape(batch, 1).repeat(steps + 1, axis=1))
    state_bytes, engine = _numpy_engine(generator)
    u = _uniforms(engine, steps * batch * m).reshape(steps, batch, m)
    _write_back(generator, state_bytes, engine)
    q = -np.log1p(-u)  # within a few ulp of torch's q (checked below through MARGIN)
    ratios = np.empty_like(u)
    out = np.empty((batch, steps + 1), dtype=np.int64)
    out[:, 0] = start.numpy()
    for t in range(steps):
        np.divide(rows[out[:, t]], q[t], out=ratios[t])
        out[:, t + 1] = ratios[t].argmax(axis=1)
    best = np.take_along_axis(ratios, out[:, 1:].T[:, :, None], axis=2)[:, :, 0]
    np.put_along_axis(ratios, out[:, 1:].T[:, :, None], -np.inf, axis=2)
    clear = np.isfinite(best) & (best > ratios.max(axis=2) * (1.0 + MARGIN))
    for t, i in zip(*np.nonzero(~clear), strict=True):  # near ties (rare): torch's own q for that row
        state = _exact_step(rows[out[i, t]], u[t, i])
        if state != out[i, t + 1]:  # the rest of that chain followed another state: redo it exactly
            out[i, t + 1] = state
            for later in range(t + 1, steps):
                out[i, later + 1] = _exact_step(rows[out[i, later]], u[later, i])
    return torch.from_numpy(out)


def _exact_step(row: np.ndarray, u: np.ndarray) -> int:
    """One draw as torch makes it: q = -log1p(-u) by the C library's log1p, then argmax(row / q)."""
    exact = np.array([-math.log1p(-x) for x in u])
    return int(torch.argmax(torch.from_numpy(row / exact)))


def _numpy_engine(generator: torch.Generator) -> tuple[bytes, np.random.MT19937]:
    """The torch generator's state bytes and a numpy MT19937 at the same point of the stream."""
    state_bytes = generator.get_state().numpy().tobytes()
    if len(state_bytes) != _STATE_BYTES:
        raise ValueError(f"unexpected torch generator state of {len(state_bytes)} bytes")
    _, left, _, _ = _HEAD.unpack_from(state_bytes, 0)
    key = np.frombuffer(state_bytes, dtype="<u8", count=_WORDS, offset=_HEAD.size).astype(np.uint32)
    engine = np.random.MT19937()
    # torch returns word ``next`` after ``left - 1`` more; numpy returns word ``pos`` (twisting at 624)
    engine.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _WORDS + 1 - left}}
    return state_bytes, engine


def _write_back(generator: torch.Generator, state_bytes: bytes, engine: np.random.MT19937) -> None:
    """Move ``generator`` to where ``engine`` is (the other fields of its state unchanged)."""
    state = engine.state["state"]
    pos = int(state["pos"])
    seed, _, seeded, _ = _HEAD.unpack_from(state_bytes, 0)
    out = bytearray(state_bytes)
    _HEAD.pack_into(out, 0, seed, _WORDS + 1 - pos, seeded, pos)
    out[_HEAD.size : _HEAD.size + 8 * _WORDS] = np.asarray(state["key"], dtype="<u8").tobytes()
    generator.set_state(torch.frombuffer(out, dtype=torch.uint8).clone())


def _uniforms(engine: np.random.MT19937, n: int) -> np.ndarray:
    """n uniforms as torch's float64 ``uniform_real_distribution``: the low 53 bits of ``random64``
    (two 32-bit words, the first the high one) times 2^-53."""
    words = engine.random_raw(2 * n)
    return (((words[0::2] & 0x1FFFFF) << 32) | words[1::2]).astype(np.float64) * 2.0**-53


@functools.cache
def _replica_matches_torch() -> bool:
    """Whether the bulk chain equals torch.multinomial's here (states and generator), checked once."""
    rng = np.random.default_rng(0)
    rows = rng.dirichlet(np.full(9, 0.5), size=9)
    p = torch.as_tensor(rows / rows.sum(axis=1, keepdims=True))
    ours, theirs = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    start = torch.randint(0, 9, (700,), generator=ours)
    torch.randint(0, 9, (700,), generator=theirs)
    try:
        same = torch.equal(_bulk_chain(p, start, 3, ours), _torch_chain(p, start, 3, theirs))
    except (ValueError, RuntimeError, KeyError):
        return False
    return same and torch.equal(ours.get_state(), theirs.get_state())
