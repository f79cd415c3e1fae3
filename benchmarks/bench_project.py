"""Speed and memory of ``actuarial.project()`` on the full baseline: all 14 schemes, 10
counties, 2013-2100.

    python benchmarks/bench_project.py [--quick] [--out DIR] [--budget-s S]

Writes ``bench_project.json`` (every figure, with the machine) and ``bench_project.png``
to ``DIR`` (default ``benchmarks/results``) and prints a markdown table with the targets.
``benchmarks/README.md`` says what each figure is and how it is measured.

Every measurement runs in a fresh child process (this script, ``--child``), with
``NUMBA_NUM_THREADS`` set and the on-disk numba cache warm (except the cold compile), so
that no run inherits another's compiled code, thread pool or peak memory. This process
only starts the children, fits lines and draws the chart, so it stays small: a child's
``ru_maxrss`` would otherwise start at this process's peak (Linux carries it over ``exec``).

The full run takes about 14 minutes on 2 cores; it prints its own estimate at the start,
from a short calibration. ``--quick`` runs every measurement at toy sizes in under a
minute and prints what the full run would take at the speeds it measured.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Measure the working tree, not whatever copy of the package happens to be installed.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_OUT = ROOT / "benchmarks" / "results"
SEED = 0
N_SEXES = 2
N_AGES = 101
CELLS = "draws x counties x schemes x 2 sexes x 101 ages x years"
#: Wall nanoseconds per cohort-cell-year, by process risk (on, off).
TARGET_NS = {True: 3.0, False: 1.0}
#: Wall seconds of ``actuarial run --draws 100 --quiet`` with a warm cache.
TARGET_WARM_S = 3.0
#: Draws extrapolated to for keep="summary".
MILLION = 1_000_000
GIB = 2**30
MIB = 2**20
# A warm-up slower than this compiled something: the cache was stale (a kernel's source
# changed since it was written), so that child primed the cache.
COMPILED_S = 10.0
# Guesses for the start-of-run estimate, before anything comparable has been measured:
# a cold compile of every kernel (45 s on an idle 2-core EPYC, 70 s with another job on
# it), the numpy references' seconds per draw-year of the small case, and the CLI's
# NetCDF file and charts for 100 draws.
COLD_GUESS_S = 60.0
REF_GUESS_S_PER_DRAW_YEAR = 0.5
WRITE_GUESS_S = 3.0
# Other processes using more CPU than this (in cores) during a run slowed it down.
BUSY_CORES = 0.25
# Free memory kept aside when deciding whether a keep="draws" run fits in RAM.
HEADROOM_BYTES = 1.5 * GIB
# Predicted times are padded by this factor when deciding whether an optional run fits.
SAFETY = 1.1
KERNEL_REPEAT_S = 0.2  # a kernel call of the reference case is repeated this long, best kept
# The command line the ``actuarial`` console script runs, pointed at this working tree.
CLI = "import sys; from actuarial.cli import app; sys.argv[0] = 'actuarial'; sys.exit(app())"


@dataclass(frozen=True)
class Mode:
    """The sizes of one kind of run."""

    name: str
    small: int  # draws of the {1, 2} threads x process risk {on, off} grid
    large: int  # draws of the 2-thread runs: process risk on; off if time allows
    scaling_draws: tuple[int, ...]  # time vs draws (process risk off, 2 threads)
    scaling_ends: tuple[int, ...]  # time vs horizon, at scaling_ends_draws
    scaling_ends_draws: int
    subset_draws: int  # pensions / claims / all schemes, process risk on
    summary_draws: tuple[int, int]  # keep="summary" memory, process risk off
    summary_sample: int
    ref_draws: int  # kernels against the numpy references
    ref_end: int
    cold_schemes: tuple[str, ...] | None  # None: every scheme
    cli_args: tuple[str, ...]  # warm start: `actuarial run ARGS --quiet --out TMP`
    # Draws of each calibration run, process risk on and off: enough that the draws take
    # longer than project()'s fixed cost (~0.5 s), so that their cost can be told from it.
    calibration: tuple[int, int]
    cold_guess_s: float  # the cold compile, for the start-of-run estimate
    budget_s: float  # the whole run; optional runs are made only if they fit


FULL = Mode(
    name="full",
    small=1000,
    large=10_000,
    scaling_draws=(250, 500, 1000),
    scaling_ends=(2040, 2070, 2100),
    scaling_ends_draws=500,
    subset_draws=250,
    summary_draws=(2000, 6000),
    summary_sample=100,  # project()'s default
    ref_draws=2,
    ref_end=2020,
    cold_schemes=None,
    cli_args=("--draws", "100"),
    calibration=(32, 64),
    cold_guess_s=COLD_GUESS_S,
    budget_s=870.0,
)
# CI smoke run: every code path at toy sizes. The cold compile covers one small scheme
# (the scenario, population and dibao kernels, ~15 s) rather than all of them (~60 s).
QUICK = Mode(
    name="quick",
    small=8,
    large=32,
    scaling_draws=(4, 8, 16),
    scaling_ends=(2040, 2070, 2100),
    scaling_ends_draws=4,
    subset_draws=4,
    # Both at two chunks (of 64 draws) or more: up to then the chunks' buffers grow with
    # the draws, and would be taken for memory kept per draw.
    summary_draws=(128, 192),
    summary_sample=4,
    ref_draws=1,
    ref_end=2015,
    cold_schemes=("dibao",),
    cli_args=("--draws", "4", "--end", "2015"),
    calibration=(8, 32),
    cold_guess_s=18.0,
    budget_s=60.0,
)

_T0 = time.perf_counter()


def log(msg: str) -> None:
    # Section headers carry the time since the start, to show where a run's time goes.
    if msg.startswith("=="):
        msg = f"{msg}  [{time.perf_counter() - _T0:.0f} s]"
    print(msg, flush=True)


# --------------------------------------------------------------------------- measuring


def _rss_now() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return _maxrss()
    return pages * os.sysconf("SC_PAGE_SIZE")


def _maxrss() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss) if sys.platform == "darwin" else int(rss) * 1024  # macOS: bytes


def _vmhwm() -> int | None:
    """High-water mark of this process's own address space (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _busy_s() -> float | None:
    """CPU seconds the whole machine has been busy since boot, or None."""
    try:
        ticks = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal: all but idle and iowait
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float | None]:
    """``fn()``, its wall time, and the CPU that other processes used meanwhile, in cores:
    above ~0.25 the machine was shared and the time is slower than the code."""
    gc.collect()
    busy0, own0, t0 = _busy_s(), _own_cpu_s(), time.perf_counter()
    value = fn()
    wall = time.perf_counter() - t0
    busy1, own1 = _busy_s(), _own_cpu_s()
    if busy0 is None or busy1 is None:
        return value, wall, None
    return value, wall, max(0.0, (busy1 - busy0) - (own1 - own0)) / wall


def _mem_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


# --------------------------------------------------------------------------- children


def _describe() -> dict[str, Any]:
    """The case and the numeric stack, as the package sees them."""
    import numba

    from actuarial import load_assumptions
    from actuarial.claims import CLAIMS_SCHEMES
    from actuarial.pensions import PENSION_SCHEMES
    from actuarial.registry import counties, schemes

    a = load_assumptions()
    return {
        "base_year": a.projection.base_year,
        "end_year": a.projection.end_year,
        "counties": counties(),
        "schemes": schemes(),
        "pension_schemes": list(PENSION_SCHEMES),
        "claims_schemes": list(CLAIMS_SCHEMES),
        "numba_default_threads": numba.config.NUMBA_NUM_THREADS,
        "threading_layer": numba.threading_layer(),
    }


