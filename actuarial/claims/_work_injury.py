"""The two work-injury funds (工伤保险, report II.(5)): contributions from employers, one-off
claims and long-tail annuities, each county its own pool.

Model (the kernel ``kernels.work_injury`` runs it; its docstring gives the yearly steps)
-----------------------------------------------------------------------------------------
* **Insured.** Each county's 2012 insured (enterprise: Table 5a, Yimen read as 11,692,
  CHECKS I-2; institution: the city's 66,897 split by the allocation key) are a share of
  its working-age residents (``working_ages``); that share is held, times
  ``coverage.target_factor`` reached linearly by ``coverage.target_year``.
* **Contributions.** Insured x the year's average wage x a premium. The report gives no
  rate, so the premium is the 2012 contribution per insured over the 2012 average wage
  (county by county from Table 5a for the enterprise fund; city-wide for the institution
  fund). Divided by ``payroll_ratio`` it is the implied average rate on payroll:
  6,975万 / 143,078 insured / 41,971 CNY = 1.16 % for enterprises, 1,546万 / 66,897 /
  (1.2 x 41,971) = 0.46 % for institutions; a plausibility check only, not a source: the
  national rule of 2003 (劳社部发〔2003〕29号, not in the public data) aims at about 1 %
  on average, 0.5 % in the lowest risk class. The 2012 wage is
  ``economy.wage_2013_cny_per_year`` / (1 + ``wage_growth_2013``).
* **Claims.** Recognised injuries per insured are the 2012 beneficiaries who are neither
  grade 1-4 annuitants, dependants nor work deaths, per insured (Table 5a by county; the
  II.(5) totals for institutions). Every injury is a *medical* claim; shares of them also
  have a fund-paid *temporary*-incapacity cost, a grade 5-10 (*minor*) lump sum or a
  grade 1-4 (*severe*) lump sum and allowance; *work deaths* per injury are the 2012
  ratio (47 / 3,140 enterprise, 2 / 264 institution). Each kind is a Poisson count
  (independent Poisson counts are what thinning one Poisson count of injuries gives).
* **Severities**, as multiples of the year's average wage, from the regulation's items
  (工伤保险条例, 2010 revision; ``claims`` keys); the medical cost per injury is the one
  unknown and is calibrated so that the expected 2012 expenditure of the whole fund
  equals the printed one (6,249万; 398万). A county cost factor then scales all one-off
  severities of a county so that its own 2012 expenditure is matched too (Table 5a; it
  carries the county's case mix, wage level and the chance of its 2012 claims, and
  averages 1 over the city, weighted by the one-off claims cost).
* **Annuities** (the long tail). Grade 1-4 allowances (with the nursing allowance) and
  dependants' pensions: a state of annuitants per county with their total annual amount,
  started from the 2012 counts (245 and 390 enterprise, by county from Table 5a; 1 and 2
  institution) at the regulation's levels on the 2012 wage; raised each year like the
  pensions; ended each year with probability ``1 - (1 - q)(1 - exit)``, ``q`` the death
  probability of a representative age and sex in the draw, ``exit`` other ends
  (retirement for allowances, children coming of age for dependants). New grade 1-4
  cases and dependants (``dependants_per_death`` per work death, Poisson) join at the end
  of the year of the claim at the year's wage.
* **How many new annuitants** the report implies, from the enterprise history
  (Table 5b), with the same ends: grade 1-4 cases per injury = 245 / (injuries per
  insured x sum over 2004-2012 of insured x survival to 2012), and dependants per work
  death = 390 / (sum over 2007-2012 of work deaths x survival to 2012). Cases before the
  table's first year are not counted, so both are upper bounds. The institution fund
  (created 2012-01, II.(5)) has no history and takes the enterprise ratios.
* **Funds.** Opening balances: 2,079万 (enterprise) and 3,705万 (institution) at the end
  of 2012, split by the allocation key (Table 5a prints no county balance). The reserve
  (储备金, 234万 in each fund, II.(5); the institution figure is doubtful, CHECKS I-7) is
  part of these balances and is not kept apart. Interest as every fund. No subsidies
  (the report names none) and no other outgo.

Left out, and why
-----------------
* The adjustment fund between counties (Table 5a's 补助基金: 570万 remitted by Hongta,
  Xinping and Yuanjiang, 962万 paid to six deficit counties, net 392万 from the city):
  each county is projected as its own small pool, which is the report's point about
  them; pooling reforms (V.(2).5) belong to scenarios.
* Arrears (151万 and 8万 owed, III.(1).1) and their recovery (48万 in 2012): the premium
  is derived from what was collected, so new arrears are netted out; recoveries are
  under 1 % of income.
* Wages during 停工留薪期 are paid by the employer (art. 33), not the fund; the
  ``temporary`` kind holds the fund's own temporary-incapacity items only.
* The reward fund (1997) and prevention spending: the report gives no amounts.
* Annuitants by age: each kind ends at one representative age's death probability
  (improving over calendar years) plus a flat exit rate; after a grade 1-4 annuitant
  retires the fund may still owe the nursing allowance and any shortfall of the basic
  pension below the allowance (art. 35), which are not counted.
* The 2012 annuitants are taken as paid for the whole of 2012 and as the state entering
  2013 (the report gives counts paid in the year, not at its end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from actuarial.allocation import key_weights, table5a_by_county
from actuarial.assumptions.schemes_work_injury import WorkInjury
from actuarial.context import Context
from actuarial.data import read_csv
from actuarial.registry import counties
from actuarial.rounding import split_exact
from actuarial.scenarios import EconomicPaths

__all__ = [
    "ANNUITIES",
    "FUNDS",
    "KINDS",
    "BaseYear",
    "Calibration",
    "WorkInjuryScheme",
    "base_year",
    "build_work_injury",
    "calibrate",
    "history_ratios",
]

F64 = NDArray[np.float64]
Code = Literal["work_injury_enterprise", "work_injury_institution"]

#: Claim kinds and annuity kinds, in the kernel's order (``kernels.work_injury``).
KINDS = ("medical", "temporary", "minor", "severe", "death")
ANNUITIES = ("disability", "dependants")
#: The random cells of each fund are ``2 * county + FUNDS[code]``.
FUNDS: dict[str, int] = {"work_injury_enterprise": 0, "work_injury_institution": 1}
_SEXES = ("male", "female")


@dataclass(frozen=True)
class BaseYear:
    """One fund's 2012 figures by county (canonical order): persons and CNY a year."""

    insured: F64
    contributions: F64
    expenditure: F64
    beneficiaries: F64
    severe: F64  # grade 1-4 allowances paid
    deaths: F64  # work deaths paid
    dependants: F64  # dependants' pensions paid
    balance: F64  # end of 2012

    @property
    def injuries(self) -> F64:
        """Recognised injuries: beneficiaries who are not annuitants or work deaths."""
        out: F64 = self.beneficiaries - self.severe - self.dependants - self.deaths
        return out


