"""The one place that sets the JIT policy of every kernel.

Environment overrides are read once, at import:

- ``ACTUARIAL_NUMBA_CACHE=0`` turns the on-disk cache off (it is on by default, so a warm
  start skips compilation);
- ``ACTUARIAL_FASTMATH=1`` allows fastmath (off by default: results must not depend on
  reassociation, or runs on different machines would not be bit-identical).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])

CACHE = os.environ.get("ACTUARIAL_NUMBA_CACHE", "1") != "0"
FASTMATH = os.environ.get("ACTUARIAL_FASTMATH", "0") == "1"


def njit(func: F) -> F:
    """Compile a serial kernel in nopython mode with the package policy."""
    return cast(F, numba.njit(cache=CACHE, fastmath=FASTMATH, nogil=True)(func))


def pjit(func: F) -> F:
    """Compile a kernel whose outer loop is ``numba.prange`` (parallel over draws)."""
    return cast(F, numba.njit(cache=CACHE, fastmath=FASTMATH, nogil=True, parallel=True)(func))
