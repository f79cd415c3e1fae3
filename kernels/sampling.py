"""Counter-based binomial and Poisson variates for the cohort kernel.

Both samplers are pure functions of ``(parameters, seed, stream, draw, year, cell)``: they
read the counter-based generator of ``kernels.rng`` at one fixed sub-variate index and keep
no state. The count drawn for one cell therefore never depends on which other cells were
drawn before it, in which thread or chunk, or how many draws the run has: draw *i* of a
chunked, multi-threaded run equals draw *i* of a serial one. ``binomial_at`` and
``poisson_at`` take the hash prefix of (seed, stream, draw, year) (``kernels.rng.hash4``)
instead of those four, so that a kernel drawing for every cell of a year hashes it once;
they return exactly what ``binomial`` and ``poisson`` return. ``binomial_lq`` also takes
``log1p(-p)``, which a kernel drawing many counts of one probability computes once.

Algorithm
---------
Every variate is a monotone transform of one uniform ``u = uniform(seed, stream, draw,
year, cell, 0)``. Let ``m`` be the expected count of the rarer outcome: ``n * min(p, 1 -
p)`` for the binomial, ``mean`` for the Poisson.

- ``m < EXACT_BELOW`` (= 30): exact inversion of the CDF at ``u``. The search runs upward
  from 0 with ``P(k + 1) = P(k) * ((n - k) * (1 / (k + 1)) * (q / (1 - q)))`` (binomial,
  ``q = min(p, 1 - p)``, ``P(0) = exp(n log1p(-q))``) or ``P(k + 1) = P(k) * (mean / (k +
  1))`` (Poisson) and returns the first ``k`` whose running CDF reaches ``u``; it takes
  about ``m + 1`` steps. When ``p > 1/2`` the search is over failures ``Y ~ Binomial(n,
  1 - p)`` with the complementary uniform ``1 - u`` and the result is ``n - Y``: that is
  again the inverse CDF of ``Binomial(n, p)`` at ``u``, so for fixed coordinates the count
  is non-decreasing in ``p`` (and in ``mean``) throughout the exact branch, which keeps
  scenario comparisons on common random numbers monotone.
- ``m >= EXACT_BELOW``: a normal approximation with the same mean and variance
  (``np`` and ``np(1 - p)``, or ``mean`` and ``mean``) at the normal quantile of the same
  uniform, ``z = normal_quantile(u)``, rounded to the nearest integer with the
  continuity correction (``floor(mu + sigma z + 1/2)``, so integer ``k`` receives the
  normal mass on ``[k - 1/2, k + 1/2)``) and clipped to ``[0, n]`` (``[0, inf)``).

How the binomial search is evaluated
------------------------------------
The result is defined by the one-term-at-a-time search above (``tests/reference_sampling``
is written that way); three devices make it cheaper without changing it:

- where ``m < SHORTCUT_BELOW`` (= 0.5) and ``u <= 1 - n q - 1e-13`` it returns 0 at once:
  ``P(0) = (1 - q)^n >= 1 - n q`` (Bernoulli's inequality), and the margin exceeds the
  rounding of the computed ``P(0)`` (at most ``2m`` units of 2^-53 in its exponent, so
  under 1.4e-14), so 0 is what the search would return, got without the exponential;
- ``log1p(-p)`` can be given (``binomial_lq``): the death probabilities of a cell are
  shared by every count drawn from them, so the kernels compute the logarithm once;
- terms are taken ``BLOCK`` (= 8) at a time, each exactly as one at a time, and the answer
  is the block's start plus how many of its running CDFs fall short of ``u`` (the CDF
  never decreases). The search thus has one hard-to-predict branch per block, not one per
  term; a block that would pass ``n``, underflow or outrun the table of ``1 / (k + 1)``
  (256 entries, each the correctly rounded quotient) is done one term at a time.

The binomial step is written with ``1 / (k + 1)`` as its own factor so that it reads from
a table instead of dividing; in both samplers each step's factor is formed before it
multiplies ``P(k)``, off the chain of dependent operations that sets the search's speed.

The normal quantile
-------------------
``normal_quantile`` is Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988,
477-484): rational approximations of degree 7 in three ranges of ``u``, accurate to
about 1 part in 10^16. ``tests/test_sampling.py`` checks it against ``scipy.special.ndtri``
on a million uniforms of the generator and at the ends of its range (``u`` from 2^-54 to
1 - 2^-53): the largest relative difference measured is 1.2e-15 and the largest absolute
one 2.7e-15 (the test allows 4e-15 and 1e-14), far below what could move a rounded count
(a count changes only when ``mu + sigma z`` crosses a half-integer, an event of
probability about ``sigma * 1e-15`` per draw). The generator's ``u`` can round to exactly
1 (probability 2^-53); it is given the quantile of ``1 - 2^-54`` (8.29), the mirror of the
smallest ``u``. Its cost is one uniform and a rational function (a logarithm and a square
root in the tails, 15 % of draws), against two uniforms, a logarithm, a square root and a
cosine for Box-Muller. The economic scenario generator keeps Box-Muller
(``kernels.rng.normal``).

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
Sheppard's 1/12 of the rounding. The quantile's own error (above) adds nothing measurable.

Why one uniform per variate
---------------------------
Inversion consumes exactly one uniform at a fixed sub-variate index, whatever the value
drawn, on either branch. Rejection samplers (BTPE, PTRS) consume a random number of
uniforms, so the variate would depend on a stream position and any sharing of that stream
between cells would tie their values to the order in which they were drawn. Here each
variate is a function of its own coordinates only, which is what makes runs invariant to
threads and chunks.

Preconditions (not checked, for speed in the inner loop): ``n`` is a float holding a
whole number in ``[0, 2**53)``, ``p`` is in ``[0, 1]``, ``mean`` is finite and
non-negative; coordinates are non-negative integers as in ``kernels.rng``. A fractional
``n`` has no binomial meaning; the result then still lies in ``[0, n]`` (so a population
can never go negative) but need not be whole.

# n = trials, p = success probability, q = min(p, 1 - p), m = expected rarer count
# s = seed, t = stream, d = draw (global), y = year index, c = cell, h = hash prefix
"""

