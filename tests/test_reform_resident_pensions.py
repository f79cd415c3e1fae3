"""Reforms of the resident, land-lost and old rural pensions (report V.(2).2): each effect by
hand in a deterministic run, its direction and size, years before the effective year
bit-identical, the balance identity after re-settling, and named errors.

Every reformed run is compared with the same call without the reform (same seed and
draws), so the difference is the reform's alone.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np
import pytest
import xarray as xr
from test_cohort import _check_kernel_equals_reference as check_kernel_equals_reference
from test_cohort import _kernel_inputs as kernel_inputs
from test_cohort import _run as run_kernel

from actuarial.assumptions import load_assumptions
from actuarial.demography import death_probabilities
from actuarial.projection import INCOME, OUTGO, VARIABLES, PensionModel, project
from actuarial.reforms import ReformError, as_tables, available, coerce, make, parse_spec
from actuarial.reforms.long_contribution_bonus import LongContributionBonus
from actuarial.reforms.merge_resident_pensions import MergeResidentPensions
from kernels.cohort import VARIABLES as VARIABLES_K
from kernels.cohort import project_pensions

SEED = 5
RURAL, URBAN = "rural_resident_pension", "urban_resident_pension"
LAND, OLD = "land_lost_pension", "old_rural_pension"
RESIDENT = (RURAL, URBAN)
ALL = (RURAL, URBAN, LAND, OLD)
NAMES = (
    "merge_resident_pensions",
    "long_contribution_bonus",
    "merge_old_rural",
    "land_lost_reform",
    "raise_basic_pension",
)


def _run(schemes: tuple[str, ...], end: int, *reforms: Any, **overrides: Any) -> xr.Dataset:
    """A deterministic projection, cached by its reforms' tables: baselines and runs are
    shared between tests."""
    tables = json.dumps(as_tables(coerce(reforms)), sort_keys=True)
    return _cached_run(schemes, end, tables, tuple(sorted(overrides.items())))


@cache
def _cached_run(
    schemes: tuple[str, ...], end: int, tables: str, overrides: tuple[tuple[str, Any], ...]
) -> xr.Dataset:
    a = load_assumptions(overrides=_nested(dict(overrides))) if overrides else None
    return project(
        a, draws=2, seed=SEED, end=end, schemes=list(schemes), deterministic=True,
        reforms=json.loads(tables),
    )  # fmt: skip


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"a__b": 1}`` as ``{"a": {"b": 1}}`` (overrides must be hashable to cache)."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        *path, last = key.split("__")
        node = out
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def _at(ds: xr.Dataset, name: str, scheme: str, year: int) -> np.ndarray:
    """``[draw, county]`` of a variable in one year."""
    out: np.ndarray = ds[name].sel(scheme=scheme, year=year).values
    return out


def _diff(new: xr.Dataset, base: xr.Dataset, name: str, scheme: str, year: int) -> np.ndarray:
    out: np.ndarray = _at(new, name, scheme, year) - _at(base, name, scheme, year)
    return out


def _assert_untouched_before(base: xr.Dataset, new: xr.Dataset, year: int) -> None:
    for name in VARIABLES:
        np.testing.assert_array_equal(
            new[name].sel(year=slice(None, year - 1)).values,
            base[name].sel(year=slice(None, year - 1)).values,
            err_msg=name,
        )


def _assert_identity(ds: xr.Dataset) -> None:
    """balance[t] = balance[t-1] + sum(income) - sum(outgo), to 1e-12 of the flows."""
    balance = ds.balance.values
    opening = np.broadcast_to(ds.opening_balance.values[None, :, :, None], balance[..., :1].shape)
    prev = np.concatenate([opening, balance[..., :-1]], axis=-1)
    income = sum(ds[v].values for v in INCOME)
    outgo = sum(ds[v].values for v in OUTGO)
    scale = np.abs(income).max() + np.abs(outgo).max() + np.abs(balance).max()
    np.testing.assert_allclose(balance, prev + income - outgo, rtol=0, atol=1e-12 * scale)


def _assert_local_halves(new: xr.Dataset, base: xr.Dataset, scheme: str, year: int) -> None:
    """The change of the subsidies is paid by city and county alone, in equal parts
    (``fiscal.resident_pension_local_shares`` gives them a third each)."""
    added = _diff(new, base, "subsidies", scheme, year)
    for level in ("central", "province"):
        np.testing.assert_array_equal(
            _at(new, f"subsidy_{level}", scheme, year), _at(base, f"subsidy_{level}", scheme, year)
        )
    for level in ("city", "county"):
        got = _diff(new, base, f"subsidy_{level}", scheme, year)
        np.testing.assert_allclose(got, added / 2, rtol=1e-9, atol=1e-6)


@cache
def _model(end: int) -> PensionModel:
    return PensionModel.build(load_assumptions(), end)


def _rate(ds: xr.Dataset, name: str, year: int) -> float:
    """A deterministic run's economic rate in ``year`` (every draw the same)."""
    return float(ds[name].sel(year=year).values[0])


