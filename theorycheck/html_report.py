"""reports/index.html: one self-contained page (inline CSS, SVG and a little vanilla JS, no fetches).

Top: counts by verdict, the mutation score with its interval (and the near
misses when recorded), one row per paper, the provenance. Then the claims
table, filtered by verdict and paper and sorted by any column, each row
linking to the claim's section (:mod:`theorycheck.html_claim`). A Content
Security Policy allows only this page's own script (by hash) and inline
styles, so the page can load nothing from the network, and a string that
escaped escaping still could not run.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from . import history
from .html_claim import VERDICT_COLOURS, anchor, badge, claim_section, e, measured, num, slug

VERDICT_ORDER = ("HOLDS", "VIOLATED", "HOLLOW", "INCONCLUSIVE", "FLAKY", "ERROR")

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;max-width:1180px;margin:0 auto;padding:0 16px 40px;color:#1f2328}
h1{margin:18px 0 4px}h2{margin-top:30px;border-bottom:1px solid #d0d7de}h3{margin:4px 0}
h4{margin:14px 0 4px}table{border-collapse:collapse}td,th{padding:3px 8px;text-align:left;
vertical-align:top;border-bottom:1px solid #eaeef2}.muted{color:#6e7781}code,pre{font-size:12px;
background:#f6f8fa;padding:1px 4px;white-space:pre-wrap;word-break:break-word}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;
margin:1px 2px;white-space:nowrap}.badge.zero{opacity:.35}
.v-HOLDS{background:#1a7f37}.v-VIOLATED{background:#cf222e}.v-HOLLOW{background:#a40e26}
.v-INCONCLUSIVE{background:#9a6700}.v-FLAKY{background:#bc4c00}.v-ERROR{background:#8250df}
.v-OTHER{background:#57606a}.s-good{background:#1a7f37}.s-bad{background:#cf222e}.s-muted{background:#8c959f}
.s-warn{background:#9a6700}.cards{display:flex;gap:14px;flex-wrap:wrap;margin-bottom:12px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px}.big{font-size:22px;font-weight:600}
.claim{border-top:2px solid #d0d7de;margin-top:26px;padding-top:6px}.cite{color:#57606a;margin:2px 0}
.statement{font-style:italic}.facts th{width:110px;color:#57606a}.evidence{display:flex;gap:18px;
flex-wrap:wrap;align-items:flex-start}.evidence figure{margin:6px 0}.reference{flex:1;min-width:240px;
max-width:420px;background:#f6f8fa;border-left:4px solid #8c959f;padding:4px 12px;margin-top:8px}
.chart text,.bar text,.trend text{font:11px system-ui,sans-serif}.chart .tick,.bar .tick{fill:#57606a}
.chart .ctitle{font-weight:600}th button{font:inherit;font-weight:600;border:0;background:none;
cursor:pointer;padding:0}th[aria-sort=ascending] button::after{content:" ▲"}
th[aria-sort=descending] button::after{content:" ▼"}#claims tr:hover{background:#f6f8fa}
.controls{margin:8px 0}.controls label{margin-right:14px}.fit{color:#57606a;font-size:13px}
"""

_JS = """
(function () {
  var table = document.getElementById("claims");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var verdict = document.getElementById("filter-verdict");
  var paper = document.getElementById("filter-paper");
  var shown = document.getElementById("shown");
  function apply() {
    var n = 0;
    rows.forEach(function (row) {
      var ok = (!verdict.value || row.getAttribute("data-verdict") === verdict.value) &&
               (!paper.value || row.getAttribute("data-paper") === paper.value);
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " claims shown";
  }
  verdict.addEventListener("change", apply);
  paper.addEventListener("change", apply);
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var numeric = th.getAttribute("data-type") === "num";
      rows.slice().sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-sort"), y = b.cells[col].getAttribute("data-sort");
        if (numeric) {
          x = parseFloat(x); y = parseFloat(y);
          x = isNaN(x) ? -Infinity : x; y = isNaN(y) ? -Infinity : y;
          return dir * (x < y ? -1 : x > y ? 1 : 0);
        }
        return dir * x.localeCompare(y);
      }).forEach(function (row) { body.appendChild(row); });
    });
  });
  apply();
})();
"""


def script_hash() -> str:
    """The CSP source of the page's one script."""
    return "sha256-" + base64.b64encode(hashlib.sha256(_JS.encode("utf-8")).digest()).decode("ascii")


