"""The HTML report: its content, its self-containment, and that a browser renders it."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

import actuarial
from actuarial.cli import app
from actuarial.comparison import compare
from actuarial.report import REPORT_FILE, ReportError, write_report
from actuarial.results import write_results

runner = CliRunner()

END = 2030
POOLED = ["work_injury_enterprise", "work_injury_institution"]


# -- fixtures: a run, a streamed run and a comparison, small and short --------------------


@pytest.fixture(scope="module")
def run_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("run") / "results.nc"
    write_results(actuarial.project(draws=6, seed=3, end=END), path)
    return path


@pytest.fixture(scope="module")
def summary_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("summary") / "results.nc"
    ds = actuarial.project(draws=8, seed=1, end=END, keep="summary", sample=3)
    write_results(ds, path)
    return path


@pytest.fixture(scope="module")
def comparison_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cmp") / "comparison.nc"
    # The function, imported from its module: once actuarial.comparison (the module) is
    # imported, the package attribute of that name is the module, not the function.
    cmp = compare(None, "pooling_level:2013", draws=6, seed=2, end=END, schemes=POOLED)
    write_results(cmp, path)
    return path


# -- reading the page back ------------------------------------------------------------------


class _Page(HTMLParser):
    """Every tag's attributes, the text of each table cell and heading, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def attrs(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


def _parse(path: Path) -> tuple[str, _Page]:
    text = path.read_text("utf-8")
    page = _Page()
    page.feed(text)
    return text, page


_PNG = b"\x89PNG\r\n\x1a\n"


def _meta(text: str) -> dict[str, str]:
    """The metadata table: its headings and their cells' text."""
    found = re.search(r'<table class="meta">.*?</table>', text, re.S)
    assert found is not None
    page = _Page()
    page.feed(found.group(0))
    return dict(zip(page.cells[::2], page.cells[1::2], strict=True))


