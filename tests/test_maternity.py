"""The maternity funds: kernel equal to its numpy twin, the balance and subsidy identities
exact, chunk and thread invariance, the Monte Carlo mean of claims against the closed form,
the first projected year by hand, and the calibration against the 2012 figures of II.(5)."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import numba
import numpy as np
import pytest
import reference_maternity as ref

from actuarial import load_assumptions, load_baseline
from actuarial.assumptions import Assumptions, ScenarioError
from actuarial.claims import CLAIMS_VARIABLES, STREAMS, ClaimsScheme
from actuarial.claims import maternity_enterprise as enterprise_module
from actuarial.claims import maternity_institution as institution_module
from actuarial.claims._maternity import (
    STREAM0,
    MaternityFund,
    calibrate,
    fertility_schedule,
    insured_by_cell,
    wage_2012,
)
from actuarial.context import Context, make_context
from actuarial.data import read_csv
from actuarial.demography import death_probabilities, leecarter_bx
from actuarial.scenarios import EconomicPaths, generate
from kernels.maternity import VARIABLES, project_maternity
from kernels.population import project_population

SEED = 20130505
END = 2016
CODES = ("maternity_enterprise", "maternity_institution")
DRAWS = np.array([2, 31, 7], dtype=np.int64)  # global indices, not 0..n-1 on purpose
V = {name: v for v, name in enumerate(CLAIMS_VARIABLES)}
HONGTA = 1  # canonical county order; 0 is the city level


@pytest.fixture(scope="module")
def assumptions() -> Assumptions:
    return load_assumptions()


@pytest.fixture(scope="module")
def ctx(assumptions: Assumptions) -> Context:
    return make_context(assumptions, load_baseline(assumptions), END)


@pytest.fixture(scope="module")
def funds(ctx: Context) -> dict[str, MaternityFund]:
    return {"maternity_enterprise": enterprise_module.build(ctx),
            "maternity_institution": institution_module.build(ctx)}  # fmt: skip


def _population(ctx: Context, paths: EconomicPaths, risk: bool) -> np.ndarray:
    """The residents the claims schemes receive: the population kernel, as the pensions'."""
    a = ctx.assumptions
    p = a.population
    fertility = np.zeros(101)
    f0, f1 = p.fertility_ages
    fertility[f0 : f1 + 1] = p.total_fertility_rate / (f1 - f0 + 1)
    base, end = int(ctx.years[0]), int(ctx.years[-1])
    qbar = death_probabilities(base, end, level_factor=a.mortality.level_factor).values
    out = np.empty((paths.draws.size, ctx.years.size, *ctx.pop0.shape))
    project_population(
        SEED, paths.draws, risk, np.ascontiguousarray(paths.mortality_index),
        np.ascontiguousarray(qbar), np.ascontiguousarray(leecarter_bx().values), ctx.pop0,
        ctx.city_pool, fertility, p.sex_ratio_at_birth / (1.0 + p.sex_ratio_at_birth), out,
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def inputs(ctx: Context) -> dict[bool, tuple[EconomicPaths, np.ndarray]]:
    """Economic paths and populations for DRAWS, with and without process risk."""
    paths = generate(ctx.assumptions, seed=SEED, draws=DRAWS, years=ctx.years)
    return {risk: (paths, _population(ctx, paths, risk)) for risk in (False, True)}


def _kernel_args(
    fund: MaternityFund, paths: EconomicPaths, pop: np.ndarray, risk: bool
) -> dict[str, Any]:
    """Every argument of the kernel but ``out``, in its order."""
    return {
        "seed": SEED,
        "draws": paths.draws,
        "process_risk": risk,
        "wage_growth": np.ascontiguousarray(paths.wage_growth),
        "fund_return": np.ascontiguousarray(paths.fund_return),
        "population": pop,
        "wage0": fund.wage0,
        "wage_prev0": fund.wage_prev0,
        "coverage": fund.coverage,
        "coverage_path": fund.coverage_path,
        "fertility": fund.fertility,
        "spouse_share": fund.spouse_share,
        "rate": fund.rate,
        "allowance_factor": fund.allowance_factor,
        "medical0": fund.medical0,
        "medical_growth": fund.medical_growth,
        "balance0": fund.opening_balance,
        "stream0": fund.stream0,
    }


def _run(function: Any, args: dict[str, Any]) -> np.ndarray:
    shape = (len(VARIABLES), args["draws"].size, args["coverage"].shape[0],
             args["fund_return"].shape[1])  # fmt: skip
    out = np.full(shape, np.nan)
    function(*args.values(), out)
    return out


def _perturbed(fund: MaternityFund) -> MaternityFund:
    """Every branch: coverage rising then collapsing (so births fall below the samplers'
    exact/normal threshold), medical costs above wage growth, a spouse share, an allowance."""
    path = np.array([1.0, 1.3, 0.02, 0.6])[: fund.years.size]
    return dataclasses.replace(
        fund, coverage_path=path, medical_growth=0.04, spouse_share=0.3,
        allowance_factor=0.27, opening_balance=fund.opening_balance - 3e7,
    )  # fmt: skip


# --- the kernel against its numpy twin --------------------------------------------------


def test_reference__has_the_kernel_signature() -> None:
    kernel = inspect.signature(project_maternity.py_func).parameters
    assert list(inspect.signature(ref.project_maternity).parameters) == list(kernel)
    assert ref.VARIABLES == VARIABLES == CLAIMS_VARIABLES


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("perturb", [False, True], ids=["baseline", "perturbed"])
def test_kernel__equals_reference(
    funds: dict[str, MaternityFund],
    inputs: dict[bool, tuple[EconomicPaths, np.ndarray]],
    code: str,
    risk: bool,
    perturb: bool,
) -> None:
    fund = _perturbed(funds[code]) if perturb else funds[code]
    paths, pop = inputs[risk]
    args = _kernel_args(fund, paths, pop, risk)
    got = _run(project_maternity, args)
    want = _run(ref.project_maternity, args)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-6)
    if risk:
        # Poisson counts are whole: the same variates give the same counts, bit for bit.
        beneficiaries = got[V["beneficiaries"]]
        np.testing.assert_array_equal(beneficiaries, want[V["beneficiaries"]])
        np.testing.assert_array_equal(beneficiaries, np.round(beneficiaries))
    if perturb:
        # The collapse took hold: some county's expected births fall under 30 (exact
        # Poisson inversion) while others stay above (normal approximation).
        births = got[V["beneficiaries"]]
        assert (births[:, 1:, 2] < 30).any()
        assert (births[:, :, 0] > 30).any()
        assert (got[V["balance"]] < 0).any()  # a negative balance earns negative interest


