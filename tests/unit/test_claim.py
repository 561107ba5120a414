"""Unit tests of the claim model's validation: each wrong declaration names its field."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import strategies as st

from theorycheck import Claim, ClaimDeclarationError, Measurement, Mutant, Paper, Rate, Threshold, reference

t, C = sp.symbols("t C", positive=True)
PAPER = Paper(
    key="test2024", title="A test paper", authors=("A. Author", "B. Author"), year=2024, arxiv="2401.00001"
)


def _experiment(instance, seed, tier):
    return Measurement.one(scalars={"acc": 1.0})


def _claim(**overrides):
    fields = {
        "paper": PAPER,
        "theorem": "1",
        "statement": "Accuracy reaches one.",
        "instances": st.integers(1, 5),
        "experiment": _experiment,
        "prediction": Threshold("acc", ">=", 0.9),
        "mutants": [Mutant("perfect_never", Threshold("acc", "<=", 0.5), why="it reaches one")],
        "reference": reference(figure="1", value="acc 1.0"),
    }
    fields.update(overrides)
    return Claim(**fields)


def test_a_valid_claim_builds():
    claim = _claim()
    assert claim.mutants[0].name == "perfect_never"
    assert PAPER.cite() == "Author et al. (2024), arXiv:2401.00001"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"paper": None}, "paper"),
        ({"theorem": ""}, "theorem"),
        ({"statement": 3}, "statement"),
        ({"instances": [1, 2]}, "instances"),
        ({"instances": st.nothing()}, "instances"),
        ({"experiment": "run"}, "experiment"),
        ({"prediction": "acc >= 0.9"}, "prediction"),
        ({"mutants": []}, "mutants"),
        ({"mutants": "x"}, "mutants"),
        ({"mutants": [Threshold("acc", "<=", 0.5)]}, "mutants"),
        ({"mutants": [Mutant("same", Threshold("acc", ">=", 0.9), why="copy")]}, "mutants[same]"),
        (
            {
                "mutants": [
                    Mutant("a", Threshold("acc", "<=", 0.5), why="x"),
                    Mutant("a", Threshold("acc", "<=", 0.4), why="y"),
                ]
            },
            "mutants",
        ),
        ({"reference": "Fig. 1"}, "reference"),
        ({"gaps": "one gap"}, "gaps"),
        ({"alpha": 0.7}, "alpha"),
        ({"alpha": "0.05"}, "alpha"),
    ],
)
def test_bad_claim_fields_are_named(overrides, field):
    with pytest.raises(ClaimDeclarationError) as info:
        _claim(**overrides)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"key": "Zhu24"}, "paper.key"),
        ({"authors": "A. Author"}, "paper.authors"),
        ({"year": "2024"}, "paper.year"),
        ({"title": ""}, "paper.title"),
    ],
)
def test_bad_papers(kwargs, field):
    base = {"key": "test2024", "title": "T", "authors": ("A",), "year": 2024}
    with pytest.raises(ClaimDeclarationError) as info:
        Paper(**{**base, **kwargs})
    assert info.value.field == field


def test_mutant_needs_a_reason_and_a_prediction():
    with pytest.raises(ClaimDeclarationError, match="why"):
        Mutant("m", Rate(C / t, sweep=t, series="loss"), why="")
    with pytest.raises(ClaimDeclarationError, match="prediction"):
        Mutant("m", "C/t", why="because")  # type: ignore[arg-type]


def test_reference_needs_a_place():
    with pytest.raises(ClaimDeclarationError, match="reference"):
        reference(value="something")
