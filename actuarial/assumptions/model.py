"""The assumption tables of a projection, as typed and validated objects.

The packaged baseline (``actuarial/data/assumptions/baseline.toml``) sets every key; a
scenario file overrides any subset by the same nested keys. Each field documents its unit
and meaning in its ``description``; ``actuarial.assumptions.describe()`` lists them all.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from actuarial.assumptions._types import (
    Age,
    Amount,
    CountyCode,
    Factor,
    Months,
    Persons,
    Probability,
    Rate,
    SchemeCode,
    Section,
    SignedRate,
    Year,
)

__all__ = ["AllocationKey", "Assumptions"]

#: How a city total is split across the county-level units (see ``actuarial.allocation``).
AllocationKey = Literal[
    "population",
    "table5a_work_injury_insured",
    "table2_urban_medical_insured",
    "table2_urban_medical_financing",
]


class Projection(Section):
    base_year: Literal[2013] = Field(
        description="First projected year; the packaged base-year data describe 2012-2013."
    )
    end_year: Year = Field(description="Last projected year (inclusive), after base_year.")
    milestones: list[Year] = Field(
        description="Years at which summaries report P(depleted by year); strictly "
        "increasing, after base_year and not after end_year."
    )


class Population(Section):
    city_total_2010: Persons = Field(
        description="Yuxi resident population at the 2010 census (persons); "
        "shared/data/public population_yuxi_city.csv (P6, derived)."
    )
    city_total_2020: Persons = Field(
        description="Yuxi resident population at the 2020 census (persons); P6."
    )


class Allocation(Section):
    key: dict[SchemeCode, AllocationKey] = Field(
        description="For each scheme, the key that splits its city totals across counties."
    )
    county_population: dict[CountyCode, Persons] = Field(
        description="County population key (persons, 2010 basis); partly an assumption, "
        "see actuarial/data/allocation/county_population.csv for the basis of each value."
    )

    def key_for(self, scheme: str) -> AllocationKey:
        """The allocation key of ``scheme`` (a code validated by the registry)."""
        return self.key[scheme]  # type: ignore[index]

    def population_of(self, county: str) -> int:
        """The population key of ``county`` (a code validated by the registry)."""
        return self.county_population[county]  # type: ignore[index]


class Mortality(Section):
    level_factor: Factor = Field(
        description="Multiplier on the UN WPP 2024 China death rates at every age, so that "
        "Yuxi's life expectancy sits below China's by the published census gap "
        "(derived by tools/build_demography.py; an assumption)."
    )


class Economy(Section):
    fund_return: SignedRate = Field(
        description="Central nominal return on fund balances, fraction per year: 2.28 % "
        "average yield of the funds' deposits 2010-2012 (report III.(9).2)."
    )
    liquid_payout_months: Months = Field(
        description="Months of payouts kept liquid; surpluses beyond go to special "
        "deposits and treasuries (report V.(2).8.(2))."
    )


class Leakage(Section):
    undetected_death_cases_per_recipient: Rate = Field(
        description="Pensions found paid to dead pensioners per recipient checked, per year: "
        "36 cases / 55,900 checked in 2012 (report III.(1).2)."
    )
    recovered_share: Probability = Field(
        description="Share of the overpaid amount recovered: 82.93万 / 87万 (report III.(1).2)."
    )


class RetirementAges(Section):
    male: Age = Field(description="Statutory retirement age of men in 2013 (years); P10.")
    female_cadre: Age = Field(description="Women cadres (干部) in 2013 (years); P10.")
    female_worker: Age = Field(description="Women workers (工人) in 2013 (years); P10.")


class EmployeePension(Section):
    employer_rate: Probability = Field(
        description="Employer contribution, fraction of payroll (report II.(1): at most 20 %)."
    )
    employee_rate: Probability = Field(
        description="Employee contribution to the individual account, fraction of wage "
        "(report II.(1): 8 %)."
    )
    retirement_age: RetirementAges


class ResidentPension(Section):
    basic_pension_cny_per_month: Amount = Field(
        description="Non-contributory basic pension from pension_age (CNY a month; "
        "report III.(2).3: 60)."
    )
    pension_age: Age = Field(description="Age from which the pension is paid (report III.(2).3).")
    contribution_tiers_cny_per_year: list[Amount] = Field(
        description="Individual contribution tiers (CNY a year), strictly increasing "
        "(report III.(2).2)."
    )
    payout_divisor_months: Months = Field(
        description="Individual-account pension = account / this many months (139 at 60; "
        "report V.(2).2.(3)[1], 国发〔2005〕38号)."
    )


class Unemployment(Section):
    employer_rate: Probability = Field(description="Employer rate, fraction of payroll (II.(4)).")
    employee_rate: Probability = Field(description="Employee rate, fraction of wage (II.(4)).")
    max_benefit_months: Months = Field(
        description="Longest benefit duration (months; report App.A.IV.4: 2 years)."
    )
    benefit_class2_cny_per_month: list[Amount] = Field(
        description="Area class 2 (city level, Hongta) benefit levels from 2013-03-01 "
        "(CNY a month; report II.(4))."
    )
    benefit_class3_cny_per_month: list[Amount] = Field(
        description="Area class 3 (other counties) benefit levels from 2013-03-01 "
        "(CNY a month; report II.(4))."
    )


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


class Schemes(Section):
    enterprise_pension: EmployeePension
    institution_pension: EmployeePension
    rural_resident_pension: ResidentPension
    urban_resident_pension: ResidentPension
    unemployment: Unemployment
    dibao: Dibao


class Assumptions(Section):
    """Every assumption of a projection. Build with :func:`actuarial.load_assumptions`."""

    projection: Projection
    population: Population
    allocation: Allocation
    mortality: Mortality
    economy: Economy
    leakage: Leakage
    schemes: Schemes
