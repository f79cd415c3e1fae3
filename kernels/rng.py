"""Counter-based random numbers: every variate is a pure function of its coordinates.

A variate is ``f(seed, stream, draw, year, cell, k)``: no generator state is shared or
advanced, so the same seed gives bit-identical numbers on any number of threads, in any
split of draws into chunks, on a local machine or a cluster, and draw *i* of a 1,000-draw
run equals draw *i* of a 10-draw run. ``draw`` is always the *global* draw index.

The hash chains the 64-bit finaliser of SplitMix64 (Steele, Lea and Flood 2014; the
constants of Stafford's "Mix13") over the coordinates: each coordinate is added to the
running state with the golden-ratio increment and mixed. Avalanche is complete after one
mix, so neighbouring counters give independent-looking outputs (tested in
``tests/test_rng.py`` against a pure-numpy twin and with goodness-of-fit checks).

The chain is a prefix: ``hash4`` mixes (seed, stream, draw, year), and each further
coordinate is one more link (``mix_in``). A kernel drawing for every cell of a year hashes
the prefix once and spends two links a uniform (cell, then k) instead of six; the bits are
the same as ``hash6``'s.

# s = seed, t = stream, d = draw (global), y = year index, c = cell, k = sub-variate
"""

from __future__ import annotations

import math

import numba
import numpy as np

from kernels.jit import njit, pjit

__all__ = [
    "GOLDEN",
    "hash4",
    "hash6",
    "mix_in",
    "normal",
    "normal_block",
    "uniform",
    "uniform_bits",
    "uniform_block",
]

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TWO_POW_M53 = 1.0 / 9007199254740992.0  # 2**-53


@njit
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit
def mix_in(h: np.uint64, coordinate: int) -> np.uint64:
    """One link of the chain: the running state ``h`` with the next coordinate mixed in."""
    return _mix(np.uint64(h) + np.uint64(coordinate) + GOLDEN)


@njit
def hash4(seed: int, stream: int, draw: int, year: int) -> np.uint64:
    """The chain over (seed, stream, draw, year): the prefix every cell of a year shares.

    ``mix_in(mix_in(hash4(s, t, d, y), cell), k) == hash6(s, t, d, y, cell, k)`` bit for bit,
    so a kernel that draws for many cells of one year hashes the prefix once and two links
    a variate instead of six."""
    h = _mix(np.uint64(seed) + GOLDEN)
    h = mix_in(h, stream)
    h = mix_in(h, draw)
    return mix_in(h, year)


@njit
def hash6(seed: int, stream: int, draw: int, year: int, cell: int, k: int) -> np.uint64:
    """64 random bits for one coordinate tuple (all non-negative integers)."""
    return mix_in(mix_in(hash4(seed, stream, draw, year), cell), k)


@njit
def uniform_bits(h: np.uint64) -> float:
    """The uniform variate of the 64 bits ``h`` (see :func:`uniform`)."""
    return (float(h >> np.uint64(11)) + 0.5) * _TWO_POW_M53


@njit
def uniform(seed: int, stream: int, draw: int, year: int, cell: int, k: int) -> float:
    """A uniform variate in (0, 1]: 53 random bits, offset by half a step so that 0 never
    occurs (logs stay finite). The top value rounds to exactly 1.0 (probability 2**-53),
    which callers that invert a CDF handle (``kernels.sampling``)."""
    return uniform_bits(hash6(seed, stream, draw, year, cell, k))


@njit
def normal(seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    """A standard normal variate by Box-Muller from the sub-variates k = 0 and 1.

    Only the cosine branch is used, so each variate depends on its own coordinates alone
    (using the sine twin would tie two cells together and break chunk invariance when a
    caller asks for an odd count)."""
    h = mix_in(hash4(seed, stream, draw, year), cell)
    u1 = uniform_bits(mix_in(h, 0))
    u2 = uniform_bits(mix_in(h, 1))
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


# d = draws (global indices in `draws`), y = years, c = cells
@pjit
def normal_block(
    seed: int, stream: int, draws: np.ndarray, n_years: int, n_cells: int, out: np.ndarray
) -> None:
    """Fill ``out[d, y, c]`` with standard normals for the global draw indices ``draws``."""
    for i in numba.prange(draws.shape[0]):
        d = draws[i]
        for y in range(n_years):
            for c in range(n_cells):
                out[i, y, c] = normal(seed, stream, d, y, c)


# d = draws (global indices in `draws`), y = years, c = cells
@pjit
def uniform_block(
    seed: int, stream: int, draws: np.ndarray, n_years: int, n_cells: int, out: np.ndarray
) -> None:
    """Fill ``out[d, y, c]`` with uniforms on (0, 1] for the global draw indices ``draws``."""
    for i in numba.prange(draws.shape[0]):
        d = draws[i]
        for y in range(n_years):
            for c in range(n_cells):
                out[i, y, c] = uniform(seed, stream, d, y, c, 0)
