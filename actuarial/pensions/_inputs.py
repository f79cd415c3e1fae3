"""What the cohort kernel needs of one pension scheme, as plain arrays, and the shared
context (population, years, mortality) every scheme builder starts from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from actuarial.assumptions import Assumptions
from actuarial.context import Context
from actuarial.rounding import split_exact

__all__ = [
    "Context",
    "SchemeInputs",
    "coverage_of",
    "distribute",
    "leakage_of",
    "payout_months_by_age",
]

F64 = NDArray[np.float64]
N_AGES = 101
AGES = np.arange(N_AGES)


@dataclass
class SchemeInputs:
    """Kernel inputs of one scheme (see ``kernels.cohort.project_pensions``)."""

    code: str
    kind: int
    notes: str
    pool_rate: float = 0.0
    account_rate: float = 0.0
    base_factor: float = 0.0
    basic_factor: float = 0.0
    flat_contribution: float = 0.0
    flat_subsidy: float = 0.0
    basic0: float = 0.0
    retire: F64 = field(default_factory=lambda: np.zeros((2, N_AGES)))
    payout_months: F64 = field(default_factory=lambda: np.full(N_AGES, 139.0))
    pen_known: F64 = field(default_factory=lambda: np.zeros(0))
    pen_rule: tuple[float, float] = (0.0, 0.0)
    basic_known: F64 = field(default_factory=lambda: np.zeros(0))
    basic_rule: tuple[float, float] = (0.0, 0.0)
    coverage: F64 = field(default_factory=lambda: np.zeros(0))
    coverage_path: F64 = field(default_factory=lambda: np.zeros(0))
    leak: tuple[float, float, float] = (0.0, 0.0, 0.0)
    arrears_rates: tuple[float, float] = (0.0, 0.0)
    arrears0: F64 = field(default_factory=lambda: np.zeros(0))
    a0: F64 = field(default_factory=lambda: np.zeros(0))
    acc0: F64 = field(default_factory=lambda: np.zeros(0))
    sv0: F64 = field(default_factory=lambda: np.zeros(0))
    p0: F64 = field(default_factory=lambda: np.zeros(0))
    pen0: F64 = field(default_factory=lambda: np.zeros(0))
    balance0: F64 = field(default_factory=lambda: np.zeros(0))


def distribute(totals: F64, weights: F64) -> F64:
    """Split each county's whole-number total over its (sex, age) cells in proportion to
    ``weights[c]`` by largest remainder, so that counts are whole (random deaths need
    whole counts) and sum exactly to the county total."""
    out = np.zeros(weights.shape, dtype=np.float64)
    for c, total in enumerate(totals):
        n = round(float(total))
        if n == 0:
            continue
        w = weights[c].ravel()
        if w.sum() <= 0:
            raise ValueError(f"county {c}: {n} members but no eligible residents to place")
        out[c] = split_exact(n, w.tolist()).reshape(weights[c].shape)
    return out


def coverage_of(members: F64, residents: F64, eligible: F64) -> F64:
    """Members per resident of each cell where the cell is eligible (contributing ages)
    and has residents; zero elsewhere. The kernel keeps each cell at this coverage."""
    share = np.divide(members, residents, out=np.zeros_like(members), where=residents > 0)
    return share * (eligible > 0)


def payout_months_by_age() -> F64:
    """计发月数 by retirement age (国发〔2005〕38号, P13), ages outside 40-70 held at the
    table's ends."""
    from actuarial.data import read_csv

    rows = read_csv("rules.payout_months")
    ages = np.array([int(r["retirement_age_years"]) for r in rows])
    months = np.array([float(r["payout_months"]) for r in rows])
    return np.asarray(np.interp(AGES, ages, months), dtype=np.float64)


def leakage_of(a: Assumptions, code: str) -> tuple[float, float, float]:
    """Pensions paid to dead pensioners: the report's rates for the schemes listed in
    ``leakage.schemes`` (III.(1).2), none for the others."""
    leak = a.leakage
    if code not in leak.schemes:
        return (0.0, 0.0, 0.0)
    return (
        leak.undetected_death_cases_per_recipient,
        leak.overpaid_months_per_case,
        leak.recovered_share,
    )
