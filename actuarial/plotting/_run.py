"""Charts of one projection run: balance fans, depletion curves, the county x scheme heat
map, the histogram of depletion years, and the PNGs ``actuarial run`` writes.

Horizons and probabilities come from ``ds.solvency``, so a streamed run
(``project(keep="summary")``) is charted over all its draws; a fan needs every year's
balance and is drawn from the draws the run kept in full (its sample).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from actuarial.plotting._base import (
    ANY_LABEL,
    CITY_LABEL,
    UNITS,
    Aggregate,
    Unit,
    codes,
    county_label,
    draws_note,
    font_kwargs,
    has_fund_coord,
    legend,
    line_style,
    new_axes,
    no_fund_error,
    pick,
    pick_unit,
    picks,
    scheme_label,
    set_title,
    unit_label,
)

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

HeatmapValue = Literal["median_horizon", "p_depleted_by"]

#: Legend labels longer than this go below the axes rather than beside them.
_LONG_LABEL = 60

# The fan: (lower, upper) percentiles of each band, widest first so the narrow band is on top.
_BANDS: tuple[tuple[int, int, str, float], ...] = (
    (5, 95, "90% band", 0.25),
    (25, 75, "50% band", 0.45),
)


def _scheme_balance(ds: xr.Dataset, scheme: str, county: str | None) -> xr.DataArray:
    if "balance" not in ds.data_vars:
        raise ValueError("dataset has no 'balance' variable (end-of-year fund balance)")
    pick(ds, "scheme", scheme)
    if has_fund_coord(ds, scheme) is False:
        raise no_fund_error(scheme, "no fund balance to chart")
    balance = ds["balance"].sel(scheme=scheme, drop=True)
    if county is None:
        if "county" in balance.dims:
            balance = balance.sum("county", min_count=1)
    else:
        pick(ds, "county", county)
        balance = balance.sel(county=county, drop=True)
    missing = [d for d in ("draw", "year") if d not in balance.dims]
    if missing:
        raise ValueError(f"'balance' lacks dim(s) {', '.join(missing)}")
    if balance.sizes["draw"] == 0:
        raise ValueError(
            "'balance' has no draws: a keep='summary' run keeps the balances of its first "
            "`sample` draws only; run it with sample >= 1 for a fan chart"
        )
    if not balance.indexes["year"].is_monotonic_increasing:
        balance = balance.sortby("year")
    return balance.transpose("draw", "year")


def _has_fund(ds: xr.Dataset, scheme: str) -> bool:
    # The dibao keeps a zero balance but has no fund: the `has_fund` coordinate says so.
    if has_fund_coord(ds, scheme) is False:
        return False
    return bool(ds["balance"].sel(scheme=scheme).notnull().any())


def fan_chart(
    ds: xr.Dataset,
    scheme: str,
    county: str | None = None,
    *,
    ax: Axes | None = None,
    unit: Unit | None = None,
    chinese: bool = False,
) -> Axes:
    """Fund balance by year across the draws: the median and the 50 % and 90 % bands.

    ``county=None`` sums the balance over the counties draw by draw (the city's fund as
    one pool). The bands are linear-interpolated percentiles over the draws: 25-75 (50 %)
    and 5-95 (90 %). Money in ``unit``: ``"yi"`` (亿, 1e8 CNY) or ``"wan"`` (万, 1e4 CNY);
    None picks 亿 when the 90 % band reaches 1 亿 in magnitude, else 万. A streamed run
    (``keep="summary"``) is charted from its sample of draws, and the title says so.
    ``chinese`` adds the Chinese names (pinyin without a CJK font). Draws on ``ax`` if
    given, else on a new figure; returns the axes.
    """
    if unit is not None and unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    balance = _scheme_balance(ds, scheme, county)
    if not bool(balance.notnull().any()):
        raise ValueError(
            f"scheme {scheme!r} has no fund balance (all NaN) for {county_label(county)}"
        )

    years = balance["year"].values
    raw = balance.values
    # Years in which every draw is NaN stay NaN (a gap) rather than warning.
    valid = ~np.isnan(raw).all(axis=0)

    def pct(q: float) -> np.ndarray:
        out = np.full(raw.shape[1], np.nan)
        out[valid] = np.nanpercentile(raw[:, valid], q, axis=0)
        return out

    bands = {(lo, hi): (pct(lo), pct(hi)) for lo, hi, _, _ in _BANDS}
    if unit is None:
        unit = pick_unit(np.concatenate([np.ravel(b) for b in bands.values()]))
    divisor = UNITS[unit][0]

    ax = new_axes(ax)
    for lower, upper, label, alpha in _BANDS:
        low, high = bands[(lower, upper)]
        ax.fill_between(
            years, low / divisor, high / divisor, color="tab:blue", alpha=alpha, lw=0,
            label=label,
        )  # fmt: skip
    ax.plot(years, pct(50) / divisor, color="tab:blue", lw=2, label="median")
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xlabel("year")
    ylabel = f"fund balance, {unit_label(unit, chinese)}"
    ax.set_ylabel(ylabel, **font_kwargs(ylabel))
    where = county_label(county, chinese)
    if ds.attrs.get("keep") == "summary":
        where += f", {balance.sizes['draw']} sample draws of {ds.attrs.get('draws', '?')}"
    set_title(ax, f"{scheme_label(scheme, chinese, newline=True)}\n{where}")
    legend(ax, loc="best", fontsize="small")
    return ax


def _funded(p: xr.DataArray, ds: xr.Dataset, scheme: str) -> bool:
    """Whether ``scheme`` has a fund: the coordinate if there is one, else any probability
    (a streamed run may have kept no balances, so the balance cannot say)."""
    if has_fund_coord(ds, scheme) is False:
        return False
    return bool(p.sel(scheme=scheme).notnull().any())


def _funded_schemes(ds: xr.Dataset, p: xr.DataArray, schemes: Sequence[str] | None) -> list[str]:
    """Every scheme with a fund, or the ``schemes`` named, each of which must have one."""
    if schemes is None:
        chosen = [s for s in codes(ds, "scheme") if _funded(p, ds, s)]
        if not chosen:
            raise ValueError("no scheme in the dataset has a fund balance")
        return chosen
    chosen = picks(ds, "scheme", schemes)
    no_fund = [s for s in chosen if not _funded(p, ds, s)]
    if no_fund:
        raise ValueError(f"scheme(s) without a fund balance: {', '.join(no_fund)}")
    return chosen


def _curves_where(
    aggregate: Aggregate, places: list[str | None], chosen: list[str], chinese: bool
) -> str:
    """The title's second line: what every curve shares."""
    if aggregate == "any":
        return ANY_LABEL
    if aggregate == "city":
        return county_label(None, chinese)
    if len(places) == 1:
        return county_label(places[0], chinese)
    if len(chosen) == 1:
        return scheme_label(chosen[0], chinese)
    return "each county's own fund"


