"""Write the notebooks in notebooks/ from the cells below, without outputs.

The notebooks are generated so that they stay reproducible and reviewable as text: edit
the cells here, run ``python tools/build_notebooks.py`` and commit both. ``--check`` exits
1 if a notebook on disk differs from what this script writes (tests/test_notebooks.py runs
the same comparison). Cell ids are fixed (``<notebook>-<n>``) so that a rebuild changes
nothing that the cells do not.

Each notebook runs top to bottom in well under two minutes with its small draw counts;
tests/test_notebooks.py executes them all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import nbformat

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"

Cell = tuple[str, str]  # ("md" | "code", source)


def md(text: str) -> Cell:
    return ("md", text.strip("\n"))


def code(text: str) -> Cell:
    return ("code", text.strip("\n"))


SETUP = code(
    """
%matplotlib inline
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import actuarial

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.precision", 3)
"""
)

# -- 01 ---------------------------------------------------------------------------------------

BASELINE: list[Cell] = [
    md(
        """
# 1. When do Yuxi's funds run out? The baseline

This notebook projects Yuxi City's (玉溪市) social-insurance funds from the base year the
2013 study describes to 2100, and reads when each fund runs out, where, with what
probability, and why. It follows the sections of the HTML report that
`actuarial report` writes (*The run*, *When the funds run out*, *Charts*, *By county and
scheme*, *What each level of government pays*, *Assumptions*) and writes one at the end.

It uses 100 draws so that it runs in well under two minutes; `actuarial run` uses 1,000.
With 100 draws a probability is known to about ±5 percentage points.
"""
    ),
    SETUP,
    md(
        """
## The base year (2012-2013)

Every figure the study gives for the base year is packaged with its unit, date, figure id
and section: the enterprise pension's 154,288 insured and 37,285 retirees at 1,592 CNY a
month (II.(1)), the resident pensions in September 2013 (II.(2).1-2), the resident medical
schemes (II.(3), Tables 1-3), unemployment (II.(4), Table 4), work injury and maternity
(II.(5), Table 5a) and the dibao (II.(6)). City totals by scheme, persons and 万元
(10,000 CNY); NaN where the study prints nothing (the resident medical funds' balances, the
dibao, which has no fund):
"""
    ),
    code(
        """
base = actuarial.load_baseline()
variables = ["insured", "contributors", "beneficiaries", "income", "expenditure", "balance"]
money = {"income", "expenditure", "balance"}
table = pd.DataFrame(
    {v: [base.city_total(s, v) / (1e4 if v in money else 1) for s in actuarial.schemes()]
     for v in variables},
    index=actuarial.schemes(),
).rename(columns={v: f"{v}, 万元" for v in money})
table.map(lambda v: "—" if np.isnan(v) else f"{v:,.0f}")
"""
    ),
    md(
        """
Where the study has a typo, the reading of its check list is used and the record says
so. The enterprise pension fund is printed as "19.91万元"; it is read as 19.91亿
(1.991 billion CNY), about 2.8 years of payouts:
"""
    ),
    code('base.figure("enterprise_pension", "balance")'),
    md(
        """
## The run

100 draws, seed 0, 2013-2100, with process risk: each draw has one population and one
economic path (CPI inflation, real wage growth and the funds' return, correlated AR(1)
processes estimated on 1996-2024), and deaths, births, retirements and claims are drawn
as counts. Random numbers are a function of (seed, draw, year, cell), so draw *i* is the
same in every run and in the other notebooks.
"""
    ),
    code(
        """
ds = actuarial.project(draws=100, seed=0)
print(dict(ds.sizes), "|", ds.attrs["reforms"], "|", ds.attrs["package_version"])
"""
    ),
    md(
        """
## When the funds run out

A fund is *depleted* in the first year its end-of-year balance is negative. The city
aggregate sums the counties' funds first (as one pool would); the horizon's median and
5-95 % band are over the draws, and `P(depleted by Y)` is the share of draws depleted by
the end of Y. NaN horizons mean "not within the run" (the dibao has no fund at all).
"""
    ),
    code(
        """
city = ds.solvency.summary_table(aggregate="city")
city
"""
    ),
    code(
        """