def child_project(spec: dict[str, Any]) -> dict[str, Any]:
    """Imports, a warm-up, then the timed ``project()`` calls of ``spec["runs"]``; the peak
    RSS covers all of them (a memory figure is taken from a child with one run)."""
    t0 = time.perf_counter()
    import numba

    from actuarial import project

    import_s = time.perf_counter() - t0
    if spec.get("oom_first"):
        # If the machine runs out of memory, this child is the one to stop, not someone
        # else's work (raising one's own score needs no privilege).
        with contextlib.suppress(OSError):
            Path("/proc/self/oom_score_adj").write_text("1000")
    rss_imports, maxrss_imports = _rss_now(), _maxrss()
    # Loads every kernel from the cache (or compiles a stale one) and starts the thread
    # pool, so that the timed runs measure the projection only.
    _, warmup_s, _ = _timed(lambda: project(draws=1, end=spec["warmup_end"]))
    rss_warm = _rss_now()
    runs = []
    for r in spec["runs"]:
        numba.set_num_threads(r.get("threads", numba.config.NUMBA_NUM_THREADS))
        kwargs = {k: r[k] for k in ("draws", "process_risk", "end", "schemes", "keep", "sample")}
        ds, wall, other = _timed(lambda kw=kwargs: project(seed=SEED, **kw))
        runs.append(
            {
                **r,
                "threads": numba.get_num_threads(),
                "wall_s": wall,
                "other_cores": other,
                "sizes": {str(k): int(v) for k, v in ds.sizes.items()},
                "dataset_nbytes": int(ds.nbytes),
            }
        )
        del ds
    maxrss, hwm = _maxrss(), _vmhwm()
    out = {
        "import_s": import_s,
        "warmup_s": warmup_s,
        "compiled_in_warmup": warmup_s > COMPILED_S,
        "rss_after_imports_bytes": rss_imports,
        "rss_after_warmup_bytes": rss_warm,
        "maxrss_after_imports_bytes": maxrss_imports,
        "maxrss_bytes": maxrss,
        "vmhwm_bytes": hwm,
        # ru_maxrss, as asked; VmHWM (the same figure, from the kernel's per-process
        # counter) is kept beside it as a check.
        "peak_above_imports_bytes": maxrss - rss_imports,
        "runs": runs,
    }
    if spec.get("describe"):
        out["describe"] = _describe()
    return out


def _capture(
    model: Any, draws: int, process_risk: bool
) -> list[tuple[str, str, Any, tuple[Any, ...], dict[str, Any]]]:
    """Every kernel call of one chunk, scheme by scheme: (scheme, kernel module, kernel,
    args, kwargs). The calls are the package's own, so the comparison follows any change
    of a kernel's arguments; the kernels run as usual meanwhile."""
    import importlib
    from unittest import mock

    import numpy as np

    from actuarial.scenarios import generate

    calls: list[tuple[str, str, Any, tuple[Any, ...], dict[str, Any]]] = []
    label = [""]
    patches = []
    for module, name in REFERENCE_KERNELS.items():
        mod = importlib.import_module(f"kernels.{module}")
        real = getattr(mod, name)

        def spy(*args: Any, _real: Any = real, _module: str = module, **kwargs: Any) -> Any:
            calls.append((label[0], _module, _real, args, kwargs))
            return _real(*args, **kwargs)

        patches.append(mock.patch.object(mod, name, spy))
    ids = np.arange(draws, dtype=np.int64)
    pm = model.pensions
    paths = generate(pm.assumptions, seed=SEED, draws=ids, years=model.years)
    population = pm.population(SEED, ids, paths, process_risk=process_risk)
    with contextlib.ExitStack() as stack:
        for p in patches:
            stack.enter_context(p)
        label[0] = "pensions"
        pm.run_chunk(SEED, ids, paths, process_risk=process_risk, population=population)
        for scheme in model.claims:
            label[0] = scheme.code
            scheme.run_chunk(SEED, ids, paths, population, process_risk=process_risk)
    return calls


#: The kernels with a numpy twin ``tests/reference_<module>.py`` of the same signature.
REFERENCE_KERNELS = {
    "cohort": "project_pensions",
    "medical": "project_medical",
    "unemployment": "project_unemployment",
    "work_injury": "project_work_injury",
    "maternity": "project_maternity",
    "dibao": "project_dibao",
}


def _compare(got: Any, want: Any) -> dict[str, Any]:
    import numpy as np

    # Relative to each value, with a floor of 1e-3 of the largest value of the output (a
    # balance crossing zero has no relative precision); sums taken in another order differ
    # in the last bits.
    floor = max(1e-3 * float(np.nanmax(np.abs(want))), 1e-300)
    rel = np.abs(got - want) / np.maximum(np.abs(want), floor)
    return {
        "identical": bool(np.array_equal(got, want, equal_nan=True)),
        "max_rel_diff": float(np.nanmax(rel)),
    }


def child_reference(spec: dict[str, Any]) -> dict[str, Any]:
    """Each kernel against its numpy twin on the same inputs, one thread."""
    import importlib
    import inspect

    import numpy as np

    from actuarial import load_assumptions
    from actuarial.projection import Model

    # The references import their sibling twins (reference_sampling, ...) by plain name.
    sys.path.insert(0, str(ROOT / "tests"))
    model = Model.build(load_assumptions(), spec["end"])
    cases = []
    for risk in (True, False):
        for scheme, module, kernel, args, kwargs in _capture(model, spec["draws"], risk):
            ref = getattr(importlib.import_module(f"reference_{module}"), REFERENCE_KERNELS[module])
            if list(inspect.signature(ref).parameters) != list(
                inspect.signature(kernel.py_func).parameters
            ):
                cases.append({"scheme": scheme, "kernel": module, "skipped": "signatures differ"})
                continue

            def call(fn: Any, copy: bool, a: tuple[Any, ...] = args, kw: dict = kwargs) -> Any:
                # Outputs go to a fresh array; the kernel gets the very input arrays of the
                # package's call (a copy could differ in layout or writeability and make
                # numba compile another specialisation), the reference copies.
                def dup(x: Any) -> Any:
                    return np.copy(x) if copy and isinstance(x, np.ndarray) else x

                if "out" in kw:
                    out = np.full_like(kw["out"], np.nan)
                    fn(*map(dup, a), **{k: dup(v) for k, v in kw.items() if k != "out"}, out=out)
                else:
                    out = np.full_like(a[-1], np.nan)
                    fn(*map(dup, a[:-1]), out, **{k: dup(v) for k, v in kw.items()})
                return out

            # Calls of a fraction of a millisecond: the best of as many as fit in
            # KERNEL_REPEAT_S (at most 1,000) is the kernel's time, not the noise's.
            got, kernel_s, spent, reps = None, float("inf"), 0.0, 0
            while (spent < KERNEL_REPEAT_S and reps < 1000) or got is None:
                t0 = time.perf_counter()
                got = call(kernel, False)
                wall = time.perf_counter() - t0
                kernel_s, spent, reps = min(kernel_s, wall), spent + wall, reps + 1
            want, ref_s, _ = _timed(lambda r=ref: call(r, True))
            cases.append(
                {
                    "scheme": scheme,
                    "kernel": module,
                    "process_risk": risk,
                    "kernel_s": kernel_s,
                    "reference_s": ref_s,
                    "ratio": ref_s / kernel_s,
                    **_compare(got, want),
                }
            )
    years = model.years
    return {
        "draws": spec["draws"],
        "first_year": int(years[0]),
        "last_year": int(years[-1]),
        "cases": cases,
    }