def _table5a_column(column: str) -> F64:
    rows = {r["county"]: r for r in read_csv("report.table5a")}
    return np.array([float(rows[c][column]) for c in counties()], dtype=np.float64)


def base_year(ctx: Context, code: Code) -> BaseYear:
    """The 2012 figures of ``code`` by county: Table 5a for the enterprise fund (CHECKS I-2
    reading of Yimen), the II.(5) city totals split by the allocation key otherwise."""
    b = ctx.baseline
    balance = np.asarray(b.county_values(code, "balance"), dtype=np.float64)
    if code == "work_injury_enterprise":
        t5 = table5a_by_county()

        def col(name: str) -> F64:
            return np.array([float(t5[c][name]) for c in counties()], dtype=np.float64)

        return BaseYear(
            insured=col("insured"),
            contributions=col("contributions"),
            expenditure=col("expenditure"),
            beneficiaries=col("beneficiaries"),
            severe=_table5a_column("beneficiaries_disability_grade_1_4_persons"),
            deaths=_table5a_column("beneficiaries_work_death_persons"),
            dependants=_table5a_column("beneficiaries_supported_dependents_persons"),
            balance=balance,
        )
    weights = key_weights(ctx.assumptions.allocation.key_for(code), code, ctx.assumptions)
    kinds = {
        r["quantity"]: int(r["value"])
        for r in read_csv("work_injury.institution_beneficiaries_by_kind")
        if r["scheme"] == code
    }

    def split(total: float) -> F64:
        return split_exact(round(total), weights).astype(np.float64)

    return BaseYear(
        insured=np.asarray(b.county_values(code, "insured"), dtype=np.float64),
        contributions=split(b.figure(code, "contributions").value),
        expenditure=np.asarray(b.county_values(code, "expenditure"), dtype=np.float64),
        beneficiaries=np.asarray(b.county_values(code, "beneficiaries"), dtype=np.float64),
        severe=split(kinds["beneficiaries_disability_grade_1_4"]),
        deaths=split(kinds["beneficiaries_work_death"]),
        dependants=split(kinds["beneficiaries_dependants"]),
        balance=balance,
    )


