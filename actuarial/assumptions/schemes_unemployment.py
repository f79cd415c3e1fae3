"""Assumptions of the unemployment insurance fund (report II.(4), Table 4, App.A.IV.4; model
in ``actuarial.claims.unemployment``).

Four keys are derived from the report's 2012 figures rather than read off it:
``contribution_base_ratio`` and ``benefit_months_per_recipient`` are calibrated by
``actuarial.claims._unemployment_rate.calibrate`` and the ``claim_rate`` process is fitted
by ``actuarial.claims._unemployment_rate.fit_claim_rate`` (Table 4); the tests check that
the packaged values are those, so a change of the inputs calls for new values.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from actuarial.assumptions._types import (
    AgeRange,
    Amount,
    Factor,
    Months,
    Probability,
    Section,
    SignedRate,
    Year,
)

__all__ = ["ClaimRate", "Unemployment", "UnemploymentCoverage", "UnemploymentIndexation"]

#: The three benefit levels of one area class, by contribution years (CNY a month).
_Levels = Annotated[list[Amount], Field(min_length=3, max_length=3)]
#: A share above zero (its log is taken).
_PositiveShare = Annotated[float, Field(gt=0.0, le=1.0)]


class UnemploymentCoverage(Section):
    target_factor: Factor = Field(
        description="Insured per working-age resident of each county, as a multiple of the "
        "base-year ratio, reached linearly by target_year (1 = hold the base-year coverage; "
        "an assumption: III.(4).1 asks for wider coverage but sets no target)."
    )
    target_year: Year = Field(description="Year in which target_factor is reached.")


class ClaimRate(Section):
    """Recipients per insured: log r[t] = m + phi (log r[t-1] - m) + sigma e[t]."""

    mean: _PositiveShare = Field(
        description="Long-run recipients per insured, fraction (exp of the mean m of the "
        "log rate: the median rate). Fitted on Table 4's recipients 2005-2012 over the "
        "insured of II.(4) (140,172, held at the 2013 level back to 2005: no insured series "
        "is printed); actuarial.claims._unemployment_rate.fit_claim_rate."
    )
    mean_se_log: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        description="Standard error of m (log scale, delta method): with process risk each "
        "draw shifts m by a normal with this sd (parameter uncertainty)."
    )
    persistence: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        description="AR(1) coefficient phi of the log rate (fitted; se in baseline.toml)."
    )
    volatility_log: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        description="Innovation sd sigma of the log rate a year (fitted)."
    )
    start: _PositiveShare = Field(
        description="Rate in 2012, the year before the base year, fraction: Table 4's 5,065 "
        "recipients / the 140,172 insured of II.(4)."
    )


class UnemploymentIndexation(Section):
    known: dict[str, SignedRate] = Field(
        description="Raise of the benefit levels by calendar year where known (fraction); "
        "none is packaged after the 2013-03-01 levels (II.(4))."
    )
    cpi_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="Other years: raise = max(0, cpi_share x CPI inflation + wage_share x "
        "real wage growth), from benefit_change_month (an assumption)."
    )
    wage_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="See cpi_share. The province sets the levels between the local dibao "
        "line and the minimum wage (II.(4)); both move with incomes, so 1 keeps the levels' "
        "ratio to wages (an assumption)."
    )


class Unemployment(Section):
    employer_rate: Probability = Field(description="Employer rate, fraction of payroll (II.(4)).")
    employee_rate: Probability = Field(description="Employee rate, fraction of wage (II.(4)).")
    max_benefit_months: Months = Field(
        description="Longest benefit duration (months; report App.A.IV.4: 2 years)."
    )
    benefit_class2_cny_per_month: _Levels = Field(
        description="Area class 2 (city level, Hongta) benefit levels from 2013-03-01 "
        "(CNY a month; report II.(4))."
    )
    benefit_class3_cny_per_month: _Levels = Field(
        description="Area class 3 (other counties) benefit levels from 2013-03-01 "
        "(CNY a month; report II.(4))."
    )
    benefit_class2_before_cny_per_month: _Levels = Field(
        description="Area class 2 levels before 2013-03-01 (CNY a month; report II.(4), "
        "云人社发[2013]14号 as quoted there)."
    )
    benefit_class3_before_cny_per_month: _Levels = Field(
        description="Area class 3 levels before 2013-03-01 (CNY a month; report II.(4))."
    )
    benefit_change_month: Annotated[int, Field(ge=1, le=12)] = Field(
        description="Calendar month from which each year's new levels are paid (March: the "
        "2013 raise took effect on 2013-03-01, II.(4)); the year pays the old levels before."
    )
    tier_mix: Annotated[list[Probability], Field(min_length=3, max_length=3)] = Field(
        description="Shares of recipients at the three levels of their area class (the "
        "levels rise with contribution years), summing to 1 (an assumption: the report "
        "gives no split of recipients)."
    )
    benefit_months_per_recipient: Annotated[float, Field(gt=0.0, le=1200.0)] = Field(
        description="Months of benefit paid per recipient counted in a year (Table 4's "
        "count), at most max_benefit_months. Calibrated: Table 4's 2012 expenditure / (1 + "
        "other_outgo_share) / (5,065 recipients x the mean pre-2013 level). It also carries "
        "what the fund pays for recipients besides the benefit (their medical premiums, "
        "II.(4)), which the report does not split out."
    )
    other_outgo_share: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        description="Training and job-placement spending (other_outgo) per CNY of benefits: "
        "0.05, the bound III.(4).3 gives ('in most years under 5 % of normal spending'); "
        "taken at the bound (an assumption)."
    )
    contribution_base_ratio: Factor = Field(
        description="Declared contribution base per insured / the city average wage "
        "(economy.wage_2013_cny_per_year). Calibrated: 2012 contributions (Table 4 income "
        "less the interest on the 2011 balance at economy.fund_return) / (3 % x the 140,172 "
        "insured of II.(4) x the 2012 wage); an assumption, as the report gives no base."
    )
    wage_growth_2012_2013: SignedRate = Field(
        description="Nominal wage growth 2012-2013, fraction: brings the 2013 wage back to "
        "2012 for the calibration of contribution_base_ratio (West region 11.9 %, P8)."
    )
    working_ages_male: AgeRange = Field(
        description="First and last age of insured men: from the legal working age 16 to "
        "the year before the retirement age 60 (P10; an assumption that the insured are "
        "spread over these ages like the residents)."
    )
    working_ages_female: AgeRange = Field(
        description="As working_ages_male, for women: 16 to the year before the cadre "
        "retirement age 55 (P10)."
    )
    take_up: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        description="Multiplier of the claim rate: recipients = insured x rate x take_up. 1 "
        "because the rate is measured on recipients (Table 4), so take-up is already in it; "
        "a lever for scenarios such as the eligibility checks of V.(2).4."
    )
    coverage: UnemploymentCoverage
    claim_rate: ClaimRate
    indexation: UnemploymentIndexation

    @field_validator("working_ages_male", "working_ages_female")
    @classmethod
    def _ordered(cls, ages: list[int]) -> list[int]:
        if ages[0] > ages[1]:
            raise ValueError(f"first age {ages[0]} is after the last {ages[1]}")
        return ages

    @field_validator("tier_mix")
    @classmethod
    def _sums_to_one(cls, mix: list[float]) -> list[float]:
        if not math.isclose(sum(mix), 1.0, rel_tol=0.0, abs_tol=1e-9):
            raise ValueError(f"the shares sum to {sum(mix)}, not 1")
        return mix

    @model_validator(mode="after")
    def _within_maximum(self) -> Unemployment:
        if self.benefit_months_per_recipient > self.max_benefit_months:
            raise ValueError(
                f"benefit_months_per_recipient: got {self.benefit_months_per_recipient}, more "
                f"than max_benefit_months = {self.max_benefit_months}"
            )
        return self
