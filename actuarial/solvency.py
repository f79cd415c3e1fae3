"""When do the funds run out? The ``ds.solvency`` accessor on a projection's Dataset.

Importing this module registers the accessor; it has no other side effect::

    import actuarial.solvency  # noqa: F401

    ds.solvency.horizon()                  # first year in deficit, per draw
    ds.solvency.depletion_probability()    # P(depleted by the end of each year)
    ds.solvency.summary()                  # percentiles of the horizon, P at milestones
    ds.solvency.summary_table()            # the same as a pandas table

Definitions used throughout:

* A draw is **depleted** in the first year whose end-of-year ``balance`` is below zero (a
  balance of exactly zero is not a deficit). A balance that dips below zero and recovers
  still dates depletion to the first negative year: the fund could not pay in that year.
* A scheme whose ``has_fund`` coordinate is 0, or a draw whose balance is NaN in every
  year, has **no fund** (e.g. the minimum living
  guarantee, financed from the budget). It counts neither as depleted nor as solvent: its
  horizon is NaN and it is left out of the denominators. A cell (county, scheme) in which
  every draw has no fund gets NaN probabilities. NaN in some years only (a fund that
  starts late) is not evidence of a deficit in those years.
* ``aggregate="city"`` sums the balance over the counties first (counties without a fund
  are skipped; the city has no fund only if no county has one) and drops ``county``.
* ``aggregate="any"`` dates a draw's depletion to the first year in which any county's own
  fund is depleted, and drops ``county``: the risk that separate county pools carry (a
  county whose fund has been pooled keeps a zero balance and never counts).

Example, one draw, one county, one scheme, depleted in 2015:

>>> import xarray as xr
>>> import actuarial.solvency
>>> ds = xr.Dataset(
...     {"balance": (("draw", "county", "scheme", "year"), [[[[5.0, 1.0, -2.0, 3.0]]]])},
...     coords={"draw": [0], "county": ["hongta"], "scheme": ["unemployment"],
...             "year": [2013, 2014, 2015, 2016]},
... )
>>> float(ds.solvency.horizon().squeeze())
2015.0
>>> ds.solvency.depletion_probability().squeeze().values.tolist()
[0.0, 0.0, 1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal, TypeVar

import numpy as np
import xarray as xr

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

__all__ = ["PERCENTILE_METHOD", "SUMMARY_PERCENTILES", "SolvencyAccessor", "nearest_rank"]

Aggregate = Literal["county", "city", "any"]

#: The summary's horizon percentiles, in percent, by variable name.
SUMMARY_PERCENTILES: dict[str, int] = {
    "median_horizon": 50,
    "horizon_p05": 5,
    "horizon_p95": 95,
}

#: How the horizon percentiles are taken (also written to the summary's attributes).
PERCENTILE_METHOD = (
    "nearest rank over the draws that have a fund: the p-th percentile is the k-th smallest "
    "horizon with k = ceil(p/100 * n), k >= 1 (numpy's 'inverted_cdf'); a never-depleted "
    "draw ranks after every year, and a percentile that falls on one is NaN (not depleted "
    "within the run). Equivalently: the first year in which P(depleted by year) >= p/100."
)

_REQUIRED_DIMS = ("draw", "year")
#: The horizons a streamed run keeps for every draw, by aggregate (``actuarial.streaming``).
_STORED = {"county": "horizon_county", "city": "horizon_city", "any": "horizon_any"}


def _share_by(horizon: NDArray[np.float64], years: NDArray[np.float64]) -> NDArray[np.float64]:
    """The share of the non-NaN entries along the last axis that are <= each year (NaN
    where a row has none)."""
    ordered = np.sort(horizon, axis=-1)  # inf after every year, NaN last
    n = np.sum(~np.isnan(horizon), axis=-1)
    flat = ordered.reshape(-1, ordered.shape[-1])
    counts = np.stack([np.searchsorted(row, years, side="right") for row in flat])
    counts = counts.reshape(*ordered.shape[:-1], years.size).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: NDArray[np.float64] = np.where(n[..., None] > 0, counts / n[..., None], np.nan)
    return out


_T = TypeVar("_T")

# xarray leaves the registration decorator unannotated; this states its actual type.
_register_dataset_accessor: Callable[[str], Callable[[type[_T]], type[_T]]] = (
    xr.register_dataset_accessor
)


def nearest_rank(values: NDArray[np.float64], percent: int) -> NDArray[np.float64]:
    """The nearest-rank ``percent``-th percentile along the last axis.

    NaN entries are left out (they are draws without a fund); ``inf`` entries rank after
    every finite value. The result is ``inf`` where the percentile falls on an ``inf``
    entry and NaN where a row has no finite-or-infinite entry at all.

    >>> nearest_rank(np.array([2015.0, 2013.0, np.inf, 2014.0, np.inf]), 50)
    array(2015.)
    >>> nearest_rank(np.array([2015.0, 2013.0, np.inf, 2014.0, np.inf]), 95)
    array(inf)
    """
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], got {percent}")
    values = np.asarray(values)
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(np.float64)
    # (float32 horizons of a streamed run stay float32: years are exact in it, and a
    # million draws are not copied to float64 to be ranked.)
    n = np.sum(~np.isnan(values), axis=-1)
    # np.sort puts NaN after +inf, so the first n entries of each row are its valid ones.
    ordered = np.sort(values, axis=-1)
    # Integer arithmetic for ceil(p * n / 100): 0.95 * 20 must give rank 19, not 20.
    rank = np.maximum((percent * n + 99) // 100, 1)
    picked = np.take_along_axis(ordered, (rank - 1)[..., np.newaxis], axis=-1)[..., 0]
    out: NDArray[np.float64] = np.where(n == 0, np.nan, picked).astype(np.float64)
    return out


@_register_dataset_accessor("solvency")
class SolvencyAccessor:
    """Depletion dates and probabilities of the fund balances of a projection.

    Available as ``ds.solvency`` once ``actuarial.solvency`` is imported. ``ds`` needs a
    ``balance`` variable with at least the dims ``draw`` and ``year`` (and ``county`` for
    ``aggregate="city"``); other dims (``county``, ``scheme``) are carried through.
    """

    def __init__(self, ds: xr.Dataset) -> None:
        self._ds = ds

    # -- inputs -----------------------------------------------------------------------

    def _balance(self, aggregate: Aggregate) -> xr.DataArray:
        if aggregate not in ("county", "city", "any"):
            raise ValueError(f"aggregate must be 'county', 'city' or 'any', got {aggregate!r}")
        if "balance" not in self._ds.data_vars:
            raise ValueError(
                "dataset has no 'balance' variable (end-of-year fund balance); "
                f"variables: {', '.join(map(str, self._ds.data_vars)) or 'none'}"
            )
        balance = self._ds["balance"]
        needed = (*_REQUIRED_DIMS, "county") if aggregate == "city" else _REQUIRED_DIMS
        missing = [d for d in needed if d not in balance.dims]
        if missing:
            raise ValueError(
                f"'balance' lacks dim(s) {', '.join(missing)} "
                f"(has {', '.join(map(str, balance.dims)) or 'none'})"
            )
        if balance.sizes["draw"] == 0:
            raise ValueError("'balance' has no draws")
        if balance.sizes["year"] == 0:
            raise ValueError("'balance' has no years")
        if "year" not in balance.coords:
            raise ValueError("'balance' has no 'year' coordinate")
        # "First year" must mean the earliest, whatever order the years are stored in;
        # sorting copies the whole array, so only when needed.
        if not balance.indexes["year"].is_monotonic_increasing:
            balance = balance.sortby("year")
        if "has_fund" in balance.coords:
            # A scheme without a fund (the dibao: its outlay is met by budgets each year)
            # keeps a zero balance in the results; it has no horizon to report.
            balance = balance.where(balance.coords["has_fund"] != 0)
        if aggregate == "city":
            # min_count=1: a county without a fund adds nothing, but a city made only of
            # counties without a fund has no fund (NaN), not a balance of zero.
            balance = balance.sum("county", min_count=1, keep_attrs=True)
        return balance

    def _horizon_inf(self, aggregate: Aggregate) -> xr.DataArray:
        """The horizon with ``inf`` for never depleted and NaN for no fund."""
        stored = _STORED.get(aggregate)
        if stored is not None and stored in self._ds.data_vars:
            # A streamed run (project(keep="summary")) kept every draw's horizon: exact
            # over all the draws, while ``balance`` holds only a sample of them.
            # float32 as kept (years are exact in it): a million draws' horizons are
            # not copied to float64.
            kept = self._ds[stored].rename(all_draw="draw")
            return kept.drop_vars("year", errors="ignore")
        if aggregate == "any":
            # The first year in which any county's own fund is depleted: what separate
            # county pools risk, against one pool's ``aggregate="city"``.
            per_county = self._horizon_inf("county")
            if "county" not in per_county.dims:
                raise ValueError("aggregate='any' needs a 'county' dim in 'balance'")
            return per_county.min("county", skipna=True)
        balance = self._balance(aggregate)
        below = balance < 0  # NaN compares False: a missing year is not a deficit
        first = balance["year"].astype(np.float64).isel(year=below.argmax("year"))
        has_fund = balance.notnull().any("year")
        horizon = first.where(below.any("year"), np.inf).where(has_fund)
        return horizon.drop_vars("year", errors="ignore")

    # -- results ----------------------------------------------------------------------

    def horizon(self, aggregate: Aggregate = "county") -> xr.DataArray:
        """The first year with a negative end-of-year balance, per draw.

        Dims: those of ``balance`` without ``year`` (``draw, county, scheme``; no
        ``county`` with ``aggregate="city"``, the counties' funds summed, or with
        ``aggregate="any"``, the first year any county's own fund is depleted). Float
        years; NaN where the draw is never depleted within the run and where it has no
        fund.
        """
        out = self._horizon_inf(aggregate)
        out = out.where(np.isfinite(out))
        out.name = "horizon"
        out.attrs = {
            "long_name": "first year with a negative end-of-year fund balance",
            "units": "year",
            "aggregate": aggregate,
            "note": "NaN: not depleted within the run, or no fund",
        }
        return out

    def depletion_probability(self, aggregate: Aggregate = "county") -> xr.DataArray:
        """P(depleted by the end of year): the share of draws whose horizon is <= year.

        Dims: ``balance``'s without ``draw`` (``county, scheme, year``). Cumulative, so
        non-decreasing in ``year``. The share is over the draws that have a fund; NaN
        where no draw has one.
        """
        return self._probability(self._horizon_inf(aggregate), aggregate)

    def _probability(self, horizon: xr.DataArray, aggregate: Aggregate) -> xr.DataArray:
        years = self._balance_years()
        # Counted from the sorted horizons (NaN last), not a draws x years comparison, so
        # that a million draws need no more memory than their horizons.
        p: xr.DataArray = xr.apply_ufunc(
            _share_by,
            horizon,
            kwargs={"years": years.values.astype(np.float64)},
            input_core_dims=[["draw"]],
            output_core_dims=[["year"]],
        ).assign_coords(year=years["year"])
        p.name = "p_depleted"
        p.attrs = {
            "long_name": "probability that the fund is depleted by the end of the year",
            "units": "1",
            "aggregate": aggregate,
        }
        return p

    def _balance_years(self) -> xr.DataArray:
        years = np.sort(self._ds["balance"]["year"].values)
        return xr.DataArray(years, dims="year", coords={"year": years})

    def summary(
        self, milestones: Iterable[int] | None = None, aggregate: Aggregate = "county"
    ) -> xr.Dataset:
        """Horizon percentiles and depletion probabilities at milestone years, per cell.

        Variables (dims ``county, scheme``, or ``scheme`` with ``aggregate="city"``):

        * ``median_horizon``, ``horizon_p05``, ``horizon_p95``: nearest-rank percentiles
          of the horizon over the draws (see :data:`PERCENTILE_METHOD`). A never-depleted
          draw counts as later than any year, so a percentile that falls among them is
          NaN, meaning "not within the run": ``median_horizon`` is NaN when fewer than
          half of the draws are depleted by the last year. Each percentile is the first
          year in which ``p_depleted`` reaches p/100, and is always a year of the run.
        * ``p_depleted_by_<year>`` for each milestone and the last year of the run.

        ``milestones`` defaults to ``ds.attrs["milestones"]`` (those outside the run are
        dropped, so a short run still summarises); explicit milestones must lie within
        the run's years. The last year is always added.
        """
        horizon = self._horizon_inf(aggregate)
        p = self._probability(horizon, aggregate)
        years = [int(y) for y in p["year"].values]
        first, last = years[0], years[-1]
        if milestones is None:
            declared = np.atleast_1d(self._ds.attrs.get("milestones", [])).tolist()
            chosen = [int(m) for m in declared if first <= int(m) <= last]
        else:
            chosen = [int(m) for m in milestones]
            outside = [m for m in chosen if not first <= m <= last]
            if outside:
                raise ValueError(
                    f"milestone year(s) {', '.join(map(str, outside))} outside the run "
                    f"({first}-{last})"
                )
        chosen = sorted({*chosen, last})

        out = xr.Dataset()
        for name, percent in SUMMARY_PERCENTILES.items():
            value = xr.apply_ufunc(
                nearest_rank,
                horizon,
                kwargs={"percent": percent},
                input_core_dims=[["draw"]],
            )
            out[name] = value.where(np.isfinite(value))
            out[name].attrs = {
                "long_name": (
                    "median first year of depletion"
                    if percent == 50
                    else f"{percent}th percentile of the first year of depletion"
                ),
                "units": "year",
                "note": "NaN: not depleted within the run (or no fund)",
            }
        for year in chosen:
            var = p.sel(year=year, drop=True)
            var.attrs = {
                "long_name": f"probability that the fund is depleted by the end of {year}",
                "units": "1",
            }
            out[f"p_depleted_by_{year}"] = var

        out.attrs = {
            key: self._ds.attrs[key]
            for key in ("seed", "draws", "end_year", "package_version")
            if key in self._ds.attrs
        }
        out.attrs.update(
            {
                "milestones": chosen,
                "aggregate": aggregate,
                "percentile_method": PERCENTILE_METHOD,
            }
        )
        return out

    def summary_table(
        self, milestones: Iterable[int] | None = None, aggregate: Aggregate = "county"
    ) -> pd.DataFrame:
        """:meth:`summary` as a table: one row per (county, scheme), or per scheme.

        Columns: ``median horizon``, ``horizon 5th pct``, ``horizon 95th pct`` (years;
        NaN: not depleted within the run, or no fund) and ``P(depleted by <year>)``.
        """
        summary = self.summary(milestones, aggregate)
        names = {
            "median_horizon": "median horizon",
            "horizon_p05": "horizon 5th pct",
            "horizon_p95": "horizon 95th pct",
        }
        for year in summary.attrs["milestones"]:
            names[f"p_depleted_by_{year}"] = f"P(depleted by {year})"
        index_dims = [d for d in ("county", "scheme") if d in summary.dims]
        # Only the summary variables: the Chinese-name coordinates are not rows' data.
        plain = summary.reset_coords(drop=True)[list(names)]
        if not index_dims:
            import pandas as pd

            return pd.DataFrame({label: [float(plain[var])] for var, label in names.items()})
        return plain.to_dataframe(dim_order=index_dims).rename(columns=names)

    # -- charts (actuarial.plotting, which imports matplotlib when called) --------------

    if TYPE_CHECKING:
        from matplotlib.axes import Axes

        from actuarial.plotting import Unit

    def plot_fan(
        self,
        scheme: str,
        county: str | None = None,
        *,
        ax: Axes | None = None,
        unit: Unit | None = None,
        chinese: bool = False,
    ) -> Axes:
        """The fund's balance by year: median, 50 % and 90 % bands
        (:func:`actuarial.plotting.fan_chart`)."""
        from actuarial.plotting import fan_chart

        return fan_chart(self._ds, scheme, county, ax=ax, unit=unit, chinese=chinese)

    def plot_depletion(
        self,
        schemes: Iterable[str] | None = None,
        counties: Iterable[str] | None = None,
        *,
        aggregate: Aggregate | None = None,
        ax: Axes | None = None,
        chinese: bool = False,
    ) -> Axes:
        """P(depleted by year), one line per scheme or county
        (:func:`actuarial.plotting.depletion_curves`)."""
        from actuarial.plotting import depletion_curves

        return depletion_curves(
            self._ds,
            None if schemes is None else list(schemes),
            None if counties is None else list(counties),
            aggregate=aggregate,
            ax=ax,
            chinese=chinese,
        )

    def plot_heatmap(
        self,
        value: Literal["median_horizon", "p_depleted_by"] = "median_horizon",
        year: int = 2050,
        *,
        schemes: Iterable[str] | None = None,
        counties: Iterable[str] | None = None,
        ax: Axes | None = None,
        chinese: bool = False,
    ) -> Axes:
        """County x scheme map of the median horizon or of P(depleted by ``year``)
        (:func:`actuarial.plotting.horizon_heatmap`)."""
        from actuarial.plotting import horizon_heatmap

        return horizon_heatmap(
            self._ds,
            value,
            year,
            schemes=None if schemes is None else list(schemes),
            counties=None if counties is None else list(counties),
            ax=ax,
            chinese=chinese,
        )

    def plot_histogram(
        self,
        scheme: str,
        county: str | None = None,
        *,
        aggregate: Literal["city", "any"] = "city",
        bin_years: int = 1,
        ax: Axes | None = None,
        chinese: bool = False,
    ) -> Axes:
        """Histogram of the year of depletion over the draws
        (:func:`actuarial.plotting.horizon_histogram`)."""
        from actuarial.plotting import horizon_histogram

        return horizon_histogram(
            self._ds,
            scheme,
            county,
            aggregate=aggregate,
            bin_years=bin_years,
            ax=ax,
            chinese=chinese,
        )
