"""The ``actuarial`` command line."""

from __future__ import annotations

import math
import os
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from actuarial import __version__

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr
    from rich.progress import Task

    from actuarial.assumptions import Assumptions
    from actuarial.backtest import BacktestResult
    from actuarial.baseline import Baseline
    from actuarial.reforms import Reform

app = typer.Typer(
    name="actuarial",
    help="Projections of social-insurance funds: the packaged Yuxi (玉溪) 2012-2013 baseline.",
    no_args_is_help=True,
    add_completion=False,
)
# Tables are wide (scheme codes are long); never squeeze them below 130 columns, even when
# the output goes to a pipe or a file, where rich would otherwise assume 80.
console = Console(width=max(Console().width, 130))
err_console = Console(stderr=True)
_HEADERS = {
    "insured": "insured",
    "contributors": "contributors",
    "beneficiaries": "beneficiaries",
    "income": "income 万元",
    "expenditure": "expenditure 万元",
    "balance": "balance 万元",
}


def _version(value: bool) -> None:
    if value:
        console.print(f"actuarial {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Projections of social-insurance funds: the packaged Yuxi (玉溪) baseline."""


def _fmt(value: float, unit: str) -> str:
    if math.isnan(value):
        return "—"
    if unit == "CNY":
        return f"{value / 1e4:,.2f}"  # shown in 万元, the report's unit
    return f"{value:,.0f}"


def _assumptions(scenario: Path | None) -> Assumptions:
    return _scenario(scenario)[0]


def _scenario(scenario: Path | None) -> tuple[Assumptions, tuple[Reform, ...]]:
    """The assumptions and ``[[reforms]]`` of a scenario file (the baseline without one)."""
    from actuarial.assumptions import ScenarioError
    from actuarial.projection import resolve_scenario

    try:
        return resolve_scenario(scenario)
    except ScenarioError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None


def _reforms(specs: list[str] | None, option: str = "--reform") -> tuple[Reform, ...]:
    """``--reform NAME[:YEAR][,key=value...]`` options, in order; ``+`` composes several
    reforms in one option."""
    from actuarial.reforms import ReformError, parse_spec

    out: list[Reform] = []
    for spec in specs or []:
        for part in spec.split("+"):
            try:
                out.append(parse_spec(part))
            except ReformError as exc:
                _fail(f"{option} {part!r}: {exc}")
    return tuple(out)


def _load(scenario: Path | None) -> Baseline:
    from actuarial.baseline import load_baseline

    return load_baseline(_assumptions(scenario))


def _fail(message: str, code: int = 2) -> NoReturn:
    # soft_wrap: one message, one line, whatever the terminal width (easy to grep).
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=code)


@app.command()
def baseline(
    counties: Annotated[
        bool, typer.Option("--counties", help="Show the county split of each scheme.")
    ] = False,
    scheme: Annotated[
        list[str] | None,
        typer.Option("--scheme", "-s", help="Only this scheme (repeatable); default all."),
    ] = None,
    sources: Annotated[
        bool, typer.Option("--sources", help="List the report figure and section of each value.")
    ] = False,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="A TOML scenario file overriding the baseline."),
    ] = None,
) -> None:
    """Show the base year (2012-2013) of every fund, as the report gives it."""
    from actuarial.baseline import DATASET_VARIABLES
    from actuarial.registry import schemes

    base = _load(scenario)
    chosen = scheme or schemes()
    unknown = [s for s in chosen if s not in schemes()]
    if unknown:
        err_console.print(
            f"[red]error:[/red] --scheme: unknown scheme code(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(schemes())}"
        )
        raise typer.Exit(code=2)
    ds = base.to_dataset().sel(scheme=chosen)
    variables = list(DATASET_VARIABLES)
    title = "Yuxi base year by scheme (persons; money in 万元 = 10,000 CNY; — = not in the report)"
    table = Table(title=title, show_lines=False)
    table.add_column("scheme", no_wrap=True)
    for v in variables:
        table.add_column(_HEADERS[v], justify="right", no_wrap=True)
    for s in chosen:
        cells = [_fmt(base.city_total(s, v), DATASET_VARIABLES[v][0]) for v in variables]
        table.add_row(s, *cells)
    console.print(table)
    if counties:
        for s in chosen:
            t = Table(title=f"{s} ({ds['scheme_name_zh'].sel(scheme=s).item()}): county split")
            t.add_column("county", no_wrap=True)
            t.add_column("名称", no_wrap=True)
            for v in variables:
                t.add_column(_HEADERS[v], justify="right", no_wrap=True)
            sub = ds.sel(scheme=s)
            for c in sub["county"].values:
                row = sub.sel(county=c)
                t.add_row(
                    str(c),
                    str(row["county_name_zh"].item()),
                    *[_fmt(float(row[v]), DATASET_VARIABLES[v][0]) for v in variables],
                )
            console.print(t)
        console.print(
            "[yellow]note:[/yellow] the county population key is partly an assumption "
            "(2010 census figures found for Hongta and Eshan only); see "
            "actuarial/data/allocation/county_population.csv and override "
            "allocation.county_population in a scenario file."
        )
    if sources:
        prov = base.provenance()
        prov = prov[prov["scheme"].isin(chosen) & (prov["figure_ids"] != "")]
        t = Table(title="Sources (report figure ids and sections)")
        cols = [
            "scheme",
            "variable",
            "date",
            "figure_ids",
            "source_section",
            "reading",
            "county_method",
        ]
        for col in cols:
            t.add_column(col)
        for cells in prov[cols].astype(str).to_numpy().tolist():
            t.add_row(*cells)
        console.print(t)


