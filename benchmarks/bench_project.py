"""Speed and memory of ``actuarial.project`` and of the cohort kernel on the full baseline.

    python benchmarks/bench_project.py [--quick] [--out DIR] [--budget-s S] [--exhaustive]

Writes ``bench_project.json`` and ``bench_project.png`` to ``DIR`` (default
``benchmarks/results``) and prints a table. ``benchmarks/README.md`` explains each figure.

The full run keeps to a time budget (``--budget-s``, default 810 s, so that it ends within
15 minutes on a 2-core machine): everything at the small grid size (1,000 draws) is always
measured, and each large-grid configuration (10,000 draws) is measured only if its
predicted time still fits; the others are estimated from their 1,000-draw measurement and
marked ``"method": "estimated"``. ``--exhaustive`` measures all of them (about 40 minutes
on 2 cores, most of it the 1-thread runs with process risk).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Measure the working tree, not whatever copy of the package happens to be installed.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_OUT = ROOT / "benchmarks" / "results"
REFERENCE = ROOT / "tests" / "reference_cohort.py"
SEED = 0
TINY_END = 2015  # the tiny run of the compile and warm-start figures: 3 projected years
N_SEXES = 2
N_AGES = 101
SAFETY = 1.15  # predicted times are padded so that a measured run rarely overshoots
SHORT_S = 0.5  # measurements shorter than this are repeated and the best one kept
# Other processes using this much CPU (in cores) during a run mark it as contended; such a
# run is repeated if it took under RETRY_S.
CONTENDED = 0.25
RETRY_S = 30.0


@dataclass(frozen=True)
class Mode:
    """What one kind of run measures."""

    name: str
    small: int  # grid size measured in every configuration
    large: int  # grid size measured as the budget allows
    scaling: tuple[int, ...]
    memory: tuple[int, ...]
    budget_s: float  # from the start of the script to the end of the large grid
    retry_s: float  # total time that may go to repeating runs slowed by other processes
    repeat_s: float  # time one configuration may spend on repeating a short run
    cold_compile: bool  # measure a compile with the cache off (~17 s on 2 cores)


FULL = Mode(
    name="full",
    small=1000,
    large=10_000,
    scaling=(250, 500, 1000, 2000),
    memory=(1000, 10_000),
    budget_s=810.0,
    retry_s=90.0,
    repeat_s=2.0,
    cold_compile=True,
)
# CI smoke test: the same code paths on a few draws, in under a minute. On a fresh clone the
# cache-priming run is itself a cold compile (~17 s on 2 cores), so the cache-off compile
# is left out rather than paid twice; retries are left out to keep the time predictable.
QUICK = Mode(
    name="quick",
    small=16,
    large=64,
    scaling=(8, 16, 32, 64),
    memory=(64,),
    budget_s=45.0,
    retry_s=0.0,
    repeat_s=0.5,
    cold_compile=False,
)


_T0 = time.perf_counter()


def log(msg: str) -> None:
    # Section headers carry the time since the start, to show where a run's time goes.
    if msg.startswith("=="):
        msg = f"{msg}  [{time.perf_counter() - _T0:.0f} s]"
    print(msg, flush=True)


# --------------------------------------------------------------------------- machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _git_commit() -> str | None:
    try:
        res = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return res.stdout.strip() or None


def machine_info() -> dict[str, Any]:
    import numba
    import numpy as np

    try:
        affinity = len(os.sched_getaffinity(0))  # what `nproc` reports
    except AttributeError:
        affinity = os.cpu_count()
    return {
        "nproc": affinity,
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_total_bytes": _mem_total_bytes(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "numba_max_threads": numba.config.NUMBA_NUM_THREADS,
        "git_commit": _git_commit(),
        # Other work on the machine slows every figure; the load average says if there was.
        "loadavg_start": list(os.getloadavg()),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


# --------------------------------------------------------------------------- helpers


def _maxrss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return int(rss) if sys.platform == "darwin" else int(rss) * 1024


def _rss_now_bytes() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return _maxrss_bytes()
    return pages * os.sysconf("SC_PAGE_SIZE")


def _vmhwm_bytes() -> int | None:
    """Peak RSS of this process's own address space (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _busy_s() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (steal included: time taken
    by other guests of the host), or None where /proc/stat is missing."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return None
    ticks = [int(f) for f in fields]
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    busy = sum(ticks[:8]) - ticks[3] - ticks[4]
    return busy / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _sample(fn: Callable[[], object]) -> tuple[float, float | None]:
    """Wall time of one call, and the CPU other processes used meanwhile, in cores."""
    gc.collect()
    busy0, own0 = _busy_s(), _own_cpu_s()
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    busy1, own1 = _busy_s(), _own_cpu_s()
    if busy0 is None or busy1 is None:
        return wall, None
    return wall, max(0.0, (busy1 - busy0) - (own1 - own0)) / wall


