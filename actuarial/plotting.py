"""Charts of a projection run: balance fan charts and depletion-probability curves.

matplotlib is imported inside the functions so that ``import actuarial`` stays cheap, and
figures are built as ``matplotlib.figure.Figure`` objects, never through pyplot's global
state, so the charts work under any backend (Agg included) and in threads. Labels are
ASCII: a CJK font may be missing where the charts are drawn, and a missing glyph would
print as a box.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from actuarial.registry import scheme as scheme_record

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["UNITS", "depletion_chart", "fan_chart", "save_run_charts"]

Unit = Literal["yi", "wan"]

#: Money units of the charts: divisor of CNY and the axis label.
UNITS: dict[str, tuple[float, str]] = {
    "yi": (1e8, "CNY 100 million (yi)"),
    "wan": (1e4, "CNY 10,000 (wan)"),
}

CITY_LABEL = "Yuxi, all counties"

# The fan: (lower, upper) percentiles of each band, widest first so the narrow band is on top.
_BANDS: tuple[tuple[int, int, str, float], ...] = (
    (5, 95, "90% band", 0.25),
    (25, 75, "50% band", 0.45),
)


_LINESTYLES = ("-", "--", ":")


def _ascii(text: str) -> str:
    # Drop parenthesised Chinese abbreviations such as "(新农保)", then any stray non-ASCII.
    text = re.sub(r"\s*\([^)]*[^\x00-\x7f][^)]*\)", "", text)
    text = re.sub(r"[^\x00-\x7f]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def scheme_label(code: str) -> str:
    """The scheme's English name in ASCII, capitalised; the code for an unknown scheme."""
    try:
        name = _ascii(scheme_record(code).name_en)
    except KeyError:
        name = ""
    name = name or code.replace("_", " ")
    return name[:1].upper() + name[1:]


def county_label(code: str | None) -> str:
    """``Yuxi, all counties`` for None, else the county code as a readable ASCII name."""
    if code is None:
        return CITY_LABEL
    name = code.replace("_", " ")
    return name[:1].upper() + name[1:]


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.2)) -> Axes:
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig.add_subplot()


def _pick(ds: xr.Dataset, dim: str, code: str) -> None:
    if dim not in ds.dims:
        raise ValueError(f"dataset has no {dim!r} dim")
    codes = [str(c) for c in ds[dim].values]
    if code not in codes:
        raise ValueError(f"{dim} {code!r} not in the dataset; available: {', '.join(codes)}")


def _scheme_balance(ds: xr.Dataset, scheme: str, county: str | None) -> xr.DataArray:
    if "balance" not in ds.data_vars:
        raise ValueError("dataset has no 'balance' variable (end-of-year fund balance)")
    _pick(ds, "scheme", scheme)
    balance = ds["balance"].sel(scheme=scheme, drop=True)
    if county is None:
        if "county" in balance.dims:
            balance = balance.sum("county", min_count=1)
    else:
        _pick(ds, "county", county)
        balance = balance.sel(county=county, drop=True)
    missing = [d for d in ("draw", "year") if d not in balance.dims]
    if missing:
        raise ValueError(f"'balance' lacks dim(s) {', '.join(missing)}")
    if not balance.indexes["year"].is_monotonic_increasing:
        balance = balance.sortby("year")
    return balance.transpose("draw", "year")


def _has_fund(ds: xr.Dataset, scheme: str) -> bool:
    # The dibao keeps a zero balance but has no fund: the `has_fund` coordinate says so.
    if "has_fund" in ds.coords and int(ds.coords["has_fund"].sel(scheme=scheme)) == 0:
        return False
    return bool(ds["balance"].sel(scheme=scheme).notnull().any())


