"""The resident medical kernel: insured, financing and hospital claims of a resident medical
scheme (URBMI, NCMS), year by year, and the fund of each pool.

One year of one county-level unit ``c``, in order:

1. **Insured.** For each financing category ``k`` the insured of each sex and age are the
   unit's residents of the year (after its deaths; the city level sees the whole city)
   times the base-year coverage ``coverage[k, c]`` times ``coverage_path[y]``; whole
   persons (rounded half up) when counts are random. Enrolment is yearly, so the insured
   follow the population: nobody is carried over.
2. **Financing.** Each insured brings the category's premium (a contribution) and the
   subsidies of the four levels of government, ``premium[k, c, payer]`` in base-year CNY
   times the financing index: 1 in the base year, then growing each year by the known rate
   (``financing_known[y]``) or else by ``financing_wage_share`` x nominal wage growth.
3. **Admissions.** At hospital level ``h`` the expected count is
   ``lam = sum over k, s, a of insured x rate[h, s, a]`` (the rate carries the age-cost
   curve). With process risk the count is ``N ~ Poisson(lam)`` (``kernels.sampling``).
4. **Benefits.** An admission costing ``X`` (lognormal: ``log X ~ N(sev_mu[h],
   sev_sigma[h]^2)`` in base-year CNY) is paid ``B = ratio[c, h] x min(max(X -
   deductible[c, h], 0), limit[c, h, y])``: the reimbursement ratio of the cost above the
   deductible, up to the cap (``limit`` = cap / ratio, infinite where there is none).
   Deductibles and caps move with costs, so ``B`` is stated in base-year CNY and the
   year's benefits are the sum of the ``B`` times the cost index: 1 in the base year, then
   growing by nominal wage growth + ``excess_cost[y]``. Without process risk the benefits
   are ``lam x mean_benefit[c, h, y]`` (the exact mean of ``B``, computed by the caller).
5. **Pool.** The unit's flows are added to the row ``pool[c]`` (itself for a county-pooled
   fund; the city-level unit for a city pool), whose fund earns interest
   ``fund_return x (balance + net / 2)`` and rolls forward exactly as the contract of
   ``actuarial.claims`` states. Rows that hold no pool stay at zero.

The total benefit of N admissions
---------------------------------
- ``N < EXACT_BELOW`` (= 400): exact, the sum of N benefits of independent lognormal costs.
  Admission ``j`` uses the uniforms ``k = 2j`` and ``2j + 1`` of its cell on stream
  ``stream0 + S_SEVERITY`` (Box-Muller, cosine branch as ``kernels.rng.normal``), so each
  cost is a pure function of (seed, stream, draw, year, cell, j).
- ``N >= EXACT_BELOW``: given N, the sum is drawn from the normal with its exact mean
  ``N m`` and variance ``N v`` (``m``, ``v``: mean and variance of one ``B``), with
  ``z = normal(seed, stream0 + S_CLAIMS_SUM, draw, year, cell)``, clipped at 0.

Error of the approximation. Mean and variance are exact; what is lost is the skewness of
the sum, ``g / sqrt(N)`` where ``g`` is the skewness of one benefit. By the one-term
Edgeworth expansion the largest gap between the two distribution functions is about
``phi(0) g / (6 sqrt(N)) = 0.0665 g / sqrt(N)``. For the packaged rules ``g`` is 3.7-5.5
(``tests/test_medical.py`` computes it for every level and unit and checks the bound by
simulation at the threshold), so at N = 400 the Kolmogorov distance is at most about 0.018
(simulated with 200,000 sums for the most skewed case, NCMS level 1 in Hongta: 0.017 at
N = 400 and 0.012 at 1,000), and it falls like ``1 / sqrt(N)`` (0.006 at 4,000 admissions,
the size of a county's level-2 admissions under NCMS). This is the order of the error of
the Poisson sampler's own normal branch (0.023 at its threshold). Clipping at 0 never
binds in practice: at N = 400 the mean is over 10 standard deviations above 0 for a
benefit's coefficient of variation below 2.

Random streams (the medical family owns 20-29): each scheme passes its own ``stream0`` and
uses ``stream0 + S_ADMISSIONS``, ``+ S_SEVERITY`` and ``+ S_CLAIMS_SUM``, so two schemes
never share a random number; the cell of unit ``c`` and level ``h`` is ``c x 4 + h``.

# d = draw, y = year index, c = county-level unit, k = financing category, s = sex,
# a = age, h = hospital level, p = payer
"""