@app.command("check-scenario")
def check_scenario(
    file: Annotated[Path, typer.Argument(help="The TOML scenario file to validate.")],
) -> None:
    """Validate a scenario file (assumption overrides and [[reforms]] tables) against the
    baseline: exit 0 if valid, 2 with the errors."""
    from actuarial.assumptions import ScenarioError
    from actuarial.reforms import load_scenario

    try:
        sc = load_scenario(file)
    except ScenarioError as exc:
        err_console.print(f"[red]invalid:[/red] {exc}")
        raise typer.Exit(code=2) from None
    console.print(f"[green]valid:[/green] {file}")
    for r in sc.reforms:
        console.print(f"  reform {r.label()}", highlight=False)


@app.command()
def assumptions() -> None:
    """List every assumption key with its unit and meaning."""
    from actuarial.assumptions import describe

    t = Table(title="Assumption keys (override any of them in a scenario TOML file)")
    t.add_column("key")
    t.add_column("unit and meaning")
    for key, text in describe():
        t.add_row(key, text)
    console.print(t)


#: Draws of ``run`` when --draws is not given (one with --deterministic: more would repeat it).
DEFAULT_DRAWS = 1000
RESULTS_FILE = "results.nc"


class _RateColumn(ProgressColumn):
    """Draws a second: rich's own speed column counts bytes."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None and task.finished and task.elapsed:
            speed = task.completed / task.elapsed  # a run too short for rich's estimate
        text = "… draws/s" if speed is None else f"{speed:,.1f} draws/s"
        return Text(text, style="progress.data.speed")


def _mode(process_risk: bool, deterministic: bool) -> str:
    if deterministic:
        return "deterministic"
    return "process risk " + ("on" if process_risk else "off")


def _year(value: float, end: int) -> str:
    # NaN horizon: no negative balance up to the last year of the run.
    return f">{end}" if math.isnan(value) else f"{value:.0f}"


def _band(low: float, high: float, end: int) -> str:
    if math.isnan(low):
        return f">{end}"
    return f"{low:.0f} to {_year(high, end)}" if math.isnan(high) else f"{low:.0f}-{high:.0f}"


def _draws(n: int) -> str:
    return f"{n:,} draw" + ("" if n == 1 else "s")


_P_PREFIX = "P(depleted by "  # summary_table's column for each milestone year


def _solvency_table(
    title: str, key: tuple[str, str], names: dict[str, str], df: pd.DataFrame, end: int
) -> Table:
    """One row per index entry of ``df`` (a ``summary_table``): its code and Chinese name,
    median depletion year, 5-95 % band and the share of draws depleted by each milestone."""
    years = [str(c)[len(_P_PREFIX) : -1] for c in df.columns if str(c).startswith(_P_PREFIX)]
    caption = (
        "horizon: first year with a negative end-of-year balance; "
        f">{end}: not depleted within the run; P by Y: share of draws depleted by the end of Y"
    )
    t = Table(title=title, caption=caption, caption_justify="left")
    t.add_column(key[0], no_wrap=True)
    t.add_column(key[1], no_wrap=True)
    t.add_column("median horizon", justify="right", no_wrap=True)
    t.add_column("5-95 %", justify="right", no_wrap=True)
    for y in years:
        t.add_column(f"P by {y}", justify="right", no_wrap=True)
    for code, row in df.iterrows():
        shares = [float(row[f"{_P_PREFIX}{y})"]) for y in years]
        if all(math.isnan(p) for p in shares):  # no draw has a fund in this cell
            cells = ["no fund", "", *["" for _ in shares]]
        else:
            cells = [
                _year(float(row["median horizon"]), end),
                _band(float(row["horizon 5th pct"]), float(row["horizon 95th pct"]), end),
                *[f"{100 * p:.1f} %" for p in shares],
            ]
        t.add_row(str(code), names.get(str(code), ""), *cells)
    return t


def _print_summary(ds: xr.Dataset, counties: bool) -> None:
    import actuarial.solvency  # noqa: F401  (registers ds.solvency, also on a reopened file)

    years = ds["year"].values
    first, end = int(years.min()), int(years.max())
    scheme_zh = dict(
        zip(map(str, ds["scheme"].values), map(str, ds["scheme_zh"].values), strict=True)
    )
    county_zh = dict(
        zip(map(str, ds["county"].values), map(str, ds["county_zh"].values), strict=True)
    )
    mode = _mode(bool(ds.attrs.get("process_risk")), bool(ds.attrs.get("deterministic")))
    run = f"{_draws(ds.sizes['draw'])}, seed {ds.attrs.get('seed')}, {first}-{end}, {mode}"
    city = ds.solvency.summary_table(aggregate="city")
    # The run line stands apart: as part of the title it would wrap over a narrow table.
    console.print(f"\nYuxi social-insurance funds: {run}", highlight=False)
    title = "When the funds run out (all counties summed)"
    console.print(_solvency_table(title, ("scheme", "名称"), scheme_zh, city, end))
    if counties:
        by_county = ds.solvency.summary_table(aggregate="county")
        for s in city.index:
            part = by_county.xs(s, level="scheme")
            title = f"{s} ({scheme_zh[str(s)]}) by county"
            console.print(_solvency_table(title, ("county", "名称"), county_zh, part, end))


def _check_options(draws: int, seed: int, chunk: int | None, out: Path) -> None:
    if draws < 1:
        _fail(f"--draws: got {draws}; allowed: 1 or more")
    if not 0 <= seed <= 2**63 - 1:
        _fail(f"--seed: got {seed}; allowed: 0 to 2**63-1")
    if chunk is not None and chunk < 1:
        _fail(f"--chunk: got {chunk}; allowed: 1 or more")
    if out.exists() and not out.is_dir():
        _fail(f"--out: {out} exists and is not a directory")


#: ``--keep auto`` keeps every draw up to this many draws (about 1.8 GB for 14 schemes).
AUTO_KEEP_DRAWS = 1000
#: How long ``--scheduler`` waits for the scheduler to answer.
SCHEDULER_TIMEOUT = "10s"


def _client(scheduler: str | None) -> object | None:
    """A dask client connected to ``--scheduler``, or None for a local run."""
    if scheduler is None:
        return None
    try:
        from distributed import Client
    except ImportError:
        _fail(
            "--scheduler needs dask.distributed: pip install 'actuarial[dask]' "
            "(or dask[distributed])"
        )
    try:
        client: object = Client(scheduler, timeout=SCHEDULER_TIMEOUT)  # type: ignore[no-untyped-call]
        return client
    except (OSError, TimeoutError, ValueError) as exc:
        _fail(f"--scheduler {scheduler}: cannot connect ({exc})")


def _check_end(a: Assumptions, end: int | None) -> int:
    from actuarial.demography import LAST_YEAR

    base = a.projection.base_year
    if end is None:
        end = a.projection.end_year
        if not base < end <= LAST_YEAR:
            _fail(
                f"projection.end_year: got {end}; allowed: {base + 1} to {LAST_YEAR} (the "
                f"mortality tables end in {LAST_YEAR}); change the scenario or pass --end"
            )
    elif not base < end <= LAST_YEAR:
        _fail(
            f"--end: got {end}; allowed: {base + 1} to {LAST_YEAR} (after the base year "
            f"{base}; the mortality tables end in {LAST_YEAR})"
        )
    return end


def _make_out(out: Path) -> Path | None:
    """Create ``out`` if needed; the topmost directory created, to remove if the run fails."""
    missing = [d for d in (out, *out.parents) if not d.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"--out: cannot create {out}: {exc.strerror or exc}")
    if not os.access(out, os.W_OK | os.X_OK):
        _fail(f"--out: {out} is not writable")
    return missing[-1] if missing else None


def _remove_empty(top: Path, out: Path) -> None:
    """Remove the directories a failed run created, as long as they are empty."""
    d = out
    while True:
        try:
            d.rmdir()
        except OSError:
            return
        if d == top:
            return
        d = d.parent


def _status(text: str, quiet: bool) -> AbstractContextManager[object]:
    return nullcontext() if quiet else err_console.status(text, spinner="dots")


def _size(path: Path) -> str:
    files = path.rglob("*") if path.is_dir() else [path]
    size = sum(f.stat().st_size for f in files if f.is_file())
    return f"{size / 1e6:,.1f} MB" if size >= 1e5 else f"{size / 1e3:,.1f} kB"


@app.command()
def run(  # every option is keyword-only: typer passes them by name
    *,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="A TOML scenario file overlaid on the baseline."),
    ] = None,
    draws: Annotated[
        int | None,
        typer.Option(
            "--draws",
            help=f"Monte Carlo draws (default {DEFAULT_DRAWS}; 1 with --deterministic).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random numbers.")] = 0,
    end: Annotated[
        int | None,
        typer.Option(
            "--end",
            help="Last projected year (default the assumptions' projection.end_year, 2100).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Directory for results.nc and the charts.")
    ] = Path("results"),
    no_process_risk: Annotated[
        bool,
        typer.Option(
            "--no-process-risk",
            help="Expected deaths, births and retirements instead of random ones "
            "(economic and mortality shocks stay random).",
        ),
    ] = False,
    deterministic: Annotated[
        bool,
        typer.Option(
            "--deterministic", help="Every shock at its central value and no process risk."
        ),
    ] = False,
    counties: Annotated[
        bool, typer.Option("--counties", help="Also summarise each scheme county by county.")
    ] = False,
    scheme: Annotated[
        list[str] | None,
        typer.Option(
            "--scheme",
            "-s",
            help="Project only this scheme (repeatable; default all 14). "
            "Results do not depend on which others run.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar: only the summary and paths.")
    ] = False,
    chunk: Annotated[
        int | None,
        typer.Option("--chunk", hidden=True, help="Draws per kernel call (memory vs. overhead)."),
    ] = None,
    keep: Annotated[
        str,
        typer.Option(
            "--keep",
            help="draws: keep every draw's results; summary: keep every draw's depletion "
            "years (exact probabilities) and the full results of --sample draws, in memory "
            f"that does not grow with them; auto: draws up to {AUTO_KEEP_DRAWS:,} draws.",
        ),
    ] = "auto",
    sample: Annotated[
        int,
        typer.Option("--sample", help="With --keep summary: draws kept whole (fan charts)."),
    ] = 200,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="netcdf (results.nc) or zarr (results.zarr, a directory read a piece at a "
            "time; needs the zarr package).",
        ),
    ] = "netcdf",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of a dask.distributed scheduler (e.g. tcp://host:8786): run the "
            "chunks of draws on its workers. Results are the same as a local run.",
            show_default=False,
        ),
    ] = None,
    reform: Annotated[
        list[str] | None,
        typer.Option(
            "--reform",
            "-r",
            help="A reform or stress preset, NAME[:YEAR][,key=value...] (repeatable, applied "
            "in order after the scenario file's [[reforms]]; see `actuarial reforms`).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Project every fund of every county (14 schemes) and summarise when they run out.

    Writes OUT/results.nc (every draw, county, scheme and year; open it with
    xarray.open_dataset(path, engine="h5netcdf")), OUT/fan_chart.png and OUT/depletion.png.
    """
    n_draws = draws if draws is not None else (1 if deterministic else DEFAULT_DRAWS)
    _check_options(n_draws, seed, chunk, out)
    if keep not in ("auto", "draws", "summary"):
        _fail(f"--keep: got {keep!r}; allowed: auto, draws or summary")
    if sample < 0:
        _fail(f"--sample: got {sample}; allowed: 0 or more")
    mode = ("draws" if n_draws <= AUTO_KEEP_DRAWS else "summary") if keep == "auto" else keep
    client = _client(scheduler)
    a, listed = _scenario(scenario)
    chosen = listed + _reforms(reform)
    last = _check_end(a, end)
    if output_format not in ("netcdf", "zarr"):
        _fail(f"--format: got {output_format!r}; allowed: netcdf or zarr")
    path = out / (RESULTS_FILE if output_format == "netcdf" else "results.zarr")
    created = _make_out(out)
    written = False
    try:
        ds = _project(
            a,
            draws=n_draws,
            seed=seed,
            end=last,
            process_risk=not no_process_risk,
            deterministic=deterministic,
            schemes=scheme,
            chunk=chunk,
            quiet=quiet,
            reforms=chosen,
            keep=mode,
            sample=sample,
            client=client,
        )
        try:
            from actuarial.results import write_results

            with _status(f"writing {path}", quiet):
                write_results(ds, path)
        except ImportError as exc:
            _fail(f"cannot write {path}: {exc}", code=1)
        except OSError as exc:
            _fail(f"cannot write {path}: {exc.strerror or exc}", code=1)
        written = True
        from actuarial.plotting import save_run_charts

        try:
            with _status("drawing the charts", quiet):
                charts = save_run_charts(ds, out)
        except OSError as exc:
            _fail(f"cannot write the charts in {out}: {exc.strerror or exc}", code=1)
    except BaseException as exc:
        if created is not None and not written:
            _remove_empty(created, out)
        if isinstance(exc, KeyboardInterrupt):
            done = f"{path} was written, the charts were not" if written else "nothing written"
            err_console.print(f"[yellow]interrupted:[/yellow] {done}", highlight=False)
            raise typer.Exit(code=130) from None  # the shell's code for Ctrl-C
        raise
    _print_summary(ds, counties)
    if "enterprise_pension_pooling" in ds.attrs:
        console.print(
            f"[yellow]note:[/yellow] enterprise_pension: {ds.attrs['enterprise_pension_pooling']}",
            soft_wrap=True,
            highlight=False,
        )
    console.print(f"wrote {path} ({_size(path)})", highlight=False)
    for chart in charts:
        console.print(f"wrote {chart}", highlight=False)


