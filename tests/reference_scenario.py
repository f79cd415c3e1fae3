"""Slow, obvious numpy twin of ``kernels.scenario.economic_paths`` (loops over draws and
years, matrix products in numpy), built on the numpy twin of the RNG."""

from __future__ import annotations

import numpy as np
import reference_rng as ref


def economic_paths(
    seed: int,
    draws: np.ndarray,
    mean_path: np.ndarray,
    phi: np.ndarray,
    sigma: np.ndarray,
    start: np.ndarray,
    chol: np.ndarray,
    mort_vol: np.ndarray,
    mort_drift_se: np.ndarray,
    shock_scale: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(econ (n, n_years, 3), mort (n, n_years, 2)), as the kernel's docstring defines them."""
    n_years = mean_path.shape[1]
    z = ref.normal_block(seed, 1, draws, n_years, 3)  # stream 1, cell = process
    w = ref.normal_block(seed, 2, draws, n_years, 2)  # stream 2, cell = sex
    v = ref.normal_block(seed, 3, draws, 1, 2)[:, 0, :]  # stream 3, year 0, cell = sex
    econ = np.empty((draws.size, n_years, 3))
    mort = np.empty((draws.size, n_years, 2))
    for k in range(draws.size):
        x_prev = start.copy()
        m_prev = mean_path[:, 0]
        for y in range(n_years):
            e = shock_scale * sigma * (chol @ z[k, y])
            x = mean_path[:, y] + phi * (x_prev - m_prev) + e
            econ[k, y] = x
            x_prev, m_prev = x, mean_path[:, y]
        delta = mort_drift_se * v[k]
        eps = np.zeros(2)
        for y in range(n_years):
            eps = eps + shock_scale * (delta + mort_vol * w[k, y])
            mort[k, y] = eps
    return econ, mort
