"""What every chart shares: money units, labels in English with the Chinese names (CJK when
a font has every glyph, pinyin otherwise), new axes, and checks that name what is missing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from actuarial.registry import county as county_record
from actuarial.registry import scheme as scheme_record

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

Unit = Literal["yi", "wan"]
Aggregate = Literal["county", "city", "any"]

#: Money units of the charts: divisor of CNY and the axis label.
UNITS: dict[str, tuple[float, str]] = {
    "yi": (1e8, "CNY 100 million (yi)"),
    "wan": (1e4, "CNY 10,000 (wan)"),
}
#: The units' Chinese names, and their pinyin where no font has the glyphs.
_UNIT_ZH = {"yi": ("亿元", "yi yuan"), "wan": ("万元", "wan yuan")}

CITY_LABEL = "Yuxi, all counties"
ANY_LABEL = "Yuxi, first county fund to run out"
CITY_ZH = ("玉溪市", "Yuxi Shi")

LEVELS = ("central", "province", "city", "county")
LEVEL_LABELS = {
    "central": "Central government",
    "province": "Province (Yunnan)",
    "city": "City (Yuxi)",
    "county": "County",
}

# Pinyin of the registry's Chinese names, without tone marks so that any font draws them.
# Keyed by code: the names are fixed by the registry (a test checks every code has one).
PINYIN_SCHEMES = {
    "enterprise_pension": "Chengzhen Qiye Zhigong Jiben Yanglao Baoxian",
    "institution_pension": "Jiguan Shiye Danwei Zhigong Jiben Yanglao Baoxian",
    "rural_resident_pension": "Xinxing Nongcun Shehui Yanglao Baoxian",
    "urban_resident_pension": "Chengzhen Jumin Shehui Yanglao Baoxian",
    "land_lost_pension": "Beizhengdi Nongmin Yanglao Baoxian",
    "old_rural_pension": "Nongcun Yanglao Baoxian (Laonongbao)",
    "urban_resident_medical": "Chengzhen Jumin Jiben Yiliao Baoxian",
    "rural_cooperative_medical": "Xinxing Nongcun Hezuo Yiliao",
    "unemployment": "Shiye Baoxian",
    "work_injury_enterprise": "Qiye Zhigong Gongshang Baoxian",
    "work_injury_institution": "Jiguan Shiye Danwei Gongshang Baoxian",
    "maternity_enterprise": "Qiye Zhigong Shengyu Baoxian",
    "maternity_institution": "Jiguan Shiye Danwei Shengyu Baoxian",
    "dibao": "Zuidi Shenghuo Baozhang (Dibao)",
}
PINYIN_COUNTIES = {
    "city_level": "Shi Benji",
    "hongta": "Hongta Qu",
    "jiangchuan": "Jiangchuan Xian",
    "chengjiang": "Chengjiang Xian",
    "tonghai": "Tonghai Xian",
    "huaning": "Huaning Xian",
    "yimen": "Yimen Xian",
    "eshan": "Eshan Xian",
    "xinping": "Xinping Xian",
    "yuanjiang": "Yuanjiang Xian",
}

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")

# Families whose names suggest CJK glyphs. Only these are opened: reading every installed
# font's character map takes about a second, and matplotlib's own "Last Resort" font maps
# every code point to a box, so covering a character is not enough on its own.
_CJK_FAMILY_HINTS = (
    "cjk", "han sans", "han serif", "wenquanyi", "wqy", "hei", "song", "kai", "ming",
    "yahei", "pingfang", "droid sans fallback", "simsun", "fangsong", "hiragino", "ar pl",
    "noto sans sc", "noto serif sc", "noto sans tc", "sarasa", "lxgw", "harmonyos",
    "arial unicode", "unifont",
)  # fmt: skip
_NOT_A_FONT_FOR_TEXT = ("last resort",)

_forced_font: str | Literal[False] | None = None


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK character (one a Latin font would draw as a box)."""
    return _CJK.search(text) is not None


def _chinese_text() -> str:
    from actuarial.registry import counties, schemes

    names = [scheme_record(c).name_zh for c in schemes()]
    names += [county_record(c).name_zh for c in counties()]
    return "".join(names) + CITY_ZH[0] + "".join(zh for zh, _ in _UNIT_ZH.values())