def depletion_curves(
    ds: xr.Dataset,
    schemes: Sequence[str] | None = None,
    counties: Sequence[str] | None = None,
    *,
    aggregate: Aggregate | None = None,
    ax: Axes | None = None,
    chinese: bool = False,
) -> Axes:
    """P(fund depleted by the end of year): one line per scheme, or per county.

    ``aggregate`` (see :mod:`actuarial.solvency`): ``"city"`` (the default without
    ``counties``) sums the counties' balances before dating depletion, ``"any"`` dates it
    to the first county fund to run out; both draw one line per scheme. ``"county"`` (the
    default with ``counties``) draws each county's own fund: one line per (scheme, county),
    all counties when ``counties`` is None, skipping counties that have no fund of a
    scheme. ``schemes=None`` draws every scheme with a fund; a named scheme without one
    (the dibao) is an error naming it. A streamed run is exact over all its draws.
    """
    from actuarial.solvency import SolvencyAccessor

    if aggregate is None:
        aggregate = "city" if counties is None else "county"
    if aggregate not in ("county", "city", "any"):
        raise ValueError(f"aggregate must be 'county', 'city' or 'any', got {aggregate!r}")
    if counties is not None and aggregate != "county":
        raise ValueError(
            f"counties= charts each county's own fund; aggregate={aggregate!r} has no "
            "county: leave aggregate None (or 'county') with counties="
        )
    p = SolvencyAccessor(ds).depletion_probability(aggregate=aggregate)
    if "scheme" not in p.dims:
        raise ValueError("dataset has no 'scheme' dim")
    chosen = _funded_schemes(ds, p, schemes)
    places: list[str | None] = [None]
    if aggregate == "county":
        places = list(codes(ds, "county") if counties is None else picks(ds, "county", counties))
    curves = []
    for s in chosen:
        for c in places:
            values = p.sel(scheme=s) if c is None else p.sel(scheme=s, county=c)
            if c is not None and not bool(values.notnull().any()):
                continue  # this county keeps no fund of this scheme
            curves.append((s, c, values.values))
    if not curves:
        raise ValueError(
            f"no county among {', '.join(map(str, places))} has a fund of {', '.join(chosen)}"
        )

    def label(s: str, c: str | None) -> str:
        if c is None or len(places) == 1:
            return scheme_label(s, chinese)
        if len(chosen) == 1:
            return county_label(c, chinese)
        return f"{scheme_label(s, chinese)}, {county_label(c, chinese)}"

    ax = new_axes(ax, figsize=(10.0, 5.0))
    years = p["year"].values
    for i, (s, c, curve) in enumerate(curves):
        ax.plot(years, curve, lw=1.8, label=label(s, c), **line_style(i))
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("year")
    ax.set_ylabel("P(depleted by end of year)")
    where = _curves_where(aggregate, places, chosen, chinese)
    set_title(ax, f"Probability of fund depletion\n{where}")
    # Outside the axes, as the curves can pass through any corner: at the right, or below
    # when the labels are so long that they would squeeze the axes.
    if max(len(label(s, c)) for s, c, _ in curves) <= _LONG_LABEL:
        legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
               fontsize="small")  # fmt: skip
    else:
        legend(ax, loc="upper left", bbox_to_anchor=(0.0, -0.14), fontsize="small",
               frameon=False)  # fmt: skip
    return ax


