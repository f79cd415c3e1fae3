"""Helpers shared by the reforms of the claims schemes: a change to a scheme's kernel
inputs from a year on (the kernels take them for the whole horizon), and fund mergers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from actuarial.reforms._base import ReformError

if TYPE_CHECKING:
    from actuarial.claims import ClaimsScheme
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk
    from actuarial.scenarios import EconomicPaths

__all__ = ["change_from", "in_force", "merge_into", "require_pair"]

F64 = NDArray[np.float64]


class _FromYear:
    """Mixed into a claims scheme's class (see :func:`change_from`): the scheme's own fields
    are its kernel inputs from year index ``from_year`` on, ``before`` the scheme of the
    years before it.

    The claims kernels take most inputs (a premium, a rate, benefit rules, dibao lines) for
    the whole horizon. A change from a year on is made by running the kernel on both input
    sets, on the same draws, paths and population, and keeping ``before``'s years before
    ``from_year`` and this scheme's from it on; interest and balances are then settled
    again from ``from_year`` exactly as the kernels settle them (the contract of
    ``actuarial.claims``). This is exact when the changed inputs alter no random number and
    no state carried from year to year other than the balance: true of premiums,
    contribution rates, benefit rules and dibao lines, which the kernels use only in the
    year's flows (the counts of insured, claims and recipients are drawn apart from them).
    The scheme stays an instance of its class, so a reform reading its parameters (from
    ``Model.claims_scheme`` or ``Chunk.model``) sees those in force at the end."""

    before: Any
    from_year: int
    opening_balance: F64
    has_fund: bool

    def run_chunk(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        population: F64,
        *,
        process_risk: bool,
    ) -> F64:
        """``[len(CLAIMS_VARIABLES), len(ids), counties, years]``: ``before``'s years before
        ``from_year``, this scheme's from it, balances settled again."""
        from actuarial.claims import CLAIMS_VARIABLES

        new: F64 = super().run_chunk(  # type: ignore[misc]
            seed, ids, paths, population, process_risk=process_risk
        )
        y0 = self.from_year
        n_years = new.shape[-1]
        if self.before is None or y0 <= 0 or y0 >= n_years:
            return new
        out: F64 = self.before.run_chunk(seed, ids, paths, population, process_risk=process_risk)
        out[..., y0:] = new[..., y0:]
        if not self.has_fund:
            return out
        v = {name: i for i, name in enumerate(CLAIMS_VARIABLES)}
        r = np.asarray(paths.fund_return, dtype=np.float64)
        prev = out[v["balance"], :, :, y0 - 1]
        for t in range(y0, n_years):
            contributions = out[v["contributions"], :, :, t]
            subsidies = out[v["subsidies"], :, :, t]
            benefits = out[v["benefits"], :, :, t]
            other = out[v["other_outgo"], :, :, t]
            # In the order of kernels.fund.settle_year, so the identity holds bit for bit.
            net = contributions + subsidies - (benefits + other)
            interest = r[:, t, None] * (prev + 0.5 * net)
            out[v["interest"], :, :, t] = interest
            out[v["balance"], :, :, t] = (
                prev + (contributions + subsidies + interest) - (benefits + other)
            )
            prev = out[v["balance"], :, :, t]
        return out


#: Plain scheme class -> its class with :class:`_FromYear` mixed in.
_FROM_YEAR_CLASSES: dict[type, type] = {}


def _plain_class(scheme: Any) -> type:
    cls: type = type(scheme)
    return cls.__mro__[2] if issubclass(cls, _FromYear) else cls


def _plain(scheme: Any) -> Any:
    """The scheme's inputs as an instance of its plain class (no years before)."""
    cls = _plain_class(scheme)
    if cls is type(scheme):
        return scheme
    return cls(**{f.name: getattr(scheme, f.name) for f in dataclasses.fields(cls)})


def _from_year(top: Any, before: Any, from_year: int) -> Any:
    """``top``'s inputs from ``from_year`` on, ``before`` earlier: an instance of a
    dataclass derived from ``top``'s class."""
    cls = type(top)
    sub = _FROM_YEAR_CLASSES.get(cls)
    if sub is None:
        sub = dataclasses.make_dataclass(
            f"{cls.__name__}FromYear",
            [("before", Any, field(default=None)), ("from_year", int, field(default=0))],
            bases=(_FromYear, cls),
            eq=False,
        )
        sub.__module__ = __name__
        _FROM_YEAR_CLASSES[cls] = sub
    values = {f.name: getattr(top, f.name) for f in dataclasses.fields(cls)}
    return sub(**values, before=before, from_year=from_year)


def in_force(scheme: ClaimsScheme, y0: int) -> ClaimsScheme:
    """The plain scheme (kernel inputs) in force in year index ``y0``."""
    while isinstance(scheme, _FromYear) and y0 < scheme.from_year:
        scheme = scheme.before
    plain: ClaimsScheme = _plain(scheme)
    return plain


def change_from(
    scheme: ClaimsScheme, y0: int, change: Callable[[Any], ClaimsScheme]
) -> ClaimsScheme:
    """``scheme`` with ``change`` applied to its kernel inputs from year index ``y0`` on;
    earlier changes keep their own years. ``change`` receives a plain scheme (of the class
    the claims module built) and returns a new one (``dataclasses.replace``)."""
    top = change(_plain(scheme))
    if isinstance(scheme, _FromYear) and y0 < scheme.from_year:
        # The change reaches back before the scheme's own switch: change its past too.
        out: ClaimsScheme = _from_year(
            top, change_from(scheme.before, y0, change), scheme.from_year
        )
        return out
    if y0 <= 0:
        return top  # every year changes: one run
    last: ClaimsScheme = _from_year(top, scheme, y0)
    return last


def require_pair(model: Model, name: str, codes: tuple[str, str]) -> bool:
    """True if the run includes both schemes of a merger, False if neither; a
    :class:`ReformError` naming the missing one if only one (a merger needs both)."""
    present = [model.claims_scheme(code) is not None for code in codes]
    if all(present):
        return True
    if any(present):
        missing = codes[present.index(False)]
        raise ReformError(
            f"reform {name}: needs both {codes[0]} and {codes[1]}; the run does not include "
            f"{missing} (add it to schemes)"
        )
    return False


def merge_into(chunk: Chunk, source: str, into: str, y0: int) -> None:
    """From year index ``y0`` each county's fund of ``source`` is merged into the fund of
    ``into`` of the same county (a scheme merger: order 0, before any pooling)."""
    js, jd = chunk.index(source), chunk.index(into)
    if js is None or jd is None:
        return
    for c in range(len(chunk.counties)):
        chunk.transfer([(c, js)], (c, jd), y0, order=0)
