"""Employee pensions (enterprise, institution): contributions as rates of a wage base, a
basic pension from service years and an individual-account pension.

Base-year members are placed over ages by the county's residents: contributors from the
entry age to their retirement age, pensioners above it (women split between the worker
and cadre ages by ``female_cadre_share``). A contributor's service is counted from the
entry age; the individual account holds ``employee_rate`` x the 2013 contribution base for
each year since accounts began (1996), in 2013 money: an assumption, as the report gives
no account balances.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from actuarial.allocation import key_weights
from actuarial.assumptions.model import EmployeePension
from actuarial.pensions._inputs import (
    AGES,
    Context,
    SchemeInputs,
    coverage_of,
    distribute,
    leakage_of,
    payout_months_by_age,
)
from actuarial.rounding import split_exact
from kernels.cohort import EMPLOYEE

__all__ = ["build_employee"]


def _profiles(rules: EmployeePension) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[S, A] shares still contributing, already retired, and retiring on reaching age a."""
    ra = rules.retirement_age
    cadre = rules.female_cadre_share
    active = np.zeros((2, AGES.size))
    retire = np.zeros((2, AGES.size))
    active[0, rules.entry_age : ra.male] = 1.0
    retire[0, ra.male] = 1.0
    early, late = sorted((ra.female_worker, ra.female_cadre))
    early_share = 1.0 - cadre if ra.female_worker <= ra.female_cadre else cadre
    active[1, rules.entry_age : early] = 1.0
    active[1, early:late] = 1.0 - early_share
    if early == late:
        retire[1, early] = 1.0
    else:
        retire[1, early] = early_share
        retire[1, late] = 1.0
    retired = np.zeros_like(active)
    retired[:, rules.entry_age :] = 1.0 - active[:, rules.entry_age :]
    return active, retired, retire


def build_employee(
    ctx: Context,
    code: Literal["enterprise_pension", "institution_pension"],
    notes: str,
) -> SchemeInputs:
    a = ctx.assumptions
    rules: EmployeePension = getattr(a.schemes, code)
    b = ctx.baseline
    active, retired, retire = _profiles(rules)
    ref = ctx.reference_population()
    a0 = distribute(b.county_values(code, "contributors"), ref * active)
    p0 = distribute(b.county_values(code, "beneficiaries"), ref * retired)
    wage0 = a.economy.wage_2013_cny_per_year
    base_factor = rules.wage_ratio * rules.contribution_base_ratio
    base_year = int(ctx.years[0])
    account_years = np.clip(
        np.minimum(AGES - rules.entry_age, base_year - rules.account_start_year), 0, None
    )
    service_years = np.clip(AGES - rules.entry_age, 0, None).astype(np.float64)
    average_pension = b.figure(code, "average_benefit").value  # CNY a month, 2012
    coverage = coverage_of(a0, ref, active)
    key = key_weights(a.allocation.key_for(code), code, a)
    return SchemeInputs(
        code=code,
        kind=EMPLOYEE,
        notes=notes,
        pool_rate=rules.employer_rate,
        account_rate=rules.employee_rate,
        base_factor=base_factor,
        # 国发〔2005〕38号: 1 % a service year of the mean of the city wage and the member's
        # indexed wage (here the declared base).
        basic_factor=rules.accrual_rate * (1.0 + base_factor) / 2.0,
        retire=retire,
        payout_months=payout_months_by_age(),
        pen_known=ctx.known_path(rules.indexation.known),
        pen_rule=(rules.indexation.cpi_share, rules.indexation.wage_share),
        basic_known=np.zeros(ctx.years.size),
        coverage=coverage,
        coverage_path=ctx.linear_path(rules.coverage.target_factor, rules.coverage.target_year),
        leak=leakage_of(ctx.assumptions, code),
        arrears_rates=(rules.arrears.new_share, rules.arrears.recovery_rate),
        arrears0=split_exact(round(rules.arrears.stock_2013_cny), key).astype(np.float64),
        a0=a0,
        acc0=a0 * (rules.employee_rate * wage0 * base_factor * account_years),
        sv0=a0 * service_years,
        p0=p0,
        pen0=p0 * (12.0 * average_pension),
        balance0=b.county_values(code, "balance"),
    )
