"""Residents by county, sex and single age, year by year: the population every scheme
draws its members from.

Projected once per chunk of draws and read by every scheme, the pensions
(``kernels.cohort``) and the claims schemes alike: deaths now, births and ageing at the
year end; the city-level unit, with no residents of its own, sees the sum of the
counties (its members come from the whole city). ``out[i, y]`` is the population during
year ``y``, after that year's deaths. A draw's death probabilities (and, with process risk,
``log(1 - q)``) are computed once and shared by its counties.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from kernels.cohort import (
    N_AGES,
    N_SEXES,
    S_BIRTHS,
    S_BOYS,
    S_POP_DEATHS,
    _age_one_year,
    _count,
)
from kernels.jit import njit, pjit
from kernels.rng import hash4
from kernels.sampling import binomial_lq, poisson

__all__ = ["project_population"]


# d = draw, y = year index, c = county, s = sex, a = age
@pjit
def project_population(
    seed: int,
    draws: np.ndarray,  # int64[D] global draw indices
    process_risk: bool,
    mortality_index: np.ndarray,  # [D, Y, S]
    qbar: np.ndarray,  # [S, A, Y]
    bx: np.ndarray,  # [S, A]
    pop0: np.ndarray,  # [C, S, A]
    city_pool: np.ndarray,  # bool[C]
    fertility: np.ndarray,  # [A]
    boy_share: float,
    out: np.ndarray,  # [D, Y, C, S, A]
) -> None:
    """Fill ``out`` with each draw's residents during each year (after its deaths)."""
    n_years = mortality_index.shape[1]
    n_counties = pop0.shape[0]
    for i in numba.prange(draws.shape[0]):
        d = draws[i]
        # The draw's death probabilities, shared by its counties (with process risk also
        # log(1 - q), which every count of deaths starts from).
        q = np.empty((n_years, N_SEXES, N_AGES))
        log1m_q = np.empty((n_years if process_risk else 0, N_SEXES, N_AGES))
        for y in range(n_years):
            for s in range(N_SEXES):
                eps = mortality_index[i, y, s]
                for a in range(N_AGES):
                    q[y, s, a] = min(qbar[s, a, y] * math.exp(bx[s, a] * eps), 1.0)
                    if process_risk:
                        log1m_q[y, s, a] = math.log1p(-q[y, s, a])
        pop = np.empty((N_SEXES, N_AGES))
        city = np.zeros((n_years, N_SEXES, N_AGES))
        for c in range(n_counties):
            if city_pool[c]:
                continue
            pop[:, :] = pop0[c]
            for y in range(n_years):
                logs = log1m_q[y] if process_risk else q[y]
                _population_deaths(pop, q[y], logs, city[y], process_risk, seed, d, y, c)
                out[i, y, c] = pop
                _population_births(pop, fertility, boy_share, process_risk, seed, d, y, c)
        for c in range(n_counties):
            if city_pool[c]:
                out[i, :, c] = city


@njit
def _population_deaths(
    pop: np.ndarray,
    q: np.ndarray,
    log1m_q: np.ndarray,  # log(1 - q) with process risk
    city: np.ndarray,
    risk: bool,
    seed: int,
    d: int,
    y: int,
    c: int,
) -> None:
    """This year's deaths among a county's residents; the survivors are added to the
    city's population of the year."""
    if risk:
        h = hash4(seed, S_POP_DEATHS, d, y)
        for s in range(N_SEXES):
            for a in range(N_AGES):
                cell = (c * N_SEXES + s) * N_AGES + a
                pop[s, a] -= binomial_lq(pop[s, a], q[s, a], log1m_q[s, a], h, cell)
    else:
        for s in range(N_SEXES):
            for a in range(N_AGES):
                pop[s, a] -= pop[s, a] * q[s, a]
    for s in range(N_SEXES):
        for a in range(N_AGES):
            city[s, a] += pop[s, a]


@njit
def _population_births(
    pop: np.ndarray,
    fertility: np.ndarray,
    boy_share: float,
    risk: bool,
    seed: int,
    d: int,
    y: int,
    c: int,
) -> None:
    """Births of the year, then everyone one year older (age 100 is open)."""
    births = 0.0
    for a in range(N_AGES):
        births += fertility[a] * pop[1, a]
    if risk:
        births = poisson(births, seed, S_BIRTHS, d, y, c)
    boys = _count(births, boy_share, risk, seed, S_BOYS, d, y, c)
    for s in range(N_SEXES):
        _age_one_year(pop[s])
    pop[0, 0] = boys
    pop[1, 0] = births - boys
