"""Resident medical schemes (URBMI, NCMS): the kernel equals its numpy reference, the
balance and subsidy identities hold exactly, results do not depend on chunks or threads,
claims have the compound-Poisson mean and variance, the first year checks by hand, and the
inputs follow the report's Tables 1-3 and the documented assumptions."""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterator
from typing import Any

import numba
import numpy as np
import pytest
import reference_medical as ref
from scipy import integrate, stats

from actuarial import load_assumptions, load_baseline
from actuarial.assumptions import Assumptions, ScenarioError
from actuarial.claims import CLAIMS_VARIABLES, STREAMS
from actuarial.claims import rural_cooperative_medical as ncms_module
from actuarial.claims import urban_resident_medical as urbmi_module
from actuarial.claims._medical import (
    STREAM0,
    MedicalScheme,
    age_cost_curve,
    benefit_moments,
    calibrate_admission_rate,
    lognormal_params,
    old_age_share,
)
from actuarial.context import Context, make_context
from actuarial.data import read_csv
from actuarial.projection import PensionModel
from actuarial.registry import counties
from actuarial.scenarios import EconomicPaths, generate
from kernels.medical import EXACT_BELOW, VARIABLES, claims_total, project_medical

SEED = 20130101
SHORT_END = 2016
LONG_END = 2040  # long enough for the funds to go negative (negative interest)
DRAWS = np.array([3, 40], dtype=np.int64)  # global indices, not 0..n-1 on purpose
V = {name: v for v, name in enumerate(CLAIMS_VARIABLES)}
CODES = ("urban_resident_medical", "rural_cooperative_medical")
MODULES = {"urban_resident_medical": urbmi_module, "rural_cooperative_medical": ncms_module}
UNITS = counties()
CITY, HONGTA, XINPING = UNITS.index("city_level"), UNITS.index("hongta"), UNITS.index("xinping")
#: The base-year payout ratios (expected benefits / financing) the packaged admission rates
#: were calibrated to (ASSUMPTIONS stated in baseline.toml: the report gives no expenditure).
PAYOUT = {"urban_resident_medical": 0.85, "rural_cooperative_medical": 0.95}

#: Away from the baseline so that every branch runs: coverage rising (URBMI) and falling
#: (NCMS), a known financing raise, a binding cap that ends inside the horizon, funds
#: driven negative, a higher return.
PERTURBED: dict[str, Any] = {
    "economy": {"fund_return": 0.045},
    "schemes": {
        "urban_resident_medical": {
            "coverage": {"target_factor": 1.5, "target_year": 2015},
            "financing_growth": {"known": {"2014": 0.25}},
            "hospitals": {"admission_rate": 0.08},
        },
        "rural_cooperative_medical": {
            "coverage": {"target_factor": 0.7, "target_year": 2016},
            "benefits": {"annual_cap_cny": 3000, "cap_last_year": 2014},
            "hospitals": {"admission_rate": 0.12},
        },
    },
}


class Setup:
    """A context, its population model and the two schemes built on it."""

    def __init__(self, a: Assumptions, end: int) -> None:
        self.assumptions = a
        self.ctx: Context = make_context(a, load_baseline(a), end)
        self.pensions = PensionModel.from_context(self.ctx)
        self.schemes: dict[str, MedicalScheme] = {
            code: MODULES[code].build(self.ctx) for code in CODES
        }

    def paths(self, ids: np.ndarray, *, deterministic: bool = False) -> EconomicPaths:
        return generate(
            self.assumptions, seed=SEED, draws=ids, years=self.ctx.years,
            deterministic=deterministic,
        )  # fmt: skip

    def population(self, ids: np.ndarray, paths: EconomicPaths, risk: bool) -> np.ndarray:
        return self.pensions.population(SEED, ids, paths, process_risk=risk)

    def run(
        self, code: str, ids: np.ndarray, *, risk: bool, deterministic: bool = False
    ) -> np.ndarray:
        paths = self.paths(ids, deterministic=deterministic)
        pop = self.population(ids, paths, risk)
        return self.schemes[code].run_chunk(SEED, ids, paths, pop, process_risk=risk)


@pytest.fixture(scope="module")
def short() -> Setup:
    return Setup(load_assumptions(), SHORT_END)


@pytest.fixture(scope="module")
def perturbed() -> Setup:
    return Setup(load_assumptions(overrides=PERTURBED), SHORT_END)


