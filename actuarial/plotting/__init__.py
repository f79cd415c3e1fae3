"""Charts of projections, comparisons and the back-test.

Every chart draws on the ``ax`` it is given, or on a new figure, and returns the axes
(:func:`backtest_chart` of every fund returns its figure). matplotlib is imported inside
the functions, so that ``import actuarial`` stays cheap, and figures are built as
``matplotlib.figure.Figure`` objects, never through pyplot's global state, so the charts
work under any backend (Agg included) and in threads.

Labels are in English. ``chinese=True`` adds the Chinese names of the schemes and counties:
in characters when an installed font has every glyph (:func:`cjk_font`), in pinyin
otherwise, so that a missing font never prints boxes.

* one run: :func:`fan_chart`, :func:`depletion_curves` (and :func:`depletion_chart`),
  :func:`horizon_heatmap`, :func:`horizon_histogram`, :func:`save_run_charts`; the first
  four are also ``ds.solvency.plot_fan`` ... ``plot_histogram``;
* scenarios (:func:`actuarial.comparison`): :func:`scenario_overlay`,
  :func:`fiscal_cost_chart` (which also takes a run);
* assumptions: :func:`tornado_data` then :func:`tornado_chart`;
* the back-test: :func:`backtest_chart`.
"""

from __future__ import annotations

from actuarial.plotting._backtest import backtest_chart
from actuarial.plotting._base import (
    CITY_LABEL,
    LEVEL_LABELS,
    PINYIN_COUNTIES,
    PINYIN_SCHEMES,
    UNITS,
    Unit,
    cjk_font,
    county_label,
    county_name_zh,
    pick_unit,
    scheme_label,
    scheme_name_zh,
    set_cjk_font,
    unit_label,
)
from actuarial.plotting._compare import fiscal_cost_chart, scenario_overlay
from actuarial.plotting._run import (
    depletion_chart,
    depletion_curves,
    fan_chart,
    horizon_heatmap,
    horizon_histogram,
    save_run_charts,
)
from actuarial.plotting._tornado import TornadoData, TornadoRow, tornado_chart, tornado_data

__all__ = [
    "CITY_LABEL",
    "LEVEL_LABELS",
    "PINYIN_COUNTIES",
    "PINYIN_SCHEMES",
    "UNITS",
    "TornadoData",
    "TornadoRow",
    "Unit",
    "backtest_chart",
    "cjk_font",
    "county_label",
    "county_name_zh",
    "depletion_chart",
    "depletion_curves",
    "fan_chart",
    "fiscal_cost_chart",
    "horizon_heatmap",
    "horizon_histogram",
    "pick_unit",
    "save_run_charts",
    "scenario_overlay",
    "scheme_label",
    "scheme_name_zh",
    "set_cjk_font",
    "tornado_chart",
    "tornado_data",
    "unit_label",
]