# --- identities, invariance --------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_run_chunk__balance_and_subsidy_identities_exact(
    funds: dict[str, MaternityFund],
    inputs: dict[bool, tuple[EconomicPaths, np.ndarray]],
    code: str,
) -> None:
    fund = funds[code]
    paths, pop = inputs[True]
    out = fund.run_chunk(SEED, DRAWS, paths, pop, process_risk=True)
    assert out.shape == (len(CLAIMS_VARIABLES), DRAWS.size, fund.coverage.shape[0], END - 2012)
    income = (out[V["contributions"]] + out[V["subsidies"]]) + out[V["interest"]]
    outgo = out[V["benefits"]] + out[V["other_outgo"]]
    balance = out[V["balance"]]
    opening = np.broadcast_to(fund.opening_balance[None, :, None], balance[..., :1].shape)
    previous = np.concatenate([opening, balance[..., :-1]], axis=-1)
    np.testing.assert_array_equal(balance, previous + income - outgo)
    levels = [out[V[f"subsidy_{level}"]] for level in ("central", "province", "city", "county")]
    np.testing.assert_array_equal(
        out[V["subsidies"]], ((levels[0] + levels[1]) + levels[2]) + levels[3]
    )
    # The report names no subsidy for either fund, and nothing else leaves the fund.
    assert not out[[V["subsidies"], V["other_outgo"], *(V[f"subsidy_{x}"] for x in
                    ("central", "province", "city", "county"))]].any()  # fmt: skip
    net = out[V["contributions"]] - outgo
    np.testing.assert_allclose(
        out[V["interest"]], paths.fund_return[:, None, :] * (previous + 0.5 * net), rtol=1e-12
    )


