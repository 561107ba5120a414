"""k-parity with a chain of thought built as a binary tree of 2-parities (Kim & Suzuki 2024, Sec. 2).

Inputs ``x in {-1, +1}^d`` are uniform; the label is the product of the
``k`` bits in a secret set ``S`` (``k`` a power of two). The chain of thought
writes ``k - 1`` further tokens ``x_d .. x_{d+k-2}`` (0-based positions): each
is the product of two earlier tokens, its *children*, level by level, so the
first ``k/2`` multiply pairs of secret bits, the next ``k/4`` pairs of those,
and the last token is the k-parity itself. The paper's Fig. 1 draws this
tree for ``k = 8``, ``d = 16``.

Everything here is plain integers and numpy arrays; models live in
``models/`` and never import this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

__all__ = ["ParityTask", "parity_tasks", "tree_children"]


def tree_children(
    d: int, leaves: tuple[int, ...], pairings: tuple[tuple[int, ...], ...]
) -> tuple[tuple[int, int], ...]:
    """Children of each CoT position for a balanced binary tree over ``leaves``.

    ``pairings[l]`` is an ordering of the nodes of level ``l`` (level 0: the
    leaves, as input positions); consecutive nodes of that ordering are paired
    and each pair becomes the next CoT position, in order.
    """
    nodes = list(leaves)
    children: list[tuple[int, int]] = []
    position = d
    for order in pairings:
        if sorted(order) != list(range(len(nodes))):
            raise ValueError(f"pairing {order!r} is not a permutation of the {len(nodes)} nodes of its level")
        ordered = [nodes[i] for i in order]
        nodes = []
        for a, b in zip(ordered[::2], ordered[1::2], strict=True):
            children.append((a, b))
            nodes.append(position)
            position += 1
    if len(nodes) != 1:
        raise ValueError(f"pairings leave {len(nodes)} roots; need one per level down to a single root")
    return tuple(children)


@dataclass(frozen=True, kw_only=True)
class ParityTask:
    """A k-parity on ``d`` bits with its CoT tree.

    ``leaves`` are the secret bits (0-based input positions) in the order the
    tree pairs them at level 1; ``pairings[l]`` orders the level-``l`` nodes
    before consecutive ones are paired (``pairings[0]`` orders the leaves and
    is the identity when ``leaves`` already gives the order).
    """

    d: int
    leaves: tuple[int, ...]
    pairings: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        k = len(self.leaves)
        if k < 2 or k & (k - 1):
            raise ValueError(f"k = {k} must be a power of two >= 2")
        if len(set(self.leaves)) != k or not all(0 <= i < self.d for i in self.leaves):
            raise ValueError(f"leaves {self.leaves!r} must be {k} distinct positions in [0, {self.d})")
        if len(self.pairings) != k.bit_length() - 1:
            raise ValueError(f"need log2(k) = {k.bit_length() - 1} pairings, got {len(self.pairings)}")
        tree_children(self.d, self.leaves, self.pairings)  # validates the pairings

    @property
    def k(self) -> int:
        """Number of secret bits."""
        return len(self.leaves)

    @property
    def secret(self) -> tuple[int, ...]:
        """The secret set S, sorted."""
        return tuple(sorted(self.leaves))

    @property
    def length(self) -> int:
        """Sequence length ``T = d + k - 1`` (inputs, then the CoT tokens)."""
        return self.d + self.k - 1

    @property
    def children(self) -> tuple[tuple[int, int], ...]:
        """``children[i]``: the two positions multiplied at CoT position ``d + i``."""
        return tree_children(self.d, self.leaves, self.pairings)

    @property
    def levels(self) -> tuple[int, ...]:
        """Tree level (1 = pairs of inputs, log2 k = the root) of each CoT position."""
        out: list[int] = []
        for level, order in enumerate(self.pairings, start=1):
            out.extend([level] * (len(order) // 2))
        return tuple(out)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` uniform inputs with their CoT tokens: ``(n, T)`` of +-1 floats; the last column is y."""
        seq = np.empty((n, self.length))
        seq[:, : self.d] = rng.choice(np.array([-1.0, 1.0]), size=(n, self.d))
        for i, (a, b) in enumerate(self.children):
            seq[:, self.d + i] = seq[:, a] * seq[:, b]
        return seq

    def labels(self, x: np.ndarray) -> np.ndarray:
        """The k-parity ``prod_{i in S} x_i`` of inputs ``x (n, >= d)``."""
        return np.prod(x[:, list(self.leaves)], axis=1)


def parity_tasks(
    *, min_d: int = 8, max_d: int = 32, ks: tuple[int, ...] = (2, 4, 8)
) -> st.SearchStrategy[ParityTask]:
    """k-parities with ``d`` in ``[min_d, max_d]``, ``k`` from ``ks`` with ``2 k <= d``, and a random tree.

    The secret set is the head of a permutation of the input positions (its
    order is the level-1 pairing), each higher level is paired by its own
    permutation. Shrinks towards ``d = min_d``, the first ``k`` of ``ks``, the
    secret ``{0, .., k-1}`` and adjacent pairs at every level.
    """
    if not isinstance(min_d, int) or min_d < 4:
        raise InvalidArgument(f"min_d={min_d!r} must be an int >= 4")
    if not isinstance(max_d, int) or max_d < min_d:
        raise InvalidArgument(f"max_d={max_d!r} must be an int >= min_d={min_d}")
    if not ks or any(not isinstance(k, int) or k < 2 or k & (k - 1) for k in ks):
        raise InvalidArgument(f"ks={ks!r} must be powers of two >= 2")
    if 2 * min(ks) > max_d:
        raise InvalidArgument(f"no k in {ks} satisfies 2 k <= max_d={max_d}")

    @st.composite
    def build(draw: st.DrawFn) -> ParityTask:
        k = draw(st.sampled_from([k for k in ks if 2 * k <= max_d]))
        d = draw(st.integers(max(min_d, 2 * k), max_d))
        leaves = tuple(draw(st.permutations(range(d)))[:k])
        pairings = [tuple(range(k))]
        nodes = k // 2
        while nodes > 1:
            pairings.append(tuple(draw(st.permutations(range(nodes)))))
            nodes //= 2
        return ParityTask(d=d, leaves=leaves, pairings=tuple(pairings))

    return build()
