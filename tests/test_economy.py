"""AR(1) estimation: recovers known parameters, matches a plain least-squares fit."""

from __future__ import annotations

import numpy as np
import pytest

from actuarial.economy import cpi_series, fit_ar1, fit_cpi_ar1


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