def _project(
    a: Assumptions,
    *,
    draws: int,
    seed: int,
    end: int,
    process_risk: bool,
    deterministic: bool,
    schemes: list[str] | None,
    chunk: int | None,
    quiet: bool,
    reforms: tuple[Reform, ...] = (),
    keep: str = "draws",
    sample: int = 200,
    client: object | None = None,
) -> xr.Dataset:
    from actuarial.projection import DEFAULT_CHUNK, project

    if not quiet:
        err_console.print(
            f"projecting the funds {a.projection.base_year}-{end}: "
            f"{_draws(draws)}, seed {seed}, {_mode(process_risk, deterministic)}"
            + "".join(f"\n  with {r.label()}" for r in reforms),
            highlight=False,
        )
    columns = (
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("draws"),
        _RateColumn(),
        TimeElapsedColumn(),
        TextColumn("elapsed"),
        TimeRemainingColumn(),
        TextColumn("left"),
    )
    with Progress(*columns, console=err_console, disable=quiet) as bar:
        task = bar.add_task("draws", total=draws)
        try:
            ds = project(
                a, draws=draws, seed=seed, end=end, process_risk=process_risk,
                deterministic=deterministic, schemes=schemes, chunk=chunk or DEFAULT_CHUNK,
                progress=lambda done: bar.update(task, completed=done), reforms=reforms,
                keep=keep, sample=sample, client=client,
            )  # fmt: skip
        except MemoryError:
            _fail(f"--draws {draws:,}: not enough memory to hold the results; use fewer draws")
        except (TypeError, ValueError) as exc:
            # project() validates its inputs and names the one at fault; say it as the
            # option a user typed.
            message = str(exc)
            if message.startswith("schemes: "):
                message = "--scheme: " + message.removeprefix("schemes: ")
            _fail(message)
    return ds


