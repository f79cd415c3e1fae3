"""Residents by county, sex and single age, year by year: the population every scheme
draws its members from.

Projected once per chunk of draws and read by every scheme, the pensions
(``kernels.cohort``) and the claims schemes alike: deaths now, births and ageing at the
year end; the city-level unit, with no residents of its own, sees the sum of the
counties (its members come from the whole city). ``out[i, y]`` is the population during
year ``y``, after that year's deaths.
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
from kernels.sampling import poisson

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
        q = np.empty((N_SEXES, N_AGES))
        pop = np.empty((N_SEXES, N_AGES))
        city = np.zeros((n_years, N_SEXES, N_AGES))
        for c in range(n_counties):
            if city_pool[c]:
                continue
            pop[:, :] = pop0[c]
            for y in range(n_years):
                for s in range(N_SEXES):
                    eps = mortality_index[i, y, s]
                    for a in range(N_AGES):
                        q[s, a] = min(qbar[s, a, y] * math.exp(bx[s, a] * eps), 1.0)
                _population_deaths(pop, q, city[y], process_risk, seed, d, y, c)
                out[i, y, c] = pop
                _population_births(pop, fertility, boy_share, process_risk, seed, d, y, c)
        for c in range(n_counties):
            if city_pool[c]:
                out[i, :, c] = city


@njit
def _population_deaths(
    pop: np.ndarray, q: np.ndarray, city: np.ndarray, risk: bool, seed: int, d: int, y: int, c: int
) -> None:
    """This year's deaths among a county's residents; the survivors are added to the
    city's population of the year."""
    for s in range(N_SEXES):
        for a in range(N_AGES):
            cell = (c * N_SEXES + s) * N_AGES + a
            pop[s, a] -= _count(pop[s, a], q[s, a], risk, seed, S_POP_DEATHS, d, y, cell)
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
