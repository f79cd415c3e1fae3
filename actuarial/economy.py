"""Estimating the economic processes from public series, with standard errors.

The stochastic scenario generator (``kernels/``) takes plain parameters; this module
estimates them with scipy from the packaged series and keeps the estimation reproducible.
So far: CPI inflation as a Gaussian AR(1),

    pi[t] = mu + phi * (pi[t-1] - mu) + sigma * eps[t],   eps ~ N(0, 1),

fitted by ordinary least squares of pi[t] on pi[t-1] (conditional maximum likelihood).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from actuarial.data import read_csv

__all__ = ["AR1", "cpi_series", "fit_ar1", "fit_cpi_ar1"]

#: China's CPI inflation is fitted from 1996 on: the 1988-1995 episodes (up to 24 % a year)
#: belong to price liberalisation, a regime the projection does not expect to recur.
CPI_FIT_START = 1996


@dataclass(frozen=True)
class AR1:
    """A fitted AR(1): long-run mean ``mu``, persistence ``phi``, innovation sd ``sigma``
    (same unit as the series), with standard errors and the sample it came from."""

    mu: float
    phi: float
    sigma: float
    se_mu: float
    se_phi: float
    n: int
    first_year: int
    last_year: int
    source: str

    @property
    def stationary_sd(self) -> float:
        """Unconditional standard deviation sigma / sqrt(1 - phi^2)."""
        return self.sigma / math.sqrt(1.0 - self.phi**2)


def fit_ar1(x: np.ndarray, *, first_year: int = 0, source: str = "") -> AR1:
    """Least-squares AR(1) fit of a series ``x`` (at least 5 points, no NaN).

    The standard error of ``mu`` uses the delta method on ``mu = a / (1 - phi)``, where
    ``a`` is the regression intercept.
    """
    from scipy import stats

    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size < 5 or not np.isfinite(x).all():
        raise ValueError(f"need a finite 1-D series of at least 5 points, got {x.size} values")
    fit = stats.linregress(x[:-1], x[1:])
    phi, a = float(fit.slope), float(fit.intercept)
    if not -1.0 < phi < 1.0:
        raise ValueError(f"fitted phi = {phi:.3f} is not stationary; use a shorter sample")
    resid = x[1:] - (a + phi * x[:-1])
    n = resid.size
    sigma = float(np.sqrt(resid @ resid / (n - 2)))
    mu = a / (1.0 - phi)
    # d mu / d a = 1 / (1 - phi); d mu / d phi = a / (1 - phi)^2; cov(a, phi) from OLS.
    xbar = float(x[:-1].mean())
    var_phi = float(fit.stderr) ** 2
    var_a = float(fit.intercept_stderr) ** 2
    cov_a_phi = -xbar * var_phi
    g_a, g_phi = 1.0 / (1.0 - phi), a / (1.0 - phi) ** 2
    se_mu = math.sqrt(g_a**2 * var_a + g_phi**2 * var_phi + 2 * g_a * g_phi * cov_a_phi)
    return AR1(
        mu=mu,
        phi=phi,
        sigma=sigma,
        se_mu=se_mu,
        se_phi=float(fit.stderr),
        n=n + 1,
        first_year=first_year,
        last_year=first_year + n,
        source=source,
    )


def cpi_series(start: int = CPI_FIT_START) -> tuple[np.ndarray, np.ndarray]:
    """Years and China CPI inflation (fraction a year) from ``start`` on (World Bank, S3)."""
    rows = [r for r in read_csv("economy.macro") if r["cpi_yoy_pct"] and int(r["year"]) >= start]
    years = np.array([int(r["year"]) for r in rows])
    values = np.array([float(r["cpi_yoy_pct"]) / 100.0 for r in rows])
    return years, values


def fit_cpi_ar1(start: int = CPI_FIT_START) -> AR1:
    """CPI inflation AR(1) fitted on ``start``..last year of the packaged World Bank series.

    Examples
    --------
    >>> fit = fit_cpi_ar1()
    >>> (fit.first_year, fit.last_year)
    (1996, 2024)
    """
    years, values = cpi_series(start)
    return fit_ar1(
        values,
        first_year=int(years[0]),
        source="World Bank WDI FP.CPI.TOTL.ZG, China (S3), via shared/data/public",
    )
