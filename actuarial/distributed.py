"""Chunks of draws on a dask.distributed cluster.

Each chunk of a projection is a pure function of the model and (seed, first draw, last
draw). The model itself is not sent: it holds compiled-kernel inputs that are cheap to
rebuild but large to ship, and reformed claims schemes whose classes are made at run time.
Each worker rebuilds it once from a small specification (the assumptions as JSON, the last
year, the schemes and the reforms as tables) and keeps it for the following chunks. The
chunks come back in any order and are written at their draws' indices, so a cluster run is
bit-identical to a local one (``tests/test_distributed.py`` checks it on a two-process
``LocalCluster``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from actuarial.projection import ChunkResult, Model

__all__ = ["map_chunks", "model_spec"]


def model_spec(model: Model) -> str:
    """The specification a worker rebuilds ``model`` from, as a JSON string."""
    from actuarial.reforms import as_tables

    return json.dumps(
        {
            "assumptions": model.pensions.assumptions.model_dump(mode="json"),
            "end": int(model.years[-1]),
            "schemes": list(model.schemes),
            "reforms": as_tables(model.reforms),
        },
        sort_keys=True,
    )


@functools.lru_cache(maxsize=4)
def _model(spec: str) -> Model:
    from actuarial.assumptions import Assumptions
    from actuarial.projection import Model
    from actuarial.reforms import coerce

    data = json.loads(spec)
    a = Assumptions.model_validate(data["assumptions"])
    return Model.build(a, data["end"], data["schemes"], coerce(data["reforms"]))


def _run(
    spec: str, seed: int, start: int, stop: int, *, process_risk: bool, deterministic: bool
) -> tuple[tuple[int, int], ChunkResult]:
    """One chunk on a worker."""
    model = _model(spec)
    part = model.run_chunk(
        seed, start, stop, process_risk=process_risk, deterministic=deterministic
    )
    return (start, stop), part


def map_chunks(
    client: Any,
    model: Model,
    seed: int,
    ranges: Sequence[tuple[int, int]],
    *,
    process_risk: bool,
    deterministic: bool,
) -> Iterator[tuple[tuple[int, int], ChunkResult]]:
    """Run each ``(start, stop)`` range of draws on ``client``'s workers; yield the
    results as they complete."""
    try:
        from distributed import as_completed
    except ImportError:  # pragma: no cover - the client itself needs distributed
        raise ImportError(
            "client: dask.distributed is not installed; pip install 'actuarial[dask]'"
        ) from None
    if not hasattr(client, "submit"):
        raise TypeError(f"client: got {type(client).__name__}; expected a dask.distributed.Client")
    spec = model_spec(model)
    # Scatter the specification once rather than with every task.
    [spec_future] = client.scatter([spec], broadcast=True)
    futures = [
        client.submit(
            _run,
            spec_future,
            seed,
            a,
            b,
            process_risk=process_risk,
            deterministic=deterministic,
            pure=False,
        )
        for a, b in ranges
    ]
    try:
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            yield future.result()
            future.release()
    finally:
        # An interrupted run (Ctrl-C, an error) leaves nothing queued on the cluster.
        client.cancel(futures)
