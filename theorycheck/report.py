"""Rendering claims.json: the terminal status table, claims.md, JUnit properties, and writing the reports.

Every string taken from a claim (names, statements, reasons) is escaped for
the format it is written into: Markdown table cells here, HTML in
:mod:`theorycheck.html_report` and :mod:`theorycheck.html_claim`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tabulate import tabulate

from .atomic import write_text_atomic
from .figures import rate_figure
from .history import HISTORY_FILE, read_history
from .html_report import render_html
from .verdict import Verdict

__all__ = [
    "junit_properties",
    "measured",
    "mutants_cell",
    "render_html",
    "render_markdown",
    "status_table",
    "summary_line",
    "write_reports",
]


def _num(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3g}"


def measured(record: Mapping[str, Any]) -> str:
    """Estimate with its interval, e.g. ``-1.02 [-1.05, -0.99]``."""
    interval = record.get("interval")
    if record.get("estimate") is None:
        return "-"
    if not interval:
        return _num(record["estimate"])
    return f"{_num(record['estimate'])} [{_num(interval[0])}, {_num(interval[1])}]"


def mutants_cell(record: Mapping[str, Any]) -> str:
    """``killed/declared`` with a marker when the claim did not hold (mutants unscored)."""
    mutants = record.get("mutants", [])
    killed = sum(m["status"] == "killed" for m in mutants)
    rejected = sum(m["verdict"] == "VIOLATED" for m in mutants)
    if record["verdict"] != "HOLDS":
        return f"({rejected}/{len(mutants)} rejected, unscored)"
    return f"{killed}/{len(mutants)}"


def summary_line(document: Mapping[str, Any]) -> str:
    s = document["summary"]
    # the verdicts' own order, not the document's key order (a reloaded claims.json has its keys sorted)
    counts = ", ".join(f"{n} {v.value}" for v in Verdict if (n := s["verdicts"].get(v.value)))
    score = s["mutation_score"]
    interval = s.get("mutation_score_interval")
    score_text = "n/a" if score is None else f"{score:.2f}"
    if interval:
        score_text += f" (95% CI {interval[0]:.2f}-{interval[1]:.2f})"
    m = s["mutants"]
    fdr = s.get("suite_fdr") or {}
    if s["verdicts"].get("VIOLATED"):
        counts += (
            f" ({len(fdr.get('survive', []))} VIOLATED survive Benjamini-Hochberg at q={fdr.get('q', 0.05)})"
        )
    near = s.get("near_miss") or {}
    near_text = (
        f" Near-miss score {near['claims']}/{near['scored']} (claims with a killed mutant within "
        f"{near.get('within_half_widths', 5):g} half-widths)."
        if near.get("scored")
        else ""
    )
    return (
        f"{s['claims']} claims: {counts or 'none'}. Mutation score {score_text}: "
        f"{m['killed']} killed, {m['survived']} survived, {m['not_viable']} not viable, "
        f"{m['unscored']} unscored of {m['declared']} declared.{near_text} Tier {document['tier']}."
    )


def status_table(document: Mapping[str, Any], fmt: str = "simple") -> str:
    """The terminal table: one row per claim."""
    rows = [
        [r["id"], r["verdict"], measured(r), mutants_cell(r), f"{r.get('seconds', 0):.1f}"]
        for r in document["claims"]
    ]
    return tabulate(rows, headers=["claim", "verdict", "measured [CI]", "mutants killed", "s"], tablefmt=fmt)


def _md(text: Any) -> str:
    """Escape a value for a Markdown table cell."""
    out = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for ch in "<>*_`[]":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(document: Mapping[str, Any]) -> str:
    """reports/claims.md: a summary line, then one table per paper."""
    lines = ["# Claim status", "", summary_line(document), ""]
    papers: dict[str, list[Mapping[str, Any]]] = {}
    for record in document["claims"]:
        papers.setdefault(record["paper"]["key"], []).append(record)
    for key, records in papers.items():
        paper = records[0]["paper"]
        title = f"{paper['title']} ({paper['citation']})" if paper.get("title") else key
        lines += [f"## {_md(key)}: {_md(title)}", ""]
        rows = [
            [
                _md(r["id"]),
                _md(r.get("theorem", "")),
                _md(r["prediction"]["text"]),
                _md(measured(r)),
                f"**{r['verdict']}**",
                _md(mutants_cell(r)),
                _md(f"{r['reference']['where']}: {r['reference']['value']}" if r.get("reference") else "-"),
                f"{r.get('seconds', 0):.1f}",
            ]
            for r in records
        ]
        lines.append(
            tabulate(
                rows,
                headers=[
                    "claim",
                    "thm",
                    "prediction",
                    "measured [CI]",
                    "verdict",
                    "mutants killed",
                    "paper reports",
                    "s",
                ],
                tablefmt="github",
            )
        )
        lines.append("")
        for r in records:
            notes = []
            if r["verdict"] != "HOLDS" and r.get("reason"):
                notes.append(f"- `{r['id']}` {r['verdict']}: {_md(r['reason'])}")
            survivors = [m for m in r["mutants"] if m["status"] == "survived"]
            for m in survivors:
                notes.append(
                    f"- `{r['id']}` mutant {_md(m['name'])} survived ({m['verdict']}): {_md(m['why'])}"
                )
            if r.get("counterexample") is not None:
                notes.append(f"- `{r['id']}` counterexample: {_md(r['counterexample'])}")
            lines += notes
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def junit_properties(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What a claim item records for ``--junitxml``: verdict, estimate, interval, region, reason, mutants."""
    return [
        ("verdict", str(record["verdict"])),
        ("statistic", str(record.get("statistic") or "")),
        ("estimate", "-" if record.get("estimate") is None else repr(float(record["estimate"]))),
        ("interval", _pair(record.get("interval"))),
        ("region", _pair(record.get("region"))),
        ("reason", str(record.get("reason") or "")),
        ("seeds", str(record.get("seeds", ""))),
        ("mutants_killed", mutants_cell(record)),
        ("tier", str(record.get("tier", ""))),
    ]


def _pair(pair: Any) -> str:
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        return "-"
    low, high = pair
    return f"[{'-inf' if low is None else repr(float(low))}, {'inf' if high is None else repr(float(high))}]"


def write_reports(document: Mapping[str, Any], out: Path, *, figures: bool = True) -> None:
    """Write claims.md, index.html and figures/ under ``out`` atomically (the caller writes claims.json).

    index.html is self-contained (figures inline); ``figures/<claim>.svg``
    holds the same curve figures as files. The per-claim trends come from
    ``out/history.jsonl`` when it exists.
    """
    if figures:
        for record in document["claims"]:
            svg = rate_figure(record)
            if svg is not None:
                write_text_atomic(out / "figures" / f"{record['id'].replace('/', '__')}.svg", svg + "\n")
    past = read_history(out / HISTORY_FILE)
    write_text_atomic(out / "claims.md", render_markdown(document))
    write_text_atomic(out / "index.html", render_html(document, past))