funded = [s for s in city.index if not np.isnan(city.loc[s, "P(depleted by 2100)"])]
order = city.loc[funded].sort_values("median horizon")
for scheme, row in order.iterrows():
    median = row["median horizon"]
    when = f"median {median:.0f}" if not np.isnan(median) else "not by 2100 in most draws"
    print(f"{scheme:27s} {when:28s} P(by 2050) {row['P(depleted by 2050)']:6.1%}")
"""
    ),
    md(
        """
Why in this order:

* **The resident medical funds run out first.** The new rural cooperative medical scheme
  (新农合, pooled by county) and urban resident medical insurance (城镇居民医保, one city
  pool) are financed per head; the baseline lets that financing grow with nominal wages,
  while the cost of a hospital stay grows faster (wages + 1.5 points, narrowing to 1) and
  the insured age: people over 60 cost about 3.6 times the average, within the 3-5 times
  the study gives (V.(2).3.(7)). The study warns of exactly this: ageing and demand
  released by coverage threaten these funds (V.(2).3). See the caveat below: much of this
  is assumption.
* **Enterprise work injury** comes next: the fund overspent in 2009-2011 (III.(5).1; 1,364万
  in 2011), its 2012 balance of 2,079万 is a few months of payouts, and disability and
  dependants' pensions are long-tail annuities.
* **The pensions run out around mid-century**: contributors shrink as the cohorts age
  while pensioners grow, and pensions in payment rise with prices and 60 % of real wage
  growth. The enterprise fund is Yuxi's part of a provincial pool since 1999 (II.(1)):
  there a Yuxi depletion means transfers from the province's adjustment fund, not default.
* **Unemployment, institution work injury and maternity** stay solvent: unemployment is
  far in surplus (III.(4)), and the others collect more than they pay at base-year rates.

The cell below checks the two claims above that the story rests on.
"""
    ),
    code(
        """
MEDICAL = ["urban_resident_medical", "rural_cooperative_medical"]
assert order.index[0] in MEDICAL, order.index[0]
assert city.loc["unemployment", "P(depleted by 2100)"] < 0.5
"""
    ),
    md("## Charts"),
    code(
        """
from actuarial.plotting import depletion_curves, fan_chart, horizon_heatmap, fiscal_cost_chart

depletion_curves(ds).figure
"""
    ),
    code(
        """
from matplotlib.figure import Figure

shown = ["rural_cooperative_medical", "work_injury_enterprise", "enterprise_pension",
         "unemployment"]
fig = Figure(figsize=(11, 7), layout="constrained")
for ax, scheme in zip(fig.subplots(2, 2).ravel(), shown):
    fan_chart(ds, scheme, ax=ax)
fig
"""
    ),
    md(
        """
## By county and scheme

The study's funds are kept at different levels (II.(3), II.(5)): the new rural medical
scheme and the work-injury funds by county, urban resident medical insurance at city
level (its county rows stay at zero). A county's own fund can run out long before the
city's sum does: six of the ten units ran work-injury deficits in 2012 (Table 5a:
Jiangchuan, Chengjiang, Tonghai, Huaning, Yimen and Eshan), and here those six run out in
the first years. Notebook 4 takes this up.
"""
    ),
    code("horizon_heatmap(ds).figure"),
    code(
        """
by_county = ds.solvency.summary_table()
injury = by_county.xs("work_injury_enterprise", level="scheme")
deficits_2012 = ["jiangchuan", "chengjiang", "tonghai", "huaning", "yimen", "eshan"]
assert (injury.loc[deficits_2012, "median horizon"] <= 2016).all()
injury
"""
    ),
    md(
        """
## What each level of government pays

Subsidies by level of government, mean over the draws: the resident pensions' basic
pension, the subsidies into the resident accounts and the medical subsidies are paid from
budgets (Table 2 gives the split of the medical subsidy). How the local share divides
among province, city and county is an assumption where the study is silent.
"""
    ),
    code(
        """
levels = ["central", "province", "city", "county"]
paid = pd.DataFrame(
    {lv: ds[f"subsidy_{lv}"].sum(["county", "year"]).mean("draw").to_pandas() / 1e8
     for lv in levels}
)
paid[paid.sum(axis=1) > 0].round(1)  # 亿元 over 2013-2100, undiscounted
"""
    ),
    code("fiscal_cost_chart(ds).figure"),
    md(
        """
## A caveat: the medical funds' financing