def _papers(records: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    papers: dict[str, list[Mapping[str, Any]]] = {}
    for r in records:
        papers.setdefault(str((r.get("paper") or {}).get("key", "?")), []).append(r)
    return papers


def _counts(records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        counts[str(r.get("verdict"))] = counts.get(str(r.get("verdict")), 0) + 1
    return counts


def _badges(counts: Mapping[str, int], *, zeros: bool) -> str:
    order = [v for v in VERDICT_ORDER if v in counts or zeros] + sorted(set(counts) - set(VERDICT_ORDER))
    out = []
    for v in order:
        n = counts.get(v, 0)
        cls = v if v in VERDICT_COLOURS else "OTHER"
        zero = " zero" if n == 0 else ""
        out.append(f'<span class="badge v-{cls}{zero}">{e(n)} {e(v)}</span>')
    return "".join(out)


def _killed(records: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    statuses = [m.get("status") for r in records for m in r.get("mutants") or []]
    return statuses.count("killed"), statuses.count("killed") + statuses.count("survived")


def mutants_cell(r: Mapping[str, Any]) -> str:
    mutants = r.get("mutants") or []
    killed, scored = _killed([r])
    if r.get("verdict") != "HOLDS":
        return f"unscored ({len(mutants)})"
    return f"{killed}/{scored}" + (f" of {len(mutants)}" if scored != len(mutants) else "")


def _summary(document: Mapping[str, Any]) -> str:
    s = document.get("summary") or {}
    records = document.get("claims") or []
    verdicts = dict(s.get("verdicts") or _counts(records))
    score = s.get("mutation_score")
    iv = s.get("mutation_score_interval")
    m = s.get("mutants") or {}
    score_text = "n/a" if score is None else f"{score:.2f}"
    if iv:
        score_text += f" (95% CI {iv[0]:.2f}–{iv[1]:.2f})"
    detail = (
        f"{m.get('killed', 0)} killed, {m.get('survived', 0)} survived, {m.get('not_viable', 0)} not viable, "
        f"{m.get('unscored', 0)} unscored of {m.get('declared', 0)} declared"
    )
    cards = [
        f"<div class='card'><div class='big'>{e(s.get('claims', len(records)))} claims</div>"
        f"{_badges(verdicts, zeros=True)}</div>",
        f"<div class='card'><div class='big'>mutation score {e(score_text)}</div>{e(detail)}</div>",
    ]
    near = s.get("near_miss")
    if isinstance(near, Mapping):
        share = "" if near.get("score") is None else f" ({num(near['score'])})"
        cards.append(
            f"<div class='card'><div class='big'>near misses {e(near.get('claims', 0))}/"
            f"{e(near.get('scored', 0))}{e(share)}</div>claims whose nearest killed mutant lies within 5 "
            "interval half-widths of its region</div>"
        )
    p = document.get("provenance") or {}
    versions = p.get("versions") or {}
    run_of = ", ".join(f"{k} {versions[k]}" for k in ("theorycheck", "torch", "python") if k in versions)
    cards.append(
        f"<div class='card'><div class='big'>commit {e(str(p.get('git_commit') or 'unknown')[:10])}</div>"
        f"tier {e(document.get('tier', ''))}, seed {e(document.get('session_seed', ''))}; {e(run_of)}; "
        f"{e(p.get('cpus', '?'))} CPUs <a href='#provenance'>provenance</a></div>"
    )
    fdr = s.get("suite_fdr") or {}
    if verdicts.get("VIOLATED"):
        cards.append(
            f"<div class='card'>{e(len(fdr.get('survive', [])))} of {e(verdicts['VIOLATED'])} VIOLATED "
            f"survive Benjamini-Hochberg at q={e(fdr.get('q', 0.05))}</div>"
        )
    return "<div class='cards'>" + "".join(cards) + "</div>"


def _paper_table(papers: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    rows = []
    for key, records in papers.items():
        paper = records[0].get("paper") or {}
        killed, scored = _killed(records)
        seconds = sum(float(r.get("seconds") or 0) for r in records)
        title = paper.get("title") or ""
        rows.append(
            f"<tr><td><a href='#paper-{slug(key)}'>{e(key)}</a></td><td>{e(title)}"
            f"<div class='muted'>{e(paper.get('citation', ''))}</div></td><td>{len(records)}</td>"
            f"<td>{_badges(_counts(records), zeros=False)}</td><td>{killed}/{scored}</td>"
            f"<td>{seconds:.0f}</td></tr>"
        )
    return (
        "<table class='list'><tr><th>paper</th><th>title</th><th>claims</th><th>verdicts</th>"
        f"<th>mutants killed</th><th>seconds</th></tr>{''.join(rows)}</table>"
    )


def _provenance(document: Mapping[str, Any]) -> str:
    p = document.get("provenance") or {}
    versions = ", ".join(f"{k} {v}" for k, v in sorted((p.get("versions") or {}).items()))
    rows = [
        ("commit", p.get("git_commit") or "unknown"),
        ("tier", document.get("tier", "")),
        ("session seed", document.get("session_seed", p.get("session_seed", ""))),
        ("versions", versions or "unknown"),
        ("machine", f"{p.get('machine', '?')} ({p.get('processor', '?')}, {p.get('cpus', '?')} CPUs)"),
        ("schema", document.get("schema_version", "")),
    ]
    body = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return f"<table class='facts'>{body}</table>"


def _claims_table(records: Sequence[Mapping[str, Any]], papers: Sequence[str]) -> str:
    present = [v for v in VERDICT_ORDER if any(r.get("verdict") == v for r in records)]
    present += sorted({str(r.get("verdict")) for r in records} - set(VERDICT_ORDER))
    verdict_opts = "".join(f"<option value='{e(v)}'>{e(v)}</option>" for v in present)
    paper_opts = "".join(f"<option value='{e(p)}'>{e(p)}</option>" for p in papers)
    controls = (
        "<div class='controls'><label>verdict <select id='filter-verdict'><option value=''>all</option>"
        f"{verdict_opts}</select></label><label>paper <select id='filter-paper'><option value=''>all"
        f"</option>{paper_opts}</select></label><span id='shown' class='muted'></span></div>"
    )
    heads = [("claim", "text"), ("paper", "text"), ("kind", "text"), ("verdict", "text")]
    heads += [("measured [CI]", "num"), ("mutants killed", "num"), ("seconds", "num")]
    head = "".join(f"<th data-type='{t}'><button type='button'>{e(h)}</button></th>" for h, t in heads)
    rows = []
    for r in records:
        cid = str(r.get("id", ""))
        key = str((r.get("paper") or {}).get("key", "?"))
        killed, scored = _killed([r])
        est = r.get("estimate")
        cells = [
            (cid, f"<a href='#{anchor(cid)}'>{e(cid)}</a>"),
            (key, e(key)),
            (str(r.get("kind") or ""), e(r.get("kind") or "")),
            (str(r.get("verdict")), badge(r.get("verdict"))),
            (repr(float(est)) if isinstance(est, (int, float)) else "", e(measured(r))),
            (str(killed / scored) if scored else "", e(mutants_cell(r))),
            (str(float(r.get("seconds") or 0)), e(num(r.get("seconds")))),
        ]
        tds = "".join(f"<td data-sort='{e(s)}'>{h}</td>" for s, h in cells)
        rows.append(f"<tr data-verdict='{e(r.get('verdict'))}' data-paper='{e(key)}'>{tds}</tr>")
    return (
        f"{controls}<table id='claims' class='list'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render_html(document: Mapping[str, Any], past: Sequence[Mapping[str, Any]] = ()) -> str:
    """The whole page; ``past`` is the run history (history.jsonl entries) for the per-claim trends."""
    records = list(document.get("claims") or [])
    papers = _papers(records)
    by_claim = history.trajectories(past)
    csp = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '{script_hash()}'"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>theorycheck claim status</title><style>{_CSS}</style></head><body>",
        f"<h1>Claim status</h1><p class='muted'>tier {e(document.get('tier', ''))}, "
        f"session seed {e(document.get('session_seed', ''))}</p>",
        "<h2 id='summary'>Summary</h2>",
        _summary(document),
        "<h3>Papers</h3>",
        _paper_table(papers),
        "<h3 id='provenance'>Provenance</h3>",
        _provenance(document),
        "<h2 id='claims-table'>Claims</h2>",
        _claims_table(records, list(papers)),
    ]
    for key, group in papers.items():
        paper = group[0].get("paper") or {}
        title = f": {paper['title']}" if paper.get("title") else ""
        parts.append(f"<h2 id='paper-{slug(key)}'>{e(key)}{e(title)}</h2>")
        parts += [claim_section(r, by_claim.get(str(r.get("id")), [])) for r in group]
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts) + "\n"
