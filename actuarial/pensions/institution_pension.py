"""Institution (机关事业单位) pension, pooled by county since 1996 (report II.(1))."""

from __future__ import annotations

from actuarial.pensions._employee import build_employee
from actuarial.pensions._inputs import Context, SchemeInputs

__all__ = ["NOTES", "build"]

NOTES = (
    "Pooled at county level (report II.(1)). Contribution rates, retirement split and "
    "wage level are assumptions (the report gives none for this scheme)."
)


def build(ctx: Context) -> SchemeInputs:
    """Kernel inputs of ``institution_pension`` from the base year and assumptions of ``ctx``."""
    return build_employee(ctx, "institution_pension", NOTES)
