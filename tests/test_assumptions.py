"""Scenario files: overlay semantics and a named error for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from actuarial import load_assumptions
from actuarial.assumptions import ScenarioError, baseline_dict, describe, overlay
from actuarial.cli import app


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_assumptions__baseline_values_are_the_reports() -> None:
    a = load_assumptions()
    assert a.economy.fund_return == 0.0228  # III.(9).2
    assert a.schemes.unemployment.employer_rate == 0.02  # II.(4)
    assert a.schemes.unemployment.benefit_class3_cny_per_month == [535, 605, 675]
    assert a.schemes.dibao.urban_standard_cny_per_month == 334
    assert a.leakage.undetected_death_cases_per_recipient == pytest.approx(36 / 55_900, rel=1e-6)
    assert a.leakage.recovered_share == pytest.approx(82.93 / 87, rel=1e-6)


def test_load_assumptions__scenario_overrides_only_its_keys(tmp_path: Path) -> None:
    path = _write(tmp_path, "[economy]\nfund_return = 0.035\n[projection]\nend_year = 2060\n")
    a = load_assumptions(path)
    base = load_assumptions()
    assert a.economy.fund_return == 0.035
    assert a.projection.end_year == 2060
    assert a.economy.liquid_payout_months == base.economy.liquid_payout_months
    assert a.schemes == base.schemes


def test_load_assumptions__county_population_override_changes_the_split(tmp_path: Path) -> None:
    import actuarial

    path = _write(tmp_path, "[allocation.county_population]\nhongta = 600000\n")
    a = load_assumptions(path)
    assert a.allocation.county_population["hongta"] == 600_000
    assert a.allocation.county_population["eshan"] == 162_831
    ds0 = actuarial.load_baseline().to_dataset()
    ds1 = actuarial.load_baseline(a).to_dataset()
    sel = {"scheme": "rural_resident_pension", "county": "hongta"}
    assert float(ds1["insured"].sel(sel)) > float(ds0["insured"].sel(sel))
    assert float(ds1["insured"].sel(scheme="rural_resident_pension").sum()) == 1_152_200


def test_overlay__lists_replace_tables_merge() -> None:
    merged = overlay({"a": {"x": 1, "y": [1, 2]}}, {"a": {"y": [3]}})
    assert merged == {"a": {"x": 1, "y": [3]}}


BAD_SCENARIOS = [
    # (id, TOML text, key path named in the error, words in the message)
    (
        "unknown_key",
        "[economy]\nfund_retrun = 0.03\n",
        "economy.fund_retrun",
        "did you mean 'fund_return'",
    ),
    ("unknown_table", "[econmy]\nfund_return = 0.03\n", "econmy", "unknown key"),
    ("wrong_type", '[economy]\nfund_return = "high"\n', "economy.fund_return", "valid number"),
    (
        "bool_for_number",
        "[schemes.dibao]\nmin_indexation = true\n",
        "schemes.dibao.min_indexation",
        "valid number",
    ),
    ("nan", "[economy]\nfund_return = nan\n", "economy.fund_return", "NaN"),
    (
        "inf",
        "[schemes.dibao]\nurban_standard_cny_per_month = inf\n",
        "schemes.dibao.urban_standard_cny_per_month",
        "NaN and infinities",
    ),
    (
        "negative_rate",
        "[schemes.unemployment]\nemployer_rate = -0.02\n",
        "schemes.unemployment.employer_rate",
        "greater than or equal to 0",
    ),
    (
        "negative_amount",
        "[schemes.dibao]\nurban_standard_cny_per_month = -1\n",
        "schemes.dibao.urban_standard_cny_per_month",
        "greater than or equal to 0",
    ),
    (
        "probability_above_one",
        "[leakage]\nrecovered_share = 1.2\n",
        "leakage.recovered_share",
        "less than or equal to 1",
    ),
    (
        "years_out_of_order",
        "[projection]\nmilestones = [2050, 2030]\n",
        "projection.milestones[1]",
        "strictly increasing",
    ),
    (
        "year_outside_projection",
        "[projection]\nmilestones = [2030, 2150]\n",
        "projection.milestones[1]",
        "must lie in (2013, 2100]",
    ),
    (
        "end_before_base",
        "[projection]\nend_year = 2010\nmilestones = []\n",
        "projection.end_year",
        "after base_year",
    ),
    ("base_year_not_data", "[projection]\nbase_year = 2015\n", "projection.base_year", "2013"),
    (
        "unknown_county",
        "[allocation.county_population]\nhongtaa = 5\n",
        "allocation.county_population.hongtaa",
        "unknown code 'hongtaa'",
    ),
    (
        "unknown_scheme",
        '[allocation.key]\nfoo_pension = "population"\n',
        "allocation.key.foo_pension",
        "unknown code 'foo_pension'",
    ),
    (
        "unknown_key_choice",
        '[allocation.key]\ndibao = "random"\n',
        "allocation.key.dibao",
        "allowed: 'population'",
    ),
    ("table_for_value", "[economy.fund_return]\nx = 1\n", "economy.fund_return", "got a table"),
    ("value_for_table", "economy = 3\n", "economy", "expected a table"),
    (
        "tiers_not_increasing",
        "[schemes.rural_resident_pension]\ncontribution_tiers_cny_per_year = [100, 300, 200]\n",
        "schemes.rural_resident_pension.contribution_tiers_cny_per_year[2]",
        "strictly increasing",
    ),
    ("malformed_toml", "[economy\nfund_return = 0.03\n", "<top level>", "malformed TOML"),
]


@pytest.mark.parametrize(
    ("case", "text", "key", "words"), BAD_SCENARIOS, ids=[c[0] for c in BAD_SCENARIOS]
)
def test_load_assumptions__bad_scenario_names_the_key(
    tmp_path: Path, case: str, text: str, key: str, words: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_assumptions(path)
    message = str(info.value)
    assert f"  {key}: " in message, message
    assert words in message, message
    assert "Traceback" not in message


@pytest.mark.parametrize(
    ("case", "text", "key", "words"), BAD_SCENARIOS[:6], ids=[c[0] for c in BAD_SCENARIOS[:6]]
)
def test_check_scenario__cli_exit_code_and_message(
    tmp_path: Path, case: str, text: str, key: str, words: str
) -> None:
    path = _write(tmp_path, text)
    result = CliRunner().invoke(app, ["check-scenario", str(path)])
    assert result.exit_code == 2
    assert key in result.output
    assert "Traceback" not in result.output


def test_check_scenario__valid_file_exits_zero(tmp_path: Path) -> None:
    path = _write(tmp_path, "[economy]\nfund_return = 0.03\n")
    result = CliRunner().invoke(app, ["check-scenario", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_check_scenario__missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check-scenario", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert "file not found" in result.output


def test_describe__every_leaf_key_documented() -> None:
    keys = dict(describe())
    assert "economy.fund_return" in keys
    assert "2.28" in keys["economy.fund_return"]
    assert all(text for text in keys.values()), [k for k, t in keys.items() if not t]

    def leaves(d: dict[str, object], prefix: str = "") -> set[str]:
        out: set[str] = set()
        for k, v in d.items():
            if isinstance(v, dict) and k not in {
                "county_population",
                "key",
                "known",
                "resident_pension_local_shares",
            }:
                out |= leaves(v, f"{prefix}{k}.")
            else:
                out.add(f"{prefix}{k}")
        return out

    assert leaves(baseline_dict()) == set(keys)


def test_baseline__mortality_level_factor_is_the_derived_one() -> None:
    from actuarial.demography import yuxi_level_factor

    assert load_assumptions().mortality.level_factor == pytest.approx(
        yuxi_level_factor(), rel=1e-12
    )
