"""Shared fixtures: the report's figure records (a copy of shared/seed/figures.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def report_figures() -> dict[str, dict[str, Any]]:
    """Every figure of the report by id, as transcribed (values exactly as printed)."""
    records = json.loads((DATA / "report_figures.json").read_text("utf-8"))
    return {r["id"]: r for r in records}
