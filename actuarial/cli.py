"""The ``actuarial`` command line."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from actuarial import __version__

if TYPE_CHECKING:
    from actuarial.baseline import Baseline

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


def _load(scenario: Path | None) -> Baseline:
    from actuarial.assumptions import ScenarioError, load_assumptions
    from actuarial.baseline import load_baseline

    try:
        return load_baseline(load_assumptions(scenario))
    except ScenarioError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None


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
    """Validate a scenario file against the baseline: exit 0 if valid, 2 with the errors."""
    from actuarial.assumptions import ScenarioError, load_assumptions

    try:
        load_assumptions(file)
    except ScenarioError as exc:
        err_console.print(f"[red]invalid:[/red] {exc}")
        raise typer.Exit(code=2) from None
    console.print(f"[green]valid:[/green] {file}")


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


if __name__ == "__main__":  # pragma: no cover
    app()
