"""The population kernel: the same residents the pension kernel projects, draw for draw."""

from __future__ import annotations

import numba
import numpy as np
import pytest
import reference_cohort as ref

from actuarial import load_assumptions
from actuarial.projection import PensionModel
from actuarial.scenarios import generate
from kernels.population import project_population


@pytest.fixture(scope="module")
def model() -> PensionModel:
    return PensionModel.build(load_assumptions(), 2017)


def _run(model: PensionModel, ids: np.ndarray, risk: bool) -> np.ndarray:
    paths = generate(model.assumptions, seed=5, draws=ids, years=model.years)
    out = np.empty((ids.size, model.years.size, *model.pop0.shape))
    project_population(
        5, ids, risk, np.ascontiguousarray(paths.mortality_index), model.qbar, model.bx,
        model.pop0, model.city_pool, model.fertility, model.boy_share, out,
    )  # fmt: skip
    return out


def _twin(model: PensionModel, ids: np.ndarray, risk: bool) -> np.ndarray:
    """The reference pension model's population steps, on their own."""
    paths = generate(model.assumptions, seed=5, draws=ids, years=model.years)
    n_years = model.years.size
    out = np.empty((ids.size, n_years, *model.pop0.shape))
    for i, d in enumerate(ids):
        rnd = ref.Random(risk, 5, int(d))
        q = ref.death_probabilities(model.qbar, model.bx, paths.mortality_index[i])
        city = np.zeros((n_years, *model.pop0.shape[1:]))
        for c in np.flatnonzero(~model.city_pool):
            pop = model.pop0[c].copy()
            for y in range(n_years):
                cells = c * ref.N_SEXES * ref.N_AGES + ref.SEX_AGE
                pop = pop - rnd.count(pop, q[y], ref.S_POP_DEATHS, y, cells)
                city[y] += pop
                out[i, y, c] = pop
                pop = ref.births_and_ageing(rnd, pop, model.fertility, model.boy_share, y, c)
        out[i, :, model.city_pool] = city
    return out


@pytest.mark.parametrize("risk", [False, True])
def test_population__equals_the_reference(model: PensionModel, risk: bool) -> None:
    ids = np.array([0, 17], dtype=np.int64)
    np.testing.assert_allclose(_run(model, ids, risk), _twin(model, ids, risk), rtol=1e-12)


def test_population__city_level_sees_the_whole_city(model: PensionModel) -> None:
    out = _run(model, np.arange(2, dtype=np.int64), True)
    city = np.flatnonzero(model.city_pool)
    assert city.tolist() == [0]
    np.testing.assert_allclose(out[:, :, 0], out[:, :, 1:].sum(axis=2), rtol=1e-12)
    # Whole persons when counts are random.
    assert np.array_equal(out, np.round(out))


def test_population__chunk_and_thread_invariant(model: PensionModel) -> None:
    ids = np.arange(6, dtype=np.int64)
    whole = _run(model, ids, True)
    parts = np.concatenate([_run(model, ids[:2], True), _run(model, ids[2:], True)])
    np.testing.assert_array_equal(whole, parts)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = _run(model, ids, True)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(whole, single)
