"""Institution work-injury insurance (机关事业单位工伤保险), report II.(5).

The model is in :mod:`actuarial.claims._work_injury`."""

from __future__ import annotations

from actuarial.claims._work_injury import WorkInjuryScheme, build_work_injury
from actuarial.context import Context

__all__ = ["NOTES", "build"]

NOTES = (
    "Created 2012-01, pooled at city level with county accounts (report II.(5)): each "
    "county's account is projected alone. The report gives city totals only (split by the "
    "allocation key) and no history, so the enterprise fund's ratios of grade 1-4 cases per "
    "injury and dependants per work death are used. Large surplus in 2012 (1,148万 on "
    "1,546万 collected); the report proposes merging it with the enterprise fund (V.(2).5)."
)


def build(ctx: Context) -> WorkInjuryScheme:
    """The institution work-injury fund of every county from the base year of ``ctx``."""
    return build_work_injury(ctx, "work_injury_institution", NOTES)
