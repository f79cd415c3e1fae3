"""Stochastic economic and mortality-index scenarios for the projection.

:func:`generate` turns the assumption tables into plain parameter arrays, checks them, and
runs the compiled generator ``kernels.scenario.economic_paths`` (its docstring states the
processes). For each draw and projected year (the base year 2013 first) it gives:

- CPI inflation: AR(1) around the estimated mean ``economy.inflation.mean`` (World Bank
  CPI 1996-2024, S3; ``actuarial.economy``), starting from 2012's 2.62 %;
- real wage growth: AR(1) around a mean that moves linearly from
  ``real_wage_growth.initial_mean`` (2013 national real wage growth 7.3 %, P8) to
  ``long_run_mean`` in ``converged_year`` (both assumptions), then stays there;
  persistence and volatility from China's real GDP growth (S4);
- nominal wage growth (1 + cpi)(1 + real) - 1;
- the nominal fund return: AR(1) around ``economy.fund_return`` (2.28 %, report
  III.(9).2), persistence and volatility from the PBoC 1-year deposit benchmark (P7);
- the mortality-index deviation of each sex from the central UN WPP 2024 path, a random
  walk with an uncertain drift (Lee-Carter k(t) fit on S1), used as
  log q = log qbar + b(x) eps.

The three rates' innovations are correlated by ``economy.shock_correlation``. The
deterministic run (``deterministic=True``) multiplies every shock by zero: the rates follow
their conditional-mean paths from the starting values and the mortality index stays at 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from actuarial.assumptions.errors import ScenarioError
from actuarial.assumptions.model import Assumptions

__all__ = ["EconomicPaths", "generate", "mean_paths"]

_CORRELATION_KEY = "economy.shock_correlation"
# Tolerance for symmetry and the unit diagonal: TOML decimals are exact to ~1e-16, so
# anything larger is a typing error in the file, not rounding.
_CORRELATION_TOL = 1e-12


@dataclass(frozen=True, eq=False)
class EconomicPaths:
    """Simulated paths, one row per draw and one column per projected year (read-only).

    Rates are fractions a year. ``mortality_index[..., s]`` is the Lee-Carter index
    deviation of sex s (0 male, 1 female, ``actuarial.demography.SEXES`` order).
    """

    draws: NDArray[np.int64]
    """Global draw indices, (n_draws,)."""
    years: NDArray[np.int64]
    """Calendar years, (n_years,), the base year first."""
    cpi: NDArray[np.float64]
    """CPI inflation, (n_draws, n_years)."""
    real_wage_growth: NDArray[np.float64]
    """Real wage growth, (n_draws, n_years)."""
    wage_growth: NDArray[np.float64]
    """Nominal wage growth (1 + cpi)(1 + real) - 1, (n_draws, n_years)."""
    fund_return: NDArray[np.float64]
    """Nominal return on fund balances, (n_draws, n_years)."""
    mortality_index: NDArray[np.float64]
    """Mortality-index deviation from the central path, (n_draws, n_years, 2)."""
    deterministic: bool = False
    """Every shock at zero: schemes with economic processes of their own (the
    unemployment claim rate) hold them at their central paths too."""


def _years(assumptions: Assumptions, years: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(years)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"years must be a non-empty 1-D integer array, got {arr!r}")
    base = assumptions.projection.base_year
    if int(arr[0]) != base:
        raise ValueError(f"years must start at the base year {base}, got {int(arr[0])}")
    if np.any(np.diff(arr) != 1):
        raise ValueError("years must be consecutive calendar years (the processes are yearly)")
    # A copy: the result is frozen read-only and must not freeze the caller's array.
    out: NDArray[np.int64] = np.array(arr, dtype=np.int64, copy=True)
    return out


def _draws(draws: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(draws)
    if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
        raise ValueError(f"draws must be a 1-D integer array of global draw indices, got {arr!r}")
    if arr.size and int(arr.min()) < 0:
        raise ValueError("draws must be non-negative global draw indices")
    out: NDArray[np.int64] = np.array(arr, dtype=np.int64, copy=True)
    return out


def _cholesky(assumptions: Assumptions) -> NDArray[np.float64]:
    """Lower Cholesky factor of the innovation correlation, or a ScenarioError naming it."""

    def fail(msg: str) -> ScenarioError:
        return ScenarioError("assumptions", [(_CORRELATION_KEY, msg)])

    corr = np.asarray(assumptions.economy.shock_correlation, dtype=np.float64)
    if corr.shape != (3, 3):
        raise fail(
            f"got shape {corr.shape}; expected 3 x 3 (inflation, real wage growth, fund return)"
        )
    if not np.allclose(corr, corr.T, rtol=0.0, atol=_CORRELATION_TOL):
        raise fail(f"got {corr.tolist()}; the matrix must be symmetric")
    if not np.allclose(np.diag(corr), 1.0, rtol=0.0, atol=_CORRELATION_TOL):
        raise fail(f"got diagonal {np.diag(corr).tolist()}; the diagonal must be 1")
    try:
        chol = np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        eig = np.linalg.eigvalsh(corr)
        raise fail(
            f"got {corr.tolist()}, smallest eigenvalue {eig.min():.3g}; the matrix must be "
            "positive definite"
        ) from None
    out: NDArray[np.float64] = np.ascontiguousarray(chol, dtype=np.float64)
    return out


def mean_paths(assumptions: Assumptions, years: ArrayLike) -> NDArray[np.float64]:
    """The mean paths m[i, y] of (inflation, real wage growth, fund return), (3, n_years).

    ``years`` are consecutive calendar years from the base year. Real wage growth moves
    linearly from ``initial_mean`` in the base year to ``long_run_mean`` in
    ``converged_year`` and stays there (at once, if ``converged_year`` is not after the
    base year).
    """
    yrs = _years(assumptions, years)
    econ = assumptions.economy
    rw = econ.real_wage_growth
    base = assumptions.projection.base_year
    span = rw.converged_year - base
    frac = np.clip((yrs - base) / span, 0.0, 1.0) if span > 0 else np.ones(yrs.size)
    out = np.empty((3, yrs.size), dtype=np.float64)
    out[0] = econ.inflation.mean
    # Weighted form, so that both ends are hit exactly (no rounding residue after 2050).
    out[1] = (1.0 - frac) * rw.initial_mean + frac * rw.long_run_mean
    out[2] = econ.fund_return
    return out


def generate(
    assumptions: Assumptions,
    *,
    seed: int,
    draws: ArrayLike,
    years: ArrayLike,
    deterministic: bool = False,
) -> EconomicPaths:
    """Simulate the economic rates and mortality index for the given global draws.

    Parameters
    ----------
    assumptions
        The tables ``economy.inflation``, ``economy.real_wage_growth``,
        ``economy.fund_return_process``, ``economy.shock_correlation``,
        ``economy.fund_return`` and ``mortality.index`` are used
        (``actuarial.load_assumptions()`` gives the baseline).
    seed
        Non-negative integer below 2**63; with the draw index it fixes every variate.
    draws
        Global draw indices (non-negative integers): draw i gives the same paths in any
        run, in any split of the draws into chunks and on any number of threads.
    years
        Consecutive calendar years starting at the base year.
    deterministic
        If true, every shock is zero: the conditional-mean paths from the starting values.

    Raises
    ------
    ScenarioError
        If ``economy.shock_correlation`` is not 3 x 3, symmetric with a unit diagonal and
        positive definite (the message names that key).
    ValueError
        For bad ``seed``, ``draws`` or ``years``.

    Examples
    --------
    >>> import numpy as np
    >>> from actuarial import load_assumptions
    >>> paths = generate(load_assumptions(), seed=1, draws=np.arange(4),
    ...                  years=np.arange(2013, 2101))
    >>> paths.cpi.shape, paths.mortality_index.shape
    ((4, 88), (4, 88, 2))
    """
    from kernels.scenario import economic_paths

    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be an integer in [0, 2**63), got {seed!r}")
    chol = _cholesky(assumptions)
    yrs = _years(assumptions, years)
    idx = _draws(draws)
    econ = assumptions.economy
    processes = (econ.inflation, econ.real_wage_growth, econ.fund_return_process)
    phi = np.array([p.persistence for p in processes], dtype=np.float64)
    sigma = np.array([p.volatility for p in processes], dtype=np.float64)
    start = np.array([p.start for p in processes], dtype=np.float64)
    mi = assumptions.mortality.index
    mort_vol = np.array([mi.volatility_male, mi.volatility_female], dtype=np.float64)
    mort_drift_se = np.array([mi.drift_se_male, mi.drift_se_female], dtype=np.float64)

    out_econ = np.empty((idx.size, yrs.size, 3), dtype=np.float64)
    out_mort = np.empty((idx.size, yrs.size, 2), dtype=np.float64)
    economic_paths(
        int(seed),
        idx,
        mean_paths(assumptions, yrs),
        phi,
        sigma,
        start,
        chol,
        mort_vol,
        mort_drift_se,
        0.0 if deterministic else 1.0,
        out_econ,
        out_mort,
    )

    def column(i: int) -> NDArray[np.float64]:
        out: NDArray[np.float64] = np.ascontiguousarray(out_econ[:, :, i])
        return out

    cpi, real, fund = column(0), column(1), column(2)
    wage = (1.0 + cpi) * (1.0 + real) - 1.0
    arrays = (idx, yrs, cpi, real, wage, fund, out_mort)
    for arr in arrays:
        arr.flags.writeable = False
    return EconomicPaths(
        draws=idx,
        years=yrs,
        cpi=cpi,
        real_wage_growth=real,
        wage_growth=wage,
        fund_return=fund,
        mortality_index=out_mort,
        deterministic=bool(deterministic),
    )