def depletion_chart(
    ds: xr.Dataset,
    schemes: Sequence[str] | None = None,
    county: str | None = None,
    *,
    ax: Axes | None = None,
    chinese: bool = False,
) -> Axes:
    """P(fund depleted by the end of year), one line per scheme.

    ``schemes=None`` draws every scheme with a fund; a named scheme without one is an
    error. ``county=None`` uses the city aggregate (the balance summed over the counties
    before dating depletion). See :mod:`actuarial.solvency` for the definitions and
    :func:`depletion_curves` for several counties.
    """
    return depletion_curves(
        ds, schemes, None if county is None else [county], ax=ax, chinese=chinese
    )


def _summary_grid(
    ds: xr.Dataset,
    value: HeatmapValue,
    year: int,
    schemes: Sequence[str] | None,
    counties: Sequence[str] | None,
) -> tuple[xr.DataArray, xr.DataArray, int]:
    """The heat map's values (scheme, county), the last year's P (NaN: no fund) and the
    last year."""
    from actuarial.solvency import SolvencyAccessor

    if value not in ("median_horizon", "p_depleted_by"):
        raise ValueError(f"value must be 'median_horizon' or 'p_depleted_by', got {value!r}")
    if "county" not in ds.dims:
        raise ValueError("a county x scheme heat map needs a 'county' dim")
    summary = SolvencyAccessor(ds).summary(
        milestones=[int(year)] if value == "p_depleted_by" else [], aggregate="county"
    )
    last = int(summary.attrs["milestones"][-1])
    name = value if value == "median_horizon" else f"p_depleted_by_{int(year)}"
    p_last = summary[f"p_depleted_by_{last}"]
    chosen = _funded_schemes(ds, p_last, schemes)
    places = codes(ds, "county") if counties is None else picks(ds, "county", counties)
    grid = summary[name].sel(scheme=chosen, county=places).transpose("scheme", "county")
    p_grid = p_last.sel(scheme=chosen, county=places).transpose("scheme", "county")
    return grid, p_grid, last