@pytest.fixture(scope="module")
def long() -> Setup:
    return Setup(load_assumptions(), LONG_END)


# --- the kernel and its reference ---------------------------------------------------------


def _kernel_inputs(setup: Setup, code: str, risk: bool) -> dict[str, Any]:
    paths = setup.paths(DRAWS)
    scheme = setup.schemes[code]
    names = list(inspect.signature(ref.project_medical).parameters)
    values = (
        SEED, DRAWS, risk, scheme.stream0, np.ascontiguousarray(paths.wage_growth),
        np.ascontiguousarray(paths.fund_return), setup.population(DRAWS, paths, risk),
        *scheme.kernel_args(),
    )  # fmt: skip
    return dict(zip(names[:-1], values, strict=True))


def _run(function: Any, inputs: dict[str, Any]) -> np.ndarray:
    pop = inputs["population"]
    out = np.full((len(VARIABLES), pop.shape[0], pop.shape[2], pop.shape[1]), np.nan)
    function(*inputs.values(), out)
    return out


def _relative_difference(got: np.ndarray, want: np.ndarray) -> float:
    """Largest relative difference, with a floor of 1e-3 of the largest |value| of the same
    series (variable and unit over draws and years): sums in another order differ in the
    last bits, and a balance passing through zero has no relative precision."""
    scale = np.abs(want).max(axis=(1, 3), keepdims=True)
    floor = np.maximum(1e-3 * scale, 1e-300)
    return float((np.abs(got - want) / np.maximum(np.abs(want), floor)).max())


def test_reference__has_the_kernel_signature() -> None:
    kernel = inspect.signature(project_medical.py_func).parameters
    assert list(inspect.signature(ref.project_medical).parameters) == list(kernel)
    assert ref.VARIABLES == VARIABLES == CLAIMS_VARIABLES
    assert ref.EXACT_BELOW == EXACT_BELOW


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
@pytest.mark.parametrize("case", ["baseline", "perturbed"])
@pytest.mark.parametrize("code", CODES)
def test_kernel__equals_reference(
    code: str, case: str, risk: bool, short: Setup, perturbed: Setup
) -> None:
    setup = short if case == "baseline" else perturbed
    inputs = _kernel_inputs(setup, code, risk)
    got = _run(project_medical, inputs)
    want = _run(ref.project_medical, inputs)
    assert np.isfinite(got).all()
    # run_chunk passes the same arrays in the same order.
    chunk = setup.schemes[code].run_chunk(
        SEED, DRAWS, setup.paths(DRAWS), inputs["population"], process_risk=risk
    )
    np.testing.assert_array_equal(chunk, got)
    assert _relative_difference(got, want) < 1e-10
    if risk:
        # Whole counts: their sums are exact in any order, so equal bit for bit.
        for name in ("contributors", "beneficiaries"):
            np.testing.assert_array_equal(got[V[name]], want[V[name]])
    if case == "perturbed":
        # The perturbation took hold: funds go negative, so interest does too.
        assert (got[V["balance"]] < 0).any()
        assert (got[V["interest"]] < 0).any()


def test_perturbed__branches_take_hold(short: Setup, perturbed: Setup) -> None:
    ids = DRAWS[:1]
    base = {code: short.run(code, ids, risk=False) for code in CODES}
    new = {code: perturbed.run(code, ids, risk=False) for code in CODES}
    u, n = "urban_resident_medical", "rural_cooperative_medical"
    # Coverage x1.5 by 2015 (URBMI) and x0.7 by 2016 (NCMS), linearly from 2013.
    ratio_u = new[u][V["contributors"], 0, CITY] / base[u][V["contributors"], 0, CITY]
    np.testing.assert_allclose(ratio_u, [1.0, 1.25, 1.5, 1.5], rtol=1e-6)
    ratio_n = new[n][V["contributors"]].sum(axis=1)[0] / base[n][V["contributors"]].sum(axis=1)[0]
    np.testing.assert_allclose(ratio_n, [1.0, 0.9, 0.8, 0.7], rtol=1e-6)
    # The known 25 % raise of 2014 replaces the wage rule.
    # The mix of categories is the same in both runs, so per head the two differ by the
    # financing index alone: 1.25 against 1 + the wage growth of 2014.
    per_head = {
        k: run[u][V["contributions"], 0, CITY] / run[u][V["contributors"], 0, CITY]
        for k, run in (("base", base), ("new", new))
    }
    wage = short.paths(ids).wage_growth[0, 1]
    assert per_head["new"][1] / per_head["base"][1] == pytest.approx(1.25 / (1 + wage), rel=1e-9)
    # The cap binds while in force (2013-2014) and not after.
    limit = perturbed.schemes[n].limit
    assert np.isfinite(limit[:, :, :2]).all()
    assert np.isinf(limit[:, :, 2:]).all()


