"""The solvency accessor on a small hand-built run whose horizons are known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import actuarial.solvency
from actuarial.solvency import nearest_rank

NAN = np.nan
YEARS = list(range(2013, 2019))
DRAWS = [100, 101, 102, 103, 104]  # global draw indices need not start at 0
COUNTIES = ["city_level", "hongta"]
SCHEMES = ["enterprise_pension", "unemployment", "dibao"]

# End-of-year balances in 亿 CNY, [scheme][county][draw] -> six years 2013..2018.
BALANCE_YI = {
    "enterprise_pension": {
        "city_level": [
            [5, 4, 3, 2, 1, 0.5],  # never depleted
            [3, 2, 1, -1, -2, -3],  # 2016
            [2, -1, 1, 2, 3, 4],  # 2014: dips below zero, then recovers
            [4, 3, 2, 1, 0, -1],  # 2018: exactly zero in 2017 is not a deficit
            [6, 6, 6, 6, 6, 6],  # never
        ],
        "hongta": [
            [1, -1, -1, -1, -1, -1],  # 2014
            [1, 1, -1, -1, -1, -1],  # 2015
            [-1, -1, -1, -1, -1, -1],  # 2013, the first year of the run
            [1, 1, 1, 1, -1, -1],  # 2017
            [1, 1, 1, -5, -5, -5],  # 2016
        ],
    },
    "unemployment": {
        "city_level": [[2] * 6] * 5,  # never, in any draw
        "hongta": [[1, 1, 1, 1, 1, -1]] + [[1] * 6] * 4,  # 2018 in draw 0 only
    },
    "dibao": {  # no fund: paid from the budget
        "city_level": [[NAN] * 6] * 5,
        "hongta": [[NAN] * 6] * 5,
    },
}

# The horizons by hand (NaN: never within the run), [scheme][county] -> per draw.
HORIZON = {
    ("enterprise_pension", "city_level"): [NAN, 2016, 2014, 2018, NAN],
    ("enterprise_pension", "hongta"): [2014, 2015, 2013, 2017, 2016],
    ("unemployment", "city_level"): [NAN] * 5,
    ("unemployment", "hongta"): [2018, NAN, NAN, NAN, NAN],
    ("dibao", "city_level"): [NAN] * 5,
    ("dibao", "hongta"): [NAN] * 5,
}

# P(depleted by the end of 2013..2018), by hand from HORIZON.
P_DEPLETED = {
    ("enterprise_pension", "city_level"): [0, 0.2, 0.2, 0.4, 0.4, 0.6],
    ("enterprise_pension", "hongta"): [0.2, 0.4, 0.6, 0.8, 1.0, 1.0],
    ("unemployment", "city_level"): [0] * 6,
    ("unemployment", "hongta"): [0, 0, 0, 0, 0, 0.2],
    ("dibao", "city_level"): [NAN] * 6,
    ("dibao", "hongta"): [NAN] * 6,
}

# The city's enterprise-pension fund (both counties summed, draw by draw):
#   draw 0 [6, 3, 2, 1, 0, -0.5] -> 2018     draw 1 [4, 3, 0, -2, -3, -4] -> 2016
#   draw 2 [1, -2, 0, 1, 2, 3]   -> 2014     draw 3 [5, 4, 3, 2, -1, -2]  -> 2017
#   draw 4 [7, 7, 7, 1, 1, 1]    -> never (Hongta's deficit is covered by the city level)
CITY_HORIZON_PENSION = [2018, 2016, 2014, 2017, NAN]
CITY_P_PENSION = [0, 0.2, 0.2, 0.4, 0.6, 0.8]
#: Median over draws of the city's enterprise-pension balance, 亿 CNY, 2013..2018.
CITY_MEDIAN_PENSION_YI = [5, 3, 2, 1, 0, -0.5]


def synthetic_run(*, milestones: list[int] | None = None) -> xr.Dataset:
    """A run with the engine's schema: 5 draws x 2 counties x 3 schemes x 6 years."""
    balance = np.array(
        [[[BALANCE_YI[s][c][d] for d in range(5)] for s in SCHEMES] for c in COUNTIES],
        dtype=float,
    )  # (county, scheme, draw, year)
    balance = balance.transpose(2, 0, 1, 3) * 1e8
    dims4 = ("draw", "county", "scheme", "year")
    rng = np.random.default_rng(0)
    shape = balance.shape
    flows = np.where(np.isnan(balance), NAN, rng.uniform(1e6, 1e7, shape))
    return xr.Dataset(
        {
            "balance": (
                dims4,
                balance,
                {"units": "CNY", "long_name": "end-of-year fund balance"},
            ),
            "contributions": (dims4, flows, {"units": "CNY", "role": "income"}),
            "benefits": (dims4, flows * 1.1, {"units": "CNY", "role": "outgo"}),
            "contributors": (dims4, np.full(shape, 1000.0), {"units": "persons"}),
            "beneficiaries": (dims4, np.full(shape, 300.0), {"units": "persons"}),
            "opening_balance": (
                ("county", "scheme"),
                np.where(np.isnan(balance[0, :, :, 0]), NAN, 1e8),
                {"units": "CNY"},
            ),
        },
        coords={
            "draw": np.array(DRAWS, dtype=np.int64),
            "county": COUNTIES,
            "scheme": SCHEMES,
            "year": YEARS,
            "county_zh": ("county", ["市本级", "红塔区"]),
            "scheme_zh": ("scheme", ["企业职工养老保险", "失业保险", "低保"]),
        },
        attrs={
            "seed": 20130101,
            "draws": 5,
            "milestones": [2015, 2030] if milestones is None else milestones,
            "end_year": YEARS[-1],
            "package_version": "0+test",
        },
    )