def _ends(rules: WorkInjury, ctx: Context) -> tuple[F64, F64, NDArray[np.int64], F64]:
    """Per annuity kind: central death probability by projected year [J, Y], Lee-Carter b
    [J], sex index [J] and other ends a year [J]."""
    from actuarial.demography import death_probabilities, leecarter_bx

    a = ctx.assumptions
    years = ctx.years
    q = death_probabilities(int(years[0]), int(years[-1]), level_factor=a.mortality.level_factor)
    bx = leecarter_bx()
    ann = rules.annuities
    spec = (
        (ann.disability_sex, ann.disability_age, ann.disability_exit_rate),
        (ann.dependant_sex, ann.dependant_age, ann.dependant_exit_rate),
    )
    qbar = np.stack([q.sel(sex=s, age=age).values for s, age, _ in spec]).astype(np.float64)
    b = np.array([float(bx.sel(sex=s, age=age)) for s, age, _ in spec], dtype=np.float64)
    sex = np.array([_SEXES.index(s) for s, _, _ in spec], dtype=np.int64)
    exit_rate = np.array([e for _, _, e in spec], dtype=np.float64)
    return np.ascontiguousarray(qbar), b, sex, exit_rate


def history_ratios(ctx: Context, ends_base_year: F64) -> tuple[float, float]:
    """(grade 1-4 cases per injury, dependants per work death) implied by the enterprise
    fund's history (Table 5b) and 2012 stocks (Table 5a), given each annuity's
    probability of ending in a year (``ends_base_year`` [J], the base year's)."""
    # Every year of Table 5b (2004-2012) has insured; work deaths are printed from 2007.
    rows = read_csv("report.table5b")
    last = max(int(r["year"]) for r in rows)
    ent = base_year(ctx, "work_injury_enterprise")
    injuries_per_insured = float(ent.injuries.sum() / ent.insured.sum())
    survival = 1.0 - ends_base_year
    exposure = sum(
        float(r["insured_persons"]) * survival[0] ** (last - int(r["year"])) for r in rows
    )
    deaths = sum(
        float(r["of_which_work_death_persons"]) * survival[1] ** (last - int(r["year"]))
        for r in rows
        if r["of_which_work_death_persons"]
    )
    severe_per_injury = float(ent.severe.sum()) / (injuries_per_insured * exposure)
    dependants_per_death = float(ent.dependants.sum()) / deaths
    return severe_per_injury, dependants_per_death


@dataclass(frozen=True)
class Calibration:
    """The derived and calibrated parameters of one fund (multiples of the average wage)."""

    wage_2012: float  # CNY a year
    premium: F64  # [C] contribution per insured / average wage
    implied_rate: F64  # [C] premium / payroll_ratio: the average rate on payroll
    injury_frequency: F64  # [C] recognised injuries per insured a year
    per_injury: F64  # [K] claims of each kind per injury
    severity: F64  # [K] one-off cost per claim / average wage, before the county factor
    county_factor: F64  # [C] multiplies every one-off severity of a county
    annuity_start: F64  # [J] annual amount of a new annuitant / average wage
    dependants_per_death: float

    @property
    def frequency(self) -> F64:
        """[K, C] new claims of each kind per insured a year."""
        out: F64 = np.outer(self.per_injury, self.injury_frequency)
        return out

    @property
    def county_severity(self) -> F64:
        """[K, C] one-off cost per claim / average wage, county factor included."""
        out: F64 = np.outer(self.severity, self.county_factor)
        return out


