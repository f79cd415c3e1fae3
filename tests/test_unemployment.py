"""Unemployment fund: kernel equal to its numpy twin, the balance and subsidy identities
exact, chunk and thread invariance, the mean over many draws against the closed form, the
first projected year by hand, the packaged calibration reproduced, bad inputs refused."""

from __future__ import annotations

import dataclasses
import inspect
import math
from typing import Any

import numba
import numpy as np
import pytest
import reference_unemployment as ref

from actuarial import load_assumptions
from actuarial.assumptions.errors import ScenarioError
from actuarial.baseline import load_baseline
from actuarial.claims import CLAIMS_VARIABLES, STREAMS, unemployment
from actuarial.claims._unemployment_rate import calibrate, claim_rate_history, fit_claim_rate
from actuarial.context import Context, make_context
from actuarial.economy import SIGNIFICANT_DIGITS
from actuarial.projection import PensionModel
from actuarial.registry import counties, county
from actuarial.scenarios import generate
from kernels import unemployment as kernel

SEED = 20130301
END = 2016
DRAWS = np.array([3, 40], dtype=np.int64)  # global indices, not 0..n-1 on purpose
V = {name: v for v, name in enumerate(CLAIMS_VARIABLES)}


@pytest.fixture(scope="module")
def ctx() -> Context:
    a = load_assumptions()
    return make_context(a, load_baseline(a), END)


@pytest.fixture(scope="module")
def model(ctx: Context) -> PensionModel:
    return PensionModel.from_context(ctx)


@pytest.fixture(scope="module")
def fund(ctx: Context) -> unemployment.UnemploymentFund:
    return unemployment.build(ctx)


def _run(
    fund: unemployment.UnemploymentFund,
    model: PensionModel,
    ids: np.ndarray,
    *,
    risk: bool,
    deterministic: bool = False,
) -> np.ndarray:
    paths = generate(
        model.assumptions, seed=SEED, draws=ids, years=model.years, deterministic=deterministic
    )
    population = model.population(SEED, ids, paths, process_risk=risk)
    return fund.run_chunk(SEED, ids, paths, population, process_risk=risk)


def _args(fund: unemployment.UnemploymentFund, model: PensionModel, *, risk: bool) -> list[Any]:
    paths = generate(model.assumptions, seed=SEED, draws=DRAWS, years=model.years)
    population = model.population(SEED, DRAWS, paths, process_risk=risk)
    return list(fund.kernel_args(SEED, DRAWS, paths, population, risk))


def _both(args: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    # args: seed, draws, process_risk, rate_shocks, cpi, ... (kernel order)
    shape = (len(CLAIMS_VARIABLES), args[1].size, args[10].size, args[4].shape[1])
    got, want = np.full(shape, np.nan), np.full(shape, np.nan)
    kernel.project_unemployment(*args, got)
    ref.project_unemployment(*args, want)
    return got, want


def test_reference__has_the_kernel_signature_and_streams() -> None:
    params = inspect.signature(kernel.project_unemployment.py_func).parameters
    assert list(inspect.signature(ref.project_unemployment).parameters) == list(params)
    assert ref.VARIABLES == kernel.VARIABLES == CLAIMS_VARIABLES
    streams = {kernel.S_MEAN, kernel.S_RATE, kernel.S_CLAIMS}
    assert streams <= set(STREAMS["unemployment"])
    assert (ref.S_MEAN, ref.S_RATE, ref.S_CLAIMS) == (kernel.S_MEAN, kernel.S_RATE, kernel.S_CLAIMS)


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
@pytest.mark.parametrize("case", ["baseline", "perturbed"])
def test_kernel__equals_reference(
    fund: unemployment.UnemploymentFund, model: PensionModel, risk: bool, case: str
) -> None:
    if case == "perturbed":
        # Every branch: a known raise, the rule clipped at 0 (deflation), coverage rising,
        # a volatile rate pushed above 1 in some years, more take-up, a higher mean shift.
        fund = dataclasses.replace(
            fund,
            coverage_path=np.linspace(1.0, 1.6, fund.years.size),
            raise_known=np.array([np.nan, 0.05, np.nan, np.nan]),
            rate_volatility=2.0,
            rate_mean_se=1.0,
            take_up=1.5,
        )
    args = _args(fund, model, risk=risk)
    if case == "perturbed":
        args[3] = args[3] - 0.12  # cpi: the rule's raise falls below 0 and is clipped
    got, want = _both(args)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-6)
    if risk:
        for name in ("contributors", "beneficiaries"):
            np.testing.assert_array_equal(got[V[name]], want[V[name]])
            np.testing.assert_array_equal(got[V[name]], np.floor(got[V[name]]))


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
def test_run_chunk__balance_and_subsidy_identities_hold_exactly(
    fund: unemployment.UnemploymentFund, model: PensionModel, risk: bool
) -> None:
    out = _run(fund, model, DRAWS, risk=risk)
    x = {name: out[v] for name, v in V.items()}
    prev = np.concatenate(
        [np.broadcast_to(fund.opening_balance[None, :, None], (DRAWS.size, 10, 1)),
         x["balance"][..., :-1]], axis=-1,
    )  # fmt: skip
    income = x["contributions"] + x["subsidies"] + x["interest"]
    outgo = x["benefits"] + x["other_outgo"]
    np.testing.assert_array_equal(x["balance"], prev + income - outgo)
    levels = x["subsidy_central"] + x["subsidy_province"] + x["subsidy_city"] + x["subsidy_county"]
    np.testing.assert_array_equal(x["subsidies"], levels)
    np.testing.assert_array_equal(x["subsidies"], 0.0)
    net = x["contributions"] + x["subsidies"] - (x["benefits"] + x["other_outgo"])
    paths = generate(load_assumptions(), seed=SEED, draws=DRAWS, years=fund.years)
    np.testing.assert_allclose(
        x["interest"], paths.fund_return[:, None, :] * (prev + 0.5 * net), rtol=1e-12
    )
    assert (x["balance"] > 0).all()  # the fund is far in surplus (III.(4).3)


