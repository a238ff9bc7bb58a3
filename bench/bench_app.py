"""Benchmark: app responsiveness and map payload, measured in one process with AppTest.

Run with ``.venv/bin/python bench/bench_app.py``. Prints the first render of
the map explorer cold (computing the analysis) and warm (caches filled), a
place switch, and the county map's HTML payload, each against its target.
"""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from healthyplaces import maps
from layers.air_quality import load_pollutant
from layers.boundaries import load_lsoa21
from layers.deprivation import load_iod2025
from layers.greenspace import load_sites
from layers.places import load_boundaries

APP = str(Path(__file__).resolve().parent.parent / "app.py")
WARM_RENDER_TARGET_S = 3.0
SWITCH_TARGET_S = 1.0
PAYLOAD_TARGET_MB = 5.0


def _timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return time.perf_counter() - start


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> int:
    cold = _timed_run(AppTest.from_file(APP, default_timeout=300))
    warm_runs = [_timed_run(AppTest.from_file(APP, default_timeout=300)) for _ in range(3)]
    warm = min(warm_runs)
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    switches = []
    for code in ("E08000032", "E08000035", "E05001341", "E47000003"):
        at.sidebar.selectbox[0].set_value(code)
        switches.append(_timed_run(at))
    switch = sorted(switches)[len(switches) // 2]
    print(f"first render, cold (empty caches)       {cold:6.2f} s")
    print(
        f"first render, warm (best of 3)          {warm:6.2f} s "
        f"(target < {WARM_RENDER_TARGET_S:g} s: {_verdict(warm < WARM_RENDER_TARGET_S)}); "
        f"cold/warm {cold / warm:.1f}x"
    )
    print(
        f"place switch (median of 4)              {switch:6.2f} s "
        f"(target < {SWITCH_TARGET_S:g} s: {_verdict(switch < SWITCH_TARGET_S)})"
    )

    lsoa = load_lsoa21().merge(load_iod2025()[["lsoa21_code", "IMD_score"]], on="lsoa21_code")
    m = maps.base_map(load_boundaries("county").total_bounds, tiles=False)
    maps.add_choropleth(m, lsoa, "IMD_score", "IMD 2025 score", "score", "quantiles", 5)
    maps.add_green_sites(m, load_sites(), min_area_ha=maps.COUNTY_MIN_SITE_HA)
    maps.add_raster(m, load_pollutant("no2"), label="NO₂ 2019", units="µg/m³", guideline=10)
    mb = maps.map_payload_bytes(maps.finish(m)) / 1e6
    print(
        f"county map payload (1,404 LSOAs, sites, NO₂) {mb:5.2f} MB "
        f"(target < {PAYLOAD_TARGET_MB:g} MB: {_verdict(mb < PAYLOAD_TARGET_MB)})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
