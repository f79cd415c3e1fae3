"""Assumptions of the unemployment insurance fund (report II.(4), Table 4)."""

from __future__ import annotations

from pydantic import Field

from actuarial.assumptions._types import Amount, Months, Probability, Section

__all__ = ["Unemployment"]


class Unemployment(Section):
    employer_rate: Probability = Field(description="Employer rate, fraction of payroll (II.(4)).")
    employee_rate: Probability = Field(description="Employee rate, fraction of wage (II.(4)).")
    max_benefit_months: Months = Field(
        description="Longest benefit duration (months; report App.A.IV.4: 2 years)."
    )
    benefit_class2_cny_per_month: list[Amount] = Field(
        description="Area class 2 (city level, Hongta) benefit levels from 2013-03-01 "
        "(CNY a month; report II.(4))."
    )
    benefit_class3_cny_per_month: list[Amount] = Field(
        description="Area class 3 (other counties) benefit levels from 2013-03-01 "
        "(CNY a month; report II.(4))."
    )
