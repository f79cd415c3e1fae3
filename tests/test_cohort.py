"""Cohort kernel and ``project()``: equal to the numpy reference, the balance identity exact,
reproducible across chunks, threads and run sizes, the deterministic run checked by hand,
counts conserved; ``member_pension`` against closed forms; bad inputs refused."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterator
from typing import Any

import numba
import numpy as np
import pytest
import reference_cohort as ref
import xarray as xr

from actuarial import load_assumptions
from actuarial.assumptions import Assumptions
from actuarial.baseline import load_baseline
from actuarial.demography import death_probabilities
from actuarial.member import member_pension
from actuarial.pensions import PENSION_SCHEMES, KernelInputs
from actuarial.projection import PensionModel, project
from actuarial.scenarios import generate
from kernels.cohort import INCOME, N_AGES, OUTGO, RING, VARIABLES, project_pensions

SEED = 20130101
BASE = 2013
#: The models are built once to here: children born in the projection reach the first
#: contributing age (16) and enter, so births are checked too.
LONG_END = 2033
SHORT_YEARS = 4  # 2013-2016
DRAWS = np.array([3, 40], dtype=np.int64)  # global indices, not 0..n-1 on purpose
V = {name: v for v, name in enumerate(VARIABLES)}
ENTERPRISE, URBAN_RESIDENT = 0, 3  # canonical scheme order
HONGTA = 1  # canonical county order; 0 is the city level

#: Away from the baseline so that every branch of a year runs: entrants (coverage rising),
#: no entrants where it falls, larger arrears, a higher return, heavier mortality, leakage
#: at a rate whose expected count crosses the samplers' exact/normal threshold, and so few
#: births that the Poisson sampler inverts exactly.
PERTURBED = {
    "population": {"total_fertility_rate": 0.004},
    "mortality": {"level_factor": 1.6},
    "economy": {"fund_return": 0.045},
    "leakage": {"undetected_death_cases_per_recipient": 0.004},
    "schemes": {
        "enterprise_pension": {
            "coverage": {"target_factor": 1.5, "target_year": 2016},
            "arrears": {"new_share": 0.05, "recovery_rate": 0.3},
        },
        "institution_pension": {
            "coverage": {"target_factor": 0.6, "target_year": 2015},
            "arrears": {"new_share": 0.2, "recovery_rate": 0.02},
        },
        "rural_resident_pension": {"coverage": {"target_factor": 1.2, "target_year": 2014}},
        "urban_resident_pension": {"coverage": {"target_factor": 2.0, "target_year": 2020}},
    },
}
#: From this year index on, the perturbed case has no known raises (NaN: the rule applies).
RULE_FROM = 2


@pytest.fixture(scope="module")
def baseline_model() -> PensionModel:
    return PensionModel.build(load_assumptions(), LONG_END)


@pytest.fixture(scope="module")
def perturbed_model() -> PensionModel:
    model = PensionModel.build(load_assumptions(overrides=PERTURBED), LONG_END)
    arrays = dict(model.inputs.arrays)
    # Known raises cover every short projected year: blank them from RULE_FROM on so the
    # CPI and real-wage rule runs. The scheme builders give leakage to employee schemes
    # only; a resident scheme's benefits include the basic pension, another branch.
    for name in ("pen_known", "basic_known"):
        arrays[name] = arrays[name].copy()
        arrays[name][:, RULE_FROM:] = np.nan
    arrays["leak"] = arrays["leak"].copy()
    arrays["leak"][URBAN_RESIDENT] = arrays["leak"][ENTERPRISE]
    return dataclasses.replace(model, inputs=KernelInputs(model.inputs.schemes, arrays))


def _kernel_inputs(
    model: PensionModel,
    *,
    n_years: int,
    risk: bool,
    draws: np.ndarray = DRAWS,
    counties: list[int] | None = None,
    schemes: list[int] | None = None,
    **replace: np.ndarray,
) -> dict[str, Any]:
    """Every argument of the kernel but ``out``, in its order: the model's arrays for the
    first ``n_years``, optionally for a subset of counties or schemes (the kernel takes
    any), with arrays in ``replace`` substituted."""
    paths = generate(model.assumptions, seed=SEED, draws=draws, years=model.years[:n_years])
    arr = model.inputs.arrays
    c = list(range(model.pop0.shape[0])) if counties is None else counties
    k = list(range(len(arr["kind"]))) if schemes is None else schemes
    by_year = {"pen_known", "basic_known", "coverage_path"}
    by_county = {"coverage", "arrears0", "a0", "acc0", "sv0", "p0", "pen0", "balance0"}
    scheme_args = {}
    for name in (
        "kind", "pool_rate", "account_rate", "base_factor", "basic_factor",
        "flat_contribution", "flat_subsidy", "basic0", "retire", "payout_months", "pen_known",
        "pen_rule", "basic_known", "basic_rule", "supplement", "coverage", "coverage_path", "leak",
        "arrears_rates", "arrears0", "a0", "acc0", "sv0", "p0", "pen0", "balance0",
    ):  # fmt: skip
        x = arr[name][k]
        if name in by_year:
            x = x[:, :n_years]
        if name in by_county:
            x = x[:, c]
        scheme_args[name] = x
    inputs: dict[str, Any] = {
        "seed": SEED,
        "draws": draws,
        "process_risk": risk,
        "cpi": paths.cpi,
        "real_wage_growth": paths.real_wage_growth,
        "wage_growth": paths.wage_growth,
        "fund_return": paths.fund_return,
        "mortality_index": paths.mortality_index,
        "qbar": model.qbar[..., :n_years],
        "bx": model.bx,
        "population": model.population(SEED, draws, paths, process_risk=risk)[:, :, c],
        "wage0": model.assumptions.economy.wage_2013_cny_per_year,
        **scheme_args,
    }
    inputs.update(replace)
    # Contiguous copies, so the kernel is not compiled again for other array layouts.
    return {
        key: np.ascontiguousarray(val) if isinstance(val, np.ndarray) else val
        for key, val in inputs.items()
    }


def _run(function: Any, inputs: dict[str, Any]) -> np.ndarray:
    shape = (
        len(VARIABLES),
        inputs["draws"].size,
        inputs["population"].shape[2],
        inputs["kind"].size,
        inputs["cpi"].shape[1],
    )
    out = np.full(shape, np.nan)
    function(*inputs.values(), out)
    return out


def _relative_difference(got: np.ndarray, want: np.ndarray) -> float:
    """Largest |got - want| / |want|, with a floor of 1e-3 of the largest |value| of the same
    series (variable, county, scheme over draws and years): sums taken in another order
    differ in the last bits, and a balance passing through zero has no relative precision.
    """
    scale = np.abs(want).max(axis=(1, 4), keepdims=True)
    floor = np.maximum(1e-3 * scale, 1e-300)
    return float((np.abs(got - want) / np.maximum(np.abs(want), floor)).max())


def _check_kernel_equals_reference(inputs: dict[str, Any]) -> None:
    got = _run(project_pensions, inputs)
    want = _run(ref.project_pensions, inputs)
    assert np.isfinite(want).all()
    assert np.isfinite(got).all()
    assert _relative_difference(got, want) < 1e-10
    if inputs["process_risk"]:
        # Random counts are whole numbers, so their sums are exact in any order: the same
        # draws of every sampler give equal counts, bit for bit.
        for name in ("contributors", "beneficiaries"):
            np.testing.assert_array_equal(got[V[name]], want[V[name]])


def test_reference__has_the_kernel_signature() -> None:
    kernel = inspect.signature(project_pensions.py_func).parameters
    assert list(inspect.signature(ref.project_pensions).parameters) == list(kernel)
    assert ref.VARIABLES == VARIABLES
    assert (ref.INCOME, ref.OUTGO) == (INCOME, OUTGO)


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
def test_kernel__equals_reference_on_the_baseline(baseline_model: PensionModel, risk: bool) -> None:
    _check_kernel_equals_reference(_kernel_inputs(baseline_model, n_years=SHORT_YEARS, risk=risk))


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
def test_kernel__equals_reference_on_a_perturbed_case(
    perturbed_model: PensionModel, risk: bool
) -> None:
    inputs = _kernel_inputs(perturbed_model, n_years=SHORT_YEARS, risk=risk)
    _check_kernel_equals_reference(inputs)
    # The perturbation took hold: enterprise coverage rises, so members enter.
    out = _run(project_pensions, inputs)
    members = out[V["contributors"], :, :, ENTERPRISE].sum(axis=1)
    assert (members[:, -1] > 1.2 * members[:, 0]).all()
    assert (out[V["leakage"], :, :, URBAN_RESIDENT].sum(axis=1) > 0).all()


@pytest.mark.parametrize("case", ["baseline", "perturbed"])
def test_kernel__equals_reference_over_a_generation(
    case: str, baseline_model: PensionModel, perturbed_model: PensionModel
) -> None:
    model = baseline_model if case == "baseline" else perturbed_model
    n_years = LONG_END - BASE + 1
    _check_kernel_equals_reference(_kernel_inputs(model, n_years=n_years, risk=False))
    # With process risk the reference is slow: the city level and one county (the city
    # level sees only that county's residents then), an employee and a resident scheme.
    _check_kernel_equals_reference(
        _kernel_inputs(
            model,
            n_years=n_years,
            risk=True,
            draws=DRAWS[:1],
            counties=[0, HONGTA],
            schemes=[ENTERPRISE, URBAN_RESIDENT],
        )
    )


#: Per-year inputs of the kernel and the axis of their years.
YEAR_AXIS = {
    "cpi": 1, "real_wage_growth": 1, "wage_growth": 1, "fund_return": 1,
    "mortality_index": 1, "qbar": 2, "population": 1, "pool_rate": 1, "account_rate": 1,
    "base_factor": 1, "flat_contribution": 1, "flat_subsidy": 1, "retire": 1,
    "pen_known": 1, "pen_rule": 1, "basic_known": 1, "basic_rule": 1, "supplement": 1,
    "coverage_path": 1, "leak": 1,
}  # fmt: skip


def _longer(inputs: dict[str, Any], n_years: int) -> dict[str, Any]:
    """The inputs over ``n_years``: every per-year array carries its last year on."""
    out = dict(inputs)
    for name, axis in YEAR_AXIS.items():
        x = inputs[name]
        pad = [(0, 0)] * x.ndim
        pad[axis] = (0, n_years - x.shape[axis])
        out[name] = np.ascontiguousarray(np.pad(x, pad, mode="edge"))
    return out


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
def test_kernel__equals_reference_over_more_years_than_the_ring_holds(
    perturbed_model: PensionModel, risk: bool
) -> None:
    """The kernel keeps each sex's ages in a ring that moves down a cell a year; past
    RING - N_AGES years the window moves back to the top of the ring."""
    n_years = RING - N_AGES + 15
    inputs = _kernel_inputs(
        perturbed_model,
        n_years=LONG_END - BASE + 1,
        risk=risk,
        draws=DRAWS[:1],
        counties=[HONGTA] if risk else [0, HONGTA],
        schemes=[ENTERPRISE, URBAN_RESIDENT] if risk else None,
    )
    _check_kernel_equals_reference(_longer(inputs, n_years))


def test_run_chunk__fills_a_given_array_and_refuses_a_wrong_one(
    baseline_model: PensionModel,
) -> None:
    """A caller running many chunks can hand the same arrays back; the results are those
    of fresh ones."""
    model = baseline_model
    paths = generate(model.assumptions, seed=SEED, draws=DRAWS, years=model.years)
    population = model.population(SEED, DRAWS, paths, process_risk=True)
    reused = np.full_like(population, np.nan)
    assert model.population(SEED, DRAWS, paths, process_risk=True, out=reused) is reused
    np.testing.assert_array_equal(reused, population)
    want = model.run_chunk(SEED, DRAWS, paths, process_risk=True, population=population)
    out = np.full_like(want, np.nan)
    got = model.run_chunk(SEED, DRAWS, paths, process_risk=True, population=population, out=out)
    assert got is out
    np.testing.assert_array_equal(got, want)
    for bad in (out[:, :1], out.astype(np.float32), np.asfortranarray(out)):
        with pytest.raises(ValueError, match=r"^out: "):
            model.run_chunk(SEED, DRAWS, paths, process_risk=True, population=population, out=bad)


# --- project(): the balance identity, labels and whole counts ---------------------------


@pytest.fixture(scope="module")
def long_run() -> xr.Dataset:
    # Long enough for balances to turn negative (interest then is negative too).
    return project(draws=3, seed=SEED, end=2060)


def test_project__balance_identity_holds_exactly(long_run: xr.Dataset) -> None:
    ds = long_run
    income_names = ds.attrs["income_variables"]
    outgo_names = ds.attrs["outgo_variables"]
    assert (ds.balance < 0).any()
    for name in income_names + outgo_names:
        role = "income" if name in income_names else "outgo"
        assert ds[name].attrs["role"] == role
        assert ds[name].attrs["units"] == "CNY"
    # Every variable with a role is in the identity, so no flow is left out of it.
    assert {v for v in ds.data_vars if "role" in ds[v].attrs} == {*income_names, *outgo_names}
    dims = ("draw", "county", "scheme", "year")
    income = sum(ds[v].transpose(*dims).values for v in income_names)
    outgo = sum(ds[v].transpose(*dims).values for v in outgo_names)
    balance = ds.balance.transpose(*dims).values
    opening = ds.opening_balance.transpose("county", "scheme").values
    previous = np.concatenate(
        [np.broadcast_to(opening, balance.shape[:-1])[..., None], balance[..., :-1]], axis=-1
    )
    np.testing.assert_array_equal(balance, previous + income - outgo)


def test_project__counts_are_whole_with_process_risk(long_run: xr.Dataset) -> None:
    # The pension members are followed person by person; the claims schemes' insured are
    # shares of the (whole) residents and need not be whole.
    pensions = long_run.sel(scheme=list(PENSION_SCHEMES))
    for name in ("contributors", "beneficiaries"):
        x = pensions[name].values
        np.testing.assert_array_equal(x, np.round(x))
    # Without process risk the counts are expected values: fractional, so the check above
    # is not true of any projection.
    expected = project(
        draws=1, seed=SEED, end=2015, process_risk=False, schemes=list(PENSION_SCHEMES)
    )
    assert (expected.contributors.values != np.round(expected.contributors.values)).any()


def test_project__closed_schemes_take_no_money_in_and_gain_no_members(
    long_run: xr.Dataset,
) -> None:
    closed = long_run.sel(scheme=["land_lost_pension", "old_rural_pension"])
    for name in ("contributions", "subsidies", "arrears_recovered", "arrears"):
        np.testing.assert_array_equal(closed[name].values, 0.0)
    assert (closed.benefits.sum("county") > 0).all()
    # No entrants: members only die (and move from deferred to drawing).
    members = (closed.contributors + closed.beneficiaries).transpose(..., "year").values
    assert (np.diff(members, axis=-1) <= 0).all()
    assert (np.diff(members.sum(axis=(1, 2)), axis=-1) < 0).all()


def test_kernel__without_deaths_or_entrants_members_are_conserved(
    baseline_model: PensionModel,
) -> None:
    # Nobody dies and nobody enters: retirements only move members from active to drawing,
    # so with whole counts their sum stays exactly the base year's.
    inputs = _kernel_inputs(
        baseline_model,
        n_years=12,
        risk=True,
        coverage=np.zeros_like(baseline_model.inputs.arrays["coverage"]),
        qbar=np.zeros_like(baseline_model.qbar[..., :12]),
    )
    out = _run(project_pensions, inputs)
    arr = baseline_model.inputs.arrays
    members = out[V["contributors"]] + out[V["beneficiaries"]]
    start = (arr["a0"] + arr["p0"]).sum(axis=(2, 3)).T  # [county, scheme]
    np.testing.assert_array_equal(members, np.broadcast_to(start[None, :, :, None], members.shape))
    np.testing.assert_array_equal(out[V["refunds"]], 0.0)
    # And the retirements did happen: pensioners grew.
    assert out[V["beneficiaries"], ..., -1].sum() > out[V["beneficiaries"], ..., 0].sum() + 1000

    # With deaths but no entrants the members of every unit with any only decrease.
    inputs = _kernel_inputs(
        baseline_model,
        n_years=12,
        risk=True,
        coverage=np.zeros_like(baseline_model.inputs.arrays["coverage"]),
    )
    out = _run(project_pensions, inputs)
    members = out[V["contributors"]] + out[V["beneficiaries"]]
    present = members[..., 0] > 1000
    assert present.sum() >= 40
    assert (np.diff(members, axis=-1)[present] < 0).all()


# --- project(): reproducibility ----------------------------------------------------------


def _short(**kw: Any) -> xr.Dataset:
    return project(**{"draws": 5, "seed": SEED, "end": 2016, **kw})


@pytest.fixture(scope="module")
def reference_run() -> xr.Dataset:
    return _short(chunk=64)


@pytest.mark.parametrize("chunk", [1, 3])
def test_project__chunk_size_does_not_change_the_result(
    reference_run: xr.Dataset, chunk: int
) -> None:
    xr.testing.assert_identical(_short(chunk=chunk), reference_run)


@pytest.fixture
def restore_threads() -> Iterator[None]:
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)


@pytest.mark.usefixtures("restore_threads")
def test_project__thread_count_does_not_change_the_result() -> None:
    numba.set_num_threads(1)
    one = _short(chunk=5)
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    two = _short(chunk=5)
    xr.testing.assert_identical(one, two)


def test_project__draw_i_is_the_same_in_any_run_size() -> None:
    small = project(draws=3, seed=SEED, end=2016)
    large = project(draws=7, seed=SEED, end=2016)
    for name, var in small.data_vars.items():
        want = large[name].isel(draw=slice(0, 3)) if "draw" in var.dims else large[name]
        np.testing.assert_array_equal(var.values, want.values, err_msg=name)


def test_project__another_seed_gives_other_draws(reference_run: xr.Dataset) -> None:
    other = _short(seed=SEED + 1)
    for name in ("balance", "beneficiaries", "fund_return"):
        assert (other[name].values != reference_run[name].values).mean() > 0.5, name
    np.testing.assert_array_equal(other.opening_balance, reference_run.opening_balance)


# --- the deterministic run, by hand -------------------------------------------------------


def _older(x: np.ndarray) -> np.ndarray:
    """[sex, age] a year older; 100 is an open age group."""
    out = np.zeros_like(x)
    out[:, 1:] = x[:, :-1]
    out[:, -1] += x[:, -1]
    return out


def _conditional_mean_rates(a: Assumptions, n_years: int) -> dict[str, np.ndarray]:
    """CPI, real wage growth and fund return with every shock zero: each AR(1) decays from
    its start to its mean path, x[y] = m[y] + phi (x[y-1] - m[y-1]), m[-1] = m[0]."""
    e = a.economy
    rw = e.real_wage_growth
    years = np.arange(n_years)
    frac = np.clip(years / (rw.converged_year - BASE), 0.0, 1.0)
    paths = {
        "cpi": (e.inflation, np.full(n_years, e.inflation.mean)),
        "real": (rw, (1 - frac) * rw.initial_mean + frac * rw.long_run_mean),
        "return": (e.fund_return_process, np.full(n_years, e.fund_return)),
    }
    rates = {}
    for name, (process, mean) in paths.items():
        x = np.empty(n_years)
        previous, previous_mean = process.start, mean[0]
        for y in range(n_years):
            x[y] = mean[y] + process.persistence * (previous - previous_mean)
            previous, previous_mean = x[y], mean[y]
        rates[name] = x
    return rates


@pytest.fixture(scope="module")
def deterministic() -> xr.Dataset:
    return project(draws=3, seed=SEED, end=2014, deterministic=True)


def test_deterministic__every_draw_is_the_same(deterministic: xr.Dataset) -> None:
    assert deterministic.attrs["process_risk"] == 0
    for name, var in deterministic.data_vars.items():
        if "draw" in var.dims:
            first = var.isel(draw=0)
            np.testing.assert_array_equal(
                var.values, first.broadcast_like(var).transpose(*var.dims).values, name
            )


def test_deterministic__urban_resident_pension_by_hand(
    deterministic: xr.Dataset, baseline_model: PensionModel
) -> None:
    a = load_assumptions()
    b = load_baseline(a)
    u = a.schemes.urban_resident_pension
    code, c, k = "urban_resident_pension", HONGTA, URBAN_RESIDENT
    got = deterministic.isel(draw=0).sel(county="hongta", scheme=code)

    def at(name: str, year: int) -> float:
        return float(got[name].sel(year=year))

    # The base year: the county's figures, placed over ages by its residents.
    n_contrib = b.county_values(code, "contributors")[c]
    n_pens = b.county_values(code, "beneficiaries")[c]
    opening = b.county_values(code, "balance")[c]
    a0 = baseline_model.inputs.arrays["a0"][k, c]
    p0 = baseline_model.inputs.arrays["p0"][k, c]
    ages = np.arange(101)
    assert a0.sum() == n_contrib
    assert p0.sum() == n_pens
    assert a0[:, (ages < u.contribution_ages[0]) | (ages > u.contribution_ages[1])].sum() == 0
    assert p0[:, ages < u.pension_age].sum() == 0
    pop0 = b.population(BASE).values[c]
    q = death_probabilities(BASE, 2014, level_factor=a.mortality.level_factor).values
    q0, q1 = q[..., 0], q[..., 1]
    r = _conditional_mean_rates(a, 2)["return"]
    tier = u.average_contribution_cny_per_year  # 262
    subsidy = u.contribution_subsidy_cny_per_year  # 30
    months = u.payout_divisor_months
    per_head = opening / n_contrib  # each contributor's account: the fund shared equally

    # 2013: deaths; the coverage of each age is held, so entrants only replace nobody.
    contributors = (a0 * (1 - q0)).sum()
    pensioners = (p0 * (1 - q0)).sum()
    basic = u.basic_pension_cny_per_month  # 60
    contributions = contributors * tier
    subsidies = contributors * subsidy + pensioners * basic * 12
    benefits = pensioners * 12 * (u.account_pension_2012_cny_per_month + basic)
    refunds = per_head * (a0 * q0).sum()
    net = contributions + subsidies - benefits - refunds
    interest = r[0] * (opening + 0.5 * net)
    balance = opening + contributions + subsidies + interest - benefits - refunds
    expected_2013 = {
        "contributors": contributors, "beneficiaries": pensioners,
        "contributions": contributions, "subsidies": subsidies, "benefits": benefits,
        "refunds": refunds, "interest": interest, "balance": balance,
    }  # fmt: skip
    for name, want in expected_2013.items():
        assert at(name, 2013) == pytest.approx(want, rel=1e-10), name
    for name in ("arrears_recovered", "recoveries", "leakage"):
        assert at(name, 2013) == 0.0

    # 2014: a year older. The 59-year-olds retired on their accounts (the shared balance
    # plus a year's tier and subsidy, with the return); the 16-year-olds and any age now
    # below its coverage target enter; the basic pension had its 2014 raise.
    active_2013 = a0 * (1 - q0)
    pop_2014 = _older(pop0 * (1 - q0)) * (1 - q1)
    coverage = np.divide(a0, pop0, out=np.zeros_like(a0), where=pop0 > 0)
    aged = _older(active_2013)
    aged[:, u.pension_age :] = 0.0
    active_2014 = np.maximum(aged * (1 - q1), coverage * pop_2014)
    contributors = active_2014.sum()
    new_pensioners = (active_2013[:, u.pension_age - 1] * (1 - q1[:, u.pension_age])).sum()
    old_pensioners = (_older(p0 * (1 - q0)) * (1 - q1)).sum()
    pensioners = new_pensioners + old_pensioners
    account_2014 = (per_head + tier + subsidy) * (1 + r[0])
    basic = u.basic_pension_cny_per_month * (1 + u.basic_indexation.known["2014"])  # 67.5
    account_pensions = (
        12 * u.account_pension_2012_cny_per_month * old_pensioners
        + 12 * account_2014 / months * new_pensioners
    )
    contributions = contributors * tier
    subsidies = contributors * subsidy + pensioners * basic * 12
    benefits = account_pensions + pensioners * basic * 12
    refunds = account_2014 * (aged * q1).sum()
    net = contributions + subsidies - benefits - refunds
    interest = r[1] * (balance + 0.5 * net)
    balance = balance + contributions + subsidies + interest - benefits - refunds
    expected_2014 = {
        "contributors": contributors, "beneficiaries": pensioners,
        "contributions": contributions, "subsidies": subsidies, "benefits": benefits,
        "refunds": refunds, "interest": interest, "balance": balance,
    }  # fmt: skip
    for name, want in expected_2014.items():
        assert at(name, 2014) == pytest.approx(want, rel=1e-10), name


def test_deterministic__enterprise_pension_by_hand(
    deterministic: xr.Dataset, baseline_model: PensionModel
) -> None:
    a = load_assumptions()
    b = load_baseline(a)
    e = a.schemes.enterprise_pension
    code, c, k = "enterprise_pension", HONGTA, ENTERPRISE
    got = deterministic.isel(draw=0).sel(scheme=code)

    def at(name: str, year: int) -> float:
        return float(got[name].sel(county="hongta", year=year))

    a0_all = baseline_model.inputs.arrays["a0"][k]
    p0_all = baseline_model.inputs.arrays["p0"][k]
    np.testing.assert_array_equal(a0_all.sum(axis=(1, 2)), b.county_values(code, "contributors"))
    np.testing.assert_array_equal(p0_all.sum(axis=(1, 2)), b.county_values(code, "beneficiaries"))
    a0, p0 = a0_all[c], p0_all[c]
    pop0 = b.population(BASE).values[c]
    opening = b.county_values(code, "balance")[c]
    q = death_probabilities(BASE, 2014, level_factor=a.mortality.level_factor).values
    q0, q1 = q[..., 0], q[..., 1]
    rates = _conditional_mean_rates(a, 2)
    r = rates["return"]
    wage_2013 = a.economy.wage_2013_cny_per_year
    wage_2014 = wage_2013 * (1 + rates["cpi"][1]) * (1 + rates["real"][1])
    np.testing.assert_allclose(
        deterministic.wage_growth.values[0, 1], wage_2014 / wage_2013 - 1, rtol=1e-12
    )
    base_factor = e.wage_ratio * e.contribution_base_ratio  # declared base / city wage
    rate = e.employer_rate + e.employee_rate  # 0.28
    kept = 1 - e.arrears.new_share  # the share of what is due that is paid
    leak = a.leakage
    average_pension = b.figure(code, "average_benefit").value  # 2012, a month
    ages = np.arange(101)
    account_years = np.clip(np.minimum(ages - e.entry_age, BASE - e.account_start_year), 0, None)

    # 2013.
    contributors = (a0 * (1 - q0)).sum()
    pensioners = (p0 * (1 - q0)).sum()
    due = contributors * wage_2013 * base_factor * rate
    contributions = due * kept
    benefits = pensioners * 12 * average_pension * (1 + e.indexation.known["2013"])
    leakage = (
        benefits * leak.undetected_death_cases_per_recipient * (leak.overpaid_months_per_case / 12)
    )
    recoveries = leakage * leak.recovered_share
    refunds = (a0 * q0 * e.employee_rate * wage_2013 * base_factor * account_years).sum()
    stock = e.arrears.stock_2013_cny
    arrears0 = baseline_model.inputs.arrays["arrears0"][k]  # the stock split over counties
    assert arrears0.sum() == stock
    arrears_recovered = arrears0[c] * e.arrears.recovery_rate
    net = contributions + arrears_recovered + recoveries - benefits - refunds - leakage
    interest = r[0] * (opening + 0.5 * net)
    balance = opening + net + interest
    expected_2013 = {
        "contributors": contributors, "beneficiaries": pensioners,
        "contributions": contributions, "arrears_recovered": arrears_recovered,
        "benefits": benefits, "leakage": leakage,
        "recoveries": recoveries, "refunds": refunds, "interest": interest, "balance": balance,
    }  # fmt: skip
    for name, want in expected_2013.items():
        assert at(name, 2013) == pytest.approx(want, rel=1e-10), name
    assert at("subsidies", 2013) == 0.0
    # Arrears: a tenth of the stock is recovered (summed over counties, independent of the
    # county split), and 1 % of what falls due is added.
    recovered = got.arrears_recovered.sel(year=2013).sum("county")
    assert float(recovered) == pytest.approx(stock * e.arrears.recovery_rate, rel=1e-12)
    survivors_all = (a0_all * (1 - q0)).sum(axis=(1, 2))
    due_all = survivors_all.sum() * wage_2013 * base_factor * rate
    arrears_2013 = stock * (1 - e.arrears.recovery_rate) + due_all * e.arrears.new_share
    assert float(got.arrears.sel(year=2013).sum("county")) == pytest.approx(arrears_2013, 1e-10)

    # 2014: men retire at 60; women workers (all but the cadre share) at 50, cadres at 55;
    # the ages below their coverage target are filled.
    retire = np.zeros((2, 101))
    retire[0, e.retirement_age.male] = 1.0
    retire[1, e.retirement_age.female_worker] = 1.0 - e.female_cadre_share
    retire[1, e.retirement_age.female_cadre] = 1.0
    aged = _older(a0 * (1 - q0)) * (1 - retire)
    coverage = np.divide(a0, pop0, out=np.zeros_like(a0), where=pop0 > 0)
    pop_2014 = _older(pop0 * (1 - q0)) * (1 - q1)
    contributors = np.maximum(aged * (1 - q1), coverage * pop_2014).sum()
    assert at("contributors", 2014) == pytest.approx(contributors, rel=1e-10)
    assert at("contributions", 2014) == pytest.approx(
        contributors * wage_2014 * base_factor * rate * kept, rel=1e-10
    )
    recovered = got.arrears_recovered.sel(year=2014).sum("county")
    assert float(recovered) == pytest.approx(arrears_2013 * e.arrears.recovery_rate, rel=1e-10)


# --- member_pension -----------------------------------------------------------------------


def test_member_pension__the_reports_example_is_under_100_a_month() -> None:
    # III.(2).3: 15 years at the 100-yuan tier (with the 30-yuan subsidy) pays under 100 a
    # month at 60: the 60-yuan basic pension plus the account over 139 months.
    a = load_assumptions()
    p = member_pension("rural_resident_pension", annual_contribution=100, contribution_years=15)
    r = a.economy.fund_return
    paid = 100 + a.schemes.rural_resident_pension.contribution_subsidy_cny_per_year
    # Each year's payment earns the return from its year on: a geometric sum.
    balance = paid * (1 + r) * ((1 + r) ** 15 - 1) / r
    assert p.account_balance == pytest.approx(balance, rel=1e-12)
    assert p.payout_months == 139
    assert p.account == pytest.approx(balance / 139, rel=1e-12)
    assert p.basic == 60
    assert p.total == pytest.approx(60 + balance / 139, rel=1e-12)
    assert 75 < p.total < 100


def test_member_pension__employee_account_and_basic_pension_in_closed_form() -> None:
    a = load_assumptions()
    e = a.schemes.enterprise_pension
    r = a.economy.fund_return
    p = member_pension(
        "enterprise_pension", annual_contribution=3000, contribution_years=30, retirement_age=55
    )
    balance = 3000 * (1 + r) * ((1 + r) ** 30 - 1) / r
    assert p.account_balance == pytest.approx(balance, rel=1e-12)
    assert p.payout_months == 170  # 国发〔2005〕38号 table at 55
    assert p.account == pytest.approx(balance / 170, rel=1e-12)
    # 1 % a service year of the mean of the city wage and the declared base, a month.
    wage = a.economy.wage_2013_cny_per_year
    base = wage * e.wage_ratio * e.contribution_base_ratio
    assert p.basic == pytest.approx(0.01 * 30 * (wage + base) / 2 / 12, rel=1e-12)
    # The resident basic pension of a later year carries that year's known raise.
    later = member_pension(
        "urban_resident_pension", annual_contribution=200, contribution_years=20, start_year=2014
    )
    assert later.basic == pytest.approx(60 * 1.125, rel=1e-12)


@pytest.mark.parametrize(
    ("scheme", "kw", "argument"),
    [
        ("pension_of_nobody", {}, "scheme"),
        ("rural_resident_pension", {"annual_contribution": -1.0}, "annual_contribution"),
        ("rural_resident_pension", {"contribution_years": 0}, "contribution_years"),
        ("rural_resident_pension", {"retirement_age": 55}, "retirement_age"),
        ("urban_resident_pension", {"start_year": 2100}, "start_year"),
        ("enterprise_pension", {"start_year": 2012}, "start_year"),
    ],
    ids=["scheme", "contribution", "years", "age", "year_late", "year_early"],
)
def test_member_pension__bad_inputs_name_the_argument(
    scheme: str, kw: dict[str, Any], argument: str
) -> None:
    args = {"annual_contribution": 100.0, "contribution_years": 15, **kw}
    with pytest.raises(ValueError, match=rf"^{argument}: "):
        member_pension(scheme, **args)


# --- project(): bad inputs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "error", "argument"),
    [
        ({"draws": 0}, ValueError, "draws"),
        ({"draws": 1.5}, TypeError, "draws"),
        ({"seed": -1}, ValueError, "seed"),
        ({"end": 2012}, ValueError, "end"),
        ({"assumptions": 42}, TypeError, "assumptions"),
    ],
    ids=["no_draws", "fractional_draws", "negative_seed", "end_before_base", "assumptions"],
)
def test_project__bad_inputs_name_the_argument(
    kw: dict[str, Any], error: type[Exception], argument: str
) -> None:
    with pytest.raises(error, match=rf"^{argument}: "):
        project(**{"draws": 1, "end": 2014, **kw})
