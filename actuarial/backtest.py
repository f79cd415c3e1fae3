"""Back-testing the claims funds on the report's own history (``actuarial backtest``).

Each fund with a history in the report is run from the first year of that history to its
last, with a yearly city-wide model of the same equations as the projection's scheme,
driven by the historical economy. The free parameters are fitted on all but the last
:data:`HOLDOUT_YEARS` years; those years are held out and forecast from the end of the fit
window. The error is the mean absolute percentage error (:func:`mape`) of the fitted
model's central path (no noise) against the reported values, in the fit years (in-sample)
and in the held-out years (holdout).

Histories
---------
- **Unemployment**, 2005-2012: report Table 4 (recipients, income, expenditure, balance).
- **Enterprise work injury**, 2004-2012: report Table 5b (insured, contributions collected,
  arrears recovered, expenditure, beneficiaries from 2007, balance).
- **Resident medical**, 2010-2013: report Table 1 (the two schemes' fund totals, i.e. the
  financing raised). The report prints no expenditure or balance of these funds (the
  projection's payout ratio is an assumption for that reason, ``actuarial.claims._medical``),
  so only income can be back-tested: expenditure and balance have no MAPE (shown as not
  reported), and the payout ratio and admission rate cannot be fitted.

The historical economy (:func:`historical_economy`)
---------------------------------------------------
- CPI inflation: World Bank WDI FP.CPI.TOTL.ZG (S3, ``economy.macro``).
- Return on the fund: the PBoC 1-year deposit benchmark, day-weighted annual average (P7,
  ``economy.deposit_rates``), on the mean balance of the year, as every fund of the
  projection earns interest.
- Average wage: the packaged wage data give one level and one growth rate, the 2013 wage
  (``economy.wage_2013_cny_per_year``, 46,966 CNY, P8) and its 2013 nominal growth
  (``schemes.unemployment.wage_growth_2012_2013``, 11.9 %, P8), so the 2012 wage is
  46,966 / 1.119. Before 2012 the wage is back-cast with a PROXY for nominal wage growth,
  ``(1 + CPI)(1 + real GDP growth) - 1`` (World Bank S3 and S4), the same real-GDP proxy
  the projection's wage process uses (``actuarial.economy``). As a check, the public wage
  series (P8, not packaged) has national nominal growth of 13.5 % (2010) and 14.3 % (2011);
  the proxy gives 14.1 % and 15.6 %.

The fund models
---------------
Money is in CNY, ``W[t]`` the average wage of year ``t`` and ``r[t]`` the deposit rate.

**Unemployment** (``actuarial.claims.unemployment``): insured ``N[t] = N2013 (1 + g)^(t -
2013)`` with ``N2013`` = 140,172 (II.(4)); contributions ``N W base_ratio x 3 %`` (2 % + 1 %,
II.(4)); recipients ``N x claim_rate``; expenditure ``recipients x months x level[t] x
1.05`` (training and placement at the 5 % bound of III.(4).3, ``other_outgo_share``), the
level the 2012 mean monthly level (562.38 CNY: the pre-March-2013 levels of II.(4), mixed
as the projection mixes them) taken back with the projection's raise rule (CPI + real
growth, ``schemes.unemployment.indexation``); income = contributions + interest (Table 4's
income includes interest, CHECKS section 4). Free: ``base_ratio``, ``g`` (no insured series
is printed), ``claim_rate``, ``months``. Fitted to income, expenditure and recipients.

**Enterprise work injury** (``actuarial.claims._work_injury``): insured ``N[t] = N2004 (1 +
g)^(t - 2004)``; income = contributions collected + arrears recovered (CHECKS I-16: Table 5b
lists arrears as an inflow) = ``N W premium``; beneficiaries ``N x frequency``; expenditure
``beneficiaries x cost x W`` (claims = frequency x severity in average wages; the
annuities' long tail is folded into the cost per beneficiary). Free: ``N2004``, ``g``,
``premium``, ``frequency``, ``cost``. Fitted to insured, income, expenditure and
beneficiaries (2007 on). The 2011 regulation raised benefits (III.(5).1) by an amount the
report does not give; the model has no such step.

**Resident medical** (``actuarial.claims._medical``): insured held at their level (the
projection holds coverage; the population moves little in four years), so each scheme's
financing is ``level x prod(1 + wage_share x nominal wage growth)`` from 2010, the
projection's financing-growth rule with its ``wage_share`` free. Free: the two 2010 levels
and ``wage_share`` (three parameters for four fitted points, 2010-2011 of both schemes: the
history is four years, two are held out). NCMS 2011 is read as 46,180.23万, not the printed
26,180.23 (CHECKS I-4: 168 CNY a head against a 290-310 standard; a hypothesis).

Years whose balance does not roll forward (CHECKS sections 4 and 6)
-------------------------------------------------------------------
The flows are fitted; the balance is not, but it is compared. The model balance rolls
forward from an opening balance, the first printed balance less the first year's printed
net flow (and its interest where the table excludes interest): 6,455.29万 at the end of 2004
for unemployment (CHECKS section 4). In each fit year the off-table item, the printed
balance less the roll-forward of the previous printed balance with the printed flows (and
the model's interest), is added to the model balance as a known fact about the past, so
the in-sample balance error is the model's cumulative flow error. The holdout is forecast
from the printed balance at the end of the last fit year with no off-table items, which are
not known in advance: the holdout balance error includes them.

- Unemployment: the identity holds within 0.1万 except 2007 (-3.30万, added as an off-table
  item) and 2010 (+1,000.00万). CHECKS I-3 reads 2010 as a mistyped flow with the balance
  right (2011-2012 roll forward exactly from it): 2010's income and expenditure are left
  out of the fit and of the MAPE (one of the two is wrong, the table does not say which),
  its balance is kept, and no off-table item is added for it.
- Enterprise work injury: the identity fails every year (residuals -264 to +476万, CHECKS
  I-18: adjustment fund, reserve and transfers off the table; interest explains part of
  them): each fit year's off-table item is added as above.
- Resident medical: Table 1 has no balance.

The fan (:func:`run_backtest`)
------------------------------
Each draw takes the parameters from a normal with the fit's covariance ``s^2 (J'J)^-1``
(positive parameters on the log scale) and multiplies every modelled flow and count of
every year by ``exp(sigma e)``, ``e`` standard normal and ``sigma`` the series' residual
standard deviation in the fit (log scale, scaled by ``n / (n - p)``: the process noise the
model leaves unexplained), then rolls the balance forward as above. The economy is the
historical one in every draw. The bands are percentiles over the draws. With as few fit
years as these, the standard errors are rough and the fan is a guide, not a calibrated
interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from actuarial.data import read_csv

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from actuarial.assumptions import Assumptions

__all__ = [
    "BAND",
    "HOLDOUT_YEARS",
    "VARIABLES",
    "BacktestResult",
    "FitResult",
    "FundBacktest",
    "FundModel",
    "HistoricalEconomy",
    "History",
    "Param",
    "Series",
    "backtest_chart",
    "backtest_fund",
    "fit",
    "historical_economy",
    "mape",
    "medical_history",
    "medical_model",
    "model_paths",
    "run_backtest",
    "save_backtest_chart",
    "unemployment_history",
    "unemployment_model",
    "work_injury_history",
    "work_injury_model",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B8 = NDArray[np.bool_]

#: The last years of each history are held out of the fit.
HOLDOUT_YEARS = 2
#: The variables of the error table.
VARIABLES = ("income", "expenditure", "balance")
#: Percentiles of the fan: the 90 % band and the median.
BAND = (5.0, 50.0, 95.0)

_WAN = 10_000.0  # 万元 -> CNY
# Logs of modelled values are taken above this floor, so that a trial of the optimiser
# that makes a flow zero or negative gives a large residual rather than a NaN.
_TINY = 1e-9


def mape(model: F64, reported: F64) -> float:
    """Mean absolute percentage error of ``model`` against ``reported`` (percent); NaN for
    no points.

    Examples
    --------
    >>> mape(np.array([110.0, 90.0]), np.array([100.0, 100.0]))
    10.0
    """
    model = np.asarray(model, dtype=np.float64)
    reported = np.asarray(reported, dtype=np.float64)
    if reported.size == 0:
        return math.nan
    return float(100.0 * np.mean(np.abs(model - reported) / np.abs(reported)))


# -- the historical economy ----------------------------------------------------------------


@dataclass(frozen=True)
class HistoricalEconomy:
    """The economy of each history year (fractions a year; the wage in CNY a year)."""

    years: I64
    cpi: F64
    real_growth: F64  # real GDP growth, the proxy of real wage growth
    wage_growth: F64  # nominal
    wage: F64
    deposit_rate: F64
    wage_basis: tuple[str, ...]  # per year: where its wage growth comes from

    def window(self, first: int, last: int) -> HistoricalEconomy:
        """The years ``first``..``last``."""
        keep = (self.years >= first) & (self.years <= last)
        if int(keep.sum()) != last - first + 1:
            raise ValueError(
                f"the economy covers {self.years[0]}-{self.years[-1]}, not {first}-{last}"
            )
        return HistoricalEconomy(
            years=self.years[keep],
            cpi=self.cpi[keep],
            real_growth=self.real_growth[keep],
            wage_growth=self.wage_growth[keep],
            wage=self.wage[keep],
            deposit_rate=self.deposit_rate[keep],
            wage_basis=tuple(b for b, k in zip(self.wage_basis, keep, strict=True) if k),
        )


def historical_economy(
    first: int = 2004, last: int = 2013, assumptions: Assumptions | None = None
) -> HistoricalEconomy:
    """CPI, the wage and the deposit rate of the years ``first``..``last`` (module notes).

    Examples
    --------
    >>> e = historical_economy(2010, 2013)
    >>> [round(float(w)) for w in e.wage]
    [32791, 37918, 41971, 46966]
    >>> e.wage_basis
    ('proxy', 'proxy', 'proxy', 'P8')
    """
    from actuarial.assumptions import load_assumptions
    from actuarial.economy import cpi_series, deposit_rate_series, real_gdp_growth_series

    a = assumptions if assumptions is not None else load_assumptions()
    wage_year = 2013  # the year of economy.wage_2013_cny_per_year (P8)
    if not first <= last <= wage_year:
        raise ValueError(f"years {first}-{last}: the packaged wage level is {wage_year}'s")
    span = np.arange(first, wage_year + 1, dtype=np.int64)

    def on_span(years: I64, values: F64, what: str) -> F64:
        lookup = dict(zip(years.tolist(), values.tolist(), strict=True))
        missing = [int(y) for y in span if int(y) not in lookup]
        if missing:
            raise ValueError(f"{what}: no value for {missing}")
        return np.array([lookup[int(y)] for y in span], dtype=np.float64)

    cpi = on_span(*cpi_series(first), "CPI (economy.macro)")
    real = on_span(*real_gdp_growth_series(first), "real GDP growth (economy.macro)")
    rate = on_span(*deposit_rate_series(first, wage_year), "deposit rate (economy.deposit_rates)")
    growth = (1.0 + cpi) * (1.0 + real) - 1.0
    basis = ["proxy"] * span.size
    # The one packaged growth rate: 2013 on 2012 (P8).
    growth[-1] = a.schemes.unemployment.wage_growth_2012_2013
    basis[-1] = "P8"
    wage = np.empty(span.size)
    wage[-1] = a.economy.wage_2013_cny_per_year
    for i in range(span.size - 2, -1, -1):
        wage[i] = wage[i + 1] / (1.0 + growth[i + 1])
    full = HistoricalEconomy(span, cpi, real, growth, wage, rate, tuple(basis))
    return full.window(first, last)


# -- histories and models ------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A free parameter: fitted on the log scale when ``positive``."""

    name: str
    unit: str
    meaning: str
    positive: bool = True