#: Fan draws of ``backtest``: the default, and a bound that keeps its arrays small.
BACKTEST_DRAWS = 200
BACKTEST_MAX_DRAWS = 100_000


def _pct(value: float) -> str:
    return "— (not in the report)" if math.isnan(value) else f"{value:.1f} %"


def _estimate(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _print_backtest(result: BacktestResult) -> None:
    t = Table(
        title="Back-test on the report's history: MAPE of the fitted model",
        caption="points: reported values compared, in-sample / holdout",
        caption_justify="left",
    )
    for name in ("fund", "variable", "fit years", "in-sample MAPE", "holdout years"):
        t.add_column(name, no_wrap=True, justify="right" if "MAPE" in name else "left")
    t.add_column("holdout MAPE", justify="right", no_wrap=True)
    t.add_column("points", justify="right", no_wrap=True)
    for row in result.table.to_dict("records"):
        t.add_row(
            str(row["fund"]), str(row["variable"]), str(row["fit_years"]),
            _pct(float(row["in_sample_mape_pct"])), str(row["holdout_years"]),
            _pct(float(row["holdout_mape_pct"])),
            f"{row['in_sample_points']} / {row['holdout_points']}",
        )  # fmt: skip
    console.print(t)
    p = Table(title="Fitted parameters (standard errors from the fit's covariance)")
    for name in ("fund", "parameter", "estimate", "s.e.", "unit"):
        numeric = name in ("estimate", "s.e.")
        p.add_column(name, no_wrap=True, justify="right" if numeric else "left")
    for row in result.parameters.to_dict("records"):
        p.add_row(
            str(row["fund"]), str(row["parameter"]), _estimate(float(row["estimate"])),
            _estimate(float(row["se"])), str(row["unit"]),
        )  # fmt: skip
    console.print(p)
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}", soft_wrap=True, highlight=False)
    for f in result.funds:
        for note in f.notes:
            console.print(
                f"[yellow]note:[/yellow] {f.history.fund}: {note}", soft_wrap=True, highlight=False
            )