def _cell(da: xr.DataArray, scheme: str, county: str) -> list[float]:
    values: list[float] = da.sel(scheme=scheme, county=county).values.tolist()
    return values


# -- horizon ---------------------------------------------------------------------------


def test_accessor__registered_by_importing_the_module() -> None:
    assert isinstance(synthetic_run().solvency, actuarial.solvency.SolvencyAccessor)


def test_horizon__first_year_below_zero_by_hand() -> None:
    h = synthetic_run().solvency.horizon()
    assert h.name == "horizon"
    assert h.dims == ("draw", "county", "scheme")
    assert h.attrs["units"] == "year"
    assert h.attrs["long_name"]
    assert h["draw"].values.tolist() == DRAWS
    assert "year" not in h.coords
    assert h["county_zh"].values.tolist() == ["市本级", "红塔区"]
    for (scheme, county), expected in HORIZON.items():
        np.testing.assert_array_equal(_cell(h, scheme, county), expected)


def test_horizon__dip_and_recovery_dates_to_the_dip_and_zero_is_not_a_deficit() -> None:
    h = synthetic_run().solvency.horizon().sel(scheme="enterprise_pension", county="city_level")
    assert float(h.sel(draw=102)) == 2014  # [2, -1, 1, ...]
    assert float(h.sel(draw=103)) == 2018  # [..., 1, 0, -1]


def test_horizon__unsorted_years_still_give_the_first_year() -> None:
    ds = synthetic_run()
    shuffled = ds.isel(year=[3, 0, 5, 1, 4, 2])
    xr.testing.assert_identical(shuffled.solvency.horizon(), ds.solvency.horizon())


def test_horizon__city_aggregate_sums_counties_first() -> None:
    h = synthetic_run().solvency.horizon(aggregate="city")
    assert h.dims == ("draw", "scheme")
    assert "county_zh" not in h.coords
    np.testing.assert_array_equal(h.sel(scheme="enterprise_pension"), CITY_HORIZON_PENSION)
    # Hongta's 2018 deficit (-1) is covered by the city-level balance (2).
    assert h.sel(scheme="unemployment").isnull().all()
    assert h.sel(scheme="dibao").isnull().all()


