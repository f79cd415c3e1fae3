"""A fund's year-end accounts, the same for every claims scheme (the contract of
``actuarial.claims``): subsidies by level, interest on the mean balance, the balance, and
the output row in the contract's variable order."""

from __future__ import annotations

import numpy as np

from kernels.jit import njit

__all__ = ["settle_year"]


@njit
def settle_year(
    out: np.ndarray,  # [V, D, C, Y], the contract variables first
    i: int,
    c: int,
    y: int,
    r: float,  # the year's return on the fund
    balance: float,  # at the end of the previous year
    members: float,
    beneficiaries: float,
    contributions: float,
    central: float,
    province: float,
    city: float,
    county: float,
    benefits: float,
    other_outgo: float,
) -> float:
    """Write the year's contract variables into ``out[:12, i, c, y]``; return the balance.

    The sums are in the order the contract states, so the identities hold bit for bit:
    ``subsidies = central + province + city + county`` and ``balance = balance[t-1] +
    (contributions + subsidies + interest) - (benefits + other_outgo)``."""
    subsidies = central + province + city + county
    net = contributions + subsidies - (benefits + other_outgo)
    interest = r * (balance + 0.5 * net)
    balance = balance + (contributions + subsidies + interest) - (benefits + other_outgo)
    values = (
        members, beneficiaries, contributions, subsidies, interest, benefits, other_outgo,
        balance, central, province, city, county,
    )  # fmt: skip
    for v in range(len(values)):
        out[v, i, c, y] = values[v]
    return balance
