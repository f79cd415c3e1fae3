"""Print the estimated stochastic assumption tables, ready for the baseline TOML.

Run from the repository root::

    python tools/estimate_economy.py

Every value comes from ``actuarial.economy.baseline_tables`` (estimates from the packaged
World Bank, PBoC and Lee-Carter series, or a stated figure or assumption); each line carries
its source and, for estimates, the standard error. The packaged
``actuarial/data/assumptions/baseline.toml`` holds the same values, and
``tests/test_economy.py`` checks that it does: after a change to the data or the method,
re-run this script and copy its lines into those tables.
"""

from __future__ import annotations

from typing import Any

from actuarial.economy import (
    AR1,
    CPI_FIT_START,
    EconomyEstimates,
    baseline_tables,
    estimate,
)


def _se(x: float) -> str:
    return f"{x:.2g}"


def _window(fit: AR1) -> str:
    return f"{fit.first_year}-{fit.last_year}, n = {fit.n}"


def _line(key: str, value: Any, comment: str) -> str:
    text = f"{key} = {value!r}"
    return f"{text:<34}# {comment}"


def render(est: EconomyEstimates, tables: dict[str, Any]) -> str:
    """The TOML lines of the estimated tables, each commented with its source."""
    econ, mort = tables["economy"], tables["mortality"]["index"]
    cpi, real, fund = est.inflation, est.real_wage_growth, est.fund_return
    corr = est.correlation
    se = corr.se
    inf, rw, fr = econ["inflation"], econ["real_wage_growth"], econ["fund_return_process"]
    m, f = est.mortality["male"], est.mortality["female"]
    rows = econ["shock_correlation"]
    out = [
        "# In [economy], replacing the shock_correlation line:",
        "shock_correlation = [  # innovations of (inflation, real wage growth, fund return):",
        "    # correlation of the AR(1) residuals of World Bank CPI (S3), real GDP growth (S4)",
        f"    # and the PBoC 1-year deposit benchmark (P7), {corr.first_year}-{corr.last_year} "
        f"(n = {corr.n});",
        f"    # se {_se(se[0, 1])} (inflation-wage), {_se(se[0, 2])} (inflation-return), "
        f"{_se(se[1, 2])} (wage-return)",
        *(f"    {row!r}," for row in rows),
        "]",
        "",
        "[economy.inflation]",
        "# AR(1) of China CPI inflation, World Bank WDI FP.CPI.TOTL.ZG (S3),",
        f"# {_window(cpi)} (from {CPI_FIT_START}: after price liberalisation).",
        _line("mean", inf["mean"], f"estimated; se {_se(cpi.se_mu)}"),
        _line("persistence", inf["persistence"], f"estimated; se {_se(cpi.se_phi)}"),
        _line("volatility", inf["volatility"], f"estimated; se {_se(cpi.se_sigma)}"),
        _line("start", inf["start"], "2012 CPI inflation, World Bank (S3)"),
        "",
        "[economy.real_wage_growth]",
        "# Persistence and volatility: AR(1) of China real GDP growth, World Bank",
        f"# NY.GDP.MKTP.KN (S4), {_window(real)}; the public wage series (P8) has two years",
        "# of real growth, too short to fit. The mean path is a stated figure and an assumption.",
        _line("initial_mean", rw["initial_mean"], "2013 national real wage growth 7.3 % (P8)"),
        _line(
            "long_run_mean",
            rw["long_run_mean"],
            "ASSUMPTION: no long-run wage projection in the public data",
        ),
        _line("converged_year", rw["converged_year"], "ASSUMPTION: linear move from 2013"),
        _line("persistence", rw["persistence"], f"estimated (real GDP); se {_se(real.se_phi)}"),
        _line("volatility", rw["volatility"], f"estimated (real GDP); se {_se(real.se_sigma)}"),
        _line("start", rw["start"], "= initial_mean: 2013 real wage growth (P8)"),
        "",
        "[economy.fund_return_process]",
        "# Persistence and volatility: AR(1) of the PBoC 1-year deposit benchmark, day-weighted",
        f"# annual average (P7), {_window(fund)}; mean = economy.fund_return (report III.(9).2).",
        _line("persistence", fr["persistence"], f"estimated; se {_se(fund.se_phi)}"),
        _line("volatility", fr["volatility"], f"estimated; se {_se(fund.se_sigma)}"),
        _line("start", fr["start"], "2010-2012 deposit yield of the funds (report III.(9).2)"),
        "",
        "[mortality.index]",
        "# log q(x,t) = log qbar(x,t) + b(x) eps(t); eps a random walk around the WPP path,",
        "# its drift shifted once per draw by N(0, drift_se^2). From the Lee-Carter k(t) fit on",
        f"# WPP 2024 China (S1), {m.n_differences} five-year differences, per year on the "
        "sum-b = 1 scale",
        "# (c = bx_scale of demography.leecarter_kt; tools/build_demography.py).",
        _line("volatility_male", mort["volatility_male"], "c sd_5 / sqrt(5)"),
        _line("volatility_female", mort["volatility_female"], "c sd_5 / sqrt(5)"),
        _line("drift_se_male", mort["drift_se_male"], f"c (sd_5 / sqrt({m.n_differences})) / 5"),
        _line(
            "drift_se_female", mort["drift_se_female"], f"c (sd_5 / sqrt({f.n_differences})) / 5"
        ),
    ]
    return "\n".join(out)


def main() -> None:
    est = estimate()
    print(render(est, baseline_tables(est)))


if __name__ == "__main__":
    main()
