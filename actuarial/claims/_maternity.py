"""The two maternity funds (生育保险, report II.(5)): enterprise employees, and institution
staff (city-level pooling with county accounts since 2012-01, II.(5)).

Model (one fund, each county; the kernel is ``kernels.maternity.project_maternity``):

- **Insured.** The 2012 insured of II.(5) (enterprise 106,420, of whom 41,477 women;
  institutions 66,897, 28,864 women) are split across counties by the scheme's allocation
  key (``allocation.key``; the institution fund's city-level unit holds none), each sex
  over its working ages in proportion to the county's residents (the city-level unit: the
  whole city's). Their ratio to the residents of each sex and age is held (times
  ``coverage.target_factor``, reached linearly) while the population moves.
- **Contributions.** Insured x city average wage x ``wage_ratio`` x ``contribution_rate``.
  The report gives no rate; the packaged one is the 2012 contributions / (insured x the
  2012 wage x ``wage_ratio``): 0.60 % for enterprises, 0.10 % for institutions.
- **Births.** Births to insured women: the residents' fertility (``population.
  total_fertility_rate``) with China's age pattern of births by five-year age group (UN WPP
  2019, packaged as ``maternity.china_percent_asfr``; each single age of a group gets a
  fifth of it) in the WPP period of the year, times ``fertility_factor``. Births to insured
  men's spouses use the same rates at the man's age (no age gap between spouses: an
  assumption) times ``spouse_claim_share``. (The residents' own births, in
  ``kernels.population``, still follow the flat schedule of ``population.fertility_ages``.)
- **Benefits.** Each own birth: the allowance (``allowance_share_paid`` x
  ``allowance_days`` / ``allowance_days_per_month`` months of the members' wage of the
  previous year; 98 days under 国务院令第619号; 社会保险法 art. 56) and the medical cost;
  each spouse's birth: the medical cost (社会保险法 art. 54). The 2012 medical cost per
  claim is calibrated and grows with the wage (plus ``medical_cost_excess_growth``).
- **Balance.** The 2012 year-end balance (enterprise 4,542万, institution 5,000万, II.(5))
  split by the key, interest at the draw's fund return; no subsidies (the report names
  none); other outgo zero.

Calibration (:func:`calibrate`, 2012): rate from contributions; the spouse share so that
expected claims (own births + spouses' births) equal the report's beneficiaries; the
medical cost so that expenditure equals the report's, the 2012 allowances being paid on the
2011 wage (2012's less the 2013 growth: an assumption). As the allowance and the medical
cost both follow the wage, the split between them matters little for the projection.
Enterprise 2012: 2,682万 collected, 2,919 beneficiaries, 2,321万 paid; institutions: 323万,
1,157, 338万 (a deficit of 15万, printed as a surplus: CHECKS I-6).

Left out: arrears (enterprise stock 67万 and 30万 recovered in 2012, institutions 42万:
III.(1).1, II.(5); small next to the flows), prenatal-check and family-planning costs as
separate items (inside the calibrated medical cost), extra leave for difficult or multiple
births, and national changes after the report (the lower rate ceiling of 2015, the merger
of maternity into employee medical insurance from 2019): no rule of them is packaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from actuarial.assumptions.schemes_maternity import Maternity
from actuarial.claims import CLAIMS_VARIABLES, N_AGES, check_chunk
from actuarial.context import Context
from actuarial.data import read_csv
from actuarial.pensions._inputs import distribute
from actuarial.scenarios import EconomicPaths

__all__ = [
    "STREAM0",
    "Calibration",
    "MaternityCode",
    "MaternityFund",
    "build_maternity",
    "calibrate",
    "fertility_schedule",
    "insured_by_cell",
]

F64 = NDArray[np.float64]
MaternityCode = Literal["maternity_enterprise", "maternity_institution"]
#: First of the two random streams (own births, spouses' births) of each fund, so that the
#: two funds' counts in the same county and year are independent.
STREAM0: dict[str, int] = {"maternity_enterprise": 50, "maternity_institution": 52}


@cache
def _age_pattern() -> dict[int, F64]:
    """Share of a period's births at each single age, by WPP period start year."""
    out: dict[int, F64] = {}
    for row in read_csv("maternity.china_percent_asfr"):
        start = int(row["period"].split("-")[0])
        first, last = (int(x) for x in row["age_group"].split("-"))
        share = out.setdefault(start, np.zeros(N_AGES))
        share[first : last + 1] = float(row["percent_of_tfr"]) / 100.0 / (last - first + 1)
    return out


