"""Atomic output files: a reader never sees a half-written file."""

from __future__ import annotations

import os
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
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
