"""``land_lost_reform``: the land-expropriated farmers' pension (被征地农民养老保险) becomes
a pooled plus individual-account scheme with a basic pension (report V.(2).2.(3)-(4)).

From the effective year (1 January; the report gives no date, so the framework's 2015):

* **Pooled account** (①, first point): 30 % of the net land-transfer income (土地出让金纯收益)
  goes into the fund every year. Neither the report nor the public data give that income,
  so ``land_transfer_income_cny_per_year`` is 0 unless given (no pool income). It is city
  and county revenue, recorded as subsidies of ``levels``, and shared over the counties in
  proportion to the scheme's members in the year (contributors and pensioners: an
  ASSUMPTION, as the report does not say where the pool sits).
* **Basic pension** (①, second point): city and county pay every member aged 60 or over
  (the scheme's pensioners) 50 CNY a month more, a budget-paid benefit (``benefits`` and
  ``subsidies`` rise together; the balance does not change), held in CNY (no raise rule).
* **Account pension** = account ÷ 139 (①, third point): the model's divisor for this scheme
  already is 139 (``schemes.land_lost_pension.payout_divisor_months``), so nothing changes.
* **Resettlement fees** (②): 35,000, 25,000 and 15,000 CNY a mu of construction, paddy
  and vegetable land; dry land and gardens; forest and other land, withheld from the
  compensation and credited to the individual accounts of the farmers whose land is taken.
  Only with an area expropriated a year (``expropriated_mu_per_year``, none by default:
  the report gives the area of 2008-2013 filings, not a future one). The fees are the
  fund's contributions (premiums paid on the farmers' behalf, not budget money), shared
  over counties as the pool income, and they stay in the ``accounts`` memo with the fund's
  return. The farmers they insure are not in the model (the report gives no persons per
  mu), so the pensions their accounts will pay are not projected: a fund taking fees looks
  richer than it is, by about what those pensions will cost.
* **Top-up to the dibao line** (⑤): a member reaching 60 is brought up to the urban or
  rural dibao line of where they live. Each year the pensioners of a county get
  ``line - average pension`` a month where positive, the average pension being the scheme's
  benefits (the basic pension above included) per pensioner of the county: an
  approximation, as pensions range from 0.5 to 817.4 CNY a month (III.(2).5.(4)) and the
  top-up of each pensioner would be larger. ``dibao_urban_share`` of them are under the
  urban line, the rest under the rural one. The lines are the dibao's (``schemes.dibao``,
  or the dibao scheme of the run as other reforms left it), paid in each year as the dibao
  kernel pays them (raised each July by the draw's CPI and wages, at least the minimum
  raise to 2015). It is dibao money, paid by the dibao's budgets
  (``schemes.dibao.budgets``) and shown as a budget-paid benefit of this scheme; pensioners
  who get the dibao already are not taken out of the dibao's own recipients.

Left out: the two-track option of joining the resident pension as well (V.(2).2.(4): its
pension adds to this one, and the resident schemes already project their members), the
county adjustments of subsidies and contribution limits (③) and stricter eligibility
checks (④), which the report does not size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from actuarial.assumptions._types import Amount, Probability
from actuarial.reforms._base import Reform, ReformError, register
from actuarial.reforms._levels import (
    LEVELS_DEFAULT_DOC,
    BudgetLevels,
    city_and_county,
)

if TYPE_CHECKING:
    from actuarial.claims.dibao import DibaoOutlay
    from actuarial.reforms._chunk import Chunk

__all__ = ["FEES_CNY_PER_MU", "LandLostReform", "dibao_lines"]

F64 = NDArray[np.float64]
CODE = "land_lost_pension"
#: Resettlement fee a mu by land class (V.(2).2.(3)②): construction land, paddy and
#: vegetable land; dry land and gardens; forest and other farm land.
FEES_CNY_PER_MU = (35_000.0, 25_000.0, 15_000.0)
ThreeClasses = Annotated[list[Amount], Field(min_length=3, max_length=3)]


@register
class LandLostReform(Reform):
    name = "land_lost_reform"
    summary = (
        "Land-lost farmers' pension: pool of 30 % of land-transfer income, +50 CNY a month "
        "basic pension, resettlement fees into accounts, top-up to the dibao line "
        "(V.(2).2.(3)-(4))"
    )

    land_transfer_income_cny_per_year: Amount = Field(
        default=0.0,
        description="Net land-transfer income (土地出让金纯收益) of the city and counties a year, "
        "CNY from the effective year on. Not in the report or the public data: 0 (no pool "
        "income) unless given.",
    )
    pool_share: Probability = Field(
        default=0.30,
        description="Share of the net land-transfer income paid into the pooled account "
        "(V.(2).2.(3)①: 30 %).",
    )
    basic_pension_cny_per_month: Amount = Field(
        default=50.0,
        description="Basic pension city and county pay each member aged 60 or over, CNY a "
        "month (V.(2).2.(3)①: 50).",
    )
    levels: BudgetLevels | None = Field(
        default=None,
        description="Who pays the basic pension and the pool income, fractions by level "
        "(central, province, city, county) summing to 1; the report names city and county "
        "(V.(2).2.(3)①). " + LEVELS_DEFAULT_DOC,
    )
    expropriated_mu_per_year: ThreeClasses = Field(
        default=[0.0, 0.0, 0.0],
        description="Land expropriated a year, mu, by class: construction, paddy and "
        "vegetable land; dry land and gardens; forest and other land. Not in the report "
        "for the future: none (no fees) unless given.",
    )
    fee_cny_per_mu: ThreeClasses = Field(
        default=list(FEES_CNY_PER_MU),
        description="Resettlement fee credited to the accounts, CNY a mu, by the same "
        "classes (V.(2).2.(3)②: 35,000, 25,000, 15,000).",
    )
    dibao_top_up: bool = Field(
        default=True,
        description="Top pensions up to the urban or rural dibao line (V.(2).2.(3)⑤).",
    )
    dibao_urban_share: Probability = Field(
        default=0.0,
        description="Share of the pensioners under the urban dibao line, the rest under the "
        "rural one (the report: by where they live). ASSUMPTION: 0, all rural, as members "
        "held rural land-contract rights (II.(2).3) and no figure on where they live is "
        "given; the lower bound of the top-up.",
    )

    def yearly_fees(self) -> float:
        """Resettlement fees collected a year, CNY."""
        return float(np.dot(self.expropriated_mu_per_year, self.fee_cny_per_mu))

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        j = chunk.index(CODE)
        if j is None:
            return
        levels = city_and_county(self.levels, chunk, self.name)
        members = chunk.var("contributors")[:, :, j, y0:] + chunk.var("beneficiaries")[:, :, j, y0:]
        total = members.sum(axis=1, keepdims=True)
        county_share = np.divide(members, total, out=np.zeros_like(members), where=total > 0)
        pool = self.pool_share * self.land_transfer_income_cny_per_year
        if pool > 0.0:
            chunk.add_budget(j, y0, pool * county_share, levels, benefit=False)
        fees = self.yearly_fees()
        if fees > 0.0:
            self._fees(chunk, j, y0, fees * county_share)
        pensioners = chunk.var("beneficiaries")[:, :, j, y0:]
        if self.basic_pension_cny_per_month > 0.0:
            basic = pensioners * (12.0 * self.basic_pension_cny_per_month)
            chunk.add_budget(j, y0, basic, levels, benefit=True)
        if self.dibao_top_up:
            self._top_up(chunk, j, y0, pensioners)

    def _fees(self, chunk: Chunk, j: int, y0: int, fees: F64) -> None:
        """Fees into the fund as contributions, and into the accounts memo with the
        fund's return (as the kernel credits accounts: (account + credit) x (1 + r))."""
        chunk.var("contributions")[:, :, j, y0:] += fees
        r = chunk.fund_return(j)[:, None, y0:]
        held = np.zeros(fees.shape[:2])
        accounts = chunk.var("accounts")
        for t in range(fees.shape[2]):
            held = (held + fees[:, :, t]) * (1.0 + r[:, :, t])
            accounts[:, :, j, y0 + t] += held
        chunk.mark(j, y0)

    def _top_up(self, chunk: Chunk, j: int, y0: int, pensioners: F64) -> None:
        dibao = _dibao_of(chunk, self.name)
        lines = dibao_lines(dibao, chunk.paths.cpi, chunk.paths.real_wage_growth)[:, None, y0:]
        per_head = np.divide(
            chunk.var("benefits")[:, :, j, y0:],
            12.0 * pensioners,
            out=np.zeros_like(pensioners),
            where=pensioners > 0,
        )
        u = self.dibao_urban_share
        gap = u * np.maximum(lines[..., 0] - per_head, 0.0) + (1.0 - u) * np.maximum(
            lines[..., 1] - per_head, 0.0
        )
        central, province, city = (float(x) for x in dibao.budget_shares)
        shares = {
            "central": central,
            "province": province,
            "city": city,
            "county": 1.0 - (central + province + city),
        }
        chunk.add_budget(j, y0, 12.0 * pensioners * gap, shares, benefit=True)


