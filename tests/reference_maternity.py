"""Slow, obvious numpy twin of ``kernels.maternity.project_maternity``, written from its
documented model: the specification of a maternity fund's year, to be read and audited.

Same signature and output layout ``out[variable, draw, county, year]``. Loops run over
draws, counties and years; each year works on whole ``[sex, age]`` arrays:

1. insured = coverage x the year's coverage multiplier x residents; they all contribute
   ``rate`` x the city average wage of the year (wage[0] given, then grown by the draw's
   nominal wage growth);
2. expected births to insured women, ``sum(insured[women] x fertility[year])``, and to
   insured men's spouses, ``spouse_share x sum(insured[men] x fertility[year])``; with
   process risk each is a Poisson count (streams ``stream0`` and ``stream0 + 1``, cell =
   county), else its expectation;
3. each own birth costs the allowance (``allowance_factor`` x the previous year's wage; the
   year before the base year: ``wage_prev0``) plus the medical cost; each spouse's birth
   the medical cost, which is ``medical0`` x wage / wage_prev0 x (1 + growth)^(year + 1);
4. no subsidies, no other outgo; interest on the balance plus half the year's net flow.
"""

from __future__ import annotations

import numpy as np
import reference_sampling as ref

VARIABLES = (
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
V = {name: v for v, name in enumerate(VARIABLES)}
INCOME = ("contributions", "subsidies", "interest")
OUTGO = ("benefits", "other_outgo")
LEVELS = ("subsidy_central", "subsidy_province", "subsidy_city", "subsidy_county")


def project_maternity(
    seed: int,
    draws: np.ndarray,
    process_risk: bool,
    wage_growth: np.ndarray,
    fund_return: np.ndarray,
    population: np.ndarray,
    wage0: float,
    wage_prev0: float,
    coverage: np.ndarray,
    coverage_path: np.ndarray,
    fertility: np.ndarray,
    spouse_share: float,
    rate: float,
    allowance_factor: float,
    medical0: float,
    medical_growth: float,
    balance0: np.ndarray,
    stream0: int,
    out: np.ndarray,
) -> None:
    n_years = fund_return.shape[1]
    n_counties = coverage.shape[0]
    for i, d in enumerate(draws):
        wage = wage0 * np.concatenate([[1.0], np.cumprod(1.0 + wage_growth[i, 1:])])
        # The previous year's wage: the calibration year's, then the last projected one.
        wage_prev = np.concatenate([[wage_prev0], wage[:-1]])
        for c in range(n_counties):
            balance = balance0[c]
            for y in range(n_years):
                insured = coverage[c] * coverage_path[y] * population[i, y, c]  # [S, A]
                births = float(np.sum(insured[1] * fertility[y]))
                spouses = spouse_share * float(np.sum(insured[0] * fertility[y]))
                if process_risk:
                    births = ref.poisson(births, seed, stream0, int(d), y, c)
                    spouses = ref.poisson(spouses, seed, stream0 + 1, int(d), y, c)
                allowance = allowance_factor * wage_prev[y]
                medical = medical0 * wage[y] / wage_prev0 * (1.0 + medical_growth) ** (y + 1)
                flows = {
                    "contributors": float(insured.sum()),
                    "beneficiaries": births + spouses,
                    "contributions": float(insured.sum()) * wage[y] * rate,
                    "subsidies": 0.0,
                    "benefits": births * (allowance + medical) + spouses * medical,
                    "other_outgo": 0.0,
                    **dict.fromkeys(LEVELS, 0.0),
                }
                net = flows["contributions"] + flows["subsidies"] - flows["benefits"]
                flows["interest"] = fund_return[i, y] * (balance + 0.5 * net)
                balance += sum(flows[k] for k in INCOME) - sum(flows[k] for k in OUTGO)
                flows["balance"] = balance
                for name, v in V.items():
                    out[v, i, c, y] = flows[name]
