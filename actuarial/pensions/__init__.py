"""The six pension schemes: one module each turns the base year and the assumptions into
the plain arrays of the cohort kernel (``kernels.cohort``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from actuarial.context import Context, make_context
from actuarial.pensions import (
    enterprise_pension,
    institution_pension,
    land_lost_pension,
    old_rural_pension,
    rural_resident_pension,
    urban_resident_pension,
)
from actuarial.pensions._inputs import N_AGES, SchemeInputs

__all__ = [
    "PENSION_SCHEMES",
    "YEARLY",
    "Context",
    "KernelInputs",
    "SchemeInputs",
    "build_inputs",
    "make_context",
]

#: Scheme code -> its builder, in canonical scheme order.
BUILDERS: dict[str, Callable[[Context], SchemeInputs]] = {
    "enterprise_pension": enterprise_pension.build,
    "institution_pension": institution_pension.build,
    "rural_resident_pension": rural_resident_pension.build,
    "urban_resident_pension": urban_resident_pension.build,
    "land_lost_pension": land_lost_pension.build,
    "old_rural_pension": old_rural_pension.build,
}
PENSION_SCHEMES = tuple(BUILDERS)
#: Kernel inputs given by year, ``[K, Y, ...]``.
YEARLY = (
    "pool_rate", "account_rate", "base_factor", "flat_contribution", "flat_subsidy", "retire",
    "leak", "pen_rule", "basic_rule", "supplement",
)  # fmt: skip


@dataclass(frozen=True)
class KernelInputs:
    """Every scheme's inputs stacked along a leading scheme axis, plus the population."""

    schemes: tuple[SchemeInputs, ...]
    arrays: dict[str, NDArray[np.float64] | NDArray[np.int64]]


def build_inputs(ctx: Context) -> KernelInputs:
    """Build and stack the inputs of the six schemes (canonical order)."""
    built = tuple(BUILDERS[code](ctx) for code in PENSION_SCHEMES)

    def stack(name: str) -> NDArray[np.float64]:
        return np.ascontiguousarray(
            np.stack([np.asarray(getattr(s, name), dtype=np.float64) for s in built])
        )

    arrays: dict[str, NDArray[np.float64] | NDArray[np.int64]] = {
        "kind": np.array([s.kind for s in built], dtype=np.int64)
    }
    for name in (
        "pool_rate", "account_rate", "base_factor", "basic_factor", "flat_contribution",
        "flat_subsidy", "basic0", "retire", "payout_months", "pen_known", "pen_rule",
        "basic_known", "basic_rule", "coverage", "coverage_path", "leak", "arrears_rates",
        "arrears0", "a0", "acc0", "sv0", "p0", "pen0", "balance0",
    ):  # fmt: skip
        arrays[name] = stack(name)
    # The resident long-contribution supplement a month by whole years of contribution at
    # retirement: none unless a reform pays one (``actuarial.reforms.long_contribution_bonus``).
    arrays["supplement"] = np.zeros((len(built), N_AGES))
    # Rates, retirement shares, leakage, the raise rules and the supplement get a year axis
    # after the scheme axis: the builders give one value for every year, and a reform
    # (``actuarial.reforms``) changes them from its effective year on.
    n_years = ctx.years.size
    for name in YEARLY:
        x = arrays[name]
        arrays[name] = np.ascontiguousarray(
            np.broadcast_to(x[:, np.newaxis], (x.shape[0], n_years, *x.shape[1:])),
            dtype=np.float64,
        )
    return KernelInputs(schemes=built, arrays=arrays)
