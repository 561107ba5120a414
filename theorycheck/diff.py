"""Comparing two results files: what got worse, what got better (``theorycheck diff``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """One difference between BASE and HEAD for a claim or one of its mutants."""

    claim_id: str
    what: str
    base: str
    head: str
    regression: bool


def _mutants(record: Mapping[str, Any]) -> dict[str, str]:
    return {m["name"]: m["verdict"] for m in record.get("mutants", [])}


def compare(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[Change]:
    """Changes from ``base`` to ``head``, regressions flagged.

    A regression: a claim that held no longer holds, a claim now errors, a
    claim of BASE is gone from HEAD, or a mutant rejected in BASE survives.
    """
    base_claims = {c["id"]: c for c in base["claims"]}
    head_claims = {c["id"]: c for c in head["claims"]}
    changes: list[Change] = []
    for claim_id in sorted(base_claims | head_claims):
        old, new = base_claims.get(claim_id), head_claims.get(claim_id)
        if new is None:
            changes.append(Change(claim_id, "claim", old["verdict"] if old else "-", "absent", True))
            continue
        if old is None:
            changes.append(Change(claim_id, "claim", "absent", new["verdict"], new["verdict"] == "ERROR"))
            continue
        if old["verdict"] != new["verdict"]:
            worse = (old["verdict"] == "HOLDS") or new["verdict"] == "ERROR"
            changes.append(Change(claim_id, "claim", old["verdict"], new["verdict"], worse))
        old_m, new_m = _mutants(old), _mutants(new)
        for name in sorted(old_m | new_m):
            before, after = old_m.get(name, "absent"), new_m.get(name, "absent")
            if before != after:
                changes.append(
                    Change(
                        claim_id,
                        f"mutant {name}",
                        before,
                        after,
                        before == "VIOLATED" and after != "VIOLATED",
                    )
                )
    return changes
