"""The results file, reports/claims.json: schema, building, loading, comparing.

Timing and provenance live in named fields (``seconds``, ``units``,
``provenance``, ``run``) that :func:`comparable` strips, so two runs with the
same seed and tier give identical comparable documents (R-9).
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import instances
from .atomic import write_text_atomic
from .cache import library_versions
from .errors import CorruptFileError
from .outcomes import ClaimResult
from .verdict import Judgement, Verdict

SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)  # 2 added HOLLOW, controls, replays, search, fit, mutant distance, near_miss
VOLATILE = ("seconds", "units", "provenance", "run")
CORRECTION = "Bonferroni over looks; Holm over instances within a claim (family-wise level alpha per claim)"


NEAR_MISS = 5.0  # a killed mutant this many interval half-widths from its region, or closer, is a near miss


def _judgement_fields(j: Judgement | None) -> dict[str, Any]:
    if j is None:
        return {
            "statistic": None,
            "estimate": None,
            "interval": None,
            "region": None,
            "p_violation": None,
            "fit": None,
            "per_seed": [],
        }
    data = j.to_json()
    keys = ("statistic", "estimate", "interval", "region", "p_violation", "fit", "per_seed")
    return {k: data[k] for k in keys}


def mutant_status(claim_verdict: str, mutant_verdict: str, decided_by: str | None = None) -> str:
    """killed / survived / not_viable / unscored (VERDICTS 2.3).

    Not viable: the mutant errored, or a precondition of the claim decides it
    alone (its region is disjoint from the precondition's), or the claim's own
    verdict does (its region is disjoint from the claim's on the same statistic).
    """
    if decided_by is not None or mutant_verdict == Verdict.ERROR.value:
        return "not_viable"
    if claim_verdict != Verdict.HOLDS.value:
        return "unscored"
    if mutant_verdict == Verdict.VIOLATED.value:
        return "killed"
    return "survived"


def claim_record(result: ClaimResult) -> dict[str, Any]:
    """The JSON record of one claim's result."""
    claim = result.claim
    record: dict[str, Any] = {
        "id": result.claim_id,
        "tier": result.tier,
        "verdict": result.verdict.value,
        "reason": result.reason,
    }
    if claim is not None:
        p = claim.paper
        record.update(
            {
                "paper": {
                    "key": p.key,
                    "title": p.title,
                    "authors": list(p.authors),
                    "year": p.year,
                    "arxiv": p.arxiv,
                    "venue": p.venue,
                    "citation": p.cite(),
                },
                "theorem": claim.theorem,
                "statement": claim.statement,
                "kind": claim.prediction.kind,
                "prediction": {"text": claim.prediction.describe(), "latex": claim.prediction.latex()},
                "reference": {
                    "where": claim.reference.where,
                    "value": claim.reference.value,
                    "setting": claim.reference.setting,
                },
                "gaps": list(claim.gaps),
                "requires": [pre.describe() for pre in claim.requires],
                "alpha": claim.alpha,
                "correction": CORRECTION,
            }
        )
    else:
        paper_key = result.claim_id.split("/")[0]
        record.update(
            {
                "paper": {
                    "key": paper_key,
                    "title": "",
                    "authors": [],
                    "year": None,
                    "arxiv": "",
                    "venue": "",
                    "citation": paper_key,
                },
                "theorem": "",
                "statement": "",
                "kind": "",
                "prediction": {"text": "", "latex": ""},
                "reference": None,
                "gaps": [],
                "requires": [],
                "alpha": None,
                "correction": CORRECTION,
            }
        )
    record.update(_judgement_fields(result.judgement))
    record["seeds"] = sum(i.seeds for i in result.instances)
    record["instances"] = [
        {
            "instance": instances.to_json(i.instance),
            "description": instances.describe(i.instance),
            "verdict": i.claim.verdict.value,
            "reason": i.claim.reason,
            "seeds": i.seeds,
            **_judgement_fields(i.claim),
            "mutants": {name: j.verdict.value for name, j in i.mutants.items()},
        }
        for i in result.instances
    ]
    mutants = []
    if claim is not None:
        # judging and the claim module's helpers (sympy, Hypothesis) only when a claim ran here:
        # a record served from the cache, or an error record, needs neither
        from .claim import decided_by_precondition, implied_by_claim
        from .judging import distance, far_beyond_scale

        for m in claim.mutants:
            j = result.mutants.get(m.name)
            verdict = j.verdict.value if j is not None else Verdict.ERROR.value
            decided_by = decided_by_precondition(m.prediction, claim.requires) or implied_by_claim(
                m.prediction, claim.prediction
            )
            away = None if j is None else distance(j)
            mutants.append(
                {
                    "name": m.name,
                    "why": m.why,
                    "kind": m.prediction.kind,
                    "prediction": {"text": m.prediction.describe(), "latex": m.prediction.latex()},
                    "verdict": verdict,
                    "status": mutant_status(result.verdict.value, verdict, decided_by),
                    "not_viable_because": decided_by,
                    "distance": None if away is None else round(away, 6),
                    "far_beyond_scale": j is not None and far_beyond_scale(j),
                    **_judgement_fields(j),
                }
            )
    record["mutants"] = mutants
    record["controls"] = [
        {
            "name": c.name,
            "why": c.why,
            "verdict": c.judgement.verdict.value,
            "reason": c.judgement.reason,
            **_judgement_fields(c.judgement),
        }
        for c in result.controls
    ]
    record["replays"] = [
        {
            "instance": instances.to_json(r.instance),
            "verdict": r.judgement.verdict.value,
            "reason": r.judgement.reason,
            **_judgement_fields(r.judgement),
        }
        for r in result.replays
    ]
    record["search"] = (
        None
        if result.search is None
        else {
            "screened": result.search.screened,
            "judged": result.search.judged,
            "nearest_slack": None
            if result.search.nearest_slack is None
            else round(result.search.nearest_slack, 9),
        }
    )
    record["confirmation"] = (
        None
        if result.confirmation is None
        else {
            "verdict": result.confirmation.verdict.value,
            "seeds": result.confirmation.seeds,
            **_judgement_fields(result.confirmation),
        }
    )
    record["counterexample"] = (
        None if result.counterexample is None else instances.to_json(result.counterexample)
    )
    shown = next((i for i in result.instances if i.claim is result.judgement), None)
    record["measurement"] = (
        None if shown is None or shown.measurement is None else shown.measurement.to_json()
    )
    record["seconds"] = round(result.seconds, 3)
    record["units"] = dict(result.units)
    return record


def error_record(claim_id: str, tier: str, reason: str) -> dict[str, Any]:
    """A record for a claim that produced no result (worker lost, missing)."""
    result = ClaimResult(claim_id=claim_id, claim=None, tier=tier, verdict=Verdict.ERROR, reason=reason)
    return claim_record(result)


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> list[float] | None:
    """Exact binomial interval of k successes out of n."""
    if n == 0:
        return None
    if n <= EXACT_BY_SPECIAL and confidence == 0.95:
        return _clopper_pearson_special(k, n, confidence)
    from scipy import stats

    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    return [round(float(ci.low), 6), round(float(ci.high), 6)]


# Up to this many mutants the interval is computed from the beta quantiles (scipy.special) instead of
# scipy.stats.binomtest's root finding, which imports scipy.stats (a second or more at the end of every
# run, warm ones included): the two agree to the six digits kept for every 0 <= k <= n <= 250 (checked
# exhaustively); larger counts, or another confidence, still go to scipy.stats.
EXACT_BY_SPECIAL = 250


def _clopper_pearson_special(k: int, n: int, confidence: float) -> list[float]:
    from scipy import special

    alpha = (1 - confidence) / 2
    low = 0.0 if k == 0 else float(special.betaincinv(k, n - k + 1, alpha))
    high = 1.0 if k == n else float(special.betainccinv(k + 1, n - k, alpha))
    return [round(low, 6), round(high, 6)]


def summary(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts by verdict and the mutation score with its Clopper-Pearson interval."""
    records = list(records)
    verdicts = Counter(r["verdict"] for r in records)
    statuses = Counter(m["status"] for r in records for m in r["mutants"])
    killed, survived = statuses["killed"], statuses["survived"]
    viable = killed + survived
    scored = [r for r in records if r["verdict"] == Verdict.HOLDS.value]
    near = [
        r["id"]
        for r in scored
        if any(
            m["status"] == "killed"
            and m.get("distance") is not None
            and m["distance"] <= NEAR_MISS
            and not m.get("far_beyond_scale", False)
            for m in r["mutants"]
        )
    ]
    return {
        "claims": len(records),
        "verdicts": {v.value: verdicts.get(v.value, 0) for v in Verdict},
        "suite_fdr": suite_fdr(records),
        "mutants": {
            "declared": sum(len(r["mutants"]) for r in records),
            "killed": killed,
            "survived": survived,
            "not_viable": statuses["not_viable"],
            "unscored": statuses["unscored"],
        },
        "mutation_score": round(killed / viable, 6) if viable else None,
        "mutation_score_interval": clopper_pearson(killed, viable),
        "near_miss": {
            "claims": len(near),
            "scored": len(scored),
            "score": round(len(near) / len(scored), 6) if scored else None,
            "within_half_widths": NEAR_MISS,
        },
        "controls": {
            "declared": sum(len(r.get("controls", [])) for r in records),
            "claims_with_controls": sum(bool(r.get("controls")) for r in records),
        },
    }


def suite_fdr(records: Iterable[Mapping[str, Any]], q: float = 0.05) -> dict[str, Any]:
    """Benjamini-Hochberg over the claims' violation p-values (VERDICTS R3).

    Each claim's verdict controls its own family-wise error; across a suite
    of claims the false-discovery rate of VIOLATED verdicts is what a reader
    needs: the adjusted p-values are reported and the VIOLATED claims that
    survive BH at ``q`` are listed (the summary line shows how many).
    """
    judged = [r for r in records if isinstance(r.get("p_violation"), (int, float))]
    if not judged:
        return {"method": "fdr_bh", "q": q, "survive": [], "adjusted": {}}
    adjusted = benjamini_hochberg([float(r["p_violation"]) for r in judged])
    by_id = {r["id"]: round(float(p), 12) for r, p in zip(judged, adjusted, strict=True)}
    survive = sorted(r["id"] for r in judged if r["verdict"] == Verdict.VIOLATED.value and by_id[r["id"]] < q)
    return {"method": "fdr_bh", "q": q, "survive": survive, "adjusted": by_id}


def benjamini_hochberg(pvalues: list[float]) -> np.ndarray:
    """BH-adjusted p-values: ``scipy.stats.false_discovery_control(pvalues, method="bh")`` step for
    step (the same numpy operations, so the same floats) without importing scipy.stats; values
    outside [0, 1] go to scipy.stats, which rejects them."""
    ps = np.asarray(pvalues, dtype=float)
    if not bool(np.all(ps == np.clip(ps, 0.0, 1.0))):
        from scipy import stats

        return np.asarray(stats.false_discovery_control(pvalues, method="bh"))
    if ps.size <= 1:
        return ps
    m = ps.shape[-1]
    order = np.argsort(ps, axis=-1)
    ps = np.take_along_axis(ps, order, axis=-1) * (m / np.arange(1, m + 1, dtype=ps.dtype))
    np.minimum.accumulate(ps[..., ::-1], out=ps[..., ::-1], axis=-1)
    restored = np.empty_like(ps)
    restored[order] = ps
    return np.clip(restored, 0.0, 1.0)


def provenance(session_seed: int) -> dict[str, Any]:
    """Where and with what the run happened (excluded from determinism checks)."""
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {
        "git_commit": commit,
        "versions": library_versions(),
        "machine": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count(),
        "session_seed": session_seed,
    }


def run_document(
    records: Iterable[Mapping[str, Any]],
    *,
    tier: str,
    session_seed: int,
    run: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole claims.json document, records sorted by claim id."""
    ordered = sorted(records, key=lambda r: r["id"])
    return {
        "schema_version": SCHEMA_VERSION,
        "tier": tier,
        "session_seed": session_seed,
        "summary": summary(ordered),
        "claims": ordered,
        "provenance": provenance(session_seed),
        "run": dict(run or {}),
    }


def dumps(document: Mapping[str, Any]) -> str:
    """Canonical JSON text (sorted keys, strict: no NaN)."""
    return json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n"


def write_document(path: Path, document: Mapping[str, Any]) -> None:
    """Write claims.json atomically."""
    write_text_atomic(path, dumps(document))


def load_document(path: Path) -> dict[str, Any]:
    """Read and validate a claims.json; CorruptFileError names what is wrong."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise CorruptFileError(f"cannot read results file {path}: {exc.strerror}") from exc
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise CorruptFileError(f"{path} is not valid JSON (truncated or edited?): {exc}") from exc
    if not isinstance(doc, dict):
        raise CorruptFileError(f"{path}: expected a JSON object at the top level")
    version = doc.get("schema_version")
    if version not in READABLE_VERSIONS:
        readable = ", ".join(map(str, READABLE_VERSIONS))
        raise CorruptFileError(f"{path}: schema_version {version!r}, this theorycheck reads {readable}")
    claims = doc.get("claims")
    if not isinstance(claims, list) or not all(isinstance(c, dict) for c in claims):
        raise CorruptFileError(f"{path}: 'claims' must be a list of records")
    required = ("id", "verdict", "mutants", "paper")
    for i, record in enumerate(claims):
        missing = [k for k in required if k not in record]
        if missing:
            raise CorruptFileError(f"{path}: claim record {i} lacks {missing}")
        if record["verdict"] not in {v.value for v in Verdict}:
            raise CorruptFileError(
                f"{path}: claim {record['id']!r} has unknown verdict {record['verdict']!r}"
            )
    return doc


def _reject_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name}")


def comparable(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document without timing and provenance fields (what must be identical across runs)."""
    out = {k: v for k, v in document.items() if k not in VOLATILE}
    out["claims"] = [{k: v for k, v in c.items() if k not in VOLATILE} for c in document.get("claims", [])]
    return out


def is_finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)
