"""``pooling_level``: a scheme's county funds share one balance from a year on.

The report argues that county pools are too small to carry their risks and proposes
city-level pooling for the resident medical funds and the institution work-injury and
maternity funds (V.(1).2, V.(1).4, V.(2).3; the work-injury fund's county accounts ran
deficits in six of ten units in 2012, Table 5a). From the effective year every county
fund of each chosen scheme hands its balance, and each later year its net flow, to the
city-level unit, which then holds the pooled fund (``transfers`` records the money moved).

Because no flow depends on a balance, the pooled balance is exactly the sum of the county
balances the separate funds would have held: pooling changes where money sits, and so
which funds run out, not how much there is. ``level="province"`` is the same for Yuxi's
funds: they join a province pool whose other members are outside the model, and Yuxi's
part of it is reported at the city level. ``level="county"`` keeps the separate pools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from actuarial.assumptions._types import SchemeCode
from actuarial.reforms._base import Reform, register

if TYPE_CHECKING:
    from actuarial.reforms._chunk import Chunk

__all__ = ["PoolingLevel"]

#: The city-level unit, which holds a pooled fund (``actuarial.counties()[0]``).
POOL_UNIT = "city_level"


@register
class PoolingLevel(Reform):
    name = "pooling_level"
    summary = "County funds share one balance at city (or province) level (V.(2).3, V.(1).4)"

    level: Literal["county", "city", "province"] = Field(
        default="city",
        description="Level at which the funds are pooled from the effective year on.",
    )
    schemes: list[SchemeCode] | None = Field(
        default=None,
        description="Schemes to pool (default: every scheme of the run that has a fund).",
    )

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        if self.level == "county":
            return
        pool = chunk.county_index(POOL_UNIT)
        codes = self.schemes if self.schemes is not None else list(chunk.schemes)
        for code in codes:
            j = chunk.index(code)
            if j is None or not chunk.has_fund[j]:
                continue
            sources = [(c, j) for c in range(len(chunk.counties)) if c != pool]
            chunk.transfer(sources, (pool, j), y0, order=1)
