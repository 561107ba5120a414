"""One claim's section of index.html: statement, verdict bar, figure beside the paper's reference,
fit, instances, counterexample, controls, replays, mutants, gaps and the trend over past runs.

Every string taken from a record goes through :func:`e`; records from older
versions (no ``fit``, ``controls``, ``replays``, ``distance``, ``per_seed``)
render with those parts left out.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from . import history
from .figures import rate_figure
from .svgplot import fmt, interval_bar, trend

VERDICT_COLOURS = {
    "HOLDS": "#1a7f37",
    "VIOLATED": "#cf222e",
    "HOLLOW": "#a40e26",
    "INCONCLUSIVE": "#9a6700",
    "FLAKY": "#bc4c00",
    "ERROR": "#8250df",
}
# a mutant is meant to be rejected: "killed" is the good outcome, "survived" the alarm
MUTANT_STATUS = {
    "killed": ("killed", "good"),
    "survived": ("survived", "bad"),
    "not_viable": ("not viable", "muted"),
    "unscored": ("unscored", "muted"),
}
TREND_RUNS = 20


def e(value: Any) -> str:
    """HTML-escape any value (quotes too: safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def slug(text: str) -> str:
    """Letters, digits, '-' and '_' only: safe as a fragment id."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def anchor(claim_id: str) -> str:
    """The fragment id of a claim's section."""
    return "claim-" + slug(claim_id)


def badge(verdict: Any) -> str:
    """A verdict badge; the class comes from a fixed list, never from the record."""
    v = str(verdict)
    cls = v if v in VERDICT_COLOURS else "OTHER"
    return f'<span class="badge v-{cls}">{e(v)}</span>'


def status_badge(status: Any) -> str:
    text, tone = MUTANT_STATUS.get(str(status), (str(status), "muted"))
    return f'<span class="badge s-{tone}">{e(text)}</span>'


def num(value: Any) -> str:
    return fmt(float(value)) if isinstance(value, (int, float)) and math.isfinite(value) else "-"


def interval_text(interval: Any) -> str:
    if not isinstance(interval, (list, tuple)) or len(interval) != 2:
        return "-"
    low, high = interval
    return f"[{'-∞' if low is None else num(low)}, {'∞' if high is None else num(high)}]"


def measured(j: Mapping[str, Any]) -> str:
    """``estimate [low, high]`` of a judgement-like mapping."""
    if not isinstance(j.get("estimate"), (int, float)):
        return "-"
    iv = j.get("interval")
    return num(j["estimate"]) + (f" {interval_text(iv)}" if iv else "")


def _row(key: str, value_html: str) -> str:
    return f"<tr><th>{e(key)}</th><td>{value_html}</td></tr>"


def _facts(r: Mapping[str, Any]) -> str:
    prediction = r.get("prediction") or {}
    rows = [_row("prediction", e(prediction.get("text", "")))]
    if prediction.get("latex"):
        rows.append(_row("LaTeX", f"<code>{e(prediction['latex'])}</code>"))
    rows.append(_row("statistic", e(r.get("statistic") or "-")))
    rows.append(_row("measured", f"{e(measured(r))} against the region {e(interval_text(r.get('region')))}"))
    rows.append(_row("reason", e(r.get("reason") or "-")))
    per_instance = " + ".join(str(i.get("seeds", "?")) for i in r.get("instances") or [])
    seeds = f"{r.get('seeds', '-')}" + (f" (instances: {per_instance})" if per_instance else "")
    rows.append(_row("seeds used", e(seeds)))
    for pre in r.get("requires") or []:
        rows.append(_row("requires", e(pre)))
    return "<table class='facts'>" + "".join(rows) + "</table>"


def verdict_bar(r: Mapping[str, Any]) -> str:
    """The region, interval, estimate and per-seed values of a judgement, as an SVG bar."""
    per_seed = r.get("per_seed") or []
    if not per_seed and r.get("statistic"):
        scalars = (r.get("measurement") or {}).get("scalars") or {}
        per_seed = scalars.get(r["statistic"]) or []  # a Threshold on a named scalar
    return interval_bar(
        region=r.get("region"),
        interval=r.get("interval"),
        estimate=r.get("estimate"),
        per_seed=per_seed,
        colour=VERDICT_COLOURS.get(str(r.get("verdict")), "#333"),
        title=f"{r.get('statistic') or 'statistic'}: interval against the predicted region",
    )


def _evidence(r: Mapping[str, Any]) -> str:
    figure = rate_figure(r)
    ref = r.get("reference") or {}
    aside = "<aside class='reference'><h4>The paper reports</h4>"
    if ref:
        aside += f"<p><b>{e(ref.get('where', ''))}</b>: {e(ref.get('value', ''))}</p>"
        if ref.get("setting"):
            aside += f"<p class='muted'>setting: {e(ref['setting'])}</p>"
    else:
        aside += "<p class='muted'>no reference recorded</p>"
    aside += "</aside>"
    if figure is None:
        kind = r.get("kind") or "prediction"
        note = (
            "per-seed values (grey) against the region"
            if kind not in ("rate", "scaling")
            else "no curve data"
        )
        figure = f"<p class='muted'>{e(kind)}: {e(note)} in the bar above.</p>"
    return f"<div class='evidence'><figure>{figure}</figure>{aside}</div>"


def _fit(fit: Any) -> str:
    if not isinstance(fit, Mapping):
        return ""
    residual = fit.get("residual") or {}
    parts = [
        f"form {e(fit.get('form', '?'))}",
        f"window {e(interval_text(fit.get('window')))}",
        f"raw slope {e(num(fit.get('raw_slope')))}",
        f"bound slope {e(num(fit.get('bound_slope')))}",
        f"limit exponent {e(num(fit.get('limit_exponent')))}",
    ]
    if residual:
        parts.append(
            "residual " + ", ".join(f"{e(k)} {e(num(residual.get(k)))}" for k in ("full", "early", "late"))
        )
    return f"<p class='fit'>Fit: {'; '.join(parts)}.</p>"


def _titled_table(title: str, headers: Sequence[str], rows: str) -> str:
    """A section heading and a list table with ``headers`` over the already rendered ``rows``."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    return f"<h4>{title}</h4><table class='list'><tr>{head}</tr>{rows}</table>"


def _instances(r: Mapping[str, Any]) -> str:
    rows = r.get("instances") or []
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{e(i.get('description', ''))}</td><td>{badge(i.get('verdict'))}</td>"
        f"<td>{e(measured(i))}</td><td>{e(i.get('seeds', ''))}</td><td>{e(i.get('reason') or '')}</td></tr>"
        for i in rows
    )
    return _titled_table("Instances", ("instance", "verdict", "measured", "seeds", "reason"), body)


def _counterexample(r: Mapping[str, Any]) -> str:
    parts = []
    if r.get("counterexample") is not None:
        text = json.dumps(r["counterexample"], indent=1, sort_keys=True)
        parts.append(f"<h4>Counterexample</h4><pre>{e(text)}</pre>")
    conf = r.get("confirmation")
    if isinstance(conf, Mapping):
        parts.append(
            f"<p>Confirmation block: {badge(conf.get('verdict'))} on {e(conf.get('seeds', '?'))} seeds, "
            f"{e(measured(conf))}.</p>"
        )
    return "".join(parts)


def _controls(r: Mapping[str, Any]) -> str:
    controls = r.get("controls") or []
    if not controls:
        return ""
    rows = []
    for c in controls:
        held = c.get("verdict") == "HOLDS"
        outcome = (
            '<span class="badge s-bad">holds on the control</span>'
            if held
            else '<span class="badge s-good">does not hold</span>'
        )
        rows.append(
            f"<tr><td>{e(c.get('name', ''))}</td><td>{outcome} <span class='muted'>{e(c.get('verdict'))}"
            f"</span></td><td>{e(measured(c))}</td><td>{e(c.get('why', ''))}</td>"
            f"<td>{e(c.get('reason') or '')}</td></tr>"
        )
    return _titled_table(
        "Controls (the claim must not hold here)",
        ("control", "outcome", "measured", "why", "reason"),
        "".join(rows),
    )


def _replays(r: Mapping[str, Any]) -> str:
    replays = r.get("replays") or []
    if not replays:
        return ""
    rows = "".join(
        f"<tr><td><code>{e(json.dumps(p.get('instance'), sort_keys=True))}</code></td>"
        f"<td>{badge(p.get('verdict'))}</td><td>{e(measured(p))}</td><td>{e(p.get('reason') or '')}</td></tr>"
        for p in replays
    )
    return _titled_table(
        "Stored counterexamples replayed", ("instance", "verdict", "measured", "reason"), rows
    )


def _distance(m: Mapping[str, Any]) -> str:
    d = m.get("distance")
    if not isinstance(d, (int, float)) or not math.isfinite(d):
        return "-"
    near = " <span class='badge s-warn'>near miss</span>" if m.get("status") == "killed" and d <= 5 else ""
    return f"{e(num(d))} half-widths{near}"


def _mutants(r: Mapping[str, Any]) -> str:
    mutants = r.get("mutants") or []
    if not mutants:
        return "<p class='muted'>No mutants declared.</p>"
    rows = "".join(
        f"<tr><td>{e(m.get('name', ''))}</td><td>{e((m.get('prediction') or {}).get('text', ''))}</td>"
        f"<td>{status_badge(m.get('status'))} <span class='muted'>verdict {e(m.get('verdict'))}</span></td>"
        f"<td>{e(measured(m))} vs {e(interval_text(m.get('region')))}</td><td>{_distance(m)}</td>"
        f"<td>{e(m.get('why', ''))}</td><td>{e(m.get('reason') or '')}</td></tr>"
        for m in mutants
    )
    return _titled_table(
        "Mutants (false variants the data must reject)",
        ("mutant", "prediction", "outcome", "measured vs region", "distance", "why false", "reason"),
        rows,
    )


def _gaps(r: Mapping[str, Any]) -> str:
    gaps = r.get("gaps") or []
    if not gaps:
        return ""
    return "<h4>Gaps from the theorem</h4><ul>" + "".join(f"<li>{e(g)}</li>" for g in gaps) + "</ul>"


def _trend(claim_id: str, entries: Sequence[Mapping[str, Any]]) -> str:
    if not entries:
        return ""
    shown = list(entries)[-TREND_RUNS:]
    points = [(p.get("estimate"), p.get("interval"), str(p.get("verdict"))) for p in shown]
    svg = trend(points, VERDICT_COLOURS, title=f"{claim_id}: estimate over the last {len(shown)} runs")
    notes = [f"{len(entries)} run(s) in history"]
    flagged = history.flags(entries)
    if flagged:
        latest = [f.text for f in flagged if f.index == flagged[-1].index]
        when = entries[flagged[-1].index].get("run", "?")
        notes.append(f"latest change ({when}): " + ", ".join(latest))
    return f"<div class='trend'><h4>Trend</h4>{svg}<p class='muted'>{e('; '.join(notes))}</p></div>"


def _theorem(theorem: Any) -> str:
    text = str(theorem or "").strip()
    return f"Theorem {text}" if text and text[0].isdigit() else (text or "no theorem given")


def claim_section(r: Mapping[str, Any], past: Sequence[Mapping[str, Any]] = ()) -> str:
    """The whole section of one claim record."""
    cid = str(r.get("id", ""))
    paper = r.get("paper") or {}
    head = (
        f"<section class='claim' id='{anchor(cid)}'>"
        f"<h3><a href='#{anchor(cid)}'>{e(cid)}</a> {badge(r.get('verdict'))}</h3>"
        f"<p class='cite'>{e(paper.get('citation', ''))} · {e(_theorem(r.get('theorem')))} · "
        f"{e(r.get('kind', ''))} · tier {e(r.get('tier', ''))} · {e(num(r.get('seconds')))} s</p>"
        f"<p class='statement'>{e(r.get('statement', ''))}</p>"
    )
    return (
        head
        + _facts(r)
        + verdict_bar(r)
        + _evidence(r)
        + _fit(r.get("fit"))
        + _instances(r)
        + _counterexample(r)
        + _controls(r)
        + _replays(r)
        + _mutants(r)
        + _gaps(r)
        + _trend(cid, past)
        + "<p class='top'><a href='#claims-table'>back to the table</a></p></section>"
    )
