"""The stress presets (``actuarial.reforms.stress``): each effect by hand, its direction,
the balance identity after re-settling, and named errors for bad parameters.

Every run is compared with the same call without the stress (same seed: common random
numbers), so the difference is the stress alone; years before the effective year must be
bit-identical.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
import xarray as xr

from actuarial.assumptions import load_assumptions
from actuarial.projection import INCOME, OUTGO, VARIABLES, Model, project
from actuarial.reforms import ReformError, available, make, parse_spec
from actuarial.reforms.stress import (
    BadDecade,
    HighInflation,
    Longevity,
    LowReturns,
    MassCasualty,
    Recession,
    e60_gain,
    shift_economy,
    window,
)
from actuarial.scenarios import _cholesky, generate, mean_paths

STRESSES = (
    "high_inflation",
    "low_returns",
    "longevity",
    "recession",
    "mass_casualty",
    "bad_decade",
)
SEED = 11


@cache
def _run(
    schemes: tuple[str, ...],
    end: int,
    reforms: tuple[Any, ...] = (),
    *,
    deterministic: bool = True,
    draws: int = 2,
) -> xr.Dataset:
    """One projection, cached: baselines are shared between tests."""
    return project(
        draws=draws, end=end, seed=SEED, schemes=list(schemes), deterministic=deterministic,
        process_risk=False, reforms=list(reforms),
    )  # fmt: skip


def _at(ds: xr.Dataset, name: str, scheme: str, year: int) -> np.ndarray:
    """``[draw, county]`` of a variable in one year."""
    out: np.ndarray = ds[name].sel(scheme=scheme, year=year).values
    return out


def _assert_untouched_before(base: xr.Dataset, stressed: xr.Dataset, year: int) -> None:
    for name in (*VARIABLES, "cpi", "real_wage_growth", "wage_growth", "fund_return"):
        np.testing.assert_array_equal(
            stressed[name].sel(year=slice(None, year - 1)).values,
            base[name].sel(year=slice(None, year - 1)).values,
            err_msg=name,
        )


def _assert_identity(ds: xr.Dataset) -> None:
    """balance[t] = balance[t-1] + sum(income) - sum(outgo), to 1e-12 of the flows."""
    balance = ds.balance.values  # [draw, county, scheme, year]
    opening = np.broadcast_to(ds.opening_balance.values[None, :, :, None], balance[..., :1].shape)
    prev = np.concatenate([opening, balance[..., :-1]], axis=-1)
    income = sum(ds[v].values for v in INCOME)
    outgo = sum(ds[v].values for v in OUTGO)
    scale = np.abs(income).max() + np.abs(outgo).max() + np.abs(balance).max()
    residual = balance - prev - (income - outgo)
    assert np.abs(residual).max() <= 1e-12 * scale


def _wage(ds: xr.Dataset) -> np.ndarray:
    """``[draw, year]`` the city average wage as the kernels grow it."""
    growth = ds.wage_growth.values.copy()
    growth[:, 0] = 0.0
    out: np.ndarray = load_assumptions().economy.wage_2013_cny_per_year * np.cumprod(
        1.0 + growth, axis=1
    )
    return out


def _price(ds: xr.Dataset) -> np.ndarray:
    out: np.ndarray = np.cumprod(1.0 + ds.cpi.values, axis=1)
    return out


# -- the registry ------------------------------------------------------------------------


def test_six_stress_presets_are_registered_with_defaults() -> None:
    known = available()
    for name in STRESSES:
        cls = known[name]
        assert cls.kind == "stress"
        assert cls.summary
        reform = make(name)  # every parameter has a default
        assert parse_spec(reform.label()) == reform
        for key, f in cls.model_fields.items():
            assert f.description, f"{name}.{key} has no description"


@pytest.mark.parametrize(
    ("spec", "key"),
    [
        ("high_inflation,cpi_shift=-0.01", "cpi_shift"),
        ("high_inflation,return_pass_through=1.5", "return_pass_through"),
        ("high_inflation,duration=-1", "duration"),
        ("low_returns,return_shift=0.01", "return_shift"),
        ("longevity,drift_male=-0.1", "drift_male"),
        ("recession,unemployment_factor=0.5", "unemployment_factor"),
        ("recession,real_wage_shift=0.02", "real_wage_shift"),
        ("mass_casualty,deaths=0", "deaths"),
        ("mass_casualty,county=kunming", "county"),
        ("mass_casualty,scheme=unemployment", "scheme"),
        ("bad_decade,duration=0", "duration"),
        ("bad_decade,recession_years=12", "recession_years"),
        ("bad_decade,inflation=0.05", "inflation"),
    ],
)
def test_bad_parameter__is_a_reform_error_naming_it(spec: str, key: str) -> None:
    with pytest.raises(ReformError, match=key):
        parse_spec(spec)


def test_mass_casualty__without_its_fund_is_an_error_naming_it() -> None:
    with pytest.raises(ReformError, match="work_injury_institution"):
        project(
            draws=1, end=2016, schemes=["work_injury_enterprise"], deterministic=True,
            reforms=["mass_casualty,scheme=work_injury_institution"],
        )  # fmt: skip


# -- the economic shifts ---------------------------------------------------------------------


def test_window__clips_to_the_horizon_and_zero_means_to_the_end() -> None:
    assert window(3, 2, 10) == slice(3, 5)
    assert window(3, 0, 10) == slice(3, 10)
    assert window(8, 5, 10) == slice(8, 10)


def test_shift_equals_the_generator_run_on_the_shifted_mean() -> None:
    """The module's claim: shifting the AR(1) mean by delta over a window, innovations
    kept, moves each draw's path by exactly delta in the window and not at all outside."""
    from kernels.scenario import economic_paths

    a = load_assumptions()
    years = np.arange(2013, 2031)
    ids = np.arange(4, dtype=np.int64)
    e = a.economy
    procs = (e.inflation, e.real_wage_growth, e.fund_return_process)
    mi = a.mortality.index

    def run(mean: np.ndarray) -> np.ndarray:
        out = np.empty((ids.size, years.size, 3))
        mort = np.empty((ids.size, years.size, 2))
        economic_paths(
            SEED, ids, mean, np.array([p.persistence for p in procs]),
            np.array([p.volatility for p in procs]), np.array([p.start for p in procs]),
            _cholesky(a), np.array([mi.volatility_male, mi.volatility_female]),
            np.array([mi.drift_se_male, mi.drift_se_female]), 1.0, out, mort,
        )  # fmt: skip
        return out

    mean = mean_paths(a, years)
    shifted = mean.copy()
    shifted[0, 3:8] += 0.04  # CPI, years 2016-2020
    shifted[2, 3:8] += 0.01  # return
    direct = run(shifted)
    paths = shift_economy(
        generate(a, seed=SEED, draws=ids, years=years), slice(3, 8), cpi=0.04, fund_return=0.01
    )
    np.testing.assert_allclose(paths.cpi, direct[:, :, 0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(paths.fund_return, direct[:, :, 2], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(paths.real_wage_growth, direct[:, :, 1])


def test_high_inflation__paths_shift_by_exactly_delta_in_the_spell() -> None:
    stress = HighInflation(year=2016, cpi_shift=0.05, duration=3, return_pass_through=0.4)
    base = _run(("unemployment",), 2021, deterministic=False)
    ds = _run(("unemployment",), 2021, (stress,), deterministic=False)
    _assert_untouched_before(base, ds, 2016)
    in_spell = ds.year.isin([2016, 2017, 2018]).values
    np.testing.assert_allclose((ds.cpi - base.cpi).values[:, in_spell], 0.05, rtol=0, atol=1e-15)
    np.testing.assert_allclose(
        (ds.fund_return - base.fund_return).values[:, in_spell], 0.4 * 0.05, rtol=0, atol=1e-15
    )
    for name in ("cpi", "fund_return"):
        np.testing.assert_array_equal(
            ds[name].values[:, ~in_spell], base[name].values[:, ~in_spell]
        )
    np.testing.assert_array_equal(ds.real_wage_growth.values, base.real_wage_growth.values)
    np.testing.assert_allclose(
        ds.wage_growth.values, (1 + ds.cpi.values) * (1 + ds.real_wage_growth.values) - 1,
        rtol=0, atol=1e-16,
    )  # fmt: skip


def test_high_inflation__contributions_follow_the_wage_and_real_balance_falls() -> None:
    stress = HighInflation(year=2016)  # defaults: 3.6 points for 5 years, 0.35 to returns
    base = _run(("unemployment",), 2022)
    ds = _run(("unemployment",), 2022, (stress,))
    _assert_untouched_before(base, ds, 2016)
    _assert_identity(ds)
    # Insured do not depend on prices: contributions move with the wage alone.
    ratio = _wage(ds) / _wage(base)
    for year in (2016, 2017, 2022):
        t = year - 2013
        np.testing.assert_allclose(
            _at(ds, "contributions", "unemployment", year),
            _at(base, "contributions", "unemployment", year) * ratio[:, t, None],
            rtol=1e-12,
        )
    np.testing.assert_allclose(ratio[:, 3], 1 + 0.036 / (1 + base.cpi.values[:, 3]), rtol=1e-12)
    # Nominal balances rise (wages and returns), real ones fall (returns lag prices).
    after = ds.year.values >= 2016
    bal = ds.balance.sel(scheme="unemployment").sum("county").values
    bal0 = base.balance.sel(scheme="unemployment").sum("county").values
    assert (bal[:, after] > bal0[:, after]).all()
    assert (bal[:, after] / _price(ds)[:, after] < bal0[:, after] / _price(base)[:, after]).all()


def test_low_returns__interest_by_hand_and_only_interest_changes() -> None:
    stress = LowReturns(year=2015)
    code = "work_injury_enterprise"
    base = _run((code,), 2020)
    ds = _run((code,), 2020, (stress,))
    _assert_untouched_before(base, ds, 2015)
    _assert_identity(ds)
    np.testing.assert_allclose(
        (ds.fund_return - base.fund_return).sel(year=slice(2015, None)).values, -0.0078,
        rtol=0, atol=1e-15,
    )  # fmt: skip
    for name in VARIABLES:
        if name not in ("interest", "balance"):
            np.testing.assert_array_equal(ds[name].values, base[name].values, err_msg=name)
    # interest = r' (B[2014] + (income - outgo) / 2), the flows the baseline's.
    r = ds.fund_return.sel(year=2015).values[:, None]
    net = _at(base, "contributions", code, 2015) - _at(base, "benefits", code, 2015)
    expected = r * (_at(base, "balance", code, 2014) + 0.5 * net)
    np.testing.assert_allclose(_at(ds, "interest", code, 2015), expected, rtol=1e-12)
    # Lower on the city's total (some county funds are in deficit: less interest charged).
    later = ds.year.values >= 2015
    total, total0 = (x.balance.sum("county").values[..., later] for x in (ds, base))
    assert (total0 > 0).all()
    assert (total < total0).all()


# -- longevity ---------------------------------------------------------------------------------


def test_longevity__index_falls_by_the_drift_each_year_from_y0() -> None:
    a = load_assumptions()
    stress = make("longevity", year=2016)
    assert isinstance(stress, Longevity)
    assert stress.drift_male == pytest.approx(2 * a.mortality.index.drift_se_male, rel=1e-12)
    assert stress.drift_female == pytest.approx(2 * a.mortality.index.drift_se_female, rel=1e-12)
    years = np.arange(2013, 2026)
    paths = generate(a, seed=SEED, draws=np.arange(3), years=years)
    out = stress.apply_paths(paths, 3)
    diff = out.mortality_index - paths.mortality_index
    np.testing.assert_array_equal(diff[:, :3], 0.0)
    steps = np.arange(1, years.size - 3 + 1)
    np.testing.assert_allclose(
        diff[:, 3:, 0], np.broadcast_to(-stress.drift_male * steps, (3, steps.size)), atol=1e-13
    )
    np.testing.assert_allclose(
        diff[:, 3:, 1], np.broadcast_to(-stress.drift_female * steps, (3, steps.size)), atol=1e-13
    )
    assert out.cpi is paths.cpi


def test_longevity__stated_gain_in_e60_by_2050() -> None:
    gain = e60_gain()  # the defaults, from 2015
    assert gain["male"][1] - gain["male"][0] == pytest.approx(0.52, abs=0.005)
    assert gain["female"][1] - gain["female"][0] == pytest.approx(0.36, abs=0.005)
    assert gain["male"][0] == pytest.approx(22.68, abs=0.005)
    # The drifts the docstring gives for one year of e60 each.
    one = e60_gain(0.55, 0.61)
    assert one["male"][1] - one["male"][0] == pytest.approx(1.0, abs=0.01)
    assert one["female"][1] - one["female"][0] == pytest.approx(1.0, abs=0.01)


def test_longevity__more_pensioners_and_a_lower_balance() -> None:
    code = "enterprise_pension"
    base = _run((code,), 2030, deterministic=False)
    ds = _run((code,), 2030, ("longevity:2016",), deterministic=False)
    _assert_untouched_before(base, ds, 2016)
    _assert_identity(ds)
    assert (
        ds.beneficiaries.sel(year=2030).sum("county")
        > base.beneficiaries.sel(year=2030).sum("county")
    ).all()
    assert (
        ds.balance.sel(year=2030).sum("county") < base.balance.sel(year=2030).sum("county")
    ).all()


# -- recession ------------------------------------------------------------------------------


def test_recession__claims_scaled_exactly_in_the_spell() -> None:
    code = "unemployment"
    stress = Recession(year=2016, duration=2, unemployment_factor=1.5, real_wage_shift=0.0)
    base = _run((code,), 2020)
    ds = _run((code,), 2020, (stress,))
    _assert_untouched_before(base, ds, 2016)
    _assert_identity(ds)
    for name in ("beneficiaries", "benefits", "other_outgo"):
        for year in (2016, 2017):
            np.testing.assert_allclose(
                _at(ds, name, code, year), 1.5 * _at(base, name, code, year), rtol=1e-15
            )
        np.testing.assert_array_equal(
            ds[name].sel(year=slice(2018, None)).values,
            base[name].sel(year=slice(2018, None)).values,
        )
    np.testing.assert_array_equal(ds.contributions.values, base.contributions.values)
    # The balance falls by the extra outgo, with half a year's interest on it, in 2016.
    extra = 0.5 * (_at(base, "benefits", code, 2016) + _at(base, "other_outgo", code, 2016))
    r = base.fund_return.sel(year=2016).values[:, None]
    np.testing.assert_allclose(
        _at(ds, "balance", code, 2016) - _at(base, "balance", code, 2016),
        -extra * (1 + 0.5 * r),
        rtol=1e-9,
    )


def test_recession__lower_wage_growth_in_the_spell_and_a_lower_balance() -> None:
    code = "unemployment"
    base = _run((code,), 2020)
    ds = _run((code,), 2020, ("recession:2016",))  # -4.5 points for 2 years, claims x 1.54
    _assert_untouched_before(base, ds, 2016)
    _assert_identity(ds)
    diff = (ds.real_wage_growth - base.real_wage_growth).values
    np.testing.assert_allclose(diff[:, 3:5], -0.045, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(diff[:, 5:], 0.0)
    np.testing.assert_array_equal(ds.cpi.values, base.cpi.values)
    ratio = _wage(ds) / _wage(base)
    for year in (2016, 2017, 2020):
        np.testing.assert_allclose(
            _at(ds, "contributions", code, year),
            _at(base, "contributions", code, year) * ratio[:, year - 2013, None],
            rtol=1e-12,
        )
    np.testing.assert_allclose(
        _at(ds, "beneficiaries", code, 2016), 1.54 * _at(base, "beneficiaries", code, 2016),
        rtol=1e-15,
    )  # fmt: skip
    later = ds.year.values >= 2016
    assert (
        ds.balance.sel(scheme=code).values[..., later]
        < base.balance.sel(scheme=code).values[..., later]
    ).all()


# -- mass_casualty ----------------------------------------------------------------------------


def test_mass_casualty__death_benefits_and_dependants_by_hand() -> None:
    code = "work_injury_enterprise"
    a = load_assumptions()
    rules = a.schemes.work_injury_enterprise
    base = _run((code,), 2019)
    ds = _run((code,), 2019, ("mass_casualty:2016",))
    _assert_untouched_before(base, ds, 2016)
    _assert_identity(ds)
    c = list(ds.county.values).index("hongta")
    others = [k for k in range(ds.county.size) if k != c]
    for name in VARIABLES:
        np.testing.assert_array_equal(
            ds[name].values[:, others], base[name].values[:, others], err_msg=name
        )
    wage = _wage(ds)
    # 2016: 30 x (6 months funeral grant + 11 wages death grant) x the year's wage.
    per_death = rules.claims.funeral_grant_months / 12 + rules.claims.death_grant_wage_multiple
    assert per_death == 11.5
    cost = 30 * per_death * wage[:, 3]
    d_benefits = ds.benefits.values[:, c, 0] - base.benefits.values[:, c, 0]
    np.testing.assert_allclose(d_benefits[:, 3], cost, rtol=1e-12)
    np.testing.assert_allclose(
        ds.beneficiaries.values[:, c, 0, 3] - base.beneficiaries.values[:, c, 0, 3], 30.0
    )
    r = ds.fund_return.values[:, 3]
    np.testing.assert_allclose(
        ds.balance.values[:, c, 0, 3] - base.balance.values[:, c, 0, 3],
        -cost * (1 + 0.5 * r),
        rtol=1e-9,
    )
    # 2017: the dependants (per death, from the fund's history) at 35 % x 0.7 of the 2016
    # wage, raised by the known 5.5 % of 2017, less those who end (deterministic: eps = 0).
    from actuarial.demography import death_probabilities

    model = Model.build(a, 2019, [code])
    per = model.claims_scheme(code).calibration.dependants_per_death  # type: ignore[union-attr]
    ann = rules.annuities
    q = float(
        death_probabilities(2017, 2017, level_factor=a.mortality.level_factor).sel(
            sex=ann.dependant_sex, age=ann.dependant_age, year=2017
        )
    )
    survive = (1 - q) * (1 - ann.dependant_exit_rate)
    n = 30 * per * survive
    pay = 30 * per * ann.dependant_pension_share * rules.injured_wage_ratio * wage[:, 3]
    assert rules.indexation.known["2017"] == 0.055
    np.testing.assert_allclose(d_benefits[:, 4], pay * 1.055 * survive, rtol=1e-12)
    np.testing.assert_allclose(
        ds.beneficiaries.values[:, c, 0, 4] - base.beneficiaries.values[:, c, 0, 4], n, rtol=1e-12
    )
    assert (ds.balance.values[:, c, 0, 3:] < base.balance.values[:, c, 0, 3:]).all()


def test_mass_casualty__without_dependants_only_the_year_changes_flows() -> None:
    code = "work_injury_enterprise"
    base = _run((code,), 2019)
    ds = _run((code,), 2019, (MassCasualty(year=2016, deaths=5, county="yimen", dependants=False),))
    c = list(ds.county.values).index("yimen")
    d = ds.benefits.values[:, c, 0] - base.benefits.values[:, c, 0]
    np.testing.assert_allclose(d[:, 3], 5 * 11.5 * _wage(ds)[:, 3], rtol=1e-12)
    np.testing.assert_array_equal(d[:, 4:], 0.0)
    _assert_identity(ds)


# -- bad_decade --------------------------------------------------------------------------------


def test_bad_decade__paths_and_claims_of_its_components() -> None:
    code = "unemployment"
    stress = BadDecade(year=2016, duration=3, recession_years=1)
    base = _run((code,), 2021)
    ds = _run((code,), 2021, (stress,))
    _assert_untouched_before(base, ds, 2016)
    _assert_identity(ds)
    spell, after = slice(3, 6), slice(6, None)
    d_cpi = (ds.cpi - base.cpi).values
    d_ret = (ds.fund_return - base.fund_return).values
    d_real = (ds.real_wage_growth - base.real_wage_growth).values
    np.testing.assert_allclose(d_cpi[:, spell], 0.036, rtol=0, atol=1e-15)
    np.testing.assert_allclose(d_ret[:, spell], 0.35 * 0.036 - 0.0078, rtol=0, atol=1e-15)
    np.testing.assert_allclose(d_real[:, 3], -0.045 - 0.01, rtol=0, atol=1e-15)
    np.testing.assert_allclose(d_real[:, 4:6], -0.01, rtol=0, atol=1e-15)
    for d in (d_cpi, d_ret, d_real):
        np.testing.assert_array_equal(d[:, after], 0.0)
    np.testing.assert_allclose(
        _at(ds, "beneficiaries", code, 2016), 1.54 * _at(base, "beneficiaries", code, 2016),
        rtol=1e-15,
    )  # fmt: skip
    np.testing.assert_array_equal(
        _at(ds, "beneficiaries", code, 2017), _at(base, "beneficiaries", code, 2017)
    )
    # The same as its components listed one by one.
    parts = _run((code,), 2021, stress.parts())
    for name in VARIABLES:
        np.testing.assert_array_equal(ds[name].values, parts[name].values, err_msg=name)
    # Real balances fall.
    real = ds.balance.sel(scheme=code).sum("county").values / _price(ds)
    real0 = base.balance.sel(scheme=code).sum("county").values / _price(base)
    assert (real[:, 3:] < real0[:, 3:]).all()


def test_bad_decade__without_recession_has_no_claims_spike() -> None:
    stress = BadDecade(year=2016, duration=2, recession_years=0)
    assert [p.name for p in stress.parts()] == ["high_inflation", "low_returns", "recession"]
    ds = _run(("unemployment",), 2018, (stress,))
    base = _run(("unemployment",), 2018)
    np.testing.assert_array_equal(ds.beneficiaries.values, base.beneficiaries.values)