# --- identities, pools and reproducibility -------------------------------------------------


@pytest.fixture(scope="module")
def long_runs(long: Setup) -> dict[str, np.ndarray]:
    return {code: long.run(code, np.arange(3), risk=True) for code in CODES}


@pytest.mark.parametrize("code", CODES)
def test_run__balance_and_subsidy_identities_hold_exactly(
    code: str, long: Setup, long_runs: dict[str, np.ndarray]
) -> None:
    out = long_runs[code]
    balance = out[V["balance"]]
    assert (balance < 0).any(), "the horizon should drive some fund negative"
    opening = long.schemes[code].opening_balance
    previous = np.concatenate(
        [np.broadcast_to(opening[None, :, None], (*balance.shape[:2], 1)), balance[..., :-1]],
        axis=-1,
    )
    income = out[V["contributions"]] + out[V["subsidies"]] + out[V["interest"]]
    outgo = out[V["benefits"]] + out[V["other_outgo"]]
    np.testing.assert_array_equal(balance, previous + income - outgo)
    levels = (
        out[V["subsidy_central"]]
        + out[V["subsidy_province"]]
        + out[V["subsidy_city"]]
        + out[V["subsidy_county"]]
    )
    np.testing.assert_array_equal(out[V["subsidies"]], levels)
    # Interest on the mean balance of the year, as the contract states.
    r = long.paths(np.arange(3)).fund_return[:, None, :]
    net = out[V["contributions"]] + out[V["subsidies"]] - outgo
    np.testing.assert_allclose(
        out[V["interest"]], r * (previous + 0.5 * net), rtol=1e-12, atol=1e-6
    )
    np.testing.assert_array_equal(out[V["other_outgo"]], 0.0)
    for name in ("contributors", "beneficiaries"):
        np.testing.assert_array_equal(out[V[name]], np.round(out[V[name]]))


def test_urbmi__the_city_pool_holds_the_whole_fund(
    long: Setup, long_runs: dict[str, np.ndarray]
) -> None:
    out = long_runs["urban_resident_medical"]
    others = [c for c in range(len(UNITS)) if c != CITY]
    np.testing.assert_array_equal(out[:, :, others], 0.0)
    scheme = long.schemes["urban_resident_medical"]
    assert scheme.opening_balance[CITY] == scheme.opening_balance.sum() > 0
    # Every county's insured are in it: 212,057 less the year's deaths.
    assert out[V["contributors"], :, CITY, 0] == pytest.approx(212_057, rel=0.012)


def test_ncms__a_fund_per_county(long: Setup, long_runs: dict[str, np.ndarray]) -> None:
    out = long_runs["rural_cooperative_medical"]
    np.testing.assert_array_equal(out[:, :, CITY], 0.0)
    counties_only = [c for c in range(len(UNITS)) if c != CITY]
    assert (out[V["contributors"], :, counties_only] > 50_000).all()
    scheme = long.schemes["rural_cooperative_medical"]
    opening = scheme.opening_balance
    assert opening.sum() == load_assumptions().schemes.rural_cooperative_medical.opening_balance_cny
    # Split by base-year insured.
    insured = scheme.insured0.sum(axis=(0, 2, 3))
    np.testing.assert_allclose(opening / opening.sum(), insured / insured.sum(), atol=1e-7)


@pytest.fixture
def restore_threads() -> Iterator[None]:
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)


@pytest.mark.usefixtures("restore_threads")
@pytest.mark.parametrize("code", CODES)
def test_run__chunks_and_threads_do_not_change_the_result(code: str, short: Setup) -> None:
    ids = np.arange(5, dtype=np.int64)
    whole = short.run(code, ids, risk=True)
    parts = np.concatenate(
        [short.run(code, ids[:2], risk=True), short.run(code, ids[2:], risk=True)], axis=1
    )
    np.testing.assert_array_equal(whole, parts)
    numba.set_num_threads(1)
    np.testing.assert_array_equal(short.run(code, ids, risk=True), whole)
    # Another seed gives other claims.
    paths = short.paths(ids)
    pop = short.population(ids, paths, True)
    other = short.schemes[code].run_chunk(SEED + 1, ids, paths, pop, process_risk=True)
    assert (other[V["benefits"]] != whole[V["benefits"]]).any()


