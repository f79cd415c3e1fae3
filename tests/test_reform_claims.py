"""The claims and investment reforms: merge_resident_medical, unify_work_injury,
unify_maternity, raise_dibao and investment_broadening.

Each effect is checked against a hand formula in a small run (two draws, to 2017, only the
schemes needed; the same seed with and without the reform, so the draws are the same and
the difference is the reform's), years before the effective year are bit-identical, the
balance identity holds, and bad parameters are named errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import xarray as xr

import actuarial
from actuarial.claims._medical import benefit_moments, lognormal_params
from actuarial.projection import INCOME, OUTGO
from actuarial.reforms import ReformError, make
from actuarial.reforms.investment_broadening import portfolio_shocks

SEED = 11
END = 2017
WI = ["work_injury_enterprise", "work_injury_institution"]
MAT = ["maternity_enterprise", "maternity_institution"]
MED = ["urban_resident_medical", "rural_cooperative_medical"]
W13 = 46966.0  # economy.wage_2013_cny_per_year
W12 = W13 / 1.119  # the claims modules' 2012 wage (P8: 2013 grew 11.9 %)


def run(schemes: Sequence[str], reforms: Any = None, **kw: Any) -> xr.Dataset:
    args: dict[str, Any] = {"draws": 2, "end": END, "seed": SEED, "process_risk": False}
    args.update(kw)
    return actuarial.project(schemes=list(schemes), reforms=reforms, **args)


def cell(ds: xr.Dataset, var: str, scheme: str, year: int, county: str | None = None) -> Any:
    x = ds[var].sel(scheme=scheme, year=year)
    return (x.sel(county=county) if county else x).values


def assert_before_identical(base: xr.Dataset, new: xr.Dataset, year: int) -> None:
    for name, var in base.data_vars.items():
        if "year" in var.dims:
            np.testing.assert_array_equal(
                new[name].sel(year=slice(None, year - 1)).values,
                var.sel(year=slice(None, year - 1)).values,
                err_msg=name,
            )


def assert_identity(ds: xr.Dataset) -> None:
    bal = ds.balance.values
    prev = np.concatenate(
        [np.broadcast_to(ds.opening_balance.values[None, :, :, None], bal[..., :1].shape),
         bal[..., :-1]], axis=-1,
    )  # fmt: skip
    income = sum(ds[v].values for v in INCOME)
    outgo = sum(ds[v].values for v in OUTGO)
    scale = max(float(np.abs(ds.contributions).max()), float(np.abs(ds.benefits).max()), 1.0)
    np.testing.assert_allclose(prev + income - outgo, bal, rtol=0, atol=1e-12 * scale)


def wage(ds: xr.Dataset, year: int) -> Any:
    """The city average wage of each draw in ``year`` (as the kernels)."""
    g = ds.wage_growth.sel(year=slice(2014, year)).values
    return W13 * np.prod(1.0 + g, axis=1)


def settle(ds: xr.Dataset, scheme: str, county: str, start: int) -> Any:
    """``[draw, year]`` the balance of one fund settled by hand from ``start`` on from its
    flows without transfers (interest on the mean balance, ``actuarial.claims``)."""
    r = ds.fund_return.values
    c = ds.sel(scheme=scheme, county=county)
    years = ds.year.values
    t0 = int(np.flatnonzero(years == start)[0])
    bal = c.balance.values.copy()
    prev = bal[:, t0 - 1]
    for t in range(t0, years.size):
        net = (c.contributions + c.subsidies - c.benefits - c.other_outgo).values[:, t]
        prev = prev + net + r[:, t] * (prev + 0.5 * net)
        bal[:, t] = prev
    return bal


# -- unify_work_injury ------------------------------------------------------------------------

# 2012 (Table 5a with Yimen's 11,692, CHECKS I-2; II.(5)): contributions and insured.
WI_COLLECTED = 69_750_000.0 + 15_460_000.0
WI_PAYROLL = 143_078 * 1.0 + 66_897 * 1.2  # insured x payroll_ratio
WI_RATE = WI_COLLECTED / (W12 * WI_PAYROLL)


@pytest.fixture(scope="module")
def wi_base() -> xr.Dataset:
    return run(WI)


@pytest.fixture(scope="module")
def wi_unified() -> xr.Dataset:
    return run(WI, "unify_work_injury:2015")


def test_work_injury_default_rate_keeps_2012_revenue() -> None:
    np.testing.assert_allclose(WI_RATE, 0.0090896, rtol=1e-4)


def test_work_injury_one_rate(wi_base: xr.Dataset, wi_unified: xr.Dataset) -> None:
    assert_before_identical(wi_base, wi_unified, 2015)
    assert_identity(wi_unified)
    w = wage(wi_unified, 2015)[:, None]
    for code, payroll_ratio in zip(WI, (1.0, 1.2), strict=True):
        insured = cell(wi_unified, "contributors", code, 2015)
        got = cell(wi_unified, "contributions", code, 2015)
        np.testing.assert_allclose(got, insured * w * WI_RATE * payroll_ratio, rtol=1e-12)
        # Claims are untouched.
        np.testing.assert_array_equal(
            cell(wi_unified, "benefits", code, 2016), cell(wi_base, "benefits", code, 2016)
        )
    # Hongta's enterprise rate falls from 16.99万 / (40,931 x 2012 wage) to the one rate.
    before = cell(wi_base, "contributions", WI[0], 2015, "hongta")
    after = cell(wi_unified, "contributions", WI[0], 2015, "hongta")
    np.testing.assert_allclose(after / before, WI_RATE / (16_990_000 / (40_931 * W12)), rtol=1e-12)


def test_work_injury_funds_merged(wi_unified: xr.Dataset) -> None:
    ds = wi_unified
    inst = ds.sel(scheme=WI[1], year=slice(2015, None))
    np.testing.assert_array_equal(inst.balance.values, 0.0)
    for county in ds.county.values:
        # The merged fund holds what the two funds would hold apart.
        expected = settle(ds, WI[0], county, 2015) + settle(ds, WI[1], county, 2015)
        got = ds.balance.sel(scheme=WI[0], county=county).values
        np.testing.assert_allclose(got[:, 2:], expected[:, 2:], rtol=1e-11, atol=1e-3)
    np.testing.assert_allclose(ds.transfers.sum("scheme").values, 0.0, atol=1e-6)
    moved = -ds.transfers.sel(scheme=WI[1], year=2015, county="hongta").values
    assert (moved > 1e6).all()  # the 2014 surplus of Hongta's institution fund moves over


def test_work_injury_experience_rating(wi_unified: xr.Dataset) -> None:
    spec = "unify_work_injury:2015,experience_rating=true,sensitivity=2,target_claims_ratio=0.8"
    ds = run(WI, spec)
    assert_before_identical(wi_unified, ds, 2015)
    assert_identity(ds)

    def both(d: xr.Dataset, var: str, year: int) -> Any:
        return d[var].sel(year=year).sum("scheme").values  # [draw, county]

    def multiplier(ratio: Any) -> Any:
        return np.clip(1.0 + 2.0 * (ratio - 0.8), 0.5, 1.5)

    base14 = both(wi_unified, "benefits", 2014) / both(wi_unified, "contributions", 2014)
    m15 = multiplier(base14)
    np.testing.assert_allclose(
        both(ds, "contributions", 2015), both(wi_unified, "contributions", 2015) * m15, rtol=1e-12
    )
    # The next year's multiplier sees the floated 2015 contributions.
    m16 = multiplier(both(ds, "benefits", 2015) / both(ds, "contributions", 2015))
    np.testing.assert_allclose(
        both(ds, "contributions", 2016), both(wi_unified, "contributions", 2016) * m16, rtol=1e-12
    )
    assert not np.allclose(m15, 1.0)
    assert ((m15 >= 0.5) & (m15 <= 1.5)).all()


def test_work_injury_errors() -> None:
    with pytest.raises(ReformError, match="floor"):
        make("unify_work_injury", floor=0)
    with pytest.raises(ReformError, match="cap"):
        make("unify_work_injury", cap=0.95)
    with pytest.raises(ReformError, match="rate"):
        make("unify_work_injury", rate=-0.01)
    with pytest.raises(ReformError, match="work_injury_institution"):
        run(WI[:1], "unify_work_injury:2014", draws=1, end=2014)


# -- unify_maternity ---------------------------------------------------------------------------

# Calibrated rates on members' wages, 2012 insured and wage ratios (II.(5); baseline.toml).
MAT_RATE = (0.0060045717 * 106_420 * 1.0 + 0.00095865236 * 1.2 * 66_897) / (
    106_420 * 1.0 + 66_897 * 1.2
)


@pytest.fixture(scope="module")
def mat_base() -> xr.Dataset:
    return run(MAT)


def test_maternity_one_rate_and_merger(mat_base: xr.Dataset) -> None:
    ds = run(MAT, "unify_maternity:2015")
    np.testing.assert_allclose(MAT_RATE, 0.003835, rtol=1e-3)
    assert_before_identical(mat_base, ds, 2015)
    assert_identity(ds)
    w = wage(ds, 2015)[:, None]
    for code, wage_ratio in zip(MAT, (1.0, 1.2), strict=True):
        got = cell(ds, "contributions", code, 2015)
        expected = cell(ds, "contributors", code, 2015) * w * MAT_RATE * wage_ratio
        np.testing.assert_allclose(got, expected, rtol=1e-12)
        # "wages" indexation is the baseline's: benefits unchanged.
        np.testing.assert_array_equal(
            cell(ds, "benefits", code, 2016), cell(mat_base, "benefits", code, 2016)
        )
    np.testing.assert_array_equal(ds.balance.sel(scheme=MAT[1], year=slice(2015, None)), 0.0)
    expected = settle(ds, MAT[0], "hongta", 2015) + settle(ds, MAT[1], "hongta", 2015)
    got = ds.balance.sel(scheme=MAT[0], county="hongta").values
    np.testing.assert_allclose(got[:, 2:], expected[:, 2:], rtol=1e-11)


def test_maternity_indexation_rule(mat_base: xr.Dataset) -> None:
    ds = run(MAT, "unify_maternity:2015,indexation=rule,merge_funds=false,rate=0.004")
    assert_before_identical(mat_base, ds, 2015)
    assert_identity(ds)
    ratio = (1.0 + ds.cpi + 0.6 * ds.real_wage_growth) / (1.0 + ds.wage_growth)
    r15 = ratio.sel(year=2015).values[:, None]
    r16 = r15 * ratio.sel(year=2016).values[:, None]
    for code in MAT:
        for year, r in ((2015, r15), (2016, r16)):
            np.testing.assert_allclose(
                cell(ds, "benefits", code, year), cell(mat_base, "benefits", code, year) * r,
                rtol=1e-12,
            )  # fmt: skip
    # Funds kept apart: the institution fund still has its balance.
    assert (ds.balance.sel(scheme=MAT[1], year=2016, county="hongta").values > 0).all()
    assert (r16 < 1.0).all()  # prices and 60 % of real growth: slower than wages


def test_maternity_errors() -> None:
    with pytest.raises(ReformError, match="indexation"):
        make("unify_maternity", indexation="prices")
    with pytest.raises(ReformError, match="wage_share"):
        make("unify_maternity", wage_share=3)
    with pytest.raises(ReformError, match="maternity_enterprise"):
        run(MAT[1:], "unify_maternity:2014", draws=1, end=2014)


# -- raise_dibao ----------------------------------------------------------------------------


def test_dibao_factor_is_exact_under_process_risk() -> None:
    base = run(["dibao"], process_risk=True)
    ds = run(["dibao"], "raise_dibao:2015,factor=1.1,min_indexation=0", process_risk=True)
    assert_before_identical(base, ds, 2015)
    for var in ("benefits", "subsidies", "subsidy_city", "subsidy_county"):
        np.testing.assert_allclose(
            ds[var].sel(year=slice(2015, None)).values,
            1.1 * base[var].sel(year=slice(2015, None)).values,
            rtol=1e-12,
        )
    np.testing.assert_array_equal(ds.beneficiaries.values, base.beneficiaries.values)
    np.testing.assert_array_equal(ds.balance.values, 0.0)
    # The extra outlay is paid by the city (1/3) and the county (the rest): budgets III.(7).
    extra = (ds.benefits - base.benefits).sel(year=2016).values
    city = (ds.subsidy_city - base.subsidy_city).sel(year=2016).values
    np.testing.assert_allclose(city, extra / 3.0, rtol=1e-9)
    np.testing.assert_array_equal(ds.subsidy_central.values, 0.0)


def test_dibao_urban_amount_and_minimum_raise() -> None:
    base = run(["dibao"])
    ds = run(["dibao"], "raise_dibao:2016,urban_amount_cny_per_month=50,min_indexation_until=2017")
    assert_before_identical(base, ds, 2016)
    # Urban share of the outlay: 28 % of recipients at 334 x 0.71, the rest at 172.5 x 0.57.
    urban = 0.28 * 334 * 0.71
    s_u = urban / (urban + 0.72 * 2070 / 12 * 0.57)
    # Index raises: at least 15 % in 2016-2017 instead of CPI + real wage growth.
    g = np.maximum(ds.cpi + ds.real_wage_growth, 0.0)
    g16, g17 = g.sel(year=2016).values, g.sel(year=2017).values
    f16, f17 = np.maximum(g16, 0.15), np.maximum(g17, 0.15)
    # Half of each year at last year's lines, half at the new ones (July).
    index16 = (0.5 + 0.5 * (1 + f16)) / (0.5 + 0.5 * (1 + g16))
    index17 = ((1 + f16) * (0.5 + 0.5 * (1 + f17))) / ((1 + g16) * (0.5 + 0.5 * (1 + g17)))
    level = 1.0 + 50 / 334 * s_u
    for year, index in ((2016, index16), (2017, index17)):
        np.testing.assert_allclose(
            ds.benefits.sel(year=year, scheme="dibao").values,
            base.benefits.sel(year=year, scheme="dibao").values * (level * index)[:, None],
            rtol=1e-12,
        )
    assert (g16 < 0.15).all()  # the floor binds: nominal growth is under 15 %
    assert (index16 > 1.01).all()


def test_dibao_errors() -> None:
    with pytest.raises(ReformError, match="factor"):
        make("raise_dibao", factor=0)
    with pytest.raises(ReformError, match="min_indexation"):
        make("raise_dibao", min_indexation=-0.1)
    with pytest.raises(ReformError, match="rural_amount_cny_per_year"):
        make("raise_dibao", rural_amount_cny_per_year=-5)


# -- merge_resident_medical ---------------------------------------------------------------

# Mean benefit per admission at each hospital level (Table 3 rules, the packaged cost per
# admission: lognormal, means 1,500 / 4,500 / 9,000 / 15,000, cv 1.2).
COSTS = (1500.0, 4500.0, 9000.0, 15000.0)
NCMS_SHARE = np.array([0.40, 0.45, 0.10, 0.05])
URBMI_SHARE = np.array([0.20, 0.45, 0.25, 0.10])


def mean_benefits(deductible: Sequence[float], ratio: Sequence[float], cap: float) -> Any:
    out = []
    for cost, d, r in zip(COSTS, deductible, ratio, strict=True):
        mu, sigma = lognormal_params(cost, 1.2)
        out.append(benefit_moments(mu, sigma, d, r, cap / r)[0])
    return np.array(out)


URBMI_M = mean_benefits([100, 300, 500, 500], [0.75, 0.65, 0.55, 0.50], 90_000)
HONGTA_M = mean_benefits([400, 600, 800, 800], [1.0, 0.8, 0.55, 0.55], np.inf)
XINPING_M = mean_benefits([150, 400, 700, 700], [1.0, 0.9, 0.7, 0.7], np.inf)


@pytest.fixture(scope="module")
def med_base() -> xr.Dataset:
    return run(MED)


@pytest.fixture(scope="module")
def med_merged() -> xr.Dataset:
    return run(MED, "merge_resident_medical:2015")


def test_medical_higher_rule_per_level() -> None:
    # Hongta's NCMS rule pays more at levels 1, 2 and outside the city; URBMI's at level 3.
    assert list(HONGTA_M > URBMI_M) == [True, True, False, True]
    assert (XINPING_M > URBMI_M).all()


def test_medical_financing(med_base: xr.Dataset, med_merged: xr.Dataset) -> None:
    assert_before_identical(med_base, med_merged, 2015)
    assert_identity(med_merged)
    fin = 400.0 * np.prod(1.0 + med_merged.wage_growth.sel(year=[2014, 2015]).values, axis=1)
    for code in MED:
        x = med_merged.sel(scheme=code, year=2015)
        held = x.contributors.values > 0
        per_head = (x.contributions + x.subsidies).values / np.where(held, x.contributors, 1)
        # 400 CNY a head (2013), the higher total, in every tier of both schemes.
        np.testing.assert_allclose(per_head[held], np.broadcast_to(fin[:, None], held.shape)[held])
        for level in ("central", "province"):
            # Unchanged (NCMS's split into two tiers only reorders the sum over ages).
            np.testing.assert_allclose(
                x[f"subsidy_{level}"].values,
                med_base[f"subsidy_{level}"].sel(scheme=code, year=2015).values,
                rtol=1e-14,
            )
    # URBMI adults pay 60 instead of 70: contributions = fin (70 A + 30 (N - A)) before.
    b = med_base.sel(scheme=MED[0], year=2015, county="city_level")
    adults = (b.contributions.values / (fin / 400) - 30 * b.contributors.values) / 40
    np.testing.assert_allclose(
        cell(med_merged, "contributions", MED[0], 2015, "city_level"),
        b.contributions.values - 10 * fin / 400 * adults,
        rtol=1e-12,
    )
    # NCMS children pay 30 instead of 60; the city and the county pay 15 each of it.
    n = med_merged.sel(scheme=MED[1], year=2015, county="hongta")
    nb = med_base.sel(scheme=MED[1], year=2015, county="hongta")
    cut = (nb.contributions - n.contributions).values
    np.testing.assert_allclose((n.subsidy_city - nb.subsidy_city).values, cut / 2, rtol=1e-9)
    np.testing.assert_allclose((n.subsidy_county - nb.subsidy_county).values, cut / 2, rtol=1e-9)
    share = cut / (nb.contributions.values / 2)  # children's share of the insured
    assert ((share > 0.1) & (share < 0.4)).all()


def test_medical_benefits(med_base: xr.Dataset, med_merged: xr.Dataset) -> None:
    merged_m = np.where(HONGTA_M > URBMI_M, HONGTA_M, URBMI_M)
    expected = NCMS_SHARE @ merged_m / (NCMS_SHARE @ HONGTA_M)
    for county, ratio in (("hongta", expected), ("yuanjiang", expected), ("xinping", 1.0)):
        got = cell(med_merged, "benefits", MED[1], 2016, county)
        np.testing.assert_allclose(got / cell(med_base, "benefits", MED[1], 2016, county), ratio)
    # The URBMI pool mixes units on Hongta's rule and Xinping's: between the two ratios.
    low = URBMI_SHARE @ merged_m / (URBMI_SHARE @ URBMI_M)
    high = URBMI_SHARE @ XINPING_M / (URBMI_SHARE @ URBMI_M)
    got = cell(med_merged, "benefits", MED[0], 2016, "city_level") / cell(
        med_base, "benefits", MED[0], 2016, "city_level"
    )
    assert ((got > low) & (got < high)).all(), (got, low, high)


def test_medical_one_city_fund(med_merged: xr.Dataset) -> None:
    ds = med_merged
    ncms = ds.sel(scheme=MED[1], year=slice(2015, None))
    np.testing.assert_array_equal(ncms.balance.values, 0.0)
    expected = sum(settle(ds, MED[1], c, 2015) for c in ds.county.values if c != "city_level")
    expected = expected + settle(ds, MED[0], "city_level", 2015)
    got = ds.balance.sel(scheme=MED[0], county="city_level").values
    np.testing.assert_allclose(got[:, 2:], expected[:, 2:], rtol=1e-11)
    np.testing.assert_allclose(ds.transfers.sum(("county", "scheme")).values, 0.0, atol=1e-5)


def test_medical_end_full_reimbursement_and_separate_funds(med_base: xr.Dataset) -> None:
    ds = run(MED, "merge_resident_medical:2015,max_reimbursement=0.9,merge_funds=false")
    assert_before_identical(med_base, ds, 2015)
    assert_identity(ds)
    # Xinping: level 1 at 90 % instead of 100 % (no cap: the mean is linear in the ratio).
    capped = XINPING_M * np.array([0.9, 1.0, 1.0, 1.0])
    got = cell(ds, "benefits", MED[1], 2016, "xinping")
    np.testing.assert_allclose(
        got / cell(med_base, "benefits", MED[1], 2016, "xinping"),
        NCMS_SHARE @ capped / (NCMS_SHARE @ XINPING_M),
    )
    # Funds kept apart: NCMS keeps its county balances, nothing is transferred.
    np.testing.assert_array_equal(ds.transfers.values, 0.0)
    assert (ds.balance.sel(scheme=MED[1], county="hongta", year=2016).values > 0).all()


def test_medical_errors() -> None:
    with pytest.raises(ReformError, match="max_reimbursement"):
        make("merge_resident_medical", max_reimbursement=1.2)
    with pytest.raises(ReformError, match="city_share"):
        make("merge_resident_medical", city_share=2)
    with pytest.raises(ReformError, match="rural_cooperative_medical"):
        run(MED[:1], "merge_resident_medical:2014", draws=1, end=2014)


# -- investment_broadening ----------------------------------------------------------------

FUNDS = ["maternity_enterprise", "dibao"]


def test_investment_deterministic_return() -> None:
    base = run(FUNDS, deterministic=True, draws=1)
    ds = run(FUNDS, "investment_broadening:2015", deterministic=True, draws=1)
    assert_before_identical(base, ds, 2015)
    assert_identity(ds)
    code = FUNDS[0]
    b = base.sel(scheme=code, year=2015)
    prev = base.balance.sel(scheme=code, year=2014).values
    net = (b.contributions + b.subsidies - b.benefits - b.other_outgo).values
    r = base.fund_return.sel(year=2015).values[:, None] + 0.3 * 0.0601
    np.testing.assert_allclose(cell(ds, "interest", code, 2015), r * (prev + 0.5 * net), rtol=1e-12)
    # The dibao has no fund: nothing to invest.
    np.testing.assert_array_equal(ds.sel(scheme="dibao").balance.values, 0.0)
    np.testing.assert_array_equal(ds.fund_return.values, base.fund_return.values)


def test_investment_shocks_depend_on_seed_and_draw_only() -> None:
    from actuarial import load_assumptions
    from actuarial.scenarios import generate

    spec = "investment_broadening:2014,schemes=maternity_enterprise,share=0.5"
    one = run(FUNDS[:1], spec, draws=3, chunk=1, seed=4)
    three = run(FUNDS[:1], spec, draws=3, chunk=3, seed=4)
    np.testing.assert_array_equal(one.interest.values, three.interest.values)
    base = run(FUNDS[:1], draws=3, seed=4)
    paths = generate(load_assumptions(), seed=4, draws=np.arange(3), years=base.year.values)
    z = portfolio_shocks(paths, 4)
    # r' = r + share (premium + volatility z), credited on the mean balance of the year.
    r = base.fund_return.values + 0.5 * (0.0601 + 0.1396 * z)
    b = base.sel(scheme=FUNDS[0], year=2014)
    prev = base.balance.sel(scheme=FUNDS[0], year=2013).values
    net = (b.contributions + b.subsidies - b.benefits - b.other_outgo).values
    np.testing.assert_allclose(
        one.interest.sel(scheme=FUNDS[0], year=2014).values,
        r[:, 1, None] * (prev + 0.5 * net),
        rtol=1e-12,
    )
    assert np.ptp(z[:, 1]) > 0.1  # the draws get different shocks
    # Another seed, other shocks.
    assert not np.array_equal(portfolio_shocks(paths, 5), z)


def test_investment_deficits_keep_the_deposit_rate() -> None:
    # Jiangchuan's enterprise work-injury fund is in deficit from the start (Table 5a):
    # nothing of it is invested, so its interest stays r x the mean balance.
    code = "work_injury_enterprise"
    spec = f"investment_broadening:2014,schemes={code},share=0.5"
    base = run([code], draws=3, seed=2)
    broad = run([code], spec, draws=3, seed=2)

    def mean(ds: xr.Dataset, c: str) -> np.ndarray:
        flows = ds.contributions + ds.subsidies - ds.benefits - ds.other_outgo
        prev = ds.balance.sel(scheme=code, county=c, year=2013)
        return np.asarray(prev + 0.5 * flows.sel(scheme=code, county=c, year=2014))

    m = mean(base, "jiangchuan")
    assert (m < 0).all()
    r = base.fund_return.sel(year=2014).values
    np.testing.assert_allclose(
        broad.interest.sel(scheme=code, county="jiangchuan", year=2014).values, r * m, rtol=1e-12
    )
    # A fund in surplus earns more than the deposit rate in expectation (premium 6 points).
    m = mean(base, "city_level")
    assert (m > 0).all()
    assert not np.allclose(
        broad.interest.sel(scheme=code, county="city_level", year=2014).values, r * m
    )


def test_portfolio_shocks_are_standard_normal() -> None:
    from actuarial import load_assumptions
    from actuarial.scenarios import generate

    n = 4000
    paths = generate(load_assumptions(), seed=5, draws=np.arange(n), years=np.arange(2013, 2015))
    z = portfolio_shocks(paths, 5)
    assert z.shape == (n, 2)
    m = z.size
    assert abs(z.mean()) < 4 / np.sqrt(m)
    assert abs(z.std() - 1.0) < 4 / np.sqrt(2 * m)
    # Independent of the deposit return's own shocks.
    corr = np.corrcoef(z[:, 1], paths.fund_return[:, 1])[0, 1]
    assert abs(corr) < 4 / np.sqrt(n)
    again = generate(
        load_assumptions(), seed=5, draws=np.arange(10, 12), years=np.arange(2013, 2020)
    )
    np.testing.assert_array_equal(portfolio_shocks(again, 5)[:, :2], z[10:12])
    other = generate(
        load_assumptions(), seed=6, draws=np.arange(10, 12), years=np.arange(2013, 2015)
    )
    assert not np.allclose(portfolio_shocks(other, 6), z[10:12])


def test_investment_errors() -> None:
    with pytest.raises(ReformError, match="share"):
        make("investment_broadening", share=1.5)
    with pytest.raises(ReformError, match="volatility"):
        make("investment_broadening", volatility=-0.1)
    with pytest.raises(ReformError, match="schemes"):
        make("investment_broadening", schemes=["nope"])


# -- composition ---------------------------------------------------------------------------


def test_changes_from_different_years_compose_in_any_order() -> None:
    base = run(["dibao"], process_risk=True)
    early, late = (
        "raise_dibao:2015,factor=1.1,min_indexation=0",
        "raise_dibao:2016,factor=1.2,min_indexation=0",
    )
    expected = np.array([1.0, 1.0, 1.1, 1.32, 1.32])
    for reforms in ([early, late], [late, early]):
        ds = run(["dibao"], reforms, process_risk=True)
        ratio = ds.benefits.sum(("county", "scheme")) / base.benefits.sum(("county", "scheme"))
        np.testing.assert_allclose(ratio.values, np.broadcast_to(expected, ratio.shape), rtol=1e-12)


def test_changed_scheme_keeps_its_class_for_other_reforms(
    wi_base: xr.Dataset, wi_unified: xr.Dataset
) -> None:
    # mass_casualty reads the work-injury fund's parameters from the model.
    accident = run(WI, "mass_casualty:2016")
    both = run(WI, ["unify_work_injury:2015", "mass_casualty:2016"])
    added = (accident.benefits - wi_base.benefits).sel(scheme=WI[0], county="hongta")
    np.testing.assert_allclose(
        (both.benefits - wi_unified.benefits).sel(scheme=WI[0], county="hongta").values,
        added.values,
        rtol=1e-12,
    )
    assert (added.sel(year=2016).values > 1e6).all()