@dataclass(frozen=True)
class Series:
    """One reported series of a history, by year (NaN where the report has no value).

    ``used`` marks the values that enter the fit (in the fit years) and the error; a value
    that is reported but not used is explained in the history's notes. ``variable`` is the
    error-table variable the series counts towards (None: an auxiliary series, fitted but
    not tabled); ``fitted`` is False for the balance, which is compared but not fitted.
    """

    key: str
    label: str
    reported: F64
    used: B8
    variable: str | None = None
    fitted: bool = True


@dataclass(frozen=True)
class History:
    """A fund's reported history and how its balance is rolled (module notes)."""

    fund: str
    label: str
    years: I64
    series: tuple[Series, ...]
    n_fit: int
    has_balance: bool = True
    opening_balance: float = math.nan  # end of the year before the first
    off_table: F64 = field(default_factory=lambda: np.zeros(0))  # [Y] added in fit years
    income_includes_interest: bool = False
    notes: tuple[str, ...] = ()

    def get(self, key: str) -> Series:
        """The series ``key``."""
        for s in self.series:
            if s.key == key:
                return s
        raise KeyError(f"{self.fund}: no series {key!r}")

    def with_value(self, key: str, year: int, value: float) -> History:
        """A copy with one reported value replaced (for tests and what-ifs)."""
        i = int(np.flatnonzero(self.years == year)[0])
        series = []
        for s in self.series:
            if s.key == key:
                reported = s.reported.copy()
                reported[i] = value
                series.append(Series(s.key, s.label, reported, s.used, s.variable, s.fitted))
            else:
                series.append(s)
        return History(
            self.fund, self.label, self.years, tuple(series), self.n_fit, self.has_balance,
            self.opening_balance, self.off_table, self.income_includes_interest, self.notes,
        )  # fmt: skip


