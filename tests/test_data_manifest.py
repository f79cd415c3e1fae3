"""The manifest lists every packaged data file, and every listed file exists."""

from __future__ import annotations

from pathlib import Path

from actuarial import data


def test_manifest__lists_every_file_and_only_existing_ones() -> None:
    root = Path(data.__file__).parent
    listed = {entry.path for entry in data.manifest().values()}
    on_disk = {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and p.suffix in {".csv", ".toml"} and p.name != "manifest.toml"
    }
    assert listed == on_disk


def test_manifest__every_entry_has_a_source() -> None:
    for entry in data.manifest().values():
        assert len(entry.source) > 10, entry.key
        assert len(entry.description) > 10, entry.key


def test_data_path__unknown_key_is_named() -> None:
    import pytest

    with pytest.raises(KeyError, match="no packaged data file 'nope'"):
        data.data_path("nope")
