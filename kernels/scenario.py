"""Stochastic economic and mortality-index paths, one draw per parallel iteration.

For draw d and projected year index y = 0 .. n_years-1 (y = 0 is the base year, 2013),
three yearly rates x_i (fractions a year), i = 0 CPI inflation, 1 real wage growth,
2 nominal fund return, follow correlated Gaussian AR(1) processes around mean paths m_i:

    x_i[y] = m_i[y] + phi_i (x_i[y-1] - m_i[y-1]) + e_i[y],   x_i[-1] = start_i,
                                                             m_i[-1] = m_i[0],
    e_i[y] = shock_scale * sigma_i * (L z[y])_i,   z_i[y] = normal(seed, 1, d, y, i),

where L is the lower Cholesky factor of the 3 x 3 innovation correlation R, so that
Cov(e[y]) = S R S with S = diag(sigma): each e_i has standard deviation sigma_i and the
pairs have correlation R (scaling by sigma *after* correlating keeps both; scaling before
would not). The parameters are estimated in ``actuarial.economy`` (World Bank CPI and real
GDP growth, S3/S4; PBoC deposit benchmark, P7) and passed in as plain arrays by
``actuarial.scenarios.generate``.

The mortality index of sex s (0 male, 1 female) is the deviation of the Lee-Carter k(t)
from its central path (the UN WPP 2024 medium variant, which already carries the drift), a
random walk whose drift is itself uncertain (one shift per draw):

    eps_s[y] = eps_s[y-1] + shock_scale (delta_s + vol_s normal(seed, 2, d, y, s)),
    eps_s[-1] = 0,   delta_s = drift_se_s normal(seed, 3, d, 0, s),

used as log q(x, t) = log qbar(x, t) + b(x) eps_s(t) (Lee and Carter 1992; b(x) sums to 1,
``actuarial.demography.leecarter_bx``).

``shock_scale`` is 0.0 for the deterministic run (every shock is multiplied by exactly
zero, so the paths are the conditional-mean paths from the starting values and eps = 0)
and 1.0 otherwise. Random streams 1-3 belong to this kernel; the rest of the package uses
streams >= 10. Every variate is a function of (seed, stream, global draw, year, cell)
(``kernels.rng``), so draw i is the same in any run, any split into chunks and on any
number of threads.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from kernels.jit import pjit
from kernels.rng import normal

__all__ = [
    "N_PROCESSES",
    "N_SEXES",
    "STREAM_ECONOMY",
    "STREAM_MORTALITY",
    "STREAM_MORTALITY_DRIFT",
    "economic_paths",
]

STREAM_ECONOMY = 1
"""z_i[y] of the economic innovations: cell i = process."""
STREAM_MORTALITY = 2
"""Yearly mortality-index innovations: cell s = sex."""
STREAM_MORTALITY_DRIFT = 3
"""One drift shift per draw and sex: year 0, cell s = sex."""

N_PROCESSES = 3
N_SEXES = 2


# d = draws (global indices in `draws`), y = years, i = process, s = sex
@pjit
def economic_paths(
    seed: int,
    draws: NDArray[np.int64],
    mean_path: NDArray[np.float64],
    phi: NDArray[np.float64],
    sigma: NDArray[np.float64],
    start: NDArray[np.float64],
    chol: NDArray[np.float64],
    mort_vol: NDArray[np.float64],
    mort_drift_se: NDArray[np.float64],
    shock_scale: float,
    out_econ: NDArray[np.float64],
    out_mort: NDArray[np.float64],
) -> None:
    """Fill ``out_econ[d, y, i]`` with the three rates and ``out_mort[d, y, s]`` with the
    mortality index for the global draw indices ``draws``.

    Shapes: draws (n,), mean_path (3, n_years), phi, sigma, start (3,), chol (3, 3) lower
    triangular, mort_vol, mort_drift_se (2,), out_econ (n, n_years, 3), out_mort
    (n, n_years, 2). Inputs are not checked here; ``actuarial.scenarios.generate`` does.
    """
    n_years = mean_path.shape[1]
    for k in numba.prange(draws.shape[0]):
        d = draws[k]
        z = np.empty(N_PROCESSES)
        prev = np.empty(N_PROCESSES)
        for i in range(N_PROCESSES):
            prev[i] = start[i]
        for y in range(n_years):
            for i in range(N_PROCESSES):
                z[i] = normal(seed, STREAM_ECONOMY, d, y, i)
            y_prev = y - 1 if y > 0 else 0  # m_i[-1] = m_i[0]
            for i in range(N_PROCESSES):
                corr = 0.0
                for j in range(i + 1):
                    corr += chol[i, j] * z[j]
                e = shock_scale * (sigma[i] * corr)
                x = mean_path[i, y] + phi[i] * (prev[i] - mean_path[i, y_prev]) + e
                out_econ[k, y, i] = x
                prev[i] = x
        for s in range(N_SEXES):
            delta = mort_drift_se[s] * normal(seed, STREAM_MORTALITY_DRIFT, d, 0, s)
            eps = 0.0
            for y in range(n_years):
                shock = delta + mort_vol[s] * normal(seed, STREAM_MORTALITY, d, y, s)
                eps = eps + shock_scale * shock
                out_mort[k, y, s] = eps
