"""The tornado chart: how far each assumption, at a low and a high value, moves a fund's
median year of depletion.

Every run uses the same seed and draw indices, so each draw meets the same shocks in every
run (common random numbers, as in :func:`actuarial.comparison`): the bars are the
assumptions' effects, not sampling noise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from actuarial.plotting._base import (
    ANY_LABEL,
    county_label,
    legend,
    new_axes,
    scheme_label,
    set_title,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from actuarial.assumptions import Assumptions

#: An assumption's key path in the assumptions TOML, its low value and its high value.
AssumptionRange = tuple[str, Any, Any]


@dataclass(frozen=True)
class TornadoRow:
    """One assumption: its values and the median year of depletion at each.

    Years are floats; ``inf`` means the median lies beyond the run (fewer than half of
    the draws are depleted by its last year).
    """

    key: str
    low: Any
    high: Any
    baseline_value: Any
    at_low: float
    at_high: float


@dataclass(frozen=True)
class TornadoData:
    """The inputs of :func:`tornado_chart`, from :func:`tornado_data`."""

    scheme: str
    county: str | None
    aggregate: str
    baseline: float
    rows: tuple[TornadoRow, ...]
    draws: int
    seed: int
    end_year: int

    def capped(self, year: float) -> float:
        """``year``, or the year after the run for a median beyond it."""
        return float(self.end_year + 1) if math.isinf(year) else float(year)

    def swing(self, row: TornadoRow) -> float:
        """Years between the row's two medians (beyond the run counts as the year after)."""
        return abs(self.capped(row.at_high) - self.capped(row.at_low))

    def to_frame(self) -> pd.DataFrame:
        """One row per assumption: values, medians and their changes from the baseline."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "assumption": r.key,
                    "baseline value": r.baseline_value,
                    "low": r.low,
                    "high": r.high,
                    "median horizon at low": r.at_low,
                    "median horizon at high": r.at_high,
                    "change at low": r.at_low - self.baseline,
                    "change at high": r.at_high - self.baseline,
                }
                for r in self.rows
            ]
        )


def _nested(key: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    node = out
    parts = key.split(".")
    for part in parts[:-1]:
        node[part] = {}
        node = node[part]
    node[parts[-1]] = value
    return out


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in extra.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _value_at(a: Assumptions, key: str) -> Any:
    node: Any = a.model_dump()
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None  # load_assumptions names the bad key when the overrides are applied
        node = node[part]
    return node


def tornado_data(
    scheme: str,
    assumptions: Sequence[AssumptionRange],
    *,
    county: str | None = None,
    aggregate: Literal["city", "any"] = "city",
    draws: int = 100,
    seed: int = 0,
    end: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    reforms: Any = None,
    schemes: Sequence[str] | None = None,
    process_risk: bool = True,
) -> TornadoData:
    """Project the fund at each assumption's low and high value and take its median year
    of depletion.

    ``assumptions`` lists ``(key path, low, high)``, e.g. ``("economy.fund_return", 0.015,
    0.035)``; the key path is that of the assumptions TOML (``actuarial assumptions``).
    Each value is applied alone on top of the baseline (the packaged assumptions with
    ``overrides``, a nested dict as in :func:`actuarial.load_assumptions`, and
    ``reforms``); an unknown key or a value out of range is an error naming the key. The
    fund: ``scheme`` in ``county``'s own fund, or city-wide by ``aggregate`` (``"city"``,
    the counties' funds summed; ``"any"``, the first county fund to run out). Only
    ``scheme`` is projected unless ``schemes`` says otherwise (a fund's results do not
    depend on which others are run; name them when ``reforms`` move money between funds).
    1 + 2 x len(assumptions) runs of ``draws`` draws each, on common random numbers.
    """
    from actuarial import registry
    from actuarial.assumptions import load_assumptions
    from actuarial.projection import project
    from actuarial.solvency import SolvencyAccessor, nearest_rank

    try:
        record = registry.scheme(scheme)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    if not record.has_fund:
        raise ValueError(
            f"scheme {scheme!r} has no fund (e.g. the dibao is paid from budgets): no year "
            "of depletion for a tornado chart"
        )
    if county is not None:
        try:
            registry.county(county)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
    elif aggregate not in ("city", "any"):
        raise ValueError(f"aggregate must be 'city' or 'any', got {aggregate!r}")
    if not assumptions:
        raise ValueError("assumptions: give at least one (key path, low, high)")
    keys = []
    for i, item in enumerate(assumptions):
        if not (isinstance(item, tuple | list) and len(item) == 3 and isinstance(item[0], str)):
            raise ValueError(f"assumptions[{i}]: got {item!r}; expected (key path, low, high)")
        keys.append(item[0])
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"assumptions: each key once; repeated: {', '.join(repeated)}")

    base_overrides = dict(overrides or {})
    run_schemes = list(schemes) if schemes is not None else ([scheme] if reforms is None else None)
    kind = "county" if county is not None else aggregate

    def median(a: Assumptions) -> tuple[float, int]:
        ds = project(
            a, draws=draws, seed=seed, end=end, schemes=run_schemes, reforms=reforms,
            process_risk=process_risk, keep="summary", sample=0,
        )  # fmt: skip
        horizon = SolvencyAccessor(ds)._horizon_inf(kind).sel(scheme=scheme)
        if county is not None:
            horizon = horizon.sel(county=county)
        return float(nearest_rank(horizon.values, 50)), int(ds.attrs["end_year"])

    base = load_assumptions(overrides=base_overrides)
    # Every value is checked before the first run: a typo in the last key costs nothing.
    varied = [
        (
            load_assumptions(overrides=_merge(base_overrides, _nested(key, low))),
            load_assumptions(overrides=_merge(base_overrides, _nested(key, high))),
        )
        for key, low, high in assumptions
    ]
    baseline, end_year = median(base)
    rows = []
    for (key, low, high), (a_low, a_high) in zip(assumptions, varied, strict=True):
        rows.append(
            TornadoRow(
                key=key,
                low=low,
                high=high,
                baseline_value=_value_at(base, key),
                at_low=median(a_low)[0],
                at_high=median(a_high)[0],
            )
        )
    return TornadoData(
        scheme=scheme,
        county=county,
        aggregate=kind,
        baseline=baseline,
        rows=tuple(rows),
        draws=draws,
        seed=seed,
        end_year=end_year,
    )


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def tornado_chart(data: TornadoData, *, ax: Axes | None = None, chinese: bool = False) -> Axes:
    """Horizontal bars from the baseline's median year of depletion to the median at each
    assumption's low value (blue, upper bar of a row) and high value (orange, lower bar),
    the assumption with the widest swing on top. A median beyond the run is drawn to the
    year after it, hatched. ``data`` comes from :func:`tornado_data`.
    """
    from matplotlib.ticker import MaxNLocator

    if not data.rows:
        raise ValueError("tornado_chart: the data has no assumptions")
    order = sorted(data.rows, key=data.swing)  # widest last: at the top of the axes
    base = data.capped(data.baseline)
    ax = new_axes(ax, figsize=(9.0, 2.2 + 0.6 * len(order)))
    height = 0.38
    beyond = f">{data.end_year}"
    for i, row in enumerate(order):
        for year, offset, colour, label in (
            (row.at_low, height / 2, "tab:blue", "low value"),
            (row.at_high, -height / 2, "tab:orange", "high value"),
        ):
            end = data.capped(year)
            ax.barh(
                i + offset, end - base, left=base, height=height, color=colour,
                hatch="//" if math.isinf(year) else None, edgecolor="white", lw=0.4,
                label=label if i == 0 else None,
            )  # fmt: skip
            # The median at the bar's end: a bar of no width still says where it is.
            ax.text(
                end, i + offset, f" {beyond if math.isinf(year) else int(year)} ",
                ha="left" if end >= base else "right", va="center", fontsize="x-small",
            )  # fmt: skip
    base_text = beyond if math.isinf(data.baseline) else f"{int(data.baseline)}"
    ax.axvline(base, color="black", lw=1.2, label=f"baseline {base_text}")
    labels = [
        f"{r.key}\n{_fmt(r.low)} / {_fmt(r.high)}"
        + ("" if r.baseline_value is None else f" (baseline {_fmt(r.baseline_value)})")
        for r in order
    ]
    ax.set_yticks(range(len(order)), labels, fontsize="small")
    lo = min(min(data.capped(r.at_low), data.capped(r.at_high)) for r in order)
    hi = max(max(data.capped(r.at_low), data.capped(r.at_high)) for r in order)
    pad = max(2.0, 0.12 * (max(hi, base) - min(lo, base)))
    ax.set_xlim(min(lo, base) - pad, max(hi, base) + pad)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"median year of depletion ({beyond}: beyond the run)")
    if data.county is not None:
        where = county_label(data.county, chinese)
    elif data.aggregate == "any":
        where = ANY_LABEL
    else:
        where = county_label(None, chinese)
    title = (
        f"Effect of each assumption on the median year of depletion\n"
        f"{scheme_label(data.scheme, chinese, newline=True)}\n"
        f"{where} ({data.draws} draws, seed {data.seed})"
    )
    set_title(ax, title)
    legend(ax, loc="lower right", fontsize="small")
    return ax
