"""Slow, obvious Python twins of ``kernels.sampling`` (the kernels must agree exactly).

Scalar Python on top of the numpy twin of the generator (``reference_rng``); every
floating-point operation is written in the kernel's order so the counts match exactly.
Also the analytic pmf of the normal approximation, used to measure its error.
"""

from __future__ import annotations

import math

import numpy as np
import reference_rng as ref_rng
from scipy import stats

EXACT_BELOW = 30.0


def uniform(seed: int, stream: int, draw: int, year: int, cell: int, k: int) -> float:
    one = np.ones(1, dtype=np.uint64)
    bits = ref_rng.hash6(seed, stream, one * draw, one * year, one * cell, k) >> np.uint64(11)
    return (float(bits[0]) + 0.5) * 2.0**-53


def normal(seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    u1 = uniform(seed, stream, draw, year, cell, 0)
    u2 = uniform(seed, stream, draw, year, cell, 1)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def binomial_inversion(n: float, q: float, u: float) -> float:
    """First k whose Binomial(n, q) CDF reaches u (stops at n or when terms underflow)."""
    pmf = math.exp(n * math.log1p(-q))
    cdf = pmf
    k = 0
    while u > cdf and k + 1 <= n:
        pmf = pmf * (n - k) / (k + 1.0) * (q / (1.0 - q))
        if pmf == 0.0:
            break
        k += 1
        cdf += pmf
    return float(k)


def poisson_inversion(mean: float, u: float) -> float:
    """First k whose Poisson(mean) CDF reaches u (stops when terms underflow)."""
    pmf = math.exp(-mean)
    cdf = pmf
    k = 0
    while u > cdf:
        pmf = pmf * mean / (k + 1.0)
        if pmf == 0.0:
            break
        k += 1
        cdf += pmf
    return float(k)


def binomial(n: float, p: float, seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    if n == 0 or p == 0:
        return 0.0
    if p == 1:
        return n
    if p <= 0.5:
        if n * p < EXACT_BELOW:
            return binomial_inversion(n, p, uniform(seed, stream, draw, year, cell, 0))
    elif n * (1.0 - p) < EXACT_BELOW:
        u = uniform(seed, stream, draw, year, cell, 0)
        return n - binomial_inversion(n, 1.0 - p, 1.0 - u)
    z = normal(seed, stream, draw, year, cell)
    x = float(math.floor(n * p + math.sqrt(n * p * (1.0 - p)) * z + 0.5))
    return min(max(x, 0.0), n)


def poisson(mean: float, seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    if mean == 0:
        return 0.0
    if mean < EXACT_BELOW:
        return poisson_inversion(mean, uniform(seed, stream, draw, year, cell, 0))
    z = normal(seed, stream, draw, year, cell)
    return max(float(math.floor(mean + math.sqrt(mean) * z + 0.5)), 0.0)


def rounded_normal_pmf(mu: float, sigma: float, k: np.ndarray, upper: float) -> np.ndarray:
    """Mass that floor(N(mu, sigma^2) + 1/2), clipped to [0, upper], puts on each of the
    integers ``k`` (tails lumped on 0 and ``upper``; ``upper = inf`` for no cap)."""
    hi = stats.norm.cdf((k + 0.5 - mu) / sigma)
    lo = stats.norm.cdf((k - 0.5 - mu) / sigma)
    lo = np.where(k == 0, 0.0, lo)
    hi = np.where(k == upper, 1.0, hi)
    return hi - lo
