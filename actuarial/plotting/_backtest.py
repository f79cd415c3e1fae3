"""The back-test chart: each claims fund's model fan against the report's history
(:func:`actuarial.backtest.run_backtest`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

import numpy as np

from actuarial.plotting._base import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from actuarial.backtest import BacktestResult, FundBacktest


def _panel(ax: Axes, f: FundBacktest) -> None:
    """One fund: for each tabled series the model's median and 90 % band against the
    reported points (hollow: reported but not used), holdout years shaded; 万元, log scale."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    from actuarial.backtest import _COLOURS, _WAN, BAND

    h = f.history
    years = h.years.astype(np.float64)
    k = h.n_fit
    lo, mid, hi = range(len(BAND))
    ax.axvspan(years[k] - 0.5, years[-1] + 0.5, color="0.9", lw=0)
    handles: list[Line2D | Patch] = []
    any_unused = False
    for s in h.series:
        if s.variable is None:
            continue
        colour = _COLOURS.get(s.key, "tab:gray")
        band = f.fan[s.key] / _WAN
        ax.fill_between(years[:k], band[lo, :k], band[hi, :k], color=colour, alpha=0.2, lw=0)
        ax.plot(years[:k], band[mid, :k], color=colour, lw=1.8)
        # The holdout forecast starts at its origin, the last fit year: at the printed
        # balance for the balance (the model restarts there), on the fitted path for flows.
        origin = band[:, k - 1].copy()
        if s.key == "balance":
            origin[:] = s.reported[k - 1] / _WAN
        hx = np.concatenate([[years[k - 1]], years[k:]])
        hb = np.concatenate([origin[:, None], band[:, k:]], axis=1)
        ax.fill_between(hx, hb[lo], hb[hi], color=colour, alpha=0.2, lw=0)
        ax.plot(hx, hb[mid], color=colour, lw=1.8, ls="--")
        ok = ~np.isnan(s.reported)
        used = ok & s.used
        ax.scatter(years[used], s.reported[used] / _WAN, color=colour, s=22, zorder=3)
        unused = ok & ~s.used
        if unused.any():
            any_unused = True
            ax.scatter(years[unused], s.reported[unused] / _WAN, facecolors="none",
                       edgecolors=colour, s=30, zorder=3)  # fmt: skip
        handles.append(Patch(color=colour, alpha=0.5, label=s.label))
    handles += [
        Line2D([], [], color="0.3", lw=1.8, label="model median, fit years"),
        Line2D([], [], color="0.3", lw=1.8, ls="--", label="model median, holdout"),
        Line2D([], [], color="0.3", ls="", marker="o", label="report"),
    ]
    if any_unused:
        hollow = Line2D([], [], color="0.3", ls="", marker="o", mfc="none")
        hollow.set_label("report, not used (CHECKS)")
        handles.append(hollow)
    handles.append(Patch(color="0.9", label="holdout years"))
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year")
    ax.set_ylabel("CNY 10,000 (wan), log scale")
    ax.set_title(h.label)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2,
              fontsize="small", frameon=False)  # fmt: skip


@overload
def backtest_chart(result: BacktestResult, fund: None = None, *, ax: None = None) -> Figure: ...


@overload
def backtest_chart(result: BacktestResult, fund: str, *, ax: Axes | None = None) -> Axes: ...


def backtest_chart(
    result: BacktestResult, fund: str | None = None, *, ax: Axes | None = None
) -> Figure | Axes:
    """The back-test against the report's history: the model's median and 90 % band of
    each tabled series in the fit years (solid) and the held-out years (dashed, shaded),
    the reported points (hollow: reported but not used in the fit), 万元 on a log scale.

    Without ``fund``: one panel per fund on a new figure, returned (as
    :func:`actuarial.backtest.backtest_chart` draws it). With ``fund`` (``"unemployment"``,
    ``"work_injury_enterprise"``, ``"resident_medical"``): that fund's panel on ``ax`` (or
    new axes), returned.
    """
    funds = {f.history.fund: f for f in result.funds}
    if fund is None:
        if ax is not None:
            raise ValueError(
                "backtest_chart: ax= draws one fund's panel; pass fund= (one of "
                f"{', '.join(funds)})"
            )
        from matplotlib.figure import Figure

        from actuarial.backtest import HOLDOUT_YEARS

        n = len(result.funds)
        fig = Figure(figsize=(5.2 * n, 5.0), layout="constrained")
        for panel, f in zip(fig.subplots(1, n, squeeze=False).ravel(), result.funds, strict=True):
            _panel(panel, f)
        fig.suptitle(
            f"Back-test: each fund's model fitted on all but its last {HOLDOUT_YEARS} years, "
            f"vs the report (bands: 90 % of {result.draws} draws, seed {result.seed})"
        )
        return fig
    if fund not in funds:
        raise ValueError(f"fund {fund!r} not in the back-test; available: {', '.join(funds)}")
    ax = new_axes(ax, figsize=(5.6, 5.0))
    _panel(ax, funds[fund])
    return ax
