"""Saving and opening projection results: NetCDF files, or Zarr stores for large runs,
that reopen as they were written.

``write_results`` writes atomically (a reader never sees a half-written file or store)
with light lossless compression and the projection's CF-style metadata
(``actuarial.projection``: ``Conventions``, ``units`` and ``long_name`` on every variable
and coordinate, ``axis`` on the year); a path ending in ``.zarr`` gives a
Zarr store (``pip install "actuarial[zarr]"``), chunked by draws so that a large run can be
read a piece at a time. ``open_results`` gives either back with the ``ds.solvency``
accessor ready and the attributes in their Python types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

import actuarial.solvency  # noqa: F401  (registers ds.solvency on what open_results returns)

__all__ = ["open_results", "write_results"]

#: Attributes stored as arrays in NetCDF that are lists in a fresh projection.
_LIST_ATTRS = ("milestones", "income_variables", "outgo_variables", "subsidy_levels")


def open_results(path: str | Path) -> xr.Dataset:
    """Open a results file written by ``actuarial run`` or :func:`write_results`.

    The data are loaded into memory and the file is closed, so it can be overwritten
    afterwards. List attributes (``milestones``, ``income_variables`` ...) come back as
    lists, as in a fresh projection.
    """
    path = Path(path)
    if path.suffix == ".zarr" and path.is_dir():
        with xr.open_zarr(path, consolidated=True) as ds:
            out: xr.Dataset = ds.load()
    elif not path.is_file():
        raise FileNotFoundError(
            f"path: {path} is not a file (expected a results.nc) or a results.zarr store"
        )
    else:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            out = ds.load()
    for key in _LIST_ATTRS:
        if key in out.attrs:
            value = out.attrs[key]
            items = np.atleast_1d(np.asarray(value)).tolist()
            out.attrs[key] = [str(v) if isinstance(v, str) else int(v) for v in items]
    if "balance" not in out.data_vars:
        raise ValueError(f"path: {path} holds no 'balance' variable: not a projection result")
    return out


def _netcdf_ready(ds: xr.Dataset) -> xr.Dataset:
    """A shallow copy whose attrs NetCDF can hold: h5netcdf rejects bools, so they become 0/1."""

    def fix(attrs: dict[Any, Any]) -> dict[Any, Any]:
        return {k: int(v) if isinstance(v, bool | np.bool_) else v for k, v in attrs.items()}

    out = ds.copy(deep=False)  # new Variable objects: the caller's attrs stay as they are
    out.attrs = fix(out.attrs)
    for var in out.variables.values():
        var.attrs = fix(var.attrs)
    return out


def write_results(ds: xr.Dataset, path: Path) -> None:
    """Write ``ds`` to ``path`` as NetCDF (h5netcdf), or as a Zarr store when ``path``
    ends in ``.zarr``, atomically.

    The file is written under a temporary name in the same directory and renamed over
    ``path`` in one step, so a reader never sees a half-written file and a failure or an
    interrupt leaves neither a partial ``path`` nor the temporary file behind.
    """
    # Light lossless compression: the float results shrink to well under half their size
    # for a few seconds more of writing, and read back bit for bit.
    encoding = {
        name: {"zlib": True, "complevel": 1, "shuffle": True}
        for name, var in ds.data_vars.items()
        if var.dtype.kind == "f"
    }
    from actuarial._atomic import atomic_path

    path = Path(path)
    if path.suffix == ".zarr":
        _write_zarr(ds, path)
        return
    with atomic_path(path) as tmp:
        _netcdf_ready(ds).to_netcdf(tmp, engine="h5netcdf", encoding=encoding)


def _write_zarr(ds: xr.Dataset, path: Path) -> None:
    try:
        import zarr  # noqa: F401
    except ImportError:
        raise ImportError(
            f"path: {path} asks for a Zarr store; pip install 'actuarial[zarr]' (or zarr)"
        ) from None
    from actuarial._atomic import atomic_path

    ready = _netcdf_ready(ds)
    # Lists in attributes are fine in Zarr (JSON); chunks of 64 draws read independently.
    chunks = {"draw": 64} if "draw" in ready.dims else {}
    if "all_draw" in ready.dims:
        chunks["all_draw"] = 65536
    ready = ready.chunk(chunks) if chunks else ready
    with atomic_path(path) as tmp:
        # Zarr format 2: read by every Zarr library, strings and consolidated metadata
        # included (format 3 has no specification yet for either).
        ready.to_zarr(tmp, mode="w", consolidated=True, zarr_format=2)
