"""The pension cohort kernel: every county's pension funds, year by year.

Rates, retirement shares, leakage, the raise rules and the long-contribution supplement
are given by year (``[K, Y, ...]``), so a reform can change them from its effective year
on. State per draw,
county, scheme, sex and single age 0-100 (the last an open group): active members ``A``
(contributing, or deferred where a scheme takes no contributions), their
individual-account total ``ACC`` and service-year total ``SV`` (years of contribution:
employee and resident schemes), pensioners ``P``, the total annual pension ``PEN`` they
are paid from the fund and, in resident schemes, the total annual long-contribution
supplement ``SUP`` they are paid from budgets. The residents they come from are an input
(``kernels.population``, projected once for every scheme). One year of a scheme, in order:

1. pensions in payment are raised (known history, else a CPI and real-wage rule);
2. deaths among actives (their accounts are refunded to heirs) and among pensioners;
3. new entrants bring each contributing age up to its coverage target;
4. contributions (employee: rate x base, less new arrears; resident: tier + subsidy), the
   basic pension, benefits, pensions paid to dead pensioners (leakage) and what is
   recovered of them, arrears recovered, interest on the mean balance of the year;
5. at the year end members age by one year and those at a retirement age retire, turning
   their account (÷ payout months) and service years into a pension; in resident schemes
   the retirees of a cell also get the long-contribution supplement of the cell's average
   whole years of contribution (``supplement[k, y, years]``, CNY a month; zero unless a
   reform sets it, ``actuarial.reforms.long_contribution_bonus``).

The supplement is a budget-paid benefit, fixed in CNY when granted, that does not touch
the fund: the kernel reports what is paid in the memo row ``supplements``, outside the
balance identity, and the reform books it as benefits and subsidies of the budgets that
pay it (local money, which the fiscal split of the kernel's subsidies, ``actuarial.fiscal``,
would take for the centrally funded basic pension).

With ``process_risk`` every count that changes by chance (deaths, retirements among the
eligible, undetected deaths) is drawn with ``kernels.sampling`` from the
counter-based generator, so each draw is a pure function of (seed, global draw index,
year, cell); without it the same steps use expected values.

The balance identity holds exactly, by construction: ``balance[t] = balance[t-1] +
(contributions + subsidies + arrears_recovered + recoveries + interest) - (benefits +
refunds + leakage)``, summed in that order (``INCOME`` and ``OUTGO`` below).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from kernels.jit import njit, pjit
from kernels.sampling import binomial

__all__ = [
    "EMPLOYEE",
    "INCOME",
    "N_AGES",
    "OUTGO",
    "RESIDENT",
    "VARIABLES",
    "project_pensions",
]

N_AGES = 101  # single ages 0..100, 100 open
N_SEXES = 2  # 0 male, 1 female

# Scheme kinds: how members pay and are paid.
EMPLOYEE = 0  # rate x wage base; pooled basic pension + account pension
RESIDENT = 1  # flat tier contribution + subsidy into the account; basic pension from budgets
CLOSED = 2  # no contributions or entrants: accounts run off (land-lost, old rural)

#: Output variables, in the order of the kernel's first output axis.
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
#: ``pen_rule[k, y, :]`` and ``basic_rule[k, y, :]``: the CPI share and the real-wage share
#: of a year's raise.
RULE_CPI, RULE_WAGE = 0, 1
#: Income and outgo flows, in the order they are summed into the balance.
INCOME = ("contributions", "subsidies", "arrears_recovered", "recoveries", "interest")
OUTGO = ("benefits", "refunds", "leakage")


# Random streams (1-3 belong to the economic scenario generator).
S_POP_DEATHS = 10
S_ACTIVE_DEATHS = 11
S_PENSIONER_DEATHS = 12
S_RETIREMENTS = 13
S_LEAKAGE = 14
S_BIRTHS = 15
S_BOYS = 16


@njit
def _count(
    n: float, p: float, risk: bool, seed: int, stream: int, d: int, y: int, cell: int
) -> float:
    """How many of ``n`` have an event of probability ``p``: expected, or drawn."""
    if risk:
        return binomial(n, p, seed, stream, d, y, cell)
    return n * p


@njit
def _share(part: float, whole: float) -> float:
    # Members leave a cell in proportion: a share of a cell's totals moves with them.
    if whole > 0.0:
        return part / whole
    return 0.0


@njit
def _raise(known: float, cpi_share: float, wage_share: float, cpi: float, real: float) -> float:
    if not math.isnan(known):
        return known
    return cpi_share * cpi + wage_share * real


# d = draw, c = county, k = scheme, s = sex, a = age, y = year index
@pjit
def project_pensions(
    seed: int,
    draws: np.ndarray,  # int64[D] global draw indices
    process_risk: bool,
    cpi: np.ndarray,  # [D, Y]
    real_wage_growth: np.ndarray,  # [D, Y]
    wage_growth: np.ndarray,  # [D, Y] nominal
    fund_return: np.ndarray,  # [D, Y]
    mortality_index: np.ndarray,  # [D, Y, S]
    qbar: np.ndarray,  # [S, A, Y] central death probabilities
    bx: np.ndarray,  # [S, A]
    population: np.ndarray,  # [D, Y, C, S, A] residents after the year's deaths
    wage0: float,
    kind: np.ndarray,  # int64[K]
    pool_rate: np.ndarray,  # [K, Y] employer rate
    account_rate: np.ndarray,  # [K, Y] employee rate into the account
    base_factor: np.ndarray,  # [K, Y] contribution base / city average wage
    basic_factor: np.ndarray,  # [K] basic pension per service year / city average wage
    flat_contribution: np.ndarray,  # [K, Y] resident tier contribution per contributor
    flat_subsidy: np.ndarray,  # [K, Y] subsidy into each contributor's account
    basic0: np.ndarray,  # [K] resident basic pension a month in the base year
    retire: np.ndarray,  # [K, Y, S, A] share of actives retiring on reaching age a
    payout_months: np.ndarray,  # [K, A] account divisor by retirement age
    pen_known: np.ndarray,  # [K, Y] raise of pensions in payment (NaN: rule)
    pen_rule: np.ndarray,  # [K, Y, 2] cpi share, real-wage share
    basic_known: np.ndarray,  # [K, Y]
    basic_rule: np.ndarray,  # [K, Y, 2]
    supplement: np.ndarray,  # [K, Y, A] resident supplement a month by years of contribution
    coverage: np.ndarray,  # [K, C, S, A] contributors per resident at base
    coverage_path: np.ndarray,  # [K, Y] multiplier of the base coverage
    leak: np.ndarray,  # [K, Y, 3] undetected deaths per pensioner, months paid, recovered share
    arrears_rates: np.ndarray,  # [K, 2] new share of due, recovery rate of stock
    arrears0: np.ndarray,  # [K, C]
    a0: np.ndarray,  # [K, C, S, A] actives
    acc0: np.ndarray,  # [K, C, S, A] account totals
    sv0: np.ndarray,  # [K, C, S, A] service-year totals
    p0: np.ndarray,  # [K, C, S, A] pensioners
    pen0: np.ndarray,  # [K, C, S, A] annual pension totals
    balance0: np.ndarray,  # [K, C]
    out: np.ndarray,  # [V, D, C, K, Y]
) -> None:
    """Project every scheme of every county for the draws ``draws`` into ``out``."""
    n_draws = draws.shape[0]
    n_years = cpi.shape[1]
    n_counties = population.shape[2]
    n_schemes = kind.shape[0]
    for i in numba.prange(n_draws):
        d = draws[i]
        # Death probabilities and wage level of this draw, shared by all counties.
        q = np.empty((n_years, N_SEXES, N_AGES))
        for y in range(n_years):
            for s in range(N_SEXES):
                eps = mortality_index[i, y, s]
                for a in range(N_AGES):
                    q[y, s, a] = min(qbar[s, a, y] * math.exp(bx[s, a] * eps), 1.0)
        wage = np.empty(n_years)
        wage[0] = wage0
        for y in range(1, n_years):
            wage[y] = wage[y - 1] * (1.0 + wage_growth[i, y])
        st_a = np.empty((n_schemes, N_SEXES, N_AGES))
        st_acc = np.empty((n_schemes, N_SEXES, N_AGES))
        st_sv = np.empty((n_schemes, N_SEXES, N_AGES))
        st_p = np.empty((n_schemes, N_SEXES, N_AGES))
        st_pen = np.empty((n_schemes, N_SEXES, N_AGES))
        st_sup = np.empty((n_schemes, N_SEXES, N_AGES))
        for c in range(n_counties):
            st_a[:, :, :] = a0[:, c]
            st_acc[:, :, :] = acc0[:, c]
            st_sv[:, :, :] = sv0[:, c]
            st_p[:, :, :] = p0[:, c]
            st_pen[:, :, :] = pen0[:, c]
            st_sup[:, :, :] = 0.0
            balance = balance0[:, c].copy()
            arrears = arrears0[:, c].copy()
            basic = basic0.copy()
            for y in range(n_years):
                r = fund_return[i, y]
                pop = population[i, y, c]
                for k in range(n_schemes):
                    _scheme_year(
                        seed,
                        d,
                        i,
                        y,
                        c,
                        k,
                        process_risk,
                        r,
                        cpi[i, y],
                        real_wage_growth[i, y],
                        wage[y],
                        q[y],
                        pop,
                        kind[k],
                        pool_rate[k, y],
                        account_rate[k, y],
                        base_factor[k, y],
                        basic_factor[k],
                        flat_contribution[k, y],
                        flat_subsidy[k, y],
                        basic,
                        retire[k, y],
                        payout_months[k],
                        pen_known[k, y],
                        pen_rule[k, y],
                        basic_known[k, y],
                        basic_rule[k, y],
                        supplement[k, y],
                        coverage[k, c],
                        coverage_path[k, y],
                        leak[k, y],
                        arrears_rates[k],
                        arrears,
                        balance,
                        st_a[k],
                        st_acc[k],
                        st_sv[k],
                        st_p[k],
                        st_pen[k],
                        st_sup[k],
                        n_counties,
                        out,
                    )


@njit
def _age_one_year(x: np.ndarray) -> None:
    x[N_AGES - 1] += x[N_AGES - 2]
    for a in range(N_AGES - 2, 0, -1):
        x[a] = x[a - 1]
    x[0] = 0.0


@njit
def _scheme_year(
    seed: int,
    d: int,
    i: int,
    y: int,
    c: int,
    k: int,
    risk: bool,
    r: float,
    cpi: float,
    real: float,
    wage: float,
    q: np.ndarray,  # [S, A]
    pop: np.ndarray,  # [S, A] after this year's deaths
    kind: int,
    pool_rate: float,
    account_rate: float,
    base_factor: float,
    basic_factor: float,
    flat_contribution: float,
    flat_subsidy: float,
    basic: np.ndarray,  # [K] resident basic pension a month, updated in place
    retire: np.ndarray,  # [S, A]
    payout_months: np.ndarray,  # [A]
    pen_known: float,
    pen_rule: np.ndarray,
    basic_known: float,
    basic_rule: np.ndarray,
    supplement: np.ndarray,  # [A]
    coverage: np.ndarray,  # [S, A]
    coverage_mult: float,
    leak: np.ndarray,
    arrears_rates: np.ndarray,
    arrears: np.ndarray,  # [K], updated in place
    balance: np.ndarray,  # [K], updated in place
    act: np.ndarray,  # [S, A] state, updated in place
    acc: np.ndarray,
    sv: np.ndarray,
    pens: np.ndarray,
    pen: np.ndarray,
    sup: np.ndarray,
    n_counties: int,
    out: np.ndarray,
) -> None:
    # 1. Raises: pensions in payment from the base year on (the state holds 2012 amounts);
    # the resident basic pension from the year after (its base-year level is given).
    pen_raise = _raise(pen_known, pen_rule[RULE_CPI], pen_rule[RULE_WAGE], cpi, real)
    if y > 0:
        basic[k] *= 1.0 + _raise(
            basic_known, basic_rule[RULE_CPI], basic_rule[RULE_WAGE], cpi, real
        )
    base_cell = ((k * n_counties + c) * N_SEXES) * N_AGES
    contributors, pensioners, refunds, pension_paid, supplement_paid = _deaths_and_entrants(
        act, acc, sv, pens, pen, sup, pen_raise, q, pop, coverage, coverage_mult, risk, seed,
        d, y, base_cell,
    )  # fmt: skip
    # 4. Flows of the year.
    contributions = 0.0
    subsidies = 0.0
    arrears_recovered = 0.0
    if kind == EMPLOYEE:
        base = contributors * wage * base_factor
        due = base * (pool_rate + account_rate)
        new_arrears = due * arrears_rates[0]
        arrears_recovered = arrears[k] * arrears_rates[1]
        arrears[k] += new_arrears - arrears_recovered
        contributions = due - new_arrears
        credit = wage * base_factor * account_rate
    elif kind == RESIDENT:
        contributions = contributors * flat_contribution
        subsidies = contributors * flat_subsidy
        credit = flat_contribution + flat_subsidy
    else:
        credit = 0.0
    benefits = pension_paid
    if kind == RESIDENT:
        basic_paid = pensioners * basic[k] * 12.0
        benefits += basic_paid
        subsidies += basic_paid  # the basic pension is paid from budgets
    leakage = 0.0
    if leak[0] > 0.0 and pensioners > 0.0:
        cases = _count(pensioners, leak[0], risk, seed, S_LEAKAGE, d, y, k * n_counties + c)
        leakage = cases * (benefits / pensioners) / 12.0 * leak[1]
    recoveries = leakage * leak[2]
    net = contributions + subsidies + arrears_recovered + recoveries
    net -= benefits + refunds + leakage
    interest = r * (balance[k] + 0.5 * net)
    income = contributions + subsidies + arrears_recovered + recoveries + interest
    outgo = benefits + refunds + leakage
    balance[k] = balance[k] + income - outgo
    # 5. Accounts are credited, members age, and those reaching a retirement age retire.
    accounts = _age_and_retire(
        act, acc, sv, pens, pen, sup, kind, credit, r, wage, basic_factor, supplement,
        retire, payout_months, risk, seed, d, y, base_cell,
    )  # fmt: skip
    # In VARIABLES order.
    values = (
        contributors, pensioners, contributions, subsidies, arrears_recovered, recoveries,
        interest, benefits, refunds, leakage, balance[k], arrears[k], accounts,
        supplement_paid,
    )  # fmt: skip
    for v in range(len(values)):
        out[v, i, c, k, y] = values[v]


@njit
def _deaths_and_entrants(
    act: np.ndarray,
    acc: np.ndarray,
    sv: np.ndarray,
    pens: np.ndarray,
    pen: np.ndarray,
    sup: np.ndarray,
    pen_raise: float,
    q: np.ndarray,
    pop: np.ndarray,
    coverage: np.ndarray,
    coverage_mult: float,
    risk: bool,
    seed: int,
    d: int,
    y: int,
    base_cell: int,
) -> tuple[float, float, float, float, float]:
    """Steps 1-3 for every cell; returns contributors, pensioners, account refunds,
    pensions paid in the year and supplements paid in the year."""
    contributors = 0.0
    pensioners = 0.0
    refunds = 0.0
    pension_paid = 0.0
    supplement_paid = 0.0
    for s in range(N_SEXES):
        for a in range(N_AGES):
            cell = base_cell + s * N_AGES + a
            pen[s, a] *= 1.0 + pen_raise
            # Deaths. Heirs get a dead member's account back.
            dead = _count(act[s, a], q[s, a], risk, seed, S_ACTIVE_DEATHS, d, y, cell)
            f = _share(dead, act[s, a])
            refunds += acc[s, a] * f
            acc[s, a] -= acc[s, a] * f
            sv[s, a] -= sv[s, a] * f
            act[s, a] -= dead
            dead = _count(pens[s, a], q[s, a], risk, seed, S_PENSIONER_DEATHS, d, y, cell)
            f = _share(dead, pens[s, a])
            pen[s, a] -= pen[s, a] * f
            sup[s, a] -= sup[s, a] * f
            pens[s, a] -= dead
            # Entrants up to the coverage target (zero outside contributing ages); whole
            # persons when counts are random.
            target = coverage[s, a] * coverage_mult * pop[s, a]
            if target > act[s, a]:
                gap = target - act[s, a]
                act[s, a] += math.floor(gap + 0.5) if risk else gap
            contributors += act[s, a]
            pensioners += pens[s, a]
            pension_paid += pen[s, a]
            supplement_paid += sup[s, a]
    return contributors, pensioners, refunds, pension_paid, supplement_paid


@njit
def _whole_years(years: float) -> int:
    """Whole years of an average, 0 to N_AGES - 1; a sum of whole years over the members
    of a cell divided by their number can fall a rounding error short of a whole year."""
    return min(max(int(years + 1e-9), 0), N_AGES - 1)


@njit
def _age_and_retire(
    act: np.ndarray,
    acc: np.ndarray,
    sv: np.ndarray,
    pens: np.ndarray,
    pen: np.ndarray,
    sup: np.ndarray,
    kind: int,
    credit: float,
    r: float,
    wage: float,
    basic_factor: float,
    supplement: np.ndarray,
    retire: np.ndarray,
    payout_months: np.ndarray,
    risk: bool,
    seed: int,
    d: int,
    y: int,
    base_cell: int,
) -> float:
    """Step 5 for every cell; returns the account total of members not yet drawing."""
    accounts = 0.0
    for s in range(N_SEXES):
        for a in range(N_AGES):
            acc[s, a] = (acc[s, a] + act[s, a] * credit) * (1.0 + r)
            if kind != CLOSED:
                sv[s, a] += act[s, a]
        _age_one_year(act[s])
        _age_one_year(acc[s])
        _age_one_year(sv[s])
        _age_one_year(pens[s])
        _age_one_year(pen[s])
        _age_one_year(sup[s])
        for a in range(N_AGES):
            if retire[s, a] > 0.0 and act[s, a] > 0.0:
                cell = base_cell + s * N_AGES + a
                n = _count(act[s, a], retire[s, a], risk, seed, S_RETIREMENTS, d, y, cell)
                f = _share(n, act[s, a])
                moved_acc = acc[s, a] * f
                moved_sv = sv[s, a] * f
                # Account pension (monthly account / divisor) and the basic pension
                # (a share of the year's wage per service year), both as yearly amounts.
                pen[s, a] += 12.0 * moved_acc / payout_months[a] + basic_factor * moved_sv * wage
                if kind == RESIDENT and n > 0.0:
                    sup[s, a] += 12.0 * n * supplement[_whole_years(moved_sv / n)]
                pens[s, a] += n
                act[s, a] -= n
                acc[s, a] -= moved_acc
                sv[s, a] -= moved_sv
            accounts += acc[s, a]
    return accounts
