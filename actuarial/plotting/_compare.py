"""Charts of scenarios against the baseline (``actuarial.compare()``) and of what each level
of government pays."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from actuarial.plotting._base import (
    ANY_LABEL,
    LEVEL_LABELS,
    LEVELS,
    UNITS,
    Unit,
    codes,
    county_label,
    displayable,
    draws_note,
    font_kwargs,
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

# The y-axis of each comparison variable ({unit}: the money unit's label).
_OVERLAY_LABELS = {
    "p_depleted": "P(depleted by end of year)",
    "p_depleted_city": "P(depleted by end of year)",
    "p_any_county_depleted": "P(some county's fund depleted by end of year)",
    "replacement_rate": "replacement rate (pension / average wage)",
    "fiscal_cost": "subsidies paid, {unit} a year",
}
_LEVEL_COLOURS = {
    "central": "tab:red",
    "province": "tab:orange",
    "city": "tab:blue",
    "county": "tab:green",
}


def _scenario_names(comparison: xr.Dataset) -> list[str]:
    if "scenario" not in comparison.dims:
        raise ValueError(
            "dataset has no 'scenario' dim: pass the Dataset that actuarial.compare() returns"
        )
    return codes(comparison, "scenario")


def _overlay_series(
    comparison: xr.Dataset, scheme: str, variable: str, county: str | None, level: str | None
) -> xr.DataArray:
    """``variable`` of ``scheme`` by (scenario, year), with its county and level chosen."""
    if variable not in comparison.data_vars:
        yearly = [str(v) for v in comparison.data_vars if "year" in comparison[v].dims]
        raise ValueError(
            f"variable {variable!r} not in the comparison; variables by year: {', '.join(yearly)}"
        )
    data = comparison[variable]
    if "year" not in data.dims:
        raise ValueError(
            f"variable {variable!r} has no 'year' dim: scenario_overlay draws curves by year"
        )
    pick(comparison, "scheme", scheme)
    data = data.sel(scheme=scheme, drop=True)
    if "county" in data.dims:
        if county is None:
            raise ValueError(
                f"variable {variable!r} is per county: pass county= (one of "
                f"{', '.join(codes(comparison, 'county'))})"
            )
        pick(comparison, "county", county)
        data = data.sel(county=county, drop=True)
    elif county is not None:
        raise ValueError(f"variable {variable!r} has no county dim; county= does not apply")
    if "level" in data.dims:
        if level is None:
            data = data.sum("level", min_count=1, keep_attrs=True)
        else:
            pick(comparison, "level", level)
            data = data.sel(level=level, drop=True)
    elif level is not None:
        raise ValueError(f"variable {variable!r} has no level dim; level= does not apply")
    if not bool(data.notnull().any()):
        if variable.removeprefix("delta_").startswith("p_"):
            raise no_fund_error(scheme, f"{variable!r} is NaN in every scenario")
        raise ValueError(f"{variable!r} of scheme {scheme!r} is NaN in every scenario")
    return data


def _chosen_scenarios(names: list[str], scenarios: Sequence[str] | None) -> list[str]:
    """The baseline, then the scenarios asked for (all by default), each once."""
    if scenarios is None:
        return names
    chosen = [names[0]]
    for name in scenarios:
        if name not in names:
            raise ValueError(
                f"scenario {name!r} not in the comparison; available: {', '.join(names)}"
            )
        if name not in chosen:
            chosen.append(name)
    return chosen


def _overlay_axis(
    variable: str, data: xr.DataArray, unit: Unit | None, chinese: bool
) -> tuple[str, float]:
    """The y label and the divisor of the values (a money unit's, else 1)."""
    base = variable.removeprefix("delta_")
    template = _OVERLAY_LABELS.get(base, str(data.attrs.get("long_name", base)))
    divisor = 1.0
    label = template
    if data.attrs.get("units") == "CNY" or base == "fiscal_cost":
        unit = unit or pick_unit(data.values)
        divisor = UNITS[unit][0]
        if "{unit}" in template:
            label = template.replace("{unit}", unit_label(unit, chinese))
        else:
            label = f"{template}, {unit_label(unit, chinese)}"
    if variable.startswith("delta_"):
        label = f"change from the baseline: {label}"
    return label, divisor


def _overlay_where(base: str, county: str | None, level: str | None, chinese: bool) -> str:
    if base == "p_depleted":
        return county_label(county, chinese)
    if base == "p_any_county_depleted":
        return ANY_LABEL
    if base == "fiscal_cost":
        return "all levels of government" if level is None else LEVEL_LABELS.get(level, level)
    return county_label(None, chinese)


def scenario_overlay(
    comparison: xr.Dataset,
    scheme: str,
    variable: str = "p_depleted_city",
    *,
    county: str | None = None,
    level: str | None = None,
    scenarios: Sequence[str] | None = None,
    ax: Axes | None = None,
    unit: Unit | None = None,
    chinese: bool = False,
) -> Axes:
    """One curve by year per scenario of a :func:`actuarial.comparison` result: the baseline
    (the first scenario) in black, each other scenario in colour.

    ``variable`` is any comparison variable with a ``year`` dim: ``p_depleted_city``
    (default), ``p_any_county_depleted``, ``p_depleted`` (per county: pass ``county``),
    ``replacement_rate``, ``fiscal_cost`` (summed over the levels of government unless
    ``level`` is given; money in ``unit``, picked by magnitude when None), or their
    ``delta_`` changes from the baseline. ``scenarios`` picks some (the baseline is always
    drawn). A scheme without a fund has no probability to chart: an error names it.
    """
    names = _scenario_names(comparison)
    data = _overlay_series(comparison, scheme, variable, county, level)
    chosen = _chosen_scenarios(names, scenarios)
    ylabel, divisor = _overlay_axis(variable, data, unit, chinese)

    ax = new_axes(ax, figsize=(9.0, 4.8))
    years = data["year"].values
    for i, name in enumerate(chosen):
        values = data.sel(scenario=name).values / divisor
        label = displayable(name, f"scenario {names.index(name)}")
        if i == 0:
            label = label if label == "baseline" else f"{label} (baseline)"
            ax.plot(years, values, color="black", lw=2.4, label=label)
        else:
            ax.plot(years, values, lw=1.8, label=label, **line_style(i - 1))
    base = variable.removeprefix("delta_")
    if base.startswith("p_") and not variable.startswith("delta_"):
        ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel, **font_kwargs(ylabel))
    n = len(chosen) - 1
    where = _overlay_where(base, county, level, chinese)
    set_title(
        ax,
        f"{scheme_label(scheme, chinese, newline=True)}\n{where}: "
        f"baseline and {n} scenario{'s' if n != 1 else ''}{draws_note(comparison)}",
    )
    # Below the axes: scenario names (their reforms' specs) can be long.
    legend(ax, loc="upper left", bbox_to_anchor=(0.0, -0.14), fontsize="small", frameon=False)
    return ax


