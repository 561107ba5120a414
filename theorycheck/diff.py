"""Comparing two results files: what got worse, what got better (``theorycheck diff``).

What "worse" means for a claim, for every pair of verdicts BASE -> HEAD:

- a claim that HOLDS in BASE and has any other verdict in HEAD got worse
  (INCONCLUSIVE and FLAKY lost the evidence, VIOLATED/HOLLOW/ERROR fail);
- a claim that fails in HEAD (VIOLATED, HOLLOW: it held on a control as
  well, ERROR: the harness broke) got worse unless BASE recorded that same
  failure: a new failure, or one failure turned into another, is a finding
  that someone must look at before the baseline accepts it;
- anything else (INCONCLUSIVE <-> FLAKY, a failure that became undecided or
  holds) is a change, reported but not a regression.

A mutant got worse when BASE killed it and HEAD, with its claim still
holding, does not (survived, not viable because it errored, or the mutant is
gone; not viable because a precondition alone decides it is a change); when the
claim no longer holds its mutants are unscored and the claim's own change is
the regression (a mutant whose verdict did not change is not listed then). A
control (a setting where the claim must not hold) got worse when HEAD holds on
it and BASE did not. A claim of BASE missing from
HEAD is a regression; a claim new in HEAD is one only when it fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FAILURES = frozenset({"VIOLATED", "HOLLOW", "ERROR"})
# not viable because the declaration decides the mutant (a precondition alone, or the claim's own verdict:
# a region disjoint from the claim's on its statistic), not the run, so a baseline that counted it killed
# changed its bookkeeping, not its evidence
DECIDED = "not_viable: decided by the declaration"
KNOWN = frozenset({"HOLDS", "INCONCLUSIVE", "FLAKY"}) | FAILURES


@dataclass(frozen=True)
class Change:
    """One difference between BASE and HEAD for a claim or one of its mutants or controls."""

    claim_id: str
    what: str
    base: str
    head: str
    regression: bool


def fails(verdict: str) -> bool:
    """VIOLATED, HOLLOW, ERROR, or a verdict this version does not know."""
    return verdict in FAILURES or verdict not in KNOWN


def claim_got_worse(base: str, head: str) -> bool:
    """The rule above for one claim's verdict pair."""
    if base == head:
        return False
    return base == "HOLDS" or fails(head)


def _status(record: Mapping[str, Any], mutant: Mapping[str, Any]) -> str:
    """killed / survived / not_viable / unscored, from the verdicts (a stored status is not trusted),
    as :func:`theorycheck.records.mutant_status` gives it: not viable when the mutant errored or the
    declaration decides it (a precondition, or the claim's own verdict), unscored when the claim does
    not hold."""
    if mutant.get("not_viable_because"):
        return DECIDED
    if mutant["verdict"] == "ERROR":
        return "not_viable"
    if record["verdict"] != "HOLDS":
        return "unscored"
    return "killed" if mutant["verdict"] == "VIOLATED" else "survived"


def _mutants(record: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """name -> (verdict, status)."""
    return {m["name"]: (m["verdict"], _status(record, m)) for m in record.get("mutants", [])}


def _controls(record: Mapping[str, Any]) -> dict[str, str]:
    return {c["name"]: c["verdict"] for c in record.get("controls") or []}


def _mutant_changes(claim_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes = []
    old_m, new_m = _mutants(old), _mutants(new)
    for name in sorted(old_m | new_m):
        before, after = old_m.get(name), new_m.get(name)
        if before == after or _only_rescored(before, after):
            continue
        b = "absent" if before is None else f"{before[0]} ({before[1]})"
        a = "absent" if after is None else f"{after[0]} ({after[1]})"
        lost = before is not None and before[1] == "killed" and (after is None or after[1] != "killed")
        worse = (
            lost and (after is None or after[1] not in ("unscored", DECIDED)) and new["verdict"] == "HOLDS"
        )
        changes.append(Change(claim_id, f"mutant {name}", b, a, worse))
    return changes


def _only_rescored(before: tuple[str, str] | None, after: tuple[str, str] | None) -> bool:
    """Same mutant verdict, killed <-> unscored only because the claim's verdict changed: the claim's
    own row says it, a row per mutant would only repeat it."""
    if before is None or after is None or before[0] != after[0]:
        return False
    return {before[1], after[1]} == {"killed", "unscored"}


def _control_changes(claim_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes = []
    old_c, new_c = _controls(old), _controls(new)
    for name in sorted(old_c | new_c):
        before, after = old_c.get(name, "absent"), new_c.get(name, "absent")
        if before == after:
            continue
        worse = (after == "HOLDS" and before != "HOLDS") or (after == "absent" and before != "HOLDS")
        changes.append(Change(claim_id, f"control {name}", before, after, worse))
    return changes


def compare(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[Change]:
    """Changes from ``base`` to ``head``, regressions flagged (rules in the module docstring)."""
    base_claims = {c["id"]: c for c in base["claims"]}
    head_claims = {c["id"]: c for c in head["claims"]}
    changes: list[Change] = []
    for claim_id in sorted(base_claims | head_claims):
        old, new = base_claims.get(claim_id), head_claims.get(claim_id)
        if new is None:
            assert old is not None
            changes.append(Change(claim_id, "claim", old["verdict"], "absent", True))
            continue
        if old is None:
            changes.append(Change(claim_id, "claim", "absent", new["verdict"], fails(new["verdict"])))
            continue
        if old["verdict"] != new["verdict"]:
            changes.append(
                Change(
                    claim_id,
                    "claim",
                    old["verdict"],
                    new["verdict"],
                    claim_got_worse(old["verdict"], new["verdict"]),
                )
            )
        changes += _mutant_changes(claim_id, old, new)
        changes += _control_changes(claim_id, old, new)
    return changes


def tier_note(base: Mapping[str, Any], head: Mapping[str, Any]) -> str | None:
    """A warning when the two files come from different tiers (their verdicts are not comparable)."""
    if base.get("tier") != head.get("tier"):
        return f"note: BASE is tier {base.get('tier')!r} and HEAD tier {head.get('tier')!r}"
    return None
