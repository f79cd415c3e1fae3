"""Chunks of draws on a dask.distributed cluster give the local results, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from actuarial.projection import project

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    # Two worker processes, as on a small cluster: each rebuilds the model itself.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def test_cluster__bit_identical_to_the_local_run(client) -> None:  # type: ignore[no-untyped-def]
    kw = {"draws": 7, "seed": 9, "end": 2030, "chunk": 2}
    local = project(**kw)
    remote = project(**kw, client=client)
    for name in local.data_vars:
        np.testing.assert_array_equal(remote[name].values, local[name].values, err_msg=name)
    assert remote.attrs["assumptions_toml"] == local.attrs["assumptions_toml"]


def test_cluster__reforms_and_streaming_summaries(client) -> None:  # type: ignore[no-untyped-def]
    kw = {
        "draws": 9, "seed": 2, "end": 2035, "chunk": 4, "keep": "summary", "sample": 3,
        "schemes": ["work_injury_enterprise", "work_injury_institution", "unemployment"],
        "reforms": ["unify_work_injury:2016", "pooling_level:2018", "recession:2020"],
    }  # fmt: skip
    local = project(**kw)
    remote = project(**kw, client=client)
    for name in ("horizon_county", "horizon_city", "horizon_any", "balance", "transfers"):
        np.testing.assert_array_equal(remote[name].values, local[name].values, err_msg=name)
    assert remote.attrs["reforms"] == local.attrs["reforms"]


def test_cluster__not_a_client_is_named() -> None:
    with pytest.raises(TypeError, match=r"client: got str; expected a dask\.distributed\.Client"):
        project(draws=2, end=2015, schemes=["unemployment"], client="tcp://nowhere:8786")