@dataclass(frozen=True)
class FundModel:
    """A fund's yearly model: ``flows(theta)`` maps parameters ``[..., P]`` (natural
    scale) to the modelled series ``[..., Y]`` by key; for a fund with a balance,
    ``income`` (before interest) and ``expenditure`` are among them."""

    params: tuple[Param, ...]
    start: F64  # first guess of the fit, natural scale
    flows: Callable[[F64], dict[str, F64]]
    rate: F64  # [Y] the return on the mean balance
    notes: tuple[str, ...] = ()

    def to_internal(self, theta: F64) -> F64:
        """Natural scale -> the fit's scale (log for positive parameters)."""
        pos = np.array([p.positive for p in self.params])
        out: F64 = np.where(pos, np.log(np.where(pos, theta, 1.0)), theta)
        return out

    def to_natural(self, z: F64) -> F64:
        """The fit's scale -> natural scale."""
        pos = np.array([p.positive for p in self.params])
        out: F64 = np.where(pos, np.exp(np.where(pos, z, 0.0)), z)
        return out


def _t4() -> list[dict[str, str]]:
    return read_csv("report.table4")


def unemployment_history(n_holdout: int = HOLDOUT_YEARS) -> History:
    """Table 4, 2005-2012 (CNY, persons), with the CHECKS section 4 / I-3 treatment."""
    rows = sorted(_t4(), key=lambda r: int(r["year"]))
    years = np.array([int(r["year"]) for r in rows], dtype=np.int64)
    income = np.array([float(r["fund_income_10k_CNY"]) for r in rows]) * _WAN
    spent = np.array([float(r["fund_expenditure_10k_CNY"]) for r in rows]) * _WAN
    balance = np.array([float(r["fund_balance_end_10k_CNY"]) for r in rows]) * _WAN
    recipients = np.array([float(r["benefit_recipients_persons"]) for r in rows])
    # CHECKS I-3: in 2010 one flow lost a digit (income 7,001.78 or expenditure 2,677.48);
    # the balance is right.
    typo_year = 2010
    flows_ok = years != typo_year
    everywhere = np.ones(years.size, dtype=np.bool_)
    # Income includes interest (CHECKS section 4): the break is the whole residual.
    residual = np.zeros(years.size)
    residual[1:] = balance[1:] - (balance[:-1] + income[1:] - spent[1:])
    off_table = np.where(flows_ok, residual, 0.0)
    opening = float(balance[0] - income[0] + spent[0])
    n_fit = years.size - n_holdout
    breaks = ", ".join(
        f"{int(y)} {v / _WAN:+,.2f}万"
        for y, v in zip(years[:n_fit], off_table[:n_fit], strict=True)
        if abs(v) >= 0.5 * _WAN
    )
    notes = (
        f"opening balance {opening / _WAN:,.2f}万 at the end of {int(years[0]) - 1} (2005's "
        "printed balance less its printed income, which includes interest, plus expenditure; "
        "CHECKS section 4)",
        "2010 breaks the roll-forward by +1,000.00万: CHECKS I-3 reads the balance as right and "
        "one 2010 flow as mistyped, so 2010 income and expenditure are left out of the fit and "
        "the MAPE; its balance is kept",
        f"off-table items added to the model balance in the fit years (rounding-size breaks "
        f"of the printed roll-forward): {breaks or 'none of 0.5万 or more'}",
    )
    return History(
        fund="unemployment",
        label="Unemployment (Table 4)",
        years=years,
        series=(
            Series("income", "income", income, flows_ok, "income"),
            Series("expenditure", "expenditure", spent, flows_ok, "expenditure"),
            Series("recipients", "recipients", recipients, everywhere),
            Series("balance", "balance", balance, everywhere, "balance", fitted=False),
        ),
        n_fit=n_fit,
        opening_balance=opening,
        off_table=off_table,
        income_includes_interest=True,
        notes=notes,
    )