def test_run_chunk__chunk_and_thread_invariant(
    ctx: Context, funds: dict[str, MaternityFund]
) -> None:
    ids = np.arange(5, dtype=np.int64)
    paths = generate(ctx.assumptions, seed=SEED, draws=ids, years=ctx.years)
    pop = _population(ctx, paths, True)
    for fund in funds.values():
        whole = fund.run_chunk(SEED, ids, paths, pop, process_risk=True)
        parts = []
        for part in (ids[:2], ids[2:]):
            sub = generate(ctx.assumptions, seed=SEED, draws=part, years=ctx.years)
            parts.append(fund.run_chunk(SEED, part, sub, pop[part], process_risk=True))
        np.testing.assert_array_equal(whole, np.concatenate(parts, axis=1))
        before = numba.get_num_threads()
        try:
            numba.set_num_threads(1)
            single = fund.run_chunk(SEED, ids, paths, pop, process_risk=True)
        finally:
            numba.set_num_threads(before)
        np.testing.assert_array_equal(whole, single)


def test_streams__the_family_s_own_and_distinct_per_fund(
    funds: dict[str, MaternityFund],
    inputs: dict[bool, tuple[EconomicPaths, np.ndarray]],
) -> None:
    used = [s + k for s in STREAM0.values() for k in (0, 1)]
    assert len(set(used)) == 4
    assert all(s in STREAMS["maternity"] for s in used)
    # Two funds with the same expected births still draw different counts.
    paths, pop = inputs[True]
    a = funds["maternity_enterprise"]
    b = dataclasses.replace(a, stream0=STREAM0["maternity_institution"])
    ra = a.run_chunk(SEED, DRAWS, paths, pop, process_risk=True)[V["beneficiaries"]]
    rb = b.run_chunk(SEED, DRAWS, paths, pop, process_risk=True)[V["beneficiaries"]]
    assert (ra != rb).mean() > 0.5


# --- the Monte Carlo mean against the closed form ----------------------------------------


def test_kernel__mean_claims_match_the_closed_form(
    funds: dict[str, MaternityFund], ctx: Context
) -> None:
    """2,000 draws of two counties and two years on one fixed population and flat economy:
    the mean number of claims and of benefits is within 4 standard errors of insured x
    fertility (x the spouse share for men) x the cost of a claim."""
    fund = funds["maternity_enterprise"]
    n_draws, counties, n_years = 2000, [0, HONGTA], 2
    ids = np.arange(n_draws, dtype=np.int64)
    pop1 = ctx.reference_population()[counties]
    pop = np.ascontiguousarray(np.broadcast_to(pop1, (n_draws, n_years, *pop1.shape)))
    growth, ret = 0.08, 0.02
    # Year 0 at full coverage (means above 30: normal approximation), year 1 at 1 % of it
    # (means below 30: exact inversion).
    path = np.array([1.0, 0.01])
    args = _kernel_args(fund, generate(ctx.assumptions, seed=SEED, draws=ids[:1],
                                       years=ctx.years[:n_years]), pop, True)  # fmt: skip
    args.update(
        draws=ids,
        wage_growth=np.full((n_draws, n_years), growth),
        fund_return=np.full((n_draws, n_years), ret),
        coverage=np.ascontiguousarray(fund.coverage[counties]),
        coverage_path=path,
        fertility=np.ascontiguousarray(fund.fertility[:n_years]),
        balance0=np.ascontiguousarray(fund.opening_balance[counties]),
    )
    out = _run(project_maternity, args)
    wage = fund.wage0 * np.array([1.0, 1.0 + growth])
    wage_prev = np.array([fund.wage_prev0, wage[0]])
    medical = fund.medical0 * wage / fund.wage_prev0
    allowance = fund.allowance_factor * wage_prev
    for k in range(len(counties)):
        for y in range(n_years):
            insured = fund.coverage[counties[k]] * path[y] * pop1[k]
            women = float((insured[1] * fund.fertility[y]).sum())
            spouses = fund.spouse_share * float((insured[0] * fund.fertility[y]).sum())
            cost = women * (allowance[y] + medical[y]) + spouses * medical[y]
            var = women * (allowance[y] + medical[y]) ** 2 + spouses * medical[y] ** 2
            se = np.sqrt(var / n_draws)
            assert abs(out[V["benefits"], :, k, y].mean() - cost) < 4 * se
            claims = out[V["beneficiaries"], :, k, y]
            assert abs(claims.mean() - (women + spouses)) < 4 * np.sqrt((women + spouses) / n_draws)
            # Poisson: the variance equals the mean (within sampling error).
            assert claims.var() == pytest.approx(women + spouses, rel=0.15)
    assert out[V["beneficiaries"], :, 1, 1].mean() < 30
    assert out[V["beneficiaries"], :, 1, 0].mean() > 30


