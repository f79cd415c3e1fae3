"""The fixed codes of the county-level units and schemes, in their canonical order.

Codes are the package's identifiers everywhere (dimension labels, TOML keys, CLI options);
Chinese names and descriptive fields travel with them. The order is the report's order and
is the order of every ``county`` and ``scheme`` dimension.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from actuarial.data import read_csv

__all__ = [
    "County",
    "CountyKind",
    "PoolingLevel",
    "Scheme",
    "SchemeFamily",
    "counties",
    "county",
    "scheme",
    "schemes",
]


class CountyKind(StrEnum):
    CITY_LEVEL = "city_level"
    DISTRICT = "district"
    COUNTY = "county"


class SchemeFamily(StrEnum):
    PENSION = "pension"
    MEDICAL = "medical"
    UNEMPLOYMENT = "unemployment"
    WORK_INJURY = "work_injury"
    MATERNITY = "maternity"
    ASSISTANCE = "assistance"


class PoolingLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    INDIVIDUAL_ACCOUNT = "individual_account"
    NOT_STATED = "not_stated"
    NONE = "none"


@dataclass(frozen=True)
class County:
    """A county-level accounting unit (the city-level accounts count as one)."""

    code: str
    name_zh: str
    name_zh_full: str
    kind: CountyKind
    gb2260_code_2013: str
    unemployment_area_class: int
    source: str


@dataclass(frozen=True)
class Scheme:
    """A scheme as the report describes it in the base year."""

    code: str
    name_zh: str
    name_en: str
    family: SchemeFamily
    fund_owner: str
    pooling_level: PoolingLevel
    has_fund: bool
    source: str


@cache
def _counties() -> tuple[County, ...]:
    return tuple(
        County(
            code=r["code"],
            name_zh=r["name_zh"],
            name_zh_full=r["name_zh_full"],
            kind=CountyKind(r["kind"]),
            gb2260_code_2013=r["gb2260_code_2013"],
            unemployment_area_class=int(r["unemployment_area_class"]),
            source=r["source"],
        )
        for r in read_csv("registry.counties")
    )


@cache
def _schemes() -> tuple[Scheme, ...]:
    return tuple(
        Scheme(
            code=r["code"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            family=SchemeFamily(r["family"]),
            fund_owner=r["fund_owner"],
            pooling_level=PoolingLevel(r["pooling_level"]),
            has_fund=r["has_fund"] == "true",
            source=r["source"],
        )
        for r in read_csv("registry.schemes")
    )


def counties() -> list[str]:
    """County codes in canonical order: ``city_level``, ``hongta``, then the eight counties."""
    return [c.code for c in _counties()]


def schemes() -> list[str]:
    """Scheme codes in canonical order (the report's order)."""
    return [s.code for s in _schemes()]


def county(code: str) -> County:
    """The county record for ``code``; a ``KeyError`` naming the allowed codes otherwise."""
    for c in _counties():
        if c.code == code:
            return c
    raise KeyError(f"unknown county code {code!r}; allowed: {', '.join(counties())}")


def scheme(code: str) -> Scheme:
    """The scheme record for ``code``; a ``KeyError`` naming the allowed codes otherwise."""
    for s in _schemes():
        if s.code == code:
            return s
    raise KeyError(f"unknown scheme code {code!r}; allowed: {', '.join(schemes())}")
