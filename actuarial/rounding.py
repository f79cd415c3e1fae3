"""Whole-number splits that add up exactly (persons, yuan).

Kept apart from ``actuarial.allocation`` so that light modules (``actuarial.demography``)
can use it without importing the assumption models.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

__all__ = ["split_exact"]


def split_exact(total: int, weights: Sequence[float] | npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Split a whole-number ``total`` in proportion to non-negative ``weights``.

    Largest-remainder (Hamilton) rounding on exact fractions (a float weight is taken at its
    exact binary value): the parts are integers, sum exactly to ``total`` and differ from the
    exact shares by less than one. Ties go to the earlier unit, so the result is
    deterministic.

    Examples
    --------
    >>> split_exact(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    """
    w = [Fraction(x) for x in np.asarray(weights, dtype=object).ravel().tolist()]
    if total < 0:
        raise ValueError(f"total must be non-negative, got {total}")
    if any(x < 0 for x in w):
        raise ValueError(f"weights must be non-negative, got {[float(x) for x in w]}")
    wsum = sum(w, Fraction(0))
    if wsum == 0:
        raise ValueError("weights sum to zero: no unit to allocate to")
    exact = [total * x / wsum for x in w]
    floors = [int(x) for x in exact]
    left = total - sum(floors)
    order = sorted(range(len(w)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return np.asarray(floors, dtype=np.int64)
