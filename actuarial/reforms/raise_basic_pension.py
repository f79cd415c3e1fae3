"""``raise_basic_pension``: a higher resident basic pension, or a new rule for raising it,
from a year on (report V.(2).2.(5)).

The report asks that the basic pension, the special groups' supplements and the
long-contribution supplements grow with the economy (V.(2).2.(5)) but sets no amount and
no rule; Ningxia raises its basic pension every year (IV.(1).1 (4)). Both levers are here,
with no change by default:

* ``amount_cny_per_month``: added to every pensioner's basic pension from the effective
  year, paid by ``levels`` (by default city and county, the report's payers of local
  supplements), a budget-paid benefit (``benefits`` and ``subsidies`` rise together; the
  balance does not change). It is held in CNY, or raised after the effective year by
  ``amount_cpi_share`` x CPI + ``amount_wage_share`` x real wage growth of the draw.
* A new rule for the basic pension itself from the effective year: ``raise_rate``, a
  fixed yearly raise, or ``cpi_share`` and ``wage_share``, raise = cpi_share x CPI +
  wage_share x real wage growth; either replaces the known raises (P11, the central
  minimum's path) and the assumptions' rule from then on. The basic pension is paid from
  budgets, and its cost is split between levels as ``actuarial.fiscal`` splits the basic
  pension (the centre keeps its share of it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import Field, model_validator

from actuarial.assumptions._types import Amount, SignedRate
from actuarial.reforms._base import Reform, register
from actuarial.reforms._levels import LEVELS_DEFAULT_DOC, BudgetLevels, city_and_county
from actuarial.reforms.merge_resident_pensions import RESIDENT_SCHEMES, ResidentScheme

if TYPE_CHECKING:
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk

__all__ = ["RaiseBasicPension"]

Share = Annotated[float, Field(ge=0.0, le=2.0)]


@register
class RaiseBasicPension(Reform):
    name = "raise_basic_pension"
    summary = (
        "Resident basic pension raised by an amount (budget-paid) and/or indexed by a new "
        "rule from a year on (V.(2).2.(5))"
    )

    amount_cny_per_month: Amount = Field(
        default=0.0,
        description="Added to each resident pensioner's basic pension from the effective "
        "year, CNY a month (the report sets no amount).",
    )
    amount_cpi_share: Share = Field(
        default=0.0,
        description="The added amount is raised each year after the effective year by "
        "amount_cpi_share x CPI inflation + amount_wage_share x real wage growth (default "
        "0: held in CNY; the report gives no rule).",
    )
    amount_wage_share: Share = Field(default=0.0, description="See amount_cpi_share.")
    levels: BudgetLevels | None = Field(
        default=None,
        description="Who pays the added amount, fractions by level (central, province, "
        "city, county) summing to 1. " + LEVELS_DEFAULT_DOC,
    )
    raise_rate: SignedRate | None = Field(
        default=None,
        description="Fixed yearly raise of the basic pension from the effective year "
        "(fraction), replacing the known raises and the rule; None keeps them.",
    )
    cpi_share: Share | None = Field(
        default=None,
        description="New rule from the effective year: raise = cpi_share x CPI inflation + "
        "wage_share x real wage growth, replacing the known raises; give both or neither.",
    )
    wage_share: Share | None = Field(default=None, description="See cpi_share.")
    schemes: Annotated[list[ResidentScheme], Field(min_length=1)] = Field(
        default=list(RESIDENT_SCHEMES),
        description="Resident schemes whose basic pension changes.",
    )

    @model_validator(mode="after")
    def _one_rule(self) -> RaiseBasicPension:
        if (self.cpi_share is None) != (self.wage_share is None):
            raise ValueError("cpi_share and wage_share: give both or neither")
        if self.raise_rate is not None and self.cpi_share is not None:
            raise ValueError("raise_rate and cpi_share/wage_share: give one rule, not both")
        return self

    def apply_inputs(self, model: Model, y0: int) -> Model:
        from actuarial.pensions import PENSION_SCHEMES
        from kernels.cohort import RULE_CPI, RULE_WAGE

        arrays = model.pensions.inputs.arrays
        for code in self.schemes:
            if code not in model.schemes:
                continue
            k = PENSION_SCHEMES.index(code)
            if self.raise_rate is not None:
                arrays["basic_known"][k, y0:] = self.raise_rate
            elif self.cpi_share is not None and self.wage_share is not None:
                arrays["basic_known"][k, y0:] = np.nan  # the rule applies
                arrays["basic_rule"][k, y0:, RULE_CPI] = self.cpi_share
                arrays["basic_rule"][k, y0:, RULE_WAGE] = self.wage_share
        return model

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        if self.amount_cny_per_month == 0.0:
            return
        levels = city_and_county(self.levels, chunk, self.name)
        growth = (
            self.amount_cpi_share * chunk.paths.cpi[:, y0:]
            + self.amount_wage_share * chunk.paths.real_wage_growth[:, y0:]
        )
        growth[:, 0] = 0.0  # the amount is given for the effective year
        amount = self.amount_cny_per_month * np.cumprod(1.0 + growth, axis=1)
        for code in self.schemes:
            j = chunk.index(code)
            if j is None:
                continue
            pensioners = chunk.var("beneficiaries")[:, :, j, y0:]
            chunk.add_budget(j, y0, 12.0 * pensioners * amount[:, None, :], levels, benefit=True)