def test_run_chunk__same_draws_in_any_chunking_or_thread_count(
    fund: unemployment.UnemploymentFund, model: PensionModel
) -> None:
    ids = np.arange(6, dtype=np.int64)
    whole = _run(fund, model, ids, risk=True)
    parts = np.concatenate(
        [_run(fund, model, ids[:2], risk=True), _run(fund, model, ids[2:], risk=True)], axis=1
    )
    np.testing.assert_array_equal(whole, parts)
    single = _run(fund, model, ids[4:5], risk=True)
    np.testing.assert_array_equal(whole[:, 4:5], single)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = _run(fund, model, ids, risk=True)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(whole, serial)


def test_kernel__mean_over_draws_matches_the_closed_form(
    fund: unemployment.UnemploymentFund, model: PensionModel
) -> None:
    """Recipients and benefits averaged over 2,000 draws against insured x E[rate] x take-up
    (x months x level), E[rate] = exp(m_t + v_t / 2) for the Gaussian log rate with the
    per-draw mean shift: m_t = m + phi^(t+1) (x0 - m), v_t = se^2 (1 - phi^(t+1))^2 +
    sigma^2 (1 - phi^(2(t+1))) / (1 - phi^2)."""
    n, n_years, c = 2000, 3, [0, 1]
    ids = np.arange(n, dtype=np.int64)
    # A central economy, but the claim rate keeps its own shocks (as in any run that is
    # not deterministic as a whole).
    paths = dataclasses.replace(
        generate(
            model.assumptions, seed=SEED, draws=ids, years=model.years[:n_years],
            deterministic=True,
        ),
        deterministic=False,
    )  # fmt: skip
    one = model.population(SEED, ids[:1], generate(
        model.assumptions, seed=SEED, draws=ids[:1], years=model.years, deterministic=True
    ), process_risk=False)[:, :n_years][:, :, c]  # fmt: skip
    population = np.ascontiguousarray(np.broadcast_to(one, (n, *one.shape[1:])))
    small = dataclasses.replace(
        fund,
        years=fund.years[:n_years],
        coverage=fund.coverage[c],
        coverage_path=fund.coverage_path[:n_years],
        level_before=fund.level_before[c],
        level_after=fund.level_after[c],
        raise_known=fund.raise_known[:n_years],
        opening_balance=fund.opening_balance[c],
        take_up=1.2,  # the multiplier enters the mean
    )
    out = small.run_chunk(SEED, ids, paths, population, process_risk=True)
    insured = out[V["contributors"], 0]  # deterministic given the population
    assert (out[V["contributors"]] == insured).all()
    m, phi, sigma, se, x0 = (small.rate_mean, small.rate_persistence, small.rate_volatility,
                             small.rate_mean_se, small.rate_start)  # fmt: skip
    t = np.arange(1, n_years + 1)
    mean_t = m + phi**t * (x0 - m)
    var_t = se**2 * (1 - phi**t) ** 2 + sigma**2 * (1 - phi ** (2 * t)) / (1 - phi**2)
    expected_rate = np.exp(mean_t + var_t / 2) * small.take_up
    recipients = out[V["beneficiaries"]]
    want = insured * expected_rate
    got = recipients.mean(axis=0)
    stderr = recipients.std(axis=0, ddof=1) / math.sqrt(n)
    assert (np.abs(got - want) < 4 * stderr).all(), (got, want, stderr)
    # Benefits are recipients x months x the level paid, which is the same in every draw
    # here (deterministic economy): their mean is the closed form times that.
    per_recipient = out[V["benefits"]] / np.where(recipients > 0, recipients, np.nan)
    level = np.nanmax(per_recipient, axis=0)
    np.testing.assert_allclose(np.nanmin(per_recipient, axis=0), level, rtol=1e-12)
    benefits = out[V["benefits"]]
    b_stderr = benefits.std(axis=0, ddof=1) / math.sqrt(n)
    assert (np.abs(benefits.mean(axis=0) - want * level) < 4 * b_stderr).all()
    # The draws do vary (the test has power): the sd of the log rate is near its closed form.
    assert np.all(stderr > 0)


