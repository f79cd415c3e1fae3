"""A member's pension at retirement under the rules of a given year.

``member_pension`` answers the question the report asks of the resident pensions (III.(2).3):
what does a person get who pays a given amount for a given number of years? The account
grows by the contributions, the subsidy (resident schemes) and the central fund return
(``economy.fund_return``); the account pension is the balance ÷ the payout months of the
retirement age; the basic pension is the one in force in ``start_year`` (resident
schemes: the base-year level raised by the known raises up to ``start_year``; employee
schemes: 1 % per service year of the mean of the average wage and the declared base). All
amounts are in ``start_year`` money and rules: later raises are policy, not promises.
"""

from __future__ import annotations

from dataclasses import dataclass

from actuarial.assumptions import Assumptions, load_assumptions
from actuarial.assumptions.model import ClosedAccountPension, EmployeePension, ResidentPension

__all__ = ["MemberPension", "member_pension"]

_PENSIONS = (
    "enterprise_pension",
    "institution_pension",
    "rural_resident_pension",
    "urban_resident_pension",
    "land_lost_pension",
    "old_rural_pension",
)


@dataclass(frozen=True)
class MemberPension:
    """Monthly pension at retirement (CNY a month) and the account it came from."""

    scheme: str
    basic: float
    account: float
    total: float
    account_balance: float
    payout_months: float
    contribution_years: int
    retirement_age: int
    start_year: int


def _payout_months(age: int) -> float:
    from actuarial.pensions._inputs import payout_months_by_age

    return float(payout_months_by_age()[age])


def member_pension(
    scheme: str,
    *,
    annual_contribution: float,
    contribution_years: int,
    retirement_age: int = 60,
    start_year: int | None = None,
    assumptions: Assumptions | None = None,
) -> MemberPension:
    """The monthly pension at retirement of one member.

    Parameters
    ----------
    scheme
        A pension scheme code (``actuarial.schemes()[:6]``).
    annual_contribution
        The member's own contribution a year (CNY): the tier of a resident scheme, or the
        employee's account contribution of an employee scheme.
    contribution_years
        Years of contributions (and, for employee schemes, of service), 1 to 60.
    retirement_age
        Age at which the pension starts (resident and closed schemes: their pension age).
    start_year
        The year whose rules and money the result is in; default the base year.

    Examples
    --------
    The report's example (III.(2).3): 15 years at the 100-yuan tier gives under 100 a month.

    >>> p = member_pension("rural_resident_pension", annual_contribution=100,
    ...                    contribution_years=15)
    >>> round(p.basic, 2), round(p.account, 2), p.total < 100
    (60.0, 16.88, True)
    """
    a = assumptions or load_assumptions()
    if scheme not in _PENSIONS:
        raise ValueError(f"scheme: got {scheme!r}; allowed: {', '.join(_PENSIONS)}")
    if (
        isinstance(annual_contribution, bool)
        or not isinstance(annual_contribution, int | float)
        or not 0 <= annual_contribution < float("inf")
    ):
        raise ValueError(
            f"annual_contribution: got {annual_contribution!r}; expected a finite amount >= 0"
        )
    for name, value, low, high in (
        ("contribution_years", contribution_years, 1, 60),
        ("retirement_age", retirement_age, 40, 70),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{name}: got {value!r}; expected a whole number {low} to {high}")
    base: int = a.projection.base_year
    year = base if start_year is None else int(start_year)
    rules = getattr(a.schemes, scheme)
    last_known = base
    if isinstance(rules, ResidentPension):
        last_known = max([base, *(int(y) for y in rules.basic_indexation.known)])
    if not base <= year <= last_known:
        raise ValueError(
            f"start_year: got {year}; allowed: {base} to {last_known} (years whose basic "
            "pension is known)"
        )
    r = a.economy.fund_return
    subsidy = rules.contribution_subsidy_cny_per_year if isinstance(rules, ResidentPension) else 0.0
    balance = 0.0
    for _ in range(int(contribution_years)):
        # Paid during the year and credited with the year's return, as in the kernel.
        balance = (balance + annual_contribution + subsidy) * (1.0 + r)
    basic, months = _basic_and_divisor(a, scheme, retirement_age, year, int(contribution_years))
    account = balance / months
    return MemberPension(
        scheme=scheme,
        basic=basic,
        account=account,
        total=basic + account,
        account_balance=balance,
        payout_months=months,
        contribution_years=int(contribution_years),
        retirement_age=retirement_age,
        start_year=year,
    )


def _basic_and_divisor(
    a: Assumptions, scheme: str, retirement_age: int, year: int, years: int
) -> tuple[float, float]:
    """The basic pension (CNY a month) and the account divisor of ``scheme``."""
    rules = getattr(a.schemes, scheme)
    if isinstance(rules, ResidentPension | ClosedAccountPension):
        if retirement_age != rules.pension_age:
            raise ValueError(
                f"retirement_age: got {retirement_age}; {scheme} pays from age {rules.pension_age}"
            )
        months = float(rules.payout_divisor_months)
        basic = 0.0
        if isinstance(rules, ResidentPension):
            basic = rules.basic_pension_cny_per_month
            for y in range(a.projection.base_year + 1, year + 1):
                basic *= 1.0 + rules.basic_indexation.known.get(str(y), 0.0)
        return basic, months
    assert isinstance(rules, EmployeePension)
    if not 40 <= retirement_age <= 70:
        raise ValueError(f"retirement_age: got {retirement_age}; allowed: 40 to 70")
    factor = rules.wage_ratio * rules.contribution_base_ratio
    wage = a.economy.wage_2013_cny_per_year
    # 国发〔2005〕38号: 1 % a service year of the mean of the average wage and the base.
    basic = rules.accrual_rate * years * wage * (1.0 + factor) / 2.0 / 12.0
    return basic, _payout_months(retirement_age)
