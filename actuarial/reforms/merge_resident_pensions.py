"""``merge_resident_pensions``: the new rural (新农保) and urban resident (城居保) pensions
become one scheme with twelve tiers (report V.(2).2.(1)).

The report says the two schemes differ only in their members' hukou and their tiers, and
that the province had asked for them to be merged within the year (V.(2).2.(1), written in
late 2013): the merged scheme runs from 2014 by default. From the effective year:

* **Tiers** (①): 100, 200 … 1,000, 1,500 and 2,000 CNY a year. The report gives no choice
  of tiers after the merger, so ``rural_tier_shares`` and ``urban_tier_shares`` are
  ASSUMPTIONS. Their defaults keep 2012's averages, 149 CNY (rural) and 262 CNY (urban)
  (V.(2).2.(6)), with most members at the lowest tier (III.(2).4): 80.4 % of rural
  contributors at 100 and 4.9 % at each of 200-500 (the old rural tiers, III.(2).2); 67.6 %
  of urban contributors at 100 and 3.6 % at each of 200-1,000 (the old urban tiers);
  nobody at the new 1,500 and 2,000 tiers. The contribution per contributor is the mean
  tier, ``sum(share x tier)``.
* **"Pay more, get more" subsidy** (②, first point): city and county add
  (tier - 100) / 10 CNY a year to the account of a contributor at each tier (0, 10 … 90,
  140, 190; CHECKS I-23) *on top of* the subsidy already paid (``contribution_subsidy_
  cny_per_year``, the national floor of 30): the report has them pay nothing at the 100
  tier, which already gets the floor. ``subsidy_schedule="ningxia"`` uses Ningxia's 30, 40
  … 120, 160, 200 (IV.(1).1) instead, which *replaces* the subsidy: it is the whole fiscal
  subsidy of each tier ("财政对应12个缴费档次分别给予…补贴"), and its 30 at the lowest tier is
  the national floor the model already pays, so city and county pay what it adds to 30
  (0, 10 … 90, 130, 170); it needs the account subsidy to be 30 (a ReformError otherwise).
  The added subsidy per contributor is the mean over the tier shares, paid by ``levels``
  (by default city and county in the ratio of ``fiscal.resident_pension_local_shares``).
* **One fund**: from the effective year each county's urban resident fund hands its
  balance, and every later year its net flow, to the new rural fund of the same county,
  which holds the merged fund: its results are under ``rural_resident_pension``; the urban
  scheme's balance is zero from then on and its ``transfers`` show what moved. Members,
  contributions and pensions are still reported under the scheme each member came from.

The basic pension and its rules stay those of each former scheme (the same, III.(2).2).

How: the kernel credits each contributor's account with the tier contribution plus the
account subsidy. The added subsidy goes into the accounts through the tier contribution
input (``flat_contribution`` = mean tier + mean added subsidy) and is moved after the run
from contributions to subsidies of the paying budgets. It is not given to the kernel as an
account subsidy because the fiscal split (``actuarial.fiscal``) counts everything beyond
the assumptions' account subsidy as the basic pension, mostly paid by the centre, while
this subsidy is city and county money. A reform listed before this one that changed the
tier contribution of these schemes is replaced from the effective year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field, field_validator

from actuarial.reforms._base import FIRST_YEAR, LAST_YEAR, Reform, ReformError, register
from actuarial.reforms._levels import LEVELS_DEFAULT_DOC, BudgetLevels, city_and_county

if TYPE_CHECKING:
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk

__all__ = [
    "NINGXIA_SUBSIDY",
    "RESIDENT_SCHEMES",
    "TIERS",
    "YUXI_TOP_UP",
    "MergeResidentPensions",
    "ResidentScheme",
]

ResidentScheme = Literal["rural_resident_pension", "urban_resident_pension"]
#: The two resident pensions, in canonical scheme order.
RESIDENT_SCHEMES: tuple[ResidentScheme, ...] = ("rural_resident_pension", "urban_resident_pension")
RURAL, URBAN = RESIDENT_SCHEMES

#: The merged scheme's twelve tiers, CNY a year (V.(2).2.(1)①; IV.(1).1).
TIERS = (100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0, 1000.0, 1500.0, 2000.0)
#: City and county "pay more, get more" subsidy of each tier, CNY a year: (tier - 100) / 10
#: (V.(2).2.(1)②; the printed list, with its doubled separator, is read in CHECKS I-23).
YUXI_TOP_UP = tuple((t - 100.0) / 10.0 for t in TIERS)
#: Ningxia's whole fiscal subsidy of each tier, CNY a year (IV.(1).1).
NINGXIA_SUBSIDY = (30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 120.0, 160.0, 200.0)
#: Ningxia's subsidy at the lowest tier: the national floor of the account subsidy
#: (国发〔2009〕32号), which the model's resident schemes already pay.
NATIONAL_FLOOR = 30.0

#: Default tier shares (ASSUMPTIONS, see the module docstring): 2012's mean contributions.
RURAL_TIER_SHARES = (0.804, 0.049, 0.049, 0.049, 0.049, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
URBAN_TIER_SHARES = (0.676, *([0.036] * 9), 0.0, 0.0)

TierShares = Annotated[
    list[Annotated[float, Field(ge=0.0, le=1.0)]], Field(min_length=12, max_length=12)
]


@register
class MergeResidentPensions(Reform):
    name = "merge_resident_pensions"
    summary = (
        "New rural and urban resident pensions merged: 12 tiers, city and county tier "
        "subsidies, one fund held under rural_resident_pension (V.(2).2.(1))"
    )

    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)] = Field(
        default=2014,
        description="Effective year: the province asked for the merger within the year "
        "(V.(2).2.(1), report of late 2013).",
    )
    subsidy_schedule: Literal["yuxi", "ningxia"] = Field(
        default="yuxi",
        description="'yuxi': city and county add (tier - 100) / 10 CNY a year to the "
        "existing account subsidy (V.(2).2.(1)②); 'ningxia': the subsidy of each tier is "
        "30, 40 … 120, 160, 200 CNY a year (IV.(1).1), replacing the national floor of 30, "
        "with city and county paying what it adds to 30.",
    )
    rural_tier_shares: TierShares = Field(
        default=list(RURAL_TIER_SHARES),
        description="Shares of former new rural contributors at each of the 12 tiers (100, "
        "200 … 1,000, 1,500, 2,000 CNY a year), summing to 1. ASSUMPTION: the report gives "
        "no choice after the merger; the default keeps 2012's mean of 149 CNY (V.(2).2.(6)), "
        "80.4 % at 100 and 4.9 % at each of 200-500.",
    )
    urban_tier_shares: TierShares = Field(
        default=list(URBAN_TIER_SHARES),
        description="Shares of former urban resident contributors at each of the 12 tiers, "
        "summing to 1. ASSUMPTION: the default keeps 2012's mean of 262 CNY "
        "(V.(2).2.(6)), 67.6 % at 100 and 3.6 % at each of 200-1,000.",
    )
    levels: BudgetLevels | None = Field(
        default=None,
        description="Who pays the added tier subsidy, fractions by level (central, "
        "province, city, county) summing to 1; the report names city and county "
        "(V.(2).2.(1)②). " + LEVELS_DEFAULT_DOC,
    )

    @field_validator("rural_tier_shares", "urban_tier_shares")
    @classmethod
    def _sum_to_one(cls, v: list[float]) -> list[float]:
        if abs(sum(v) - 1.0) > 1e-9:
            raise ValueError(f"shares sum to {sum(v)}; they must sum to 1")
        return v

    # -- what a contributor of each former scheme pays and gets -------------------------

    def tier_shares(self, code: str) -> list[float]:
        return self.rural_tier_shares if code == RURAL else self.urban_tier_shares

    def mean_tier(self, code: str) -> float:
        """Mean contribution per contributor, CNY a year."""
        return float(np.dot(self.tier_shares(code), TIERS))

    def added_subsidy(self, code: str) -> float:
        """Mean subsidy per contributor that city and county add to the existing one."""
        if self.subsidy_schedule == "yuxi":
            per_tier = np.array(YUXI_TOP_UP)
        else:
            per_tier = np.array(NINGXIA_SUBSIDY) - NATIONAL_FLOOR
        return float(np.dot(self.tier_shares(code), per_tier))

    # -- hooks ---------------------------------------------------------------------------

    def apply_inputs(self, model: Model, y0: int) -> Model:
        from actuarial.pensions import PENSION_SCHEMES

        if URBAN in model.schemes and RURAL not in model.schemes:
            raise ReformError(
                f"reform {self.name}: the merged fund is held under {RURAL}, which this "
                f"run does not include; add it to the schemes projected"
            )
        arrays = model.pensions.inputs.arrays
        for code in RESIDENT_SCHEMES:
            if code not in model.schemes:
                continue
            k = PENSION_SCHEMES.index(code)
            subsidy = arrays["flat_subsidy"][k, y0:]
            if self.subsidy_schedule == "ningxia" and np.any(subsidy != NATIONAL_FLOOR):
                raise ReformError(
                    f"reform {self.name}: subsidy_schedule='ningxia' replaces the national "
                    f"floor of {NATIONAL_FLOOR:g} CNY a year, but {code}'s account subsidy is "
                    f"{sorted(set(subsidy.tolist()))}; use subsidy_schedule='yuxi' (added "
                    "to the subsidy) or set contribution_subsidy_cny_per_year to 30"
                )
            arrays["flat_contribution"][k, y0:] = self.mean_tier(code) + self.added_subsidy(code)
        return model

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        levels = city_and_county(self.levels, chunk, self.name)
        for code in RESIDENT_SCHEMES:
            j = chunk.index(code)
            added = self.added_subsidy(code)
            if j is None or added == 0.0:
                continue
            moved = chunk.var("contributors")[:, :, j, y0:] * added
            chunk.var("contributions")[:, :, j, y0:] -= moved
            chunk.add_budget(j, y0, moved, levels, benefit=False)
        rural, urban = chunk.index(RURAL), chunk.index(URBAN)
        if rural is not None and urban is not None:
            for c in range(len(chunk.counties)):
                chunk.transfer([(c, urban)], (c, rural), y0, order=0)
