"""Patch-wise ReLU encoders trained by GD on the InfoMax contrastive loss of Huang et al. (2024).

The encoder of a modality maps ``x = [x1, x2]`` (signal patch, noise patch)
to ``h(x)_r = ReLU(<w_r, x1>) + ReLU(<w_r, x2>)``, ``r = 1..m``, with
``w_r(0) ~ N(0, sigma_0^2 I_d)``. The similarity is patch-wise with a
stop-gradient on the partner (eq. 4 of the paper):
``Sim(x, x') = (1/m) sum_r h_r(x1) sg(h_r(x1')) + (1/m) sum_r h_r(x2) sg(h_r(x2'))``,
and the loss is InfoNCE with temperature ``tau``, the positive partner
against the negatives of the other label (eq. 6; eq. 9 for two modalities,
symmetrised, each encoder updated through its own term):

* single-modal: ``x_i`` against its augmentation ``[y_i mu, xi_i + eps_i]``
  (positive) and ``x_j``, ``y_j != y_i`` (negatives);
* multi-modal: ``x_i`` against its partner ``x~_i = [y_i mu~, xi~_i]`` (positive)
  and ``x~_j``, ``y_j != y_i``; and ``x~_i`` against ``x_i``, ``x_j``.

Runs are simulated exactly in the span the weights live in (see
``tasks.multimodal_contrastive``): the state of an encoder is its initial
inner products with every vector of its modality and its coefficients on
``[mu, xi_1..xi_n]``; a GD step on ``w_r`` moves the coefficient of ``v`` by
``-eta dL/d<w_r, v>``. ``full_space_single_modal`` runs the same GD on
explicit vectors in R^d (the reference the unit tests compare with).
The paper's decomposition ``w_r = w_r(0) + gamma_r mu / ||mu||^2 +
sum_i rho_ri xi_i / ||xi_i||^2`` gives signal learning ``gamma`` and noise
memorisation ``rho``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from models.group_attention import fit_logistic, logistic_error


@dataclass(frozen=True, kw_only=True)
class ContrastiveConfig:
    """GD on the InfoMax loss: ``neurons`` m, initial scale sigma_0, temperature tau, step eta, steps."""

    neurons: int = 50
    init_scale: float = 1e-3
    temperature: float = 1.0
    lr: float = 1.0
    steps: int = 400


@dataclass
class Encoder:
    """One modality's encoder in the span of its data. ``gram`` is the Gram matrix of the modality's
    vectors in the order ``[mu, xi_1..xi_n, eps_1..eps_n, zeta_1..zeta_t]``; ``initial (m, K)`` the
    initial weights' inner products with them; ``coefficients (m, n+1)`` the weights' moves along
    ``[mu, xi_1..xi_n]`` (zero at the start)."""

    gram: torch.Tensor
    samples: int
    initial: torch.Tensor
    coefficients: torch.Tensor = field(init=False)

    def __post_init__(self) -> None:
        self.coefficients = torch.zeros(self.initial.shape[0], self.samples + 1, dtype=torch.float64)

    @property
    def augmentation_columns(self) -> slice:
        return slice(1 + self.samples, 1 + 2 * self.samples)

    @property
    def test_columns(self) -> slice:
        return slice(1 + 2 * self.samples, self.gram.shape[1])

    def products(self, columns: slice) -> torch.Tensor:
        """``<w_r, v>`` for the vectors ``v`` of ``columns``: ``(m, len)``."""
        return self.initial[:, columns] + self.coefficients @ self.gram[: self.samples + 1, columns]

    def signal_learning(self) -> torch.Tensor:
        """``gamma_r = alpha_r ||mu||^2``: ``(m,)``."""
        return self.coefficients[:, 0] * self.gram[0, 0]

    def noise_memorisation(self) -> torch.Tensor:
        """``rho_ri = beta_ri ||xi_i||^2``: ``(m, n)``."""
        return self.coefficients[:, 1:] * self.gram.diagonal()[1 : self.samples + 1]

    def features(self, labels: torch.Tensor, kappa: float, columns: slice) -> torch.Tensor:
        """Embeddings ``(t, m)`` of ``[y kappa mu, zeta]`` for the noise vectors ``zeta`` of ``columns``."""
        mu = self.products(slice(0, 1))[:, 0]  # (m,)
        return torch.relu(labels[:, None] * kappa * mu[None, :]) + torch.relu(self.products(columns).T)


def _patch_features(
    encoder: Encoder, labels: torch.Tensor, products: torch.Tensor
) -> tuple[torch.Tensor, ...]:
    """Signal-patch and noise-patch activations ``(n, m)`` from ``products (m, n+1)`` = <w, [mu, xi]>."""
    signal = torch.relu(labels[:, None] * products[:, 0][None, :])
    return signal, torch.relu(products[:, 1:].T)


def _info_nce(positive: torch.Tensor, negative: torch.Tensor, mask: torch.Tensor, tau: float) -> torch.Tensor:
    """``mean_i -log(e^{pos_i/tau} / (e^{pos_i/tau} + sum_{j in mask_i} e^{neg_ij/tau}))``."""
    logits = torch.where(mask, negative / tau, torch.full_like(negative, -torch.inf))
    all_logits = torch.cat([positive[:, None] / tau, logits], dim=1)
    return (torch.logsumexp(all_logits, dim=1) - positive / tau).mean()


@dataclass
class Run:
    """A training run's record: losses per step and the encoders at the end."""

    encoders: tuple[Encoder, ...]
    losses: list[float] = field(default_factory=list)


