"""Users in a real browser, timed: the actions the browser benches repeat.

``bench_browser.py`` (issue 13: first map, place switch, layer toggle, map
click, one session and ten) and ``bench_load.py`` (issue 14: twenty sessions
that also build reports and download files) drive the app through these
coroutines, in headless Chromium (Playwright's async API) against
``streamlit run app.py`` started by :mod:`tests.browser.harness`, the same
server and browser setup as the browser tests.

**Idle.** An action's latency runs from the user's input to the moment the app
is idle again. For the map actions that moment is the first of three samples,
100 ms apart, in which

* Streamlit's running indicator (``stStatusWidget``) is hidden, and
* the map frame's signature (:data:`tests.browser.harness.MAP_SIGNATURE_JS`:
  shapes and image layers drawn, tiles loading, legend text, size) differs from
  the one before the action, is not empty and is the same in all three samples.

So a map that is still being drawn, or the old map before Streamlit has
re-run, never counts as idle, and the 200 ms of settling are not counted.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_IFRAME,
    MAP_SIGNATURE_JS,
    cpu_seconds,
)

#: Places a session cycles through, as the sidebar picker labels them: districts and
#: wards (2025) in turn, so every switch changes the map.
PLACES = (
    "Bradford (district, E08000032)",
    "Headingley & Hyde Park (ward, E05011397)",
    "Calderdale (district, E08000033)",
    "Kirklees (district, E08000034)",
    "Leeds (district, E08000035)",
    "Wakefield (district, E08000036)",
)
#: The layer the toggle action switches off and on again (a toggle on the map explorer).
#: It is the green-space sites, so that a map click in between lands on an LSOA:
#: a click on a site shows the site and, by design, does not change the place.
TOGGLE_LAYER = "Green space sites"
ACTION_TIMEOUT_S = 180.0
_POLL_S = 0.1
_STABLE_SAMPLES = 3


@dataclass
class Stats:
    """Latencies (s) and errors per action, and what the pages logged."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    page_errors: list[str] = field(default_factory=list)
    #: Seconds each session cancelled at the time budget had waited for its first load.
    unfinished_first_loads: list[float] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100, inclusive method), NaN for no values."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def median(values: list[float]) -> float:
    """The median, NaN for no values."""
    return statistics.median(values) if values else float("nan")


# --- Idle -------------------------------------------------------------------------------


async def _running(page: Any) -> bool:
    return bool(await page.locator('[data-testid="stStatusWidget"]').is_visible())


async def map_signature(page: Any) -> Any:
    """The map frame's signature now, or None when there is no drawn map."""
    try:
        body = page.frame_locator(MAP_IFRAME).first.locator("body")
        return await body.evaluate(MAP_SIGNATURE_JS, timeout=1_000)
    except Exception:  # no frame yet, or it is being replaced
        return None


async def map_idle(page: Any, before: Any) -> float:
    """Wait until the map is idle and differs from ``before``; the monotonic time it became so."""
    deadline = time.monotonic() + ACTION_TIMEOUT_S
    run: list[tuple[float, Any]] = []
    while time.monotonic() < deadline:
        now = time.monotonic()
        sig = await map_signature(page)
        drawn = sig is not None and sig != before and (sig[0] > 0 or sig[1] > 0) and sig[2] == 0
        if drawn and not await _running(page):
            run = [*run, (now, sig)] if run and run[-1][1] == sig else [(now, sig)]
            if len(run) >= _STABLE_SAMPLES:
                return run[0][0]
        else:
            run = []
        await asyncio.sleep(_POLL_S)
    raise TimeoutError(f"the map did not settle in {ACTION_TIMEOUT_S:.0f} s")


async def server_quiet(pid: int, timeout_s: float = 120.0) -> float:
    """Wait until the server process uses under 5% of a core over a second (its
    background warm-up of the map explorer's district maps done); seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        before = cpu_seconds(pid)
        await asyncio.sleep(1.0)
        if cpu_seconds(pid) - before < 0.05:
            break
    return time.monotonic() - start


async def streamlit_idle(page: Any) -> float:
    """Wait until Streamlit has started and finished the run an input caused; its end time."""
    await page.wait_for_timeout(300)  # the running indicator shows within this
    await page.locator('[data-testid="stStatusWidget"]').wait_for(
        state="hidden", timeout=ACTION_TIMEOUT_S * 1000
    )
    return time.monotonic()


# --- Actions: each returns (input, idle), monotonic s ----------------------------------
#
# ``input`` is the moment of the user's decisive input (the option clicked, the
# toggle switched, the map clicked), after any preparation such as opening the
# picker and typing into it; ``idle`` is when the app became idle after it.

Span = tuple[float, float]


async def first_load(page: Any, url: str) -> Span:
    """Open the app and wait for the county map."""
    start = time.monotonic()
    await page.goto(url)
    return start, await map_idle(page, None)


async def choose_place(page: Any, label: str) -> Span:
    """Pick ``label`` in the sidebar's place picker; idle when its map is drawn."""
    before = await map_signature(page)
    name = label.split(" (")[0]
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Place"
    )
    await box.click()
    await page.keyboard.type(name)
    option = page.get_by_role("option", name=label)
    await option.wait_for()
    start = time.monotonic()
    await option.click()
    return start, await map_idle(page, before)


async def toggle_layer(page: Any, label: str = TOGGLE_LAYER) -> Span:
    """Switch a map layer's checkbox; idle when the map shows the change."""
    before = await map_signature(page)
    start = time.monotonic()
    await page.locator('[data-testid="stCheckbox"]').filter(has_text=label).click()
    return start, await map_idle(page, before)


