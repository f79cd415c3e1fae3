"""The work-injury funds: the kernel equals its numpy twin, the balance and subsidy
identities hold exactly, runs are chunk and thread invariant, claims average to their
closed form, the first projected year agrees with a hand computation from the report's
2012 figures, and the calibration reproduces those figures."""

from __future__ import annotations

import inspect
from typing import Any

import numba
import numpy as np
import pytest
import reference_work_injury as ref

from actuarial import load_assumptions, load_baseline
from actuarial.assumptions import Assumptions
from actuarial.claims import CLAIMS_VARIABLES, work_injury_enterprise, work_injury_institution
from actuarial.claims import _work_injury as wi
from actuarial.context import Context, make_context
from actuarial.demography import death_probabilities, leecarter_bx
from actuarial.scenarios import EconomicPaths, generate
from kernels import work_injury as kernel
from kernels.population import project_population

SEED = 20130105
END = 2016
DRAWS = np.array([2, 31], dtype=np.int64)  # global indices, not 0..n-1 on purpose
V = {name: v for v, name in enumerate(kernel.VARIABLES)}
BUILDERS = {
    "work_injury_enterprise": work_injury_enterprise.build,
    "work_injury_institution": work_injury_institution.build,
}
HONGTA, YIMEN = 1, 6  # canonical county order; 0 is the city level


def _context(a: Assumptions, end: int = END) -> Context:
    return make_context(a, load_baseline(a), end)


@pytest.fixture(scope="module")
def ctx() -> Context:
    return _context(load_assumptions())


@pytest.fixture(scope="module")
def schemes(ctx: Context) -> dict[str, wi.WorkInjuryScheme]:
    return {code: build(ctx) for code, build in BUILDERS.items()}


def _paths(ctx: Context, ids: np.ndarray, *, deterministic: bool = False) -> EconomicPaths:
    return generate(
        ctx.assumptions, seed=SEED, draws=ids, years=ctx.years, deterministic=deterministic
    )


def _population(ctx: Context, paths: EconomicPaths, risk: bool) -> np.ndarray:
    """Residents during each year, as ``actuarial.projection.PensionModel`` makes them."""
    a = ctx.assumptions
    p = a.population
    fertility = np.zeros(101)
    f0, f1 = p.fertility_ages
    fertility[f0 : f1 + 1] = p.total_fertility_rate / (f1 - f0 + 1)
    qbar = death_probabilities(
        int(ctx.years[0]), int(ctx.years[-1]), level_factor=a.mortality.level_factor
    )
    out = np.empty((paths.draws.size, ctx.years.size, *ctx.pop0.shape))
    project_population(
        SEED, paths.draws, risk, np.ascontiguousarray(paths.mortality_index),
        np.ascontiguousarray(qbar.values), np.ascontiguousarray(leecarter_bx().values),
        ctx.pop0, ctx.city_pool, fertility,
        p.sex_ratio_at_birth / (1.0 + p.sex_ratio_at_birth), out,
    )  # fmt: skip
    return out


def _inputs(
    scheme: wi.WorkInjuryScheme, ctx: Context, risk: bool, ids: np.ndarray = DRAWS, **replace: Any
) -> dict[str, Any]:
    paths = _paths(ctx, ids)
    args = scheme.kernel_arguments(
        SEED, ids, paths, _population(ctx, paths, risk), process_risk=risk
    )
    args.update(replace)
    return {k: np.ascontiguousarray(v) if isinstance(v, np.ndarray) else v for k, v in args.items()}


def _run(function: Any, inputs: dict[str, Any]) -> np.ndarray:
    shape = (
        len(kernel.VARIABLES),
        inputs["draws"].size,
        inputs["coverage"].size,
        inputs["coverage_path"].size,
    )
    out = np.full(shape, np.nan)
    function(*inputs.values(), out)
    return out


def _relative_difference(got: np.ndarray, want: np.ndarray) -> float:
    """Largest |got - want| / |want|, with a floor of 1e-3 of the largest |value| of the same
    series (variable, county over draws and years): a balance passing through zero has no
    relative precision."""
    scale = np.abs(want).max(axis=(1, 3), keepdims=True)
    floor = np.maximum(1e-3 * scale, 1e-300)
    return float((np.abs(got - want) / np.maximum(np.abs(want), floor)).max())


