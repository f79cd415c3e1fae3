"""Validated field types shared by every assumption model.

Each type carries its unit in its name and refuses values a person could not mean: NaN and
infinities (``allow_inf_nan=False`` on every model), negative rates or amounts, and
probabilities outside [0, 1].
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

#: A county-level unit code, in canonical order (see ``actuarial.counties()``).
CountyCode = Literal[
    "city_level",
    "hongta",
    "jiangchuan",
    "chengjiang",
    "tonghai",
    "huaning",
    "yimen",
    "eshan",
    "xinping",
    "yuanjiang",
]
#: A scheme code, in canonical order (see ``actuarial.schemes()``).
SchemeCode = Literal[
    "enterprise_pension",
    "institution_pension",
    "rural_resident_pension",
    "urban_resident_pension",
    "land_lost_pension",
    "old_rural_pension",
    "urban_resident_medical",
    "rural_cooperative_medical",
    "unemployment",
    "work_injury_enterprise",
    "work_injury_institution",
    "maternity_enterprise",
    "maternity_institution",
    "dibao",
]

#: A rate per year as a fraction (0.02 = 2 %); may be zero, never negative.
Rate = Annotated[float, Field(ge=0.0)]
#: A rate that may be negative (a growth or return), as a fraction per year; bounded.
SignedRate = Annotated[float, Field(gt=-1.0, le=10.0)]
#: A probability or share, a fraction in [0, 1].
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
#: An amount of money in CNY (yuan), never negative.
Amount = Annotated[float, Field(ge=0.0)]
#: A count of persons, never negative.
Persons = Annotated[int, Field(ge=0)]
#: A calendar year.
Year = Annotated[int, Field(ge=1950, le=2300)]
#: An age in completed years.
Age = Annotated[int, Field(ge=15, le=100)]
#: An inclusive range of ages [first, last].
AgeRange = Annotated[list[Age], Field(min_length=2, max_length=2)]
#: A positive multiplier (1.0 = unchanged).
Factor = Annotated[float, Field(gt=0.0, le=10.0)]


class Section(BaseModel):
    """Base of every assumption table: unknown keys, NaN and type coercion are errors."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        frozen=True,
        validate_default=True,
    )


#: A whole number of months, at least one.
Months = Annotated[int, Field(ge=1, le=1200)]
