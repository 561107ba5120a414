"""Unit tests of claims.json (schema, summary, strict loading) and of diff."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from theorycheck.diff import compare
from theorycheck.errors import CorruptFileError
from theorycheck.records import (
    comparable,
    error_record,
    load_document,
    mutant_status,
    run_document,
    write_document,
)
from theorycheck.report import render_html, render_markdown


def _record(claim_id: str, verdict: str, mutants: dict[str, str]) -> dict:
    record = error_record(claim_id, "default", "")
    record["verdict"] = verdict
    record["mutants"] = [
        {"name": n, "why": "w", "verdict": v, "status": mutant_status(verdict, v), "prediction": {"text": n}}
        for n, v in mutants.items()
    ]
    return record


def _doc(*records: dict) -> dict:
    return run_document(records, tier="default", session_seed=0)


def test_mutant_status_rules():
    assert mutant_status("HOLDS", "VIOLATED") == "killed"
    assert mutant_status("HOLDS", "INCONCLUSIVE") == "survived"
    assert mutant_status("HOLDS", "ERROR") == "not_viable"
    assert mutant_status("INCONCLUSIVE", "VIOLATED") == "unscored"


def test_summary_counts_and_mutation_score():
    doc = _doc(
        _record("a/x", "HOLDS", {"m1": "VIOLATED", "m2": "HOLDS"}),
        _record("a/y", "VIOLATED", {"m": "VIOLATED"}),
    )
    s = doc["summary"]
    assert s["verdicts"]["HOLDS"] == 1 and s["verdicts"]["VIOLATED"] == 1
    assert s["mutation_score"] == 0.5
    assert s["mutants"] == {"declared": 3, "killed": 1, "survived": 1, "not_viable": 0, "unscored": 1}
    low, high = s["mutation_score_interval"]
    assert low < 0.5 < high


def test_document_roundtrip_and_comparable(tmp_path: Path):
    doc = _doc(_record("a/x", "HOLDS", {"m": "VIOLATED"}))
    path = tmp_path / "claims.json"
    write_document(path, doc)
    loaded = load_document(path)
    assert comparable(loaded) == comparable(doc)
    assert "provenance" not in comparable(loaded)
    assert "seconds" not in comparable(loaded)["claims"][0]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"schema_version": 1, "claims": [', "not valid JSON"),
        ('{"schema_version": 99, "claims": []}', "schema_version"),
        ('{"schema_version": 1, "claims": {}}', "list of records"),
        ('{"schema_version": 1, "claims": [{"id": "a/b"}]}', "lacks"),
        ("[1, 2]", "JSON object"),
        (
            '{"schema_version": 1, "claims": '
            '[{"id": "a/b", "verdict": "MAYBE", "mutants": [], "paper": {}}]}',
            "unknown verdict",
        ),
        ('{"schema_version": 1, "x": NaN}', "not valid JSON"),
    ],
)
def test_bad_results_files_are_clear_errors(tmp_path: Path, text: str, problem: str):
    path = tmp_path / "claims.json"
    path.write_text(text)
    with pytest.raises(CorruptFileError, match=problem):
        load_document(path)


def test_missing_results_file(tmp_path: Path):
    with pytest.raises(CorruptFileError, match="cannot read"):
        load_document(tmp_path / "absent.json")


def test_diff_flags_regressions_only():
    base = _doc(_record("a/x", "HOLDS", {"m": "VIOLATED"}), _record("a/y", "INCONCLUSIVE", {"m": "HOLDS"}))
    head = copy.deepcopy(base)
    assert compare(base, head) == []
    head["claims"][1]["verdict"] = "HOLDS"
    changes = compare(base, head)
    # the claim now holds, so its mutant (not rejected) counts as survived: changes, not regressions
    assert [(c.what, c.regression) for c in changes] == [("claim", False), ("mutant m", False)]
    head["claims"][0]["mutants"][0]["verdict"] = "INCONCLUSIVE"
    assert any(c.regression and c.what == "mutant m" for c in compare(base, head))
    head["claims"][0]["verdict"] = "VIOLATED"
    assert any(c.regression and c.what == "claim" for c in compare(base, head))
    del head["claims"][0]
    assert any(c.head == "absent" and c.regression for c in compare(base, head))


def test_reports_escape_claim_strings():
    record = _record("a/x", "HOLDS", {"<script>alert(1)</script>": "VIOLATED"})
    record["statement"] = "<img src=x onerror=alert(1)> | pipes | *stars*"
    record["reason"] = "<b>bold</b>"
    doc = _doc(record)
    page = render_html(doc)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count("<script>") == 1  # the page's own script, nothing from the record
    assert "&lt;script&gt;" in page
    md = render_markdown(doc)
    assert "<script>" not in md
    json.dumps(doc, allow_nan=False)


def test_suite_fdr_lists_violations_that_survive_benjamini_hochberg():
    strong = _record("a/x", "VIOLATED", {})
    strong["p_violation"] = 1e-6
    weak = _record("a/y", "VIOLATED", {})
    weak["p_violation"] = 0.04
    held = [_record(f"a/h{i}", "HOLDS", {}) for i in range(8)]
    for r in held:
        r["p_violation"] = 0.9
    fdr = _doc(strong, weak, *held)["summary"]["suite_fdr"]
    assert fdr["survive"] == ["a/x"]
    assert fdr["adjusted"]["a/y"] > 0.05


def test_benjamini_hochberg_equals_scipy():
    """The summary's BH adjustment is scipy's false_discovery_control, float for float."""
    import numpy as np
    from scipy import stats

    from theorycheck.records import benjamini_hochberg

    rng = np.random.default_rng(0)
    for m in [1, 2, 3, 5, 17, 40]:
        for pvalues in (
            rng.uniform(0, 1, m),
            rng.choice([0.0, 0.01, 0.05, 1.0], m),
            10 ** rng.uniform(-9, 0, m),
        ):
            values = [float(p) for p in pvalues]
            assert np.array_equal(
                benjamini_hochberg(values), stats.false_discovery_control(values, method="bh")
            )


def test_clopper_pearson_equals_binomtest():
    """The mutation score's interval from beta quantiles equals binomtest's to the digits kept (the
    exhaustive check over k <= n <= 250 is in the commit that made it; here a sample)."""
    from scipy import stats

    from theorycheck.records import EXACT_BY_SPECIAL, clopper_pearson

    for n in [1, 2, 5, 13, 60, 187, EXACT_BY_SPECIAL]:
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
            assert clopper_pearson(k, n) == [round(float(ci.low), 6), round(float(ci.high), 6)]
