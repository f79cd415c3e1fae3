"""actuarial: Monte Carlo cohort projections of social-insurance funds.

The packaged baseline is Yuxi City (玉溪市, Yunnan) in 2012-2013: six pension schemes, two
resident medical schemes, unemployment, work injury and maternity (enterprise and
institution) and the minimum living guarantee, across the city level and nine counties.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from actuarial.registry import counties, schemes

try:
    __version__ = version("actuarial")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "__version__",
    "compare",
    "counties",
    "load_assumptions",
    "load_baseline",
    "member_pension",
    "open_results",
    "project",
    "reform",
    "scenario",
    "schemes",
    "solve",
]


def __getattr__(name: str) -> object:
    # The baseline and assumptions pull in xarray and pydantic; import them on first use so
    # that `import actuarial` stays cheap for the CLI's --help.
    if name == "load_baseline":
        from actuarial.baseline import load_baseline

        return load_baseline
    if name == "load_assumptions":
        from actuarial.assumptions import load_assumptions

        return load_assumptions
    if name == "member_pension":
        from actuarial.member import member_pension

        return member_pension
    if name == "open_results":
        from actuarial.results import open_results

        return open_results
    if name == "project":
        from actuarial.projection import project

        return project
    if name in ("compare", "scenario"):
        import actuarial.compare as compare_module

        return getattr(compare_module, name)
    if name == "reform":
        from actuarial.reforms import make

        return make
    if name == "solve":
        from actuarial.solve import solve

        return solve
    raise AttributeError(f"module 'actuarial' has no attribute {name!r}")
