"""Benchmark: N people using the app at once, in real Chromium sessions (issue 14, item 8).

Run with ``.venv/bin/python bench/bench_load.py [--sessions 20] [--seconds 240]``.
It starts ``streamlit run app.py`` on 127.0.0.1 (a free port), then drives one
headless Chromium (``/usr/bin/chromium``, Playwright) with one browser context
per session, each a separate Streamlit session. Every session repeats a cycle:

1. **place**: choose the next place in the sidebar picker (districts and wards);
2. **layer**: toggle *Blue space* on the map explorer;
3. **report**: open Reports and build the place's report (until its PDF button);
4. **download**: open Downloads, prepare the default layer and download the file
   (its bytes must arrive), then return to the map explorer.

Latency is from the user's action to **idle**. Idle means: Streamlit's running
indicator (``stStatusWidget``) is hidden, and for map actions the Leaflet map
in the ``st_folium`` iframe has drawn and settled, i.e. its ``.leaflet-container``
exists, the number of ``path.leaflet-interactive`` and ``.leaflet-image-layer``
elements is above zero and unchanged over two samples 250 ms apart, and no
``.leaflet-tile`` is still loading (the app is offline by default: no tiles).

A baseline is measured in the same run first: one session alone, the same
cycle. The load phase then runs N sessions for ``--seconds`` (each finishes the
action it is in, bounded by a per-action timeout). The script reports, per
action, the count, errors, p50 and p95 latency and the ratio of the load p95 to
the baseline p95; the first load (page open to map idle); JavaScript page
errors (reported, not counted as action errors); and the server's peak
resident memory (``VmHWM`` in ``/proc/<pid>/status``: the peak RSS of the
Streamlit process). The whole run stops by itself within ``--budget`` seconds
(default 570 s, under 10 minutes): 30 s before it, every session still running
is cancelled (counted as an error, in the row "stopped") and the server stopped.
Before the baseline, one untimed-for-the-ratio session opens the app to fill the
server's caches (the cold first load is printed).

Target: 0 action errors and a p95 place switch under 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: Places every session cycles through (each starts at its own offset): the five
#: districts and five wards (2025), as the sidebar picker labels them.
PLACES = (
    "Bradford (district, E08000032)",
    "Headingley & Hyde Park (ward, E05011397)",
    "Calderdale (district, E08000033)",
    "Kirklees (district, E08000034)",
    "Leeds (district, E08000035)",
    "Wakefield (district, E08000036)",
)
ACTIONS = ("first load", "place", "layer", "report", "download", "stopped")
PLACE_SWITCH_TARGET_S = 3.0
ACTION_TIMEOUT_MS = 180_000
STARTUP_TIMEOUT_S = 120
#: Script for the map frame: a signature of what Leaflet has drawn (or null before it has).
_MAP_SIGNATURE = """() => {
    const c = document.querySelector('.leaflet-container');
    if (!c) { return null; }
    const drawn = document.querySelectorAll('path.leaflet-interactive, .leaflet-image-layer');
    const loading = document.querySelectorAll('.leaflet-tile:not(.leaflet-tile-loaded)');
    return [drawn.length, loading.length, c.clientWidth, c.clientHeight];
}"""


@dataclass
class Stats:
    """Latencies (s) and errors per action, and the JavaScript errors seen."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    page_errors: list[str] = field(default_factory=list)
    #: Seconds each session cancelled at the budget had waited for its first load.
    unfinished_first_loads: list[float] = field(default_factory=list)


