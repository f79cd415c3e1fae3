"""The public API and the fixed codes are pinned: changing them is a deliberate act."""

from __future__ import annotations

import actuarial


def test_public_api__names() -> None:
    assert sorted(actuarial.__all__) == sorted(
        [
            "__version__",
            "compare",
            "counties",
            "load_assumptions",
            "load_baseline",
            "member_pension",
            "open_results",
            "project",
            "reform",
            "scenario",
            "schemes",
            "solve",
        ]
    )
    for name in actuarial.__all__:
        assert getattr(actuarial, name) is not None


def test_counties__design_codes_in_order() -> None:
    assert actuarial.counties() == [
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


def test_schemes__design_codes_in_order() -> None:
    assert actuarial.schemes() == [
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


def test_registry__report_facts() -> None:
    from actuarial.registry import PoolingLevel, county, scheme

    # Pooling levels as the report states them (II.(1), II.(3), II.(5)).
    assert scheme("enterprise_pension").pooling_level is PoolingLevel.PROVINCE
    assert scheme("institution_pension").pooling_level is PoolingLevel.COUNTY
    assert scheme("rural_cooperative_medical").pooling_level is PoolingLevel.COUNTY
    assert scheme("urban_resident_medical").pooling_level is PoolingLevel.CITY
    assert not scheme("dibao").has_fund
    # Unemployment benefit area classes (II.(4)): class 2 for city level and Hongta.
    assert [county(c).unemployment_area_class for c in actuarial.counties()] == [2, 2] + [3] * 8
    assert county("xinping").name_zh == "新平县"


def test_registry__unknown_code_names_allowed() -> None:
    import pytest

    from actuarial.registry import county

    with pytest.raises(KeyError, match="unknown county code 'hongtaa'; allowed: city_level"):
        county("hongtaa")


def test_public_api__names_stay_functions_after_their_modules_are_imported() -> None:
    # A submodule named like a public function would replace it on the package once
    # imported; none is.
    import importlib

    for name in ("compare", "solve", "scenario", "reform", "project", "open_results"):
        module = actuarial._LAZY[name][0]  # type: ignore[attr-defined]
        importlib.import_module(module)
        assert callable(getattr(actuarial, name)), name
        assert not isinstance(getattr(actuarial, name), type(actuarial)), name
