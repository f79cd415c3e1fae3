"""``merge_resident_medical``: URBMI and NCMS become one resident medical scheme with one
city-level fund; contributions at the lower level, benefits at the higher.

The report (V.(1).2, V.(2).3) proposes to merge the urban resident scheme (URBMI, one city
pool) and the new rural cooperative scheme (NCMS, county pools) into one urban-rural
resident scheme: one individual contribution and one fiscal subsidy, one set of benefits,
and in the end one fund at city level (V.(2).3.(2) 七, (6)), following the principle
"contributions at the lower level, benefits at the higher" (缴费就低不就高，待遇就高不就低,
V.(1).2.(4)). What the model does, from the effective year:

* **Financing.** Every insured pays the lower of the two schemes' individual premiums for
  his tier, and the financing per head is the higher of the two schemes' totals: children
  and students (URBMI's ``student_child`` ages; for NCMS members of those ages too) pay
  min(30, 60) = 30 CNY and adults min(70, 60) = 60 (2013 standards, Tables 1-2), while the
  total is max(312, 400), max(392, 400) and, for college students, max(268, 400) = 400
  CNY a head in every tier. The rise in the subsidy per head (URBMI: 18 for adults, of
  which 10 replace the lower premium, 88 for children and 132 for college students; NCMS
  children: 30) is paid by the city and the county, half each, and by the city alone on
  the city-level unit, as Table 2 splits the subsidy needed to lift URBMI to the NCMS
  standard (8,075,920 CNY in 2013: 132,889 x 8 + 78,122 x 88 + 1,046 x 132). The
  existing subsidies by level are unchanged. Amounts are the schemes' base-year standards,
  moved by each scheme's own financing index (the same rule for both in the baseline).
* **Benefits.** At each hospital level and in each unit the merged rule is whichever of
  the two schemes' rules (deductible, reimbursement ratio, cap) pays more per admission
  on the scheme's own admission cost distribution in the effective year (the exact mean
  of ``actuarial.claims._medical.benefit_moments``). With the packaged rules this is
  NCMS's at levels 1, 2 and outside the city and URBMI's at level 3 (a lower deductible,
  the same 55 %) in the counties on Hongta's NCMS rule, and Xinping's NCMS rule at every
  level in Xinping. The insured keep their own admission rates and costs: a merger of
  schemes does not change who is ill.
* **End 100 % reimbursement** (V.(2).3.(7)): ``max_reimbursement`` caps every level's
  ratio (the cap per year on what is paid is kept, so the cost above the deductible that is
  paid rises in proportion). The report gives no ratio, so by default nothing is capped.
* **One fund** (``merge_funds``): every NCMS county fund, and any URBMI fund outside the
  city pool, hands its balance and each later year its net flow to the URBMI fund of the
  city-level unit (``Chunk.transfer``, order 0), which then holds the merged city fund.
  ``merge_funds=false`` keeps the two funds apart with the merged financing and benefits:
  the report's first stage, "two funds in parallel, each settling its own accounts, until
  audits allow one management" (V.(2).3.(2) 七).

Left out, and why: the tiers of "one scheme, several tiers" (一制多档: student/child, adult
high, middle and low) beyond the child/adult split above, since the report gives no
tier's contribution or benefit and the model has no choice of tier; the second
reimbursement for catastrophic spending (二次报销, V.(2).3.(7)) and outpatient pooling (no
rules given); unified enrolment, collection, drug lists and administration (no money
flows in the model); demand released by the richer benefits beyond the admission rates
held fixed (the model's rates are calibrated assumptions, ``actuarial.claims._medical``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from actuarial.assumptions._types import Probability
from actuarial.reforms._base import Reform, ReformError, register
from actuarial.reforms._claims import change_from, in_force, require_pair

if TYPE_CHECKING:
    from actuarial.claims import ClaimsScheme
    from actuarial.claims._medical import MedicalScheme
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk

__all__ = ["MergeResidentMedical"]

F64 = NDArray[np.float64]

URBMI = "urban_resident_medical"
NCMS = "rural_cooperative_medical"
#: The unit that holds a city fund (``actuarial.counties()[0]``).
CITY_UNIT = "city_level"


@register
class MergeResidentMedical(Reform):
    name = "merge_resident_medical"
    summary = (
        "URBMI and NCMS merged into one city fund: contributions at the lower level, "
        "benefits at the higher (V.(1).2, V.(2).3)"
    )

    city_share: Probability = Field(
        default=0.5,
        description="Share of the added subsidy per insured paid by the city budget, the "
        "county paying the rest (fraction; Table 2: half each); on the city-level unit the "
        "city pays all of it (Table 2's 市本级 row).",
    )
    max_reimbursement: Annotated[float, Field(gt=0.0, le=1.0)] | None = Field(
        default=None,
        description="Highest reimbursement ratio at any hospital level after the merger "
        "(fraction). The report asks to end NCMS's 100 % at level 1 (V.(2).3.(7)) without "
        "a figure: None (default) caps nothing; e.g. 0.9 is a scenario choice.",
    )
    merge_funds: bool = Field(
        default=True,
        description="Merge the funds into one city fund (true), or keep the two funds with "
        "the merged financing and benefits (the report's first stage, V.(2).3.(2) 七).",
    )

    def apply_inputs(self, model: Model, y0: int) -> Model:
        if not require_pair(model, self.name, (URBMI, NCMS)):
            return model
        urbmi, ncms = model.claims_scheme(URBMI), model.claims_scheme(NCMS)
        assert urbmi is not None
        assert ncms is not None
        # The rules are compared as they stand in the effective year.
        u0, n0 = self._medical(in_force(urbmi, y0)), self._medical(in_force(ncms, y0))
        city = _city_row()
        tiers = self._tiers(model)

        def merged_urbmi(leaf: Any) -> ClaimsScheme:
            s = self._medical(leaf)
            # NCMS has one rate for every age: the comparator of every URBMI tier.
            premium = np.stack(
                [_financing(p, n0.premium[0], city, self.city_share) for p in s.premium]
            )
            return self._benefits(dataclasses.replace(s, premium=premium), n0, y0)

        def merged_ncms(leaf: Any) -> ClaimsScheme:
            s = self._medical(leaf)
            if s.premium.shape[0] != 1:
                raise ReformError(
                    f"reform {self.name}: {NCMS} must have one financing category (one rate "
                    f"for every age, Table 1); it has {s.premium.shape[0]}"
                )
            # Split NCMS's one category into URBMI's child ages and the rest, each with the
            # comparator of URBMI's tier.
            child = np.zeros(s.coverage.shape[-1])
            first, last = tiers.child_ages
            child[first : last + 1] = 1.0
            masks = (child, 1.0 - child)
            coverage = np.stack([s.coverage[0] * m for m in masks])
            insured0 = np.stack([s.insured0[0] * m for m in masks])
            premium = np.stack(
                [
                    _financing(s.premium[0], u0.premium[tiers.child], city, self.city_share),
                    _financing(s.premium[0], u0.premium[tiers.adult], city, self.city_share),
                ]
            )
            split = dataclasses.replace(
                s,
                coverage=np.ascontiguousarray(coverage),
                insured0=insured0,
                premium=np.ascontiguousarray(premium),
            )
            return self._benefits(split, u0, y0)

        model = model.with_claims_scheme(change_from(urbmi, y0, merged_urbmi))
        return model.with_claims_scheme(change_from(ncms, y0, merged_ncms))

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        ju, jn = chunk.index(URBMI), chunk.index(NCMS)
        if not self.merge_funds or ju is None or jn is None:
            return
        into = (chunk.county_index(CITY_UNIT), ju)
        sources = [(c, j) for j in (ju, jn) for c in range(len(chunk.counties))]
        chunk.transfer(sources, into, y0, order=0)

    # -- pieces -------------------------------------------------------------------------------

    def _medical(self, scheme: Any) -> MedicalScheme:
        from actuarial.claims._medical import MedicalScheme

        if not isinstance(scheme, MedicalScheme):
            raise ReformError(f"reform {self.name}: {scheme.code} is not a resident medical scheme")
        return scheme

    def _tiers(self, model: Model) -> _Tiers:
        """URBMI's categories (as built, in order) and its child and adult tiers."""
        cats = model.pensions.assumptions.schemes.urban_resident_medical.categories
        names = [c.name for c in cats]
        missing = [n for n in ("student_child", "adult") if n not in names]
        if missing:
            raise ReformError(
                f"reform {self.name}: {URBMI} needs the financing categories student_child "
                f"and adult for the tiers; missing {missing}"
            )
        child = names.index("student_child")
        ages = cats[child].ages
        return _Tiers(child=child, adult=names.index("adult"), child_ages=(ages[0], ages[1]))

    def _benefits(self, own: MedicalScheme, other: MedicalScheme, y0: int) -> MedicalScheme:
        """``own`` with the merged benefit rules: at each unit and level the rule of whichever
        scheme pays more per admission on ``own``'s costs in year ``y0``, ratios capped at
        ``max_reimbursement``; the moments recomputed where a rule changed."""
        from actuarial.claims._medical import benefit_moments

        deductible = own.deductible.copy()
        ratio = own.ratio.copy()
        limit = own.limit.copy()
        n_units, n_levels = deductible.shape
        changed = np.zeros((n_units, n_levels), dtype=bool)
        for c in range(n_units):
            for h in range(n_levels):
                theirs = benefit_moments(
                    own.sev_mu[h], own.sev_sigma[h], other.deductible[c, h], other.ratio[c, h],
                    other.limit[c, h, y0],
                )[0]  # fmt: skip
                if theirs > own.mean_benefit[c, h, y0]:
                    deductible[c, h] = other.deductible[c, h]
                    ratio[c, h] = other.ratio[c, h]
                    limit[c, h] = other.limit[c, h]
                    changed[c, h] = True
        if self.max_reimbursement is not None:
            over = ratio > self.max_reimbursement
            # The cap on what is paid (limit x ratio) stays: the cost layer paid widens.
            limit[over] = limit[over] * (ratio[over] / self.max_reimbursement)[:, None]
            ratio[over] = self.max_reimbursement
            changed |= over
        mean = own.mean_benefit.copy()
        var = own.var_benefit.copy()
        for c, h in zip(*np.nonzero(changed), strict=True):
            for y in range(limit.shape[2]):
                mean[c, h, y], var[c, h, y] = benefit_moments(
                    own.sev_mu[h], own.sev_sigma[h], deductible[c, h], ratio[c, h], limit[c, h, y]
                )
        return dataclasses.replace(
            own, deductible=deductible, ratio=ratio, limit=limit, mean_benefit=mean, var_benefit=var
        )


@dataclasses.dataclass(frozen=True)
class _Tiers:
    child: int  # index of student_child among URBMI's categories (the built order)
    adult: int  # index of adult
    child_ages: tuple[int, int]


def _city_row() -> int:
    from actuarial.registry import counties

    return counties().index(CITY_UNIT)


def _financing(own: F64, other: F64, city: int, city_share: float) -> F64:
    """``[C, P]`` premiums (individual, central, province, city, county) of one tier: the
    lower individual premium of ``own`` and ``other`` and the higher total, the existing
    subsidies by level kept and the rise paid by city and county (the city alone on the
    city-level unit)."""
    individual = np.minimum(own[:, 0], other[:, 0])
    total = np.maximum(own.sum(axis=1), other.sum(axis=1))
    added = total - individual - own[:, 1:].sum(axis=1)  # >= 0: lower premium, higher total
    out = own.copy()
    out[:, 0] = individual
    share = np.full(own.shape[0], city_share)
    share[city] = 1.0
    out[:, 3] += share * added
    out[:, 4] += (1.0 - share) * added
    return out
