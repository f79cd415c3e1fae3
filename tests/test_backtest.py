"""The back-test of the claims funds on the report's history (``actuarial backtest``)."""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from actuarial.backtest import (
    VARIABLES,
    BacktestResult,
    FundModel,
    History,
    backtest_chart,
    fit,
    historical_economy,
    mape,
    medical_history,
    medical_model,
    model_paths,
    run_backtest,
    unemployment_history,
    unemployment_model,
    work_injury_history,
    work_injury_model,
)
from actuarial.cli import app

runner = CliRunner()
FUNDS = ("unemployment", "work_injury_enterprise", "resident_medical")
WAN = 10_000.0


def _case(fund: str) -> tuple[FundModel, History]:
    econ = historical_economy(2004, 2013)
    if fund == "unemployment":
        h = unemployment_history()
        return unemployment_model(econ.window(2005, 2012)), h
    if fund == "work_injury_enterprise":
        h = work_injury_history(economy=econ)
        return work_injury_model(econ.window(2004, 2012)), h
    h = medical_history()
    return medical_model(econ.window(2010, 2013)), h


#: Parameters to simulate from: plausible values, away from the fitted ones.
TRUE = {
    "unemployment": np.array([0.7, 0.03, 0.035, 12.0]),
    "work_injury_enterprise": np.array([50_000.0, 0.12, 0.011, 0.025, 0.3]),
    "resident_medical": np.array([2.3e8, 5.0e7, 1.5]),
}


def _synthetic(model: FundModel, history: History, theta: np.ndarray, noise: float = 0.0,
               seed: int = 0) -> History:  # fmt: skip
    """``history`` with every reported value replaced by the model's at ``theta`` (times
    lognormal noise of sd ``noise``), where the report has one."""
    paths = model_paths(model, history, theta)
    rng = np.random.default_rng(seed)
    series = []
    for s in history.series:
        sim = paths[s.key] * np.exp(noise * rng.standard_normal(s.reported.size))
        series.append(dataclasses.replace(s, reported=np.where(np.isnan(s.reported), np.nan, sim)))
    return dataclasses.replace(history, series=tuple(series))


@pytest.fixture(scope="module")
def result() -> BacktestResult:
    return run_backtest(draws=40, seed=3)


# -- the fit ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fund", FUNDS)
def test_fit__recovers_known_parameters_from_synthetic_history(fund: str) -> None:
    model, history = _case(fund)
    truth = TRUE[fund]
    got = fit(model, _synthetic(model, history, truth))
    assert got.success
    np.testing.assert_allclose(got.theta, truth, rtol=1e-6, atol=1e-8)


def test_fit__noisy_synthetic_history_within_its_standard_errors() -> None:
    model, history = _case("work_injury_enterprise")
    truth = TRUE["work_injury_enterprise"]
    got = fit(model, _synthetic(model, history, truth, noise=0.03, seed=11))
    z = (got.theta - truth) / got.se
    assert np.all(np.abs(z) < 4.0), z
    # The residual sd of each fitted series is of the size of the noise put in.
    for key, sigma in got.sigma.items():
        assert 0.005 < sigma < 0.08, (key, sigma)


@pytest.mark.parametrize("fund", FUNDS)
def test_fit__holdout_values_do_not_move_the_parameters(fund: str) -> None:
    model, history = _case(fund)
    before = fit(model, history)
    changed = history
    for s in history.series:
        for year in history.years[history.n_fit :]:
            i = int(np.flatnonzero(history.years == year)[0])
            if not np.isnan(s.reported[i]):
                changed = changed.with_value(s.key, int(year), 3.0 * s.reported[i])
    assert changed.get(history.series[0].key).reported[-1] != history.series[0].reported[-1]
    after = fit(model, changed)
    np.testing.assert_array_equal(after.theta, before.theta)
    np.testing.assert_array_equal(after.se, before.se)


# -- the error --------------------------------------------------------------------------------


def test_mape__by_hand() -> None:
    # |110-100|/100 = 10 %, |95-100|/100 = 5 %, |50-40|/40 = 25 %: mean 13.33 %.
    assert mape(np.array([110.0, 95.0, 50.0]), np.array([100.0, 100.0, 40.0])) == pytest.approx(
        40.0 / 3.0
    )
    assert mape(np.array([-5.0]), np.array([-10.0])) == pytest.approx(50.0)
    assert math.isnan(mape(np.zeros(0), np.zeros(0)))


def test_errors__unemployment_income_mape_by_hand(result: BacktestResult) -> None:
    f = result.funds[0]
    h = f.history
    income = h.get("income")
    model = f.central["income"]
    fit_years = [y for y in range(2005, 2011) if y != 2010]  # 2010: CHECKS I-3
    idx = [int(np.flatnonzero(h.years == y)[0]) for y in fit_years]
    by_hand = 100 * np.mean([abs(model[i] - income.reported[i]) / income.reported[i] for i in idx])
    row = result.table.query("fund == 'unemployment' and variable == 'income'").iloc[0]
    assert row["in_sample_mape_pct"] == pytest.approx(by_hand)
    assert row["in_sample_points"] == 5


# -- the result -------------------------------------------------------------------------------