def child_cold(spec: dict[str, Any]) -> dict[str, Any]:
    """Import and the first tiny ``project()`` with an empty cache: compilation."""
    t0 = time.perf_counter()
    from actuarial import project

    import_s = time.perf_counter() - t0
    kwargs = {"draws": 1, "end": spec["end"], "schemes": spec["schemes"]}
    _, first_s, _ = _timed(lambda: project(**kwargs))
    _, second_s, _ = _timed(lambda: project(**kwargs))
    return {"import_s": import_s, "first_project_s": first_s, "second_project_s": second_s}


CHILDREN = {"project": child_project, "reference": child_reference, "cold": child_cold}


def run_child(
    kind: str, spec: dict[str, Any], *, threads: int, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``kind`` in a fresh interpreter with ``threads`` numba threads and the cache on;
    its last stdout line is its result. A failure is returned, not raised, so that one
    broken measurement leaves the others."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    full_env = {
        **os.environ,
        "PYTHONPATH": path,
        "NUMBA_NUM_THREADS": str(threads),
        "ACTUARIAL_NUMBA_CACHE": "1",
        **(env or {}),
    }
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, json.dumps(spec)]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=full_env, check=False)
    wall = time.perf_counter() - t0
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        why = f"exit status {res.returncode}" + (" (killed: out of memory?)" * (res.returncode < 0))
        log(f"  ! {kind} child failed: {why}\n{res.stderr[-1200:]}")
        return {"error": why, "stderr_tail": res.stderr[-2000:], "process_wall_s": wall}
    out: dict[str, Any] = json.loads(lines[-1])
    out["process_wall_s"] = wall
    out["numba_num_threads"] = threads
    out["loadavg_1min_after"] = os.getloadavg()[0]
    return out


# --------------------------------------------------------------------------- the plan


def _run(draws: int, risk: bool, *, end: int | None = None, **kw: Any) -> dict[str, Any]:
    return {
        "draws": draws,
        "process_risk": risk,
        "end": end,
        "schemes": kw.get("schemes"),
        "keep": kw.get("keep", "draws"),
        "sample": kw.get("sample", 100),
        **({"threads": kw["threads"]} if "threads" in kw else {}),
    }


@dataclass
class Rates:
    """What the time of a run is made of, for the estimates."""

    child_s: float  # interpreter, imports and warm-up of one child
    fixed_s: float  # one project() besides its draws: model, sinks, labels
    per_draw: dict[str, float]  # seconds a draw, full horizon, all schemes, by _cfg()
    ref_s_per_draw_year: float
    cold_s: float
    write_s: float
    years: int  # of the full horizon

    def project(self, draws: int, risk: bool, threads: int, years: int | None = None) -> float:
        share = (years or self.years) / self.years
        return self.fixed_s + draws * share * self.per_draw[_cfg(risk, threads)]


def _cfg(risk: bool, threads: int) -> str:
    return f"risk {'on' if risk else 'off'}, {threads} thr"


def plan(mode: Mode, r: Rates, threads: list[int], base: int) -> list[tuple[str, float]]:
    """Each measurement of ``mode`` with its predicted seconds (the optional 10,000-draw
    run without process risk last)."""
    most = max(threads)
    n_on, n_off = mode.calibration
    calibration = r.project(1, False, most) + sum(
        r.project(n_on if risk else n_off, risk, t) for risk in (True, False) for t in threads
    )
    items = [("calibration", r.child_s + calibration)]
    items += [
        (f"{mode.small:,} draws, {_cfg(risk, t)}", r.child_s + r.project(mode.small, risk, t))
        for risk in (True, False)
        for t in threads
    ]
    ref_years = mode.ref_end - base + 1
    items.append(
        ("kernels vs references", r.child_s + r.ref_s_per_draw_year * mode.ref_draws * ref_years)
    )
    scaling = sum(r.project(n, False, most) for n in mode.scaling_draws)
    scaling += sum(
        r.project(mode.scaling_ends_draws, False, most, end - base + 1)
        for end in mode.scaling_ends
        # made once for both series
        if not (end == base + r.years - 1 and mode.scaling_ends_draws in mode.scaling_draws)
    )
    # Pensions alone, claims alone and all 14, each counted as all 14 (an upper bound).
    scaling += 3 * r.project(mode.subset_draws, True, most)
    items.append(("scaling", r.child_s + scaling))
    items += [
        (f"keep=summary, {n:,} draws", r.child_s + r.project(n, False, most))
        for n in mode.summary_draws
    ]
    items.append(("cold compile", r.cold_s))
    cli_draws = int(mode.cli_args[1])
    items.append(("warm start (CLI)", r.child_s + r.project(cli_draws, True, most) + r.write_s))
    items.append(
        (f"{mode.large:,} draws, {_cfg(True, most)}", r.child_s + r.project(mode.large, True, most))
    )
    items.append(
        (
            f"optional: {mode.large:,} draws, {_cfg(False, most)}",
            r.child_s + r.project(mode.large, False, most),
        )
    )
    return items


def _log_plan(title: str, items: list[tuple[str, float]], budget: float) -> float:
    required = sum(s for name, s in items if not name.startswith("optional"))
    log(f"{title}: {required:.0f} s ({required / 60:.1f} min) with the optional run left out;")
    log(f"  {required + items[-1][1]:.0f} s with it (budget {budget:.0f} s)")
    for name, s in items:
        log(f"    {name:<42s} {s:7.1f} s")
    return required


# --------------------------------------------------------------------------- the parts


def _entry(child: dict[str, Any], run_index: int = 0) -> dict[str, Any]:
    """A throughput row from run ``run_index`` of a child. The peak RSS is the child's: a
    run's own only in a child with one run."""
    r = child["runs"][run_index]
    s = r["sizes"]
    cells = r["draws"] * s["county"] * s["scheme"] * s["year"] * N_SEXES * N_AGES
    ns = r["wall_s"] * 1e9 / cells
    target = TARGET_NS[r["process_risk"]]
    return {
        "draws": r["draws"],
        "threads": r["threads"],
        "process_risk": r["process_risk"],
        "keep": r["keep"],
        "counties": s["county"],
        "schemes": s["scheme"],
        "years": s["year"],
        "wall_s": r["wall_s"],
        "cells": cells,
        "cells_per_s": cells / r["wall_s"],
        "ns_per_cell": ns,
        # Wall time x threads: the CPU cost, the same at 1 and 2 threads if the parallel
        # loop over draws scales perfectly.
        "core_ns_per_cell": ns * r["threads"],
        "target_ns": target,
        "met": ns <= target,
        "peak_rss_above_imports_bytes": child["peak_above_imports_bytes"],
        "rss_after_imports_bytes": child["rss_after_imports_bytes"],
        "maxrss_bytes": child["maxrss_bytes"],
        "vmhwm_bytes": child["vmhwm_bytes"],
        "dataset_nbytes": r["dataset_nbytes"],
        "import_s": child["import_s"],
        "warmup_s": child["warmup_s"],
        "compiled_in_warmup": child["compiled_in_warmup"],
        "process_wall_s": child["process_wall_s"],
        "other_cores": r["other_cores"],
    }


