"""The resident medical schemes (URBMI and NCMS; report II.(3), Tables 1-3), shared by
``urban_resident_medical`` and ``rural_cooperative_medical``.

Model (the kernel is ``kernels.medical.project_medical``; its docstring has the steps):

- **Insured.** The base-year insured of each financing category (URBMI: adults, students
  and children, college students, by county from Table 2; NCMS: everyone, the city total
  of Table 1 split by the allocation key) are placed over the category's ages in
  proportion to the unit's residents (the city-level unit: the whole city's). Their ratio
  to the residents of each sex and age is the coverage, held (times
  ``coverage.target_factor``, reached linearly) while the population moves: enrolment is
  yearly, so entrants and leavers follow the population path.
- **Financing.** Each insured pays the category's premium (``contributions``) and brings
  the subsidies of the four levels of government (``subsidy_central`` ... ``_county``;
  Table 2 note 1 for URBMI; for NCMS the report gives 340 unsplit and the split is an
  assumption). Per-head amounts grow with ``financing_growth`` (known rates, else a share
  of nominal wage growth).
- **Claims.** Hospital admissions at four levels (Table 3: level 1, 2, 3 and outside the
  city) arrive at ``rate[h, age] = admission_rate x admission_share[h] x r(age)``, where
  ``r`` is the age-cost curve (:func:`age_cost_curve`, calibrated by
  :func:`solve_age_cost_growth` so that residents 60 and over incur 50 % of the cost, P16)
  and ``admission_rate`` was calibrated (:func:`calibrate_admission_rate`) so that the
  base year's expected benefits are an assumed share of the financing raised (URBMI 0.85,
  NCMS 0.95 city-wide: the report gives no expenditure). The rate is an assumption of its
  own, held when a scenario changes the benefit rules, so that their effect shows; with
  one rate per scheme, Xinping's more generous NCMS rules (Table 3) pay out more than the
  other counties' (a base-year payout ratio of about 1.1 against 0.93). The cost of an
  admission is lognormal (mean ``mean_cost_cny[h]``, ``cost_cv``); the fund pays the
  reimbursement ratio of the cost above the deductible, up to the cap (Table 3; the annual
  cap applied per admission), with deductibles and caps moving with costs. Costs per
  admission grow with nominal wages plus an excess (``cost_growth``). With process risk
  the admissions of each unit and level are Poisson and their benefits a compound sum
  (exact below ``kernels.medical.EXACT_BELOW`` admissions, a normal with the exact mean
  and variance above); without it, expected values.
- **Fund.** URBMI is pooled at city level (report II.(3)): the whole fund, with every
  county's insured, financing and claims, is held on the ``city_level`` unit and the
  county rows are zero, so the pool's solvency is that of the city, not of any county.
  NCMS is pooled by county: a fund per county, the opening balance split by base-year
  insured. Interest at the draw's fund return on the mean balance of the year.

Left out: outpatient pooling and the second reimbursement for catastrophic spending
(V.(2).3.(7); inside the calibrated rate where they existed), annual caps per person
rather than per admission, Xinping's integrated pilot standards (Table 1 note 1; the 0.4-
1.6 % by which Table 1's fund totals exceed insured x standard), the proposed merger and
the subsidy needed to lift URBMI to the NCMS standard (Table 2: a reform, not the
baseline), administration costs (paid from budgets: ``other_outgo`` is zero), and demand
released by new coverage beyond the excess cost growth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from actuarial.assumptions.schemes_medical import AgeCost, ResidentMedical
from actuarial.claims import CLAIMS_VARIABLES, N_AGES, check_chunk
from actuarial.context import Context
from actuarial.pensions._inputs import distribute
from actuarial.registry import counties
from actuarial.rounding import split_exact
from actuarial.scenarios import EconomicPaths

__all__ = [
    "PAYERS",
    "STREAM0",
    "Calibration",
    "MedicalCode",
    "MedicalScheme",
    "age_cost_curve",
    "benefit_moments",
    "build_medical",
    "calibrate_admission_rate",
    "lognormal_params",
    "old_age_share",
    "solve_age_cost_growth",
]

F64 = NDArray[np.float64]
MedicalCode = Literal["urban_resident_medical", "rural_cooperative_medical"]
N_LEVELS = 4
AGES = np.arange(N_AGES)
#: Who pays the financing of an insured, in the order of the kernel's payer axis.
PAYERS = ("individual", "central", "province", "city", "county")
#: First random stream of each scheme (three each, inside the family's 20-29), so the two
#: schemes' claims in the same unit and year are independent.
STREAM0: dict[str, int] = {"urban_resident_medical": 20, "rural_cooperative_medical": 23}


def age_cost_curve(growth: float, rules: AgeCost) -> F64:
    """[A] relative cost r(x): 1 up to ``flat_until_age``, ``exp(growth (x -
    flat_until_age))`` up to ``cap_age``, flat after (the P16 README's proposed shape)."""
    steps = np.clip(AGES, rules.flat_until_age, rules.cap_age) - rules.flat_until_age
    return np.asarray(np.exp(growth * steps), dtype=np.float64)


def old_age_share(growth: float, rules: AgeCost, residents_by_age: F64) -> float:
    """Share of the cost incurred at ``old_age`` and over by these residents."""
    cost = residents_by_age * age_cost_curve(growth, rules)
    return float(cost[rules.old_age :].sum() / cost.sum())


def solve_age_cost_growth(rules: AgeCost, residents_by_age: F64) -> float:
    """The yearly growth of r(x) with age that makes the old-age share of the cost
    ``old_age_cost_share`` for these residents (bisection; the share rises with it)."""
    target = rules.old_age_cost_share
    lo, hi = 0.0, 1.0
    if (
        not old_age_share(lo, rules, residents_by_age)
        <= target
        < old_age_share(hi, rules, residents_by_age)
    ):
        raise ValueError(
            f"age_cost.old_age_cost_share {target}: must be at least the old-age share of "
            f"residents ({old_age_share(lo, rules, residents_by_age):.3f}) and reachable "
            "with a growth below 100 % a year of age"
        )
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if old_age_share(mid, rules, residents_by_age) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal with this mean and coefficient of variation."""
    sigma2 = math.log1p(cv * cv)
    return math.log(mean) - 0.5 * sigma2, math.sqrt(sigma2)


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _partial_moment(k: int, lo: float, hi: float, mu: float, sigma: float) -> float:
    """E[X^k; lo < X <= hi] for X lognormal(mu, sigma), 0 <= lo <= hi <= inf."""

    def cdf(u: float) -> float:
        if u <= 0.0:
            return 0.0
        if math.isinf(u):
            return 1.0
        return _phi((math.log(u) - mu - k * sigma * sigma) / sigma)

    return math.exp(k * mu + 0.5 * k * k * sigma * sigma) * (cdf(hi) - cdf(lo))


def benefit_moments(
    mu: float, sigma: float, deductible: float, ratio: float, limit: float
) -> tuple[float, float]:
    """Mean and variance of ``ratio x min(max(X - deductible, 0), limit)``, X lognormal.

    With ``U = deductible + limit``: ``E[Y] = E[X; D<X<=U] - D P(D<X<=U) + L P(X>U)`` and
    ``E[Y^2] = E[X^2; .] - 2 D E[X; .] + D^2 P(.) + L^2 P(X>U)`` (closed-form partial
    moments of the lognormal)."""
    d, lim = deductible, limit
    top = d + lim
    p_mid = _partial_moment(0, d, top, mu, sigma)
    m1 = _partial_moment(1, d, top, mu, sigma)
    m2 = _partial_moment(2, d, top, mu, sigma)
    p_top = 0.0 if math.isinf(top) else 1.0 - _phi((math.log(top) - mu) / sigma)
    capped = 0.0 if p_top == 0.0 else lim
    ey = m1 - d * p_mid + capped * p_top
    ey2 = m2 - 2.0 * d * m1 + d * d * p_mid + capped * capped * p_top
    return ratio * ey, ratio * ratio * max(ey2 - ey * ey, 0.0)


@dataclass(frozen=True)
class Calibration:
    """What the base year and the assumptions imply."""

    age_cost_growth: float  # yearly growth of r(x) with age, from flat_until_age
    old_age_cost_ratio: float  # cost per resident of old_age and over / all-age average
    admissions_per_insured: float  # base year, all levels and ages
    financing: float  # base year, CNY (base-year insured x standards)
    benefits: float  # base year expected, CNY (base-year insured)
    payout_ratio: float  # benefits / financing
    mean_benefit_per_admission: float  # base year, CNY


@dataclass
class MedicalScheme:
    """One resident medical scheme of every county-level unit, as the kernel's arrays."""

    code: str
    notes: str
    has_fund: bool
    opening_balance: F64  # [C] CNY at the start of the base year
    stream0: int
    pool: NDArray[np.int64]  # [C] row holding each unit's flows and fund
    insured0: F64  # [K, C, S, A] base-year insured, whole persons
    coverage: F64  # [K, C, S, A]
    coverage_path: F64  # [Y]
    premium: F64  # [K, C, P] base-year CNY per insured
    financing_known: F64  # [Y]
    financing_wage_share: float
    excess_cost: F64  # [Y]
    admission_rate: float  # per insured a year at relative cost 1, all levels
    rate: F64  # [H, S, A]
    sev_mu: F64  # [H]
    sev_sigma: F64  # [H]
    deductible: F64  # [C, H]
    ratio: F64  # [C, H]
    limit: F64  # [C, H, Y]
    mean_benefit: F64  # [C, H, Y]
    var_benefit: F64  # [C, H, Y]
    calibration: Calibration

    def kernel_args(self) -> tuple[Any, ...]:
        """The kernel's arguments after the paths and population, in its order."""
        return (
            self.coverage, self.coverage_path, self.premium, self.financing_known,
            self.financing_wage_share, self.excess_cost, self.rate, self.sev_mu,
            self.sev_sigma, self.deductible, self.ratio, self.limit, self.mean_benefit,
            self.var_benefit, self.pool, self.opening_balance,
        )  # fmt: skip

    def run_chunk(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        population: F64,
        *,
        process_risk: bool,
    ) -> F64:
        """``[len(CLAIMS_VARIABLES), len(ids), counties, years]`` for the draws ``ids``."""
        from kernels.medical import project_medical

        n_years = self.coverage_path.size
        check_chunk(self.code, ids, paths, population, n_counties=self.pool.size, n_years=n_years)
        out = np.empty((len(CLAIMS_VARIABLES), ids.size, self.pool.size, n_years))
        project_medical(
            int(seed),
            np.ascontiguousarray(ids, dtype=np.int64),
            bool(process_risk),
            self.stream0,
            np.ascontiguousarray(paths.wage_growth, dtype=np.float64),
            np.ascontiguousarray(paths.fund_return, dtype=np.float64),
            np.ascontiguousarray(population, dtype=np.float64),
            self.coverage, self.coverage_path, self.premium, self.financing_known,
            self.financing_wage_share, self.excess_cost, self.rate, self.sev_mu,
            self.sev_sigma, self.deductible, self.ratio, self.limit, self.mean_benefit,
            self.var_benefit, self.pool, self.opening_balance,
            out,
        )  # fmt: skip
        return out


def _rules(ctx: Context, code: MedicalCode) -> ResidentMedical:
    rules: ResidentMedical = getattr(ctx.assumptions.schemes, code)
    return rules


def _linear(years: NDArray[np.int64], start: float, end: float, converged: int) -> F64:
    """``start`` in the year after the base year, moving linearly to ``end`` by
    ``converged`` (0 in the base year, where no growth applies)."""
    first = int(years[0]) + 1
    span = max(converged - first, 1)
    t = np.clip((years - first) / span, 0.0, 1.0)
    out = np.asarray((1.0 - t) * start + t * end, dtype=np.float64)
    out[0] = 0.0
    return out


def _financing(
    ctx: Context, rules: ResidentMedical, code: str, insured: dict[str, F64]
) -> tuple[F64, F64, F64]:
    """Base-year insured and coverage ``[K, C, S, A]`` and premiums ``[K, C, P]``."""
    ref = ctx.reference_population()
    n_cat = len(rules.categories)
    insured0 = np.zeros((n_cat, *ref.shape))
    coverage = np.zeros_like(insured0)
    premium = np.zeros((n_cat, ctx.n_counties, len(PAYERS)))
    for k, cat in enumerate(rules.categories):
        if cat.name not in insured:
            raise ValueError(f"{code}: no base-year insured for category {cat.name!r}")
        mask = np.zeros(N_AGES)
        mask[cat.ages[0] : cat.ages[1] + 1] = 1.0
        insured0[k] = distribute(np.asarray(insured[cat.name], dtype=np.float64), ref * mask)
        with np.errstate(invalid="ignore", divide="ignore"):
            coverage[k] = np.where(ref > 0, insured0[k] / np.where(ref > 0, ref, 1.0), 0.0)
        for c, unit in enumerate(counties()):
            province, city, county = cat.province_cny, cat.city_cny, cat.county_cny
            if unit in cat.no_province_subsidy_in:
                # The total per insured is unchanged: city and county pay the province's half each.
                city, county = city + 0.5 * province, county + 0.5 * province
                province = 0.0
            premium[k, c] = (cat.individual_cny, cat.central_cny, province, city, county)
    return insured0, coverage, premium


def _pools(
    ctx: Context, rules: ResidentMedical, code: str, insured0: F64
) -> tuple[NDArray[np.int64], F64]:
    """The row holding each unit's fund, and the opening balances ``[C]``."""
    n_units = ctx.n_counties
    city_rows = np.flatnonzero(ctx.city_pool)
    balance0 = np.zeros(n_units)
    if rules.pooling == "city":
        if city_rows.size != 1:
            raise ValueError(f"{code}: a city pool needs exactly one city-level unit")
        balance0[city_rows[0]] = rules.opening_balance_cny
        return np.full(n_units, city_rows[0], dtype=np.int64), balance0
    opening = rules.opening_balance_cny
    if opening != int(opening):
        raise ValueError(f"{code}: opening_balance_cny {opening} is not whole")
    if opening > 0:
        balance0 = split_exact(int(opening), insured0.sum(axis=(0, 2, 3))).astype(np.float64)
    return np.arange(n_units, dtype=np.int64), balance0


@dataclass(frozen=True)
class _BenefitArrays:
    sev_mu: F64  # [H]
    sev_sigma: F64  # [H]
    deductible: F64  # [C, H]
    ratio: F64  # [C, H]
    limit: F64  # [C, H, Y]
    mean: F64  # [C, H, Y]
    var: F64  # [C, H, Y]


def _benefits(ctx: Context, rules: ResidentMedical) -> _BenefitArrays:
    """Cost per admission by level, Table 3's rules by unit and the benefit moments."""
    codes = counties()
    n_units, n_years = ctx.n_counties, ctx.years.size
    hosp = rules.hospitals
    mu_sigma = [lognormal_params(m, hosp.cost_cv) for m in hosp.mean_cost_cny]
    sev_mu = np.array([p[0] for p in mu_sigma])
    sev_sigma = np.array([p[1] for p in mu_sigma])
    deductible = np.zeros((n_units, N_LEVELS))
    ratio = np.zeros((n_units, N_LEVELS))
    for rule in rules.benefits.rules:
        for unit in rule.counties:
            deductible[codes.index(unit)] = rule.deductible_cny
            ratio[codes.index(unit)] = rule.reimbursement
    ben = rules.benefits
    # The annual cap, applied per admission, bounds the cost above the deductible that is
    # paid at cap / ratio (no cost is paid at a zero ratio).
    limit = np.full((n_units, N_LEVELS, n_years), np.inf)
    paid = ratio > 0
    layer = np.where(paid, ben.annual_cap_cny / np.where(paid, ratio, 1.0), 0.0)
    limit[:, :, ctx.years <= ben.cap_last_year] = layer[:, :, None]
    mean = np.zeros_like(limit)
    var = np.zeros_like(limit)
    for c in range(n_units):
        for h in range(N_LEVELS):
            for y in range(n_years):
                mean[c, h, y], var[c, h, y] = benefit_moments(
                    sev_mu[h], sev_sigma[h], deductible[c, h], ratio[c, h], limit[c, h, y]
                )
    return _BenefitArrays(sev_mu, sev_sigma, deductible, ratio, limit, mean, var)


def _age_cost(ctx: Context, rules: ResidentMedical) -> tuple[float, F64]:
    """The growth of the age-cost curve solved on the city's residents, and the curve."""
    growth = solve_age_cost_growth(rules.age_cost, ctx.pop0.sum(axis=(0, 1)))
    return growth, age_cost_curve(growth, rules.age_cost)


def _rates(rules: ResidentMedical, scale: float, curve: F64) -> F64:
    """[H, S, A] admissions per insured a year: scale x level share x r(age)."""
    share = np.asarray(rules.hospitals.admission_share)
    rate = np.empty((N_LEVELS, 2, N_AGES))
    rate[:] = scale * share[:, None, None] * curve[None, None, :]
    return rate


def _calibration(
    ctx: Context, rules: ResidentMedical, *, insured0: F64, premium: F64, mean_benefit: F64
) -> Calibration:
    """The base year implied by the admission rate and the other assumptions."""
    residents = ctx.pop0.sum(axis=(0, 1))
    growth, curve = _age_cost(ctx, rules)
    scale = rules.hospitals.admission_rate
    lam = np.einsum("kcsa,hsa->ch", insured0, _rates(rules, scale, curve))  # [C, H]
    admissions = float(lam.sum())
    benefits = float((lam * mean_benefit[:, :, 0]).sum())
    financing = float((insured0.sum(axis=(2, 3)) * premium.sum(axis=2)).sum())
    old = rules.age_cost.old_age
    ratio_old = (residents[old:] * curve[old:]).sum() / residents[old:].sum()
    ratio_all = (residents * curve).sum() / residents.sum()
    return Calibration(
        age_cost_growth=growth,
        old_age_cost_ratio=float(ratio_old / ratio_all),
        admissions_per_insured=admissions / float(insured0.sum()),
        financing=financing,
        benefits=benefits,
        payout_ratio=benefits / financing,
        mean_benefit_per_admission=benefits / admissions,
    )


def calibrate_admission_rate(scheme: MedicalScheme, payout_ratio: float) -> float:
    """The ``hospitals.admission_rate`` that makes the base year's expected benefits
    ``payout_ratio`` times the financing raised, the other assumptions as in ``scheme``
    (expected benefits are proportional to the rate). How the packaged rates were set."""
    cal = scheme.calibration
    if cal.benefits <= 0:
        raise ValueError(f"{scheme.code}: no benefit payable in the base year")
    return scheme.admission_rate * payout_ratio / cal.payout_ratio


def build_medical(
    ctx: Context, code: MedicalCode, notes: str, insured: dict[str, F64]
) -> MedicalScheme:
    """The kernel arrays of a resident medical scheme.

    ``insured`` gives, for each financing category of the assumptions (by name), the
    base-year insured of each county-level unit in whole persons (canonical order)."""
    rules = _rules(ctx, code)
    insured0, coverage, premium = _financing(ctx, rules, code, insured)
    pool, balance0 = _pools(ctx, rules, code, insured0)
    ben = _benefits(ctx, rules)
    _, curve = _age_cost(ctx, rules)
    calibration = _calibration(
        ctx, rules, insured0=insured0, premium=premium, mean_benefit=ben.mean
    )
    growth = rules.cost_growth
    return MedicalScheme(
        code=code,
        notes=notes,
        has_fund=True,
        opening_balance=balance0,
        stream0=STREAM0[code],
        pool=pool,
        insured0=insured0,
        coverage=coverage,
        coverage_path=ctx.linear_path(rules.coverage.target_factor, rules.coverage.target_year),
        premium=premium,
        financing_known=ctx.known_path(rules.financing_growth.known),
        financing_wage_share=rules.financing_growth.wage_share,
        excess_cost=_linear(
            ctx.years, growth.excess_initial, growth.excess_long_run, growth.converged_year
        ),
        admission_rate=rules.hospitals.admission_rate,
        rate=_rates(rules, rules.hospitals.admission_rate, curve),
        sev_mu=ben.sev_mu,
        sev_sigma=ben.sev_sigma,
        deductible=ben.deductible,
        ratio=ben.ratio,
        limit=ben.limit,
        mean_benefit=ben.mean,
        var_benefit=ben.var,
        calibration=calibration,
    )