from __future__ import annotations

import math

import numba
import numpy as np

from kernels.fund import settle_year
from kernels.jit import njit, pjit
from kernels.rng import hash4, mix_in, normal, uniform_bits
from kernels.sampling import poisson

__all__ = [
    "EXACT_BELOW",
    "N_LEVELS",
    "N_PAYERS",
    "VARIABLES",
    "claims_total",
    "project_medical",
]

#: Hospital levels: level 1, level 2, level 3, designated hospitals outside the city.
N_LEVELS = 4
#: Payers of the financing: the insured person, then central, province, city, county.
N_PAYERS = 5
#: Below this many admissions their benefits are summed one by one.
EXACT_BELOW = 400.0

# Stream offsets from a scheme's stream0.
S_ADMISSIONS = 0
S_SEVERITY = 1
S_CLAIMS_SUM = 2

#: Output variables, in order (``actuarial.claims.CLAIMS_VARIABLES``).
VARIABLES = (
    "contributors",
    "beneficiaries",
    "contributions",
    "subsidies",
    "interest",
    "benefits",
    "other_outgo",
    "balance",
    "subsidy_central",
    "subsidy_province",
    "subsidy_city",
    "subsidy_county",
)

# Columns of the per-row accumulator of one year's flows.
_INSURED = 0
_ADMISSIONS = 1
_CONTRIBUTIONS = 2
_CENTRAL = 3  # then province, city, county
_BENEFITS = 7
_N_FLOWS = 8


@njit
def _benefit(x: float, deductible: float, ratio: float, limit: float) -> float:
    return ratio * min(max(x - deductible, 0.0), limit)


@njit
def claims_total(
    n: float,
    mean_benefit: float,
    var_benefit: float,
    mu: float,
    sigma: float,
    deductible: float,
    ratio: float,
    limit: float,
    seed: int,
    stream0: int,
    draw: int,
    year: int,
    cell: int,
) -> float:
    """The benefits of ``n`` admissions of one cell (base-year CNY): exact sum below
    ``EXACT_BELOW``, else the normal with the exact mean and variance (module docstring)."""
    if n <= 0.0:
        return 0.0
    if n < EXACT_BELOW:
        total = 0.0
        # The cell's hash prefix, once: each uniform is then one more link of the chain
        # (the same bits as uniform(seed, stream, draw, year, cell, k)).
        h = mix_in(hash4(seed, stream0 + S_SEVERITY, draw, year), cell)
        for j in range(int(n)):
            u1 = uniform_bits(mix_in(h, 2 * j))
            u2 = uniform_bits(mix_in(h, 2 * j + 1))
            z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
            total += _benefit(math.exp(mu + sigma * z), deductible, ratio, limit)
        return total
    z = normal(seed, stream0 + S_CLAIMS_SUM, draw, year, cell)
    return max(n * mean_benefit + math.sqrt(n * var_benefit) * z, 0.0)


@njit
def _unit_year(
    seed: int,
    d: int,
    y: int,
    c: int,
    risk: bool,
    stream0: int,
    fin: float,
    cost: float,
    pop: np.ndarray,  # [S, A]
    coverage: np.ndarray,  # [K, C, S, A]
    mult: float,
    premium: np.ndarray,  # [K, C, P]
    rate: np.ndarray,  # [H, S, A]
    sev_mu: np.ndarray,
    sev_sigma: np.ndarray,
    deductible: np.ndarray,
    ratio: np.ndarray,
    limit: np.ndarray,
    mean_benefit: np.ndarray,
    var_benefit: np.ndarray,
    row: np.ndarray,  # [_N_FLOWS] of the unit's pool, updated in place
) -> None:
    n_cat = coverage.shape[0]
    n_sexes, n_ages = pop.shape
    lam = np.zeros(N_LEVELS)
    for k in range(n_cat):
        insured = 0.0
        for s in range(n_sexes):
            for a in range(n_ages):
                x = coverage[k, c, s, a] * mult * pop[s, a]
                if x == 0.0:
                    continue
                if risk:
                    x = math.floor(x + 0.5)
                insured += x
                for h in range(N_LEVELS):
                    lam[h] += x * rate[h, s, a]
        row[_INSURED] += insured
        row[_CONTRIBUTIONS] += insured * premium[k, c, 0] * fin
        for p in range(1, N_PAYERS):
            row[_CENTRAL + p - 1] += insured * premium[k, c, p] * fin
    for h in range(N_LEVELS):
        if risk:
            cell = c * N_LEVELS + h
            n = poisson(lam[h], seed, stream0 + S_ADMISSIONS, d, y, cell)
            paid = claims_total(
                n, mean_benefit[c, h, y], var_benefit[c, h, y], sev_mu[h], sev_sigma[h],
                deductible[c, h], ratio[c, h], limit[c, h, y], seed, stream0, d, y, cell,
            )  # fmt: skip
        else:
            n = lam[h]
            paid = n * mean_benefit[c, h, y]
        row[_ADMISSIONS] += n
        row[_BENEFITS] += paid * cost


