"""A chunk of results as the reforms see them, and the settling of fund balances after
they change flows, returns or the structure of the funds.

The kernels never let a flow depend on a fund's balance: the balance only earns interest,
``r * (balance[t-1] + 0.5 * net)``. So a reform may change flows after the kernels have
run and the balances can be re-settled exactly, year by year, from the changed flows. The
same linearity makes pooling exact: funds that share one balance from a year on hold, in
total, what the separate funds would have held; only where the money sits changes, and so
which funds run out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from actuarial.scenarios import EconomicPaths

if TYPE_CHECKING:
    from actuarial.projection import Model

__all__ = ["Chunk"]

F64 = NDArray[np.float64]
Cell = tuple[int, int]  # (county index, scheme index)


@dataclass
class Chunk:
    """One chunk of draws of one scenario, between the kernels and the stored results.

    ``out`` is ``[variable, draw, county, scheme, year]`` in the order of
    ``actuarial.projection.VARIABLES``; a reform edits flows through :meth:`var` (and then
    calls :meth:`mark`), or through the helpers :meth:`add_budget`, :meth:`set_return`
    and :meth:`transfer`. :meth:`finish` settles every fund that changed.
    """

    out: F64
    schemes: tuple[str, ...]
    counties: tuple[str, ...]
    years: NDArray[np.int64]
    paths: EconomicPaths
    opening: F64  # [C, J]
    has_fund: tuple[int, ...]
    wage0: float
    model: Model | None = None
    """The built model the chunk comes from (its claims schemes' parameters)."""
    seed: int = 0
    """The run's seed: a reform drawing random numbers of its own keys them by it (and by
    ``paths.draws``, the global draw indices)."""
    _returns: dict[int, F64] = field(default_factory=dict)
    _deficit_returns: dict[int, F64] = field(default_factory=dict)
    _dirty: dict[int, int] = field(default_factory=dict)
    _steps: list[tuple[int, int, tuple[Cell, ...], Cell]] = field(default_factory=list)

    # -- lookup ---------------------------------------------------------------------------

    def index(self, code: str) -> int | None:
        """The scheme axis index of ``code``, or None if the run does not include it."""
        return self.schemes.index(code) if code in self.schemes else None

    def county_index(self, code: str) -> int:
        return self.counties.index(code)

    def var(self, name: str) -> F64:
        """``[draw, county, scheme, year]`` view of a result variable (edit in place)."""
        from actuarial.projection import VARIABLES

        view: F64 = self.out[VARIABLES.index(name)]
        return view

    def wage(self) -> F64:
        """``[draw, year]`` the city average wage of each draw (as the pension kernel)."""
        growth = np.array(self.paths.wage_growth, dtype=np.float64, copy=True)
        growth[:, 0] = 0.0
        out: F64 = np.asarray(self.wage0 * np.cumprod(1.0 + growth, axis=1), dtype=np.float64)
        return out

    def fund_return(self, j: int) -> F64:
        """``[draw, year]`` the return credited to scheme ``j``'s funds."""
        if j in self._returns:
            return self._returns[j]
        out: F64 = np.asarray(self.paths.fund_return, dtype=np.float64)
        return out

    def deficit_return(self, j: int) -> F64:
        """``[draw, year]`` the rate charged on scheme ``j``'s funds when in deficit."""
        if j in self._deficit_returns:
            return self._deficit_returns[j]
        return self.fund_return(j)

    # -- changes ---------------------------------------------------------------------------

    def mark(self, j: int, y0: int) -> None:
        """Scheme ``j``'s flows changed from year index ``y0``: settle it again."""
        self._dirty[j] = min(y0, self._dirty.get(j, y0))

    def set_return(
        self, j: int, fund_return: F64, y0: int, *, deficit_return: F64 | None = None
    ) -> None:
        """Credit scheme ``j``'s funds with ``fund_return [draw, year]`` from ``y0`` on;
        with ``deficit_return``, charge that rate instead on a fund whose mean balance of
        the year is negative (a fund in deficit has nothing invested)."""
        old_deficit = np.array(self.deficit_return(j), dtype=np.float64, copy=True)
        r = np.array(self.fund_return(j), dtype=np.float64, copy=True)
        r[:, y0:] = fund_return[:, y0:]
        self._returns[j] = r
        if deficit_return is not None:
            old_deficit[:, y0:] = deficit_return[:, y0:]
        else:
            old_deficit[:, y0:] = fund_return[:, y0:]
        self._deficit_returns[j] = old_deficit
        self.mark(j, y0)

    def add_budget(
        self,
        j: int,
        y0: int,
        amount: F64,
        shares: Mapping[str, float],
        *,
        benefit: bool,
    ) -> None:
        """Add ``amount [draw, county, year]`` (years from ``y0``) paid by budgets in the
        given ``shares`` by level ("central", "province", "city", "county"; summing to 1):
        to the subsidies by level and, when it is a benefit paid from budgets through the
        fund (the resident basic pension, the dibao), to ``benefits`` as well."""
        from actuarial.reforms._levels import LEVELS, unknown_levels

        if unknown_levels(dict(shares)) is not None:
            raise ValueError(
                f"shares: got {dict(shares)}; expected levels of {', '.join(LEVELS)} summing to 1"
            )
        for level, share in shares.items():
            if share:
                self.var(f"subsidy_{level}")[:, :, j, y0:] += share * amount
        total = self.var("subsidy_central")[:, :, j, y0:].copy()
        for level in LEVELS[1:]:
            total += self.var(f"subsidy_{level}")[:, :, j, y0:]
        self.var("subsidies")[:, :, j, y0:] = total
        if benefit:
            self.var("benefits")[:, :, j, y0:] += amount
        self.mark(j, y0)

    def transfer(self, sources: Sequence[Cell], into: Cell, y0: int, *, order: int) -> None:
        """From year index ``y0`` on, the funds ``sources`` (county, scheme) hand their
        balance and every later year's net flow to the fund ``into``: they are one fund,
        held at ``into``. ``order`` breaks ties between steps of the same year (mergers of
        schemes 0, pooling of counties 1)."""
        srcs = tuple(c for c in sources if c != into)
        self._steps.append((y0, order, srcs, into))

    # -- settling --------------------------------------------------------------------------

    def _flows(self, c: int, j: int, t: int) -> tuple[F64, F64]:
        """(income before interest, outgo) of cell (c, j) in year t, in the summing order."""
        from actuarial.projection import INCOME, OUTGO

        income = self.var(INCOME[0])[:, c, j, t].copy()
        for name in INCOME[1:-1]:  # interest, last, is what settling computes
            income = income + self.var(name)[:, c, j, t]
        outgo = self.var(OUTGO[0])[:, c, j, t].copy()
        for name in OUTGO[1:]:
            outgo = outgo + self.var(name)[:, c, j, t]
        return income, outgo

    def _previous(self, c: int, j: int, t: int) -> F64:
        if t == 0:
            return np.full(self.out.shape[1], self.opening[c, j])
        prev: F64 = self.var("balance")[:, c, j, t - 1]
        return prev

    def _settle(self, c: int, j: int, start: int, stop: int) -> None:
        """Interest and balance of cell (c, j) for year indices start..stop-1, summed as
        the kernels sum them (so an unchanged cell is reproduced bit for bit)."""
        if not self.has_fund[j]:
            return
        r = self.fund_return(j)
        r_deficit = self.deficit_return(j)
        interest = self.var("interest")
        balance = self.var("balance")
        for t in range(start, stop):
            before, outgo = self._flows(c, j, t)
            prev = self._previous(c, j, t)
            net = before - outgo
            mean = prev + 0.5 * net
            interest[:, c, j, t] = np.where(mean < 0.0, r_deficit[:, t], r[:, t]) * mean
            balance[:, c, j, t] = prev + (before + interest[:, c, j, t]) - outgo

    def finish(self) -> None:
        """Settle every changed fund: the transfer steps in order of year, then every fund
        whose flows or return changed."""
        n_years = self.years.size
        n_counties = len(self.counties)
        frozen = np.full((n_counties, len(self.schemes)), n_years)  # year index zeroed from
        transfers = self.var("transfers")
        interest = self.var("interest")
        balance = self.var("balance")
        for y0, _, sources, (cd, jd) in sorted(self._steps, key=lambda s: (s[0], s[1])):
            if y0 >= n_years:
                continue
            for c, j in sources:
                if not self.has_fund[j] or frozen[c, j] <= y0:
                    continue
                # Bring the source up to date before it hands over its balance.
                self._settle(c, j, min(self._dirty.get(j, y0), y0), y0)
                for t in range(y0, n_years):
                    before, outgo = self._flows(c, j, t)
                    prev = self._previous(c, j, t)
                    # The mean balance of the year, prev / (2 + r), has prev's sign.
                    r = np.where(
                        prev < 0.0, self.deficit_return(j)[:, t], self.fund_return(j)[:, t]
                    )
                    # The transfer that leaves the fund empty at the year end, interest on
                    # the mean balance included: (prev + x)(1) + r (prev + x/2) = 0 with
                    # x = net + transfer.
                    x = -prev * (1.0 + r) / (1.0 + 0.5 * r)
                    moved = x - (before - outgo)
                    transfers[:, c, j, t] += moved
                    interest[:, c, j, t] = r * (prev + 0.5 * x)
                    balance[:, c, j, t] = 0.0
                    transfers[:, cd, jd, t] -= moved
                frozen[c, j] = y0
            self.mark(jd, y0)
        for j, start in sorted(self._dirty.items()):
            for c in range(n_counties):
                self._settle(c, j, start, min(int(frozen[c, j]), n_years))
