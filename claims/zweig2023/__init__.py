"""Zweig, Bruna (2023): symmetric single index learning.

Claims: under the squared Vandermonde density (eigenvalues of Haar unitaries)
the holomorphic monomials of a power-sum projection are orthonormal, the
Gaussian-like basis the paper's analysis rests on, while the degree stays
within N (``powersum_monomials_orthonormal``); gradient ascent of the
correlation loss on the power-sum features recovers the planted direction up
to an s-th root of unity, s the information exponent (``recovery_up_to_root_of_unity``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="zweig2023",
    title="Symmetric Single Index Learning",
    authors=("Aaron Zweig", "Joan Bruna"),
    year=2023,
    arxiv="2310.02117",
    venue="ICLR 2024",
)
