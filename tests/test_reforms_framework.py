"""The reform framework: selection and errors, settling, common random numbers, pooling,
compare and solve."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

import actuarial
from actuarial.assumptions import ScenarioError
from actuarial.cli import app
from actuarial.comparison import compare, scenario
from actuarial.projection import INCOME, OUTGO, project
from actuarial.reforms import (
    Reform,
    ReformError,
    available,
    coerce,
    load_scenario,
    make,
    parse_spec,
)
from actuarial.reforms._chunk import Chunk
from actuarial.solver import solve

WORK_INJURY = ["work_injury_enterprise", "work_injury_institution"]
SMALL = {"draws": 4, "seed": 3, "end": 2030}


# -- selection and errors -------------------------------------------------------------------


def test_registry__lists_reforms_then_stresses() -> None:
    names = list(available())
    assert {"pooling_level", "contribution_rate", "fiscal_top_up"} <= set(names)
    kinds = [available()[n].kind for n in names]
    assert kinds == sorted(kinds, key=lambda k: k != "reform")


def test_make__unknown_reform_lists_the_available_ones() -> None:
    with pytest.raises(ReformError, match=r"'pool' does not exist; available: .*pooling_level"):
        make("pool")


def test_make__unknown_parameter_names_it_and_the_allowed_ones() -> None:
    with pytest.raises(
        ReformError, match=r"pooling_level: levle: no such parameter \(allowed: year, level"
    ):
        make("pooling_level", levle="city")


def test_make__bad_value_and_year_are_named() -> None:
    with pytest.raises(ReformError, match=r"level: got 'town'"):
        make("pooling_level", level="town")
    with pytest.raises(ReformError, match=r"year: got 2101"):
        make("pooling_level", year=2101)


def test_parse_spec__name_year_and_parameters() -> None:
    r = parse_spec("pooling_level:2016,level=province,schemes=work_injury_enterprise")
    assert (r.name, r.year) == ("pooling_level", 2016)
    assert r.params() == {"year": 2016, "level": "province", "schemes": ["work_injury_enterprise"]}
    r = parse_spec("contribution_rate,factor=1.5,schemes=unemployment/maternity_enterprise")
    assert r.params()["schemes"] == ["unemployment", "maternity_enterprise"]
    assert r.params()["factor"] == 1.5
    # The label round-trips through the parser.
    assert parse_spec(r.label()) == r


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("pooling_level:20x6", r"year: got '20x6'"),
        ("pooling_level,level", r"parameters are key=value"),
        ("nothing:2016", r"'nothing' does not exist"),
    ],
)
def test_parse_spec__errors_name_the_part(spec: str, message: str) -> None:
    with pytest.raises(ReformError, match=message):
        parse_spec(spec)


def test_coerce__tables_need_a_name() -> None:
    assert coerce([{"name": "pooling_level", "year": 2020}])[0].year == 2020
    with pytest.raises(ReformError, match=r"reforms\[0\]: .* needs a name"):
        coerce([{"year": 2020}])


def test_load_scenario__reforms_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "pool.toml"
    path.write_text(
        'scenario = "pooled work injury"\n'
        "[economy]\nfund_return = 0.03\n\n"
        '[[reforms]]\nname = "pooling_level"\nyear = 2016\nschemes = ["work_injury_enterprise"]\n\n'
        '[[reforms]]\nname = "fiscal_top_up"\nshare = 0.1\n',
        encoding="utf-8",
    )
    sc = load_scenario(path)
    assert sc.name == "pooled work injury"
    assert sc.assumptions is not None
    assert sc.assumptions.economy.fund_return == 0.03
    assert [r.name for r in sc.reforms] == ["pooling_level", "fiscal_top_up"]
    ds = project(path, draws=1, end=2017, schemes=WORK_INJURY, process_risk=False)
    assert ds.attrs["reforms"] == (
        "pooling_level:2016,schemes=work_injury_enterprise; fiscal_top_up:2015,share=0.1"
    )
    assert 'name = "pooling_level"' in ds.attrs["reforms_toml"]


def test_load_scenario__bad_reform_is_named_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[reforms]]\nname = "pooling_level"\nlevel = "village"\n', encoding="utf-8")
    with pytest.raises(
        ScenarioError,
        match=r"(?s)bad.toml.*reforms\[0\]: reform pooling_level: level: got 'village'",
    ):
        load_scenario(path)


# -- settling -------------------------------------------------------------------------------


class _TouchEverything(Reform):
    """Marks every scheme changed from the base year without changing a flow."""

    name: ClassVar[str] = "touch_everything"

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        for j in range(len(chunk.schemes)):
            chunk.mark(j, 0)


def test_settling__reproduces_the_kernels_bit_for_bit() -> None:
    # Re-settling unchanged flows must give the kernels' interest and balances exactly:
    # the settling sums in the kernels' order. Every family of scheme is here.
    schemes = [
        "enterprise_pension", "rural_resident_pension", "urban_resident_medical",
        "unemployment", "work_injury_enterprise", "maternity_institution", "dibao",
    ]  # fmt: skip
    base = project(**SMALL, schemes=schemes)
    touched = project(**SMALL, schemes=schemes, reforms=[_TouchEverything(year=2013)])
    for name in ("interest", "balance"):
        np.testing.assert_array_equal(touched[name].values, base[name].values)


def _identity_residual(ds: xr.Dataset) -> xr.DataArray:
    prev = ds["balance"].shift(year=1)
    prev[{"year": 0}] = ds["opening_balance"]
    income = sum(ds[v] for v in INCOME)
    outgo = sum(ds[v] for v in OUTGO)
    return ds["balance"] - (prev + income - outgo)


# -- pooling --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pooled_pair() -> tuple[xr.Dataset, xr.Dataset]:
    kw = {"draws": 6, "seed": 11, "end": 2035, "schemes": WORK_INJURY}
    return project(**kw), project(**kw, reforms=["pooling_level:2018"])


def test_pooling__the_pool_holds_exactly_what_the_separate_funds_hold(pooled_pair) -> None:  # type: ignore[no-untyped-def]
    separate, pooled = pooled_pair
    scale = float(abs(separate["balance"]).max())
    np.testing.assert_allclose(
        pooled["balance"].sum("county"),
        separate["balance"].sum("county"),
        rtol=0,
        atol=1e-9 * scale,
    )
    before = {"year": slice(2013, 2017)}
    for name in ("balance", "interest", "contributions", "benefits"):
        np.testing.assert_array_equal(pooled[name].sel(before), separate[name].sel(before))
    counties = pooled["balance"].sel(year=slice(2018, None)).drop_sel(county="city_level")
    assert (counties == 0.0).all()
    # Transfers move money between the county funds only: they sum to zero.
    tr = pooled["transfers"].sel(year=slice(2018, None)).sum("county")
    np.testing.assert_allclose(tr, 0.0, atol=1e-9 * scale)
    assert float(abs(pooled["transfers"]).max()) > 0.01 * scale
    # Flows other than transfers and interest are untouched.
    for name in ("contributions", "benefits", "subsidies"):
        np.testing.assert_array_equal(pooled[name], separate[name])
    assert float(abs(_identity_residual(pooled)).max()) < 1e-9 * scale


def test_pooling__county_level_changes_nothing(pooled_pair) -> None:  # type: ignore[no-untyped-def]
    separate, _ = pooled_pair
    same = project(
        draws=6, seed=11, end=2035, schemes=WORK_INJURY, reforms=["pooling_level:2018,level=county"]
    )
    np.testing.assert_array_equal(same["balance"], separate["balance"])


def test_pooling__lowers_the_risk_that_any_county_fund_runs_out() -> None:
    # The report's argument for city pooling (V.(2).3): with process risk on, small county
    # pools run out where one pool of the same money does not.
    kw = {"draws": 40, "seed": 0, "end": 2030, "schemes": WORK_INJURY, "process_risk": True}
    separate = project(**kw).solvency.depletion_probability(aggregate="any")
    pooled = project(**kw, reforms=["pooling_level:2013"]).solvency.depletion_probability(
        aggregate="any"
    )
    ent = separate.sel(scheme="work_injury_enterprise"), pooled.sel(scheme="work_injury_enterprise")
    assert (ent[1] <= ent[0]).all()
    # By 2020 some county's own fund has run out in every draw; the pool in none.
    assert float(ent[0].sel(year=2020)) == 1.0
    assert float(ent[1].sel(year=2020)) == 0.0


# -- common random numbers ------------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison() -> xr.Dataset:
    return compare(
        None,
        scenario("pool 2020", "pooling_level:2020"),
        "contribution_rate:2016,factor=1.5,schemes=unemployment",
        draws=4, seed=5, end=2030, schemes=["unemployment", *WORK_INJURY], keep="draws",
    )  # fmt: skip


def test_compare__baseline_is_project_bit_for_bit(comparison: xr.Dataset) -> None:
    base = project(draws=4, seed=5, end=2030, schemes=["unemployment", *WORK_INJURY])
    for name in ("balance", "contributions", "benefits", "fund_return", "cpi"):
        np.testing.assert_array_equal(comparison[f"draws_{name}"].isel(scenario=0), base[name])


def test_compare__draws_are_common_across_scenarios(comparison: xr.Dataset) -> None:
    d = comparison
    # The economic paths are the same in every scenario.
    for name in ("cpi", "fund_return", "wage_growth"):
        for s in range(1, 3):
            np.testing.assert_array_equal(
                d[f"draws_{name}"].isel(scenario=s), d[f"draws_{name}"].isel(scenario=0)
            )
    # What a scenario does not touch is bit-identical: pooling from 2020 leaves every
    # year before it, and every flow but transfers and interest.
    pool = {"scenario": 1}
    une = {"scheme": "unemployment"}
    np.testing.assert_array_equal(
        d["draws_balance"].isel(pool).sel(year=slice(2013, 2019)),
        d["draws_balance"].isel(scenario=0).sel(year=slice(2013, 2019)),
    )
    for name in ("contributions", "benefits", "beneficiaries"):
        np.testing.assert_array_equal(
            d[f"draws_{name}"].isel(pool), d[f"draws_{name}"].isel(scenario=0)
        )
    # The unemployment rate rise leaves the work-injury funds alone, and unemployment's
    # claims: only its contributions (x 1.5 from 2016), interest and balance move.
    rate = {"scenario": 2}
    np.testing.assert_array_equal(
        d["draws_balance"].isel(rate).sel(scheme=WORK_INJURY),
        d["draws_balance"].isel(scenario=0).sel(scheme=WORK_INJURY),
    )
    np.testing.assert_array_equal(
        d["draws_benefits"].isel(rate).sel(une), d["draws_benefits"].isel(scenario=0).sel(une)
    )
    np.testing.assert_allclose(
        d["draws_contributions"].isel(rate).sel(une).sel(year=slice(2016, None)),
        1.5 * d["draws_contributions"].isel(scenario=0).sel(une).sel(year=slice(2016, None)),
        rtol=1e-15,
    )


def test_compare__deltas_and_labels(comparison: xr.Dataset) -> None:
    d = comparison
    assert list(d["scenario"].values) == [
        "baseline",
        "pool 2020",
        "contribution_rate:2016,factor=1.5,schemes=unemployment",
    ]
    assert list(d["scenario_reforms"].values)[:2] == ["none", "pooling_level:2020"]
    np.testing.assert_array_equal(
        d["delta_p_depleted"].isel(scenario=0), 0 * d["p_depleted"].isel(scenario=0)
    )
    np.testing.assert_allclose(
        d["delta_p_any_county_depleted"],
        d["p_any_county_depleted"] - d["p_any_county_depleted"].isel(scenario=0),
    )
    # These schemes take no subsidies: no fiscal cost in any scenario.
    assert float(abs(d["fiscal_cost_pv"]).max()) == 0.0


def test_compare__fiscal_cost_and_present_value_by_hand() -> None:
    # A top-up of 10 % of the enterprise pension's outgo, paid half by city, half by county.
    d = compare(
        None, "fiscal_top_up:2014,share=0.1", draws=2, seed=1, end=2016,
        schemes=["enterprise_pension"], process_risk=False, discount_rate=0.05, keep="draws",
    )  # fmt: skip
    base = d.isel(scenario=0)
    outgo = sum(base[f"draws_{v}"] for v in OUTGO).sum("county").sel(scheme="enterprise_pension")
    extra = 0.1 * outgo.sel(year=slice(2014, None))
    city = d["delta_fiscal_cost"].isel(scenario=1).sel(level="city", scheme="enterprise_pension")
    np.testing.assert_allclose(
        city.sel(year=slice(2014, None)), 0.5 * extra.mean("draw"), rtol=1e-12
    )
    assert float(city.sel(year=2013)) == 0.0
    # Present value at the start of 2013, money paid mid-year: 1.05 ** -(t - 2013 + 0.5).
    t = extra["year"] - 2013 + 0.5
    pv = (extra * 1.05**-t).sum("year").mean("draw")
    total = d["delta_fiscal_cost_pv"].isel(scenario=1).sel(scheme="enterprise_pension").sum("level")
    np.testing.assert_allclose(float(total), float(pv), rtol=1e-12)


def test_compare__replacement_rate_of_the_base_year_by_hand() -> None:
    ds = project(draws=2, seed=0, end=2014, schemes=["enterprise_pension"])
    from actuarial.comparison import _replacement_rate

    rr = _replacement_rate(ds).sel(scheme="enterprise_pension", year=2013)
    wage = actuarial.load_assumptions().economy.wage_2013_cny_per_year
    per_head = ds["benefits"].sum("county") / ds["beneficiaries"].sum("county")
    expected = float((per_head.sel(scheme="enterprise_pension", year=2013) / wage).mean("draw"))
    np.testing.assert_allclose(float(rr), expected, rtol=1e-14)
    # 1,592 CNY a month (II.(1)) raised by the 2013 adjustment, over a 46,966 wage: ~0.4-0.5.
    assert 0.35 < float(rr) < 0.55


def test_compare__bad_options_are_named() -> None:
    with pytest.raises(ValueError, match="keep: got 'all'"):
        compare(None, "pooling_level", keep="all")
    with pytest.raises(TypeError, match=r"scenarios\[0\]: got int"):
        compare(None, 3)


def test_chunking__does_not_change_a_reformed_run() -> None:
    kw = {
        "draws": 5,
        "seed": 2,
        "end": 2025,
        "schemes": WORK_INJURY,
        "reforms": ["pooling_level:2016"],
    }
    np.testing.assert_array_equal(
        project(**kw, chunk=1)["balance"], project(**kw, chunk=4)["balance"]
    )


# -- the two levers of solve ----------------------------------------------------------------


def test_contribution_rate__pooled_rate_scales_the_first_year_by_hand() -> None:
    kw = {"draws": 1, "end": 2016, "schemes": ["enterprise_pension"], "deterministic": True}
    base = project(**kw)
    up = project(**kw, reforms=["contribution_rate:2015,factor=1.25"])
    e = actuarial.load_assumptions().schemes.enterprise_pension
    ratio = (1.25 * e.employer_rate + e.employee_rate) / (e.employer_rate + e.employee_rate)
    c0 = base["contributions"].sel(scheme="enterprise_pension", draw=0).sum("county")
    c1 = up["contributions"].sel(scheme="enterprise_pension", draw=0).sum("county")
    np.testing.assert_array_equal(c1.sel(year=[2013, 2014]), c0.sel(year=[2013, 2014]))
    np.testing.assert_allclose(
        float(c1.sel(year=2015)) / float(c0.sel(year=2015)), ratio, rtol=1e-12
    )


def test_fiscal_top_up__subsidy_is_the_share_of_outgo_and_the_identity_holds() -> None:
    kw = {"draws": 2, "seed": 4, "end": 2020, "schemes": ["unemployment"]}
    base = project(**kw)
    top = project(
        **kw,
        reforms=[
            make(
                "fiscal_top_up",
                year=2016,
                share=0.2,
                schemes=["unemployment"],
                levels={"county": 1.0},
            )
        ],
    )
    outgo = sum(base[v] for v in OUTGO).sel(year=slice(2016, None))
    np.testing.assert_allclose(
        (top["subsidy_county"] - base["subsidy_county"]).sel(year=slice(2016, None)),
        0.2 * outgo,
        rtol=1e-12,
    )
    np.testing.assert_array_equal(
        top["subsidies"],
        top["subsidy_central"]
        + top["subsidy_province"]
        + top["subsidy_city"]
        + top["subsidy_county"],
    )
    scale = float(abs(top["balance"]).max())
    assert float(abs(_identity_residual(top)).max()) < 1e-9 * scale
    assert (top["balance"].sel(year=2020) > base["balance"].sel(year=2020)).all()


def test_solve__smallest_rate_that_meets_the_target() -> None:
    s = solve(
        "contribution_rate", scheme="work_injury_enterprise", by_year=2030, target=0.1,
        draws=20, tolerance=0.02, high=3.0,
    )  # fmt: skip
    assert s.p_depleted <= 0.1
    # Every trial below the answer failed the target, and the answer is within the tolerance
    # of one that did.
    below = [p for x, p in s.trials if x < s.value]
    assert below
    assert all(p > 0.1 for p in below)
    assert s.value - max(x for x, _ in s.trials if x < s.value) <= 0.02 + 1e-12
    assert "keeps P(work_injury_enterprise depleted by 2030, city)" in str(s)


def test_solve__unreachable_target_and_bad_lever_are_named() -> None:
    with pytest.raises(ValueError, match=r"even at contribution_rate = 1.01"):
        solve(
            "contribution_rate",
            scheme="work_injury_enterprise",
            by_year=2030,
            target=0.0,
            draws=4,
            high=1.01,
        )
    with pytest.raises(ValueError, match=r"lever: got 'rate'"):
        solve("rate", scheme="unemployment", by_year=2030)
    with pytest.raises(ValueError, match=r"where: got 'town'"):
        solve("subsidy", scheme="unemployment", by_year=2030, where="town")


# -- command line ---------------------------------------------------------------------------

runner = CliRunner()


def test_cli__reforms_lists_every_reform() -> None:
    result = runner.invoke(app, ["reforms"])
    assert result.exit_code == 0, result.output
    for name in available():
        assert name in result.output


def test_cli__run_with_a_bad_reform_exits_2_naming_it(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["run", "--reform", "pooling_level:2016,levle=city", "--out", str(tmp_path / "r"), "-q"],
    )
    assert result.exit_code == 2
    assert "--reform 'pooling_level:2016,levle=city'" in result.output
    assert "levle: no such parameter" in result.output
    assert not (tmp_path / "r").exists()


def test_cli__compare_prints_each_fund_and_writes_the_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["compare", "-r", "pooling_level:2013", "-s", "work_injury_enterprise", "--draws", "4",
         "--end", "2020", "--out", str(tmp_path), "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "work_injury_enterprise" in result.output
    assert "pooling_level:2013" in result.output
    with xr.open_dataset(tmp_path / "comparison.nc", engine="h5netcdf") as saved:
        assert list(saved["scenario"].values) == ["baseline", "pooling_level:2013"]


def test_cli__solve_prints_the_answer() -> None:
    result = runner.invoke(
        app,
        ["solve", "--lever", "contribution_rate", "-s", "work_injury_enterprise", "--by", "2025",
         "--target", "0.5", "--draws", "8", "--tolerance", "0.05", "--high", "3", "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "contribution_rate =" in result.output


def test_indexation__halves_the_first_raise_by_hand() -> None:
    kw = {"draws": 1, "end": 2017, "schemes": ["enterprise_pension"], "deterministic": True}
    base = project(**kw)
    half = project(**kw, reforms=["indexation:2016,factor=0.5"])
    raises = actuarial.load_assumptions().schemes.enterprise_pension.indexation.known
    r = raises["2016"]
    b0 = base["benefits"].sel(scheme="enterprise_pension", draw=0)
    b1 = half["benefits"].sel(scheme="enterprise_pension", draw=0)
    np.testing.assert_array_equal(b1.sel(year=slice(2013, 2015)), b0.sel(year=slice(2013, 2015)))
    # Every pension in payment gets half of 2016's raise; deaths are the same in both.
    np.testing.assert_allclose(
        b1.sel(year=2016), b0.sel(year=2016) * (1 + 0.5 * r) / (1 + r), rtol=1e-12
    )


def test_solve__indexation_is_the_largest_factor_that_meets_the_target() -> None:
    s = solve(
        "indexation", scheme="enterprise_pension", by_year=2052, target=0.25, year=2016,
        draws=8, tolerance=0.05, process_risk=False,
    )  # fmt: skip
    assert s.p_depleted <= 0.25
    above = [p for x, p in s.trials if x > s.value]
    assert above
    assert all(p > 0.25 for p in above)
    # Full raises fail the target: the answer cuts them.
    assert 0.0 < s.value < 1.0
    assert min(x for x, _ in s.trials if x > s.value) - s.value <= 0.05 + 1e-12


EXAMPLES = sorted((Path(__file__).parent.parent / "examples" / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples__every_scenario_file_is_valid(path: Path) -> None:
    result = runner.invoke(app, ["check-scenario", str(path)])
    assert result.exit_code == 0, result.output
    assert load_scenario(path).reforms


def test_examples__the_report_programme_runs_and_keeps_the_identity() -> None:
    # Every reform of the report together, all fourteen schemes, with process risk.
    path = Path(__file__).parent.parent / "examples" / "scenarios" / "report_programme.toml"
    ds = project(path, draws=2, seed=1, end=2018)
    assert len(ds.attrs["reforms"].split("; ")) == 10
    scale = float(abs(ds["balance"]).max())
    assert float(abs(_identity_residual(ds)).max()) < 1e-9 * scale
    levels = sum(ds[f"subsidy_{lv}"] for lv in ("central", "province", "city", "county"))
    np.testing.assert_allclose(ds["subsidies"], levels, rtol=1e-12, atol=1e-6)
    # The merged-away funds hold nothing after their merger year.
    for code in ("urban_resident_pension", "old_rural_pension", "rural_cooperative_medical"):
        assert (ds["balance"].sel(scheme=code, year=slice(2016, None)) == 0.0).all(), code
