"""Slow, obvious numpy twin of ``kernels.cohort.project_pensions``, written from its
documented model: the specification of the cohort projection, to be read and audited.

Same signature and output layout ``out[variable, draw, county, scheme, year]``. Loops run
over draws, counties, years and schemes; each step of a year works on whole
``[sex, age]`` arrays. Random counts come from the numpy twins of the samplers
(``reference_sampling``) at the kernel's coordinates, so with process risk the two agree
draw for draw; without it every count is its expected value ``n * p``.

One year of one county:

0. residents die (the city-level unit, which has no residents of its own, sees the sum of
   every county's survivors of the year, which is why it is projected last);
1. pensions in payment are raised (the known raise of the year, else the CPI and
   real-wage rule); the resident basic pension from the second projected year on;
2. actives and pensioners die; a dead active's account is refunded to the heirs;
3. new entrants bring each age up to its coverage target (whole persons when counts are
   random, i.e. the gap rounded half up);
4. the money flows of the year and the fund balance;
5. accounts are credited with the year's contributions and return, service is counted
   (employee and resident schemes), everyone ages by one year (age 100 is open), members
   reaching a retirement age retire; resident retirees also get the long-contribution
   supplement of their cell's average whole years of contribution, which budgets pay
   outside the fund: it is reported in the memo row ``supplements``, not in the flows;

and, after the schemes, residents are born and age by one year.

Cells of the random numbers (stream, cell):

- resident deaths: ``S_POP_DEATHS``, ``(county * 2 + sex) * 101 + age``;
- active deaths, pensioner deaths, retirements: their streams,
  ``((scheme * n_counties + county) * 2 + sex) * 101 + age`` (retirements: the age
  after ageing);
- undetected deaths of pensioners: ``S_LEAKAGE``, ``scheme * n_counties + county``;
- births (Poisson) and boys among them (binomial): ``S_BIRTHS`` and ``S_BOYS``, cell
  ``county``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import reference_sampling as ref

N_AGES = 101
N_SEXES = 2
EMPLOYEE, RESIDENT, CLOSED = 0, 1, 2

S_POP_DEATHS = 10
S_ACTIVE_DEATHS = 11
S_PENSIONER_DEATHS = 12
S_RETIREMENTS = 13
S_LEAKAGE = 14
S_BIRTHS = 15
S_BOYS = 16

#: The kernel's output variables, in its order; income and outgo in the order they are
#: summed into the balance.
VARIABLES = (
    "contributors",
    "beneficiaries",
    "contributions",
    "subsidies",
    "arrears_recovered",
    "recoveries",
    "interest",
    "benefits",
    "refunds",
    "leakage",
    "balance",
    "arrears",
    "accounts",
    "supplements",
)
INCOME = ("contributions", "subsidies", "arrears_recovered", "recoveries", "interest")
OUTGO = ("benefits", "refunds", "leakage")
SEX_AGE = np.arange(N_SEXES * N_AGES).reshape(N_SEXES, N_AGES)  # sex * 101 + age


@dataclass
class Random:
    """Where a draw's random counts come from: expected values, or the samplers."""

    risk: bool
    seed: int
    draw: int

    def count(
        self, n: np.ndarray, p: np.ndarray, stream: int, year: int, cells: np.ndarray
    ) -> np.ndarray:
        """How many of ``n`` (per cell) have an event of probability ``p`` (per cell)."""
        n, p = np.broadcast_arrays(np.asarray(n, float), np.asarray(p, float))
        if not self.risk:
            return n * p
        flat = [
            ref.binomial(float(ni), float(pi), self.seed, stream, self.draw, year, int(ci))
            for ni, pi, ci in zip(n.ravel(), p.ravel(), np.ravel(cells), strict=True)
        ]
        return np.array(flat).reshape(n.shape)

    def poisson(self, mean: float, stream: int, year: int, cell: int) -> float:
        if not self.risk:
            return mean
        return ref.poisson(mean, self.seed, stream, self.draw, year, cell)


@dataclass
class Year:
    """What one year of one draw gives every scheme of a county."""

    index: int
    cpi: float
    real_wage_growth: float
    wage: float  # the city's average wage
    fund_return: float
    q: np.ndarray  # [sex, age] death probabilities
    pop: np.ndarray  # [sex, age] residents after this year's deaths


@dataclass
class Fund:
    """One scheme's money in one county."""

    balance: float
    arrears: float  # contributions owed by employers
    basic: float  # resident basic pension a month