def horizon_heatmap(
    ds: xr.Dataset,
    value: HeatmapValue = "median_horizon",
    year: int = 2050,
    *,
    schemes: Sequence[str] | None = None,
    counties: Sequence[str] | None = None,
    ax: Axes | None = None,
    chinese: bool = False,
) -> Axes:
    """Each county's own fund of each scheme: the median year of depletion, or
    (``value="p_depleted_by"``) the probability that it is depleted by ``year``.

    Rows are schemes (every scheme with a fund by default), columns counties; the image's
    array is ``ds.solvency.summary()``'s variable transposed to (scheme, county). A cell
    whose median lies beyond the run reads ``>{last year}``; a county with no fund of a
    scheme is blank and reads ``no fund``. ``year`` must lie within the run. A colour bar
    is added beside ``ax``.
    """
    from matplotlib import colormaps

    grid, p_last, last = _summary_grid(ds, value, year, schemes, counties)
    first = int(ds["year"].min())
    values = grid.values.astype(np.float64)
    no_fund = np.isnan(p_last.values)
    scheme_codes = [str(s) for s in grid["scheme"].values]
    county_codes = [str(c) for c in grid["county"].values]

    # Room for the scheme names left of the cells and a year or a share in every cell.
    row = 0.65 if chinese else 0.45
    ax = new_axes(ax, figsize=(6.0 + 0.75 * len(county_codes), 2.2 + row * len(scheme_codes)))
    if value == "median_horizon":
        # Red for funds that run out early, green for late: the run's years end to end.
        cmap = colormaps["RdYlGn"].with_extremes(bad="0.88")
        image = ax.imshow(
            np.ma.masked_invalid(values), cmap=cmap, vmin=first, vmax=last, aspect="auto"
        )
        bar_label = "median year of depletion"
        title = "Median year of fund depletion, each county's own fund"
    else:
        cmap = colormaps["Reds"].with_extremes(bad="0.88")
        image = ax.imshow(
            np.ma.masked_invalid(values), cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto"
        )
        bar_label = f"P(depleted by {int(year)})"
        title = f"Probability of fund depletion by {int(year)}, each county's own fund"

    size = "small" if values.size <= 60 else "x-small"
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if no_fund[i, j]:
                text = "no fund"
            elif np.isnan(v):
                text = f">{last}"
            else:
                text = f"{int(v)}" if value == "median_horizon" else f"{v:.2f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=size)

    x_labels = [county_label(c, chinese, newline=True) for c in county_codes]
    y_labels = [scheme_label(s, chinese, newline=True) for s in scheme_codes]
    ax.set_xticks(
        range(len(county_codes)), x_labels, rotation=45, ha="right", **font_kwargs(*x_labels)
    )
    ax.set_yticks(range(len(scheme_codes)), y_labels, **font_kwargs(*y_labels))
    ax.set_xlabel("county")
    ax.set_ylabel("scheme")
    set_title(ax, f"{title}{draws_note(ds)}")
    ax.figure.colorbar(image, ax=ax, label=bar_label)
    return ax


def horizon_histogram(
    ds: xr.Dataset,
    scheme: str,
    county: str | None = None,
    *,
    aggregate: Literal["city", "any"] = "city",
    bin_years: int = 1,
    ax: Axes | None = None,
    chinese: bool = False,
) -> Axes:
    """How the year of depletion (first negative balance) spreads over the draws.

    One bar per ``bin_years`` years from the first year of the run, as a share of the
    draws, and a grey hatched bar right of them for the draws not depleted within the run;
    a dashed line at the median (the summary's nearest-rank median) when it lies within
    the run. ``county`` charts that county's own fund; without it, ``aggregate`` says
    which city-wide horizon: ``"city"`` (the counties' funds summed) or ``"any"`` (the
    first county fund to run out). A streamed run counts all its draws.
    """
    from actuarial.solvency import SolvencyAccessor, nearest_rank

    if bin_years < 1:
        raise ValueError(f"bin_years must be 1 or more, got {bin_years}")
    if county is None and aggregate not in ("city", "any"):
        raise ValueError(f"aggregate must be 'city' or 'any', got {aggregate!r}")
    pick(ds, "scheme", scheme)
    if has_fund_coord(ds, scheme) is False:
        raise no_fund_error(scheme, "no year of depletion to chart")
    solvency = SolvencyAccessor(ds)
    horizon = solvency._horizon_inf("county" if county is not None else aggregate)
    horizon = horizon.sel(scheme=scheme, drop=True)
    if county is not None:
        pick(ds, "county", county)
        horizon = horizon.sel(county=county, drop=True)
    values = horizon.values.astype(np.float64).ravel()
    values = values[~np.isnan(values)]  # NaN: a draw without a fund
    where = (
        county_label(county, chinese)
        if county is not None
        else (county_label(None, chinese) if aggregate == "city" else ANY_LABEL)
    )
    if values.size == 0:
        raise no_fund_error(scheme, f"no draw has a fund balance for {where}")

    years = solvency._balance_years().values
    first, last = int(years[0]), int(years[-1])
    edges = np.arange(first, last + bin_years + 1, bin_years)
    finite = values[np.isfinite(values)]
    counts, _ = np.histogram(finite, bins=edges)
    share = counts / values.size
    never = float(np.isinf(values).sum()) / values.size

    ax = new_axes(ax)
    ax.bar(edges[:-1], share, width=bin_years, align="edge", color="tab:blue",
           edgecolor="white", lw=0.4, label="depleted in the year" if bin_years == 1
           else f"depleted in the {bin_years} years")  # fmt: skip
    # One bin's gap, then the draws that outlast the run.
    never_at = edges[-1] + bin_years
    ax.bar([never_at], [never], width=bin_years, align="edge", color="0.75", hatch="//",
           edgecolor="0.4", lw=0.4, label=f"not depleted by {last}")  # fmt: skip
    median = float(nearest_rank(values, 50))
    if math.isfinite(median):
        ax.axvline(median + 0.5, color="black", ls="--", lw=1.2, label=f"median {int(median)}")
    ax.set_xlabel("first year with a negative balance")
    ax.set_ylabel("share of draws")
    ax.set_ylim(0.0, max(float(share.max(initial=0.0)), never) * 1.1 or 1.0)
    set_title(
        ax,
        f"Year of depletion: {scheme_label(scheme, chinese, newline=True)}\n{where} "
        f"({values.size} draws)",
    )
    legend(ax, loc="upper left", fontsize="small")
    return ax


