"""Arjevani, Bruna, Kileel, Polak, Trager (2025): geometry and optimization of shallow polynomial networks.

Claims: the function space of width-r degree-d networks on n inputs has the
Alexander-Hirschowitz dimension (``function_space_dimension``); for quadratic
networks with Gaussian inputs the critical points are shifted eigen-truncations
of the teacher (``quadratic_critical_points``) with the Hessian signatures of
an Eckart-Young-type rule (``quadratic_hessian_signatures``), and gradient
descent ends at one of the predicted minima, spurious ones included
(``gradient_descent_limits``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="arjevani2025",
    title="Geometry and Optimization of Shallow Polynomial Networks",
    authors=("Yossi Arjevani", "Joan Bruna", "Joe Kileel", "Elzbieta Polak", "Matthew Trager"),
    year=2025,
    arxiv="2501.06074",
    venue="arXiv preprint",
)
