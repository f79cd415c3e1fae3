"""``unify_work_injury``: the enterprise and institution work-injury funds become one, with
one contribution rate and, as an option, experience-rated (floating) rates.

The report (V.(2).5.(1)) proposes to merge the institution and enterprise work-injury funds
under the "five unifications" (五统一: enrolment, rate, definition of the contribution
base, benefits and fund management), because the enterprise fund is under payment
pressure while the institution fund runs a large surplus (II.(5): 1,148万 of 1,546万
collected in 2012 was left over), and to introduce floating rates tied to accidents and
the use of the fund (制定完善工伤保险浮动费率办法).

What the model does, from the effective year:

* **One fund** (统一基金管理): every county's institution fund hands its balance, and each
  later year its net flow, to the enterprise fund of the same county
  (``Chunk.transfer``, order 0); ``transfers`` records the money moved. Combined with
  ``pooling_level`` the merged county funds can then be pooled at city level.
* **One rate** (统一缴费费率): both funds' contributions are the insured x the average wage
  x ``payroll_ratio`` x ``rate``, where the model's contributions are exactly that product
  (``kernels.work_injury``: insured x wage x premium, premium = rate x payroll ratio), so
  the change is exact. The default ``rate`` keeps 2012 revenue: total 2012 contributions of
  both funds over their total 2012 payroll (insured x 2012 wage x payroll ratio),
  (6,975 + 1,546)万 / (41,971 x (143,078 x 1.0 + 66,897 x 1.2)) = 0.909 % (Table 5a, II.(5);
  the payroll ratios are assumptions). The 2012 county differences in contributions per
  insured (enterprise 0.96-1.55 % of the average wage, from Table 5a; the report does not
  say whether they come from rates, wages or risk classes) give way to the one rate.
* **Floating rates** (``experience_rating``): each year and county the rate is
  ``rate x clip(1 + sensitivity x (L - target_claims_ratio), floor, cap)``, ``L`` the
  merged county fund's benefits over its contributions in the year before (benefits do not
  depend on contributions, so the year-by-year rule is computed on the results). The first
  year's ``L`` is that of the year before the reform (the two funds together).

Left out: the unified benefits and base definition change nothing in the model (both funds
already pay the regulation's items, 工伤保险条例; the wage and payroll ratios describe who
is insured, not a rule); the reserve for major accidents and prevention spending (no
amounts in the report); rates by industry risk class (no data by class).

Shared helpers of the claims reforms live here too: :func:`change_from` (a claims
scheme whose kernel inputs change from a year on, for inputs the kernels hold for the whole
horizon) and :func:`merge_into` (one scheme's funds handed to another's, county by
county).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any, cast

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from actuarial.reforms._base import Reform, ReformError, register
from actuarial.reforms._claims import change_from, in_force, merge_into, require_pair

if TYPE_CHECKING:
    from actuarial.claims import ClaimsScheme
    from actuarial.claims._work_injury import Code
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk

__all__ = ["UnifyWorkInjury"]

F64 = NDArray[np.float64]

ENTERPRISE = "work_injury_enterprise"
INSTITUTION = "work_injury_institution"


# -- the reform ------------------------------------------------------------------------------


@register
class UnifyWorkInjury(Reform):
    name = "unify_work_injury"
    summary = (
        "Enterprise and institution work-injury funds merged county by county with one "
        "rate on payroll, optionally experience-rated (V.(2).5.(1))"
    )

    rate: Annotated[float, Field(gt=0.0, le=0.1)] | None = Field(
        default=None,
        description="The unified contribution rate on payroll (fraction) of both funds. "
        "Default (None): total 2012 contributions of both funds over their total 2012 "
        "payroll, 0.909 % with the packaged assumptions (Table 5a, II.(5); payroll = insured "
        "x 2012 average wage x schemes.work_injury_*.payroll_ratio), so 2012 revenue is kept.",
    )
    experience_rating: bool = Field(
        default=False,
        description="Floating rates (V.(2).5.(1): 制定完善工伤保险浮动费率办法): each year and "
        "county, rate x clip(1 + sensitivity x (last year's claims ratio - "
        "target_claims_ratio), floor, cap).",
    )
    sensitivity: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        default=1.0,
        description="Change of the rate multiplier per unit of the claims ratio above target "
        "(ASSUMPTION: proportional, 10 points of claims ratio above target raise the rate by "
        "10 %; the report gives no rule).",
    )
    target_claims_ratio: Annotated[float, Field(gt=0.0, le=5.0)] = Field(
        default=1.0,
        description="Benefits / contributions at which the rate is the base rate (fraction). "
        "1: break-even, the principle 以支定收、收支平衡 of 工伤保险条例 art. 8 (the regulation "
        "is cited, not packaged).",
    )
    floor: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        default=0.5,
        description="Lowest rate multiplier (fraction of the base rate). ASSUMPTION: the 50 % "
        "of the national floating bands set later (人社部发〔2015〕71号: 50/80/120/150 % of "
        "the base rate; not in the public data); the report gives no band.",
    )
    cap: Annotated[float, Field(ge=1.0, le=5.0)] = Field(
        default=1.5,
        description="Highest rate multiplier (fraction of the base rate). ASSUMPTION: the "
        "150 % band of 人社部发〔2015〕71号, as floor.",
    )

    def unified_rate(self, model: Model, y0: int) -> float:
        """``rate``, or the default: 2012 contributions of both funds over their payroll
        (premiums of the schemes in force in ``y0``, 2012 insured of the base year)."""
        if self.rate is not None:
            return self.rate
        from actuarial.claims._work_injury import WorkInjuryScheme, base_year

        ctx = model.pensions.context
        schemes = model.pensions.assumptions.schemes
        collected = payroll = 0.0
        for code in (ENTERPRISE, INSTITUTION):
            scheme = model.claims_scheme(code)
            assert scheme is not None  # require_pair checked it
            leaf = in_force(scheme, y0)
            if not isinstance(leaf, WorkInjuryScheme):
                raise ReformError(f"reform {self.name}: {code} is not a work-injury scheme")
            insured = base_year(ctx, cast("Code", code)).insured
            # premium x insured = 2012 contributions / 2012 wage (the wage cancels out).
            collected += float(leaf.calibration.premium @ insured)
            payroll += getattr(schemes, code).payroll_ratio * float(insured.sum())
        return collected / payroll

    def apply_inputs(self, model: Model, y0: int) -> Model:
        if not require_pair(model, self.name, (ENTERPRISE, INSTITUTION)):
            return model
        from actuarial.claims._work_injury import WorkInjuryScheme

        rate = self.unified_rate(model, y0)
        schemes = model.pensions.assumptions.schemes
        for code in (ENTERPRISE, INSTITUTION):
            ratio = float(getattr(schemes, code).payroll_ratio)

            def one_rate(leaf: Any, ratio: float = ratio) -> ClaimsScheme:
                if not isinstance(leaf, WorkInjuryScheme):
                    raise ReformError(
                        f"reform {self.name}: {leaf.code} is not a work-injury scheme"
                    )
                n = leaf.calibration.premium.size
                cal = dataclasses.replace(
                    leaf.calibration,
                    premium=np.full(n, rate * ratio),
                    implied_rate=np.full(n, rate),
                )
                return dataclasses.replace(leaf, calibration=cal)

            scheme = model.claims_scheme(code)
            assert scheme is not None
            model = model.with_claims_scheme(change_from(scheme, y0, one_rate))
        return model

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        je, ji = chunk.index(ENTERPRISE), chunk.index(INSTITUTION)
        if je is None or ji is None:
            return  # apply_inputs refused a run with only one of them
        if self.experience_rating:
            self._float_rates(chunk, [je, ji], y0)
        merge_into(chunk, INSTITUTION, ENTERPRISE, y0)

    def _float_rates(self, chunk: Chunk, cells: list[int], y0: int) -> None:
        """Multiply each year's contributions of the merged county fund by the floating
        multiplier of last year's claims ratio (after last year's own multiplier)."""
        contributions = chunk.var("contributions")
        benefits = chunk.var("benefits")
        for t in range(max(y0, 1), chunk.years.size):
            paid = benefits[:, :, cells, t - 1].sum(axis=2)
            collected = contributions[:, :, cells, t - 1].sum(axis=2)
            # A county with nothing collected keeps the base rate.
            ratio = np.divide(
                paid,
                collected,
                out=np.full_like(paid, self.target_claims_ratio),
                where=collected > 0,
            )
            m = np.clip(
                1.0 + self.sensitivity * (ratio - self.target_claims_ratio), self.floor, self.cap
            )
            contributions[:, :, cells, t] *= m[:, :, None]
        for j in cells:
            chunk.mark(j, y0)