def _check_kernel_equals_reference(inputs: dict[str, Any]) -> np.ndarray:
    got = _run(kernel.project_work_injury, inputs)
    want = _run(ref.project_work_injury, inputs)
    assert np.isfinite(want).all()
    assert np.isfinite(got).all()
    assert _relative_difference(got, want) < 1e-10
    if inputs["process_risk"]:
        # Random counts are whole numbers drawn at the same coordinates: equal, bit for bit.
        counts = ["contributors", "beneficiaries", *kernel.MEMO[:2], "claims"]
        for name in counts:
            np.testing.assert_array_equal(got[V[name]], want[V[name]])
            assert np.array_equal(got[V[name]], np.round(got[V[name]]))
    return got


# --- the kernel and its twin ------------------------------------------------------------


def test_reference__has_the_kernel_signature() -> None:
    params = inspect.signature(kernel.project_work_injury.py_func).parameters
    assert list(inspect.signature(ref.project_work_injury).parameters) == list(params)
    assert ref.VARIABLES == kernel.VARIABLES
    assert kernel.CONTRACT == CLAIMS_VARIABLES
    assert ref.KINDS == kernel.KINDS == wi.KINDS
    assert ref.ANNUITIES == kernel.ANNUITIES == wi.ANNUITIES


@pytest.mark.parametrize("code", list(BUILDERS))
@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
def test_kernel__equals_reference_on_the_baseline(
    schemes: dict[str, wi.WorkInjuryScheme], ctx: Context, code: str, risk: bool
) -> None:
    _check_kernel_equals_reference(_inputs(schemes[code], ctx, risk))


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
def test_kernel__equals_reference_on_a_perturbed_case(
    schemes: dict[str, wi.WorkInjuryScheme], ctx: Context, risk: bool
) -> None:
    """Away from the baseline so that every branch runs: raises by the CPI and wage rule
    (no known raise), coverage rising, annuities ending at rates whose expected counts
    cross the samplers' exact/normal threshold, deaths frequent enough for dependants'
    counts above it too."""
    s = schemes["work_injury_enterprise"]
    known = s.raise_known.copy()
    known[1:] = np.nan
    frequency = s.calibration.frequency.copy()
    frequency[kernel.DEATH] *= 40.0
    inputs = _inputs(
        s, ctx, risk,
        raise_known=known,
        coverage_path=np.linspace(1.0, 1.6, s.coverage_path.size),
        end_exit=np.array([0.3, 0.15]),
        end_qbar=np.minimum(s.end_qbar * 30.0, 1.0),
        frequency=frequency,
        n0=s.n0 * 4.0,
        pay0=s.pay0 * 4.0,
    )  # fmt: skip
    out = _check_kernel_equals_reference(inputs)
    insured = out[V["contributors"]].sum(axis=1)
    assert (insured[:, -1] > 1.5 * insured[:, 0]).all()


# --- the contract ------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(BUILDERS))
def test_run_chunk__balance_and_subsidy_identities_hold_exactly(
    schemes: dict[str, wi.WorkInjuryScheme], ctx: Context, code: str
) -> None:
    s = schemes[code]
    paths = _paths(ctx, DRAWS)
    out = s.run_chunk(SEED, DRAWS, paths, _population(ctx, paths, True), process_risk=True)
    assert out.shape == (len(CLAIMS_VARIABLES), DRAWS.size, ctx.n_counties, ctx.years.size)
    x = {name: out[v] for v, name in enumerate(CLAIMS_VARIABLES)}
    previous = np.concatenate(
        [np.broadcast_to(s.opening_balance[None, :, None], (DRAWS.size, ctx.n_counties, 1)),
         x["balance"][..., :-1]], axis=-1,
    )  # fmt: skip
    rolled = (
        previous
        + (x["contributions"] + x["subsidies"] + x["interest"])
        - (x["benefits"] + x["other_outgo"])
    )
    np.testing.assert_array_equal(x["balance"], rolled)
    levels = x["subsidy_central"] + x["subsidy_province"] + x["subsidy_city"] + x["subsidy_county"]
    np.testing.assert_array_equal(x["subsidies"], levels)
    np.testing.assert_array_equal(x["subsidies"], 0.0)  # the report names no subsidy
    net = x["contributions"] + x["subsidies"] - (x["benefits"] + x["other_outgo"])
    np.testing.assert_allclose(x["interest"], paths.fund_return[:, None] * (previous + 0.5 * net))
    assert s.has_fund
    assert s.notes