The study prints the financing raised by the two resident medical funds (Table 1), but no
expenditure and no balance. Their base-year payout ratio is therefore an assumption (85 %
of financing for URBMI, 95 % for NCMS, to which the admission rates are calibrated), and so
is the rule for future financing: premiums and subsidies per head rising with nominal wages
(`financing_growth.wage_share = 1`), when in practice the subsidies have been raised by
decree almost every year. The horizons of these funds say as much about these assumptions
as about Yuxi.

One check: let the cost of a stay grow no faster than wages (no excess cost growth) and
project the two funds alone (the other schemes do not affect them).
"""
    ),
    code(
        """
no_excess = {"cost_growth": {"excess_initial": 0.0, "excess_long_run": 0.0}}
a = actuarial.load_assumptions(overrides={"schemes": {s: no_excess for s in MEDICAL}})
flat = actuarial.project(a, draws=100, seed=0, schemes=MEDICAL)
pd.DataFrame({
    "baseline": city.loc[MEDICAL, "median horizon"],
    "costs grow with wages": flat.solvency.summary_table(aggregate="city")["median horizon"],
})
"""
    ),
    md(
        """
Costs that grow only with wages delay depletion by a few years, not decades: ageing and
the assumed base-year payout ratio carry most of it. What keeps these funds solvent is a
financing rule that follows their costs; notebook 3 solves for the budget top-up that
would.

## The HTML report

`write_report` turns a run (or a comparison) into one self-contained HTML file with the
tables and charts above, the run's metadata and its assumptions. From the command line:
`actuarial run --out results` then `actuarial report results/results.nc`.
"""
    ),
    code(
        """
from actuarial.report import write_report

out = Path(tempfile.mkdtemp())
page = write_report(ds, out)
print(page, f"{page.stat().st_size / 1e6:.1f} MB")
"""
    ),
    md(
        """
## Other caveats

* The county population key is partly an assumption: 2010 census figures were found for
  Hongta and Eshan only (`actuarial/data/allocation/county_population.csv`).
* Values the study does not give (wages, the declared contribution base, fertility, the
  medical hospital mix, work-injury severities ...) are marked `ASSUMPTION` in
  `baseline.toml`; `actuarial assumptions` lists every key. The README lists them.
"""
    ),
]

# -- 02 ---------------------------------------------------------------------------------------

STRESS: list[Cell] = [
    md(
        """
# 2. Stress scenarios

Six adverse scenarios, each sized from a cited episode, run against the baseline on
common random numbers: draw *i* of a scenario meets the same economic shocks, deaths and
claims as draw *i* of the baseline wherever the scenario leaves their inputs alone, so a
difference is the stress's effect, not sampling noise. That is why 40 draws are enough to
rank them (the probabilities themselves are rough at ±8 points).

| stress | what changes | sized from |
| --- | --- | --- |
| `high_inflation` | CPI +3.6 points for 5 years; returns follow 35 % | China 2007-08 (III.(9).2) |
| `low_returns` | the funds' return −0.78 points from then on | 2.28 % (III.(9).2) to 1.50 % |
| `longevity` | the mortality index falls faster | two standard errors of its drift |
| `recession` | real wages −4.5 points for 2 years, claims ×1.54 | 2020; Table 4, 2008-10 |
| `mass_casualty` | 30 work deaths in Hongta in one year | a "particularly serious" accident |
| `bad_decade` | ten years of high inflation, low returns and growth | the above together |

Their parameters and sources, as the package lists them:
"""
    ),
    SETUP,
    code(
        """
from actuarial.reforms import describe

pd.DataFrame(
    [{"stress": r["name"], "what": r["summary"],
      "defaults": ", ".join(f"{p['name']}={p['default']}" for p in r["params"])}
     for r in describe() if r["kind"] == "stress"]
).set_index("stress")
"""
    ),
    md(
        """
## The comparison

Every stress starts in 2015 or 2020 (the effective year after the colon); 40 draws to
2060. `compare` returns one Dataset with a `scenario` dimension, the baseline first.
"""
    ),
    code(
        """
from actuarial.comparison import compare

stresses = ["high_inflation:2020", "low_returns:2015", "longevity:2015", "recession:2020",
            "mass_casualty:2015", "bad_decade:2020"]
cmp = compare(None, *stresses, draws=40, seed=0, end=2060)
funded = [str(s) for s in cmp["scheme"].values if int(cmp["has_fund"].sel(scheme=s))]
"""
    ),
    md(
        """
