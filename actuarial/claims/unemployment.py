"""Unemployment insurance (失业保险), report II.(4), Table 4, III.(4), App.A.IV.4.

The model (kernel: ``kernels.unemployment``, whose docstring gives the steps):

- **Insured** by county from the base year (II.(4): 140,172 at 2013-08-31, split by the
  ``allocation.key`` of the scheme), held at a coverage share of each county's working-age
  residents (``working_ages_male`` / ``_female``; the city level against the whole city),
  times a coverage path (``coverage``). Every insured person contributes.
- **Contributions**: employer 2 % + employee 1 % (II.(4)) of a declared base,
  ``contribution_base_ratio`` x the city average wage (``economy.wage_2013_cny_per_year``
  grown by the draw's nominal wage growth); the ratio is calibrated to 2012 (Table 4).
- **Recipients** = insured x claim rate x ``take_up``, drawn as a binomial with process risk.
  The claim rate (recipients per insured) is a city-wide AR(1) of its log, fitted on Table
  4's recipients 2005-2012 with the parameter uncertainty of its mean carried per draw
  (``actuarial.claims._unemployment_rate``). It is an economic process: its shocks are off
  only in a deterministic run (``paths.deterministic``; the median path), whatever the
  process risk, like the other economic shocks.
- **Benefits** = recipients x ``benefit_months_per_recipient`` x the monthly level of the
  county's area class (II.(4): class 2 = city level and Hongta, class 3 = other counties;
  ``registry/counties.csv``), the three levels mixed by ``tier_mix``; the months are
  calibrated to Table 4's 2012 spending and bounded by the 24-month maximum (App.A.IV.4).
  Levels are paid at the old rate before ``benefit_change_month`` (March: the 2013 raise of
  II.(4)) and raised each year by the known raise or the CPI and real-wage rule.
- **Other outgo**: training and job placement, ``other_outgo_share`` of benefits (III.(4).3:
  under 5 % of normal spending).
- **No subsidies**: the report names none; all four levels are zero.
- **Opening balance**: Table 4's 2012 balance (50,544.70万) split like the insured.

Left out: the fund's payment of recipients' medical premiums as a separate item (it is in
the calibrated months, since Table 4 gives one spending figure), one-off payments to
migrant workers, and arrears (none reported for this fund).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from actuarial.claims import CLAIMS_VARIABLES, N_AGES, check_chunk
from actuarial.claims import contiguous as _c
from actuarial.claims._unemployment_rate import class_levels, county_classes
from actuarial.context import Context
from actuarial.scenarios import EconomicPaths

__all__ = ["NOTES", "UnemploymentFund", "build", "working_mask"]

F64 = NDArray[np.float64]


NOTES = (
    "Table 4 is city-wide: county balances and flows are the city's split by the "
    "allocation key; the claim rate is one city-wide process (n = 8 years of history, so "
    "its mean is uncertain and drawn per draw). Training and placement spending is held "
    "at the report's 5 % bound (III.(4).3); the fund is far in surplus (III.(4).3)."
)


def working_mask(ages_male: list[int], ages_female: list[int]) -> F64:
    """[S, A]: 1 at the working ages of each sex (inclusive), else 0."""
    mask = np.zeros((2, N_AGES))
    for s, (first, last) in enumerate((ages_male, ages_female)):
        mask[s, first : last + 1] = 1.0
    return mask


@dataclass(eq=False)
class UnemploymentFund:
    """The unemployment fund of every county, as the plain arrays of the kernel."""

    code: str
    notes: str
    has_fund: bool
    opening_balance: F64  # [C], CNY
    years: NDArray[np.int64]
    working: F64  # [S, A]
    coverage: F64  # [C]
    coverage_path: F64  # [Y]
    wage0: float
    contribution_rate: float
    base_ratio: float
    rate_mean: float  # log scale
    rate_persistence: float
    rate_volatility: float
    rate_mean_se: float
    rate_start: float  # log scale
    take_up: float
    months: float
    level_before: F64  # [C]
    level_after: F64  # [C]
    new_share: float
    raise_known: F64  # [Y]
    raise_rule: F64  # [2]
    other_share: float

    def kernel_args(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        population: F64,
        process_risk: bool,
    ) -> tuple[Any, ...]:
        """Every argument of ``kernels.unemployment.project_unemployment`` but ``out``."""
        check_chunk(
            self.code, ids, paths, population, n_counties=self.coverage.size,
            n_years=self.years.size,
        )  # fmt: skip
        return (
            int(seed), _c(ids, np.int64), bool(process_risk), not paths.deterministic,
            _c(paths.cpi), _c(paths.real_wage_growth), _c(paths.wage_growth),
            _c(paths.fund_return), _c(population), self.working, self.coverage,
            self.coverage_path, self.wage0, self.contribution_rate, self.base_ratio,
            self.rate_mean, self.rate_persistence, self.rate_volatility, self.rate_mean_se,
            self.rate_start, self.take_up, self.months, self.level_before, self.level_after,
            self.new_share, self.raise_known, self.raise_rule, self.other_share,
            self.opening_balance,
        )  # fmt: skip

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
        from kernels.unemployment import project_unemployment

        args = self.kernel_args(seed, ids, paths, population, process_risk)
        out = np.empty((len(CLAIMS_VARIABLES), ids.size, self.coverage.size, self.years.size))
        # The kernel takes the arguments positionally, as kernel_args lists them.
        kernel: Callable[..., None] = project_unemployment
        kernel(*args, out)
        return out


def build(ctx: Context) -> UnemploymentFund:
    """The unemployment fund of every county from the base year and assumptions of ``ctx``."""
    a = ctx.assumptions
    u = a.schemes.unemployment
    b = ctx.baseline
    working = working_mask(u.working_ages_male, u.working_ages_female)
    ref = (ctx.reference_population() * working).sum(axis=(1, 2))
    insured = b.county_values("unemployment", "insured")
    coverage = np.divide(insured, ref, out=np.zeros_like(insured), where=ref > 0)
    levels = class_levels(a)
    classes = county_classes()
    level_before = np.array([levels[int(k)][0] for k in classes], dtype=np.float64)
    level_after = np.array([levels[int(k)][1] for k in classes], dtype=np.float64)
    rate = u.claim_rate
    return UnemploymentFund(
        code="unemployment",
        notes=NOTES,
        has_fund=True,
        opening_balance=np.ascontiguousarray(b.county_values("unemployment", "balance")),
        years=ctx.years,
        working=working,
        coverage=coverage,
        coverage_path=ctx.linear_path(u.coverage.target_factor, u.coverage.target_year),
        wage0=a.economy.wage_2013_cny_per_year,
        contribution_rate=u.employer_rate + u.employee_rate,
        base_ratio=u.contribution_base_ratio,
        rate_mean=math.log(rate.mean),
        rate_persistence=rate.persistence,
        rate_volatility=rate.volatility_log,
        rate_mean_se=rate.mean_se_log,
        rate_start=math.log(rate.start),
        take_up=u.take_up,
        months=u.benefit_months_per_recipient,
        level_before=level_before,
        level_after=level_after,
        new_share=(13 - u.benefit_change_month) / 12.0,
        raise_known=ctx.known_path(u.indexation.known),
        raise_rule=np.array([u.indexation.cpi_share, u.indexation.wage_share]),
        other_share=u.other_outgo_share,
    )
