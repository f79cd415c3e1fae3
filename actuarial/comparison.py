"""``compare()``: a baseline and scenarios on common random numbers, side by side.

Every scenario is run with the same seed and the same global draw indices as the
baseline. Every variate is a pure function of (seed, stream, draw, year, cell) and no
reform draws from the kernels' streams, so draw *i* of a scenario meets the same economic
shocks, deaths and claims as draw *i* of the baseline wherever the scenario leaves their
inputs unchanged: the differences are the scenarios' effects, not sampling noise. Where a
scenario changes an input of a random count (a longevity shock changes how many are
alive), the same uniforms are used on the changed input, as common random numbers do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

import actuarial.solvency  # noqa: F401  (registers ds.solvency)
from actuarial.claims import LEVELS
from actuarial.pensions import PENSION_SCHEMES

if TYPE_CHECKING:
    from actuarial.assumptions import Assumptions
    from actuarial.reforms import Reform, Scenario

__all__ = ["ScenarioLike", "compare", "scenario"]

ScenarioLike = Any  # Scenario | Reform | str | Path | Sequence[Reform | str]


def scenario(
    name: str,
    *reforms: Reform | str,
    assumptions: Assumptions | str | Path | None = None,
) -> Scenario:
    """A named scenario: reforms (objects or ``"name:year,k=v"`` specs) on assumptions
    (default: the comparison's baseline assumptions)."""
    from actuarial.projection import resolve_scenario
    from actuarial.reforms import Scenario, coerce

    listed: tuple[Reform, ...] = ()
    a = None
    if assumptions is not None:
        a, listed = resolve_scenario(assumptions)
    return Scenario(name=name, assumptions=a, reforms=listed + coerce(list(reforms)))


def _as_scenario(item: ScenarioLike, i: int) -> Scenario:
    from actuarial.reforms import Reform, Scenario, coerce, load_scenario

    if isinstance(item, Scenario):
        return item
    if isinstance(item, Path) or (
        isinstance(item, str) and item.endswith(".toml") and Path(item).exists()
    ):
        return load_scenario(item)
    if isinstance(item, Reform | str):
        reforms = coerce(item)
        return Scenario(name=reforms[0].label(), reforms=reforms)
    if isinstance(item, Sequence):
        reforms = coerce(list(item))
        return Scenario(
            name=" + ".join(r.label() for r in reforms) or f"scenario {i}", reforms=reforms
        )
    raise TypeError(
        f"scenarios[{i}]: got {type(item).__name__}; expected a Scenario, a Reform, a "
        "'name:year,k=v' spec, a list of them or the path of a scenario TOML"
    )


def compare(
    baseline: Assumptions | Scenario | str | Path | None = None,
    *scenarios: ScenarioLike,
    draws: int = 200,
    seed: int = 0,
    end: int | None = None,
    schemes: Sequence[str] | None = None,
    process_risk: bool = True,
    discount_rate: float | None = None,
    chunk: int = 64,
    keep: str = "summary",
    progress: Callable[[int, int], None] | None = None,
) -> xr.Dataset:
    """Run the baseline and each scenario on common random numbers and compare them.

    Parameters
    ----------
    baseline
        The baseline: None (the packaged Yuxi baseline), assumptions, a scenario TOML
        (its ``[[reforms]]`` included) or a :class:`~actuarial.reforms.Scenario`.
    scenarios
        Each a Scenario (``actuarial.scenario(name, *reforms)``), a reform, a
        ``"name:year,k=v"`` spec, a list of them, or a scenario TOML. A scenario without
        assumptions of its own uses the baseline's, and the baseline's reforms come first.
    draws, seed, end, schemes, process_risk, chunk
        As in :func:`actuarial.project`; the same for every scenario.
    discount_rate
        Yearly rate for present values; default None discounts each draw at its own fund
        return path (the rate the money would have earned in the funds).
    keep
        "summary" (default) or "draws": also keep every scenario's full results (variables
        prefixed ``draws_``; memory grows with scenarios x draws).
    progress
        Called with (scenario index, draws finished) after each chunk.

    Returns
    -------
    xarray.Dataset
        Dim ``scenario`` (the baseline first) with, per scenario:
        ``median_horizon``, ``p_depleted`` (county, scheme[, year]); ``p_depleted_city``
        (the counties' funds summed) and ``p_any_county_depleted`` (scheme, year);
        ``fiscal_cost`` (level, scheme, year; mean over draws, CNY), its sums
        ``fiscal_cost_total`` and ``fiscal_cost_pv`` (level, scheme); ``replacement_rate``
        (scheme, year; pension per pensioner / average wage, pension schemes); and the
        change from the baseline of each, prefixed ``delta_``.
    """
    from actuarial.projection import _check_int, project, resolve_scenario
    from actuarial.reforms import Scenario

    if keep not in ("summary", "draws"):
        raise ValueError(f"keep: got {keep!r}; allowed: 'summary' or 'draws'")
    if discount_rate is not None and not -0.5 < float(discount_rate) < 1.0:
        raise ValueError(f"discount_rate: got {discount_rate!r}; allowed: None or in (-0.5, 1)")
    draws = _check_int("draws", draws, 1, 100_000_000)
    if isinstance(baseline, Scenario):
        base = baseline
    else:
        a, listed = resolve_scenario(baseline)
        base = Scenario(name="baseline", assumptions=a, reforms=listed)
    runs = [base] + [_as_scenario(s, i) for i, s in enumerate(scenarios)]
    names = [s.name for s in runs]
    if len(set(names)) != len(names):
        names = [f"{i}: {n}" for i, n in enumerate(names)]
    summaries = []
    full = []
    base_attrs: dict[str, Any] = {}
    for i, sc in enumerate(runs):
        reforms = sc.reforms if i == 0 else base.reforms + sc.reforms
        ds = project(
            sc.assumptions if sc.assumptions is not None else base.assumptions,
            draws=draws, seed=seed, end=end, schemes=schemes, process_risk=process_risk,
            chunk=chunk, reforms=reforms, progress=_scenario_progress(progress, i),
        )  # fmt: skip
        summaries.append(_summarise(ds, discount_rate))
        if i == 0:
            # The baseline's assumptions and version describe the comparison.
            base_attrs = dict(ds.attrs)
        if keep == "draws":
            full.append(ds)
    out = xr.concat(summaries, dim="scenario", coords="minimal", compat="override")
    out = out.assign_coords(
        scenario=("scenario", names),
        scenario_reforms=("scenario", [s.label() for s in runs]),
    )  # fmt: skip
    for name in map(str, list(out.data_vars)):
        if name.startswith(("median_horizon", "p_", "fiscal_cost", "replacement_rate")):
            delta = out[name] - out[name].isel(scenario=0)
            delta.attrs = {**out[name].attrs, "long_name": "change from the baseline: "
                           + out[name].attrs.get("long_name", name)}  # fmt: skip
            out[f"delta_{name}"] = delta
    if keep == "draws":
        stacked = xr.concat(full, dim="scenario", coords="minimal", compat="override")
        for key, var in stacked.data_vars.items():
            out[f"draws_{key}"] = var.assign_coords(scenario=names)
    out.attrs = {
        "title": "Comparison of scenarios on common random numbers",
        "seed": seed,
        "draws": draws,
        "process_risk": int(bool(process_risk)),
        "baseline": names[0],
        "discount": "each draw's fund return" if discount_rate is None else str(discount_rate),
        "note": "A depleted fund's deficit is not counted as fiscal cost: read it with "
        "p_depleted. Horizons beyond the run are NaN, and so is a change involving one.",
        "milestones": summaries[0].attrs.get("milestones", []),
        "package_version": base_attrs.get("package_version", ""),
        "assumptions_toml": base_attrs.get("assumptions_toml", ""),
    }
    return out


def _scenario_progress(
    progress: Callable[[int, int], None] | None, i: int
) -> Callable[[int], None] | None:
    if progress is None:
        return None
    report = progress

    def done(n: int) -> None:
        report(i, n)

    return done


def _summarise(ds: xr.Dataset, discount_rate: float | None) -> xr.Dataset:
    """The comparison's variables of one scenario's projection."""
    solv = ds.solvency
    summary = solv.summary()
    out = xr.Dataset()
    out["median_horizon"] = summary["median_horizon"]
    out["median_horizon_city"] = solv.summary(aggregate="city")["median_horizon"]
    out["median_horizon_city"].attrs["long_name"] = (
        "median first year of depletion of the counties' funds summed"
    )
    out["p_depleted"] = solv.depletion_probability()
    out["p_depleted_city"] = solv.depletion_probability(aggregate="city")
    out["p_any_county_depleted"] = solv.depletion_probability(aggregate="any")
    out["p_any_county_depleted"].attrs["long_name"] = (
        "probability that at least one county's own fund is depleted by the end of the year"
    )
    levels = xr.concat(
        [ds[f"subsidy_{lv}"].sum("county") for lv in LEVELS], dim="level"
    ).assign_coords(level=list(LEVELS))
    out["fiscal_cost"] = levels.mean("draw")
    out["fiscal_cost"].attrs = {"units": "CNY", "long_name": "subsidies paid, mean over draws"}
    out["fiscal_cost_total"] = levels.sum("year").mean("draw")
    out["fiscal_cost_total"].attrs = {
        "units": "CNY", "long_name": "subsidies paid over the run, undiscounted, mean over draws"
    }  # fmt: skip
    if discount_rate is None:
        rate = ds["fund_return"]
    else:
        rate = xr.full_like(ds["fund_return"], float(discount_rate))
    # Money paid during year t is discounted to the start of the base year at mid-year.
    growth = (1.0 + rate).cumprod("year")
    factor = 1.0 / (growth / np.sqrt(1.0 + rate))
    out["fiscal_cost_pv"] = (levels * factor).sum("year").mean("draw")
    out["fiscal_cost_pv"].attrs = {
        "units": "CNY",
        "long_name": "present value of subsidies at the start of the base year, mean over draws",
    }
    out["replacement_rate"] = _replacement_rate(ds)
    for name in ("county_zh", "scheme_zh", "has_fund"):
        if name in ds.coords:
            out = out.assign_coords({name: ds.coords[name]})
    out.attrs["milestones"] = ds.attrs.get("milestones", [])
    return out


def _replacement_rate(ds: xr.Dataset) -> xr.DataArray:
    """Pension per pensioner / the city average wage, (scheme, year), mean over draws;
    NaN for schemes that are not pensions."""
    wage0 = _wage0(ds)
    growth = ds["wage_growth"].copy()
    growth[{"year": 0}] = 0.0
    wage = wage0 * (1.0 + growth).cumprod("year")
    per_head = ds["benefits"].sum("county") / ds["beneficiaries"].sum("county").where(
        lambda x: x > 0
    )
    rate = (per_head / wage).mean("draw", skipna=True)
    is_pension = xr.DataArray(
        [s in PENSION_SCHEMES for s in ds["scheme"].values],
        dims="scheme",
        coords={"scheme": ds["scheme"]},
    )
    out = rate.where(is_pension)
    out.attrs = {
        "units": "1",
        "long_name": "average pension per pensioner / city average wage, mean over draws",
    }
    return out


def _wage0(ds: xr.Dataset) -> float:
    import tomllib

    text = ds.attrs.get("assumptions_toml", "")
    return float(tomllib.loads(text)["economy"]["wage_2013_cny_per_year"])
