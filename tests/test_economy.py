"""AR(1) estimation: recovers known parameters, matches a plain least-squares fit, and the
packaged baseline holds exactly what the estimation gives."""

from __future__ import annotations

import importlib.util
import math
import tomllib
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from actuarial.assumptions import baseline_dict
from actuarial.demography import leecarter_kt_drift_sd
from actuarial.economy import (
    SIGNIFICANT_DIGITS,
    baseline_tables,
    cpi_series,
    cpi_start,
    deposit_rate_series,
    estimate,
    fit_ar1,
    fit_cpi_ar1,
    fit_fund_return_ar1,
    fit_real_wage_ar1,
    innovation_correlation,
    mortality_index_fits,
    real_gdp_growth_series,
    residual_correlation,
)

TOOL = Path(__file__).resolve().parents[1] / "tools" / "estimate_economy.py"


def test_fit_ar1__recovers_simulated_parameters() -> None:
    gen = np.random.default_rng(0)
    mu, phi, sigma, n = 0.03, 0.6, 0.01, 20_000
    x = np.empty(n)
    x[0] = mu
    for t in range(1, n):
        x[t] = mu + phi * (x[t - 1] - mu) + sigma * gen.standard_normal()
    fit = fit_ar1(x)
    assert fit.phi == pytest.approx(phi, abs=4 * fit.se_phi)
    assert fit.mu == pytest.approx(mu, abs=4 * fit.se_mu)
    assert fit.sigma == pytest.approx(sigma, rel=0.03)
    assert fit.sigma == pytest.approx(sigma, abs=4 * fit.se_sigma)
    # Closed form: se(phi) ~ sqrt((1 - phi^2) / n) for a long AR(1).
    assert fit.se_phi == pytest.approx(np.sqrt((1 - phi**2) / n), rel=0.05)


def test_fit_cpi_ar1__equals_lstsq_on_the_packaged_series() -> None:
    years, x = cpi_series()
    assert years[0] == 1996
    assert x[years == 2013][0] == pytest.approx(0.0262, abs=1e-4)  # NBS: 2.6 % in 2013
    design = np.column_stack([np.ones(x.size - 1), x[:-1]])
    (a, phi), *_ = np.linalg.lstsq(design, x[1:], rcond=None)
    fit = fit_cpi_ar1()
    assert fit.phi == pytest.approx(phi, rel=1e-12)
    assert fit.mu == pytest.approx(a / (1 - phi), rel=1e-12)
    assert 0.0 < fit.mu < 0.05
    assert fit.stationary_sd > fit.sigma


def test_fit_ar1__bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="at least 5 points"):
        fit_ar1(np.array([0.01, np.nan, 0.02, 0.03, 0.01]))


def test_residual_correlation__recovers_a_simulated_trivariate_ar1() -> None:
    # Three correlated AR(1) series with different windows: the fits recover phi and sigma
    # and the residual correlation recovers R over the common years, all within 4 se.
    gen = np.random.default_rng(1)
    n = 6000
    mu = np.array([0.02, 0.05, 0.03])
    phi = np.array([0.25, 0.65, 0.65])
    sigma = np.array([0.018, 0.02, 0.005])
    corr = np.array([[1.0, -0.1, 0.75], [-0.1, 1.0, 0.1], [0.75, 0.1, 1.0]])
    shocks = sigma * (gen.standard_normal((n, 3)) @ np.linalg.cholesky(corr).T)
    x = np.empty((n, 3))
    x[0] = mu
    for t in range(1, n):
        x[t] = mu + phi * (x[t - 1] - mu) + shocks[t]
    years = np.arange(n, dtype=np.int64)
    windows = {"a": (0, n), "b": (0, n - 1), "c": (2, n)}
    series = {}
    for i, (name, (lo, hi)) in enumerate(windows.items()):
        fit = fit_ar1(x[lo:hi, i], first_year=lo)
        assert fit.phi == pytest.approx(phi[i], abs=4 * fit.se_phi)
        assert fit.sigma == pytest.approx(sigma[i], abs=4 * fit.se_sigma)
        series[name] = (years[lo:hi], x[lo:hi, i], fit)
    c = residual_correlation(series)
    assert (c.first_year, c.last_year, c.n) == (3, n - 2, n - 4)
    np.testing.assert_array_equal(c.matrix, c.matrix.T)
    for i in range(3):
        for j in range(i):
            assert c.matrix[i, j] == pytest.approx(corr[i, j], abs=4 * c.se[i, j])
            assert c.se[i, j] == pytest.approx((1 - corr[i, j] ** 2) / math.sqrt(n), rel=0.1)


