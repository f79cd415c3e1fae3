"""Streaming summaries: project(keep="summary") keeps every draw's depletion years and a
sample of whole draws, and gives exactly what keeping every draw gives."""

from __future__ import annotations

from pathlib import Path

import numba
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

import actuarial
from actuarial.cli import app
from actuarial.projection import project
from actuarial.streaming import NEVER, first_negative

KW = {"draws": 12, "seed": 7, "end": 2060}
AGGREGATES = ("county", "city", "any")


@pytest.fixture(scope="module")
def pair() -> tuple[xr.Dataset, xr.Dataset]:
    return project(**KW, chunk=5), project(**KW, keep="summary", sample=4, chunk=3)


def test_first_negative__by_hand() -> None:
    b = np.array([[1.0, -1.0, 2.0], [1.0, 0.0, 1.0], [-1.0, np.nan, -2.0], [np.nan, 1.0, -3.0]])
    assert first_negative(b).tolist() == [1, NEVER, 0, 2]


@pytest.mark.parametrize("aggregate", AGGREGATES)
def test_summary__horizons_and_probabilities_equal_keeping_every_draw(pair, aggregate) -> None:  # type: ignore[no-untyped-def]
    full, summary = pair
    np.testing.assert_array_equal(
        summary.solvency.horizon(aggregate).values, full.solvency.horizon(aggregate).values
    )
    xr.testing.assert_equal(
        summary.solvency.depletion_probability(aggregate),
        full.solvency.depletion_probability(aggregate),
    )
    xr.testing.assert_equal(
        summary.solvency.summary(aggregate=aggregate), full.solvency.summary(aggregate=aggregate)
    )


def test_summary__sample_is_the_first_draws_whole(pair) -> None:  # type: ignore[no-untyped-def]
    full, summary = pair
    assert summary.sizes["draw"] == 4
    assert summary.sizes["all_draw"] == 12
    assert summary.attrs["keep"] == "summary"
    assert summary.attrs["draws"] == 12
    for name in ("balance", "contributions", "benefits", "cpi"):
        np.testing.assert_array_equal(
            summary[name].values, full[name].isel(draw=slice(0, 4)).values
        )
    # The dibao has no fund: no horizon.
    assert summary["horizon_county"].sel(scheme="dibao").isnull().all()


def test_summary__does_not_depend_on_chunks_or_threads() -> None:
    kw = {
        **KW,
        "keep": "summary",
        "sample": 2,
        "schemes": ["enterprise_pension", "work_injury_enterprise"],
    }
    one = project(**kw, chunk=1)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        single = project(**kw, chunk=12)
    finally:
        numba.set_num_threads(threads)
    for name in ("horizon_county", "horizon_city", "horizon_any", "balance"):
        np.testing.assert_array_equal(one[name].values, single[name].values, err_msg=name)


def test_summary__memory_kept_per_draw_is_the_horizons_alone() -> None:
    # Doubling the draws adds only the horizons, float32: 4 bytes per draw and cell of the
    # three horizon variables, nothing that grows with the years.
    kw = {"end": 2030, "keep": "summary", "sample": 1, "schemes": ["unemployment", "dibao"]}
    small = project(draws=4, **kw)
    big = project(draws=8, **kw)
    cells = 10 * 2 + 2 + 2  # county x scheme, city, any
    assert big.nbytes - small.nbytes == 4 * 4 * cells


def test_summary__bad_keep_is_named() -> None:
    with pytest.raises(ValueError, match="keep: got 'all'; allowed: 'draws' or 'summary'"):
        project(draws=1, end=2014, keep="all")


def test_cli__keep_summary_writes_a_file_that_reopens_exactly(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app,
        ["run", "--draws", "6", "--end", "2030", "--keep", "summary", "--sample", "2",
         "-s", "work_injury_enterprise", "--out", str(out), "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    saved = actuarial.open_results(out / "results.nc")
    assert saved.sizes["draw"] == 2
    direct = project(draws=6, end=2030, schemes=["work_injury_enterprise"])
    xr.testing.assert_equal(
        saved.solvency.depletion_probability("city"), direct.solvency.depletion_probability("city")
    )
    assert (out / "depletion.png").exists()
    assert (out / "fan_chart.png").exists()


def test_cli__bad_keep_and_scheduler_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("actuarial.cli.SCHEDULER_TIMEOUT", "1s")
    runner = CliRunner()
    bad = runner.invoke(app, ["run", "--keep", "some", "--out", str(tmp_path / "a"), "-q"])
    assert bad.exit_code == 2
    assert "--keep: got 'some'" in bad.output
    nowhere = runner.invoke(
        app,
        [
            "run",
            "--draws",
            "2",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--out",
            str(tmp_path / "b"),
            "-q",
        ],
    )
    assert nowhere.exit_code == 2
    assert "--scheduler tcp://127.0.0.1:1: cannot connect" in nowhere.output
    assert not (tmp_path / "b").exists()


def test_zarr__round_trip_atomic_and_cf_attributes(tmp_path: Path) -> None:
    pytest.importorskip("zarr")
    from actuarial.results import write_results

    ds = project(draws=3, end=2020, schemes=["unemployment", "dibao"], keep="summary", sample=2)
    path = tmp_path / "results.zarr"
    write_results(ds, path)
    write_results(ds, path)  # over an existing store: replaced whole
    back = actuarial.open_results(path)
    for name in ds.data_vars:
        np.testing.assert_array_equal(back[name].values, ds[name].values, err_msg=name)
    assert back.attrs["Conventions"] == "CF-1.10"
    assert back["year"].attrs["axis"] == "T"
    assert back["balance"].attrs["units"] == "CNY"
    xr.testing.assert_equal(
        back.solvency.depletion_probability("city"), ds.solvency.depletion_probability("city")
    )
    # Nothing temporary is left beside the store.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.zarr"]


def test_atomic__a_failed_store_leaves_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("zarr")
    from actuarial.results import write_results

    ds = project(draws=2, end=2016, schemes=["unemployment"])
    path = tmp_path / "r.zarr"
    write_results(ds, path)

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(xr.Dataset, "to_zarr", boom)
    with pytest.raises(KeyboardInterrupt):
        write_results(ds, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.zarr"]
    np.testing.assert_array_equal(
        actuarial.open_results(path)["balance"].values, ds["balance"].values
    )


def test_cli__format_zarr_and_a_bad_format(tmp_path: Path) -> None:
    pytest.importorskip("zarr")
    runner = CliRunner()
    result = runner.invoke(
        app, ["run", "--draws", "2", "--end", "2016", "-s", "unemployment", "--format", "zarr",
              "--out", str(tmp_path / "z"), "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "results.zarr" in result.output
    assert actuarial.open_results(tmp_path / "z" / "results.zarr").sizes["draw"] == 2
    bad = runner.invoke(app, ["run", "--format", "hdf", "--out", str(tmp_path / "b"), "-q"])
    assert bad.exit_code == 2
    assert "--format: got 'hdf'; allowed: netcdf or zarr" in bad.output
    assert not (tmp_path / "b").exists()