def test_horizon__city_aggregate_skips_counties_without_a_fund() -> None:
    ds = synthetic_run()
    ds["balance"].loc[{"scheme": "unemployment", "county": "city_level"}] = NAN
    h = ds.solvency.horizon(aggregate="city").sel(scheme="unemployment")
    np.testing.assert_array_equal(h, [2018, NAN, NAN, NAN, NAN])


# -- depletion probability ----------------------------------------------------------------


def test_depletion_probability__by_hand() -> None:
    p = synthetic_run().solvency.depletion_probability()
    assert p.name == "p_depleted"
    assert p.dims == ("county", "scheme", "year")
    assert p["year"].values.tolist() == YEARS
    for (scheme, county), expected in P_DEPLETED.items():
        np.testing.assert_allclose(_cell(p, scheme, county), expected)


def test_depletion_probability__cumulative_and_monotone() -> None:
    p = synthetic_run().solvency.depletion_probability()
    funded = p.sel(scheme=["enterprise_pension", "unemployment"])
    assert ((funded >= 0) & (funded <= 1)).all()
    assert (funded.diff("year") >= 0).all()
    # The dip-and-recover draw stays depleted after it recovers.
    ep_city = p.sel(scheme="enterprise_pension", county="city_level")
    assert float(ep_city.sel(year=2015)) == pytest.approx(0.2)


def test_depletion_probability__city_aggregate() -> None:
    p = synthetic_run().solvency.depletion_probability(aggregate="city")
    assert p.dims == ("scheme", "year")
    np.testing.assert_allclose(p.sel(scheme="enterprise_pension"), CITY_P_PENSION)
    np.testing.assert_allclose(p.sel(scheme="unemployment"), [0] * 6)
    assert p.sel(scheme="dibao").isnull().all()


def test_depletion_probability__denominator_is_the_draws_with_a_fund() -> None:
    ds = synthetic_run()
    # Draws 103 and 104 have no Hongta pension fund: 3 draws remain (2014, 2015, 2013).
    ds["balance"].loc[{"scheme": "enterprise_pension", "county": "hongta", "draw": [103, 104]}] = (
        NAN
    )
    p = ds.solvency.depletion_probability().sel(scheme="enterprise_pension", county="hongta")
    np.testing.assert_allclose(p, [1 / 3, 2 / 3, 1, 1, 1, 1])


# -- summary -----------------------------------------------------------------------------


def test_nearest_rank__convention() -> None:
    h = np.array([2018.0, 2014.0, np.inf, 2016.0, np.inf])  # sorted: 14, 16, 18, inf, inf
    assert nearest_rank(h, 5) == 2014  # rank ceil(0.25) = 1
    assert nearest_rank(h, 50) == 2018  # rank ceil(2.5) = 3
    assert nearest_rank(h, 95) == np.inf  # rank ceil(4.75) = 5: a never-depleted draw
    # Even counts: rank ceil(p * n / 100) exactly, no floating-point overshoot.
    twenty = np.arange(2000.0, 2020.0)
    assert nearest_rank(twenty, 95) == 2018  # rank 19, not 20
    assert nearest_rank(twenty, 5) == 2000  # rank 1
    assert nearest_rank(np.array([2001.0, 2002.0, 2003.0, 2004.0]), 50) == 2002  # the lower
    # NaN (no fund) is left out; a row of NaN gives NaN.
    assert nearest_rank(np.array([np.nan, 2003.0, np.nan]), 50) == 2003
    assert np.isnan(nearest_rank(np.array([np.nan, np.nan]), 50))
    with pytest.raises(ValueError, match="percent must be in"):
        nearest_rank(h, 0)


def test_nearest_rank__agrees_with_numpy_inverted_cdf() -> None:
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 5, 20, 101):
        values = rng.integers(2013, 2100, n).astype(float)
        for percent in (5, 25, 50, 95, 100):
            expected = np.quantile(values, percent / 100, method="inverted_cdf")
            assert nearest_rank(values, percent) == expected