def fertility_schedule(years: NDArray[np.int64], tfr: float, factor: float = 1.0) -> F64:
    """[Y, A] births per woman a year: ``tfr x factor`` spread over ages by China's WPP 2019
    age pattern of the period holding each year (years past 2099 take 2095-2100's)."""
    pattern = _age_pattern()
    starts = np.array(sorted(pattern))
    out = np.empty((years.size, N_AGES))
    for y, year in enumerate(years):
        k = int(np.clip(np.searchsorted(starts, year, side="right") - 1, 0, starts.size - 1))
        out[y] = tfr * factor * pattern[int(starts[k])]
    return out


def _rules(ctx: Context, code: MaternityCode) -> Maternity:
    rules: Maternity = getattr(ctx.assumptions.schemes, code)
    return rules


def insured_by_cell(ctx: Context, code: MaternityCode) -> F64:
    """[C, S, A] base-year insured in whole persons: each county's insured of each sex (the
    city's split by the allocation key) over its working ages, in proportion to the
    residents the county draws on."""
    rules = _rules(ctx, code)
    b = ctx.baseline
    ref = ctx.reference_population()
    women = b.county_values(code, "insured_female")
    men = b.county_values(code, "insured") - women
    out = np.zeros_like(ref)
    for s, (total, ages) in enumerate(
        ((men, rules.working_ages_male), (women, rules.working_ages_female))
    ):
        mask = np.zeros(N_AGES)
        mask[ages[0] : ages[1] + 1] = 1.0
        out[:, s] = distribute(total, ref[:, s] * mask)
    return out


def wage_2012(ctx: Context, code: MaternityCode) -> float:
    """The city average wage of 2012, the year of the report's flows (CNY a year)."""
    rules = _rules(ctx, code)
    return ctx.assumptions.economy.wage_2013_cny_per_year / (1.0 + rules.wage_growth_2012_2013)


def _allowance_factor(rules: Maternity) -> float:
    """The allowance the fund pays per own birth, as a fraction of a year's city wage."""
    months = rules.allowance_days / rules.allowance_days_per_month
    return rules.allowance_share_paid * months / 12.0 * rules.wage_ratio


@dataclass(frozen=True)
class Calibration:
    """What the 2012 figures of II.(5) imply, with the expected births behind it."""

    contribution_rate: float
    spouse_claim_share: float
    medical_cost_per_claim_2012_cny: float
    own_births: float  # expected 2012 births to insured women
    spouse_births: float  # expected 2012 births at insured men's ages, before the share


def calibrate(ctx: Context, code: MaternityCode) -> Calibration:
    """The contribution rate, spouse claim share and 2012 medical cost per claim that
    reproduce the 2012 contributions, beneficiaries and expenditure of II.(5), for the
    context's population and assumptions (the other maternity keys)."""
    a = ctx.assumptions
    rules = _rules(ctx, code)
    b = ctx.baseline
    wage = wage_2012(ctx, code)
    # The 2012 allowances were paid on the 2011 wage (art. 56), taken to have grown as in
    # 2013 (wage_growth_2012_2013): no 2011 wage of the same series is packaged.
    allowance = _allowance_factor(rules) * wage / (1.0 + rules.wage_growth_2012_2013)
    insured = insured_by_cell(ctx, code)
    base = int(ctx.years[0])
    f = fertility_schedule(
        np.array([base - 1]), a.population.total_fertility_rate, rules.fertility_factor
    )[0]
    own = float((insured[:, 1] * f).sum())
    spouse = float((insured[:, 0] * f).sum())
    beneficiaries = b.figure(code, "beneficiaries").value
    share = float(np.clip((beneficiaries - own) / spouse, 0.0, 1.0)) if spouse > 0 else 0.0
    expenditure = b.figure(code, "expenditure").value
    claims = own + share * spouse
    medical = (expenditure - own * allowance) / claims
    if medical < 0:
        raise ValueError(
            f"{code}: the allowances alone ({own * allowance:,.0f} CNY) "
            f"exceed the 2012 expenditure ({expenditure:,.0f} CNY); check "
            "allowance_share_paid, wage_ratio and the fertility assumptions"
        )
    rate = b.figure(code, "contributions").value / (
        b.figure(code, "insured").value * wage * rules.wage_ratio
    )
    return Calibration(
        contribution_rate=rate,
        spouse_claim_share=share,
        medical_cost_per_claim_2012_cny=medical,
        own_births=own,
        spouse_births=spouse,
    )