# --- the first projected year by hand -----------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_first_year__by_hand(ctx: Context, funds: dict[str, MaternityFund], code: str) -> None:
    """2013 with process risk off, for Hongta, from the rules as written."""
    fund = funds[code]
    rules = getattr(ctx.assumptions.schemes, code)
    paths = generate(ctx.assumptions, seed=SEED, draws=DRAWS[:1], years=ctx.years,
                     deterministic=True)  # fmt: skip
    pop = _population(ctx, paths, False)
    out = fund.run_chunk(SEED, DRAWS[:1], paths, pop, process_risk=False)[:, 0, HONGTA, 0]
    residents = pop[0, 0, HONGTA]
    insured = insured_by_cell(ctx, code)[HONGTA] / ctx.reference_population()[HONGTA]
    insured = np.nan_to_num(insured) * residents
    tfr = ctx.assumptions.population.total_fertility_rate
    # 2013 lies in the WPP period 2010-2015; each age of a group has a fifth of its share.
    pattern = {r["age_group"]: float(r["percent_of_tfr"]) for r in read_csv(
        "maternity.china_percent_asfr") if r["period"] == "2010-2015"}  # fmt: skip
    f = np.zeros(101)
    for group, pct in pattern.items():
        lo, hi = map(int, group.split("-"))
        f[lo : hi + 1] = tfr * rules.fertility_factor * pct / 100 / 5
    women = (insured[1] * f).sum()
    spouses = rules.spouse_claim_share * (insured[0] * f).sum()
    w2013 = 46_966.0  # economy.wage_2013_cny_per_year (P8)
    w2012 = w2013 / 1.119  # P8: +11.9 % in 2013
    allowance = rules.allowance_share_paid * 98 / 30 * w2012 / 12 * rules.wage_ratio
    medical = rules.medical_cost_per_claim_2012_cny * w2013 / w2012
    contributions = insured.sum() * w2013 * rules.wage_ratio * rules.contribution_rate
    benefits = women * (allowance + medical) + spouses * medical
    opening = fund.opening_balance[HONGTA]
    interest = paths.fund_return[0, 0] * (opening + 0.5 * (contributions - benefits))
    assert paths.fund_return[0, 0] == pytest.approx(0.0228, abs=1e-12)  # III.(9).2
    want = {
        "contributors": insured.sum(),
        "beneficiaries": women + spouses,
        "contributions": contributions,
        "benefits": benefits,
        "interest": interest,
        "balance": opening + contributions + interest - benefits,
    }
    for name, value in want.items():
        assert out[V[name]] == pytest.approx(value, rel=1e-12), name


