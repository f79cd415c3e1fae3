"""Assumptions of the work-injury funds (report II.(5), Tables 5a-5b)."""

from __future__ import annotations

from actuarial.assumptions._types import Section

__all__ = ["WorkInjury"]


class WorkInjury(Section):
    """Placeholder until the scheme's model lands: no keys yet."""
