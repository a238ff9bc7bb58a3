"""Benchmark: what the server spends turning a built map explorer map into the frame it sends.

Run with ``.venv/bin/python bench/bench_map_send.py [--repeats 5]``. For the county
and Bradford (default layers: boundaries and sites by access status), on the real
bundle, it builds the map (:func:`app_pages.map_explorer._build_map`) and then
makes everything streamlit-folium sends for an update in place (the base map's
header and script, every feature group and the layer control, with its own
functions), twice per repeat:

* **baseline**: as streamlit-folium renders it, every GeoJSON layer's script also
  copied into the figure (its data serialised again, the text compiled by
  branca as a Jinja template);
* **scripts only**: within :func:`healthyplaces.maps.scripts_only`, which skips
  that copy.

It prints the medians and the ratio, and checks that both send the same text.
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout

from app_pages import map_explorer
from healthyplaces import maps
from layers.places import resolve_place
from tests._frames import sent

PLACES = ("West Yorkshire", "Bradford")


def _send(place_name: str, fast: bool) -> tuple[float, int]:
    """Build the map, then time making what is sent (s) and its length (characters)."""
    m = map_explorer._build_map(resolve_place(place_name), map_explorer.default_choices())
    start = time.perf_counter()
    with maps.scripts_only() if fast else contextlib.nullcontext():
        texts = sent(m, in_place=True).texts()
    return time.perf_counter() - start, sum(len(t) for t in texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for name in PLACES:
        _send(name, False)  # warm the layer caches
        plain, fast, sizes = [], [], set()
        for _ in range(args.repeats):  # interleaved, so machine noise hits both
            t, n = _send(name, False)
            plain.append(t)
            sizes.add(n)
            t, n = _send(name, True)
            fast.append(t)
            sizes.add(n)
        base, quick = statistics.median(plain), statistics.median(fast)
        same = "same text" if len(sizes) == 1 else f"DIFFERENT text lengths {sorted(sizes)}"
        print(
            f"{name:15s} baseline {base:5.2f} s  scripts only {quick:5.2f} s  "
            f"ratio {base / quick:4.1f}x  ({max(sizes) / 1e6:.1f} M characters, {same})"
        )


if __name__ == "__main__":
    main()