# d = draw, y = year index, c = unit, k = category, s = sex, a = age, h = level, p = payer
@pjit
def project_medical(
    seed: int,
    draws: np.ndarray,  # int64[D] global draw indices
    process_risk: bool,
    stream0: int,  # the scheme's first random stream
    wage_growth: np.ndarray,  # [D, Y] nominal
    fund_return: np.ndarray,  # [D, Y]
    population: np.ndarray,  # [D, Y, C, S, A] residents during each year, after deaths
    coverage: np.ndarray,  # [K, C, S, A] insured per resident at base
    coverage_path: np.ndarray,  # [Y] multiplier of the base coverage
    premium: np.ndarray,  # [K, C, P] base-year CNY per insured: individual, central ... county
    financing_known: np.ndarray,  # [Y] known growth of financing per insured (NaN: rule)
    financing_wage_share: float,
    excess_cost: np.ndarray,  # [Y] cost growth above nominal wage growth
    rate: np.ndarray,  # [H, S, A] admissions per insured a year
    sev_mu: np.ndarray,  # [H] log-mean of the cost per admission (base-year CNY)
    sev_sigma: np.ndarray,  # [H] log-sd
    deductible: np.ndarray,  # [C, H] base-year CNY
    ratio: np.ndarray,  # [C, H] reimbursement share
    limit: np.ndarray,  # [C, H, Y] most cost above the deductible that is paid (inf: none)
    mean_benefit: np.ndarray,  # [C, H, Y] mean benefit per admission, base-year CNY
    var_benefit: np.ndarray,  # [C, H, Y] its variance
    pool: np.ndarray,  # int64[C] the row holding each unit's flows and fund
    balance0: np.ndarray,  # [C] opening balances (zero on rows without a pool)
    out: np.ndarray,  # [V, D, C, Y]
) -> None:
    """Project the scheme's pools for the draws ``draws`` into ``out``."""
    n_draws = draws.shape[0]
    n_years = wage_growth.shape[1]
    n_units = balance0.shape[0]
    for i in numba.prange(n_draws):
        d = draws[i]
        balance = balance0.copy()
        flows = np.zeros((n_units, _N_FLOWS))
        fin = 1.0
        cost = 1.0
        for y in range(n_years):
            if y > 0:
                g = wage_growth[i, y]
                known = financing_known[y]
                fin *= 1.0 + (financing_wage_share * g if math.isnan(known) else known)
                cost *= 1.0 + g + excess_cost[y]
            flows[:, :] = 0.0
            for c in range(n_units):
                _unit_year(
                    seed, d, y, c, process_risk, stream0, fin, cost, population[i, y, c],
                    coverage, coverage_path[y], premium, rate, sev_mu, sev_sigma, deductible,
                    ratio, limit, mean_benefit, var_benefit, flows[pool[c]],
                )  # fmt: skip
            r = fund_return[i, y]
            for c in range(n_units):
                row = flows[c]
                balance[c] = settle_year(
                    out, i, c, y, r, balance[c], row[_INSURED], row[_ADMISSIONS],
                    row[_CONTRIBUTIONS], row[_CENTRAL], row[_CENTRAL + 1], row[_CENTRAL + 2],
                    row[_CENTRAL + 3], row[_BENEFITS], 0.0,
                )  # fmt: skip