def _leaf(encoder: Encoder) -> torch.Tensor:
    return encoder.products(slice(0, encoder.samples + 1)).detach().requires_grad_(True)


def train_single_modal(
    encoder: Encoder,
    labels: torch.Tensor,
    config: ContrastiveConfig,
    *,
    keep_noise: bool = True,
    stop: Callable[[Encoder], bool] | None = None,
) -> Run:
    """GD on the single-modal loss. The positive is the augmentation ``[y mu, xi + eps]`` (the paper's:
    it keeps the noise patch); with ``keep_noise=False`` it is ``[y mu, eps]``, a noise patch drawn
    afresh (a control). Training stops early once ``stop(encoder)`` is true (checked every step)."""
    mask = labels[:, None] != labels[None, :]
    m, tau = config.neurons, config.temperature
    run = Run((encoder,))
    for _ in range(config.steps):
        if stop is not None and stop(encoder):
            break
        products = _leaf(encoder)  # (m, n+1), <w, [mu, xi]>
        with torch.no_grad():
            fresh = encoder.products(encoder.augmentation_columns)
            augmented = torch.relu((products[:, 1:] + fresh if keep_noise else fresh).T)
        signal, noise = _patch_features(encoder, labels, products)
        s_d, n_d = signal.detach(), noise.detach()
        positive = ((signal * s_d).sum(1) + (noise * augmented).sum(1)) / m
        negative = (signal @ s_d.T + noise @ n_d.T) / m
        loss = _info_nce(positive, negative, mask, tau)
        loss.backward()
        assert products.grad is not None
        encoder.coefficients -= config.lr * products.grad
        run.losses.append(float(loss.detach()))
    return run


def train_multi_modal(
    h: Encoder,
    g: Encoder,
    labels: torch.Tensor,
    config: ContrastiveConfig,
    *,
    partner_labels: torch.Tensor | None = None,
    stop: Callable[[Encoder, Encoder], bool] | None = None,
) -> Run:
    """GD on the symmetrised two-modality loss. ``partner_labels`` (default ``labels``) are the labels
    the second modality's examples carry (a shuffled pairing is a control). Training stops early once
    ``stop(h, g)`` is true."""
    other = labels if partner_labels is None else partner_labels
    mask_h = labels[:, None] != labels[None, :]  # negatives by the anchor's label, as in eq. (9)
    mask_g = other[:, None] != other[None, :]
    m, tau = config.neurons, config.temperature
    run = Run((h, g))
    for _ in range(config.steps):
        if stop is not None and stop(h, g):
            break
        ph, pg = _leaf(h), _leaf(g)
        h1, h2 = _patch_features(h, labels, ph)
        g1, g2 = _patch_features(g, other, pg)
        pos_h = ((h1 * g1.detach()).sum(1) + (h2 * g2.detach()).sum(1)) / m
        neg_h = (h1 @ g1.detach().T + h2 @ g2.detach().T) / m
        pos_g = ((g1 * h1.detach()).sum(1) + (g2 * h2.detach()).sum(1)) / m
        neg_g = (g1 @ h1.detach().T + g2 @ h2.detach().T) / m
        loss = _info_nce(pos_h, neg_h, mask_h, tau) + _info_nce(pos_g, neg_g, mask_g, tau)
        loss.backward()
        assert ph.grad is not None and pg.grad is not None
        h.coefficients -= config.lr * ph.grad
        g.coefficients -= config.lr * pg.grad
        run.losses.append(float(loss.detach()))
    return run


