"""The record cache: keys follow what a claim imports, entries are checksummed, errors never stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from theorycheck.result_cache import RecordCache, record_key, static_digest


def _catalogue(root: Path) -> None:
    for package in ("claims", "claims/p2024", "models", "tasks"):
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text("")
    (root / "claims/p2024/_shared.py").write_text("from tasks.data import draw\n")
    (root / "claims/p2024/one.py").write_text("from . import _shared\nfrom models.net import Net\n")
    (root / "models/net.py").write_text("class Net: ...\n")
    (root / "models/other.py").write_text("class Other: ...\n")
    (root / "tasks/data.py").write_text("def draw(): ...\n")


@pytest.mark.parametrize(
    "edited", ["claims/p2024/one.py", "claims/p2024/_shared.py", "models/net.py", "tasks/data.py"]
)
def test_an_edit_anywhere_the_claim_reaches_changes_the_digest(tmp_path: Path, edited: str):
    _catalogue(tmp_path)
    before = static_digest(tmp_path, "claims.p2024.one")
    with (tmp_path / edited).open("a") as handle:
        handle.write("# edited\n")
    assert static_digest(tmp_path, "claims.p2024.one") != before


def test_an_unrelated_module_leaves_the_digest(tmp_path: Path):
    _catalogue(tmp_path)
    before = static_digest(tmp_path, "claims.p2024.one")
    (tmp_path / "models/other.py").write_text("class Other: pass  # edited\n")
    assert static_digest(tmp_path, "claims.p2024.one") == before


def test_the_key_follows_tier_seed_options_and_stored_counterexamples(tmp_path: Path):
    _catalogue(tmp_path)
    store = tmp_path / "reports" / "counterexamples"

    def key(**changes: object) -> str:
        args: dict = {"tier": "default", "session_seed": 0, "counterexamples": store, "options": {"t": 1}}
        args.update(changes)
        return record_key(tmp_path, "p2024/one", **args)

    base = key()
    assert len({base, key(tier="full"), key(session_seed=1), key(options={"t": 2})}) == 4
    (store / "p2024").mkdir(parents=True)
    (store / "p2024" / "one.json").write_text("[]")
    assert key() != base


def test_a_stored_record_comes_back_served_from_the_cache(tmp_path: Path):
    cache = RecordCache(tmp_path)
    record = {"id": "p/c", "verdict": "HOLDS", "seconds": 12.5, "units": {"done": 6, "cached": 2, "error": 0}}
    cache.put("ab" * 32, record)
    served = cache.get("ab" * 32)
    assert served is not None
    assert served["verdict"] == "HOLDS" and served["seconds"] == 0.0
    assert served["units"] == {"done": 0, "cached": 8, "error": 0}
    assert cache.get("cd" * 32) is None


def test_an_error_record_is_never_stored(tmp_path: Path):
    cache = RecordCache(tmp_path)
    cache.put("ab" * 32, {"verdict": "ERROR", "units": {}})
    assert cache.get("ab" * 32) is None and not list(tmp_path.rglob("*.json"))


@pytest.mark.parametrize("damage", ["truncate", "tamper"])
def test_a_corrupt_entry_is_a_miss_with_a_warning(tmp_path: Path, damage: str):
    cache = RecordCache(tmp_path)
    cache.put("ab" * 32, {"verdict": "HOLDS", "units": {}})
    (path,) = tmp_path.rglob("*.json")
    if damage == "truncate":
        path.write_text(path.read_text()[:20])
    else:
        doc = json.loads(path.read_text())
        doc["record"]["verdict"] = "VIOLATED"
        path.write_text(json.dumps(doc))
    with pytest.warns(UserWarning, match="corrupt record cache entry"):
        assert cache.get("ab" * 32) is None


def test_the_presentation_modules_left_out_of_the_key_exist():
    from theorycheck import result_cache

    here = Path(result_cache.__file__).parent
    assert all((here / name).is_file() for name in result_cache.PRESENTATION_MODULES)