@dataclass
class MaternityFund:
    """One maternity fund of every county, as the kernel's plain arrays."""

    code: str
    notes: str
    has_fund: bool
    opening_balance: F64  # [C] CNY, end of 2012
    years: NDArray[np.int64]
    coverage: F64  # [C, S, A]
    coverage_path: F64  # [Y]
    fertility: F64  # [Y, A] births per insured woman a year
    spouse_share: float
    rate: float  # fraction of the city average wage
    allowance_factor: float  # fraction of the previous year's city wage
    medical0: float  # CNY per claim, 2012
    medical_growth: float
    wage0: float  # 2013 city average wage
    wage_prev0: float  # 2012
    stream0: int

    def run_chunk(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        population: F64,
        *,
        process_risk: bool,
    ) -> F64:
        """``[len(CLAIMS_VARIABLES), len(ids), counties, years]`` for the draws ``ids``."""
        from kernels.maternity import project_maternity

        n_years = self.years.size
        check_chunk(
            self.code, ids, paths, population, n_counties=self.coverage.shape[0],
            n_years=n_years,
        )  # fmt: skip
        out = np.empty((len(CLAIMS_VARIABLES), ids.size, self.coverage.shape[0], n_years))
        project_maternity(
            int(seed), np.ascontiguousarray(ids, dtype=np.int64), bool(process_risk),
            np.ascontiguousarray(paths.wage_growth), np.ascontiguousarray(paths.fund_return),
            np.ascontiguousarray(population, dtype=np.float64), self.wage0, self.wage_prev0,
            self.coverage, self.coverage_path, self.fertility, self.spouse_share, self.rate,
            self.allowance_factor, self.medical0, self.medical_growth, self.opening_balance,
            self.stream0, out,
        )  # fmt: skip
        return out


def build_maternity(ctx: Context, code: MaternityCode, notes: str) -> MaternityFund:
    """The fund ``code`` of every county from the base year and the assumptions."""
    a = ctx.assumptions
    rules = _rules(ctx, code)
    insured = insured_by_cell(ctx, code)
    ref = ctx.reference_population()
    coverage = np.divide(insured, ref, out=np.zeros_like(ref), where=ref > 0)
    return MaternityFund(
        code=code,
        notes=notes,
        has_fund=True,
        opening_balance=np.ascontiguousarray(ctx.baseline.county_values(code, "balance")),
        years=ctx.years,
        coverage=np.ascontiguousarray(coverage),
        coverage_path=ctx.linear_path(rules.coverage.target_factor, rules.coverage.target_year),
        fertility=fertility_schedule(
            ctx.years, a.population.total_fertility_rate, rules.fertility_factor
        ),
        spouse_share=rules.spouse_claim_share,
        rate=rules.contribution_rate * rules.wage_ratio,
        allowance_factor=_allowance_factor(rules),
        medical0=rules.medical_cost_per_claim_2012_cny,
        medical_growth=rules.medical_cost_excess_growth,
        wage0=a.economy.wage_2013_cny_per_year,
        wage_prev0=wage_2012(ctx, code),
        stream0=STREAM0[code],
    )