def test_summary__percentiles_by_hand_with_the_nan_convention() -> None:
    s = synthetic_run().solvency.summary()
    assert set(s.dims) == {"county", "scheme"}
    expected = {
        # sorted 2014, 2016, 2018, never, never: median = 3rd; p95 = 5th is never -> NaN
        ("enterprise_pension", "city_level"): (2018, 2014, NAN),
        # sorted 2013 .. 2017
        ("enterprise_pension", "hongta"): (2015, 2013, 2017),
        ("unemployment", "city_level"): (NAN, NAN, NAN),
        # sorted 2018, never x4: the 5th percentile is the one depleted draw
        ("unemployment", "hongta"): (NAN, 2018, NAN),
        ("dibao", "city_level"): (NAN, NAN, NAN),
        ("dibao", "hongta"): (NAN, NAN, NAN),
    }
    for (scheme, county), (median, p05, p95) in expected.items():
        cell = s.sel(scheme=scheme, county=county)
        np.testing.assert_array_equal(
            [float(cell["median_horizon"]), float(cell["horizon_p05"]), float(cell["horizon_p95"])],
            [median, p05, p95],
            err_msg=f"{scheme}/{county}",
        )
    assert s["median_horizon"].attrs["units"] == "year"
    assert "nearest rank" in s.attrs["percentile_method"]


def test_summary__median_is_the_first_year_p_reaches_one_half() -> None:
    ds = synthetic_run()
    s = ds.solvency.summary()
    p = ds.solvency.depletion_probability()
    for county in COUNTIES:
        for scheme in ["enterprise_pension", "unemployment"]:
            curve = p.sel(county=county, scheme=scheme)
            reached = curve["year"].where(curve >= 0.5).min()
            median = s["median_horizon"].sel(county=county, scheme=scheme)
            np.testing.assert_array_equal(median, reached)


def test_summary__milestones_from_attrs_plus_the_last_year() -> None:
    s = synthetic_run(milestones=[2015, 2030]).solvency.summary()
    # 2030 lies beyond this short run and is dropped; the last year is always added.
    assert s.attrs["milestones"] == [2015, 2018]
    p_vars = sorted(str(v) for v in s.data_vars if str(v).startswith("p_depleted_by_"))
    assert p_vars == ["p_depleted_by_2015", "p_depleted_by_2018"]
    ep = s.sel(scheme="enterprise_pension")
    np.testing.assert_allclose(ep["p_depleted_by_2015"], [0.2, 0.6])  # city_level, hongta
    np.testing.assert_allclose(ep["p_depleted_by_2018"], [0.6, 1.0])
    assert s["p_depleted_by_2018"].sel(scheme="dibao").isnull().all()
    assert s.attrs["seed"] == 20130101


def test_summary__explicit_milestones_and_missing_attr() -> None:
    ds = synthetic_run()
    s = ds.solvency.summary(milestones=[2016, 2014])
    assert s.attrs["milestones"] == [2014, 2016, 2018]
    del ds.attrs["milestones"]
    assert ds.solvency.summary().attrs["milestones"] == [2018]
    with pytest.raises(ValueError, match=r"milestone year\(s\) 2030 outside the run \(2013-2018\)"):
        ds.solvency.summary(milestones=[2030])


def test_summary__city_aggregate() -> None:
    s = synthetic_run().solvency.summary(aggregate="city")
    assert dict(s.sizes) == {"scheme": 3}
    ep = s.sel(scheme="enterprise_pension")
    # City horizons sorted: 2014, 2016, 2017, 2018, never.
    assert float(ep["median_horizon"]) == 2017
    assert float(ep["horizon_p05"]) == 2014
    assert np.isnan(float(ep["horizon_p95"]))
    assert float(ep["p_depleted_by_2015"]) == pytest.approx(0.2)
    assert float(ep["p_depleted_by_2018"]) == pytest.approx(0.8)


