"""Who pays a reform's budget money: shares by level of government, shared by reforms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field

from actuarial.claims import LEVELS
from actuarial.reforms._base import ReformError

if TYPE_CHECKING:
    from actuarial.reforms._chunk import Chunk

__all__ = ["LEVELS", "LEVELS_DEFAULT_DOC", "BudgetLevels", "city_and_county", "unknown_levels"]


def unknown_levels(shares: dict[str, float]) -> str | None:
    """Why ``shares`` is not a split by level (unknown levels, or not summing to 1), or
    None if it is."""
    unknown = sorted(set(shares) - set(LEVELS))
    if unknown:
        return f"unknown level(s) {unknown}; allowed: {', '.join(LEVELS)}"
    if abs(sum(shares.values()) - 1.0) > 1e-9:
        return f"shares sum to {sum(shares.values())}; they must sum to 1"
    return None


def _check_levels(v: dict[str, float]) -> dict[str, float]:
    problem = unknown_levels(v)
    if problem is not None:
        raise ValueError(problem)
    return v


#: Shares of an amount paid by each level of government, fractions summing to 1.
BudgetLevels = Annotated[
    dict[str, Annotated[float, Field(ge=0.0, le=1.0)]], AfterValidator(_check_levels)
]
#: What a ``levels`` parameter left at None means, for the report's city and county money.
LEVELS_DEFAULT_DOC = (
    "Default (None): city and county in the ratio of their shares in "
    "fiscal.resident_pension_local_shares (ASSUMPTION: the report names both without a "
    "split; halves in the baseline)."
)


def city_and_county(levels: dict[str, float] | None, chunk: Chunk, reform: str) -> dict[str, float]:
    """``levels``, or when None city and county in the ratio of their shares of the resident
    pensions' local subsidies (``fiscal.resident_pension_local_shares``, renormalised)."""
    if levels is not None:
        return levels
    if chunk.model is None:
        raise ReformError(f"reform {reform}: levels not given and the chunk carries no model")
    shares = chunk.model.pensions.assumptions.fiscal.resident_pension_local_shares
    city, county = shares.get("city", 0.0), shares.get("county", 0.0)
    if city + county <= 0.0:
        raise ReformError(
            f"reform {reform}: fiscal.resident_pension_local_shares gives city and county "
            "nothing; give levels explicitly"
        )
    return {"city": city / (city + county), "county": county / (city + county)}
