"""``raise_dibao``: higher urban and rural dibao lines, and a minimum yearly raise kept on.

The report asks for higher standards and a stable funding of the dibao (V.(2).6: 扩大保障面
和提高保障标准), whose lines Yunnan's 12th five-year plan raised by at least 15 % a year
(II.(6): urban 290 -> 334 CNY a month and rural 1,800 -> 2,070 CNY a year on 2013-07-01;
``schemes.dibao.min_indexation`` to ``min_indexation_until`` 2015). From the effective year
(1 January):

* **Level.** Both lines are multiplied by ``factor``, and ``urban_amount_cny_per_month``
  and ``rural_amount_cny_per_year`` are added at the level of the 2013-07-01 lines, raised
  with the lines since: in year t the urban line is ``(factor x 334 + amount) x I(t)``,
  ``I`` the lines' index of the draw (so an amount keeps its weight against the line).
* **Indexation.** Each yearly raise of the lines from the effective year to
  ``min_indexation_until`` is at least ``min_indexation`` (the kernel's floor; the raise
  is otherwise the CPI and real-wage rule of ``schemes.dibao.indexation``; known raises,
  where a scenario gives them, are kept as given).

The dibao has no fund (``has_fund`` 0): budgets pay the outlay in the year, and the extra
outlay is split between levels by ``schemes.dibao.budgets`` as the rest (III.(7): city,
county and townships; central and province 0 in the baseline).

How it is exact: the kernel's outlay is ``12 x (urban recipients x urban line x
payment_share_urban + rural recipients x rural line x payment_share_rural)``, linear in each
line, and the recipients are drawn apart from the lines. A common factor on both lines
would therefore scale benefits and subsidies by level exactly, but separate urban and rural
changes need the urban recipients, which the results do not hold (only the total). So the
kernel is run again with the changed lines and floor, on the same draws, and its years from
the effective year replace the baseline's (``change_from``): exact in every case, process risk
included.

Left out: the eligibility rules (五纳入、六不纳入) and wider cover (recipients per resident
are ``schemes.dibao.recipients``, an assumption of its own); the rural dibao regulation and
oversight (no money flows).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from pydantic import Field

from actuarial.assumptions._types import Amount, Factor, Year
from actuarial.reforms._base import FIRST_YEAR, LAST_YEAR, Reform, ReformError, register
from actuarial.reforms._claims import change_from

if TYPE_CHECKING:
    from actuarial.projection import Model

__all__ = ["RaiseDibao"]

CODE = "dibao"


@register
class RaiseDibao(Reform):
    name = "raise_dibao"
    summary = "Higher dibao lines and a minimum yearly raise of them, budget-paid (V.(2).6, II.(6))"

    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)] = Field(
        default=2016,
        description="Effective year: from 1 January of this year. Default 2016, the first "
        "year after Yunnan's 15 % rule of the 12th five-year plan (II.(6)) lapses.",
    )
    factor: Factor = Field(
        default=1.0,
        description="Multiplier of both lines from the effective year (1 = unchanged).",
    )
    urban_amount_cny_per_month: Amount = Field(
        default=0.0,
        description="Added to the urban line (CNY a month at the level of the 2013-07-01 line "
        "of 334, raised with the line since).",
    )
    rural_amount_cny_per_year: Amount = Field(
        default=0.0,
        description="Added to the rural line (CNY a year at the level of the 2013-07-01 line "
        "of 2,070, raised with the line since).",
    )
    min_indexation: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.15,
        description="Least yearly raise of both lines from the effective year to "
        "min_indexation_until (fraction; report II.(6): at least 15 % a year under Yunnan's "
        "12th five-year plan); 0 adds no floor.",
    )
    min_indexation_until: Year = Field(
        default=2020,
        description="Last year of the minimum raise. ASSUMPTION: Yunnan's rule kept for one "
        "more five-year plan (the 13th, 2016-2020); the report sets no end.",
    )

    def apply_inputs(self, model: Model, y0: int) -> Model:
        scheme = model.claims_scheme(CODE)
        if scheme is None:
            return model
        from actuarial.claims.dibao import DibaoOutlay

        years = model.years
        floor_years = (np.arange(years.size) >= max(y0, 1)) & (years <= self.min_indexation_until)

        def raised(leaf: Any) -> DibaoOutlay:
            if not isinstance(leaf, DibaoOutlay):
                raise ReformError(f"reform {self.name}: {leaf.code} is not the dibao scheme")
            # Lines are a month in the kernel: the rural amount is a year's.
            amounts = np.array(
                [self.urban_amount_cny_per_month, self.rural_amount_cny_per_year / 12]
            )
            f = self.factor + amounts / leaf.lines_after
            floor = leaf.raise_floor.copy()
            floor[floor_years] = np.maximum(floor[floor_years], self.min_indexation)
            return dataclasses.replace(
                leaf,
                lines_before=leaf.lines_before * f,
                lines_after=leaf.lines_after * f,
                raise_floor=floor,
            )

        return model.with_claims_scheme(change_from(scheme, y0, raised))
