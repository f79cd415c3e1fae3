"""Slow, obvious Python twins of ``kernels.sampling`` (the kernels must agree exactly).

Scalar Python on top of the numpy twin of the generator (``reference_rng``); every
floating-point operation is written in the kernel's order so the counts match exactly.
The binomial search has no shortcut to 0 here: the kernel's shortcut must give what the
full search gives, and the tests compare the two.
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


#: AS 241 (Wichura 1988): numerator and denominator coefficients of each range, highest
#: power first; the denominators' constant term is 1.
AS241_CENTRAL = (
    (2509.0809287301226727, 33430.575583588128105, 67265.770927008700853,
     45921.953931549871457, 13731.693765509461125, 1971.5909503065514427,
     133.14166789178437745, 3.387132872796366608),
    (5226.495278852854561, 28729.085735721942674, 39307.89580009271061,
     21213.794301586595867, 5394.1960214247511077, 687.1870074920579083,
     42.313330701600911252),
)  # fmt: skip
AS241_INTERMEDIATE = (
    (7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177,
     1.27045825245236838258, 3.64784832476320460504, 5.7694972214606914055,
     4.6303378461565452959, 1.42343711074968357734),
    (1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966,
     0.14810397642748007459, 0.68976733498510000455, 1.6763848301838038494,
     2.05319162663775882187),
)  # fmt: skip
AS241_FAR = (
    (2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386,
     0.026532189526576123093, 0.29656057182850489123, 1.7848265399172913358,
     5.4637849111641143699, 6.6579046435011037772),
    (2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5,
     7.868691311456132591e-4, 0.0148753612908506148525, 0.13692988092273580531,
     0.59983220655588793769),
)  # fmt: skip


def _horner(coefficients: tuple[float, ...], r: float) -> float:
    """``((c0 r + c1) r + c2) ...``: the kernel's order of operations."""
    value = coefficients[0]
    for c in coefficients[1:]:
        value = value * r + c
    return value


def normal_quantile(u: float) -> float:
    """AS 241: the standard normal quantile of u in (0, 1)."""
    q = u - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num, den = AS241_CENTRAL
        return q * _horner(num, r) / _horner((*den, 1.0), r)
    r = math.sqrt(-math.log(max(1.0 - u if q > 0 else u, 2.0**-54)))
    if r <= 5.0:
        r -= 1.6
        num, den = AS241_INTERMEDIATE
    else:
        r -= 5.0
        num, den = AS241_FAR
    z = _horner(num, r) / _horner((*den, 1.0), r)
    return -z if q < 0 else z


def normal(seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    """``kernels.rng.normal``: Box-Muller (cosine branch) of the uniforms k = 0 and 1 (the
    economic paths and the claims kernels; the samplers use ``normal_quantile``)."""
    u1 = uniform(seed, stream, draw, year, cell, 0)
    u2 = uniform(seed, stream, draw, year, cell, 1)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def binomial_inversion(n: float, q: float, u: float) -> float:
    """First k whose Binomial(n, q) CDF reaches u (stops at n or when terms underflow)."""
    pmf = math.exp(n * math.log1p(-q))
    cdf = pmf
    k = 0
    while u > cdf and k + 1 <= n:
        pmf = pmf * ((n - k) * (1.0 / (k + 1.0)) * (q / (1.0 - q)))
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
        pmf = pmf * (mean / (k + 1.0))
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
    u = uniform(seed, stream, draw, year, cell, 0)
    if p <= 0.5:
        if n * p < EXACT_BELOW:
            return binomial_inversion(n, p, u)
    elif n * (1.0 - p) < EXACT_BELOW:
        return n - binomial_inversion(n, 1.0 - p, 1.0 - u)
    z = normal_quantile(u)
    x = float(math.floor(n * p + math.sqrt(n * p * (1.0 - p)) * z + 0.5))
    return min(max(x, 0.0), n)


def poisson(mean: float, seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    if mean == 0:
        return 0.0
    u = uniform(seed, stream, draw, year, cell, 0)
    if mean < EXACT_BELOW:
        return poisson_inversion(mean, u)
    return max(float(math.floor(mean + math.sqrt(mean) * normal_quantile(u) + 0.5)), 0.0)


def rounded_normal_pmf(mu: float, sigma: float, k: np.ndarray, upper: float) -> np.ndarray:
    """Mass that floor(N(mu, sigma^2) + 1/2), clipped to [0, upper], puts on each of the
    integers ``k`` (tails lumped on 0 and ``upper``; ``upper = inf`` for no cap)."""
    hi = stats.norm.cdf((k + 0.5 - mu) / sigma)
    lo = stats.norm.cdf((k - 0.5 - mu) / sigma)
    lo = np.where(k == 0, 0.0, lo)
    hi = np.where(k == upper, 1.0, hi)
    return hi - lo
