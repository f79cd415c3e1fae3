"""Urban enterprise employee basic pension (城镇企业职工基本养老保险), report II.(1)."""

from __future__ import annotations

from actuarial.pensions._employee import build_employee
from actuarial.pensions._inputs import Context, SchemeInputs

__all__ = ["NOTES", "build"]

NOTES = (
    "Pooled at province level since 1999 (report II.(1)): this is Yuxi's part of the "
    "provincial fund, projected as if it stood alone; the province's adjustment fund "
    "covers county shortfalls, so a Yuxi depletion means transfers, not default."
)


def build(ctx: Context) -> SchemeInputs:
    """Kernel inputs of ``enterprise_pension`` from the base year and assumptions of ``ctx``."""
    return build_employee(ctx, "enterprise_pension", NOTES)
