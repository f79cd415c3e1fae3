"""Residents by county, sex and single age, year by year: the population every scheme
draws its members from.

The same steps, streams and cells as the pension kernel (``kernels.cohort``), so for a
given seed and draw the path is the one the pension funds see, bit for bit: deaths now,
births and ageing at the year end; the city-level unit, with no residents of its own,
sees the sum of the counties. ``out[i, y]`` is the population during year ``y``, after
that year's deaths.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from kernels.cohort import N_AGES, N_SEXES, _population_births, _population_deaths
from kernels.jit import pjit

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
