"""actuarial: Monte Carlo cohort projections of social-insurance funds.

The packaged baseline is Yuxi City (玉溪市, Yunnan) in 2012-2013: six pension schemes, two
resident medical schemes, unemployment, work injury and maternity (enterprise and
institution) and the minimum living guarantee, across the city level and nine counties.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from actuarial.registry import counties, schemes

if TYPE_CHECKING:  # the real signatures for type checkers and editors; imported lazily below
    from actuarial.assumptions import load_assumptions
    from actuarial.baseline import load_baseline
    from actuarial.comparison import compare, scenario
    from actuarial.member import member_pension
    from actuarial.projection import project
    from actuarial.reforms import make as reform
    from actuarial.results import open_results
    from actuarial.solver import solve

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


#: Public name -> (module, attribute), imported on first use: the baseline and assumptions
#: pull in xarray and pydantic, and `import actuarial` should stay cheap for the CLI's --help.
_LAZY = {
    "compare": ("actuarial.comparison", "compare"),
    "load_assumptions": ("actuarial.assumptions", "load_assumptions"),
    "load_baseline": ("actuarial.baseline", "load_baseline"),
    "member_pension": ("actuarial.member", "member_pension"),
    "open_results": ("actuarial.results", "open_results"),
    "project": ("actuarial.projection", "project"),
    "reform": ("actuarial.reforms", "make"),
    "scenario": ("actuarial.comparison", "scenario"),
    "solve": ("actuarial.solver", "solve"),
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'actuarial' has no attribute {name!r}")