@cache
def _detect_cjk_font() -> str | None:
    from matplotlib import font_manager, ft2font

    needed = {ord(c) for c in _chinese_text() if has_cjk(c)}
    for entry in sorted(font_manager.fontManager.ttflist, key=lambda f: (f.name, f.fname)):
        name = entry.name.lower()
        if any(bad in name for bad in _NOT_A_FONT_FOR_TEXT):
            continue
        if not any(hint in name for hint in _CJK_FAMILY_HINTS):
            continue
        try:
            charmap = ft2font.FT2Font(entry.fname).get_charmap()
        except (OSError, RuntimeError, ValueError):
            continue
        if needed <= charmap.keys():
            return str(entry.name)
    return None


def cjk_font() -> str | None:
    """The family of an installed font that has every glyph of the package's Chinese names
    (schemes, counties, units), or None: the charts then write the names in pinyin.

    Found once per process among the fonts matplotlib knows; :func:`set_cjk_font` overrides.
    """
    if _forced_font is False:
        return None
    if _forced_font is not None:
        return _forced_font
    return _detect_cjk_font()


def set_cjk_font(family: str | bool | None = None) -> None:
    """Choose how Chinese names are written: ``None`` detects a CJK font (the default;
    again, so a font registered since with matplotlib is found), ``False`` always writes
    pinyin, a family name uses that font for CJK text."""
    global _forced_font  # noqa: PLW0603 - one process-wide choice, as matplotlib's rcParams
    if family is True:
        raise ValueError("set_cjk_font: pass a font family, False (pinyin) or None (detect)")
    _forced_font = family
    if family is None:
        _detect_cjk_font.cache_clear()


def scheme_name_zh(code: str) -> str:
    """The scheme's Chinese name: in characters when a CJK font is installed, else pinyin.
    An unknown code gives the code."""
    if cjk_font() is not None:
        try:
            return scheme_record(code).name_zh
        except KeyError:
            return code
    return PINYIN_SCHEMES.get(code, code)


def county_name_zh(code: str | None) -> str:
    """The county's Chinese name (玉溪市 for None, the city): characters with a CJK font,
    else pinyin. An unknown code gives the code."""
    cjk = cjk_font() is not None
    if code is None:
        return CITY_ZH[0] if cjk else CITY_ZH[1]
    if cjk:
        try:
            return county_record(code).name_zh
        except KeyError:
            return code
    return PINYIN_COUNTIES.get(code, code)


