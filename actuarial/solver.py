"""``solve()``: the lever setting that keeps a fund's probability of running out under a
target: the smallest contribution rate or subsidy, or the largest indexation.

A lever is a numeric parameter of a reform (``contribution_rate.factor``,
``fiscal_top_up.share`` ...). Each trial value is a projection on the same seed and draws
(common random numbers), so the probability is a deterministic, step-wise function of the
lever, and bisection finds the smallest value that meets the target to the requested
tolerance (the lever must act in one direction: for a contribution rate or a subsidy more
of it means less risk and the smallest value is sought; for indexation more of it means
more risk and the largest is sought).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from actuarial.assumptions import Assumptions

__all__ = ["LEVERS", "Solution", "solve"]

#: Lever name -> (reform, parameter, default search range, what it means, direction:
#: +1 if more of it lowers the risk, so the smallest value is sought; -1 the largest).
LEVERS: dict[str, tuple[str, str, tuple[float, float], str, int]] = {
    "contribution_rate": (
        "contribution_rate", "factor", (1.0, 3.0),
        "multiplier of the scheme's contribution rate from the effective year", 1,
    ),
    "subsidy": (
        "fiscal_top_up", "share", (0.0, 1.0),
        "yearly budget subsidy into the fund as a share of its outgo", 1,
    ),
    "indexation": (
        "indexation", "factor", (0.0, 1.0),
        "multiplier of the yearly raise of pensions in payment", -1,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Solution:
    """The solved lever value and the trials that led to it."""

    lever: str
    reform: str
    parameter: str
    value: float
    p_depleted: float
    target: float
    scheme: str
    by_year: int
    where: str
    year: int
    draws: int
    seed: int
    trials: list[tuple[float, float]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.lever} = {self.value:.4g} ({self.reform}.{self.parameter} from {self.year}) "
            f"keeps P({self.scheme} depleted by {self.by_year}, {self.where}) at "
            f"{self.p_depleted:.3f} <= {self.target} ({self.draws} draws, seed {self.seed}, "
            f"{len(self.trials)} projections)"
        )


def _probability(ds: Any, scheme: str, by_year: int, where: str) -> float:
    solv = ds.sel(scheme=[scheme]).solvency
    if where in ("city", "any"):
        p = solv.depletion_probability(aggregate=where)
    else:
        p = solv.depletion_probability().sel(county=where)
    value = float(p.sel(scheme=scheme, year=by_year))
    return 0.0 if np.isnan(value) else value


def _lever(lever: str) -> tuple[str, str, tuple[float, float], int]:
    """(reform, parameter, default range, direction) of a lever name or
    ``reform.parameter`` (direction +1: more of it, less risk)."""
    from actuarial.reforms import available

    if lever in LEVERS:
        reform_name, param, bounds, _, direction = LEVERS[lever]
        return reform_name, param, bounds, direction
    if "." in lever:
        reform_name, _, param = lever.partition(".")
        cls = available().get(reform_name)
        if cls is not None and param in cls.model_fields and "schemes" in cls.model_fields:
            return reform_name, param, (0.0, 1.0), 1
    raise ValueError(
        f"lever: got {lever!r}; allowed: {', '.join(LEVERS)} or 'reform.parameter' of a "
        "reform with a schemes parameter (see `actuarial reforms`)"
    )


def _check(scheme: str, where: str, target: float, tolerance: float) -> None:
    from actuarial.registry import counties
    from actuarial.registry import schemes as all_schemes

    if scheme not in all_schemes():
        raise ValueError(f"scheme: got {scheme!r}; allowed: {', '.join(all_schemes())}")
    if where not in ("city", "any", *counties()):
        raise ValueError(
            f"where: got {where!r}; allowed: city, any or a county ({', '.join(counties())})"
        )
    if not 0.0 <= float(target) < 1.0:
        raise ValueError(f"target: got {target!r}; allowed: a probability in [0, 1)")
    if not tolerance > 0:
        raise ValueError(f"tolerance: got {tolerance!r}; must be positive")


def solve(
    lever: str,
    *,
    scheme: str,
    by_year: int,
    target: float = 0.05,
    where: str = "city",
    year: int = 2015,
    low: float | None = None,
    high: float | None = None,
    tolerance: float = 1e-3,
    assumptions: Assumptions | str | Path | None = None,
    reforms: Sequence[Any] = (),
    draws: int = 200,
    seed: int = 0,
    process_risk: bool = True,
    schemes: Sequence[str] | None = None,
    progress: Callable[[float, float], None] | None = None,
) -> Solution:
    """The smallest value of ``lever`` in [low, high] with P(``scheme`` depleted by
    ``by_year``) <= ``target`` (the largest, for a lever that adds risk: indexation).

    Parameters
    ----------
    lever
        A name of :data:`LEVERS` ("contribution_rate", "subsidy", "indexation") or
        ``"reform.param"``
        for any numeric reform parameter (the reform must accept ``schemes``).
    scheme, by_year, target
        The fund, the year and the largest acceptable probability of depletion by then.
    where
        "city" (the counties' funds summed), "any" (any county's own fund) or a county code.
    year
        The lever's effective year.
    low, high, tolerance
        Search range (default the lever's) and the width at which bisection stops.
    assumptions, reforms
        The scenario the lever is added to (default the packaged baseline, no reforms).
    draws, seed, process_risk
        As in :func:`actuarial.project`, the same for every trial.
    schemes
        Schemes to project (default just ``scheme``: the others do not affect it).
    progress
        Called with (trial value, probability) after each projection.

    Raises
    ------
    ValueError
        For an unknown lever, scheme, county or year, or a target not met even at ``high``.
    """
    from actuarial.projection import project
    from actuarial.reforms import coerce, make

    reform_name, param, (lo_default, hi_default), direction = _lever(lever)
    _check(scheme, where, target, tolerance)
    lo = lo_default if low is None else float(low)
    hi = hi_default if high is None else float(high)
    if not lo < hi:
        raise ValueError(f"low, high: got {lo}, {hi}; low must be below high")
    base_reforms = coerce(list(reforms))
    run_schemes = list(schemes) if schemes is not None else [scheme]
    if scheme not in run_schemes:
        run_schemes.append(scheme)
    trials: list[tuple[float, float]] = []

    def p_at(x: float) -> float:
        reform = make(reform_name, year=year, schemes=[scheme], **{param: x})
        ds = project(
            assumptions, draws=draws, seed=seed, end=by_year, process_risk=process_risk,
            schemes=run_schemes, reforms=(*base_reforms, reform),
        )  # fmt: skip
        p = _probability(ds, scheme, by_year, where)
        trials.append((x, p))
        if progress is not None:
            progress(x, p)
        return p

    def solution(x: float, p: float) -> Solution:
        return Solution(
            lever=lever, reform=reform_name, parameter=param, value=x, p_depleted=p,
            target=float(target), scheme=scheme, by_year=by_year, where=where, year=year,
            draws=draws, seed=seed, trials=trials,
        )  # fmt: skip

    # Search from the end where the lever is weakest: ``good`` meets the target, ``bad``
    # does not; bisection keeps them so until they are ``tolerance`` apart.
    weak, strong = (lo, hi) if direction > 0 else (hi, lo)
    p_weak = p_at(weak)
    if p_weak <= target:
        return solution(weak, p_weak)
    p_strong = p_at(strong)
    if p_strong > target:
        raise ValueError(
            f"target: P({scheme} depleted by {by_year}, {where}) is {p_strong:.3f} even at "
            f"{lever} = {strong} (the end of the search range); widen the range or raise "
            "the target"
        )
    bad, good, p_good = weak, strong, p_strong
    while abs(good - bad) > tolerance:
        mid = 0.5 * (bad + good)
        p_mid = p_at(mid)
        if p_mid <= target:
            good, p_good = mid, p_mid
        else:
            bad = mid
    return solution(good, p_good)