def unemployment_model(
    econ: HistoricalEconomy, assumptions: Assumptions | None = None
) -> FundModel:
    """The unemployment fund's yearly model on the years of ``econ`` (module notes)."""
    from actuarial.assumptions import load_assumptions
    from actuarial.baseline import load_baseline
    from actuarial.claims._unemployment_rate import calibrate

    a = assumptions if assumptions is not None else load_assumptions()
    u = a.schemes.unemployment
    b = load_baseline(a)
    insured_2013 = b.figure("unemployment", "insured").value  # II.(4), 2013-08-31
    level_2012 = calibrate(a, b).mean_level_2012
    rate = u.employer_rate + u.employee_rate
    other = u.other_outgo_share
    years = econ.years
    # The benefit level of each year: the 2012 level taken back with the raise rule.
    raise_ = np.maximum(
        0.0, u.indexation.cpi_share * econ.cpi + u.indexation.wage_share * econ.real_growth
    )
    last = int(np.flatnonzero(years == 2012)[0]) if 2012 in years else years.size - 1
    level = np.empty(years.size)
    level[last] = level_2012
    for i in range(last - 1, -1, -1):
        level[i] = level[i + 1] / (1.0 + raise_[i + 1])
    for i in range(last + 1, years.size):
        level[i] = level[i - 1] * (1.0 + raise_[i])
    dt = (years - 2013).astype(np.float64)

    def flows(theta: F64) -> dict[str, F64]:
        base_ratio, growth, claim_rate, months = (theta[..., k, None] for k in range(4))
        insured = insured_2013 * (1.0 + growth) ** dt
        recipients = insured * claim_rate
        return {
            "income": insured * econ.wage * base_ratio * rate,
            "expenditure": recipients * months * level * (1.0 + other),
            "recipients": recipients,
        }

    params = (
        Param("contribution_base_ratio", "of the average wage",
              "declared contribution base / average wage"),
        Param("insured_growth", "a year",
              f"growth of the insured to the {insured_2013:,.0f} of 2013 (no series printed)",
              positive=False),
        Param("recipients_per_insured", "a year", "benefit recipients / insured"),
        Param("months_per_recipient", "months", "benefit months paid per recipient in a year"),
    )  # fmt: skip
    start = np.array([0.8, 0.0, 0.03, 10.0])
    notes = (
        "for comparison, the projection calibrates on 2012 alone with the insured held at "
        f"the 2013 count: contribution_base_ratio {u.contribution_base_ratio}, "
        f"benefit_months_per_recipient {u.benefit_months_per_recipient} (baseline.toml)",
    )
    return FundModel(params, start, flows, econ.deposit_rate, notes)


