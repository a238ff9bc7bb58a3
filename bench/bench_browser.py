"""Benchmark: the app in a real browser, from the user's action to the map idle (issue 13).

Run with ``.venv/bin/python bench/bench_browser.py [--repeats 5] [--sessions 10]``.
It serves ``streamlit run app.py`` on 127.0.0.1 and drives headless Chromium
(``/usr/bin/chromium``, Playwright), with the server and browser setup of the
browser tests (:mod:`tests.browser.harness`) and the actions and idle rule of
:mod:`bench._sessions`.

1. **Warm-up:** one session opens the app, so the server's caches (the results
   store, the map layers) are filled; the cold first map is printed. Then the
   bench waits for the server to be quiet (its background warm-up of the
   districts' default maps, ``app_pages.map_explorer.warm_frames``, done).
2. **One session**, ``--repeats`` times: open the app (*first map*), choose the
   next place (*place switch*), switch the green-space sites off (*layer
   toggle*), click the middle of the map (*map click*, which selects the LSOA
   under it) and switch the sites on again (*layer toggle*). Each action's
   median is printed with its ratio to the same run's median first map
   (machine noise cancels), and what it was spent on: the server's CPU
   seconds (``/proc/<pid>/stat`` of the Streamlit process), the browser's
   CPU seconds (every Chromium process) and the bytes the page received over
   Streamlit's websocket.
3. **``--sessions`` at once** (10), each cycling place, toggle, click and toggle
   for ``--seconds``: per action p50 and p95 and the errors.

Targets on a 2-core machine: first map < 3 s, place switch < 1 s, layer
toggle < 1 s, p95 with 10 sessions < 3 s. Speed is never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: bench/, tests/

from bench import _sessions as s
from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    chromium_available,
    cpu_seconds,
    peak_rss_mib,
    serve,
)

ACTIONS = ("first map", "place switch", "layer toggle", "map click")
TARGETS_S = {"first map": 3.0, "place switch": 1.0, "layer toggle": 1.0, "map click": 1.0}
CONCURRENT_P95_TARGET_S = 3.0


@dataclass
class Spent:
    """Per action: latency (s), server and browser CPU (s) and websocket bytes received."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_cpu: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    browser_cpu: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    received: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _chromium_cpu_seconds() -> float:
    """CPU seconds used so far by every Chromium process on the machine (/proc)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            # by the process name: Chromium rewrites its renderers' command lines
            if (proc / "comm").read_text().strip() in ("chromium", "chrome"):
                total += cpu_seconds(int(proc.name))
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return total


class _Meter:
    """Measures one action: latency, server and browser CPU, websocket bytes."""

    def __init__(self, server_pid: int, spent: Spent, received: list[int]) -> None:
        self.server_pid, self.spent, self.received = server_pid, spent, received

    async def run(self, action: str, step: Any) -> None:
        cpu_server, cpu_browser = cpu_seconds(self.server_pid), _chromium_cpu_seconds()
        got = self.received[0]
        start, idle = await step
        self.spent.latency[action].append(idle - start)
        self.spent.server_cpu[action].append(cpu_seconds(self.server_pid) - cpu_server)
        self.spent.browser_cpu[action].append(_chromium_cpu_seconds() - cpu_browser)
        self.spent.received[action].append(self.received[0] - got)


async def _one_session(url: str, server_pid: int, repeats: int) -> Spent:
    from playwright.async_api import async_playwright

    spent = Spent()
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for k in range(repeats):
                context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                page = await context.new_page()
                received = [0]

                def _on_ws(ws: Any, received: list[int] = received) -> None:
                    ws.on("framereceived", lambda payload: received.__setitem__(
                        0, received[0] + len(payload)))  # fmt: skip

                page.on("websocket", _on_ws)
                meter = _Meter(server_pid, spent, received)
                await meter.run("first map", s.first_load(page, url))
                await meter.run("place switch", s.choose_place(page, s.PLACES[k % len(s.PLACES)]))
                await meter.run("layer toggle", s.toggle_layer(page))
                await meter.run("map click", s.click_map(page))
                await meter.run("layer toggle", s.toggle_layer(page))
                await context.close()
                print(f"  repeat {k + 1}/{repeats} done", flush=True)
        finally:
            await browser.close()
    return spent


async def _cycle(page: Any, label: str, stats: s.Stats) -> bool:
    ok = await s.timed(stats, "place switch", s.choose_place(page, label))
    ok = ok and await s.timed(stats, "layer toggle", s.toggle_layer(page))
    ok = ok and await s.timed(stats, "map click", s.click_map(page))
    return ok and await s.timed(stats, "layer toggle", s.toggle_layer(page))


def _report_one(spent: Spent) -> float:
    """Print the one-session table; the median first map (the run's own baseline), s."""
    base = s.median(spent.latency["first map"])
    print(
        f"\n{'one session':<13} {'n':>3} {'median s':>9} {'/ first map':>12} {'target':>8}"
        f" {'server CPU s':>13} {'browser CPU s':>14} {'received MB':>12}"
    )
    for action in ACTIONS:
        t = spent.latency[action]
        med, target = s.median(t), TARGETS_S[action]
        verdict = "met" if med < target else "NOT met"
        print(
            f"{action:<13} {len(t):>3} {med:>9.2f} {med / base:>11.2f}x {target:>6.0f} s"
            f" {s.median(spent.server_cpu[action]):>13.2f}"
            f" {s.median(spent.browser_cpu[action]):>14.2f}"
            f" {s.median([float(b) for b in spent.received[action]]) / 1e6:>12.2f}   {verdict}"
        )
    return base


def _report_many(stats: s.Stats, sessions: int, base: float) -> None:
    print(
        f"\n{sessions} sessions    {'n':>4} {'err':>4} {'p50 s':>7} {'p95 s':>7}"
        f" {'p95 / first map':>16}"
    )
    for action in ACTIONS:
        t = stats.times["first load" if action == "first map" else action]
        errors = len(stats.errors["first load" if action == "first map" else action])
        p95 = s.percentile(t, 95)
        print(
            f"{action:<13} {len(t):>4} {errors:>4} {s.percentile(t, 50):>7.2f} {p95:>7.2f}"
            f" {p95 / base:>15.2f}x"
        )
    n_errors = s.print_errors(stats)
    p95 = max(s.percentile(stats.times[a], 95) for a in ("place switch", "layer toggle"))
    verdict = "met" if n_errors == 0 and p95 < CONCURRENT_P95_TARGET_S else "NOT met"
    print(
        f"Target p95 < {CONCURRENT_P95_TARGET_S:.0f} s with {sessions} sessions (place switch and "
        f"layer toggle), 0 errors: p95 {p95:.2f} s, {n_errors} errors -> {verdict}"
    )


async def _main(args: argparse.Namespace, url: str, pid: int) -> None:
    hard_stop = time.monotonic() + args.budget
    warm = await s.run_sessions(url, 1, 0, hard_stop, _cycle)
    print(f"warm-up: cold first map {s.median(warm.times['first load']):.1f} s", flush=True)
    quiet = await s.server_quiet(pid)
    print(f"  then the server's background warm-up: quiet after {quiet:.0f} s", flush=True)
    print(f"one session, {args.repeats} repeats", flush=True)
    spent = await _one_session(url, pid, args.repeats)
    base = _report_one(spent)
    if args.sessions > 0:
        print(f"\n{args.sessions} sessions at once for {args.seconds:.0f} s", flush=True)
        many = await s.run_sessions(url, args.sessions, args.seconds, hard_stop, _cycle)
        _report_many(many, args.sessions, base)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="one-session repeats (5)")
    parser.add_argument(
        "--sessions", type=int, default=10, help="concurrent sessions (10; 0: one session only)"
    )
    parser.add_argument("--seconds", type=float, default=90, help="concurrent cycling (90 s)")
    parser.add_argument("--budget", type=float, default=540, help="hard stop for the run (540 s)")
    args = parser.parse_args()
    if not chromium_available():
        print(f"{CHROMIUM} or Playwright is not installed: skipped")
        return 0
    start = time.perf_counter()
    with serve(log_name="bench_browser.streamlit.log") as server:
        print(f"server up in {time.perf_counter() - start:.1f} s; CPUs: {os.cpu_count()}")
        asyncio.run(_main(args, server.url, server.pid))
        print(f"Peak server RSS (VmHWM): {peak_rss_mib(server.pid):,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
