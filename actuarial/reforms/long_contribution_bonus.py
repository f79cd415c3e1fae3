"""``long_contribution_bonus``: "pay longer, get more" (长缴多补), a monthly supplement to the
resident pension from age 60 by years of continuous contribution (report V.(2).2.(1)②).

The report: members who reach 60 with 15-19, 20-24, 25-29 or 30 or more years of
continuous contribution, years paid afterwards for earlier years (补缴) excluded, get 20,
30, 40 or 50 CNY a month more, and the city and county budgets pay it (the mechanism "市、县
财政承担", II.(2).1). It is part of the merged resident scheme's subsidies, so it starts in
2014 by default, as ``merge_resident_pensions``; it applies to either former scheme.

Model, from the effective year:

* **Years of contribution.** The cohort kernel counts each resident member's years as an
  active contributor (``SV``), as it does for employees. Members in 2013 are credited
  with the time since their county's scheme began (new rural: Xinping 2009-12, Huaning
  2010-10, Hongta, Jiangchuan, Tonghai, Eshan and Yuanjiang 2011-07, Chengjiang and Yimen
  2012-07, II.(2).1; urban resident: 2011-07, Chengjiang and Yimen 2012-07, II.(2).2),
  at most their years since age 16, or with ``base_years`` instead. Members who join later
  start at 0, so late entrants do not count as continuous contributors.
* **The supplement** of the members retiring in a year is that of the *average* whole
  years of contribution of their cell (county, sex, age): an approximation, as the kernel
  follows cells, not persons, so a cell's members all get the band of its average. The
  amount is fixed at retirement and paid for life, in CNY as printed: the report asks
  that the supplement grow with the economy (V.(2).2.(5)) but gives no rule.
* **Who pays**: the budgets in ``levels`` (by default city and county, in the ratio of
  their shares in ``fiscal.resident_pension_local_shares``). It is a budget-paid benefit:
  ``benefits`` and ``subsidies`` rise by the same amount and the fund balance does not
  change. (The kernel reports the supplements paid in the memo variable ``supplements``;
  this reform books them: see ``kernels.cohort``.)
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import Field, model_validator

from actuarial.reforms._base import FIRST_YEAR, LAST_YEAR, Reform, register
from actuarial.reforms._levels import LEVELS_DEFAULT_DOC, BudgetLevels, city_and_county
from actuarial.reforms.merge_resident_pensions import RESIDENT_SCHEMES, ResidentScheme

if TYPE_CHECKING:
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk

__all__ = ["LAUNCH", "LongContributionBonus"]

#: When each county's resident scheme began (year, month): report II.(2).1 (new rural, four
#: batches) and II.(2).2 (urban resident, two batches). The city level has no members.
LAUNCH: dict[str, dict[str, tuple[int, int]]] = {
    "rural_resident_pension": {
        "xinping": (2009, 12),
        "huaning": (2010, 10),
        **dict.fromkeys(("jiangchuan", "tonghai", "eshan", "yuanjiang", "hongta"), (2011, 7)),
        **dict.fromkeys(("chengjiang", "yimen"), (2012, 7)),
    },
    "urban_resident_pension": {
        **dict.fromkeys(
            ("hongta", "jiangchuan", "tonghai", "huaning", "eshan", "xinping", "yuanjiang"),
            (2011, 7),
        ),
        **dict.fromkeys(("chengjiang", "yimen"), (2012, 7)),
    },
}


@register
class LongContributionBonus(Reform):
    name = "long_contribution_bonus"
    summary = (
        "Resident pension supplement of 20-50 CNY a month from 60 for 15-30+ years of "
        "continuous contribution, paid by city and county (V.(2).2.(1)②)"
    )

    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)] = Field(
        default=2014,
        description="Effective year: members retiring from then on get the supplement; "
        "with the merged resident scheme (V.(2).2.(1), report of late 2013).",
    )
    thresholds_years: Annotated[
        list[Annotated[int, Field(ge=1, le=100)]], Field(min_length=1, max_length=100)
    ] = Field(
        default=[15, 20, 25, 30],
        description="Years of continuous contribution from which each supplement is paid, "
        "increasing (V.(2).2.(1)②: 15, 20, 25, 30).",
    )
    amounts_cny_per_month: Annotated[
        list[Annotated[float, Field(ge=0.0)]], Field(min_length=1, max_length=100)
    ] = Field(
        default=[20.0, 30.0, 40.0, 50.0],
        description="Supplement a month (CNY) from each threshold on (V.(2).2.(1)②: 20, 30, "
        "40, 50).",
    )
    schemes: Annotated[list[ResidentScheme], Field(min_length=1)] = Field(
        default=list(RESIDENT_SCHEMES),
        description="Resident schemes whose members get it (both former schemes: it is a "
        "rule of the merged scheme).",
    )
    base_years: Annotated[float, Field(ge=0.0, le=84.0)] | None = Field(
        default=None,
        description="Years of contribution credited in 2013 to each member of then, at most "
        "the years since age 16. Default (None): the time from the county's launch to "
        "2013-01-01 (II.(2).1, II.(2).2), at most 3.1 years.",
    )
    levels: BudgetLevels | None = Field(
        default=None,
        description="Who pays the supplement, fractions by level (central, province, city, "
        "county) summing to 1; the report names city and county (II.(2).1). " + LEVELS_DEFAULT_DOC,
    )

    @model_validator(mode="after")
    def _schedule(self) -> LongContributionBonus:
        t = self.thresholds_years
        if len(t) != len(self.amounts_cny_per_month):
            raise ValueError(
                f"thresholds_years has {len(t)} values and amounts_cny_per_month "
                f"{len(self.amounts_cny_per_month)}; give one amount per threshold"
            )
        if any(b <= a for a, b in itertools.pairwise(t)):
            raise ValueError(f"thresholds_years: got {t}; they must increase")
        return self

    def schedule(self, n: int) -> np.ndarray:
        """Supplement a month (CNY) by whole years of contribution, 0 to ``n - 1``."""
        out = np.zeros(n)
        for threshold, amount in zip(
            self.thresholds_years, self.amounts_cny_per_month, strict=True
        ):
            out[threshold:] = amount
        return out

    def credited_years(self, code: str, counties: list[str]) -> np.ndarray:
        """``[county]`` years of contribution credited in 2013 (before the age cap)."""
        if self.base_years is not None:
            return np.full(len(counties), self.base_years)
        launch = LAUNCH[code]
        return np.array(
            [
                2013 - launch[c][0] - (launch[c][1] - 1) / 12 if c in launch else 0.0
                for c in counties
            ]
        )

    def apply_inputs(self, model: Model, y0: int) -> Model:
        from actuarial.pensions import PENSION_SCHEMES
        from actuarial.registry import counties
        from kernels.cohort import N_AGES

        arrays = model.pensions.inputs.arrays
        ages = np.arange(N_AGES)
        for code in self.schemes:
            if code not in model.schemes:
                continue
            k = PENSION_SCHEMES.index(code)
            arrays["supplement"][k, y0:] = self.schedule(N_AGES)
            # Service before the base year only ever matters for the supplement, so
            # setting it changes nothing before the effective year.
            first_age = getattr(model.pensions.assumptions.schemes, code).contribution_ages[0]
            since_16 = np.clip(ages - first_age, 0, None)
            years = np.minimum(self.credited_years(code, counties())[:, None], since_16)
            arrays["sv0"][k] = arrays["a0"][k] * years[:, None, :]
        return model

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        levels = city_and_county(self.levels, chunk, self.name)
        for code in self.schemes:
            j = chunk.index(code)
            if j is None:
                continue
            # The kernel reports the supplements paid in a memo row; they are booked here
            # as benefits and subsidies of the budgets that pay them.
            paid = chunk.var("supplements")[:, :, j, y0:].copy()
            chunk.add_budget(j, y0, paid, levels, benefit=True)