def _row(e: dict[str, Any]) -> str:
    other = "" if e["other_cores"] is None else f"{e['other_cores']:.2f}"
    return (
        f"  {e['draws']:>7,} draws  {_cfg(e['process_risk'], e['threads']):<16s} "
        f"{e['wall_s']:8.2f} s  {e['cells_per_s'] / 1e6:8.1f} Mcell/s  "
        f"{e['ns_per_cell']:6.2f} ns (target {e['target_ns']:g})  "
        f"peak +{e['peak_rss_above_imports_bytes'] / MIB:,.0f} MiB  other {other}"
    )


def throughput(
    draws: int,
    risk: bool,
    threads: int,
    *,
    warmup_end: int,
    keep: str = "draws",
    sample: int = 100,
    oom_first: bool = False,
) -> dict[str, Any]:
    """One configuration in a fresh child: one timed project() and its peak RSS."""
    runs = [_run(draws, risk, keep=keep, sample=sample)]
    spec = {"warmup_end": warmup_end, "runs": runs, "oom_first": oom_first}
    child = run_child("project", spec, threads=threads)
    if "error" in child:
        return {"draws": draws, "threads": threads, "process_risk": risk, "error": child["error"]}
    e = _entry(child)
    log(_row(e))
    return e


def fit(x: list[float], y: list[float]) -> dict[str, float]:
    """Least-squares line ``y = intercept + slope x`` and its R^2."""
    import numpy as np

    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    slope, intercept = np.polyfit(xa, ya, 1)
    resid = float(np.sum((ya - (intercept + slope * xa)) ** 2))
    total = float(np.sum((ya - ya.mean()) ** 2))
    return {
        "intercept": float(intercept),
        "slope": float(slope),
        "r2": 1.0 - resid / total if total > 0 else 1.0,
    }


def scaling(mode: Mode, threads: int, base: int, case: dict[str, Any]) -> dict[str, Any]:
    """Time vs draws and vs horizon (process risk off: the cheap case, where fixed costs
    show most), and by scheme family (process risk on: where the time goes)."""
    pensions, claims = case["pension_schemes"], case["claims_schemes"]
    last = case["last_year"]
    wanted = [_run(n, False, end=last) for n in mode.scaling_draws]
    wanted += [_run(mode.scaling_ends_draws, False, end=end) for end in mode.scaling_ends]
    families = {"pensions": pensions, "claims": claims, "all": None}
    wanted += [_run(mode.subset_draws, True, end=last, schemes=s) for s in families.values()]
    # A run in both series (the full horizon at the horizon series' draws) is made once.
    keys = [json.dumps(r, sort_keys=True) for r in wanted]
    unique = list(dict.fromkeys(keys))
    runs = [json.loads(k) for k in unique]
    child = run_child("project", {"warmup_end": base + 2, "runs": runs}, threads=threads)
    if "error" in child:
        return {"error": child["error"]}
    entries = [_entry(child, unique.index(k)) for k in keys]
    nd, ne = len(mode.scaling_draws), len(mode.scaling_ends)
    by_draws, by_years, by_family = entries[:nd], entries[nd : nd + ne], entries[nd + ne :]
    out: dict[str, Any] = {"threads": threads}
    out["draws"] = {
        "process_risk": False,
        "draws": [e["draws"] for e in by_draws],
        "wall_s": [e["wall_s"] for e in by_draws],
        "ns_per_cell": [e["ns_per_cell"] for e in by_draws],
        "fit": fit([e["draws"] for e in by_draws], [e["wall_s"] for e in by_draws]),
    }
    out["years"] = {
        "process_risk": False,
        "draws": mode.scaling_ends_draws,
        "end": list(mode.scaling_ends),
        "years": [e["years"] for e in by_years],
        "wall_s": [e["wall_s"] for e in by_years],
        "ns_per_cell": [e["ns_per_cell"] for e in by_years],
        "fit": fit([e["years"] for e in by_years], [e["wall_s"] for e in by_years]),
    }
    out["counties"] = {
        "skipped": "project() has no argument to choose counties: every run projects all 10 "
        "(the city level and nine counties), so time vs counties cannot be measured through "
        "the API; scheme subsets stand in ('schemes')"
    }
    out["schemes"] = {
        "process_risk": True,
        "draws": mode.subset_draws,
        "families": {
            name: {"schemes": e["schemes"], "wall_s": e["wall_s"], "ns_per_cell": e["ns_per_cell"]}
            for name, e in zip(families, by_family, strict=True)
        },
    }
    d, y = out["draws"], out["years"]
    log(
        "  vs draws   "
        + ", ".join(f"{n:,}: {w:.2f} s" for n, w in zip(d["draws"], d["wall_s"], strict=True))
        + f"; fit {d['fit']['intercept']:.2f} s + {d['fit']['slope'] * 1e3:.2f} ms/draw, "
        f"R^2 {d['fit']['r2']:.5f}"
    )
    log(
        "  vs years   "
        + ", ".join(f"{n}: {w:.2f} s" for n, w in zip(y["years"], y["wall_s"], strict=True))
        + f"; fit {y['fit']['intercept']:.2f} s + {y['fit']['slope'] * 1e3:.1f} ms/year, "
        f"R^2 {y['fit']['r2']:.5f}"
    )
    log(
        "  by family  "
        + ", ".join(
            f"{k} ({v['schemes']}): {v['wall_s']:.2f} s"
            for k, v in out["schemes"]["families"].items()
        )
        + " (process risk on)"
    )
    # The peak of a child with several runs belongs to none of them.
    peaks = ("peak_rss_above_imports_bytes", "maxrss_bytes", "vmhwm_bytes")
    out["entries"] = [{k: v for k, v in e.items() if k not in peaks} for e in entries]
    return out


def summary_memory(mode: Mode, threads: int, base: int) -> dict[str, Any]:
    """Peak RSS of keep="summary" at two draw counts, each in a fresh child, the line
    through them, and where it would reach at a million draws."""
    points = []
    for n in mode.summary_draws:
        e = throughput(
            n, False, threads, warmup_end=base + 2, keep="summary", sample=mode.summary_sample
        )
        if "error" in e:
            return {"error": e["error"]}
        points.append(e)
    x = [float(p["draws"]) for p in points]
    peak = fit(x, [float(p["peak_rss_above_imports_bytes"]) for p in points])
    kept = fit(x, [float(p["dataset_nbytes"]) for p in points])
    out = {
        "process_risk": False,
        "threads": threads,
        "sample": mode.summary_sample,
        "points": points,
        "peak_bytes_per_draw": peak["slope"],
        "peak_intercept_bytes": peak["intercept"],
        "dataset_bytes_per_draw": kept["slope"],
        "extrapolated_draws": MILLION,
        "extrapolated_peak_above_imports_bytes": peak["intercept"] + peak["slope"] * MILLION,
        "extrapolation": "not measured: the line through the two peaks of "
        f"project(keep='summary', sample={mode.summary_sample}, process_risk=False) above "
        f"the child's RSS after imports ({points[0]['draws']:,} and {points[1]['draws']:,} "
        f"draws, {threads} threads), taken to {MILLION:,} draws; it assumes memory stays "
        "linear in the draws",
    }
    log(
        f"  keep=summary: {peak['slope'] / 1024:,.2f} KiB/draw of peak RSS "
        f"({kept['slope']:,.0f} B/draw kept in the Dataset); {MILLION:,} draws: "
        f"~{out['extrapolated_peak_above_imports_bytes'] / GIB:,.2f} GiB (extrapolated)"
    )
    return out


