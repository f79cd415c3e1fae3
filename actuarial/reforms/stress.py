"""Stress presets: adverse economic, demographic and claims scenarios (kind ``"stress"``).

Six presets, each a dated change from its ``year`` on, sized from the packaged history
where it has an episode of the size (World Bank CPI and real GDP growth, S3/S4,
``actuarial/data/economy/macro_china_cpi_deflator_gdp_worldbank.csv``; PBoC deposit
benchmark, P7, ``rates_pboc_deposit_benchmark_annual_derived.csv``; report Tables 4 and
5a), otherwise by a stated ASSUMPTION:

``high_inflation``
    CPI inflation ``cpi_shift`` above its path for ``duration`` years; the fund return
    follows by ``return_pass_through`` of it.
``low_returns``
    The fund return ``return_shift`` below its path (the real-negative deposit yields of
    report III.(9).2).
``longevity``
    The mortality index falls by an extra drift a year (faster improvement).
``recession``
    Real wage growth ``real_wage_shift`` below its path for a spell, and the unemployment
    fund's claims ``unemployment_factor`` times their level in it.
``mass_casualty``
    ``deaths`` work deaths in one county and year: the work-injury fund pays the death
    benefits and the dependants' pensions that follow.
``bad_decade``
    A decade of high inflation, low returns and lower real wage growth that starts with a
    recession: the four presets above, composed.

How the economic shifts are made
--------------------------------
The generator (``kernels.scenario``) makes each rate an AR(1) around a mean path:
``x[y] - m[y] = phi (x[y-1] - m[y-1]) + e[y]``. Shifting the mean by ``delta`` over a window
while keeping every draw's innovations gives ``x' = m' + (x - m)``, that is the draw's own
path moved by exactly ``delta`` in the window and unchanged outside it (the deviation
``x - m`` that leaves the window is the one that would have left it anyway). So the presets
add ``delta`` to the paths in :meth:`~actuarial.reforms.Reform.apply_paths`, keep the
innovations (and so the common random numbers of the baseline), and recompute nominal wage
growth ``(1 + cpi)(1 + real) - 1`` where either part moved. In the base year (a preset
dated 2013) this moves the starting value with the mean. A level shift of growth rates
shifts the wage *level* for good: a recession's lost wage growth is not made up later.

No preset draws random numbers: every effect is a deterministic function of the draw's
paths and results, so the stressed draws are the baseline's draws with the stress added.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator

from actuarial.assumptions._types import CountyCode
from actuarial.reforms._base import Reform, ReformError, register

if TYPE_CHECKING:
    from actuarial.assumptions import Assumptions
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk
    from actuarial.scenarios import EconomicPaths

__all__ = [
    "BadDecade",
    "DeathTerms",
    "HighInflation",
    "Longevity",
    "LowReturns",
    "MassCasualty",
    "Recession",
    "casualty_flows",
    "e60_gain",
    "scale_unemployment",
    "shift_economy",
    "shift_mortality",
    "window",
]

F64 = NDArray[np.float64]

#: Years a shift lasts; 0 = from the effective year to the end of the projection.
Duration = Annotated[int, Field(ge=0, le=88)]

# -- shared steps (each preset and ``bad_decade`` use these) ------------------------------


def window(y0: int, duration: int, n_years: int) -> slice:
    """Year indices ``y0 .. y0 + duration - 1`` within the horizon; duration 0: to the end."""
    stop = n_years if duration == 0 else min(y0 + duration, n_years)
    return slice(y0, max(stop, y0))


def _frozen(arr: F64) -> F64:
    arr.flags.writeable = False
    return arr


def shift_economy(
    paths: EconomicPaths,
    years: slice,
    *,
    cpi: float = 0.0,
    real_wage_growth: float = 0.0,
    fund_return: float = 0.0,
) -> EconomicPaths:
    """``paths`` with each rate moved by its shift in the ``years`` window (fractions a
    year) and nominal wage growth recomputed there; arrays outside the window and rates
    with no shift are the same objects."""

    def moved(arr: F64, delta: float) -> F64:
        if delta == 0.0:
            return arr
        out = np.array(arr, dtype=np.float64, copy=True)
        out[:, years] += delta
        return _frozen(out)

    new_cpi = moved(paths.cpi, cpi)
    new_real = moved(paths.real_wage_growth, real_wage_growth)
    wage = paths.wage_growth
    if cpi != 0.0 or real_wage_growth != 0.0:
        wage = np.array(paths.wage_growth, dtype=np.float64, copy=True)
        wage[:, years] = (1.0 + new_cpi[:, years]) * (1.0 + new_real[:, years]) - 1.0
        wage = _frozen(wage)
    return dataclasses.replace(
        paths,
        cpi=new_cpi,
        real_wage_growth=new_real,
        wage_growth=wage,
        fund_return=moved(paths.fund_return, fund_return),
    )


def shift_mortality(paths: EconomicPaths, y0: int, drift: tuple[float, float]) -> EconomicPaths:
    """``paths`` with the mortality index of each sex (male, female) lowered by
    ``drift[s]`` a year from ``y0``: by ``drift[s] * (y - y0 + 1)`` in year index ``y``."""
    index = np.array(paths.mortality_index, dtype=np.float64, copy=True)
    steps = np.arange(1, index.shape[1] - y0 + 1, dtype=np.float64)
    for s, d in enumerate(drift):
        index[:, y0:, s] -= d * steps
    return dataclasses.replace(paths, mortality_index=_frozen(index))


def scale_unemployment(chunk: Chunk, years: slice, factor: float) -> None:
    """Multiply the unemployment fund's recipients, benefits and other outgo (training
    and placement, a fixed share of benefits in the kernel) by ``factor`` in ``years``;
    nothing if the run has no unemployment fund."""
    j = chunk.index("unemployment")
    if j is None or factor == 1.0 or years.start >= years.stop:
        return
    for name in ("beneficiaries", "benefits", "other_outgo"):
        chunk.var(name)[:, :, j, years] *= factor
    chunk.mark(j, int(years.start))


# -- high_inflation ---------------------------------------------------------------------


@register
class HighInflation(Reform):
    """CPI inflation above its path for a spell; fund returns follow in part.

    Size: ``cpi_shift`` = 3.6 points, China's CPI in 2007-2008 (4.82 %, 5.93 %, mean
    5.37 %; World Bank, packaged) above the fitted mean of the generator (1.73 %,
    ``economy.inflation.mean``). Length: 5 years, an ASSUMPTION: the 1992-1996 spell
    stayed above 6 % for five years (6.4, 14.6, 24.3, 16.8, 8.3 %), 2007-2008 lasted two.

    Pass-through to the funds' return: the funds hold bank deposits (III.(9).2), whose
    benchmark rose from 2.30 % (2005-2006 mean) to 3.57 % (2007-2008) while CPI rose from
    1.71 % to 5.37 %: 1.27 / 3.66 = 0.35 (PBoC day-weighted 1-year benchmark, packaged).
    For comparison, the estimated one-year shocks give 0.7565 x 0.5277 / 1.777 = 0.22
    (correlation x the ratio of volatilities, ``economy.shock_correlation``), and a
    regression of the benchmark on CPI, 1996-2024, 0.42 (se 0.13). Below 1, so real returns
    fall: the report's point that prices outrun deposit rates (III.(9).2).

    Pensions, allowances and benefit levels indexed to prices follow through their own
    rules (the kernels read ``cpi``); nominal wages rise with CPI, so contributions do too.
    """

    name = "high_inflation"
    kind = "stress"
    summary = "CPI inflation above its path for a spell, returns partly following (III.(9).2)"

    cpi_shift: Annotated[float, Field(ge=0.0, le=0.3)] = Field(
        default=0.036,
        description="Added to CPI inflation every year of the spell, fraction a year; "
        "China 2007-2008 (5.37 %) above the fitted mean 1.73 % (World Bank CPI, packaged).",
    )
    duration: Duration = Field(
        default=5,
        description="Years of the spell from the effective year, 0 = to the end; "
        "ASSUMPTION: the five years of 1992-1996 above 6 % (World Bank CPI, packaged).",
    )
    return_pass_through: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.35,
        description="Share of the CPI shift added to the funds' nominal return, fraction; "
        "the deposit benchmark's rise over CPI's, 2005-2006 to 2007-2008 (PBoC P7 and "
        "World Bank CPI, packaged): 1.27 / 3.66 points.",
    )

    def apply_paths(self, paths: EconomicPaths, y0: int) -> EconomicPaths:
        years = window(y0, self.duration, paths.cpi.shape[1])
        return shift_economy(
            paths, years, cpi=self.cpi_shift, fund_return=self.return_pass_through * self.cpi_shift
        )


# -- low_returns ------------------------------------------------------------------------


@register
class LowReturns(Reform):
    """The funds' nominal return below its path.

    Size: -0.78 points, from the report's 2.28 % (III.(9).2, ``economy.fund_return``) to
    1.50 %, the PBoC 1-year deposit benchmark since 2015-10-24 (packaged through 2024),
    below the fitted CPI mean of 1.73 %: a real-negative return, the erosion the report
    describes (III.(9).2). To the end by default, since the benchmark has not moved since.
    Every fund is credited the lower return (all hold deposits); balances only earn
    interest, so no flow but interest changes (except where a kernel credits individual
    accounts with the return).
    """

    name = "low_returns"
    kind = "stress"
    summary = "Fund returns below their path: real-negative deposit yields (III.(9).2)"

    return_shift: Annotated[float, Field(ge=-0.1, le=0.0)] = Field(
        default=-0.0078,
        description="Added to the funds' nominal return every year, fraction a year: the "
        "report's 2.28 % (III.(9).2) down to the 1.50 % deposit benchmark of 2015-2024 "
        "(PBoC P7, packaged).",
    )
    duration: Duration = Field(
        default=0,
        description="Years from the effective year, 0 = to the end (the benchmark has "
        "stayed at 1.50 % since 2015-10-24, PBoC P7, packaged).",
    )

    def apply_paths(self, paths: EconomicPaths, y0: int) -> EconomicPaths:
        years = window(y0, self.duration, paths.fund_return.shape[1])
        return shift_economy(paths, years, fund_return=self.return_shift)


# -- longevity ----------------------------------------------------------------------------

#: ``mortality.index.drift_se_male`` / ``_female`` of the packaged baseline (Lee-Carter
#: k(t) on the sum-b = 1 scale, per year).
_DRIFT_SE = (0.1447, 0.1094)
_SE_MULTIPLE = 2.0


@register
class Longevity(Reform):
    """Mortality improves faster than the central path: the mortality index falls by an
    extra ``drift`` a year from the effective year.

    The index ``eps`` enters as ``log q(x, t) = log qbar(x, t) + b(x) eps(t)``, b summing
    to 1 over ages 0-100 (``actuarial.demography``); the central path already falls by
    2.39 (male) and 2.86 (female) a year on this scale, and the generator draws its drift
    with a standard error of 0.1447 and 0.1094 (``mortality.index.drift_se_*``, seven
    five-year differences of WPP 2024 China, S1). Size: two standard errors of the drift
    (0.2894, 0.2188 a year), a one-in-44 drift under the model's own uncertainty. From
    2015 this adds, by 2050, 0.52 years to the period life expectancy at 60 of men (22.68
    to 23.20) and 0.36 of women (25.73 to 26.09) (:func:`e60_gain`). That is a mild
    stress, as the seven smoothed UN differences understate the drift's uncertainty;
    drifts of 0.55 (men) and 0.61 (women) give one year each.
    """

    name = "longevity"
    kind = "stress"
    summary = "Faster mortality improvement: the mortality index falls by an extra drift"

    drift_male: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        default=_SE_MULTIPLE * _DRIFT_SE[0],
        description="Extra fall of the men's mortality index a year (Lee-Carter k, sum "
        "b = 1 scale); ASSUMPTION: two standard errors of its drift "
        "(mortality.index.drift_se_male 0.1447, S1).",
    )
    drift_female: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        default=_SE_MULTIPLE * _DRIFT_SE[1],
        description="Extra fall of the women's mortality index a year; ASSUMPTION: two "
        "standard errors of its drift (mortality.index.drift_se_female 0.1094, S1).",
    )

    def apply_paths(self, paths: EconomicPaths, y0: int) -> EconomicPaths:
        return shift_mortality(paths, y0, (self.drift_male, self.drift_female))


def e60_gain(
    drift_male: float = _SE_MULTIPLE * _DRIFT_SE[0],
    drift_female: float = _SE_MULTIPLE * _DRIFT_SE[1],
    *,
    start: int = 2015,
    year: int = 2050,
    assumptions: Assumptions | None = None,
) -> dict[str, tuple[float, float]]:
    """Period life expectancy at 60 in ``year`` by sex, (central, with the extra drift
    from ``start``): q from ``actuarial.demography.death_probabilities`` at the
    assumptions' level factor, moved by ``b(x) * (-drift * (year - start + 1))`` as the
    kernels move it (capped at 1), and read through ``life_table`` at m = -log(1 - q)."""
    from actuarial.assumptions import load_assumptions
    from actuarial.demography import SEXES, death_probabilities, leecarter_bx, life_table

    a = assumptions or load_assumptions()
    q = death_probabilities(year, year, level_factor=a.mortality.level_factor)
    bx = leecarter_bx()
    eps = -(year - start + 1) * np.array([drift_male, drift_female])
    out = {}
    for s, sex in enumerate(SEXES):
        qbar = q.sel(sex=sex, year=year).values
        moved = np.minimum(qbar * np.exp(bx.sel(sex=sex).values * eps[s]), 1.0)
        e60 = [
            float(life_table(-np.log1p(-np.minimum(qq, 1.0 - 1e-15)), sex)["ex"][60])
            for qq in (qbar, moved)
        ]
        out[str(sex)] = (e60[0], e60[1])
    return out


# -- recession ----------------------------------------------------------------------------


@register
class Recession(Reform):
    """A spell of low real wage growth with more unemployment claims.

    Wages: real wage growth ``real_wage_shift`` below its path for the spell. Size: -4.5
    points, China's real GDP growth in 2020 (2.24 %) below its 2015-2019 mean (6.71 %;
    World Bank, packaged; no wage series long enough is public, P8). Length: 2 years, an
    ASSUMPTION: the 1989-1990 slowdown (4.2 %, 3.9 % after 11.2 % in 1988) lasted two.

    Claims: the unemployment fund's recipients ``unemployment_factor`` times the baseline
    in the spell. Size: 1.54, Yuxi's recipients around the 2008-2009 crisis, 3,777 in 2008
    to 5,809 in 2010 (Table 4). The claim rate is one city-wide AR(1) with a constant mean
    in the built scheme (``actuarial.claims._unemployment_rate``), which cannot be changed
    for a spell of years, so the spike is applied to the results: recipients, benefits and
    training and placement outgo (a fixed share of benefits) are multiplied by the factor
    in the spell's years. Without process risk this is exactly the kernel with the claim
    rate times the factor (recipients = insured x rate); with it, the scaled binomial
    count has the right mean but a variance ``factor`` times larger than a binomial's at
    the higher rate. The extra recipients keep contributing, as every insured person does
    in the kernel; contributions fall only with wages.
    """

    name = "recession"
    kind = "stress"
    summary = "Low real wage growth for a spell and an unemployment-claims spike (III.(4))"

    real_wage_shift: Annotated[float, Field(ge=-0.2, le=0.0)] = Field(
        default=-0.045,
        description="Added to real wage growth each year of the spell, fraction a year: "
        "China 2020 real GDP growth 2.24 % below the 2015-2019 mean 6.71 % (World Bank, "
        "packaged).",
    )
    unemployment_factor: Annotated[float, Field(ge=1.0, le=10.0)] = Field(
        default=1.54,
        description="Unemployment recipients (and their benefits) in the spell, multiple "
        "of the baseline: Yuxi's 3,777 (2008) to 5,809 (2010) recipients, report Table 4.",
    )
    duration: Duration = Field(
        default=2,
        description="Years of the spell from the effective year, 0 = to the end; "
        "ASSUMPTION: the 1989-1990 slowdown lasted two years (World Bank, packaged).",
    )

    def apply_paths(self, paths: EconomicPaths, y0: int) -> EconomicPaths:
        years = window(y0, self.duration, paths.cpi.shape[1])
        return shift_economy(paths, years, real_wage_growth=self.real_wage_shift)

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        years = window(y0, self.duration, chunk.years.size)
        scale_unemployment(chunk, years, self.unemployment_factor)


# -- mass_casualty --------------------------------------------------------------------------

WorkInjuryCode = Literal["work_injury_enterprise", "work_injury_institution"]


@dataclass(frozen=True)
class DeathTerms:
    """What a work death costs a work-injury fund, from its built scheme: the one-off
    benefits and the dependants' pensions (``actuarial.claims._work_injury``)."""

    code: str
    per_death: float  # funeral grant + death grant, multiples of the year's average wage
    dependants_per_death: float
    pension_start: float  # a new dependant's annual pension / the year's average wage
    qbar: F64  # [Y] central death probability of the dependants' representative age
    bx: float
    sex: int
    exit_rate: float
    raise_known: F64  # [Y], NaN: the rule
    raise_rule: tuple[float, float]  # CPI share, real-wage share

    @classmethod
    def of(cls, scheme: Any) -> DeathTerms:
        from actuarial.claims._work_injury import ANNUITIES, KINDS, WorkInjuryScheme

        if not isinstance(scheme, WorkInjuryScheme):
            raise ReformError(
                f"reform mass_casualty: scheme {scheme.code!r} is not a work-injury fund"
            )
        cal = scheme.calibration
        j = ANNUITIES.index("dependants")
        return cls(
            code=scheme.code,
            # The statutory items alone (art. 39), without the county cost factor the
            # kernel applies to every one-off claim: that factor carries the 2012 case mix
            # of small claims, while the death benefits are fixed by the regulation.
            per_death=float(cal.severity[KINDS.index("death")]),
            dependants_per_death=float(cal.dependants_per_death),
            pension_start=float(cal.annuity_start[j]),
            qbar=np.array(scheme.end_qbar[j], dtype=np.float64),
            bx=float(scheme.end_bx[j]),
            sex=int(scheme.end_sex[j]),
            exit_rate=float(scheme.end_exit[j]),
            raise_known=np.array(scheme.raise_known, dtype=np.float64),
            raise_rule=(float(scheme.raise_rule[0]), float(scheme.raise_rule[1])),
        )


