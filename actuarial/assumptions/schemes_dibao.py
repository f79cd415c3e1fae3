"""Assumptions of the minimum living guarantee (低保, report II.(6), III.(7)): no fund, a
budget outlay; model in ``actuarial.claims.dibao``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from actuarial.assumptions._types import (
    Amount,
    Factor,
    Probability,
    Rate,
    Section,
    SignedRate,
    Year,
)

__all__ = ["Dibao", "DibaoBudgets", "DibaoIndexation", "DibaoRecipients"]


class DibaoIndexation(Section):
    known: dict[str, SignedRate] = Field(
        description="Raise of both lines by calendar year where known (fraction); none is "
        "packaged after the 2013-07-01 lines (II.(6))."
    )
    cpi_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="Other years: raise = cpi_share x CPI inflation + wage_share x real "
        "wage growth, at least min_indexation up to min_indexation_until and never below 0 "
        "(lines are not cut); an assumption."
    )
    wage_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="See cpi_share; 1 keeps the lines' ratio to average wages (lines are set "
        "from local living costs, which grow with incomes; an assumption)."
    )


class DibaoRecipients(Section):
    target_factor: Factor = Field(
        description="Recipients per resident of each county, as a multiple of the 2013 "
        "ratio, reached linearly by target_year (1 = hold the 2013 ratio; an assumption: "
        "V.(2).6 asks for wider cover, III.(7) says need is unmet, and no target is set)."
    )
    target_year: Year = Field(description="Year in which target_factor is reached.")


class DibaoBudgets(Section):
    """Who pays the outlay; the county (with its townships) pays what the others do not."""

    central_share: Probability = Field(
        description="Share paid by central transfers: 0, as III.(7) says the money comes "
        "from the city, county and township budgets only (an assumption for the future; "
        "a scenario can set the central transfers national rules provide)."
    )
    province_share: Probability = Field(
        description="Share paid by the province: 0, as central_share (III.(7))."
    )
    city_share: Probability = Field(
        description="Share paid by the city: 1/3, one of the three budgets III.(7) names "
        "(city, county, township) in equal parts (an assumption: no split is printed); the "
        "county pays the rest, its townships' third included."
    )

    @model_validator(mode="after")
    def _shares_fit(self) -> DibaoBudgets:
        total = self.central_share + self.province_share + self.city_share
        if total > 1.0:
            raise ValueError(
                f"central + province + city shares = {total}; the county pays the rest, so "
                "they must not exceed 1"
            )
        return self


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
    min_indexation_until: Year = Field(
        description="Last year the minimum raise applies: 2015, the end of the 12th "
        "five-year plan (II.(6))."
    )
    urban_standard_before_cny_per_month: Amount = Field(
        description="Urban line before 2013-07-01 (CNY a month; II.(6))."
    )
    rural_standard_before_cny_per_year: Amount = Field(
        description="Rural line before 2013-07-01 (CNY a year; II.(6))."
    )
    standard_change_month: Annotated[int, Field(ge=1, le=12)] = Field(
        description="Calendar month from which each year's new lines are paid (July: the "
        "2013 raise took effect on 2013-07-01, II.(6))."
    )
    urban_recipient_share: Probability = Field(
        description="Share of recipients under the urban line (an assumption: the report "
        "gives 127,800 recipients without a split; 0.28 is about China's 2013 ratio, 20.6 "
        "of 74.5 million, from the MCA statistical bulletin: not in the public data pack "
        "and not verified there)."
    )
    payment_share_urban: Probability = Field(
        description="Average payment per urban recipient / the urban line: the dibao pays "
        "the gap between household income and the line (an assumption: about China's 2013 "
        "ratio 264 / 373 CNY a month, MCA statistical bulletin: not in the public data pack "
        "and not verified there)."
    )
    payment_share_rural: Probability = Field(
        description="As payment_share_urban, rural (about China's 2013 ratio 116 / 203 CNY "
        "a month; an assumption from the same, unpackaged, source)."
    )
    recipients: DibaoRecipients
    indexation: DibaoIndexation
    budgets: DibaoBudgets