@dataclass
class Members:
    """One scheme's members in one county, by ``[sex, age]``."""

    act: np.ndarray  # actives (contributing; closed schemes: deferred)
    acc: np.ndarray  # their individual-account total
    sv: np.ndarray  # their service-year total
    pens: np.ndarray  # pensioners
    pen: np.ndarray  # their total annual pension from the fund
    sup: np.ndarray  # their total annual long-contribution supplement from budgets


def share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """``part / whole`` where the cell has anyone, else 0: the fraction of a cell that
    leaves, and so the fraction of its account and service totals that goes with them."""
    return np.divide(part, whole, out=np.zeros_like(whole), where=whole > 0.0)


def age_one_year(x: np.ndarray) -> np.ndarray:
    """Shift ``[..., age]`` up one year: age 0 empties, 99 joins the open group 100."""
    out = np.zeros_like(x)
    out[..., 1 : N_AGES - 1] = x[..., 0 : N_AGES - 2]
    out[..., N_AGES - 1] = x[..., N_AGES - 1] + x[..., N_AGES - 2]
    return out


def yearly_raise(known: float, rule: np.ndarray, cpi: float, real: float) -> float:
    """The known raise of the year, or (NaN) CPI share x CPI + wage share x real growth."""
    if not math.isnan(known):
        return known
    return rule[0] * cpi + rule[1] * real


