"""Assumptions of the maternity funds (report II.(5); model in ``actuarial.claims._maternity``).

Three of the keys (``contribution_rate``, ``spouse_claim_share``,
``medical_cost_per_claim_2012_cny``) are calibrated to the 2012 figures of II.(5) by
``actuarial.claims._maternity.calibrate``; the tests check that the packaged values are
the calibrated ones, so a change of the base year or the population calls for new values.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from actuarial.assumptions._types import (
    AgeRange,
    Factor,
    Probability,
    Rate,
    Section,
    SignedRate,
    Year,
)

__all__ = ["Maternity", "MaternityCoverage"]


class MaternityCoverage(Section):
    target_factor: Factor = Field(
        description="Insured per resident of each county, sex and working age, as a multiple "
        "of the base-year ratio, reached linearly by target_year (1 = hold the base-year "
        "coverage; an assumption)."
    )
    target_year: Year = Field(description="Year in which target_factor is reached.")


class Maternity(Section):
    contribution_rate: Rate = Field(
        description="Contributions per insured, fraction of the members' wage (wage_ratio x "
        "the city average wage). The report gives no rate: calibrated as the 2012 "
        "contributions / (insured x 2012 wage x wage_ratio) (II.(5); P8), so it is an "
        "effective rate (statutory rate x declared base / wage x collection)."
    )
    wage_ratio: Factor = Field(
        description="Members' average wage / the city average wage (an assumption; the "
        "pension schemes' value for the same employees)."
    )
    wage_growth_2012_2013: SignedRate = Field(
        description="Nominal growth of the average wage from 2012 to 2013, fraction: brings "
        "economy.wage_2013_cny_per_year back to 2012, the year of the report's flows and the "
        "'previous year' of the 2013 allowance (West region 11.9 %, P8); 2011's wage, on "
        "which the 2012 allowances were paid, is taken to be 2012's less the same growth "
        "(an assumption)."
    )
    allowance_days: Annotated[int, Field(ge=0, le=365)] = Field(
        description="Days of maternity allowance (生育津贴) per birth: the 98 days of "
        "maternity leave of 女职工劳动保护特别规定 (国务院令第619号, 2012, art. 7)."
    )
    allowance_days_per_month: Annotated[float, Field(gt=0.0, le=31.0)] = Field(
        description="Days per month of the daily allowance (monthly wage / this); an "
        "assumption (the usual reckoning of 30; the local rule is not packaged)."
    )
    allowance_share_paid: Probability = Field(
        description="Share of the allowance the fund pays: the previous year's average "
        "monthly wage of the employer (社会保险法 2010, art. 56) x allowance_days / "
        "allowance_days_per_month. 1 for enterprises; 0 for institutions, whose 2012 "
        "expenditure per beneficiary (2,921 CNY, II.(5)) is a quarter of one allowance: "
        "their staff keep their salaries during leave (a reading, the report says nothing)."
    )
    spouse_claim_share: Probability = Field(
        description="Medical-only claims per birth expected among insured men (births to "
        "their spouses; 社会保险法 art. 54 gives unemployed spouses the medical costs; "
        "III.(5).2: some men receive benefits). Calibrated so that 2012 claims equal the "
        "report's beneficiaries (II.(5)); it also stands for the other medical-only claims "
        "(miscarriages, family-planning operations) the report does not itemise."
    )
    medical_cost_per_claim_2012_cny: Annotated[float, Field(ge=0.0)] = Field(
        description="Medical cost per claim in 2012 (CNY), calibrated so that 2012 "
        "expenditure equals the report's (II.(5)) given the allowances paid (on the 2011 "
        "wage); it grows with "
        "the city average wage (and medical_cost_excess_growth)."
    )
    medical_cost_excess_growth: SignedRate = Field(
        description="Growth of the medical cost per claim above nominal wage growth, "
        "fraction a year (an assumption; V.(2).5.(2) asks for benefits indexed to the "
        "economy and prices but sets no rule)."
    )
    fertility_factor: Factor = Field(
        description="Births per insured woman / births per resident woman of the same age "
        "(an assumption: no fertility figure for insured women is packaged)."
    )
    working_ages_male: AgeRange = Field(
        description="First and last age of insured men (an assumption: the employee "
        "pension's entry age to the year before its retirement age, P10)."
    )
    working_ages_female: AgeRange = Field(
        description="First and last age of insured women (an assumption, as working_ages_male)."
    )
    coverage: MaternityCoverage

    @model_validator(mode="after")
    def _ranges_ordered(self) -> Maternity:
        for name in ("working_ages_male", "working_ages_female"):
            first, last = getattr(self, name)
            if first > last:
                raise ValueError(f"{name}: first age {first} is after the last {last}")
        return self
