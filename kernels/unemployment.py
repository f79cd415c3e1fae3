"""The unemployment insurance kernel: one fund per county, year by year.

For each draw the city-wide paths come first:

- the average wage, ``wage0`` in the base year, grown by the draw's nominal wage growth;
- the claim rate (recipients per insured), a Gaussian AR(1) of its log,
  ``x[t] = m + phi (x[t-1] - m) + sigma e[t]`` from ``x[-1] = x_start``, where with its
  shocks on (``rate_shocks``: every run but a deterministic one) ``m`` is shifted once per
  draw by ``mean_se * z`` (the estimate's uncertainty) and ``e[t]`` are standard normals;
  with them off ``m`` is unshifted and ``e = 0`` (the rate follows its median path);
- the raise of the benefit levels, paid from a month of the year: the known raise, else
  ``max(0, cpi_share * cpi + wage_share * real wage growth)``.

Then for each county and year, in order:

1. insured = coverage x coverage_path[t] x working-age residents of the year (whole persons
   with process risk, rounded half up), all contributing;
2. recipients = insured x min(rate x take_up, 1): Binomial with process risk, else expected;
3. contributions = insured x wage x base_ratio x contribution_rate;
   benefits = recipients x months x the level paid in the year (old level before the change
   month, new level from it); other_outgo = other_share x benefits; no subsidies;
4. interest = fund_return x (balance[t-1] + net / 2), ``net`` the year's income less outgo
   before interest; ``balance[t] = balance[t-1] + (contributions + subsidies + interest) -
   (benefits + other_outgo)``, summed in that order.

Random numbers (``kernels.rng``, ``kernels.sampling``), keyed by the global draw index:
stream ``S_MEAN`` (year 0, cell 0) for the mean shift, ``S_RATE`` (year, cell 0) for the
yearly innovations, ``S_CLAIMS`` (year, cell = county) for the recipients.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from kernels.fund import settle_year
from kernels.jit import njit, pjit
from kernels.rng import normal
from kernels.sampling import binomial

__all__ = ["S_CLAIMS", "S_MEAN", "S_RATE", "VARIABLES", "project_unemployment"]

#: Output variables (``actuarial.claims.CLAIMS_VARIABLES``), in order.
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

# Random streams of the unemployment family (30-39).
S_MEAN = 30
S_RATE = 31
S_CLAIMS = 32


@njit
def _raise(known: float, cpi_share: float, wage_share: float, cpi: float, real: float) -> float:
    if not math.isnan(known):
        return known
    # Benefit levels are not cut in nominal terms.
    return max(0.0, cpi_share * cpi + wage_share * real)


@njit
def _city_paths(
    seed: int,
    d: int,
    shocks: bool,
    cpi: np.ndarray,  # [Y]
    real_wage_growth: np.ndarray,  # [Y]
    wage_growth: np.ndarray,  # [Y]
    wage0: float,
    rate_mean: float,
    rate_persistence: float,
    rate_volatility: float,
    rate_mean_se: float,
    rate_start: float,
    take_up: float,
    raise_known: np.ndarray,  # [Y]
    raise_rule: np.ndarray,  # [2]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One draw's city-wide paths: the wage, the claim rate (times take-up, at most 1) and
    the index of the benefit levels in force from the change month (1 in the base year)."""
    n_years = cpi.shape[0]
    wage = np.empty(n_years)
    rate = np.empty(n_years)
    index = np.empty(n_years)
    mean = rate_mean
    if shocks:
        mean += rate_mean_se * normal(seed, S_MEAN, d, 0, 0)
    x = rate_start
    for y in range(n_years):
        wage[y] = wage0 if y == 0 else wage[y - 1] * (1.0 + wage_growth[y])
        x = mean + rate_persistence * (x - mean)
        if shocks:
            x += rate_volatility * normal(seed, S_RATE, d, y, 0)
        rate[y] = min(math.exp(x) * take_up, 1.0)
        if y == 0:
            index[y] = 1.0
        else:
            step = _raise(raise_known[y], raise_rule[0], raise_rule[1], cpi[y], real_wage_growth[y])
            index[y] = index[y - 1] * (1.0 + step)
    return wage, rate, index


# d = draw, y = year index, c = county, s = sex, a = age
@pjit
def project_unemployment(
    seed: int,
    draws: np.ndarray,  # int64[D] global draw indices
    process_risk: bool,
    rate_shocks: bool,  # the claim rate's own shocks: off only in a deterministic run
    cpi: np.ndarray,  # [D, Y]
    real_wage_growth: np.ndarray,  # [D, Y]
    wage_growth: np.ndarray,  # [D, Y] nominal
    fund_return: np.ndarray,  # [D, Y]
    population: np.ndarray,  # [D, Y, C, S, A] residents during the year
    working: np.ndarray,  # [S, A] 1 at working ages, else 0
    coverage: np.ndarray,  # [C] insured per working-age resident at base
    coverage_path: np.ndarray,  # [Y] multiplier of the base coverage
    wage0: float,  # average wage in the base year, CNY a year
    contribution_rate: float,  # employer + employee, of the declared base
    base_ratio: float,  # declared base / average wage
    rate_mean: float,  # m, mean of the log claim rate
    rate_persistence: float,  # phi
    rate_volatility: float,  # sigma
    rate_mean_se: float,  # sd of the per-draw shift of m
    rate_start: float,  # x[-1], log rate of the year before the base year
    take_up: float,
    months: float,  # months of benefit per recipient counted in a year
    level_before: np.ndarray,  # [C] mean monthly level before the base year's change
    level_after: np.ndarray,  # [C] mean monthly level from the base year's change
    new_share: float,  # share of a year paid at the new level (from the change month)
    raise_known: np.ndarray,  # [Y] raise of the levels (NaN: rule); year 0 is unused
    raise_rule: np.ndarray,  # [2] cpi share, real-wage share
    other_share: float,  # other outgo per CNY of benefits
    balance0: np.ndarray,  # [C] opening balance
    out: np.ndarray,  # [V, D, C, Y]
) -> None:
    """Project every county's fund for the draws ``draws`` into ``out``."""
    n_years = cpi.shape[1]
    n_counties = population.shape[2]
    n_sexes = population.shape[3]
    n_ages = population.shape[4]
    for i in numba.prange(draws.shape[0]):
        d = draws[i]
        wage, rate, index = _city_paths(
            seed, d, rate_shocks, cpi[i], real_wage_growth[i], wage_growth[i], wage0,
            rate_mean, rate_persistence, rate_volatility, rate_mean_se, rate_start, take_up,
            raise_known, raise_rule,
        )  # fmt: skip
        for c in range(n_counties):
            balance = balance0[c]
            for y in range(n_years):
                old = level_before[c] if y == 0 else level_after[c] * index[y - 1]
                level = (1.0 - new_share) * old + new_share * level_after[c] * index[y]
                residents = 0.0
                for s in range(n_sexes):
                    for a in range(n_ages):
                        residents += working[s, a] * population[i, y, c, s, a]
                insured = coverage[c] * coverage_path[y] * residents
                if process_risk:
                    insured = np.floor(insured + 0.5)
                    recipients = binomial(insured, rate[y], seed, S_CLAIMS, d, y, c)
                else:
                    recipients = insured * rate[y]
                contributions = insured * wage[y] * base_ratio * contribution_rate
                benefits = recipients * months * level
                # No subsidies from any level.
                balance = settle_year(
                    out, i, c, y, fund_return[i, y], balance, insured, recipients, contributions,
                    0.0, 0.0, 0.0, 0.0, benefits, other_share * benefits,
                )  # fmt: skip
