"""``retirement_age_reform``: the national rise of the statutory retirement ages from
2025-01-01.

The Standing Committee of the NPC decided on 2024-09-13 that from 2025-01-01 the
statutory retirement age of men rises from 60 to 63 and that of women cadres (original
age 55) from 55 to 58 by one month for every four months, and that of women workers
(original age 50) from 50 to 55 by one month for every two months, over 15 years
(``rules.retirement_ages``, P9/P10 in shared/data/public). A member's delay is counted
from the month in which the original age is reached: ``n`` = months from December of the
year before the start to that month (January of the start year is 1), and::

    delay = 0 if n <= 0, else min(ceil(n / per), max_delay)

with ``per`` = 4 (2 for women workers) and ``max_delay`` = 36 (60) months. The new
retirement month is the original one plus the delay (:func:`new_retirement_month`,
checked against every row of ``rules.retirement_reform_examples``). The report itself,
written in 2013, proposes no change of the retirement ages; the reform is the national
rule that now applies to Yuxi's employee pensions.

From birth months to the kernel's yearly shares
------------------------------------------------
The kernel (``kernels.cohort``) works in whole years: members of age ``a - 1`` in year
``y`` turn ``a`` at its end, and a share ``retire[k, y, s, a]`` of them retire then and
draw a pension from year ``y + 1``. So the cohort born in calendar year ``B`` retires, in
the 2013 rules, at the end of the year in which it turns 60 (``y = B + 60``), half a year
after its birthdays on average. The reform keeps that convention and moves each birth
cohort's *mean* retirement age by its mean delay: with birth months equally likely
(ASSUMPTION), the 12 months' delays sum to ``T`` months, the cohort's mean age is
``age + T / 144`` years, and the cohort is represented by two whole ages, ``age + i`` for a
share ``1 - f`` and ``age + i + 1`` for ``f`` (``i, f`` = whole and fractional part of
``T / 144``). The mean retirement age of every cohort is exactly right and the lag between
birthday and retirement is the baseline's; the spread within a cohort (in truth at most
a few months for the first cohorts) is widened to up to a year, which moves a part of
each year's retirements to the neighbouring year. Women are split between the worker and
the cadre age by the scheme's ``female_cadre_share``, each group with its own rule, and
the shares by age are the mixture's exit rates ``P(a) / P(age >= a)``. The 2013 ages are
the scheme's ``retirement_age`` assumptions (60, 55 and 50 in the baseline), and each
group's delay is counted from them with its rule. Cohorts that the rule does not delay
(men born before 1965, women cadres before 1970, women workers before 1975 for a 2025
start) keep the shares they had; an effective ``year`` other than 2025 moves the whole
schedule to start on 1 January of that year.

Individual-account payout months are by retirement age (``payout_months[K, A]``, the
国发〔2005〕38号 table for ages 40-70), so a member retiring at 61 is already divided by
the table's 132 months: nothing by year needs to change. The basic pension counts the
longer service by itself.

Left out, and why
-----------------
* The rise of the minimum contribution period from 15 to 20 years from 2030 (+6 months a
  year, ``rules.minimum_contribution_years``): the kernel has no vesting test (every
  member reaching a retirement age retires with a pension, whatever the service), and its
  state holds each cell's total service, not how it is spread among members, so who falls
  short of 15 or 20 years cannot be told; the rule is not modelled.
* Voluntary earlier (up to 3 years, not below the original age) or later retirement,
  which the decision allows: everyone retires at the statutory age, as in the baseline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from actuarial.reforms._base import FIRST_YEAR, LAST_YEAR, Reform, register

if TYPE_CHECKING:
    from actuarial.assumptions.model import EmployeePension
    from actuarial.projection import Model

__all__ = [
    "DelayRule",
    "RetirementAgeReform",
    "cohort_ages",
    "delay_months",
    "delay_rules",
    "new_retirement_month",
    "statutory_shares",
]

F64 = NDArray[np.float64]
N_AGES = 101
#: The groups of ``rules.retirement_ages``: men, women with an original age of 55
#: (cadres), women with an original age of 50 (workers).
MALE, FEMALE_CADRE, FEMALE_WORKER = (
    "male_worker",
    "female_cadre_or_original_55",
    "female_worker_original_50",
)
Group = Literal["male_worker", "female_cadre_or_original_55", "female_worker_original_50"]
_RULE = re.compile(r"1 month of delay per (\d+) months")


@dataclass(frozen=True)
class DelayRule:
    """One group's schedule (``rules.retirement_ages``)."""

    group: str
    age_years: int  # statutory age in 2013
    target_years: int  # after the reform
    start_year: int  # the reform starts on 1 January of this year
    per_months: int  # one month of delay per this many months
    max_delay_months: int