def startup(mode: Mode, base: int) -> dict[str, Any]:
    """Cold compile (empty numba cache in a temporary folder) and warm start of the CLI."""
    out: dict[str, Any] = {}
    cache = tempfile.mkdtemp(prefix="bench-numba-cache-")
    try:
        end = base + 2
        cold = run_child(
            "cold",
            {"end": end, "schemes": None if mode.cold_schemes is None else list(mode.cold_schemes)},
            threads=_machine_threads(),
            env={"NUMBA_CACHE_DIR": cache},
        )
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    what = "all 14 schemes" if mode.cold_schemes is None else ", ".join(mode.cold_schemes)
    cold["call"] = f"project(draws=1, end={end}) of {what}, NUMBA_CACHE_DIR empty"
    out["cold"] = cold
    if "error" not in cold:
        log(
            f"  cold compile ({what}): import {cold['import_s']:.2f} s, first tiny project() "
            f"{cold['first_project_s']:.1f} s (again in the same process: "
            f"{cold['second_project_s']:.2f} s); whole process {cold['process_wall_s']:.1f} s"
        )
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        cmd = [sys.executable, "-c", CLI, "run", *mode.cli_args, "--quiet", "--out", f"{tmp}/out"]
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        env = {**os.environ, "PYTHONPATH": path, "ACTUARIAL_NUMBA_CACHE": "1"}
        t0 = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - t0
    warm: dict[str, Any] = {
        "command": "actuarial run " + " ".join(mode.cli_args) + " --quiet --out TMP",
        "wall_s": wall,
        "target_s": TARGET_WARM_S,
        "met": wall <= TARGET_WARM_S and res.returncode == 0,
    }
    if res.returncode != 0:
        warm["error"] = f"exit status {res.returncode}: {res.stderr[-1000:]}"
        log(f"  ! the CLI failed: {warm['error']}")
    log(f"  warm start: `{warm['command']}` {wall:.2f} s (target {TARGET_WARM_S:g} s)")
    out["warm"] = warm
    return out


def reference(mode: Mode) -> dict[str, Any]:
    res = run_child("reference", {"draws": mode.ref_draws, "end": mode.ref_end}, threads=1)
    for c in res.get("cases", []):
        if "skipped" in c:
            log(f"  {c['scheme']:<26s} skipped: {c['skipped']}")
            continue
        log(
            f"  {c['scheme']:<26s} risk {'on ' if c['process_risk'] else 'off'} kernel "
            f"{c['kernel_s'] * 1e3:8.3f} ms, reference {c['reference_s']:7.3f} s: "
            f"{c['ratio']:7,.0f}x  (max rel diff {c['max_rel_diff']:.1e})"
        )
    return res


