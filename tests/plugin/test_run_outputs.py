"""What a run leaves besides claims.json: JUnit properties, history lines, progress lines."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from plugin_support import results

ARGS = ("claims", "--claims-executor", "inprocess")


def _properties(xml: Path) -> dict[str, dict[str, str]]:
    tree = ET.parse(xml)
    return {
        case.attrib["name"]: {p.attrib["name"]: p.attrib["value"] for p in case.iter("property")}
        for case in tree.iter("testcase")
    }


def test_junit_xml_carries_verdict_interval_and_reason(pytester: pytest.Pytester, toy: Path):
    result = pytester.runpytest_subprocess(*ARGS, "-n", "2", "--junitxml", "junit.xml")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    props = _properties(toy / "junit.xml")
    record = {c["id"]: c for c in results(toy)["claims"]}
    held = props["toy2024/true_rate"]
    assert held["verdict"] == "HOLDS" and held["mutants_killed"] == "1/1"
    assert json.loads(held["interval"]) == record["toy2024/true_rate"]["interval"]
    assert float(held["estimate"]) == record["toy2024/true_rate"]["estimate"]
    violated = props["toy2024/false_rate"]
    assert violated["verdict"] == "VIOLATED" and "above the predicted region" in violated["reason"]
    assert json.loads(violated["region"]) == record["toy2024/false_rate"]["region"]
    crashed = props["toy2024/crashing"]
    assert crashed["verdict"] == "ERROR" and "exploded on purpose" in crashed["reason"]
    assert crashed["interval"] == "-"
    # the whole record travels to the controller for the reports, not into the XML
    assert all("theorycheck_record" not in p for p in props.values())


def test_each_run_appends_one_history_line_per_claim(pytester: pytest.Pytester, toy: Path):
    pytester.runpytest_subprocess(*ARGS)
    pytester.runpytest_subprocess("claims/toy2024/true_rate.py", "--claims-executor", "inprocess")
    lines = (toy / "reports" / "history.jsonl").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["claim"] for e in entries] == [
        "toy2024/crashing",
        "toy2024/false_rate",
        "toy2024/true_rate",
        "toy2024/true_rate",
    ]
    assert len({e["run"] for e in entries[:3]}) == 1
    for key in ("commit", "tier", "seed", "verdict", "estimate", "interval", "seconds"):
        assert key in entries[-1]
    assert "Trend" in (toy / "reports" / "index.html").read_text()


def test_plain_progress_lines_replace_the_dots_off_a_terminal(pytester: pytest.Pytester, toy: Path):
    result = pytester.runpytest_subprocess(*ARGS)
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "theorycheck: 3 claims queued",
            "[[]?/3[]] * toy2024/* | * claims done, * running, * queued; units * trained, * cached*",
            "theorycheck: 3/3 claims done, 0 running, 0 queued; *all done",
        ]
    )
    result.stdout.fnmatch_lines(["[[]?/3[]] HOLDS        toy2024/true_rate (*"])
    off = pytester.runpytest_subprocess(*ARGS, "--claims-progress", "off")
    off.assert_outcomes(passed=1, failed=1, errors=1)
    assert "claims queued" not in off.stdout.str()