@app.command()
def backtest(  # every option is keyword-only: typer passes them by name
    *,
    draws: Annotated[
        int, typer.Option("--draws", help="Monte Carlo draws of each fund's fan.")
    ] = BACKTEST_DRAWS,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random numbers.")] = 0,
    out: Annotated[
        Path, typer.Option("--out", help="Directory for backtest.csv and backtest.png.")
    ] = Path("results"),
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress messages: only the tables.")
    ] = False,
) -> None:
    """Back-test the claims funds on the report's history (Tables 1, 4, 5b).

    Fits each fund's model on all but the last two years of its history and
    prints the in-sample and holdout MAPE of income, expenditure and balance,
    the fitted parameters and how years that do not roll forward are read.
    Writes OUT/backtest.csv (the error table) and OUT/backtest.png (the model's
    fan against the reported values).
    """
    if not 1 <= draws <= BACKTEST_MAX_DRAWS:
        _fail(f"--draws: got {draws}; allowed: 1 to {BACKTEST_MAX_DRAWS:,}")
    _check_options(draws, seed, None, out)
    from actuarial.backtest import run_backtest, save_backtest_chart

    with _status("fitting the funds", quiet):
        try:
            result = run_backtest(draws=draws, seed=seed)
        except ValueError as exc:
            _fail(str(exc))
        except RuntimeError as exc:  # a fit that did not converge: not the options' fault
            _fail(str(exc), code=1)
    created = _make_out(out)
    csv_path, png_path = out / "backtest.csv", out / "backtest.png"
    try:
        from actuarial._atomic import atomic_path

        with _status(f"writing {csv_path} and {png_path}", quiet):
            with atomic_path(csv_path) as tmp:
                result.table.to_csv(tmp, index=False)
            save_backtest_chart(result, png_path)
    except OSError as exc:
        if created is not None:
            _remove_empty(created, out)
        _fail(f"cannot write in {out}: {exc.strerror or exc}", code=1)
    _print_backtest(result)
    console.print(f"wrote {csv_path}", highlight=False)
    console.print(f"wrote {png_path}", highlight=False)