def _timed(
    fn: Callable[[], object], retry_s: float = 0.0, repeat_s: float = 2.0
) -> tuple[float, float | None, int]:
    """Best wall time of ``fn``, the other processes' load during that run, and how many
    runs it took. Short runs are repeated (one sample of a fraction of a second is mostly
    noise); so are runs that shared the CPUs with other work (which only ever slows a run
    down), while their repetitions fit in ``retry_s``. Long, quiet runs run once."""
    samples = [_sample(fn)]
    spent = samples[0][0]
    while True:
        best = min(samples, key=lambda x: x[0])
        short = best[0] < SHORT_S and len(samples) < 5 and spent < repeat_s
        contended = (best[1] or 0.0) > CONTENDED and best[0] < retry_s and len(samples) < 3
        if not (short or contended):
            return best[0], best[1], len(samples)
        if contended and not short:
            retry_s -= best[0]
        samples.append(_sample(fn))
        spent += samples[-1][0]


@contextmanager
def _threads(n: int) -> Iterator[None]:
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield
    finally:
        numba.set_num_threads(old)


def _run_child(args: list[str], env: dict[str, str] | None = None) -> tuple[dict[str, Any], float]:
    """Run this script as a child; its last stdout line is a JSON object. Also returns the
    child's whole wall time as seen from here (interpreter start included)."""
    t0 = time.perf_counter()
    res = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    wall = time.perf_counter() - t0
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        raise RuntimeError(f"child {args} failed ({res.returncode}):\n{res.stderr[-4000:]}")
    return json.loads(lines[-1]), wall


# --------------------------------------------------------------------------- children


def _project(schemes: list[str] | None, **kwargs: Any) -> Any:
    """``project(**kwargs)``, restricted to ``schemes`` where ``project()`` takes that
    argument: the case is the six pension funds, and a ``project()`` that also runs other
    funds by default would otherwise be timed on more work than the cell count says."""
    import inspect

    from actuarial import project

    if schemes and "schemes" in inspect.signature(project).parameters:
        kwargs["schemes"] = schemes
    return project(**kwargs)


def _takes_schemes() -> bool:
    import inspect

    from actuarial import project

    return "schemes" in inspect.signature(project).parameters


def child_start(schemes: list[str] | None) -> None:
    """First import and first tiny projection in a fresh interpreter."""
    t0 = time.perf_counter()
    import actuarial.projection  # noqa: F401  (the import is what is timed)

    t1 = time.perf_counter()
    _project(schemes, draws=1, end=TINY_END)
    t2 = time.perf_counter()
    print(json.dumps({"import_s": t1 - t0, "first_project_s": t2 - t1}))


def child_memory(draws: int, process_risk: bool, threads: int, schemes: list[str] | None) -> None:
    """Peak RSS of one ``project()`` above the RSS of a warmed-up process.

    On Linux ``ru_maxrss`` survives ``exec``: a child started by a process whose RSS once
    peaked higher reports that peak (the parent's address space is the one replaced at
    exec). It is recorded as asked of this figure, next to ``VmHWM``, the high-water mark
    of the child's own address space, which is what the figure uses where it exists."""
    import numba

    maxrss_start = _maxrss_bytes()
    numba.set_num_threads(threads)
    # Warm-up: kernels loaded, numba's thread pool started, the packaged tables read once.
    _project(schemes, draws=1, end=TINY_END)
    gc.collect()
    rss0 = _rss_now_bytes()
    t0 = time.perf_counter()
    ds = _project(schemes, draws=draws, process_risk=process_risk)
    wall = time.perf_counter() - t0
    maxrss = _maxrss_bytes()
    hwm = _vmhwm_bytes()
    peak = maxrss if hwm is None else hwm
    print(
        json.dumps(
            {
                "draws": draws,
                "process_risk": process_risk,
                "threads": threads,
                "rss_after_warmup_bytes": rss0,
                "maxrss_at_start_bytes": maxrss_start,
                "maxrss_end_bytes": maxrss,
                "vmhwm_end_bytes": hwm,
                "peak_source": "ru_maxrss" if hwm is None else "VmHWM",
                "peak_increase_bytes": peak - rss0,
                "maxrss_increase_bytes": maxrss - rss0,
                "dataset_nbytes": int(ds.nbytes),
                "project_wall_s": wall,
            }
        )
    )


