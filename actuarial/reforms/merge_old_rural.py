"""``merge_old_rural``: the old rural pension (老农保) joins the resident pension (report
V.(2).2.(2)).

The report asks that the old scheme's accounts be checked and separated from the
land-lost farmers' pension, with which it is managed, and then merged into the unified
resident pension (V.(2).2.(2); III.(2).1 notes the merger is in national rules but not
done). From the effective year each county's old rural fund hands its balance, and every
later year its net flow, to the new rural pension fund (``rural_resident_pension``) of the
same county, which holds them from then on: the old scheme's balance is zero and its
``transfers`` show what moved.

Its members keep their accounts and the pensions those pay (account ÷ the divisor), now
out of the merged fund: the report sets no other rule for them. They do not gain the
resident basic pension by the merger: national rules already give it to old-rural
pensioners in the new rural pension's areas (国发〔2009〕32号), so they are taken to be among
the new rural pension's pensioners (24.37万, II.(2).1) already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from actuarial.reforms._base import Reform, ReformError, register

if TYPE_CHECKING:
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk

__all__ = ["MergeOldRural"]

OLD = "old_rural_pension"
INTO = "rural_resident_pension"


@register
class MergeOldRural(Reform):
    name = "merge_old_rural"
    summary = (
        "Old rural pension accounts and fund join the resident pension fund of each "
        "county, held under rural_resident_pension (V.(2).2.(2))"
    )

    def apply_inputs(self, model: Model, y0: int) -> Model:
        if OLD in model.schemes and INTO not in model.schemes:
            raise ReformError(
                f"reform {self.name}: the old rural fund joins {INTO}, which this run does "
                "not include; add it to the schemes projected"
            )
        return model

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        old, into = chunk.index(OLD), chunk.index(INTO)
        if old is None or into is None:
            return
        for c in range(len(chunk.counties)):
            chunk.transfer([(c, old)], (c, into), y0, order=0)