def _dibao_of(chunk: Chunk, reform: str) -> DibaoOutlay:
    """The run's dibao scheme (as other reforms left it), else one built from the
    assumptions."""
    from actuarial.claims.dibao import DibaoOutlay, build

    if chunk.model is None:
        raise ReformError(f"reform {reform}: the dibao top-up needs the chunk's model")
    scheme: Any = chunk.model.claims_scheme("dibao")
    if isinstance(scheme, DibaoOutlay):
        return scheme
    return build(chunk.model.pensions.context)


def dibao_lines(dibao: DibaoOutlay, cpi: F64, real_wage_growth: F64) -> F64:
    """``[draw, year, 2]``: the urban and rural dibao lines paid in each year, CNY a month,
    as ``kernels.dibao`` pays them (the old lines before the change month, the raised ones
    from it; a known raise, else the CPI and real-wage rule with its floor)."""
    n_draws, n_years = cpi.shape
    out = np.empty((n_draws, n_years, 2))
    index = np.ones(n_draws)
    new = dibao.new_share
    for y in range(n_years):
        old = index
        if y > 0:
            known = dibao.raise_known[y]
            if np.isnan(known):
                step = (
                    dibao.raise_rule[0] * cpi[:, y] + dibao.raise_rule[1] * real_wage_growth[:, y]
                )
                step = np.maximum(step, dibao.raise_floor[y])
            else:
                step = np.full(n_draws, known)
            index = index * (1.0 + step)
        for k in range(2):
            before = (
                np.full(n_draws, dibao.lines_before[k]) if y == 0 else dibao.lines_after[k] * old
            )
            out[:, y, k] = (1.0 - new) * before + new * dibao.lines_after[k] * index
    return out