# --------------------------------------------------------------------------- the case


class Bench:
    """The full baseline, built once; scenario paths pre-generated per draw count."""

    def __init__(self, retry_s: float = 0.0, repeat_s: float = 2.0) -> None:
        from actuarial.assumptions import load_assumptions
        from actuarial.projection import DEFAULT_CHUNK, PensionModel

        self.assumptions = load_assumptions()
        self.end = self.assumptions.projection.end_year
        self.model = PensionModel.build(self.assumptions, self.end)
        self.chunk = DEFAULT_CHUNK
        self.codes = [s.code for s in self.model.inputs.schemes]
        self.retry_s = retry_s  # what is left of the allowance for repeating contended runs
        self.repeat_s = repeat_s
        self._paths: dict[int, list[tuple[Any, Any]]] = {}

    @property
    def shape(self) -> dict[str, int]:
        m = self.model
        return {
            "counties": int(m.pop0.shape[0]),
            "schemes": len(m.inputs.schemes),
            "years": int(m.years.size),
            "sexes": N_SEXES,
            "ages": N_AGES,
        }

    def cell_years(self, draws: int) -> int:
        s = self.shape
        return draws * s["counties"] * s["schemes"] * s["years"] * s["sexes"] * s["ages"]

    def paths(self, draws: int) -> list[tuple[Any, Any]]:
        """The chunks ``project()`` would run, with their economic paths, so that the
        kernel is timed on exactly the calls ``project()`` makes, minus everything else."""
        import numpy as np

        from actuarial.scenarios import generate

        if draws not in self._paths:
            self._paths.clear()  # one draw count at a time: 10,000 draws of paths is ~40 MB
            chunks = []
            for start in range(0, draws, self.chunk):
                ids = np.arange(start, min(start + self.chunk, draws), dtype=np.int64)
                p = generate(self.assumptions, seed=SEED, draws=ids, years=self.model.years)
                chunks.append((ids, p))
            self._paths[draws] = chunks
        return self._paths[draws]

    def run_project(self, draws: int, process_risk: bool) -> None:
        _project(self.codes, draws=draws, seed=SEED, process_risk=process_risk)

    def run_kernel(self, draws: int, process_risk: bool) -> None:
        for ids, p in self.paths(draws):
            self.model.run_chunk(SEED, ids, p, process_risk=process_risk)

    def measure(self, target: str, draws: int, process_risk: bool, threads: int) -> dict[str, Any]:
        if target == "kernel":
            self.paths(draws)  # generated outside the timed region

            def fn() -> None:
                self.run_kernel(draws, process_risk)
        else:

            def fn() -> None:
                self.run_project(draws, process_risk)

        with _threads(threads):
            t0 = time.perf_counter()
            wall, other, runs = _timed(fn, min(self.retry_s, RETRY_S), self.repeat_s)
            if runs > 1 and wall >= SHORT_S:
                self.retry_s -= time.perf_counter() - t0 - wall
        return self.entry(target, draws, process_risk, threads, wall, runs=runs, other=other)

    def entry(
        self,
        target: str,
        draws: int,
        process_risk: bool,
        threads: int,
        wall: float,
        *,
        runs: int = 1,
        other: float | None = None,
        estimated_from: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        cells = self.cell_years(draws)
        ns = wall * 1e9 / cells
        e: dict[str, Any] = {
            "target": target,
            "draws": draws,
            "process_risk": process_risk,
            "threads": threads,
            "wall_s": wall,
            "cell_years": cells,
            "cell_years_per_s": cells / wall,
            "ns_per_cell_year": ns,
            # Wall time x threads: the CPU cost; equal across thread counts when the
            # parallel loop scales perfectly.
            "core_ns_per_cell_year": ns * threads,
            "method": "measured" if estimated_from is None else "estimated",
            "runs": runs,
            # CPU used by other processes during the (kept) run, in cores: > 0.25 means the
            # figure is probably slowed by work that is not this benchmark.
            "other_load_cores": other,
        }
        if estimated_from is not None:
            e["estimated_from"] = (
                f"{estimated_from['draws']}-draw measurement x "
                f"{draws / estimated_from['draws']:g} (time is linear in draws: see scaling)"
            )
        return e


def _key(e: dict[str, Any]) -> tuple[str, bool, int]:
    return (e["target"], e["process_risk"], e["threads"])


def warm_up(bench: Bench, threads: list[int]) -> None:
    """Load every kernel and start the thread pool before anything is timed."""
    _project(bench.codes, draws=1, end=TINY_END)
    for t in threads:
        with _threads(t):
            for risk in (True, False):
                bench.run_kernel(2, risk)


def grid(bench: Bench, draws: int, threads: list[int]) -> list[dict[str, Any]]:
    out = []
    for target in ("project", "kernel"):
        for risk in (True, False):
            for t in threads:
                e = bench.measure(target, draws, risk, t)
                log(_row(e))
                out.append(e)
    return out


def large_grid(
    bench: Bench,
    mode: Mode,
    small: list[dict[str, Any]],
    threads: list[int],
    deadline: float,
) -> list[dict[str, Any]]:
    """The large grid size, in order of interest, each configuration measured if its
    predicted time fits before ``deadline`` and estimated from the small grid otherwise."""
    by_key = {_key(e): e for e in small}
    most, least = max(threads), min(threads)
    # The default call first (process risk on, all threads), then the cheap configurations,
    # then the duplicates of little extra information (kernel alone with process risk is
    # project() less a second or so).
    order = [
        ("project", True, most),
        ("kernel", False, most),
        ("project", False, most),
        ("kernel", False, least),
        ("project", False, least),
        ("kernel", True, most),
        ("kernel", True, least),
        ("project", True, least),
    ]
    seen: set[tuple[str, bool, int]] = set()
    ratio = mode.large / mode.small
    results = []
    for key in order:
        if key in seen or key not in by_key:
            continue  # one thread count only: `most` and `least` coincide
        seen.add(key)
        base = by_key[key]
        predicted = base["wall_s"] * ratio * SAFETY
        target, risk, t = key
        if time.perf_counter() + predicted <= deadline:
            e = bench.measure(target, mode.large, risk, t)
        else:
            e = bench.entry(
                target, mode.large, risk, t, base["wall_s"] * ratio, estimated_from=base
            )
        log(_row(e))
        results.append(e)
    return results


def scaling(bench: Bench, draws: tuple[int, ...], threads: int) -> dict[str, Any]:
    """Time against draws with process risk off (the cheap case: fixed costs show most)."""
    import numpy as np

    out: dict[str, Any] = {"draws": list(draws), "process_risk": False, "threads": threads}
    for target in ("kernel", "project"):
        runs = [bench.measure(target, n, False, threads) for n in draws]
        walls = [e["wall_s"] for e in runs]
        n = np.asarray(draws, dtype=float)
        w = np.asarray(walls)
        slope, intercept = np.polyfit(n, w, 1)
        fit = intercept + slope * n
        r2 = 1.0 - float(np.sum((w - fit) ** 2)) / float(np.sum((w - w.mean()) ** 2))
        per_draw = w / n
        out[target] = {
            "wall_s": walls,
            "s_per_draw": per_draw.tolist(),
            # Time per draw at the largest size over that at the smallest: 1.0 is exactly
            # linear; above 1 the cost per draw grows, below 1 fixed costs are amortised.
            "ratio_per_draw_largest_to_smallest": float(per_draw[-1] / per_draw[0]),
            "ratio_time_largest_to_smallest": float(w[-1] / w[0]),
            "ratio_draws_largest_to_smallest": draws[-1] / draws[0],
            "fit_intercept_s": float(intercept),
            "fit_s_per_draw": float(slope),
            "fit_r2": r2,
            "other_load_cores": [e["other_load_cores"] for e in runs],
        }
        log(
            f"  scaling {target:7s}: "
            + ", ".join(f"{d}: {x:.2f} s" for d, x in zip(draws, walls, strict=True))
            + f"; per-draw ratio {out[target]['ratio_per_draw_largest_to_smallest']:.3f}"
        )
    return out


def memory(bench: Bench, draws: tuple[int, ...], threads: int) -> list[dict[str, Any]]:
    """Each configuration in its own fresh process, so that one run's peak cannot hide
    behind another's. Process risk is off: it changes the time, not the arrays. Run before
    anything large in this process, whose own peak RSS would otherwise show through the
    children's ``ru_maxrss`` (see ``child_memory``)."""
    from kernels.cohort import VARIABLES

    out = []
    for n in draws:
        parent = _maxrss_bytes()
        args = ["--child-memory", str(n), "--threads", str(threads)]
        res, _ = _run_child([*args, "--schemes", ",".join(bench.codes)])
        # The [variable, draw, county, scheme, year] float64 array project() fills: the
        # floor under any peak, since the Dataset wraps it without a copy.
        res["parent_maxrss_bytes"] = parent
        res["kernel_output_bytes"] = len(VARIABLES) * bench.cell_years(n) // (N_SEXES * N_AGES) * 8
        log(
            f"  memory {n:>6,} draws: peak +{res['peak_increase_bytes'] / 2**20:,.0f} MiB "
            f"({res['peak_source']}; ru_maxrss +{res['maxrss_increase_bytes'] / 2**20:,.0f} "
            f"MiB), Dataset {res['dataset_nbytes'] / 2**20:,.0f} MiB "
            f"({res['project_wall_s']:.1f} s)"
        )
        out.append(res)
    return out


def startup(cold_compile: bool, schemes: list[str]) -> dict[str, Any]:
    """Cold compile (cache off) and warm start (cache on), each in a fresh interpreter."""
    res: dict[str, Any] = {"tiny_run": f"project(draws=1, end={TINY_END})"}
    start = ["--child-start", "--schemes", ",".join(schemes)]
    if cold_compile:
        cold, cold_wall = _run_child(start, {"ACTUARIAL_NUMBA_CACHE": "0"})
        res["cold"] = {**cold, "process_wall_s": cold_wall}
        log(f"  cold compile: first tiny project() {cold['first_project_s']:.1f} s")
    else:
        res["cold"] = {"skipped": "not in --quick (the cache-priming run stands in for it)"}
    # The first cached run compiles and writes the cache if the kernels' sources changed
    # since it was last written (on a fresh clone, it is a cold compile); only the second
    # is a warm start.
    prime, prime_wall = _run_child(start, {"ACTUARIAL_NUMBA_CACHE": "1"})
    res["cache_prime"] = {**prime, "process_wall_s": prime_wall}
    log(f"  cache-priming run: first tiny project() {prime['first_project_s']:.1f} s")
    warm, warm_wall = _run_child(start, {"ACTUARIAL_NUMBA_CACHE": "1"})
    log(
        f"  warm start: import {warm['import_s']:.2f} s + tiny project() "
        f"{warm['first_project_s']:.2f} s; whole process {warm_wall:.2f} s"
    )
    res["warm"] = {**warm, "process_wall_s": warm_wall}
    return res


# --------------------------------------------------------------------------- reference


def _kernel_args(model: Any, ids: Any, paths: Any, process_risk: bool) -> tuple[Any, ...]:
    """The exact arguments ``run_chunk`` passes to the kernel, captured rather than rebuilt
    here, so that the comparison follows any change of the kernel's argument list."""
    from unittest import mock

    import kernels.cohort

    captured: list[tuple[Any, ...]] = []
    with mock.patch.object(kernels.cohort, "project_pensions", lambda *a: captured.append(a)):
        model.run_chunk(SEED, ids, paths, process_risk=process_risk)
    return captured[0]


def kernel_vs_reference(bench: Bench, draws: int = 2, years: int = 3) -> dict[str, Any]:
    """Kernel against the numpy reference ``tests/reference_cohort.project_pensions`` on a
    small case: agreement and speed-up. Skipped (with the reason) when the reference is
    missing or its signature differs from the kernel's."""
    import importlib
    import inspect

    import numpy as np

    import kernels.cohort
    from actuarial.projection import PensionModel
    from actuarial.scenarios import generate

    if not REFERENCE.exists():
        return {"skipped": f"{REFERENCE.relative_to(ROOT)} not found"}
    # The reference imports its sibling twins (reference_sampling, ...) by plain name.
    tests_dir = str(REFERENCE.parent)
    if tests_dir not in sys.path:
        sys.path.insert(0, tests_dir)
    try:
        module = importlib.import_module(REFERENCE.stem)
    except Exception as exc:  # a reference being written may not import yet
        return {"skipped": f"importing the reference failed: {exc!r}"}
    ref = getattr(module, "project_pensions", None)
    if ref is None:
        return {"skipped": "tests/reference_cohort.py has no function project_pensions"}
    kernel = kernels.cohort.project_pensions
    want = list(inspect.signature(kernel.py_func).parameters)
    got = list(inspect.signature(ref).parameters)
    if got != want:
        return {"skipped": f"signature differs from the kernel's: {got} != {want}"}

    end = int(bench.model.years[0]) + years - 1
    model = PensionModel.build(bench.assumptions, end)
    ids = np.arange(draws, dtype=np.int64)
    paths = generate(bench.assumptions, seed=SEED, draws=ids, years=model.years)
    out: dict[str, Any] = {"draws": draws, "years": model.years.tolist(), "cases": []}
    for risk in (False, True):
        args = _kernel_args(model, ids, paths, risk)
        k_out = np.full_like(args[-1], np.nan)
        r_out = np.full_like(args[-1], np.nan)
        t_kernel, _, _ = _timed(lambda a=args, o=k_out: kernel(*a[:-1], o))
        t0 = time.perf_counter()
        try:
            ref(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args[:-1]], r_out)
        except Exception as exc:
            out["cases"].append({"process_risk": risk, "error": repr(exc)})
            continue
        t_ref = time.perf_counter() - t0
        diff = np.abs(k_out - r_out)
        scale = np.maximum(np.abs(k_out), np.abs(r_out))
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.where(scale > 0, diff / scale, 0.0)
        case = {
            "process_risk": risk,
            "identical": bool(np.array_equal(k_out, r_out, equal_nan=True)),
            "max_abs_diff": float(np.nanmax(diff)),
            "max_rel_diff": float(np.nanmax(rel)),
            "mismatches_rtol_1e-9": int(
                np.count_nonzero(~np.isclose(k_out, r_out, rtol=1e-9, atol=0, equal_nan=True))
            ),
            "kernel_s": t_kernel,
            "reference_s": t_ref,
            "speedup": t_ref / t_kernel,
        }
        out["cases"].append(case)
        log(
            f"  reference (process risk {'on' if risk else 'off'}): max rel diff "
            f"{case['max_rel_diff']:.2e}, kernel {t_kernel * 1e3:.1f} ms, reference "
            f"{t_ref:.2f} s ({case['speedup']:,.0f}x)"
        )
    return out


