"""The real app in a real browser: one server and one Chromium setup for tests and benches.

``tests/browser/conftest.py`` (the browser tests) and ``bench/_sessions.py``
(the browser benches) both start the app with :func:`serve_app` and launch
Debian's Chromium with :data:`CHROMIUM_ARGS`, and both find the map by
:data:`MAP_IFRAME`, so a bench measures exactly what the tests check.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
#: Headless Chromium without the sandbox (containers), GPU or background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STARTUP_TIMEOUT_S = 120
#: The map frame, by the title every map gives it (see ``healthyplaces.maps``).
MAP_IFRAME = 'iframe[title^="Map of "]'
#: Script run in the map frame: the fill colour of every vector shape on the map, SVG or
#: canvas (``window.map`` is the map streamlit-folium draws; [] before there is one).
SHAPE_FILLS_JS = """() => {
    const fills = [];
    if (window.map) {
        window.map.eachLayer(l => {
            if (l instanceof L.Path) { fills.push(l.options.fillColor || null); }
        });
    }
    return fills;
}"""
#: Script run in the map frame: how many vector shapes the map holds.
SHAPE_COUNT_JS = "() => (" + SHAPE_FILLS_JS + ")().length"
#: Script run in the map frame: what Leaflet has drawn, or null before there is a map.
#: ``[shapes, image layers, tiles still loading, legend text, width, height]``; equal
#: signatures mean the same picture (the legend names the place and the layers).
MAP_SIGNATURE_JS = """() => {
    const c = document.querySelector('.leaflet-container');
    if (!c) { return null; }
    let shapes = 0;  // vector shapes on the map, SVG or canvas (canvas ones are not DOM nodes)
    if (window.map) { window.map.eachLayer(l => { if (l instanceof L.Path) { shapes++; } }); }
    const images = document.querySelectorAll('.leaflet-image-layer').length;
    const loading = document.querySelectorAll('.leaflet-tile:not(.leaflet-tile-loaded)').length;
    const legend = Array.from(document.querySelectorAll('.hp-legend'))
        .map(e => e.textContent).join('|');
    return [shapes, images, loading, legend, c.clientWidth, c.clientHeight];
}"""


@dataclass(frozen=True)
class Server:
    """A running ``streamlit run app.py``: its URL and process id."""

    url: str
    pid: int


def chromium_available() -> bool:
    """True if Debian's Chromium and Playwright are both installed."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.exists()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"streamlit did not start in {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")


@contextlib.contextmanager
def serve(env: dict[str, str] | None = None, log_name: str = "streamlit.log") -> Iterator[Server]:
    """Run ``streamlit run app.py`` on a free 127.0.0.1 port; yield it; stop it after.

    ``env`` adds or overrides environment variables for the server (for example
    ``HEALTHYPLACES_BUNDLE`` for a test bundle). Its output goes to
    ``tests/artifacts/<log_name>``.
    """
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / log_name
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=full_env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield Server(url=url, pid=proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextlib.contextmanager
def serve_app(env: dict[str, str] | None = None, log_name: str = "streamlit.log") -> Iterator[str]:
    """:func:`serve`, yielding only the URL."""
    with serve(env, log_name) as server:
        yield server.url


def peak_rss_mib(pid: int) -> float:
    """Peak resident set size (``VmHWM``) of process ``pid`` so far, MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time process ``pid`` has used so far, s (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # after the command name: state is field 3, utime 14 and stime 15 (1-based, proc(5))
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drawn_map(page: Any, index: int = 0, timeout_ms: float = 120_000, of: str | None = None) -> Any:
    """The ``index``-th map frame (-1: the last) once Leaflet has drawn a shape in it.

    Renderer-independent (the maps draw on canvas, whose shapes are not DOM
    nodes): it waits on :data:`SHAPE_COUNT_JS` and for the map's click handler.
    With ``of`` (a place name), only a frame titled "Map of <of>" counts, so
    that a map being replaced after a place switch is never the one used.
    Returns a Playwright ``Frame``.
    """
    selector = MAP_IFRAME if of is None else f'iframe[title^="Map of {of}"]'
    page.wait_for_selector(selector, timeout=timeout_ms)
    frames = page.locator(selector)
    handle = (frames.last if index == -1 else frames.nth(index)).element_handle()
    frame = handle.content_frame()
    # ...and streamlit-folium has bound its click handler (a click before that is lost)
    frame.wait_for_function(
        f"() => ({SHAPE_COUNT_JS})() > 0 && window.map.listens('click')", timeout=timeout_ms
    )
    return frame


def shape_count(frame: Any) -> int:
    """How many vector shapes the map in ``frame`` (a Playwright ``Frame``) holds."""
    return int(frame.evaluate(SHAPE_COUNT_JS))


def map_locator(page: Any, timeout_ms: float = 120_000) -> Any:
    """The map frame as a Playwright ``FrameLocator``, once Leaflet has drawn a shape in it.

    Unlike :func:`drawn_map`'s ``Frame`` (bound to one iframe element), a locator
    is resolved again at each use, so it follows a map frame that a rerun replaces.
    """
    drawn_map(page, timeout_ms=timeout_ms)
    return page.frame_locator(MAP_IFRAME)


def wait_idle(page: Any, timeout_ms: float = 90_000) -> None:
    """Wait until Streamlit has finished the current run (its status widget is hidden)."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout_ms)


def choose_place(page: Any, label: str, timeout_ms: float = 90_000) -> None:
    """Pick ``label`` (as the sidebar picker shows it) and wait for the run to finish."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Place"
    )
    box.click()
    page.keyboard.type(label.split(" (")[0])
    page.get_by_role("option", name=label).click()
    page.get_by_text("Selected:").filter(has_text=label.split(" (")[0]).wait_for()
    wait_idle(page, timeout_ms)


def toggle(page: Any, label: str) -> None:
    """Flip the Streamlit toggle (checkbox) labelled ``label`` and wait for the run."""
    page.locator('[data-testid="stCheckbox"]').filter(has_text=label).click()
    wait_idle(page)
