"""Build ``actuarial/data/base_year/figures.csv`` from the report's figure records.

Run from the repository root::

    python tools/build_base_year.py [--seed ../shared/seed]

Every row of the output is either one record of the report's ``figures.json`` (cited by its
id and section), converted to base units (persons, CNY), or a value *derived* from such
records by the formula written in its ``note``. Where ``CHECKS.md`` gives a best reading of a
typo, the row uses it and says so in ``reading``. Nothing is typed in by hand: change the
selection below and re-run; ``tests/test_base_year.py`` checks the output against the
records again.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "actuarial" / "data" / "base_year" / "figures.csv"

# Printed scale units and the base unit they convert to (万 = 1e4, 亿 = 1e8).
SCALE = {
    "10k_CNY": (Decimal(10_000), "CNY"),
    "100m_CNY": (Decimal(100_000_000), "CNY"),
    "10k_persons": (Decimal(10_000), "persons"),
}


@dataclass(frozen=True)
class Pick:
    """One report figure taken into the base year under our scheme code and quantity name."""

    fid: str
    scheme: str
    quantity: str
    county: str = "all"
    use_best_reading: bool = False
    note: str = ""


EP, IP = "enterprise_pension", "institution_pension"
RP, UP, LL, OR = (
    "rural_resident_pension",
    "urban_resident_pension",
    "land_lost_pension",
    "old_rural_pension",
)
UM, NC, UN = "urban_resident_medical", "rural_cooperative_medical", "unemployment"
WE, WI, ME, MI, DB = (
    "work_injury_enterprise",
    "work_injury_institution",
    "maternity_enterprise",
    "maternity_institution",
    "dibao",
)
ALL = "all"  # cross-cutting figures: several or all funds

PICKS: list[Pick] = [
    # --- enterprise pension, 2012 (II.(1)) ---
    Pick("F0019", EP, "insured_units"),
    Pick(
        "F0021",
        EP,
        "insured",
        note="参保人数; CHECKS I-27: may include retirees; taken as the contributing insured",
    ),
    Pick(
        "F0021",
        EP,
        "contributors",
        note="same figure as insured: the report gives no separate contributor count (CHECKS I-27)",
    ),
    Pick("F0022", EP, "insured_self_employed"),
    Pick("F0023", EP, "beneficiaries"),
    Pick("F0024", EP, "average_benefit"),
    Pick("F0025", EP, "balance", use_best_reading=True),
    Pick("F0010", EP, "employer_contribution_rate_max"),
    Pick("F0011", EP, "employee_contribution_rate"),
    Pick("F0667", EP, "arrears"),
    # --- institution pension, 2012 (II.(1)) ---
    Pick("F0026", IP, "insured_units"),
    Pick("F0027", IP, "contributors"),
    Pick(
        "F0027",
        IP,
        "insured",
        note="参保缴费人数 (contributing insured); retirees are counted separately",
    ),
    Pick("F0028", IP, "beneficiaries"),
    Pick("F0029", IP, "average_benefit"),
    Pick("F0030", IP, "balance", use_best_reading=True),
    Pick("F0670", IP, "arrears"),
    # --- new rural pension, 2013-09 (II.(2).1, III.(2), V.(2).2.(6)) ---
    Pick("F0044", RP, "eligible"),
    Pick("F0045", RP, "insured"),
    Pick("F0047", RP, "beneficiaries"),
    Pick("F0048", RP, "disabled_subsidy_recipients"),
    Pick("F0051", RP, "balance"),
    Pick("F0819", RP, "average_contribution"),
    Pick("F0678", RP, "contribution_tiers"),
    Pick("F0679", RP, "contribution_tier_min"),
    Pick("F0680", RP, "contribution_tier_max"),
    Pick("F0684", RP, "basic_pension"),
    Pick("F0685", RP, "pension_age"),
    Pick("F0689", RP, "average_benefit_share_of_enterprise"),
    # --- urban resident pension, 2013-09 (II.(2).2, III.(2), V.(2).2.(6)) ---
    Pick("F0063", UP, "eligible"),
    Pick("F0064", UP, "insured"),
    Pick("F0066", UP, "beneficiaries"),
    Pick("F0067", UP, "disabled_subsidy_recipients"),
    Pick("F0068", UP, "balance"),
    Pick("F0820", UP, "average_contribution"),
    Pick("F0681", UP, "contribution_tiers"),
    Pick("F0682", UP, "contribution_tier_min"),
    Pick("F0683", UP, "contribution_tier_max"),
    Pick("F0684", UP, "basic_pension"),
    Pick("F0685", UP, "pension_age"),
    # --- land-lost farmers' pension, 2013-09 (II.(2).3, III.(2).5) ---
    Pick("F0080", LL, "eligible"),
    Pick("F0081", LL, "insured"),
    Pick("F0083", LL, "insured_at_expropriation"),
    Pick("F0085", LL, "insured_historical"),
    Pick("F0087", LL, "beneficiaries"),
    Pick("F0082", LL, "premiums_cumulative"),
    Pick("F0084", LL, "premiums_cumulative_at_expropriation"),
    Pick("F0086", LL, "premiums_cumulative_historical"),
    Pick("F0088", LL, "benefits_paid_cumulative"),
    Pick("F0089", LL, "balance"),
    Pick("F0077", LL, "resettlement_fee_withheld_cumulative"),
    Pick("F0078", LL, "resettlement_fee_paid_as_subsidy_cumulative"),
    Pick(
        "F0079",
        LL,
        "resettlement_fee_balance",
        note="CHECKS I-9: 422.69万 below withheld - paid; kept as printed",
    ),
    Pick("F0703", LL, "resettlement_fee_not_in_fiscal_account"),
    Pick("F0701", LL, "monthly_benefit_max"),
    Pick("F0702", LL, "monthly_benefit_min"),
    Pick("F0071", LL, "pension_age"),
    # --- old rural pension, 2013-09 (II.(2).4) ---
    Pick("F0098", OR, "insured"),
    Pick("F0099", OR, "beneficiaries"),
    Pick("F0100", OR, "balance"),
    Pick(
        "F0096",
        OR,
        "counties_operating",
        note="all units except Chengjiang (II.(2).4); the city level runs no accounts",
    ),
    Pick("F0093", OR, "pension_age"),
    # --- urban resident medical, 2013 (Tables 1-2, II.(3)) ---
    Pick("F0182", UM, "insured"),
    Pick("F0183", UM, "insured_adults"),
    Pick("F0184", UM, "insured_students_children"),
    Pick("F0185", UM, "insured_college_students"),
    Pick(
        "F0164",
        UM,
        "income",
        note="Table 1 annual fund total (financing raised in 2013); "
        "CHECKS §1: +1.6% over insured x standard",
    ),
    Pick("F0160", UM, "individual_contribution_adult"),
    Pick("F0161", UM, "individual_contribution_student_child"),
    Pick("F0162", UM, "fiscal_subsidy_adult"),
    Pick("F0163", UM, "fiscal_subsidy_student_child"),
    Pick("F0123", UM, "adult_subsidy_central"),
    Pick("F0124", UM, "adult_subsidy_province"),
    Pick("F0125", UM, "adult_subsidy_city"),
    Pick("F0126", UM, "adult_subsidy_county"),
    Pick("F0127", UM, "adult_individual_contribution"),
    Pick("F0128", UM, "adult_financing_total"),
    Pick("F0129", UM, "student_child_subsidy_central"),
    Pick("F0130", UM, "student_child_subsidy_province"),
    Pick("F0131", UM, "student_child_subsidy_city"),
    Pick("F0132", UM, "student_child_subsidy_county"),
    Pick("F0133", UM, "student_child_individual_contribution"),
    Pick("F0134", UM, "student_child_financing_total"),
    Pick("F0135", UM, "college_subsidy_central"),
    Pick("F0136", UM, "college_subsidy_city"),
    Pick("F0137", UM, "college_individual_contribution"),
    Pick("F0138", UM, "college_financing_total"),
    Pick(
        "F0192",
        UM,
        "added_subsidy_to_reach_ncms_standard",
        note="Table 2 note 2: 132,889x8 + 78,122x88 + 1,046x132; the text rounds it to 808万",
    ),
    Pick("F0193", UM, "added_subsidy_to_reach_ncms_standard_city"),
    Pick("F0194", UM, "added_subsidy_to_reach_ncms_standard_county"),
    # --- NCMS, 2013 (Table 1, II.(3)) ---
    Pick("F0178", NC, "insured"),
    Pick("F0181", NC, "income", note="Table 1 annual fund total (financing raised in 2013)"),
    Pick("F0179", NC, "individual_contribution"),
    Pick("F0180", NC, "fiscal_subsidy"),
    Pick("F0117", NC, "financing_per_insured"),
    # --- unemployment: 2012 fund (Table 4), 2013-08 coverage (II.(4), III.(4)) ---
    Pick(
        "F0566",
        UN,
        "insured",
        note="CHECKS I-12: listed sectors sum to 136,690; the printed total is kept",
    ),
    Pick("F0565", UN, "insured_units"),
    Pick("F0574", UN, "insured_female"),
    Pick("F0573", UN, "insured_migrant_workers"),
    Pick("F0367", UN, "beneficiaries"),
    Pick("F0368", UN, "income", note="Table 4; includes interest (CHECKS §4)"),
    Pick("F0369", UN, "expenditure"),
    Pick("F0370", UN, "balance"),
    Pick("F0575", UN, "beneficiaries_2013_jan_aug"),
    Pick("F0576", UN, "expenditure_2013_jan_aug"),
    Pick("F0541", UN, "employer_contribution_rate"),
    Pick("F0542", UN, "employee_contribution_rate"),
    Pick("F0706", UN, "coverage_rate"),
    Pick("F0708", UN, "employment_promotion_share_max"),
    Pick("F1427", UN, "max_benefit_duration"),
    Pick("F0548", UN, "benefit_class2_tier1", county="city_level+hongta"),
    Pick("F0551", UN, "benefit_class2_tier2", county="city_level+hongta"),
    Pick("F0554", UN, "benefit_class2_tier3", county="city_level+hongta"),
    Pick(
        "F0557",
        UN,
        "benefit_class3_tier1",
        county="jiangchuan+chengjiang+tonghai+huaning+yimen+eshan+xinping+yuanjiang",
    ),
    Pick(
        "F0560",
        UN,
        "benefit_class3_tier2",
        county="jiangchuan+chengjiang+tonghai+huaning+yimen+eshan+xinping+yuanjiang",
    ),
    Pick(
        "F0563",
        UN,
        "benefit_class3_tier3",
        county="jiangchuan+chengjiang+tonghai+huaning+yimen+eshan+xinping+yuanjiang",
    ),
    # --- enterprise work injury, 2012 (II.(5), Tables 5a/5b, III.(5)) ---
    Pick("F0589", WE, "insured_units"),
    Pick("F0590", WE, "insured"),
    Pick("F0592", WE, "beneficiaries"),
    Pick("F0593", WE, "beneficiaries_disability_grade_1_4"),
    Pick("F0594", WE, "beneficiaries_work_death"),
    Pick("F0595", WE, "beneficiaries_dependants"),
    Pick("F0596", WE, "contributions"),
    Pick("F0597", WE, "arrears_recovered"),
    Pick("F0598", WE, "expenditure"),
    Pick("F0600", WE, "balance"),
    Pick("F0601", WE, "reserve_fund"),
    Pick("F0668", WE, "arrears"),
    Pick("F0712", WE, "overspend_2011"),
    # --- institution work injury, 2012 (II.(5)) ---
    Pick("F0602", WI, "insured_units"),
    Pick("F0603", WI, "insured"),
    Pick("F0604", WI, "beneficiaries"),
    Pick("F0608", WI, "contributions"),
    Pick("F0609", WI, "expenditure"),
    Pick("F0611", WI, "balance"),
    Pick(
        "F0612",
        WI,
        "reserve_fund",
        note="CHECKS I-7: the same 234万 as the enterprise fund; unconfirmed",
    ),
    Pick("F0671", WI, "arrears"),
    # --- enterprise maternity, 2012 (II.(5)) ---
    Pick("F0613", ME, "insured_units"),
    Pick("F0614", ME, "insured"),
    Pick("F0615", ME, "insured_female"),
    Pick("F0616", ME, "beneficiaries"),
    Pick("F0617", ME, "contributions"),
    Pick("F0618", ME, "arrears_recovered"),
    Pick("F0619", ME, "expenditure"),
    Pick("F0621", ME, "balance"),
    Pick("F0669", ME, "arrears"),
    # --- institution maternity, 2012 (II.(5)) ---
    Pick("F0622", MI, "insured_units"),
    Pick("F0623", MI, "insured"),
    Pick("F0624", MI, "insured_female"),
    Pick("F0625", MI, "beneficiaries"),
    Pick("F0626", MI, "contributions"),
    Pick("F0627", MI, "expenditure"),
    Pick("F0628", MI, "current_year_net", use_best_reading=True),
    Pick("F0629", MI, "balance"),
    Pick("F0672", MI, "arrears"),
    # --- dibao, from 2013-07-01 (II.(6)) ---
    Pick("F0637", DB, "beneficiaries"),
    Pick("F0633", DB, "urban_standard"),
    Pick("F0635", DB, "rural_standard"),
    Pick("F0632", DB, "urban_standard_before"),
    Pick("F0634", DB, "rural_standard_before"),
    Pick("F0630", DB, "standard_increase_min"),
    # --- cross-cutting (II.(8), III.(1), III.(9), V.(2).8) ---
    Pick("F0722", ALL, "fund_yield_2010_2012"),
    Pick("F0723", f"{OR}+{LL}", "fund_yield_2012"),
    Pick("F0724", f"{OR}+{LL}", "fund_yield_2010_2012"),
    Pick(
        "F0715",
        ALL,
        "eleven_funds_balance",
        note="CHECKS I-13: not consistent with the five-fund 61.27亿",
    ),
    Pick("F0644", ALL, "five_funds_balance", note="CHECKS I-13"),
    Pick("F0666", ALL, "arrears_total"),
    Pick("F0831", ALL, "payout_months_kept_liquid"),
    Pick(
        "F0674",
        f"{EP}+{IP}",
        "fraud_recipients_checked",
        note="5.59万 = 37,285 + 18,624 employee-pension recipients",
    ),
    Pick("F0675", f"{EP}+{IP}", "fraud_cases"),
    Pick("F0676", f"{EP}+{IP}", "fraud_amount"),
    Pick("F0677", f"{EP}+{IP}", "fraud_amount_recovered"),
]


@dataclass(frozen=True)
class Derived:
    """A value computed from picked figures, with its formula."""

    scheme: str
    quantity: str
    formula: str  # a Python expression over the picked values named scheme.quantity
    unit: str
    note: str


DERIVED: list[Derived] = [
    Derived(
        EP,
        "expenditure",
        "beneficiaries * average_benefit * 12",
        "CNY",
        "pensioners x average pension x 12 (CHECKS §7); the report prints no payout total",
    ),
    Derived(
        IP,
        "expenditure",
        "beneficiaries * average_benefit * 12",
        "CNY",
        "pensioners x average pension x 12 (CHECKS §7); the report prints no payout total",
    ),
    Derived(
        RP,
        "contributors",
        "insured - beneficiaries",
        "persons",
        "参保人数 counts pensioners too (national statistical convention for resident pensions)",
    ),
    Derived(
        UP,
        "contributors",
        "insured - beneficiaries",
        "persons",
        "参保人数 counts pensioners too (national statistical convention for resident pensions)",
    ),
    Derived(
        RP,
        "average_benefit",
        "average_benefit_share_of_enterprise / 100 * enterprise_pension.average_benefit",
        "CNY_per_month",
        "4.76% x 1,592 (III.(2).3; CHECKS §7: about 75.8 CNY a month)",
    ),
    Derived(
        OR,
        "contributors",
        "0",
        "persons",
        "contributions stopped when the new rural pension started; only payouts go on (II.(2).4)",
    ),
    Derived(
        WE,
        "income",
        "contributions + arrears_recovered",
        "CNY",
        "CHECKS I-16: Table 5b lists arrears recovered as an inflow, so it counts as income",
    ),
    Derived(
        WI, "income", "contributions", "CNY", "collected (II.(5)); no arrears recovered reported"
    ),
    Derived(
        ME,
        "income",
        "contributions + arrears_recovered",
        "CNY",
        "the report's own surplus of 391万 includes the 30万 of arrears (CHECKS I-16)",
    ),
    Derived(MI, "income", "contributions", "CNY", "collected (II.(5))"),
]

FIELDS = [
    "scheme",
    "county",
    "quantity",
    "value",
    "unit",
    "year",
    "as_of",
    "figure_ids",
    "source_section",
    "reading",
    "note",
]


def _number(text: Decimal) -> str:
    """Plain decimal text with no exponent and no trailing zeros."""
    return format(text.normalize(), "f")


def _base(value: Decimal, unit: str) -> tuple[Decimal, str]:
    if unit in SCALE:
        factor, base_unit = SCALE[unit]
        return value * factor, base_unit
    return value, unit


def build(seed: Path) -> list[dict[str, str]]:
    records = {r["id"]: r for r in json.loads((seed / "figures.json").read_text("utf-8"))}
    rows: list[dict[str, str]] = []
    values: dict[tuple[str, str], Decimal] = {}
    meta: dict[tuple[str, str], dict[str, str]] = {}
    for pick in PICKS:
        rec = records[pick.fid]
        reading = "as_printed"
        note = pick.note
        if pick.use_best_reading:
            best = rec["best_reading"]
            raw, unit = Decimal(str(best["value"])), best["unit"]
            reading = "checks_best_reading"
            note = (
                (note + "; " if note else "")
                + f"printed {rec['value']} {rec['unit']}: "
                + best["reason"]
            )
        else:
            raw, unit = Decimal(str(rec["value"])), rec["unit"]
            if rec.get("flag") and not note:
                note = f"flagged {rec['flag']} in CHECKS; kept as printed"
        value, unit = _base(raw, unit)
        row = {
            "scheme": pick.scheme,
            "county": pick.county,
            "quantity": pick.quantity,
            "value": _number(value),
            "unit": unit,
            "year": str(rec.get("year") or ""),
            "as_of": str(rec.get("as_of") or ""),
            "figure_ids": pick.fid,
            "source_section": rec["source_section"],
            "reading": reading,
            "note": note,
        }
        rows.append(row)
        values[(pick.scheme, pick.quantity)] = value
        meta[(pick.scheme, pick.quantity)] = row
    for d in DERIVED:
        names = {q: v for (s, q), v in values.items() if s == d.scheme}
        names.update({f"{s}.{q}".replace(".", "__"): v for (s, q), v in values.items()})
        expr = d.formula.replace("enterprise_pension.", "enterprise_pension__")
        value = eval(expr, {"__builtins__": {}}, names)
        value = Decimal(value)
        tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", d.formula))
        used = [
            k for k in meta if (k[0] == d.scheme and k[1] in tokens) or f"{k[0]}.{k[1]}" in tokens
        ]
        ref = meta[used[0]] if used else {"year": "", "as_of": "", "source_section": ""}
        rows.append(
            {
                "scheme": d.scheme,
                "county": "all",
                "quantity": d.quantity,
                "value": _number(value.quantize(Decimal("0.01")) if value % 1 else value),
                "unit": d.unit,
                "year": ref["year"],
                "as_of": ref["as_of"],
                "figure_ids": "+".join(meta[k]["figure_ids"] for k in used),
                "source_section": "+".join(sorted({meta[k]["source_section"] for k in used}))
                or "II.(2).4",
                "reading": "derived",
                "note": f"{d.formula}: {d.note}",
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=REPO.parent / "shared" / "seed")
    args = parser.parse_args()
    rows = build(args.seed)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# Base-year figures of the Yuxi report in base units; built by "
            "tools/build_base_year.py from the report's figure records.\n"
        )
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