if __name__ == "__main__":  # pragma: no cover
    app()


@app.command("reforms")
def reforms_command() -> None:
    """List the reforms and stress presets with their parameters and defaults."""
    from actuarial.reforms import describe

    for row in describe():
        t = Table(title=f"{row['name']} ({row['kind']}): {row['summary']}", title_justify="left")
        t.add_column("parameter", no_wrap=True)
        t.add_column("default", no_wrap=True)
        t.add_column("meaning")
        for param in row["params"]:
            default = "required" if param["default"] is None else str(param["default"])
            t.add_row(param["name"], default, param["description"])
        console.print(t)
    console.print(
        "use: actuarial run --reform NAME[:YEAR][,key=value...]; lists as a/b/c; "
        "compare scenarios with actuarial compare",
        highlight=False,
    )


COMPARE_FILE = "comparison.nc"


def _compare_table(out: xr.Dataset, scheme: str, end: int) -> Table:
    milestones = [m for m in out.attrs.get("milestones", []) if m <= end] or [end]
    t = Table(
        title=f"{scheme} ({out['scheme_zh'].sel(scheme=scheme).item()})",
        caption="horizon: median first year the counties' funds summed are negative "
        f"(>{end}: not within the run); P city: that fund depleted by the year; P any: any "
        "county's own fund depleted; fiscal cost: present value of subsidies, 亿元",
        caption_justify="left",
    )
    t.add_column("scenario", overflow="fold", max_width=36)
    headers = ["horizon"]
    for m in milestones:
        headers += [f"P city {m}", f"P any {m}"]
    headers += ["fiscal cost", "Δ fiscal cost"]
    for h in headers:
        t.add_column(h, justify="right", no_wrap=True, min_width=len(h))
    sub = out.sel(scheme=scheme)
    for name in out["scenario"].values:
        row = sub.sel(scenario=name)
        cells = [_year(float(row["median_horizon_city"]), end)]
        for m in milestones:
            for var in ("p_depleted_city", "p_any_county_depleted"):
                p = float(row[var].sel(year=m))
                cells.append("—" if math.isnan(p) else f"{100 * p:.1f} %")
        pv = float(row["fiscal_cost_pv"].sum("level"))
        dpv = float(row["delta_fiscal_cost_pv"].sum("level"))
        cells += [f"{pv / 1e8:,.2f}", f"{dpv / 1e8:+,.2f}"]
        t.add_row(str(name), *cells)
    return t