def _png_size(src: str) -> tuple[int, int]:
    """Width and height of a data-URI PNG, from its IHDR chunk."""
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix), src[:40]
    data = base64.b64decode(src[len(prefix) :], validate=True)
    assert data[:8] == _PNG
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _assert_self_contained(page: _Page) -> None:
    # Images only from data: URIs, links only within the page, no script, no style sheet
    # or font fetched from elsewhere.
    assert not page.attrs("script")
    assert not page.attrs("link")
    for tag, attrs in page.tags:
        for name in ("src", "href", "srcset", "data"):
            value = attrs.get(name)
            if value is None:
                continue
            if name == "href":
                assert value.startswith("#"), (tag, value)
            else:
                assert value.startswith("data:image/png;base64,"), (tag, value[:60])
    csp = [a for a in page.attrs("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp
    assert csp[0]["content"].startswith("default-src 'none'")


# -- content ----------------------------------------------------------------------------------


def test_write_report__run_has_metadata_tables_charts_and_assumptions(
    run_file: Path, tmp_path: Path
) -> None:
    path = write_report(run_file, tmp_path / "out")
    assert path == tmp_path / "out" / REPORT_FILE
    text, page = _parse(path)
    _assert_self_contained(page)
    ds = actuarial.open_results(run_file)

    # Metadata: seed, draws, years, process risk, the run's package version, reforms, date.
    cells = page.cells
    meta = _meta(text)
    assert meta["seed"] == "3"
    assert meta["draws"] == "6"
    assert meta["years"] == f"2013–{END}"
    assert meta["process risk"] == "on"
    assert meta["reforms"] == "none"
    assert meta["package version"].startswith(f"actuarial {ds.attrs['package_version']}")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", meta["report written"])
    assert meta["results"] == str(run_file)

    # Summary per scheme: every scheme once, its median horizon as the accessor gives it.
    city = ds.solvency.summary_table(aggregate="city")
    for code, row in city.iterrows():
        i = cells.index(str(code))
        median = float(row["median horizon"])
        shown = f">{END}" if np.isnan(median) else f"{median:.0f}"
        assert cells[i + 2] == ("no fund" if code == "dibao" else shown), code
    # Per county and scheme: a group header per scheme with a fund, a row per county.
    funded = [str(s) for s in ds["scheme"].values if int(ds["has_fund"].sel(scheme=s))]
    groups = [c for c in cells if c.split(" ")[0] in funded and " " in c]
    assert [g.split(" ")[0] for g in groups] == funded
    assert cells.count("yuanjiang") == len(funded)

    # Charts: each a PNG data URI that decodes, with a caption; nothing left undrawn.
    images = page.attrs("img")
    assert len(images) == text.count("<figure>") >= 3
    for img in images:
        width, height = _png_size(img["src"])
        assert width > 300
        assert height > 200
        assert img["alt"]
    assert "Not drawn" not in text

    # The assumptions, complete, in a closed <details> block; the schemes' notes.
    assumptions = re.search(r"<details><summary>assumptions.*?<pre>(.*?)</pre>", text, re.S)
    assert assumptions is not None
    assert html.unescape(assumptions.group(1)) == ds.attrs["assumptions_toml"]
    assert html.escape(ds.attrs["notes_dibao"], quote=True) in text
    assert "Pooled at province level since 1999" in text  # the enterprise pension's note


def test_write_report__streamed_run_says_what_its_draws_are(
    summary_file: Path, tmp_path: Path
) -> None:
    text, page = _parse(write_report(summary_file, tmp_path))
    _assert_self_contained(page)
    meta = _meta(text)
    assert meta["draws"].startswith("8 (every draw's depletion years kept")
    assert "the full results of 3 draws feed the balance charts" in meta["draws"]
    assert "(the 3 draws kept whole of 8)" in text
    assert len(page.attrs("img")) >= 3


def test_write_report__comparison_has_scenarios_deltas_and_costs(
    comparison_file: Path, tmp_path: Path
) -> None:
    text, page = _parse(write_report(comparison_file, tmp_path))
    _assert_self_contained(page)
    cmp = xr.open_dataset(comparison_file, engine="h5netcdf").load()
    cells = page.cells
    assert "baseline" in cells
    assert "pooling_level:2013" in cells
    assert "Δ fiscal cost PV" in cells
    # One block of rows per fund (both have one), a row per scenario in each.
    assert cells.count("pooling_level:2013") >= 2 + 1  # two funds' blocks and the costs
    for code in POOLED:
        assert any(c.startswith(code + " ") for c in cells), code
    # The fiscal cost table's total for the baseline, in 亿元.
    pv = float(cmp["fiscal_cost_pv"].sel(scenario="baseline").sum())
    assert f"{pv / 1e8:,.2f}" in cells
    # Pooling from 2013 changes when some county's fund runs out: charted.
    images = page.attrs("img")
    assert images
    for img in images:
        _png_size(img["src"])
    # A comparison records its baseline's assumptions, shown like a run's.
    assert "assumptions (" in text
    assert "does not record its assumptions" not in text
    meta = _meta(text)
    assert meta["draws"] == "6 per scenario"
    assert meta["seed"] == "2"


def test_write_report__from_a_dataset_in_memory(tmp_path: Path) -> None:
    ds = actuarial.project(draws=2, end=2016, schemes=["unemployment", "dibao"])
    text, page = _parse(write_report(ds, tmp_path))
    assert "a Dataset in memory" in text
    assert "unemployment" in page.cells
    assert len(page.attrs("img")) >= 2


def test_write_report__replaces_atomically_and_leaves_no_temporary(
    run_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_report(run_file, tmp_path)
    before = path.read_bytes()

    def boom(*args: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("actuarial.report._run_html", boom)
    with pytest.raises(KeyboardInterrupt):
        write_report(run_file, tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [REPORT_FILE]


# -- errors -------------------------------------------------------------------------------------


def test_write_report__not_a_results_file_is_named(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not NetCDF")
    with pytest.raises(ReportError, match=r"notes\.txt: not a results file: cannot be read"):
        write_report(text, tmp_path / "out")
    other = tmp_path / "other.nc"
    xr.Dataset({"x": ("t", [1.0, 2.0])}).to_netcdf(other, engine="h5netcdf")
    with pytest.raises(ReportError, match=r"other\.nc: not a results file: it holds neither"):
        write_report(other, tmp_path / "out")
    with pytest.raises(FileNotFoundError, match=r"missing\.nc: no such file"):
        write_report(tmp_path / "missing.nc", tmp_path / "out")
    with pytest.raises(ReportError, match="dataset: not a results dataset"):
        write_report(xr.Dataset({"x": ("t", [1.0])}), tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- the command line ---------------------------------------------------------------------------


def test_cli_report__writes_and_says_where(run_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    result = runner.invoke(app, ["report", str(run_file), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out / REPORT_FILE}" in result.output
    assert os.listdir(out) == [REPORT_FILE]


def test_cli_report__bad_input_exits_2_and_creates_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nc"
    bad.write_text("x")
    out = tmp_path / "new"
    result = runner.invoke(app, ["report", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "not a results file" in result.output
    assert not out.exists()
    missing = runner.invoke(app, ["report", str(tmp_path / "none.nc")])
    assert missing.exit_code == 2
    assert "no such file" in missing.output


# -- a browser renders it ----------------------------------------------------------------------

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def _chromium() -> str | None:
    """A Chromium binary: $ACTUARIAL_CHROMIUM, else the first of the usual names on PATH."""
    named = os.environ.get("ACTUARIAL_CHROMIUM")
    if named:
        return named
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    found = _chromium()
    if found is None:
        message = (
            "no Chromium binary found (tried $ACTUARIAL_CHROMIUM and "
            f"{', '.join(_BROWSERS)} on PATH); install it, e.g. apt-get install chromium"
        )
        # CI installs Chromium and sets this, so that a failed install fails the run
        # instead of skipping the only check that the report renders.
        if os.environ.get("ACTUARIAL_REQUIRE_CHROMIUM"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _headless(chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    # --no-sandbox: CI and containers run as root, where Chromium's sandbox refuses to
    # start (the page is our own file); --disable-dev-shm-usage: containers' /dev/shm is
    # often too small for it.
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--no-first-run", "--disable-extensions", "--disable-dev-shm-usage", *args,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


#: Appended to a copy of the page: when the page has loaded, write the state of every image
#: into the DOM, which --dump-dom then prints.
_CHECK = """<script>
window.addEventListener("load", () => {
  const out = document.createElement("pre");
  out.id = "image-check";
  out.textContent = JSON.stringify(Array.from(document.images, (img) => ({
    complete: img.complete, width: img.naturalWidth, height: img.naturalHeight})));
  document.body.appendChild(out);
});
</script>"""


def _images_in_browser(chromium: str, page: Path, tmp_path: Path) -> list[dict[str, int]]:
    text = page.read_text("utf-8")
    # The page's own policy stays (images from data: URIs only); it gains inline scripts,
    # for the check alone.
    checked = text.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';")
    checked = checked.replace("</body>", _CHECK + "</body>")
    copy = tmp_path / f"checked-{page.name}"
    copy.write_text(checked, "utf-8")
    dom = _headless(
        chromium, "--virtual-time-budget=10000", "--dump-dom", copy.resolve().as_uri()
    ).stdout
    found = re.search(r'<pre id="image-check">(.*?)</pre>', dom, re.S)
    assert found is not None, dom[-2000:]
    states: list[dict[str, int]] = json.loads(html.unescape(found.group(1)))
    return states


@pytest.mark.parametrize("kind", ["run", "comparison"])
def test_report__renders_in_headless_chromium_with_every_image(
    kind: str,
    chromium: str,
    run_file: Path,
    comparison_file: Path,
    tmp_path: Path,
) -> None:
    source = run_file if kind == "run" else comparison_file
    page = write_report(source, tmp_path / "out")
    n_images = len(_parse(page)[1].attrs("img"))
    assert n_images >= 1

    states = _images_in_browser(chromium, page, tmp_path)
    assert len(states) == n_images
    for state in states:
        assert state["complete"]
        assert state["width"] > 0
        assert state["height"] > 0

    # A screenshot of the page as a reader first sees it.
    shot = tmp_path / f"report-{kind}.png"
    _headless(chromium, "--window-size=1280,2400", f"--screenshot={shot}", page.as_uri())
    from PIL import Image

    with Image.open(shot) as im:
        assert im.size == (1280, 2400)
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
    # A blank or error page has a handful of colours; tables, text and charts have many.
    assert colours is not None
    assert len(colours) > 100


def test_report__browser_check_sees_a_broken_image(chromium: str, tmp_path: Path) -> None:
    # The check above would pass vacuously if it could not tell a broken image.
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv='
        '"Content-Security-Policy" content="default-src \'none\'; img-src data:"></head>'
        '<body><img src="data:image/png;base64,iVBORw0KGgo=" alt="broken"></body></html>',
        "utf-8",
    )
    states = _images_in_browser(chromium, page, tmp_path)
    assert len(states) == 1
    assert states[0]["width"] == 0