def test_first_year__by_hand_without_process_risk(
    fund: unemployment.UnemploymentFund, model: PensionModel, ctx: Context
) -> None:
    a = ctx.assumptions
    u = a.schemes.unemployment
    b = ctx.baseline
    out = _run(fund, model, DRAWS, risk=False, deterministic=True)[:, 0, :, 0]
    paths = generate(a, seed=SEED, draws=DRAWS[:1], years=ctx.years, deterministic=True)
    population = model.population(SEED, DRAWS[:1], paths, process_risk=False)[0, 0]
    # Insured: the base-year count of each unit per working-age resident (the city level
    # against the whole city), times this year's working-age residents.
    ages = np.arange(101)
    working = np.stack([
        (ages >= u.working_ages_male[0]) & (ages <= u.working_ages_male[1]),
        (ages >= u.working_ages_female[0]) & (ages <= u.working_ages_female[1]),
    ])  # fmt: skip
    city = ctx.pop0.sum(axis=0)
    base_working = np.array(
        [((city if ctx.city_pool[c] else ctx.pop0[c]) * working).sum() for c in range(10)]
    )
    now = population.copy()
    now[ctx.city_pool] = population[~ctx.city_pool].sum(axis=0)
    insured = (
        b.county_values("unemployment", "insured") / base_working * (now * working).sum(axis=(1, 2))
    )
    np.testing.assert_allclose(out[V["contributors"]], insured, rtol=1e-12)
    # 2013: the log rate moves from 2012's toward its mean by the persistence.
    m = math.log(u.claim_rate.mean)
    rate = math.exp(m + u.claim_rate.persistence * (math.log(u.claim_rate.start) - m))
    np.testing.assert_allclose(out[V["beneficiaries"]], insured * rate, rtol=1e-12)
    wage = a.economy.wage_2013_cny_per_year
    contributions = insured * wage * u.contribution_base_ratio * 0.03
    np.testing.assert_allclose(out[V["contributions"]], contributions, rtol=1e-12)
    # Two months at the old levels, ten at the new, equal thirds of the three levels.
    levels = []
    for code in counties():
        cls = county(code).unemployment_area_class
        before = {2: [540, 610, 670], 3: [460, 520, 580]}[cls]
        after = {2: [620, 700, 770], 3: [535, 605, 675]}[cls]
        levels.append((2 * np.mean(before) + 10 * np.mean(after)) / 12)
    benefits = insured * rate * u.benefit_months_per_recipient * np.array(levels)
    np.testing.assert_allclose(out[V["benefits"]], benefits, rtol=1e-12)
    np.testing.assert_allclose(out[V["other_outgo"]], 0.05 * benefits, rtol=1e-12)
    opening = b.county_values("unemployment", "balance")
    net = contributions - 1.05 * benefits
    interest = a.economy.fund_return * (opening + 0.5 * net)  # the mean path starts at it
    np.testing.assert_allclose(out[V["interest"]], interest, rtol=1e-12)
    np.testing.assert_allclose(out[V["balance"]], opening + net + interest, rtol=1e-12)
    # Against the report's base year (II.(4), Table 4): the insured are the 140,172 less
    # the year's deaths; the opening balance is Table 4's 2012 balance; contributions are
    # 2012's grown by the 2013 wage growth; spending is within 15 % of January-August
    # 2013's 2,770.84万 at a full year's rate (the rate reverts toward its mean).
    assert fund.opening_balance.sum() == 505_447_000
    assert insured.sum() == pytest.approx(140_172, rel=0.01)
    cal = calibrate(a, b)
    assert contributions.sum() == pytest.approx(
        cal.contributions_2012 * (1 + u.wage_growth_2012_2013), rel=0.01
    )
    assert benefits.sum() == pytest.approx(27_708_400 * 12 / 8, rel=0.15)


