"""A self-contained HTML report of a projection run or a comparison (``actuarial report``).

:func:`write_report` writes ``OUT/report.html``: one file that opens anywhere, offline. The
charts are PNG images embedded as base64 ``data:`` URIs, the style sheet is inline, and a
Content-Security-Policy forbids every other resource, so a page that displays complete
displays everything it has. It reads:

* a run (``results.nc`` of ``actuarial run`` or :func:`actuarial.results.write_results`,
  every draw kept or ``keep="summary"`` with every draw's horizons), or
* a comparison (``comparison.nc`` of ``actuarial compare``: a ``scenario`` dim),

and gives the run's metadata (seed, draws, process risk, package version, reforms, when the
report was written), a summary table per scheme (the counties' funds summed) and per county
and scheme, the charts, the notes the run carries on each scheme, and the assumptions as
run (TOML).
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from actuarial.claims import LEVELS

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.figure import Figure

__all__ = ["REPORT_FILE", "ReportError", "write_report"]

REPORT_FILE = "report.html"

Kind = Literal["run", "comparison"]

#: Image resolution: sharp on a laptop screen, a few hundred kB per chart.
_DPI = 100
_YI = 1e8  # 亿元, the report's unit for large sums

# Only inline styles and data: images may load: a report that references anything else
# (a font, a script, a file beside it) would look complete here and broken elsewhere.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC",
  "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 76rem;
  padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
.lede { color: #444; margin-top: 0; }
nav ol { columns: 2; padding-left: 1.2rem; }
table { border-collapse: collapse; margin: .6rem 0 .3rem; font-size: .88rem; }
th, td { padding: .22rem .55rem; border-bottom: 1px solid #e2e2e2; vertical-align: top;
  white-space: nowrap; }
.wide { overflow-x: auto; max-width: 100%; }
th { background: #f3f3f3; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group th { background: #e8eef6; }
table.meta th { background: none; width: 14rem; }
table.meta td { white-space: normal; }
.caption { color: #555; font-size: .82rem; max-width: 60rem; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: .88rem; max-width: 60rem; }
details { margin: .6rem 0; }
summary { cursor: pointer; font-weight: 600; }
pre { background: #f7f7f7; padding: .8rem; overflow-x: auto; font-size: .8rem; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .4rem .8rem; }
footer { margin-top: 3rem; color: #666; font-size: .8rem; }
"""


class ReportError(ValueError):
    """The input is not a results file (or Dataset) that a report can be written of."""


# -- input ----------------------------------------------------------------------------------


def _kind(ds: xr.Dataset) -> Kind | None:
    if "scenario" in ds.dims and "p_depleted_city" in ds.data_vars:
        return "comparison"
    if "balance" in ds.data_vars and "scheme" in ds.dims:
        return "run"
    return None


_NOT_RESULTS = (
    "holds neither a 'balance' variable with a 'scheme' dim (a run: results.nc from "
    "`actuarial run`) nor a 'scenario' dim with 'p_depleted_city' (a comparison: "
    "comparison.nc from `actuarial compare`)"
)


def _open(path: Path) -> tuple[xr.Dataset, Kind]:
    import xarray as xr

    from actuarial.results import open_results

    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file (expected a results.nc or comparison.nc)")
    if path.is_dir() and path.suffix != ".zarr":
        raise ReportError(f"{path}: is a directory, not a results file")
    if path.suffix == ".zarr":
        try:
            ds = open_results(path)
        except ValueError as exc:
            raise ReportError(f"{path}: not a results store: {exc}") from None
        return ds, "run"
    try:
        lazy = xr.open_dataset(path, engine="h5netcdf")
    except Exception as exc:  # h5py and xarray raise many types for a file that is not HDF5
        raise ReportError(
            f"{path}: not a results file: cannot be read as NetCDF ({type(exc).__name__}: {exc})"
        ) from None
    with lazy:
        kind = _kind(lazy)
        if kind == "comparison":
            ds = lazy.load()
    if kind is None:
        raise ReportError(f"{path}: not a results file: it {_NOT_RESULTS}")
    if kind == "run":
        ds = open_results(path)  # the attributes back in their Python types
    return ds, kind


