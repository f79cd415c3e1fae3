"""``contribution_rate``: a scheme's contribution rate multiplied from a year on.

Not one of the report's named proposals but the first lever of any funding decision, and
the one ``actuarial solve`` searches by default. For the employee pensions the pooled
(employer) rate changes, so the individual accounts are untouched; for the resident
pensions the tier contribution (and so the accounts it buys); for the claims schemes the
contributions collected, which are a rate times the insured payroll (or a per-person
premium) and do not feed back into claims, so scaling them after the run is exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, field_validator

from actuarial.assumptions._types import SchemeCode
from actuarial.reforms._base import Reform, register

if TYPE_CHECKING:
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk

__all__ = ["ContributionRate"]

_NO_CONTRIBUTIONS = ("land_lost_pension", "old_rural_pension", "dibao")


@register
class ContributionRate(Reform):
    name = "contribution_rate"
    summary = "Contribution rate of the chosen schemes multiplied by a factor from a year on"

    factor: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        default=1.0,
        description="Multiplier of the contribution rate (employee pensions: the employer's "
        "pooled rate; resident pensions: the tier contribution; claims schemes: "
        "contributions collected). 1 changes nothing.",
    )
    schemes: list[SchemeCode] = Field(
        default=["enterprise_pension"],
        min_length=1,
        description="Schemes whose contributions change.",
    )

    @field_validator("schemes")
    @classmethod
    def _contributory(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s in _NO_CONTRIBUTIONS]
        if bad:
            raise ValueError(f"{bad} take no contributions (closed account schemes and the dibao)")
        return v

    def apply_inputs(self, model: Model, y0: int) -> Model:
        from actuarial.pensions import PENSION_SCHEMES
        from kernels.cohort import EMPLOYEE, RESIDENT

        arrays = model.pensions.inputs.arrays
        for code in self.schemes:
            if code not in PENSION_SCHEMES or code not in model.schemes:
                continue
            k = PENSION_SCHEMES.index(code)
            if arrays["kind"][k] == EMPLOYEE:
                arrays["pool_rate"][k, y0:] *= self.factor
            elif arrays["kind"][k] == RESIDENT:
                arrays["flat_contribution"][k, y0:] *= self.factor
        return model

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        from actuarial.pensions import PENSION_SCHEMES

        for code in self.schemes:
            j = chunk.index(code)
            if j is None or code in PENSION_SCHEMES:
                continue
            chunk.var("contributions")[:, :, j, y0:] *= self.factor
            chunk.mark(j, y0)