def test_levels__class_2_is_the_city_level_and_hongta(fund: unemployment.UnemploymentFund) -> None:
    after = dict(zip(counties(), fund.level_after.tolist(), strict=True))
    assert after["city_level"] == after["hongta"] == pytest.approx((620 + 700 + 770) / 3)
    others = [v for k, v in after.items() if k not in {"city_level", "hongta"}]
    assert others == pytest.approx([(535 + 605 + 675) / 3] * 8)
    assert fund.new_share == 10 / 12


def _sig(x: float) -> float:
    return float(f"{x:.{SIGNIFICANT_DIGITS}g}")


def test_packaged_keys__are_the_fit_and_the_calibration(ctx: Context) -> None:
    u = ctx.assumptions.schemes.unemployment
    fit = fit_claim_rate()
    assert (fit.first_year, fit.last_year, fit.n) == (2005, 2012, 8)
    r = u.claim_rate
    assert r.mean == _sig(math.exp(fit.mu))
    assert r.mean_se_log == _sig(fit.se_mu)
    assert r.persistence == _sig(fit.phi)
    assert r.volatility_log == _sig(fit.sigma)
    cal = calibrate(ctx.assumptions, ctx.baseline)
    assert r.start == _sig(cal.start_rate)
    assert u.contribution_base_ratio == _sig(cal.contribution_base_ratio)
    assert u.benefit_months_per_recipient == _sig(cal.benefit_months_per_recipient)
    assert u.benefit_months_per_recipient <= u.max_benefit_months
    # The pieces: 2012 interest is 2.28 % of the 2011 balance plus half the year's net
    # (income less interest less expenditure); the 2012 wage is 2013's brought back by
    # 11.9 %; the mean 2012 level lies within the old levels.
    net = 163_074_300 - cal.interest_2012 - 38_983_000
    assert cal.interest_2012 == pytest.approx(0.0228 * (381_355_700 + net / 2), rel=1e-12)
    assert cal.contributions_2012 + cal.interest_2012 == pytest.approx(163_074_300)
    assert cal.wage_2012 * 1.119 == pytest.approx(46_966)
    assert 460 < cal.mean_level_2012 < 670


def test_claim_rate_history__back_cast_and_sensitivity() -> None:
    years, rates = claim_rate_history()
    assert years.tolist() == list(range(2005, 2013))
    assert rates[-1] == pytest.approx(5065 / 140_172)
    _, grown = claim_rate_history(growth=0.05)
    assert grown[0] == pytest.approx(9514 / (140_172 / 1.05**8))
    assert math.exp(fit_claim_rate(growth=0.05).mu) > math.exp(fit_claim_rate().mu)


def test_run_chunk__refuses_mismatched_inputs(
    fund: unemployment.UnemploymentFund, model: PensionModel
) -> None:
    paths = generate(model.assumptions, seed=SEED, draws=DRAWS, years=model.years)
    population = model.population(SEED, DRAWS, paths, process_risk=False)
    with pytest.raises(ValueError, match="population"):
        fund.run_chunk(SEED, DRAWS, paths, population[:, :-1], process_risk=False)
    with pytest.raises(ValueError, match="paths"):
        fund.run_chunk(SEED, DRAWS[::-1].copy(), paths, population, process_risk=False)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"tier_mix": [0.5, 0.5, 0.5]}, "tier_mix"),
        ({"benefit_months_per_recipient": 30.0}, "benefit_months_per_recipient"),
        ({"working_ages_female": [50, 20]}, "working_ages_female"),
        ({"claim_rate": {"mean": 0.0}}, "claim_rate.mean"),
        ({"benefit_class2_cny_per_month": [620, 700]}, "benefit_class2_cny_per_month"),
    ],
)
def test_assumptions__bad_values_are_refused(override: dict[str, Any], key: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_assumptions(overrides={"schemes": {"unemployment": override}})
    assert "schemes.unemployment" in str(err.value)
    assert key.split(".", maxsplit=1)[0] in str(err.value)


def test_claim_rate__an_economic_shock_not_process_risk() -> None:
    """Without process risk the claim rate still varies by draw (its shocks are economic);
    only a deterministic run holds it on its median path."""
    import actuarial

    kw = {"draws": 3, "end": 2015, "seed": SEED, "schemes": ["unemployment"]}
    no_risk = actuarial.project(**kw, process_risk=False)  # type: ignore[arg-type]
    rate = no_risk["beneficiaries"] / no_risk["contributors"]
    assert float(rate.std("draw").max()) > 0.0
    central = actuarial.project(**kw, deterministic=True)  # type: ignore[arg-type]
    c_rate = (central["beneficiaries"] / central["contributors"]).values
    np.testing.assert_array_equal(c_rate, np.broadcast_to(c_rate[:1], c_rate.shape))
