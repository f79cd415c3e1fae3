"""Counter-based binomial and Poisson variates for the cohort kernel.

Both samplers are pure functions of ``(parameters, seed, stream, draw, year, cell)``: they
read the counter-based generator of ``kernels.rng`` at fixed sub-variate indices and keep
no state. The count drawn for one cell therefore never depends on which other cells were
drawn before it, in which thread or chunk, or how many draws the run has: draw *i* of a
chunked, multi-threaded run equals draw *i* of a serial one.

Algorithm
---------
Let ``m`` be the expected count of the rarer outcome: ``n * min(p, 1 - p)`` for the
binomial, ``mean`` for the Poisson.

- ``m < EXACT_BELOW`` (= 30): exact inversion of the CDF with one uniform
  ``u = uniform(seed, stream, draw, year, cell, 0)``. The search runs upward from 0 with
  ``P(k + 1) = P(k) * (n - k) / (k + 1) * q / (1 - q)`` (binomial, ``q = min(p, 1 - p)``)
  or ``P(k + 1) = P(k) * mean / (k + 1)`` (Poisson) and returns the first ``k`` whose
  running CDF reaches ``u``; it takes about ``m + 1`` steps. When ``p > 1/2`` the search
  is over failures ``Y ~ Binomial(n, 1 - p)`` with the complementary uniform ``1 - u`` and
  the result is ``n - Y``: that is again the inverse CDF of ``Binomial(n, p)`` at ``u``, so
  for fixed coordinates the count is non-decreasing in ``p`` (and in ``mean``) throughout
  the exact branch, which keeps scenario comparisons on common random numbers monotone.
- ``m >= EXACT_BELOW``: a normal approximation with the same mean and variance
  (``np`` and ``np(1 - p)``, or ``mean`` and ``mean``) from
  ``z = normal(seed, stream, draw, year, cell)``, rounded to the nearest integer with the
  continuity correction (``floor(mu + sigma z + 1/2)``, so integer ``k`` receives the
  normal mass on ``[k - 1/2, k + 1/2)``) and clipped to ``[0, n]`` (``[0, inf)``).

Why the threshold is 30
-----------------------
The exact search starts from ``P(0) = exp(n log1p(-q))`` (``exp(-mean)``). For
``q <= 1/2``, ``-log(1 - q) <= q / (1 - q) <= 2q``, so ``P(0) >= exp(-2m) > exp(-60)``
~ 9e-27 below the threshold (``exp(-30)`` ~ 9e-14 for the Poisson): far from the
underflow limit of doubles (~1e-308), so every probability in the search is a normal
float and the recurrence keeps full relative precision. The search cost grows like ``m``
and the approximation error falls like ``1/sqrt(m)``; 30 keeps the exact search short
(at most about 30 steps on average) while holding the approximation error to the bound
below.

Measured error of the approximation
-----------------------------------
``tests/test_sampling.py`` computes the total-variation distance between the pmf of the
rounded, clipped normal (analytically: the normal mass on each integer's interval, tails
lumped on 0 and ``n``) and the exact binomial or Poisson pmf, for every expected count at
or above the threshold on a grid of ``n`` and ``p``. The worst case is at the threshold in
the most skewed corner (``p -> 0`` or ``p -> 1``, the Poisson limit): total variation
0.0231 for both samplers (Poisson at mean 30: 0.02305; binomial at ``np = 30`` with
``p = 1e-5``: 0.02305); it falls like ``0.126 / sqrt(m)`` as the expected count grows
(0.0126 at 100, 0.0013 at 10,000) and is far smaller when ``p`` is near 1/2 (0.0013 at
``n = 60, p = 1/2``). The error is one of shape (skewness is ignored), not of level: the
mean is unbiased up to the clipping at 0, which the threshold makes negligible (the
normal puts mass ~1e-8 below -1/2 at ``m = 30``), and the variance exceeds the target by
Sheppard's 1/12 of the rounding.

Why one uniform per variate
---------------------------
Inversion consumes exactly one uniform (the normal branch exactly two, through
``kernels.rng.normal``) at fixed sub-variate indices, whatever the value drawn.
Rejection samplers (BTPE, PTRS) consume a random number of uniforms, so the variate
would depend on a stream position and any sharing of that stream between cells would tie
their values to the order in which they were drawn. Here each variate is a function of
its own coordinates only, which is what makes runs invariant to threads and chunks.

Preconditions (not checked, for speed in the inner loop): ``n`` is a float holding a
whole number in ``[0, 2**53)``, ``p`` is in ``[0, 1]``, ``mean`` is finite and
non-negative; coordinates are non-negative integers as in ``kernels.rng``. A fractional
``n`` has no binomial meaning; the result then still lies in ``[0, n]`` (so a population
can never go negative) but need not be whole.

# n = trials, p = success probability, q = min(p, 1 - p), m = expected rarer count
# s = seed, t = stream, d = draw (global), y = year index, c = cell
"""

