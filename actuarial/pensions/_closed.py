"""Closed individual-account pensions (land-expropriated farmers, old rural): no new
contributions in the baseline, so members not yet drawing (16-59) keep their accounts,
credited with the fund's return, until the pension age, and then draw account ÷ divisor.

Each insured person's account is the fund balance shared equally over the insured, and a
base-year pension is that account ÷ the divisor (the report gives no average payment; it
gives the range 0.5-817.4 CNY a month for land-lost farmers, III.(2).5.(4)).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from actuarial.assumptions.model import ClosedAccountPension
from actuarial.pensions._inputs import AGES, Context, SchemeInputs, distribute, leakage_of
from kernels.cohort import CLOSED

__all__ = ["build_closed"]


def build_closed(
    ctx: Context, code: Literal["land_lost_pension", "old_rural_pension"], notes: str
) -> SchemeInputs:
    rules: ClosedAccountPension = getattr(ctx.assumptions.schemes, code)
    b = ctx.baseline
    insured = b.county_values(code, "insured")
    pensioners = b.county_values(code, "beneficiaries")
    balance0 = b.county_values(code, "balance")
    deferred = np.clip(insured - pensioners, 0, None)
    waiting = np.zeros((2, AGES.size))
    waiting[:, 16 : rules.pension_age] = 1.0
    retired = np.zeros((2, AGES.size))
    retired[:, rules.pension_age :] = 1.0
    retire = np.zeros((2, AGES.size))
    retire[:, rules.pension_age] = 1.0
    ref = ctx.reference_population()
    a0 = distribute(deferred, ref * waiting)
    p0 = distribute(pensioners, ref * retired)
    per_head = np.divide(balance0, insured, out=np.zeros_like(balance0), where=insured > 0)
    divisor = float(rules.payout_divisor_months)
    n_years = ctx.years.size
    return SchemeInputs(
        code=code,
        kind=CLOSED,
        notes=notes,
        retire=retire,
        payout_months=np.full(AGES.size, divisor),
        pen_known=np.zeros(n_years),
        basic_known=np.zeros(n_years),
        coverage=np.zeros_like(a0),
        coverage_path=np.ones(n_years),
        leak=leakage_of(ctx.assumptions, code),
        arrears0=np.zeros(ctx.n_counties),
        a0=a0,
        acc0=a0 * per_head[:, None, None],
        sv0=np.zeros_like(a0),
        p0=p0,
        pen0=p0 * (12.0 * per_head / divisor)[:, None, None],
        balance0=balance0,
    )
