"""Unit tests of tasks.single_index: certified generative exponents, binary and noisy links, strategies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.hermite import GAUSS_GRID, normalised_hermite
from tasks.single_index import (
    BinaryLink,
    HermitePolynomialLink,
    LinkPanel,
    NoisyEvenLink,
    _balanced_partner,
    binary_links,
    certify_generative_exponent,
    hermite_polynomial_links,
    noisy_even_links,
    planted_direction,
    planted_inputs,
    polynomial_link_panels,
)


def test_he4_has_information_exponent_4_and_kstar_2() -> None:
    link = HermitePolynomialLink(coefficients=(0, 0, 0, 0, 1))
    assert link.information_exponent == 4 and link.even
    cert = certify_generative_exponent(link)
    assert (cert.kstar, cert.power, cert.moment) == (2, 2, 192)


def test_odd_he3_has_kstar_1() -> None:
    cert = certify_generative_exponent(HermitePolynomialLink(coefficients=(0, 0, 0, 1)))
    assert cert.kstar == 1 and cert.power % 2 == 1  # E[He_3^m z] vanishes for even m by symmetry


def test_linear_link_is_certified_by_itself() -> None:
    cert = certify_generative_exponent(HermitePolynomialLink(coefficients=(0, 2)))
    assert (cert.kstar, cert.power, cert.moment) == (1, 1, 2)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
def test_kstar4_binary_link_kills_h2(threshold: float) -> None:
    link = BinaryLink(kstar=4, threshold=threshold, flip=0.05)
    assert abs(link.hermite(2)) < 1e-12 and abs(link.hermite(4)) > 0.05
    assert link.generative_exponent == 4
    up, down = link.zeta(4)
    p = link.prob_positive()
    assert p * up + (1 - p) * down == pytest.approx(0.0, abs=1e-12)  # E[E[h_4 | y]] = E[h_4] = 0


def test_binary_link_closed_forms_match_monte_carlo() -> None:
    rng = np.random.default_rng(0)
    link = BinaryLink(kstar=2, threshold=0.8, flip=0.1)
    z = rng.standard_normal(400_000)
    y = link.sample(z, rng)
    assert link.generative_exponent == 2
    assert float(np.mean(link.clean(z) * normalised_hermite(2, z))) == pytest.approx(
        link.hermite(2), abs=0.01
    )
    assert float(np.mean(y > 0)) == pytest.approx(link.prob_positive(), abs=0.005)
    up, down = link.zeta(2)
    zeta = np.where(y > 0, up, down)
    assert float(np.mean(zeta * normalised_hermite(2, z))) == pytest.approx(link.lambda_squared(2), abs=0.01)


def test_noisy_even_link_transform_is_a_conditional_expectation() -> None:
    rng = np.random.default_rng(1)
    link = NoisyEvenLink(a4=0.8, sign6=-1, noise=0.2)
    assert link.information_exponent == 4
    z = rng.standard_normal(200_000)
    y = link.sample(z, rng)
    assert float(np.var(link.clean(z))) == pytest.approx(1.0, abs=0.05)
    assert abs(float(np.mean(y * normalised_hermite(2, z)))) < 0.06  # information exponent > 2 (heavy tails)
    zeta = link.conditional_hermite(2, y[:20000])
    h2 = normalised_hermite(2, z[:20000])
    # tower property: E[zeta h_2] = E[zeta^2] > 0 (k* = 2)
    assert float(np.mean(zeta * h2)) == pytest.approx(float(np.mean(zeta**2)), rel=0.1)
    assert float(np.mean(zeta**2)) > 0.05
    clipped = link.transform(2, rng)
    assert np.all(clipped(y) <= clipped.high) and float(np.mean(clipped(y[:20000]) * h2)) > 0.05


def test_balanced_partner_memo_is_the_root_search() -> None:
    """The memo returns what a fresh root search returns, bit for bit, and the labels follow it."""
    for t in (0.05, 0.3, 0.4567, 0.6, 0.95):
        assert _balanced_partner(t) == _balanced_partner(t) == _balanced_partner.__wrapped__(t)
    link = BinaryLink(kstar=4, threshold=0.4567, flip=0.07)
    t2 = _balanced_partner.__wrapped__(0.4567)
    z = np.random.default_rng(6).standard_normal(5000)
    az = np.abs(z)
    expected = np.where((az < 0.4567) | (az >= t2), 1.0, -1.0)
    assert np.array_equal(link.clean(z), expected)


def _conditional_hermite_before(link: NoisyEvenLink, k: int, y: np.ndarray) -> np.ndarray:
    """The oracle: ``conditional_hermite`` as it was before its reused buffer (512-label blocks)."""
    zg, wg = GAUSS_GRID
    fz, hz = link.clean(zg), normalised_hermite(k, zg)
    out = np.empty_like(y)
    for start in range(0, len(y), 512):
        chunk = y[start : start + 512, None]
        like = wg[None, :] * np.exp(-0.5 * ((chunk - fz[None, :]) / link.noise) ** 2)
        out[start : start + 512] = (like * hz).sum(1) / np.maximum(like.sum(1), 1e-300)
    return out


@pytest.mark.parametrize(
    ("a4", "sign6", "noise", "k"), [(0.8, -1, 0.2, 2), (0.6, 1, 0.05, 2), (1.0, 1, 0.3, 4)]
)
def test_conditional_hermite_is_the_unbuffered_expression_bit_for_bit(
    a4: float, sign6: int, noise: float, k: int
) -> None:
    link = NoisyEvenLink(a4=a4, sign6=sign6, noise=noise)
    rng = np.random.default_rng(4)
    for n in (1, 63, 64, 65, 1500):
        y = np.concatenate([np.linspace(-3.0, 40.0, n), link.sample(rng.standard_normal(n), rng)])
        assert np.array_equal(link.conditional_hermite(k, y), _conditional_hermite_before(link, k, y))
    transform = link.transform(k, np.random.default_rng(5))  # the table the experiments interpolate
    assert np.array_equal(transform.table, _conditional_hermite_before(link, k, transform.grid))


def test_planted_data_shapes() -> None:
    rng = np.random.default_rng(2)
    w = planted_direction(7, rng)
    x, z = planted_inputs(7, 11, w, rng)
    assert x.shape == (11, 7) and np.allclose(z, x @ w) and np.linalg.norm(w) == pytest.approx(1.0)


@settings(max_examples=30, deadline=None, database=None)
@given(hermite_polynomial_links(max_degree=5, min_exponent=2, max_exponent=4, max_coefficient=2))
def test_drawn_polynomials_respect_bounds(link: HermitePolynomialLink) -> None:
    assert 2 <= link.information_exponent <= 4 and link.degree <= 5
    assert all(abs(c) <= 2 for c in link.coefficients) and link.coefficients[0] == 0


@settings(max_examples=10, deadline=None, database=None)
@given(polynomial_link_panels(size=3, max_degree=4))
def test_panels_hold_links(panel: LinkPanel) -> None:
    assert len(panel.links) == 3


@settings(max_examples=20, deadline=None, database=None)
@given(binary_links(kstars=(4, 2), min_threshold=0.3, max_threshold=0.6, max_flip=0.1))
def test_drawn_binary_links_have_their_exponent(link: BinaryLink) -> None:
    assert link.generative_exponent == link.kstar and 0.0 <= link.flip <= 0.1


@settings(max_examples=20, deadline=None, database=None)
@given(noisy_even_links(min_a4=0.6, min_noise=0.05, max_noise=0.3))
def test_drawn_even_links_respect_bounds(link: NoisyEvenLink) -> None:
    assert 0.6 <= link.a4 <= 1.0 and 0.05 <= link.noise <= 0.3 and link.information_exponent == 4


def test_strategies_reject_bad_bounds() -> None:
    with pytest.raises(InvalidArgument):
        hermite_polynomial_links(max_degree=3, min_exponent=4)
    with pytest.raises(InvalidArgument):
        binary_links(kstars=(3,))
    with pytest.raises(InvalidArgument):
        noisy_even_links(min_noise=0.5, max_noise=0.1)
