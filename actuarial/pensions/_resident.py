"""Resident pensions (new rural, urban resident): a flat tier contribution plus a subsidy
into an individual account, a basic pension paid from budgets from the pension age, and
an account pension = account ÷ the payout divisor (not raised in payment).

Base-year contributors are placed over the contributing ages and pensioners over the ages
from the pension age, by the county's residents. Each contributor's account is the fund
balance shared equally (the fund holds the accounts; the report gives no account data).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from actuarial.assumptions.model import ResidentPension
from actuarial.pensions._inputs import (
    AGES,
    Context,
    SchemeInputs,
    coverage_of,
    distribute,
    leakage_of,
)
from kernels.cohort import RESIDENT

__all__ = ["build_resident"]


def build_resident(
    ctx: Context,
    code: Literal["rural_resident_pension", "urban_resident_pension"],
    notes: str,
) -> SchemeInputs:
    rules: ResidentPension = getattr(ctx.assumptions.schemes, code)
    b = ctx.baseline
    first, last = rules.contribution_ages
    active = np.zeros((2, AGES.size))
    active[:, first : last + 1] = 1.0
    retired = np.zeros((2, AGES.size))
    retired[:, rules.pension_age :] = 1.0
    retire = np.zeros((2, AGES.size))
    retire[:, rules.pension_age] = 1.0
    ref = ctx.reference_population()
    contributors = b.county_values(code, "contributors")
    a0 = distribute(contributors, ref * active)
    p0 = distribute(b.county_values(code, "beneficiaries"), ref * retired)
    balance0 = b.county_values(code, "balance")
    per_head = np.divide(
        balance0, contributors, out=np.zeros_like(balance0), where=contributors > 0
    )
    coverage = coverage_of(a0, ref, active)
    n_years = ctx.years.size
    return SchemeInputs(
        code=code,
        kind=RESIDENT,
        notes=notes,
        flat_contribution=rules.average_contribution_cny_per_year,
        flat_subsidy=rules.contribution_subsidy_cny_per_year,
        basic0=rules.basic_pension_cny_per_month,
        retire=retire,
        payout_months=np.full(AGES.size, float(rules.payout_divisor_months)),
        pen_known=np.zeros(n_years),
        basic_known=ctx.known_path(rules.basic_indexation.known),
        basic_rule=(rules.basic_indexation.cpi_share, rules.basic_indexation.wage_share),
        coverage=coverage,
        coverage_path=ctx.linear_path(rules.coverage.target_factor, rules.coverage.target_year),
        leak=leakage_of(ctx.assumptions, code),
        arrears0=np.zeros(ctx.n_counties),
        a0=a0,
        acc0=a0 * per_head[:, None, None],
        sv0=np.zeros_like(a0),
        p0=p0,
        pen0=p0 * (12.0 * rules.account_pension_2012_cny_per_month),
        balance0=balance0,
    )