# --------------------------------------------------------------------------- report


def _row(e: dict[str, Any]) -> str:
    other = e.get("other_load_cores")
    how = "measured" if e["method"] == "measured" else "estimated"
    if e["runs"] > 1:
        how += f", best of {e['runs']}"
    return (
        f"{e['draws']:>7,}  {e['target']:<8s} {'on' if e['process_risk'] else 'off':<4s}"
        f" {e['threads']:>3d}  {e['wall_s']:>8.2f}  {e['cell_years_per_s'] / 1e6:>10.2f}"
        f"  {e['ns_per_cell_year']:>8.1f}  {e['core_ns_per_cell_year']:>8.1f}  "
        f"{'' if other is None else f'{other:.2f}':>5s}  {how}"
    )


HEADER = (
    "  draws  target   risk thr    wall s  Mcell-yr/s  ns/c-y  core-ns/c-y  other  how\n" + "-" * 86
)


def table(res: dict[str, Any]) -> str:
    m, c = res["machine"], res["case"]
    lines = [
        f"Machine: {m['cpu_model']}, nproc {m['nproc']}, numba {m['numba']} "
        f"({m.get('threading_layer', '?')} threads), numpy {m['numpy']}, "
        f"Python {m['python']}; load average {m['loadavg_start'][0]:.2f} at start, "
        f"{m['loadavg_end'][0]:.2f} at end",
        f"Case: {c['counties']} counties x {c['schemes']} schemes x {c['years']} years "
        f"({c['first_year']}-{c['last_year']}) x {c['sexes']} sexes x {c['ages']} ages = "
        f"{c['cell_years_per_draw']:,} cohort-cell-years per draw; chunk {c['chunk']}",
        "",
        HEADER,
        *(_row(e) for e in res["timings"]),
        "",
    ]
    for mem in res["memory"]:
        lines.append(
            f"Memory, project(draws={mem['draws']:,}) in a fresh process: peak RSS "
            f"+{mem['peak_increase_bytes'] / 2**20:,.0f} MiB over the warmed-up process "
            f"({mem['rss_after_warmup_bytes'] / 2**20:,.0f} MiB); Dataset "
            f"{mem['dataset_nbytes'] / 2**20:,.0f} MiB; kernel output array "
            f"{mem['kernel_output_bytes'] / 2**20:,.0f} MiB (peak from {mem['peak_source']}; "
            f"ru_maxrss +{mem['maxrss_increase_bytes'] / 2**20:,.0f} MiB)"
        )
    s = res["startup"]
    cold, prime = s["cold"], s["cache_prime"]
    lines += [
        f"Cold compile (cache off): skipped, {cold['skipped']}"
        if "skipped" in cold
        else f"Cold compile (cache off): first {s['tiny_run']} {cold['first_project_s']:.1f} s"
        f" (whole process {cold['process_wall_s']:.1f} s)",
        f"Cache-priming run (cache on, first after any source change): first tiny project "
        f"{prime['first_project_s']:.2f} s",
        f"Warm start (cache on): import {s['warm']['import_s']:.2f} s + first tiny project "
        f"{s['warm']['first_project_s']:.2f} s (whole process {s['warm']['process_wall_s']:.2f} s)",
    ]
    sc = res["scaling"]
    for target in ("kernel", "project"):
        t = sc[target]
        lines.append(
            f"Scaling {target} (risk off, {sc['threads']} threads), draws {sc['draws']}: "
            + ", ".join(f"{w:.2f}" for w in t["wall_s"])
            + f" s; time ratio {t['ratio_time_largest_to_smallest']:.2f} for "
            f"{t['ratio_draws_largest_to_smallest']:g}x the draws, per-draw ratio "
            f"{t['ratio_per_draw_largest_to_smallest']:.3f}; fit "
            f"{t['fit_intercept_s']:.2f} s + {t['fit_s_per_draw'] * 1e3:.2f} ms/draw "
            f"(R^2 {t['fit_r2']:.5f})"
        )
    ref = res["reference"]
    if "skipped" in ref:
        lines.append(f"Kernel vs reference: skipped ({ref['skipped']})")
    for case in ref.get("cases", []):
        risk = "on" if case["process_risk"] else "off"
        if "error" in case:
            lines.append(f"Kernel vs reference, risk {risk}: reference failed: {case['error']}")
            continue
        lines.append(
            f"Kernel vs reference ({ref['draws']} draws, {len(ref['years'])} years), risk "
            f"{risk}: identical {case['identical']}, max rel diff {case['max_rel_diff']:.2e}, "
            f"mismatches {case['mismatches_rtol_1e-9']} (rtol 1e-9); kernel "
            f"{case['kernel_s'] * 1e3:.1f} ms, reference {case['reference_s']:.2f} s "
            f"({case['speedup']:,.0f}x)"
        )
    lines.append(f"Total benchmark wall time: {res['total_wall_s']:.0f} s")
    return "\n".join(lines)


