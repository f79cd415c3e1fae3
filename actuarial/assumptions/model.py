"""The assumption tables of a projection, as typed and validated objects.

The packaged baseline (``actuarial/data/assumptions/baseline.toml``) sets every key; a
scenario file overrides any subset by the same nested keys. Each field documents its unit
and meaning in its ``description``; ``actuarial.assumptions.describe()`` lists them all.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from actuarial.assumptions._types import (
    Age,
    AgeRange,
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
from actuarial.assumptions.schemes_dibao import Dibao
from actuarial.assumptions.schemes_maternity import Maternity
from actuarial.assumptions.schemes_medical import ResidentMedical
from actuarial.assumptions.schemes_unemployment import Unemployment
from actuarial.assumptions.schemes_work_injury import WorkInjury

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
    end_year: Annotated[int, Field(ge=1950, le=2100)] = Field(
        description="Last projected year (inclusive), after base_year and not after 2100 "
        "(the end of the UN WPP mortality projection)."
    )
    milestones: list[Year] = Field(
        description="Years at which summaries report P(depleted by year); strictly "
        "increasing, after base_year and not after end_year."
    )


class Population(Section):
    total_fertility_rate: Annotated[float, Field(ge=0.0, le=8.0)] = Field(
        description="Births per woman over a lifetime (ASSUMPTION: no fertility data is "
        "packaged yet; births spread evenly over fertility_ages)."
    )
    fertility_ages: AgeRange = Field(
        description="First and last age of the flat fertility schedule (an assumption)."
    )
    sex_ratio_at_birth: Factor = Field(description="Boys per girl at birth (an assumption).")
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


class MortalityIndex(Section):
    volatility_male: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        description="Yearly sd of the mortality index innovation (men), on the scale where "
        "b(x) sums to 1 (Lee-Carter fit; actuarial.demography.leecarter_kt_drift_sd)."
    )
    volatility_female: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        description="As volatility_male, for women."
    )
    drift_se_male: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        description="Standard error of the index drift (men): each draw shifts the drift "
        "by a normal with this sd (parameter uncertainty)."
    )
    drift_se_female: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        description="As drift_se_male, for women."
    )


class Mortality(Section):
    level_factor: Factor = Field(
        description="Multiplier on the UN WPP 2024 China death rates at every age, so that "
        "Yuxi's life expectancy sits below China's by the published census gap "
        "(derived by tools/build_demography.py; an assumption)."
    )
    index: MortalityIndex


class AR1Process(Section):
    """A Gaussian AR(1) of a yearly rate: x[t] = m[t] + phi (x[t-1] - m[t-1]) + e[t]."""

    persistence: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        description="AR(1) coefficient phi (estimated; see actuarial.economy)."
    )
    volatility: Annotated[float, Field(ge=0.0, le=0.5)] = Field(
        description="Innovation standard deviation, fraction per year (estimated)."
    )
    start: SignedRate = Field(
        description="Value in the year before the base year (2012), fraction per year; "
        "the first projected year starts from it."
    )


class Inflation(AR1Process):
    mean: SignedRate = Field(
        description="Long-run mean of CPI inflation, fraction per year (estimated)."
    )


class RealWageGrowth(AR1Process):
    initial_mean: SignedRate = Field(
        description="Mean real wage growth in the base year, fraction per year."
    )
    long_run_mean: SignedRate = Field(
        description="Mean real wage growth from `converged_year` on (an assumption)."
    )
    converged_year: Year = Field(
        description="Year by which the mean has moved linearly from initial to long run."
    )


class FundReturnProcess(AR1Process):
    pass


class Economy(Section):
    wage_2013_cny_per_year: Amount = Field(
        description="Average annual wage in Yuxi in 2013 (CNY): proxy, West-region average "
        "of urban non-private units 46,966 (shared/data/public wages, P8); Yuxi's own is "
        "not in the public data."
    )
    inflation: Inflation
    real_wage_growth: RealWageGrowth
    fund_return_process: FundReturnProcess
    shock_correlation: list[list[Annotated[float, Field(ge=-1.0, le=1.0)]]] = Field(
        description="Correlation of the innovations of (inflation, real wage growth, fund "
        "return), 3 x 3, symmetric positive definite (estimated)."
    )
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
    overpaid_months_per_case: Annotated[float, Field(ge=0.0, le=120.0)] = Field(
        description="Months of pension paid per undetected death: 87万 / 36 cases / the "
        "average employee pension of the 55,900 recipients (III.(1).2; II.(1))."
    )
    schemes: list[SchemeCode] = Field(
        description="Schemes whose pensions leak to dead pensioners at this rate (the report "
        "measured the employee pensions)."
    )


class RetirementAges(Section):
    male: Age = Field(description="Statutory retirement age of men in 2013 (years); P10.")
    female_cadre: Age = Field(description="Women cadres (干部) in 2013 (years); P10.")
    female_worker: Age = Field(description="Women workers (工人) in 2013 (years); P10.")


class Coverage(Section):
    target_factor: Factor = Field(
        description="Contributors per resident of each county, sex and contributing age, as a "
        "multiple of the base-year ratio, reached linearly by target_year (1 = hold the "
        "base-year coverage; an assumption)."
    )
    target_year: Year = Field(description="Year in which target_factor is reached.")


class Indexation(Section):
    known: dict[str, SignedRate] = Field(
        description="Yearly raise of pensions in payment by calendar year, where history "
        "is known (fraction): enterprise overall adjustments 2013-2024 "
        "(shared/data/public pension_enterprise_indexation.csv, P12)."
    )
    cpi_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="Later years: raise = cpi_share x CPI inflation + wage_share x real "
        "wage growth (an assumption)."
    )
    wage_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="See cpi_share; 0.6 follows the 2005 rule linking raises to 60 % of "
        "wage growth (P12; an assumption for the future)."
    )


class Arrears(Section):
    stock_2013_cny: Amount = Field(
        description="Contributions owed by employers at the start of 2013 (CNY; report III.(1).1)."
    )
    new_share: Probability = Field(
        description="Share of contributions due each year that is not paid (an assumption: "
        "the report gives the stock only and says new arrears exceed recoveries)."
    )
    recovery_rate: Probability = Field(
        description="Share of the arrears stock recovered each year (an assumption)."
    )


class EmployeePension(Section):
    employer_rate: Probability = Field(
        description="Employer contribution, fraction of payroll (report II.(1): at most 20 %)."
    )
    employee_rate: Probability = Field(
        description="Employee contribution to the individual account, fraction of wage "
        "(report II.(1): 8 %)."
    )
    retirement_age: RetirementAges
    female_cadre_share: Probability = Field(
        description="Share of women members who retire at the cadre age rather than the "
        "worker age (an assumption: the report gives no split)."
    )
    entry_age: Age = Field(
        description="Age at which members start contributing (an assumption); sets the "
        "service years of base-year members."
    )
    wage_ratio: Factor = Field(
        description="Average wage of members / the city average wage (an assumption)."
    )
    contribution_base_ratio: Factor = Field(
        description="Declared contribution base / member's wage (an assumption: bases are "
        "often declared near the 60 % floor; the report gives no figure)."
    )
    accrual_rate: Probability = Field(
        description="Basic pension per year of service, fraction of the average of the "
        "city wage and the member's indexed wage (国发〔2005〕38号: 1 %)."
    )
    account_start_year: Year = Field(
        description="Year individual accounts started (report II.(1): 1996-01-01)."
    )
    coverage: Coverage
    indexation: Indexation
    arrears: Arrears


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
    average_contribution_cny_per_year: Amount = Field(
        description="Average individual contribution per contributor (CNY a year; report "
        "V.(2).2.(6): 149 rural, 262 urban in 2012); held in nominal terms."
    )
    contribution_subsidy_cny_per_year: Amount = Field(
        description="Government subsidy into each contributor's account (CNY a year): the "
        "national floor of 30 (国发〔2009〕32号, 国发〔2011〕18号); local top-ups not found."
    )
    contribution_ages: AgeRange = Field(
        description="First and last age of contributing (16-59: 国发〔2009〕32号)."
    )
    account_pension_2012_cny_per_month: Amount = Field(
        description="Average individual-account part of a pension in payment in 2012 (CNY "
        "a month): the average payment 75.78 (4.76 % of 1,592; III.(2).3) less the 60 "
        "basic pension."
    )
    basic_pension_local_top_up_cny_per_month: Amount = Field(
        description="Yuxi's basic pension above the central minimum (CNY a month): 60 - 55 "
        "(III.(2).3; P11); the central minimum's later raises (P11) are added to it."
    )
    basic_indexation: Indexation
    coverage: Coverage


class ClosedAccountPension(Section):
    pension_age: Age = Field(description="Age from which pensions are paid (II.(2).3-4).")
    payout_divisor_months: Months = Field(
        description="Account pension = account / this many months (139 at 60, P13)."
    )


class Fiscal(Section):
    resident_pension_local_shares: dict[Literal["province", "city", "county"], Probability] = Field(
        description="How province, city and county share the local part of the resident "
        "pensions' subsidies (account subsidies and the basic pension above the central "
        "minimum, which the centre pays in full in western provinces, 国发〔2009〕32号); "
        "fractions summing to 1 (ASSUMPTION: no Yunnan or Yuxi split was found)."
    )


class Schemes(Section):
    enterprise_pension: EmployeePension
    institution_pension: EmployeePension
    rural_resident_pension: ResidentPension
    urban_resident_pension: ResidentPension
    land_lost_pension: ClosedAccountPension
    old_rural_pension: ClosedAccountPension
    urban_resident_medical: ResidentMedical
    rural_cooperative_medical: ResidentMedical
    unemployment: Unemployment
    work_injury_enterprise: WorkInjury
    work_injury_institution: WorkInjury
    maternity_enterprise: Maternity
    maternity_institution: Maternity
    dibao: Dibao


class Assumptions(Section):
    """Every assumption of a projection. Build with :func:`actuarial.load_assumptions`."""

    projection: Projection
    population: Population
    allocation: Allocation
    mortality: Mortality
    economy: Economy
    leakage: Leakage
    fiscal: Fiscal
    schemes: Schemes