def death_probabilities(qbar: np.ndarray, bx: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """``[year, sex, age]``: log q = log qbar + b(x) eps(t, sex), capped at 1."""
    qbar_ysa = np.moveaxis(qbar, -1, 0)  # [S, A, Y] -> [Y, S, A]
    return np.minimum(qbar_ysa * np.exp(bx[None, :, :] * eps[:, :, None]), 1.0)


def project_pensions(
    seed: int,
    draws: np.ndarray,
    process_risk: bool,
    cpi: np.ndarray,
    real_wage_growth: np.ndarray,
    wage_growth: np.ndarray,
    fund_return: np.ndarray,
    mortality_index: np.ndarray,
    qbar: np.ndarray,
    bx: np.ndarray,
    population: np.ndarray,
    wage0: float,
    kind: np.ndarray,
    pool_rate: np.ndarray,
    account_rate: np.ndarray,
    base_factor: np.ndarray,
    basic_factor: np.ndarray,
    flat_contribution: np.ndarray,
    flat_subsidy: np.ndarray,
    basic0: np.ndarray,
    retire: np.ndarray,
    payout_months: np.ndarray,
    pen_known: np.ndarray,
    pen_rule: np.ndarray,
    basic_known: np.ndarray,
    basic_rule: np.ndarray,
    supplement: np.ndarray,
    coverage: np.ndarray,
    coverage_path: np.ndarray,
    leak: np.ndarray,
    arrears_rates: np.ndarray,
    arrears0: np.ndarray,
    a0: np.ndarray,
    acc0: np.ndarray,
    sv0: np.ndarray,
    p0: np.ndarray,
    pen0: np.ndarray,
    balance0: np.ndarray,
    out: np.ndarray,
) -> None:
    """Fill ``out[variable, i, county, scheme, year]`` for the global draws ``draws[i]``."""
    n_years = cpi.shape[1]
    n_counties = population.shape[2]
    n_schemes = kind.shape[0]
    # Each scheme's rules: the k-th entry of every per-scheme argument.
    per_scheme = {
        "kind": kind, "pool_rate": pool_rate, "account_rate": account_rate,
        "base_factor": base_factor, "basic_factor": basic_factor,
        "flat_contribution": flat_contribution, "flat_subsidy": flat_subsidy,
        "retire": retire, "payout_months": payout_months, "pen_known": pen_known,
        "pen_rule": pen_rule, "basic_known": basic_known, "basic_rule": basic_rule,
        "supplement": supplement,
        "coverage_path": coverage_path, "leak": leak, "arrears_rates": arrears_rates,
    }  # fmt: skip
    rules = [{name: x[k] for name, x in per_scheme.items()} for k in range(n_schemes)]

    for i, d in enumerate(np.asarray(draws).tolist()):
        rnd = Random(bool(process_risk), int(seed), int(d))
        q = death_probabilities(qbar, bx, mortality_index[i])
        # The year's average wage: 2013 given, then nominal growth (wage_growth[i, 0], the
        # base year's growth, is already in wage0).
        wage = np.empty(n_years)
        wage[0] = wage0
        for y in range(1, n_years):
            wage[y] = wage[y - 1] * (1.0 + wage_growth[i, y])
        for c in range(n_counties):
            members = [
                Members(a0[k, c].copy(), acc0[k, c].copy(), sv0[k, c].copy(),
                        p0[k, c].copy(), pen0[k, c].copy(), np.zeros_like(pen0[k, c]))
                for k in range(n_schemes)
            ]  # fmt: skip
            funds = [Fund(balance0[k, c], arrears0[k, c], basic0[k]) for k in range(n_schemes)]
            for y in range(n_years):
                # The year's residents (after its deaths) are given.
                year = Year(
                    y, cpi[i, y], real_wage_growth[i, y], wage[y], fund_return[i, y], q[y],
                    population[i, y, c],
                )  # fmt: skip
                for k in range(n_schemes):
                    values = scheme_year(
                        rnd, year, k * n_counties + c, rules[k], coverage[k, c], members[k],
                        funds[k],
                    )  # fmt: skip
                    out[:, i, c, k, y] = [values[v] for v in VARIABLES]


def scheme_year(
    rnd: Random,
    year: Year,
    unit: int,  # scheme * n_counties + county
    rule: dict[str, Any],
    coverage: np.ndarray,  # [sex, age] contributors per resident at base
    m: Members,
    fund: Fund,
) -> dict[str, float]:
    """One year of one scheme in one county (steps 1-5); updates ``m`` and ``fund`` and
    returns the year's values by variable name."""
    y = year.index
    cells = unit * N_SEXES * N_AGES + SEX_AGE
    # 1. Raises.
    pen_raise = yearly_raise(
        rule["pen_known"][y], rule["pen_rule"][y], year.cpi, year.real_wage_growth
    )
    if y > 0:
        fund.basic *= 1.0 + yearly_raise(
            rule["basic_known"][y], rule["basic_rule"][y], year.cpi, year.real_wage_growth
        )
    m.pen = m.pen * (1.0 + pen_raise)
    # 2. Deaths.
    dead = rnd.count(m.act, year.q, S_ACTIVE_DEATHS, y, cells)
    f = share(dead, m.act)
    refunds = float(np.sum(m.acc * f))
    m.acc = m.acc - m.acc * f
    m.sv = m.sv - m.sv * f
    m.act = m.act - dead
    dead = rnd.count(m.pens, year.q, S_PENSIONER_DEATHS, y, cells)
    f = share(dead, m.pens)
    m.pen = m.pen - m.pen * f
    m.sup = m.sup - m.sup * f
    m.pens = m.pens - dead
    # 3. Entrants up to the coverage target; nobody leaves above it.
    target = coverage * rule["coverage_path"][y] * year.pop
    gap = target - m.act
    if rnd.risk:
        gap = np.floor(gap + 0.5)
    m.act = m.act + np.where(target > m.act, gap, 0.0)
    # 4. Flows, and 5. the year end.
    values = flows(rnd, year, unit, rule, m, fund, refunds)
    values["accounts"] = age_and_retire(rnd, year, cells, rule, m, values["credit"])
    return values


def flows(
    rnd: Random, year: Year, unit: int, rule: dict[str, Any], m: Members, fund: Fund,
    refunds: float,
) -> dict[str, float]:  # fmt: skip
    """Step 4: the money of the year, the new balance and arrears, and the credit into
    each active's account."""
    contributors = float(np.sum(m.act))
    pensioners = float(np.sum(m.pens))
    contributions = subsidies = arrears_recovered = credit = 0.0
    if rule["kind"] == EMPLOYEE:
        # Rate x declared base; a share of what falls due is not paid (new arrears) and a
        # share of the stock owed is recovered.
        due = contributors * year.wage * rule["base_factor"][year.index]
        due = due * (rule["pool_rate"][year.index] + rule["account_rate"][year.index])
        new_arrears = due * rule["arrears_rates"][0]
        arrears_recovered = fund.arrears * rule["arrears_rates"][1]
        fund.arrears += new_arrears - arrears_recovered
        contributions = due - new_arrears
        credit = year.wage * rule["base_factor"][year.index] * rule["account_rate"][year.index]
    elif rule["kind"] == RESIDENT:
        contributions = contributors * rule["flat_contribution"][year.index]
        subsidies = contributors * rule["flat_subsidy"][year.index]
        credit = rule["flat_contribution"][year.index] + rule["flat_subsidy"][year.index]
    benefits = float(np.sum(m.pen))
    if rule["kind"] == RESIDENT:
        # The basic pension is paid to every pensioner, from budgets.
        basic_paid = pensioners * fund.basic * 12.0
        benefits += basic_paid
        subsidies += basic_paid
    # Pensions paid on to undetected dead pensioners for leak[1] months; a share leak[2]
    # of them is recovered.
    leak = rule["leak"][year.index]
    leakage = 0.0
    if leak[0] > 0.0 and pensioners > 0.0:
        cases = rnd.count(pensioners, leak[0], S_LEAKAGE, year.index, unit).item()
        leakage = cases * (benefits / pensioners) / 12.0 * leak[1]
    recoveries = leakage * leak[2]
    # Interest on the mean balance of the year (flows spread evenly over it).
    net = contributions + subsidies + arrears_recovered + recoveries
    net -= benefits + refunds + leakage
    interest = year.fund_return * (fund.balance + 0.5 * net)
    values = {
        "contributors": contributors,
        "beneficiaries": pensioners,
        "contributions": contributions,
        "subsidies": subsidies,
        "arrears_recovered": arrears_recovered,
        "recoveries": recoveries,
        "interest": interest,
        "benefits": benefits,
        "refunds": refunds,
        "leakage": leakage,
    }
    income = 0.0
    for name in INCOME:
        income += values[name]
    outgo = 0.0
    for name in OUTGO:
        outgo += values[name]
    fund.balance = fund.balance + income - outgo
    return {
        **values, "balance": fund.balance, "arrears": fund.arrears,
        "supplements": float(np.sum(m.sup)), "credit": credit,
    }  # fmt: skip


def age_and_retire(
    rnd: Random, year: Year, cells: np.ndarray, rule: dict[str, Any], m: Members, credit: float
) -> float:
    """Step 5: accounts credited with the year's contributions and return, service counted
    (employee and resident schemes), everyone a year older, retirements; returns the
    account total of members not yet drawing."""
    m.acc = (m.acc + m.act * credit) * (1.0 + year.fund_return)
    if rule["kind"] != CLOSED:
        m.sv = m.sv + m.act
    m.act, m.acc, m.sv = age_one_year(m.act), age_one_year(m.acc), age_one_year(m.sv)
    m.pens, m.pen, m.sup = age_one_year(m.pens), age_one_year(m.pen), age_one_year(m.sup)
    # Retirements among those now at a retirement age (cells are of the age after ageing).
    retire = rule["retire"][year.index]
    retiring = (retire > 0.0) & (m.act > 0.0)
    n = np.zeros_like(m.act)
    n[retiring] = rnd.count(
        m.act[retiring], retire[retiring], S_RETIREMENTS, year.index, cells[retiring]
    )
    f = share(n, m.act)
    moved_acc = m.acc * f
    moved_sv = m.sv * f
    # Yearly pension: the account over the payout months of the age (a monthly amount) x 12,
    # plus the pooled basic pension, a share of the year's wage per service year.
    months = np.broadcast_to(rule["payout_months"], m.act.shape)
    new_pen = np.zeros_like(m.pen)
    new_pen[retiring] = (
        12.0 * moved_acc[retiring] / months[retiring]
        + rule["basic_factor"] * moved_sv[retiring] * year.wage
    )
    m.pen = m.pen + new_pen
    if rule["kind"] == RESIDENT:
        # The supplement of the retirees' average whole years (a rounding error short of
        # a whole year counts as the whole year).
        years = share(moved_sv, n)
        whole = np.clip(np.floor(years + 1e-9), 0, N_AGES - 1).astype(int)
        supplement = rule["supplement"][year.index][whole]
        m.sup = m.sup + np.where(retiring & (n > 0.0), 12.0 * n * supplement, 0.0)
    m.pens = m.pens + n
    m.act = m.act - n
    m.acc = m.acc - moved_acc
    m.sv = m.sv - moved_sv
    return float(np.sum(m.acc))


def births_and_ageing(
    rnd: Random, pop: np.ndarray, fertility: np.ndarray, boy_share: float, y: int, c: int
) -> np.ndarray:
    """Births of the year (to women after this year's deaths), then everyone a year older
    and the newborn at age 0."""
    births = rnd.poisson(float(np.sum(fertility * pop[1])), S_BIRTHS, y, c)
    boys = rnd.count(births, boy_share, S_BOYS, y, c).item()
    pop = age_one_year(pop)
    pop[0, 0] = boys
    pop[1, 0] = births - boys
    return pop
