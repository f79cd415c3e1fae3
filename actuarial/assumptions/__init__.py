"""Typed, validated assumptions; TOML scenario files overlay the packaged baseline."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from actuarial.assumptions.errors import ScenarioError
from actuarial.assumptions.loader import baseline_dict, load_assumptions, overlay
from actuarial.assumptions.model import AllocationKey, Assumptions

__all__ = [
    "AllocationKey",
    "Assumptions",
    "ScenarioError",
    "baseline_dict",
    "describe",
    "load_assumptions",
    "overlay",
]


def describe() -> list[tuple[str, str]]:
    """Every assumption key path with its documented unit and meaning."""
    out: list[tuple[str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            ann: Any = field.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, f"{prefix}{name}.")
            else:
                out.append((f"{prefix}{name}", field.description or ""))

    walk(Assumptions, "")
    return out
