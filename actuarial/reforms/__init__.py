"""The report's reforms (V.(2)) and adverse stress scenarios, as named, parameterised,
dated changes to a projection.

Select them

* from Python: ``actuarial.reforms.make("pooling_level", year=2016, level="city")`` or
  ``actuarial.project(reforms=["pooling_level:2016,level=city"])``;
* from a scenario TOML: ``[[reforms]]`` tables with ``name``, ``year`` and parameters,
  next to any assumption overrides (see :func:`load_scenario`);
* from the command line: ``--reform NAME[:YEAR][,key=value...]`` (repeatable).

They compose in the order given (see ``actuarial.reforms._base``). ``actuarial reforms``
on the command line, or :func:`describe`, lists each with its parameters.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from actuarial.reforms._base import REGISTRY, Reform, ReformError, register

if TYPE_CHECKING:
    from actuarial.assumptions import Assumptions

__all__ = [
    "Reform",
    "ReformError",
    "Scenario",
    "available",
    "coerce",
    "describe",
    "load_scenario",
    "make",
    "parse_spec",
    "register",
]

ReformLike = Reform | str | Mapping[str, Any]


def available() -> dict[str, type[Reform]]:
    """Every reform and stress preset by name (reforms first, then stresses; by name)."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(REGISTRY.items(), key=lambda kv: (kv[1].kind != "reform", kv[0])))


def make(name: str, /, **params: Any) -> Reform:
    """The reform ``name`` with ``params`` (``year`` among them); every problem is a
    :class:`ReformError` naming the reform, the key, the value and what is allowed."""
    known = available()
    if name not in known:
        raise ReformError(f"reform {name!r} does not exist; available: {', '.join(known)}")
    cls = known[name]
    allowed = ", ".join(cls.model_fields)
    try:
        return cls(**params)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(x) for x in err["loc"]) or "(parameters)"
            if err["type"] == "extra_forbidden":
                problems.append(f"{key}: no such parameter (allowed: {allowed})")
            else:
                got = err.get("input")
                msg = str(err["msg"]).removeprefix("Value error, ")
                problems.append(f"{key}: got {got!r}; {msg}")
        raise ReformError(f"reform {name}: " + "; ".join(problems)) from None


def _value(text: str) -> Any:
    if "/" in text:
        return [_value(part) for part in text.split("/")]
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_spec(spec: str) -> Reform:
    """``NAME[:YEAR][,key=value...]``: lists as ``a/b/c``. For example
    ``pooling_level:2016,level=city`` or ``long_contribution_bonus,amounts=20/30/40/50``."""
    head, *rest = spec.strip().split(",")
    name, _, year = head.partition(":")
    params: dict[str, Any] = {}
    if year:
        try:
            params["year"] = int(year)
        except ValueError:
            raise ReformError(
                f"reform {name}: year: got {year!r} in {spec!r}; expected a whole year like 2016"
            ) from None
    for item in rest:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise ReformError(
                f"reform {name}: got {item!r} in {spec!r}; parameters are key=value "
                "(NAME[:YEAR][,key=value...])"
            )
        params[key.strip()] = _value(value.strip())
    cls = available().get(name.strip())
    if cls is not None:
        # One item of a list parameter needs no separator: "schemes=unemployment".
        for key, value in params.items():
            f = cls.model_fields.get(key)
            if f is not None and "list[" in str(f.annotation) and not isinstance(value, list):
                params[key] = [value]
    return make(name.strip(), **params)


def coerce(reforms: ReformLike | Iterable[ReformLike] | None) -> tuple[Reform, ...]:
    """Reforms from objects, specs (``"name:year,k=v"``) or tables (``{"name": ...}``)."""
    if reforms is None:
        return ()
    if isinstance(reforms, Reform | str | Mapping):
        reforms = [reforms]
    out: list[Reform] = []
    for i, item in enumerate(reforms):
        if isinstance(item, Reform):
            out.append(item)
        elif isinstance(item, str):
            out.append(parse_spec(item))
        elif isinstance(item, Mapping):
            table = dict(item)
            name = table.pop("name", None)
            if not isinstance(name, str):
                raise ReformError(f"reforms[{i}]: got {dict(item)!r}; every table needs a name")
            out.append(make(name, **table))
        else:
            raise ReformError(
                f"reforms[{i}]: got {type(item).__name__}; expected a Reform, a "
                "'name:year,key=value' string or a table with a name"
            )
    return tuple(out)


@dataclass(frozen=True)
class Scenario:
    """A named set of assumptions (None: the packaged baseline) and reforms."""

    name: str
    assumptions: Assumptions | None = None
    reforms: tuple[Reform, ...] = field(default=())

    def label(self) -> str:
        """The reforms as ``name:year,k=v`` specs joined by "; " ("none" without any)."""
        return "; ".join(r.label() for r in self.reforms) or "none"


def load_scenario(path: str | Path, *, name: str | None = None) -> Scenario:
    """A scenario TOML: assumption overrides as in ``load_assumptions`` plus ``[[reforms]]``
    tables (``name``, ``year`` and parameters), applied in the order written. An optional
    top-level ``scenario = "..."`` names it (default: the file's stem)."""
    from actuarial.assumptions.errors import ScenarioError
    from actuarial.assumptions.loader import _read_toml

    p = Path(path)
    data = _read_toml(p)
    tables = data.pop("reforms", [])
    title = data.pop("scenario", None)
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ScenarioError(str(p), [("reforms", "expected [[reforms]] tables")])
    reforms: list[Reform] = []
    problems: list[tuple[str, str]] = []
    for i, table in enumerate(tables):
        try:
            reforms += coerce([table])
        except ReformError as exc:
            problems.append((f"reforms[{i}]", str(exc).replace("reforms[0]: ", "")))
    if problems:
        raise ScenarioError(str(p), problems)
    if title is not None and not isinstance(title, str):
        raise ScenarioError(str(p), [("scenario", f"got {title!r}; expected a name")])
    assumptions = _load_without_reforms(p, data) if data else None
    return Scenario(name=name or title or p.stem, assumptions=assumptions, reforms=tuple(reforms))


def _load_without_reforms(path: Path, data: dict[str, Any]) -> Assumptions:
    """The file's assumption overrides, with errors naming the file."""
    from actuarial.assumptions import load_assumptions
    from actuarial.assumptions.errors import ScenarioError

    try:
        return load_assumptions(overrides=data)
    except ScenarioError as exc:
        raise ScenarioError(str(path), exc.problems) from None


def describe() -> list[dict[str, Any]]:
    """Each reform: name, kind, summary and parameters (name, default, description)."""
    rows = []
    for name, cls in available().items():
        params = [
            {
                "name": key,
                "default": None if f.is_required() else f.get_default(call_default_factory=True),
                "description": f.description or "",
            }
            for key, f in cls.model_fields.items()
        ]
        rows.append({"name": name, "kind": cls.kind, "summary": cls.summary, "params": params})
    return rows


def as_tables(reforms: Sequence[Reform]) -> list[dict[str, Any]]:
    """The reforms as ``[[reforms]]`` tables (round-trips through :func:`coerce`)."""
    return [{"name": r.name, **r.params()} for r in reforms]
