"""Loading claims by id: duplicate ids and unknown ids give errors that name the problem."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from theorycheck.catalogue import claim_ids, isolated_catalogue, load_claim
from theorycheck.errors import ClaimDeclarationError, UnknownClaimError

CLAIM_SOURCE = """
from hypothesis import strategies as st
from theorycheck import Claim, Measurement, Mutant, Threshold, reference
from . import PAPER

def experiment(instance, seed, tier):
    return Measurement.one(scalars={"x": 1.0})

CLAIM = Claim(
    paper=PAPER, theorem="1", statement="x is one.", instances=st.just(0), experiment=experiment,
    prediction=Threshold("x", ">=", 0.5),
    mutants=[Mutant("two", Threshold("x", ">=", 2.0), why="x is one")],
    reference=reference(section="1", value="none"),
)
"""


@pytest.fixture
def catalogue(tmp_path: Path) -> Iterator[Path]:
    """A fresh catalogue root with paper dup2024 and claim ``original``; ``claims`` re-imported from it."""
    paper = tmp_path / "claims" / "dup2024"
    paper.mkdir(parents=True)
    (tmp_path / "claims" / "__init__.py").write_text("")
    (paper / "__init__.py").write_text(
        "from theorycheck import Paper\n"
        "PAPER = Paper(key='dup2024', title='t', authors=('A. B',), year=2024)\n"
    )
    (paper / "original.py").write_text(textwrap.dedent(CLAIM_SOURCE))
    with isolated_catalogue():
        yield tmp_path


def test_a_claim_loads_and_knows_where_it_was_declared(catalogue: Path):
    claim = load_claim("dup2024/original", catalogue)
    assert claim.declared_in == "claims.dup2024.original"


def test_a_module_that_reexports_another_claim_is_a_duplicate_id(catalogue: Path):
    (catalogue / "claims" / "dup2024" / "copy.py").write_text("from .original import CLAIM  # noqa: F401\n")
    assert claim_ids(catalogue) == ["dup2024/copy", "dup2024/original"]
    with pytest.raises(ClaimDeclarationError, match=r"declared in dup2024/original: a duplicate claim id"):
        load_claim("dup2024/copy", catalogue)
    load_claim("dup2024/original", catalogue)  # the original itself is fine


def test_a_folder_beside_a_claim_module_with_its_name_is_a_duplicate_id(catalogue: Path):
    folder = catalogue / "claims" / "dup2024" / "original"
    folder.mkdir()
    source = textwrap.dedent(CLAIM_SOURCE).replace("from . import", "from .. import")
    (folder / "__init__.py").write_text(source)
    with pytest.raises(ClaimDeclarationError, match=r"names both .* and the folder .*duplicate claim id"):
        load_claim("dup2024/original", catalogue)


@pytest.mark.parametrize("claim_id", ["dup2024/missing", "nopaper2024/x", "no-slash", "dup2024/bad-name"])
def test_unknown_ids_are_named(catalogue: Path, claim_id: str):
    with pytest.raises(UnknownClaimError, match="claim id"):
        load_claim(claim_id, catalogue)


def test_a_claim_built_by_a_private_helper_is_not_a_duplicate(catalogue: Path):
    paper = catalogue / "claims" / "dup2024"
    (paper / "_factory.py").write_text(
        textwrap.dedent(CLAIM_SOURCE).replace("CLAIM = Claim(", "def make():\n    return Claim(")
    )
    (paper / "built.py").write_text("from ._factory import make\nCLAIM = make()\n")
    assert load_claim("dup2024/built", catalogue).declared_in == "claims.dup2024._factory"


def test_a_claim_derived_by_replace_belongs_to_the_module_that_derived_it(catalogue: Path):
    (catalogue / "claims" / "dup2024" / "variant.py").write_text(
        "import dataclasses\nfrom .original import CLAIM as _BASE\n"
        "CLAIM = dataclasses.replace(_BASE, theorem='1b')\n"
    )
    assert load_claim("dup2024/variant", catalogue).declared_in == "claims.dup2024.variant"