def downstream_accuracy(encoder: Encoder, labels: torch.Tensor, kappa: float, *, l2: float = 1e-3) -> float:
    """Linear probe (L2 logistic regression on standardised embeddings) fitted on the first half of the
    modality's downstream samples, accuracy on the second half. ``labels`` has one entry per sample."""
    features = encoder.features(labels, kappa, encoder.test_columns)
    half = features.shape[0] // 2
    mean, scale = features[:half].mean(0), features[:half].std(0).clamp(min=1e-12)
    z = (features - mean) / scale
    w, b = fit_logistic(z[:half], labels[:half], l2=l2)
    return 1.0 - logistic_error(w, b, z[half:], labels[half:])


def full_space_single_modal(
    mu: torch.Tensor,
    xi: torch.Tensor,
    eps: torch.Tensor,
    labels: torch.Tensor,
    w0: torch.Tensor,
    config: ContrastiveConfig,
) -> torch.Tensor:
    """Reference: the same single-modal GD on explicit weights ``w0 (m, d)``; returns the final weights."""
    w = w0.clone()
    mask = labels[:, None] != labels[None, :]
    m, tau = config.neurons, config.temperature
    for _ in range(config.steps):
        w.requires_grad_(True)
        signal = torch.relu(labels[:, None] * (w @ mu)[None, :])
        noise = torch.relu(xi @ w.T)
        augmented = torch.relu((xi + eps) @ w.T).detach()
        s_d, n_d = signal.detach(), noise.detach()
        positive = ((signal * s_d).sum(1) + (noise * augmented).sum(1)) / m
        negative = (signal @ s_d.T + noise @ n_d.T) / m
        loss = _info_nce(positive, negative, mask, tau)
        (grad,) = torch.autograd.grad(loss, w)
        w = (w - config.lr * grad).detach()
    return w


# Batched seeds: S runs of one shape (same n, m, K and config) as one stacked run. Each run's GD is its
# own: the loss stepped is the sum of the runs' losses, and a run that has stopped is frozen (masked).


CROSS_CLASS_FROM = 128  # n from which the cross-class negatives' gathers pay (measured: slower at n = 75)


def _stacked(encoders: Sequence[Encoder]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Stacked ``(S, n+1, K)`` Gram rows of ``[mu, xi]``, ``(S, m, K)`` initial products and ``(S, m, n+1)``
    coefficients; each encoder's ``coefficients`` becomes a view of the stacked tensor (so the runs'
    per-seed statistics read the stacked state without copies)."""
    rows = encoders[0].samples + 1
    gram = torch.stack([e.gram[:rows] for e in encoders])
    initial = torch.stack([e.initial for e in encoders])
    coefficients = torch.stack([e.coefficients for e in encoders])
    for s, encoder in enumerate(encoders):
        encoder.coefficients = coefficients[s]
    return gram, initial, coefficients


def _stacked_products(
    gram: torch.Tensor, initial: torch.Tensor, coefficients: torch.Tensor, columns: slice
) -> torch.Tensor:
    """``<w_r, v>`` for the columns' vectors, per run: ``(S, m, len)``."""
    return initial[:, :, columns] + coefficients @ gram[:, :, columns]


