"""Where a projection's chunks of draws go: kept whole, or reduced as they arrive.

:class:`DrawsSink` keeps every draw's results (``project(keep="draws")``). Its memory grows
with the draws: about 1.8 MB a draw for the fourteen schemes to 2100.

:class:`SummarySink` (``project(keep="summary")``) keeps, for every draw, only the first
year in which each fund is depleted: per county and scheme, for the counties' funds summed
(``aggregate="city"``) and for the first county fund to run out (``aggregate="any"``), as
calendar years in 32-bit floats (exact for years; ``inf`` never depleted, NaN no fund),
616 bytes a draw for 14 schemes and 10 counties, written once and never copied; plus the
full results of the first ``sample`` draws. Horizons, depletion probabilities and horizon
percentiles are then exact over all the draws (``ds.solvency`` reads the kept horizons);
fan charts and other per-year statistics come from the sample, which is a random sample of
the run (draws are independent and identically distributed). Every value is written at its
draw's index, so the result does not depend on the chunking, the number of threads, or the
order in which chunks arrive from a cluster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
import xarray as xr
from numpy.typing import NDArray

if TYPE_CHECKING:
    from actuarial.projection import Model

__all__ = ["NEVER", "DrawsSink", "Sink", "SummarySink", "first_negative"]

F64 = NDArray[np.float64]
#: :func:`first_negative`'s offset for a draw never depleted within the run.
NEVER = np.int16(32767)


class Sink(Protocol):
    """Receives each chunk of draws, then gives the run's dataset."""

    def add(self, start: int, part: F64, econ: dict[str, F64]) -> None:
        """Take the results of draws ``start..start + part.shape[1] - 1``."""
        ...

    def dataset(self, *, seed: int, process_risk: bool, deterministic: bool) -> xr.Dataset:
        """The run's results, labelled."""
        ...


class DrawsSink:
    """Every draw's results, in one array."""

    def __init__(self, model: Model, n_draws: int, *, first: int = 0) -> None:
        from actuarial.projection import _ECONOMY, VARIABLES

        self.model = model
        self.first = first
        shape = (len(VARIABLES), n_draws, model.pensions.pop0.shape[0], len(model.schemes))
        self.out = np.zeros((*shape, model.years.size))
        self.econ = {k: np.empty((n_draws, model.years.size)) for k in _ECONOMY}

    @property
    def n_draws(self) -> int:
        return int(self.out.shape[1])

    def add(self, start: int, part: F64, econ: dict[str, F64]) -> None:
        a = start - self.first
        b = min(a + part.shape[1], self.n_draws)
        if b <= 0 or a >= self.n_draws:
            return
        lo = max(a, 0)
        self.out[:, lo:b] = part[:, lo - a : b - a]
        for k, values in self.econ.items():
            values[lo:b] = econ[k][lo - a : b - a]

    def dataset(self, *, seed: int, process_risk: bool, deterministic: bool) -> xr.Dataset:
        return self.model.to_dataset(
            self.out, self.econ, seed=seed, process_risk=process_risk, deterministic=deterministic
        )


def first_negative(balance: F64) -> NDArray[np.int16]:
    """Year offset of the first negative value along the last axis; :data:`NEVER` if none
    (NaN, a missing year, is not a deficit, as in ``actuarial.solvency``)."""
    below = balance < 0.0
    first = np.argmax(below, axis=-1).astype(np.int16)
    out: NDArray[np.int16] = np.where(below.any(axis=-1), first, NEVER).astype(np.int16)
    return out


class SummarySink:
    """First years of depletion of every draw, and the full results of a sample."""

    def __init__(self, model: Model, n_draws: int, *, sample: int) -> None:
        self.model = model
        self.n_draws = n_draws
        n_counties = model.pensions.pop0.shape[0]
        n_schemes = len(model.schemes)
        self.has_fund = np.array(model.has_fund(), dtype=bool)
        # Filled chunk by chunk with calendar years; NaN until a draw arrives.
        self.county = np.full((n_draws, n_counties, n_schemes), np.nan, dtype=np.float32)
        self.city = np.full((n_draws, n_schemes), np.nan, dtype=np.float32)
        self.any = np.full((n_draws, n_schemes), np.nan, dtype=np.float32)
        self.sample = DrawsSink(model, sample) if sample > 0 else None

    def add(self, start: int, part: F64, econ: dict[str, F64]) -> None:
        from actuarial.projection import VARIABLES

        stop = start + part.shape[1]
        balance = part[VARIABLES.index("balance")]  # [d, C, J, Y]
        county = first_negative(balance)
        self.county[start:stop] = self._years(county, self.has_fund[None, None, :])
        # The counties summed, as ds.solvency's aggregate="city" sums them.
        self.city[start:stop] = self._years(first_negative(balance.sum(axis=1)), self.has_fund)
        self.any[start:stop] = self._years(county.min(axis=1), self.has_fund)
        if self.sample is not None:
            self.sample.add(start, part, econ)

    def _years(
        self, offsets: NDArray[np.int16], has_fund: NDArray[np.bool_]
    ) -> NDArray[np.float32]:
        """Offsets as calendar years (float32): inf never depleted, NaN no fund."""
        base = np.float32(self.model.years[0])
        out = np.where(offsets == NEVER, np.float32(np.inf), base + offsets.astype(np.float32))
        result: NDArray[np.float32] = np.where(has_fund, out, np.float32(np.nan)).astype(np.float32)
        return result

    def dataset(self, *, seed: int, process_risk: bool, deterministic: bool) -> xr.Dataset:
        if self.sample is None:
            # The labels of a run with no draw kept: one draw's shape, then dropped.
            probe = DrawsSink(self.model, 1)
            ds = probe.dataset(seed=seed, process_risk=process_risk, deterministic=deterministic)
            ds = ds.isel(draw=slice(0, 0))
        else:
            ds = self.sample.dataset(
                seed=seed, process_risk=process_risk, deterministic=deterministic
            )
        dims = ("all_draw",)
        note = "inf: not depleted within the run; NaN: no fund"
        ds["horizon_county"] = xr.Variable(
            (*dims, "county", "scheme"),
            self.county,
            attrs={"long_name": "first year with a negative balance, every draw", "note": note},
        )
        ds["horizon_city"] = xr.Variable(
            (*dims, "scheme"),
            self.city,
            attrs={"long_name": "first year the counties' funds summed are negative", "note": note},
        )
        ds["horizon_any"] = xr.Variable(
            (*dims, "scheme"),
            self.any,
            attrs={"long_name": "first year any county's own fund is negative", "note": note},
        )
        ds.attrs.update(
            {
                "keep": "summary",
                "draws": self.n_draws,
                "sample_draws": 0 if self.sample is None else self.sample.n_draws,
            }
        )
        return ds
