"""A small classifier and the OOD scores compared by the dimensionality-aware projection method.

Uematsu et al. (2024) score an input by how much of a layer's input feature h
lies in the dominant subspace of that layer's weight W: with the singular
values s_1 >= s_2 >= ... of W and the dimensionality-aware rank
``k = #{i : s_i > ratio * s_1}`` (their code scans ratio; the top k right
singular vectors V_k span the directions the layer passes on),

    score(h) = ||V_k h||^2 / ||h||^2,

high for inputs aligned with the weights (ID), low for inputs whose content
the layer discards (:func:`dominant_subspace`, :func:`projection_ratio`).
:func:`effective_rank` is a continuous count of a weight's dimensions.
Baselines evaluated on the same network: maximum softmax probability
(:func:`max_softmax`) and the class-conditional Mahalanobis distance with a
tied covariance (:func:`mahalanobis_scores`). :func:`auroc` is the
Mann-Whitney statistic (ID as positives, higher score = more ID).

The classifier (:class:`TwoLayerNet`, :func:`train_classifier`) is a
one-hidden-layer ReLU network trained full batch by SGD with momentum and
weight decay (coupled L2, as in the authors' training script).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy.stats import rankdata
from torch import nn


class TwoLayerNet(nn.Module):
    """``x -> W2 relu(W1 x + b1) + b2``."""

    def __init__(self, inputs: int, width: int, classes: int) -> None:
        super().__init__()
        self.first = nn.Linear(inputs, width)
        self.second = nn.Linear(width, classes)

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.first(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.second(self.hidden(x))


@dataclass(frozen=True)
class Trained:
    """A trained (or untrained) classifier and its final full-batch training accuracy and loss."""

    net: TwoLayerNet
    accuracy: float
    loss: float

    def weights(self, layer: int) -> np.ndarray:
        """The weight matrix of layer 1 (inputs -> hidden) or 2 (hidden -> logits) as numpy."""
        lin = self.net.first if layer == 1 else self.net.second
        return np.asarray(lin.weight.detach().numpy(), dtype=float)

    def features(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Hidden features and logits of a batch of inputs."""
        with torch.no_grad():
            t = torch.as_tensor(x, dtype=torch.float32)
            h = self.net.hidden(t)
            return h.numpy().astype(float), self.net.second(h).numpy().astype(float)


def train_classifier(
    x: np.ndarray,
    y: np.ndarray,
    *,
    classes: int,
    width: int,
    steps: int,
    lr: float,
    weight_decay: float,
    momentum: float = 0.9,
    seed: int = 0,
) -> Trained:
    """Full-batch SGD (momentum, coupled weight decay) on the cross-entropy; steps = 0: untrained."""
    gen = torch.Generator().manual_seed(seed)
    net = TwoLayerNet(x.shape[1], width, classes)
    with torch.no_grad():  # PyTorch's default init, drawn from our generator
        for lin in (net.first, net.second):
            bound = 1.0 / float(np.sqrt(lin.in_features))
            lin.weight.uniform_(-bound, bound, generator=gen)
            lin.bias.uniform_(-bound, bound, generator=gen)
    xt = torch.as_tensor(x, dtype=torch.float32)
    yt = torch.as_tensor(y, dtype=torch.long)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    for _ in range(steps):
        loss = nn.functional.cross_entropy(net(xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        logits = net(xt)
        final = float(nn.functional.cross_entropy(logits, yt))
        accuracy = float((logits.argmax(1) == yt).float().mean())
    return Trained(net, accuracy, final)


def dominant_subspace(weight: np.ndarray, ratio: float) -> np.ndarray:
    """Rows: the right singular vectors of ``weight`` with singular value > ``ratio * s_1`` (k x in)."""
    if not 0.0 < ratio < 1.0:
        raise ValueError(f"ratio={ratio!r} must be in (0, 1)")
    _, s, vt = np.linalg.svd(weight, full_matrices=False)
    k = max(1, int(np.sum(s > ratio * s[0])))
    return np.asarray(vt[:k], dtype=float)


def effective_rank(weight: np.ndarray) -> float:
    """Participation ratio of the squared singular values, ``(sum s_i^2)^2 / sum s_i^4``.

    A continuous effective rank: m for m equal singular values, 1 for rank one,
    and invariant to the scale of the weight (a uniform shrink, such as weight
    decay alone, leaves it unchanged).
    """
    energy = np.linalg.svd(np.asarray(weight, dtype=float), compute_uv=False) ** 2
    total = float(np.sum(energy))
    if total <= 0.0:
        raise ValueError("the weight is zero: its effective rank is undefined")
    return total**2 / float(np.sum(energy**2))


def random_subspace(dim: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """k orthonormal rows spanning a Haar-random k-dimensional subspace of R^dim."""
    q, _ = np.linalg.qr(rng.standard_normal((dim, k)))
    return np.asarray(q.T, dtype=float)


def projection_ratio(h: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """``||basis h||^2 / ||h||^2`` row-wise (the fraction of each input's energy the subspace keeps)."""
    kept = np.sum((h @ basis.T) ** 2, axis=1)
    total = np.sum(h * h, axis=1)
    return np.asarray(kept / np.maximum(total, 1e-300), dtype=float)


def auroc(inliers: np.ndarray, outliers: np.ndarray) -> float:
    """P(score of an inlier > score of an outlier) + P(tie) / 2 (Mann-Whitney, ID = positives)."""
    a, b = np.asarray(inliers, dtype=float), np.asarray(outliers, dtype=float)
    ranks = rankdata(np.concatenate([a, b]))
    n1, n0 = len(a), len(b)
    return float((np.sum(ranks[:n1]) - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def max_softmax(logits: np.ndarray) -> np.ndarray:
    """The largest softmax probability of each row (Hendrycks and Gimpel's baseline)."""
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    return np.asarray(p.max(axis=1) / p.sum(axis=1), dtype=float)


def mahalanobis_scores(
    train: np.ndarray, labels: np.ndarray, feats: np.ndarray, classes: int, ridge: float = 1e-6
) -> np.ndarray:
    """Minus the smallest class-conditional Mahalanobis distance (tied covariance fitted on ``train``)."""
    means = np.stack([train[labels == c].mean(axis=0) for c in range(classes)])
    centred = train - means[labels]
    cov = centred.T @ centred / len(train)
    prec = np.linalg.pinv(cov + ridge * np.trace(cov) / len(cov) * np.eye(len(cov)))
    dist = np.stack([np.sum(((feats - m) @ prec) * (feats - m), axis=1) for m in means], axis=1)
    return np.asarray(-dist.min(axis=1), dtype=float)
