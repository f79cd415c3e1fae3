"""New rural social pension (新农保), report II.(2).1 and III.(2)."""

from __future__ import annotations

from actuarial.pensions._inputs import Context, SchemeInputs
from actuarial.pensions._resident import build_resident

__all__ = ["NOTES", "build"]

NOTES = (
    "The basic pension is paid from budgets (counted in subsidies); accounts hold tier "
    "contributions plus the subsidy; the report does not state the pooling level."
)


def build(ctx: Context) -> SchemeInputs:
    """Kernel inputs of ``rural_resident_pension`` from the base year and assumptions of ``ctx``."""
    return build_resident(ctx, "rural_resident_pension", NOTES)
