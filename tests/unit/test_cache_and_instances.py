"""Unit tests of the measurement cache (atomic, checksummed) and instance JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from theorycheck import Measurement
from theorycheck.cache import Cache, source_digest, unit_key
from theorycheck.catalogue import ensure_importable, isolated_catalogue, load_module
from theorycheck.instances import describe, from_json, to_json


@dataclass(frozen=True)
class Pair:
    a: int
    b: tuple[int, ...]


def _m() -> Measurement:
    return Measurement.one(series={"loss": ([1, 2, 3], [1.0, 0.5, 0.33])}, scalars={"acc": 0.9})


def test_cache_roundtrip_and_counts(tmp_path: Path):
    cache = Cache(tmp_path)
    key = unit_key({"claim": "x/y", "seed": 1})
    assert cache.get(key) is None
    cache.put(key, _m(), {"claim": "x/y"})
    assert cache.get(key) == _m()
    assert (cache.hits, cache.misses) == (1, 1)


@pytest.mark.parametrize("damage", ["truncate", "flip", "halve", "garbage"])
def test_corrupt_cache_entries_are_detected(tmp_path: Path, damage: str):
    cache = Cache(tmp_path)
    key = unit_key({"k": damage})
    cache.put(key, _m(), {})
    path = next(tmp_path.rglob("*.json"))
    text = path.read_text()
    if damage == "truncate":
        path.write_text(text[:-10])
    elif damage == "flip":
        path.write_text(text.replace("0.5", "0.6"))
    elif damage == "halve":
        path.write_text(text[: len(text) // 2])
    else:
        path.write_text("not json at all")
    with pytest.warns(UserWarning, match="corrupt cache entry"):
        assert cache.get(key, "x/y seed 1") is None
    assert cache.corrupt == 1


@pytest.fixture
def isolated_imports() -> Iterator[None]:
    """Restore sys.path and every ``claims`` module after a test that imports another catalogue."""
    with isolated_catalogue():
        yield


def _drop_claim_modules() -> None:
    for name in [m for m in sys.modules if m.startswith("claims.")]:
        del sys.modules[name]


def test_source_digest_follows_imported_helpers(toy_root: Path, isolated_imports: None):
    ensure_importable(toy_root)
    before = source_digest(load_module("toy2024/true_rate", toy_root))
    shared = toy_root / "claims" / "toy2024" / "_shared.py"
    shared.write_text(shared.read_text() + "\n# edited helper\n")
    _drop_claim_modules()
    after = source_digest(load_module("toy2024/true_rate", toy_root))
    assert before != after


def test_instance_json_roundtrip():
    pair = Pair(a=3, b=(1, 2))
    data = to_json(pair)
    assert json.loads(json.dumps(data)) == data
    assert from_json(data) == pair
    assert "Pair(a=3" in describe(pair)
    with pytest.raises(TypeError):
        to_json(object())


def test_source_digest_ignores_sibling_claims(toy_root: Path, isolated_imports: None):
    ensure_importable(toy_root)
    shared = sys.modules.get("claims.toy2024._shared") or load_module("toy2024/true_rate", toy_root)
    before = source_digest(sys.modules["claims.toy2024._shared"])
    load_module("toy2024/false_rate", toy_root)
    assert shared is not None and source_digest(sys.modules["claims.toy2024._shared"]) == before
