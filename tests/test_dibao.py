"""Dibao: kernel equal to its numpy twin, a zero balance and subsidies equal to benefits
exactly, chunk and thread invariance, the mean over many draws against the closed form,
the first projected year and the 15 % raises by hand, bad inputs refused."""

from __future__ import annotations

import dataclasses
import inspect
import math
from typing import Any

import numba
import numpy as np
import pytest
import reference_dibao as ref

from actuarial import load_assumptions
from actuarial.assumptions.errors import ScenarioError
from actuarial.baseline import load_baseline
from actuarial.claims import CLAIMS_VARIABLES, STREAMS, dibao
from actuarial.context import Context, make_context
from actuarial.projection import PensionModel
from actuarial.scenarios import generate
from kernels import dibao as kernel

SEED = 20130701
END = 2017
DRAWS = np.array([5, 17], dtype=np.int64)  # global indices, not 0..n-1 on purpose
V = {name: v for v, name in enumerate(CLAIMS_VARIABLES)}


@pytest.fixture(scope="module")
def ctx() -> Context:
    a = load_assumptions()
    return make_context(a, load_baseline(a), END)


@pytest.fixture(scope="module")
def model(ctx: Context) -> PensionModel:
    return PensionModel.from_context(ctx)


@pytest.fixture(scope="module")
def outlay(ctx: Context) -> dibao.DibaoOutlay:
    return dibao.build(ctx)


def _run(
    scheme: dibao.DibaoOutlay,
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
    return scheme.run_chunk(SEED, ids, paths, population, process_risk=risk)


def test_reference__has_the_kernel_signature_and_streams() -> None:
    params = inspect.signature(kernel.project_dibao.py_func).parameters
    assert list(inspect.signature(ref.project_dibao).parameters) == list(params)
    assert ref.VARIABLES == CLAIMS_VARIABLES
    assert {kernel.S_RECIPIENTS, kernel.S_URBAN} <= set(STREAMS["dibao"])
    assert (ref.S_RECIPIENTS, ref.S_URBAN) == (kernel.S_RECIPIENTS, kernel.S_URBAN)


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
@pytest.mark.parametrize("case", ["baseline", "perturbed"])
def test_kernel__equals_reference(
    outlay: dibao.DibaoOutlay, model: PensionModel, risk: bool, case: str
) -> None:
    if case == "perturbed":
        # A known raise, the floor biting and not, a recipients path with p near 1 in a
        # county, every level of government paying.
        rate = outlay.rate.copy()
        rate[2] = 0.9
        outlay = dataclasses.replace(
            outlay,
            rate=rate,
            rate_path=np.linspace(1.0, 1.2, outlay.years.size),
            raise_known=np.array([np.nan, np.nan, 0.02, np.nan, np.nan]),
            raise_floor=np.array([0.0, 0.3, 0.3, 0.0, 0.0]),
            budget_shares=np.array([0.3, 0.2, 0.1]),
            urban_share=0.6,
        )
    paths = generate(model.assumptions, seed=SEED, draws=DRAWS, years=model.years)
    population = model.population(SEED, DRAWS, paths, process_risk=risk)
    args = list(outlay.kernel_args(SEED, DRAWS, paths, population, risk))
    if case == "perturbed":
        args[3] = args[3] - 0.2  # deflation: the rule's raise is below 0 after the floor ends
    shape = (len(CLAIMS_VARIABLES), DRAWS.size, outlay.rate.size, outlay.years.size)
    got, want = np.full(shape, np.nan), np.full(shape, np.nan)
    kernel.project_dibao(*args, got)
    ref.project_dibao(*args, want)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-6)
    if risk:
        recipients = got[V["beneficiaries"]]
        np.testing.assert_array_equal(recipients, want[V["beneficiaries"]])
        np.testing.assert_array_equal(recipients, np.floor(recipients))