def work_injury_history(
    n_holdout: int = HOLDOUT_YEARS, economy: HistoricalEconomy | None = None
) -> History:
    """Table 5b, 2004-2012 (CNY, persons), with the CHECKS section 6 / I-16 / I-18
    treatment; the off-table items use the deposit rate of ``economy``."""
    rows = sorted(read_csv("report.table5b"), key=lambda r: int(r["year"]))
    years = np.array([int(r["year"]) for r in rows], dtype=np.int64)

    def col(name: str, scale: float = 1.0) -> F64:
        return np.array([float(r[name]) * scale if r[name] else math.nan for r in rows])

    insured = col("insured_persons")
    income = (col("contributions_collected_10k_CNY") + col("arrears_recovered_10k_CNY")) * _WAN
    spent = col("fund_expenditure_10k_CNY", _WAN)
    balance = col("fund_balance_end_10k_CNY", _WAN)
    beneficiaries = col("beneficiaries_persons")
    econ = economy if economy is not None else historical_economy(int(years[0]), int(years[-1]))
    r = econ.window(int(years[0]), int(years[-1])).deposit_rate
    net = income - spent
    # Opening balance: 2004's printed balance rolled back with its flows and interest.
    opening = float((balance[0] - net[0] * (1.0 + 0.5 * r[0])) / (1.0 + r[0]))
    off_table = np.zeros(years.size)
    prev = balance[:-1]
    off_table[1:] = balance[1:] - (prev + net[1:] + r[1:] * (prev + 0.5 * net[1:]))
    n_fit = years.size - n_holdout
    listed = ", ".join(
        f"{int(y)} {v / _WAN:+,.0f}万"
        for y, v in zip(years[1:n_fit], off_table[1:n_fit], strict=True)
    )
    held = ", ".join(
        f"{int(y)} {v / _WAN:+,.0f}万"
        for y, v in zip(years[n_fit:], off_table[n_fit:], strict=True)
    )
    notes = (
        "income = contributions collected + arrears recovered (CHECKS I-16); Table 5b has no "
        "interest, so the model's interest (deposit rate on the mean balance) is added to the "
        "balance only",
        f"the printed balance breaks the roll-forward every year (CHECKS section 6, I-18: "
        f"off-table adjustment fund, reserve, transfers); opening balance {opening / _WAN:,.0f}万 "
        f"at the end of {int(years[0]) - 1}; off-table items net of interest, added in the fit "
        f"years: {listed}; in the holdout they are not known ({held}) and are in its error",
        "the 2011 regulation raised benefits (III.(5).1) by an amount the report does not "
        "give: the model has no step in 2011",
    )
    has_ben = ~np.isnan(beneficiaries)
    everywhere = np.ones(years.size, dtype=np.bool_)
    return History(
        fund="work_injury_enterprise",
        label="Enterprise work injury (Table 5b)",
        years=years,
        series=(
            Series("income", "income", income, everywhere, "income"),
            Series("expenditure", "expenditure", spent, everywhere, "expenditure"),
            Series("insured", "insured", insured, everywhere),
            Series("beneficiaries", "beneficiaries", beneficiaries, has_ben),
            Series("balance", "balance", balance, everywhere, "balance", fitted=False),
        ),
        n_fit=n_fit,
        opening_balance=opening,
        off_table=off_table,
        notes=notes,
    )


def work_injury_model(econ: HistoricalEconomy) -> FundModel:
    """The enterprise work-injury fund's yearly model on the years of ``econ``."""
    dt = (econ.years - econ.years[0]).astype(np.float64)

    def flows(theta: F64) -> dict[str, F64]:
        n0, growth, premium, frequency, cost = (theta[..., k, None] for k in range(5))
        insured = n0 * (1.0 + growth) ** dt
        beneficiaries = insured * frequency
        return {
            "insured": insured,
            "income": insured * econ.wage * premium,
            "beneficiaries": beneficiaries,
            "expenditure": beneficiaries * cost * econ.wage,
        }

    first = int(econ.years[0])
    params = (
        Param("insured_first_year", "persons", f"insured in {first}"),
        Param("insured_growth", "a year", "growth of the insured", positive=False),
        Param("premium", "of the average wage",
              "income (collected + arrears) per insured / average wage"),
        Param("beneficiaries_per_insured", "a year", "beneficiaries / insured (frequency)"),
        Param("cost_per_beneficiary", "average wages",
              "expenditure per beneficiary / average wage (severity, annuities included)"),
    )  # fmt: skip
    start = np.array([40_000.0, 0.1, 0.005, 0.02, 0.2])
    return FundModel(params, start, flows, econ.deposit_rate)


