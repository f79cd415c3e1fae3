"""Estimating the economic processes from public series, with standard errors.

The stochastic scenario generator (``kernels/scenario.py``, driven by
``actuarial.scenarios``) takes plain parameters; this module estimates them with scipy from
the packaged series and keeps the estimation reproducible (``tools/estimate_economy.py``
prints the assumption tables that :func:`baseline_tables` returns).

Each yearly rate is a Gaussian AR(1),

    x[t] = mu + phi * (x[t-1] - mu) + sigma * eps[t],   eps ~ N(0, 1),

fitted by ordinary least squares of x[t] on x[t-1] (conditional maximum likelihood):

- **CPI inflation**: China CPI, World Bank WDI FP.CPI.TOTL.ZG (S3), 1996-2024. The fitted
  mean, persistence and volatility are all used.
- **Real wage growth**: persistence and volatility from China's real GDP growth, World Bank
  WDI NY.GDP.MKTP.KN (S4, growth derived from constant-LCU GDP), over the CPI window,
  1996-2023. A wage series would be the direct source, but the public data hold national
  real wage growth for two years only (2011: 8.5 %, 2013: 7.3 %; P8,
  ``wages_average_urban_units.csv``), too short for any fit. The *mean* path is not
  estimated: it starts at the 2013 national real wage growth of 7.3 % (NBS release quoted in
  P8) and moves linearly to a long-run 2 % reached in 2050. Both of those are assumptions;
  no long-run wage projection exists in the public data.
- **Fund return**: persistence and volatility from the PBoC 1-year time-deposit benchmark,
  day-weighted annual average (P7, ``economy.deposit_rates``), 1996-2024, because the funds
  hold bank deposits; the mean is the report's 2.28 % (III.(9).2), not the deposit rate's.
  The benchmark has not moved since 2015-10-24, so 2016-2024 are flat in the series (market
  rates fell from 2022, which it does not capture): that stretch raises phi and lowers sigma.
- **Innovation correlation** of the three: the correlation of the three fits' residuals over
  their common years (1997-2023).
- **Mortality index**: Lee-Carter k(t) is a random walk with drift (WPP 2024 China, S1,
  fitted on seven 5-year differences 1980-85 ... 2015-20 in the public pack). Its yearly
  volatility is sd_5 / sqrt(5) and the standard error of its drift is
  (sd_5 / sqrt(n_differences)) / 5, both multiplied by the b(x) rescaling constant c, exactly
  as ``tools/build_demography.py`` puts drift and sd on the per-year, sum-b = 1 scale
  (``actuarial.demography.leecarter_kt_drift_sd``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from actuarial.data import read_csv

__all__ = [
    "AR1",
    "CPI_FIT_START",
    "DEPOSIT_FIT_END",
    "DEPOSIT_FIT_START",
    "FUND_RETURN_START",
    "LONG_RUN_REAL_WAGE_GROWTH",
    "REAL_WAGE_CONVERGED_YEAR",
    "REAL_WAGE_GROWTH_2013",
    "SIGNIFICANT_DIGITS",
    "Correlation",
    "EconomyEstimates",
    "MortalityIndexFit",
    "ar1_residuals",
    "baseline_tables",
    "cpi_series",
    "cpi_start",
    "deposit_rate_series",
    "estimate",
    "fit_ar1",
    "fit_cpi_ar1",
    "fit_fund_return_ar1",
    "fit_real_wage_ar1",
    "innovation_correlation",
    "mortality_index_fits",
    "real_gdp_growth_series",
    "residual_correlation",
]

#: China's CPI inflation is fitted from 1996 on: the 1988-1995 episodes (up to 24 % a year)
#: belong to price liberalisation, a regime the projection does not expect to recur. Real
#: GDP growth (the real wage growth proxy) and the deposit rate use the same window.
CPI_FIT_START = 1996

#: Window of the deposit-rate fit (P7): the packaged series ends in 2024.
DEPOSIT_FIT_START, DEPOSIT_FIT_END = 1996, 2024

#: National real growth of the average wage of urban non-private units in 2013: 7.3 %
#: (NBS first release, P8: econ.chinataiwan.cn/today/201405/t20140528_6228977.htm; the row
#: "China, 2013, non-private units employed persons" of wages_average_urban_units.csv).
REAL_WAGE_GROWTH_2013 = 0.073

#: ASSUMPTION: long-run real wage growth, and the year by which the mean reaches it. The
#: public data hold no long-run wage projection.
LONG_RUN_REAL_WAGE_GROWTH = 0.02
REAL_WAGE_CONVERGED_YEAR = 2050

#: Start of the fund-return process: the funds' average deposit yield 2010-2012, 2.28 %
#: (report III.(9).2, the same figure as ``economy.fund_return``).
FUND_RETURN_START = 0.0228

#: Estimates go into the assumption tables with this many significant digits; their
#: standard errors are 10 % or more of the value, so further digits would be noise.
SIGNIFICANT_DIGITS = 4

_CPI_SOURCE = "World Bank WDI FP.CPI.TOTL.ZG, China (S3)"
_GDP_SOURCE = "World Bank WDI NY.GDP.MKTP.KN, China real GDP growth (S4)"
_DEPOSIT_SOURCE = "PBoC 1-year deposit benchmark, day-weighted annual average (P7)"


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

    @property
    def se_sigma(self) -> float:
        """Asymptotic standard error of ``sigma``: sigma / sqrt(2 (n - 3)), with n - 3 the
        residual degrees of freedom (n - 1 residuals, two coefficients)."""
        return self.sigma / math.sqrt(2.0 * (self.n - 3))


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


def ar1_residuals(fit: AR1, x: np.ndarray) -> NDArray[np.float64]:
    """Residuals x[t] - mu - phi (x[t-1] - mu), t = 1 .. n-1, of ``fit`` on its series ``x``
    (the least-squares residuals, since the intercept is mu (1 - phi))."""
    x = np.asarray(x, dtype=np.float64)
    out: NDArray[np.float64] = x[1:] - (fit.mu + fit.phi * (x[:-1] - fit.mu))
    return out


def _macro_series(column: str, start: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    rows = [r for r in read_csv("economy.macro") if r[column] and int(r["year"]) >= start]
    years = np.array([int(r["year"]) for r in rows], dtype=np.int64)
    values = np.array([float(r[column]) / 100.0 for r in rows], dtype=np.float64)
    return years, values


def cpi_series(start: int = CPI_FIT_START) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Years and China CPI inflation (fraction a year) from ``start`` on (World Bank, S3)."""
    return _macro_series("cpi_yoy_pct", start)


