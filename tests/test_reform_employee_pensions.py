"""The employee-pension reforms: the hardship contribution base, the 2025 retirement-age
schedule and better eligibility checks, each against the run without it (same seed, so
the draws are common and the difference is the reform's effect), with its first
affected year computed by hand."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest
import xarray as xr

from actuarial.assumptions import load_assumptions
from actuarial.data import read_csv
from actuarial.projection import VARIABLES, Model, project
from actuarial.reforms import Reform, ReformError, make
from actuarial.reforms.retirement_age_reform import (
    FEMALE_CADRE,
    FEMALE_WORKER,
    MALE,
    cohort_ages,
    delay_months,
    new_retirement_month,
)

SCHEME = ["enterprise_pension"]
WAGE0 = 46966.0  # economy.wage_2013_cny_per_year


def _run(reforms: Any = None, **kw: Any) -> xr.Dataset:
    args: dict[str, Any] = {"draws": 1, "seed": 7, "schemes": SCHEME, "deterministic": True}
    args.update(kw)
    return project(reforms=reforms, **args)


def _wage(ds: xr.Dataset) -> np.ndarray:
    """``[draw, year]`` the city average wage, as the kernel computes it."""
    growth = ds["wage_growth"].values.copy()
    growth[:, 0] = 0.0
    return np.asarray(WAGE0 * np.cumprod(1.0 + growth, axis=1))


def _before(ds: xr.Dataset, year: int) -> xr.Dataset:
    return ds.sel(year=slice(None, year - 1))


def _assert_unchanged_before(base: xr.Dataset, new: xr.Dataset, year: int) -> None:
    for name in VARIABLES:
        np.testing.assert_array_equal(
            _before(new, year)[name].values, _before(base, year)[name].values, err_msg=name
        )


def _assert_balance_identity(ds: xr.Dataset) -> None:
    income = sum(ds[v] for v in ds.attrs["income_variables"])
    outgo = sum(ds[v] for v in ds.attrs["outgo_variables"])
    prev = ds["balance"].shift(year=1).fillna(ds["opening_balance"])
    gap = (ds["balance"] - prev - (income - outgo)).values
    scale = (income + outgo).max().item()
    assert np.abs(gap).max() <= 1e-12 * scale


# -- hardship_contribution_base ------------------------------------------------------------

HARDSHIP = "hardship_contribution_base:2016,hardship_share=0.2,choice_shares=0.2/0.5/0.3"


@pytest.fixture(scope="module")
def hardship() -> tuple[xr.Dataset, xr.Dataset]:
    return _run(end=2017), _run(HARDSHIP, end=2017)


def test_hardship_first_year_contributions_by_hand(
    hardship: tuple[xr.Dataset, xr.Dataset],
) -> None:
    base, new = hardship
    _assert_unchanged_before(base, new, 2016)
    rules = load_assumptions().schemes.enterprise_pension
    old = rules.wage_ratio * rules.contribution_base_ratio  # 1.0 x 0.8
    assert old == pytest.approx(0.8)
    # Hardship members' base: 0.2 x 100 % + 0.5 x 60 % + 0.3 x 40 % = 62 % of the
    # provincial wage (= the model's wage); the scheme's: 0.8 x 0.8 + 0.2 x 0.62 = 0.764.
    factor = 0.8 * old + 0.2 * 0.62
    assert factor == pytest.approx(0.764)
    t = 2016 - 2013
    members = new["contributors"].isel(year=t, scheme=0).values  # [draw, county]
    wage = _wage(new)[:, t, np.newaxis]
    # Due = members x wage x base x (20 % + 8 %), of which 1 % becomes new arrears.
    due = members * wage * factor * (0.20 + 0.08)
    got = new["contributions"].isel(year=t, scheme=0).values
    np.testing.assert_allclose(got, due * (1.0 - 0.01), rtol=1e-12)
    np.testing.assert_allclose(
        got, base["contributions"].isel(year=t, scheme=0).values * factor / old, rtol=1e-12
    )
    # Members are the same people; last year's arrears are recovered as before.
    np.testing.assert_array_equal(members, base["contributors"].isel(year=t, scheme=0).values)
    np.testing.assert_array_equal(
        new["arrears_recovered"].isel(year=t).values, base["arrears_recovered"].isel(year=t).values
    )
    _assert_balance_identity(new)


def test_hardship_lowers_accounts_and_later_account_pensions(
    hardship: tuple[xr.Dataset, xr.Dataset],
) -> None:
    base, new = hardship
    t = 2016 - 2013
    members = base["contributors"].isel(year=t, scheme=0).values
    r = new["fund_return"].values[:, t, np.newaxis]
    # Each member's account credit falls by wage x (0.764 - 0.8) x 8 %, with a year's
    # interest: what the members credited in 2016 lose in all.
    lost = members * _wage(new)[:, t, np.newaxis] * 0.036 * 0.08 * (1.0 + r)
    kept = (base["accounts"] - new["accounts"]).isel(year=t, scheme=0).values
    # Those who retire at the year's end take their part of it into their pension: a few
    # percent of the members (the 2016 retirees), so the accounts of the others fall by
    # 95-100 % of it.
    assert np.all(kept / lost > 0.95)
    assert np.all(kept / lost < 1.0)
    # Pensions paid in 2016 are those of earlier retirees: unchanged. In 2017 the 2016
    # retirees draw 12 / payout months (139 at 60, 170 at 55, 195 at 50) of their lower
    # account a year, raised by 5.5 % (P12), less the few of them who die.
    np.testing.assert_array_equal(
        new["benefits"].isel(year=t).values, base["benefits"].isel(year=t).values
    )
    fall = (base["benefits"] - new["benefits"]).isel(year=t + 1, scheme=0).values
    per_cny = fall / ((lost - kept) * 1.055)
    assert np.all(per_cny > 0.98 * 12.0 / 195.0)
    assert np.all(per_cny < 12.0 / 139.0)


def test_hardship_time_limit_restores_the_base() -> None:
    base = _run(end=2017)
    new = _run(HARDSHIP + ",last_year=2016", end=2017)
    t = 2017 - 2013
    np.testing.assert_array_equal(
        new["contributions"].isel(year=t).values, base["contributions"].isel(year=t).values
    )
    assert np.all(new["accounts"].isel(year=t).values < base["accounts"].isel(year=t).values)
    _assert_balance_identity(new)


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"hardship_share": 1.5}, "hardship_share"),
        ({}, "hardship_share"),
        ({"hardship_share": 0.1, "choice_shares": [0.5, 0.5, 0.5]}, "choice_shares"),
        ({"hardship_share": 0.1, "choice_shares": [0.5, 0.5]}, "choice_shares"),
        ({"hardship_share": 0.1, "schemes": ["dibao"]}, "schemes"),
        ({"hardship_share": 0.1, "provincial_wage_ratio": 0.0}, "provincial_wage_ratio"),
        ({"hardship_share": 0.1, "year": 2020, "last_year": 2019}, "last_year"),
    ],
)
def test_hardship_bad_parameter(params: dict[str, Any], key: str) -> None:
    with pytest.raises(ReformError, match=key):
        make("hardship_contribution_base", **params)


# -- retirement_age_reform -----------------------------------------------------------------


def test_new_retirement_month_reproduces_the_examples() -> None:
    rows = read_csv("rules.retirement_reform_examples")
    assert len(rows) == 17
    for row in rows:
        year, month = (int(x) for x in row["birth_month"].split("-"))
        got = new_retirement_month(year, month, row["group"])
        assert f"{got[0]}-{got[1]:02d}" == row["new_retirement_month"], row
        assert delay_months(year, month, row["group"]) == int(row["delay_months"]), row


def _mean_age(retire: np.ndarray, born: int, sex: int) -> float:
    """Mean retirement age of the cohort born in ``born``, following it along the
    diagonal of ``retire[Y, S, A]`` (years from 2013)."""
    left, mean = 1.0, 0.0
    for y in range(retire.shape[0]):
        a = 2013 + y - born
        mean += a * left * retire[y, sex, a]
        left *= 1.0 - retire[y, sex, a]
    assert left == 0.0  # every member of the cohort has retired within the horizon
    return mean


def _true_mean(born: int, group: str, age: int) -> float:
    """Mean over the 12 birth months of (new retirement month - birth month), in years."""
    total = 0
    for m in range(1, 13):
        year, month = new_retirement_month(born, m, group)
        total += (year * 12 + month) - (born * 12 + m)
    assert total >= 12 * 12 * age
    return total / 144.0


def test_yearly_shares_give_the_mean_retirement_age_of_each_cohort() -> None:
    a = load_assumptions()
    model = Model.build(
        a, 2050, ["enterprise_pension", "institution_pension"], [make("retirement_age_reform")]
    )
    retire = model.pensions.inputs.arrays["retire"]
    assert cohort_ages(1965, MALE) == {60: 5 / 6, 61: 1 / 6}  # delays 1,1,1,1,2,...,3: 2 months
    assert cohort_ages(1975, FEMALE_WORKER) == {50: 1 - 3.5 / 12, 51: 3.5 / 12}
    assert cohort_ages(1990, FEMALE_CADRE) == {58: 1.0}
    for k, code in enumerate(["enterprise_pension", "institution_pension"]):
        cadre = getattr(a.schemes, code).female_cadre_share
        for born in range(1963, 1987):
            men = _true_mean(born, MALE, 60)
            women = (1.0 - cadre) * _true_mean(born, FEMALE_WORKER, 50) + cadre * _true_mean(
                born, FEMALE_CADRE, 55
            )
            assert _mean_age(retire[k], born, 0) == pytest.approx(men, rel=1e-12, abs=0)
            assert _mean_age(retire[k], born, 1) == pytest.approx(women, rel=1e-12, abs=0)
    # Men born in 1976 and later retire at 63, women at 55 (workers) and 58 (cadres).
    assert _mean_age(retire[0], 1980, 0) == 63.0
    # Before 2025 nothing changes.
    built = Model.build(a, 2050, ["enterprise_pension"])
    np.testing.assert_array_equal(retire[:, :12], built.pensions.inputs.arrays["retire"][:, :12])


class _NoRetirementAt(Reform):
    """Test probe: nobody of one sex and age retires at the end of the effective year."""

    name: ClassVar[str] = "no_retirement_at"
    sex: int = 0
    age: int = 60

    def apply_inputs(self, model: Model, y0: int) -> Model:
        model.pensions.inputs.arrays["retire"][0, y0, self.sex, self.age] = 0.0
        return model


def test_retirement_reform_fewer_retirements_by_hand() -> None:
    end = 2031
    base = _run(end=end)
    new = _run("retirement_age_reform", end=end)
    _assert_unchanged_before(base, new, 2025)
    # Retirements at the end of 2025 change the state from 2026 on; the 2025 flows are
    # those of the baseline.
    for name in ("contributors", "beneficiaries", "contributions", "benefits", "balance"):
        np.testing.assert_array_equal(
            new[name].sel(year=2025).values, base[name].sel(year=2025).values
        )
    # Fewer pensioners, more contributors, in every county, every year 2026-2031.
    years = slice(2026, end)
    assert np.all(new["beneficiaries"].sel(year=years) < base["beneficiaries"].sel(year=years))
    assert np.all(new["contributors"].sel(year=years) > base["contributors"].sel(year=years))
    _assert_balance_identity(new)
    # Size in 2026. At the end of 2025 three groups would have retired: men reaching 60
    # (born 1965), women workers reaching 50 (born 1975, 90 % of the women of that age)
    # and women cadres reaching 55 (born 1970). Their delays over the 12 birth months:
    # men 1,1,1,1,2,2,2,2,3,3,3,3 (mean 2 months), cadres the same, workers
    # 1,1,2,2,...,6,6 (mean 3.5 months); so 2/12, 2/12 and 3.5/12 of each group retire a
    # year later. Each probe run keeps one group from retiring, which measures the
    # group's pensioners in 2026 (after their deaths).
    cells = {(0, 60): 2 / 12, (1, 50): 3.5 / 12, (1, 55): 2 / 12}
    expected = np.zeros_like(base["beneficiaries"].sel(year=2026).values)
    for (sex, age), later in cells.items():
        probe = _run(_NoRetirementAt(year=2025, sex=sex, age=age), end=2026)
        group = (base["beneficiaries"] - probe["beneficiaries"]).sel(year=2026).values
        assert np.all(group > 0)
        expected += later * group
    fewer = (base["beneficiaries"] - new["beneficiaries"]).sel(year=2026).values
    np.testing.assert_allclose(fewer, expected, rtol=1e-9)


@pytest.mark.parametrize(
    ("params", "key"),
    [({"schemes": ["rural_resident_pension"]}, "schemes"), ({"year": 2200}, "year")],
)
def test_retirement_bad_parameter(params: dict[str, Any], key: str) -> None:
    with pytest.raises(ReformError, match=key):
        make("retirement_age_reform", **params)


# -- eligibility_verification --------------------------------------------------------------


def test_eligibility_first_year_leakage_by_hand() -> None:
    kw: dict[str, Any] = {"draws": 2, "end": 2017, "deterministic": False, "process_risk": False}
    base = _run(**kw)
    new = _run(
        "eligibility_verification:2016,leakage_reduction=0.4,recovered_share=0.99,"
        "overpaid_months=6",
        **kw,
    )
    _assert_unchanged_before(base, new, 2016)
    np.testing.assert_array_equal(new["benefits"].values, base["benefits"].values)
    np.testing.assert_array_equal(new["beneficiaries"].values, base["beneficiaries"].values)
    leak = load_assumptions().leakage
    assert leak.undetected_death_cases_per_recipient == pytest.approx(36 / 55900, rel=1e-5)
    # Cases = pensioners x 36/55,900 x (1 - 0.4), each paid 6 months of the average
    # pension (benefits / pensioners / 12); 99 % of it is recovered.
    later = new.sel(year=slice(2016, None))
    paid = leak.undetected_death_cases_per_recipient * 0.6 * later["benefits"] / 12.0 * 6.0
    np.testing.assert_allclose(later["leakage"].values, paid.values, rtol=1e-12)
    np.testing.assert_allclose(
        later["recoveries"].values, 0.99 * later["leakage"].values, rtol=1e-12
    )
    ratio = (later["leakage"] / base["leakage"].sel(year=slice(2016, None))).values
    np.testing.assert_allclose(ratio, 0.6 * 6.0 / leak.overpaid_months_per_case, rtol=1e-12)
    _assert_balance_identity(new)


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"leakage_reduction": -0.1}, "leakage_reduction"),
        ({"recovered_share": 1.2}, "recovered_share"),
        ({"overpaid_months": 200}, "overpaid_months"),
        ({"schemes": ["dibao"]}, "schemes"),
    ],
)
def test_eligibility_bad_parameter(params: dict[str, Any], key: str) -> None:
    with pytest.raises(ReformError, match=key):
        make("eligibility_verification", **params)