def _stacked_patch_features(labels: torch.Tensor, products: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """``_patch_features`` per run: ``(S, n, m)`` each from ``labels (S, n)`` and ``products (S, m, n+1)``."""
    signal = torch.relu(labels[:, :, None] * products[:, :, 0][:, None, :])
    return signal, torch.relu(products[:, :, 1:].transpose(1, 2))


def _stacked_info_nce(
    positive: torch.Tensor, negative: torch.Tensor, mask: torch.Tensor, tau: float
) -> torch.Tensor:
    """``_info_nce`` per run: ``(S,)`` from ``positive (S, n)``, ``negative``/``mask (S, n, n)``."""
    logits = torch.where(mask, negative / tau, torch.full_like(negative, -torch.inf))
    all_logits = torch.cat([positive[:, :, None] / tau, logits], dim=2)
    return (torch.logsumexp(all_logits, dim=2) - positive / tau).mean(dim=1)


def _classes(labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per run, the indices ``(S, a)`` of the samples labelled -1 and ``(S, b)`` of those labelled +1
    (every run of a batch has the same counts: balanced labels)."""
    order = torch.argsort(labels, dim=1, stable=True)
    counts = (labels < 0).sum(dim=1)
    if not bool((counts == counts[0]).all()):
        raise ValueError("the runs of a batch must have the same number of samples of each label")
    a = int(counts[0])
    return order[:, :a], order[:, a:]


def _rows(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """Rows ``index (S, k)`` of ``x (S, n, m)``: ``(S, k, m)``."""
    return x.gather(1, index[:, :, None].expand(-1, -1, x.shape[2]))


def _cross_class_info_nce(
    positive: torch.Tensor,
    anchor: torch.Tensor,
    partner: torch.Tensor,
    classes: tuple[torch.Tensor, torch.Tensor],
    m: int,
    tau: float,
) -> torch.Tensor:
    """``_info_nce`` per run, ``(S,)``, with the negatives of eq. (6): anchor i against the partners of the
    other label only. ``negative_ij = <anchor_i, partner_j> / m`` is computed on those pairs alone (the
    masked-out pairs contribute exp(-inf) = 0 to the unbatched loss), at half the cost of the full
    ``(n, n)`` matrix."""
    total = torch.zeros(positive.shape[0], dtype=positive.dtype)
    for own, other in (classes, classes[::-1]):
        negative = _rows(anchor, own) @ _rows(partner, other).transpose(1, 2) / m
        pos = positive.gather(1, own)
        all_logits = torch.cat([pos[:, :, None] / tau, negative / tau], dim=2)
        total = total + (torch.logsumexp(all_logits, dim=2) - pos / tau).sum(dim=1)
    return total / positive.shape[1]


def _still_running(
    active: list[bool],
    encoders: Sequence[Encoder],
    stop: Callable[[Sequence[Encoder]], Sequence[bool]] | None,
) -> list[bool]:
    """The runs that take the next step: those not yet stopped whose ``stop`` is still false."""
    if stop is None:
        return active
    return [a and not bool(done) for a, done in zip(active, stop(encoders), strict=True)]


def _step(coefficients: torch.Tensor, grad: torch.Tensor, lr: float, active: list[bool]) -> None:
    """GD on the running runs only (a stopped run keeps its coefficients)."""
    with torch.no_grad():
        if all(active):
            coefficients -= lr * grad
        else:
            index = torch.tensor([s for s, a in enumerate(active) if a])
            coefficients[index] -= lr * grad[index]


def train_single_modal_batched(
    encoders: Sequence[Encoder],
    labels: torch.Tensor,
    config: ContrastiveConfig,
    *,
    keep_noise: bool = True,
    stop: Callable[[Sequence[Encoder]], Sequence[bool]] | None = None,
) -> list[Run]:
    """:func:`train_single_modal` for S encoders of one shape (``labels (S, n)``), stepped as one stacked
    run. ``stop(encoders)`` says which runs are done (one bool per run, checked every step, as the
    unbatched ``stop`` on each); a done run is frozen. One :class:`Run` per encoder, as the unbatched
    runs."""
    n = encoders[0].samples
    gram, initial, coefficients = _stacked(encoders)
    classes = _classes(labels)
    mask = labels[:, :, None] != labels[:, None, :]
    cross = n >= CROSS_CLASS_FROM
    m, tau = config.neurons, config.temperature
    runs = [Run((e,)) for e in encoders]
    active = [True] * len(encoders)
    train, augmentation = slice(0, n + 1), slice(n + 1, 2 * n + 1)
    for _ in range(config.steps):
        active = _still_running(active, encoders, stop)
        if not any(active):
            break
        products = _stacked_products(gram, initial, coefficients, train).detach().requires_grad_(True)
        with torch.no_grad():
            fresh = _stacked_products(gram, initial, coefficients, augmentation)
            augmented = torch.relu((products[:, :, 1:] + fresh if keep_noise else fresh).transpose(1, 2))
        signal, noise = _stacked_patch_features(labels, products)
        s_d, n_d = signal.detach(), noise.detach()
        positive = ((signal * s_d).sum(2) + (noise * augmented).sum(2)) / m
        # The signal patches' part of the negatives, <signal_i, s_d_j>, is left out: a negative j has the
        # other label, and relu(y a) relu(-y a) = 0, so that part is exactly 0 (value and gradient) on
        # every pair the unbatched mask keeps; the noise part is the whole negative logit there.
        if cross:
            losses = _cross_class_info_nce(positive, noise, n_d, classes, m, tau)
        else:
            losses = _stacked_info_nce(positive, noise @ n_d.transpose(1, 2) / m, mask, tau)
        losses.sum().backward()
        assert products.grad is not None
        _step(coefficients, products.grad, config.lr, active)
        for run, loss, a in zip(runs, losses.detach().tolist(), active, strict=True):
            if a:
                run.losses.append(loss)
    return runs


def train_multi_modal_batched(
    hs: Sequence[Encoder],
    gs: Sequence[Encoder],
    labels: torch.Tensor,
    config: ContrastiveConfig,
    *,
    partner_labels: torch.Tensor | None = None,
) -> list[Run]:
    """:func:`train_multi_modal` for S pairs of encoders of one shape (``labels``, ``partner_labels``
    ``(S, n)``), stepped as one stacked run. One :class:`Run` per pair."""
    n = hs[0].samples
    other = labels if partner_labels is None else partner_labels
    mask_h = labels[:, :, None] != labels[:, None, :]  # negatives by the anchor's label, as in eq. (9)
    mask_g = other[:, :, None] != other[:, None, :]
    m, tau = config.neurons, config.temperature
    gram_h, initial_h, coef_h = _stacked(hs)
    gram_g, initial_g, coef_g = _stacked(gs)
    runs = [Run((h, g)) for h, g in zip(hs, gs, strict=True)]
    train = slice(0, n + 1)
    for _ in range(config.steps):
        ph = _stacked_products(gram_h, initial_h, coef_h, train).detach().requires_grad_(True)
        pg = _stacked_products(gram_g, initial_g, coef_g, train).detach().requires_grad_(True)
        h1, h2 = _stacked_patch_features(labels, ph)
        g1, g2 = _stacked_patch_features(other, pg)
        h1_d, h2_d, g1_d, g2_d = h1.detach(), h2.detach(), g1.detach(), g2.detach()
        pos_h = ((h1 * g1_d).sum(2) + (h2 * g2_d).sum(2)) / m
        neg_h = (h1 @ g1_d.transpose(1, 2) + h2 @ g2_d.transpose(1, 2)) / m
        pos_g = ((g1 * h1_d).sum(2) + (g2 * h2_d).sum(2)) / m
        neg_g = (g1 @ h1_d.transpose(1, 2) + g2 @ h2_d.transpose(1, 2)) / m
        losses = _stacked_info_nce(pos_h, neg_h, mask_h, tau) + _stacked_info_nce(pos_g, neg_g, mask_g, tau)
        losses.sum().backward()
        assert ph.grad is not None and pg.grad is not None
        with torch.no_grad():
            coef_h -= config.lr * ph.grad
            coef_g -= config.lr * pg.grad
        for run, loss in zip(runs, losses.detach().tolist(), strict=True):
            run.losses.append(loss)
    return runs