#: The NCMS 2011 fund total as CHECKS I-4 reads it (万元; a hypothesis: one digit).
NCMS_2011_READING_WAN = 46_180.23


def medical_history(n_holdout: int = HOLDOUT_YEARS) -> History:
    """Table 1, 2010-2013: each scheme's fund total (financing raised, CNY)."""
    rows = read_csv("report.table1")
    years = np.array(sorted({int(r["year"]) for r in rows}), dtype=np.int64)

    def total(scheme: str) -> F64:
        got = {int(r["year"]): float(r["annual_fund_total_10k_CNY"]) for r in rows
               if r["scheme"] == scheme}  # fmt: skip
        return np.array([got[int(y)] for y in years]) * _WAN

    ncms = total("rural_cooperative_medical")
    printed = float(ncms[years == 2011][0]) / _WAN
    ncms[years == 2011] = NCMS_2011_READING_WAN * _WAN
    everywhere = np.ones(years.size, dtype=np.bool_)
    n_fit = years.size - n_holdout
    notes = (
        "Table 1 prints the financing raised (income) only: no expenditure and no balance, so "
        "those have no error and the payout ratio cannot be fitted",
        f"NCMS 2011 read as {NCMS_2011_READING_WAN:,.2f}万, not the printed {printed:,.2f} "
        "(CHECKS I-4: 168 CNY a head against a 290-310 standard; a hypothesis)",
        f"{years.size} years: the last {n_holdout} held out, three parameters fitted on "
        f"{n_fit} years x 2 schemes (one degree of freedom: the standard errors are rough); "
        "income MAPE over the scheme-years of both schemes",
    )
    return History(
        fund="resident_medical",
        label="Resident medical (Table 1)",
        years=years,
        series=(
            Series("income_ncms", "income, NCMS", ncms, everywhere, "income"),
            Series(
                "income_urbmi",
                "income, URBMI",
                total("urban_resident_medical"),
                everywhere,
                "income",
            ),
        ),
        n_fit=n_fit,
        has_balance=False,
        notes=notes,
    )


def medical_model(econ: HistoricalEconomy, assumptions: Assumptions | None = None) -> FundModel:
    """Both resident medical schemes' financing on the years of ``econ`` (module notes)."""
    from actuarial.assumptions import load_assumptions

    a = assumptions if assumptions is not None else load_assumptions()
    projected = {
        code: getattr(a.schemes, code).financing_growth.wage_share
        for code in ("rural_cooperative_medical", "urban_resident_medical")
    }
    growth = econ.wage_growth.copy()
    growth[0] = 0.0  # the first year is the level

    def flows(theta: F64) -> dict[str, F64]:
        ncms, urbmi, share = (theta[..., k, None] for k in range(3))
        # A financing index that falls by more than all of it in a year is no index: the
        # floor only binds for parameter draws far in the tail.
        index = np.cumprod(np.maximum(1.0 + share * growth, _TINY), axis=-1)
        return {"income_ncms": ncms * index, "income_urbmi": urbmi * index}

    first = int(econ.years[0])
    params = (
        Param("ncms_financing_first_year", "CNY", f"NCMS financing raised in {first}"),
        Param("urbmi_financing_first_year", "CNY", f"URBMI financing raised in {first}"),
        Param("financing_wage_share", "of nominal wage growth",
              "growth of financing per head / nominal wage growth", positive=False),
    )  # fmt: skip
    start = np.array([2e8, 5e7, 1.0])
    rate = np.zeros(econ.years.size)  # no balance: no return
    notes = (
        "for comparison, the projection's financing_growth.wage_share (an assumption): "
        + ", ".join(f"{code} {v}" for code, v in projected.items()),
    )
    return FundModel(params, start, flows, rate, notes)


# -- paths, fit, fan -----------------------------------------------------------------------


