"""Loads the JSON seed data under fixtures/ through the loaders hooks.py names (idempotent)."""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING

from . import db

if TYPE_CHECKING:
    from .runtime import Runtime


def load_all(rt: Runtime) -> dict[str, int]:
    """Load every fixture file; returns records handled per file."""
    counts = {}
    for filename, loader in rt.wiring.fixtures.items():
        records = json.loads(resources.files("fixtures").joinpath(filename).read_text("utf-8"))
        with db.transaction():
            counts[filename] = loader(records)
    return counts