# --- The server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``streamlit run app.py`` on a free 127.0.0.1 port, once healthy: (process, URL)."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not start in {STARTUP_TIMEOUT_S} s; see {log}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server this script started (by its own process id)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def peak_rss_mib(pid: int) -> float:
    """Peak resident set size (``VmHWM``) of process ``pid``, MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- One session ----------------------------------------------------------------------


async def _streamlit_idle(page: Any) -> None:
    await page.wait_for_timeout(300)
    await page.locator('[data-testid="stStatusWidget"]').wait_for(
        state="hidden", timeout=ACTION_TIMEOUT_MS
    )


async def _map_idle(page: Any) -> None:
    """Streamlit idle, then the Leaflet map drawn and unchanged over 250 ms (see above)."""
    await _streamlit_idle(page)
    await page.wait_for_selector(MAP_IFRAME, timeout=ACTION_TIMEOUT_MS)
    handle = await page.locator(MAP_IFRAME).first.element_handle()
    frame = await handle.content_frame()
    deadline = time.monotonic() + ACTION_TIMEOUT_MS / 1000
    last = None
    while time.monotonic() < deadline:
        sig = await frame.evaluate(_MAP_SIGNATURE)
        if sig is not None and sig[0] > 0 and sig[1] == 0 and sig == last:
            return
        last = sig
        await page.wait_for_timeout(250)
    raise TimeoutError("the map did not settle")


async def _choose_place(page: Any, label: str) -> None:
    name = label.split(" (")[0]
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Place"
    )
    await box.click()
    await page.keyboard.type(name)
    await page.get_by_role("option", name=label).click()
    await (
        page.get_by_text("Selected:")
        .filter(has_text=name)
        .first.wait_for(timeout=ACTION_TIMEOUT_MS)
    )
    await _map_idle(page)


async def _nav(page: Any, label: str) -> None:
    await page.locator('[data-testid="stSidebarNav"]').get_by_text(label, exact=True).click()
    await page.get_by_role("heading", name=label).first.wait_for(timeout=ACTION_TIMEOUT_MS)
    await _streamlit_idle(page)


async def _toggle_layer(page: Any) -> None:
    await page.locator('[data-testid="stCheckbox"]').filter(has_text="Blue space").click()
    await _map_idle(page)


async def _report(page: Any) -> None:
    await _nav(page, "Reports")
    await page.get_by_role("button", name="Build the report for").click()
    await page.get_by_role("button", name="Download the PDF report").wait_for(
        timeout=ACTION_TIMEOUT_MS
    )
    await _streamlit_idle(page)


async def _download(page: Any) -> None:
    await _nav(page, "Downloads")
    await page.get_by_role("button", name="Prepare download").click()
    button = page.locator('[data-testid="stDownloadButton"] button')
    await button.wait_for(timeout=ACTION_TIMEOUT_MS)
    async with page.expect_download(timeout=ACTION_TIMEOUT_MS) as info:
        await button.click()
    download = await info.value
    path = await download.path()
    if path is None or Path(path).stat().st_size == 0:
        raise RuntimeError("the download was empty")


async def _timed(stats: Stats, action: str, coro: Any) -> bool:
    start = time.perf_counter()
    try:
        await coro
    except Exception as exc:  # every failure is counted; the run goes on
        stats.errors[action].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        return False
    stats.times[action].append(time.perf_counter() - start)
    return True


async def session(browser: Any, url: str, index: int, stats: Stats, seconds: float) -> None:
    """One user: open the app, then repeat the cycle for ``seconds`` after the first load."""
    context = await browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True
    )
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.on("pageerror", lambda e: stats.page_errors.append(str(e)))
    opened = time.monotonic()
    try:
        try:
            if not await _timed(stats, "first load", _first_load(page, url)):
                return
        except asyncio.CancelledError:
            stats.unfinished_first_loads.append(time.monotonic() - opened)
            raise
        until = time.monotonic() + seconds
        step = index
        while time.monotonic() < until:
            label = PLACES[step % len(PLACES)]
            step += 1
            if not await _cycle(page, label, stats):
                await page.goto(url)  # start afresh after a failed action
                await _streamlit_idle(page)
    finally:
        await context.close()


async def _first_load(page: Any, url: str) -> None:
    await page.goto(url)
    await _map_idle(page)


async def _cycle(page: Any, label: str, stats: Stats) -> bool:
    ok = await _timed(stats, "place", _choose_place(page, label))
    ok = ok and await _timed(stats, "layer", _toggle_layer(page))
    ok = ok and await _timed(stats, "report", _report(page))
    ok = ok and await _timed(stats, "download", _download(page))
    if ok:
        await _nav(page, "Map explorer")
        await _map_idle(page)
    return ok


async def run_phase(url: str, sessions: int, seconds: float, hard_stop: float) -> Stats:
    """``sessions`` concurrent users, each cycling for ``seconds`` after its first load.

    Every session still running at ``hard_stop`` (monotonic s) is cancelled; the
    figures gathered until then are kept and the cancellations counted as errors.
    """
    from playwright.async_api import async_playwright

    stats = Stats()
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            tasks = [
                asyncio.create_task(session(browser, url, i, stats, seconds))
                for i in range(sessions)
            ]
            _, pending = await asyncio.wait(tasks, timeout=max(hard_stop - time.monotonic(), 1))
            for task in pending:
                task.cancel()
                stats.errors["stopped"].append("session cancelled at the run's time budget")
            await asyncio.gather(*pending, return_exceptions=True)
        finally:
            await browser.close()
    return stats


# --- Report -----------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(base: Stats, load: Stats, sessions: int, rss_mib: float) -> bool:
    """Print the table and the verdict; True if the targets are met."""
    print(
        f"\n{'action':<11} {'n':>4} {'err':>4} {'p50 s':>7} {'p95 s':>7}   1-session p95 s  ratio"
    )
    for action in ACTIONS:
        t, b = load.times[action], base.times[action]
        p95, b95 = _pct(t, 95), _pct(b, 95)
        print(
            f"{action:<11} {len(t):>4} {len(load.errors[action]):>4} {_pct(t, 50):>7.2f} "
            f"{p95:>7.2f}   {b95:>15.2f}  {p95 / b95 if b95 else float('nan'):>5.1f}x"
        )
    errors = sum(len(v) for v in load.errors.values())
    for action, msgs in load.errors.items():
        for msg in sorted(set(msgs))[:3]:
            print(f"  error in {action}: {msg}")
    if load.unfinished_first_loads:
        print(
            f"First loads unfinished when stopped: {len(load.unfinished_first_loads)}, "
            f"after {min(load.unfinished_first_loads):.0f} s or more"
        )
    js = sorted(set(load.page_errors))
    print(f"JavaScript page errors: {len(load.page_errors)} ({'; '.join(js[:3]) or 'none'})")
    print(
        f"Peak server RSS (VmHWM): {rss_mib:,.0f} MiB; sessions: {sessions}; CPUs: {os.cpu_count()}"
    )
    p95_place = _pct(load.times["place"], 95)
    ok = errors == 0 and p95_place < PLACE_SWITCH_TARGET_S
    print(
        f"Target 0 errors and p95 place switch < {PLACE_SWITCH_TARGET_S:.0f} s: "
        f"{errors} errors, p95 {p95_place:.2f} s -> {'met' if ok else 'NOT met'}"
    )
    return ok


async def _main(args: argparse.Namespace, url: str, hard_stop: float) -> tuple[Stats, Stats]:
    print("warm-up: 1 session opens the app (fills the server's caches)", flush=True)
    warm = await run_phase(url, 1, 0, hard_stop)
    print(f"  cold first load {_pct(warm.times['first load'], 50):.1f} s", flush=True)
    print(f"baseline: 1 session for {args.baseline_seconds:.0f} s", flush=True)
    base = await run_phase(url, 1, args.baseline_seconds, hard_stop)
    print(f"load: {args.sessions} sessions for {args.seconds:.0f} s each", flush=True)
    load = await run_phase(url, args.sessions, args.seconds, hard_stop)
    return base, load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (20)")
    parser.add_argument("--seconds", type=float, default=150, help="cycling per session (150 s)")
    parser.add_argument("--baseline-seconds", type=float, default=60, help="1-session phase (60 s)")
    parser.add_argument("--budget", type=float, default=570, help="hard stop for the run (570 s)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is not installed: skipped")
        return 0
    log = Path(tempfile.gettempdir()) / "bench_load.streamlit.log"
    start = time.perf_counter()
    proc, url = start_server(log)
    print(f"server up in {time.perf_counter() - start:.1f} s at {url}", flush=True)
    # Sessions are cancelled at the budget less 30 s, left for closing the browser.
    hard_stop = time.monotonic() + args.budget - (time.perf_counter() - start) - 30
    try:
        base, load = asyncio.run(_main(args, url, hard_stop))
        rss = peak_rss_mib(proc.pid)
    finally:
        stop_server(proc)
    return 0 if report(base, load, args.sessions, rss) else 1


if __name__ == "__main__":
    raise SystemExit(main())