def _milestones(ds: xr.Dataset) -> list[int]:
    value = ds.attrs.get("milestones", [])
    return [int(v) for v in np.atleast_1d(np.asarray(value)).tolist()]


# -- formatting -----------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _year(value: float, end: int) -> str:
    # NaN horizon: no negative balance up to the last year of the run.
    return f"&gt;{end}" if math.isnan(value) else f"{value:.0f}"


def _band(low: float, high: float, end: int) -> str:
    if math.isnan(low):
        return f"&gt;{end}"
    return f"{low:.0f}–{_year(high, end)}"


def _pct(p: float) -> str:
    return "—" if math.isnan(p) else f"{100 * p:.1f} %"


def _dpct(p: float) -> str:
    return "—" if math.isnan(p) else f"{100 * p:+.1f} pp"


def _yi(value: float, signed: bool = False) -> str:
    if math.isnan(value):
        return "—"
    return f"{value / _YI:+,.2f}" if signed else f"{value / _YI:,.2f}"


def _dyears(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:+.0f}"


@dataclass
class _Table:
    """An HTML table: column headers, then rows of cells; a row of one string is a group
    header spanning the table."""

    headers: list[str]
    numeric: list[bool]
    rows: list[list[str] | str] = field(default_factory=list)
    caption: str = ""
    css: str = ""

    def html(self) -> str:
        head = "".join(
            f'<th class="num">{h}</th>' if num else f"<th>{h}</th>"
            for h, num in zip(self.headers, self.numeric, strict=True)
        )
        body = []
        for row in self.rows:
            if isinstance(row, str):
                body.append(f'<tr class="group"><th colspan="{len(self.headers)}">{row}</th></tr>')
                continue
            cells = "".join(
                f'<td class="num">{c}</td>' if num else f"<td>{c}</td>"
                for c, num in zip(row, self.numeric, strict=True)
            )
            body.append(f"<tr>{cells}</tr>")
        css = f' class="{self.css}"' if self.css else ""
        caption = f'<p class="caption">{self.caption}</p>' if self.caption else ""
        # Wide tables scroll inside their box instead of widening the page.
        return (
            f'<div class="wide"><table{css}><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>{caption}"
        )


def _names(ds: xr.Dataset, dim: str) -> dict[str, str]:
    coord = f"{dim}_zh"
    if coord not in ds.coords:
        return {}
    return dict(zip(map(str, ds[dim].values), map(str, ds[coord].values), strict=True))


# -- figures --------------------------------------------------------------------------------


@dataclass
class _Chart:
    title: str
    caption: str
    png: bytes

    def html(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{_e(self.title)}">'
            f"<figcaption><b>{_e(self.title)}.</b> {self.caption}</figcaption></figure>"
        )


def _new_figure(width: float = 10.0, height: float = 5.0) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _png(drawn: object, fig: Figure) -> bytes:
    """PNG bytes of the figure a chart function drew on: ``fig`` when it drew on the axes
    it was given, or the Figure it returned when it made its own."""
    from matplotlib.figure import Figure

    target = drawn if isinstance(drawn, Figure) else fig
    buf = io.BytesIO()
    target.savefig(buf, format="png", dpi=_DPI)
    return buf.getvalue()


def _plot(name: str) -> Callable[..., Any] | None:
    """The chart function ``name`` of :mod:`actuarial.plotting`, or None where this version
    of the package does not have it (the report then leaves that chart out)."""
    from actuarial import plotting

    found = getattr(plotting, name, None)
    return found if callable(found) else None


class _Charts:
    """Collects charts; a chart whose data cannot be drawn is named in the report rather
    than failing the whole report."""

    def __init__(self) -> None:
        self.items: list[_Chart] = []
        self.skipped: list[str] = []

    def add(
        self,
        title: str,
        caption: str,
        draw: Callable[..., object],
        size: tuple[float, float] = (10.0, 5.0),
    ) -> None:
        fig = _new_figure(*size)
        try:
            drawn = draw(ax=fig.add_subplot())
        except ValueError as exc:  # the plotting functions' error for data they cannot draw
            self.skipped.append(f"{title}: {exc}")
            return
        self.items.append(_Chart(title, caption, _png(drawn, fig)))

    def add_figure(self, title: str, caption: str, fig: Figure) -> None:
        self.items.append(_Chart(title, caption, _png(fig, fig)))


