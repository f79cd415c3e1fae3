"""New rural cooperative medical scheme (新型农村合作医疗, NCMS): run by the health
department and pooled by county (report II.(3)).

Insured: Table 1's 1,617,373 in 2013, split across counties by the allocation key (the
report gives no county figures); financing 400 a head (60 individual + 340 subsidy, Table
1; the split of the subsidy by level of government is an assumption, with no provincial
part in Hongta, II.(3)); benefits from Table 3 (Hongta's rule, which the other counties
are assumed to share, and Xinping's; the cap abolished from 2013-08). The model is in
``actuarial.claims._medical``; each county holds its own fund.
"""

from __future__ import annotations

from actuarial.claims._medical import MedicalScheme, build_medical
from actuarial.context import Context

__all__ = ["build"]

NOTES = (
    "NCMS, pooled by county (report II.(3)): a fund per county. Insured from Table 1 split "
    "by the allocation key, financing 400 a head (Table 1; the split by level of "
    "government is an assumption), benefits from Table 3 (Hongta's rule for the counties "
    "it does not show). Expenditure is not in the report: admissions are calibrated to an "
    "assumed base-year payout ratio; beneficiaries are hospital admissions paid."
)


def build(ctx: Context) -> MedicalScheme:
    """NCMS of every county-level unit, from Table 1 and the assumptions."""
    insured = {"all": ctx.baseline.county_values("rural_cooperative_medical", "insured")}
    return build_medical(ctx, "rural_cooperative_medical", NOTES, insured)
