"""Instances as JSON: what a strategy drew, written so it can be cached and replayed.

Instances are frozen dataclasses (or plain JSON values) whose fields are
JSON values, tuples of them, or nested such dataclasses.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from .errors import CorruptFileError


def to_json(instance: Any) -> Any:
    """Canonical JSON data for ``instance``; raises TypeError for anything else."""
    if dataclasses.is_dataclass(instance) and not isinstance(instance, type):
        cls = type(instance)
        fields = {f.name: to_json(getattr(instance, f.name)) for f in dataclasses.fields(instance)}
        return {"__type__": f"{cls.__module__}:{cls.__qualname__}", **fields}
    if isinstance(instance, (list, tuple)):
        return [to_json(v) for v in instance]
    if isinstance(instance, dict):
        return {str(k): to_json(v) for k, v in sorted(instance.items())}
    if instance is None or isinstance(instance, (bool, int, float, str)):
        return instance
    raise TypeError(f"instance value {instance!r} of type {type(instance).__name__} is not JSON data")


def from_json(data: Any) -> Any:
    """Rebuild an instance from :func:`to_json` data; lists become tuples."""
    if isinstance(data, dict) and "__type__" in data:
        module, _, name = str(data["__type__"]).partition(":")
        try:
            cls = getattr(importlib.import_module(module), name)
            fields = {k: from_json(v) for k, v in data.items() if k != "__type__"}
            return cls(**fields)
        except (ImportError, AttributeError, TypeError, ValueError) as exc:
            raise CorruptFileError(f"cannot rebuild instance of {data['__type__']}: {exc}") from exc
    if isinstance(data, list):
        return tuple(from_json(v) for v in data)
    if isinstance(data, dict):
        return {k: from_json(v) for k, v in data.items()}
    return data


def describe(instance: Any, limit: int = 120) -> str:
    """A short one-line description for tables."""
    if dataclasses.is_dataclass(instance) and not isinstance(instance, type):
        parts = []
        for f in dataclasses.fields(instance):
            value = getattr(instance, f.name)
            text = repr(value)
            if len(text) > 24:
                text = f"<{len(value)} items>" if isinstance(value, (tuple, list)) else text[:21] + "..."
            parts.append(f"{f.name}={text}")
        text = f"{type(instance).__name__}({', '.join(parts)})"
    else:
        text = repr(instance)
    return text if len(text) <= limit else text[: limit - 3] + "..."