Median year each fund runs out (the counties' funds summed; NaN: not by 2060), and the
change from the baseline in years:
"""
    ),
    code(
        """
horizon = cmp["median_horizon_city"].sel(scheme=funded).to_pandas().T
horizon
"""
    ),
    code("cmp['delta_median_horizon_city'].sel(scheme=funded).to_pandas().T"),
    code(
        """
# P(depleted by 2050), the counties' funds summed
cmp["p_depleted_city"].sel(scheme=funded, year=2050).to_pandas().T
"""
    ),
    md(
        """
What moves:

* **Low returns** shorten the horizons of the funded pensions most: the land-lost farmers'
  and old rural pensions are fully funded accounts (II.(2).3-4) that live on their
  interest; the study's complaint that deposits earn less than inflation (III.(9).2) is
  this stress.
* **Longevity** pays pensions for longer: the pension funds lose up to a year.
* **A recession** lowers wages and so contributions to the employee pensions; the
  unemployment fund pays more claims but is far in surplus (III.(4)) and does not run out.
* **A mass casualty** brings the enterprise work-injury fund's depletion forward: 30 deaths
  mean lump sums now and dependants' pensions for years, on a fund with a few months of
  reserves (II.(5)).
* **High inflation** moves the employee pensions' horizon *later* in this model: members'
  individual accounts earn the funds' return, which follows only a third of the extra
  inflation, so the pensions paid from them are smaller in real terms. The cost falls on
  pensioners, not on the fund: their replacement rate falls (below).
"""
    ),
    code(
        """
# Change in the replacement rate (average pension / average wage), percentage points
rate = cmp["delta_replacement_rate"].sel(scenario="high_inflation:2020", year=[2030, 2040, 2050])
(100 * rate.to_pandas().dropna()).round(2)
"""
    ),
    code(
        """
from actuarial.plotting import fiscal_cost_chart, scenario_overlay

scenario_overlay(cmp, "enterprise_pension").figure
"""
    ),
    code('scenario_overlay(cmp, "work_injury_enterprise", "p_any_county_depleted").figure'),
    md(
        """
## What the budgets pay

Subsidies by level of government over 2013-2060, in 亿元 (100 million CNY), change from the
baseline: undiscounted, and in present value. The present value discounts each draw at
its own fund return; a stress that lowers returns lowers the discount rate too, so the same
payments are worth more today. Read the undiscounted change for what is paid, and the
present value for what it costs in the funds' money.
"""
    ),
    code(
        """
pd.DataFrame({
    "Δ paid, undiscounted": cmp["delta_fiscal_cost_total"].sum(["level", "scheme"]).to_pandas(),
    "Δ present value": cmp["delta_fiscal_cost_pv"].sum(["level", "scheme"]).to_pandas(),
}).div(1e8).round(1)
"""
    ),
    code('fiscal_cost_chart(cmp, summed="total").figure'),
    md(
        """
A depleted fund's deficit is not counted as fiscal cost: where a fund runs dry, read its
depletion probability with these numbers. `actuarial compare -r bad_decade:2020 --out DIR`
saves the comparison; `actuarial report DIR/comparison.nc` writes its HTML report.
"""
    ),
]

# -- 03 ---------------------------------------------------------------------------------------

REFORMS: list[Cell] = [
    md(
        """
# 3. The study's reforms, on common random numbers

Part V of the study proposes a programme: one resident pension with twelve tiers and
long-contribution bonuses (V.(2).2.(1)), the old rural pension merged in (V.(2).2.(2)), a
reformed land-lost farmers' pension (V.(2).2.(3)), one resident medical fund at city level
(V.(1).2, V.(2).3), merged work-injury and maternity funds (V.(2).5), pooling at city
level (V.(1).4), eligibility checks against pensions paid to the dead (V.(2).1) and
investment beyond deposits (V.(2).8.(2)). Each is a named, dated, parameterised reform;
`actuarial reforms` lists them.

Every scenario here runs on the baseline's draws. No reform draws random numbers, so what
a reform does not touch is bit-identical to the baseline, and a difference is the reform's
effect. 40 draws to 2070.
"""
    ),
    SETUP,
    code(
        """
from actuarial.comparison import compare, scenario

programme = Path("../examples/scenarios/report_programme.toml")  # the whole of part V
print(programme.read_text(encoding="utf-8")[:900], "...")
"""
    ),
    code(
        """
reforms = [
    scenario("one resident pension", "merge_resident_pensions:2014"),
    scenario("long-contribution bonus", "long_contribution_bonus:2014"),
    scenario("one resident medical fund", "merge_resident_medical:2015"),
    scenario("eligibility checks", "eligibility_verification:2014"),
    scenario("retirement age (2025 law)", "retirement_age_reform"),
    programme,
]
cmp = compare(None, *reforms, draws=40, seed=0, end=2070)
names = [str(s) for s in cmp["scenario"].values]
funded = [str(s) for s in cmp["scheme"].values if int(cmp["has_fund"].sel(scheme=s))]
names
"""
    ),
    md(
        """
## Common random numbers, checked

Merging the resident medical funds changes nothing in unemployment insurance: its
results are identical to the baseline's, draw by draw, not merely close.
"""
    ),
    code(
        """
untouched = cmp["delta_p_depleted"].sel(scenario="one resident medical fund", scheme="unemployment")
assert float(abs(untouched).max()) == 0.0
"""
    ),
    md(
        """
## When the funds run out

Median year of depletion of the counties' funds summed (NaN: not by 2070). A merger moves
one fund's members and balance into another: the absorbed fund keeps a zero balance from
the merger on and shows no depletion, so read the surviving fund (urban resident
pensions into the one resident pension, NCMS into the one medical fund).
"""
    ),
    code("cmp['median_horizon_city'].sel(scheme=funded).to_pandas().T"),
    md(
        """
What the reforms do:

* **Raising the retirement age** (the 2025 national schedule) buys the employee pensions
  years: more contributors, fewer pensioners.
* **One resident medical fund** pools NCMS into the city fund at the lower contribution
  and higher benefit the study proposes (缴费就低不就高，待遇就高不就低, V.(2).3): it runs
  out no later than the weaker of the two did, with more budget money.
* **The resident pension reforms** cost budgets: tier subsidies and the long-contribution
  bonus are paid by city and county.
* **The whole programme** pools the work-injury funds at city level and merges them: the
  enterprise work-injury fund, which runs out around 2030 on its own, lasts much longer.
"""
    ),
    code(
        """
# Change in what budgets pay over 2013-2070, 亿元, by level of government
paid = cmp["delta_fiscal_cost_total"].sum("scheme").to_pandas().div(1e8).round(1)
paid
"""
    ),
    code(
        """
# Replacement rates in 2040 (average pension / average wage), pensions only
(100 * cmp["replacement_rate"].sel(year=2040).to_pandas().T.dropna()).round(2)
"""
    ),
    code(
        """
from actuarial.plotting import scenario_overlay, fiscal_cost_chart

scenario_overlay(cmp, "enterprise_pension").figure
"""
    ),
    code('fiscal_cost_chart(cmp, summed="pv").figure'),
    md(
        """
## What would keep a fund solvent?

`solve` finds the smallest value of a lever that keeps a fund's probability of running
out under a target, by bisection on common random numbers. The new rural medical fund
runs out first; how large a yearly budget top-up, as a share of its outgo from 2015, keeps
its probability of depletion by 2040 at or under 10 %?
"""
    ),
    code(
        """
from actuarial.solver import solve

solution = solve("subsidy", scheme="rural_cooperative_medical", by_year=2040, target=0.1,
                 draws=40)
print(solution)
"""
    ),
    md(
        """
A top-up of this size is a statement about the assumptions of notebook 1 (financing
growing with wages, the assumed payout ratio) as much as about the fund. The same call
with `"contribution_rate"` or `"indexation"`, or any reform parameter as
`"reform.parameter"`, answers the other questions of part V.
"""
    ),
]

# -- 04 ---------------------------------------------------------------------------------------

POOLING: list[Cell] = [
    md(
        """
# 4. Pooling and the law of large numbers

The study argues for raising the pooling level (V.(1).4, V.(2).3): a small fund meets a bad
year alone, a large one absorbs it. The enterprise work-injury fund shows why. It is
pooled at prefecture level but kept by county (II.(5), Table 5a); in 2012 six of the ten
units ran deficits and an adjustment column moved 392万 to them. The package projects each
county's fund alone, without that adjustment, and the `pooling_level` reform puts them in
one pool from a year on.

The README measures it with 1,000 draws: some county's own fund is depleted by 2013 in
99.7 % of draws with separate county funds, and in none with one city pool from 2013 (by
2030: 100 % against 72.5 %). Here, 200 draws.
"""
    ),
    SETUP,
    code(
        """
from actuarial.comparison import compare

WORK_INJURY = ["work_injury_enterprise", "work_injury_institution"]
cmp = compare(None, "pooling_level:2013", "pooling_level:2016", schemes=WORK_INJURY,
              draws=200, seed=0, end=2040)
years = [2013, 2015, 2020, 2025, 2030]
any_county = cmp["p_any_county_depleted"].sel(scheme="work_injury_enterprise", year=years)
any_county.to_pandas()
"""
    ),
    md(
        """
`p_any_county_depleted` is the probability that at least one county's own fund has been
depleted by the year: separate county funds (the baseline) run dry at once, because the
smallest counties have a few hundred thousand yuan against claims that come in lumps. One
city pool from 2013 removes that risk for years. Pooling from 2016 comes too late for this
measure: the counties that run out in the first years already have.
"""
    ),
    code(
        """
assert float(any_county.sel(scenario="baseline", year=2015)) > 0.9
assert float(any_county.sel(scenario="pooling_level:2013", year=2015)) < 0.1
"""
    ),
    md(
        """
Pooling moves the same money: the city's total is unchanged, only fewer separate funds run
dry. The probability that the counties' funds *summed* are depleted is the same in all
three scenarios, draw for draw:
"""
    ),
    code(
        """
city = cmp["p_depleted_city"].sel(scheme="work_injury_enterprise")
assert float(abs(cmp["delta_p_depleted_city"].sel(scheme="work_injury_enterprise")).max()) == 0.0
city.sel(year=years).to_pandas()
"""
    ),
    code(
        """
from actuarial.plotting import scenario_overlay

scenario_overlay(cmp, "work_injury_enterprise", "p_any_county_depleted").figure
"""
    ),
    md(
        """
## The law of large numbers, in the claims

Why the pool is safer: claims per insured vary less in a larger fund. With process risk
on, each county's claims are drawn as counts; the coefficient of variation of a year's
benefits across the draws falls roughly as one over the square root of the insured. The
city's sum varies less than almost every county; without process risk (expected counts)
only the economic paths vary, and every county looks alike.
"""
    ),
    code(
        """
one = dict(draws=300, seed=0, schemes=["work_injury_enterprise"], end=2016)
with_risk = actuarial.project(**one)
without = actuarial.project(**one, process_risk=False)

def cv(ds, year=2014):
    b = ds["benefits"].sel(scheme="work_injury_enterprise", year=year)
    return b.std("draw") / b.mean("draw"), b.sum("county").std() / b.sum("county").mean()

(cv_risk, city_risk), (cv_flat, city_flat) = cv(with_risk), cv(without)
insured = with_risk["contributors"].sel(scheme="work_injury_enterprise", year=2014).mean("draw")
spread = pd.DataFrame({"insured": insured.to_pandas().round(0),
                       "CV, process risk": cv_risk.to_pandas(),
                       "CV, expected counts": cv_flat.to_pandas()}).sort_values("insured")
print(f"the city's sum: CV {float(city_risk):.3f} with process risk, "
      f"{float(city_flat):.3f} without")
spread
"""
    ),
    code(
        """
from matplotlib.figure import Figure

fig = Figure(figsize=(7, 4.5), layout="constrained")
ax = fig.add_subplot()
ax.loglog(spread["insured"], spread["CV, process risk"], "o", label="each county's fund")
n = np.geomspace(spread["insured"].min(), insured.sum(), 50)
k = float(np.exp(np.median(np.log(spread["CV, process risk"] * np.sqrt(spread["insured"])))))
ax.loglog(n, k / np.sqrt(n), "--", color="grey", label="∝ 1/√insured")
ax.loglog([float(insured.sum())], [float(city_risk)], "s", color="black", label="one city pool")
ax.set_xlabel("insured, 2014")
ax.set_ylabel("CV of benefits paid, 2014")
ax.set_title("Enterprise work injury: claims vary less in larger funds")
ax.legend()
fig
"""
    ),
    md(
        """
Counties do not sit exactly on the line: their claims differ in kind and size, and the
economic paths move every county together, which no pooling within Yuxi removes. The
enterprise pension is the extreme case: pooled at province level since 1999 (II.(1)),
where a Yuxi deficit is met by transfers.

From the command line: `actuarial compare -r pooling_level:2013 -r pooling_level:2016
-s work_injury_enterprise -s work_injury_institution --draws 1000 --end 2050 --out DIR`,
then `actuarial report DIR/comparison.nc`.
"""
    ),
]

# -- 05 ---------------------------------------------------------------------------------------

BACKTEST: list[Cell] = [
    md(
        """
# 5. The back-test: the claims funds against the study's history

A projection is only as good as its model of the flows. Three funds have a history in the
study: unemployment 2005-2012 (Table 4), enterprise work injury 2004-2012 (Table 5b) and
the resident medical schemes' financing 2010-2013 (Table 1). Each is run with a yearly
city-wide model of the projection's equations, driven by the historical economy (World
Bank CPI and GDP growth, the PBoC deposit rate); its free parameters are fitted on all but
the last two years, which are held out and forecast. The error is the mean absolute
percentage error (MAPE) of the fitted central path against the printed values.
"""
    ),
    SETUP,
    code(
        """