def model_paths(
    model: FundModel, history: History, theta: F64, shocks: dict[str, F64] | None = None
) -> dict[str, F64]:
    """Every modelled series ``[..., Y]`` at ``theta`` ``[..., P]``: the flows (times
    ``exp(shocks[key])`` where given), and for a fund with a balance the interest, the
    income as the report counts it and the balance (rolled as the module notes say)."""
    out = dict(model.flows(theta))
    if shocks:
        for key, z in shocks.items():
            out[key] = out[key] * np.exp(z)
    if not history.has_balance:
        return out
    income, spent = out["income"], out["expenditure"]
    n_years = history.years.size
    reported = history.get("balance").reported
    shape = np.broadcast_shapes(income.shape, spent.shape)
    balance = np.empty(shape)
    interest = np.empty(shape)
    prev = np.full(shape[:-1], history.opening_balance)
    for t in range(n_years):
        if t == history.n_fit:
            # The forecast origin: the printed balance at the end of the fit window.
            prev = np.full(shape[:-1], reported[t - 1])
        net = income[..., t] - spent[..., t]
        interest[..., t] = model.rate[t] * (prev + 0.5 * net)
        known = history.off_table[t] if t < history.n_fit else 0.0
        balance[..., t] = prev + net + interest[..., t] + known
        prev = balance[..., t]
    out["interest"] = interest
    out["balance"] = balance
    if history.income_includes_interest:
        out["income"] = income + interest
    return out


@dataclass(frozen=True)
class FitResult:
    """Fitted parameters (natural scale), their standard errors and covariance (fit scale),
    and the residual sd of each fitted series (log scale)."""

    theta: F64
    se: F64
    z: F64
    cov_z: F64
    sigma: dict[str, float]
    n_points: int
    success: bool
    message: str


def _fit_points(history: History) -> list[tuple[Series, I64]]:
    out = []
    for s in history.series:
        if not s.fitted:
            continue
        idx = np.flatnonzero(s.used[: history.n_fit] & ~np.isnan(s.reported[: history.n_fit]))
        if idx.size:
            out.append((s, idx))
    return out


def fit(model: FundModel, history: History) -> FitResult:
    """Least squares of the log ratio model / reported over the fitted series' used values
    in the fit years (``scipy.optimize.least_squares``); the holdout years do not enter."""
    from scipy.optimize import least_squares

    points = _fit_points(history)

    def residuals(z: F64) -> F64:
        paths = model_paths(model, history, model.to_natural(z))
        parts = [
            np.log(np.maximum(paths[s.key][idx], _TINY)) - np.log(s.reported[idx])
            for s, idx in points
        ]
        return np.concatenate(parts)

    z0 = model.to_internal(model.start)
    sol = least_squares(residuals, z0, x_scale="jac", xtol=1e-12, ftol=1e-12, gtol=1e-12)
    z = np.asarray(sol.x, dtype=np.float64)
    res = residuals(z)
    n, p = res.size, z.size
    dof = n - p
    jac = np.asarray(sol.jac, dtype=np.float64)
    s2 = float(res @ res) / dof if dof > 0 else math.nan
    cov: F64 = s2 * np.linalg.pinv(jac.T @ jac).astype(np.float64)
    se_z = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    theta = model.to_natural(z)
    pos = np.array([q.positive for q in model.params])
    se = np.where(pos, theta * se_z, se_z)
    inflate = n / dof if dof > 0 else math.nan
    sigma: dict[str, float] = {}
    start = 0
    for s, idx in points:
        part = res[start : start + idx.size]
        start += idx.size
        sigma[s.key] = math.sqrt(float(part @ part) / idx.size * inflate)
    return FitResult(theta, se, z, cov, sigma, n, bool(sol.success), str(sol.message))


@dataclass(frozen=True)
class FundBacktest:
    """One fund's back-test: its history, fit, central path and fan."""

    history: History
    model: FundModel
    fit: FitResult
    central: dict[str, F64]  # [Y] at the fitted parameters, no noise
    fan: dict[str, F64]  # [len(BAND), Y] percentiles over the draws

    @property
    def notes(self) -> tuple[str, ...]:
        """How the history was read and what the model leaves out."""
        return self.history.notes + self.model.notes

    def errors(self) -> list[dict[str, object]]:
        """One row per table variable: in-sample and holdout MAPE and their points."""
        h = self.history
        rows: list[dict[str, object]] = []
        fit_mask = np.arange(h.years.size) < h.n_fit
        for v in VARIABLES:
            model_in, rep_in, model_out, rep_out = [], [], [], []
            for s in h.series:
                if s.variable != v:
                    continue
                ok = s.used & ~np.isnan(s.reported)
                m = self.central[s.key]
                model_in.append(m[ok & fit_mask])
                rep_in.append(s.reported[ok & fit_mask])
                model_out.append(m[ok & ~fit_mask])
                rep_out.append(s.reported[ok & ~fit_mask])

            def cat(parts: list[F64]) -> F64:
                return np.concatenate(parts) if parts else np.zeros(0)

            rows.append(
                {
                    "fund": h.fund,
                    "variable": v,
                    "fit_years": f"{int(h.years[0])}-{int(h.years[h.n_fit - 1])}",
                    "in_sample_points": int(cat(rep_in).size),
                    "in_sample_mape_pct": mape(cat(model_in), cat(rep_in)),
                    "holdout_years": f"{int(h.years[h.n_fit])}-{int(h.years[-1])}",
                    "holdout_points": int(cat(rep_out).size),
                    "holdout_mape_pct": mape(cat(model_out), cat(rep_out)),
                }
            )
        return rows