def real_gdp_growth_series(
    start: int = CPI_FIT_START,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Years and China real GDP growth (fraction a year) from ``start`` on (World Bank, S4)."""
    return _macro_series("real_gdp_growth_pct", start)


def deposit_rate_series(
    start: int = DEPOSIT_FIT_START, end: int = DEPOSIT_FIT_END
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Years and the PBoC 1-year time-deposit benchmark, day-weighted annual average
    (fraction a year), ``start``..``end`` (P7, packaged as ``economy.deposit_rates``)."""
    rows = [
        r
        for r in read_csv("economy.deposit_rates")
        if start <= int(r["year"]) <= end and r["time_1y_dayweighted_avg_pct"]
    ]
    years = np.array([int(r["year"]) for r in rows], dtype=np.int64)
    values = np.array(
        [float(r["time_1y_dayweighted_avg_pct"]) / 100.0 for r in rows], dtype=np.float64
    )
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
    return fit_ar1(values, first_year=int(years[0]), source=_CPI_SOURCE)


def fit_real_wage_ar1(start: int = CPI_FIT_START) -> AR1:
    """AR(1) of China's real GDP growth, the proxy for the dynamics of real wage growth.

    Only ``phi`` and ``sigma`` are used: the mean path of real wage growth is an assumption
    (see the module notes). The fit window ends with the World Bank series, in 2023.

    Examples
    --------
    >>> fit = fit_real_wage_ar1()
    >>> (fit.first_year, fit.last_year)
    (1996, 2023)
    """
    years, values = real_gdp_growth_series(start)
    return fit_ar1(values, first_year=int(years[0]), source=_GDP_SOURCE)


def fit_fund_return_ar1(start: int = DEPOSIT_FIT_START, end: int = DEPOSIT_FIT_END) -> AR1:
    """AR(1) of the PBoC 1-year deposit benchmark (day-weighted annual average), for the
    persistence and volatility of the fund return (its mean is the report's 2.28 %).

    Examples
    --------
    >>> fit = fit_fund_return_ar1()
    >>> (fit.first_year, fit.last_year, fit.n)
    (1996, 2024, 29)
    """
    years, values = deposit_rate_series(start, end)
    if years.size and np.any(np.diff(years) != 1):
        raise ValueError("economy.deposit_rates: the years of the fit window are not consecutive")
    return fit_ar1(values, first_year=int(years[0]), source=_DEPOSIT_SOURCE)


@dataclass(frozen=True, eq=False)
class Correlation:
    """A sample correlation matrix with the standard error of each entry.

    ``se`` is the delta-method standard error from Fisher's z, (1 - r^2) / sqrt(n - 3);
    its diagonal is zero.
    """

    names: tuple[str, ...]
    matrix: NDArray[np.float64]
    se: NDArray[np.float64]
    n: int
    first_year: int
    last_year: int


def residual_correlation(
    series: Mapping[str, tuple[NDArray[np.int64], NDArray[np.float64], AR1]],
) -> Correlation:
    """Correlation of the residuals of several AR(1) fits over their common years.

    ``series`` maps a name to (years, values, fit) of one fitted series; the years must be
    consecutive. Each fit's residual of year t is x[t] - mu - phi (x[t-1] - mu); only the
    years every series has a residual for enter, and they must form a run of 5 or more.
    """
    residuals: dict[str, dict[int, float]] = {}
    for name, (years, values, fit) in series.items():
        if np.any(np.diff(years) != 1):
            raise ValueError(f"{name}: years must be consecutive")
        resid = ar1_residuals(fit, values)
        residuals[name] = dict(zip(np.asarray(years)[1:].tolist(), resid.tolist(), strict=True))
    common = sorted(set.intersection(*(set(r) for r in residuals.values())))
    if len(common) < 5 or common != list(range(common[0], common[-1] + 1)):
        raise ValueError(f"residual years do not overlap in a run of 5 or more: {common}")
    stacked = np.array([[residuals[name][y] for y in common] for name in series])
    matrix = np.corrcoef(stacked)
    # corrcoef leaves last-bit asymmetry and diagonals of 1 -/+ 1 ulp; the scenario
    # generator requires an exactly symmetric matrix with a unit diagonal.
    matrix = 0.5 * (matrix + matrix.T)
    np.fill_diagonal(matrix, 1.0)
    n = len(common)
    se = (1.0 - matrix**2) / math.sqrt(n - 3)
    np.fill_diagonal(se, 0.0)
    matrix.flags.writeable = False
    se.flags.writeable = False
    return Correlation(
        names=tuple(series),
        matrix=matrix,
        se=se,
        n=n,
        first_year=common[0],
        last_year=common[-1],
    )


def innovation_correlation() -> Correlation:
    """Correlation of the residuals of the CPI, real GDP growth and deposit-rate AR(1) fits
    over their common years (1997-2023: each fit loses its first year, real GDP ends 2023).

    Examples
    --------
    >>> c = innovation_correlation()
    >>> c.names, c.n, (c.first_year, c.last_year)
    (('inflation', 'real_wage_growth', 'fund_return'), 27, (1997, 2023))
    """
    return residual_correlation(
        {
            "inflation": (*cpi_series(), fit_cpi_ar1()),
            "real_wage_growth": (*real_gdp_growth_series(), fit_real_wage_ar1()),
            "fund_return": (*deposit_rate_series(), fit_fund_return_ar1()),
        }
    )


@dataclass(frozen=True)
class MortalityIndexFit:
    """Random walk of the Lee-Carter index per calendar year on the sum-b = 1 scale: drift,
    yearly volatility and the standard error of the drift, with their inputs."""

    sex: str
    drift: float
    volatility: float
    drift_se: float
    sd_per_5yr_abridged: float
    bx_scale: float
    n_differences: int


def mortality_index_fits() -> dict[str, MortalityIndexFit]:
    """The mortality-index parameters by sex, from the packaged ``demography.leecarter_kt``.

    drift_se = c * (sd_5 / sqrt(n)) / 5: the drift is the mean of n five-year differences
    with sample sd sd_5, so its standard error per five years is sd_5 / sqrt(n); per year it
    is divided by 5 (as the drift is) and put on the single-age b scale by c, the same
    rescaling as :func:`actuarial.demography.leecarter_kt_drift_sd`.

    Examples
    --------
    >>> fit = mortality_index_fits()["male"]
    >>> fit.n_differences, round(fit.volatility, 4)
    (7, 0.8558)
    """
    out: dict[str, MortalityIndexFit] = {}
    for r in read_csv("demography.leecarter_kt"):
        c = float(r["bx_scale"])
        sd5 = float(r["sd_per_5yr_abridged"])
        n = int(r["n_differences"])
        out[r["sex"]] = MortalityIndexFit(
            sex=r["sex"],
            drift=float(r["drift_per_year"]),
            volatility=float(r["sd_per_year"]),
            drift_se=c * sd5 / math.sqrt(n) / 5.0,
            sd_per_5yr_abridged=sd5,
            bx_scale=c,
            n_differences=n,
        )
    return out


def cpi_start() -> float:
    """China CPI inflation in 2012 (fraction), the year before the base year (S3)."""
    years, values = cpi_series(2012)
    return float(values[years == 2012][0])


@dataclass(frozen=True)
class EconomyEstimates:
    """Every estimate behind the stochastic assumption tables."""

    inflation: AR1
    real_wage_growth: AR1
    fund_return: AR1
    correlation: Correlation
    mortality: dict[str, MortalityIndexFit]
    cpi_2012: float


def estimate() -> EconomyEstimates:
    """Fit every process from the packaged series (a fraction of a second)."""
    return EconomyEstimates(
        inflation=fit_cpi_ar1(),
        real_wage_growth=fit_real_wage_ar1(),
        fund_return=fit_fund_return_ar1(),
        correlation=innovation_correlation(),
        mortality=mortality_index_fits(),
        cpi_2012=cpi_start(),
    )


def _sig(x: float) -> float:
    """``x`` rounded to :data:`SIGNIFICANT_DIGITS` significant digits (0.0 stays 0.0)."""
    return float(f"{x:.{SIGNIFICANT_DIGITS}g}") + 0.0


def baseline_tables(estimates: EconomyEstimates | None = None) -> dict[str, Any]:
    """The estimated assumption tables, TOML-ready, with the key nesting of the baseline.

    Returns ``{"economy": {"shock_correlation", "inflation", "real_wage_growth",
    "fund_return_process"}, "mortality": {"index"}}``; estimated values are rounded to
    :data:`SIGNIFICANT_DIGITS` significant digits; observed starting values (2012 CPI) and
    the stated figures and assumptions (initial and long-run real wage growth, converged
    year, fund-return start) are given as they are.
    The packaged baseline holds exactly these values (``tests/test_economy.py``).
    """
    est = estimate() if estimates is None else estimates
    corr = [[_sig(float(v)) for v in row] for row in est.correlation.matrix]
    male, female = est.mortality["male"], est.mortality["female"]
    return {
        "economy": {
            "shock_correlation": corr,
            "inflation": {
                "mean": _sig(est.inflation.mu),
                "persistence": _sig(est.inflation.phi),
                "volatility": _sig(est.inflation.sigma),
                "start": est.cpi_2012,  # an observation, kept as published
            },
            "real_wage_growth": {
                "initial_mean": REAL_WAGE_GROWTH_2013,
                "long_run_mean": LONG_RUN_REAL_WAGE_GROWTH,
                "converged_year": REAL_WAGE_CONVERGED_YEAR,
                "persistence": _sig(est.real_wage_growth.phi),
                "volatility": _sig(est.real_wage_growth.sigma),
                "start": REAL_WAGE_GROWTH_2013,
            },
            "fund_return_process": {
                "persistence": _sig(est.fund_return.phi),
                "volatility": _sig(est.fund_return.sigma),
                "start": FUND_RETURN_START,
            },
        },
        "mortality": {
            "index": {
                "volatility_male": _sig(male.volatility),
                "volatility_female": _sig(female.volatility),
                "drift_se_male": _sig(male.drift_se),
                "drift_se_female": _sig(female.drift_se),
            }
        },
    }