# --- the registry -----------------------------------------------------------------------


def test_registry__the_five_reforms_with_described_parameters() -> None:
    known = available()
    for name in NAMES:
        cls = known[name]
        assert cls.kind == "reform"
        assert "V.(2).2" in cls.summary
        for key, f in cls.model_fields.items():
            assert f.description, f"{name}.{key} has no description"
    r = parse_spec("merge_resident_pensions:2016,subsidy_schedule=ningxia")
    assert r == make("merge_resident_pensions", year=2016, subsidy_schedule="ningxia")
    assert parse_spec(r.label()) == r


# --- merge_resident_pensions ---------------------------------------------------------------


def test_merge_resident__default_tiers_keep_the_2012_means() -> None:
    r = MergeResidentPensions()
    assert r.year == 2014  # the province's "this year" of a late-2013 report
    assert r.mean_tier(RURAL) == pytest.approx(149.0, abs=1e-12)
    assert r.mean_tier(URBAN) == pytest.approx(262.0, abs=1e-12)
    # Yuxi: (tier - 100) / 10 on top: 0.049 x (10 + 20 + 30 + 40) and 0.036 x (10 + ... + 90).
    assert r.added_subsidy(RURAL) == pytest.approx(4.9, abs=1e-12)
    assert r.added_subsidy(URBAN) == pytest.approx(16.2, abs=1e-12)


def test_merge_resident__subsidy_by_hand_and_one_fund() -> None:
    base = _run(RESIDENT, 2016)
    new = _run(RESIDENT, 2016, "merge_resident_pensions:2015")
    _assert_untouched_before(base, new, 2015)
    _assert_identity(new)
    r = _rate(base, "fund_return", 2015)
    extra = {}
    for code, per_head in ((RURAL, 4.9), (URBAN, 16.2)):
        contributors = _at(base, "contributors", code, 2015)
        np.testing.assert_array_equal(_at(new, "contributors", code, 2015), contributors)
        # The mean tier is 2012's: contributions unchanged; the subsidy rises by the mean
        # "pay more, get more" top-up per contributor, paid by city and county.
        np.testing.assert_allclose(
            _at(new, "contributions", code, 2015), contributors * 149.0 if code == RURAL
            else contributors * 262.0, rtol=1e-12,
        )  # fmt: skip
        extra[code] = contributors * per_head
        np.testing.assert_allclose(
            _diff(new, base, "subsidies", code, 2015), extra[code], rtol=1e-9
        )
        _assert_local_halves(new, base, code, 2015)
    # One fund, held under the new rural pension: it holds both funds and the extra
    # subsidy with half a year's interest; the urban funds are empty and hand it over.
    for year in (2015, 2016):
        np.testing.assert_array_equal(_at(new, "balance", URBAN, year), 0.0)
        np.testing.assert_array_equal(
            _at(new, "transfers", RURAL, year), -_at(new, "transfers", URBAN, year)
        )
    want = (
        _at(base, "balance", RURAL, 2015)
        + _at(base, "balance", URBAN, 2015)
        + (extra[RURAL] + extra[URBAN]) * (1 + r / 2)
    )
    np.testing.assert_allclose(_at(new, "balance", RURAL, 2015), want, rtol=1e-12)
    hongta = list(new.county.values).index("hongta")
    assert _at(new, "transfers", RURAL, 2015)[0, hongta] > 1e7  # the urban fund, ~1.5e7
    # The extra subsidy is in the accounts, so the next year's new pensions are higher.
    assert (_diff(new, base, "accounts", RURAL, 2015)[:, 1:] > 0).all()
    assert (_diff(new, base, "benefits", RURAL, 2016)[:, 1:] > 0).all()