def casualty_flows(
    terms: DeathTerms,
    paths: EconomicPaths,
    wage: F64,
    y0: int,
    deaths: int,
    *,
    dependants: bool,
) -> tuple[F64, F64]:
    """Benefits and beneficiaries ``[draw, year - y0]`` that ``deaths`` work deaths in year
    index ``y0`` add to a fund, with ``wage [draw, year]`` the city average wage.

    Year ``y0``: ``deaths x per_death x wage[y0]`` (funeral and death grants), and the
    deaths counted as beneficiaries (as the kernel counts work deaths). Later years, if
    ``dependants``: ``n = deaths x dependants_per_death`` dependants join at the end of
    ``y0`` at ``pension_start x wage[y0]`` each; every year their amount is raised (the
    known raise, else ``cpi_share x cpi + wage_share x real``) and a share
    ``1 - (1 - q)(1 - exit)`` of them ends, ``q = min(qbar exp(b eps), 1)`` with the draw's
    mortality index, as in ``kernels.work_injury`` but at expected values (the kernel
    draws the dependants and the ends when counts are random).
    """
    n_draws, n_years = wage.shape
    benefits = np.zeros((n_draws, n_years - y0))
    persons = np.zeros((n_draws, n_years - y0))
    benefits[:, 0] = deaths * terms.per_death * wage[:, y0]
    persons[:, 0] = float(deaths)
    if not dependants:
        return benefits, persons
    n = np.full(n_draws, deaths * terms.dependants_per_death)
    pay = n * terms.pension_start * wage[:, y0]
    for t in range(y0 + 1, n_years):
        known = terms.raise_known[t]
        if np.isnan(known):
            raised = terms.raise_rule[0] * paths.cpi[:, t] + (
                terms.raise_rule[1] * paths.real_wage_growth[:, t]
            )
        else:
            raised = np.full(n_draws, known)
        eps = paths.mortality_index[:, t, terms.sex]
        q = np.minimum(terms.qbar[t] * np.exp(terms.bx * eps), 1.0)
        ends = 1.0 - (1.0 - q) * (1.0 - terms.exit_rate)
        pay = pay * (1.0 + raised) * (1.0 - ends)
        n = n * (1.0 - ends)
        benefits[:, t - y0] = pay
        persons[:, t - y0] = n
    return benefits, persons


