"""``project()``: the Monte Carlo projection of every pension fund of every county.

Draws are run in chunks: each chunk's economic paths come from ``actuarial.scenarios``
and its funds from the cohort kernel (``kernels.cohort``). Random numbers are a pure
function of (seed, stream, global draw index, year, cell), so the result does not depend
on the chunk size or the number of threads, and draw *i* is the same in any run that
contains it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr
from numpy.typing import NDArray

import actuarial.solvency  # noqa: F401  (registers the ds.solvency accessor)
from actuarial.assumptions import Assumptions, load_assumptions

if TYPE_CHECKING:
    from actuarial.claims import ClaimsScheme
    from actuarial.context import Context
    from actuarial.pensions import KernelInputs
    from actuarial.reforms import Reform, ReformLike
    from actuarial.scenarios import EconomicPaths
    from actuarial.streaming import Sink

__all__ = ["FLOWS", "VARIABLES", "ChunkResult", "Model", "PensionModel", "chunk_ranges", "project"]

#: Each flow variable: (role, long name).
FLOWS: dict[str, tuple[str, str]] = {
    "contributions": ("income", "contributions collected (due less new arrears)"),
    "subsidies": (
        "income",
        "government subsidies: account subsidies and the budget-paid basic pension",
    ),
    "arrears_recovered": ("income", "arrears of earlier years recovered"),
    "recoveries": ("income", "overpaid pensions of dead pensioners recovered"),
    "transfers": (
        "income",
        "money moved in from other funds (+) or out to them (-) when funds are pooled or "
        "merged (actuarial.reforms)",
    ),
    "interest": ("income", "interest on the fund (negative on a negative balance)"),
    "benefits": ("outgo", "pensions paid to living pensioners"),
    "refunds": ("outgo", "individual accounts refunded to heirs of members who died"),
    "leakage": ("outgo", "pensions paid to dead pensioners whose death was not reported"),
    "other_outgo": (
        "outgo",
        "other spending of the fund (unemployment: training and job placement)",
    ),
}
_STOCKS: dict[str, tuple[str, str]] = {
    "contributors": (
        "persons",
        "members contributing during the year (closed schemes: members not yet drawing)",
    ),
    "beneficiaries": (
        "persons",
        "pensioners alive during the year; claims schemes: recipients or claimants",
    ),
    "balance": ("CNY", "fund balance at the end of the year"),
    "arrears": ("CNY", "contributions owed by employers at the end of the year (memo)"),
    "accounts": ("CNY", "individual accounts of members not yet drawing, year end (memo)"),
    "supplements": (
        "CNY",
        "long-contribution supplements the budgets paid to resident pensioners (memo: a "
        "reform books them in benefits and subsidies)",
    ),
}
#: Subsidies by level of government (each scheme's ``subsidies`` is their sum).
LEVEL_VARIABLES = ("subsidy_central", "subsidy_province", "subsidy_city", "subsidy_county")
#: Every result variable, in the order of the model's output axis.
VARIABLES = (
    "contributors",
    "beneficiaries",
    "contributions",
    "subsidies",
    "arrears_recovered",
    "recoveries",
    "transfers",
    "interest",
    "benefits",
    "refunds",
    "leakage",
    "other_outgo",
    "balance",
    "arrears",
    "accounts",
    "supplements",
    *LEVEL_VARIABLES,
)
#: Income and outgo, in the order they are summed into the balance. The claims schemes'
#: own order (contributions + subsidies + interest, benefits + other_outgo) is this order
#: with zeros in between, so their identity holds bit for bit here too. ``transfers`` is
#: zero unless a reform pools or merges funds (interest stays last: it is computed from
#: the others).
INCOME = ("contributions", "subsidies", "arrears_recovered", "recoveries", "transfers", "interest")
OUTGO = ("benefits", "refunds", "leakage", "other_outgo")
DEFAULT_CHUNK = 64
#: The UN WPP mortality projection, and so every projection, ends in 2100.
LAST_YEAR = 2100
_ECONOMY = {
    "cpi": "CPI inflation",
    "real_wage_growth": "real wage growth",
    "wage_growth": "nominal wage growth",
    "fund_return": "nominal return on fund balances",
}


#: One chunk's results: ``[VARIABLES, draw, county, scheme, year]`` and the economic paths.
ChunkResult = tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]


def chunk_ranges(n_draws: int, chunk: int) -> list[tuple[int, int]]:
    """The draws ``0..n_draws-1`` as ``(start, stop)`` ranges of at most ``chunk``."""
    return [(a, min(a + chunk, n_draws)) for a in range(0, n_draws, chunk)]


def _resolve(assumptions: Assumptions | str | Path | None) -> Assumptions:
    return resolve_scenario(assumptions)[0]


def resolve_scenario(
    assumptions: Assumptions | str | Path | None,
) -> tuple[Assumptions, tuple[Reform, ...]]:
    """The assumptions and the ``[[reforms]]`` of a scenario file (none otherwise)."""
    if assumptions is None:
        return load_assumptions(), ()
    if isinstance(assumptions, Assumptions):
        return assumptions, ()
    if isinstance(assumptions, str | Path):
        from actuarial.reforms import load_scenario

        sc = load_scenario(assumptions)
        return sc.assumptions or load_assumptions(), sc.reforms
    raise TypeError(
        f"assumptions: got {type(assumptions).__name__}; expected None (the packaged "
        "baseline), an Assumptions object or the path of a scenario TOML file"
    )


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name}: got {value!r}; expected a whole number in [{low}, {high}]")
    if not low <= int(value) <= high:
        raise ValueError(f"{name}: got {value}; allowed: {low} to {high}")
    return int(value)


def project(
    assumptions: Assumptions | str | Path | None = None,
    *,
    draws: int = 1000,
    seed: int = 0,
    end: int | None = None,
    process_risk: bool = True,
    deterministic: bool = False,
    schemes: Sequence[str] | None = None,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
    reforms: ReformLike | Iterable[ReformLike] | None = None,
    keep: str = "draws",
    sample: int = 100,
    client: object | None = None,
) -> xr.Dataset:
    """Project every fund of every county, ``draws`` times, to ``end``.

    Parameters
    ----------
    assumptions
        The packaged baseline (None), an ``Assumptions`` object or a scenario TOML path
        (its ``[[reforms]]`` tables apply before ``reforms``).
    draws
        Number of Monte Carlo draws (global indices 0..draws-1).
    seed
        Seed of the counter-based random numbers.
    end
        Last projected year; default the assumptions' ``projection.end_year``.
    process_risk
        Draw deaths, births, retirements, claims and other counts at random (True), or
        use their expected values (False). Economic and mortality-index shocks stay
        random.
    deterministic
        Every shock at its central value and process risk off: one path (draws is then
        usually 1; more draws repeat it).
    schemes
        Scheme codes to project (default all 14, ``actuarial.schemes()``); results are in
        canonical order and do not depend on which others are run.
    chunk
        Draws per kernel call (memory and progress granularity; results do not depend on
        it).
    progress
        Called with the number of draws finished after each chunk.
    reforms
        Reforms and stress presets (``actuarial.reforms``): objects, ``"name:year,k=v"``
        specs or tables, applied in order. The draws are those of the run without them.
    keep
        "draws" (default): every draw's results. "summary": each chunk is reduced as it
        is produced (``actuarial.streaming``): every draw's first year of depletion per
        county and scheme, for the counties summed and for any county, is kept (so
        ``ds.solvency`` is exact over all draws), and the full results of the first
        ``sample`` draws only (fan charts, inspection); memory no longer grows with the
        draws' results.
    sample
        With ``keep="summary"``, how many draws (0..sample-1) keep their full results.
    client
        A ``dask.distributed.Client``: the chunks of draws run on its workers
        (``actuarial.distributed``); the results are the same as a local run.

    Returns
    -------
    xarray.Dataset
        Dims ``(draw, county, scheme, year)``; flows carry ``attrs["role"]`` = "income"
        or "outgo", money is in CNY, and for every cell
        ``balance[t] = balance[t-1] + sum(income) - sum(outgo)`` with ``balance[-1] =
        opening_balance``, summed in the order of ``attrs["income_variables"]`` and
        ``attrs["outgo_variables"]``. ``subsidy_central`` ... ``subsidy_county`` split
        ``subsidies`` by level of government; ``has_fund`` marks schemes with a fund.

    Examples
    --------
    >>> import actuarial
    >>> ds = actuarial.project(draws=2, end=2015, schemes=["enterprise_pension"])
    >>> dict(ds.sizes)
    {'draw': 2, 'county': 10, 'scheme': 1, 'year': 3}
    """
    from actuarial.reforms import coerce

    a, listed = resolve_scenario(assumptions)
    chosen = listed + coerce(reforms)
    base = a.projection.base_year
    n_draws = _check_int("draws", draws, 1, 100_000_000)
    seed = _check_int("seed", seed, 0, 2**63 - 1)
    end = _check_int("end", a.projection.end_year if end is None else end, base + 1, LAST_YEAR)
    chunk = _check_int("chunk", chunk, 1, 1_000_000)
    if keep not in ("draws", "summary"):
        raise ValueError(f"keep: got {keep!r}; allowed: 'draws' or 'summary'")
    sample = min(_check_int("sample", sample, 0, 100_000_000), n_draws)
    model = Model.build(a, end, schemes, chosen)
    risk = bool(process_risk) and not deterministic
    if keep == "summary":
        from actuarial.streaming import SummarySink

        sink: Sink = SummarySink(model, n_draws, sample=sample)
    else:
        from actuarial.streaming import DrawsSink

        sink = DrawsSink(model, n_draws)
    model.run(
        seed, n_draws, process_risk=risk, deterministic=deterministic, chunk=chunk,
        progress=progress, sink=sink, client=client,
    )  # fmt: skip
    return sink.dataset(seed=seed, process_risk=risk, deterministic=deterministic)


@dataclass(frozen=True)
class PensionModel:
    """Everything a projection needs that does not depend on the draws: the kernel's plain
    arrays for the six schemes, the central mortality and the population rules."""

    context: Context
    assumptions: Assumptions
    inputs: KernelInputs
    years: NDArray[np.int64]
    pop0: NDArray[np.float64]
    city_pool: NDArray[np.bool_]
    qbar: NDArray[np.float64]
    bx: NDArray[np.float64]
    fertility: NDArray[np.float64]
    boy_share: float

    @classmethod
    def build(cls, a: Assumptions, end: int) -> PensionModel:
        from actuarial.baseline import load_baseline
        from actuarial.context import make_context

        return cls.from_context(make_context(a, load_baseline(a), end))

    @classmethod
    def from_context(cls, ctx: Context) -> PensionModel:
        from actuarial.demography import death_probabilities, leecarter_bx
        from actuarial.pensions import build_inputs

        a = ctx.assumptions
        base, end = int(ctx.years[0]), int(ctx.years[-1])
        p = a.population
        fertility = np.zeros(101)
        f0, f1 = p.fertility_ages
        fertility[f0 : f1 + 1] = p.total_fertility_rate / (f1 - f0 + 1)
        return cls(
            context=ctx,
            assumptions=a,
            inputs=build_inputs(ctx),
            years=ctx.years,
            pop0=ctx.pop0,
            city_pool=ctx.city_pool,
            qbar=np.ascontiguousarray(
                death_probabilities(base, end, level_factor=a.mortality.level_factor).values
            ),
            bx=np.ascontiguousarray(leecarter_bx().values),
            fertility=fertility,
            boy_share=p.sex_ratio_at_birth / (1.0 + p.sex_ratio_at_birth),
        )

    def run_chunk(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        *,
        process_risk: bool,
        population: NDArray[np.float64] | None = None,
        out: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Kernel output ``[variable, draw, county, scheme, year]`` for the draws ``ids``;
        ``population`` is :meth:`population` of the same draws, projected here if not
        given (a projection with claims schemes projects it once for all). ``out``, if
        given, is filled and returned: a caller that runs many chunks can reuse one array
        (a fresh one costs its first touch of every page, about as much as the kernel's
        own work without process risk)."""
        from kernels.cohort import VARIABLES, project_pensions

        if population is None:
            population = self.population(seed, ids, paths, process_risk=process_risk)
        arr = self.inputs.arrays
        shape = (len(VARIABLES), ids.size, self.pop0.shape[0], len(arr["kind"]), self.years.size)
        part = _output(out, shape, "out")
        project_pensions(
            seed, ids, process_risk,
            np.ascontiguousarray(paths.cpi), np.ascontiguousarray(paths.real_wage_growth),
            np.ascontiguousarray(paths.wage_growth), np.ascontiguousarray(paths.fund_return),
            np.ascontiguousarray(paths.mortality_index),
            self.qbar, self.bx, population, self.assumptions.economy.wage_2013_cny_per_year,
            arr["kind"], arr["pool_rate"], arr["account_rate"], arr["base_factor"],
            arr["basic_factor"], arr["flat_contribution"], arr["flat_subsidy"], arr["basic0"],
            arr["retire"], arr["payout_months"], arr["pen_known"], arr["pen_rule"],
            arr["basic_known"], arr["basic_rule"], arr["supplement"], arr["coverage"],
            arr["coverage_path"],
            arr["leak"], arr["arrears_rates"], arr["arrears0"], arr["a0"], arr["acc0"],
            arr["sv0"], arr["p0"], arr["pen0"], arr["balance0"], part,
        )  # fmt: skip
        return part

    def population(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        *,
        process_risk: bool,
        out: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """``[draw, year, county, sex, age]``: the residents every scheme draws on (into
        ``out`` if given, as :meth:`run_chunk`)."""
        from kernels.population import project_population

        # As many years as the paths have (a shorter horizon than the model's is allowed).
        shape = (ids.size, paths.mortality_index.shape[1], *self.pop0.shape)
        out = _output(out, shape, "out")
        project_population(
            seed, ids, process_risk, np.ascontiguousarray(paths.mortality_index), self.qbar,
            self.bx, self.pop0, self.city_pool, self.fertility, self.boy_share, out,
        )  # fmt: skip
        return out


def _output(
    out: NDArray[np.float64] | None, shape: tuple[int, ...], name: str
) -> NDArray[np.float64]:
    """``out`` checked for a kernel to fill, or a new array of ``shape``."""
    if out is None:
        return np.empty(shape)
    flags = out.flags
    if (
        out.shape != shape
        or out.dtype != np.float64
        or not (flags.c_contiguous and flags.writeable)
    ):
        raise ValueError(
            f"{name}: got {out.dtype} {out.shape}; expected a writeable C-contiguous float64 "
            f"array of shape {shape}"
        )
    return out


def _select(schemes: Sequence[str] | None) -> tuple[str, ...]:
    from actuarial.registry import schemes as all_schemes

    known = all_schemes()
    if schemes is None:
        return tuple(known)
    if isinstance(schemes, str):
        schemes = [schemes]
    unknown = [s for s in schemes if s not in known]
    if unknown or not schemes:
        raise ValueError(
            f"schemes: got {list(schemes)!r}; allowed: a non-empty list of {', '.join(known)}"
        )
    return tuple(s for s in known if s in set(schemes))


@dataclass(frozen=True)
class Model:
    """The pension kernel and the claims schemes of one projection, ready to run."""

    pensions: PensionModel
    claims: tuple[ClaimsScheme, ...]
    schemes: tuple[str, ...]
    reforms: tuple[Reform, ...] = ()

    @classmethod
    def build(
        cls,
        a: Assumptions,
        end: int,
        schemes: Sequence[str] | None = None,
        reforms: Sequence[Reform] = (),
    ) -> Model:
        """Build the model; each reform then changes its inputs, in order."""
        from actuarial.baseline import load_baseline
        from actuarial.claims import CLAIMS_SCHEMES, build_claims
        from actuarial.context import make_context

        selected = _select(schemes)
        ctx = make_context(a, load_baseline(a), end)
        claims = build_claims(ctx, [s for s in CLAIMS_SCHEMES if s in selected])
        model = cls(pensions=PensionModel.from_context(ctx), claims=claims, schemes=selected)
        for reform in reforms:
            y0 = model.year_index(reform.year)
            if y0 < model.years.size:
                model = reform.apply_inputs(model, y0)
        return dataclasses.replace(model, reforms=tuple(reforms))

    def year_index(self, year: int) -> int:
        """Index of ``year`` on the year axis (0 for the base year or before)."""
        return max(int(year) - int(self.years[0]), 0)

    def claims_scheme(self, code: str) -> ClaimsScheme | None:
        """The built claims scheme ``code``, or None if the run does not include it."""
        return next((s for s in self.claims if s.code == code), None)

    def with_claims_scheme(self, scheme: ClaimsScheme) -> Model:
        """This model with the claims scheme of the same code replaced by ``scheme``."""
        claims = tuple(scheme if s.code == scheme.code else s for s in self.claims)
        return dataclasses.replace(self, claims=claims)

    @property
    def years(self) -> NDArray[np.int64]:
        return self.pensions.years

    def run(
        self,
        seed: int,
        n_draws: int,
        *,
        process_risk: bool,
        deterministic: bool,
        chunk: int = DEFAULT_CHUNK,
        progress: Callable[[int], None] | None = None,
        sink: Sink | None = None,
        client: object | None = None,
    ) -> Sink:
        """Run draws 0..n_draws-1 in chunks into ``sink`` (default: every draw kept,
        :class:`actuarial.streaming.DrawsSink`) and return it. With a dask ``client`` the
        chunks run on its workers (``actuarial.distributed``); each chunk is a pure
        function of (seed, draws), so the result is the same either way."""
        from actuarial.streaming import DrawsSink

        sink = DrawsSink(self, n_draws) if sink is None else sink
        ranges = chunk_ranges(n_draws, chunk)
        if client is None:
            results: Iterable[tuple[tuple[int, int], ChunkResult]] = (
                ((a, b), self.run_chunk(seed, a, b, process_risk=process_risk,
                                        deterministic=deterministic))
                for a, b in ranges
            )  # fmt: skip
        else:
            from actuarial.distributed import map_chunks

            results = map_chunks(
                client, self, seed, ranges, process_risk=process_risk, deterministic=deterministic
            )
        done = 0
        for (a, b), chunk_result in results:
            sink.add(a, *chunk_result)
            # Let go of this chunk before the next one is computed: otherwise two chunks'
            # results are alive at once (about 120 MB for 64 draws of 14 schemes).
            del chunk_result
            done += b - a
            if progress is not None:
                progress(done)
        return sink

    def run_chunk(
        self, seed: int, start: int, stop: int, *, process_risk: bool, deterministic: bool
    ) -> ChunkResult:
        """The draws ``start..stop-1``: ``[VARIABLES, draw, county, scheme, year]`` in the
        order of :data:`VARIABLES` and :attr:`schemes`, and the economic paths."""
        from actuarial.scenarios import generate

        ids = np.arange(start, stop, dtype=np.int64)
        n_years = self.years.size
        n_counties = self.pensions.pop0.shape[0]
        paths = generate(
            self.pensions.assumptions, seed=seed, draws=ids, years=self.years,
            deterministic=deterministic,
        )  # fmt: skip
        for reform in self.reforms:
            y0 = self.year_index(reform.year)
            if y0 < n_years:
                paths = reform.apply_paths(paths, y0)
        part = np.zeros((len(VARIABLES), ids.size, n_counties, len(self.schemes), n_years))
        self._run_chunk(seed, ids, paths, process_risk, part)
        if self.reforms:
            self._reform_results(part, paths, seed)
        econ = {k: np.array(getattr(paths, k), dtype=np.float64) for k in _ECONOMY}
        return part, econ

    def _run_chunk(
        self,
        seed: int,
        ids: NDArray[np.int64],
        paths: EconomicPaths,
        process_risk: bool,
        out: NDArray[np.float64],
    ) -> None:
        from actuarial.claims import CLAIMS_VARIABLES
        from actuarial.fiscal import pension_subsidy_levels
        from kernels.cohort import VARIABLES as PENSION_VARIABLES

        pension_codes = tuple(s.code for s in self.pensions.inputs.schemes)
        wanted = [k for k, code in enumerate(pension_codes) if code in self.schemes]
        population = self.pensions.population(seed, ids, paths, process_risk=process_risk)
        if wanted:
            part = self.pensions.run_chunk(
                seed, ids, paths, process_risk=process_risk, population=population
            )
            levels = pension_subsidy_levels(
                self.pensions.assumptions,
                codes=pension_codes,
                years=self.years,
                subsidies=part[PENSION_VARIABLES.index("subsidies")],
                contributors=part[PENSION_VARIABLES.index("contributors")],
                account_subsidy=np.asarray(self.pensions.inputs.arrays["flat_subsidy"], np.float64),
            )
            for k in wanted:
                j = self.schemes.index(pension_codes[k])
                for v, name in enumerate(PENSION_VARIABLES):
                    out[VARIABLES.index(name), :, :, j] = part[v, :, :, k]
                for v, name in enumerate(LEVEL_VARIABLES):
                    out[VARIABLES.index(name), :, :, j] = levels[v, :, :, k]
        for scheme in self.claims:
            j = self.schemes.index(scheme.code)
            part = scheme.run_chunk(seed, ids, paths, population, process_risk=process_risk)
            for v, name in enumerate(CLAIMS_VARIABLES):
                out[VARIABLES.index(name), :, :, j] = part[v]

    def _reform_results(self, part: NDArray[np.float64], paths: EconomicPaths, seed: int) -> None:
        from actuarial.reforms._chunk import Chunk
        from actuarial.registry import counties

        chunk = Chunk(
            out=part, schemes=self.schemes, counties=tuple(counties()), years=self.years,
            paths=paths, opening=self.opening_balance(), has_fund=tuple(self.has_fund()),
            wage0=self.pensions.assumptions.economy.wage_2013_cny_per_year, model=self,
            seed=seed,
        )  # fmt: skip
        for reform in self.reforms:
            y0 = self.year_index(reform.year)
            if y0 < self.years.size:
                reform.apply_results(chunk, y0)
        chunk.finish()

    def opening_balance(self) -> NDArray[np.float64]:
        """``[county, scheme]`` balances before the first projected year (CNY)."""
        n_counties = self.pensions.pop0.shape[0]
        out = np.zeros((n_counties, len(self.schemes)))
        pension_codes = [s.code for s in self.pensions.inputs.schemes]
        for k, code in enumerate(pension_codes):
            if code in self.schemes:
                out[:, self.schemes.index(code)] = self.pensions.inputs.arrays["balance0"][k]
        for scheme in self.claims:
            out[:, self.schemes.index(scheme.code)] = scheme.opening_balance
        return out

    def notes(self) -> dict[str, str]:
        notes = {s.code: s.notes for s in self.pensions.inputs.schemes}
        notes.update({s.code: s.notes for s in self.claims})
        return {code: notes[code] for code in self.schemes}

    def has_fund(self) -> list[int]:
        no_fund = {s.code for s in self.claims if not s.has_fund}
        return [0 if code in no_fund else 1 for code in self.schemes]

    def to_dataset(
        self,
        out: NDArray[np.float64],
        econ: dict[str, NDArray[np.float64]],
        *,
        seed: int,
        process_risk: bool,
        deterministic: bool,
    ) -> xr.Dataset:
        """Label the output: dims ``(draw, county, scheme, year)``, units, roles."""
        from actuarial import __version__
        from actuarial.registry import counties, county, scheme

        a = self.pensions.assumptions
        codes = list(self.schemes)
        county_codes = counties()
        dims = ("draw", "county", "scheme", "year")
        data_vars: dict[str, xr.Variable] = {}
        for v, name in enumerate(VARIABLES):
            if name in FLOWS:
                role, long_name = FLOWS[name]
                attrs = {"units": "CNY", "long_name": long_name, "role": role}
            elif name in LEVEL_VARIABLES:
                level = name.removeprefix("subsidy_")
                attrs = {
                    "units": "CNY",
                    "long_name": f"subsidies paid by the {level} budget (part of subsidies)",
                    "part_of": "subsidies",
                }
            else:
                units, long_name = _STOCKS[name]
                attrs = {"units": units, "long_name": long_name}
            data_vars[name] = xr.Variable(dims, out[v], attrs=attrs)
        data_vars["opening_balance"] = xr.Variable(
            ("county", "scheme"),
            self.opening_balance(),
            attrs={"units": "CNY", "long_name": "fund balance before the first projected year"},
        )
        for k, long_name in _ECONOMY.items():
            data_vars[k] = xr.Variable(
                ("draw", "year"),
                econ[k],
                attrs={"units": "1", "long_name": f"{long_name}, fraction a year"},
            )
        years = self.years
        base, end = int(years[0]), int(years[-1])
        notes = self.notes()
        ds = xr.Dataset(
            data_vars,
            coords={
                "draw": ("draw", np.arange(out.shape[1], dtype=np.int64)),
                "county": ("county", county_codes),
                "scheme": ("scheme", codes),
                "year": ("year", years),
                "county_zh": ("county", [county(c).name_zh for c in county_codes]),
                "scheme_zh": ("scheme", [scheme(s).name_zh for s in codes]),
                "has_fund": ("scheme", np.array(self.has_fund(), dtype=np.int8)),
            },
            attrs={
                "Conventions": "CF-1.10",
                "title": "Yuxi social-insurance funds: Monte Carlo projection",
                "seed": seed,
                "draws": int(out.shape[1]),
                "base_year": base,
                "end_year": end,
                "milestones": [m for m in a.projection.milestones if base <= m <= end],
                "process_risk": int(process_risk),
                "deterministic": int(deterministic),
                "package_version": __version__,
                "income_variables": list(INCOME),
                "outgo_variables": list(OUTGO),
                "subsidy_levels": list(LEVEL_VARIABLES),
                "balance_identity": "balance[t] = balance[t-1] + ("
                + " + ".join(INCOME)
                + ") - ("
                + " + ".join(OUTGO)
                + "), balance[-1] = opening_balance",
                **(
                    {"enterprise_pension_pooling": notes["enterprise_pension"]}
                    if "enterprise_pension" in notes
                    else {}
                ),
                **{f"notes_{k}": v for k, v in notes.items()},
                "reforms": "; ".join(r.label() for r in self.reforms) or "none",
                "reforms_toml": _reforms_toml(self.reforms),
                "assumptions_toml": _to_toml(a),
            },
        )
        # CF-style coordinates, so that any NetCDF reader labels the axes.
        for name, attrs in _COORD_ATTRS.items():
            ds[name].attrs = dict(attrs)
        return ds


_COORD_ATTRS: dict[str, dict[str, str]] = {
    "draw": {"long_name": "Monte Carlo draw (global index)"},
    "county": {"long_name": "county-level unit (actuarial.counties())"},
    "scheme": {"long_name": "scheme code (actuarial.schemes())"},
    "year": {"long_name": "calendar year", "units": "1", "axis": "T"},
    "county_zh": {"long_name": "county name in Chinese"},
    "scheme_zh": {"long_name": "scheme name in Chinese"},
    "has_fund": {"long_name": "1 if the scheme has a fund, 0 if budgets pay each year"},
}


def _reforms_toml(reforms: Sequence[Reform]) -> str:
    import tomli_w

    from actuarial.reforms import as_tables

    return tomli_w.dumps({"reforms": as_tables(reforms)}) if reforms else ""


def _to_toml(a: Assumptions) -> str:
    import tomli_w

    return tomli_w.dumps(a.model_dump(mode="json"))