def test_summary_table__one_row_per_cell_with_readable_columns() -> None:
    table = synthetic_run().solvency.summary_table()
    assert isinstance(table, pd.DataFrame)
    assert table.index.names == ["county", "scheme"]
    assert len(table) == len(COUNTIES) * len(SCHEMES)
    assert list(table.columns) == [
        "median horizon",
        "horizon 5th pct",
        "horizon 95th pct",
        "P(depleted by 2015)",
        "P(depleted by 2018)",
    ]
    row = table.loc[("city_level", "enterprise_pension")]
    assert row["median horizon"] == 2018
    assert np.isnan(row["horizon 95th pct"])  # "never" is NaN
    assert row["P(depleted by 2018)"] == pytest.approx(0.6)
    assert table.loc[("hongta", "dibao")].isna().all()


def test_summary_table__city_aggregate_and_single_cell() -> None:
    table = synthetic_run().solvency.summary_table(aggregate="city")
    assert table.index.name == "scheme"
    assert table.loc["enterprise_pension", "median horizon"] == 2017
    one = synthetic_run().isel(county=0, scheme=0, drop=True)
    single = one.solvency.summary_table()
    assert len(single) == 1
    assert single.loc[0, "median horizon"] == 2018


# -- errors ------------------------------------------------------------------------------


def test_errors__missing_balance_or_dims_are_named() -> None:
    ds = synthetic_run()
    with pytest.raises(ValueError, match="no 'balance' variable"):
        ds.drop_vars("balance").solvency.horizon()
    with pytest.raises(ValueError, match="lacks dim\\(s\\) draw"):
        ds.isel(draw=0).solvency.horizon()
    with pytest.raises(ValueError, match="lacks dim\\(s\\) year"):
        ds.isel(year=0).solvency.depletion_probability()
    with pytest.raises(ValueError, match="lacks dim\\(s\\) county"):
        ds.isel(county=0).solvency.summary(aggregate="city")
    # Without a county dim, the per-county results still work.
    assert ds.isel(county=0).solvency.horizon().dims == ("draw", "scheme")
    with pytest.raises(ValueError, match="has no draws"):
        ds.isel(draw=slice(0, 0)).solvency.horizon()
    with pytest.raises(
        ValueError, match="aggregate must be 'county', 'city' or 'any', got 'province'"
    ):
        ds.solvency.horizon(aggregate="province")


def test_has_fund_zero__no_horizon_even_with_a_zero_balance() -> None:
    ds = synthetic_run()
    ds = ds.assign(balance=ds["balance"].fillna(0.0))
    ds = ds.assign_coords(has_fund=("scheme", [1, 1, 0]))
    horizon = ds.solvency.horizon()
    assert horizon.sel(scheme="dibao").isnull().all()
    p = ds.solvency.depletion_probability()
    assert p.sel(scheme="dibao").isnull().all()
    # The schemes with a fund are unaffected by the mask.
    plain = synthetic_run().solvency.horizon()
    np.testing.assert_array_equal(
        horizon.sel(scheme=SCHEMES[:2]).values,
        plain.sel(scheme=SCHEMES[:2]).values,
    )


def test_horizon__any_county_is_the_earliest_county_by_hand() -> None:
    h = synthetic_run().solvency.horizon(aggregate="any")
    assert h.dims == ("draw", "scheme")
    # The earlier of city_level's and Hongta's horizons, draw by draw (HORIZON above).
    np.testing.assert_array_equal(
        h.sel(scheme="enterprise_pension"), [2014, 2015, 2013, 2017, 2016]
    )
    np.testing.assert_array_equal(h.sel(scheme="unemployment"), [2018, NAN, NAN, NAN, NAN])
    assert h.sel(scheme="dibao").isnull().all()
    p = synthetic_run().solvency.depletion_probability(aggregate="any")
    np.testing.assert_allclose(p.sel(scheme="enterprise_pension"), [0.2, 0.4, 0.6, 0.8, 1.0, 1.0])
