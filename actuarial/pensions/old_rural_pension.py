"""Old rural pension (老农保), closed to contributions, report II.(2).4."""

from __future__ import annotations

from actuarial.pensions._closed import build_closed
from actuarial.pensions._inputs import Context, SchemeInputs

__all__ = ["NOTES", "build"]

NOTES = "Contributions stopped when the new rural pension began (II.(2).4): accounts run off."


def build(ctx: Context) -> SchemeInputs:
    """Kernel inputs of ``old_rural_pension`` from the base year and assumptions of ``ctx``."""
    return build_closed(ctx, "old_rural_pension", NOTES)