def test_fits__windows_and_plain_least_squares_on_the_packaged_series() -> None:
    for fit, (years, x), window in (
        (fit_real_wage_ar1(), real_gdp_growth_series(), (1996, 2023)),
        (fit_fund_return_ar1(), deposit_rate_series(), (1996, 2024)),
    ):
        assert (fit.first_year, fit.last_year) == window
        assert (years[0], years[-1]) == window
        design = np.column_stack([np.ones(x.size - 1), x[:-1]])
        (a, phi), *_ = np.linalg.lstsq(design, x[1:], rcond=None)
        assert fit.phi == pytest.approx(phi, rel=1e-12)
        assert fit.mu == pytest.approx(a / (1 - phi), rel=1e-12)
        assert 0.0 < fit.phi < 1.0
    years, x = deposit_rate_series()
    # P7: 1996's day-weighted 1-year benchmark 9.163 %; 1.5 % from 2016 on.
    assert x[0] == pytest.approx(0.09163, abs=1e-12)
    assert np.all(x[years >= 2016] == 0.015)
    assert cpi_start() == pytest.approx(0.026195, abs=1e-12)  # World Bank CPI 2012


def test_innovation_correlation__common_years_and_a_valid_matrix() -> None:
    c = innovation_correlation()
    assert (c.first_year, c.last_year, c.n) == (1997, 2023, 27)
    np.testing.assert_array_equal(np.diag(c.matrix), 1.0)
    np.testing.assert_array_equal(c.matrix, c.matrix.T)
    assert np.linalg.eigvalsh(c.matrix).min() > 0.0


def test_mortality_index_fits__on_the_leecarter_scale() -> None:
    lc = leecarter_kt_drift_sd()
    for sex, fit in mortality_index_fits().items():
        drift, sd = lc[sex]
        assert (fit.drift, fit.volatility) == (drift, sd)
        assert fit.n_differences == 7
        # drift_se = c sd_5 / sqrt(n) / 5 and volatility = c sd_5 / sqrt(5), so
        # drift_se = volatility / sqrt(5 n).
        assert fit.drift_se == pytest.approx(sd / math.sqrt(5 * fit.n_differences), rel=1e-6)
        assert fit.drift_se == pytest.approx(
            fit.bx_scale * fit.sd_per_5yr_abridged / math.sqrt(7) / 5, rel=1e-15
        )


def test_baseline_toml__holds_the_estimates() -> None:
    tables = baseline_tables()
    base = baseline_dict()
    for key in ("inflation", "real_wage_growth", "fund_return_process", "shock_correlation"):
        assert base["economy"][key] == tables["economy"][key], key
    assert base["mortality"]["index"] == tables["mortality"]["index"]
    # The printed precision: each estimate to SIGNIFICANT_DIGITS digits of the raw fit.
    est = estimate()
    raw = {
        "mean": est.inflation.mu,
        "persistence": est.inflation.phi,
        "volatility": est.inflation.sigma,
    }
    for key, value in raw.items():
        assert base["economy"]["inflation"][key] == pytest.approx(
            value, rel=0.5 * 10 ** (1 - SIGNIFICANT_DIGITS)
        )
    rw = base["economy"]["real_wage_growth"]
    assert (rw["long_run_mean"], rw["converged_year"]) == (0.02, 2050)  # ASSUMPTION


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("estimate_economy", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_estimate_economy_tool__prints_the_same_tables() -> None:
    est = estimate()
    tables = baseline_tables(est)
    printed = tomllib.loads(_load_tool().render(est, tables))
    assert printed["shock_correlation"] == tables["economy"]["shock_correlation"]
    for key in ("inflation", "real_wage_growth", "fund_return_process"):
        assert printed["economy"][key] == tables["economy"][key]
    assert printed["mortality"]["index"] == tables["mortality"]["index"]