def _schemes_note(schemes: list[str], all_schemes: list[str], chinese: bool) -> str:
    if schemes == all_schemes:
        return "all schemes"
    if len(schemes) == 1:
        return scheme_label(schemes[0], chinese)
    return f"{len(schemes)} schemes"


def fiscal_cost_chart(
    data: xr.Dataset,
    scenario: str | None = None,
    *,
    schemes: Sequence[str] | None = None,
    summed: Literal["pv", "total"] | None = None,
    ax: Axes | None = None,
    unit: Unit | None = None,
    chinese: bool = False,
) -> Axes:
    """What each level of government pays, stacked: central, province, city, county.

    ``data`` is a projection (``subsidy_central`` ... ``subsidy_county``, mean over the
    draws; a streamed run's sample) or a :func:`actuarial.comparison` result (its
    ``fiscal_cost``; ``scenario`` names one, the baseline by default). By year as stacked
    areas, summed over ``schemes`` (default all). With a comparison, ``summed="pv"`` or
    ``"total"`` draws instead one stacked bar per scenario of the present value
    (``fiscal_cost_pv``) or the undiscounted sum (``fiscal_cost_total``) over the run.
    Money in ``unit``, picked by magnitude when None.
    """
    is_comparison = "fiscal_cost" in data.data_vars and "scenario" in data.dims
    all_schemes = codes(data, "scheme")
    chosen = all_schemes if schemes is None else picks(data, "scheme", schemes)
    what = _schemes_note(chosen, all_schemes, chinese)
    if summed is not None:
        if not is_comparison:
            raise ValueError("summed= needs a comparison (actuarial.compare()) Dataset")
        if summed not in ("pv", "total"):
            raise ValueError(f"summed must be 'pv' or 'total', got {summed!r}")
        if scenario is not None:
            raise ValueError("summed= draws every scenario: leave scenario None")
        return _fiscal_bars(data, chosen, what, summed, ax=ax, unit=unit, chinese=chinese)

    if is_comparison:
        names = _scenario_names(data)
        name = names[0] if scenario is None else scenario
        if name not in names:
            raise ValueError(
                f"scenario {name!r} not in the comparison; available: {', '.join(names)}"
            )
        cost = data["fiscal_cost"].sel(scenario=name, scheme=chosen).sum("scheme")
        cost = cost.sel(level=list(LEVELS)).transpose("level", "year")
        heading = f"{displayable(name, 'scenario')}, {what}{draws_note(data)}"
    else:
        if scenario is not None:
            raise ValueError("scenario= needs a comparison (actuarial.compare()) Dataset")
        missing = [f"subsidy_{lv}" for lv in LEVELS if f"subsidy_{lv}" not in data.data_vars]
        if missing:
            raise ValueError(
                f"dataset has no {', '.join(missing)}: pass a projection or a comparison"
            )
        import xarray as xr

        parts = [data[f"subsidy_{lv}"].sel(scheme=chosen) for lv in LEVELS]
        if parts[0].sizes.get("draw", 1) == 0:
            raise ValueError(
                "'subsidy_central' has no draws: a keep='summary' run keeps the flows of its "
                "first `sample` draws only; run it with sample >= 1"
            )
        by_level = []
        for part in parts:
            total = part.sum([d for d in ("county", "scheme") if d in part.dims])
            by_level.append(total.mean("draw") if "draw" in total.dims else total)
        cost = xr.concat(by_level, dim="level").transpose("level", "year")
        heading = f"{what}, mean{draws_note(data, sample=True)}"

    values = cost.values.astype(np.float64)
    if unit is None:
        unit = pick_unit(values.sum(axis=0))
    divisor = UNITS[unit][0]
    years = cost["year"].values
    ax = new_axes(ax, figsize=(9.0, 4.8))
    ax.stackplot(
        years,
        np.nan_to_num(values / divisor),
        labels=[LEVEL_LABELS[lv] for lv in LEVELS],
        colors=[_LEVEL_COLOURS[lv] for lv in LEVELS],
        alpha=0.8,
    )
    ax.set_xlabel("year")
    ylabel = f"subsidies paid, {unit_label(unit, chinese)} a year"
    ax.set_ylabel(ylabel, **font_kwargs(ylabel))
    ax.set_ylim(bottom=0.0)
    set_title(ax, f"Fiscal cost by level of government\n{heading}")
    # Top of the stack first, as the areas read from the top.
    handles, labels = ax.get_legend_handles_labels()
    legend(ax, handles=handles[::-1], labels=labels[::-1], loc="upper left", fontsize="small")
    return ax


