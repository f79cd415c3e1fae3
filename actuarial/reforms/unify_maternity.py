"""``unify_maternity``: the enterprise and institution maternity funds become one, with one
contribution rate and benefits indexed by a stated rule.

The report (V.(2).5.(2)) proposes to merge the institution and enterprise maternity funds
under the same "five unifications" as work injury (五统一: enrolment, rate, base
definition, benefits, fund management) and to set a growth mechanism of maternity benefits
"in step with economic development and price rises" (与经济发展、物价上涨相适应的生育保险待遇
增长机制). What the model does, from the effective year:

* **One fund**: every county's institution fund hands its balance, and each later year
  its net flow, to the enterprise fund of the same county (``Chunk.transfer``, order 0).
* **One rate**: both funds collect ``rate`` x the members' wage (the city average wage x
  ``wage_ratio``), which is exactly how the model collects (``kernels.maternity``:
  insured x wage x rate). The default keeps 2012 revenue: the payroll-weighted mean of the
  two calibrated rates, (0.60046 % x 106,420 x 1.0 + 0.095865 % x 66,897 x 1.2) /
  (106,420 x 1.0 + 66,897 x 1.2) = 0.3835 % (II.(5); ``schemes.maternity_*``).
* **Benefit indexation.** The model already moves both benefits with wages: the
  allowance is a share of the previous year's wage (社会保险法 art. 56) and the medical cost
  per claim grows with the wage (times ``medical_cost_excess_growth``, 0 in the baseline).
  That is a mechanism "in step with the economy" already, so ``indexation="wages"`` (the
  default) changes nothing. ``indexation="rule"`` grows the benefit per claim from the
  effective year by ``cpi_share x CPI + wage_share x real wage growth`` instead of nominal
  wage growth: the year's benefits are multiplied by
  ``prod over s = y0..t of (1 + cpi_share cpi[s] + wage_share real[s]) / (1 + wage[s])``.
  Approximation: the allowance is on the previous year's wage, so its own index lags the
  current year's by one year; the one ratio is applied to allowance and medical cost
  alike (exact for the institution fund, which pays no allowance).
Left out: enrolment drives (no target), arrears (left out of the baseline too) and one
benefit standard in the allowance: the institution fund pays none, its members keeping
their salaries during leave (``schemes.maternity_institution.allowance_share_paid``, a
reading of the 2,921 CNY paid a claim in 2012), and whether a merged fund would take the
salaries over the report does not say.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import Field

from actuarial.reforms._base import Reform, ReformError, register
from actuarial.reforms._claims import change_from, in_force, merge_into, require_pair

if TYPE_CHECKING:
    from actuarial.claims._maternity import MaternityFund
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk

__all__ = ["UnifyMaternity"]

ENTERPRISE = "maternity_enterprise"
INSTITUTION = "maternity_institution"
CODES = (ENTERPRISE, INSTITUTION)


@register
class UnifyMaternity(Reform):
    name = "unify_maternity"
    summary = (
        "Enterprise and institution maternity funds merged county by county with one rate; "
        "benefit indexation by rule (V.(2).5.(2))"
    )

    rate: Annotated[float, Field(gt=0.0, le=0.1)] | None = Field(
        default=None,
        description="The unified contribution rate on members' wages (fraction). Default "
        "(None): the payroll-weighted mean of the two funds' rates (schemes.maternity_*."
        "contribution_rate, weighted by 2012 insured x wage_ratio, II.(5)), 0.3835 % with the "
        "packaged assumptions, which keeps 2012 revenue.",
    )
    indexation: Literal["wages", "rule"] = Field(
        default="wages",
        description="How the benefit per claim grows from the effective year: 'wages' as the "
        "baseline (allowance on last year's wage, medical cost with the wage: already in "
        "step with the economy), or 'rule': cpi_share x CPI + wage_share x real wage growth.",
    )
    cpi_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        default=1.0,
        description="Share of CPI inflation in the 'rule' indexation (ASSUMPTION: as the "
        "pensions' rule, schemes.enterprise_pension.indexation, the report's 随工资增长、物价"
        "上涨 V.(1).4).",
    )
    wage_share: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        default=0.6,
        description="Share of real wage growth in the 'rule' indexation (ASSUMPTION: as the "
        "pensions' rule, 60 %, P12).",
    )
    merge_funds: bool = Field(
        default=True,
        description="Merge each county's institution fund into its enterprise fund (true), or "
        "keep the two funds with the unified rate and benefits.",
    )

    def unified_rate(self, model: Model, y0: int) -> float:
        """``rate``, or the payroll-weighted mean of the rates in force in ``y0``."""
        if self.rate is not None:
            return self.rate
        rules = model.pensions.assumptions.schemes
        collected = payroll = 0.0
        for code in CODES:
            scheme = model.claims_scheme(code)
            assert scheme is not None  # require_pair checked it
            leaf = self._fund(in_force(scheme, y0))
            insured = model.pensions.context.baseline.figure(code, "insured").value
            wage_ratio = getattr(rules, code).wage_ratio
            collected += leaf.rate * insured  # the fund's rate already carries wage_ratio
            payroll += wage_ratio * insured
        return collected / payroll

    def apply_inputs(self, model: Model, y0: int) -> Model:
        if not require_pair(model, self.name, CODES):
            return model
        rate = self.unified_rate(model, y0)
        rules = model.pensions.assumptions.schemes
        for code in CODES:
            wage_ratio = float(getattr(rules, code).wage_ratio)

            def unify(leaf: Any, wage_ratio: float = wage_ratio) -> Any:
                return dataclasses.replace(self._fund(leaf), rate=rate * wage_ratio)

            scheme = model.claims_scheme(code)
            assert scheme is not None
            model = model.with_claims_scheme(change_from(scheme, y0, unify))
        return model

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        cells = [j for j in (chunk.index(c) for c in CODES) if j is not None]
        if len(cells) < 2:
            return  # apply_inputs refused a run with only one of them
        if self.indexation == "rule":
            paths = chunk.paths
            ratio = (
                1.0 + self.cpi_share * paths.cpi + self.wage_share * paths.real_wage_growth
            ) / (1.0 + paths.wage_growth)
            start = max(y0, 1)  # the base year carries no growth
            index = np.ones_like(ratio)
            index[:, start:] = np.cumprod(ratio[:, start:], axis=1)
            benefits = chunk.var("benefits")
            for j in cells:
                benefits[:, :, j, y0:] *= index[:, None, y0:]
                chunk.mark(j, y0)
        if self.merge_funds:
            merge_into(chunk, INSTITUTION, ENTERPRISE, y0)

    def _fund(self, scheme: Any) -> MaternityFund:
        from actuarial.claims._maternity import MaternityFund

        if not isinstance(scheme, MaternityFund):
            raise ReformError(f"reform {self.name}: {scheme.code} is not a maternity fund")
        return scheme
