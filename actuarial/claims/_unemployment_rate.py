"""The claim rate of the unemployment fund and its two calibrated keys, from the report.

Claim rate (``schemes.unemployment.claim_rate``)
------------------------------------------------
Table 4 (II.(4)) gives the recipients of unemployment benefit 2005-2012 but no insured
count; II.(4) gives 140,172 insured at the end of August 2013 and III.(4).1 says that the
insured grew far more slowly than urban employment, coverage "hovering around 60 %". The
rate is ``r[t] = recipients[t] / insured[t]`` with the insured of every year 2005-2012 back-cast
from the 2013 count at :data:`INSURED_GROWTH_BEFORE_2013` a year (an ASSUMPTION: 0, the
count held at its 2013 level, since no series is printed). ``log r`` is fitted as a Gaussian
AR(1) by least squares of ``log r[t]`` on ``log r[t-1]`` (``actuarial.economy.fit_ar1``,
``scipy.stats.linregress``), keeping the standard errors:

============ ================ =====================================
parameter    estimate         standard error
============ ================ =====================================
m            -3.4568          0.1076 (delta method)
exp(m)       3.153 %          (the median rate)
phi          0.06856          0.2796
sigma        0.2554           0.0808 (sigma / sqrt(2 (n - 3)))
============ ================ =====================================

from n = 8 years, so the fit is weak: ``phi`` is not distinguishable from 0, and the
projection carries the uncertainty of ``m`` as a per-draw shift (``mean_se_log``). The 2005
value (9,514 recipients, the tail of the state-enterprise lay-offs) is kept: dropping it
gives a negative ``phi``, which the process does not allow. Sensitivity to the back-cast:
with the insured growing 3 % (5 %) a year before 2013 the mean rate would be 3.47 %
(3.68 %) and ``phi`` 0.19 (0.26).

Calibrations (:func:`calibrate`)
--------------------------------
- ``contribution_base_ratio``: 2012 contributions / (3 % x insured x 2012 wage). The 2012
  contributions are Table 4's income (which includes interest: CHECKS section 4) less the
  interest, ``r (B2011 + net / 2)`` at ``economy.fund_return`` with ``net`` the year's income
  less expenditure before interest, solved for the interest; the 2012 wage is
  ``economy.wage_2013_cny_per_year / (1 + wage_growth_2012_2013)``; the insured are the
  140,172 of August 2013 (the nearest count), so the ratio is if anything low.
- ``benefit_months_per_recipient``: Table 4's 2012 expenditure / (1 + ``other_outgo_share``)
  / (the 5,065 recipients x the mean monthly level paid in 2012): the pre-March-2013 levels
  of each area class mixed by ``tier_mix``, the classes weighted by the insured of their
  counties. CHECKS section 4 reads the January-August 2013 figures the same way (5,027
  recipients, 2,770.84万: about 689 CNY a recipient-month, within the levels' range).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from actuarial.assumptions import Assumptions
from actuarial.baseline import Baseline
from actuarial.data import read_csv
from actuarial.economy import AR1, fit_ar1
from actuarial.registry import counties, county

__all__ = [
    "INSURED_GROWTH_BEFORE_2013",
    "Calibration",
    "calibrate",
    "claim_rate_history",
    "class_levels",
    "county_classes",
    "fit_claim_rate",
    "table4",
]

#: ASSUMPTION: yearly growth of the unemployment insured 2005-2013, used only to back-cast
#: the insured for the claim-rate history (no insured series is printed; III.(4).1 says the
#: insured grew far more slowly than employment). 0 holds the 2013 count.
INSURED_GROWTH_BEFORE_2013 = 0.0

_SOURCE = "report Table 4 recipients 2005-2012 / II.(4) insured (140,172, 2013-08-31)"
_WAN = 10_000.0  # 万元 -> CNY


def table4() -> dict[int, dict[str, float]]:
    """Table 4 by year: recipients (persons), income, expenditure, balance (CNY)."""
    out = {}
    for r in read_csv("report.table4"):
        out[int(r["year"])] = {
            "recipients": float(r["benefit_recipients_persons"]),
            "income": float(r["fund_income_10k_CNY"]) * _WAN,
            "expenditure": float(r["fund_expenditure_10k_CNY"]) * _WAN,
            "balance": float(r["fund_balance_end_10k_CNY"]) * _WAN,
        }
    return out


def _insured_2013() -> float:
    for r in read_csv("base_year.figures"):
        if (r["scheme"], r["county"], r["quantity"]) == ("unemployment", "all", "insured"):
            return float(r["value"])
    raise KeyError("base_year.figures: no unemployment insured figure")  # pragma: no cover


def claim_rate_history(
    insured_2013: float | None = None, growth: float = INSURED_GROWTH_BEFORE_2013
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Years 2005-2012 and recipients per insured (fraction), the insured back-cast from
    ``insured_2013`` (default: the report's 140,172) at ``growth`` a year."""
    insured = _insured_2013() if insured_2013 is None else insured_2013
    t4 = table4()
    years = np.array(sorted(t4), dtype=np.int64)
    recipients = np.array([t4[int(y)]["recipients"] for y in years])
    back = insured / (1.0 + growth) ** (2013 - years)
    return years, np.asarray(recipients / back, dtype=np.float64)


