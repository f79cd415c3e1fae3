"""``hardship_contribution_base``: firms in hardship pay on 100 %, 60 % or 40 % of the
provincial average wage.

The report proposes that firms in hardship may choose a contribution base of 100 %, 60 %
or 40 % of the provincial average wage, with the rates unchanged, eligibility being set
by a certifying body with criteria and time limits (V.(2).1 for the enterprise pension;
V.(2).5 repeats it for work injury). From the effective year the average contribution
base of each chosen scheme, as a multiple of the city average wage (the kernel's
``base_factor``), becomes::

    base_factor' = (1 - hardship_share) * base_factor
                   + hardship_share * sum_i choice_shares[i] * level[i] * provincial_wage_ratio

with ``level = (1.0, 0.6, 0.4)`` and ``base_factor`` the scheme's base of that year
(``wage_ratio`` x ``contribution_base_ratio`` in the baseline). Contributions due are
``contributors x wage x base_factor' x (employer + employee rate)``, so in the first year,
when the members are still those of the run without the reform, contributions (and new
arrears) change by the factor ``base_factor' / base_factor``.

The kernel credits each member's individual account with ``wage x base_factor x
employee rate``, so the lower base also lowers the accounts and, from the year after the
effective year, the account pensions of those who retire; the totals are exact, but every
member of a scheme holds the scheme's average account (the kernel keeps one account per
age and sex), so the hardship members' smaller accounts are spread over all members.

Left out, and why
-----------------
* The basic pension: by 国发〔2005〕38号 it depends on the member's indexed wage, which a
  lower declared base lowers too. The kernel's basic pension per service year
  (``basic_factor``) is one figure per scheme for every year, fixed at build time, and
  its service years carry no record of the base they were paid on, so the reform cannot
  lower it from its effective year without changing the pensions of earlier retirees.
  The cost of the basic pension is therefore overstated for the hardship members.
* The work-injury funds (V.(2).5): their premium is one calibrated rate per county for
  every year, not given by year, and a results step has no access to the payroll ratio
  the base would be compared with; only the employee pensions are offered.
* Which firms qualify and for how long: ``hardship_share`` is the share of members in
  certified firms for every year from ``year`` to ``last_year``; no data on Yuxi's firms
  in hardship exist, so it is a required parameter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from actuarial.reforms._base import LAST_YEAR, Reform, register

if TYPE_CHECKING:
    from actuarial.projection import Model

__all__ = ["LEVELS", "HardshipContributionBase"]

#: Contribution bases a firm in hardship may choose, as multiples of the provincial
#: average wage (report V.(2).1).
LEVELS = (1.0, 0.6, 0.4)

Share = Annotated[float, Field(ge=0.0, le=1.0)]


@register
class HardshipContributionBase(Reform):
    name = "hardship_contribution_base"
    summary = (
        "Firms in hardship pay on 100/60/40 % of the provincial average wage, rates "
        "unchanged (V.(2).1, V.(2).5)"
    )

    hardship_share: Share = Field(
        description="Share of the scheme's contributors who work in certified firms in "
        "hardship, fraction (required: the report gives no figure and no source was found)."
    )
    choice_shares: Annotated[list[Share], Field(min_length=3, max_length=3)] = Field(
        default=[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0],
        description="Shares of the hardship members whose firm chooses a base of 100 %, "
        "60 % and 40 % of the provincial average wage, in that order, summing to 1 "
        "(ASSUMPTION: equal shares; the report gives no distribution).",
    )
    provincial_wage_ratio: Annotated[float, Field(gt=0.0, le=10.0)] = Field(
        default=1.0,
        description="Provincial average wage / the model's city average wage (PROXY: 1; "
        "the model's wage, economy.wage_2013_cny_per_year, is already the West-region 2013 "
        "average standing in for Yuxi's; Yunnan's 2012/2013 average was not found, P8 in "
        "shared/data/public).",
    )
    schemes: list[Literal["enterprise_pension", "institution_pension"]] = Field(
        default=["enterprise_pension"],
        description="Employee pension schemes whose members' firms may choose the base "
        "(V.(2).1 names the enterprise pension).",
    )
    last_year: Annotated[int, Field(ge=2013, le=LAST_YEAR)] | None = Field(
        default=None,
        description="Last year the hardship base applies (the report wants time limits "
        "but gives none; default: every year to the end of the projection).",
    )

    @field_validator("choice_shares")
    @classmethod
    def _sum_to_one(cls, value: list[float]) -> list[float]:
        if abs(sum(value) - 1.0) > 1e-9:
            raise ValueError(f"the three shares sum to {sum(value)}, not 1")
        return value

    @field_validator("last_year")
    @classmethod
    def _after_year(cls, value: int | None, info: ValidationInfo) -> int | None:
        year = info.data.get("year")
        if value is not None and year is not None and value < year:
            raise ValueError(f"must not be before the effective year {year}")
        return value

    def hardship_base(self) -> float:
        """Average base of the hardship members / the city average wage."""
        mean = sum(s * level for s, level in zip(self.choice_shares, LEVELS, strict=True))
        return mean * self.provincial_wage_ratio

    def apply_inputs(self, model: Model, y0: int) -> Model:
        from actuarial.pensions import PENSION_SCHEMES

        base = model.pensions.inputs.arrays["base_factor"]  # [K, Y]
        y1 = base.shape[1] if self.last_year is None else model.year_index(self.last_year) + 1
        h = self.hardship_share
        for code in self.schemes:
            k = PENSION_SCHEMES.index(code)
            base[k, y0:y1] = (1.0 - h) * base[k, y0:y1] + h * self.hardship_base()
        return model