def calibrate(
    rules: WorkInjury,
    wage_2013: float,
    base: BaseYear,
    severe_per_injury: float,
    dependants_per_death: float,
) -> Calibration:
    """Premium, frequencies and severities that reproduce ``base`` (the 2012 figures):
    contributions and, in expectation, expenditure, county by county."""
    w12 = wage_2013 / (1.0 + rules.wage_growth_2013)
    insured = base.insured
    has = insured > 0
    safe = np.where(has, insured, 1.0)
    premium = np.where(has, base.contributions / (safe * w12), 0.0)
    injuries = base.injuries
    if (injuries < 0).any():
        raise ValueError(f"beneficiaries below annuitants plus work deaths: {injuries}")
    frequency = np.where(has, injuries / safe, 0.0)
    cl = rules.claims
    ann = rules.annuities
    ratio = rules.injured_wage_ratio
    per_injury = np.array(
        [
            1.0,
            cl.temporary_share,
            cl.minor_share,
            severe_per_injury,
            base.deaths.sum() / injuries.sum(),
        ]
    )
    severity = np.array(
        [
            0.0,  # medical: calibrated below
            cl.temporary_cost_wage_multiple,
            cl.minor_lump_sum_months / 12.0 * ratio,
            cl.severe_lump_sum_months / 12.0 * ratio,
            cl.funeral_grant_months / 12.0 + cl.death_grant_wage_multiple,
        ]
    )
    annuity_start = np.array(
        [
            ann.disability_allowance_share * ratio + ann.care_allowance_wage_share,
            ann.dependant_pension_share * ratio,
        ]
    )
    # 2012 annuities in payment and the one-off cost per injury, in 2012 average wages.
    annuities = base.severe * annuity_start[0] + base.dependants * annuity_start[1]
    spent = base.expenditure / w12
    others = float(per_injury[1:] @ severity[1:])
    severity[0] = (spent.sum() - annuities.sum()) / injuries.sum() - others
    if severity[0] <= 0:
        raise ValueError(
            f"the non-medical items exceed the 2012 expenditure: medical cost {severity[0]:.4g}"
            " average wages per injury; lower the claims or annuity assumptions"
        )
    per_case = float(per_injury @ severity)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(injuries > 0, (spent - annuities) / (injuries * per_case), 1.0)
    if (factor <= 0).any():
        raise ValueError(f"2012 annuities exceed a county's expenditure: factors {factor}")
    return Calibration(
        wage_2012=w12,
        premium=premium,
        implied_rate=premium / rules.payroll_ratio,
        injury_frequency=frequency,
        per_injury=per_injury,
        severity=severity,
        county_factor=factor,
        annuity_start=annuity_start,
        dependants_per_death=dependants_per_death,
    )


@dataclass
class WorkInjuryScheme:
    """One work-injury fund of every county, ready to run (``actuarial.claims`` contract)."""

    code: str
    notes: str
    has_fund: bool
    opening_balance: F64  # [C]
    calibration: Calibration
    fund: int
    wage0: float
    working: F64  # [S, A]
    coverage: F64  # [C]
    coverage_path: F64  # [Y]
    end_qbar: F64  # [J, Y]
    end_bx: F64  # [J]
    end_sex: NDArray[np.int64]  # [J]
    end_exit: F64  # [J]
    raise_known: F64  # [Y]
    raise_rule: F64  # [2]
    n0: F64  # [J, C]
    pay0: F64  # [J, C]

    def kernel_arguments(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        population: F64,
        *,
        process_risk: bool,
    ) -> dict[str, Any]:
        """Every argument of ``kernels.work_injury.project_work_injury`` but ``out``, in
        its order, as contiguous arrays."""
        n_years = int(self.coverage_path.size)
        cal = self.calibration

        def c(x: NDArray[np.generic]) -> NDArray[np.generic]:
            return np.ascontiguousarray(x)

        return {
            "seed": int(seed),
            "draws": c(np.asarray(ids, dtype=np.int64)),
            "process_risk": bool(process_risk),
            "fund": self.fund,
            "wage0": self.wage0,
            "wage_growth": c(paths.wage_growth[:, :n_years]),
            "cpi": c(paths.cpi[:, :n_years]),
            "real_wage_growth": c(paths.real_wage_growth[:, :n_years]),
            "fund_return": c(paths.fund_return[:, :n_years]),
            "mortality_index": c(paths.mortality_index[:, :n_years]),
            "population": c(np.asarray(population, dtype=np.float64)[:, :n_years]),
            "working": self.working,
            "coverage": self.coverage,
            "coverage_path": self.coverage_path,
            "premium": c(cal.premium),
            "frequency": c(cal.frequency),
            "severity": c(cal.county_severity),
            "dependants_per_death": cal.dependants_per_death,
            "annuity_start": c(cal.annuity_start),
            "end_qbar": self.end_qbar,
            "end_bx": self.end_bx,
            "end_sex": self.end_sex,
            "end_exit": self.end_exit,
            "raise_known": self.raise_known,
            "raise_rule": self.raise_rule,
            "n0": self.n0,
            "pay0": self.pay0,
            "balance0": self.opening_balance,
        }

    def run_all(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        population: F64,
        *,
        process_risk: bool,
    ) -> F64:
        """The kernel's whole output ``[kernels.work_injury.VARIABLES, D, C, Y]`` (the
        contract variables, then memo items)."""
        from actuarial.claims import check_chunk
        from kernels.work_injury import VARIABLES, project_work_injury

        check_chunk(
            self.code, ids, paths, population, n_counties=self.opening_balance.size,
            n_years=self.coverage_path.size,
        )  # fmt: skip
        args = self.kernel_arguments(seed, ids, paths, population, process_risk=process_risk)
        shape = (len(VARIABLES), len(ids), self.opening_balance.size, self.coverage_path.size)
        out = np.empty(shape, dtype=np.float64)
        project_work_injury(**args, out=out)
        return out

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
        from actuarial.claims import CLAIMS_VARIABLES

        out = self.run_all(seed, ids, paths, population, process_risk=process_risk)
        result: F64 = np.ascontiguousarray(out[: len(CLAIMS_VARIABLES)])
        return result


