"""The packaged base year against the report: its figures, typo readings and arithmetic."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

import actuarial
from actuarial.allocation import table2_by_county, table5a_by_county
from actuarial.baseline import DATASET_VARIABLES, Baseline
from actuarial.data import read_csv

SCALE = {"10k_CNY": 10_000, "100m_CNY": 100_000_000, "10k_persons": 10_000}


@pytest.fixture(scope="module")
def baseline() -> Baseline:
    return actuarial.load_baseline()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return read_csv("base_year.figures")


def _base_value(value: Any, unit: str) -> Decimal:
    return Decimal(str(value)) * SCALE.get(unit, 1)


def test_figures__every_picked_row_equals_its_report_record(
    rows: list[dict[str, str]], report_figures: dict[str, dict[str, Any]]
) -> None:
    picked = [r for r in rows if r["reading"] in {"as_printed", "checks_best_reading"}]
    assert len(picked) > 150
    for r in picked:
        rec = report_figures[r["figure_ids"]]
        if r["reading"] == "checks_best_reading":
            src = rec["best_reading"]
            expected = _base_value(src["value"], src["unit"])
        else:
            expected = _base_value(rec["value"], rec["unit"])
        assert Decimal(r["value"]) == expected, r
        assert r["source_section"] == rec["source_section"], r
        assert (r["year"] or None) == (str(rec["year"]) if rec["year"] else None), r


def test_figures__derived_rows_recompute(rows: list[dict[str, str]]) -> None:
    derived = [r for r in rows if r["reading"] == "derived"]
    assert derived, "derived rows expected"
    by_key = {(r["scheme"], r["quantity"]): Decimal(r["value"]) for r in rows}
    for r in derived:
        formula = r["note"].split(":", 1)[0]
        names = {q: v for (s, q), v in by_key.items() if s == r["scheme"]}
        expr = formula.replace("enterprise_pension.", "ep_")
        names.update({f"ep_{q}": v for (s, q), v in by_key.items() if s == "enterprise_pension"})
        assert re.fullmatch(r"[\w\s*+/\-.0-9]+", expr), expr
        value = eval(expr, {"__builtins__": {}}, names)
        assert Decimal(r["value"]) == pytest.approx(Decimal(value), abs=Decimal("0.005")), r


def test_figures__checks_readings_applied(baseline: Baseline) -> None:
    # CHECKS I-1: the pension balances are 亿元, not 万元.
    assert baseline.figure("enterprise_pension", "balance").value == 1_991_000_000
    assert baseline.figure("institution_pension", "balance").value == 1_045_000_000
    assert baseline.figure("enterprise_pension", "balance").reading == "checks_best_reading"
    # CHECKS I-6: institution maternity ran a deficit of 15万.
    assert baseline.figure("maternity_institution", "current_year_net").value == -150_000
    # CHECKS I-2: Yimen's insured in Table 5a is 11,692.
    assert table5a_by_county()["yimen"]["insured"] == 11_692


@pytest.mark.parametrize(
    ("scheme", "variable", "expected"),
    [
        ("enterprise_pension", "contributors", 154_288),
        ("enterprise_pension", "beneficiaries", 37_285),
        ("institution_pension", "contributors", 62_132),
        ("institution_pension", "beneficiaries", 18_624),
        ("rural_resident_pension", "insured", 1_152_200),
        ("rural_resident_pension", "beneficiaries", 243_700),
        ("rural_resident_pension", "balance", 439_277_000),
        ("urban_resident_pension", "insured", 49_300),
        ("land_lost_pension", "balance", 538_527_100),
        ("old_rural_pension", "balance", 159_055_400),
        ("urban_resident_medical", "insured", 212_057),
        ("urban_resident_medical", "income", 77_997_300),
        ("rural_cooperative_medical", "insured", 1_617_373),
        ("unemployment", "balance", 505_447_000),
        ("work_injury_enterprise", "insured", 143_078),
        ("work_injury_enterprise", "expenditure", 62_490_000),
        ("work_injury_enterprise", "income", 70_230_000),
        ("work_injury_institution", "balance", 37_050_000),
        ("maternity_enterprise", "balance", 45_420_000),
        ("maternity_institution", "expenditure", 3_380_000),
        ("dibao", "beneficiaries", 127_800),
    ],
)
def test_to_dataset__county_sum_reproduces_city_total(
    baseline: Baseline, scheme: str, variable: str, expected: int
) -> None:
    ds = baseline.to_dataset()
    total = ds[variable].sel(scheme=scheme).sum("county", skipna=False)
    assert float(total) == expected


def test_to_dataset__every_cell_sums_exactly(baseline: Baseline) -> None:
    ds = baseline.to_dataset()
    for var in DATASET_VARIABLES:
        for s in actuarial.schemes():
            parts = ds[var].sel(scheme=s).values
            city = baseline.city_total(s, var)
            if math.isnan(city):
                assert np.isnan(parts).all(), (s, var)
            else:
                assert not np.isnan(parts).any(), (s, var)
                assert parts.sum() == city, (s, var)  # exact: whole persons and whole yuan
                assert (parts >= 0).all(), (s, var)
                assert (parts == np.round(parts)).all(), (s, var)


def test_to_dataset__shape_units_and_sources(baseline: Baseline) -> None:
    ds = baseline.to_dataset()
    assert dict(ds.sizes) == {"county": 10, "scheme": 14}
    assert list(ds["county"].values) == actuarial.counties()
    assert ds["balance"].attrs["units"] == "CNY"
    assert ds["insured"].attrs["units"] == "persons"
    assert "F0021 II.(1)" in ds["insured"].attrs["source"]
    assert ds["scheme_name_zh"].sel(scheme="dibao").item() == "最低生活保障"
    # dibao has no fund; medical expenditure is not in the report.
    assert np.isnan(ds["balance"].sel(scheme="dibao")).all()
    assert np.isnan(ds["expenditure"].sel(scheme="urban_resident_medical")).all()


def test_to_dataset__report_county_tables_used_directly(baseline: Baseline) -> None:
    ds = baseline.to_dataset()
    t5 = table5a_by_county()
    t2 = table2_by_county()
    for c in actuarial.counties():
        assert ds["insured"].sel(scheme="work_injury_enterprise", county=c) == t5[c]["insured"]
        assert (
            ds["expenditure"].sel(scheme="work_injury_enterprise", county=c)
            == (t5[c]["expenditure"])
        )
        assert ds["insured"].sel(scheme="urban_resident_medical", county=c) == t2[c]["insured"]
    # Old rural pension: no accounts in Chengjiang or at city level (II.(2).4).
    old = ds["insured"].sel(scheme="old_rural_pension")
    assert old.sel(county="chengjiang") == 0
    assert old.sel(county="city_level") == 0


def test_table2__report_arithmetic() -> None:
    t2 = table2_by_county()
    adults = sum(r["adults"] for r in t2.values())
    students = sum(r["students_children"] for r in t2.values())
    college = sum(r["college"] for r in t2.values())
    assert (adults, students, college) == (132_889, 78_122, 1_046)
    assert adults * 8 + students * 88 + college * 132 == 8_075_920
    table = {r["county"]: r for r in read_csv("report.table2")}
    assert sum(int(table[c]["added_fiscal_subsidy_total_CNY"]) for c in t2) == 8_075_920
    for c, r in t2.items():
        assert r["adults"] + r["students_children"] + r["college"] == r["insured"], c


def test_financing_decompositions__392_312_268(baseline: Baseline) -> None:
    um = "urban_resident_medical"

    def v(q: str) -> float:
        return baseline.figure(um, q).value

    assert (
        sum(
            v(f"adult_{k}")
            for k in (
                "subsidy_central",
                "subsidy_province",
                "subsidy_city",
                "subsidy_county",
                "individual_contribution",
            )
        )
        == 392
    )
    assert v("adult_financing_total") == 392
    assert (
        sum(
            v(f"student_child_{k}")
            for k in (
                "subsidy_central",
                "subsidy_province",
                "subsidy_city",
                "subsidy_county",
                "individual_contribution",
            )
        )
        == 312
    )
    assert v("student_child_financing_total") == 312
    assert (
        sum(
            v(f"college_{k}")
            for k in ("subsidy_central", "subsidy_city", "individual_contribution")
        )
        == 268
    )
    assert v("college_financing_total") == 268
    # Table 1 splits the same standards into individual + fiscal subsidy.
    assert v("individual_contribution_adult") + v("fiscal_subsidy_adult") == 392
    assert v("individual_contribution_student_child") + v("fiscal_subsidy_student_child") == 312
    nc = "rural_cooperative_medical"
    assert (
        baseline.figure(nc, "individual_contribution").value
        + baseline.figure(nc, "fiscal_subsidy").value
    ) == 400


def test_table5a__column_totals_match_city_figures(baseline: Baseline) -> None:
    t5 = table5a_by_county()
    we = "work_injury_enterprise"
    assert sum(r["insured"] for r in t5.values()) == baseline.figure(we, "insured").value
    assert (
        sum(r["contributions"] for r in t5.values()) == baseline.figure(we, "contributions").value
    )
    assert sum(r["expenditure"] for r in t5.values()) == baseline.figure(we, "expenditure").value
    assert (
        sum(r["beneficiaries"] for r in t5.values()) == baseline.figure(we, "beneficiaries").value
    )


def test_text_arithmetic__report_cross_checks(baseline: Baseline) -> None:
    f = baseline.figure
    # Work injury and maternity fund totals (II.(5)).
    assert (
        f("work_injury_enterprise", "balance").value + f("work_injury_institution", "balance").value
        == 57_840_000
    )
    assert (
        f("maternity_enterprise", "balance").value + f("maternity_institution", "balance").value
        == 95_420_000
    )
    # Arrears by fund sum to the printed 9,593万 (III.(1).1).
    arrears = sum(
        f(s, "arrears").value
        for s in (
            "enterprise_pension",
            "institution_pension",
            "work_injury_enterprise",
            "work_injury_institution",
            "maternity_enterprise",
            "maternity_institution",
        )
    )
    assert arrears == f("all", "arrears_total").value == 95_930_000
    # Land-lost enrolees: 3.3万 + 4.27万 = 7.57万 (II.(2).3).
    ll = "land_lost_pension"
    assert f(ll, "insured_at_expropriation").value + f(ll, "insured_historical").value == (
        f(ll, "insured").value
    )
    # Participation printed 97.3 % for the new rural pension.
    rp = "rural_resident_pension"
    assert round(100 * f(rp, "insured").value / f(rp, "eligible").value, 1) == 97.3


def test_build_script__reproduces_packaged_csv(tmp_path: Any) -> None:
    """The packaged CSV is exactly what tools/build_base_year.py makes from the records."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "build_base_year", root / "tools" / "build_base_year.py"
    )
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    import sys

    sys.modules["build_base_year"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "figures.json").write_bytes(
        (Path(__file__).parent / "data" / "report_figures.json").read_bytes()
    )
    built = mod.build(seed)
    assert built == read_csv("base_year.figures")


def test_population__county_sex_age_sums_to_interpolated_city_total(baseline: Baseline) -> None:
    from actuarial.baseline import city_population

    pop = baseline.population(2013)
    assert pop.dims == ("county", "sex", "age")
    total = city_population(2013, baseline.assumptions)
    # 2,303,511 x (2,249,502 / 2,303,511) ** (2.667 / 10): between the two censuses.
    assert 2_249_502 < total < 2_303_511
    assert int(pop.sum()) == total
    assert int(pop.sel(county="city_level").sum()) == 0
    shares = pop.sum(("sex", "age")) / total
    key = baseline.assumptions.allocation.county_population
    for c in actuarial.counties():
        assert float(shares.sel(county=c)) == pytest.approx(key[c] / 2_303_511, abs=1e-6)  # type: ignore[index]