def chart(res: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    timings = res["timings"]
    sizes = sorted({e["draws"] for e in timings})
    configs = sorted({(e["process_risk"], e["threads"]) for e in timings}, reverse=True)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    series = [(t, n) for n in sizes for t in ("project", "kernel")]
    width = 0.8 / len(series)
    x = np.arange(len(configs))
    for j, (target, n) in enumerate(series):
        for i, (risk, thr) in enumerate(configs):
            e = next(
                (
                    e
                    for e in timings
                    if (e["target"], e["draws"], e["process_risk"], e["threads"])
                    == (target, n, risk, thr)
                ),
                None,
            )
            if e is None:
                continue
            ax.bar(
                x[i] + (j - (len(series) - 1) / 2) * width,
                e["ns_per_cell_year"],
                width,
                # One colour per target, lighter for the larger draw count.
                color="C0" if target == "project" else "C1",
                alpha=1.0 if n == sizes[0] else 0.55,
                hatch="//" if e["method"] == "estimated" else None,
                edgecolor="white" if e["method"] == "estimated" else None,
                label=f"{target}, {n:,} draws" if i == 0 else None,
            )
    ax.set_xticks(
        x, [f"risk {'on' if r else 'off'}\n{t} thread{'s' * (t > 1)}" for r, t in configs]
    )
    ax.set_ylabel("ns per cohort-cell-year (wall)")
    ax.set_title("Throughput (hatched: estimated)")
    ax.legend(fontsize=8)
    sc = res["scaling"]
    for j, target in enumerate(("kernel", "project")):
        ax2.plot(sc["draws"], sc[target]["wall_s"], "o-", color=f"C{j}", label=target)
    d = np.asarray(sc["draws"], dtype=float)
    k = sc["kernel"]
    ax2.plot(d, k["wall_s"][0] * d / d[0], ":", color="grey", label="linear (from first point)")
    ax2.set_xlabel("draws")
    ax2.set_ylabel("wall time (s)")
    ax2.set_title(f"Scaling, process risk off, {sc['threads']} threads")
    ax2.legend(fontsize=8)
    fig.suptitle(
        f"project() benchmark: {res['machine']['cpu_model']}, nproc {res['machine']['nproc']}"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --------------------------------------------------------------------------- main


def benchmark(mode: Mode, budget_s: float, exhaustive: bool) -> dict[str, Any]:
    import numba

    start = time.perf_counter()
    deadline = float("inf") if exhaustive else start + budget_s
    res: dict[str, Any] = {"schema": 1, "mode": mode.name, "machine": machine_info()}
    threads = [t for t in (1, 2) if t <= numba.config.NUMBA_NUM_THREADS]
    if 2 not in threads:
        log("only one numba thread available: the 2-thread figures are skipped")
    m = res["machine"]
    log(f"== {mode.name} benchmark on {m['cpu_model']}, nproc {m['nproc']}")
    log("== startup (fresh processes)")
    # Built first for the scheme codes the children need; it loads no kernel.
    bench = Bench(mode.retry_s, mode.repeat_s)
    res["startup"] = startup(mode.cold_compile, bench.codes)
    log("== memory (fresh processes)")
    res["memory"] = memory(bench, mode.memory, max(threads))
    warm_up(bench, threads)
    res["machine"]["threading_layer"] = numba.threading_layer()
    first, last = int(bench.model.years[0]), int(bench.model.years[-1])
    res["case"] = {
        **bench.shape,
        "first_year": first,
        "last_year": last,
        "cell_years_per_draw": bench.cell_years(1),
        "seed": SEED,
        "chunk": bench.chunk,
        "scheme_codes": bench.codes,
        # Whether project() took `schemes=` (and so ran these funds only).
        "project_restricted_to_schemes": _takes_schemes(),
    }
    log("== kernel vs reference")
    res["reference"] = kernel_vs_reference(bench)
    if "skipped" in res["reference"]:
        log(f"  skipped: {res['reference']['skipped']}")

    log(f"== grid, {mode.small:,} draws")
    log(HEADER)
    small = grid(bench, mode.small, threads)
    log("== scaling")
    res["scaling"] = scaling(bench, mode.scaling, max(threads))
    log(f"== grid, {mode.large:,} draws (budget: {deadline - time.perf_counter():.0f} s left)")
    log(HEADER)
    res["timings"] = small + large_grid(bench, mode, small, threads, deadline)
    res["machine"]["loadavg_end"] = list(os.getloadavg())
    res["total_wall_s"] = time.perf_counter() - start
    return res


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small CI smoke run (under a minute)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    p.add_argument(
        "--budget-s",
        type=float,
        default=None,
        help="seconds from the start by which the large grid must end "
        "(default: 810 full, 45 quick)",
    )
    p.add_argument(
        "--exhaustive", action="store_true", help="measure every large-grid configuration"
    )
    # Entry points of the fresh child processes.
    p.add_argument("--child-start", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--child-memory", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--threads", type=int, default=2, help=argparse.SUPPRESS)
    p.add_argument("--schemes", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    schemes = [c for c in args.schemes.split(",") if c] or None
    if args.child_start:
        child_start(schemes)
        return
    if args.child_memory is not None:
        child_memory(args.child_memory, False, args.threads, schemes)
        return

    mode = QUICK if args.quick else FULL
    res = benchmark(
        mode, mode.budget_s if args.budget_s is None else args.budget_s, args.exhaustive
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_project.json").write_text(json.dumps(res, indent=2) + "\n")
    chart(res, args.out / "bench_project.png")
    log("\n" + table(res))
    log(f"\nwrote {args.out / 'bench_project.json'} and {args.out / 'bench_project.png'}")


if __name__ == "__main__":
    main()