def test_run_chunk__chunk_and_thread_invariant(
    schemes: dict[str, wi.WorkInjuryScheme], ctx: Context
) -> None:
    s = schemes["work_injury_enterprise"]
    ids = np.arange(5, dtype=np.int64)

    def run(part: np.ndarray) -> np.ndarray:
        paths = _paths(ctx, part)
        return s.run_chunk(SEED, part, paths, _population(ctx, paths, True), process_risk=True)

    whole = run(ids)
    parts = np.concatenate([run(ids[:2]), run(ids[2:])], axis=1)
    np.testing.assert_array_equal(whole, parts)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = run(ids)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(whole, single)


def test_funds__never_share_random_numbers(
    schemes: dict[str, wi.WorkInjuryScheme], ctx: Context
) -> None:
    """The institution fund run with the enterprise fund's inputs draws other claims."""
    ent = _inputs(schemes["work_injury_enterprise"], ctx, True)
    a = _run(kernel.project_work_injury, ent)
    b = _run(kernel.project_work_injury, {**ent, "fund": 1})
    assert not np.array_equal(a[V["claims"]], b[V["claims"]])
    np.testing.assert_allclose(a[V["contributions"]], b[V["contributions"]], rtol=0)


# --- claims on average ---------------------------------------------------------------------


def test_claims__mean_over_many_draws_matches_the_closed_form(
    schemes: dict[str, wi.WorkInjuryScheme], ctx: Context
) -> None:
    """Kernel alone, three counties, two years, a fixed population: the mean one-off cost,
    claim count and number of annuitants over 2,000 draws match insured x frequency x
    severity (and the other closed forms) within four standard errors."""
    s = schemes["work_injury_enterprise"]
    n = 2000
    ids = np.arange(n, dtype=np.int64)
    counties = [HONGTA, YIMEN, 0]
    paths = _paths(ctx, ids[:1], deterministic=True)
    years = 2
    pop = np.broadcast_to(
        ctx.reference_population()[None, None, counties],
        (n, years, len(counties), *ctx.pop0.shape[1:]),
    )
    cal = s.calibration

    def tile(x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.repeat(x[:, :years], n, axis=0))

    inputs = {
        **s.kernel_arguments(SEED, ids[:1], paths, pop[:1], process_risk=True),
        "draws": ids,
        "wage_growth": tile(paths.wage_growth),
        "cpi": tile(paths.cpi),
        "real_wage_growth": tile(paths.real_wage_growth),
        "fund_return": tile(paths.fund_return),
        "mortality_index": np.zeros((n, years, 2)),
        "population": np.ascontiguousarray(pop),
        "coverage": s.coverage[counties],
        "coverage_path": s.coverage_path[:years],
        "premium": cal.premium[counties],
        "frequency": np.ascontiguousarray(cal.frequency[:, counties]),
        "severity": np.ascontiguousarray(cal.county_severity[:, counties]),
        "end_qbar": np.ascontiguousarray(s.end_qbar[:, :years]),
        "raise_known": s.raise_known[:years],
        "n0": np.ascontiguousarray(s.n0[:, counties]),
        "pay0": np.ascontiguousarray(s.pay0[:, counties]),
        "balance0": s.opening_balance[counties],
    }
    out = _run(kernel.project_work_injury, inputs)
    insured = out[V["contributors"], 0, :, 0]  # not random
    assert (out[V["contributors"]] == out[V["contributors"], :1]).all()
    wage = s.wage0
    freq = cal.frequency[:, counties]
    sev = cal.county_severity[:, counties]
    ends = 1.0 - (1.0 - s.end_qbar[:, 0]) * (1.0 - s.end_exit)

    def close(sample: np.ndarray, mean: np.ndarray, var: np.ndarray) -> None:
        se = np.sqrt(var / n)
        assert (np.abs(sample.mean(axis=0) - mean) < 4.0 * se).all(), (sample.mean(0), mean, se)

    # One-off cost of the first year: a sum of compound Poisson counts.
    one_off = out[V["benefits"], :, :, 0] - out[V["annuities_paid"], :, :, 0]
    close(
        one_off,
        insured * (freq * sev).sum(axis=0) * wage,
        insured * (freq * sev**2).sum(axis=0) * wage**2,
    )
    close(out[V["claims"], :, :, 0], insured * freq.sum(axis=0), insured * freq.sum(axis=0))
    # Annuitants still paid in the first year: binomial survivors of the base-year stock.
    for j, name in enumerate(("annuitants_disability", "annuitants_dependants")):
        n0 = s.n0[j, counties]
        close(out[V[name], :, :, 0], n0 * (1 - ends[j]), n0 * ends[j] * (1 - ends[j]))
    # The second year's dependants include those of the first year's work deaths.
    deaths = insured * freq[kernel.DEATH]
    nu = cal.dependants_per_death
    dep0 = s.n0[1, counties] * (1 - ends[1])
    mean = (dep0 + deaths * nu) * (1 - ends[1])
    assert (np.abs(out[V["annuitants_dependants"], :, :, 1].mean(axis=0) / mean - 1) < 0.05).all()


