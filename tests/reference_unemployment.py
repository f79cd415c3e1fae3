"""Slow, obvious numpy twin of ``kernels.unemployment.project_unemployment``, written from
its documented model (same signature and output layout ``out[variable, draw, county,
year]``).

For each draw: the wage path; the log claim rate ``x[t] = m + phi (x[t-1] - m) + sigma
e[t]`` from ``x[-1] = rate_start``, with ``m`` shifted by ``rate_mean_se * z`` and ``e[t]``
standard normals only with process risk; the index of the benefit levels, raised by the
known raise or ``max(0, cpi_share * cpi + wage_share * real)``. Then for each county and
year: insured (whole with process risk), recipients (binomial with process risk, else
expected), the flows and the balance, summed as the contract says.

Random numbers come from the numpy twins of the samplers (``reference_sampling``) at the
kernel's coordinates: (S_MEAN, year 0, cell 0), (S_RATE, year, cell 0), (S_CLAIMS, year,
cell = county).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import reference_sampling as ref

S_MEAN = 30
S_RATE = 31
S_CLAIMS = 32
VARIABLES = (
    "contributors",
    "beneficiaries",
    "contributions",
    "subsidies",
    "interest",
    "benefits",
    "other_outgo",
    "balance",
    "subsidy_central",
    "subsidy_province",
    "subsidy_city",
    "subsidy_county",
)


def claim_rate_paths(
    seed: int,
    draws: np.ndarray,
    shocks: bool,
    n_years: int,
    mean: float,
    phi: float,
    sigma: float,
    mean_se: float,
    start: float,
) -> np.ndarray:
    """[D, Y] log claim rate of each draw and year."""
    x = np.empty((draws.size, n_years))
    for i, d in enumerate(draws.tolist()):
        m = mean + (mean_se * ref.normal(seed, S_MEAN, d, 0, 0) if shocks else 0.0)
        prev = start
        for y in range(n_years):
            shock = sigma * ref.normal(seed, S_RATE, d, y, 0) if shocks else 0.0
            prev = m + phi * (prev - m) + shock
            x[i, y] = prev
    return x


def project_unemployment(
    seed: int,
    draws: np.ndarray,
    process_risk: bool,
    rate_shocks: bool,
    cpi: np.ndarray,
    real_wage_growth: np.ndarray,
    wage_growth: np.ndarray,
    fund_return: np.ndarray,
    population: np.ndarray,
    working: np.ndarray,
    coverage: np.ndarray,
    coverage_path: np.ndarray,
    wage0: float,
    contribution_rate: float,
    base_ratio: float,
    rate_mean: float,
    rate_persistence: float,
    rate_volatility: float,
    rate_mean_se: float,
    rate_start: float,
    take_up: float,
    months: float,
    level_before: np.ndarray,
    level_after: np.ndarray,
    new_share: float,
    raise_known: np.ndarray,
    raise_rule: np.ndarray,
    other_share: float,
    balance0: np.ndarray,
    out: np.ndarray,
) -> None:
    n_years = cpi.shape[1]
    n_counties = coverage.size
    x = claim_rate_paths(
        seed, draws, rate_shocks, n_years, rate_mean, rate_persistence, rate_volatility,
        rate_mean_se, rate_start,
    )  # fmt: skip
    rate = np.minimum(np.exp(x) * take_up, 1.0)
    for i, d in enumerate(draws.tolist()):
        wage = wage0 * np.concatenate([[1.0], np.cumprod(1.0 + wage_growth[i, 1:])])
        index = np.ones(n_years)
        for y in range(1, n_years):
            step = raise_known[y]
            if math.isnan(step):
                step = max(0.0, raise_rule[0] * cpi[i, y] + raise_rule[1] * real_wage_growth[i, y])
            index[y] = index[y - 1] * (1.0 + step)
        for c in range(n_counties):
            balance = balance0[c]
            for y in range(n_years):
                old = level_before[c] if y == 0 else level_after[c] * index[y - 1]
                level = (1.0 - new_share) * old + new_share * level_after[c] * index[y]
                insured = (
                    coverage[c] * coverage_path[y] * float(np.sum(working * population[i, y, c]))
                )
                if process_risk:
                    insured = math.floor(insured + 0.5)
                    recipients = ref.binomial(insured, rate[i, y], seed, S_CLAIMS, d, y, c)
                else:
                    recipients = insured * rate[i, y]
                contributions = insured * wage[y] * base_ratio * contribution_rate
                benefits = recipients * months * level
                other = other_share * benefits
                subsidies = 0.0
                net = contributions + subsidies - benefits - other
                interest = fund_return[i, y] * (balance + 0.5 * net)
                balance = balance + (contributions + subsidies + interest) - (benefits + other)
                row: dict[str, Any] = {
                    "contributors": insured,
                    "beneficiaries": recipients,
                    "contributions": contributions,
                    "subsidies": subsidies,
                    "interest": interest,
                    "benefits": benefits,
                    "other_outgo": other,
                    "balance": balance,
                    "subsidy_central": 0.0,
                    "subsidy_province": 0.0,
                    "subsidy_city": 0.0,
                    "subsidy_county": 0.0,
                }
                for v, name in enumerate(VARIABLES):
                    out[v, i, c, y] = row[name]