@cache
def delay_rules() -> dict[str, DelayRule]:
    """Each group's delay rule, checked for consistency: the maximum delay is the rise of
    the age, and the last original month delayed by it plus the delay ends the schedule
    after its stated duration (15 years)."""
    from actuarial.data import read_csv

    rules = {}
    for row in read_csv("rules.retirement_ages"):
        match = _RULE.match(row["delay_rule"])
        if match is None:
            raise ValueError(f"rules.retirement_ages: cannot read delay_rule {row['delay_rule']!r}")
        start = row["reform_start_date"]
        if not start.endswith("-01-01"):
            raise ValueError(f"rules.retirement_ages: start {start!r} is not a 1 January")
        rule = DelayRule(
            group=row["group"],
            age_years=int(row["statutory_age_2013_years"]),
            target_years=int(row["target_age_after_reform_years"]),
            start_year=int(start[:4]),
            per_months=int(match.group(1)),
            max_delay_months=int(row["max_delay_months"]),
        )
        rise = 12 * (rule.target_years - rule.age_years)
        span = (rule.per_months + 1) * rule.max_delay_months
        if rise != rule.max_delay_months or span != 12 * int(row["reform_duration_years"]):
            raise ValueError(f"rules.retirement_ages: {rule.group}: inconsistent schedule")
        rules[rule.group] = rule
    return rules


