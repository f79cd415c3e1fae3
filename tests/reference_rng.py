"""Slow, obvious pure-numpy twins of ``kernels.rng`` (the kernels must agree bit for bit)."""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)


def mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * M1
    z = (z ^ (z >> np.uint64(27))) * M2
    return z ^ (z >> np.uint64(31))


def hash6(
    seed: int, stream: int, draw: np.ndarray, year: np.ndarray, cell: np.ndarray, k: int
) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = mix(np.uint64(seed) + GOLDEN)
        h = mix(h + np.uint64(stream) + GOLDEN)
        h = mix(h + draw.astype(np.uint64) + GOLDEN)
        h = mix(h + year.astype(np.uint64) + GOLDEN)
        h = mix(h + cell.astype(np.uint64) + GOLDEN)
        return mix(h + np.uint64(k) + GOLDEN)


def uniform_block(
    seed: int, stream: int, draws: np.ndarray, n_years: int, n_cells: int, k: int = 0
) -> np.ndarray:
    d, y, c = np.meshgrid(draws, np.arange(n_years), np.arange(n_cells), indexing="ij")
    bits = hash6(seed, stream, d, y, c, k) >> np.uint64(11)
    return (bits.astype(np.float64) + 0.5) * 2.0**-53


def normal_block(
    seed: int, stream: int, draws: np.ndarray, n_years: int, n_cells: int
) -> np.ndarray:
    u1 = uniform_block(seed, stream, draws, n_years, n_cells, 0)
    u2 = uniform_block(seed, stream, draws, n_years, n_cells, 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
