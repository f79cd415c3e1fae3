"""The command line as a user runs it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

import actuarial.solvency  # noqa: F401  (registers ds.solvency on the reopened file)
from actuarial.cli import app

runner = CliRunner()


def test_baseline__city_table_has_report_figures() -> None:
    result = runner.invoke(app, ["baseline"])
    assert result.exit_code == 0, result.output
    for text in ("154,288", "37,285", "1,152,200", "243,700", "43,927.70", "199,100.00"):
        assert text in result.output, text


def test_baseline__county_split_and_sources() -> None:
    result = runner.invoke(
        app, ["baseline", "--counties", "--sources", "-s", "work_injury_enterprise"]
    )
    assert result.exit_code == 0, result.output
    assert "11,692" in result.output  # Yimen, CHECKS I-2 reading
    assert "红塔区" in result.output
    assert "F0590" in result.output
    assert "partly an assumption" in result.output


def test_baseline__unknown_scheme_is_named() -> None:
    result = runner.invoke(app, ["baseline", "-s", "pension"])
    assert result.exit_code == 2
    assert "unknown scheme code(s) pension" in result.output


def test_assumptions__lists_keys() -> None:
    result = runner.invoke(app, ["assumptions"])
    assert result.exit_code == 0
    assert "economy.fund_return" in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert "actuarial" in result.output


# -- actuarial run ------------------------------------------------------------------------
# Short runs (3 draws to 2016) keep these fast; the numbers are checked in test_projection.

RUN = ["run", "--draws", "3", "--end", "2016"]
RUN_FILES = {"results.nc", "fan_chart.png", "depletion.png"}


def _same_attrs(expected: dict[str, Any], got: dict[str, Any]) -> None:
    assert set(got) == set(expected)
    for key, value in expected.items():
        # NetCDF hands lists back as arrays (an empty one as float) and ints as numpy ints.
        if isinstance(value, list):
            assert list(np.atleast_1d(got[key])) == value, key
        else:
            assert got[key] == value, key


def test_run__writes_readable_results_and_prints_summary(tmp_path: Path) -> None:
    import actuarial

    out = tmp_path / "new" / "results"
    result = runner.invoke(app, [*RUN, "--seed", "7", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert set(os.listdir(out)) == RUN_FILES  # no temporary file left beside them

    expected = actuarial.project(draws=3, end=2016, seed=7)
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        ds.load()
    xr.testing.assert_equal(ds, expected)
    _same_attrs(expected.attrs, ds.attrs)
    for name in expected.variables:
        assert ds[name].attrs == expected[name].attrs, name
    assert ds.attrs["process_risk"] == 1
    pd.testing.assert_frame_equal(
        ds.solvency.summary_table(aggregate="city"),
        expected.solvency.summary_table(aggregate="city"),
    )

    text = result.stdout
    assert "Yuxi social-insurance funds: 3 draws, seed 7, 2013-2016, process risk on" in text
    assert "When the funds run out (all counties summed)" in text
    for scheme in actuarial.schemes()[:6]:
        assert scheme in text
    assert "median horizon" in text
    assert "5-95 %" in text
    assert "P by 2016" in text
    assert "province level" in text  # the enterprise pension pooling note
    for name in sorted(RUN_FILES):
        assert f"wrote {out / name}" in text
    assert "draws/s" in result.stderr  # the progress bar, on stderr


def test_run__deterministic_with_counties(tmp_path: Path) -> None:
    out = tmp_path / "det"
    result = runner.invoke(
        app, ["run", "--deterministic", "--end", "2016", "--counties", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1 draw, seed 0, 2013-2016, deterministic" in result.stdout  # one draw by default
    assert "enterprise_pension (城镇企业职工基本养老保险) by county" in result.stdout
    assert "红塔区" in result.stdout
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert ds.sizes["draw"] == 1
        assert ds.attrs["deterministic"] == 1
        assert ds.attrs["process_risk"] == 0


def test_run__scenario_is_overlaid(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text("[economy]\nfund_return = 0.05\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, [*RUN, "--no-process-risk", "--scenario", str(scenario),
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert "fund_return = 0.05" in ds.attrs["assumptions_toml"]
        assert ds.attrs["process_risk"] == 0


def test_run__quiet_prints_no_progress_bar(tmp_path: Path) -> None:
    result = runner.invoke(app, [*RUN, "--quiet", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "draws/s" not in result.output
    assert "elapsed" not in result.output
    assert "P by 2016" in result.stdout
    assert f"wrote {tmp_path / 'results.nc'}" in result.stdout


def test_run__chosen_schemes_only(tmp_path: Path) -> None:
    result = runner.invoke(
        app, [*RUN, "--quiet", "--out", str(tmp_path), "-s", "dibao", "-s", "unemployment"]
    )
    assert result.exit_code == 0, result.output
    assert "no fund" in result.stdout  # the dibao is a budget outlay
    assert "enterprise_pension" not in result.stdout
    with xr.open_dataset(tmp_path / "results.nc", engine="h5netcdf") as ds:
        # Canonical order, whatever order they were asked for in.
        assert list(ds.scheme.values) == ["unemployment", "dibao"]
        assert ds.has_fund.values.tolist() == [1, 0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-s", "nope"], "--scheme: got ['nope']"),
        (["--draws", "0"], "--draws: got 0; allowed: 1 or more"),
        (["--draws", "-5"], "--draws: got -5"),
        (["--end", "2013"], "--end: got 2013; allowed: 2014 to 2100"),
        (["--end", "2101"], "--end: got 2101; allowed: 2014 to 2100"),
        (["--seed", "-1"], "--seed: got -1"),
        (["--scenario", "no-such-file.toml"], "no-such-file.toml: 1 problem(s)"),
    ],
)
def test_run__bad_option_exits_2_naming_it(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--draws", "3", "--end", "2016", *args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()  # checked before anything is written


def test_run__bad_scenario_and_out(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[economy]\nfund_retrn = 0.03\n", encoding="utf-8")
    result = runner.invoke(app, [*RUN, "--scenario", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "economy.fund_retrn: unknown key" in result.output

    late = tmp_path / "late.toml"
    late.write_text("[projection]\nend_year = 2150\n", encoding="utf-8")
    result = runner.invoke(app, ["run", "--scenario", str(late), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "projection.end_year: got 2150" in result.output
    assert "2100" in result.output

    a_file = tmp_path / "file"
    a_file.write_text("", encoding="utf-8")
    result = runner.invoke(app, [*RUN, "--out", str(a_file)])
    assert result.exit_code == 2
    assert "--out: " in result.output
    assert "is not a directory" in result.output


@pytest.mark.parametrize(
    ("error", "exit_code"),
    [(OSError(28, "No space left on device"), 1), (KeyboardInterrupt(), 130)],
)
def test_run__failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, exit_code: int
) -> None:
    def fail_midway(self: xr.Dataset, path: str | Path, *args: Any, **kwargs: Any) -> None:
        Path(path).write_bytes(b"half a file")  # the writer got some way, then failed
        raise error

    monkeypatch.setattr(xr.Dataset, "to_netcdf", fail_midway)
    fresh = tmp_path / "fresh"
    result = runner.invoke(app, [*RUN, "--quiet", "--out", str(fresh)])
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert not fresh.exists()  # the directory the run created is gone again, being empty

    # An earlier run's file is kept whole: the new one would only have replaced it complete.
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "results.nc").write_bytes(b"an earlier run")
    result = runner.invoke(app, [*RUN, "--quiet", "--out", str(kept)])
    assert result.exit_code == exit_code, result.output
    assert os.listdir(kept) == ["results.nc"]
    assert (kept / "results.nc").read_bytes() == b"an earlier run"
    if isinstance(error, OSError):
        assert "cannot write" in result.output
        assert "No space left on device" in result.output
    else:
        assert "interrupted: nothing written" in result.output


def test_run__help_lists_options() -> None:
    result = runner.invoke(app, ["run", "--help"])
    assert result.exit_code == 0
    for option in ("--scenario", "--draws", "--seed", "--end", "--out", "--no-process-risk",
                   "--deterministic", "--counties", "--quiet"):  # fmt: skip
        assert option in result.output


def test_write_results__bool_attrs_are_written_as_ints(tmp_path: Path) -> None:
    from actuarial.results import write_results

    ds = xr.Dataset(
        {"balance": ("year", [1.5, -2.0], {"audited": np.bool_(False)})},
        coords={"year": [2013, 2014]},
        attrs={"deterministic": True, "milestones": [2030, 2050]},
    )
    write_results(ds, tmp_path / "r.nc")
    assert os.listdir(tmp_path) == ["r.nc"]
    assert ds.attrs["deterministic"] is True  # the caller's Dataset is left as it was
    with xr.open_dataset(tmp_path / "r.nc", engine="h5netcdf") as back:
        assert back.attrs["deterministic"] == 1
        assert back["balance"].attrs["audited"] == 0
        assert list(back.attrs["milestones"]) == [2030, 2050]
        xr.testing.assert_equal(back, ds)


def test_open_results__gives_back_the_run(tmp_path: Path) -> None:
    import actuarial

    ds = actuarial.project(draws=2, end=2015, schemes=["unemployment", "dibao"])
    from actuarial.results import write_results

    write_results(ds, tmp_path / "r.nc")
    back = actuarial.open_results(tmp_path / "r.nc")
    for name in ds.data_vars:
        np.testing.assert_array_equal(back[name].values, ds[name].values, err_msg=name)
    assert back.attrs["milestones"] == ds.attrs["milestones"]
    assert back.attrs["income_variables"] == ds.attrs["income_variables"]
    assert back.solvency.summary_table().shape[0] == 20  # 10 counties x 2 schemes
    # The file is closed: it can be replaced straight away.
    write_results(ds, tmp_path / "r.nc")
    with pytest.raises(FileNotFoundError, match=r"^path: "):
        actuarial.open_results(tmp_path / "missing.nc")
