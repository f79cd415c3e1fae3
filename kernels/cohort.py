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

How it runs. The parallel loop is over (draw, county) pairs, each running its schemes one
after another through all the years; a scheme's members stay in a small workspace (a
ring per sex in which ageing moves nothing, ``RING``), so a year touches one cache-resident
block. Each step is a loop over cells in which every cell is on its own (deaths, entrants,
credit) and which therefore runs on vectors; the year's totals are then summed one cell
after another in the order sex, age, so that every sum is rounded as in a plain loop over
the cells (the layout changes no result in the last bit). With process risk the counts of
a year are drawn first, cell by cell, from the year's hash prefix (``kernels.rng.hash4``)
and ``log(1 - q)`` computed once per draw.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from kernels.jit import njit, pjit
from kernels.rng import hash4
from kernels.sampling import binomial, binomial_at, binomial_lq

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
V_BALANCE = VARIABLES.index("balance")
V_ARREARS = VARIABLES.index("arrears")
V_ACCOUNTS = VARIABLES.index("accounts")
V_SUPPLEMENTS = VARIABLES.index("supplements")
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


#: The members of one unit (a scheme of a county) live in one flat workspace, one field
#: after another (``_field``); within a field each sex has a ring of ``RING`` cells in
#: which age ``a`` of a year sits at ``offset + a``. The offset drops by one at each year
#: end, so ageing moves nothing: the open group (100 gains 99) is one addition and age 0
#: is the next, still empty, cell below. The 24 cells of padding keep the fields off
#: multiples of 4 KiB, where loads would wait on unrelated stores of other fields.
RING = 256
FIELD = N_SEXES * RING + 24
# State fields, then the year's scratch fields.
ACT, ACC, SV, PENS, PEN, SUP = 0, 1, 2, 3, 4, 5
OLD_ACC = 6  # accounts before the year's deaths: last year's year-end accounts
REFUND = 7  # accounts refunded to heirs of the members who died this year
DEAD_ACT = 8  # with process risk: deaths drawn among actives and pensioners
DEAD_PENS = 9
N_FIELDS = 10
N_STATE = 6


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


@njit
def _age_one_year(x: np.ndarray) -> None:
    x[N_AGES - 1] += x[N_AGES - 2]
    for a in range(N_AGES - 2, 0, -1):
        x[a] = x[a - 1]
    x[0] = 0.0


@njit
def _field(f: int, s: int, offset: int) -> np.uint64:
    # Unsigned, so that indexing carries no wraparound test and the loops vectorise.
    return np.uint64(f * FIELD + s * RING + offset)


@njit
def _whole_years(years: float) -> int:
    """Whole years of an average, 0 to N_AGES - 1; a sum of whole years over the members
    of a cell divided by their number can fall a rounding error short of a whole year."""
    return min(max(int(years + 1e-9), 0), N_AGES - 1)


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
    """Project every scheme of every county for the draws ``draws`` into ``out``.

    Draws and counties are independent given the draw's death probabilities and wages,
    so the parallel loop runs over (draw, county) pairs: a chunk of fewer draws than
    threads still keeps every thread busy."""
    n_draws = draws.shape[0]
    n_years = cpi.shape[1]
    n_counties = population.shape[2]
    n_schemes = kind.shape[0]
    # Death probabilities and wage level of each draw, shared by all its counties; with
    # process risk also log(1 - q), which every death count of the cell starts from.
    q = np.empty((n_draws, n_years, N_SEXES, N_AGES))
    log1m_q = np.empty((n_draws, n_years if process_risk else 0, N_SEXES, N_AGES))
    wage = np.empty((n_draws, n_years))
    for i in numba.prange(n_draws):
        _death_probabilities(mortality_index[i], qbar, bx, process_risk, q[i], log1m_q[i])
        wage[i, 0] = wage0
        for y in range(1, n_years):
            wage[i, y] = wage[i, y - 1] * (1.0 + wage_growth[i, y])
    retire_from, retire_to = _retirement_ages(retire)
    for t in numba.prange(n_draws * n_counties):
        i = t // n_counties
        c = t % n_counties
        work = np.empty(N_FIELDS * FIELD)
        for k in range(n_schemes):
            _project_unit(
                seed, draws[i], i, c, k, n_counties, process_risk, cpi[i], real_wage_growth[i],
                fund_return[i], wage[i], q[i], log1m_q[i], population[i], kind[k], pool_rate[k],
                account_rate[k], base_factor[k], basic_factor[k], flat_contribution[k],
                flat_subsidy[k], basic0[k], retire[k], retire_from[k], retire_to[k],
                payout_months[k], pen_known[k], pen_rule[k], basic_known[k], basic_rule[k],
                supplement[k], coverage[k, c], coverage_path[k], leak[k], arrears_rates[k],
                arrears0[k, c], a0[k, c], acc0[k, c], sv0[k, c], p0[k, c], pen0[k, c],
                balance0[k, c], work, out,
            )  # fmt: skip


