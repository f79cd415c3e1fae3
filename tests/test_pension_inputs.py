"""The pension assumptions that are derived from data are re-derived here, and the
kernel inputs of each scheme are checked against the base year they come from."""

from __future__ import annotations

import numpy as np
import pytest

from actuarial import load_assumptions, load_baseline
from actuarial.data import read_csv
from actuarial.fiscal import central_minimum_by_year
from actuarial.pensions import PENSION_SCHEMES, build_inputs, make_context


@pytest.fixture(scope="module")
def inputs():  # type: ignore[no-untyped-def]
    a = load_assumptions()
    ctx = make_context(a, load_baseline(a), 2020)
    return ctx, build_inputs(ctx)


def _yearly_central_minimum(year: int) -> float:
    """Average over ``year`` of the central minimum (P11), by effective date (the values
    themselves are checked by hand in ``tests/test_fiscal.py``)."""
    return float(central_minimum_by_year(np.array([year]))[0])


def test_resident_basic_raises__follow_the_central_minimum_plus_local_top_up() -> None:
    a = load_assumptions()
    for code in ("rural_resident_pension", "urban_resident_pension"):
        rules = getattr(a.schemes, code)
        top_up = rules.basic_pension_local_top_up_cny_per_month
        # 2013: 55 central + 5 local = the 60 the report prints (III.(2).3).
        assert _yearly_central_minimum(2013) + top_up == rules.basic_pension_cny_per_month
        level = rules.basic_pension_cny_per_month
        for year in range(2014, 2027):
            expected = _yearly_central_minimum(year) + top_up
            level *= 1.0 + rules.basic_indexation.known[str(year)]
            assert level == pytest.approx(expected, rel=1e-12), year
        assert _yearly_central_minimum(2014) == 62.5  # half a year at 55, half at 70


def test_employee_raises__are_the_enterprise_series() -> None:
    a = load_assumptions()
    series = {
        r["year"]: float(r["overall_adjustment_pct"]) / 100
        for r in read_csv("rules.enterprise_indexation")
        if r["overall_adjustment_pct"]
    }
    for code in ("enterprise_pension", "institution_pension"):
        known = getattr(a.schemes, code).indexation.known
        assert known == {y: v for y, v in series.items() if int(y) >= 2013}


def test_leakage_months__derived_from_the_report() -> None:
    a = load_assumptions()
    b = load_baseline(a)
    ent = b.figure("enterprise_pension", "beneficiaries").value
    ins = b.figure("institution_pension", "beneficiaries").value
    average = (
        ent * b.figure("enterprise_pension", "average_benefit").value
        + ins * b.figure("institution_pension", "average_benefit").value
    ) / (ent + ins)
    amount = b.figure("enterprise_pension+institution_pension", "fraud_amount").value
    cases = b.figure("enterprise_pension+institution_pension", "fraud_cases").value
    checked = b.figure("enterprise_pension+institution_pension", "fraud_recipients_checked").value
    recovered = b.figure("enterprise_pension+institution_pension", "fraud_amount_recovered").value
    assert a.leakage.overpaid_months_per_case == pytest.approx(amount / cases / average, abs=1e-6)
    assert a.leakage.undetected_death_cases_per_recipient == pytest.approx(cases / checked, 1e-6)
    assert a.leakage.recovered_share == pytest.approx(recovered / amount, abs=1e-6)


def test_resident_account_pension__is_the_average_less_the_basic() -> None:
    a = load_assumptions()
    b = load_baseline(a)
    average = b.figure("rural_resident_pension", "average_benefit").value
    rules = a.schemes.rural_resident_pension
    assert rules.account_pension_2012_cny_per_month == pytest.approx(
        average - rules.basic_pension_cny_per_month, abs=1e-9
    )


def test_inputs__members_and_balances_sum_to_the_base_year(inputs) -> None:  # type: ignore[no-untyped-def]
    ctx, ki = inputs
    b = ctx.baseline
    arr = ki.arrays
    for k, code in enumerate(PENSION_SCHEMES):
        pensioners = b.county_values(code, "beneficiaries")
        np.testing.assert_array_equal(arr["p0"][k].sum(axis=(1, 2)), pensioners)
        np.testing.assert_array_equal(arr["balance0"][k], b.county_values(code, "balance"))
        if code in ("land_lost_pension", "old_rural_pension"):
            expected = b.county_values(code, "insured") - pensioners
        else:
            expected = b.county_values(code, "contributors")
        np.testing.assert_array_equal(arr["a0"][k].sum(axis=(1, 2)), expected)
        # Whole persons: random deaths draw from whole counts.
        assert np.all(arr["a0"][k] == np.round(arr["a0"][k]))
        assert np.all(arr["p0"][k] == np.round(arr["p0"][k]))


