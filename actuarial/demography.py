"""Demography: Yuxi mortality by single age and the base-year age-sex structure.

Everything here reads the packaged CSVs under ``actuarial/data/demography`` through
:func:`actuarial.data.read_csv`; nothing is estimated at run time. Those files are derived
from the public data pack by ``tools/build_demography.py``, which documents each method:

- single-age central death rates m(x) for ages 0-100 (100 = the open group 100+), China,
  UN WPP 2024 (source S1), graduated from the abridged periods 2005-2010 ... 2095-2100
  (PCHIP on log m through the group mid-points, adjusted so that every group's
  life-table-weighted mean reproduces WPP's rate);
- one proportional **level factor** on all m(x), an *assumption* that moves the national
  WPP level to Yuxi's (P1, P3, P4); the default is derived, every function takes an
  override;
- Lee-Carter b(x) by single age and the drift and sd of k(t) per year (derived from S1),
  to centre a stochastic mortality model ``log m(x,t) = log m_bar(x,t) + b(x) eps(t)``;
- the Yuxi age-sex distribution in 2010 and aged to 2013 (S2 shape, P6 margins).

Conventions
-----------
Calendar year ``t`` means the year from 1 January ``t`` to 31 December ``t``, centred on
1 July ``t``. A WPP period such as 2010-2015 runs from 1 July 2010 to 30 June 2015 and is
centred on 1 January 2013 (its ``mid_year`` label): WPP's own annual e0 for 2012 (73.62)
and 2013 (73.88, males) bracket the period's 73.75. So the rates of calendar year ``t`` are
interpolated at time ``t + 0.5``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from actuarial.data import read_csv
from actuarial.rounding import split_exact

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "AGES",
    "BASE_YEARS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "SEXES",
    "AdjustmentItem",
    "age_sex_shares",
    "base_population",
    "central_death_rates",
    "death_probabilities",
    "interpolate_log_mx",
    "leecarter_bx",
    "leecarter_kt_drift_sd",
    "level_adjustment_table",
    "life_expectancy",
    "life_table",
    "yuxi_level_factor",
]

SEXES: tuple[str, str] = ("male", "female")
"""The ``sex`` dimension, in this order everywhere."""

AGES: NDArray[np.int64] = np.arange(0, 101, dtype=np.int64)
"""The ``age`` dimension: completed years 0-99 and 100 for the open group 100+."""
AGES.flags.writeable = False

FIRST_YEAR = 2008
"""First calendar year with rates: the mid-year of the first packaged WPP period, 2005-2010."""

LAST_YEAR = 2100
"""Last calendar year with rates (2.5 years past the last WPP mid-year, 2098; see below)."""

BASE_YEARS: tuple[int, int] = (2010, 2013)
"""Years for which an age-sex distribution is packaged."""

TIME_OFFSET = 0.5
"""Calendar year ``t`` is centred on ``t + 0.5`` on the WPP mid-year time scale."""

_MX_SOURCE = (
    "UN WPP 2024 China abridged mx (S1, PPgp/wpp2024 mx5dt), graduated to single ages by "
    "tools/build_demography.py"
)
_LEVEL_SOURCE = (
    "assumption derived from P4 (Yuxi 77.2, Yunnan 73.6), P3 (Yunnan 69.54), P1 (China 74.83); "
    "see demography.mortality_level_adjustment"
)


@dataclass(frozen=True)
class AdjustmentItem:
    """One row of the level-adjustment table: an input or a result, with its source."""

    item: str
    value: float
    unit: str
    source: str


# ---------------------------------------------------------------------------------------
# Life-table arithmetic (pure functions; the build script uses the same ones)
# ---------------------------------------------------------------------------------------


def _coale_demeny_a0(m0: float, sex: str) -> float:
    """Mean years lived in the first year by infants who die (Preston et al. 2001, T. 3.3)."""
    male = 0.330 if m0 >= 0.107 else 0.045 + 2.684 * m0
    female = 0.350 if m0 >= 0.107 else 0.053 + 2.800 * m0
    if sex == "male":
        return male
    if sex == "female":
        return female
    if sex == "both":
        return 0.5 * (male + female)
    raise ValueError(f"sex must be 'male', 'female' or 'both', got {sex!r}")


def life_table(mx: ArrayLike, sex: str = "both") -> dict[str, NDArray[np.float64]]:
    """Period life table from single-age central death rates, the last age open.

    Parameters
    ----------
    mx : array_like
        Central death rates m(x) for ages 0, 1, ..., n-1; the last entry is the open group
        (for the package's tables, ages 0-100 with 100 = 100+). All must be positive.
    sex : {"male", "female", "both"}
        Selects the Coale-Demeny a(0) formula; "both" averages the two.

    Returns
    -------
    dict of str to ndarray
        Columns ``mx, ax, qx, lx, dx, Lx, Tx, ex`` with radix l(0) = 1.

    Notes
    -----
    a(x) = 0.5 except a(0) from Coale-Demeny (Preston, Heuveline and Guillot 2001,
    Table 3.3); q(x) = m / (1 + (1 - a) m), capped at 1; the open group has q = 1 and
    L = l / m. These are the conventions of the public pack's derived abridged table.
    """
    m = np.asarray(mx, dtype=np.float64)
    if m.ndim != 1 or m.size < 2:
        raise ValueError(f"mx must be a 1-D array of at least 2 ages, got shape {m.shape}")
    if not np.all(np.isfinite(m)) or np.any(m <= 0.0):
        raise ValueError("mx must be finite and positive at every age")
    a = np.full(m.size, 0.5)
    a[0] = _coale_demeny_a0(float(m[0]), sex)
    q = np.minimum(m / (1.0 + (1.0 - a) * m), 1.0)
    q[-1] = 1.0
    lx = np.empty(m.size)
    lx[0] = 1.0
    lx[1:] = np.cumprod(1.0 - q[:-1])
    dx = lx * q
    Lx = lx - (1.0 - a) * dx
    Lx[-1] = lx[-1] / m[-1]
    Tx = np.cumsum(Lx[::-1])[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ex = np.where(lx > 0.0, Tx / lx, 0.0)
    return {"mx": m, "ax": a, "qx": q, "lx": lx, "dx": dx, "Lx": Lx, "Tx": Tx, "ex": ex}


def life_expectancy(mx: ArrayLike, sex: str = "both") -> float:
    """Period life expectancy at birth from single-age central death rates.

    Parameters
    ----------
    mx : array_like
        m(x) for single ages 0-100, the last age the open group 100+ (see :func:`life_table`).
    sex : {"male", "female", "both"}
        Selects the Coale-Demeny a(0); the effect on e0 is below 0.001 years.

    Returns
    -------
    float
        e(0) in years.

    Examples
    --------
    >>> round(life_expectancy(central_death_rates(2013, 2013, level_factor=1.0)
    ...                       .sel(sex="male", year=2013).values, "male"), 2)
    73.86
    """
    return float(life_table(mx, sex)["Tx"][0])


def interpolate_log_mx(
    mx_by_period: NDArray[np.float64], mid_years: NDArray[np.float64], times: ArrayLike
) -> NDArray[np.float64]:
    """Interpolate rates linearly in log m between period mid-years (last axis).

    Parameters
    ----------
    mx_by_period : ndarray
        Rates with the period as the last axis.
    mid_years : ndarray
        Increasing mid-year time of each period.
    times : array_like
        Times to interpolate at. Outside ``mid_years`` the log-linear trend of the nearest
        end segment is continued (the package uses this only for the 2.5 years after the
        last WPP mid-year, 2098).

    Returns
    -------
    ndarray
        Rates with the last axis replaced by ``times``.
    """
    t = np.atleast_1d(np.asarray(times, dtype=np.float64))
    mid = np.asarray(mid_years, dtype=np.float64)
    i = np.clip(np.searchsorted(mid, t, side="right") - 1, 0, mid.size - 2)
    w = (t - mid[i]) / (mid[i + 1] - mid[i])
    log_m = np.log(mx_by_period)
    out: NDArray[np.float64] = np.exp((1.0 - w) * log_m[..., i] + w * log_m[..., i + 1])
    return out


# ---------------------------------------------------------------------------------------
# Packaged tables
# ---------------------------------------------------------------------------------------


@cache
def _mx_periods() -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """Mid-years (P,) and single-age m(x) by sex as arrays (age, P), unadjusted WPP China."""
    rows = read_csv("demography.mx_single_age")
    mids = sorted({int(r["mid_year"]) for r in rows})
    col = {y: j for j, y in enumerate(mids)}
    out: dict[str, NDArray[np.float64]] = {}
    for sex in ("male", "female", "both"):
        arr = np.full((AGES.size, len(mids)), np.nan)
        for r in rows:
            if r["sex"] == sex:
                arr[int(r["age"]), col[int(r["mid_year"])]] = float(r["mx"])
        if np.isnan(arr).any():
            raise ValueError(f"demography.mx_single_age: missing cells for sex {sex!r}")
        arr.flags.writeable = False
        out[sex] = arr
    mid_arr = np.asarray(mids, dtype=np.float64)
    mid_arr.flags.writeable = False
    return mid_arr, out


@cache
def _level_rows() -> dict[str, AdjustmentItem]:
    return {
        r["item"]: AdjustmentItem(r["item"], float(r["value"]), r["unit"], r["source"])
        for r in read_csv("demography.mortality_level_adjustment")
    }


def level_adjustment_table() -> dict[str, AdjustmentItem]:
    """The Yuxi mortality level adjustment: its inputs, target and result, by item name.

    Returns
    -------
    dict of str to AdjustmentItem
        Items include ``e0_china_wpp_2010_2015_both`` (graduated WPP table),
        ``e0_yuxi_2010_p4``, ``e0_yunnan_2010_p4``, ``e0_yunnan_2010_p3``,
        ``e0_china_2010_p1``, ``gap_ratio``, ``target_e0`` and ``level_factor``.

    Notes
    -----
    target e0 = e0(WPP China 2010-2015, both sexes) x (77.2 / 73.6) x (69.54 / 74.83). The
    Yuxi/Yunnan ratio comes from one unadjusted census study (P4), so its under-reporting
    bias largely cancels; the Yunnan/China ratio from the official census tables (P3, P1).
    """
    return dict(_level_rows())


def yuxi_level_factor() -> float:
    """The derived default factor on all m(x), both sexes, for Yuxi versus WPP China.

    Returns
    -------
    float
        The factor f such that e0 of f x m(WPP China, 2010-2015, both sexes) equals the
        target of :func:`level_adjustment_table` (solved with ``scipy.optimize.brentq``).
        It is an assumption, held constant over time; pass ``level_factor=`` to override.

    Examples
    --------
    >>> round(yuxi_level_factor(), 3)
    1.183
    """
    return _level_rows()["level_factor"].value


def _years(start: int, end: int) -> NDArray[np.int64]:
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an integer year, got {value!r}")
    if not FIRST_YEAR <= start <= end <= LAST_YEAR:
        raise ValueError(
            f"years must satisfy {FIRST_YEAR} <= start <= end <= {LAST_YEAR}, "
            f"got start={start}, end={end}"
        )
    return np.arange(start, end + 1, dtype=np.int64)


def _factor(level_factor: float | None) -> float:
    if level_factor is None:
        return yuxi_level_factor()
    f = float(level_factor)
    if not math.isfinite(f) or f <= 0.0:
        raise ValueError(f"level_factor must be a finite positive number, got {level_factor!r}")
    return f


def central_death_rates(
    start: int = 2013, end: int = 2100, *, level_factor: float | None = None
) -> xr.DataArray:
    """Single-age central death rates for Yuxi by calendar year.

    Parameters
    ----------
    start, end : int
        First and last calendar year, inclusive, within 2008-2100.
    level_factor : float, optional
        Proportional factor on every m(x) (both sexes, all years). ``None`` takes the
        derived default :func:`yuxi_level_factor`; ``1.0`` gives the national WPP rates.

    Returns
    -------
    xarray.DataArray
        Dims (sex, age, year), per person-year; age 100 is the open group 100+.

    Notes
    -----
    The graduated WPP rates of each period sit at its mid-year (2008, 2013, ..., 2098);
    calendar year ``t`` is read at ``t + 0.5`` (see the module notes), linearly in log m
    between mid-years. After 2098 the 2093-2098 log-linear trend continues, i.e. WPP's
    last five-year improvement, for at most 2.5 years.
    """
    import xarray as xr

    years = _years(start, end)
    f = _factor(level_factor)
    mids, mx = _mx_periods()
    values = np.stack([interpolate_log_mx(mx[s], mids, years + TIME_OFFSET) for s in SEXES], axis=0)
    return xr.DataArray(
        f * values,
        dims=("sex", "age", "year"),
        coords={"sex": list(SEXES), "age": AGES, "year": years},
        name="mx",
        attrs={
            "units": "deaths per person-year",
            "long_name": "central death rate m(x, t), single ages, 100 = open group 100+",
            "source": f"{_MX_SOURCE}; x level factor {f:.6g} ({_LEVEL_SOURCE})",
            "level_factor": f,
        },
    )


def death_probabilities(
    start: int = 2013, end: int = 2100, *, level_factor: float | None = None
) -> xr.DataArray:
    """One-year probabilities of dying q(x, t) = 1 - exp(-m(x, t)).

    Parameters
    ----------
    start, end : int
        First and last calendar year, inclusive, within 2008-2100.
    level_factor : float, optional
        As for :func:`central_death_rates`.

    Returns
    -------
    xarray.DataArray
        Dims (sex, age, year), probability in (0, 1].

    Notes
    -----
    The force of mortality is taken as constant within each year of age and calendar
    year, so a person aged x at the start of year t dies within it with probability
    1 - exp(-m(x, t)). At age 100 it is the annual probability for the open group 100+
    (survivors stay in 100+). This differs slightly from the life-table convention
    q = m / (1 + m / 2) of :func:`life_table` (by m^3 / 12, under 0.03 at m = 0.95).
    """
    mx = central_death_rates(start, end, level_factor=level_factor)
    q = mx.copy(data=-np.expm1(-mx.values))
    q.name = "qx"
    q.attrs = {
        "units": "1",
        "long_name": "one-year probability of dying q(x, t) = 1 - exp(-m(x, t))",
        "source": mx.attrs["source"],
        "level_factor": mx.attrs["level_factor"],
    }
    return q


@cache
def _bx() -> NDArray[np.float64]:
    rows = read_csv("demography.leecarter_bx")
    arr = np.full((len(SEXES), AGES.size), np.nan)
    for r in rows:
        arr[SEXES.index(r["sex"]), int(r["age"])] = float(r["bx"])
    if np.isnan(arr).any():
        raise ValueError("demography.leecarter_bx: missing cells")
    arr.flags.writeable = False
    return arr


def leecarter_bx() -> xr.DataArray:
    """Lee-Carter age sensitivities b(x) by sex and single age, sum over ages 0-100 = 1.

    Returns
    -------
    xarray.DataArray
        Dims (sex, age), dimensionless.

    Notes
    -----
    Graduated from the abridged fit in the public pack (SVD of log mx, WPP 2024 China,
    1980-85 ... 2015-20, sum of abridged b = 1) so that each five-year group keeps its
    mean b, then divided by c = sum over single ages of the graduated b, so that
    sum b(x) = 1; k(t) is multiplied by the same c (:func:`leecarter_kt_drift_sd`), which
    keeps every product b(x) k(t) unchanged.
    """
    import xarray as xr

    return xr.DataArray(
        np.array(_bx()),
        dims=("sex", "age"),
        coords={"sex": list(SEXES), "age": AGES},
        name="bx",
        attrs={
            "units": "1",
            "long_name": "Lee-Carter b(x), single ages 0-100, sum over ages = 1",
            "source": "derived (tools/build_demography.py) from the Lee-Carter fit of S1 "
            "abridged China mx in the public pack",
        },
    )


def leecarter_kt_drift_sd() -> dict[str, tuple[float, float]]:
    """Drift and standard deviation of k(t) per calendar year, by sex.

    Returns
    -------
    dict of str to (float, float)
        ``{"male": (drift, sd), "female": (drift, sd)}`` on the scale of
        :func:`leecarter_bx` (sum of single-age b = 1).

    Notes
    -----
    k(t) is a random walk with drift fitted on 5-year steps; per year, drift = drift_5 / 5
    and sd = sd_5 / sqrt(5) (independent annual increments), then both are multiplied by
    the b rescaling constant c. Seven differences of smoothed UN data understate the sd.
    """
    return {
        r["sex"]: (float(r["drift_per_year"]), float(r["sd_per_year"]))
        for r in read_csv("demography.leecarter_kt")
    }


@cache
def _shares() -> dict[int, NDArray[np.float64]]:
    out: dict[int, NDArray[np.float64]] = {}
    for year in BASE_YEARS:
        out[year] = np.full((len(SEXES), AGES.size), np.nan)
    for r in read_csv("demography.age_sex_shares"):
        out[int(r["year"])][SEXES.index(r["sex"]), int(r["age"])] = float(r["share"])
    for year in BASE_YEARS:
        if np.isnan(out[year]).any():
            raise ValueError(f"demography.age_sex_shares: missing cells for {year}")
        out[year] /= out[year].sum()  # remove the last-digit rounding of the CSV
        out[year].flags.writeable = False
    return out


def age_sex_shares(year: int = 2013) -> xr.DataArray:
    """Yuxi's population shares by sex and single age, summing to 1.

    Parameters
    ----------
    year : {2010, 2013}
        2010: China's 2010 shape (S2) split to single ages and raked to Yuxi's 2010 census
        shares 0-14 / 15-59 / 60-64 / 65+ and sex ratio 105.26 (P6). 2013: the 2010
        distribution survived three years with the Yuxi-adjusted rates (ages 0-2 refilled
        at their 2010 shares), then raked to 0-14 / 15-59 / 60+ and the sex ratio
        interpolated 3/10 of the way from the 2010 to the 2020 census.

    Returns
    -------
    xarray.DataArray
        Dims (sex, age), shares of the total population; age 100 = 100+.

    Notes
    -----
    P6's derived 2010 shares (18.85 + 66.28 + 12.57) sum to 97.70: its 15-59 figure
    reverses the sign of the stated 1.15 pp fall. 0-14 and 60+ are kept and 15-59 takes
    the remainder, 68.58 = 67.43 + 1.15 (``demography.age_structure_targets``).
    """
    if year not in BASE_YEARS:
        raise ValueError(f"year must be one of {BASE_YEARS}, got {year!r}")
    import xarray as xr

    return xr.DataArray(
        np.array(_shares()[year]),
        dims=("sex", "age"),
        coords={"sex": list(SEXES), "age": AGES},
        name="population_share",
        attrs={
            "units": "1",
            "long_name": f"share of Yuxi's population by sex and single age, {year}",
            "source": "China 2010 age-sex shape (S2, WPP 2019) raked to Yuxi census margins "
            "(P6); tools/build_demography.py",
        },
    )


def _as_int(value: object) -> int | None:
    """``value`` as an int if it is an integer or an integral finite float, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        as_float = float(value)
        return int(as_float) if math.isfinite(as_float) and as_float.is_integer() else None
    return None


def _check_total(county: str, value: object) -> int:
    total = _as_int(value)
    if total is None or total < 0:
        raise ValueError(
            f"county {county!r}: total must be a non-negative integer number of persons, "
            f"got {value!r}"
        )
    return total


def base_population(county_totals: Mapping[str, int], year: int = 2013) -> xr.DataArray:
    """Persons by county, sex and single age: each county's total split by the shares.

    Parameters
    ----------
    county_totals : mapping of str to int
        Resident population of each county (persons), e.g. from the Yuxi statistical
        yearbook; the public pack has no county figures. Order gives the ``county`` order.
    year : {2010, 2013}
        Which :func:`age_sex_shares` to use.

    Returns
    -------
    xarray.DataArray
        Dims (county, sex, age), int64 persons; each county's cells sum exactly to its total
        (largest-remainder rounding, ties to the younger, male cell).

    Raises
    ------
    ValueError
        For an empty mapping, or a total that is negative or not an integer (the message
        names the county and the value).

    Examples
    --------
    >>> int(base_population({"hongta": 500_000}).sum())
    500000
    """
    if not county_totals:
        raise ValueError("county_totals is empty: give at least one county and its total")
    import xarray as xr

    shares = np.asarray(age_sex_shares(year).values, dtype=np.float64).ravel()
    names = list(county_totals)
    out = np.empty((len(names), len(SEXES), AGES.size), dtype=np.int64)
    for i, name in enumerate(names):
        total = _check_total(name, county_totals[name])
        out[i] = split_exact(total, shares).reshape(len(SEXES), AGES.size)
    return xr.DataArray(
        out,
        dims=("county", "sex", "age"),
        coords={"county": names, "sex": list(SEXES), "age": AGES},
        name="population",
        attrs={
            "units": "persons",
            "long_name": f"base population by county, sex and single age, {year}",
            "source": "county totals given by the user, split by age_sex_shares("
            f"{year}) (S2 shape, P6 margins) with largest-remainder rounding",
        },
    )
