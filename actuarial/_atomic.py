"""Atomic output files and directories: a reader never sees a half-written one."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path"]


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path`` in one
    step, on any error or interrupt remove it and leave ``path`` as it was.

    The temporary file is created by the writer with the user's umask (``mkstemp`` would
    make it 0600, and the rename would keep that), on the same filesystem as ``path`` so
    that the rename is atomic.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield tmp
        if tmp.is_dir():
            _replace_dir(tmp, path)
        else:
            os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _replace_dir(tmp: Path, path: Path) -> None:
    """Put the directory ``tmp`` (a Zarr store) in the place of ``path``. A directory
    cannot be renamed over a non-empty one, so an old ``path`` is first renamed aside and
    removed after: a reader sees the old store or the new one, never part of one."""
    if not path.exists():
        os.replace(tmp, path)
        return
    old = path.with_name(f".{path.name}.{uuid.uuid4().hex}.old")
    os.replace(path, old)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.replace(old, path)
        raise
    _remove(old)
