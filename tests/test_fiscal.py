"""Subsidies by level of government: they add up exactly, and the centre pays the central
minimum basic pension of the resident pensions (国发〔2009〕32号, P11)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import actuarial
from actuarial.fiscal import central_minimum_by_year
from actuarial.projection import LEVEL_VARIABLES


@pytest.fixture(scope="module")
def run() -> xr.Dataset:
    return actuarial.project(draws=2, end=2016, seed=3)


def test_levels__add_up_to_the_subsidies_exactly(run: xr.Dataset) -> None:
    total = run[LEVEL_VARIABLES[0]]
    for name in LEVEL_VARIABLES[1:]:
        total = total + run[name]
    np.testing.assert_array_equal(total.values, run["subsidies"].values)
    assert run.attrs["subsidy_levels"] == list(LEVEL_VARIABLES)


def test_central_minimum__yearly_averages() -> None:
    years = np.arange(2013, 2028)
    cm = central_minimum_by_year(years)
    # 55 to mid-2014, then 70; 88 from 2018; the series ends in 2026.
    assert cm[:3].tolist() == [55.0, 62.5, 70.0]
    assert cm[years.tolist().index(2018)] == 88.0
    assert np.isnan(cm[-1])


def test_resident_pension__centre_pays_the_central_minimum(run: xr.Dataset) -> None:
    a = actuarial.load_assumptions()
    rural = run.sel(scheme="rural_resident_pension", year=2013)
    rules = a.schemes.rural_resident_pension
    basic_paid = rural["beneficiaries"] * rules.basic_pension_cny_per_month * 12
    # 2013: the centre pays 55 of the 60 yuan basic pension.
    np.testing.assert_allclose(rural["subsidy_central"], basic_paid * 55 / 60, rtol=1e-12)
    local = rural["subsidies"] - rural["subsidy_central"]
    shares = a.fiscal.resident_pension_local_shares
    np.testing.assert_allclose(rural["subsidy_province"], local * shares["province"], rtol=1e-12)
    np.testing.assert_allclose(rural["subsidy_city"], local * shares["city"], rtol=1e-12)


def test_employee_pensions_and_funded_claims__no_subsidies(run: xr.Dataset) -> None:
    for code in ("enterprise_pension", "unemployment", "work_injury_enterprise"):
        sub = run.sel(scheme=code)
        for name in ("subsidies", *LEVEL_VARIABLES):
            assert float(abs(sub[name]).max()) == 0.0, (code, name)


def test_dibao__outlay_met_by_budgets_each_year(run: xr.Dataset) -> None:
    d = run.sel(scheme="dibao")
    np.testing.assert_array_equal(d["subsidies"].values, d["benefits"].values)
    assert float(abs(d["balance"]).max()) == 0.0
    assert int(run["has_fund"].sel(scheme="dibao")) == 0
    assert float(d["benefits"].sum()) > 1e8  # 127,800 recipients: hundreds of millions a year


def test_account_subsidy_by_year__a_changed_subsidy_is_local_money() -> None:
    # 100 contributors and a basic pension of 600 paid: with the account subsidy raised
    # from 30 to 50 in the second year, the extra 20 x 100 is local (province, city,
    # county), and the centre's part of the basic pension is unchanged.
    from actuarial.fiscal import pension_subsidy_levels

    a = actuarial.load_assumptions()
    years = np.array([2013, 2014])
    contributors = np.full((1, 1, 1, 2), 100.0)
    basic = 600.0
    per_head = np.array([[30.0, 50.0]])
    subsidies = contributors * per_head[None, None] + basic
    levels = pension_subsidy_levels(
        a, codes=("rural_resident_pension",), years=years, subsidies=subsidies,
        contributors=contributors, account_subsidy=per_head,
    )  # fmt: skip
    central = levels[0, 0, 0, 0]
    share = central_minimum_by_year(years)
    top_up = a.schemes.rural_resident_pension.basic_pension_local_top_up_cny_per_month
    np.testing.assert_allclose(central, basic * share / (share + top_up), rtol=1e-12)
    local = levels[1:, 0, 0, 0].sum(axis=0)
    np.testing.assert_allclose(
        local[1] - local[0], 20.0 * 100 - (central[1] - central[0]), rtol=1e-12
    )
