"""The base year every scheme starts from, shared by the pension and claims models."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from actuarial.assumptions import Assumptions
from actuarial.baseline import Baseline

__all__ = ["Context", "make_context"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Context:
    """The base year every scheme starts from: population by county, sex and age (the
    city-level unit, with no residents of its own, sees the whole city's), the years."""

    assumptions: Assumptions
    baseline: Baseline
    years: NDArray[np.int64]
    pop0: F64  # [C, S, A] residents in 2013
    city_pool: NDArray[np.bool_]  # [C]

    @property
    def n_counties(self) -> int:
        return int(self.pop0.shape[0])

    def reference_population(self) -> F64:
        """[C, S, A]: each unit's own residents, or the city's for the city level."""
        ref = self.pop0.copy()
        ref[self.city_pool] = self.pop0.sum(axis=0)
        return ref

    def linear_path(self, factor: float, target_year: int) -> F64:
        """1 in the base year, moving linearly to ``factor`` by ``target_year``."""
        base = int(self.years[0])
        span = max(target_year - base, 1)
        t = np.clip((self.years - base) / span, 0.0, 1.0)
        return np.asarray(1.0 + (factor - 1.0) * t, dtype=np.float64)

    def known_path(self, known: dict[str, float]) -> F64:
        """Known yearly rates by year, NaN where the rule applies."""
        return np.array([known.get(str(int(y)), np.nan) for y in self.years], dtype=np.float64)


def make_context(assumptions: Assumptions, baseline: Baseline, end: int) -> Context:
    """The base-year population and the projected years ``base_year..end``."""
    base = assumptions.projection.base_year
    pop = baseline.population(base)
    pop0 = np.ascontiguousarray(pop.values, dtype=np.float64)
    return Context(
        assumptions=assumptions,
        baseline=baseline,
        years=np.arange(base, end + 1, dtype=np.int64),
        pop0=pop0,
        city_pool=pop0.sum(axis=(1, 2)) == 0,
    )
