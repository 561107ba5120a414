"""Rendering claims.json: the terminal status table, claims.md, index.html and figures.

Every string taken from a claim (names, statements, reasons) is escaped for
the format it is written into: Markdown table cells and HTML.
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tabulate import tabulate

from .atomic import write_bytes_atomic, write_text_atomic


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
    counts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items() if n)
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


def render_html(document: Mapping[str, Any], figures: Mapping[str, str]) -> str:
    """reports/index.html: the same tables with the figures, every claim string escaped."""
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>theorycheck claim status</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}td,th{padding:4px 8px;"
        "border-bottom:1px solid #ddd;text-align:left}.HOLDS{color:#070}.VIOLATED{color:#a00}"
        ".INCONCLUSIVE{color:#a60}.ERROR{color:#a0a}.FLAKY{color:#c50}.HOLLOW{color:#a00}</style></head><body>",
        "<h1>Claim status</h1>",
        f"<p>{e(summary_line(document))}</p>",
    ]
    for record in document["claims"]:
        r = record
        parts.append(
            f"<h2 id='{e(r['id'])}'>{e(r['id'])} "
            f"<span class='{e(r['verdict'])}'>{e(r['verdict'])}</span></h2>"
        )
        parts.append(
            f"<p>{e(r['paper'].get('citation', ''))}, theorem {e(str(r.get('theorem', '')))}: "
            f"{e(r.get('statement', ''))}</p>"
        )
        parts.append("<table>")
        rows = [
            ("prediction", r["prediction"]["text"]),
            ("measured [CI]", measured(r)),
            ("statistic", r.get("statistic") or "-"),
            ("reason", r.get("reason") or "-"),
            ("seeds", str(r.get("seeds"))),
            ("mutants killed", mutants_cell(r)),
        ]
        if r.get("reference"):
            rows.append(("paper reports", f"{r['reference']['where']}: {r['reference']['value']}"))
        for pre in r.get("requires", []):
            rows.append(("requires", pre))
        for gap in r.get("gaps", []):
            rows.append(("gap", gap))
        parts += [f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows]
        for m in r["mutants"]:
            parts.append(
                f"<tr><th>mutant {e(m['name'])}</th><td class='{e(m['verdict'])}'>{e(m['verdict'])} "
                f"({e(m['status'])}): {e(m['prediction']['text'])}; {e(m['why'])}</td></tr>"
            )
        parts.append("</table>")
        if r["id"] in figures:
            parts.append(f"<img src='{e(figures[r['id']])}' alt='{e(r['id'])}' width='520'>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_figure(record: Mapping[str, Any]) -> bytes | None:
    """PNG of the shown instance's curves (log-log), one line per seed; None without data or matplotlib."""
    data = record.get("measurement")
    if not data or not data.get("series"):
        return None
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(5.2, 3.6), dpi=90)
    for name, curves in sorted(data["series"].items()):
        for i, c in enumerate(curves):
            xs = [x for x, y in zip(c["x"], c["y"], strict=False) if x > 0 and y > 0]
            ys = [y for x, y in zip(c["x"], c["y"], strict=False) if x > 0 and y > 0]
            ax.plot(xs, ys, alpha=0.5, lw=1, label=name if i == 0 else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title(f"{record['id']}: {record['verdict']}", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def write_reports(document: Mapping[str, Any], out: Path, *, figures: bool = True) -> None:
    """Write claims.md, index.html and figures/ under ``out`` atomically (the caller writes claims.json)."""
    names: dict[str, str] = {}
    if figures:
        for record in document["claims"]:
            png = render_figure(record)
            if png is not None:
                name = f"figures/{record['id'].replace('/', '__')}.png"
                write_bytes_atomic(out / name, png)
                names[record["id"]] = name
    write_text_atomic(out / "claims.md", render_markdown(document))
    write_text_atomic(out / "index.html", render_html(document, names))