from actuarial.backtest import run_backtest

result = run_backtest(draws=200, seed=0)
result.table
"""
    ),
    md(
        """
How to read it:

* **Unemployment**: the insured are not printed year by year, so their growth is a free
  parameter; 2010 breaks the printed roll-forward by 1,000万 (CHECKS I-3) and is left out
  of the fit. The holdout income error is large: the fund's income jumps in 2011-2012.
* **Enterprise work injury**: the 2011 regulation raised benefits (III.(5).1) by an amount
  the study does not give, and the model has no step there; the printed balance breaks
  the roll-forward every year (adjustment fund, reserve, transfers: CHECKS section 6),
  which the holdout balance error includes.
* **Resident medical**: only the financing raised is printed, so only income can be
  tested; expenditure and balance have no error (NaN) and the payout ratio of notebook 1
  cannot be fitted. This is the caveat of notebook 1 in numbers.
"""
    ),
    code("result.parameters"),
    md(
        """
The fitted parameters carry standard errors from the fit's covariance. Set them beside the
projection's assumptions: the projection calibrates unemployment on 2012 alone, and its
medical financing per head grows with wages (`wage_share = 1`). Fitted on 2010-2011, when
the subsidies were raised by decree, the financing grows several times faster than wages,
a pace that 2012-2013 did not keep (the holdout error above): neither rule is a forecast
of the subsidies, which is the caveat of notebook 1.
"""
    ),
    code(
        """