@njit
def _death_probabilities(
    mortality_index: np.ndarray,  # [Y, S]
    qbar: np.ndarray,  # [S, A, Y]
    bx: np.ndarray,  # [S, A]
    risk: bool,
    q: np.ndarray,  # [Y, S, A], filled
    log1m_q: np.ndarray,  # [Y, S, A], filled with log(1 - q) with process risk
) -> None:
    """One draw's death probabilities, ``q = min(qbar exp(b eps), 1)`` (Lee-Carter)."""
    for y in range(q.shape[0]):
        for s in range(N_SEXES):
            eps = mortality_index[y, s]
            for a in range(N_AGES):
                q[y, s, a] = min(qbar[s, a, y] * math.exp(bx[s, a] * eps), 1.0)
                if risk:
                    log1m_q[y, s, a] = math.log1p(-q[y, s, a])


@njit
def _retirement_ages(retire: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ages ``[from, to)`` outside which nobody retires, by scheme, year and sex: a
    year's retirements visit those cells only."""
    n_schemes, n_years = retire.shape[0], retire.shape[1]
    retire_from = np.full((n_schemes, n_years, N_SEXES), N_AGES, dtype=np.int64)
    retire_to = np.zeros((n_schemes, n_years, N_SEXES), dtype=np.int64)
    for k in range(n_schemes):
        for y in range(n_years):
            for s in range(N_SEXES):
                for a in range(N_AGES):
                    if retire[k, y, s, a] > 0.0:
                        retire_from[k, y, s] = min(retire_from[k, y, s], a)
                        retire_to[k, y, s] = a + 1
    return retire_from, retire_to


@njit
def _project_unit(
    seed: int,
    d: int,
    i: int,
    c: int,
    k: int,
    n_counties: int,
    risk: bool,
    cpi: np.ndarray,  # [Y]
    real: np.ndarray,  # [Y]
    fund_return: np.ndarray,  # [Y]
    wage: np.ndarray,  # [Y]
    q: np.ndarray,  # [Y, S, A]
    log1m_q: np.ndarray,  # [Y, S, A] log(1 - q), with process risk
    pop: np.ndarray,  # [Y, C, S, A]
    kind: int,
    pool_rate: np.ndarray,  # [Y]
    account_rate: np.ndarray,
    base_factor: np.ndarray,
    basic_factor: float,
    flat_contribution: np.ndarray,
    flat_subsidy: np.ndarray,
    basic: float,  # resident basic pension a month, raised in place from the second year
    retire: np.ndarray,  # [Y, S, A]
    retire_from: np.ndarray,  # int64[Y, S]
    retire_to: np.ndarray,  # int64[Y, S]
    payout_months: np.ndarray,  # [A]
    pen_known: np.ndarray,  # [Y]
    pen_rule: np.ndarray,  # [Y, 2]
    basic_known: np.ndarray,
    basic_rule: np.ndarray,
    supplement: np.ndarray,  # [Y, A]
    coverage: np.ndarray,  # [S, A]
    coverage_path: np.ndarray,  # [Y]
    leak: np.ndarray,  # [Y, 3]
    arrears_rates: np.ndarray,  # [2]
    arrears: float,
    a0: np.ndarray,  # [S, A]
    acc0: np.ndarray,
    sv0: np.ndarray,
    p0: np.ndarray,
    pen0: np.ndarray,
    balance: float,
    work: np.ndarray,  # [N_FIELDS * FIELD] workspace
    out: np.ndarray,  # [V, D, C, K, Y]
) -> None:
    """Every year of one scheme in one county (steps 1-5 of the module docstring)."""
    n_years = cpi.shape[0]
    unit = k * n_counties + c
    base_cell = unit * N_SEXES * N_AGES
    offset = RING - N_AGES
    work[:] = 0.0
    for s in range(N_SEXES):
        for a in range(N_AGES):
            j = _field(0, s, offset) + np.uint64(a)
            work[j + _field(ACT, 0, 0)] = a0[s, a]
            work[j + _field(ACC, 0, 0)] = acc0[s, a]
            work[j + _field(SV, 0, 0)] = sv0[s, a]
            work[j + _field(PENS, 0, 0)] = p0[s, a]
            work[j + _field(PEN, 0, 0)] = pen0[s, a]
    for y in range(n_years):
        # 1. Raises: pensions in payment from the base year on (the state holds 2012
        # amounts); the resident basic pension from the year after (its base-year level
        # is given).
        pen_raise = _raise(
            pen_known[y], pen_rule[y, RULE_CPI], pen_rule[y, RULE_WAGE], cpi[y], real[y]
        )
        if y > 0:
            basic *= 1.0 + _raise(
                basic_known[y], basic_rule[y, RULE_CPI], basic_rule[y, RULE_WAGE], cpi[y], real[y]
            )
        # 2-3. Deaths and entrants, cell by cell, then the year's totals.
        if risk:
            _draw_deaths(work, offset, q[y], log1m_q[y], seed, d, y, base_cell)
        _deaths_and_entrants(
            work, offset, risk, 1.0 + pen_raise, q[y], coverage, coverage_path[y], pop[y, c]
        )
        accounts, refunds, contributors, pensioners, pension_paid, supplement_paid = _totals(
            work, offset
        )
        if y > 0:
            # Last year's year-end accounts: what this year's deaths started from.
            out[V_ACCOUNTS, i, c, k, y - 1] = accounts
        # 4. Flows of the year.
        if kind == EMPLOYEE:
            credit = wage[y] * base_factor[y] * account_rate[y]
        elif kind == RESIDENT:
            credit = flat_contribution[y] + flat_subsidy[y]
        else:
            credit = 0.0
        values = _flows(
            kind, contributors, pensioners, refunds, pension_paid, wage[y], base_factor[y],
            pool_rate[y] + account_rate[y], flat_contribution[y], flat_subsidy[y], basic,
            arrears, arrears_rates, leak[y], fund_return[y], balance, risk, seed, d, y, unit,
        )  # fmt: skip
        for v in range(len(values)):
            out[v, i, c, k, y] = values[v]
        out[V_SUPPLEMENTS, i, c, k, y] = supplement_paid
        balance = values[V_BALANCE]
        arrears = values[V_ARREARS]
        # 5. Accounts are credited, members age, and those reaching a retirement age
        # retire.
        _credit(work, offset, kind != CLOSED, credit, 1.0 + fund_return[y])
        offset = _age(work, offset)
        _retire(
            work, offset, kind, wage[y], basic_factor, supplement[y], retire[y], retire_from[y],
            retire_to[y], payout_months, risk, seed, d, y, base_cell,
        )  # fmt: skip
    out[V_ACCOUNTS, i, c, k, n_years - 1] = _accounts(work, offset)


@njit
def _flows(
    kind: int,
    contributors: float,
    pensioners: float,
    refunds: float,
    pension_paid: float,
    wage: float,  # the city's average wage
    base_factor: float,  # contribution base / average wage (employee schemes)
    rate: float,  # employer + employee rate
    flat_contribution: float,
    flat_subsidy: float,
    basic: float,  # resident basic pension a month
    arrears: float,
    arrears_rates: np.ndarray,  # [2]
    leak: np.ndarray,  # [3]
    r: float,  # the year's return on the fund
    balance: float,
    risk: bool,
    seed: int,
    d: int,
    y: int,
    unit: int,
) -> tuple[float, float, float, float, float, float, float, float, float, float, float, float]:
    """Step 4: the year's flows, in VARIABLES order from contributors to arrears."""
    contributions = 0.0
    subsidies = 0.0
    arrears_recovered = 0.0
    if kind == EMPLOYEE:
        base = contributors * wage * base_factor
        due = base * rate
        new_arrears = due * arrears_rates[0]
        arrears_recovered = arrears * arrears_rates[1]
        arrears += new_arrears - arrears_recovered
        contributions = due - new_arrears
    elif kind == RESIDENT:
        contributions = contributors * flat_contribution
        subsidies = contributors * flat_subsidy
    benefits = pension_paid
    if kind == RESIDENT:
        basic_paid = pensioners * basic * 12.0
        benefits += basic_paid
        subsidies += basic_paid  # the basic pension is paid from budgets
    leakage = 0.0
    if leak[0] > 0.0 and pensioners > 0.0:
        cases = _count(pensioners, leak[0], risk, seed, S_LEAKAGE, d, y, unit)
        leakage = cases * (benefits / pensioners) / 12.0 * leak[1]
    recoveries = leakage * leak[2]
    net = contributions + subsidies + arrears_recovered + recoveries
    net -= benefits + refunds + leakage
    interest = r * (balance + 0.5 * net)
    income = contributions + subsidies + arrears_recovered + recoveries + interest
    outgo = benefits + refunds + leakage
    balance = balance + income - outgo
    return (
        contributors, pensioners, contributions, subsidies, arrears_recovered, recoveries,
        interest, benefits, refunds, leakage, balance, arrears,
    )  # fmt: skip


@njit
def _draw_deaths(
    work: np.ndarray,
    offset: int,
    q: np.ndarray,  # [S, A]
    log1m_q: np.ndarray,  # [S, A]
    seed: int,
    d: int,
    y: int,
    base_cell: int,
) -> None:
    """With process risk: the year's deaths among actives and pensioners of every cell,
    drawn into the scratch fields (a cell with nobody in it draws nothing)."""
    h_act = hash4(seed, S_ACTIVE_DEATHS, d, y)
    h_pens = hash4(seed, S_PENSIONER_DEATHS, d, y)
    for s in range(N_SEXES):
        b = _field(0, s, offset)
        qs = q[s]
        ls = log1m_q[s]
        for a in range(N_AGES):
            j = b + np.uint64(a)
            cell = base_cell + s * N_AGES + a
            act = work[j + _field(ACT, 0, 0)]
            pens = work[j + _field(PENS, 0, 0)]
            dead_act = 0.0
            if act > 0.0:
                dead_act = binomial_lq(act, qs[a], ls[a], h_act, cell)
            dead_pens = 0.0
            if pens > 0.0:
                dead_pens = binomial_lq(pens, qs[a], ls[a], h_pens, cell)
            work[j + _field(DEAD_ACT, 0, 0)] = dead_act
            work[j + _field(DEAD_PENS, 0, 0)] = dead_pens


@njit
def _deaths_and_entrants(
    work: np.ndarray,
    offset: int,
    risk: bool,
    pen_growth: float,  # 1 + the year's raise of pensions in payment
    q: np.ndarray,  # [S, A]
    coverage: np.ndarray,  # [S, A]
    coverage_mult: float,
    pop: np.ndarray,  # [S, A] after this year's deaths
) -> None:
    """Steps 1-3 for every cell. Each cell on its own, so the loop runs on vectors; the
    year's totals are summed afterwards, in cell order (``_totals``)."""
    for s in range(N_SEXES):
        b = _field(0, s, offset)
        qs = q[s]
        cs = coverage[s]
        ps = pop[s]
        for a in range(N_AGES):
            j = b + np.uint64(a)
            qa = qs[a]
            pen = work[j + _field(PEN, 0, 0)] * pen_growth
            # Deaths. Heirs get a dead member's account back.
            act = work[j + _field(ACT, 0, 0)]
            dead = work[j + _field(DEAD_ACT, 0, 0)] if risk else act * qa
            f = dead / act if act > 0.0 else 0.0
            acc = work[j + _field(ACC, 0, 0)]
            work[j + _field(OLD_ACC, 0, 0)] = acc
            refund = acc * f
            work[j + _field(REFUND, 0, 0)] = refund
            work[j + _field(ACC, 0, 0)] = acc - refund
            sv = work[j + _field(SV, 0, 0)]
            work[j + _field(SV, 0, 0)] = sv - sv * f
            act -= dead
            pens = work[j + _field(PENS, 0, 0)]
            dead = work[j + _field(DEAD_PENS, 0, 0)] if risk else pens * qa
            f = dead / pens if pens > 0.0 else 0.0
            work[j + _field(PEN, 0, 0)] = pen - pen * f
            sup = work[j + _field(SUP, 0, 0)]
            work[j + _field(SUP, 0, 0)] = sup - sup * f
            work[j + _field(PENS, 0, 0)] = pens - dead
            # Entrants up to the coverage target (zero outside contributing ages); whole
            # persons when counts are random.
            target = cs[a] * coverage_mult * ps[a]
            if target > act:
                gap = target - act
                act += np.floor(gap + 0.5) if risk else gap
            work[j + _field(ACT, 0, 0)] = act


@njit
def _totals(work: np.ndarray, offset: int) -> tuple[float, float, float, float, float, float]:
    """Sums over the cells, in the order sex, age: last year's year-end accounts, this
    year's refunds, contributors, pensioners, pensions and supplements paid."""
    accounts = 0.0
    refunds = 0.0
    contributors = 0.0
    pensioners = 0.0
    pension_paid = 0.0
    supplement_paid = 0.0
    for s in range(N_SEXES):
        b = _field(0, s, offset)
        for a in range(N_AGES):
            j = b + np.uint64(a)
            accounts += work[j + _field(OLD_ACC, 0, 0)]
            refunds += work[j + _field(REFUND, 0, 0)]
            contributors += work[j + _field(ACT, 0, 0)]
            pensioners += work[j + _field(PENS, 0, 0)]
            pension_paid += work[j + _field(PEN, 0, 0)]
            supplement_paid += work[j + _field(SUP, 0, 0)]
    return accounts, refunds, contributors, pensioners, pension_paid, supplement_paid


@njit
def _accounts(work: np.ndarray, offset: int) -> float:
    """The account total of members not yet drawing, in the order sex, age."""
    accounts = 0.0
    for s in range(N_SEXES):
        b = _field(ACC, s, offset)
        for a in range(N_AGES):
            accounts += work[b + np.uint64(a)]
    return accounts


@njit
def _credit(work: np.ndarray, offset: int, service: bool, credit: float, growth: float) -> None:
    """Step 5, first part: accounts get the year's credit per active and the return;
    service years are counted (schemes that take contributions)."""
    for s in range(N_SEXES):
        b = _field(0, s, offset)
        for a in range(N_AGES):
            j = b + np.uint64(a)
            act = work[j + _field(ACT, 0, 0)]
            acc = work[j + _field(ACC, 0, 0)]
            work[j + _field(ACC, 0, 0)] = (acc + act * credit) * growth
            if service:
                work[j + _field(SV, 0, 0)] += act


@njit
def _age(work: np.ndarray, offset: int) -> int:
    """Everyone a year older; returns the new offset. Age 100 is open: it gains age 99.
    The new age 0 is the cell below the window, empty since the ring was cleared; when the
    window reaches the bottom of the ring it moves back to the top."""
    for f in range(N_STATE):
        for s in range(N_SEXES):
            b = _field(f, s, offset)
            top = b + np.uint64(N_AGES - 1)
            work[top - np.uint64(1)] = work[top] + work[top - np.uint64(1)]
    if offset > 0:
        return offset - 1
    # Move the window's ages 0-99 (next year's 1-100) to the top of the ring and clear
    # the rest. Rare: only projections over RING - N_AGES years reach this.
    new = RING - N_AGES
    for f in range(N_STATE):
        for s in range(N_SEXES):
            b = _field(f, s, 0)
            for a in range(N_AGES - 2, -1, -1):
                work[b + np.uint64(new + 1 + a)] = work[b + np.uint64(a)]
            for j in range(new + 1):
                work[b + np.uint64(j)] = 0.0
    return new


@njit
def _retire(
    work: np.ndarray,
    offset: int,
    kind: int,
    wage: float,
    basic_factor: float,
    supplement: np.ndarray,  # [A]
    retire: np.ndarray,  # [S, A]
    retire_from: np.ndarray,  # int64[S]
    retire_to: np.ndarray,  # int64[S]
    payout_months: np.ndarray,  # [A]
    risk: bool,
    seed: int,
    d: int,
    y: int,
    base_cell: int,
) -> None:
    """Step 5, second part: those at a retirement age (after ageing) retire, turning their
    account (÷ payout months) and service years into a pension."""
    h = hash4(seed, S_RETIREMENTS, d, y) if risk else np.uint64(0)
    for s in range(N_SEXES):
        b = _field(0, s, offset)
        for a in range(retire_from[s], retire_to[s]):
            j = b + np.uint64(a)
            act = work[j + _field(ACT, 0, 0)]
            if retire[s, a] > 0.0 and act > 0.0:
                cell = base_cell + s * N_AGES + a
                n = binomial_at(act, retire[s, a], h, cell) if risk else act * retire[s, a]
                f = _share(n, act)
                moved_acc = work[j + _field(ACC, 0, 0)] * f
                moved_sv = work[j + _field(SV, 0, 0)] * f
                # Account pension (monthly account / divisor) and the basic pension
                # (a share of the year's wage per service year), both as yearly amounts.
                work[j + _field(PEN, 0, 0)] += (
                    12.0 * moved_acc / payout_months[a] + basic_factor * moved_sv * wage
                )
                if kind == RESIDENT and n > 0.0:
                    work[j + _field(SUP, 0, 0)] += 12.0 * n * supplement[_whole_years(moved_sv / n)]
                work[j + _field(PENS, 0, 0)] += n
                work[j + _field(ACT, 0, 0)] = act - n
                work[j + _field(ACC, 0, 0)] -= moved_acc
                work[j + _field(SV, 0, 0)] -= moved_sv
