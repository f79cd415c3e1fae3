"""Urban resident social pension (城居保), report II.(2).2 and III.(2)."""

from __future__ import annotations

from actuarial.pensions._inputs import Context, SchemeInputs
from actuarial.pensions._resident import build_resident

__all__ = ["NOTES", "build"]

NOTES = "As the new rural pension, with ten tiers (report III.(2).2)."


def build(ctx: Context) -> SchemeInputs:
    """Kernel inputs of ``urban_resident_pension`` from the base year and assumptions of ``ctx``."""
    return build_resident(ctx, "urban_resident_pension", NOTES)
