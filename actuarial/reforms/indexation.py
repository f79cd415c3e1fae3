"""``indexation``: the yearly raise of pensions in payment scaled from a year on.

Each year a pension in payment is raised by the known adjustment (enterprise pensions
2013-2024, P12) or, after it, by the rule ``cpi_share x CPI + wage_share x real wage
growth`` (``schemes.*.indexation``). The report asks for an adjustment mechanism for every
pension (V.(2).2.(5)) and benefits indexed to prices and the economy (V.(2).5.(2)) without
a number; this reform scales whatever raise applies by ``factor`` from the effective year
(0: pensions frozen in CNY; 1: unchanged), the lever ``actuarial solve --lever indexation``
searches. The resident basic pension has its own rule: see ``raise_basic_pension``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, field_validator

from actuarial.assumptions._types import SchemeCode
from actuarial.reforms._base import Reform, register

if TYPE_CHECKING:
    from actuarial.projection import Model

__all__ = ["Indexation"]


@register
class Indexation(Reform):
    name = "indexation"
    summary = "Raises of pensions in payment scaled by a factor from a year on (V.(2).2.(5))"

    factor: Annotated[float, Field(ge=0.0, le=3.0)] = Field(
        default=1.0,
        description="Multiplier of each year's raise of pensions in payment (the known "
        "adjustment or the CPI and real-wage rule); 1 changes nothing.",
    )
    schemes: list[SchemeCode] = Field(
        default=["enterprise_pension"], min_length=1, description="Pension schemes affected."
    )

    @field_validator("schemes")
    @classmethod
    def _pensions(cls, v: list[str]) -> list[str]:
        from actuarial.pensions import PENSION_SCHEMES

        bad = [s for s in v if s not in PENSION_SCHEMES]
        if bad:
            raise ValueError(f"{bad} are not pension schemes ({', '.join(PENSION_SCHEMES)})")
        return v

    def apply_inputs(self, model: Model, y0: int) -> Model:
        from actuarial.pensions import PENSION_SCHEMES

        arrays = model.pensions.inputs.arrays
        for code in self.schemes:
            k = PENSION_SCHEMES.index(code)
            # NaN (no known raise: the rule applies) stays NaN.
            arrays["pen_known"][k, y0:] *= self.factor
            arrays["pen_rule"][k, y0:] *= self.factor
        return model