def test_first_year__city_totals_near_the_2012_figures(
    ctx: Context, funds: dict[str, MaternityFund]
) -> None:
    """2013 against 2012 (II.(5)): claims as many as the beneficiaries (the population
    hardly moves in a year), contributions and benefits up by the wage growth (11.9 %)."""
    paths = generate(ctx.assumptions, seed=SEED, draws=DRAWS[:1], years=ctx.years,
                     deterministic=True)  # fmt: skip
    pop = _population(ctx, paths, False)
    b = ctx.baseline
    for code, fund in funds.items():
        out = fund.run_chunk(SEED, DRAWS[:1], paths, pop, process_risk=False)
        first = out[:, 0, :, 0].sum(axis=1)
        assert first[V["beneficiaries"]] == pytest.approx(
            b.figure(code, "beneficiaries").value, rel=0.02
        )
        assert first[V["contributors"]] == pytest.approx(b.figure(code, "insured").value, rel=0.01)
        assert first[V["contributions"]] == pytest.approx(
            1.119 * b.figure(code, "contributions").value, rel=0.01
        )
        assert first[V["benefits"]] == pytest.approx(
            1.119 * b.figure(code, "expenditure").value, rel=0.02
        )


# --- base year and calibration -------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_calibration__packaged_values_are_the_calibrated_ones(ctx: Context, code: str) -> None:
    rules = getattr(ctx.assumptions.schemes, code)
    cal = calibrate(ctx, code)  # type: ignore[arg-type]
    assert rules.contribution_rate == pytest.approx(cal.contribution_rate, rel=1e-7)
    assert rules.spouse_claim_share == pytest.approx(cal.spouse_claim_share, rel=1e-7)
    assert rules.medical_cost_per_claim_2012_cny == pytest.approx(
        cal.medical_cost_per_claim_2012_cny, rel=1e-7
    )


@pytest.mark.parametrize("code", CODES)
def test_calibration__reproduces_the_2012_flows(ctx: Context, code: str) -> None:
    """The 2012 contributions, claims and expenditure of II.(5), from the calibration."""
    rules = getattr(ctx.assumptions.schemes, code)
    b = ctx.baseline
    cal = calibrate(ctx, code)  # type: ignore[arg-type]
    w2012 = wage_2012(ctx, code)  # type: ignore[arg-type]
    assert w2012 == pytest.approx(46_966 / 1.119, rel=1e-12)  # P8
    insured = insured_by_cell(ctx, code).sum()  # type: ignore[arg-type]
    contributions = insured * w2012 * rules.wage_ratio * cal.contribution_rate
    claims = cal.own_births + cal.spouse_claim_share * cal.spouse_births
    w2011 = w2012 / 1.119  # assumed to have grown as in 2013
    allowance = rules.allowance_share_paid * 98 / 30 / 12 * w2011 * rules.wage_ratio
    expenditure = cal.own_births * allowance + claims * cal.medical_cost_per_claim_2012_cny
    assert contributions == pytest.approx(b.figure(code, "contributions").value, rel=1e-12)
    assert claims == pytest.approx(b.figure(code, "beneficiaries").value, rel=1e-12)
    assert expenditure == pytest.approx(b.figure(code, "expenditure").value, rel=1e-12)
    assert 0 < cal.spouse_claim_share < 1
    assert cal.medical_cost_per_claim_2012_cny > 0
    if code == "maternity_institution":
        # CHECKS I-6: 323 - 338 = -15万, a deficit printed as a surplus.
        net = contributions - expenditure
        assert net == pytest.approx(b.figure(code, "current_year_net").value, rel=1e-9)
        assert net == pytest.approx(-150_000, rel=1e-9)


def test_calibration__institution_cannot_pay_the_allowance(assumptions: Assumptions) -> None:
    """The reading behind allowance_share_paid = 0: paying 98 days' wages per birth would
    cost more than the institution fund spent in 2012."""
    a = load_assumptions(
        overrides={"schemes": {"maternity_institution": {"allowance_share_paid": 1.0}}}
    )
    ctx = make_context(a, load_baseline(a), END)
    with pytest.raises(ValueError, match="exceed the 2012 expenditure"):
        calibrate(ctx, "maternity_institution")


