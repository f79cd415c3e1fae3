"""The one place that sets the JIT policy of every kernel.

Environment overrides are read once, at import:

- ``ACTUARIAL_NUMBA_CACHE=0`` turns the on-disk cache off (it is on by default, so a warm
  start skips compilation);
- ``ACTUARIAL_FASTMATH=1`` allows fastmath (off by default: results must not depend on
  reassociation, or runs on different machines would not be bit-identical).

Floating-point division by zero gives ``inf`` or ``nan`` as in numpy (``error_model=
"numpy"``) instead of raising: the kernels test their divisors where it matters, and
without a test-and-raise in every division their inner loops run on vectors.

The on-disk cache of every kernel is stamped with the source of the whole ``kernels``
package, not only of the kernel's own module as numba would: a kernel's machine code
includes the functions it calls from other modules (``kernels.sampling`` inside
``kernels.dibao``), so a change to any of them must recompile it, or a warm cache would
keep running the old samplers.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import numba
from numba.core import caching

F = TypeVar("F", bound=Callable[..., Any])

CACHE = os.environ.get("ACTUARIAL_NUMBA_CACHE", "1") != "0"
FASTMATH = os.environ.get("ACTUARIAL_FASTMATH", "0") == "1"


@functools.cache
def package_stamp() -> bytes:
    """SHA-256 of the source of every module of the ``kernels`` package."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


class _PackageStamp:
    def get_source_stamp(self) -> bytes:
        return package_stamp()


# numba's own locators (a NUMBA_CACHE_DIR, the module's __pycache__, the user's cache),
# in numba's order, each stamped with the whole package.
class _UserProvidedLocator(_PackageStamp, caching.UserProvidedCacheLocator):
    pass


class _InTreeLocator(_PackageStamp, caching.InTreeCacheLocator):
    pass


class _UserWideLocator(_PackageStamp, caching.UserWideCacheLocator):
    pass


class _KernelCacheImpl(caching.CompileResultCacheImpl):
    _locator_classes = [_UserProvidedLocator, _InTreeLocator, _UserWideLocator]  # noqa: RUF012


class _KernelCache(caching.FunctionCache):
    _impl_class = _KernelCacheImpl


def _compile(func: F, **options: Any) -> F:
    dispatcher = numba.njit(
        cache=False, fastmath=FASTMATH, nogil=True, error_model="numpy", **options
    )(func)
    if CACHE:
        # What ``cache=True`` does, with the package-wide stamp.
        dispatcher._cache = _KernelCache(func)  # type: ignore[no-untyped-call]
    return cast(F, dispatcher)


def njit(func: F) -> F:
    """Compile a serial kernel in nopython mode with the package policy."""
    return _compile(func)


def pjit(func: F) -> F:
    """Compile a kernel whose outer loop is ``numba.prange`` (parallel over draws)."""
    return _compile(func, parallel=True)