def build_work_injury(ctx: Context, code: Code, notes: str) -> WorkInjuryScheme:
    """The fund ``code`` of every county from the base year and assumptions of ``ctx``."""
    from actuarial.claims import CLAIMS_VARIABLES
    from kernels.work_injury import ANNUITIES as KERNEL_ANNUITIES
    from kernels.work_injury import CONTRACT
    from kernels.work_injury import KINDS as KERNEL_KINDS

    if CONTRACT != CLAIMS_VARIABLES or KERNEL_KINDS != KINDS or KERNEL_ANNUITIES != ANNUITIES:
        raise RuntimeError("kernels.work_injury is out of step with actuarial.claims")
    a = ctx.assumptions
    rules: WorkInjury = getattr(a.schemes, code)
    end_qbar, end_bx, end_sex, end_exit = _ends(rules, ctx)
    # The probability of ending in the base year, central mortality, for the history.
    ends0 = 1.0 - (1.0 - end_qbar[:, 0]) * (1.0 - end_exit)
    severe_per_injury, dependants_per_death = history_ratios(ctx, ends0)
    base = base_year(ctx, code)
    wage0 = a.economy.wage_2013_cny_per_year
    cal = calibrate(rules, wage0, base, severe_per_injury, dependants_per_death)
    first, last = rules.working_ages
    working = np.zeros(ctx.pop0.shape[1:], dtype=np.float64)
    working[:, first : last + 1] = 1.0
    residents = (ctx.reference_population() * working).sum(axis=(1, 2))
    coverage = np.where(residents > 0, base.insured / np.where(residents > 0, residents, 1), 0.0)
    if not math.isclose(float((coverage * residents).sum()), float(base.insured.sum())):
        raise ValueError(f"{code}: insured in a county without working-age residents")
    n0 = np.stack([base.severe, base.dependants]).astype(np.float64)
    ix = rules.indexation
    return WorkInjuryScheme(
        code=code,
        notes=notes,
        has_fund=True,
        opening_balance=np.ascontiguousarray(base.balance, dtype=np.float64),
        calibration=cal,
        fund=FUNDS[code],
        wage0=float(wage0),
        working=working,
        coverage=np.ascontiguousarray(coverage, dtype=np.float64),
        coverage_path=np.ascontiguousarray(
            ctx.linear_path(rules.coverage.target_factor, rules.coverage.target_year)
        ),
        end_qbar=end_qbar,
        end_bx=end_bx,
        end_sex=end_sex,
        end_exit=end_exit,
        raise_known=np.ascontiguousarray(ctx.known_path(ix.known)),
        raise_rule=np.array([ix.cpi_share, ix.wage_share], dtype=np.float64),
        n0=np.ascontiguousarray(n0),
        pay0=np.ascontiguousarray(n0 * cal.annuity_start[:, None] * cal.wage_2012),
    )