for fund in result.funds:
    for note in fund.notes:
        print(f"{fund.history.fund}: {note}\\n")
"""
    ),
    code(
        """
from actuarial.plotting import backtest_chart

backtest_chart(result)
"""
    ),
    md(
        """
The model's median and 90 % band (parameter uncertainty and noise at the fit's residual
spread) against the printed values; dashed and shaded: the held-out years.
`actuarial backtest --out DIR` writes the table and this chart.
"""
    ),
]

NOTEBOOKS: dict[str, list[Cell]] = {
    "01_baseline_solvency": BASELINE,
    "02_stress_scenarios": STRESS,
    "03_reforms": REFORMS,
    "04_pooling_and_the_law_of_large_numbers": POOLING,
    "05_backtest": BACKTEST,
}


def build(name: str) -> Any:
    """The notebook ``name`` as an nbformat node: no outputs, fixed cell ids."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, source) in enumerate(NOTEBOOKS[name]):
        cell = (
            nbformat.v4.new_markdown_cell(source)
            if kind == "md"
            else nbformat.v4.new_code_cell(source)
        )
        cell.id = f"{name[:2]}-{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def render(name: str) -> str:
    """The file text of notebook ``name``, as ``nbformat.write`` gives it."""
    return str(nbformat.writes(build(name))) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if a notebook differs from its cells here"
    )
    args = parser.parse_args(argv)
    stale = []
    for name in NOTEBOOKS:
        path = NOTEBOOKS_DIR / f"{name}.ipynb"
        text = render(name)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    for path in stale:
        print(f"out of date: {path} (run python tools/build_notebooks.py)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