@register
class MassCasualty(Reform):
    """A major work accident: ``deaths`` insured workers of ``county`` die in the
    effective year, and its work-injury fund pays what the regulation owes their families.

    Per death (工伤保险条例 art. 39, as the package values it:
    ``schemes.<fund>.claims``): the funeral grant, 6 months of the average wage, and the
    one-off death grant, 20 times the national urban disposable income per head of the
    year before, taken as 11 average wages (an ASSUMPTION of the assumptions: the income
    series is not packaged): 11.5 times the year's city average wage of the draw, paid in
    the year. Then dependants' pensions, ``dependants_per_death`` per death (1.95, from the
    enterprise fund's 390 dependants and its work deaths of 2007-2012, Tables 5a-5b) at
    ``dependant_pension_share x injured_wage_ratio`` of the wage (0.35 x 0.7 = 0.245 for
    enterprises), raised and ended as the fund's other dependants (:func:`casualty_flows`).
    These are added to the fund's ``benefits`` at the results stage (the claims kernel has
    no year-by-year claim frequency) and the county's balance is settled again.

    Defaults: 30 deaths, the threshold of a "particularly serious" accident (特别重大事故,
    生产安全事故报告和调查处理条例, State Council order 493 of 2007, art. 3; cited, not
    packaged), against 47 work deaths in the whole enterprise fund in 2012 (Table 5a).
    Hongta, the county with the most insured (40,931 of 143,078) and the most work deaths
    of 2012 (10; Table 5a), so the likeliest place for the large sites such an accident
    needs; each county is its own pool (the report's concern, V.(2).5: a reserve for major
    accidents). Every death is taken to be insured with the fund.
    """

    name = "mass_casualty"
    kind = "stress"
    summary = "A major work accident: death benefits and dependants' pensions (V.(2).5)"

    deaths: Annotated[int, Field(ge=1, le=1000)] = Field(
        default=30,
        description="Insured work deaths in the accident, persons; the threshold of a "
        "particularly serious accident (State Council order 493, 2007, art. 3; cited).",
    )
    county: CountyCode = Field(
        default="hongta",
        description="County whose fund pays: Hongta has the most insured and the most "
        "2012 work deaths (Table 5a).",
    )
    scheme: WorkInjuryCode = Field(
        default="work_injury_enterprise",
        description="The work-injury fund the dead were insured with.",
    )
    dependants: bool = Field(
        default=True,
        description="Pay dependants' pensions in the following years (the fund's own "
        "dependants per death, levels, raises and ends); false: the one-off benefits only.",
    )

    def apply_inputs(self, model: Model, y0: int) -> Model:
        # Refuse before any draw is run, naming the missing fund.
        if model.claims_scheme(self.scheme) is None:
            raise ReformError(
                f"reform mass_casualty: scheme {self.scheme!r} is not in the run; add it to "
                "schemes (the accident is paid by that fund)"
            )
        return model

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        j = chunk.index(self.scheme)
        scheme = None if chunk.model is None else chunk.model.claims_scheme(self.scheme)
        if j is None or scheme is None:
            raise ReformError(
                f"reform mass_casualty: scheme {self.scheme!r} is not in the run's model"
            )
        terms = DeathTerms.of(scheme)
        c = chunk.county_index(self.county)
        benefits, persons = casualty_flows(
            terms, chunk.paths, chunk.wage(), y0, self.deaths, dependants=self.dependants
        )
        chunk.var("benefits")[:, c, j, y0:] += benefits
        chunk.var("beneficiaries")[:, c, j, y0:] += persons
        chunk.mark(j, y0)


