"""The run charts, on the hand-built run of test_solvency."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: no display in CI

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from test_solvency import CITY_MEDIAN_PENSION_YI, CITY_P_PENSION, YEARS, synthetic_run

from actuarial.plotting import depletion_chart, fan_chart, save_run_charts, scheme_label

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
