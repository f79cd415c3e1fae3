"""The base year (2012-2013) of every fund, by county and scheme, traceable to the report.

``load_baseline()`` reads the packaged figures (``actuarial/data/base_year/figures.csv``),
splits city totals across the county-level units (``actuarial.allocation``) and returns a
:class:`Baseline` whose ``to_dataset()`` is an ``xarray.Dataset`` with dims
``(county, scheme)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from actuarial.allocation import key_weights, split_exact, table2_by_county, table5a_by_county
from actuarial.assumptions import Assumptions, load_assumptions
from actuarial.data import read_csv
from actuarial.registry import counties, county, scheme, schemes

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = ["DATASET_VARIABLES", "Baseline", "Figure", "city_population", "load_baseline"]

#: The variables of ``Baseline.to_dataset()``: units and meaning.
DATASET_VARIABLES: dict[str, tuple[str, str]] = {
    "insured": ("persons", "insured persons (参保人数) at the reference date"),
    "contributors": ("persons", "persons contributing in the base year"),
    "beneficiaries": ("persons", "persons receiving benefits at the reference date"),
    "income": (
        "CNY",
        "fund income in the base year (contributions, arrears recovered, "
        "subsidies and interest, as the report counts them)",
    ),
    "expenditure": ("CNY", "fund expenditure in the base year"),
    "balance": ("CNY", "fund balance at the end of the base year or the reference date"),
}

#: County values printed in the report itself, used as they are instead of a key.
_DIRECT: dict[tuple[str, str], tuple[str, str]] = {
    ("work_injury_enterprise", "insured"): ("table5a", "insured"),
    ("work_injury_enterprise", "beneficiaries"): ("table5a", "beneficiaries"),
    ("work_injury_enterprise", "expenditure"): ("table5a", "expenditure"),
    ("urban_resident_medical", "insured"): ("table2", "insured"),
}


@dataclass(frozen=True)
class Figure:
    """One packaged base-year figure with its provenance."""

    scheme: str
    county: str
    quantity: str
    value: float
    unit: str
    year: str
    as_of: str
    figure_ids: str
    source_section: str
    reading: str
    note: str

    @property
    def date(self) -> str:
        """The reference date: ``as_of`` for stocks, else the flow's year."""
        return self.as_of or self.year


def _figures() -> list[Figure]:
    return [
        Figure(
            scheme=r["scheme"],
            county=r["county"],
            quantity=r["quantity"],
            value=float(Decimal(r["value"])),
            unit=r["unit"],
            year=r["year"],
            as_of=r["as_of"],
            figure_ids=r["figure_ids"],
            source_section=r["source_section"],
            reading=r["reading"],
            note=r["note"],
        )
        for r in read_csv("base_year.figures")
    ]


