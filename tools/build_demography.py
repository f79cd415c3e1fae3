"""Derive the packaged demography tables (actuarial/data/demography/*.csv) from public data.

Run from anywhere:

    /work/venv/bin/python tools/build_demography.py [--public DIR]

``--public`` defaults to ``../shared/data/public`` relative to the repository root. Every
number in the output files is recomputed here from the public data pack (sources S1, S2,
P1, P3, P4, P6 of its sources.md); the script prints the checks it makes and fails if one
fails. Life-table arithmetic and the log-linear interpolation in time are imported from
``actuarial.demography`` so that the build and the runtime use one definition.

Outputs
-------
wpp2024_china_abridged_mx.csv   the S1 abridged input, 2005-2010 ... 2095-2100 (for tests)
mx_single_age.csv               graduated single-age mx 0-100, same periods, M/F/both
mortality_level_adjustment.csv  the Yuxi level factor, its target e0 and every input
leecarter_bx.csv                single-age Lee-Carter b(x), sum over ages = 1
leecarter_kt.csv                drift and sd of k(t) per year, on that b scale
age_structure_targets.csv       the Yuxi broad-age and sex-ratio margins, 2010/2013/2020
age_sex_shares.csv              Yuxi shares by sex and single age, 2010 and 2013
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator
from scipy.optimize import brentq

from actuarial.demography import (
    TIME_OFFSET,
    interpolate_log_mx,
    life_expectancy,
    life_table,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PUBLIC = REPO.parent / "shared" / "data" / "public"
OUT = REPO / "actuarial" / "data" / "demography"

SEXES_ALL = ("male", "female", "both")
SEXES = ("male", "female")
N_AGES = 101  # single ages 0-99 and the open group 100+
FIRST_PERIOD_START = 2005  # 2005-2010: mid-year 2008, the first the package serves
SIG = 10  # significant digits written; all later steps use the rounded values

Array = NDArray[np.float64]


def rounded(x: Array | float) -> Array:
    """Round to SIG significant digits, exactly as the CSV will hold them."""
    out = np.vectorize(lambda v: float(f"{v:.{SIG}g}"))(np.asarray(x, dtype=np.float64))
    return np.asarray(out, dtype=np.float64)


def fmt(v: float) -> str:
    return f"{v:.{SIG}g}"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(
    name: str, comments: Sequence[str], header: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """Write one packaged CSV: at most two '#' comment lines, then a header and rows."""
    if len(comments) > 2:
        raise ValueError(f"{name}: at most two comment lines")
    path = OUT / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        for line in comments:
            fh.write(f"# {line}\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    size = path.stat().st_size
    if size >= 1_000_000:
        raise ValueError(f"{name} is {size} bytes; the limit is 1 MB")
    print(f"wrote {path.relative_to(REPO)} ({size:,} bytes)")


def check(ok: bool, message: str) -> None:
    print(("ok    " if ok else "FAIL  ") + message)
    if not ok:
        raise SystemExit(f"check failed: {message}")


# ---------------------------------------------------------------------------------------
# 1. Graduation of abridged mx to single ages
# ---------------------------------------------------------------------------------------
# Method: PCHIP (monotone piecewise cubic) on log m through one knot per abridged group,
# evaluated at x + 0.5 for single age x, with the knot values adjusted until every group's
# life-table-weighted mean of the single-age m equals WPP's rate exactly.
# - Knots: 1-4 at age 3, each 5-year group at its mid-point x + 2.5, and the open group at
#   100 + 1/m(100+), the mean age of a stationary 100+ population under a constant hazard.
#   Age 0 is already a single age and keeps WPP's rate; age 100 keeps the 100+ rate.
# - Why log m: mortality is close to exponential in age, so log m is near-linear and a
#   cubic in it stays near the Gompertz shape. Why PCHIP: it is monotone between knots
#   and never overshoots, so where the group rates rise (all ages above 30, every period)
#   the single-age rates rise too; a natural cubic spline or Sprague/Karup-King multipliers
#   can oscillate at the steep ages 0-4 and 90+. (A first version used PCHIP on the
#   cumulative hazard; it preserves areas exactly but not the monotonicity of m itself: it
#   put m(99) above m(98) for males 2028-2031 and a bump at ages 3-5.)
# - Why the adjustment: WPP's abridged M is deaths over life-table exposure, i.e. the
#   L(x)-weighted mean of single-age m. Plain interpolation through group rates misses that
#   mean (m is convex in age, and L falls by ~2/3 across 90-94), by up to a few per cent.
#   So each knot's log value is shifted by log(target / achieved) and the spline refitted,
#   a fixed point reached in < 30 iterations to 1e-13 (L from actuarial.demography's
#   life_table, a = 0.5).


def graduate_mx(starts: Array, widths: Array, mx: Array, sex: str) -> Array:
    """Single-age m(0..100) from abridged (0, 1-4, 5-9, ..., 95-99, 100+) rates."""
    closed = widths > 0
    m_open = float(mx[~closed][0])
    n = widths[closed]
    target = mx[closed]  # 0, 1-4, 5-9, ..., 95-99
    knots = np.r_[starts[closed][1:] + n[1:] / 2.0, 100.0 + 1.0 / m_open]
    groups = np.searchsorted(np.r_[starts[closed], 100.0], np.arange(100.0), side="right") - 1
    log_knots = np.log(target[1:])
    for _ in range(500):
        spline = PchipInterpolator(knots, np.r_[log_knots, math.log(m_open)], extrapolate=True)
        m = np.r_[target[0], np.exp(spline(np.arange(1.0, 100.0) + 0.5)), m_open]
        L = life_table(m, sex)["Lx"][:100]
        ratio = target / (np.bincount(groups, m[:100] * L) / np.bincount(groups, L))
        if np.max(np.abs(ratio - 1.0)) < 1e-13:
            break
        log_knots += np.log(ratio[1:])
    else:  # pragma: no cover - does not happen on the WPP data
        raise RuntimeError("graduation did not converge")
    return np.asarray(m, dtype=np.float64)


def build_mortality(public: Path) -> tuple[Array, dict[str, Array], list[str]]:
    rows = [
        r
        for r in read_rows(public / "mortality_china_wpp2024_abridged_mx.csv")
        if int(r["period"][:4]) >= FIRST_PERIOD_START
    ]
    periods = sorted({r["period"] for r in rows})
    mids = np.array(
        [int(next(r for r in rows if r["period"] == p)["period_mid_year"]) for p in periods],
        dtype=np.float64,
    )
    mx1: dict[str, Array] = {s: np.empty((N_AGES, len(periods))) for s in SEXES_ALL}
    abridged_out = []
    for j, p in enumerate(periods):
        pr = sorted((r for r in rows if r["period"] == p), key=lambda r: int(r["age_start"]))
        starts = np.array([float(r["age_start"]) for r in pr])
        widths = np.array([float(r["age_width"]) for r in pr])
        for r in pr:
            abridged_out.append(
                [
                    p,
                    r["period_mid_year"],
                    r["age_start"],
                    r["age_width"],
                    r["mx_male"],
                    r["mx_female"],
                    r["mx_both"],
                ]
            )
        for s in SEXES_ALL:
            mx = np.array([float(r[f"mx_{s}"]) for r in pr])
            mx1[s][:, j] = rounded(graduate_mx(starts, widths, mx, s))
    write_csv(
        "wpp2024_china_abridged_mx.csv",
        [
            "UN WPP 2024 China abridged central death rates (S1, PPgp/wpp2024 data/mx5dt.rda), "
            "copied from the public pack for the periods the package uses; 2020-25 on = medium "
            "variant. age_width 0 = open 100+."
        ],
        ["period", "mid_year", "age_start", "age_width", "mx_male", "mx_female", "mx_both"],
        abridged_out,
    )
    write_csv(
        "mx_single_age.csv",
        [
            "Single-age central death rates, China, UN WPP 2024 (S1) graduated by "
            "tools/build_demography.py: PCHIP on log m through group mid-points, adjusted so "
            "each abridged group's life-table-weighted mean m equals WPP's.",
            "Age 100 = open group 100+ (WPP's 100+ rate). Unadjusted national level: the Yuxi "
            "level factor (mortality_level_adjustment.csv) is applied at run time.",
        ],
        ["period", "mid_year", "sex", "age", "mx"],
        (
            [periods[j], int(mids[j]), s, x, fmt(mx1[s][x, j])]
            for j in range(len(periods))
            for s in SEXES_ALL
            for x in range(N_AGES)
        ),
    )
    return mids, mx1, periods


def check_mortality(public: Path, mids: Array, mx1: dict[str, Array]) -> None:
    j = int(np.flatnonzero(mids == 2013)[0])
    lt = read_rows(public / "mortality_china_wpp2024_lifetable_2010_2020_derived.csv")
    for s in SEXES:
        ref = float(
            next(
                r
                for r in lt
                if r["period"] == "2010-2015" and r["sex"] == s and r["age_start"] == "0"
            )["ex"]
        )
        e0 = life_expectancy(mx1[s][:, j], s)
        check(
            abs(e0 - ref) < 0.2,
            f"e0 2010-15 {s}: graduated single-age {e0:.3f} vs derived abridged {ref:.3f}",
        )
    # Calendar-year check against WPP's own annual e0 (estimates / median projection):
    annual = {
        int(r["year"]): r for r in read_rows(public / "life_expectancy_china_wpp2024_annual.csv")
    }
    for year in (2013, 2030, 2050, 2075, 2100):
        for s in SEXES:
            m = interpolate_log_mx(mx1[s], mids, [year + TIME_OFFSET])[:, 0]
            e0 = life_expectancy(m, s)
            ref = float(annual[year][f"e0_{s}_years"])
            check(abs(e0 - ref) < 0.3, f"e0 calendar {year} {s}: {e0:.3f} vs WPP annual {ref}")


# ---------------------------------------------------------------------------------------
# 2. Yuxi level factor (an assumption, not data)
# ---------------------------------------------------------------------------------------
# One proportional factor f on every m(x), both sexes, all years. It is solved on the
# both-sexes WPP 2010-2015 table because every published input is a both-sexes e0 (there
# is no Yuxi e0 by sex); applying the same f to each sex keeps WPP's sex differential.
#   target = e0_WPP_China(2010-15, both) x (Yuxi/Yunnan, P4) x (Yunnan/China, P3 and P1).
# The Yuxi/Yunnan ratio is taken within one unadjusted census study (P4) so that its
# common under-reporting bias cancels; the Yunnan/China ratio within the official census
# tables (P3, P1) for the same reason. A ratio is applied to WPP's (adjusted) level rather
# than using 77.2 directly, which is too high (deaths under-reported).


def published(public: Path, region: str, year: str, kind_prefix: str) -> tuple[float, str]:
    for r in read_rows(public / "life_expectancy_published.csv"):
        if (
            r["region"] == region
            and r["year"] == year
            and r["sex"] == "both"
            and r["kind"].startswith(kind_prefix)
        ):
            return float(r["e0_years"]), r["source"]
    raise KeyError(f"no published e0 for {region} {year} ({kind_prefix})")


def build_level_factor(public: Path, mids: Array, mx1: dict[str, Array]) -> float:
    j = int(np.flatnonzero(mids == 2013)[0])
    m_both = mx1["both"][:, j]
    e0_wpp = life_expectancy(m_both, "both")
    yuxi, src_p4 = published(public, "Yuxi", "2010", "research")
    yunnan_p4, _ = published(public, "Yunnan", "2010", "research")
    yunnan_p3, src_p3 = published(public, "Yunnan", "2010", "census-based official")
    china_p1, src_p1 = published(public, "China", "2010", "census-based official")
    ratio = (yuxi / yunnan_p4) * (yunnan_p3 / china_p1)
    target = e0_wpp * ratio
    factor = float(
        brentq(
            lambda f: life_expectancy(f * m_both, "both") - target,
            0.5,
            4.0,
            xtol=1e-15,
            rtol=4 * np.finfo(float).eps,
        )
    )
    check(
        abs(life_expectancy(factor * m_both, "both") - target) < 1e-9,
        f"level factor {factor:.8f} gives e0 {target:.6f}",
    )
    e0 = {s: life_expectancy(mx1[s][:, j], s) for s in SEXES}
    e0_adj = {s: life_expectancy(factor * mx1[s][:, j], s) for s in SEXES}
    s1 = "S1 WPP 2024 abridged mx 2010-2015, graduated here"
    rows: list[list[object]] = [
        [
            "e0_china_wpp_2010_2015_both",
            repr(e0_wpp),
            "years",
            f"{s1}; both sexes (a0: mean of the Coale-Demeny male and female formulas)",
        ],
        ["e0_yuxi_2010_p4", yuxi, "years", f"P4 Li Zhi et al., unadjusted census LT: {src_p4}"],
        ["e0_yunnan_2010_p4", yunnan_p4, "years", "P4 same study (unadjusted census LT)"],
        ["e0_yunnan_2010_p3", yunnan_p3, "years", f"P3 official 2010 census table: {src_p3}"],
        ["e0_china_2010_p1", china_p1, "years", f"P1 NBS 2010 census: {src_p1}"],
        ["gap_ratio", repr(ratio), "1", "(77.2/73.6) x (69.54/74.83)"],
        ["target_e0", repr(target), "years", "e0_china_wpp_2010_2015_both x gap_ratio"],
        [
            "level_factor",
            repr(factor),
            "1",
            "ASSUMPTION: brentq on f so that e0(f x mx_both 2010-15) = target_e0; all ages, both "
            "sexes, all years",
        ],
    ]
    for s in SEXES:
        rows.append(
            [f"e0_china_wpp_2010_2015_{s}", repr(e0[s]), "years", f"{s1}; {s} (informative)"]
        )
        rows.append(
            [
                f"e0_yuxi_adjusted_2010_2015_{s}",
                repr(e0_adj[s]),
                "years",
                f"result: e0 of level_factor x mx_{s} 2010-15 (informative)",
            ]
        )
    write_csv(
        "mortality_level_adjustment.csv",
        [
            "Yuxi mortality level: an ASSUMPTION, one proportional factor on all WPP China mx "
            "(both sexes, all years), overridable by level_factor=.",
            "target e0 = e0 WPP China 2010-15 both x (Yuxi 77.2 / Yunnan 73.6, P4) x "
            "(Yunnan 69.54, P3 / China 74.83, P1); solved with scipy.optimize.brentq.",
        ],
        ["item", "value", "unit", "source"],
        rows,
    )
    print(
        f"      e0 WPP both {e0_wpp:.4f} -> target {target:.4f}; factor {factor:.6f}; "
        f"adjusted e0 M {e0_adj['male']:.3f} F {e0_adj['female']:.3f}"
    )
    return factor


# ---------------------------------------------------------------------------------------
# 3. Lee-Carter b(x) and k(t)
# ---------------------------------------------------------------------------------------
# b(x): PCHIP through the cumulative sum of n * b at the group boundaries, single-age b =
# its differences (area-preserving), so each group keeps its mean b exactly and every b > 0;
# the open group keeps its b. Unlike m, b has no monotone shape to keep (it peaks at 1-4)
# and the group value is, to first order, a plain mean of the single-age sensitivities of
# log m to k, so the exact-area method fits here. The graduated b sums to c ~ 4.5 over ages
# 0-100 (each abridged b now counts once per single age); we divide b by c so that
# sum b(x) = 1 (the usual LC normalisation, over the ages actually used) and multiply k(t),
# hence its drift and sd, by c: every product b(x) k(t) is unchanged.
# k(t) is a random walk with drift fitted on 5-year steps; per year the drift is
# drift_5 / 5 and the sd is sd_5 / sqrt(5) (independent annual increments).


def build_leecarter(public: Path) -> None:
    rows = read_rows(public / "mortality_china_leecarter_fit_wpp2024_derived_ax_bx.csv")
    kt_rows = read_rows(public / "mortality_china_leecarter_fit_wpp2024_derived_kt.csv")
    bx_out, kt_out = [], []
    for s in SEXES:
        rs = sorted((r for r in rows if r["sex"] == s), key=lambda r: int(r["age_start"]))
        starts = np.array([float(r["age_start"]) for r in rs])
        b = np.array([float(r["bx"]) for r in rs])
        check(abs(b.sum() - 1.0) < 1e-4, f"abridged LC b sums to 1 ({s}): {b.sum():.6f}")
        widths = np.r_[np.diff(starts), 0.0]  # 1, 4, 5, ..., 5, open
        B = np.r_[0.0, np.cumsum(widths[:-1] * b[:-1])]
        b1 = np.r_[np.diff(PchipInterpolator(starts, B)(np.arange(101.0))), b[-1]]
        c = float(b1.sum())
        b1 = rounded(b1 / c)
        b1 /= b1.sum()
        b1 = rounded(b1)
        check(
            bool(np.all(b1 > 0)) and abs(b1.sum() - 1.0) < 1e-8,
            f"single-age b > 0 and sums to 1 ({s}); rescaling constant c = {c:.6f}",
        )
        bx_out += [[s, x, fmt(b1[x])] for x in range(N_AGES)]

        k = np.array([float(r["kt"]) for r in kt_rows if r["sex"] == s and r["kt"]])
        summ = next(r for r in kt_rows if r["sex"] == s and r["period"] == "SUMMARY")
        d5, sd5 = float(summ["drift_per_5yr"]), float(summ["sd_per_5yr"])
        dk = np.diff(k)
        check(
            abs(dk.mean() - d5) < 1e-4 and abs(dk.std(ddof=1) - sd5) < 1e-4,
            f"k(t) {s}: drift {dk.mean():.5f} sd {dk.std(ddof=1):.5f} per 5 y, as in pack",
        )
        kt_out.append(
            [
                s,
                d5,
                sd5,
                fmt(d5 / 5),
                fmt(sd5 / math.sqrt(5)),
                fmt(c),
                fmt(c * d5 / 5),
                fmt(c * sd5 / math.sqrt(5)),
                len(dk),
            ]
        )
    write_csv(
        "leecarter_bx.csv",
        [
            "Lee-Carter b(x), single ages 0-100 (100 = 100+), sum over ages = 1; graduated "
            "(area-preserving PCHIP) from the pack's abridged fit on WPP 2024 China mx 1980-2020 "
            "(derived from S1)."
        ],
        ["sex", "age", "bx"],
        bx_out,
    )
    write_csv(
        "leecarter_kt.csv",
        [
            "k(t) random walk: per year drift = drift_5/5, sd = sd_5/sqrt(5); drift_per_year and "
            "sd_per_year are x bx_scale to match leecarter_bx.csv (sum b = 1 over single ages).",
            "Fit on 7 five-year differences of smoothed UN data (derived from S1): the sd is "
            "understated.",
        ],
        [
            "sex",
            "drift_per_5yr_abridged",
            "sd_per_5yr_abridged",
            "drift_per_year_abridged",
            "sd_per_year_abridged",
            "bx_scale",
            "drift_per_year",
            "sd_per_year",
            "n_differences",
        ],
        kt_out,
    )


# ---------------------------------------------------------------------------------------
# 4. Base-year age-sex distribution
# ---------------------------------------------------------------------------------------
# Shape: China 2010 (S2, WPP 2019, 1 July), split to single ages by PCHIP through the
# cumulative population at 0, 5, ..., 100 (area-preserving, so every 5-year group total is
# kept exactly, and monotone, so no negative counts); 100+ kept as one cell.
# Margins (P6): Yuxi's 2010 shares 0-14 / 15-59 / 60-64 / 65+ and the sex ratio 105.26.
# The P6 file's derived 15-59 share, 66.28 = 67.43 - 1.15, makes the three broad shares
# sum to 97.70. The 2020 shares sum to 100.00, so the three stated 2010-2020 changes must
# sum to zero: -2.84 (0-14) + 3.99 (60+) leaves -1.15 for 15-59, i.e. the bulletin's 1.15 pp
# is a *fall* and 2010's 15-59 share is 67.43 + 1.15 = 68.58. Treatment: keep 0-14 (18.85)
# and 60+ (12.57) and let 15-59 take the remainder, 68.58, which is exactly the sign-
# corrected stated change (not a renormalisation, which would move all three). 65+ (8.78,
# also derived from a stated change) splits 60+ into 60-64 (3.79) and 65+.
# Fitting: iterative proportional fitting (raking) of the group x sex table to the group
# margins (both sexes) and the sex margin; each single age is scaled by its cell's factor
# (so the within-cell shape is China's and steps can appear at 15, 60 and 65).
# 2013: survive the 2010 single-age population 3 years (2010, 2011, 2012) with the Yuxi-
# adjusted calendar-year q(x, t) = 1 - exp(-m) that the package uses, 100+ accumulating;
# births refill ages 0-2 at their 2010 shares of the total; then rake to 0-14 / 15-59 / 60+
# and the sex ratio interpolated linearly 3/10 of the way from 2010 (derived) to 2020
# (census). Why both steps: survival alone ignores migration and overshoots: surviving
# the 2010 distribution to 2020 the same way gives 425k aged 60+ against the census's 373k
# (printed by this script), while the census margins carry Yuxi's observed trend. The
# 60-64 / 65+ split is *not* raked in 2013: in the S2 shape 60-64 (56.5M) is far smaller
# than 55-59 (84.0M), so 2013's 60-64 (2010's 57-61) is a larger cohort than 2010's, a
# swing that a linear interpolation of the 60-64 share between 2010 and 2020 cannot
# follow; the split within 60+ is left to the survived cohorts.

GROUPS_2010 = ((0, 15), (15, 60), (60, 65), (65, 101))  # 0-14, 15-59, 60-64, 65+ (100+ = 100)
GROUPS_2013 = ((0, 15), (15, 60), (60, 101))  # 0-14, 15-59, 60+


def pchip_split(edges: Array, totals: Array) -> Array:
    cum = np.r_[0.0, np.cumsum(totals)]
    return np.diff(PchipInterpolator(edges, cum)(np.arange(edges[0], edges[-1] + 1.0)))


def rake(
    pop: Array, groups: Sequence[tuple[int, int]], group_targets: Array, male_share: float
) -> Array:
    """IPF of the (sex, age) population to group shares (both sexes) and the male share."""
    p = pop / pop.sum()
    sex_targets = np.array([male_share, 1.0 - male_share])
    for _ in range(1000):
        for g, (a, b) in enumerate(groups):
            p[:, a:b] *= group_targets[g] / p[:, a:b].sum()
        p *= (sex_targets / p.sum(axis=1))[:, None]
        err = max(abs(p[:, a:b].sum() - group_targets[g]) for g, (a, b) in enumerate(groups))
        if err < 1e-15:
            break
    else:  # pragma: no cover
        raise RuntimeError("raking did not converge")
    return np.asarray(p / p.sum(), dtype=np.float64)


def yuxi_margins(public: Path) -> dict[int, dict[str, float]]:
    """Yuxi broad-age shares (pct) and sex ratio: 2010 (corrected), 2020, 2013 (interpolated)."""
    v = {
        (r["indicator"], int(r["year"])): float(r["value"])
        for r in read_rows(public / "population_yuxi_city.csv")
    }
    out: dict[int, dict[str, float]] = {}
    for year in (2010, 2020):
        m = {k: v[(f"age_{k}_share", year)] for k in ("0_14", "60_plus", "65_plus")}
        m["15_59"] = round(100.0 - m["0_14"] - m["60_plus"], 2)
        m["60_64"] = round(m["60_plus"] - m["65_plus"], 2)
        m["sex_ratio"] = v[("sex_ratio", year)]
        out[year] = m
    stated = v[("age_15_59_share", 2010)]
    total = stated + out[2010]["0_14"] + out[2010]["60_plus"]
    check(
        abs(total - 97.70) < 1e-9, f"P6-derived 2010 broad shares sum to {total:.2f} (known defect)"
    )
    check(
        abs(out[2010]["15_59"] - (v[("age_15_59_share", 2020)] + 1.15)) < 1e-9,
        f"2010 15-59 remainder {out[2010]['15_59']:.2f} = 2020 share + 1.15 (sign-corrected)",
    )
    check(
        abs(v[("age_15_59_share", 2020)] - out[2020]["15_59"]) < 1e-9,
        "2020 census shares sum to 100",
    )
    w = 0.3  # 2013 is 3/10 of the way from the 2010 to the 2020 census
    out[2013] = {
        k: (1 - w) * out[2010][k] + w * out[2020][k]
        for k in ("0_14", "15_59", "60_plus", "sex_ratio")
    }
    return dict(sorted(out.items()))


def survive(
    p: Array, mids: Array, mx1: dict[str, Array], factor: float, years: Iterable[int]
) -> Array:
    """Roll a (sex, age) population through calendar years; no births, 100+ accumulates."""
    for year in years:
        q = np.stack(
            [
                -np.expm1(-factor * interpolate_log_mx(mx1[s], mids, [year + TIME_OFFSET])[:, 0])
                for s in SEXES
            ]
        )
        survivors = p * (1.0 - q)
        nxt = np.zeros_like(p)
        nxt[:, 1:100] = survivors[:, :99]
        nxt[:, 100] = survivors[:, 99] + survivors[:, 100]
        p = nxt
    return p


def build_population(public: Path, mids: Array, mx1: dict[str, Array], factor: float) -> None:
    rows = read_rows(public / "population_china_wpp2019_5yr.csv")
    edges = np.arange(0.0, 101.0, 5.0)  # 0, 5, ..., 100; 100+ separate
    china = np.empty((2, N_AGES))
    for i, s in enumerate(SEXES):
        v = np.array([float(r[f"pop_{s}_2010_thousand"]) for r in rows])
        china[i, :100] = pchip_split(edges, v[:-1])
        china[i, 100] = v[-1]
        check(
            bool(np.all(china[i] > 0))
            and bool(np.allclose(china[i, :100].reshape(20, 5).sum(axis=1), v[:-1], rtol=1e-12)),
            f"China 2010 {s}: single-age split positive and keeps every 5-year total",
        )
    mg = yuxi_margins(public)
    t10 = np.array([mg[2010][k] for k in ("0_14", "15_59", "60_64", "65_plus")]) / 100
    p2010 = rake(china, GROUPS_2010, t10, mg[2010]["sex_ratio"] / (100 + mg[2010]["sex_ratio"]))

    p = survive(p2010, mids, mx1, factor, (2010, 2011, 2012))
    births_share = p2010[:, :3]  # by sex and age 0-2, as shares of the total
    p[:, :3] = births_share * p[:, 3:].sum() / (1.0 - births_share.sum())
    survived_only = p / p.sum()
    t13 = np.array([mg[2013][k] for k in ("0_14", "15_59", "60_plus")]) / 100
    p2013 = rake(
        survived_only, GROUPS_2013, t13, mg[2013]["sex_ratio"] / (100 + mg[2013]["sex_ratio"])
    )

    # Validation of the survival step (see the comment above): 2010 -> 2020, no migration.
    p2020 = survive(p2010 * 2_303_511, mids, mx1, factor, range(2010, 2020))
    print(
        f"      survival 2010->2020 without migration: 60+ {p2020[:, 60:].sum():,.0f} "
        "(census 2020: 372,509)"
    )

    def summary(x: Array) -> str:
        g = [x[:, a:b].sum() * 100 for a, b in GROUPS_2010]
        return (
            f"0-14 {g[0]:.3f} 15-59 {g[1]:.3f} 60-64 {g[2]:.3f} 65+ {g[3]:.3f} "
            f"(60+ {g[2] + g[3]:.3f}) sex ratio {100 * x[0].sum() / x[1].sum():.3f}"
        )

    print(f"      2010 raked:          {summary(p2010)}")
    print(f"      2013 survival only:  {summary(survived_only)}")
    print(f"      2013 raked:          {summary(p2013)}")

    shares = {2010: rounded(p2010), 2013: rounded(p2013)}
    for year, x, groups, t in (
        (2010, shares[2010], GROUPS_2010, t10),
        (2013, shares[2013], GROUPS_2013, t13),
    ):
        check(
            abs(x.sum() - 1) < 1e-9
            and np.allclose([x[:, a:b].sum() for a, b in groups], t, atol=1e-9)
            and abs(100 * x[0].sum() / x[1].sum() - mg[year]["sex_ratio"]) < 1e-6,
            f"{year} shares sum to 1 and match the margins",
        )
    write_csv(
        "age_sex_shares.csv",
        [
            "Yuxi shares by sex and single age (100 = 100+), each year sums to 1. 2010: China 2010 "
            "shape (S2) split by PCHIP on the cumulative, raked to Yuxi 2010 0-14 18.85, 15-59 "
            "68.58, 60-64 3.79, 65+ 8.78 %, sex ratio 105.26 (P6; see age_structure_targets.csv).",
            "15-59 = 100 - 0-14 - 60+ since P6's derived 66.28 (sum 97.70) reverses the sign of "
            "the stated 1.15 pp fall. 2013: 2010 survived 3 y (Yuxi-adjusted q, births keep "
            "ages 0-2), raked to 2010-2020 interpolated 0-14/15-59/60+ and sex ratio.",
        ],
        ["year", "sex", "age", "share"],
        (
            [year, s, a, fmt(x[i, a])]
            for year, x in shares.items()
            for i, s in enumerate(SEXES)
            for a in range(N_AGES)
        ),
    )
    role = {
        2010: "raking margin for 2010",
        2013: "raking margin for 2013 (0.7 x 2010 + 0.3 x 2020)",
        2020: "census 2020 (P6); input to the 2013 interpolation",
    }
    how = {
        "0_14": "P6: 16.01 + 2.84 (stated change)",
        "15_59": "100 - 0-14 - 60+ = 67.43 + 1.15; P6's derived 66.28 reversed the sign of "
        "the stated change and left the shares summing to 97.70",
        "60_64": "60+ minus 65+ = 12.57 - 8.78",
        "65_plus": "P6: 12.80 - 4.02 (stated change)",
        "sex_ratio": "P6: 2010 census value quoted in the 2020 bulletin",
    }
    used = {
        2010: ("0_14", "15_59", "60_64", "65_plus", "sex_ratio"),
        2013: ("0_14", "15_59", "60_plus", "sex_ratio"),
        2020: ("0_14", "15_59", "60_plus", "65_plus", "sex_ratio"),
    }
    write_csv(
        "age_structure_targets.csv",
        [
            "Yuxi margins behind age_sex_shares.csv: broad-age shares of the total population "
            "(pct) and males per 100 females, from the Yuxi 7th-census bulletin (P6).",
            "2013 is interpolated 3/10 of the way from 2010 to 2020; the 60-64/65+ split is "
            "raked only in 2010 (in 2013 it comes from the survived cohorts).",
        ],
        ["year", "indicator", "value", "unit", "role", "derivation"],
        (
            [
                year,
                "sex_ratio" if k == "sex_ratio" else f"age_{k}_share",
                f"{mg[year][k]:.4f}",
                "males per 100 females" if k == "sex_ratio" else "pct",
                role[year],
                how[k]
                if year == 2010
                else ("interpolated" if year == 2013 else "census 2020 (P6)"),
            ]
            for year in (2010, 2013, 2020)
            for k in used[year]
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--public",
        type=Path,
        default=DEFAULT_PUBLIC,
        help="folder of the public data pack (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    public: Path = args.public.resolve()
    if not (public / "mortality_china_wpp2024_abridged_mx.csv").is_file():
        parser.error(f"{public} does not hold the public data pack")
    OUT.mkdir(parents=True, exist_ok=True)
    mids, mx1, _ = build_mortality(public)
    check_mortality(public, mids, mx1)
    factor = build_level_factor(public, mids, mx1)
    build_leecarter(public)
    build_population(public, mids, mx1, factor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
