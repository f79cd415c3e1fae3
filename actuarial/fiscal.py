"""Who pays the pension subsidies: the central, provincial, city and county budgets.

The employee pensions take no subsidies in the model. The resident pensions' subsidies are
the account subsidy of each contributor and the basic pension of each pensioner; the
centre pays the central minimum basic pension in full in western provinces such as Yunnan
(国发〔2009〕32号), its yearly average taken from the packaged series (P11) and, after the
series ends, the same share of the basic pension as in its last year (an assumption); the
rest is local, split by ``fiscal.resident_pension_local_shares``.

The four parts add up to the subsidies exactly, in the order central + province + city +
county: the county part is what remains of the total, which is exact in floating point
because the remainder is at least half the total or the parts are of one magnitude
(Sterbenz), and a test checks every cell.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

from actuarial.assumptions import Assumptions
from actuarial.assumptions.model import ResidentPension
from actuarial.data import read_csv

__all__ = ["central_minimum_by_year", "pension_subsidy_levels"]

F64 = NDArray[np.float64]


def central_minimum_by_year(years: NDArray[np.int64]) -> F64:
    """Yearly average of the central minimum basic pension (CNY a month, P11); NaN after
    the last year of the series."""
    return _central_minimum(tuple(int(y) for y in years)).copy()


@functools.lru_cache(maxsize=16)
def _central_minimum(years: tuple[int, ...]) -> F64:
    # Read once per set of years: a projection asks for every chunk of draws.
    steps: list[tuple[float, float]] = []
    for r in read_csv("rules.resident_basic_minimum"):
        date = r["effective_date"]
        year, month = (int(date[:4]), int(date[5:7])) if len(date) > 4 else (int(date), 1)
        steps.append(
            (year + (month - 1) / 12, float(r["central_minimum_basic_pension_yuan_per_month"]))
        )
    steps.sort()
    last = int(steps[-1][0])
    out = np.full(len(years), np.nan)
    for i, y in enumerate(years):
        if y > last or y < steps[0][0]:
            continue
        months = [[v for start, v in steps if start <= y + m / 12 + 1e-9][-1] for m in range(12)]
        out[i] = sum(months) / 12
    out.flags.writeable = False  # shared by every caller through the cache
    return out


def pension_subsidy_levels(
    a: Assumptions,
    *,
    codes: tuple[str, ...],
    years: NDArray[np.int64],
    subsidies: F64,  # [D, C, K, Y]
    contributors: F64,  # [D, C, K, Y]
    account_subsidy: F64 | None = None,  # [K, Y]
) -> F64:
    """``[4, D, C, K, Y]``: the subsidies of each pension scheme by level of government.

    ``account_subsidy`` is the subsidy into each contributor's account by scheme and year
    as the kernel paid it (``flat_subsidy``, which a reform may change); default the
    assumptions' ``contribution_subsidy_cny_per_year`` in every year."""
    from kernels.fiscal import split_subsidies

    out = np.zeros((4, *subsidies.shape))
    shares = a.fiscal.resident_pension_local_shares
    central_min = _central_minimum(tuple(int(y) for y in years))
    known = ~np.isnan(central_min)
    subsidies = np.ascontiguousarray(subsidies, dtype=np.float64)
    contributors = np.ascontiguousarray(contributors, dtype=np.float64)
    for k, code in enumerate(codes):
        rules = getattr(a.schemes, code)
        if not isinstance(rules, ResidentPension):
            continue  # no subsidies in the employee and closed schemes
        # The kernel's subsidies are the account subsidy of each contributor plus the
        # basic pension: the basic pension is what remains of the total.
        per_head = (
            np.full(years.size, rules.contribution_subsidy_cny_per_year)
            if account_subsidy is None
            else np.ascontiguousarray(account_subsidy[k, : years.size], dtype=np.float64)
        )
        share = central_min / (central_min + rules.basic_pension_local_top_up_cny_per_month)
        # After the series ends the centre keeps its last share (np.interp holds the ends).
        share = np.interp(years, years[known], share[known])
        # central = basic pension x share, province and city their shares of the rest,
        # county = total - ((central + province) + city), cell by cell (kernels.fiscal).
        split_subsidies(
            subsidies, contributors, k, per_head, share, float(shares["province"]),
            float(shares["city"]), out,
        )  # fmt: skip
    return out
