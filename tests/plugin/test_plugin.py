"""The pytest plugin through pytester: collection, outcomes, xdist, reports, cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from plugin_support import results, verdicts

from theorycheck.records import comparable

TOY = {"toy2024/true_rate": "HOLDS", "toy2024/false_rate": "VIOLATED", "toy2024/crashing": "ERROR"}


def test_default_tier_maps_verdicts_to_outcomes(pytester: pytest.Pytester, toy: Path):
    result = pytester.runpytest_subprocess("claims", "--tier", "default", "--claims-executor", "inprocess")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*theorycheck claim status*", "*toy2024/true_rate*HOLDS*", "*Mutation score*"]
    )
    result.stdout.fnmatch_lines(["*VIOLATED toy2024/false_rate*predicted region*"])
    result.stdout.fnmatch_lines(["*ERROR toy2024/crashing*ValueError: the experiment exploded on purpose*"])
    assert verdicts(toy) == TOY
    doc = results(toy)
    assert doc["schema_version"] == 2 and doc["tier"] == "default"
    record = next(c for c in doc["claims"] if c["id"] == "toy2024/true_rate")
    for key in (
        "id",
        "paper",
        "theorem",
        "kind",
        "prediction",
        "verdict",
        "estimate",
        "interval",
        "seeds",
        "mutants",
        "reference",
        "tier",
        "seconds",
    ):
        assert key in record
    assert record["mutants"] == [record["mutants"][0]] and record["mutants"][0]["status"] == "killed"
    assert (toy / "reports" / "claims.md").is_file() and (toy / "reports" / "index.html").is_file()
    assert doc["summary"]["mutation_score"] == 1.0


def test_parallel_run_gives_the_same_results_file(pytester: pytest.Pytester, toy: Path):
    pytester.runpytest_subprocess(
        "claims", "--claims-out", "serial", "--no-claims-cache", "--claims-executor", "inprocess"
    )
    result = pytester.runpytest_subprocess(
        "claims", "-n", "2", "--claims-out", "parallel", "--no-claims-cache"
    )
    result.assert_outcomes(passed=1, failed=1, errors=1)
    assert comparable(results(toy, "serial")) == comparable(results(toy, "parallel"))


def test_smoke_tier_fails_only_on_error(pytester: pytest.Pytester, toy: Path):
    result = pytester.runpytest_subprocess("claims", "--tier", "smoke", "-n", "2")
    result.assert_outcomes(passed=2, errors=1)
    assert verdicts(toy)["toy2024/crashing"] == "ERROR"


def test_inconclusive_is_a_skip_with_the_reason(pytester: pytest.Pytester, toy: Path):
    (toy / "claims" / "toy2024" / "narrow.py").write_text(
        (toy / "claims" / "toy2024" / "true_rate.py")
        .read_text()
        .replace('series="error", sense="matches")', 'series="error", sense="matches", tolerance=0.001)')
    )
    result = pytester.runpytest_subprocess(
        "claims/toy2024/narrow.py", "--claims-executor", "inprocess", "-rs"
    )
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*INCONCLUSIVE toy2024/narrow*"])


def test_collection_imports_no_claim_module(pytester: pytest.Pytester, toy: Path):
    pytester.makeconftest(
        "import sys\n"
        "def pytest_collection_finish(session):\n"
        "    loaded = [m for m in sys.modules if m.startswith('claims.') or m == 'torch']\n"
        "    print('LOADED', loaded)\n"
    )
    result = pytester.runpytest_subprocess("claims", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["*toy2024/true_rate*"])
    assert "LOADED []" in result.stdout.lines
    assert not (toy / "reports" / "claims.json").exists()


def test_a_claim_file_named_on_the_command_line_is_one_item_and_not_imported(
    pytester: pytest.Pytester, toy: Path
):
    pytester.makeconftest(
        "import sys\n"
        "def pytest_collection_finish(session):\n"
        "    loaded = [m for m in sys.modules if m.startswith('claims.') or m == 'torch']\n"
        "    print('LOADED', loaded)\n"
    )
    result = pytester.runpytest_subprocess("claims/toy2024/true_rate.py", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["*toy2024/true_rate*", "1 test collected*"])
    assert "LOADED []" in result.stdout.lines


def test_a_malformed_claim_fails_only_its_own_item(pytester: pytest.Pytester, toy: Path):
    (toy / "claims" / "toy2024" / "unbound.py").write_text(
        (toy / "claims" / "toy2024" / "true_rate.py")
        .read_text()
        .replace("C / sp.sqrt(n)", "C / n**m")
        .replace('n, C = sp.symbols("n C", positive=True)', 'n, C, m = sp.symbols("n C m", positive=True)')
    )
    result = pytester.runpytest_subprocess("claims", "--claims-executor", "inprocess")
    result.assert_outcomes(passed=1, failed=1, errors=2)
    result.stdout.fnmatch_lines(["*ERROR toy2024/unbound*bound: *depends on unbound*m*unbound.py:*"])
    record = next(c for c in results(toy)["claims"] if c["id"] == "toy2024/unbound")
    assert record["verdict"] == "ERROR" and record["units"]["done"] == 0


def test_warm_rerun_trains_nothing(pytester: pytest.Pytester, toy: Path):
    pytester.runpytest_subprocess("claims/toy2024/true_rate.py", "--claims-executor", "inprocess")
    cold = results(toy)["claims"][0]
    pytester.runpytest_subprocess("claims/toy2024/true_rate.py", "--claims-executor", "inprocess")
    warm = results(toy)["claims"][0]
    assert cold["units"]["done"] > 0 and cold["units"]["cached"] == 0
    assert warm["units"]["done"] == 0 and warm["units"]["cached"] == cold["units"]["done"]
    assert comparable({"claims": [cold]}) == comparable({"claims": [warm]})


def test_counterexample_is_stored_and_replayed(pytester: pytest.Pytester, toy: Path):
    pytester.runpytest_subprocess("claims/toy2024/false_rate.py", "--claims-executor", "inprocess")
    stored = toy / "reports" / "counterexamples" / "toy2024" / "false_rate.json"
    assert stored.is_file()
    doc = results(toy)
    assert doc["claims"][0]["counterexample"]["__type__"].endswith(":Gaussian")
    stored.write_text("{ truncated")
    result = pytester.runpytest_subprocess("claims/toy2024/false_rate.py", "--claims-executor", "inprocess")
    result.assert_outcomes(failed=1)
    assert "ignoring corrupt counterexample file" in result.stdout.str() + result.stderr.str()


def test_strict_mutants_fails_a_claim_whose_mutant_survives(pytester: pytest.Pytester, toy: Path):
    (toy / "claims" / "toy2024" / "weak_mutant.py").write_text(
        (toy / "claims" / "toy2024" / "true_rate.py")
        .read_text()
        .replace(
            'Rate(C / n, sweep=n, series="error")', 'Rate(C / n**0.5, sweep=n, series="error", tolerance=0.2)'
        )
    )
    args = ("claims/toy2024/weak_mutant.py", "--claims-executor", "inprocess")
    pytester.runpytest_subprocess(*args).assert_outcomes(passed=1)
    pytester.runpytest_subprocess(*args, "--strict-mutants").assert_outcomes(failed=1)
    record = results(toy)["claims"][0]
    assert record["mutants"][0]["status"] == "survived"
    assert "survived" in (toy / "reports" / "claims.md").read_text()


def test_a_claim_that_holds_on_its_control_is_hollow_and_fails(pytester: pytest.Pytester, toy: Path):
    """The 'control' draws the same Monte Carlo means: the claim cannot tell its premise from its absence."""
    (toy / "claims" / "toy2024" / "hollow.py").write_text(
        (toy / "claims" / "toy2024" / "true_rate.py")
        .read_text()
        .replace("from theorycheck import Claim,", "from theorycheck import Claim, Control,")
        .replace(
            '    reference=reference(section="1", value="error ~ n^-1/2"),',
            '    reference=reference(section="1", value="error ~ n^-1/2"),\n'
            '    controls=[Control("same_data", mean_error, why="nothing removed: a hollow control")],',
        )
    )
    result = pytester.runpytest_subprocess("claims/toy2024/hollow.py", "--claims-executor", "inprocess")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*HOLLOW toy2024/hollow*holds on its control same_data*"])
    doc = results(toy)
    assert doc["summary"]["verdicts"]["HOLLOW"] == 1
    assert doc["claims"][0]["controls"][0]["verdict"] == "HOLDS"


def test_warm_rerun_serves_the_record_until_a_module_it_imports_changes(pytester: pytest.Pytester, toy: Path):
    args = ("claims/toy2024/true_rate.py", "--claims-executor", "inprocess")
    pytester.runpytest_subprocess(*args)
    cold = results(toy)["claims"][0]
    units = toy / ".theorycheck" / "cache"
    for entry in units.iterdir():
        if entry.name != "records":  # without the unit cache, only the record cache can serve the rerun
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    pytester.runpytest_subprocess(*args)
    warm = results(toy)["claims"][0]
    assert warm["units"] == {"done": 0, "cached": cold["units"]["done"], "error": 0}
    assert comparable({"claims": [cold]}) == comparable({"claims": [warm]})
    with (toy / "claims" / "toy2024" / "_shared.py").open("a") as handle:
        handle.write("\n# an edit the claim reaches through its imports\n")
    pytester.runpytest_subprocess(*args)
    assert results(toy)["claims"][0]["units"]["done"] == cold["units"]["done"]