@pytest.mark.parametrize("risk", [False, True], ids=["expected", "process_risk"])
def test_run_chunk__no_fund_and_budgets_pay_it_all_exactly(
    outlay: dibao.DibaoOutlay, model: PensionModel, risk: bool
) -> None:
    assert outlay.has_fund is False
    np.testing.assert_array_equal(outlay.opening_balance, 0.0)
    out = _run(outlay, model, DRAWS, risk=risk)
    x = {name: out[v] for name, v in V.items()}
    for name in ("balance", "contributions", "interest", "other_outgo", "contributors"):
        np.testing.assert_array_equal(x[name], 0.0)
    np.testing.assert_array_equal(x["subsidies"], x["benefits"])
    levels = x["subsidy_central"] + x["subsidy_province"] + x["subsidy_city"] + x["subsidy_county"]
    np.testing.assert_array_equal(x["subsidies"], levels)
    prev = np.concatenate([np.zeros((*x["balance"].shape[:2], 1)), x["balance"][..., :-1]], -1)
    identity = (
        prev
        + (x["contributions"] + x["subsidies"] + x["interest"])
        - (x["benefits"] + x["other_outgo"])
    )
    np.testing.assert_array_equal(x["balance"], identity)
    # III.(7): city and county (with the townships) only; the city pays a third.
    np.testing.assert_array_equal(x["subsidy_central"], 0.0)
    np.testing.assert_array_equal(x["subsidy_province"], 0.0)
    np.testing.assert_allclose(x["subsidy_city"], x["benefits"] / 3, rtol=1e-12)
    # The city level has no residents and no recipients of its own.
    np.testing.assert_array_equal(x["beneficiaries"][:, 0], 0.0)


def test_run_chunk__same_draws_in_any_chunking_or_thread_count(
    outlay: dibao.DibaoOutlay, model: PensionModel
) -> None:
    ids = np.arange(5, dtype=np.int64)
    whole = _run(outlay, model, ids, risk=True)
    parts = np.concatenate(
        [_run(outlay, model, ids[:3], risk=True), _run(outlay, model, ids[3:], risk=True)], axis=1
    )
    np.testing.assert_array_equal(whole, parts)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = _run(outlay, model, ids, risk=True)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(whole, serial)


def test_kernel__mean_over_draws_matches_the_closed_form(
    outlay: dibao.DibaoOutlay, model: PensionModel
) -> None:
    """Over 2,000 draws: mean recipients = residents x rate, mean outlay = residents x rate
    x 12 x (u x urban line x urban payment share + (1 - u) x rural line x rural share)."""
    n, n_years, c = 2000, 2, [1, 7]
    ids = np.arange(n, dtype=np.int64)
    paths = generate(
        model.assumptions, seed=SEED, draws=ids, years=model.years[:n_years], deterministic=True
    )
    one = model.population(SEED, ids[:1], generate(
        model.assumptions, seed=SEED, draws=ids[:1], years=model.years, deterministic=True
    ), process_risk=False)[:, :n_years][:, :, c]  # fmt: skip
    one = np.floor(one + 0.5)  # whole residents, as under process risk
    population = np.ascontiguousarray(np.broadcast_to(one, (n, *one.shape[1:])))
    small = dataclasses.replace(
        outlay,
        years=outlay.years[:n_years],
        rate=outlay.rate[c],
        rate_path=outlay.rate_path[:n_years],
        raise_known=outlay.raise_known[:n_years],
        raise_floor=outlay.raise_floor[:n_years],
        opening_balance=outlay.opening_balance[c],
    )
    out = small.run_chunk(SEED, ids, paths, population, process_risk=True)
    residents = one[0].sum(axis=(2, 3)).T  # [C, Y]
    p = small.rate[:, None] * small.rate_path[None, :]
    paid = ref.lines_paid(
        paths.cpi[:1], paths.real_wage_growth[:1], small.lines_before, small.lines_after,
        small.new_share, small.raise_known, small.raise_floor, small.raise_rule,
    )[0]  # fmt: skip
    u, (pu, pr) = small.urban_share, small.payment_share
    per_recipient = 12 * (u * paid[:, 0] * pu + (1 - u) * paid[:, 1] * pr)
    for name, want in (
        ("beneficiaries", residents * p),
        ("benefits", residents * p * per_recipient[None, :]),
    ):
        x = out[V[name]]
        stderr = x.std(axis=0, ddof=1) / math.sqrt(n)
        assert np.all(stderr > 0)
        assert (np.abs(x.mean(axis=0) - want) < 4 * stderr).all(), (name, x.mean(axis=0), want)


