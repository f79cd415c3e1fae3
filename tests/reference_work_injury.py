"""Slow, obvious numpy twin of ``kernels.work_injury.project_work_injury``, written from its
documented model: the specification of a work-injury fund, to be read and audited.

Same signature and output layout ``out[variable, draw, county, year]`` (the contract
variables of ``actuarial.claims``, then the memo items). Loops run over draws, counties
and years; the kinds of claims and of annuities are whole arrays. Random counts come
from the numpy twins of the samplers (``reference_sampling``) at the kernel's
coordinates: stream 40 + kind for new claims, 45 for dependants of work deaths, 46 +
annuity kind for annuities that end; cell ``2 * county + fund``. Without process risk
every count is its expected value.

One year of one county:

1. insured = coverage x coverage path x working-age residents (rounded half up to whole
   persons with process risk); contributions = insured x the year's wage x premium;
2. annuities in payment are raised (known raise, else CPI share x CPI + wage share x real
   wage growth); ends ~ Binomial(annuitants, 1 - (1 - q)(1 - exit)) with
   q = min(qbar exp(b eps), 1), the amount of those who leave in proportion; the rest paid;
3. claims of kind k ~ Poisson(insured x frequency[k]), cost count x severity[k] x wage;
   dependants ~ Poisson(work deaths x dependants per death);
4. benefits = annuities + one-off costs; interest on the mean balance; the balance;
5. new grade 1-4 cases and dependants join the annuitants at the starting amount x wage.
"""

from __future__ import annotations

import math

import numpy as np
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
    "annuitants_disability",
    "annuitants_dependants",
    "annuities_paid",
    "claims",
)
KINDS = ("medical", "temporary", "minor", "severe", "death")
ANNUITIES = ("disability", "dependants")
MEDICAL, SEVERE, DEATH = 0, 3, 4
S_CLAIMS, S_DEPENDANTS, S_ENDS = 40, 45, 46


def wage_path(wage0: float, growth: np.ndarray) -> np.ndarray:
    """The average wage by year: ``wage0`` in the base year, then grown."""
    wage = np.empty(growth.size)
    wage[0] = wage0
    for y in range(1, growth.size):
        wage[y] = wage[y - 1] * (1.0 + growth[y])
    return wage


def poisson(risk: bool, mean: float, seed: int, stream: int, d: int, y: int, cell: int) -> float:
    return ref.poisson(mean, seed, stream, d, y, cell) if risk else mean


def binomial(
    risk: bool, n: float, p: float, seed: int, stream: int, d: int, y: int, cell: int
) -> float:
    return ref.binomial(n, p, seed, stream, d, y, cell) if risk else n * p


def project_work_injury(
    seed: int,
    draws: np.ndarray,
    process_risk: bool,
    fund: int,
    wage0: float,
    wage_growth: np.ndarray,
    cpi: np.ndarray,
    real_wage_growth: np.ndarray,
    fund_return: np.ndarray,
    mortality_index: np.ndarray,
    population: np.ndarray,
    working: np.ndarray,
    coverage: np.ndarray,
    coverage_path: np.ndarray,
    premium: np.ndarray,
    frequency: np.ndarray,
    severity: np.ndarray,
    dependants_per_death: float,
    annuity_start: np.ndarray,
    end_qbar: np.ndarray,
    end_bx: np.ndarray,
    end_sex: np.ndarray,
    end_exit: np.ndarray,
    raise_known: np.ndarray,
    raise_rule: np.ndarray,
    n0: np.ndarray,
    pay0: np.ndarray,
    balance0: np.ndarray,
    out: np.ndarray,
) -> None:
    n_years = wage_growth.shape[1]
    risk = bool(process_risk)
    for i, d in enumerate(int(x) for x in draws):
        wage = wage_path(wage0, wage_growth[i])
        eps = mortality_index[i][:, end_sex].T  # [J, Y]
        q = np.minimum(end_qbar * np.exp(end_bx[:, None] * eps), 1.0)
        ends = 1.0 - (1.0 - q) * (1.0 - end_exit[:, None])
        for c in range(coverage.size):
            cell = 2 * c + fund
            n = n0[:, c].astype(float).copy()
            pay = pay0[:, c].astype(float).copy()
            balance = float(balance0[c])
            for y in range(n_years):
                w = wage[y]
                insured = (
                    coverage[c] * coverage_path[y] * float((working * population[i, y, c]).sum())
                )
                if risk:
                    insured = float(math.floor(insured + 0.5))
                contributions = insured * w * premium[c]
                known = raise_known[y]
                if math.isnan(known):
                    raised = raise_rule[0] * cpi[i, y] + raise_rule[1] * real_wage_growth[i, y]
                else:
                    raised = known
                pay = pay * (1.0 + raised)
                gone = np.array(
                    [
                        binomial(risk, n[j], ends[j, y], seed, S_ENDS + j, d, y, cell)
                        for j in range(n.size)
                    ]
                )
                pay = pay - pay * np.divide(gone, n, out=np.zeros_like(n), where=n > 0)
                n = n - gone
                count = np.array(
                    [
                        poisson(risk, insured * frequency[k, c], seed, S_CLAIMS + k, d, y, cell)
                        for k in range(len(KINDS))
                    ]
                )
                dependants = poisson(
                    risk, count[DEATH] * dependants_per_death, seed, S_DEPENDANTS, d, y, cell
                )
                annuities = float(pay.sum())
                benefits = annuities + float((count * severity[:, c]).sum() * w)
                net = contributions - benefits
                interest = fund_return[i, y] * (balance + 0.5 * net)
                balance = balance + (contributions + 0.0 + interest) - (benefits + 0.0)
                row = {
                    "contributors": insured,
                    "beneficiaries": n.sum() + count[MEDICAL] + count[DEATH],
                    "contributions": contributions,
                    "interest": interest,
                    "benefits": benefits,
                    "balance": balance,
                    "annuitants_disability": n[0],
                    "annuitants_dependants": n[1],
                    "annuities_paid": annuities,
                    "claims": count.sum(),
                }
                for v, name in enumerate(VARIABLES):
                    out[v, i, c, y] = row.get(name, 0.0)
                n = n + np.array([count[SEVERE], dependants])
                pay = pay + np.array([count[SEVERE], dependants]) * annuity_start * w
