"""The notebooks: stored without outputs, as tools/build_notebooks.py writes them, and each
runs top to bottom within its time limit."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = [
    "01_baseline_solvency",
    "02_stress_scenarios",
    "03_reforms",
    "04_pooling_and_the_law_of_large_numbers",
    "05_backtest",
]
#: Each notebook must run top to bottom in under two minutes with its small draw counts.
LIMIT_S = 120


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", ROOT / "tools" / "build_notebooks.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks__are_the_five_of_the_generator() -> None:
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES
    assert list(_generator().NOTEBOOKS) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook__stored_without_outputs_as_generated(name: str) -> None:
    path = NOTEBOOKS / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.id
            assert cell.execution_count is None, cell.id
    # Edited by hand, or the generator changed without a rebuild: python tools/build_notebooks.py
    assert path.read_text(encoding="utf-8") == _generator().render(name)
    # Each tells its story in prose, not only in code.
    prose = [c for c in nb.cells if c.cell_type == "markdown"]
    assert len(prose) >= 4
    assert prose[0].source.startswith("# ")


@pytest.mark.parametrize("name", NAMES)
def test_notebook__runs_top_to_bottom_in_time(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    # Run where Jupyter would, in notebooks/ (03 reads ../examples/scenarios); the notebooks
    # write only to temporary directories.
    client = NotebookClient(
        nb,
        timeout=LIMIT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    assert elapsed < LIMIT_S, f"{name} took {elapsed:.0f} s"
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors
