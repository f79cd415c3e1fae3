"""Land-expropriated farmers' pension (被征地农民养老保险), report II.(2).3."""

from __future__ import annotations

from actuarial.pensions._closed import build_closed
from actuarial.pensions._inputs import Context, SchemeInputs

__all__ = ["NOTES", "build"]

NOTES = (
    "Fully funded individual accounts (II.(2).3); no new expropriations are assumed in "
    "the baseline, so no new premiums."
)


def build(ctx: Context) -> SchemeInputs:
    """Kernel inputs of ``land_lost_pension`` from the base year and assumptions of ``ctx``."""
    return build_closed(ctx, "land_lost_pension", NOTES)