def _ascii(text: str) -> str:
    # Drop parenthesised Chinese abbreviations such as "(新农保)", then any stray non-ASCII.
    text = re.sub(r"\s*\([^)]*[^\x00-\x7f][^)]*\)", "", text)
    text = re.sub(r"[^\x00-\x7f]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _with_zh(label: str, zh: str, chinese: bool, newline: bool) -> str:
    if not chinese:
        return label
    return f"{label}\n{zh}" if newline else f"{label} ({zh})"


def scheme_label(code: str, chinese: bool = False, *, newline: bool = False) -> str:
    """The scheme's English name in ASCII, capitalised (the code for an unknown scheme);
    with ``chinese``, followed by its Chinese name (:func:`scheme_name_zh`) in brackets,
    or on a line of its own with ``newline`` (titles, tick labels)."""
    try:
        name = _ascii(scheme_record(code).name_en)
    except KeyError:
        name = ""
    name = name or code.replace("_", " ")
    label = name[:1].upper() + name[1:]
    return _with_zh(label, scheme_name_zh(code), chinese, newline)


def county_label(code: str | None, chinese: bool = False, *, newline: bool = False) -> str:
    """``Yuxi, all counties`` for None, else the county code as a readable ASCII name;
    with ``chinese``, followed by the Chinese name (:func:`county_name_zh`) in brackets,
    or on a line of its own with ``newline``."""
    if code is None:
        label = CITY_LABEL
    else:
        name = code.replace("_", " ")
        label = name[:1].upper() + name[1:]
    return _with_zh(label, county_name_zh(code), chinese, newline)


def unit_label(unit: Unit, chinese: bool = False) -> str:
    """The axis label of a money unit: ``CNY 100 million (yi)``; with ``chinese`` the
    unit's Chinese name (亿元, or ``yi yuan`` in pinyin) in the brackets."""
    label = UNITS[unit][1]
    if chinese:
        zh, pinyin = _UNIT_ZH[unit]
        label = label.replace(f"({unit})", f"({zh if cjk_font() else pinyin})")
    return label


def displayable(text: str, fallback: str) -> str:
    """``text`` as it can be drawn: unchanged if a CJK font is installed or it has no CJK
    character, else with the CJK dropped (``fallback`` if nothing is left)."""
    if not has_cjk(text) or cjk_font() is not None:
        return text
    return _ascii(text) or fallback


def font_kwargs(*texts: str) -> dict[str, Any]:
    """Text properties that draw ``texts``: the CJK font (after the default family, which
    keeps drawing the Latin letters) when one of them has CJK characters, else none."""
    font = cjk_font()
    if font is None or not any(has_cjk(t) for t in texts):
        return {}
    from matplotlib import rcParams

    return {"fontfamily": [*rcParams["font.family"], font]}


def legend(ax: Axes, **kwargs: Any) -> None:
    """``ax.legend`` with the CJK font where a label needs it."""
    _, labels = ax.get_legend_handles_labels()
    if "labels" in kwargs:
        labels = list(kwargs["labels"])
    font = font_kwargs(*labels)
    if font:
        from matplotlib.font_manager import FontProperties

        kwargs["prop"] = FontProperties(
            family=font["fontfamily"], size=kwargs.pop("fontsize", None)
        )
    ax.legend(**kwargs)


def set_title(ax: Axes, title: str) -> None:
    ax.set_title(title, **font_kwargs(title))


def pick_unit(values: ArrayLike) -> Unit:
    """亿 (1e8 CNY) when the largest magnitude reaches 1 亿, else 万 (1e4 CNY)."""
    array = np.abs(np.asarray(values, dtype=np.float64))
    if array.size == 0 or np.isnan(array).all():
        return "yi"
    return "yi" if float(np.nanmax(array)) >= 1e8 else "wan"


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.2)) -> Axes:
    """``ax``, or the axes of a new figure (not pyplot's: no global state, any backend)."""
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig.add_subplot()


def codes(ds: xr.Dataset, dim: str) -> list[str]:
    if dim not in ds.dims:
        raise ValueError(f"dataset has no {dim!r} dim")
    return [str(c) for c in ds[dim].values]


def pick(ds: xr.Dataset, dim: str, code: str) -> None:
    """Check that ``code`` is a label of ``dim``; the error lists the labels there are."""
    available = codes(ds, dim)
    if code not in available:
        raise ValueError(f"{dim} {code!r} not in the dataset; available: {', '.join(available)}")


def picks(ds: xr.Dataset, dim: str, chosen: Iterable[str]) -> list[str]:
    out = [str(c) for c in chosen]
    if not out:
        raise ValueError(f"no {dim} chosen")
    for code in out:
        pick(ds, dim, code)
    return out


def has_fund_coord(ds: xr.Dataset, scheme: str) -> bool | None:
    """The ``has_fund`` coordinate of ``scheme``, or None where the dataset has none."""
    if "has_fund" not in ds.coords or "scheme" not in ds.coords["has_fund"].dims:
        return None
    return bool(int(ds.coords["has_fund"].sel(scheme=scheme)) != 0)


def no_fund_error(scheme: str, what: str) -> ValueError:
    return ValueError(
        f"scheme {scheme!r} has no fund (e.g. the dibao is paid from budgets): {what}"
    )


def draws_note(ds: xr.Dataset, *, sample: bool = False) -> str:
    """``(500 draws, seed 0)``; ``sample`` says how many draws a streamed run kept."""
    parts = []
    if sample and "draw" in ds.dims and ds.attrs.get("keep") == "summary":
        parts.append(f"{ds.sizes['draw']} sample draws of {ds.attrs.get('draws', '?')}")
    elif "draws" in ds.attrs:
        parts.append(f"{ds.attrs['draws']} draws")
    if "seed" in ds.attrs:
        parts.append(f"seed {ds.attrs['seed']}")
    return f" ({', '.join(parts)})" if parts else ""


def line_style(i: int) -> dict[str, Any]:
    """Ten colours, then the same colours dashed, dotted: thirteen funds stay distinct."""
    styles = ("-", "--", ":")
    return {"color": f"C{i % 10}", "linestyle": styles[(i // 10) % len(styles)]}


def unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))
