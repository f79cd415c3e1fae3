"""Counter-based random numbers: equal to the numpy twin, invariant to threads and chunks,
and distributed as they should be."""

from __future__ import annotations

import numba
import numpy as np
import pytest
import reference_rng as ref
from scipy import stats

from kernels import rng


def _normals(
    seed: int, draws: np.ndarray, n_years: int = 7, n_cells: int = 5, stream: int = 3
) -> np.ndarray:
    out = np.empty((draws.size, n_years, n_cells))
    rng.normal_block(seed, stream, draws, n_years, n_cells, out)
    return out


def test_normal_block__equals_numpy_reference_bit_for_bit() -> None:
    draws = np.arange(0, 40, dtype=np.int64)
    got = _normals(12345, draws)
    want = ref.normal_block(12345, 3, draws, 7, 5)
    # Box-Muller uses log/cos: numba and numpy call the same libm, so equal to the last bit
    # is expected; allow one ulp for platforms whose vectorised numpy math differs.
    np.testing.assert_allclose(got, want, rtol=2e-16, atol=0)


def test_uniform_block__equals_numpy_reference_exactly() -> None:
    draws = np.arange(5, 25, dtype=np.int64)
    out = np.empty((draws.size, 4, 6))
    rng.uniform_block(7, 1, draws, 4, 6, out)
    np.testing.assert_array_equal(out, ref.uniform_block(7, 1, draws, 4, 6))
    assert out.min() > 0.0
    assert out.max() < 1.0


def test_normal_block__draw_i_same_in_small_and_large_runs() -> None:
    small = _normals(0, np.arange(10, dtype=np.int64))
    large = _normals(0, np.arange(1000, dtype=np.int64))
    np.testing.assert_array_equal(small, large[:10])


def test_normal_block__chunks_equal_one_block() -> None:
    whole = _normals(99, np.arange(300, dtype=np.int64))
    chunks = [
        _normals(99, np.arange(a, b, dtype=np.int64)) for a, b in ((0, 7), (7, 150), (150, 300))
    ]
    np.testing.assert_array_equal(np.concatenate(chunks), whole)


def test_normal_block__one_and_two_threads_identical() -> None:
    draws = np.arange(500, dtype=np.int64)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _normals(5, draws)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = _normals(5, draws)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, two)


def test_normal_block__seeds_and_streams_differ() -> None:
    draws = np.arange(50, dtype=np.int64)
    a = _normals(1, draws)
    b = _normals(2, draws)
    c = _normals(1, draws, stream=4)
    assert not np.any(a == b)
    assert not np.any(a == c)
    # Independent streams: sample correlation is of order 1/sqrt(n).
    assert abs(np.corrcoef(a.ravel(), c.ravel())[0, 1]) < 4 / np.sqrt(a.size)


def test_normal_block__standard_normal_goodness_of_fit() -> None:
    x = _normals(2024, np.arange(4000, dtype=np.int64), n_years=25, n_cells=2).ravel()  # 200k
    # Deterministic given the seed; thresholds are far in the tails of each statistic.
    assert abs(x.mean()) < 5 / np.sqrt(x.size)
    assert x.var() == pytest.approx(1.0, abs=0.02)
    assert stats.kstest(x, "norm").pvalue > 1e-4
    # Neighbouring counters (adjacent years of one draw) are uncorrelated.
    y = _normals(2024, np.arange(4000, dtype=np.int64), n_years=2, n_cells=1)
    assert abs(np.corrcoef(y[:, 0, 0], y[:, 1, 0])[0, 1]) < 5 / np.sqrt(4000)


def test_uniform__scalar_matches_block() -> None:
    out = np.empty((1, 3, 2))
    rng.uniform_block(11, 2, np.array([42], dtype=np.int64), 3, 2, out)
    assert rng.uniform(11, 2, 42, 2, 1, 0) == out[0, 2, 1]


def test_hash_prefix__chain_equals_hash6() -> None:
    """A year's prefix and two more links give the bits of the whole chain, so kernels
    that hash the prefix once draw the same numbers."""
    for seed, stream, draw, year, cell, k in [
        (0, 0, 0, 0, 0, 0),
        (12345, 11, 40, 87, 12119, 0),
        (2**63 - 1, 1000, 2**40, 200, 10**6, 3),
    ]:
        # Bits pass through Python as np.uint64 (a plain int would be typed int64).
        whole = np.uint64(rng.hash6(seed, stream, draw, year, cell, k))
        prefix = np.uint64(rng.hash4(seed, stream, draw, year))
        assert rng.mix_in(np.uint64(rng.mix_in(prefix, cell)), k) == whole
        assert rng.uniform_bits(whole) == rng.uniform(seed, stream, draw, year, cell, k)
        one = np.ones(1, dtype=np.uint64)
        want = ref.hash6(seed, stream, one * draw, one * year, one * cell, k)[0]
        assert whole == want


def test_kernel_caches__are_stamped_with_the_whole_package() -> None:
    """A kernel's cache goes stale when any kernel module changes (the samplers are
    compiled into the claims kernels), not only its own."""
    from kernels import dibao, jit

    if not jit.CACHE:
        pytest.skip("the on-disk cache is off")
    locator = dibao.project_dibao._cache._impl.locator
    assert locator.get_source_stamp() == jit.package_stamp()
