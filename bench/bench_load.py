"""Benchmark: twenty people using the app at once, in real Chromium sessions (issue 14, item 8).

Run with ``.venv/bin/python bench/bench_load.py [--sessions 20] [--seconds 150]``.
It serves ``streamlit run app.py`` on 127.0.0.1 and drives one headless
Chromium with one browser context per session, each a separate Streamlit
session (the server and browser setup of the browser tests,
:mod:`tests.browser.harness`; the actions and the idle rule of
:mod:`bench._sessions`). Every session repeats a cycle:

1. **place**: choose the next place in the sidebar picker (districts and wards);
2. **layer**: switch the green-space sites off on the map explorer;
3. **report**: open Reports and build the place's report (until its PDF button);
4. **download**: open Downloads, prepare the default layer and download the file
   (its bytes must arrive), then return to the map explorer.

A baseline is measured in the same run first: one session alone, the same
cycle, after one session has opened the app to fill the server's caches (the
cold first load is printed). The load phase then runs N sessions for
``--seconds`` (each finishes the action it is in, bounded by a per-action
timeout). The script reports, per action, the count, errors, p50 and p95
latency and the ratio of the load p95 to the baseline p95; JavaScript page
errors; and the server's peak resident memory (``VmHWM``). The whole run stops
by itself within ``--budget`` seconds: 30 s before it, every session still
running is cancelled (counted as an error, in the row "stopped").

Target: 0 action errors and a p95 place switch under 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: bench/, tests/

from bench import _sessions as s
from tests.browser.harness import CHROMIUM, chromium_available, peak_rss_mib, serve

ACTIONS = ("first load", "place", "layer", "report", "download", "stopped")
PLACE_SWITCH_TARGET_S = 3.0


async def _cycle(page: Any, label: str, stats: s.Stats) -> bool:
    ok = await s.timed(stats, "place", s.choose_place(page, label))
    ok = ok and await s.timed(stats, "layer", s.toggle_layer(page))
    ok = ok and await s.timed(stats, "report", s.build_report(page))
    ok = ok and await s.timed(stats, "download", s.download(page))
    if ok:
        await s.back_to_map(page)
        await s.toggle_layer(page)  # the sites on again, as the cycle began
    return ok


def report(base: s.Stats, load: s.Stats, sessions: int, rss_mib: float) -> bool:
    """Print the table and the verdict; True if the targets are met."""
    print(
        f"\n{'action':<11} {'n':>4} {'err':>4} {'p50 s':>7} {'p95 s':>7}   1-session p95 s  ratio"
    )
    for action in ACTIONS:
        t, b = load.times[action], base.times[action]
        p95, b95 = s.percentile(t, 95), s.percentile(b, 95)
        print(
            f"{action:<11} {len(t):>4} {len(load.errors[action]):>4} "
            f"{s.percentile(t, 50):>7.2f} {p95:>7.2f}   {b95:>15.2f}  "
            f"{p95 / b95 if b95 else float('nan'):>5.1f}x"
        )
    errors = s.print_errors(load)
    print(
        f"Peak server RSS (VmHWM): {rss_mib:,.0f} MiB; sessions: {sessions}; CPUs: {os.cpu_count()}"
    )
    p95_place = s.percentile(load.times["place"], 95)
    ok = errors == 0 and p95_place < PLACE_SWITCH_TARGET_S
    print(
        f"Target 0 errors and p95 place switch < {PLACE_SWITCH_TARGET_S:.0f} s: "
        f"{errors} errors, p95 {p95_place:.2f} s -> {'met' if ok else 'NOT met'}"
    )
    return ok


async def _main(
    args: argparse.Namespace, url: str, pid: int, hard_stop: float
) -> tuple[s.Stats, s.Stats]:
    print("warm-up: 1 session opens the app (fills the server's caches)", flush=True)
    warm = await s.run_sessions(url, 1, 0, hard_stop, _cycle)
    print(f"  cold first load {s.median(warm.times['first load']):.1f} s", flush=True)
    quiet = await s.server_quiet(pid)
    print(f"  then the server's background warm-up: quiet after {quiet:.0f} s", flush=True)
    print(f"baseline: 1 session for {args.baseline_seconds:.0f} s", flush=True)
    base = await s.run_sessions(url, 1, args.baseline_seconds, hard_stop, _cycle)
    print(f"load: {args.sessions} sessions for {args.seconds:.0f} s each", flush=True)
    load = await s.run_sessions(url, args.sessions, args.seconds, hard_stop, _cycle)
    return base, load


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (20)")
    parser.add_argument("--seconds", type=float, default=150, help="cycling per session (150 s)")
    parser.add_argument("--baseline-seconds", type=float, default=60, help="1-session phase (60 s)")
    parser.add_argument("--budget", type=float, default=570, help="hard stop for the run (570 s)")
    args = parser.parse_args()
    if not chromium_available():
        print(f"{CHROMIUM} or Playwright is not installed: skipped")
        return 0
    start = time.perf_counter()
    with serve(log_name="bench_load.streamlit.log") as server:
        print(f"server up in {time.perf_counter() - start:.1f} s at {server.url}", flush=True)
        # Sessions are cancelled at the budget less 30 s, left for closing the browser.
        hard_stop = time.monotonic() + args.budget - (time.perf_counter() - start) - 30
        base, load = asyncio.run(_main(args, server.url, server.pid, hard_stop))
        rss = peak_rss_mib(server.pid)
    return 0 if report(base, load, args.sessions, rss) else 1


if __name__ == "__main__":
    raise SystemExit(main())
