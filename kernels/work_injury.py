"""The work-injury kernel: one fund's counties, year by year, with long-tail annuities.

Each county is its own pool (the report, II.(5) and Table 5a: county accounts; the
adjustment fund between them is left out). State per draw and county: the fund balance,
and for each annuity kind (grade 1-4 disability allowances, dependants' pensions of work
deaths) the number of annuitants in payment and the total annual amount they are paid.
One year of a county, in order:

1. the insured are a fixed share (``coverage x coverage_path``) of the county's
   working-age residents during the year (the population path), rounded to whole
   persons when counts are random; contributions are
   insured x the year's average wage x ``premium`` (contribution per insured as a
   fraction of the average wage: rate x payroll ratio);
2. annuities in payment are raised (known raise of the year, else the CPI and real-wage
   rule), then some end: probability ``1 - (1 - q)(1 - exit)`` with ``q`` the death
   probability of the kind's representative sex and age in this draw (central ``qbar``
   moved by the draw's mortality index, ``log q = log qbar + b eps``); the amounts of
   those who leave go with them; the survivors are paid for the year;
3. new claims of each kind (medical, temporary incapacity, grades 5-10, grades 1-4,
   work death) arrive as Poisson counts of mean insured x frequency, each costing its
   severity x the year's wage; each work death leaves a Poisson number of dependants
   (mean ``dependants_per_death``);
4. interest on the mean balance of the year and the balance;
5. at the year end, the new grade 1-4 cases and dependants join the annuitants, each at
   its starting annual amount (a multiple of the year's wage).

With ``process_risk`` every count is drawn (``kernels.sampling``: exact inversion below a
mean of 30, else the normal approximation) from the counter-based generator, so a draw
is a pure function of (seed, global draw index, year, cell); without it the same steps
use expected values. The cell of every variate is ``2 * county + fund`` (``fund`` 0 for
the enterprise fund, 1 for the institution fund), so the two funds never share a random
number and a county's numbers do not depend on how many counties are run.

The balance identity holds exactly, by construction: ``balance[t] = balance[t-1] +
(contributions + subsidies + interest) - (benefits + other_outgo)``, summed in that
order, with ``subsidies = subsidy_central + subsidy_province + subsidy_city +
subsidy_county`` (all zero: the report names no subsidy of these funds).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from kernels.cohort import N_AGES
from kernels.fund import settle_year
from kernels.jit import njit, pjit
from kernels.sampling import binomial, poisson

__all__ = [
    "ANNUITIES",
    "KINDS",
    "MEMO",
    "VARIABLES",
    "project_work_injury",
]

N_SEXES = 2

#: One-off claim kinds, in the order of the kernel's ``frequency`` and ``severity`` rows.
KINDS = ("medical", "temporary", "minor", "severe", "death")
MEDICAL, TEMPORARY, MINOR, SEVERE, DEATH = 0, 1, 2, 3, 4
#: Annuity kinds: grade 1-4 disability allowances (from SEVERE claims), dependants'
#: pensions (from DEATH claims).
ANNUITIES = ("disability", "dependants")
DISABILITY, DEPENDANTS = 0, 1

#: The contract variables (``actuarial.claims.CLAIMS_VARIABLES``), then memo items.
CONTRACT = (
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
MEMO = (
    "annuitants_disability",  # in payment during the year, after the year's ends
    "annuitants_dependants",
    "annuities_paid",  # CNY: the annuity part of benefits
    "claims",  # new claims of every kind (count)
)
VARIABLES = CONTRACT + MEMO
N_CONTRACT = len(CONTRACT)

# Random streams of the work-injury family (40-49).
S_CLAIMS = 40  # + kind (40-44)
S_DEPENDANTS = 45
S_ENDS = 46  # + annuity kind (46-47)


@njit
def _count(
    n: float, p: float, risk: bool, seed: int, stream: int, d: int, y: int, cell: int
) -> float:
    """How many of ``n`` have an event of probability ``p``: expected, or drawn."""
    if risk:
        return binomial(n, p, seed, stream, d, y, cell)
    return n * p


@njit
def _events(mean: float, risk: bool, seed: int, stream: int, d: int, y: int, cell: int) -> float:
    """A count of mean ``mean``: expected, or a Poisson draw."""
    if risk:
        return poisson(mean, seed, stream, d, y, cell)
    return mean


@njit
def _raise(known: float, cpi_share: float, wage_share: float, cpi: float, real: float) -> float:
    if not math.isnan(known):
        return known
    return cpi_share * cpi + wage_share * real


# d = draw, y = year index, c = county, s = sex, a = age, k = claim kind, j = annuity kind
@pjit
def project_work_injury(
    seed: int,
    draws: np.ndarray,  # int64[D] global draw indices
    process_risk: bool,
    fund: int,  # 0 enterprise, 1 institution: offsets the random cells
    wage0: float,  # city average wage in the base year (CNY a year)
    wage_growth: np.ndarray,  # [D, Y] nominal
    cpi: np.ndarray,  # [D, Y]
    real_wage_growth: np.ndarray,  # [D, Y]
    fund_return: np.ndarray,  # [D, Y]
    mortality_index: np.ndarray,  # [D, Y, S]
    population: np.ndarray,  # [D, Y, C, S, A] residents during the year
    working: np.ndarray,  # [S, A] 1 at the working ages the insured are a share of
    coverage: np.ndarray,  # [C] insured per working-age resident, base year
    coverage_path: np.ndarray,  # [Y] multiplier of the base coverage
    premium: np.ndarray,  # [C] contribution per insured / average wage
    frequency: np.ndarray,  # [K, C] new claims per insured a year
    severity: np.ndarray,  # [K, C] one-off cost per claim / average wage
    dependants_per_death: float,
    annuity_start: np.ndarray,  # [J] first annual amount of a new annuitant / average wage
    end_qbar: np.ndarray,  # [J, Y] central death probability of the representative age
    end_bx: np.ndarray,  # [J] Lee-Carter b at that age
    end_sex: np.ndarray,  # int64[J] whose mortality index applies
    end_exit: np.ndarray,  # [J] other ends a year
    raise_known: np.ndarray,  # [Y] raise of annuities in payment (NaN: rule)
    raise_rule: np.ndarray,  # [2] cpi share, real-wage share
    n0: np.ndarray,  # [J, C] annuitants at the start
    pay0: np.ndarray,  # [J, C] their total annual amount (base-year level)
    balance0: np.ndarray,  # [C]
    out: np.ndarray,  # [V, D, C, Y]
) -> None:
    """Project every county of one work-injury fund for the draws ``draws`` into ``out``."""
    n_draws = draws.shape[0]
    n_years = wage_growth.shape[1]
    n_counties = coverage.shape[0]
    n_kinds = frequency.shape[0]
    n_annuities = n0.shape[0]  # DISABILITY, DEPENDANTS
    for i in numba.prange(n_draws):
        d = draws[i]
        wage = np.empty(n_years)
        wage[0] = wage0
        for y in range(1, n_years):
            wage[y] = wage[y - 1] * (1.0 + wage_growth[i, y])
        # Probability that an annuitant of each kind stops being paid, by year.
        ends = np.empty((n_annuities, n_years))
        for j in range(n_annuities):
            for y in range(n_years):
                eps = mortality_index[i, y, end_sex[j]]
                q = min(end_qbar[j, y] * math.exp(end_bx[j] * eps), 1.0)
                ends[j, y] = 1.0 - (1.0 - q) * (1.0 - end_exit[j])
        n = np.empty(n_annuities)
        pay = np.empty(n_annuities)
        count = np.empty(n_kinds)
        for c in range(n_counties):
            cell = 2 * c + fund
            n[:] = n0[:, c]
            pay[:] = pay0[:, c]
            balance = balance0[c]
            for y in range(n_years):
                w = wage[y]
                # 1. Insured and contributions.
                residents = 0.0
                for s in range(N_SEXES):
                    for a in range(N_AGES):
                        residents += working[s, a] * population[i, y, c, s, a]
                insured = coverage[c] * coverage_path[y] * residents
                if process_risk:
                    insured = np.floor(insured + 0.5)  # whole persons when counts are random
                contributions = insured * w * premium[c]
                # 2. Annuities in payment: raised, some end, the rest are paid.
                r = _raise(
                    raise_known[y], raise_rule[0], raise_rule[1], cpi[i, y], real_wage_growth[i, y]
                )
                annuities = _annuities_year(n, pay, r, ends[:, y], process_risk, seed, d, y, cell)
                # 3. New claims and their one-off costs.
                claims, one_off = _claims_year(
                    count, insured, frequency[:, c], severity[:, c], w, process_risk, seed, d,
                    y, cell,
                )  # fmt: skip
                dependants = _events(
                    count[DEATH] * dependants_per_death, process_risk, seed, S_DEPENDANTS, d,
                    y, cell,
                )  # fmt: skip
                # Beneficiaries: annuitants in payment, the injured (every recognised injury
                # is a medical claim) and the work deaths (their families).
                beneficiaries = n[DISABILITY] + n[DEPENDANTS] + count[MEDICAL] + count[DEATH]
                benefits = annuities + one_off
                # 4. No subsidies and no other outgo; interest on the mean balance.
                balance = settle_year(
                    out, i, c, y, fund_return[i, y], balance, insured, beneficiaries,
                    contributions, 0.0, 0.0, 0.0, 0.0, benefits, 0.0,
                )  # fmt: skip
                # Memo items after the contract variables (annuitants: those paid this year).
                memo = (n[DISABILITY], n[DEPENDANTS], annuities, claims)
                for v in range(len(memo)):
                    out[N_CONTRACT + v, i, c, y] = memo[v]
                # 5. New annuitants join at the year end.
                n[DISABILITY] += count[SEVERE]
                pay[DISABILITY] += count[SEVERE] * annuity_start[DISABILITY] * w
                n[DEPENDANTS] += dependants
                pay[DEPENDANTS] += dependants * annuity_start[DEPENDANTS] * w


@njit
def _annuities_year(
    n: np.ndarray,  # [J] annuitants, updated in place
    pay: np.ndarray,  # [J] their total annual amount, updated in place
    raised: float,
    ends: np.ndarray,  # [J] probability of ending this year
    risk: bool,
    seed: int,
    d: int,
    y: int,
    cell: int,
) -> float:
    """Step 2: raise the amounts in payment, end some annuities (their amounts go with
    them), and return what the rest are paid this year."""
    paid = 0.0
    for j in range(n.shape[0]):
        pay[j] *= 1.0 + raised
        gone = _count(n[j], ends[j], risk, seed, S_ENDS + j, d, y, cell)
        if n[j] > 0.0:
            pay[j] -= pay[j] * (gone / n[j])
        n[j] -= gone
        paid += pay[j]
    return paid


@njit
def _claims_year(
    count: np.ndarray,  # [K] filled with this year's claims of each kind
    insured: float,
    frequency: np.ndarray,  # [K]
    severity: np.ndarray,  # [K]
    wage: float,
    risk: bool,
    seed: int,
    d: int,
    y: int,
    cell: int,
) -> tuple[float, float]:
    """Step 3: new claims of each kind; returns (claims, their one-off cost)."""
    claims = 0.0
    one_off = 0.0
    for k in range(count.shape[0]):
        count[k] = _events(insured * frequency[k], risk, seed, S_CLAIMS + k, d, y, cell)
        claims += count[k]
        one_off += count[k] * severity[k] * wage
    return claims, one_off
