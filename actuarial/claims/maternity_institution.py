"""Institution staff's maternity fund (机关事业单位生育保险, report II.(5)): from 2012-01 it
replaced the institutions' maternity medical-cost scheme, pooled at city level with
county accounts; 2012: 2,319 units, 66,897 insured (28,864 women), 1,157 beneficiaries,
323万 collected, 338万 paid (a deficit of 15万, printed as a surplus: CHECKS I-6), balance
5,000万. The model is in ``actuarial.claims._maternity``; the fund pays no allowance (see
``allowance_share_paid``)."""

from __future__ import annotations

from actuarial.claims._maternity import MaternityFund, build_maternity
from actuarial.context import Context

__all__ = ["build"]

NOTES = (
    "Institution maternity fund (II.(5)): insured at their 2012 share of working-age "
    "residents, by county in proportion to population (county accounts, no city-level "
    "members); contributions at the rate implied by 2012 (323万 / insured / wage); births "
    "to insured women (China's WPP 2019 age pattern, the package's TFR) and spouses' births "
    "of insured men paid a medical cost only (staff keep their salaries during leave: a "
    "reading of the 2,921 CNY paid per beneficiary); spouse share and medical cost "
    "calibrated to the 2012 beneficiaries (1,157) and expenditure (338万, a deficit of 15万 "
    "per CHECKS I-6); no subsidies; arrears left out."
)


def build(ctx: Context) -> MaternityFund:
    """The institution maternity fund of every county (``ClaimsScheme``)."""
    return build_maternity(ctx, "maternity_institution", NOTES)
