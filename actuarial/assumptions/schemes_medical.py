"""Assumptions of the resident medical schemes (URBMI and NCMS; report II.(3), Tables 1-3).

Both schemes share one layout (:class:`ResidentMedical`): the financing per insured by
category and level of government, the coverage of residents, the growth of financing and
of medical costs, the age-cost curve, the hospital levels (share of admissions, cost per
admission) and the benefit rules of Table 3 (deductible, reimbursement ratio, cap). The
hospital levels are always four, in Table 3's order: level 1, level 2, level 3 and
designated hospitals outside the city.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from actuarial.assumptions._types import (
    Amount,
    CountyCode,
    Factor,
    Probability,
    Section,
    SignedRate,
    Year,
)

__all__ = [
    "HOSPITAL_LEVELS",
    "AgeCost",
    "BenefitRule",
    "Benefits",
    "CostGrowth",
    "FinancingCategory",
    "FinancingGrowth",
    "Hospitals",
    "MedicalCoverage",
    "ResidentMedical",
]

#: Hospital levels of Table 3, in order.
HOSPITAL_LEVELS = ("level_1", "level_2", "level_3", "outside_city")

#: An age from birth (children are insured too), in completed years; 100 is open.
AnyAge = Annotated[int, Field(ge=0, le=100)]
#: One value per hospital level.
PerLevelAmount = Annotated[list[Amount], Field(min_length=4, max_length=4)]
PerLevelShare = Annotated[list[Probability], Field(min_length=4, max_length=4)]


class FinancingCategory(Section):
    """One category of insured persons and what is paid for each of them a year."""

    name: Literal["adult", "student_child", "college", "all"] = Field(
        description="Category: adult, student_child or college (URBMI, report Table 2) or "
        "all (NCMS: one rate for every age, Table 1)."
    )
    ages: Annotated[list[AnyAge], Field(min_length=2, max_length=2)] = Field(
        description="First and last age of the residents the category's insured are drawn "
        "from (years, inclusive)."
    )
    individual_cny: Amount = Field(
        description="Individual premium per insured (CNY a year, 2013): a contribution."
    )
    central_cny: Amount = Field(description="Central-government subsidy per insured (CNY a year).")
    province_cny: Amount = Field(description="Provincial subsidy per insured (CNY a year).")
    city_cny: Amount = Field(description="City subsidy per insured (CNY a year).")
    county_cny: Amount = Field(description="County subsidy per insured (CNY a year).")
    no_province_subsidy_in: list[CountyCode] = Field(
        description="Units without the provincial subsidy; there the city and the county "
        "each pay half of province_cny instead, so the total per insured is unchanged."
    )

    @model_validator(mode="after")
    def _ages_in_order(self) -> Self:
        if self.ages[0] > self.ages[1]:
            raise ValueError(f"ages {self.ages}: the first age must not exceed the last")
        return self

    @property
    def total_cny(self) -> float:
        return (
            self.individual_cny
            + self.central_cny
            + self.province_cny
            + self.city_cny
            + self.county_cny
        )


class MedicalCoverage(Section):
    target_factor: Factor = Field(
        description="Insured per resident of each county, category and age, as a multiple "
        "of the base-year ratio, reached linearly by target_year (1 = hold the base-year "
        "coverage; an assumption)."
    )
    target_year: Year = Field(description="Year in which target_factor is reached.")


class FinancingGrowth(Section):
    known: dict[str, SignedRate] = Field(
        description="Known yearly growth of the per-insured premium and subsidies by "
        "calendar year (fraction); empty: no later standards are in the report or the "
        "public data."
    )
    wage_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="Other years: growth = wage_share x nominal wage growth (an assumption)."
    )


class CostGrowth(Section):
    excess_initial: SignedRate = Field(
        description="Growth of the cost per admission above nominal wage growth in the "
        "first year after the base year (fraction a year; shared/data/public README, P15: "
        "wage growth plus 1-2 pp)."
    )
    excess_long_run: SignedRate = Field(
        description="Excess cost growth from converged_year on (fraction a year; an "
        "assumption); linear in between."
    )
    converged_year: Year = Field(description="Year from which excess_long_run applies.")


class AgeCost(Section):
    """Relative cost r(x) of an insured aged x: 1 up to flat_until_age, then growing
    exponentially with age up to cap_age, flat after; the growth rate is solved so that
    residents of old_age and over incur old_age_cost_share of the cost (P16)."""

    flat_until_age: AnyAge = Field(
        description="Last age with relative cost 1 (years; P16 README proposal: 20-44)."
    )
    cap_age: AnyAge = Field(
        description="Age from which the relative cost stays flat (years; P16 README: 85+)."
    )
    old_age: AnyAge = Field(description="First age of the old-age group of the target (years).")
    old_age_cost_share: Probability = Field(
        description="Share of inpatient cost incurred by residents of old_age and over, "
        "given Yuxi's 2013 age structure (Shanghai 2015: 50 %, P16)."
    )

    @model_validator(mode="after")
    def _ages_in_order(self) -> Self:
        if not self.flat_until_age < self.old_age <= self.cap_age:
            raise ValueError(
                f"need flat_until_age < old_age <= cap_age; got {self.flat_until_age}, "
                f"{self.old_age}, {self.cap_age}"
            )
        return self


class Hospitals(Section):
    admission_share: PerLevelShare = Field(
        description="Share of admissions at each hospital level (level 1, level 2, level 3, "
        "outside the city), summing to 1 (an assumption: no utilisation data)."
    )
    mean_cost_cny: PerLevelAmount = Field(
        description="Mean gross cost per admission at each level (CNY, 2013; an assumption "
        "anchored on P15)."
    )
    admission_rate: Annotated[float, Field(gt=0.0, le=5.0)] = Field(
        description="Admissions per insured a year at relative cost 1 (ages up to "
        "age_cost.flat_until_age), all levels together; calibrated so that the base year's "
        "expected benefits are an assumed share of the financing raised (the report gives "
        "no expenditure; actuarial.claims._medical.calibrate_admission_rate). Held fixed, "
        "so a scenario's benefit rules change the benefits paid."
    )
    cost_cv: Annotated[float, Field(gt=0.0, le=5.0)] = Field(
        description="Coefficient of variation of the (lognormal) cost per admission (an "
        "assumption)."
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Self:
        if not math.isclose(sum(self.admission_share), 1.0, abs_tol=1e-9):
            raise ValueError(f"admission_share must sum to 1, got {sum(self.admission_share)}")
        if min(self.mean_cost_cny) <= 0.0:
            raise ValueError("mean_cost_cny must be positive at every level")
        return self


class BenefitRule(Section):
    """Table 3's rule of some units: per admission, the fund pays the reimbursement ratio
    of the cost above the deductible (up to the cap)."""

    counties: list[CountyCode] = Field(description="Units that apply this rule.")
    deductible_cny: PerLevelAmount = Field(
        description="Deductible per admission at each hospital level (CNY, 2013; Table 3)."
    )
    reimbursement: PerLevelShare = Field(
        description="Share of the cost above the deductible paid by the fund, at each "
        "hospital level (Table 3)."
    )


class Benefits(Section):
    annual_cap_cny: Amount = Field(
        description="Most the fund pays a person in a year (CNY, 2013; Table 3), applied per "
        "admission (admissions above it are rare)."
    )
    cap_last_year: Year = Field(
        description="Last calendar year in which the cap applies (none after it)."
    )
    rules: list[BenefitRule] = Field(
        description="Benefit rules (Table 3), each naming its units; every unit appears in "
        "exactly one rule."
    )

    @model_validator(mode="after")
    def _each_unit_once(self) -> Self:
        from actuarial.registry import counties

        named = [c for rule in self.rules for c in rule.counties]
        missing = [c for c in counties() if c not in named]
        twice = sorted({c for c in named if named.count(c) > 1})
        if missing or twice:
            raise ValueError(
                f"every unit must appear in exactly one rule; missing: {missing}, twice: {twice}"
            )
        return self


class ResidentMedical(Section):
    """A resident medical scheme: financing per insured, coverage, costs and benefits."""

    pooling: Literal["city", "county"] = Field(
        description="Level at which the fund is pooled (report II.(3): URBMI city, NCMS "
        "county); a city pool is held on the city_level unit."
    )
    opening_balance_cny: Amount = Field(
        description="Fund balance at the start of the base year (CNY; an assumption: the "
        "report gives none); a county-pooled fund is split by base-year insured."
    )
    categories: list[FinancingCategory] = Field(
        description="Categories of insured with their ages and the premium and subsidies "
        "paid for each (CNY a year, 2013; Tables 1-2)."
    )
    coverage: MedicalCoverage
    financing_growth: FinancingGrowth
    cost_growth: CostGrowth
    age_cost: AgeCost
    hospitals: Hospitals
    benefits: Benefits

    @model_validator(mode="after")
    def _categories_unique(self) -> Self:
        names = [c.name for c in self.categories]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"categories must be non-empty with distinct names, got {names}")
        return self