# --- the first projected year by hand --------------------------------------------------------


@pytest.mark.parametrize("code", list(BUILDERS))
def test_first_year__by_hand_from_the_2012_figures(ctx: Context, code: str) -> None:
    """Process risk off, central paths: 2013 = the 2012 figures grown by the wage (11.9 %)
    and the change in working-age residents, annuities raised 10 % (P12) less their ends."""
    a = ctx.assumptions
    rules = getattr(a.schemes, code)
    s = BUILDERS[code](ctx)
    ids = np.array([0], dtype=np.int64)
    paths = _paths(ctx, ids, deterministic=True)
    pop = _population(ctx, paths, False)
    out = s.run_chunk(SEED, ids, paths, pop, process_risk=False)[:, 0, :, 0]
    x = {name: out[v] for v, name in enumerate(CLAIMS_VARIABLES)}
    base = wi.base_year(ctx, code)
    lo, hi = rules.working_ages
    ratio = np.divide(
        pop[0, 0, :, :, lo : hi + 1].sum(axis=(1, 2)),
        ctx.reference_population()[:, :, lo : hi + 1].sum(axis=(1, 2)),
    )
    ratio = np.nan_to_num(ratio)
    growth = 1.0 + rules.wage_growth_2013
    w12 = a.economy.wage_2013_cny_per_year / growth
    cal = s.calibration
    # The regulation's annual amounts on the 2012 wage, by hand.
    ann = rules.annuities
    dis = (
        ann.disability_allowance_share * rules.injured_wage_ratio + ann.care_allowance_wage_share
    ) * w12
    dep = ann.dependant_pension_share * rules.injured_wage_ratio * w12
    annuities_2012 = base.severe * dis + base.dependants * dep
    q = death_probabilities(2013, 2013, level_factor=a.mortality.level_factor).isel(year=0)
    end_dis = 1 - (1 - float(q.sel(sex=ann.disability_sex, age=ann.disability_age))) * (
        1 - ann.disability_exit_rate
    )
    end_dep = 1 - (1 - float(q.sel(sex=ann.dependant_sex, age=ann.dependant_age))) * (
        1 - ann.dependant_exit_rate
    )
    raised = 1.0 + rules.indexation.known["2013"]
    annuities = raised * (base.severe * dis * (1 - end_dis) + base.dependants * dep * (1 - end_dep))
    one_off = (base.expenditure - annuities_2012) * growth * ratio
    np.testing.assert_allclose(x["contributors"], base.insured * ratio, rtol=1e-12)
    np.testing.assert_allclose(x["contributions"], base.contributions * growth * ratio, rtol=1e-12)
    np.testing.assert_allclose(x["benefits"], one_off + annuities, rtol=1e-10)
    injuries = base.beneficiaries - base.severe - base.dependants - base.deaths
    deaths = injuries * ratio * cal.per_injury[kernel.DEATH]
    beneficiaries = (
        base.severe * (1 - end_dis) + base.dependants * (1 - end_dep) + injuries * ratio + deaths
    )
    np.testing.assert_allclose(x["beneficiaries"], beneficiaries, rtol=1e-12)
    net = x["contributions"] - x["benefits"]
    r = paths.fund_return[0, 0]
    np.testing.assert_allclose(x["interest"], r * (base.balance + 0.5 * net), rtol=1e-12)
    if code == "work_injury_enterprise":
        # The city: 6,975万 collected in 2012 grows to about 7,800万; expenditure 6,249万
        # to about 6,900万; 3,822 beneficiaries stay about the same.
        assert x["contributions"].sum() == pytest.approx(69_750_000 * growth, rel=0.01)
        assert x["benefits"].sum() == pytest.approx(62_490_000 * 1.1, rel=0.02)
        assert x["beneficiaries"].sum() == pytest.approx(3822, rel=0.02)