@pytest.mark.parametrize("code", CODES)
def test_build__base_year_from_the_report(ctx: Context, code: str) -> None:
    b = ctx.baseline
    fund = (enterprise_module if code == "maternity_enterprise" else institution_module).build(ctx)
    scheme: ClaimsScheme = fund
    assert scheme.code == code
    assert scheme.has_fund
    assert scheme.notes
    assert fund.opening_balance.sum() == b.figure(code, "balance").value  # II.(5)
    np.testing.assert_array_equal(fund.opening_balance, b.county_values(code, "balance"))
    insured = insured_by_cell(ctx, code)  # type: ignore[arg-type]
    np.testing.assert_array_equal(insured, np.round(insured))
    np.testing.assert_array_equal(insured.sum(axis=(1, 2)), b.county_values(code, "insured"))
    assert insured[:, 1].sum() == b.figure(code, "insured_female").value
    rules = getattr(ctx.assumptions.schemes, code)
    for s, (first, last) in enumerate((rules.working_ages_male, rules.working_ages_female)):
        assert not insured[:, s, :first].any()
        assert not insured[:, s, last + 1 :].any()
    if code == "maternity_institution":
        # County accounts (II.(5)) split by population: the city level has no members.
        assert fund.opening_balance[0] == 0
        assert not insured[0].any()
    np.testing.assert_allclose(
        (fund.coverage * ctx.reference_population()).sum(axis=(1, 2)),
        b.county_values(code, "insured"), rtol=1e-12,
    )  # fmt: skip


def test_fertility__wpp_age_pattern_at_the_package_tfr(ctx: Context) -> None:
    rows = read_csv("maternity.china_percent_asfr")
    assert len(rows) == 30 * 7
    by_period: dict[str, float] = {}
    for r in rows:
        by_period[r["period"]] = by_period.get(r["period"], 0.0) + float(r["percent_of_tfr"])
    assert all(abs(total - 100) < 1e-4 for total in by_period.values())
    # Two values as printed in wpp2019 data/percentASFR.txt (China, 2010-2015).
    pattern = {(r["period"], r["age_group"]): r["percent_of_tfr"] for r in rows}
    assert pattern[("2010-2015", "20-24")] == "36.57073"
    assert pattern[("2010-2015", "45-49")] == "0.31098"
    years = np.array([2013, 2014, 2015, 2099, 2100])
    f = fertility_schedule(years, 1.3, 1.1)
    np.testing.assert_allclose(f.sum(axis=1), 1.3 * 1.1, rtol=1e-6)
    assert not f[:, :15].any()
    assert not f[:, 50:].any()
    np.testing.assert_array_equal(f[0], f[1])  # both in 2010-2015
    assert f[2, 32] > f[1, 32]  # 2015-2020: births later
    np.testing.assert_array_equal(f[3], f[4])  # 2100 takes 2095-2100's pattern
    np.testing.assert_allclose(
        ctx.assumptions.population.total_fertility_rate,
        fertility_schedule(ctx.years, ctx.assumptions.population.total_fertility_rate).sum(1),
    )


def test_run_chunk__refuses_a_population_of_the_wrong_shape(
    funds: dict[str, MaternityFund],
    inputs: dict[bool, tuple[EconomicPaths, np.ndarray]],
) -> None:
    paths, pop = inputs[False]
    with pytest.raises(ValueError, match="population has shape"):
        funds["maternity_enterprise"].run_chunk(SEED, DRAWS, paths, pop[:, 1:], process_risk=False)


def test_assumptions__working_ages_must_be_ordered() -> None:
    with pytest.raises(ScenarioError, match="working_ages_female"):
        load_assumptions(
            overrides={"schemes": {"maternity_enterprise": {"working_ages_female": [49, 20]}}}
        )