@dataclass(frozen=True)
class Baseline:
    """The base year of every fund: the report's figures and their county split.

    Attributes
    ----------
    figures
        Every packaged figure (city totals and the few county-specific ones).
    assumptions
        The assumptions whose ``allocation`` table chose the county keys.
    """

    figures: tuple[Figure, ...]
    assumptions: Assumptions
    _cells: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False)

    def figure(self, scheme_code: str, quantity: str, county_code: str = "all") -> Figure:
        """The figure for ``(scheme, quantity, county)``; a ``KeyError`` listing what exists."""
        for f in self.figures:
            if (f.scheme, f.quantity, f.county) == (scheme_code, quantity, county_code):
                return f
        known = sorted({f.quantity for f in self.figures if f.scheme == scheme_code})
        raise KeyError(
            f"no base-year figure {quantity!r} for scheme {scheme_code!r} "
            f"(county {county_code!r}); known quantities: {', '.join(known) or 'none'}"
        )

    def city_total(self, scheme_code: str, variable: str) -> float:
        """City total of a dataset variable, NaN where the report gives none."""
        try:
            return self.figure(scheme_code, variable).value
        except KeyError:
            return math.nan

    def county_values(self, scheme_code: str, variable: str) -> np.ndarray:
        """The county split (canonical county order) of one variable of one scheme."""
        cache_key = (scheme_code, variable)
        if cache_key not in self._cells:
            self._cells[cache_key] = self._split(scheme_code, variable)
        return self._cells[cache_key]

    def _split(self, scheme_code: str, variable: str) -> np.ndarray:
        codes = counties()
        if (scheme_code, variable) in _DIRECT:
            table, col = _DIRECT[(scheme_code, variable)]
            rows = table5a_by_county() if table == "table5a" else table2_by_county()
            return np.array([rows[c][col] for c in codes], dtype=np.float64)
        total = self.city_total(scheme_code, variable)
        if math.isnan(total):
            return np.full(len(codes), np.nan)
        key = self.assumptions.allocation.key_for(scheme_code)
        weights = key_weights(key, scheme_code, self.assumptions)
        if scheme_code == "work_injury_enterprise" and variable == "income":
            # Contributions are printed by county (Table 5a); only the arrears recovered
            # (48万, city total) need the key.
            t5 = table5a_by_county()
            recovered = int(self.figure(scheme_code, "arrears_recovered").value)
            return np.array(
                [t5[c]["contributions"] for c in codes], dtype=np.float64
            ) + split_exact(recovered, weights).astype(np.float64)
        if total != int(total):
            raise ValueError(f"{scheme_code}.{variable}: city total {total} is not whole")
        return split_exact(int(total), weights).astype(np.float64)

    def population(self, year: int = 2013) -> xr.DataArray:
        """Resident population by county, sex and single age (persons) in mid-``year``.

        The city total (:func:`city_population`) is split across counties by the
        ``allocation.county_population`` key (the city level holds no residents), and each
        county's total by Yuxi's age-sex shares (``actuarial.demography``).
        """
        from actuarial.demography import base_population

        weights = [self.assumptions.allocation.population_of(c) for c in counties()]
        totals = split_exact(city_population(year, self.assumptions), weights)
        return base_population(dict(zip(counties(), totals.tolist(), strict=True)), year=year)

    def provenance(self) -> pd.DataFrame:
        """One row per (scheme, variable) of the dataset: city value, date, sources, method."""
        import pandas as pd

        rows = []
        for s in schemes():
            for var, (unit, _) in DATASET_VARIABLES.items():
                try:
                    f = self.figure(s, var)
                except KeyError:
                    f = None
                if (s, var) in _DIRECT:
                    method = f"report county table ({_DIRECT[(s, var)][0]})"
                elif s == "work_injury_enterprise" and var == "income":
                    method = (
                        "contributions from table5a; arrears recovered split by "
                        f"{self.assumptions.allocation.key_for(s)}"
                    )
                elif f is None:
                    method = "not in the report"
                else:
                    method = f"split by {self.assumptions.allocation.key_for(s)}"
                rows.append(
                    {
                        "scheme": s,
                        "variable": var,
                        "unit": unit,
                        "city_value": f.value if f else math.nan,
                        "date": f.date if f else "",
                        "figure_ids": f.figure_ids if f else "",
                        "source_section": f.source_section if f else "",
                        "reading": f.reading if f else "",
                        "county_method": method,
                        "note": f.note if f else "",
                    }
                )
        return pd.DataFrame(rows)

    def to_dataset(self) -> xr.Dataset:
        """The base year as an ``xarray.Dataset`` with dims ``(county, scheme)``.

        Variables are those of :data:`DATASET_VARIABLES` (persons, or CNY), NaN where the
        report gives nothing and nothing can stand in. Each variable's ``source`` attribute
        names, per scheme, the report figure(s) and section it comes from; ``provenance()``
        has the full table.

        Examples
        --------
        >>> from actuarial import load_baseline
        >>> ds = load_baseline().to_dataset()
        >>> int(ds["beneficiaries"].sel(scheme="enterprise_pension").sum())
        37285
        """
        import xarray as xr

        codes, scheme_codes = counties(), schemes()
        prov = self.provenance()
        data_vars = {}
        for var, (unit, long_name) in DATASET_VARIABLES.items():
            values = np.stack([self.county_values(s, var) for s in scheme_codes], axis=1)
            sub = prov[prov["variable"] == var].to_dict("records")
            source = "; ".join(
                f"{r['scheme']}: {r['figure_ids']} {r['source_section']} "
                f"({r['date']}, {r['county_method']})"
                for r in sub
                if r["figure_ids"]
            )
            data_vars[var] = xr.Variable(
                ("county", "scheme"),
                values,
                attrs={"units": unit, "long_name": long_name, "source": source},
            )
        return xr.Dataset(
            data_vars,
            coords={
                "county": ("county", codes),
                "scheme": ("scheme", scheme_codes),
                "county_name_zh": ("county", [county(c).name_zh for c in codes]),
                "scheme_name_zh": ("scheme", [scheme(s).name_zh for s in scheme_codes]),
            },
            attrs={
                "title": "Yuxi social-insurance funds, base year 2012-2013",
                "source": "Yuxi City social-security study (2013); figures in "
                "actuarial/data/base_year/figures.csv with report sections",
                "county_allocation": "report county tables where printed (Table 2, Table "
                "5a), else the allocation.key of the assumptions; "
                "parts sum exactly to the city totals",
                "county_population_key": "partly an assumption: see "
                "actuarial/data/allocation/county_population.csv",
            },
        )


def city_population(year: float, assumptions: Assumptions) -> int:
    """Yuxi's resident population at mid-``year``, interpolated geometrically between the
    2010 and 2020 censuses (both taken on 1 November); an assumption where no yearbook
    figure is packaged. Yuxi shrank between the censuses (2,303,511 to 2,249,502)."""
    p = assumptions.population
    t = (year + 0.5 - (2010 + 10 / 12)) / 10
    growth = math.exp(t * math.log(p.city_total_2020 / p.city_total_2010))
    return round(p.city_total_2010 * growth)


def load_baseline(assumptions: Assumptions | None = None) -> Baseline:
    """The packaged Yuxi base year, split across counties by ``assumptions.allocation``.

    Examples
    --------
    >>> from actuarial import load_baseline
    >>> b = load_baseline()
    >>> b.figure("rural_resident_pension", "insured").value
    1152200.0
    """
    return Baseline(figures=tuple(_figures()), assumptions=assumptions or load_assumptions())