def _funded(ds: xr.Dataset) -> list[str]:
    """Schemes with a fund: ``has_fund`` (the dibao has none), else any non-NaN balance."""
    codes = [str(s) for s in ds["scheme"].values]
    if "has_fund" in ds.coords:
        return [c for c in codes if int(ds.coords["has_fund"].sel(scheme=c)) != 0]
    return [c for c in codes if bool(ds["balance"].sel(scheme=c).notnull().any())]


def _fan_grid(ds: xr.Dataset, schemes: Sequence[str]) -> Figure:
    from actuarial.plotting import fan_chart

    ncols = min(3, len(schemes))
    nrows = math.ceil(len(schemes) / ncols)
    fig = _new_figure(4.6 * ncols, 3.4 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for i, (ax, code) in enumerate(zip(axes, schemes, strict=False)):
        fan_chart(ds, code, ax=ax)
        legend = ax.get_legend()
        if i > 0 and legend is not None:
            legend.remove()  # the bands mean the same in every panel
    for ax in axes[len(schemes) :]:
        ax.set_visible(False)
    return fig


def _run_charts(ds: xr.Dataset, funded: list[str], earliest: str | None) -> _Charts:
    charts = _Charts()
    if not funded:
        return charts
    depletion_curves = _plot("depletion_curves")
    if depletion_curves is not None:
        charts.add(
            "Probability that each fund is depleted, all counties summed",
            "P(the end-of-year balance of the counties' funds summed has been negative by "
            "the year), one curve per fund.",
            lambda ax: depletion_curves(ds, schemes=funded, aggregate="city", ax=ax),
        )
        charts.add(
            "Probability that some county's own fund is depleted",
            "The same for the first county fund to run out: the risk that separate county "
            "funds carry, against one pool above.",
            lambda ax: depletion_curves(ds, schemes=funded, aggregate="any", ax=ax),
        )
    else:
        from actuarial.plotting import depletion_chart

        charts.add(
            "Probability that each fund is depleted, all counties summed",
            "P(the end-of-year balance of the counties' funds summed has been negative by "
            "the year), one curve per fund.",
            lambda ax: depletion_chart(ds, funded, ax=ax),
        )
    if ds.sizes["draw"] > 0:
        kept = ds.sizes["draw"]
        total = int(ds.attrs.get("draws", kept))
        whole = "" if kept == total else f" (the {kept:,} draws kept whole of {total:,})"
        charts.add_figure(
            "Fund balances by year, all counties summed",
            f"Median and 50 % and 90 % bands over the draws{_e(whole)}, in 亿元 (100 million "
            "CNY). A balance below zero is a fund that has run out.",
            _fan_grid(ds, funded),
        )
    else:
        charts.skipped.append("fund balances: the run kept no draw whole (--sample 0)")
    heatmap = _plot("horizon_heatmap")
    if heatmap is not None:
        charts.add(
            "When each county's fund runs out",
            "Median first year of depletion of each county's own fund, by scheme.",
            lambda ax: heatmap(ds, ax=ax),
            size=(10.5, 7.5),
        )
    histogram = _plot("horizon_histogram")
    if histogram is not None and earliest is not None:
        from actuarial.plotting import scheme_label

        charts.add(
            f"When the {scheme_label(earliest)} fund runs out, draw by draw",
            "The distribution over the draws of the first year of depletion of the fund "
            "that runs out first (the median earliest).",
            lambda ax: histogram(ds, earliest, ax=ax),
        )
    fiscal = _plot("fiscal_cost_chart")
    if fiscal is not None:
        charts.add(
            "What each level of government pays",
            "Subsidies by level of government, mean over the draws, CNY.",
            lambda ax: fiscal(ds, ax=ax),
        )
    return charts


def _changed(cmp: xr.Dataset, name: str, scheme: str) -> bool:
    delta = cmp[f"delta_{name}"].sel(scheme=scheme).values
    return bool(np.nanmax(np.abs(delta), initial=0.0) > 0)


def _comparison_charts(cmp: xr.Dataset, funded: list[str]) -> _Charts:
    from actuarial.plotting import scheme_label

    charts = _Charts()
    overlay = _plot("scenario_overlay")
    if overlay is not None:
        for code in funded:
            # A chart per fund that some scenario changes: one where nothing moves says
            # less than the table's zeros.
            for var, what in (
                ("p_depleted_city", "the counties' funds summed"),
                ("p_any_county_depleted", "some county's own fund"),
            ):
                if not _changed(cmp, var, code):
                    continue
                charts.add(
                    f"{scheme_label(code)}: P(depleted by year), {what}",
                    "One curve per scenario, on common random numbers: the differences are "
                    "the scenarios' effects, not sampling noise.",
                    partial(overlay, cmp, code, variable=var),
                )
    fiscal = _plot("fiscal_cost_chart")
    if fiscal is not None:
        charts.add(
            "What each level of government pays, by scenario",
            "Present value of the subsidies over the run by level of government, all "
            "schemes, mean over the draws.",
            lambda ax: fiscal(cmp, summed="pv", ax=ax),
        )
    return charts


# -- sections -------------------------------------------------------------------------------


def _meta_table(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="meta"><tbody>{body}</tbody></table>'


def _mode(attrs: dict[str, Any]) -> str:
    if int(attrs.get("deterministic", 0)):
        return "deterministic (every shock at its central value, no process risk)"
    if "process_risk" not in attrs:
        return "not recorded"
    return "on" if int(attrs["process_risk"]) else "off (expected counts)"


def _written() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _versions(attrs: dict[str, Any]) -> str:
    from actuarial import __version__

    made = attrs.get("package_version")
    shown = f"actuarial {_e(made)}" if made else "not recorded in the file"
    return f"{shown} (report written by actuarial {_e(__version__)})"


def _run_meta(ds: xr.Dataset, source: str) -> list[tuple[str, str]]:
    attrs = ds.attrs
    years = ds["year"].values
    draws = int(attrs.get("draws", ds.sizes["draw"]))
    draws_text = f"{draws:,}"
    if "horizon_city" in ds.data_vars and ds.sizes["draw"] != draws:
        draws_text += (
            f" (every draw's depletion years kept: probabilities and horizons are exact over "
            f"all of them; the full results of {ds.sizes['draw']:,} draws feed the balance "
            "charts)"
        )
    reforms = str(attrs.get("reforms", "none")) or "none"
    return [
        ("results", _e(source)),
        ("seed", _e(attrs.get("seed", "not recorded"))),
        ("draws", draws_text),
        ("years", f"{int(years.min())}–{int(years.max())}"),
        ("process risk", _e(_mode(attrs))),
        ("reforms", _e(reforms)),
        ("package version", _versions(attrs)),
        ("report written", _written()),
    ]


def _run_summary(ds: xr.Dataset, end: int, funded: list[str]) -> tuple[_Table, str | None]:
    city = ds.solvency.summary_table(aggregate="city")
    anyc = ds.solvency.summary(aggregate="any")
    names = _names(ds, "scheme")
    years = [c for c in city.columns if str(c).startswith("P(depleted by ")]
    headers = ["scheme", "名称", "median horizon", "5–95 %"]
    headers += [f"P by {str(c)[len('P(depleted by ') : -1]}" for c in years]
    headers += [f"P some county by {end}", f"median balance {end}, 亿元"]
    table = _Table(headers, [False, False, True, True, *[True] * len(years), True, True])
    balance_end = ds["balance"].sel(year=end).sum("county", min_count=1)
    earliest: tuple[float, str] | None = None
    for index, row in city.iterrows():
        code = str(index)
        cells = [_e(code), _e(names.get(code, ""))]
        if code not in funded:
            table.rows.append([*cells, "no fund", *[""] * (len(headers) - 3)])
            continue
        median = float(row["median horizon"])
        if not math.isnan(median) and (earliest is None or median < earliest[0]):
            earliest = (median, code)
        p_any = float(anyc[f"p_depleted_by_{end}"].sel(scheme=code))
        kept = balance_end.sel(scheme=code)
        bal = float(kept.median("draw")) if kept.sizes.get("draw", 0) else math.nan
        table.rows.append(
            [
                *cells,
                _year(median, end),
                _band(float(row["horizon 5th pct"]), float(row["horizon 95th pct"]), end),
                *[_pct(float(row[c])) for c in years],
                _pct(p_any),
                _yi(bal),
            ]
        )
    table.caption = (
        "Horizon: the first year in which the end-of-year balance of the counties' funds "
        f"summed is negative (median over the draws and its 5–95 % band; &gt;{end}: not "
        "within the run). P by Y: share of draws depleted by the end of Y. P some county: "
        "share of draws in which at least one county's own fund is depleted by the last "
        "year (what separate county funds risk). The dibao is paid from budgets each year "
        "and has no fund."
    )
    return table, None if earliest is None else earliest[1]


def _run_counties(ds: xr.Dataset, end: int, funded: list[str]) -> _Table:
    by_county = ds.solvency.summary_table(aggregate="county")
    counties = _names(ds, "county")
    schemes = _names(ds, "scheme")
    years = [c for c in by_county.columns if str(c).startswith("P(depleted by ")]
    headers = ["county", "名称", "median horizon", "5–95 %"]
    headers += [f"P by {str(c)[len('P(depleted by ') : -1]}" for c in years]
    table = _Table(headers, [False, False, True, True, *[True] * len(years)])
    for code in funded:
        table.rows.append(f"{_e(code)} {_e(schemes.get(code, ''))}")
        part = by_county.xs(code, level="scheme")
        for county, row in part.iterrows():
            shares = [float(row[c]) for c in years]
            cells = [_e(county), _e(counties.get(str(county), ""))]
            if all(math.isnan(p) for p in shares):  # no draw has a fund in this county
                table.rows.append([*cells, "no fund", "", *[""] * len(years)])
                continue
            table.rows.append(
                [
                    *cells,
                    _year(float(row["median horizon"]), end),
                    _band(float(row["horizon 5th pct"]), float(row["horizon 95th pct"]), end),
                    *[_pct(p) for p in shares],
                ]
            )
    table.caption = (
        "Each county's own fund of each scheme (a fund pooled at city level is held on the "
        "city_level row, its county rows stay at zero and never run out)."
    )
    return table


def _run_fiscal(ds: xr.Dataset) -> _Table | None:
    names = [f"subsidy_{lv}" for lv in LEVELS]
    if any(n not in ds.data_vars for n in names) or ds.sizes["draw"] == 0:
        return None
    totals = {lv: ds[f"subsidy_{lv}"].sum(["county", "year"]).mean("draw") for lv in LEVELS}
    table = _Table(
        ["scheme", *[f"{lv}, 亿元" for lv in LEVELS], "total, 亿元"],
        [False, True, True, True, True, True],
    )
    for code in map(str, ds["scheme"].values):
        values = [float(totals[lv].sel(scheme=code)) for lv in LEVELS]
        if not any(values):
            continue
        table.rows.append([_e(code), *[_yi(v) for v in values], _yi(sum(values))])
    sums = [float(totals[lv].sum()) for lv in LEVELS]
    table.rows.append(["<b>all schemes</b>", *[_yi(v) for v in sums], _yi(sum(sums))])
    years = ds["year"].values
    table.caption = (
        f"Subsidies paid {int(years.min())}–{int(years.max())} by each level of government, "
        "undiscounted, mean over the draws"
        + (" kept whole" if "horizon_city" in ds.data_vars else "")
        + "; schemes with none are left out."
    )
    return table


def _cmp_meta(cmp: xr.Dataset, source: str) -> list[tuple[str, str]]:
    attrs = cmp.attrs
    years = cmp["year"].values
    reforms = (
        cmp["scenario_reforms"].values
        if "scenario_reforms" in cmp.coords
        else cmp["scenario"].values
    )
    listed = "".join(
        f"<li><b>{_e(name)}</b>: {_e(r)}</li>"
        for name, r in zip(cmp["scenario"].values, reforms, strict=True)
    )
    return [
        ("results", _e(source)),
        ("scenarios", f"<ol>{listed}</ol>"),
        ("seed", _e(attrs.get("seed", "not recorded"))),
        ("draws", f"{int(attrs['draws']):,} per scenario" if "draws" in attrs else "not recorded"),
        ("years", f"{int(years.min())}–{int(years.max())}"),
        ("process risk", _e(_mode(attrs))),
        ("discounting", _e(attrs.get("discount", "not recorded"))),
        ("package version", _versions(attrs)),
        ("report written", _written()),
    ]


def _cmp_summary(cmp: xr.Dataset, end: int, funded: list[str]) -> _Table:
    milestones = sorted({m for m in _milestones(cmp) if m <= end} | {end})
    headers = ["scenario", "median horizon", "Δ years"]
    for m in milestones:
        headers += [f"P city {m}", f"P some county {m}"]
    headers += ["fiscal cost PV, 亿元", "Δ fiscal cost PV", f"replacement rate {end}"]
    table = _Table(headers, [False, *[True] * (len(headers) - 1)])
    names = _names(cmp, "scheme")
    for code in funded:
        table.rows.append(f"{_e(code)} {_e(names.get(code, ''))}")
        sub = cmp.sel(scheme=code)
        for name in map(str, cmp["scenario"].values):
            row = sub.sel(scenario=name)
            cells = [
                _e(name),
                _year(float(row["median_horizon_city"]), end),
                _dyears(float(row["delta_median_horizon_city"])),
            ]
            for m in milestones:
                cells.append(_pct(float(row["p_depleted_city"].sel(year=m))))
                cells.append(_pct(float(row["p_any_county_depleted"].sel(year=m))))
            rate = float(row["replacement_rate"].sel(year=end))
            cells += [
                _yi(float(row["fiscal_cost_pv"].sum("level"))),
                _yi(float(row["delta_fiscal_cost_pv"].sum("level")), signed=True),
                "—" if math.isnan(rate) else f"{100 * rate:.1f} %",
            ]
            table.rows.append(cells)
    table.caption = (
        "Per fund, the baseline first. Horizon: median first year in which the counties' "
        f"funds summed are negative (&gt;{end}: not within the run); Δ years against the "
        "baseline (— where either is beyond the run). P city: that fund depleted by the "
        "year; P some county: at least one county's own fund depleted. Fiscal cost: present "
        f"value of the subsidies of all levels of government ({_e(cmp.attrs.get('discount', ''))}"
        "). Replacement rate: average pension / average wage (pensions only)."
    )
    return table


def _cmp_counties(cmp: xr.Dataset, end: int, funded: list[str]) -> _Table:
    scenarios = list(map(str, cmp["scenario"].values))
    headers = ["county", "名称"]
    headers += [f"horizon: {_e(s)}" for s in scenarios]
    headers += [f"P by {end}: {_e(s)}" for s in scenarios]
    table = _Table(headers, [False, False, *[True] * (2 * len(scenarios))])
    counties = _names(cmp, "county")
    schemes = _names(cmp, "scheme")
    for code in funded:
        table.rows.append(f"{_e(code)} {_e(schemes.get(code, ''))}")
        sub = cmp.sel(scheme=code)
        for county in map(str, cmp["county"].values):
            cell = sub.sel(county=county)
            horizons = [
                _year(float(cell["median_horizon"].sel(scenario=s)), end) for s in scenarios
            ]
            shares = [_pct(float(cell["p_depleted"].sel(scenario=s, year=end))) for s in scenarios]
            table.rows.append([_e(county), _e(counties.get(county, "")), *horizons, *shares])
    table.caption = (
        "Each county's own fund: median first year of depletion and P(depleted by the last "
        "year), per scenario. A pooled fund is held on the city_level row."
    )
    return table


def _cmp_fiscal(cmp: xr.Dataset) -> _Table:
    levels = [str(lv) for lv in cmp["level"].values]
    table = _Table(
        ["scenario", *[f"{lv}, 亿元" for lv in levels], "total, 亿元", "Δ total, 亿元"],
        [False, *[True] * (len(levels) + 2)],
    )
    pv = cmp["fiscal_cost_pv"].sum("scheme")
    dpv = cmp["delta_fiscal_cost_pv"].sum(["scheme", "level"])
    for name in map(str, cmp["scenario"].values):
        values = [float(pv.sel(scenario=name, level=lv)) for lv in levels]
        table.rows.append(
            [
                _e(name),
                *[_yi(v) for v in values],
                _yi(sum(values)),
                _yi(float(dpv.sel(scenario=name)), signed=True),
            ]
        )
    table.caption = (
        "Present value at the start of the base year of the subsidies of all schemes, by "
        f"level of government, mean over the draws ({_e(cmp.attrs.get('discount', ''))})."
    )
    return table


def _scheme_notes(ds: xr.Dataset) -> str:
    items = [
        f"<li><b>{_e(key.removeprefix('notes_'))}</b>: {_e(value)}</li>"
        for key, value in ds.attrs.items()
        if str(key).startswith("notes_")
    ]
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _assumptions(ds: xr.Dataset) -> str:
    text = str(ds.attrs.get("assumptions_toml", ""))
    parts = []
    if text:
        lines = text.count("\n") + 1
        parts.append(
            "<p>The complete assumptions the run used: the packaged baseline with any "
            "scenario file's overrides. Values the report does not give are marked "
            "<code>ASSUMPTION</code> in the packaged <code>baseline.toml</code> and listed "
            "by <code>actuarial assumptions</code>.</p>"
            f"<details><summary>assumptions ({lines:,} lines of TOML)</summary>"
            f"<pre>{_e(text)}</pre></details>"
        )
    else:
        parts.append(
            "<p>This file does not record its assumptions (a comparison keeps only its "
            "summaries: the baseline is the one named above, the packaged baseline unless "
            "a <code>--baseline</code> file was given).</p>"
        )
    reforms = str(ds.attrs.get("reforms_toml", ""))
    if reforms:
        parts.append(
            f"<details><summary>reforms (TOML)</summary><pre>{_e(reforms)}</pre></details>"
        )
    return "".join(parts)


def _section(anchor: str, title: str, body: str) -> tuple[str, str, str]:
    return anchor, title, f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>'


def _page(title: str, lede: str, sections: list[tuple[str, str, str]]) -> str:
    from actuarial import __version__

    toc = "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t, _ in sections)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="actuarial {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{_e(title)}</h1><p class="lede">{lede}</p></header>\n'
        f"<nav><ol>{toc}</ol></nav>\n"
        + "\n".join(body for _, _, body in sections)
        + f"\n<footer>Written by actuarial {_e(__version__)} on {_written()}.</footer>\n"
        "</body>\n</html>\n"
    )


def _charts_section(charts: _Charts, missing: str) -> str:
    body = "".join(c.html() for c in charts.items) or f"<p>{missing}</p>"
    if charts.skipped:
        items = "".join(f"<li>{_e(s)}</li>" for s in charts.skipped)
        body += f'<p class="caption">Not drawn:</p><ul class="caption">{items}</ul>'
    return body


def _run_html(ds: xr.Dataset, source: str) -> str:
    import actuarial.solvency  # noqa: F401  (registers ds.solvency on a Dataset passed in)

    end = int(ds["year"].values.max())
    funded = _funded(ds)
    summary, earliest = _run_summary(ds, end, funded)
    sections = [_section("run", "The run", _meta_table(_run_meta(ds, source)))]
    pooling = ds.attrs.get("enterprise_pension_pooling")
    note = f'<p class="note">enterprise_pension: {_e(pooling)}</p>' if pooling else ""
    sections.append(_section("summary", "When the funds run out", summary.html() + note))
    charts = _run_charts(ds, funded, earliest)
    sections.append(_section("charts", "Charts", _charts_section(charts, "No fund to chart.")))
    if funded:
        sections.append(
            _section(
                "counties",
                "By county and scheme",
                _run_counties(ds, end, funded).html(),
            )
        )
    fiscal = _run_fiscal(ds)
    if fiscal is not None:
        sections.append(_section("fiscal", "What each level of government pays", fiscal.html()))
    notes = _scheme_notes(ds)
    if notes:
        sections.append(_section("notes", "Notes on the schemes", notes))
    sections.append(_section("assumptions", "Assumptions", _assumptions(ds)))
    years = ds["year"].values
    lede = (
        f"Monte Carlo projection of {len(funded)} funds"
        f"{' and the dibao' if 'dibao' in ds['scheme'].values else ''}, "
        f"{ds.sizes['county']} county-level units, {int(years.min())}–{int(years.max())}: "
        "when each fund runs out, with what probability, and what each level of government "
        "pays. Money in CNY; 亿元 = 100 million CNY."
    )
    title = str(ds.attrs.get("title", "Projection of social-insurance funds"))
    return _page(title, lede, sections)


def _comparison_html(cmp: xr.Dataset, source: str) -> str:
    end = int(cmp["year"].values.max())
    funded = [str(s) for s in cmp["scheme"].values if int(cmp["has_fund"].sel(scheme=s))]
    sections = [_section("run", "The comparison", _meta_table(_cmp_meta(cmp, source)))]
    note = str(cmp.attrs.get("note", ""))
    body = _cmp_summary(cmp, end, funded).html()
    if note:
        body += f'<p class="note">{_e(note)}</p>'
    sections.append(_section("summary", "When the funds run out, by scenario", body))
    charts = _comparison_charts(cmp, funded)
    sections.append(
        _section(
            "charts",
            "Charts",
            _charts_section(charts, "No scenario changes when a fund runs out."),
        )
    )
    sections.append(
        _section("fiscal", "What each level of government pays", _cmp_fiscal(cmp).html())
    )
    sections.append(
        _section("counties", "By county and scheme", _cmp_counties(cmp, end, funded).html())
    )
    sections.append(_section("assumptions", "Assumptions", _assumptions(cmp)))
    n = cmp.sizes["scenario"] - 1
    lede = (
        f"The baseline and {n} scenario{'' if n == 1 else 's'} on common random numbers: "
        "draw <i>i</i> of every scenario meets the same economic shocks, deaths and claims "
        "wherever the scenario leaves their inputs alone, so the differences are the "
        "scenarios' effects, not noise. Money in CNY; 亿元 = 100 million CNY."
    )
    title = str(cmp.attrs.get("title", "Comparison of scenarios"))
    return _page(title, lede, sections)


def write_report(
    path_or_dataset: str | os.PathLike[str] | xr.Dataset, out_dir: str | os.PathLike[str]
) -> Path:
    """Write ``out_dir/report.html``, a self-contained report of a run or a comparison.

    Parameters
    ----------
    path_or_dataset
        A ``results.nc`` (or ``.zarr`` store) of ``actuarial run``, a ``comparison.nc`` of
        ``actuarial compare``, or the Dataset of :func:`actuarial.project` or
        :func:`actuarial.comparison`.
    out_dir
        The directory to write into; created if missing. ``report.html`` is written under
        a temporary name and renamed when complete.

    Returns
    -------
    pathlib.Path
        The path of ``report.html``.

    Raises
    ------
    FileNotFoundError
        The results file does not exist.
    ReportError
        (a ``ValueError``) The file or Dataset is not a run or a comparison.
    """
    import xarray as xr

    from actuarial._atomic import atomic_path

    if isinstance(path_or_dataset, xr.Dataset):
        ds = path_or_dataset
        kind = _kind(ds)
        if kind is None:
            raise ReportError(f"dataset: not a results dataset: it {_NOT_RESULTS}")
        source = "a Dataset in memory (not saved)"
    else:
        path = Path(path_or_dataset)
        ds, kind = _open(path)
        source = str(path)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out}: exists and is not a directory")
    page = _run_html(ds, source) if kind == "run" else _comparison_html(ds, source)
    out.mkdir(parents=True, exist_ok=True)
    target = out / REPORT_FILE
    with atomic_path(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target