async def click_map(page: Any, x_share: float = 0.4, y_share: float = 0.5) -> Span:
    """Click the map at a share of its width and height; idle when the LSOA is selected.

    The middle of every district's and ward's map lies inside it, so with the
    green-space sites switched off the click lands on an LSOA; the app then
    shows it ("Selected: … (lsoa in …)") and redraws the map round it.
    """
    before = await map_signature(page)
    iframe = page.locator(MAP_IFRAME).first
    box = await iframe.bounding_box()
    if box is None:
        raise RuntimeError("the map frame has no size")
    start = time.monotonic()
    await (
        page.frame_locator(MAP_IFRAME)
        .first.locator(".leaflet-container")
        .click(position={"x": box["width"] * x_share, "y": box["height"] * y_share})
    )
    await (
        page.get_by_text("Selected:")
        .filter(has_text="(lsoa in")
        .first.wait_for(timeout=ACTION_TIMEOUT_S * 1000)
    )
    return start, await map_idle(page, before)


async def nav(page: Any, label: str) -> Span:
    """Open an app page from the sidebar; idle when its heading shows and Streamlit is done."""
    start = time.monotonic()
    await page.locator('[data-testid="stSidebarNav"]').get_by_text(label, exact=True).click()
    await page.get_by_role("heading", name=label).first.wait_for(timeout=ACTION_TIMEOUT_S * 1000)
    return start, await streamlit_idle(page)


async def build_report(page: Any) -> Span:
    """Open Reports and build the place's report, until its PDF button shows."""
    start, _ = await nav(page, "Reports")
    await page.get_by_role("button", name="Build the report for").click()
    await page.get_by_role("button", name="Download the PDF report").wait_for(
        timeout=ACTION_TIMEOUT_S * 1000
    )
    return start, await streamlit_idle(page)


async def download(page: Any) -> Span:
    """Open Downloads, prepare the default layer and download it; its bytes must arrive."""
    start, _ = await nav(page, "Downloads")
    await page.get_by_role("button", name="Prepare download").click()
    button = page.locator('[data-testid="stDownloadButton"] button')
    await button.wait_for(timeout=ACTION_TIMEOUT_S * 1000)
    async with page.expect_download(timeout=ACTION_TIMEOUT_S * 1000) as info:
        await button.click()
    got = await info.value
    path = await got.path()
    if path is None or Path(path).stat().st_size == 0:
        raise RuntimeError("the download was empty")
    return start, time.monotonic()


async def back_to_map(page: Any) -> Span:
    """Return to the map explorer; idle when its map is drawn."""
    start = time.monotonic()
    await (
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Map explorer", exact=True).click()
    )
    return start, await map_idle(page, None)


async def timed(stats: Stats, action: str, step: Awaitable[Span]) -> bool:
    """Run one action; record its latency (input to idle) or its error. False on error."""
    try:
        start, idle = await step
    except Exception as exc:  # every failure is counted; the run goes on
        stats.errors[action].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        return False
    stats.times[action].append(idle - start)
    return True


# --- Sessions ---------------------------------------------------------------------------

#: One cycle of a session: (page, place label, stats) -> True if every action succeeded.
Cycle = Callable[[Any, str, Stats], Awaitable[bool]]


async def session(
    browser: Any, url: str, index: int, stats: Stats, seconds: float, cycle: Cycle
) -> None:
    """One user: open the app (timed as "first load"), then repeat ``cycle`` for ``seconds``.

    Each session starts at its own place (``index``) in :data:`PLACES`. After a
    failed action the page is reloaded and the cycle goes on.
    """
    context = await browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True
    )
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_S * 1000)
    page.on("pageerror", lambda e: stats.page_errors.append(str(e)))
    opened = time.monotonic()
    try:
        try:
            if not await timed(stats, "first load", first_load(page, url)):
                return
        except asyncio.CancelledError:
            stats.unfinished_first_loads.append(time.monotonic() - opened)
            raise
        until = time.monotonic() + seconds
        step = index
        while time.monotonic() < until:
            label = PLACES[step % len(PLACES)]
            step += 1
            if not await cycle(page, label, stats):
                await page.goto(url)  # start afresh after a failed action
                await streamlit_idle(page)
    finally:
        await context.close()


async def run_sessions(
    url: str, sessions: int, seconds: float, hard_stop: float, cycle: Cycle
) -> Stats:
    """``sessions`` concurrent users in one Chromium, each cycling for ``seconds``.

    Every session still running at ``hard_stop`` (monotonic s) is cancelled; the
    figures gathered until then are kept and the cancellations counted as errors
    of the action "stopped".
    """
    from playwright.async_api import async_playwright

    stats = Stats()
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            tasks = [
                asyncio.create_task(session(browser, url, i, stats, seconds, cycle))
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


def print_errors(stats: Stats) -> int:
    """Print up to three distinct errors per action and the page errors; the error count."""
    for action, msgs in stats.errors.items():
        for msg in sorted(set(msgs))[:3]:
            print(f"  error in {action}: {msg}")
    if stats.unfinished_first_loads:
        print(
            f"  first loads unfinished when stopped: {len(stats.unfinished_first_loads)}, "
            f"after {min(stats.unfinished_first_loads):.0f} s or more"
        )
    js = sorted(set(stats.page_errors))
    print(f"  JavaScript page errors: {len(stats.page_errors)} ({'; '.join(js[:3]) or 'none'})")
    return sum(len(v) for v in stats.errors.values())
