"""Assumptions of the resident medical schemes (URBMI and NCMS; report II.(3), Tables 1-3)."""

from __future__ import annotations

from actuarial.assumptions._types import Section

__all__ = ["ResidentMedical"]


class ResidentMedical(Section):
    """Placeholder until the scheme's model lands: no keys yet."""
