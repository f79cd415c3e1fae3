"""Slow, obvious numpy twin of ``kernels.dibao.project_dibao``, written from its documented
model (same signature and output layout ``out[variable, draw, county, year]``).

For each draw: the monthly lines paid in each year, the old ones before the change month
and the new ones from it, raised by the known raise or ``max(floor, cpi_share * cpi +
wage_share * real)``. For each county and year: recipients (binomial on whole residents with
process risk, else expected), the urban ones among them, the outlay and its split by
level; subsidies and benefits are the sum of the four levels in the contract's order, and
the balance is the identity from 0. Random numbers from ``reference_sampling`` at
(S_RECIPIENTS, year, county) and (S_URBAN, year, county).
"""

from __future__ import annotations

import math

import numpy as np
import reference_sampling as ref
from reference_unemployment import VARIABLES

S_RECIPIENTS = 60
S_URBAN = 61

__all__ = ["VARIABLES", "lines_paid", "project_dibao"]


def lines_paid(
    cpi: np.ndarray,
    real_wage_growth: np.ndarray,
    lines_before: np.ndarray,
    lines_after: np.ndarray,
    new_share: float,
    raise_known: np.ndarray,
    raise_floor: np.ndarray,
    raise_rule: np.ndarray,
) -> np.ndarray:
    """[D, Y, 2] monthly lines (urban, rural) paid in each year of each draw."""
    n_draws, n_years = cpi.shape
    out = np.empty((n_draws, n_years, 2))
    for i in range(n_draws):
        index = np.ones(n_years)
        for y in range(1, n_years):
            step = raise_known[y]
            if math.isnan(step):
                step = max(raise_rule[0] * cpi[i, y] + raise_rule[1] * real_wage_growth[i, y],
                           raise_floor[y])  # fmt: skip
            index[y] = index[y - 1] * (1.0 + step)
        for y in range(n_years):
            before = lines_before if y == 0 else lines_after * index[y - 1]
            out[i, y] = (1.0 - new_share) * before + new_share * lines_after * index[y]
    return out


def project_dibao(
    seed: int,
    draws: np.ndarray,
    process_risk: bool,
    cpi: np.ndarray,
    real_wage_growth: np.ndarray,
    population: np.ndarray,
    rate: np.ndarray,
    rate_path: np.ndarray,
    urban_share: float,
    payment_share: np.ndarray,
    lines_before: np.ndarray,
    lines_after: np.ndarray,
    new_share: float,
    raise_known: np.ndarray,
    raise_floor: np.ndarray,
    raise_rule: np.ndarray,
    budget_shares: np.ndarray,
    out: np.ndarray,
) -> None:
    paid = lines_paid(cpi, real_wage_growth, lines_before, lines_after, new_share, raise_known,
                      raise_floor, raise_rule)  # fmt: skip
    n_years = cpi.shape[1]
    for i, d in enumerate(draws.tolist()):
        for c in range(rate.size):
            balance = 0.0
            for y in range(n_years):
                residents = float(population[i, y, c].sum())
                p = min(rate[c] * rate_path[y], 1.0)
                if process_risk:
                    residents = math.floor(residents + 0.5)
                    recipients = ref.binomial(residents, p, seed, S_RECIPIENTS, d, y, c)
                    urban = ref.binomial(recipients, urban_share, seed, S_URBAN, d, y, c)
                else:
                    recipients = residents * p
                    urban = recipients * urban_share
                monthly = urban * paid[i, y, 0] * payment_share[0]
                monthly += (recipients - urban) * paid[i, y, 1] * payment_share[1]
                outlay = 12.0 * monthly
                central, province, city = (float(s) * outlay for s in budget_shares)
                county = outlay - (central + province + city)
                subsidies = central + province + city + county
                balance = balance + (0.0 + subsidies + 0.0) - (subsidies + 0.0)
                row = {
                    "contributors": 0.0,
                    "beneficiaries": recipients,
                    "contributions": 0.0,
                    "subsidies": subsidies,
                    "interest": 0.0,
                    "benefits": subsidies,
                    "other_outgo": 0.0,
                    "balance": balance,
                    "subsidy_central": central,
                    "subsidy_province": province,
                    "subsidy_city": city,
                    "subsidy_county": county,
                }
                for v, name in enumerate(VARIABLES):
                    out[v, i, c, y] = row[name]