# -- bad_decade -------------------------------------------------------------------------------


@register
class BadDecade(Reform):
    """Ten bad years from the effective year: high inflation, low returns and lower real
    wage growth throughout, and a recession in the first years.

    Composed of the presets above, applied in this order (their shifts add):
    ``high_inflation`` (``cpi_shift``, ``return_pass_through``) and ``low_returns``
    (``return_shift``) for ``duration`` years, ``recession`` for ``recession_years``
    (``recession_real_wage_shift``, ``unemployment_factor``) and a further
    ``real_wage_shift`` on real wage growth for the whole decade. The components'
    defaults are those of their presets, held for the decade: with them the nominal
    return moves by 0.35 x 3.6 - 0.78 = +0.48 points while CPI rises 3.6, so the funds'
    real return falls by 3.1 points, to about -2.6 %.

    ``real_wage_shift`` -1 point: ASSUMPTION, about twice the shortfall of China's real GDP
    growth 2014-2023 (5.98 % a year; World Bank, packaged) below the generator's mean
    real-wage path over those years (6.51 %).
    """

    name = "bad_decade"
    kind = "stress"
    summary = "A decade of high inflation, low returns and low growth, starting in recession"

    duration: Annotated[int, Field(ge=1, le=88)] = Field(
        default=10, description="Years of the bad spell from the effective year."
    )
    cpi_shift: Annotated[float, Field(ge=0.0, le=0.3)] = Field(
        default=0.036,
        description="Added to CPI inflation each year of the spell, fraction a year "
        "(as high_inflation: 2007-2008 above the fitted mean, World Bank CPI, packaged).",
    )
    return_pass_through: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.35,
        description="Share of the CPI shift added to the funds' return, fraction (as "
        "high_inflation: PBoC deposit benchmark 2005-2008, packaged).",
    )
    return_shift: Annotated[float, Field(ge=-0.1, le=0.0)] = Field(
        default=-0.0078,
        description="Added to the funds' nominal return each year of the spell, fraction "
        "a year (as low_returns: 2.28 % to the 1.50 % benchmark, III.(9).2 and P7).",
    )
    real_wage_shift: Annotated[float, Field(ge=-0.2, le=0.0)] = Field(
        default=-0.01,
        description="Added to real wage growth each year of the spell, fraction a year; "
        "ASSUMPTION: about twice the 2014-2023 shortfall of real GDP growth below the "
        "mean real-wage path (0.53 points; World Bank, packaged).",
    )
    recession_years: Annotated[int, Field(ge=0, le=88)] = Field(
        default=2,
        description="Years of recession at the start of the spell, 0 = none (as "
        "recession: ASSUMPTION, 1989-1990).",
    )
    recession_real_wage_shift: Annotated[float, Field(ge=-0.2, le=0.0)] = Field(
        default=-0.045,
        description="Further added to real wage growth in the recession, fraction a year "
        "(as recession: 2020 against 2015-2019, World Bank, packaged).",
    )
    unemployment_factor: Annotated[float, Field(ge=1.0, le=10.0)] = Field(
        default=1.54,
        description="Unemployment recipients in the recession, multiple of the baseline "
        "(as recession: report Table 4, 2008 to 2010).",
    )

    @model_validator(mode="after")
    def _recession_within(self) -> BadDecade:
        if self.recession_years > self.duration:
            raise ValueError(
                f"recession_years: got {self.recession_years}; at most duration ({self.duration})"
            )
        return self

    def parts(self) -> tuple[Reform, ...]:
        """The component presets, in the order they apply."""
        parts: list[Reform] = [
            HighInflation(
                year=self.year,
                cpi_shift=self.cpi_shift,
                duration=self.duration,
                return_pass_through=self.return_pass_through,
            ),
            LowReturns(year=self.year, return_shift=self.return_shift, duration=self.duration),
        ]
        if self.recession_years:
            parts.append(
                Recession(
                    year=self.year,
                    real_wage_shift=self.recession_real_wage_shift,
                    unemployment_factor=self.unemployment_factor,
                    duration=self.recession_years,
                )
            )
        # The decade's lower growth: a recession of the whole spell without the claims.
        parts.append(
            Recession(
                year=self.year,
                real_wage_shift=self.real_wage_shift,
                unemployment_factor=1.0,
                duration=self.duration,
            )
        )
        return tuple(parts)

    def apply_paths(self, paths: EconomicPaths, y0: int) -> EconomicPaths:
        for part in self.parts():
            paths = part.apply_paths(paths, y0)
        return paths

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        for part in self.parts():
            part.apply_results(chunk, y0)
