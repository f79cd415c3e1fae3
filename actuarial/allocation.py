"""Splitting city totals across the county-level units with a documented key.

The report gives most schemes only as city totals. Where it prints a county table (Table 2
for urban-resident medical insurance, Table 5a for enterprise work injury) those values are
used directly; otherwise a total is split in proportion to a key chosen per scheme in the
assumptions (``allocation.key``). Splits are done in whole persons or whole yuan with the
largest-remainder method, so that the county parts always sum exactly to the city total.
"""

from __future__ import annotations

from functools import cache

from actuarial.assumptions import AllocationKey, Assumptions
from actuarial.data import read_csv
from actuarial.registry import counties
from actuarial.rounding import split_exact

__all__ = [
    "YIMEN_TABLE5A_INSURED",
    "key_weights",
    "split_exact",
    "table2_by_county",
    "table5a_by_county",
]

#: CHECKS I-2: Yimen's insured is printed 1169 in Table 5a; the column total implies 11,692.
YIMEN_TABLE5A_INSURED = 11_692

#: Units that run no old-rural-pension accounts (report II.(2).4: all but Chengjiang; the
#: city level holds none).
_OLD_RURAL_ABSENT = frozenset({"city_level", "chengjiang"})


@cache
def table5a_by_county() -> dict[str, dict[str, int]]:
    """Table 5a (enterprise work injury, 2012) by county, in persons and whole yuan.

    Yimen's insured uses the CHECKS I-2 reading (11,692, not the printed 1169). Read once
    per process; callers must not modify the result.
    """
    out: dict[str, dict[str, int]] = {}
    for row in read_csv("report.table5a"):
        if row["county"] == "all":
            continue
        insured = int(row["insured_persons"])
        if row["county"] == "yimen" and insured == 1169:
            insured = YIMEN_TABLE5A_INSURED
        out[row["county"]] = {
            "insured": insured,
            "contributions": int(row["contributions_collected_10k_CNY"]) * 10_000,
            "beneficiaries": int(row["beneficiaries_total_persons"]),
            "expenditure": int(row["benefits_paid_10k_CNY"]) * 10_000,
        }
    return out


@cache
def table2_by_county() -> dict[str, dict[str, int]]:
    """Table 2 (urban-resident medical, 2013) by county: insured by category and the
    financing they raise at the 2013 standards (CNY a year)."""
    out: dict[str, dict[str, int]] = {}
    for row in read_csv("report.table2"):
        if row["county"] == "all":
            continue

        def n(col: str, r: dict[str, str] = row) -> int:
            return int(r[col]) if r[col] else 0

        adults = n("insured_2013_adults_persons")
        students = n("insured_2013_students_children_persons")
        college = n("insured_2013_college_students_persons")
        financing = (
            adults * n("financing_standard_adult_CNY_per_person_year")
            + students * n("financing_standard_student_child_CNY_per_person_year")
            + college * n("financing_standard_college_CNY_per_person_year")
        )
        out[row["county"]] = {
            "insured": n("insured_2013_total_persons"),
            "adults": adults,
            "students_children": students,
            "college": college,
            "financing": financing,
        }
    return out


def key_weights(key: AllocationKey, scheme: str, assumptions: Assumptions) -> list[int]:
    """Integer weights of the county-level units (canonical order) for ``key``."""
    codes = counties()
    if key == "population":
        weights = [assumptions.allocation.population_of(c) for c in codes]
        if scheme == "old_rural_pension":
            weights = [
                0 if c in _OLD_RURAL_ABSENT else w for c, w in zip(codes, weights, strict=True)
            ]
        return weights
    if key == "table5a_work_injury_insured":
        t5 = table5a_by_county()
        return [t5[c]["insured"] for c in codes]
    if key == "table2_urban_medical_insured":
        t2 = table2_by_county()
        return [t2[c]["insured"] for c in codes]
    if key == "table2_urban_medical_financing":
        t2 = table2_by_county()
        return [t2[c]["financing"] for c in codes]
    raise ValueError(f"unknown allocation key {key!r}")  # unreachable: validated upstream
