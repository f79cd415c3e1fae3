"""Assumptions of the minimum living guarantee (低保, report II.(6)): no fund, a budget outlay."""

from __future__ import annotations

from pydantic import Field

from actuarial.assumptions._types import Amount, Rate, Section

__all__ = ["Dibao"]


class Dibao(Section):
    urban_standard_cny_per_month: Amount = Field(
        description="Urban dibao line from 2013-07-01 (CNY a month; report II.(6))."
    )
    rural_standard_cny_per_year: Amount = Field(
        description="Rural dibao line from 2013-07-01 (CNY a year; report II.(6))."
    )
    min_indexation: Rate = Field(
        description="Minimum yearly raise of the standards, fraction (report II.(6): "
        "Yunnan's 12th five-year plan, at least 15 %)."
    )
