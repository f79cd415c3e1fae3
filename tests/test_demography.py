"""Tests of actuarial.demography and of the packaged tables behind it.

Reference numbers typed here come from shared/data/public (named in each test), not from
the package, so a wrong rebuild of the CSVs fails.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from actuarial import demography as dm
from actuarial.data import data_path, read_csv

PERIOD_MID = {"2005-2010": 2008, "2010-2015": 2013, "2050-2055": 2053, "2095-2100": 2098}


def _abridged(period: str, sex: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = [r for r in read_csv("demography.wpp_abridged_mx") if r["period"] == period]
    rows.sort(key=lambda r: int(r["age_start"]))
    starts = np.array([int(r["age_start"]) for r in rows])
    widths = np.array([int(r["age_width"]) for r in rows])
    return starts, widths, np.array([float(r[f"mx_{sex}"]) for r in rows])


def _single(mid_year: int, sex: str) -> np.ndarray:
    mids, mx = dm._mx_periods()
    return np.array(mx[sex][:, int(np.flatnonzero(mids == mid_year)[0])])


# --- graduation and life tables --------------------------------------------------------


@pytest.mark.parametrize("period", list(PERIOD_MID))
@pytest.mark.parametrize("sex", ["male", "female", "both"])
def test_graduation__reproduces_abridged_group_rates(period: str, sex: str) -> None:
    # WPP's abridged rate is deaths / life-table exposure, so the check is the L-weighted
    # mean of the single-age rates in each group. The build converges to 1e-13 and stores
    # 10 significant digits, so 1e-8 is a safe bound; plain interpolation through the
    # group rates misses by 1e-3 to 5e-2 (90+), so the test can tell.
    starts, widths, target = _abridged(period, sex)
    m = _single(PERIOD_MID[period], sex)
    L = dm.life_table(m, sex)["Lx"]
    for a, n, want in zip(starts, widths, target, strict=True):
        ages = slice(a, a + n) if n > 0 else slice(100, 101)
        got = float(np.sum(m[ages] * L[ages]) / np.sum(L[ages]))
        assert got == pytest.approx(want, rel=1e-8), f"{period} {sex} age {a}"


def test_graduation__rates_rise_with_age_above_30_in_every_period() -> None:
    mids, mx = dm._mx_periods()
    assert mids.tolist() == list(range(2008, 2099, 5))
    for sex, arr in mx.items():
        steps = np.diff(arr[30:], axis=0)
        assert np.all(steps > 0.0), f"{sex}: m(x) not increasing above 30"


def test_life_expectancy__graduated_2010_2015_matches_derived_life_table() -> None:
    # e0 of the derived abridged 2010-15 table in the public pack: 73.721 (M), 79.041 (F).
    assert dm.life_expectancy(_single(2013, "male"), "male") == pytest.approx(73.721, abs=0.2)
    assert dm.life_expectancy(_single(2013, "female"), "female") == pytest.approx(79.041, abs=0.2)


def test_life_expectancy__hand_computed_two_age_table() -> None:
    m0, m1 = 0.05, 0.5
    a0 = 0.045 + 2.684 * m0  # Coale-Demeny, male, m0 < 0.107
    q0 = m0 / (1 + (1 - a0) * m0)
    expected = (1 - (1 - a0) * q0) + (1 - q0) / m1
    assert dm.life_expectancy([m0, m1], "male") == pytest.approx(expected, rel=1e-14)


def test_life_expectancy__rejects_bad_rates() -> None:
    with pytest.raises(ValueError, match="positive"):
        dm.life_expectancy([0.01, 0.0, 0.5])
    with pytest.raises(ValueError, match="sex"):
        dm.life_expectancy([0.01, 0.5], "other")


# --- level factor -----------------------------------------------------------------------


def test_yuxi_level_factor__reproduces_target_e0() -> None:
    f = dm.yuxi_level_factor()
    table = dm.level_adjustment_table()
    e0_wpp = dm.life_expectancy(_single(2013, "both"), "both")
    assert table["e0_china_wpp_2010_2015_both"].value == pytest.approx(e0_wpp, abs=1e-9)
    target = e0_wpp * (77.2 / 73.6) * (69.54 / 74.83)  # P4, P3, P1 (life_expectancy_published)
    assert table["target_e0"].value == pytest.approx(target, abs=1e-9)
    assert dm.life_expectancy(f * _single(2013, "both"), "both") == pytest.approx(target, abs=1e-6)
    # Yuxi ~2.5% below China: the factor must raise mortality, by a plausible amount.
    assert 1.05 < f < 1.5
    assert table["level_factor"].value == f


def test_level_adjustment_table__inputs_and_sources() -> None:
    table = dm.level_adjustment_table()
    expected = {
        "e0_yuxi_2010_p4": (77.2, "P4"),
        "e0_yunnan_2010_p4": (73.6, "P4"),
        "e0_yunnan_2010_p3": (69.54, "P3"),
        "e0_china_2010_p1": (74.83, "P1"),
    }
    for item, (value, source) in expected.items():
        assert table[item].value == value
        assert table[item].source.startswith(source), item
    assert table["gap_ratio"].value == pytest.approx(77.2 / 73.6 * 69.54 / 74.83, rel=1e-12)


# --- central death rates and probabilities ----------------------------------------------


def test_central_death_rates__dims_coords_attrs() -> None:
    mx = dm.central_death_rates()
    assert mx.dims == ("sex", "age", "year")
    assert mx.shape == (2, 101, 88)
    assert mx["year"].values.tolist() == list(range(2013, 2101))
    assert mx["sex"].values.tolist() == list(dm.SEXES)
    assert np.array_equal(mx["age"].values, np.arange(101))
    for key in ("units", "long_name", "source"):
        assert mx.attrs[key]


def test_central_death_rates__calendar_year_is_read_at_mid_year() -> None:
    # Calendar year 2013 is centred half a year after the 2010-15 mid-point (1 Jan 2013),
    # i.e. 1/10 of the way to the 2015-20 mid-point, in log m.
    mx = dm.central_death_rates(2013, 2013, level_factor=1.0).sel(year=2013)
    for i, sex in enumerate(dm.SEXES):
        expected = _single(2013, sex) ** 0.9 * _single(2018, sex) ** 0.1
        np.testing.assert_allclose(mx.values[i], expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("year", "e0_male", "e0_female"),
    [(2013, 73.881, 79.223), (2050, 81.543, 85.257), (2100, 88.373, 91.367)],
)
def test_central_death_rates__unadjusted_e0_follows_wpp_annual(
    year: int, e0_male: float, e0_female: float
) -> None:
    # WPP 2024 annual e0 (life_expectancy_china_wpp2024_annual.csv); 2100 is 2.5 years past
    # the last mid-year, so it also checks the continued trend.
    mx = dm.central_death_rates(year, year, level_factor=1.0).sel(year=year)
    assert dm.life_expectancy(mx.sel(sex="male").values, "male") == pytest.approx(e0_male, abs=0.1)
    assert dm.life_expectancy(mx.sel(sex="female").values, "female") == pytest.approx(
        e0_female, abs=0.1
    )


def test_central_death_rates__level_factor_default_and_override() -> None:
    national = dm.central_death_rates(2013, 2020, level_factor=1.0)
    default = dm.central_death_rates(2013, 2020)
    doubled = dm.central_death_rates(2013, 2020, level_factor=2.0)
    np.testing.assert_allclose(default.values, dm.yuxi_level_factor() * national.values)
    np.testing.assert_allclose(doubled.values, 2.0 * national.values)
    assert default.attrs["level_factor"] == dm.yuxi_level_factor()
    for bad in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="level_factor"):
            dm.central_death_rates(2013, 2013, level_factor=bad)


@pytest.mark.parametrize(("start", "end"), [(2007, 2013), (2013, 2101), (2020, 2019)])
def test_central_death_rates__years_out_of_range_raise(start: int, end: int) -> None:
    with pytest.raises(ValueError, match=f"start={start}, end={end}"):
        dm.central_death_rates(start, end)


def test_death_probabilities__bounded_rising_with_age_falling_over_time() -> None:
    q = dm.death_probabilities()
    mx = dm.central_death_rates()
    np.testing.assert_allclose(q.values, 1.0 - np.exp(-mx.values), rtol=1e-9)
    assert float(q.min()) > 1e-6
    assert float(q.max()) <= 1.0
    assert np.all(np.diff(q.sel(age=slice(30, 100)).values, axis=1) > 0.0)
    # Every age improves from 2013 to 2100, and the age-average of log q falls every year.
    assert np.all(q.sel(year=2100).values < q.sel(year=2013).values)
    assert np.all(np.diff(np.log(q.values).mean(axis=1), axis=-1) < 0.0)
    for key in ("units", "long_name", "source"):
        assert q.attrs[key]


# --- Lee-Carter -------------------------------------------------------------------------


def test_leecarter_bx__sums_to_one_and_keeps_abridged_group_means() -> None:
    bx = dm.leecarter_bx()
    assert bx.dims == ("sex", "age")
    np.testing.assert_allclose(bx.sum("age").values, 1.0, rtol=1e-9)
    assert float(bx.min()) > 0.0
    scale = {r["sex"]: float(r["bx_scale"]) for r in read_csv("demography.leecarter_kt")}
    # Abridged male b from mortality_china_leecarter_fit_wpp2024_derived_ax_bx.csv.
    male = bx.sel(sex="male").values * scale["male"]
    assert male[0] == pytest.approx(0.101408, abs=1e-8)
    assert male[1:5].mean() == pytest.approx(0.119378, abs=1e-8)
    assert male[60:65].mean() == pytest.approx(0.033580, abs=1e-8)
    assert male[100] == pytest.approx(0.005099, abs=1e-8)
    for key in ("units", "long_name", "source"):
        assert bx.attrs[key]


def test_leecarter_kt_drift_sd__random_walk_scaling_on_bx_scale() -> None:
    stats = dm.leecarter_kt_drift_sd()
    assert set(stats) == set(dm.SEXES)
    rows = {r["sex"]: r for r in read_csv("demography.leecarter_kt")}
    # Per 5 years in the public pack: male -2.68596 / 0.42957, female -3.17858 / 0.32128.
    for sex, (d5, s5) in {"male": (-2.68596, 0.42957), "female": (-3.17858, 0.32128)}.items():
        c = float(rows[sex]["bx_scale"])
        drift, sd = stats[sex]
        assert drift == pytest.approx(c * d5 / 5, rel=1e-8)
        assert sd == pytest.approx(c * s5 / math.sqrt(5), rel=1e-8)
        assert 4.0 < c < 5.0  # about 101 / 22 single ages per abridged group


# --- age-sex structure and base population ------------------------------------------------


def _margins(shares: np.ndarray) -> dict[str, float]:
    return {
        "0-14": 100 * shares[:, :15].sum(),
        "15-59": 100 * shares[:, 15:60].sum(),
        "60+": 100 * shares[:, 60:].sum(),
        "65+": 100 * shares[:, 65:].sum(),
        "sex_ratio": 100 * shares[0].sum() / shares[1].sum(),
    }


def test_age_sex_shares__2010_matches_yuxi_margins_with_15_59_as_remainder() -> None:
    shares = dm.age_sex_shares(2010)
    assert shares.dims == ("sex", "age")
    assert float(shares.sum()) == pytest.approx(1.0, abs=1e-12)
    got = _margins(shares.values)
    # P6: 0-14 18.85 and 60+ 12.57 kept; 15-59 takes the remainder, 68.58 = 67.43 + 1.15,
    # not the pack's derived 66.28 (which left the three summing to 97.70).
    assert got["0-14"] == pytest.approx(18.85, abs=1e-7)
    assert got["60+"] == pytest.approx(12.57, abs=1e-7)
    assert got["15-59"] == pytest.approx(100 - 18.85 - 12.57, abs=1e-7)
    assert got["15-59"] == pytest.approx(67.43 + 1.15, abs=1e-7)
    assert got["65+"] == pytest.approx(8.78, abs=1e-7)
    assert got["sex_ratio"] == pytest.approx(105.26, abs=1e-6)
    for key in ("units", "long_name", "source"):
        assert shares.attrs[key]


def test_age_sex_shares__2013_matches_interpolated_margins() -> None:
    shares = dm.age_sex_shares(2013)
    assert float(shares.sum()) == pytest.approx(1.0, abs=1e-12)
    got = _margins(shares.values)
    for key, v2010, v2020 in [
        ("0-14", 18.85, 16.01),
        ("15-59", 68.58, 67.43),
        ("60+", 12.57, 16.56),
        ("sex_ratio", 105.26, 105.57),
    ]:
        assert got[key] == pytest.approx(0.7 * v2010 + 0.3 * v2020, abs=1e-6), key
    # The 1949-53 cohort now aged 60-64 is larger than the 1946-50 one in 2010.
    assert 100 * float(shares.sel(age=slice(60, 64)).sum()) > 3.79 + 0.5


def test_age_sex_shares__targets_file_agrees() -> None:
    targets = {
        (int(r["year"]), r["indicator"]): float(r["value"])
        for r in read_csv("demography.age_structure_targets")
    }
    assert targets[(2010, "age_15_59_share")] == 68.58
    got = _margins(dm.age_sex_shares(2013).values)
    assert got["60+"] == pytest.approx(targets[(2013, "age_60_plus_share")], abs=1e-6)


def test_age_sex_shares__unknown_year_raises() -> None:
    with pytest.raises(ValueError, match="2015"):
        dm.age_sex_shares(2015)


@pytest.mark.parametrize("year", [2010, 2013])
def test_base_population__sums_exactly_to_each_county_total(year: int) -> None:
    totals = {"hongta": 2_303_511, "eshan": 7, "yimen": 0, "xinping": 1, "big": 10**9 + 7}
    pop = dm.base_population(totals, year)
    assert pop.dims == ("county", "sex", "age")
    assert pop.dtype == np.int64
    assert pop["county"].values.tolist() == list(totals)
    assert pop.sum(dim=("sex", "age")).values.tolist() == list(totals.values())
    assert int(pop.min()) >= 0
    # Largest remainder: every cell within one person of its exact share.
    exact = np.outer(list(totals.values()), dm.age_sex_shares(year).values.ravel())
    assert np.abs(pop.values.reshape(len(totals), -1) - exact).max() < 1.0
    for key in ("units", "long_name", "source"):
        assert pop.attrs[key]


def test_base_population__accepts_numpy_and_integral_float_totals() -> None:
    totals = {"a": np.int64(1000), "b": 250.0}
    pop = dm.base_population(totals)  # type: ignore[arg-type]
    assert pop.sum(dim=("sex", "age")).values.tolist() == [1000, 250]


@pytest.mark.parametrize("bad", [-1, 1.5, math.nan, "100", True, None])
def test_base_population__bad_total_names_county_and_value(bad: object) -> None:
    with pytest.raises(ValueError, match=r"county 'tonghai'.*got") as err:
        dm.base_population({"hongta": 100, "tonghai": bad})  # type: ignore[dict-item]
    assert repr(bad) in str(err.value)


def test_base_population__empty_mapping_raises() -> None:
    with pytest.raises(ValueError, match="empty"):
        dm.base_population({})


# --- packaging --------------------------------------------------------------------------


def test_packaged_files__small_and_registered() -> None:
    keys = [
        "wpp_abridged_mx",
        "mx_single_age",
        "mortality_level_adjustment",
        "leecarter_bx",
        "leecarter_kt",
        "age_structure_targets",
        "age_sex_shares",
    ]
    paths = {data_path(f"demography.{k}") for k in keys}
    assert paths == set(data_path("demography.mx_single_age").parent.glob("*.csv"))
    for path in paths:
        assert path.stat().st_size < 1_000_000, path.name


def test_constants__sexes_and_ages() -> None:
    assert dm.SEXES == ("male", "female")
    assert dm.AGES.tolist() == list(range(101))
    with pytest.raises(ValueError, match="read-only"):
        dm.AGES[0] = 5
