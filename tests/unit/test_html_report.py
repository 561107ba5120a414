"""index.html from hand-made records: summary, table, claim sections, figures, new fields, escaping."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from report_records import document, exponential_record, hollow_record, rate_record, record

from theorycheck.figures import display_fit, parse_statistic, rate_chart
from theorycheck.history import append_history, entries_of
from theorycheck.html_report import render_html
from theorycheck.report import write_reports

EVIL = "<script>alert(1)</script>"


def _section(page: str, claim_id: str) -> str:
    anchor = "claim-" + re.sub(r"[^A-Za-z0-9_-]", "-", claim_id)
    start = page.index(f"<section class='claim' id='{anchor}'>")
    return page[start : page.index("</section>", start)]


def test_summary_has_badges_score_near_miss_papers_and_provenance():
    doc = document(
        rate_record(),
        hollow_record(),
        record("other2024/x", "INCONCLUSIVE", {"m": "VIOLATED"}),
        near_miss={"claims": 1, "scored": 1, "score": 1.0},
    )
    doc["provenance"]["git_commit"] = "abc123def"
    page = render_html(doc)
    summary = page[page.index("id='summary'") : page.index("id='claims-table'")]
    assert '<span class="badge v-HOLDS">1 HOLDS</span>' in summary
    assert '<span class="badge v-INCONCLUSIVE">1 INCONCLUSIVE</span>' in summary
    assert "mutation score" in summary and "95% CI" in summary
    assert "near misses 1/1" in summary
    assert "toy2024" in summary and "other2024" in summary  # one row per paper
    assert "abc123def" in summary and "session seed" in summary and "torch" in summary


def test_hollow_is_a_failure_colour_and_controls_and_replays_render():
    page = render_html(document(hollow_record()))
    section = _section(page, "toy2024/hollow")
    assert '<span class="badge v-HOLLOW">HOLLOW</span>' in section
    assert ".v-HOLLOW{background:#a40e26}" in page  # the alarm family, not the HOLDS green
    assert "holds on the control" in section and "shuffled_labels" in section
    assert "does not hold" in section and "tiny_model" in section
    assert "Stored counterexamples replayed" in section and "&quot;scale&quot;: 0.7" in section


def test_killed_mutant_is_shown_as_killed_in_the_good_colour():
    page = render_html(document(rate_record()))
    section = _section(page, "toy2024/rate")
    mutants = section[section.index("Mutants") :]
    assert '<span class="badge s-good">killed</span>' in mutants
    assert "v-VIOLATED" not in mutants and "VIOLATED (killed)" not in page
    assert "3.5 half-widths" in mutants and "near miss" in mutants


def test_survived_mutant_is_the_alarm():
    page = render_html(document(record("a2024/x", "HOLDS", {"weak": "INCONCLUSIVE"})))
    assert '<span class="badge s-bad">survived</span>' in page


def test_rate_figure_has_labelled_log_axes_band_prediction_window_and_mutant_line():
    spec = rate_chart(rate_record())
    assert spec is not None
    assert spec.x.log and spec.y.log and spec.x.label == "n" and spec.y.label == "error"
    labels = [layer.label for layer in spec.layers]
    assert "fitted window" in labels and "range over 4 seeds" in labels
    assert "prediction C·B(x), fitted over the window" in labels
    assert "mutant one_over_n (killed)" in labels
    page = render_html(document(rate_record()))
    section = _section(page, "toy2024/rate")
    assert "n (log scale)" in section and "error (log scale)" in section
    assert "The paper reports" in section and "<svg" in section
    assert "Fit: form power" in section


def test_exponential_is_semilog_and_old_records_get_a_display_only_line():
    spec = rate_chart(exponential_record())
    assert spec is not None and not spec.x.log and spec.y.log
    assert any("display only" in layer.label for layer in spec.layers)
    old = rate_chart(rate_record(with_fit=False))
    assert old is not None
    assert "fitted window" not in [layer.label for layer in old.layers]
    assert any("display only" in layer.label for layer in old.layers)


def test_display_fit_uses_the_predicted_exponent():
    xs = [1.0, 10.0, 100.0]
    (x0, y0), (x1, y1) = display_fit("(exponent -1, ±0.1)", xs, [5.0, 0.5, 0.05], power=True)
    assert (x0, x1) == (1.0, 100.0)
    assert abs(y0 - 5.0) < 1e-9 and abs(y1 - 0.05) < 1e-9
    assert display_fit("no numbers here", xs, [1.0, 1.0, 1.0], power=True) == []
    assert parse_statistic("slope of log loss vs log t") is not None
    assert parse_statistic("rel_one - rel_two") is None


def test_scalar_claim_shows_per_seed_values_against_the_region():
    r = record(
        "a2024/scalar",
        "HOLDS",
        kind="threshold",
        statistic="acc",
        estimate=0.9,
        interval=[0.85, 0.95],
        region=[0.8, None],
        per_seed=[0.88, 0.91, 0.93],
    )
    section = _section(render_html(document(r)), "a2024/scalar")
    assert section.count('r="2.5" fill="#888"') == 3  # one dot per seed in the bar
    assert 'class="region"' in section


def test_old_records_without_new_fields_render():
    r = record("a2024/old", "HOLDS", {"m": "VIOLATED"})
    for key in ("per_seed", "fit", "controls", "replays", "search"):
        r.pop(key, None)
    for m in r["mutants"]:
        for key in ("fit", "distance", "not_viable_because", "per_seed"):
            m.pop(key, None)
    doc = document(r)
    for key in ("suite_fdr", "near_miss", "controls"):
        doc["summary"].pop(key, None)
    doc["schema_version"] = 1
    page = render_html(doc)
    assert "a2024/old" in page and "near misses" not in page


def test_new_fields_are_escaped():
    r = hollow_record()
    r["controls"][0]["name"] = EVIL
    r["controls"][0]["why"] = "<img src=x onerror=alert(2)>"
    r["replays"][0]["reason"] = EVIL
    r["replays"][0]["instance"] = {"k": EVIL}
    rate = rate_record(f"toy2024/{EVIL}")
    rate["mutants"][0]["name"] = EVIL
    rate["measurement"]["series"] = {EVIL: rate["measurement"]["series"]["error"]}
    rate["statistic"] = f"slope of log {EVIL} vs log n"
    rate["paper"]["title"] = EVIL
    rate["paper"]["key"] = EVIL
    rate["reference"] = {"where": EVIL, "value": EVIL, "setting": EVIL}
    rate["gaps"] = [EVIL]
    rate["fit"]["form"] = EVIL
    page = render_html(document(r, rate))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count("<script>") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_page_loads_nothing_and_its_script_matches_the_csp_hash():
    page = render_html(document(rate_record(), hollow_record()))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    script = page[page.index("<script>") + len("<script>") : page.index("</script>")]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page


def test_every_claim_row_links_to_its_section():
    page = render_html(document(rate_record(), hollow_record()))
    table = page[page.index("<table id='claims'") : page.index("</table>", page.index("<table id='claims'"))]
    for target in re.findall(r"href='#(claim-[^']+)'", table):
        assert f"id='{target}'" in page
    assert "data-verdict='HOLLOW'" in table and "data-paper='toy2024'" in table


def test_write_reports_draws_the_trend_from_history(tmp_path: Path):
    doc = document(rate_record())
    first = entries_of(doc, run="2025-01-01T00:00:00Z")
    moved = [dict(e, estimate=-0.9, verdict="VIOLATED", run="2025-01-02T00:00:00Z") for e in first]
    append_history(tmp_path / "history.jsonl", first + moved)
    write_reports(doc, tmp_path)
    page = (tmp_path / "index.html").read_text()
    section = _section(page, "toy2024/rate")
    assert "Trend" in section and "2 run(s) in history" in section
    assert "verdict HOLDS -&gt; VIOLATED" in section
    assert (tmp_path / "figures" / "toy2024__rate.svg").read_text().startswith("<svg")


def test_a_free_rate_fit_without_a_curve_gets_a_line_over_its_window():
    r = exponential_record()
    r["prediction"]["text"] = "gap ~ like C*exp(-c*t) in t (form: constant slope of log y against -t, ±0.25)"
    r["statistic"] = "late/early ratio of the slope of log gap vs -t"
    r["fit"] = {"form": "free", "scale": "linear", "window": [1.0, 4.0], "raw_slope": -0.7}
    spec = rate_chart(r)
    assert spec is not None and not spec.x.log and spec.x.label == "t"
    line = next(layer for layer in spec.layers if "over the window (display only)" in layer.label)
    assert [x for x, _ in line.points] == [1.0, 4.0]


def test_a_free_rate_in_a_nonlinear_feature_gets_no_straight_line():
    r = exponential_record()
    r["statistic"] = "late/early ratio of the slope of log gap vs sqrt(t)"
    r["fit"] = {"form": "free", "scale": "linear", "window": [1.0, 4.0], "raw_slope": -0.7}
    spec = rate_chart(r)
    assert spec is not None
    assert not any("display only" in layer.label for layer in spec.layers)
