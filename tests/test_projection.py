"""project() over all fourteen schemes: a subset gives the same numbers as the whole run,
and bad scheme lists are named errors."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import actuarial
from actuarial.projection import VARIABLES


@pytest.fixture(scope="module")
def whole() -> xr.Dataset:
    return actuarial.project(draws=3, end=2016, seed=9)


def test_all_fourteen_schemes_in_canonical_order(whole: xr.Dataset) -> None:
    assert list(whole.scheme.values) == actuarial.schemes()
    assert whole.has_fund.values.tolist() == [1] * 13 + [0]
    assert set(VARIABLES) <= set(whole.data_vars)


@pytest.mark.parametrize(
    "subset",
    [["dibao", "enterprise_pension"], ["work_injury_institution"], ["rural_cooperative_medical"]],
)
def test_subset__same_numbers_as_in_the_whole_run(whole: xr.Dataset, subset: list[str]) -> None:
    part = actuarial.project(draws=3, end=2016, seed=9, schemes=subset)
    expected = [s for s in actuarial.schemes() if s in subset]
    assert list(part.scheme.values) == expected
    for name in VARIABLES:
        np.testing.assert_array_equal(
            part[name].values, whole[name].sel(scheme=expected).values, err_msg=name
        )


@pytest.mark.parametrize("schemes", [[], ["pension"], "nope"])
def test_bad_schemes__named_error(schemes: object) -> None:
    with pytest.raises(ValueError, match=r"^schemes: got"):
        actuarial.project(draws=1, end=2014, schemes=schemes)  # type: ignore[arg-type]