def test_merge_resident__chosen_tiers_and_the_ningxia_schedule() -> None:
    base = _run(RESIDENT, 2015)
    top = [0.0] * 11 + [1.0]  # everybody at 2,000
    yuxi = _run(RESIDENT, 2015, make("merge_resident_pensions", year=2015, rural_tier_shares=top))
    rural = _at(base, "contributors", RURAL, 2015)
    np.testing.assert_allclose(_at(yuxi, "contributions", RURAL, 2015), rural * 2000, rtol=1e-12)
    np.testing.assert_allclose(_diff(yuxi, base, "subsidies", RURAL, 2015), rural * 190, rtol=1e-9)
    # Ningxia: 160 at 1,500 replaces the floor of 30, so city and county add 130; the urban
    # default tiers (all up to 1,000) get tier / 10 + 20 - 30, as Yuxi's (tier - 100) / 10.
    at_1500 = [0.0] * 10 + [1.0, 0.0]
    ningxia = _run(
        RESIDENT,
        2015,
        make(
            "merge_resident_pensions", year=2015, subsidy_schedule="ningxia",
            rural_tier_shares=at_1500,
        ),
    )  # fmt: skip
    np.testing.assert_allclose(_at(ningxia, "contributions", RURAL, 2015), rural * 1500, rtol=1e-12)
    np.testing.assert_allclose(
        _diff(ningxia, base, "subsidies", RURAL, 2015), rural * 130, rtol=1e-9
    )
    urban = _at(base, "contributors", URBAN, 2015)
    np.testing.assert_allclose(
        _diff(ningxia, base, "subsidies", URBAN, 2015), urban * 16.2, rtol=1e-9
    )
    _assert_local_halves(ningxia, base, RURAL, 2015)


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"rural_tier_shares": [0.5] * 12}, "rural_tier_shares"),
        ({"urban_tier_shares": [1.0]}, "urban_tier_shares"),
        ({"rural_tier_shares": [-0.1, 1.1] + [0.0] * 10}, "rural_tier_shares"),
        ({"subsidy_schedule": "qinghai"}, "subsidy_schedule"),
        ({"levels": {"city": 0.5, "village": 0.5}}, "levels"),
        ({"levels": {"city": 0.5, "county": 0.4}}, "levels"),
    ],
)
def test_merge_resident__bad_parameters_are_named(params: dict[str, Any], named: str) -> None:
    with pytest.raises(ReformError, match=named):
        make("merge_resident_pensions", **params)


def test_merge_resident__needs_the_rural_fund_and_ningxia_the_national_floor() -> None:
    with pytest.raises(ReformError, match=RURAL):
        _run((URBAN,), 2015, "merge_resident_pensions")
    with pytest.raises(ReformError, match="ningxia"):
        _run(
            RESIDENT, 2015, "merge_resident_pensions,subsidy_schedule=ningxia",
            schemes__rural_resident_pension__contribution_subsidy_cny_per_year=40.0,
        )  # fmt: skip


# --- long_contribution_bonus ---------------------------------------------------------------


