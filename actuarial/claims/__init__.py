"""The claims schemes (medical, unemployment, work injury, maternity) and the minimum
living guarantee: one module per scheme, each turning the base year and the assumptions
into a :class:`ClaimsScheme` whose ``run_chunk`` projects every county of it for a chunk of
draws, on the same population and economic paths as the pensions.

The contract every scheme module keeps
--------------------------------------
* ``build(ctx: actuarial.context.Context) -> ClaimsScheme``.
* ``run_chunk`` returns ``[len(CLAIMS_VARIABLES), draws, counties, years]`` float64 with
  the variables of :data:`CLAIMS_VARIABLES` in that order, money in CNY a year.
* The balance identity holds exactly, summed in this order:
  ``balance[t] = balance[t-1] + (contributions + subsidies + interest) - (benefits +
  other_outgo)`` with ``balance[-1] = opening_balance``; and ``subsidies = subsidy_central
  + subsidy_province + subsidy_city + subsidy_county`` exactly, in that order.
* Interest is ``fund_return[t] * (balance[t-1] + 0.5 * net)`` where ``net`` is the year's
  income less outgo before interest (as the pensions).
* A scheme without a fund (the dibao) has ``has_fund = False`` and a zero balance: its
  outlay is met by subsidies in the same year.
* Random numbers come from ``kernels.rng`` / ``kernels.sampling`` with the scheme's own
  streams (:data:`STREAMS`), keyed by the global draw index, so results are the same for
  any chunking or thread count.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from actuarial.context import Context
from actuarial.scenarios import EconomicPaths

__all__ = [
    "CLAIMS_SCHEMES",
    "CLAIMS_VARIABLES",
    "LEVELS",
    "STREAMS",
    "ClaimsScheme",
    "build_claims",
    "check_chunk",
    "contiguous",
]

#: Output variables of every claims scheme, in order.
CLAIMS_VARIABLES = (
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
#: Single ages of the population path (0-100, 100 open), as in ``kernels.cohort``.
N_AGES = 101

#: Levels of government that pay subsidies.
LEVELS = ("central", "province", "city", "county")

#: Random streams reserved for each family (1-3: economy; 10-16: population and pensions).
STREAMS = {
    "medical": range(20, 30),
    "unemployment": range(30, 40),
    "work_injury": range(40, 50),
    "maternity": range(50, 60),
    "dibao": range(60, 70),
}

#: Scheme code -> the module that builds it, in canonical scheme order.
CLAIMS_SCHEMES = {
    "urban_resident_medical": "actuarial.claims.urban_resident_medical",
    "rural_cooperative_medical": "actuarial.claims.rural_cooperative_medical",
    "unemployment": "actuarial.claims.unemployment",
    "work_injury_enterprise": "actuarial.claims.work_injury_enterprise",
    "work_injury_institution": "actuarial.claims.work_injury_institution",
    "maternity_enterprise": "actuarial.claims.maternity_enterprise",
    "maternity_institution": "actuarial.claims.maternity_institution",
    "dibao": "actuarial.claims.dibao",
}


class ClaimsScheme(Protocol):
    """One claims scheme of every county, ready to run."""

    code: str
    notes: str
    has_fund: bool
    opening_balance: NDArray[np.float64]  # [C], CNY

    def run_chunk(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        population: NDArray[np.float64],  # [D, Y, C, S, A] residents after deaths
        *,
        process_risk: bool,
    ) -> NDArray[np.float64]:
        """``[len(CLAIMS_VARIABLES), len(ids), counties, years]`` for the draws ``ids``."""
        ...


def build_claims(ctx: Context, codes: Iterable[str] | None = None) -> tuple[ClaimsScheme, ...]:
    """Build the claims schemes ``codes`` (default all; canonical order) from the base year
    and assumptions."""
    wanted = set(CLAIMS_SCHEMES if codes is None else codes)
    built = []
    for code, module in CLAIMS_SCHEMES.items():
        if code in wanted:
            built.append(importlib.import_module(module).build(ctx))
    return tuple(built)


def check_chunk(
    code: str,
    ids: NDArray[np.int64],
    paths: EconomicPaths,
    population: NDArray[np.float64],
    *,
    n_counties: int,
    n_years: int,
) -> None:
    """Refuse a chunk whose paths or population are not those of the draws ``ids`` over
    the scheme's counties and years: a kernel would read past them or mix draws up."""
    if paths.cpi.shape != (ids.size, n_years) or not np.array_equal(paths.draws, ids):
        raise ValueError(
            f"{code}: paths: got draws {paths.draws.tolist()} and shape {paths.cpi.shape}; "
            f"expected the draws {ids.tolist()} over {n_years} years"
        )
    expected = (ids.size, n_years, n_counties, 2, N_AGES)
    if population.shape != expected:
        raise ValueError(
            f"{code}: population has shape {population.shape}; expected {expected} "
            "(draws, years, counties, sexes, ages)"
        )


def contiguous(x: NDArray[Any], dtype: type = np.float64) -> NDArray[Any]:
    """``x`` writeable and C-contiguous (copied only if not), so a kernel sees one array
    type whatever the caller passes (the economic paths are read-only) and compiles once."""
    return np.require(x, dtype=dtype, requirements=["C", "W"])
