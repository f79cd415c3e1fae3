"""Assumptions of the work-injury funds (report II.(5), Tables 5a-5b).

The report gives the 2012 insured, contributions, beneficiaries by kind, expenditure and
balance of both funds (Table 5a by county for the enterprise fund), but no contribution
rate, no benefit levels and no split of the expenditure by kind. The rate is therefore
derived from the data (``actuarial.claims._work_injury``); the benefit levels below follow
the national regulation (工伤保险条例, 2010 revision, in force 2011-01-01, which the report
says Yuxi applies: II.(5)) and are assumptions where the regulation gives a range or
leaves the level to the member's wage; the medical cost per injury is calibrated so that
the base-year expenditure is matched.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from actuarial.assumptions._types import (
    Age,
    AgeRange,
    Factor,
    Probability,
    Rate,
    Section,
    SignedRate,
    Year,
)

__all__ = ["WorkInjury", "WorkInjuryAnnuities", "WorkInjuryClaims", "WorkInjuryIndexation"]

#: A multiple of the city's average wage (or months of it), never negative.
WageMultiple = Annotated[float, Field(ge=0.0, le=100.0)]
#: Months of a wage, never negative.
WageMonths = Annotated[float, Field(ge=0.0, le=240.0)]


class WorkInjuryCoverage(Section):
    target_factor: Factor = Field(
        description="Insured per working-age resident of each county, as a multiple of the "
        "base-year ratio, reached linearly by target_year (1 = hold the 2012 coverage; an "
        "assumption)."
    )
    target_year: Year = Field(description="Year in which target_factor is reached.")


class WorkInjuryClaims(Section):
    """New claims a year, as shares of the recognised injuries, and their one-off costs."""

    temporary_share: Probability = Field(
        description="Injuries with a fund-paid temporary-incapacity cost (hospital meal "
        "allowance, travel and lodging for treatment outside the pool, assistive devices; "
        "工伤保险条例 art. 30, 32), per injury (ASSUMPTION: wages during 停工留薪期 are paid "
        "by the employer, art. 33, so this is small)."
    )
    temporary_cost_wage_multiple: WageMultiple = Field(
        description="Fund cost of one temporary-incapacity claim, multiple of the city's "
        "average annual wage (ASSUMPTION)."
    )
    minor_share: Probability = Field(
        description="Injuries assessed at disability grades 5-10, per injury (ASSUMPTION: "
        "no public split of Yuxi's claims by grade)."
    )
    minor_lump_sum_months: WageMonths = Field(
        description="One-off disability grant of grades 5-10, months of the injured "
        "member's wage: 18/16/13/11/9/7 months by grade (art. 36-37), weighted toward the "
        "light grades, plus the one-off medical grant on leaving the job where the fund "
        "pays it (ASSUMPTION)."
    )
    severe_lump_sum_months: WageMonths = Field(
        description="One-off disability grant of grades 1-4, months of the injured "
        "member's wage: 27/25/23/21 months by grade (art. 35), their mean."
    )
    funeral_grant_months: WageMonths = Field(
        description="Funeral grant of a work death, months of the city's average wage "
        "(art. 39: 6 months)."
    )
    death_grant_wage_multiple: WageMultiple = Field(
        description="One-off work-death grant, multiple of the city's average annual wage: "
        "20 times the national urban disposable income per head of the year before (art. "
        "39), taken as 0.55 of the average wage (ASSUMPTION: the disposable-income series is "
        "not in the public data)."
    )


class WorkInjuryAnnuities(Section):
    """The long-tail benefits: grade 1-4 disability allowances and dependants' pensions."""

    disability_allowance_share: Probability = Field(
        description="Grade 1-4 disability allowance (伤残津贴), fraction of the injured "
        "member's wage: 90/85/80/75 % by grade (art. 35), their mean."
    )
    care_allowance_wage_share: Probability = Field(
        description="Nursing allowance (生活护理费) per grade 1-4 annuitant, fraction of the "
        "city's average wage: 50/40/30 % for those assessed as needing care (art. 34); "
        "ASSUMPTION: half of them at 40 %."
    )
    dependant_pension_share: Probability = Field(
        description="Pension of one dependant of a work death (供养亲属抚恤金), fraction of the "
        "deceased's wage: spouse 40 %, others 30 %, plus 10 % for orphans and lone elderly "
        "(art. 39); ASSUMPTION: 35 % on average."
    )
    disability_age: Age = Field(
        description="Representative age of grade 1-4 annuitants whose death probability "
        "ends their allowance (ASSUMPTION)."
    )
    disability_sex: Literal["male", "female"] = Field(
        description="Sex whose death probabilities grade 1-4 annuitants die by (ASSUMPTION: "
        "mostly men in high-risk work)."
    )
    disability_exit_rate: Rate = Field(
        description="Other ends of a grade 1-4 allowance a year, fraction: reaching "
        "retirement age, when the basic pension replaces it (art. 35); ASSUMPTION: about "
        "one in 15 years."
    )
    dependant_age: Age = Field(
        description="Representative age of dependants whose death probability ends their "
        "pension (ASSUMPTION: widows, parents and children mixed)."
    )
    dependant_sex: Literal["male", "female"] = Field(
        description="Sex whose death probabilities dependants die by (ASSUMPTION: mostly "
        "widows and mothers)."
    )
    dependant_exit_rate: Rate = Field(
        description="Other ends of a dependant's pension a year, fraction: children coming "
        "of age or leaving school, remarriage (ASSUMPTION)."
    )


class WorkInjuryIndexation(Section):
    known: dict[str, SignedRate] = Field(
        description="Yearly raise of the disability allowances and dependants' pensions in "
        "payment by calendar year, fraction; ASSUMPTION: raised like the enterprise "
        "pensions (P12), as the regulation ties their adjustment to wages and prices "
        "(art. 40)."
    )
    cpi_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="Later years: raise = cpi_share x CPI inflation + wage_share x real "
        "wage growth (ASSUMPTION, as the pensions)."
    )
    wage_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="See cpi_share (ASSUMPTION, as the pensions)."
    )


class WorkInjury(Section):
    """One work-injury fund (enterprise or institution)."""

    payroll_ratio: Factor = Field(
        description="Payroll per insured member / the city's average wage: the base the "
        "contribution rate applies to (ASSUMPTION: the wage_ratio of the matching pension "
        "scheme)."
    )
    injured_wage_ratio: Factor = Field(
        description="Wage of an injured member / the city's average wage, on which the "
        "disability grants, allowances and dependants' pensions are computed (ASSUMPTION; "
        "enterprise: most claims come from migrant and private-firm workers, whose wage "
        "is about 0.61 of the non-private average nationally in 2012, P8)."
    )
    wage_growth_2013: SignedRate = Field(
        description="Nominal growth of the average wage from 2012 to 2013, fraction: the "
        "2012 wage of the base-year figures is economy.wage_2013_cny_per_year / (1 + this) "
        "(West region, urban non-private units: 11.9 %, P8)."
    )
    working_ages: AgeRange = Field(
        description="First and last age of the residents the insured are a share of "
        "(ASSUMPTION: 16-59, the working ages)."
    )
    coverage: WorkInjuryCoverage
    claims: WorkInjuryClaims
    annuities: WorkInjuryAnnuities
    indexation: WorkInjuryIndexation