def test_bonus__first_retirees_by_hand_paid_by_city_and_county() -> None:
    # Every 2013 member credited with 40 years: those retiring at the end of 2013 (aged 59
    # in 2013) have 41 and get the top band, 50 a month, from 2014.
    base = _run(RESIDENT, 2015)
    new = _run(RESIDENT, 2015, "long_contribution_bonus:2013,base_years=40")
    _assert_untouched_before(base, new, 2014)
    _assert_identity(new)
    arrays = _model(2015).inputs.arrays
    q = death_probabilities(2013, 2014, level_factor=load_assumptions().mortality.level_factor)
    q0, q1 = q.values[..., 0], q.values[..., 1]
    for k, code in ((2, RURAL), (3, URBAN)):
        a0 = arrays["a0"][k]  # [county, sex, age]
        retirees = (a0[:, :, 59] * (1 - q0[:, 59]) * (1 - q1[:, 60])).sum(axis=1)
        want = np.broadcast_to(12 * 50 * retirees, (2, retirees.size))
        np.testing.assert_allclose(_diff(new, base, "benefits", code, 2014), want, rtol=1e-9)
        np.testing.assert_allclose(_diff(new, base, "subsidies", code, 2014), want, rtol=1e-9)
        _assert_local_halves(new, base, code, 2014)
        # Budget-paid: the fund does not change; the kernel's memo row holds what was paid.
        np.testing.assert_allclose(
            _at(new, "balance", code, 2015), _at(base, "balance", code, 2015), rtol=1e-12
        )
        np.testing.assert_allclose(_at(new, "supplements", code, 2014), want, rtol=1e-9)
        np.testing.assert_array_equal(new.arrears.sel(scheme=code).values, 0.0)
        assert want.sum() > 1e5


def test_bonus__from_the_launch_dates_nobody_has_15_years_before_2025() -> None:
    # Xinping's new rural pension began first (2009-12): 3.08 years by 2013, so its members
    # aged 48 in 2013 reach 60 at the end of 2024 with 15.08 years; every other county and
    # the urban scheme began later.
    base = _run(RESIDENT, 2025)
    new = _run(RESIDENT, 2025, "long_contribution_bonus")
    added = new.subsidies - base.subsidies
    np.testing.assert_array_equal(added.sel(year=slice(None, 2024)).values, 0.0)
    in_2025 = added.sel(year=2025)
    others = [c for c in new.county.values if c != "xinping"]
    np.testing.assert_array_equal(in_2025.sel(county=others).values, 0.0)
    np.testing.assert_array_equal(in_2025.sel(scheme=URBAN).values, 0.0)
    # 20 a month to the Xinping retirees: whole members times 240.
    paid = in_2025.sel(county="xinping", scheme=RURAL).values
    assert (paid > 240 * 100).all()
    _assert_identity(new)


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
def test_bonus__kernel_supplement_equals_the_reference(risk: bool) -> None:
    # The kernel's supplement path against its numpy twin: resident members credited
    # with up to 40 years, 20 a month from 15 years and 50 from 30 (with process risk the
    # reference is slow: the city level and Hongta, the two resident schemes).
    model = _model(2016)
    arr = model.inputs.arrays
    counties, schemes = ([0, 1], [2, 3]) if risk else (list(range(10)), list(range(6)))
    supplement = arr["supplement"][schemes].copy()
    resident = [i for i, k in enumerate(schemes) if k in (2, 3)]
    supplement[resident, :, 15:] = 20.0
    supplement[resident, :, 30:] = 50.0
    sv0 = arr["sv0"][schemes][:, counties].copy()
    years = np.clip(np.arange(101) - 16, 0, 40)
    sv0[resident] = arr["a0"][schemes][:, counties][resident] * years
    inputs = kernel_inputs(
        model, n_years=4, risk=risk, counties=counties, schemes=schemes, supplement=supplement,
        sv0=sv0,
    )  # fmt: skip
    check_kernel_equals_reference(inputs)
    out = run_kernel(project_pensions, inputs)
    paid = out[VARIABLES_K.index("supplements")][:, 1, resident]  # Hongta: [draw, scheme, year]
    assert (paid[..., 0] == 0).all()  # the first retirements are at the end of 2013
    assert (paid[..., 1:] > 12 * 50 * 100).all()