def test_first_years__by_hand_without_process_risk(
    outlay: dibao.DibaoOutlay, model: PensionModel, ctx: Context
) -> None:
    a = ctx.assumptions
    rules = a.schemes.dibao
    out = _run(outlay, model, DRAWS, risk=False, deterministic=True)[:, 0]
    paths = generate(a, seed=SEED, draws=DRAWS[:1], years=ctx.years, deterministic=True)
    population = model.population(SEED, DRAWS[:1], paths, process_risk=False)[0]
    residents = population.sum(axis=(2, 3)).T  # [C, Y]
    residents[0] = 0.0  # the city level's recipients: none
    base = ctx.pop0.sum(axis=(1, 2))
    recipients_2013 = ctx.baseline.county_values("dibao", "beneficiaries")
    rate = np.divide(recipients_2013, base, out=np.zeros(10), where=base > 0)
    recipients = residents * rate[:, None]
    np.testing.assert_allclose(out[V["beneficiaries"]], recipients, rtol=1e-12, atol=1e-9)
    # 2013: half a year at 290 / 1,800 a year, half at 334 / 2,070 (II.(6)).
    urban_2013, rural_2013 = (290 + 334) / 2, (1800 + 2070) / 2 / 12
    # 2014, 2015: at least 15 % (the rule gives less); 2016 on: CPI + real wage growth.
    cpi, real = paths.cpi[0], paths.real_wage_growth[0]
    assert (cpi[1:3] + real[1:3] < 0.15).all()
    raises = [0.15, 0.15, cpi[3] + real[3], cpi[4] + real[4]]
    index = np.cumprod([1.0, *(1 + np.array(raises))])
    urban = [urban_2013] + [334 * (index[t - 1] + index[t]) / 2 for t in range(1, 5)]
    rural = [rural_2013] + [2070 / 12 * (index[t - 1] + index[t]) / 2 for t in range(1, 5)]
    per_recipient = 12 * (
        0.28 * np.array(urban) * rules.payment_share_urban
        + 0.72 * np.array(rural) * rules.payment_share_rural
    )
    np.testing.assert_allclose(out[V["benefits"]], recipients * per_recipient, rtol=1e-12)
    np.testing.assert_allclose(out[V["subsidy_county"]], out[V["benefits"]] * 2 / 3, rtol=1e-12)
    # Against the report's base year: 127,800 recipients (II.(6)) less the year's deaths.
    assert out[V["beneficiaries"], :, 0].sum() == pytest.approx(127_800, rel=0.01)
    assert recipients_2013.sum() == 127_800


def test_build__rates_and_lines(outlay: dibao.DibaoOutlay) -> None:
    assert outlay.rate[0] == 0.0  # city level
    assert outlay.rate[1:].min() > 0.0
    np.testing.assert_allclose(outlay.lines_before, [290, 150])
    np.testing.assert_allclose(outlay.lines_after, [334, 172.5])
    assert outlay.new_share == 0.5
    np.testing.assert_array_equal(outlay.raise_floor, [0.15, 0.15, 0.15, 0.0, 0.0])


def test_run_chunk__refuses_mismatched_inputs(
    outlay: dibao.DibaoOutlay, model: PensionModel
) -> None:
    paths = generate(model.assumptions, seed=SEED, draws=DRAWS, years=model.years)
    population = model.population(SEED, DRAWS, paths, process_risk=False)
    with pytest.raises(ValueError, match="population"):
        outlay.run_chunk(SEED, DRAWS, paths, population[:, :, :3], process_risk=False)
    with pytest.raises(ValueError, match="paths"):
        outlay.run_chunk(SEED, DRAWS + 1, paths, population, process_risk=False)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"budgets": {"central_share": 0.6, "city_share": 0.6}}, "budgets"),
        ({"urban_recipient_share": 1.5}, "urban_recipient_share"),
        ({"standard_change_month": 13}, "standard_change_month"),
    ],
)
def test_assumptions__bad_values_are_refused(override: dict[str, Any], key: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_assumptions(overrides={"schemes": {"dibao": override}})
    assert f"schemes.dibao.{key}" in str(err.value)