def _machine_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine_info() -> dict[str, Any]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    cpu = platform.processor() or "unknown"
    mem = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    commit = None
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    return {
        "cpu_model": cpu,
        "cores": _machine_threads(),
        "cpu_count": os.cpu_count(),
        "memory_total_bytes": mem,
        "memory_available_bytes_at_start": _mem_available(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "numba": version("numba"),
        "xarray": version("xarray"),
        "git_commit": commit,
        "kernels_sha256_at_start": _kernels_hash(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "loadavg_at_start": list(os.getloadavg()),
    }


def _kernels_hash() -> str:
    """Hash of the kernels' sources: a change during the run means the figures mix two
    versions of the code (each child compiles whatever it finds when it starts)."""
    h = hashlib.sha256()
    for p in sorted((ROOT / "kernels").glob("*.py")):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- the run


def calibrate(mode: Mode, threads: list[int]) -> tuple[dict[str, Any], Rates]:
    """Prime the cache (compiling whatever is stale), describe the case, and time a few
    draws of each configuration for the start-of-run estimate."""
    n_on, n_off = mode.calibration
    runs = [_run(1, False, threads=max(threads))]
    runs += [
        _run(n_on if risk else n_off, risk, threads=t) for risk in (True, False) for t in threads
    ]
    child = run_child(
        "project", {"warmup_end": 2015, "runs": runs, "describe": True}, threads=max(threads)
    )
    if "error" in child:
        raise SystemExit(f"the calibration child failed: {child['error']}")
    d = child["describe"]
    years = d["end_year"] - d["base_year"] + 1
    fixed = child["runs"][0]["wall_s"]
    per_draw = _per_draw(child["runs"][1:], fixed)
    spent = sum(r["wall_s"] for r in child["runs"])
    child_s = child["process_wall_s"] - spent
    if child["compiled_in_warmup"]:
        log(f"  the cache was stale: the warm-up compiled for {child['warmup_s']:.0f} s")
        child_s = 2.5  # what a child costs with a warm cache, not this one's compile
    rates = Rates(
        child_s=child_s,
        fixed_s=fixed,
        per_draw=per_draw,
        ref_s_per_draw_year=REF_GUESS_S_PER_DRAW_YEAR,
        cold_s=child["warmup_s"] if child["compiled_in_warmup"] else mode.cold_guess_s,
        write_s=WRITE_GUESS_S,
        years=years,
    )
    return child, rates


def _per_draw(runs: list[dict[str, Any]], fixed: float) -> dict[str, float]:
    """Seconds a draw by configuration, pooled over ``runs`` (full horizon, all schemes):
    their time less one project()'s fixed cost each, over their draws."""
    spent: dict[str, float] = {}
    draws: dict[str, int] = {}
    for r in runs:
        key = _cfg(r["process_risk"], r["threads"])
        spent[key] = spent.get(key, 0.0) + max(r["wall_s"] - fixed, 0.0)
        draws[key] = draws.get(key, 0) + r["draws"]
    return {k: spent[k] / draws[k] for k in spent}


def rates_measured(res: dict[str, Any], rates: Rates, mode: Mode) -> Rates:
    """The rates this run measured, for what the full run would take: every run of the
    full case (the calibration's and the throughput runs) pooled by configuration."""
    rows = [e for e in res["throughput"] if "wall_s" in e and e["keep"] == "draws"]
    fixed = rates.fixed_s
    runs = res["calibration"]["child"]["runs"][1:] + rows
    per_draw = {**rates.per_draw, **_per_draw(runs, fixed)}
    children = [e["process_wall_s"] - e["wall_s"] for e in rows]
    ref = res["reference"]
    ref_rate = rates.ref_s_per_draw_year
    if ref.get("cases"):
        years = ref["last_year"] - ref["first_year"] + 1
        total = sum(c.get("reference_s", 0.0) for c in ref["cases"])
        ref_rate = total / (ref["draws"] * years)
    cold = res["startup"]["cold"]
    cold_s = FULL.cold_guess_s  # a compile of one scheme says little about all 14
    if mode.cold_schemes is None and "first_project_s" in cold:
        cold_s = cold["process_wall_s"]
    return Rates(
        child_s=sorted(children)[len(children) // 2] if children else rates.child_s,
        fixed_s=fixed,
        per_draw=per_draw,
        ref_s_per_draw_year=ref_rate,
        cold_s=cold_s,
        write_s=rates.write_s,
        years=rates.years,
    )


def _fits_in_memory(
    draws: int, small: list[dict[str, Any]]
) -> tuple[bool, float | None, int | None]:
    """Whether a keep="draws" run of ``draws`` fits in the free memory, from the
    1,000-draw runs: their peak less their Dataset, plus the Dataset scaled."""
    done = [e for e in small if "error" not in e and e["keep"] == "draws"]
    avail = _mem_available()
    if not done or avail is None:
        return True, None, avail
    e = max(done, key=lambda e: e["peak_rss_above_imports_bytes"])
    fixed = e["peak_rss_above_imports_bytes"] - e["dataset_nbytes"]
    need = e["rss_after_imports_bytes"] + fixed + e["dataset_nbytes"] * draws / e["draws"]
    return need + HEADROOM_BYTES <= avail, need, avail


def large_runs(
    mode: Mode, most: int, base: int, *, small: list[dict[str, Any]], deadline: float, r: Rates
) -> list[dict[str, Any]]:
    """The large draw count at ``most`` threads: process risk on (keep="draws", the memory
    figure too, if it fits in RAM), then off if it fits in the time left."""
    out = []
    for risk in (True, False):
        predicted = (r.child_s + r.project(mode.large, risk, most)) * SAFETY
        if not risk and time.perf_counter() + predicted > deadline:
            log(
                f"  {mode.large:,} draws, {_cfg(risk, most)}: skipped, needs ~{predicted:.0f} s, "
                f"{max(deadline - time.perf_counter(), 0):.0f} s left in the budget"
            )
            out.append(
                {
                    "draws": mode.large,
                    "threads": most,
                    "process_risk": risk,
                    "skipped": f"over the time budget (predicted {predicted:.0f} s)",
                }
            )
            continue
        fits, need, avail = _fits_in_memory(mode.large, small)
        keep = "draws" if fits else "summary"
        if not fits:
            log(
                f"  keep='draws' would need ~{(need or 0) / GIB:.1f} GiB, "
                f"{(avail or 0) / GIB:.1f} GiB free: running keep='summary' for the time"
            )
        e = throughput(
            mode.large, risk, most, warmup_end=base + 2, keep=keep, oom_first=keep == "draws"
        )
        if not fits:
            e["keep_draws_needs_bytes"] = need
            e["memory_available_bytes"] = avail
        out.append(e)
    return out


def benchmark(mode: Mode, budget_s: float) -> dict[str, Any]:
    start = time.perf_counter()
    deadline = start + budget_s
    machine = machine_info()
    log(f"== {mode.name} benchmark: {machine['cpu_model']}, {machine['cores']} cores")
    threads = [t for t in (1, 2) if t <= max(machine["cores"], 1)]
    if 2 not in threads:
        log("  one core: the 2-thread figures are left out")
    most = max(threads)

    log("== cache and calibration (fresh process)")
    calib, rates = calibrate(mode, threads)
    d = calib.pop("describe")
    machine["threading_layer"] = d["threading_layer"]
    base = d["base_year"]
    case = {
        "counties": len(d["counties"]),
        "schemes": len(d["schemes"]),
        "first_year": base,
        "last_year": d["end_year"],
        "years": d["end_year"] - base + 1,
        "sexes": N_SEXES,
        "ages": N_AGES,
        "cells": CELLS,
        "cells_per_draw": len(d["counties"])
        * len(d["schemes"])
        * N_SEXES
        * N_AGES
        * (d["end_year"] - base + 1),
        "scheme_codes": d["schemes"],
        "pension_schemes": d["pension_schemes"],
        "claims_schemes": d["claims_schemes"],
        "seed": SEED,
    }
    log(
        f"  cohort-cell-years = {CELLS}: {case['cells_per_draw']:,} a draw "
        f"({case['counties']} x {case['schemes']} x 2 x 101 x {case['years']})"
    )
    items = plan(mode, rates, threads, base)
    items[0] = ("calibration (done)", time.perf_counter() - start)
    estimate = _log_plan(f"estimated {mode.name} run", items, budget_s)
    busy = [r["other_cores"] for r in calib["runs"] if r["other_cores"] is not None]
    if estimate > budget_s and busy:
        log(
            f"  ! over the budget; other processes used {sum(busy) / len(busy):.1f} cores "
            "during the calibration, which slows every figure"
        )
    res: dict[str, Any] = {
        "schema": 2,
        "mode": mode.name,
        "machine": machine,
        "case": case,
        "targets": {
            "ns_per_cell_process_risk_on": TARGET_NS[True],
            "ns_per_cell_process_risk_off": TARGET_NS[False],
            "warm_start_s": TARGET_WARM_S,
        },
        "calibration": {"child": calib, "rates": vars(rates)},
        "estimate": {"total_s": estimate, "items": dict(items), "budget_s": budget_s},
    }

    log(f"== throughput, {mode.small:,} draws (a fresh process each)")
    small = [
        throughput(mode.small, risk, t, warmup_end=base + 2)
        for risk in (True, False)
        for t in threads
    ]
    res["throughput"] = list(small)
    log("== kernels against the numpy references (1 thread)")
    res["reference"] = reference(mode)
    log(f"== scaling ({most} threads, one process)")
    res["scaling"] = scaling(mode, most, base, case)
    log("== memory, keep='summary' (a fresh process each)")
    res["memory_summary"] = summary_memory(mode, most, base)
    log("== start-up")
    res["startup"] = startup(mode, base)
    log(f"== throughput, {mode.large:,} draws (a fresh process each)")
    # The optional run is decided on this run's own speeds so far, not the calibration's.
    now = rates_measured(res, rates, mode)
    res["throughput"] += large_runs(mode, most, base, small=small, deadline=deadline, r=now)
    res["memory_draws"] = memory_draws(res["throughput"])

    res["machine"]["loadavg_at_end"] = list(os.getloadavg())
    res["machine"]["kernels_sha256_at_end"] = _kernels_hash()
    if machine["kernels_sha256_at_end"] != machine["kernels_sha256_at_start"]:
        log("  ! the kernels' sources changed during the run: the figures mix two versions")
    res["total_wall_s"] = time.perf_counter() - start
    if mode is QUICK:
        measured = rates_measured(res, rates, mode)
        full_items = plan(FULL, measured, threads, base)
        res["full_run_estimate"] = {
            "total_s": _log_plan(
                "full run at the speeds this run measured", full_items, FULL.budget_s
            ),
            "items": dict(full_items),
            "rates": vars(measured),
        }
    return res


def memory_draws(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Peak RSS of keep="draws" against draws, from the throughput runs."""
    pts = [e for e in rows if e.get("keep") == "draws" and "wall_s" in e]
    out: dict[str, Any] = {
        "points": [
            {
                "draws": e["draws"],
                "threads": e["threads"],
                "process_risk": e["process_risk"],
                "peak_rss_above_imports_bytes": e["peak_rss_above_imports_bytes"],
                "dataset_nbytes": e["dataset_nbytes"],
            }
            for e in pts
        ]
    }
    if len({e["draws"] for e in pts}) >= 2:
        f = fit([e["draws"] for e in pts], [e["peak_rss_above_imports_bytes"] for e in pts])
        out["peak_bytes_per_draw"] = f["slope"]
        out["peak_intercept_bytes"] = f["intercept"]
    return out


# --------------------------------------------------------------------------- reporting


def _status(met: bool, mode: str) -> str:
    s = "met" if met else "not met"
    return s + " (toy size)" if mode == "quick" else s


def table(res: dict[str, Any]) -> str:
    """The markdown summary: every throughput row and the other figures, with targets."""
    m, c, mode = res["machine"], res["case"], res["mode"]
    lines = [
        f"Machine: {m['cpu_model']}, {m['cores']} cores, numba {m['numba']} "
        f"({m.get('threading_layer', '?')}), numpy {m['numpy']}, Python {m['python']}, "
        f"{m['date'][:10]}; load average {m['loadavg_at_start'][0]:.2f} at the start, "
        f"{m['loadavg_at_end'][0]:.2f} at the end.",
        f"Case: {c['schemes']} schemes, {c['counties']} counties, {c['first_year']}-"
        f"{c['last_year']}; cohort-cell-years = {c['cells']} = {c['cells_per_draw']:,} a draw.",
        "",
        "| measure | target | measured | status |",
        "| --- | ---: | ---: | --- |",
    ]
    for e in res["throughput"]:
        what = (
            f"{e['draws']:,} draws, {e['threads']} thread{'s' * (e['threads'] > 1)}, "
            f"process risk {'on' if e['process_risk'] else 'off'}"
        )
        if "wall_s" not in e:
            lines.append(
                f"| ns per cohort-cell-year, {what} | | {e.get('skipped', e.get('error'))} | |"
            )
            continue
        keep = "" if e["keep"] == "draws" else ", keep=summary"
        busy = e["other_cores"] or 0.0
        shared = f", other load {busy:.1f} cores" if busy > BUSY_CORES else ""
        lines.append(
            f"| ns per cohort-cell-year, {what}{keep} | ≤ {e['target_ns']:g} ns | "
            f"{e['ns_per_cell']:.2f} ns ({e['wall_s']:,.1f} s, {e['cells_per_s'] / 1e6:,.0f} M/s, "
            f"peak RSS +{e['peak_rss_above_imports_bytes'] / GIB:,.2f} GiB{shared}) | "
            f"{_status(e['met'], mode)} |"
        )
    st = res["startup"]
    w = st["warm"]
    lines.append(
        f"| warm start, `{w['command']}` | ≤ {w['target_s']:g} s | {w['wall_s']:.2f} s | "
        f"{_status(w['met'], mode)}{' (failed)' * ('error' in w)} |"
    )
    cold = st["cold"]
    if "first_project_s" in cold:
        lines.append(
            f"| cold compile, first {cold['call']} | | {cold['first_project_s']:.1f} s | |"
        )
    lines += _reference_rows(res["reference"])
    lines += _scaling_rows(res["scaling"])
    lines += _memory_rows(res)
    lines.append("")
    lines.append(
        f"Total benchmark wall time: {res['total_wall_s']:.0f} s "
        f"(estimated at the start: {res['estimate']['total_s']:.0f} s)."
    )
    if "full_run_estimate" in res:
        lines.append(
            "A full run at the speeds this run measured would take about "
            f"{res['full_run_estimate']['total_s']:.0f} s."
        )
    return "\n".join(lines)


def _reference_rows(ref: dict[str, Any]) -> list[str]:
    if "cases" not in ref:
        return [f"| kernels vs numpy references | | failed: {ref.get('error')} | |"]
    span = f"{ref['draws']} draw{'s' * (ref['draws'] > 1)}, {ref['first_year']}-{ref['last_year']}"
    rows = []
    for risk in (True, False):
        cases = [x for x in ref["cases"] if x.get("process_risk") == risk]
        pension = [x for x in cases if x["kernel"] == "cohort"]
        claims = [x for x in cases if x["kernel"] != "cohort"]
        on = "on" if risk else "off"
        for p in pension:
            rows.append(
                f"| pension kernel vs numpy reference, {span}, process risk {on} | | "
                f"{p['ratio']:,.0f}x slower (max rel diff {p['max_rel_diff']:.0e}) | |"
            )
        if claims:
            kt = sum(x["kernel_s"] for x in claims)
            rt = sum(x["reference_s"] for x in claims)
            lo, hi = min(x["ratio"] for x in claims), max(x["ratio"] for x in claims)
            worst = max(x["max_rel_diff"] for x in claims)
            rows.append(
                f"| claims kernels vs numpy references ({len(claims)} schemes), {span}, "
                f"process risk {on} | | {rt / kt:,.0f}x slower in all ({lo:,.0f}-{hi:,.0f}x; "
                f"max rel diff {worst:.0e}) | |"
            )
    return rows


def _scaling_rows(sc: dict[str, Any]) -> list[str]:
    if "error" in sc:
        return [f"| scaling | | failed: {sc['error']} | |"]
    d, y = sc["draws"], sc["years"]
    fam = sc["schemes"]["families"]
    return [
        f"| time vs draws ({', '.join(f'{n:,}' for n in d['draws'])}; risk off) | | "
        f"{d['fit']['intercept']:.2f} s + {d['fit']['slope'] * 1e3:.2f} ms/draw, "
        f"R² {d['fit']['r2']:.4f} | |",
        f"| time vs years ({', '.join(str(n) for n in y['years'])}; {y['draws']:,} draws, "
        f"risk off) | | {y['fit']['intercept']:.2f} s + {y['fit']['slope'] * 1e3:.1f} ms/year, "
        f"R² {y['fit']['r2']:.4f} | |",
        "| time vs counties | | not measurable: project() always runs all 10 | |",
        f"| by family, {sc['schemes']['draws']:,} draws, risk on | | "
        + ", ".join(f"{k} {v['wall_s']:.2f} s" for k, v in fam.items())
        + " | |",
    ]


def _memory_rows(res: dict[str, Any]) -> list[str]:
    rows = []
    measured = [e for e in res["throughput"] if e.get("keep") == "draws" and "wall_s" in e]
    if measured:
        # The largest keep="draws" run; at equal draws, the highest peak.
        e = max(measured, key=lambda e: (e["draws"], e["peak_rss_above_imports_bytes"]))
        rows.append(
            f"| peak RSS, keep=draws, {e['draws']:,} draws | | "
            f"+{e['peak_rss_above_imports_bytes'] / GIB:,.2f} GiB above the process after "
            f"imports (Dataset {e['dataset_nbytes'] / GIB:,.2f} GiB) | |"
        )
    # A large run that fell back to keep="summary" for want of memory (once per size).
    for n, e in {
        e["draws"]: e for e in res["throughput"] if e.get("keep_draws_needs_bytes")
    }.items():
        rows.append(
            f"| peak RSS, keep=draws, {n:,} draws | | not measured: it would need "
            f"~{e['keep_draws_needs_bytes'] / GIB:,.1f} GiB (from the smaller runs), "
            f"{e['memory_available_bytes'] / GIB:,.1f} GiB were free | |"
        )
    ms = res["memory_summary"]
    if "error" in ms:
        return [*rows, f"| peak RSS, keep=summary | | failed: {ms['error']} | |"]
    p0, p1 = ms["points"]
    rows.append(
        f"| peak RSS, keep=summary (sample {ms['sample']}), {p0['draws']:,} / {p1['draws']:,} "
        f"draws | | +{p0['peak_rss_above_imports_bytes'] / MIB:,.0f} / "
        f"+{p1['peak_rss_above_imports_bytes'] / MIB:,.0f} MiB: "
        f"{ms['peak_bytes_per_draw'] / 1024:,.2f} KiB/draw | |"
    )
    rows.append(
        f"| peak RSS, keep=summary, {MILLION:,} draws (extrapolated, not measured) | | "
        f"~{ms['extrapolated_peak_above_imports_bytes'] / GIB:,.1f} GiB | |"
    )
    return rows


def chart(res: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    _chart_throughput(axes[0, 0], res)
    _chart_line(axes[0, 1], res["scaling"].get("draws"), "draws", "draws")
    _chart_line(axes[0, 2], res["scaling"].get("years"), "years", "projected years")
    _chart_memory(axes[1, 0], res)
    _chart_reference(axes[1, 1], res["reference"])
    _chart_startup(axes[1, 2], res["startup"])
    m = res["machine"]
    fig.suptitle(
        f"project() on the full baseline ({res['mode']} run): {m['cpu_model']}, "
        f"{m['cores']} cores, numba {m['numba']}, {m['date'][:10]}"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _chart_throughput(ax: Any, res: dict[str, Any]) -> None:
    rows = [e for e in res["throughput"] if "wall_s" in e]
    for i, e in enumerate(rows):
        first = e is next(x for x in rows if x["process_risk"] == e["process_risk"])
        label = f"process risk {'on' if e['process_risk'] else 'off'}" if first else None
        ax.bar(i, e["ns_per_cell"], color="C3" if e["process_risk"] else "C0", label=label)
        # The row's own target, as a short line across its bar.
        ax.hlines(e["target_ns"], i - 0.45, i + 0.45, colors="k", linestyles="--")
    ax.set_xticks(
        range(len(rows)),
        [
            f"{e['draws']:,}\n{e['threads']} thr\nrisk {'on' if e['process_risk'] else 'off'}"
            for e in rows
        ],
        fontsize=8,
    )
    ax.set_yscale("log")
    ax.set_ylabel("wall ns per cohort-cell-year")
    ax.set_title("Throughput (dashed: target, 3 ns on / 1 ns off)")
    ax.legend(fontsize=8)


def _chart_line(ax: Any, sc: dict[str, Any] | None, key: str, label: str) -> None:
    if not sc:
        ax.set_title(f"time vs {label}: not measured")
        return
    x = sc[key]
    f = sc["fit"]
    ax.plot(x, sc["wall_s"], "o", color="C0", label="measured")
    ax.plot(
        [0, max(x)],
        [f["intercept"], f["intercept"] + f["slope"] * max(x)],
        "-",
        color="grey",
        label=f"fit, R² {f['r2']:.4f}",
    )
    ax.set_xlabel(label)
    ax.set_ylabel("wall time (s)")
    ax.set_title(f"Time vs {label}, process risk off")
    ax.legend(fontsize=8)


def _chart_memory(ax: Any, res: dict[str, Any]) -> None:
    from matplotlib.ticker import NullFormatter

    md, ms = res["memory_draws"], res["memory_summary"]
    pts = md["points"]
    if pts:
        ax.plot(
            [p["draws"] for p in pts],
            [p["peak_rss_above_imports_bytes"] / GIB for p in pts],
            "o",
            color="C1",
            label="keep='draws' (throughput runs)",
        )
    if "points" in ms:
        xs = [p["draws"] for p in ms["points"]]
        ax.plot(
            xs,
            [p["peak_rss_above_imports_bytes"] / GIB for p in ms["points"]],
            "s",
            color="C2",
            label="keep='summary'",
        )
        ax.plot(
            [xs[0], MILLION],
            [
                (ms["peak_intercept_bytes"] + ms["peak_bytes_per_draw"] * xs[0]) / GIB,
                ms["extrapolated_peak_above_imports_bytes"] / GIB,
            ],
            ":",
            color="C2",
            label="keep='summary', extrapolated",
        )
        ax.annotate(
            f"{ms['extrapolated_peak_above_imports_bytes'] / GIB:,.1f} GiB\n(extrapolated)",
            (MILLION, ms["extrapolated_peak_above_imports_bytes"] / GIB),
            textcoords="offset points",
            xytext=(-10, -28),
            ha="right",
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_minor_formatter(NullFormatter())  # the 2x10^-1 ... labels overlap
    ax.set_xlabel("draws")
    ax.set_ylabel("peak RSS above the process after imports (GiB)")
    ax.set_title("Memory")
    ax.legend(fontsize=8)


def _chart_reference(ax: Any, ref: dict[str, Any]) -> None:
    from matplotlib.ticker import NullFormatter

    cases = [x for x in ref.get("cases", []) if "ratio" in x]
    names = list(dict.fromkeys(x["scheme"] for x in cases))
    for j, risk in enumerate((True, False)):
        ratio = {x["scheme"]: x["ratio"] for x in cases if x["process_risk"] == risk}
        ax.barh(
            [i + 0.4 * j for i in range(len(names))],
            [ratio.get(n, 0.0) for n in names],
            0.4,
            color="C3" if risk else "C0",
            label=f"process risk {'on' if risk else 'off'}",
        )
    ax.set_yticks([i + 0.2 for i in range(len(names))], names, fontsize=7)
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())  # the 2x10^1 ... labels overlap
    ax.set_xlabel("reference time / kernel time (1 thread)")
    n = ref.get("draws") or 0
    span = f"{n} draw{'s' * (n > 1)}, {ref.get('first_year')}-{ref.get('last_year')}"
    ax.set_title(f"Kernels vs numpy references ({span})")
    ax.legend(fontsize=8)


def _chart_startup(ax: Any, st: dict[str, Any]) -> None:
    cold, warm = st["cold"], st["warm"]
    names, values = [], []
    if "first_project_s" in cold:
        names.append("cold compile\n(first tiny project)")
        values.append(cold["first_project_s"])
    names.append("warm start\n(" + warm["command"].split(" --quiet")[0] + ")")
    values.append(warm["wall_s"])
    ax.bar(range(len(values)), values, color=["C7", "C0"][-len(values) :])
    ax.axhline(warm["target_s"], color="k", linestyle="--", label="warm-start target")
    ax.set_xticks(range(len(values)), names, fontsize=8)
    ax.set_ylabel("wall time (s)")
    ax.set_title("Start-up")
    ax.legend(fontsize=8)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="toy sizes, under a minute (CI smoke)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    p.add_argument(
        "--budget-s",
        type=float,
        default=None,
        help="seconds the run may take; the optional run is made only if it fits "
        f"(default {FULL.budget_s:g}; --quick {QUICK.budget_s:g})",
    )
    # A measurement in a fresh process: KIND and its spec as JSON.
    p.add_argument("--child", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, spec = args.child
        print(json.dumps(CHILDREN[kind](json.loads(spec))), flush=True)
        return

    mode = QUICK if args.quick else FULL
    res = benchmark(mode, mode.budget_s if args.budget_s is None else args.budget_s)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_project.json").write_text(json.dumps(res, indent=2) + "\n")
    chart(res, args.out / "bench_project.png")
    log("\n" + table(res))
    log(f"\nwrote {args.out / 'bench_project.json'} and {args.out / 'bench_project.png'}")


if __name__ == "__main__":
    main()
