"""Assumptions of the maternity funds (report II.(5))."""

from __future__ import annotations

from actuarial.assumptions._types import Section

__all__ = ["Maternity"]


class Maternity(Section):
    """Placeholder until the scheme's model lands: no keys yet."""