# --- calibration -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(BUILDERS))
def test_calibration__reproduces_the_2012_figures_county_by_county(
    schemes: dict[str, wi.WorkInjuryScheme], ctx: Context, code: str
) -> None:
    s = schemes[code]
    cal = s.calibration
    base = wi.base_year(ctx, code)
    w12 = cal.wage_2012
    expected = (
        base.severe * cal.annuity_start[0] + base.dependants * cal.annuity_start[1]
        + base.insured * (cal.frequency * cal.county_severity).sum(axis=0)
    ) * w12  # fmt: skip
    np.testing.assert_allclose(expected, base.expenditure, rtol=1e-12)
    np.testing.assert_allclose(base.insured * cal.premium * w12, base.contributions, rtol=1e-12)
    np.testing.assert_allclose(base.insured * cal.injury_frequency, base.injuries, rtol=1e-12)
    np.testing.assert_allclose(
        base.insured.sum(),
        (s.coverage * (ctx.reference_population()[:, :, 16:60].sum(axis=(1, 2)))).sum(),
        rtol=1e-12,
    )
    # Deaths per injury are the fund's 2012 ratio; the medical cost per injury is positive.
    assert cal.per_injury[kernel.DEATH] == pytest.approx(base.deaths.sum() / base.injuries.sum())
    assert cal.severity[kernel.MEDICAL] > 0
    # The county factors average 1 over the one-off claims cost.
    cost = base.insured * (cal.severity @ cal.frequency)
    assert (cost * cal.county_factor).sum() == pytest.approx(cost.sum(), rel=1e-12)
    np.testing.assert_array_equal(s.opening_balance, ctx.baseline.county_values(code, "balance"))


def test_calibration__enterprise_figures_of_table5a(ctx: Context) -> None:
    base = wi.base_year(ctx, "work_injury_enterprise")
    assert base.insured[YIMEN] == 11_692  # CHECKS I-2
    assert base.insured.sum() == 143_078
    assert base.contributions.sum() == 69_750_000
    assert base.expenditure.sum() == 62_490_000
    assert (base.beneficiaries.sum(), base.severe.sum(), base.deaths.sum()) == (3822, 245, 47)
    assert base.dependants.sum() == 390
    assert base.balance.sum() == 20_790_000
    inst = wi.base_year(ctx, "work_injury_institution")
    assert (inst.insured.sum(), inst.contributions.sum(), inst.expenditure.sum()) == (
        66_897, 15_460_000, 3_980_000,
    )  # fmt: skip
    assert (inst.severe.sum(), inst.deaths.sum(), inst.dependants.sum()) == (1, 2, 2)


def test_calibration__implied_rates(schemes: dict[str, wi.WorkInjuryScheme]) -> None:
    """6,975万 / (143,078 x the 2012 wage) and 1,546万 / (66,897 x 1.2 x that wage)."""
    ent = schemes["work_injury_enterprise"].calibration
    w12 = 46_966 / 1.119
    city = 69_750_000 / (143_078 * w12)
    assert city == pytest.approx(0.0116, abs=1e-4)
    insured = np.array([29042, 40931, 8502, 5684, 10079, 5066, 11692, 9576, 15310, 7196])
    assert (insured * ent.implied_rate).sum() / insured.sum() == pytest.approx(city, rel=1e-12)
    inst = schemes["work_injury_institution"].calibration
    assert inst.implied_rate[1:] == pytest.approx(15_460_000 / (66_897 * 1.2 * w12), rel=2e-4)
    assert inst.implied_rate[0] == 0.0  # the city level has no institution members (key)


def test_history_ratios__reproduce_the_2012_annuitant_stocks(ctx: Context) -> None:
    """Grade 1-4 cases per injury and dependants per work death, rolled through Table 5b
    with the same ends, give back 245 and 390."""
    ends = np.array([0.07, 0.05])
    severe, nu = wi.history_ratios(ctx, ends)
    insured = [44025, 51695, 61304, 80993, 87895, 97612, 108849, 129909, 143078]
    deaths = [22, 37, 37, 34, 49, 47]  # 2007-2012
    per_insured = (3822 - 245 - 390 - 47) / 143_078
    stock = sum(severe * per_insured * n * 0.93 ** (8 - t) for t, n in enumerate(insured))
    assert stock == pytest.approx(245, rel=1e-12)
    assert sum(nu * n * 0.95 ** (5 - t) for t, n in enumerate(deaths)) == pytest.approx(390)
    assert 0.0 < severe < 0.05
    assert 1.0 < nu < 3.0


def test_calibration__refuses_benefits_above_the_expenditure() -> None:
    claims = {"death_grant_wage_multiple": 60.0}
    a = load_assumptions(overrides={"schemes": {"work_injury_enterprise": {"claims": claims}}})
    with pytest.raises(ValueError, match="non-medical items exceed"):
        work_injury_enterprise.build(_context(a))