def test_streams__inside_the_family_and_disjoint() -> None:
    used = [set(range(s, s + 3)) for s in STREAM0.values()]
    assert all(u <= set(STREAMS["medical"]) for u in used)
    assert not used[0] & used[1]


# --- claims: the compound Poisson moments ---------------------------------------------------


def _moment_run(risk: bool, n_draws: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The NCMS arrays on two units with fixed residents (Hongta's age structure): a small
    one whose admissions are summed one by one and a large one (with a binding cap) in the
    normal branch; one year. Returns the output, expected admissions [unit, level] and the
    mean and variance of one benefit [unit, level]."""
    a = load_assumptions()
    ctx = make_context(a, load_baseline(a), 2014)
    s = ncms_module.build(ctx)
    shape = ctx.pop0[HONGTA] / ctx.pop0[HONGTA].sum()
    pop = np.stack([2_000 * shape, 150_000 * shape])
    n_units = 2
    units = [HONGTA, XINPING]
    deductible = s.deductible[units]
    ratio = s.ratio[units]
    limit = np.array([[np.inf] * 4, [20_000.0] * 4])[:, :, None]
    moments = np.array(
        [
            [benefit_moments(s.sev_mu[h], s.sev_sigma[h], deductible[c, h], ratio[c, h],
                             limit[c, h, 0]) for h in range(4)]
            for c in range(n_units)
        ]
    )  # fmt: skip
    ids = np.arange(n_draws, dtype=np.int64)
    population = np.ascontiguousarray(np.broadcast_to(pop, (n_draws, 1, *pop.shape)))
    out = np.empty((len(VARIABLES), n_draws, n_units, 1))
    project_medical(
        SEED, ids, risk, STREAM0["rural_cooperative_medical"], np.zeros((n_draws, 1)),
        np.zeros((n_draws, 1)), population,
        np.ones((1, n_units, 2, 101)), np.ones(1), np.zeros((1, n_units, 5)), np.full(1, np.nan),
        1.0, np.zeros(1), s.rate, s.sev_mu, s.sev_sigma, deductible, ratio, limit,
        np.ascontiguousarray(moments[:, :, 0, None]), np.ascontiguousarray(moments[:, :, 1, None]),
        np.arange(n_units, dtype=np.int64), np.zeros(n_units), out,
    )  # fmt: skip
    insured = np.floor(pop + 0.5) if risk else pop
    lam = np.einsum("csa,hsa->ch", insured, s.rate)
    return out[..., 0], lam, moments


def test_claims__mean_and_variance_are_compound_poisson() -> None:
    n_draws = 2_000
    out, lam, moments = _moment_run(True, n_draws)
    m, v = moments[..., 0], moments[..., 1]
    assert lam[0].max() < EXACT_BELOW <= lam[1].min(), "one unit in each branch"
    admissions = out[V["beneficiaries"]]
    benefits = out[V["benefits"]]
    # E[S] = lam m and Var[S] = lam E[B^2] = lam (v + m^2), summed over levels.
    want_mean = (lam * m).sum(axis=1)
    want_var = (lam * (v + m * m)).sum(axis=1)
    se = np.sqrt(want_var / n_draws)
    assert np.abs(benefits.mean(axis=0) - want_mean).max() <= (4 * se).max()
    assert np.all(np.abs(benefits.mean(axis=0) - want_mean) <= 4 * se)
    np.testing.assert_allclose(benefits.var(axis=0, ddof=1), want_var, rtol=0.15)
    np.testing.assert_allclose(
        admissions.mean(axis=0), lam.sum(axis=1), atol=4 * math.sqrt(lam.sum() / n_draws)
    )
    # Without process risk: exactly the expectation.
    out0, lam0, _ = _moment_run(False, 1)
    np.testing.assert_allclose(out0[V["benefits"], 0], (lam0 * m).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(out0[V["beneficiaries"], 0], lam0.sum(axis=1), rtol=1e-12)


@pytest.mark.parametrize("n", [50.0, EXACT_BELOW - 1, EXACT_BELOW])
def test_claims_total__exact_sum_and_normal_branch_have_the_moments(n: float) -> None:
    mu, sigma = lognormal_params(4_500.0, 1.2)
    deductible, ratio, limit = 600.0, 0.8, 30_000.0
    m, v = benefit_moments(mu, sigma, deductible, ratio, limit)
    draws = 4_000
    x = np.array(
        [
            claims_total(n, m, v, mu, sigma, deductible, ratio, limit, SEED, 20, d, 0, 7)
            for d in range(draws)
        ]
    )
    se = math.sqrt(n * v / draws)
    assert abs(x.mean() - n * m) < 4 * se
    assert x.var(ddof=1) == pytest.approx(n * v, rel=0.1)


# --- the normal approximation's error -------------------------------------------------------


def _benefit_raw_moments(
    mu: float, sigma: float, deductible: float, ratio: float, limit: float
) -> list[float]:
    """E[B^k], k = 1..3, by quadrature on the log scale (independent of the closed form)."""

    def integrand(z: float, k: int) -> float:
        x = math.exp(mu + sigma * z)
        return float((ratio * min(max(x - deductible, 0.0), limit)) ** k * stats.norm.pdf(z))

    lo = (math.log(deductible) - mu) / sigma if deductible > 0 else -12.0
    points = [] if math.isinf(limit) else [(math.log(deductible + limit) - mu) / sigma]
    return [
        integrate.quad(integrand, lo, 12.0, args=(k,), points=points or None, limit=400,
                       epsabs=0.0, epsrel=1e-11)[0]
        for k in (1, 2, 3)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("mean", "cv", "deductible", "ratio", "limit"),
    [
        (1_500.0, 1.2, 100.0, 0.75, 120_000.0),
        (15_000.0, 1.2, 500.0, 0.5, 180_000.0),
        (15_000.0, 1.2, 800.0, 0.55, math.inf),
        (4_500.0, 0.6, 600.0, 1.0, 2_000.0),
        (4_500.0, 2.0, 0.0, 0.9, math.inf),
    ],
)
def test_benefit_moments__closed_form_equals_quadrature(
    mean: float, cv: float, deductible: float, ratio: float, limit: float
) -> None:
    mu, sigma = lognormal_params(mean, cv)
    m, v = benefit_moments(mu, sigma, deductible, ratio, limit)
    e1, e2, _ = _benefit_raw_moments(mu, sigma, deductible, ratio, limit)
    assert m == pytest.approx(e1, rel=1e-8)
    assert v == pytest.approx(e2 - e1 * e1, rel=1e-7)
    if deductible == 0.0 and math.isinf(limit):
        assert m == pytest.approx(ratio * mean, rel=1e-12)
        assert v == pytest.approx((ratio * cv * mean) ** 2, rel=1e-9)


def test_normal_approximation__error_as_documented(short: Setup) -> None:
    # Skewness of one benefit for every packaged unit and level: the range the kernel's
    # docstring states, hence a Kolmogorov distance of at most ~0.0665 g / sqrt(N).
    skews = []
    for s in short.schemes.values():
        for c in range(len(UNITS)):
            for h in range(4):
                e1, e2, e3 = _benefit_raw_moments(
                    s.sev_mu[h], s.sev_sigma[h], s.deductible[c, h], s.ratio[c, h],
                    s.limit[c, h, 0],
                )  # fmt: skip
                var = e2 - e1 * e1
                skews.append((e3 - 3 * e1 * e2 + 2 * e1**3) / var**1.5)
    assert 3.5 < min(skews) <= max(skews) < 5.5
    bound = 0.0665 * max(skews) / math.sqrt(EXACT_BELOW)
    assert bound < 0.019
    # Simulated at the threshold, the most skewed case: the exact sum of N benefits against
    # the normal with the same mean and variance.
    s = short.schemes["rural_cooperative_medical"]
    mu, sigma = s.sev_mu[0], s.sev_sigma[0]
    d, r, lim = s.deductible[HONGTA, 0], s.ratio[HONGTA, 0], s.limit[HONGTA, 0, 0]
    m, v = benefit_moments(mu, sigma, d, r, lim)
    n, sims = int(EXACT_BELOW), 50_000
    rng = np.random.default_rng(SEED)
    sums = np.concatenate(
        [
            (r * np.minimum(np.maximum(np.exp(mu + sigma * rng.standard_normal((10_000, n))) - d,
                                       0.0), lim)).sum(axis=1)
            for _ in range(sims // 10_000)
        ]
    )  # fmt: skip
    ks = stats.kstest(sums, stats.norm(n * m, math.sqrt(n * v)).cdf).statistic
    noise = 1.63 / math.sqrt(sims)  # 99 % Kolmogorov critical value
    assert 0.5 * bound < ks < bound + noise  # the gap is real, and of the stated size


# --- the first year by hand -----------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_first_year__by_hand(code: str, short: Setup) -> None:
    ids = np.array([0], dtype=np.int64)
    paths = short.paths(ids, deterministic=True)
    pop = short.population(ids, paths, False)[0, 0]  # [C, S, A] 2013 residents
    out = short.schemes[code].run_chunk(SEED, ids, paths, pop[None, None].repeat(
        short.ctx.years.size, axis=1), process_risk=False)[..., 0, :, 0]  # fmt: skip
    s = short.schemes[code]
    rules = getattr(short.assumptions.schemes, code)
    r0 = paths.fund_return[0, 0]
    # By hand, from the report's standards (Tables 1-2, note 1) and the assumptions.
    parts = {
        "urban_resident_medical": {
            "adult": (70, 188, 54, 40, 40),
            "student_child": (30, 188, 54, 20, 20),
            "college": (30, 188, 0, 50, 0),
        },
        "rural_cooperative_medical": {"all": (60, 188, 54, 49, 49)},
    }[code]
    by_payer = np.zeros((len(UNITS), 5))
    admissions = np.zeros((len(UNITS), 4))
    for k, cat in enumerate(rules.categories):
        insured = (s.coverage[k] * pop).sum(axis=(1, 2))  # [C]
        for c in range(len(UNITS)):
            amounts = np.array(parts[cat.name], dtype=float)
            if code == "rural_cooperative_medical" and c == HONGTA:
                amounts = np.array([60, 188, 0, 76, 76], dtype=float)  # no provincial part
            by_payer[c] += insured[c] * amounts
        admissions += np.einsum("csa,hsa->ch", s.coverage[k] * pop, s.rate)
    benefits = (admissions * s.mean_benefit[:, :, 0]).sum(axis=1)
    if code == "urban_resident_medical":  # the city pool holds everything
        by_payer = by_payer.sum(axis=0, keepdims=True) * (np.arange(len(UNITS)) == CITY)[:, None]
        benefits = benefits.sum() * (np.arange(len(UNITS)) == CITY)
    net = by_payer.sum(axis=1) - benefits
    interest = r0 * (s.opening_balance + 0.5 * net)
    rel = {"rtol": 1e-12, "atol": 1e-6}
    np.testing.assert_allclose(out[V["contributions"]], by_payer[:, 0], **rel)
    for p, level in enumerate(("central", "province", "city", "county"), start=1):
        np.testing.assert_allclose(out[V[f"subsidy_{level}"]], by_payer[:, p], **rel)
    np.testing.assert_allclose(out[V["benefits"]], benefits, **rel)
    np.testing.assert_allclose(out[V["interest"]], interest, **rel)
    np.testing.assert_allclose(out[V["balance"]], s.opening_balance + net + interest, **rel)
    # Against the report: insured (Table 1) less the deaths of the year, financing against
    # Table 1's fund total (which exceeds insured x standard by 1.6 % and 0.4 %, CHECKS
    # section 1), and the assumed payout ratio.
    b = load_baseline()
    insured_total = out[V["contributors"]].sum()
    assert insured_total == pytest.approx(b.figure(code, "insured").value, rel=0.012)
    financing = out[V["contributions"]].sum() + out[V["subsidies"]].sum()
    assert financing == pytest.approx(b.figure(code, "income").value, rel=0.03)
    payout = out[V["benefits"]].sum() / financing
    assert payout == pytest.approx(PAYOUT[code], abs=0.03)


# --- inputs against their sources -----------------------------------------------------------


def test_base_year__insured_by_county_and_category_are_the_report_s(short: Setup) -> None:
    t2 = {r["county"]: r for r in read_csv("report.table2")}
    u = short.schemes["urban_resident_medical"]
    columns = {
        "adult": "insured_2013_adults_persons",
        "student_child": "insured_2013_students_children_persons",
        "college": "insured_2013_college_students_persons",
    }
    cats = short.assumptions.schemes.urban_resident_medical.categories
    for k, cat in enumerate(cats):
        got = u.insured0[k].sum(axis=(1, 2))
        want = [int(t2[c][columns[cat.name]] or 0) for c in UNITS]
        np.testing.assert_array_equal(got, want)
        # Only at the category's ages.
        outside = np.ones(101, dtype=bool)
        outside[cat.ages[0] : cat.ages[1] + 1] = False
        assert u.insured0[k][..., outside].sum() == 0
    assert u.insured0.sum() == 212_057
    n = short.schemes["rural_cooperative_medical"]
    assert n.insured0.sum() == 1_617_373
    assert n.insured0[0, CITY].sum() == 0
    assert (n.coverage <= 1.0).all()
    assert (u.coverage <= 1.0).all()


def test_financing__standards_and_levels_are_table_1_and_2(short: Setup) -> None:
    b = load_baseline()
    u = short.assumptions.schemes.urban_resident_medical
    fig = {
        "adult": "adult",
        "student_child": "student_child",
        "college": "college",
    }
    for cat in u.categories:
        prefix = fig[cat.name]
        total = b.figure("urban_resident_medical", f"{prefix}_financing_total").value
        assert cat.total_cny == total
        assert (
            cat.individual_cny
            == b.figure("urban_resident_medical", f"{prefix}_individual_contribution").value
        )
        for level in ("central", "province", "city", "county"):
            try:
                want = b.figure("urban_resident_medical", f"{prefix}_subsidy_{level}").value
            except KeyError:
                want = 0.0  # college students: no provincial or county part
            assert getattr(cat, f"{level}_cny") == want
    n = short.assumptions.schemes.rural_cooperative_medical
    (cat,) = n.categories
    assert (
        cat.individual_cny == b.figure("rural_cooperative_medical", "individual_contribution").value
    )
    assert (
        cat.total_cny - cat.individual_cny
        == b.figure("rural_cooperative_medical", "fiscal_subsidy").value
    )
    assert cat.total_cny == b.figure("rural_cooperative_medical", "financing_per_insured").value
    # Hongta has no provincial part; its total is unchanged.
    premium = short.schemes["rural_cooperative_medical"].premium[0]
    assert premium[HONGTA, 2] == 0
    np.testing.assert_array_equal(premium.sum(axis=1)[1:], 400.0)


def test_benefits__rules_are_table_3(short: Setup) -> None:
    rows = read_csv("report.table3")

    def printed(scheme: str, area: str, level: str, col: str) -> list[float]:
        return [
            float(r[col])
            for r in rows
            if (r["scheme"], r["area"], r["hospital_level"]) == (scheme, area, level) and r[col]
        ]

    levels = ("level_1", "level_2", "level_3", "outside_city_designated")
    for code, area, unit in (
        ("urban_resident_medical", "all", HONGTA),
        ("rural_cooperative_medical", "hongta", HONGTA),
        ("rural_cooperative_medical", "xinping", XINPING),
    ):
        s = short.schemes[code]
        for h, level in enumerate(levels):
            deductibles = printed(code, area, level, "deductible_CNY")
            if deductibles:  # blank cells are assumptions (level 3's)
                assert s.deductible[unit, h] == max(deductibles)
            else:
                assert s.deductible[unit, h] == s.deductible[unit, 2]
            ratios = printed(code, area, level, "reimbursement_percent")
            if ratios:
                assert s.ratio[unit, h] * 100 == pytest.approx(ratios[0], abs=1e-9)
            else:
                assert s.ratio[unit, h] == s.ratio[unit, 2]
        cap = printed(code, area, "level_1", "annual_cap_applied_10k_CNY")[0] * 1e4
        assert getattr(short.assumptions.schemes, code).benefits.annual_cap_cny == cap
    # The URBMI cap in force (per admission: cap / ratio of cost above the deductible);
    # NCMS's abolished from 2013-08, none in the projection.
    u = short.schemes["urban_resident_medical"]
    np.testing.assert_allclose(u.limit[:, :, 0] * u.ratio, 90_000.0)
    assert np.isinf(short.schemes["rural_cooperative_medical"].limit).all()


def test_opening_balances__follow_their_stated_derivation() -> None:
    # (1 - payout ratio) x Table 1 fund totals 2010-2012 (万元), the 2011 NCMS total read
    # as 46,180.23 (CHECKS I-4).
    a = load_assumptions()
    totals: dict[str, float] = {}
    for r in read_csv("report.table1"):
        if r["year"] in ("2010", "2011", "2012"):
            value = float(r["annual_fund_total_10k_CNY"])
            if (r["scheme"], r["year"]) == ("rural_cooperative_medical", "2011"):
                assert value == 26_180.23
                value = 46_180.23
            totals[r["scheme"]] = totals.get(r["scheme"], 0.0) + value
    for code in CODES:
        rules = getattr(a.schemes, code)
        want = (1.0 - PAYOUT[code]) * totals[code] * 1e4
        assert rules.opening_balance_cny == round(want)


@pytest.mark.parametrize("code", CODES)
def test_admission_rate__is_the_calibrated_one(code: str, short: Setup) -> None:
    s = short.schemes[code]
    assert s.calibration.payout_ratio == pytest.approx(PAYOUT[code], rel=1e-5)
    assert calibrate_admission_rate(s, PAYOUT[code]) == pytest.approx(s.admission_rate, rel=1e-5)
    # Benefits are proportional to the rate.
    assert calibrate_admission_rate(s, 2 * PAYOUT[code]) == pytest.approx(
        2 * calibrate_admission_rate(s, PAYOUT[code]), rel=1e-12
    )


def test_benefit_rules__a_scenario_changes_what_is_paid(short: Setup) -> None:
    # The report's proposal (V.(2).3.(7)): no more 100 % at level 1. The admission rate is
    # held, so benefits fall; insured and financing do not change.
    code = "rural_cooperative_medical"
    rules = short.assumptions.schemes.rural_cooperative_medical.benefits.rules
    lower = [{**r.model_dump(), "reimbursement": [0.8, *r.reimbursement[1:]]} for r in rules]
    reform = Setup(
        load_assumptions(overrides={"schemes": {code: {"benefits": {"rules": lower}}}}), 2014
    )
    base = short.schemes[code].calibration
    new = reform.schemes[code].calibration
    assert new.admissions_per_insured == base.admissions_per_insured
    assert new.financing == base.financing
    assert 0.9 < new.benefits / base.benefits < 0.99


def test_age_cost__calibrated_to_the_shanghai_share(short: Setup) -> None:
    rules = short.assumptions.schemes.rural_cooperative_medical.age_cost
    s = short.schemes["rural_cooperative_medical"]
    cal = s.calibration
    residents = short.ctx.pop0.sum(axis=(0, 1))
    assert old_age_share(cal.age_cost_growth, rules, residents) == pytest.approx(0.5, abs=1e-9)
    curve = age_cost_curve(cal.age_cost_growth, rules)
    np.testing.assert_array_equal(curve[:45], 1.0)
    np.testing.assert_array_equal(curve[85:], curve[85])
    assert (np.diff(curve[44:86]) > 0).all()
    # With Yuxi's younger population the share needs ~7.4 % a year of age (the P16 README
    # guessed 3-4 % for an older one); a person 60+ then costs 3.6x the average, inside
    # the report's "three to five times" (V.(2).3.(7)).
    assert 0.07 < cal.age_cost_growth < 0.08
    assert 3.0 <= cal.old_age_cost_ratio <= 5.0
    # The target is the packaged P16 evidence, and the ratio respects its lower bound.
    evidence = {r["finding"]: r["value"] for r in read_csv("medical.age_cost_evidence")}
    inpatient = evidence["share of inpatient cost by 60+"]
    assert rules.old_age_cost_share == float(inpatient.split()[0]) / 100
    assert rules.old_age == 60
    assert cal.old_age_cost_ratio >= 2.5  # "implied per-capita inpatient cost ratio": >= 2.5
    # Both schemes share the curve; the rates carry it by age.
    u = short.schemes["urban_resident_medical"]
    assert u.calibration.age_cost_growth == cal.age_cost_growth
    np.testing.assert_allclose(s.rate[1, 0] / s.rate[1, 0, 30], curve, rtol=1e-12)
    # Plausible implied admission rates (per insured a year).
    assert 0.05 < u.calibration.admissions_per_insured < 0.2
    assert 0.05 < cal.admissions_per_insured < 0.25


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"hospitals": {"admission_share": [0.5, 0.5, 0.5, 0.0]}}, "hospitals"),
        (
            {"benefits": {"rules": [{"counties": ["hongta"], "deductible_cny": [0, 0, 0, 0],
                                      "reimbursement": [1, 1, 1, 1]}]}},
            "benefits",
        ),
        ({"age_cost": {"old_age": 30}}, "age_cost"),
    ],
)  # fmt: skip
def test_assumptions__inconsistent_tables_are_refused(override: dict[str, Any], key: str) -> None:
    with pytest.raises(ScenarioError, match=f"schemes.rural_cooperative_medical.{key}"):
        load_assumptions(overrides={"schemes": {"rural_cooperative_medical": override}})