def _save_atomically(fig: Figure, path: Path) -> None:
    # A reader (a web page, a report build) never sees a half-written PNG: write beside
    # the target, on the same filesystem, then rename over it in one step.
    from actuarial._atomic import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)


def save_run_charts(ds: xr.Dataset, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``fan_chart.png`` and ``depletion.png`` for the city aggregate into ``out_dir``.

    ``fan_chart.png`` has one panel per scheme with a fund, in a grid; ``depletion.png``
    has one curve per such scheme. A streamed run that kept no whole draw
    (``keep="summary", sample=0``) has no balances for a fan: only ``depletion.png`` is
    written, from every draw's horizons. Each file is replaced atomically. Returns the
    paths written.
    """
    from matplotlib.figure import Figure

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if "balance" not in ds.data_vars or "scheme" not in ds.dims:
        raise ValueError("dataset needs a 'balance' variable with a 'scheme' dim")
    figures: list[tuple[Figure, Path]] = []
    funded: list[str] | None = None
    if ds["balance"].sizes.get("draw", 1) > 0:
        funded = [str(s) for s in ds["scheme"].values if _has_fund(ds, str(s))]
        if not funded:
            raise ValueError("no scheme in the dataset has a fund balance")
        figures.append((_fan_grid(ds, funded), out / "fan_chart.png"))

    depletion = Figure(figsize=(10.0, 5.0), layout="constrained")
    depletion_chart(ds, funded, ax=depletion.add_subplot())
    figures.append((depletion, out / "depletion.png"))
    for fig, path in figures:
        _save_atomically(fig, path)
    return [path for _, path in figures]


def _fan_grid(ds: xr.Dataset, funded: list[str]) -> Figure:
    from matplotlib.figure import Figure

    ncols = min(3, len(funded))
    nrows = math.ceil(len(funded) / ncols)
    fan = Figure(figsize=(5.0 * ncols, 3.8 * nrows), layout="constrained")
    axes = fan.subplots(nrows, ncols, squeeze=False).ravel()
    for i, (ax, code) in enumerate(zip(axes, funded, strict=False)):
        # One unit for every panel, so that the funds compare at a glance.
        fan_chart(ds, code, ax=ax, unit="yi")
        legend_ = ax.get_legend()
        if i > 0 and legend_ is not None:
            legend_.remove()  # the bands mean the same in every panel: one legend is enough
    for ax in axes[len(funded) :]:
        ax.set_visible(False)
    fan.suptitle(f"Fund balance by year, {CITY_LABEL}{_run_note(ds)}")
    return fan


def _run_note(ds: xr.Dataset) -> str:
    parts = [f"{key} {ds.attrs[key]}" for key in ("draws", "seed") if key in ds.attrs]
    return f" ({', '.join(parts)})" if parts else ""
