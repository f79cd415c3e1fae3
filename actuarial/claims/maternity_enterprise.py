"""Enterprise employees' maternity fund (企业职工生育保险, report II.(5)): prefecture-level
pooling since 1996-09 (《玉溪地区企业职工生育保险实施办法》); 2012: 3,142 units, 106,420
insured (41,477 women), 2,919 beneficiaries, 2,682万 collected, 30万 of arrears recovered,
2,321万 paid, balance 4,542万. The model is in ``actuarial.claims._maternity``."""

from __future__ import annotations

from actuarial.claims._maternity import MaternityFund, build_maternity
from actuarial.context import Context

__all__ = ["build"]

NOTES = (
    "Enterprise maternity fund (II.(5)): insured at their 2012 share of working-age "
    "residents; contributions at the rate implied by 2012 (2,682万 / insured / wage); "
    "births to insured women (China's WPP 2019 age pattern, the package's TFR) paid a "
    "98-day allowance on last year's wage and a medical cost; spouses' births of insured "
    "men paid the medical cost; spouse share and medical cost calibrated to the 2012 "
    "beneficiaries (2,919) and expenditure (2,321万); no subsidies; arrears left out."
)


def build(ctx: Context) -> MaternityFund:
    """The enterprise maternity fund of every county (``ClaimsScheme``)."""
    return build_maternity(ctx, "maternity_enterprise", NOTES)
