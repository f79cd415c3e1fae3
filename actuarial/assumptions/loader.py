"""Reading assumptions: the packaged baseline, overlaid by a user's scenario file."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from actuarial.assumptions.errors import ScenarioError, format_validation_error
from actuarial.assumptions.model import Assumptions
from actuarial.data import data_path

__all__ = ["baseline_dict", "load_assumptions", "overlay"]


def baseline_dict() -> dict[str, Any]:
    """The packaged baseline assumptions as a plain nested dictionary."""
    with data_path("assumptions.baseline").open("rb") as fh:
        return tomllib.load(fh)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ScenarioError(str(path), [("", "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), [("", "is a directory, expected a TOML file")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [("", f"malformed TOML: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(path), [("", f"not UTF-8 text: {exc}")]) from None


def overlay(
    base: Mapping[str, Any], override: Mapping[str, Any], *, source: str = "scenario"
) -> dict[str, Any]:
    """Deep-merge ``override`` into a copy of ``base``: tables merge key by key, other values
    (numbers, strings, lists) replace. A table given where the baseline has a value, or a
    value where it has a table, is an error naming the key."""
    problems: list[tuple[str, str]] = []

    def merge(into: dict[str, Any], over: Mapping[str, Any], prefix: str) -> None:
        for key, value in over.items():
            path = f"{prefix}{key}"
            if key in into and isinstance(into[key], dict):
                if not isinstance(value, Mapping):
                    problems.append(
                        (
                            path,
                            f"got {value!r}; expected a table of keys "
                            f"({', '.join(sorted(into[key]))})",
                        )
                    )
                    continue
                merge(into[key], value, path + ".")
            elif key in into and isinstance(value, Mapping):
                problems.append((path, f"got a table; expected a single value like {into[key]!r}"))
            else:
                into[key] = copy.deepcopy(value)

    merged = copy.deepcopy(dict(base))
    merge(merged, override, "")
    if problems:
        raise ScenarioError(source, problems)
    return merged


def _consistency(a: Assumptions) -> list[tuple[str, str]]:
    """Checks across fields, each reported at the key a user must change."""
    problems: list[tuple[str, str]] = []
    p = a.projection
    if p.end_year <= p.base_year:
        problems.append(
            ("projection.end_year", f"got {p.end_year}; must be after base_year {p.base_year}")
        )
    for i, year in enumerate(p.milestones):
        if not p.base_year < year <= p.end_year:
            problems.append(
                (
                    f"projection.milestones[{i}]",
                    f"got {year}; must lie in ({p.base_year}, {p.end_year}]",
                )
            )
        if i and year <= p.milestones[i - 1]:
            problems.append(
                (
                    f"projection.milestones[{i}]",
                    f"got {year} after {p.milestones[i - 1]}; years must be strictly increasing",
                )
            )
    shares = a.fiscal.resident_pension_local_shares
    if sorted(shares) != ["city", "county", "province"] or abs(sum(shares.values()) - 1) > 1e-9:
        problems.append(
            (
                "fiscal.resident_pension_local_shares",
                f"got {dict(shares)}; needs province, city and county shares summing to 1",
            )
        )
    from actuarial.registry import counties, schemes

    missing = [c for c in counties() if c not in a.allocation.county_population]
    if missing:
        problems.append(("allocation.county_population", f"missing counties: {', '.join(missing)}"))
    elif sum(a.allocation.county_population.values()) <= 0:
        problems.append(
            ("allocation.county_population", "all zero; the key needs a positive total")
        )
    missing_keys = [s for s in schemes() if s not in a.allocation.key]
    if missing_keys:
        problems.append(("allocation.key", f"missing schemes: {', '.join(missing_keys)}"))
    for name in ("rural_resident_pension", "urban_resident_pension"):
        tiers = getattr(a.schemes, name).contribution_tiers_cny_per_year
        if not tiers:
            problems.append(
                (f"schemes.{name}.contribution_tiers_cny_per_year", "empty; give at least one tier")
            )
        for i in range(1, len(tiers)):
            if tiers[i] <= tiers[i - 1]:
                problems.append(
                    (
                        f"schemes.{name}.contribution_tiers_cny_per_year[{i}]",
                        f"got {tiers[i]} after {tiers[i - 1]}; tiers must be strictly increasing",
                    )
                )
    return problems


def load_assumptions(
    path: str | Path | None = None, *, overrides: Mapping[str, Any] | None = None
) -> Assumptions:
    """The packaged Yuxi baseline, overlaid by a scenario file and/or a dictionary.

    Parameters
    ----------
    path
        A TOML scenario file whose keys override the baseline's (any subset, same nesting).
    overrides
        A nested dictionary applied after ``path``, for programmatic changes.

    Raises
    ------
    ScenarioError
        For a missing or malformed file, an unknown key, a wrong type, NaN, a negative rate
        or amount, a probability outside [0, 1], years out of order or outside the
        projection, or an unknown county or scheme code; every problem names its key path.

    Examples
    --------
    >>> from actuarial import load_assumptions
    >>> a = load_assumptions(overrides={"projection": {"end_year": 2050}})
    >>> a.projection.end_year, a.economy.fund_return
    (2050, 0.0228)
    """
    data = baseline_dict()
    source = "baseline"
    if path is not None:
        source = str(path)
        data = overlay(data, _read_toml(Path(path)), source=source)
    if overrides:
        source = f"{source} + overrides"
        data = overlay(data, overrides, source=source)
    try:
        result = Assumptions.model_validate(data)
    except ValidationError as exc:
        raise format_validation_error(exc, Assumptions, source) from None
    problems = _consistency(result)
    if problems:
        raise ScenarioError(source, problems)
    return result