def test_run_backtest__three_funds_by_three_variables(result: BacktestResult) -> None:
    t = result.table
    assert list(zip(t["fund"], t["variable"], strict=True)) == [
        (f, v) for f in FUNDS for v in VARIABLES
    ]
    reported = t[t["in_sample_points"] > 0]
    # Everything the report prints has a finite error: 7 of the 9 cells.
    assert len(reported) == 7
    assert np.isfinite(reported[["in_sample_mape_pct", "holdout_mape_pct"]].to_numpy()).all()
    assert (reported["holdout_points"] == [2, 2, 2, 2, 2, 2, 4]).all()
    # Table 1 has no expenditure or balance: no error is made up for them.
    medical = t[(t["fund"] == "resident_medical") & (t["variable"] != "income")]
    assert (medical["in_sample_points"] == 0).all()
    assert medical[["in_sample_mape_pct", "holdout_mape_pct"]].isna().all().all()


def test_run_backtest__parameters_and_notes(result: BacktestResult) -> None:
    p = result.parameters
    assert p.groupby("fund", sort=False).size().to_dict() == {
        "unemployment": 4,
        "work_injury_enterprise": 5,
        "resident_medical": 3,
    }
    assert np.isfinite(p[["estimate", "se"]].to_numpy()).all()
    assert (p["se"] > 0).all()
    notes = " ".join(n for f in result.funds for n in f.notes)
    for text in ("CHECKS I-3", "CHECKS I-4", "CHECKS I-16", "I-18", "46,180.23"):
        assert text in notes


def test_run_backtest__balance_treatment(result: BacktestResult) -> None:
    unemp, injury = result.funds[0], result.funds[1]
    # Unemployment: no off-table item for the 2010 break (CHECKS I-3), 2007's -3.30万 kept.
    off = dict(zip(unemp.history.years.tolist(), unemp.history.off_table / WAN, strict=True))
    assert off[2010] == 0.0
    assert off[2007] == pytest.approx(-3.30, abs=1e-6)
    assert unemp.history.opening_balance / WAN == pytest.approx(6455.29, abs=1e-6)
    # The holdout restarts at the printed balance of the last fit year.
    for f in (unemp, injury):
        h = f.history
        k = h.n_fit
        bal = h.get("balance").reported
        first = f.central["balance"][k]
        net = f.central["income"][k] - f.central["expenditure"][k]
        if not h.income_includes_interest:
            net = net + f.central["interest"][k]
        assert first == pytest.approx(bal[k - 1] + net)


def test_run_backtest__same_seed_same_fan() -> None:
    a = run_backtest(draws=10, seed=5)
    b = run_backtest(draws=10, seed=5)
    c = run_backtest(draws=10, seed=6)
    for fa, fb, fc in zip(a.funds, b.funds, c.funds, strict=True):
        for key in fa.fan:
            np.testing.assert_array_equal(fa.fan[key], fb.fan[key])
        assert any(not np.array_equal(fa.fan[k], fc.fan[k]) for k in fa.fan)


def test_historical_economy__wage_and_rates() -> None:
    e = historical_economy(2004, 2013)
    assert e.wage[-1] == 46966.0  # economy.wage_2013_cny_per_year (P8)
    assert e.wage[-2] == pytest.approx(46966.0 / 1.119)
    i = int(np.flatnonzero(e.years == 2011)[0])
    assert e.wage_growth[i] == pytest.approx((1 + e.cpi[i]) * (1 + e.real_growth[i]) - 1)
    assert e.deposit_rate[i] == pytest.approx(0.032801)  # PBoC 2011, day-weighted


# -- the chart --------------------------------------------------------------------------------


def test_backtest_chart__one_axes_per_fund_with_reported_points(result: BacktestResult) -> None:
    from matplotlib.collections import PathCollection

    fig = backtest_chart(result)
    assert len(fig.axes) == len(FUNDS)
    for ax, f in zip(fig.axes, result.funds, strict=True):
        assert ax.get_title() == f.history.label
        plotted = {
            (round(float(x)), round(float(y), 6))
            for c in ax.collections
            if isinstance(c, PathCollection)
            for x, y in c.get_offsets()
        }
        expected = {
            (int(y), round(float(v) / WAN, 6))
            for s in f.history.series
            if s.variable is not None
            for y, v in zip(f.history.years, s.reported, strict=True)
            if not np.isnan(v)
        }
        assert expected
        assert plotted == expected


# -- the command ------------------------------------------------------------------------------


def test_backtest_cli__writes_both_files_and_prints_the_table(tmp_path: Path) -> None:
    out = tmp_path / "new" / "bt"
    result = runner.invoke(app, ["backtest", "--draws", "20", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert set(os.listdir(out)) == {"backtest.csv", "backtest.png"}  # no temporary file left
    for text in ("in-sample MAPE", "holdout MAPE", "Fitted parameters", "unemployment",
                 "work_injury_enterprise", "resident_medical", "not in the report",
                 "CHECKS I-3", "wrote"):  # fmt: skip
        assert text in result.output, text
    table = pd.read_csv(out / "backtest.csv")
    assert len(table) == 9
    assert (out / "backtest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "0"], "--draws: got 0"),
        (["--draws", "100001"], "--draws: got 100001"),
        (["--seed", "-1"], "--seed: got -1"),
        (["--draws", "many"], "Invalid value for '--draws'"),
    ],
)
def test_backtest_cli__bad_options_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["backtest", *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x").exists()


def test_backtest_cli__out_is_a_file_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("")
    result = runner.invoke(app, ["backtest", "--out", str(target)])
    assert result.exit_code == 2
    assert "exists and is not a directory" in result.output
