"""Packaged data: plain CSV and TOML files listed in ``manifest.toml``.

The manifest is the one list that the loaders, the documentation and the tests read: every
file under ``actuarial/data`` is named there with what it holds and where it comes from.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["DataFile", "data_path", "manifest", "read_csv", "read_toml"]


@dataclass(frozen=True)
class DataFile:
    """One packaged file: its path under ``actuarial/data``, what it holds and its source."""

    key: str
    path: str
    description: str
    source: str


def _root() -> Path:
    return Path(str(resources.files("actuarial") / "data"))


@cache
def manifest() -> dict[str, DataFile]:
    """Every packaged data file, by key, as listed in ``manifest.toml``."""
    with (_root() / "manifest.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    return {
        key: DataFile(
            key=key, path=entry["path"], description=entry["description"], source=entry["source"]
        )
        for key, entry in raw["files"].items()
    }


def data_path(key: str) -> Path:
    """Absolute path of the packaged file registered under ``key``."""
    files = manifest()
    if key not in files:
        raise KeyError(f"no packaged data file {key!r}; known: {', '.join(sorted(files))}")
    return _root() / files[key].path


def read_csv(key: str) -> list[dict[str, str]]:
    """Rows of a packaged CSV file as dictionaries of strings (lines starting '#' skipped)."""
    with data_path(key).open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return list(csv.DictReader(lines))


def read_toml(key: str) -> dict[str, Any]:
    """A packaged TOML file as a dictionary."""
    with data_path(key).open("rb") as fh:
        return tomllib.load(fh)
