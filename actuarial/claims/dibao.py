"""Minimum living guarantee (最低生活保障, 低保), report II.(6), III.(7), V.(2).6.

No fund (``has_fund = False``, balance 0): the outlay is met by the budgets each year. The
model (kernel: ``kernels.dibao``, whose docstring gives the steps):

- **Recipients** = residents x the 2013 recipients per resident of the county (II.(6):
  127,800 "benefit from the raise" of 2013-07-01, split by the ``allocation.key`` of the
  scheme; the city level has no residents and no recipients of its own) x a path
  (``recipients``), drawn as a binomial with process risk; a share ``urban_recipient_share``
  of them under the urban line, the rest under the rural line (an assumption: the report
  gives no split).
- **Lines**: urban 334 CNY a month and rural 2,070 CNY a year from 2013-07-01 (290 and
  1,800 before; II.(6)), raised each July by at least 15 % a year to 2015 (Yunnan's 12th
  five-year plan, II.(6)) and then by the CPI and real-wage rule (``indexation``).
- **Outlay** = recipients x the line paid in the year x ``payment_share_*``: the dibao tops
  household income up to the line, so the average payment is a share of it (an assumption).
- **Who pays**: III.(7) says the money comes from the city, county and township budgets
  only; the central and provincial shares are therefore 0 and the city pays a third (one
  of the three budgets named), the county the rest with its townships (assumptions in
  ``budgets``). ``subsidy_*`` add up to the subsidies, which equal the benefits.

Left out: the "five inclusions / six exclusions" eligibility rules (II.(6)) and any link
between the recipients and the age structure or incomes: the rate per resident is held
(or moved by the path) whatever the population's ageing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from actuarial.claims import CLAIMS_VARIABLES, check_chunk
from actuarial.claims import contiguous as _c
from actuarial.context import Context
from actuarial.scenarios import EconomicPaths

__all__ = ["NOTES", "DibaoOutlay", "build"]

F64 = NDArray[np.float64]


NOTES = (
    "No fund: the outlay is met by budgets in the same year (balance 0). Recipients per "
    "resident are held at 2013's (127,800, II.(6)); the urban/rural split and the payment "
    "per recipient are assumptions; III.(7) names only city, county and township budgets, "
    "so no central or provincial money is assumed."
)


@dataclass(eq=False)
class DibaoOutlay:
    """The dibao of every county, as the plain arrays of the kernel."""

    code: str
    notes: str
    has_fund: bool
    opening_balance: F64  # [C], zero
    years: NDArray[np.int64]
    rate: F64  # [C]
    rate_path: F64  # [Y]
    urban_share: float
    payment_share: F64  # [2]
    lines_before: F64  # [2] a month
    lines_after: F64  # [2] a month
    new_share: float
    raise_known: F64  # [Y]
    raise_floor: F64  # [Y]
    raise_rule: F64  # [2]
    budget_shares: F64  # [3]

    def kernel_args(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        population: F64,
        process_risk: bool,
    ) -> tuple[Any, ...]:
        """Every argument of ``kernels.dibao.project_dibao`` but ``out``."""
        check_chunk(
            self.code, ids, paths, population, n_counties=self.rate.size,
            n_years=self.years.size,
        )  # fmt: skip
        return (
            int(seed), _c(ids, np.int64), bool(process_risk),
            _c(paths.cpi), _c(paths.real_wage_growth), _c(population), self.rate, self.rate_path,
            self.urban_share, self.payment_share, self.lines_before, self.lines_after,
            self.new_share, self.raise_known, self.raise_floor, self.raise_rule,
            self.budget_shares,
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
        from kernels.dibao import project_dibao

        args = self.kernel_args(seed, ids, paths, population, process_risk)
        out = np.empty((len(CLAIMS_VARIABLES), ids.size, self.rate.size, self.years.size))
        # The kernel takes the arguments positionally, as kernel_args lists them.
        kernel: Callable[..., None] = project_dibao
        kernel(*args, out)
        return out


def build(ctx: Context) -> DibaoOutlay:
    """The dibao of every county from the base year and assumptions of ``ctx``."""
    a = ctx.assumptions
    rules = a.schemes.dibao
    residents = ctx.reference_population().sum(axis=(1, 2))
    recipients = ctx.baseline.county_values("dibao", "beneficiaries")
    if np.any((recipients > 0) & (residents <= 0)):
        raise ValueError("dibao: recipients in a unit with no residents")
    rate = np.divide(recipients, residents, out=np.zeros_like(recipients), where=residents > 0)
    if np.any(rate > 1.0):
        raise ValueError(f"dibao: more recipients than residents in a county ({rate.max():.3g})")
    floor = np.where(ctx.years <= rules.min_indexation_until, rules.min_indexation, 0.0)
    b = rules.budgets
    return DibaoOutlay(
        code="dibao",
        notes=NOTES,
        has_fund=False,
        opening_balance=np.zeros(ctx.n_counties),
        years=ctx.years,
        rate=rate,
        rate_path=ctx.linear_path(rules.recipients.target_factor, rules.recipients.target_year),
        urban_share=rules.urban_recipient_share,
        payment_share=np.array([rules.payment_share_urban, rules.payment_share_rural]),
        lines_before=np.array(
            [
                rules.urban_standard_before_cny_per_month,
                rules.rural_standard_before_cny_per_year / 12,
            ]
        ),
        lines_after=np.array(
            [rules.urban_standard_cny_per_month, rules.rural_standard_cny_per_year / 12]
        ),
        new_share=(13 - rules.standard_change_month) / 12.0,
        raise_known=ctx.known_path(rules.indexation.known),
        raise_floor=np.asarray(floor, dtype=np.float64),
        raise_rule=np.array([rules.indexation.cpi_share, rules.indexation.wage_share]),
        budget_shares=np.array([b.central_share, b.province_share, b.city_share]),
    )