from __future__ import annotations

import math

import numpy as np

from kernels.jit import njit
from kernels.rng import normal, uniform

__all__ = ["EXACT_BELOW", "binomial", "poisson"]

EXACT_BELOW = 30.0


@njit
def _binomial_inversion(n: float, q: float, u: float) -> float:
    """Smallest ``k`` with ``P(Binomial(n, q) <= k) >= u``, for ``0 < q <= 1/2``."""
    ratio = q / (1.0 - q)
    prob = math.exp(n * math.log1p(-q))
    cdf = prob
    k = 0.0
    # The running CDF can stall a few ulps short of 1 by rounding while u is closer to 1
    # (u may even be exactly 1.0), so the search also stops at n and once the terms have
    # underflowed; both stops bound the loop and occur with probability ~1e-16. Written as
    # k + 1 <= n (not k < n) so that a fractional n cannot carry k past n.
    while u > cdf and k + 1.0 <= n:
        prob = prob * (n - k) / (k + 1.0) * ratio
        if prob == 0.0:
            break
        k += 1.0
        cdf += prob
    return k


@njit
def binomial(n: float, p: float, seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    """Successes among ``n`` trials of probability ``p``: a whole number in ``[0, n]``.

    Exact inversion when ``n * min(p, 1 - p) < EXACT_BELOW``, otherwise the rounded,
    clipped normal approximation (module docstring for the error bound)."""
    if n <= 0.0 or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return n
    q = p if p <= 0.5 else 1.0 - p
    if n * q < EXACT_BELOW:
        u = uniform(seed, stream, draw, year, cell, 0)
        if p <= 0.5:
            return _binomial_inversion(n, q, u)
        # Failures are the rarer outcome: invert their CDF at 1 - u so that the count of
        # successes is still the inverse CDF of Binomial(n, p) at u (monotone in p).
        return n - _binomial_inversion(n, q, 1.0 - u)
    mu = n * p
    sigma = math.sqrt(mu * (1.0 - p))
    z = normal(seed, stream, draw, year, cell)
    # np.floor stays in floats (math.floor would pass through int64 and could overflow).
    x = np.floor(mu + sigma * z + 0.5)
    return float(min(max(x, 0.0), n))


@njit
def poisson(mean: float, seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    """A Poisson count of the given mean: a non-negative whole number.

    Exact inversion when ``mean < EXACT_BELOW``, otherwise the rounded normal
    approximation clipped at 0 (module docstring for the error bound)."""
    if mean <= 0.0:
        return 0.0
    if mean < EXACT_BELOW:
        u = uniform(seed, stream, draw, year, cell, 0)
        prob = math.exp(-mean)
        cdf = prob
        k = 0.0
        # Past the mode the terms shrink geometrically and underflow to 0 within a few
        # hundred steps: that stop bounds the search when rounding leaves cdf below u.
        while u > cdf:
            prob = prob * mean / (k + 1.0)
            if prob == 0.0:
                break
            k += 1.0
            cdf += prob
        return k
    z = normal(seed, stream, draw, year, cell)
    x = np.floor(mean + math.sqrt(mean) * z + 0.5)
    return float(max(x, 0.0))