def test_inputs__ages_follow_the_rules(inputs) -> None:  # type: ignore[no-untyped-def]
    ctx, ki = inputs
    a = ctx.assumptions
    arr = ki.arrays
    ent = PENSION_SCHEMES.index("enterprise_pension")
    ra = a.schemes.enterprise_pension.retirement_age
    # No contributing man at or past 60, no woman past the cadre age; no pensioner below
    # the women workers' age.
    assert arr["a0"][ent][:, 0, ra.male :].sum() == 0
    assert arr["a0"][ent][:, 1, ra.female_cadre :].sum() == 0
    assert arr["p0"][ent][:, :, : ra.female_worker].sum() == 0
    assert arr["retire"][ent][0, 0, ra.male] == 1.0
    cadre = a.schemes.enterprise_pension.female_cadre_share
    assert arr["retire"][ent][0, 1, ra.female_worker] == pytest.approx(1 - cadre)
    assert arr["retire"][ent][0, 1, ra.female_cadre] == 1.0
    # 计发月数 (P13): 139 at 60, 170 at 55, 195 at 50.
    assert arr["payout_months"][ent][[60, 55, 50]].tolist() == [139.0, 170.0, 195.0]
    rural = PENSION_SCHEMES.index("rural_resident_pension")
    assert arr["a0"][rural][:, :, :16].sum() == 0
    assert arr["a0"][rural][:, :, 60:].sum() == 0
    assert arr["p0"][rural][:, :, :60].sum() == 0


def test_inputs__city_level_members_placed_on_the_city_population(inputs) -> None:  # type: ignore[no-untyped-def]
    ctx, ki = inputs
    assert ctx.city_pool.tolist() == [True] + [False] * 9
    ent = PENSION_SCHEMES.index("enterprise_pension")
    city_members = ki.arrays["a0"][ent][0]
    assert city_members.sum() == ctx.baseline.county_values("enterprise_pension", "contributors")[0]
    # Coverage of the city level is measured against the whole city's residents.
    ref = ctx.pop0.sum(axis=0)
    cov = ki.arrays["coverage"][ent][0]
    mask = ref > 0
    np.testing.assert_allclose(cov[mask] * ref[mask], city_members[mask], rtol=1e-12)


def test_leakage_schemes__apply_to_any_pension() -> None:
    a = load_assumptions(
        overrides={"leakage": {"schemes": ["urban_resident_pension", "land_lost_pension"]}}
    )
    ctx = make_context(a, load_baseline(a), 2015)
    leak = build_inputs(ctx).arrays["leak"]
    rows = {code: leak[k, 0].tolist() for k, code in enumerate(PENSION_SCHEMES)}
    assert rows["enterprise_pension"] == [0.0, 0.0, 0.0]
    expected = [
        a.leakage.undetected_death_cases_per_recipient,
        a.leakage.overpaid_months_per_case,
        a.leakage.recovered_share,
    ]
    assert rows["urban_resident_pension"] == expected
    assert rows["land_lost_pension"] == expected


def test_project__end_beyond_the_mortality_data_names_end() -> None:
    import actuarial
    from actuarial.assumptions.errors import ScenarioError

    with pytest.raises(ValueError, match=r"^end: got 2150; allowed: 2014 to 2100"):
        actuarial.project(draws=1, end=2150)
    with pytest.raises(ScenarioError, match=r"projection\.end_year"):
        load_assumptions(overrides={"projection": {"end_year": 2150}})


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"contribution_years": 2.5}, "contribution_years"),
        ({"retirement_age": 60.5}, "retirement_age"),
        ({"annual_contribution": "100"}, "annual_contribution"),
    ],
)
def test_member_pension__non_whole_inputs_name_the_argument(
    kwargs: dict[str, object], name: str
) -> None:
    import actuarial

    args: dict[str, object] = {"annual_contribution": 100, "contribution_years": 15}
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"^{name}: got"):
        actuarial.member_pension("enterprise_pension", **args)  # type: ignore[arg-type]