def fit_claim_rate(
    insured_2013: float | None = None, growth: float = INSURED_GROWTH_BEFORE_2013
) -> AR1:
    """AR(1) of the log claim rate (module notes); ``mu`` and ``sigma`` on the log scale.

    Examples
    --------
    >>> fit = fit_claim_rate()
    >>> (fit.first_year, fit.last_year, fit.n), round(math.exp(fit.mu), 4)
    ((2005, 2012, 8), 0.0315)
    """
    years, rates = claim_rate_history(insured_2013, growth)
    return fit_ar1(np.log(rates), first_year=int(years[0]), source=_SOURCE)


def class_levels(a: Assumptions) -> dict[int, tuple[float, float]]:
    """Area class -> (mean monthly level before the 2013 raise, after it), mixed over the
    three levels by ``tier_mix``."""
    u = a.schemes.unemployment

    def mixed(levels: list[float]) -> float:
        return float(sum(w * x for w, x in zip(u.tier_mix, levels, strict=True)))

    return {
        2: (mixed(u.benefit_class2_before_cny_per_month), mixed(u.benefit_class2_cny_per_month)),
        3: (mixed(u.benefit_class3_before_cny_per_month), mixed(u.benefit_class3_cny_per_month)),
    }


def county_classes() -> NDArray[np.int64]:
    """The benefit area class of each county-level unit (canonical order)."""
    return np.array([county(c).unemployment_area_class for c in counties()], dtype=np.int64)


@dataclass(frozen=True)
class Calibration:
    """The calibrated keys and the 2012 figures they come from (CNY, persons)."""

    contribution_base_ratio: float
    benefit_months_per_recipient: float
    start_rate: float
    interest_2012: float
    contributions_2012: float
    wage_2012: float
    mean_level_2012: float


def calibrate(a: Assumptions, baseline: Baseline) -> Calibration:
    """The values of ``contribution_base_ratio``, ``benefit_months_per_recipient`` and
    ``claim_rate.start`` implied by the 2012 figures under ``a`` (module notes)."""
    u = a.schemes.unemployment
    t4 = table4()
    income = baseline.figure("unemployment", "income").value
    expenditure = baseline.figure("unemployment", "expenditure").value
    recipients = baseline.figure("unemployment", "beneficiaries").value
    insured = baseline.figure("unemployment", "insured").value
    r = a.economy.fund_return
    # interest = r (B2011 + (income - interest - expenditure) / 2), solved for interest.
    interest = r * (t4[2011]["balance"] + 0.5 * (income - expenditure)) / (1.0 + 0.5 * r)
    contributions = income - interest
    wage_2012 = a.economy.wage_2013_cny_per_year / (1.0 + u.wage_growth_2012_2013)
    ratio = contributions / ((u.employer_rate + u.employee_rate) * insured * wage_2012)
    weights = baseline.county_values("unemployment", "insured")
    levels = class_levels(a)
    before = np.array([levels[int(k)][0] for k in county_classes()])
    mean_level = float(weights @ before / weights.sum())
    months = expenditure / (1.0 + u.other_outgo_share) / (recipients * mean_level)
    if not math.isfinite(months):  # pragma: no cover - packaged figures are positive
        raise ValueError("unemployment: the 2012 figures give no finite benefit months")
    return Calibration(
        contribution_base_ratio=ratio,
        benefit_months_per_recipient=months,
        start_rate=recipients / insured,
        interest_2012=interest,
        contributions_2012=contributions,
        wage_2012=wage_2012,
        mean_level_2012=mean_level,
    )
