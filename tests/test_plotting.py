"""The charts: each drawn on a small run and read back (lines, bands, bars, labels, values).

The hand-built run of test_solvency gives values known by hand; a few short projections
(a handful of draws to 2060, four schemes) check the charts on the engine's output, a
streamed run, a comparison, a tornado and the back-test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: no display in CI

import numpy as np
import pytest
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle
from test_solvency import CITY_MEDIAN_PENSION_YI, CITY_P_PENSION, YEARS, synthetic_run

import actuarial
from actuarial import plotting
from actuarial.assumptions.errors import ScenarioError
from actuarial.backtest import BacktestResult, run_backtest
from actuarial.plotting import (
    PINYIN_COUNTIES,
    PINYIN_SCHEMES,
    TornadoData,
    TornadoRow,
    backtest_chart,
    cjk_font,
    county_label,
    depletion_chart,
    depletion_curves,
    fan_chart,
    fiscal_cost_chart,
    horizon_heatmap,
    horizon_histogram,
    save_run_charts,
    scenario_overlay,
    scheme_label,
    set_cjk_font,
    tornado_chart,
    tornado_data,
)
from actuarial.plotting._base import has_cjk
from actuarial.registry import counties, schemes

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _bands(ax: Axes) -> list[PolyCollection]:
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def _legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def test_scheme_label__english_ascii_without_chinese_abbreviations() -> None:
    assert scheme_label("enterprise_pension") == "Urban enterprise employees' basic pension"
    assert scheme_label("rural_resident_pension") == "New rural social pension"
    assert scheme_label("not_a_registry_scheme") == "Not a registry scheme"


def test_fan_chart__city_median_bands_labels() -> None:
    ax = fan_chart(synthetic_run(), "enterprise_pension")
    assert isinstance(ax.figure, Figure)
    # The median and the zero line; two bands (50 % and 90 %).
    assert len(ax.lines) == 2
    assert len(_bands(ax)) == 2
    median, zero = ax.lines
    np.testing.assert_array_equal(median.get_xdata(), YEARS)
    np.testing.assert_allclose(median.get_ydata(), CITY_MEDIAN_PENSION_YI)
    np.testing.assert_array_equal(zero.get_ydata(), [0, 0])
    assert ax.get_xlabel() == "year"
    assert ax.get_ylabel() == "fund balance, CNY 100 million (yi)"
    assert ax.get_title() == "Urban enterprise employees' basic pension\nYuxi, all counties"
    assert _legend_texts(ax) == ["90% band", "50% band", "median"]
    assert ax.get_title().isascii()
    assert ax.get_ylabel().isascii()


def test_fan_chart__bands_hold_the_hand_percentiles() -> None:
    ax = fan_chart(synthetic_run(), "enterprise_pension")
    wide, narrow = _bands(ax)
    # City balances in 2013 across the draws: 6, 4, 1, 5, 7 (亿); linear percentiles.
    city_2013 = np.array([6.0, 4.0, 1.0, 5.0, 7.0])
    for band, (lo, hi) in ((wide, (5, 95)), (narrow, (25, 75))):
        vertices = band.get_paths()[0].vertices
        at_2013 = vertices[vertices[:, 0] == 2013, 1]
        np.testing.assert_allclose(
            [at_2013.min(), at_2013.max()], np.percentile(city_2013, [lo, hi])
        )


def test_fan_chart__one_county_in_wan_on_given_axes() -> None:
    fig = Figure()
    given = fig.add_subplot()
    ax = fan_chart(synthetic_run(), "enterprise_pension", "hongta", ax=given, unit="wan")
    assert ax is given
    assert ax.get_ylabel() == "fund balance, CNY 10,000 (wan)"
    assert ax.get_title().endswith("\nHongta")
    # Hongta by draw in 2013: 1, 1, -1, 1, 1 (亿) -> median 1 亿 = 10,000 万.
    assert ax.lines[0].get_ydata()[0] == pytest.approx(1e4)


def test_fan_chart__errors_are_named() -> None:
    ds = synthetic_run()
    with pytest.raises(ValueError, match="no fund balance"):
        fan_chart(ds, "dibao")
    with pytest.raises(ValueError, match="scheme 'nope' not in the dataset; available: "):
        fan_chart(ds, "nope")
    with pytest.raises(ValueError, match="county 'nope' not in the dataset"):
        fan_chart(ds, "unemployment", "nope")
    with pytest.raises(ValueError, match="unit must be one of yi, wan"):
        fan_chart(ds, "unemployment", unit="usd")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no 'balance' variable"):
        fan_chart(ds.drop_vars("balance"), "unemployment")


def test_depletion_chart__one_line_per_funded_scheme_city() -> None:
    ax = depletion_chart(synthetic_run())
    # dibao has no fund and is left out.
    assert len(ax.lines) == 2
    assert _legend_texts(ax) == [
        "Urban enterprise employees' basic pension",
        "Unemployment insurance",
    ]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), CITY_P_PENSION)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), YEARS)
    assert ax.get_ylim() == (0.0, 1.0)
    assert ax.get_xlabel() == "year"
    assert ax.get_ylabel() == "P(depleted by end of year)"
    assert ax.get_title().endswith("\nYuxi, all counties")


def test_depletion_chart__chosen_schemes_for_one_county() -> None:
    ax = depletion_chart(synthetic_run(), ["unemployment"], "hongta")
    assert len(ax.lines) == 1
    assert _legend_texts(ax) == ["Unemployment insurance"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0, 0, 0, 0, 0, 0.2])
    assert ax.get_title().endswith("\nHongta")
    with pytest.raises(ValueError, match="without a fund balance: dibao"):
        depletion_chart(synthetic_run(), ["dibao"])


def test_save_run_charts__writes_pngs_atomically(tmp_path: Path) -> None:
    out = tmp_path / "charts"
    paths = save_run_charts(synthetic_run(), out)
    assert paths == [out / "fan_chart.png", out / "depletion.png"]
    for path in paths:
        assert path.read_bytes()[:8] == PNG_MAGIC
    # Nothing else is left behind: no temporary files.
    assert sorted(os.listdir(out)) == ["depletion.png", "fan_chart.png"]
    # Writing again replaces the files in place.
    again = save_run_charts(synthetic_run(), out)
    assert again == paths
    assert sorted(os.listdir(out)) == ["depletion.png", "fan_chart.png"]


def test_save_run_charts__failure_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        save_run_charts(synthetic_run(), tmp_path)
    assert os.listdir(tmp_path) == []


def test_save_run_charts__one_panel_per_funded_scheme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures: list[Figure] = []
    original = Figure.savefig

    def keep(self: Figure, *args: object, **kwargs: object) -> None:
        figures.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    save_run_charts(synthetic_run(), tmp_path)
    fan, depletion = figures
    visible = [ax for ax in fan.axes if ax.get_visible()]
    assert [ax.get_title().split("\n")[0] for ax in visible] == [
        "Urban enterprise employees' basic pension",
        "Unemployment insurance",
    ]
    assert [ax.get_legend() is not None for ax in visible] == [True, False]
    suptitle = fan.get_suptitle()
    assert "draws 5" in suptitle
    assert "seed 20130101" in suptitle
    assert len(depletion.axes) == 1
    assert len(depletion.axes[0].lines) == 2


# -- fixtures: small runs ---------------------------------------------------------------------

SCHEMES4 = ["institution_pension", "rural_cooperative_medical", "unemployment", "dibao"]
FUNDED = SCHEMES4[:3]
RUN = {"draws": 8, "seed": 1, "end": 2060, "schemes": SCHEMES4}
REFORM = "fiscal_top_up:2015,share=0.3,schemes=institution_pension"
TORNADO = [
    ("economy.fund_return", 0.01, 0.04),
    ("schemes.institution_pension.employer_rate", 0.16, 0.24),
]
LEGEND_LEVELS = ["County", "City (Yuxi)", "Province (Yunnan)", "Central government"]


@pytest.fixture(scope="module")
def run() -> xr.Dataset:
    return actuarial.project(**RUN)


@pytest.fixture(scope="module")
def streamed() -> xr.Dataset:
    return actuarial.project(**RUN, keep="summary", sample=3)


@pytest.fixture(scope="module")
def comparison() -> xr.Dataset:
    return actuarial.compare(None, REFORM, **RUN)


@pytest.fixture(scope="module")
def tornado() -> TornadoData:
    return tornado_data("institution_pension", TORNADO, draws=8, seed=1, end=2060)


@pytest.fixture(scope="module")
def backtest() -> BacktestResult:
    return run_backtest(draws=10, seed=1)


@pytest.fixture(autouse=True)
def _detect_fonts_again() -> Iterator[None]:
    yield
    set_cjk_font(None)


def _patches(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _top_of_stack(ax: Axes, year: float) -> float:
    """The highest y of the last (top) area of a stack plot at ``year``."""
    vertices = ax.collections[-1].get_paths()[0].vertices
    return float(vertices[np.isclose(vertices[:, 0], year), 1].max())


# -- labels and fonts -------------------------------------------------------------------------


def test_pinyin__every_registry_code_has_an_ascii_name() -> None:
    assert set(PINYIN_SCHEMES) == set(schemes())
    assert set(PINYIN_COUNTIES) == set(counties())
    for name in [*PINYIN_SCHEMES.values(), *PINYIN_COUNTIES.values()]:
        assert name.isascii()
        assert name


def test_chinese_labels__pinyin_when_no_cjk_font() -> None:
    set_cjk_font(False)
    assert cjk_font() is None
    assert scheme_label("unemployment", chinese=True) == "Unemployment insurance (Shiye Baoxian)"
    assert county_label("hongta", chinese=True) == "Hongta (Hongta Qu)"
    assert county_label(None, chinese=True) == "Yuxi, all counties (Yuxi Shi)"
    ax = fan_chart(synthetic_run(), "unemployment", "hongta", chinese=True)
    assert ax.get_title() == "Unemployment insurance\nShiye Baoxian\nHongta (Hongta Qu)"
    assert ax.get_ylabel() == "fund balance, CNY 100 million (yi yuan)"
    # No character that a Latin font would draw as a box.
    texts = [ax.get_title(), ax.get_ylabel(), *_legend_texts(ax)]
    assert all(t.isascii() for t in texts)


def test_chinese_labels__characters_and_the_cjk_font_when_one_is_installed() -> None:
    set_cjk_font("Some CJK Sans")  # as if detected: the text and its font are what is checked
    assert scheme_label("unemployment", chinese=True) == "Unemployment insurance (失业保险)"
    ax = depletion_chart(synthetic_run(), county="hongta", chinese=True)
    assert ax.get_title() == "Probability of fund depletion\nHongta (红塔区)"
    assert ax.title.get_fontfamily()[-1] == "Some CJK Sans"
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [
        "Urban enterprise employees' basic pension (城镇企业职工基本养老保险)",
        "Unemployment insurance (失业保险)",
    ]
    assert all(t.get_fontfamily()[-1] == "Some CJK Sans" for t in legend.get_texts())
    # English-only labels keep the default font.
    plain = depletion_chart(synthetic_run())
    assert "Some CJK Sans" not in plain.title.get_fontfamily()


def test_chinese_labels__follow_the_fonts_installed_here() -> None:
    ax = horizon_heatmap(synthetic_run(), chinese=True)
    labels = [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
    assert len(labels) == 4
    if cjk_font() is None:
        assert not any(has_cjk(t) for t in labels)
        assert "Urban enterprise employees' basic pension\nChengzhen Qiye" in labels[0]
    else:
        assert all(has_cjk(t) for t in labels)


def test_cjk_font__matplotlibs_last_resort_font_is_never_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # matplotlib ships a font that maps every code point to a box glyph: covering the
    # characters is not enough.
    from matplotlib import font_manager

    from actuarial.plotting import _base

    last_resort = [f for f in font_manager.fontManager.ttflist if "Last Resort" in f.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", last_resort)
    _base._detect_cjk_font.cache_clear()
    try:
        assert cjk_font() is None
    finally:
        _base._detect_cjk_font.cache_clear()
    with pytest.raises(ValueError, match="pass a font family"):
        set_cjk_font(True)


def test_import__matplotlib_only_when_a_chart_is_drawn() -> None:
    code = "import sys, actuarial.plotting, actuarial.solvency; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- fan chart --------------------------------------------------------------------------------


def test_fan_chart__unit_picked_by_magnitude() -> None:
    small = synthetic_run()
    small["balance"] = small["balance"] / 1000  # 亿 -> 10万: under 1 亿, so 万
    ax = fan_chart(small, "enterprise_pension")
    assert ax.get_ylabel() == "fund balance, CNY 10,000 (wan)"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.array(CITY_MEDIAN_PENSION_YI) * 10)
    assert fan_chart(synthetic_run(), "enterprise_pension").get_ylabel().endswith("(yi)")


def test_fan_chart__projection_city_fund(run: xr.Dataset) -> None:
    ax = fan_chart(run, "institution_pension")
    assert len(ax.lines) == 2  # the median and the zero line
    assert len(_bands(ax)) == 2
    city = run["balance"].sel(scheme="institution_pension").sum("county").values
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.percentile(city, 50, axis=0) / 1e8)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(2013, 2061))
    assert ax.get_ylabel() == "fund balance, CNY 100 million (yi)"
    assert (
        ax.get_title() == "Government and public-institution employees' pension\nYuxi, all counties"
    )
    assert _legend_texts(ax) == ["90% band", "50% band", "median"]


def test_fan_chart__streamed_run_from_its_sample(streamed: xr.Dataset, run: xr.Dataset) -> None:
    ax = fan_chart(streamed, "institution_pension", "hongta")
    assert ax.get_title().endswith("\nHongta, 3 sample draws of 8")
    sample = run["balance"].sel(scheme="institution_pension", county="hongta").values[:3]
    divisor = 1e8 if np.abs(np.percentile(sample, [5, 95], axis=0)).max() >= 1e8 else 1e4
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.median(sample, axis=0) / divisor)
    with pytest.raises(ValueError, match="'balance' has no draws: a keep='summary' run"):
        fan_chart(streamed.isel(draw=slice(0, 0)), "institution_pension")


def test_fan_chart__a_scheme_without_a_fund_is_named(run: xr.Dataset) -> None:
    with pytest.raises(ValueError, match="scheme 'dibao' has no fund"):
        fan_chart(run, "dibao")


# -- depletion curves -------------------------------------------------------------------------


def test_depletion_curves__one_line_per_funded_scheme(run: xr.Dataset) -> None:
    ax = depletion_curves(run)
    p = run.solvency.depletion_probability(aggregate="city")
    assert len(ax.lines) == 3  # the dibao has no fund
    assert _legend_texts(ax) == [scheme_label(s) for s in FUNDED]
    for line, code in zip(ax.lines, FUNDED, strict=True):
        np.testing.assert_array_equal(line.get_ydata(), p.sel(scheme=code).values)
    assert ax.get_ylim() == (0.0, 1.0)
    assert ax.get_ylabel() == "P(depleted by end of year)"
    assert ax.get_title() == "Probability of fund depletion\nYuxi, all counties"


def test_depletion_curves__several_counties_of_one_scheme(run: xr.Dataset) -> None:
    ax = depletion_curves(run, ["institution_pension"], ["hongta", "yimen", "eshan"])
    p = run.solvency.depletion_probability()
    assert _legend_texts(ax) == ["Hongta", "Yimen", "Eshan"]
    for line, code in zip(ax.lines, ["hongta", "yimen", "eshan"], strict=True):
        np.testing.assert_array_equal(
            line.get_ydata(), p.sel(scheme="institution_pension", county=code).values
        )
    assert ax.get_title().endswith("\nGovernment and public-institution employees' pension")
    both = depletion_curves(run, ["institution_pension", "unemployment"], ["hongta", "yimen"])
    assert _legend_texts(both) == [
        "Government and public-institution employees' pension, Hongta",
        "Government and public-institution employees' pension, Yimen",
        "Unemployment insurance, Hongta",
        "Unemployment insurance, Yimen",
    ]
    assert both.get_title().endswith("\neach county's own fund")


def test_depletion_curves__first_county_to_run_out(run: xr.Dataset) -> None:
    ax = depletion_curves(run, ["institution_pension"], aggregate="any")
    assert len(ax.lines) == 1
    np.testing.assert_array_equal(
        ax.lines[0].get_ydata(),
        run.solvency.depletion_probability("any").sel(scheme="institution_pension").values,
    )
    assert ax.get_title().endswith("\nYuxi, first county fund to run out")


def test_depletion_curves__streamed_run_is_exact_over_every_draw(
    run: xr.Dataset, streamed: xr.Dataset
) -> None:
    full, summary = depletion_curves(run), depletion_curves(streamed)
    for a, b in zip(full.lines, summary.lines, strict=True):
        np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())
    # Even a streamed run that kept no whole draw.
    empty = streamed.isel(draw=slice(0, 0))
    assert len(depletion_curves(empty).lines) == 3


def test_depletion_curves__errors_name_the_key(run: xr.Dataset) -> None:
    with pytest.raises(ValueError, match="without a fund balance: dibao"):
        depletion_curves(run, ["dibao"])
    with pytest.raises(ValueError, match="county 'nope' not in the dataset"):
        depletion_curves(run, counties=["nope"])
    with pytest.raises(ValueError, match="counties= charts each county's own fund"):
        depletion_curves(run, counties=["hongta"], aggregate="city")
    with pytest.raises(ValueError, match="aggregate must be"):
        depletion_curves(run, aggregate="town")  # type: ignore[arg-type]


# -- heat map ---------------------------------------------------------------------------------


def test_horizon_heatmap__median_horizon_by_hand() -> None:
    ds = synthetic_run()
    ax = horizon_heatmap(ds)
    (image,) = ax.images
    assert isinstance(image, AxesImage)
    grid = np.ma.filled(image.get_array(), np.nan)
    # Rows: the schemes with a fund; columns: the counties. Unemployment: never within the run.
    np.testing.assert_array_equal(grid, [[2018, 2015], [np.nan, np.nan]])
    summary = ds.solvency.summary()["median_horizon"]
    expected = summary.sel(scheme=["enterprise_pension", "unemployment"]).transpose()
    np.testing.assert_array_equal(grid, expected.values)
    assert [t.get_text() for t in ax.texts] == ["2018", "2015", ">2018", ">2018"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Urban enterprise employees' basic pension",
        "Unemployment insurance",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["City level", "Hongta"]
    assert ax.get_title() == (
        "Median year of fund depletion, each county's own fund (5 draws, seed 20130101)"
    )
    colorbar = image.colorbar
    assert colorbar is not None
    assert colorbar.ax.get_ylabel() == "median year of depletion"


def test_horizon_heatmap__p_depleted_by_equals_the_summary(
    run: xr.Dataset, streamed: xr.Dataset
) -> None:
    ax = horizon_heatmap(run, "p_depleted_by", 2050)
    grid = np.ma.filled(ax.images[0].get_array(), np.nan)
    assert grid.shape == (3, 10)
    summary = run.solvency.summary(milestones=[2050])["p_depleted_by_2050"]
    np.testing.assert_array_equal(grid, summary.sel(scheme=FUNDED).transpose().values)
    assert len(ax.texts) == 30
    assert ax.images[0].colorbar.ax.get_ylabel() == "P(depleted by 2050)"  # type: ignore[union-attr]
    assert ax.get_title().startswith("Probability of fund depletion by 2050")
    # A streamed run: the same map from every draw's kept horizons.
    streamed_grid = np.ma.filled(
        streamed.solvency.plot_heatmap("p_depleted_by", 2050).images[0].get_array(), np.nan
    )
    np.testing.assert_array_equal(streamed_grid, grid)


def test_horizon_heatmap__errors_name_the_key(run: xr.Dataset) -> None:
    with pytest.raises(ValueError, match=r"milestone year\(s\) 2070 outside the run"):
        horizon_heatmap(run, "p_depleted_by", 2070)
    with pytest.raises(ValueError, match="without a fund balance: dibao"):
        horizon_heatmap(run, schemes=["dibao"])
    with pytest.raises(ValueError, match="value must be"):
        horizon_heatmap(run, "mean")  # type: ignore[arg-type]


# -- histogram --------------------------------------------------------------------------------


def test_horizon_histogram__city_fund_by_hand() -> None:
    ax = horizon_histogram(synthetic_run(), "enterprise_pension")
    bars = _patches(ax)
    # One bar per year 2013-2018, then the draws not depleted within the run.
    assert len(bars) == 7
    # City horizons by draw: 2018, 2016, 2014, 2017, never (test_solvency).
    assert [b.get_x() for b in bars[:6]] == YEARS
    np.testing.assert_allclose([b.get_height() for b in bars], [0, 0.2, 0, 0.2, 0.2, 0.2, 0.2])
    assert bars[-1].get_hatch() == "//"
    (median,) = ax.lines
    np.testing.assert_array_equal(median.get_xdata(), [2017.5, 2017.5])
    assert _legend_texts(ax) == ["median 2017", "depleted in the year", "not depleted by 2018"]
    assert ax.get_xlabel() == "first year with a negative balance"
    assert ax.get_ylabel() == "share of draws"
    assert ax.get_title() == (
        "Year of depletion: Urban enterprise employees' basic pension\nYuxi, all counties (5 draws)"
    )


def test_horizon_histogram__county_any_and_streamed(run: xr.Dataset, streamed: xr.Dataset) -> None:
    ax = horizon_histogram(streamed, "institution_pension", "hongta", bin_years=5)
    bars = _patches(ax)
    assert len(bars) == 10 + 1  # 2013-2062 in fives, and the never-depleted bar
    heights = np.array([b.get_height() for b in bars])
    assert heights.sum() == pytest.approx(1.0)
    # Every draw counts, not only the 3 whole ones the streamed run kept.
    np.testing.assert_allclose(heights * 8, np.round(heights * 8))
    assert ax.get_title().endswith("\nHongta (8 draws)")
    horizon = run.solvency.horizon().sel(scheme="institution_pension", county="hongta").values
    counts, _ = np.histogram(horizon[~np.isnan(horizon)], bins=np.arange(2013, 2064, 5))
    np.testing.assert_allclose(heights[:-1], counts / 8)
    anyc = horizon_histogram(run, "institution_pension", aggregate="any")
    assert anyc.get_title().endswith("\nYuxi, first county fund to run out (8 draws)")
    with pytest.raises(ValueError, match="scheme 'dibao' has no fund"):
        horizon_histogram(run, "dibao")


# -- scenarios --------------------------------------------------------------------------------


def test_scenario_overlay__baseline_and_reform(comparison: xr.Dataset) -> None:
    names = [str(n) for n in comparison["scenario"].values]
    ax = scenario_overlay(comparison, "institution_pension")
    assert len(ax.lines) == 2
    assert ax.lines[0].get_color() == "black"
    for line, name in zip(ax.lines, names, strict=True):
        np.testing.assert_array_equal(
            line.get_ydata(),
            comparison["p_depleted_city"].sel(scenario=name, scheme="institution_pension"),
        )
    assert _legend_texts(ax) == ["baseline", names[1]]
    assert ax.get_ylim() == (0.0, 1.0)
    assert ax.get_ylabel() == "P(depleted by end of year)"
    assert ax.get_title() == (
        "Government and public-institution employees' pension\n"
        "Yuxi, all counties: baseline and 1 scenario (8 draws, seed 1)"
    )


def test_scenario_overlay__fiscal_cost_and_per_county(comparison: xr.Dataset) -> None:
    ax = scenario_overlay(comparison, "institution_pension", "fiscal_cost", level="city")
    cost = comparison["fiscal_cost"].sel(scheme="institution_pension", level="city")
    divisor = 1e8 if float(np.abs(cost).max()) >= 1e8 else 1e4
    for line, name in zip(ax.lines, comparison["scenario"].values, strict=True):
        np.testing.assert_allclose(line.get_ydata(), cost.sel(scenario=name) / divisor)
    assert ax.get_ylabel().startswith("subsidies paid, CNY ")
    assert ax.get_title().split("\n")[1].startswith("City (Yuxi): baseline and 1 scenario")
    county = scenario_overlay(comparison, "institution_pension", "p_depleted", county="hongta")
    np.testing.assert_array_equal(
        county.lines[0].get_ydata(),
        comparison["p_depleted"]
        .isel(scenario=0)
        .sel(scheme="institution_pension", county="hongta"),
    )
    delta = scenario_overlay(comparison, "institution_pension", "delta_p_depleted_city")
    assert delta.get_ylabel() == "change from the baseline: P(depleted by end of year)"
    np.testing.assert_array_equal(delta.lines[0].get_ydata(), 0.0)


def test_scenario_overlay__errors_name_the_key(comparison: xr.Dataset) -> None:
    with pytest.raises(ValueError, match="scheme 'dibao' has no fund"):
        scenario_overlay(comparison, "dibao")
    with pytest.raises(ValueError, match="'p_depleted' is per county: pass county="):
        scenario_overlay(comparison, "unemployment", "p_depleted")
    with pytest.raises(ValueError, match="'median_horizon' has no 'year' dim"):
        scenario_overlay(comparison, "unemployment", "median_horizon")
    with pytest.raises(ValueError, match="scenario 'nope' not in the comparison"):
        scenario_overlay(comparison, "unemployment", scenarios=["nope"])
    with pytest.raises(ValueError, match="no 'scenario' dim"):
        scenario_overlay(synthetic_run(), "unemployment")


def test_fiscal_cost_chart__stacked_by_level_from_a_comparison(comparison: xr.Dataset) -> None:
    reform = str(comparison["scenario"].values[1])
    ax = fiscal_cost_chart(comparison, reform)
    assert len(ax.collections) == 4  # central, province, city, county
    assert _legend_texts(ax) == LEGEND_LEVELS
    total = comparison["fiscal_cost"].sel(scenario=reform).sum(["level", "scheme"])
    divisor = 1e8 if float(total.max()) >= 1e8 else 1e4
    for year in (2013, 2030, 2060):
        assert _top_of_stack(ax, year) == pytest.approx(float(total.sel(year=year)) / divisor)
    assert ax.get_ylabel().startswith("subsidies paid, CNY ")
    assert ax.get_ylabel().endswith(" a year")
    assert ax.get_title() == (
        f"Fiscal cost by level of government\n{reform}, all schemes (8 draws, seed 1)"
    )
    baseline = fiscal_cost_chart(comparison, schemes=["institution_pension"])
    assert (
        baseline.get_title()
        .split("\n")[1]
        .startswith("baseline, Government and public-institution employees' pension")
    )


def test_fiscal_cost_chart__a_run_and_a_streamed_run(run: xr.Dataset, streamed: xr.Dataset) -> None:
    ax = fiscal_cost_chart(run, unit="yi")
    total = run["subsidies"].sum(["county", "scheme"]).mean("draw")
    for year in (2013, 2060):
        assert _top_of_stack(ax, year) == pytest.approx(float(total.sel(year=year)) / 1e8)
    assert ax.get_ylabel() == "subsidies paid, CNY 100 million (yi) a year"
    assert ax.get_title().endswith("\nall schemes, mean (8 draws, seed 1)")
    sample = fiscal_cost_chart(streamed, schemes=["dibao"])
    assert sample.get_title().endswith(
        "\nMinimum living guarantee, mean (3 sample draws of 8, seed 1)"
    )
    assert len(sample.collections) == 4


def test_fiscal_cost_chart__present_value_per_scenario(comparison: xr.Dataset) -> None:
    ax = fiscal_cost_chart(comparison, summed="pv", unit="yi")
    bars = _patches(ax)
    assert len(bars) == 2 * 4  # two scenarios, four levels
    pv = comparison["fiscal_cost_pv"].sum("scheme")
    # The bars of one level follow one another, a bar per scenario, stacked left to right.
    for k, level in enumerate(["central", "province", "city", "county"]):
        widths = [b.get_width() for b in bars[2 * k : 2 * k + 2]]
        np.testing.assert_allclose(widths, pv.sel(level=level).values / 1e8)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [str(n) for n in comparison["scenario"].values]
    assert _legend_texts(ax) == ["Central government", "Province (Yunnan)", "City (Yuxi)",
                                 "County"]  # fmt: skip
    assert ax.get_xlabel() == "subsidies paid over the run, CNY 100 million (yi)"
    assert ax.get_title() == (
        "Fiscal cost by level of government, present value\nall schemes (8 draws, seed 1)"
    )


def test_fiscal_cost_chart__errors(run: xr.Dataset, comparison: xr.Dataset) -> None:
    with pytest.raises(ValueError, match="scenario= needs a comparison"):
        fiscal_cost_chart(run, "baseline")
    with pytest.raises(ValueError, match="summed= needs a comparison"):
        fiscal_cost_chart(run, summed="pv")
    with pytest.raises(ValueError, match="scenario 'nope' not in the comparison"):
        fiscal_cost_chart(comparison, "nope")
    with pytest.raises(ValueError, match="'subsidy_central' has no draws"):
        fiscal_cost_chart(run.isel(draw=slice(0, 0)))


# -- tornado ----------------------------------------------------------------------------------


def test_tornado_data__medians_on_common_random_numbers(
    tornado: TornadoData, run: xr.Dataset
) -> None:
    # The baseline is the run's own median: the same draws, whatever else is projected.
    city = run.solvency.summary(aggregate="city")["median_horizon"]
    assert tornado.baseline == float(city.sel(scheme="institution_pension"))
    assert [r.key for r in tornado.rows] == [k for k, _, _ in TORNADO]
    assert [r.baseline_value for r in tornado.rows] == [0.0228, 0.2]
    rate = tornado.rows[1]
    assert rate.at_low < tornado.baseline < rate.at_high  # more contributions, later
    frame = tornado.to_frame()
    assert list(frame["assumption"]) == [k for k, _, _ in TORNADO]
    np.testing.assert_allclose(frame["change at high"], [r.at_high - tornado.baseline
                                                          for r in tornado.rows])  # fmt: skip


def test_tornado_chart__two_bars_per_assumption_widest_on_top(tornado: TornadoData) -> None:
    ax = tornado_chart(tornado)
    bars = _patches(ax)
    assert len(bars) == 2 * len(TORNADO)
    order = sorted(tornado.rows, key=tornado.swing)
    base = tornado.capped(tornado.baseline)
    for i, row in enumerate(order):
        low, high = bars[2 * i], bars[2 * i + 1]
        assert low.get_x() == base
        # A median beyond the run (inf) is drawn to the year after it.
        assert low.get_width() == pytest.approx(tornado.capped(row.at_low) - base)
        assert high.get_width() == pytest.approx(tornado.capped(row.at_high) - base)
        assert low.get_y() > high.get_y()  # low value above, high below
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1].startswith("schemes.institution_pension.employer_rate\n0.16 / 0.24")
    assert labels[0] == "economy.fund_return\n0.01 / 0.04 (baseline 0.0228)"
    # Each bar's median at its end; beyond the run as ">2060".
    ends = [r.at_low if k == 0 else r.at_high for r in order for k in (0, 1)]
    assert [t.get_text().strip() for t in ax.texts] == [
        ">2060" if np.isinf(y) else str(int(y)) for y in ends
    ]
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), [base] * 2)
    assert _legend_texts(ax) == [f"baseline {tornado.baseline:.0f}", "low value", "high value"]
    assert ax.get_title().endswith("\nYuxi, all counties (8 draws, seed 1)")


def test_tornado_chart__median_beyond_the_run_is_drawn_to_the_year_after() -> None:
    data = TornadoData(
        scheme="unemployment", county="hongta", aggregate="county", baseline=2050.0,
        rows=(TornadoRow("economy.fund_return", 0.01, 0.04, 0.0228, 2040.0, np.inf),),
        draws=4, seed=0, end_year=2060,
    )  # fmt: skip
    ax = tornado_chart(data)
    low, high = _patches(ax)
    assert low.get_width() == -10
    assert high.get_width() == 11  # to 2061, the year after the run
    assert high.get_hatch() == "//"
    assert low.get_hatch() is None
    assert [t.get_text().strip() for t in ax.texts] == ["2040", ">2060"]
    assert ax.get_xlabel() == "median year of depletion (>2060: beyond the run)"
    assert ax.get_title().endswith("\nHongta (4 draws, seed 0)")


def test_tornado_data__errors_before_any_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("projected before checking its inputs")

    monkeypatch.setattr("actuarial.projection.project", no_run)
    with pytest.raises(ValueError, match="scheme 'dibao' has no fund"):
        tornado_data("dibao", TORNADO)
    with pytest.raises(ScenarioError, match=r"economy\.fund_retrun"):
        tornado_data("unemployment", [("economy.fund_retrun", 0.01, 0.02)])
    # The last value is checked before the first run.
    with pytest.raises(ScenarioError, match=r"economy\.liquid_payout_months"):
        tornado_data("unemployment", [*TORNADO, ("economy.liquid_payout_months", 2, "high")])
    with pytest.raises(ValueError, match=r"assumptions\[0\]: got 'economy'"):
        tornado_data("unemployment", ["economy"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"each key once; repeated: economy\.fund_return"):
        tornado_data("unemployment", [*TORNADO, ("economy.fund_return", 0.0, 0.1)])
    with pytest.raises(ValueError, match="unknown county code 'nope'"):
        tornado_data("unemployment", TORNADO, county="nope")


# -- back-test --------------------------------------------------------------------------------


def test_backtest_chart__every_fund_or_one_on_given_axes(backtest: BacktestResult) -> None:
    fig = backtest_chart(backtest)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == [f.history.label for f in backtest.funds]
    unemployment = backtest.funds[0]
    given = Figure().add_subplot()
    ax = backtest_chart(backtest, "unemployment", ax=given)
    assert ax is given
    tabled = [s for s in unemployment.history.series if s.variable is not None]
    # Per tabled series: a band and a median in the fit years, the same in the holdout.
    assert len(_bands(ax)) == 2 * len(tabled)
    assert len(ax.lines) == 2 * len(tabled)
    k = unemployment.history.n_fit
    np.testing.assert_allclose(
        ax.lines[0].get_ydata(), unemployment.fan[tabled[0].key][1, :k] / 10_000
    )
    points = {
        (round(float(x)), round(float(y), 6))
        for c in ax.collections
        if isinstance(c, PathCollection)
        for x, y in c.get_offsets()
    }
    expected = {
        (int(y), round(float(v) / 10_000, 6))
        for s in tabled
        for y, v in zip(unemployment.history.years, s.reported, strict=True)
        if not np.isnan(v)
    }
    assert points == expected
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "CNY 10,000 (wan), log scale"
    assert "holdout years" in _legend_texts(ax)
    with pytest.raises(ValueError, match="ax= draws one fund's panel; pass fund="):
        backtest_chart(backtest, ax=given)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="fund 'nope' not in the back-test"):
        backtest_chart(backtest, "nope")


# -- the accessors and ax= --------------------------------------------------------------------


def test_accessors__delegate_to_the_charts(run: xr.Dataset) -> None:
    fan = run.solvency.plot_fan("institution_pension", "hongta")
    np.testing.assert_array_equal(
        fan.lines[0].get_ydata(),
        fan_chart(run, "institution_pension", "hongta").lines[0].get_ydata(),
    )
    curves = run.solvency.plot_depletion(["unemployment"], ["hongta"])
    assert _legend_texts(curves) == ["Unemployment insurance"]
    heat = run.solvency.plot_heatmap()
    assert heat.images[0].get_array().shape == (3, 10)
    hist = run.solvency.plot_histogram("institution_pension", bin_years=10)
    assert len(_patches(hist)) == 5 + 1


def test_every_chart__draws_on_the_axes_it_is_given(
    run: xr.Dataset, comparison: xr.Dataset, tornado: TornadoData, backtest: BacktestResult
) -> None:
    draws = [
        lambda ax: fan_chart(run, "unemployment", ax=ax),
        lambda ax: depletion_chart(run, ax=ax),
        lambda ax: depletion_curves(run, counties=["hongta"], ax=ax),
        lambda ax: horizon_heatmap(run, ax=ax),
        lambda ax: horizon_histogram(run, "institution_pension", ax=ax),
        lambda ax: scenario_overlay(comparison, "institution_pension", ax=ax),
        lambda ax: fiscal_cost_chart(comparison, ax=ax),
        lambda ax: fiscal_cost_chart(comparison, summed="total", ax=ax),
        lambda ax: tornado_chart(tornado, ax=ax),
        lambda ax: backtest_chart(backtest, "resident_medical", ax=ax),
        lambda ax: run.solvency.plot_fan("unemployment", ax=ax),
        lambda ax: run.solvency.plot_depletion(ax=ax),
        lambda ax: run.solvency.plot_heatmap(ax=ax),
        lambda ax: run.solvency.plot_histogram("institution_pension", ax=ax),
    ]
    fig = Figure(layout="constrained")
    axes = fig.subplots(2, 7).ravel()
    for draw, ax in zip(draws, axes, strict=True):
        assert draw(ax) is ax
    assert all(ax.has_data() for ax in axes)
    assert plotting.__all__  # the package's names are importable from actuarial.plotting


def test_save_run_charts__streamed_run_without_whole_draws(
    streamed: xr.Dataset, tmp_path: Path
) -> None:
    # No balances to fan: the depletion curves still come from every draw's horizons.
    paths = save_run_charts(streamed.isel(draw=slice(0, 0)), tmp_path)
    assert paths == [tmp_path / "depletion.png"]
    assert sorted(os.listdir(tmp_path)) == ["depletion.png"]
    assert paths[0].read_bytes()[:8] == PNG_MAGIC
    with_sample = save_run_charts(streamed, tmp_path / "sample")
    assert [p.name for p in with_sample] == ["fan_chart.png", "depletion.png"]