def fan_chart(
    ds: xr.Dataset,
    scheme: str,
    county: str | None = None,
    *,
    ax: Axes | None = None,
    unit: Unit = "yi",
) -> Axes:
    """Fund balance by year across the draws: the median and the 50 % and 90 % bands.

    ``county=None`` sums the balance over the counties draw by draw (the city's fund as
    one pool). The bands are linear-interpolated percentiles over the draws: 25-75 (50 %)
    and 5-95 (90 %). Money in ``unit``: ``"yi"`` (亿, 1e8 CNY) or ``"wan"`` (万, 1e4 CNY).
    Draws on ``ax`` if given, else on a new figure; returns the axes.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    divisor, unit_label = UNITS[unit]
    balance = _scheme_balance(ds, scheme, county)
    if not bool(balance.notnull().any()):
        raise ValueError(
            f"scheme {scheme!r} has no fund balance (all NaN) for {county_label(county)}"
        )

    years = balance["year"].values
    values = balance.values / divisor
    # Years in which every draw is NaN stay NaN (a gap) rather than warning.
    valid = ~np.isnan(values).all(axis=0)

    def pct(q: float) -> np.ndarray:
        out = np.full(values.shape[1], np.nan)
        out[valid] = np.nanpercentile(values[:, valid], q, axis=0)
        return out

    ax = _new_axes(ax)
    for lower, upper, label, alpha in _BANDS:
        ax.fill_between(
            years, pct(lower), pct(upper), color="tab:blue", alpha=alpha, lw=0, label=label
        )
    ax.plot(years, pct(50), color="tab:blue", lw=2, label="median")
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel(f"fund balance, {unit_label}")
    ax.set_title(f"{scheme_label(scheme)}\n{county_label(county)}")
    ax.legend(loc="best", fontsize="small")
    return ax


def depletion_chart(
    ds: xr.Dataset,
    schemes: Sequence[str] | None = None,
    county: str | None = None,
    *,
    ax: Axes | None = None,
) -> Axes:
    """P(fund depleted by the end of year), one line per scheme.

    ``schemes=None`` draws every scheme with a fund (a non-NaN balance somewhere); a
    named scheme without one is an error. ``county=None`` uses the city aggregate (the
    balance summed over the counties before dating depletion). See
    :mod:`actuarial.solvency` for the definitions.
    """
    from actuarial.solvency import SolvencyAccessor

    solvency = SolvencyAccessor(ds)
    if county is None:
        p = solvency.depletion_probability(aggregate="city")
    else:
        _pick(ds, "county", county)
        p = solvency.depletion_probability().sel(county=county, drop=True)

    if "scheme" not in p.dims:
        raise ValueError("dataset has no 'scheme' dim")
    if schemes is None:
        chosen = [str(s) for s in p["scheme"].values if _has_fund(ds, str(s))]
        if not chosen:
            raise ValueError("no scheme in the dataset has a fund balance")
    else:
        chosen = list(schemes)
        for code in chosen:
            _pick(ds, "scheme", code)
        no_fund = [code for code in chosen if not bool(p.sel(scheme=code).notnull().any())]
        if no_fund:
            raise ValueError(f"scheme(s) without a fund balance: {', '.join(no_fund)}")

    ax = _new_axes(ax, figsize=(10.0, 5.0))
    years = p["year"].values
    for i, code in enumerate(chosen):
        # Ten colours, then the same colours dashed, dotted: thirteen funds stay distinct.
        ax.plot(
            years,
            p.sel(scheme=code).values,
            color=f"C{i % 10}",
            linestyle=_LINESTYLES[(i // 10) % len(_LINESTYLES)],
            lw=1.8,
            label=scheme_label(code),
        )
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("year")
    ax.set_ylabel("P(depleted by end of year)")
    ax.set_title(f"Probability of fund depletion\n{county_label(county)}")
    # Outside the axes: the curves can pass through any corner.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize="small")
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
    has one curve per such scheme. Each file is replaced atomically. Returns the paths.
    """
    from matplotlib.figure import Figure

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if "balance" not in ds.data_vars or "scheme" not in ds.dims:
        raise ValueError("dataset needs a 'balance' variable with a 'scheme' dim")
    funded = [str(s) for s in ds["scheme"].values if _has_fund(ds, str(s))]
    if not funded:
        raise ValueError("no scheme in the dataset has a fund balance")

    ncols = min(3, len(funded))
    nrows = math.ceil(len(funded) / ncols)
    fan = Figure(figsize=(5.0 * ncols, 3.8 * nrows), layout="constrained")
    axes = fan.subplots(nrows, ncols, squeeze=False).ravel()
    for i, (ax, code) in enumerate(zip(axes, funded, strict=False)):
        fan_chart(ds, code, ax=ax)
        legend = ax.get_legend()
        if i > 0 and legend is not None:
            legend.remove()  # the bands mean the same in every panel: one legend is enough
    for ax in axes[len(funded) :]:
        ax.set_visible(False)
    fan.suptitle(f"Fund balance by year, {CITY_LABEL}{_run_note(ds)}")

    depletion = Figure(figsize=(10.0, 5.0), layout="constrained")
    depletion_chart(ds, funded, ax=depletion.add_subplot())

    paths = [out / "fan_chart.png", out / "depletion.png"]
    for fig, path in zip((fan, depletion), paths, strict=True):
        _save_atomically(fig, path)
    return paths


def _run_note(ds: xr.Dataset) -> str:
    parts = [f"{key} {ds.attrs[key]}" for key in ("draws", "seed") if key in ds.attrs]
    return f" ({', '.join(parts)})" if parts else ""
