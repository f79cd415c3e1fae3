"""``investment_broadening``: a share of the funds invested beyond deposits and treasury
bonds, at a higher and riskier return.

The report finds the funds held in deposits and special treasury bonds by rule (all but two
months of payouts, V.(2).8.(2)), earning 2.28 % on average in 2010-2012 (III.(9).2:
3.05亿 of interest on 134.16亿 of summed balances) while inflation erodes them, and asks to
"research other investment channels" beyond banks and bonds (V.(2).8.(2): 拓宽基金投资渠道，
实现基金保值增值). From the effective year a ``share`` of each chosen fund's balance earns a
portfolio return instead of the deposit return, so the return credited to the fund is

    r' = (1 - share) r + share (r + premium + volatility z) = r + share (premium + volatility z)

where ``r`` is the draw's fund return (``economy.fund_return_process``, mean 2.28 %) and
``z`` a standard normal, one per draw and year, common to every fund (one market).
``Chunk.set_return`` then settles interest and balances again. A fund whose mean balance of
the year is negative has nothing invested and keeps paying the deposit rate ``r`` on its
deficit. Members' individual accounts in the pension kernel keep the deposit rate too: only
the funds' interest changes, not what accounts are credited.

Parameters are ASSUMPTIONS: no return of such a portfolio is packaged. The defaults take the
national social security fund (全国社会保障基金) as the example of a broader portfolio: an
average return of 8.29 % a year from 2000 to 2012 (its 2012 annual report, as reported by
Xinhua on 2013-06-27), i.e. 6.01 points over Yuxi's 2.28 %, and the standard deviation of
its yearly returns 2001-2012, 13.96 % (2.25, 2.75, 2.71, 3.32, 4.16, 29.01, 43.19, -6.79,
16.12, 4.23, 0.84, 7.01 %: 证券日报 2014-08-28 and the 2012 report); neither source is in
the public data pack. The share is a scenario choice: 30 % is the ceiling the State Council
later set on equity-type assets of basic pension funds (国发〔2015〕48号, not packaged).

Random numbers: stream 70 (this module reserves 70), ``kernels.rng.normal`` at (seed, 70,
global draw, year index, cell 0): the shocks depend on the seed and the draw only, not on
the chunking, the horizon or other reforms. In a deterministic run every shock is 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from actuarial.assumptions._types import Probability, SchemeCode
from actuarial.reforms._base import Reform, register

if TYPE_CHECKING:
    from actuarial.reforms._chunk import Chunk
    from actuarial.scenarios import EconomicPaths

__all__ = ["STREAM", "InvestmentBroadening", "portfolio_shocks"]

F64 = NDArray[np.float64]

#: The random stream of the portfolio's shocks (reforms own 70-79).
STREAM = 70


def portfolio_shocks(paths: EconomicPaths, seed: int) -> F64:
    """``[draw, year]`` standard normal shocks of the portfolio (0 in a deterministic run),
    keyed by (seed, stream 70, global draw index, year index): the same draw gets the same
    shocks in any run and any chunking."""
    from kernels.rng import normal_block

    n_draws, n_years = paths.fund_return.shape
    out = np.zeros((n_draws, n_years))
    if paths.deterministic:
        return out
    block = np.empty((n_draws, n_years, 1))
    normal_block(int(seed), STREAM, np.asarray(paths.draws, dtype=np.int64), n_years, 1, block)
    out[:] = block[:, :, 0]
    return out


@register
class InvestmentBroadening(Reform):
    name = "investment_broadening"
    summary = (
        "A share of the fund balances invested beyond deposits, at a higher, riskier "
        "return (V.(2).8.(2), III.(9).2)"
    )

    share: Probability = Field(
        default=0.3,
        description="Share of each chosen fund's balance in the broader portfolio "
        "(fraction). ASSUMPTION: 30 %, the ceiling on equity-type assets of basic pension "
        "funds set later (国发〔2015〕48号, not packaged); the report gives none.",
    )
    premium: Annotated[float, Field(ge=-0.2, le=0.5)] = Field(
        default=0.0601,
        description="Mean return of the portfolio over the deposit return (fraction a year). "
        "ASSUMPTION: the national social security fund's 8.29 % a year 2000-2012 (2012 "
        "annual report, Xinhua 2013-06-27; not packaged) less Yuxi's 2.28 % (III.(9).2).",
    )
    volatility: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.1396,
        description="Standard deviation of the portfolio's yearly return (fraction). "
        "ASSUMPTION: that of the national social security fund's yearly returns 2001-2012 "
        "(证券日报 2014-08-28 and the 2012 report; not packaged).",
    )
    schemes: list[SchemeCode] | None = Field(
        default=None,
        description="Funds that invest (default: every scheme of the run that has a fund).",
    )

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        codes = self.schemes if self.schemes is not None else list(chunk.schemes)
        chosen = [j for j in (chunk.index(c) for c in codes) if j is not None]
        chosen = [j for j in chosen if chunk.has_fund[j]]
        if not chosen or self.share == 0.0:
            return
        shocks = portfolio_shocks(chunk.paths, chunk.seed)
        extra = self.share * (self.premium + self.volatility * shocks)
        for j in chosen:
            # A fund in deficit has nothing invested: it keeps paying the deposit rate.
            chunk.set_return(
                j, chunk.fund_return(j) + extra, y0, deficit_return=chunk.deficit_return(j)
            )
