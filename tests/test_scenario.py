"""Scenario generator: equal to the numpy twin, invariant to chunks, threads and run size,
exact in the deterministic run, and distributed as its parameters say."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import pytest
import reference_scenario as ref

from actuarial import load_assumptions
from actuarial.assumptions import Assumptions, ScenarioError
from actuarial.scenarios import EconomicPaths, generate, mean_paths
from kernels.scenario import economic_paths

YEARS = np.arange(2013, 2101)


@pytest.fixture(scope="module")
def baseline() -> Assumptions:
    return load_assumptions()


def _run(a: Assumptions, draws: np.ndarray, years: np.ndarray = YEARS, **kw: Any) -> EconomicPaths:
    return generate(a, seed=20130101, draws=draws, years=years, **kw)


def _all(p: EconomicPaths) -> np.ndarray:
    """Every output of a run side by side, (n_draws, n_years, 6)."""
    econ = np.stack([p.cpi, p.real_wage_growth, p.fund_return, p.wage_growth], axis=-1)
    return np.concatenate([econ, p.mortality_index], axis=-1)


def test_kernel__equals_numpy_twin() -> None:
    # Parameters away from the baseline on purpose: a moving mean path, starts off the
    # mean, strong correlations and large global draw indices.
    gen = np.random.default_rng(3)
    n_years = 12
    draws = np.array([0, 1, 2, 7, 1_000_003, 2**40], dtype=np.int64)
    mean_path = 0.02 + 0.01 * gen.standard_normal((3, n_years))
    phi = np.array([0.3, 0.6, 0.9])
    sigma = np.array([0.02, 0.01, 0.005])
    start = np.array([0.05, -0.01, 0.03])
    corr = np.array([[1.0, 0.5, -0.4], [0.5, 1.0, 0.2], [-0.4, 0.2, 1.0]])
    chol = np.linalg.cholesky(corr)
    mort_vol = np.array([0.9, 0.6])
    mort_drift_se = np.array([0.15, 0.1])
    for scale in (1.0, 0.0):
        econ = np.empty((draws.size, n_years, 3))
        mort = np.empty((draws.size, n_years, 2))
        economic_paths(
            7, draws, mean_path, phi, sigma, start, chol, mort_vol, mort_drift_se, scale, econ, mort
        )
        want_econ, want_mort = ref.economic_paths(
            7, draws, mean_path, phi, sigma, start, chol, mort_vol, mort_drift_se, scale
        )
        np.testing.assert_allclose(econ, want_econ, rtol=1e-12, atol=0)
        np.testing.assert_allclose(mort, want_mort, rtol=1e-12, atol=0)


def test_generate__baseline_equals_numpy_twin(baseline: Assumptions) -> None:
    draws = np.arange(5, dtype=np.int64)
    years = np.arange(2013, 2031)
    p = _run(baseline, draws, years)
    e, mi = baseline.economy, baseline.mortality.index
    procs = (e.inflation, e.real_wage_growth, e.fund_return_process)
    econ, mort = ref.economic_paths(
        20130101,
        draws,
        mean_paths(baseline, years),
        np.array([q.persistence for q in procs]),
        np.array([q.volatility for q in procs]),
        np.array([q.start for q in procs]),
        np.linalg.cholesky(np.array(e.shock_correlation)),
        np.array([mi.volatility_male, mi.volatility_female]),
        np.array([mi.drift_se_male, mi.drift_se_female]),
        1.0,
    )
    np.testing.assert_allclose(p.cpi, econ[..., 0], rtol=1e-12)
    np.testing.assert_allclose(p.real_wage_growth, econ[..., 1], rtol=1e-12)
    np.testing.assert_allclose(p.fund_return, econ[..., 2], rtol=1e-12)
    np.testing.assert_allclose(p.mortality_index, mort, rtol=1e-12)
    np.testing.assert_array_equal(p.wage_growth, (1 + p.cpi) * (1 + p.real_wage_growth) - 1)
    np.testing.assert_array_equal(p.years, years)
    np.testing.assert_array_equal(p.draws, draws)


def test_generate__chunks_equal_one_call(baseline: Assumptions) -> None:
    whole = _all(_run(baseline, np.arange(10)))
    chunks = [_all(_run(baseline, np.arange(a, b))) for a, b in ((0, 4), (4, 10))]
    np.testing.assert_array_equal(np.concatenate(chunks), whole)


def test_generate__one_and_two_threads_identical(baseline: Assumptions) -> None:
    draws = np.arange(200)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _all(_run(baseline, draws))
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = _all(_run(baseline, draws))
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, two)


def test_generate__draw_i_same_in_small_and_large_runs(baseline: Assumptions) -> None:
    small = _all(_run(baseline, np.arange(10)))
    large = _all(_run(baseline, np.arange(1000)))
    np.testing.assert_array_equal(small, large[:10])


def test_generate__deterministic_is_the_mean_path_exactly(baseline: Assumptions) -> None:
    e = baseline.economy
    at_mean = load_assumptions(
        overrides={
            "economy": {
                "inflation": {"start": e.inflation.mean},
                "real_wage_growth": {"start": e.real_wage_growth.initial_mean},
                "fund_return_process": {"start": e.fund_return},
            }
        }
    )
    p = _run(at_mean, np.arange(3), deterministic=True)
    m = mean_paths(at_mean, YEARS)
    for got, mean in zip((p.cpi, p.real_wage_growth, p.fund_return), m, strict=True):
        np.testing.assert_array_equal(got, np.broadcast_to(mean, got.shape))
    np.testing.assert_array_equal(p.mortality_index, 0.0)


def test_generate__deterministic_decays_from_the_start_to_the_mean(baseline: Assumptions) -> None:
    # With no shocks, x - m = phi^(y+1) (start - m[0]): the conditional-mean path.
    p = _run(baseline, np.arange(2), deterministic=True)
    m = mean_paths(baseline, YEARS)
    e = baseline.economy
    procs = (e.inflation, e.real_wage_growth, e.fund_return_process)
    y = np.arange(YEARS.size)
    for got, mean, q in zip((p.cpi, p.real_wage_growth, p.fund_return), m, procs, strict=True):
        want = mean + q.persistence ** (y + 1) * (q.start - mean[0])
        np.testing.assert_allclose(got[0], want, rtol=1e-13, atol=1e-17)
        np.testing.assert_array_equal(got[1], got[0])
    np.testing.assert_array_equal(p.mortality_index, 0.0)


def test_mean_paths__real_wage_growth_moves_linearly_then_stays(baseline: Assumptions) -> None:
    rw = baseline.economy.real_wage_growth
    m = mean_paths(baseline, YEARS)[1]
    at = dict(zip(YEARS.tolist(), m.tolist(), strict=True))
    assert at[2013] == rw.initial_mean
    assert at[rw.converged_year] == rw.long_run_mean
    assert at[2100] == rw.long_run_mean
    mid = (2013 + rw.converged_year) / 2
    if mid.is_integer():
        assert at[int(mid)] == pytest.approx((rw.initial_mean + rw.long_run_mean) / 2)
    np.testing.assert_array_equal(mean_paths(baseline, YEARS)[0], baseline.economy.inflation.mean)
    np.testing.assert_array_equal(mean_paths(baseline, YEARS)[2], baseline.economy.fund_return)


def test_generate__sample_moments_match_the_parameters(baseline: Assumptions) -> None:
    # Fixed seed, so not flaky; every tolerance is 4 standard errors of the statistic.
    n, n_years = 4000, 40
    years = YEARS[:n_years]
    p = _run(baseline, np.arange(n), years)
    e = baseline.economy
    procs = (e.inflation, e.real_wage_growth, e.fund_return_process)
    m = mean_paths(baseline, years)
    corr = np.array(e.shock_correlation)
    u = np.empty((3, n, n_years))
    for i, (x, q) in enumerate(zip((p.cpi, p.real_wage_growth, p.fund_return), procs, strict=True)):
        dev = x - m[i]
        dev_prev = np.concatenate([np.full((n, 1), q.start - m[i, 0]), dev[:, :-1]], axis=1)
        innov = dev - q.persistence * dev_prev
        u[i] = innov / q.volatility
        big_n = innov.size
        assert abs(u[i].mean()) < 4 / np.sqrt(big_n)
        assert abs(u[i].std() - 1.0) < 4 / np.sqrt(2 * big_n)
        lag1 = np.corrcoef(u[i][:, 1:].ravel(), u[i][:, :-1].ravel())[0, 1]
        assert abs(lag1) < 4 / np.sqrt(n * (n_years - 1))
        # Persistence: pooled least squares of dev[y] on dev[y-1] through the origin.
        xs, ys = dev_prev.ravel(), dev.ravel()
        slope = xs @ ys / (xs @ xs)
        se = np.std(ys - slope * xs) / np.sqrt(xs @ xs)
        assert abs(slope - q.persistence) < 4 * se
    for i in range(3):
        for j in range(i):
            r = np.corrcoef(u[i].ravel(), u[j].ravel())[0, 1]
            assert abs(r - corr[i, j]) < 4 * (1 - corr[i, j] ** 2) / np.sqrt(u[i].size)

    mi = baseline.mortality.index
    inc = np.diff(p.mortality_index, axis=1, prepend=0.0)  # delta + vol z, (n, years, sex)
    for s, (vol, drift_se) in enumerate(
        ((mi.volatility_male, mi.drift_se_male), (mi.volatility_female, mi.drift_se_female))
    ):
        d = inc[:, :, s]
        d_bar = d.mean(axis=1)
        within = np.sqrt(((d - d_bar[:, None]) ** 2).sum() / (n * (n_years - 1)))
        assert abs(within - vol) < 4 * vol / np.sqrt(2 * n * (n_years - 1))
        between = np.sqrt(drift_se**2 + vol**2 / n_years)  # sd of a draw's mean increment
        assert abs(d_bar.std(ddof=1) - between) < 4 * between / np.sqrt(2 * (n - 1))
        assert abs(d_bar.mean()) < 4 * between / np.sqrt(n)
    # The sexes draw independent shocks.
    bars = inc.mean(axis=1)
    assert abs(np.corrcoef(bars[:, 0], bars[:, 1])[0, 1]) < 4 / np.sqrt(n)
    within = inc - bars[:, None, :]
    r = np.corrcoef(within[..., 0].ravel(), within[..., 1].ravel())[0, 1]
    assert abs(r) < 4 / np.sqrt(n * (n_years - 1))


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1.0, 0.5, 0.0], [0.4, 1.0, 0.0], [0.0, 0.0, 1.0]], "symmetric"),
        ([[1.0, 0.0, 0.0], [0.0, 0.9, 0.0], [0.0, 0.0, 1.0]], "diagonal must be 1"),
        ([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]], "positive definite"),
        ([[1.0, 0.0], [0.0, 1.0]], "3 x 3"),
    ],
    ids=["asymmetric", "diagonal", "indefinite", "shape"],
)
def test_generate__bad_correlation_names_the_key(matrix: list[list[float]], message: str) -> None:
    bad = load_assumptions(overrides={"economy": {"shock_correlation": matrix}})
    with pytest.raises(ScenarioError, match=message) as info:
        _run(bad, np.arange(2))
    assert info.value.problems[0][0] == "economy.shock_correlation"
    assert "economy.shock_correlation" in str(info.value)


def test_generate__bad_years_draws_and_seed_are_refused(baseline: Assumptions) -> None:
    with pytest.raises(ValueError, match="start at the base year 2013"):
        _run(baseline, np.arange(2), np.arange(2014, 2020))
    with pytest.raises(ValueError, match="consecutive"):
        _run(baseline, np.arange(2), np.array([2013, 2015]))
    with pytest.raises(ValueError, match="non-negative"):
        _run(baseline, np.array([0, -1]))
    with pytest.raises(ValueError, match="seed"):
        generate(baseline, seed=-1, draws=np.arange(2), years=YEARS)


def test_generate__outputs_are_read_only_and_inputs_untouched(baseline: Assumptions) -> None:
    draws = np.arange(3)
    p = _run(baseline, draws, YEARS[:5])
    assert draws.flags.writeable
    for arr in (p.cpi, p.wage_growth, p.mortality_index, p.draws, p.years):
        assert not arr.flags.writeable
    assert p.cpi.shape == (3, 5)
    assert p.mortality_index.shape == (3, 5, 2)
