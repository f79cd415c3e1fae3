"""The minimum living guarantee (低保) kernel: recipients and the budget outlay by county.

No fund: every yuan paid is met by the budgets in the same year. For each draw the lines
(urban a month, rural a month) are raised once a year from a month of the year: the known
raise, else ``max(floor[t], cpi_share * cpi + wage_share * real wage growth)`` where the
floor is the minimum raise of the years it applies to and 0 after (lines are not cut).
The year pays the old lines before the change month and the new ones from it.

Then for each county and year:

1. recipients = residents x rate x rate_path[t]: Binomial with process risk (residents as
   whole persons, rounded half up), else expected; urban recipients among them:
   Binomial(recipients, urban_share), else expected; the rest are rural;
2. outlay = 12 x (urban x urban line x payment_share_urban + rural x rural line x
   payment_share_rural), the lines being those paid in the year;
3. split by level: central, province and city their shares of the outlay, the county the
   rest; subsidies and benefits are both ``central + province + city + county`` (in that
   order), so they are equal to the last bit and the balance, ``0 + (0 + subsidies + 0) -
   (benefits + 0)``, is exactly 0.

Random numbers (``kernels.sampling``), keyed by the global draw index: stream
``S_RECIPIENTS`` and ``S_URBAN`` at (year, cell = county).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from kernels.jit import pjit
from kernels.sampling import binomial

__all__ = ["S_RECIPIENTS", "S_URBAN", "project_dibao"]

# Random streams of the dibao family (60-69).
S_RECIPIENTS = 60
S_URBAN = 61


# d = draw, y = year index, c = county, s = sex, a = age
@pjit
def project_dibao(
    seed: int,
    draws: np.ndarray,  # int64[D] global draw indices
    process_risk: bool,
    cpi: np.ndarray,  # [D, Y]
    real_wage_growth: np.ndarray,  # [D, Y]
    population: np.ndarray,  # [D, Y, C, S, A] residents during the year
    rate: np.ndarray,  # [C] recipients per resident in the base year
    rate_path: np.ndarray,  # [Y] multiplier of the base rate
    urban_share: float,  # share of recipients under the urban line
    payment_share: np.ndarray,  # [2] average payment / line: urban, rural
    lines_before: np.ndarray,  # [2] urban, rural line before the base year's change, a month
    lines_after: np.ndarray,  # [2] urban, rural line from the base year's change, a month
    new_share: float,  # share of a year paid at the new lines (from the change month)
    raise_known: np.ndarray,  # [Y] raise of the lines (NaN: rule); year 0 is unused
    raise_floor: np.ndarray,  # [Y] least raise of each year
    raise_rule: np.ndarray,  # [2] cpi share, real-wage share
    budget_shares: np.ndarray,  # [3] central, province, city; the county pays the rest
    out: np.ndarray,  # [V, D, C, Y]
) -> None:
    """Project every county's dibao for the draws ``draws`` into ``out``."""
    n_years = cpi.shape[1]
    n_counties = population.shape[2]
    for i in numba.prange(draws.shape[0]):
        d = draws[i]
        # Monthly lines paid in each year (urban, rural), city-wide.
        paid = np.empty((n_years, 2))
        index = 1.0
        for y in range(n_years):
            old = index
            if y > 0:
                step = raise_known[y]
                if math.isnan(step):
                    step = raise_rule[0] * cpi[i, y] + raise_rule[1] * real_wage_growth[i, y]
                    step = max(step, raise_floor[y])
                index *= 1.0 + step
            for k in range(2):
                before = lines_before[k] if y == 0 else lines_after[k] * old
                paid[y, k] = (1.0 - new_share) * before + new_share * lines_after[k] * index
        for c in range(n_counties):
            balance = 0.0
            for y in range(n_years):
                residents = population[i, y, c].sum()
                p = min(rate[c] * rate_path[y], 1.0)
                if process_risk:
                    residents = np.floor(residents + 0.5)
                    recipients = binomial(residents, p, seed, S_RECIPIENTS, d, y, c)
                    urban = binomial(recipients, urban_share, seed, S_URBAN, d, y, c)
                else:
                    recipients = residents * p
                    urban = recipients * urban_share
                rural = recipients - urban
                outlay = 12.0 * (
                    urban * paid[y, 0] * payment_share[0] + rural * paid[y, 1] * payment_share[1]
                )
                central = budget_shares[0] * outlay
                province = budget_shares[1] * outlay
                city = budget_shares[2] * outlay
                county = outlay - (central + province + city)
                subsidies = central + province + city + county
                benefits = central + province + city + county
                contributions = 0.0
                interest = 0.0  # no fund
                other = 0.0
                balance = balance + (contributions + subsidies + interest) - (benefits + other)
                # In actuarial.claims.CLAIMS_VARIABLES order.
                values = (0.0, recipients, contributions, subsidies, interest, benefits, other,
                          balance, central, province, city, county)  # fmt: skip
                for v in range(len(values)):
                    out[v, i, c, y] = values[v]