def delay_months(
    birth_year: int,
    birth_month: int,
    group: str,
    *,
    start_year: int | None = None,
    age_years: int | None = None,
) -> int:
    """Months by which the reform delays retirement of a member of ``group`` born in
    ``birth_month`` (1-12) of ``birth_year``; ``start_year`` and ``age_years`` (the
    original age) default to the rule's."""
    rule = delay_rules()[group]
    start = rule.start_year if start_year is None else start_year
    age = rule.age_years if age_years is None else age_years
    original = (birth_year + age) * 12 + (birth_month - 1)  # month index, year * 12 + m - 1
    n = original - (start * 12 - 1)  # January of the start year is 1
    if n <= 0:
        return 0
    return min(-(-n // rule.per_months), rule.max_delay_months)


def new_retirement_month(
    birth_year: int,
    birth_month: int,
    group: str,
    *,
    start_year: int | None = None,
    age_years: int | None = None,
) -> tuple[int, int]:
    """``(year, month)`` in which a member of ``group`` born in ``birth_month`` of
    ``birth_year`` reaches the new statutory retirement age."""
    rule = delay_rules()[group]
    age = rule.age_years if age_years is None else age_years
    delay = delay_months(birth_year, birth_month, group, start_year=start_year, age_years=age)
    year, month0 = divmod((birth_year + age) * 12 + (birth_month - 1) + delay, 12)
    return year, month0 + 1


def cohort_ages(
    birth_year: int, group: str, *, start_year: int | None = None, age_years: int | None = None
) -> dict[int, float]:
    """The kernel's retirement ages of the cohort born in ``birth_year``: whole age ->
    share, two neighbouring ages whose mean is the cohort's mean new age (birth months
    equally likely)."""
    rule = delay_rules()[group]
    age = rule.age_years if age_years is None else age_years
    total = sum(
        delay_months(birth_year, m, group, start_year=start_year, age_years=age)
        for m in range(1, 13)
    )
    whole, rest = divmod(total, 144)  # 12 birth months x 12 months a year
    if rest == 0:
        return {age + whole: 1.0}
    return {age + whole: 1.0 - rest / 144.0, age + whole + 1: rest / 144.0}


def _exit_rates(ages: dict[int, float]) -> F64:
    """``[A]`` share of those still active at age a who retire at a."""
    p = np.zeros(N_AGES)
    for a, share in ages.items():
        p[min(a, N_AGES - 1)] += share
    left = np.cumsum(p[::-1])[::-1]
    out: F64 = np.divide(p, left, out=np.zeros(N_AGES), where=left > 0.0)
    return out


def statutory_shares(
    rules: EmployeePension, years: Sequence[int] | NDArray[np.int64], start_year: int
) -> tuple[F64, NDArray[np.bool_]]:
    """``[Y, S, A]`` retirement shares of the kernel under the reform starting on 1 January
    of ``start_year``, and where they apply: the cells whose cohort (born ``y - a``) the
    reform delays (elsewhere the scheme keeps its shares)."""
    ra = rules.retirement_age
    cadre = rules.female_cadre_share
    shares = np.zeros((len(years), 2, N_AGES))
    delayed = np.zeros(shares.shape, dtype=np.bool_)
    for t, year in enumerate(years):
        for a in range(N_AGES):
            born = int(year) - a
            men = _male_rates(born, ra.male, start_year)
            if men is not None:
                shares[t, 0, a] = men[a]
                delayed[t, 0, a] = True
            women = _female_rates(born, ra.female_worker, ra.female_cadre, cadre, start_year)
            if women is not None:
                shares[t, 1, a] = women[a]
                delayed[t, 1, a] = True
    return shares, delayed


@cache
def _male_rates(born: int, age: int, start_year: int) -> F64 | None:
    """Exit rates of a men's cohort; None if the reform does not delay it."""
    ages = cohort_ages(born, MALE, start_year=start_year, age_years=age)
    return None if ages == {age: 1.0} else _exit_rates(ages)


@cache
def _female_rates(
    born: int, worker_age: int, cadre_age: int, cadre: float, start_year: int
) -> F64 | None:
    """Exit rates of a women's cohort, workers and cadres mixed; None if neither group is
    delayed."""
    workers = cohort_ages(born, FEMALE_WORKER, start_year=start_year, age_years=worker_age)
    cadres = cohort_ages(born, FEMALE_CADRE, start_year=start_year, age_years=cadre_age)
    if workers == {worker_age: 1.0} and cadres == {cadre_age: 1.0}:
        return None
    mixed: dict[int, float] = {}
    for ages, weight in ((workers, 1.0 - cadre), (cadres, cadre)):
        for a, share in ages.items():
            mixed[a] = mixed.get(a, 0.0) + weight * share
    return _exit_rates(mixed)


@register
class RetirementAgeReform(Reform):
    """The national retirement-age schedule from 2025-01-01 (see the module docstring).
    The minimum contribution years rising from 15 to 20 from 2030 are NOT modelled: the
    kernel has no vesting test and no distribution of service within a cell."""

    name = "retirement_age_reform"
    summary = (
        "Statutory retirement ages rise from 2025: men 60->63, women cadres 55->58, women "
        "workers 50->55 over 15 years (national rule, P9/P10)"
    )

    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)] = Field(
        default=2025,
        description="Effective year: the schedule starts on 1 January of this year "
        "(2025 by the NPC Standing Committee decision of 2024-09-13, P9/P10); another year "
        "moves the whole schedule.",
    )
    schemes: list[Literal["enterprise_pension", "institution_pension"]] = Field(
        default=["enterprise_pension", "institution_pension"],
        description="Employee pension schemes whose members' retirement ages rise (the rule "
        "covers both).",
    )

    def apply_inputs(self, model: Model, y0: int) -> Model:
        from actuarial.pensions import PENSION_SCHEMES

        retire = model.pensions.inputs.arrays["retire"]  # [K, Y, S, A]
        years = model.years[y0:]
        for code in self.schemes:
            rules: EmployeePension = getattr(model.pensions.assumptions.schemes, code)
            shares, delayed = statutory_shares(rules, years, self.year)
            k = PENSION_SCHEMES.index(code)
            block = retire[k, y0:]
            block[delayed] = shares[delayed]
        return model