def backtest_fund(
    model: FundModel, history: History, *, draws: int, rng: np.random.Generator
) -> FundBacktest:
    """Fit ``model`` on ``history``'s fit years, its central path and a fan of ``draws``."""
    if draws < 1:
        raise ValueError(f"draws: got {draws}; allowed: 1 or more")
    result = fit(model, history)
    if not result.success:
        raise RuntimeError(f"{history.fund}: the fit did not converge: {result.message}")
    central = model_paths(model, history, result.theta)
    cov = result.cov_z
    if np.isfinite(cov).all():
        z = rng.multivariate_normal(result.z, cov, size=draws, method="eigh")
    else:  # no degree of freedom: no parameter uncertainty can be estimated
        z = np.tile(result.z, (draws, 1))
    theta = model.to_natural(z)
    n_years = history.years.size
    shocks = {
        key: sigma * rng.standard_normal((draws, n_years))
        for key, sigma in result.sigma.items()
        if math.isfinite(sigma)
    }
    paths = model_paths(model, history, theta, shocks)
    fan = {k: np.percentile(v, BAND, axis=0) for k, v in paths.items()}
    return FundBacktest(history, model, result, central, fan)


@dataclass(frozen=True)
class BacktestResult:
    """The back-test of every fund: the error table, the fitted parameters, the notes and
    the data of the chart (``funds``)."""

    table: pd.DataFrame
    parameters: pd.DataFrame
    funds: tuple[FundBacktest, ...]
    notes: tuple[str, ...]
    draws: int
    seed: int


#: Notes that hold for every fund.
COMMON_NOTES = (
    f"fit on all but the last {HOLDOUT_YEARS} years of each history (scipy least squares of "
    "log model / reported); MAPE of the central path at the fitted parameters",
    "economy: World Bank CPI (S3); deposit-rate return on the mean balance (PBoC, P7); "
    "wage 46,966 CNY in 2013 (P8) taken back with 2013's 11.9 % (P8) and before that the "
    "PROXY (1 + CPI)(1 + real GDP growth) - 1 (World Bank S3, S4)",
    "fan: parameter draws from the fit's covariance and lognormal noise on each flow at the "
    "fit's residual sd; the holdout restarts at the printed balance of the last fit year",
)


def run_backtest(*, draws: int = 200, seed: int = 0) -> BacktestResult:
    """Back-test the unemployment, enterprise work-injury and resident medical funds.

    ``draws`` fan draws per fund and a ``seed``: the same seed gives the same fan.
    """
    import pandas as pd

    from actuarial.assumptions import load_assumptions

    if draws < 1:
        raise ValueError(f"draws: got {draws}; allowed: 1 or more")
    if not 0 <= seed <= 2**63 - 1:
        raise ValueError(f"seed: got {seed}; allowed: 0 to 2**63-1")
    a = load_assumptions()
    econ = historical_economy(2004, 2013, a)
    unemp = unemployment_history()
    injury = work_injury_history(economy=econ)
    medical = medical_history()

    def on(h: History) -> HistoricalEconomy:
        return econ.window(int(h.years[0]), int(h.years[-1]))

    cases = (
        (unemployment_model(on(unemp), a), unemp),
        (work_injury_model(on(injury)), injury),
        (medical_model(on(medical), a), medical),
    )
    funds = []
    for i, (model, history) in enumerate(cases):
        rng = np.random.default_rng([seed, i])
        funds.append(backtest_fund(model, history, draws=draws, rng=rng))
    table = pd.DataFrame([row for f in funds for row in f.errors()])
    params = pd.DataFrame(
        [
            {
                "fund": f.history.fund,
                "parameter": p.name,
                "estimate": float(f.fit.theta[k]),
                "se": float(f.fit.se[k]),
                "unit": p.unit,
                "meaning": p.meaning,
            }
            for f in funds
            for k, p in enumerate(f.model.params)
        ]
    )
    return BacktestResult(table, params, tuple(funds), COMMON_NOTES, draws, seed)


# -- the chart -----------------------------------------------------------------------------

_COLOURS = {
    "income": "tab:blue",
    "expenditure": "tab:orange",
    "balance": "tab:green",
    "income_ncms": "tab:blue",
    "income_urbmi": "tab:purple",
}


def backtest_chart(result: BacktestResult) -> Figure:
    """One panel per fund: each tabled series' median and 90 % band against the reported
    points (``actuarial.plotting.backtest_chart``, which draws it)."""
    from actuarial.plotting import backtest_chart as draw

    return draw(result)


def save_backtest_chart(result: BacktestResult, path: str | Path) -> Path:
    """Write :func:`backtest_chart` to ``path`` as PNG, atomically; returns the path."""
    from actuarial._atomic import atomic_path

    target = Path(path)
    fig = backtest_chart(result)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
    return target