def test_bonus__schedule_by_whole_years() -> None:
    s = LongContributionBonus().schedule(101)
    assert (s[:15] == 0).all()
    assert s[[15, 19, 20, 24, 25, 29, 30, 44]].tolist() == [20, 20, 30, 30, 40, 40, 50, 50]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"thresholds_years": [15, 15, 25, 30]}, "thresholds_years"),
        ({"amounts_cny_per_month": [20, 30]}, "amounts_cny_per_month"),
        ({"amounts_cny_per_month": [20, 30, -40, 50]}, "amounts_cny_per_month"),
        ({"schemes": ["enterprise_pension"]}, "schemes"),
        ({"base_years": -1}, "base_years"),
    ],
)
def test_bonus__bad_parameters_are_named(params: dict[str, Any], named: str) -> None:
    with pytest.raises(ReformError, match=named):
        make("long_contribution_bonus", **params)


# --- merge_old_rural -----------------------------------------------------------------------


def test_merge_old_rural__the_resident_fund_holds_both() -> None:
    schemes = (RURAL, OLD)
    base = _run(schemes, 2016)
    new = _run(schemes, 2016, "merge_old_rural:2015")
    _assert_untouched_before(base, new, 2015)
    _assert_identity(new)
    for year in (2015, 2016):
        np.testing.assert_array_equal(_at(new, "balance", OLD, year), 0.0)
        # No flow changes: the merged fund is the sum of the two (interest is linear).
        np.testing.assert_allclose(
            _at(new, "balance", RURAL, year),
            _at(base, "balance", RURAL, year) + _at(base, "balance", OLD, year),
            rtol=1e-12,
        )
        np.testing.assert_array_equal(
            _at(new, "transfers", RURAL, year), -_at(new, "transfers", OLD, year)
        )
        for name in ("contributions", "subsidies", "benefits", "refunds"):
            np.testing.assert_array_equal(
                _at(new, name, OLD, year), _at(base, name, OLD, year), err_msg=name
            )
    # In 2015 the old fund's balance moves, with the interest it would have earned, less
    # its outgo, which the merged fund pays; the money moved earns half a year's interest
    # there, hence / (1 + r / 2). (Chengjiang never had the old scheme.)
    r = _rate(base, "fund_return", 2015)
    prev = _at(base, "balance", OLD, 2014)
    outgo = _at(base, "benefits", OLD, 2015) + _at(base, "refunds", OLD, 2015)
    moved = prev * (1 + r) / (1 + r / 2) - outgo
    np.testing.assert_allclose(_at(new, "transfers", RURAL, 2015), moved, rtol=1e-12)
    assert moved.sum() > 1e8


def test_merge_old_rural__needs_the_rural_fund() -> None:
    with pytest.raises(ReformError, match=RURAL):
        _run((OLD,), 2015, "merge_old_rural")


# --- land_lost_reform ----------------------------------------------------------------------


def test_land_lost__basic_pension_pool_and_fees_by_hand() -> None:
    base = _run((LAND,), 2016)
    spec = make(
        "land_lost_reform", year=2015, land_transfer_income_cny_per_year=1e8,
        expropriated_mu_per_year=[100.0, 0.0, 0.0], dibao_top_up=False,
    )  # fmt: skip
    new = _run((LAND,), 2016, spec)
    _assert_untouched_before(base, new, 2015)
    _assert_identity(new)
    r15, r16 = _rate(base, "fund_return", 2015), _rate(base, "fund_return", 2016)
    pensioners = _at(base, "beneficiaries", LAND, 2015)
    basic = pensioners * 12 * 50
    pool = 0.3 * 1e8 * _member_shares(base, 2015)
    fees = 100 * 35_000.0 * _member_shares(base, 2015)
    np.testing.assert_allclose(_diff(new, base, "benefits", LAND, 2015), basic, rtol=1e-12)
    np.testing.assert_allclose(_diff(new, base, "subsidies", LAND, 2015), basic + pool, rtol=1e-9)
    np.testing.assert_allclose(_diff(new, base, "contributions", LAND, 2015), fees, rtol=1e-9)
    _assert_local_halves(new, base, LAND, 2015)
    # The basic pension is budget-paid; the pool and the fees stay, with half a year's
    # interest; the fees are in the accounts memo with the year's return.
    np.testing.assert_allclose(
        _diff(new, base, "balance", LAND, 2015), (pool + fees) * (1 + r15 / 2), rtol=1e-9
    )
    np.testing.assert_allclose(
        _diff(new, base, "accounts", LAND, 2015), fees * (1 + r15), rtol=1e-9
    )
    fees_16 = 100 * 35_000.0 * _member_shares(base, 2016)
    np.testing.assert_allclose(
        _diff(new, base, "accounts", LAND, 2016), (fees * (1 + r15) + fees_16) * (1 + r16),
        rtol=1e-9,
    )  # fmt: skip


