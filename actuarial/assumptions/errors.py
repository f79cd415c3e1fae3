"""Turning validation failures into messages that name the key, the value and what is allowed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

__all__ = ["ScenarioError", "format_validation_error"]


class ScenarioError(ValueError):
    """An assumptions or scenario file that cannot be used, with one line per problem.

    ``problems`` holds ``(key_path, message)`` pairs; ``str(error)`` lists them all, each
    starting with the dotted key path, e.g. ``economy.fund_return: ...``.
    """

    def __init__(self, source: str, problems: Sequence[tuple[str, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = [f"{source}: {len(self.problems)} problem(s)"]
        lines += [f"  {path or '<top level>'}: {msg}" for path, msg in self.problems]
        super().__init__("\n".join(lines))


def _path(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if item == "[key]":
            continue  # pydantic marks a bad dict *key* with this; the key itself precedes it
        parts.append(f"[{item}]" if isinstance(item, int) else str(item))
    return ".".join(parts).replace(".[", "[")


def _allowed_fields(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """Field names allowed at ``loc`` (the parent of an unknown key), found by walking models."""
    current: Any = model
    for item in loc:
        fields = getattr(current, "model_fields", None)
        if fields is None or item not in fields:
            return []
        current = fields[item].annotation
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else []


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def format_validation_error(
    error: ValidationError, model: type[BaseModel], source: str
) -> ScenarioError:
    """Rewrite pydantic's error list as a :class:`ScenarioError`."""
    problems: list[tuple[str, str]] = []
    for err in error.errors(include_url=False):
        loc = list(err["loc"])
        path = _path(loc)
        kind = err["type"]
        value = err.get("input")
        ctx = err.get("ctx") or {}
        if kind == "extra_forbidden":
            allowed = _allowed_fields(model, loc[:-1])
            hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            msg = "unknown key (no parameter is silently ignored)"
            if hint:
                msg += f"; did you mean {hint[0]!r}?"
            if allowed:
                msg += f"; allowed keys here: {', '.join(allowed)}"
        elif kind == "literal_error":
            bad = value
            if "[key]" in loc:
                bad = loc[loc.index("[key]") - 1]
                msg = f"unknown code {bad!r}; allowed: {ctx.get('expected', '')}"
            else:
                msg = f"got {_short(bad)}; allowed: {ctx.get('expected', '')}"
        elif kind == "finite_number":
            msg = f"got {_short(value)}; NaN and infinities are not allowed, give a finite number"
        elif kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
            msg = f"got {_short(value)}; {err['msg'].lower()}"
        elif kind == "missing":
            msg = "required key is missing"
        elif kind.endswith(("_type", "_parsing")):
            msg = f"got {_short(value)} ({type(value).__name__}); {err['msg'].lower()}"
        else:
            msg = f"got {_short(value)}; {err['msg']}"
        problems.append((path, msg))
    return ScenarioError(source, problems)
