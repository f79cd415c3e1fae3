"""Enterprise work-injury insurance (企业职工工伤保险), report II.(5), Tables 5a-5b.

The model is in :mod:`actuarial.claims._work_injury`."""

from __future__ import annotations

from actuarial.claims._work_injury import WorkInjuryScheme, build_work_injury
from actuarial.context import Context

__all__ = ["NOTES", "build"]

NOTES = (
    "Pooled at prefecture level since 1996 but kept by county (report II.(5), Table 5a): "
    "each county's fund is projected alone, without the adjustment fund that moved 392万 "
    "to deficit counties in 2012. Overspent 2009-2011 (III.(5).1; 1,364万 in 2011); the "
    "2011 regulation raised benefits. Grade 1-4 allowances and dependants' pensions are "
    "long-tail annuities. Contribution rate implied by the 2012 figures (none is printed)."
)


def build(ctx: Context) -> WorkInjuryScheme:
    """The enterprise work-injury fund of every county from the base year of ``ctx``."""
    return build_work_injury(ctx, "work_injury_enterprise", NOTES)
