"""``eligibility_verification``: better certification of pensioners, so that less is paid
to the dead and more of it is recovered.

In 2012 the employee pension agencies checked 5.59万 recipients, found 36 dead pensioners
still being paid, 87万 overpaid, of which 82.93万 was recovered; the risks are retirees
living outside the province, flexibly employed retirees and over-age members of
collective firms, and the agencies cannot claw money back through the banks (III.(1).2).
The report proposes in-person checks, home visits, photo comparison, fingerprints, online
video, death data exchanged with the police, recovery through the banks, and a staged
pursuit of fraud (V.(2).1). The kernel's leakage (``leak[K, Y, 3]``: undetected deaths
per pensioner, months of pension paid per case, share recovered) becomes, from the
effective year, for each chosen scheme::

    cases per pensioner' = (1 - leakage_reduction) * cases per pensioner
    months paid per case' = overpaid_months       (unchanged when None)
    recovered share'      = recovered_share

so that, without process risk, a year's leakage is ``cases' x benefits / 12 x months'``
and its recoveries ``leakage x recovered share'``. Benefits and the counts of members do
not depend on the leakage, so the reform changes these two flows (and interest) only.

The report gives the present rates (the ``leakage`` assumptions) but no figure for what
the new checks would achieve: ``leakage_reduction`` and ``recovered_share`` are
ASSUMPTIONS, and the cost of the checks (equipment, staff, home visits) is not counted,
the report giving none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from actuarial.reforms._base import Reform, register

if TYPE_CHECKING:
    from actuarial.projection import Model

__all__ = ["EligibilityVerification"]

PensionCode = Literal[
    "enterprise_pension",
    "institution_pension",
    "rural_resident_pension",
    "urban_resident_pension",
    "land_lost_pension",
    "old_rural_pension",
]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


@register
class EligibilityVerification(Reform):
    name = "eligibility_verification"
    summary = (
        "Fingerprint, photo and police-data certification: fewer pensions paid to the dead, "
        "more recovered (III.(1).2, V.(2).1)"
    )

    leakage_reduction: Share = Field(
        default=0.5,
        description="Fraction of the undetected deaths of pensioners that the new checks "
        "avoid, fraction of the present rate (ASSUMPTION: one half; the report gives no "
        "figure, and deaths outside the province stay hard to learn of, III.(1).2).",
    )
    recovered_share: Share = Field(
        default=0.98,
        description="Share of the amount overpaid to dead pensioners that is recovered, "
        "fraction (ASSUMPTION: 0.98, up from 82.93/87 = 0.953 in 2012 (III.(1).2), with "
        "recovery through the banks and the staged pursuit of V.(2).1).",
    )
    overpaid_months: Annotated[float, Field(ge=0.0, le=120.0)] | None = Field(
        default=None,
        description="Months of pension paid per undetected death once detection is faster "
        "(police death data, V.(2).1); default None keeps the present 87万 / 36 / 2,124.98 "
        "= 11.37 months (leakage.overpaid_months_per_case).",
    )
    schemes: list[PensionCode] = Field(
        default=["enterprise_pension", "institution_pension"],
        description="Pension schemes whose certification improves (default: the employee "
        "pensions, where the report measured the leakage; a scheme without leakage in the "
        "assumptions stays without).",
    )

    def apply_inputs(self, model: Model, y0: int) -> Model:
        from actuarial.pensions import PENSION_SCHEMES

        leak = model.pensions.inputs.arrays["leak"]  # [K, Y, 3]
        for code in self.schemes:
            k = PENSION_SCHEMES.index(code)
            leak[k, y0:, 0] *= 1.0 - self.leakage_reduction
            if self.overpaid_months is not None:
                leak[k, y0:, 1] = self.overpaid_months
            leak[k, y0:, 2] = self.recovered_share
        return model
