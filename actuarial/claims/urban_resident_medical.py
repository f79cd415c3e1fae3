"""Urban resident basic medical insurance (城镇居民基本医疗保险, URBMI): run by the HRSS
department since 2008-06-01 and pooled at city level (report II.(3)).

Insured by county and category from Table 2 (2013: 132,889 adults, 78,122 students and
children, 1,046 college students on the city level; 212,057 in all, as Table 1); financing
per head by level of government from Table 2 note 1 (adults 392 = 188 central + 54
province + 40 city + 40 county + 70 individual; students and children 312 = 188 + 54 + 20
+ 20 + 30; college students 268 = 188 + 50 city + 30); benefits from Table 3 (deductibles
100/300/500/500, reimbursement 75/65/55/50 %, cap 9万). The model is in
``actuarial.claims._medical``; the whole city pool is held on the ``city_level`` unit.
"""

from __future__ import annotations

import numpy as np

from actuarial.allocation import table2_by_county
from actuarial.claims._medical import MedicalScheme, build_medical
from actuarial.context import Context
from actuarial.registry import counties

__all__ = ["build"]

#: Financing category -> its column of Table 2 (``actuarial.allocation.table2_by_county``).
_TABLE2 = {"adult": "adults", "student_child": "students_children", "college": "college"}

NOTES = (
    "URBMI, pooled at city level (report II.(3)): the whole fund, with every county's "
    "insured, financing and claims, is held on the city_level unit; county rows are zero. "
    "Insured by county and category from Table 2, financing by level of government from "
    "Table 2 note 1, benefits from Table 3. Expenditure is not in the report: admissions "
    "are calibrated to an assumed base-year payout ratio; beneficiaries are hospital "
    "admissions paid."
)


def build(ctx: Context) -> MedicalScheme:
    """URBMI of every county-level unit, from Table 2 and the assumptions."""
    rows = table2_by_county()
    insured = {
        name: np.array([rows[c][column] for c in counties()], dtype=np.float64)
        for name, column in _TABLE2.items()
    }
    return build_medical(ctx, "urban_resident_medical", NOTES, insured)