from __future__ import annotations

import math

import numpy as np

from kernels.jit import njit
from kernels.rng import hash4, mix_in, uniform_bits

__all__ = [
    "EXACT_BELOW",
    "binomial",
    "binomial_at",
    "binomial_lq",
    "normal_quantile",
    "poisson",
    "poisson_at",
]

EXACT_BELOW = 30.0
#: Margin of the binomial search's shortcut to 0, and the expected counts it is tried at
#: (module docstring).
ZERO_MARGIN = 1e-13
SHORTCUT_BELOW = 0.5
#: The least tail probability ``normal_quantile`` inverts (module docstring).
SMALLEST_TAIL = 2.0**-54
#: Terms of the binomial search taken at a time, and the table of 1 / (k + 1) it reads.
BLOCK = 8
N_RECIPROCALS = 256
RECIPROCALS = 1.0 / np.arange(1.0, N_RECIPROCALS + 1.0)


@njit
def normal_quantile(u: float) -> float:
    """The standard normal quantile of ``u`` in (0, 1]: AS 241 (Wichura 1988), relative
    error about 1e-16 (module docstring)."""
    q = u - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (
            ((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
            + 67265.770927008700853) * r + 45921.953931549871457) * r
            + 13731.693765509461125) * r + 1971.5909503065514427) * r
            + 133.14166789178437745) * r + 3.387132872796366608
        )  # fmt: skip
        den = (
            ((((((r * 5226.495278852854561 + 28729.085735721942674) * r
            + 39307.89580009271061) * r + 21213.794301586595867) * r
            + 5394.1960214247511077) * r + 687.1870074920579083) * r
            + 42.313330701600911252) * r + 1.0
        )  # fmt: skip
        return q * num / den
    # 1 - u is exact for u >= 1/2 (Sterbenz), so the upper tail keeps its precision. The
    # generator's u is never 0 but can round to exactly 1 (probability 2**-53): that u
    # gets the quantile of 1 - 2**-54, the mirror of the smallest u, 2**-54.
    r = math.sqrt(-math.log(max(1.0 - u if q > 0.0 else u, SMALLEST_TAIL)))
    if r <= 5.0:
        r -= 1.6
        num = (
            ((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
            + 0.24178072517745061177) * r + 1.27045825245236838258) * r
            + 3.64784832476320460504) * r + 5.7694972214606914055) * r
            + 4.6303378461565452959) * r + 1.42343711074968357734
        )  # fmt: skip
        den = (
            ((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
            + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
            + 0.68976733498510000455) * r + 1.6763848301838038494) * r
            + 2.05319162663775882187) * r + 1.0
        )  # fmt: skip
    else:
        r -= 5.0
        num = (
            ((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
            + 0.29656057182850489123) * r + 1.7848265399172913358) * r
            + 5.4637849111641143699) * r + 6.6579046435011037772
        )  # fmt: skip
        den = (
            ((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
            + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
            + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
            + 0.59983220655588793769) * r + 1.0
        )  # fmt: skip
    z = num / den
    return -z if q < 0.0 else z


@njit
def _binomial_inversion(n: float, q: float, log1m_q: float, u: float) -> float:
    """Smallest ``k`` with ``P(Binomial(n, q) <= k) >= u``, for ``0 < q <= 1/2``;
    ``log1m_q`` is ``math.log1p(-q)``, or NaN to have it computed here."""
    if n * q < SHORTCUT_BELOW and u <= (1.0 - n * q) - ZERO_MARGIN:
        return 0.0  # u <= P(0) (module docstring)
    if math.isnan(log1m_q):
        log1m_q = math.log1p(-q)
    ratio = q / (1.0 - q)
    prob = math.exp(n * log1m_q)
    cdf = prob
    k = 0.0
    # BLOCK terms at a time, then the answer is k plus how many of the block's running
    # CDFs fall short of u: the same terms in the same order as one at a time (below),
    # with one hard-to-predict branch per block instead of one per term. A block needs
    # room for all its terms (k + BLOCK <= n) and no underflow in it; otherwise, and past
    # the table of reciprocals, the search goes on one term at a time.
    while k + BLOCK <= n and k + BLOCK <= N_RECIPROCALS:
        first = int(k)
        p = prob
        c = cdf
        short = 0.0
        for t in range(BLOCK):
            short += 1.0 if u > c else 0.0
            p = p * ((n - (k + t)) * RECIPROCALS[first + t] * ratio)
            c = c + p
        if p == 0.0:
            break
        if u <= c:
            return k + short
        k += BLOCK
        prob = p
        cdf = c
    # The running CDF can stall a few ulps short of 1 by rounding while u is closer to 1
    # (u may even be exactly 1.0), so the search also stops at n and once the terms have
    # underflowed; both stops bound the loop and occur with probability ~1e-16. Written as
    # k + 1 <= n (not k < n) so that a fractional n cannot carry k past n.
    while u > cdf and k + 1.0 <= n:
        inverse = RECIPROCALS[int(k)] if k < N_RECIPROCALS else 1.0 / (k + 1.0)
        prob = prob * ((n - k) * inverse * ratio)
        if prob == 0.0:
            break
        k += 1.0
        cdf += prob
    return k


@njit
def binomial_lq(n: float, p: float, log1m_p: float, h: np.uint64, cell: int) -> float:
    """``binomial(n, p, seed, stream, draw, year, cell)`` from ``h = hash4(seed, stream,
    draw, year)`` and ``log1m_p = math.log1p(-p)`` (read only when ``p <= 1/2``; NaN to
    have it computed here): a kernel that draws many counts of one probability computes
    the logarithm once. The result is the same either way."""
    if n <= 0.0 or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return n
    u = uniform_bits(mix_in(mix_in(h, cell), 0))
    q = p if p <= 0.5 else 1.0 - p
    if n * q < EXACT_BELOW:
        if p <= 0.5:
            return _binomial_inversion(n, q, log1m_p, u)
        # Failures are the rarer outcome: invert their CDF at 1 - u so that the count of
        # successes is still the inverse CDF of Binomial(n, p) at u (monotone in p).
        return n - _binomial_inversion(n, q, math.nan, 1.0 - u)
    mu = n * p
    sigma = math.sqrt(mu * (1.0 - p))
    # np.floor stays in floats (math.floor would pass through int64 and could overflow).
    x = np.floor(mu + sigma * normal_quantile(u) + 0.5)
    return float(min(max(x, 0.0), n))


@njit
def binomial_at(n: float, p: float, h: np.uint64, cell: int) -> float:
    """``binomial(n, p, seed, stream, draw, year, cell)`` from ``h = hash4(seed, stream,
    draw, year)``."""
    return binomial_lq(n, p, math.nan, h, cell)


@njit
def binomial(n: float, p: float, seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    """Successes among ``n`` trials of probability ``p``: a whole number in ``[0, n]``.

    Exact inversion when ``n * min(p, 1 - p) < EXACT_BELOW``, otherwise the rounded,
    clipped normal approximation (module docstring for the error bound)."""
    return binomial_at(n, p, hash4(seed, stream, draw, year), cell)


@njit
def poisson_at(mean: float, h: np.uint64, cell: int) -> float:
    """``poisson(mean, seed, stream, draw, year, cell)`` from ``h = hash4(seed, stream,
    draw, year)``."""
    if mean <= 0.0:
        return 0.0
    u = uniform_bits(mix_in(mix_in(h, cell), 0))
    if mean < EXACT_BELOW:
        prob = math.exp(-mean)
        cdf = prob
        k = 0.0
        # Past the mode the terms shrink geometrically and underflow to 0 within a few
        # hundred steps: that stop bounds the search when rounding leaves cdf below u.
        while u > cdf:
            prob = prob * (mean / (k + 1.0))
            if prob == 0.0:
                break
            k += 1.0
            cdf += prob
        return k
    x = np.floor(mean + math.sqrt(mean) * normal_quantile(u) + 0.5)
    return float(max(x, 0.0))


@njit
def poisson(mean: float, seed: int, stream: int, draw: int, year: int, cell: int) -> float:
    """A Poisson count of the given mean: a non-negative whole number.

    Exact inversion when ``mean < EXACT_BELOW``, otherwise the rounded normal
    approximation clipped at 0 (module docstring for the error bound)."""
    return poisson_at(mean, hash4(seed, stream, draw, year), cell)
