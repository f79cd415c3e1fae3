"""The exact split: whole parts, an exact sum, within one of the exact share."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actuarial.allocation import split_exact


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12).filter(
        lambda w: sum(w) > 0
    ),
)
def test_split_exact__sums_exactly_and_stays_within_one(total: int, weights: list[int]) -> None:
    parts = split_exact(total, weights)
    assert int(parts.sum()) == total
    wsum = sum(weights)
    for part, w in zip(parts.tolist(), weights, strict=True):
        assert abs(Fraction(part) - Fraction(total * w, wsum)) < 1
        if w == 0:
            assert part == 0


def test_split_exact__bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="weights sum to zero"):
        split_exact(10, [0, 0])
    with pytest.raises(ValueError, match="non-negative, got -1"):
        split_exact(-1, [1])