def test_land_lost__top_up_to_the_rural_dibao_line_by_hand() -> None:
    base = _run((LAND,), 2015)
    new = _run((LAND,), 2015, "land_lost_reform:2015")
    _assert_identity(new)
    d = load_assumptions().schemes.dibao
    # The rural line: 2,070 a year from 2013-07-01, raised each July by at least 15 % to
    # 2015 (else CPI + real wage growth); 2015 pays half a year at each of the last two.
    index = [1.0]
    for year in (2014, 2015):
        rule = _rate(base, "cpi", year) + _rate(base, "real_wage_growth", year)
        index.append(index[-1] * (1 + max(rule, 0.15)))
    line = d.rural_standard_cny_per_year / 12 * (index[1] + index[2]) / 2
    assert 200 < line < 240
    pensioners = _at(base, "beneficiaries", LAND, 2015)
    benefits = _at(base, "benefits", LAND, 2015)
    average = np.divide(
        benefits, 12 * pensioners, out=np.zeros_like(benefits), where=pensioners > 0
    )
    average += 50  # the reform's basic pension comes first
    top_up = pensioners * 12 * np.maximum(line - average, 0)
    basic = pensioners * 12 * 50
    np.testing.assert_allclose(_diff(new, base, "benefits", LAND, 2015), basic + top_up, rtol=1e-9)
    np.testing.assert_allclose(_diff(new, base, "subsidies", LAND, 2015), basic + top_up, rtol=1e-9)
    # The top-up is dibao money: a third from the city, the rest from the county (III.(7)).
    np.testing.assert_allclose(
        _diff(new, base, "subsidy_city", LAND, 2015), basic / 2 + top_up / 3, rtol=1e-9
    )
    np.testing.assert_allclose(
        _diff(new, base, "subsidy_county", LAND, 2015), basic / 2 + 2 * top_up / 3, rtol=1e-9
    )
    assert (top_up[:, 1:] > basic[:, 1:]).all()  # average pensions ~100 a month, line ~210
    np.testing.assert_allclose(
        _at(new, "balance", LAND, 2015), _at(base, "balance", LAND, 2015), rtol=1e-12
    )


def _member_shares(ds: xr.Dataset, year: int) -> np.ndarray:
    """``[draw, county]`` each county's share of the land-lost scheme's members."""
    members = _at(ds, "beneficiaries", LAND, year) + _at(ds, "contributors", LAND, year)
    out: np.ndarray = members / members.sum(axis=1, keepdims=True)
    return out


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"land_transfer_income_cny_per_year": -1}, "land_transfer_income_cny_per_year"),
        ({"pool_share": 1.5}, "pool_share"),
        ({"expropriated_mu_per_year": [10.0, 0.0]}, "expropriated_mu_per_year"),
        ({"fee_cny_per_mu": [35_000.0, -1.0, 0.0]}, "fee_cny_per_mu"),
        ({"dibao_urban_share": 2.0}, "dibao_urban_share"),
    ],
)
def test_land_lost__bad_parameters_are_named(params: dict[str, Any], named: str) -> None:
    with pytest.raises(ReformError, match=named):
        make("land_lost_reform", **params)


# --- raise_basic_pension -------------------------------------------------------------------


