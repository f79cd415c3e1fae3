"""``fiscal_top_up``: budgets pay a share of a fund's outgo into it every year.

The lever ``actuarial solve --lever subsidy`` searches: the yearly subsidy, as a share of
what the fund pays out, that keeps its probability of running out under a target. The
money is recorded as subsidies by level of government, so it shows in the fiscal cost of
a comparison; it does not change any benefit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from actuarial.assumptions._types import SchemeCode
from actuarial.reforms._base import Reform, register
from actuarial.reforms._levels import BudgetLevels

if TYPE_CHECKING:
    from actuarial.reforms._chunk import Chunk

__all__ = ["FiscalTopUp"]


@register
class FiscalTopUp(Reform):
    name = "fiscal_top_up"
    summary = "Budgets pay a share of the chosen funds' yearly outgo into them"

    share: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        default=0.0,
        description="Yearly subsidy as a fraction of the fund's outgo of the same year "
        "(benefits, refunds, leakage and other spending).",
    )
    schemes: list[SchemeCode] = Field(
        default=["enterprise_pension"], min_length=1, description="Funds topped up."
    )
    levels: BudgetLevels = Field(
        default={"city": 0.5, "county": 0.5},
        description="Who pays, as fractions by level (central, province, city, county) "
        "summing to 1; default city and county halves (ASSUMPTION: the report has local "
        "budgets meet local shortfalls, III.(7), without a split).",
    )

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        from actuarial.projection import OUTGO

        for code in self.schemes:
            j = chunk.index(code)
            if j is None or not chunk.has_fund[j]:
                continue
            outgo = chunk.var(OUTGO[0])[:, :, j, y0:].copy()
            for name in OUTGO[1:]:
                outgo += chunk.var(name)[:, :, j, y0:]
            chunk.add_budget(j, y0, self.share * outgo, self.levels, benefit=False)
