"""Slow, obvious numpy twin of ``kernels.medical.project_medical``, written from its
documented model: the specification of the resident medical projection.

Same signature and output layout ``out[variable, draw, unit, year]``. Loops run over
draws, years and units; each unit-year works on whole ``[sex, age]`` arrays. Random
numbers come from the numpy twins of the generator and samplers (``reference_rng``,
``reference_sampling``) at the kernel's coordinates, so with process risk the two agree
draw for draw.

One year of one draw:

1. the financing index (1 in the base year) grows by the known rate of the year, else by
   ``financing_wage_share`` x nominal wage growth; the cost index (1 in the base year) by
   nominal wage growth + the excess of the year;
2. each unit's insured of category k are ``coverage[k, c] x coverage_path[y] x residents``
   (rounded half up to whole persons with process risk);
3. they pay ``premium[k, c, 0]`` and bring the subsidies ``premium[k, c, 1:]`` (central,
   province, city, county), times the financing index;
4. admissions at level h: expected ``lam = sum(insured x rate[h])``; with process risk
   ``N ~ Poisson(lam)`` on stream ``stream0``, cell ``c x 4 + h``, and the benefits of the
   N admissions: below 400, the sum of ``ratio x min(max(X - deductible, 0), limit)``
   over lognormal costs X from the uniforms ``2j, 2j + 1`` (Box-Muller, cosine) of stream
   ``stream0 + 1``; from 400, ``max(N m + sqrt(N v) z, 0)`` with z the normal of stream
   ``stream0 + 2``; without process risk ``lam x m``; times the cost index;
5. every unit's flows go to its pool's row; each row's fund earns ``r x (balance + net /
   2)`` and ``balance = balance + (contributions + subsidies + interest) - (benefits +
   other_outgo)``, ``subsidies = central + province + city + county``; other outgo is 0.
"""

from __future__ import annotations

import math

import numpy as np
import reference_rng as ref_rng
import reference_sampling as ref

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
N_LEVELS = 4
EXACT_BELOW = 400


def uniforms(seed: int, stream: int, draw: int, year: int, cell: int, ks: np.ndarray) -> np.ndarray:
    """The uniforms of sub-variates ``ks`` of one coordinate (the generator's hash chain
    with the last counter an array)."""
    with np.errstate(over="ignore"):
        h = ref_rng.mix(np.uint64(seed) + ref_rng.GOLDEN)
        for x in (stream, draw, year, cell):
            h = ref_rng.mix(h + np.uint64(x) + ref_rng.GOLDEN)
        bits = ref_rng.mix(h + ks.astype(np.uint64) + ref_rng.GOLDEN) >> np.uint64(11)
    return (bits.astype(np.float64) + 0.5) * 2.0**-53


def claims_total(
    n: float,
    m: float,
    v: float,
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
    """Benefits of ``n`` admissions of one cell, in base-year CNY."""
    if n <= 0:
        return 0.0
    if n < EXACT_BELOW:
        j = np.arange(int(n))
        u1 = uniforms(seed, stream0 + 1, draw, year, cell, 2 * j)
        u2 = uniforms(seed, stream0 + 1, draw, year, cell, 2 * j + 1)
        z = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
        x = np.exp(mu + sigma * z)
        return float((ratio * np.minimum(np.maximum(x - deductible, 0.0), limit)).sum())
    z = ref.normal(seed, stream0 + 2, draw, year, cell)
    return max(n * m + math.sqrt(n * v) * z, 0.0)


def project_medical(
    seed: int,
    draws: np.ndarray,
    process_risk: bool,
    stream0: int,
    wage_growth: np.ndarray,
    fund_return: np.ndarray,
    population: np.ndarray,
    coverage: np.ndarray,
    coverage_path: np.ndarray,
    premium: np.ndarray,
    financing_known: np.ndarray,
    financing_wage_share: float,
    excess_cost: np.ndarray,
    rate: np.ndarray,
    sev_mu: np.ndarray,
    sev_sigma: np.ndarray,
    deductible: np.ndarray,
    ratio: np.ndarray,
    limit: np.ndarray,
    mean_benefit: np.ndarray,
    var_benefit: np.ndarray,
    pool: np.ndarray,
    balance0: np.ndarray,
    out: np.ndarray,
) -> None:
    n_years = wage_growth.shape[1]
    n_units = balance0.size
    v = {name: i for i, name in enumerate(VARIABLES)}
    for i, draw in enumerate(draws):
        d = int(draw)
        balance = balance0.astype(float).copy()
        fin = cost = 1.0
        for y in range(n_years):
            if y > 0:
                g = wage_growth[i, y]
                known = financing_known[y]
                fin *= 1.0 + (financing_wage_share * g if np.isnan(known) else known)
                cost *= 1.0 + g + excess_cost[y]
            insured = np.zeros(n_units)
            admissions = np.zeros(n_units)
            paid = np.zeros(n_units)
            by_payer = np.zeros((n_units, 5))  # individual, central, province, city, county
            for c in range(n_units):
                p = pool[c]
                lam = np.zeros(N_LEVELS)
                for k in range(coverage.shape[0]):
                    x = coverage[k, c] * coverage_path[y] * population[i, y, c]
                    if process_risk:
                        x = np.floor(x + 0.5)
                    n_k = x.sum()
                    insured[p] += n_k
                    by_payer[p] += n_k * premium[k, c] * fin
                    lam += (x[None] * rate).sum(axis=(1, 2))
                for h in range(N_LEVELS):
                    if process_risk:
                        cell = c * N_LEVELS + h
                        n = ref.poisson(lam[h], seed, stream0, d, y, cell)
                        b = claims_total(
                            n, mean_benefit[c, h, y], var_benefit[c, h, y], sev_mu[h],
                            sev_sigma[h], deductible[c, h], ratio[c, h], limit[c, h, y],
                            seed, stream0, d, y, cell,
                        )  # fmt: skip
                    else:
                        n = lam[h]
                        b = n * mean_benefit[c, h, y]
                    admissions[p] += n
                    paid[p] += b * cost
            r = fund_return[i, y]
            for c in range(n_units):
                contributions = by_payer[c, 0]
                central, province, city, county = by_payer[c, 1:]
                subsidies = central + province + city + county
                net = contributions + subsidies - paid[c]
                interest = r * (balance[c] + 0.5 * net)
                balance[c] = balance[c] + (contributions + subsidies + interest) - paid[c]
                row = {
                    "contributors": insured[c],
                    "beneficiaries": admissions[c],
                    "contributions": contributions,
                    "subsidies": subsidies,
                    "interest": interest,
                    "benefits": paid[c],
                    "other_outgo": 0.0,
                    "balance": balance[c],
                    "subsidy_central": central,
                    "subsidy_province": province,
                    "subsidy_city": city,
                    "subsidy_county": county,
                }
                for name, value in row.items():
                    out[v[name], i, c, y] = value