def test_raise_basic__amount_indexed_by_prices_paid_by_city_and_county() -> None:
    base = _run(RESIDENT, 2016)
    new = _run(
        RESIDENT, 2016, "raise_basic_pension:2015,amount_cny_per_month=20,amount_cpi_share=1"
    )
    _assert_untouched_before(base, new, 2015)
    _assert_identity(new)
    cpi = _rate(base, "cpi", 2016)
    for code in RESIDENT:
        for year, amount in ((2015, 20.0), (2016, 20.0 * (1 + cpi))):
            want = _at(base, "beneficiaries", code, year) * 12 * amount
            np.testing.assert_allclose(_diff(new, base, "benefits", code, year), want, rtol=1e-9)
            np.testing.assert_allclose(_diff(new, base, "subsidies", code, year), want, rtol=1e-9)
            _assert_local_halves(new, base, code, year)
        np.testing.assert_allclose(
            _at(new, "balance", code, 2016), _at(base, "balance", code, 2016), rtol=1e-12
        )


@pytest.mark.parametrize("rule", ["raise_rate=0.05", "cpi_share=1,wage_share=0"])
def test_raise_basic__a_new_rule_from_the_year_by_hand(rule: str) -> None:
    base = _run(RESIDENT, 2015)
    new = _run(
        RESIDENT,
        2015,
        parse_spec(f"raise_basic_pension:2015,{rule}").model_copy(update={"schemes": [RURAL]}),
    )
    _assert_untouched_before(base, new, 2015)
    # 60 a month in 2013, +12.5 % in 2014 (P11): 67.5; 2015's known raise (to 75) is
    # replaced by the new rule.
    step = 0.05 if rule.startswith("raise_rate") else _rate(base, "cpi", 2015)
    pensioners = _at(base, "beneficiaries", RURAL, 2015)
    want = pensioners * 12 * (67.5 * (1 + step) - 75.0)
    np.testing.assert_allclose(_diff(new, base, "subsidies", RURAL, 2015), want, rtol=1e-9)
    np.testing.assert_allclose(_diff(new, base, "benefits", RURAL, 2015), want, rtol=1e-9)
    assert (want[:, 1:] < 0).all()  # both below 2015's 11 % raise (the city level has none)
    for name in VARIABLES:
        np.testing.assert_array_equal(
            new[name].sel(scheme=URBAN).values, base[name].sel(scheme=URBAN).values, name
        )


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"cpi_share": 1.0}, "wage_share"),
        ({"raise_rate": 0.05, "cpi_share": 1.0, "wage_share": 0.0}, "raise_rate"),
        ({"schemes": ["enterprise_pension"]}, "schemes"),
        ({"schemes": []}, "schemes"),
        ({"amount_cny_per_month": -5}, "amount_cny_per_month"),
    ],
)
def test_raise_basic__bad_parameters_are_named(params: dict[str, Any], named: str) -> None:
    with pytest.raises(ReformError, match=named):
        make("raise_basic_pension", **params)


# --- all five together ---------------------------------------------------------------------


def test_all_five__compose_with_process_risk_and_keep_the_identity() -> None:
    reforms = [
        "merge_resident_pensions:2015", "long_contribution_bonus:2015,base_years=20",
        "merge_old_rural:2016", "land_lost_reform:2015,land_transfer_income_cny_per_year=5e7",
        "raise_basic_pension:2016,amount_cny_per_month=10",
    ]  # fmt: skip
    kw: dict[str, Any] = {"draws": 3, "seed": SEED, "end": 2020, "schemes": list(ALL)}
    base = project(**kw)
    new = project(**kw, reforms=reforms)
    _assert_untouched_before(base, new, 2015)
    _assert_identity(new)
    for code in (URBAN, OLD):
        np.testing.assert_array_equal(new.balance.sel(scheme=code, year=2020).values, 0.0)
    # Membership is the baseline's: reforms change money, not who is insured.
    for name in ("contributors", "beneficiaries"):
        np.testing.assert_array_equal(new[name].values, base[name].values)