def _fiscal_bars(
    data: xr.Dataset,
    chosen: list[str],
    what: str,
    summed: Literal["pv", "total"],
    *,
    ax: Axes | None,
    unit: Unit | None,
    chinese: bool,
) -> Axes:
    names = _scenario_names(data)
    var = "fiscal_cost_pv" if summed == "pv" else "fiscal_cost_total"
    if var not in data.data_vars:
        raise ValueError(f"comparison has no {var!r} variable")
    cost = data[var].sel(scheme=chosen).sum("scheme").sel(level=list(LEVELS))
    values = cost.transpose("level", "scenario").values.astype(np.float64)
    if unit is None:
        unit = pick_unit(values.sum(axis=0))
    divisor = UNITS[unit][0]
    # One horizontal bar per scenario, the baseline on top: the names stay readable.
    ax = new_axes(ax, figsize=(9.0, 2.0 + 0.5 * len(names)))
    y = np.arange(len(names))
    left = np.zeros(len(names))
    for lv, row in zip(LEVELS, values / divisor, strict=True):
        ax.barh(y, row, left=left, color=_LEVEL_COLOURS[lv], label=LEVEL_LABELS[lv])
        left += np.nan_to_num(row)
    labels = [displayable(n, f"scenario {i}") for i, n in enumerate(names)]
    ax.set_yticks(y, labels, **font_kwargs(*labels))
    ax.invert_yaxis()
    # The present value is at the start of the base year (compare()'s fiscal_cost_pv).
    kind = "present value" if summed == "pv" else "undiscounted"
    xlabel = f"subsidies paid over the run, {unit_label(unit, chinese)}"
    ax.set_xlabel(xlabel, **font_kwargs(xlabel))
    set_title(ax, f"Fiscal cost by level of government, {kind}\n{what}{draws_note(data)}")
    legend(ax, loc="upper left", bbox_to_anchor=(0.0, -0.16), ncol=2,
           fontsize="small", frameon=False)  # fmt: skip
    return ax