@app.command()
def compare(  # every option is keyword-only: typer passes them by name
    *,
    reform: Annotated[
        list[str] | None,
        typer.Option(
            "--reform",
            "-r",
            help="A scenario: NAME[:YEAR][,key=value...]; join reforms of one scenario with "
            "'+' (repeatable: one scenario each).",
            show_default=False,
        ),
    ] = None,
    scenario: Annotated[
        list[Path] | None,
        typer.Option(
            "--scenario",
            help="A scenario TOML file (repeatable: one scenario each).",
            show_default=False,
        ),
    ] = None,
    baseline_file: Annotated[
        Path | None,
        typer.Option("--baseline", help="A scenario TOML file to use as the baseline."),
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", help="Monte Carlo draws, the same for all.")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random numbers.")] = 0,
    end: Annotated[
        int | None, typer.Option("--end", help="Last projected year.", show_default=False)
    ] = None,
    scheme: Annotated[
        list[str] | None,
        typer.Option("--scheme", "-s", help="Only these schemes (repeatable).", show_default=False),
    ] = None,
    no_process_risk: Annotated[
        bool, typer.Option("--no-process-risk", help="Expected counts instead of random ones.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help=f"Directory for {COMPARE_FILE}.", show_default=False),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Compare the baseline with scenarios on common random numbers: when each fund runs
    out, and what it costs each level of government."""
    from actuarial.comparison import compare as run_compare
    from actuarial.reforms import Scenario, load_scenario

    _check_options(draws, seed, None, out or Path("."))
    scenarios: list[Scenario] = []
    for spec in reform or []:
        chosen = _reforms([spec])
        scenarios.append(Scenario(name=" + ".join(r.label() for r in chosen), reforms=chosen))
    for file in scenario or []:
        from actuarial.assumptions import ScenarioError

        try:
            scenarios.append(load_scenario(file))
        except ScenarioError as exc:
            _fail(str(exc))
    if not scenarios:
        _fail("give at least one scenario: --reform NAME[:YEAR][,key=value...] or --scenario FILE")
    a, listed = _scenario(baseline_file)
    last = _check_end(a, end)
    base = Scenario(name="baseline", assumptions=a, reforms=listed)
    total = draws * (len(scenarios) + 1)
    columns = (
        BarColumn(), MofNCompleteColumn(), TextColumn("draws"), _RateColumn(),
        TimeElapsedColumn(), TextColumn("elapsed"), TimeRemainingColumn(), TextColumn("left"),
    )  # fmt: skip
    if not quiet:
        err_console.print(
            f"comparing {len(scenarios)} scenario(s) with the baseline: {_draws(draws)} each, "
            f"seed {seed}, {a.projection.base_year}-{last}, common random numbers",
            highlight=False,
        )
    with Progress(*columns, console=err_console, disable=quiet) as bar:
        task = bar.add_task("draws", total=total)
        try:
            result = run_compare(
                base, *scenarios, draws=draws, seed=seed, end=last, schemes=scheme,
                process_risk=not no_process_risk,
                progress=lambda i, n: bar.update(task, completed=i * draws + n),
            )  # fmt: skip
        except (TypeError, ValueError) as exc:
            message = str(exc)
            if message.startswith("schemes: "):
                message = "--scheme: " + message.removeprefix("schemes: ")
            _fail(message)
    for code in map(str, result["scheme"].values):
        if int(result["has_fund"].sel(scheme=code)):
            console.print(_compare_table(result, code, last))
    if out is None:
        console.print(f"not saved: --out DIR writes DIR/{COMPARE_FILE}", highlight=False)
        return
    from actuarial.results import write_results

    created = _make_out(out)
    path = out / COMPARE_FILE
    try:
        write_results(result, path)
    except BaseException:
        if created is not None:
            _remove_empty(created, out)
        raise
    console.print(f"wrote {path} ({_size(path)})", highlight=False)


@app.command()
def solve(  # every option is keyword-only: typer passes them by name
    *,
    lever: Annotated[
        str,
        typer.Option(
            "--lever",
            help="contribution_rate (a multiplier of the rate), subsidy (a yearly budget "
            "top-up as a share of outgo), indexation (a multiplier of pension raises: the "
            "largest that meets the target) or REFORM.PARAMETER.",
        ),
    ] = "contribution_rate",
    scheme: Annotated[str, typer.Option("--scheme", "-s", help="The fund to keep solvent.")] = (
        "enterprise_pension"
    ),
    by: Annotated[int, typer.Option("--by", help="The year by which depletion is counted.")] = 2050,
    target: Annotated[
        float, typer.Option("--target", help="Largest acceptable P(depleted by --by).")
    ] = 0.05,
    where: Annotated[
        str,
        typer.Option("--where", help="city (counties summed), any (any county) or a county code."),
    ] = "city",
    year: Annotated[int, typer.Option("--year", help="Effective year of the lever.")] = 2015,
    low: Annotated[
        float | None, typer.Option("--low", help="Bottom of the search range.", show_default=False)
    ] = None,
    high: Annotated[
        float | None, typer.Option("--high", help="Top of the search range.", show_default=False)
    ] = None,
    tolerance: Annotated[
        float, typer.Option("--tolerance", help="Stop when the range is this narrow.")
    ] = 1e-3,
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws per trial.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random numbers.")] = 0,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="A scenario TOML to start from.", show_default=False),
    ] = None,
    reform: Annotated[
        list[str] | None,
        typer.Option(
            "--reform", "-r", help="Reforms to start from (repeatable).", show_default=False
        ),
    ] = None,
    no_process_risk: Annotated[
        bool, typer.Option("--no-process-risk", help="Expected counts instead of random ones.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No trial-by-trial output.")] = False,
) -> None:
    """Find the smallest lever value that keeps a fund's P(depleted by a year) under a
    target, by bisection on common random numbers."""
    from actuarial.solver import LEVERS
    from actuarial.solver import solve as run_solve

    _check_options(draws, seed, None, Path("."))
    a, listed = _scenario(scenario)
    chosen = listed + _reforms(reform)

    # Bisection halves the range each trial: at most two end points plus
    # ceil(log2(range / tolerance)) midpoints, so the bar can say how long it may take.
    bounds = LEVERS[lever][2] if lever in LEVERS else (0.0, 1.0)
    span = (high if high is not None else bounds[1]) - (low if low is not None else bounds[0])
    most = 2 + math.ceil(math.log2(span / tolerance)) if span > tolerance > 0 else 2
    columns = (
        BarColumn(), MofNCompleteColumn(), TextColumn("draws"), _RateColumn(),
        TimeElapsedColumn(), TextColumn("elapsed"), TimeRemainingColumn(),
        TextColumn("left (at most {task.fields[most]} trials)"),
    )  # fmt: skip
    with Progress(*columns, console=err_console, disable=quiet) as bar:
        task = bar.add_task("trials", total=most * draws, most=most)

        def show(x: float, p: float) -> None:
            if not quiet:
                bar.console.print(f"  {lever} = {x:.6g}: P = {p:.3f}", highlight=False)
                bar.advance(task, draws)

        try:
            result = run_solve(
                lever, scheme=scheme, by_year=by, target=target, where=where, year=year,
                low=low, high=high, tolerance=tolerance, assumptions=a, reforms=chosen,
                draws=draws, seed=seed, process_risk=not no_process_risk, progress=show,
            )  # fmt: skip
        except (TypeError, ValueError) as exc:
            _fail(str(exc))
        bar.update(task, completed=most * draws)  # bisection may stop early
    console.print(str(result), highlight=False, soft_wrap=True)


@app.command()
def report(
    results: Annotated[
        Path,
        typer.Argument(
            help=f"A {RESULTS_FILE} (or results.zarr) of `actuarial run` or a {COMPARE_FILE} "
            "of `actuarial compare`.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Directory for report.html (default: the directory of RESULTS).",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress messages: only the path written.")
    ] = False,
) -> None:
    """Write a self-contained HTML report of a run or a comparison: its metadata, when each
    fund runs out (per scheme and per county), the charts and the assumptions.

    The charts are embedded in the page, so OUT/report.html can be mailed or opened offline.
    """
    from actuarial.report import REPORT_FILE, ReportError, write_report

    target_dir = out if out is not None else results.parent
    if target_dir.exists() and not target_dir.is_dir():
        _fail(f"--out: {target_dir} exists and is not a directory")
    if not results.exists():
        _fail(f"RESULTS: {results}: no such file (expected a {RESULTS_FILE} or {COMPARE_FILE})")
    created = _make_out(target_dir)
    try:
        with _status(f"reading {results} and drawing the charts", quiet):
            path = write_report(results, target_dir)
    except ReportError as exc:
        if created is not None:
            _remove_empty(created, target_dir)
        _fail(f"RESULTS: {exc}")
    except OSError as exc:
        if created is not None:
            _remove_empty(created, target_dir)
        _fail(f"cannot write {target_dir / REPORT_FILE}: {exc.strerror or exc}", code=1)
    console.print(f"wrote {path} ({_size(path)})", highlight=False)
