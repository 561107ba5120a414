"""``python -m theorycheck`` is the ``theorycheck`` command."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
