"""The maternity-fund kernel: contributions from the insured, claims from their births.

Per draw, county and year, on the residents the population kernel gives
(``kernels.population``):

1. insured = coverage[s, a] x coverage_path[y] x residents[s, a], summed; all of them
   contribute ``rate`` x the year's city average wage (the rate is on the members' wage and
   already carries their wage ratio);
2. births to insured women, expected ``sum_a insured_women[a] x fertility[y, a]``, are each
   paid the maternity allowance (a share of the previous year's wage: 社会保险法 art. 56 pays
   it on the employer's average wage of the year before) and a medical cost;
3. births to the spouses of insured men, expected ``spouse_share x sum_a insured_men[a] x
   fertility[y, a]``, are paid the medical cost only (社会保险法 art. 54);
4. the medical cost per claim is the base (2012) cost times the wage growth since 2012
   and ``(1 + medical_growth)`` a year;
5. interest on the mean balance of the year, ``fund_return x (balance + net / 2)``.

With ``process_risk`` both counts are Poisson (``kernels.sampling.poisson``) with streams
``stream0`` (own births) and ``stream0 + 1`` (spouses' births), cell = county index, keyed by
the global draw index; without it they are their expected values. There are no subsidies
and no other outgo; the balance identity holds exactly by construction:
``balance[t] = balance[t-1] + (contributions + subsidies + interest) - (benefits +
other_outgo)``, with ``subsidies`` the sum of the four (zero) levels in order.
"""

from __future__ import annotations

import numba
import numpy as np

from kernels.fund import settle_year
from kernels.jit import pjit
from kernels.sampling import poisson

__all__ = ["VARIABLES", "project_maternity"]

#: Output variables, in the order of the first output axis (``actuarial.claims.CLAIMS_VARIABLES``).
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
N_SEXES = 2  # 0 male, 1 female


# d = draw, y = year index, c = county, s = sex, a = age
@pjit
def project_maternity(
    seed: int,
    draws: np.ndarray,  # int64[D] global draw indices
    process_risk: bool,
    wage_growth: np.ndarray,  # [D, Y] nominal; the base year's entry is not used
    fund_return: np.ndarray,  # [D, Y]
    population: np.ndarray,  # [D, Y, C, S, A] residents during each year
    wage0: float,  # city average wage in the base year (CNY a year)
    wage_prev0: float,  # in the year before the base year (the calibration year)
    coverage: np.ndarray,  # [C, S, A] insured per resident at base (zero outside working ages)
    coverage_path: np.ndarray,  # [Y] multiplier of the base coverage
    fertility: np.ndarray,  # [Y, A] births per insured woman a year
    spouse_share: float,  # medical-only claims per expected birth among insured men
    rate: float,  # contributions per insured, fraction of the city average wage
    allowance_factor: float,  # allowance per own birth, fraction of last year's annual wage
    medical0: float,  # medical cost per claim in the year before the base year (CNY)
    medical_growth: float,  # growth of the medical cost above wage growth, a year
    balance0: np.ndarray,  # [C] balance at the end of the year before the base year
    stream0: int,  # own births on stream0, spouses' births on stream0 + 1
    out: np.ndarray,  # [V, D, C, Y]
) -> None:
    """Project one maternity fund of every county for the draws ``draws`` into ``out``."""
    n_years = fund_return.shape[1]
    n_counties = coverage.shape[0]
    n_ages = coverage.shape[2]
    for i in numba.prange(draws.shape[0]):
        d = draws[i]
        wage = np.empty(n_years)
        wage[0] = wage0
        for y in range(1, n_years):
            wage[y] = wage[y - 1] * (1.0 + wage_growth[i, y])
        for c in range(n_counties):
            balance = balance0[c]
            for y in range(n_years):
                mult = coverage_path[y]
                insured = 0.0
                women = 0.0  # expected births among insured women
                men = 0.0  # expected births among insured men's spouses, before the share
                for s in range(N_SEXES):
                    for a in range(n_ages):
                        n = coverage[c, s, a] * mult * population[i, y, c, s, a]
                        insured += n
                        if s == 1:
                            women += n * fertility[y, a]
                        else:
                            men += n * fertility[y, a]
                spouses = spouse_share * men
                if process_risk:
                    women = poisson(women, seed, stream0, d, y, c)
                    spouses = poisson(spouses, seed, stream0 + 1, d, y, c)
                wage_prev = wage_prev0 if y == 0 else wage[y - 1]
                allowance = allowance_factor * wage_prev
                medical = medical0 * (wage[y] / wage_prev0) * (1.0 + medical_growth) ** (y + 1)
                contributions = insured * wage[y] * rate
                benefits = women * (allowance + medical) + spouses * medical
                # No subsidies from any level, no other outgo.
                balance = settle_year(
                    out, i, c, y, fund_return[i, y], balance, insured, women + spouses,
                    contributions, 0.0, 0.0, 0.0, 0.0, benefits, 0.0,
                )  # fmt: skip
