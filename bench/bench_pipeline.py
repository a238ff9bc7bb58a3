"""Benchmark: the whole county pipeline and a scenario, on the surface against the centroids.

Run with ``.venv/bin/python bench/bench_pipeline.py``. In one process, on the
real bundle, it prints:

* the cold county pipeline: loading the bundle (with the ~64,000-point
  population surface), computing every indicator for every LSOA and
  aggregating every place, against the 10 s target;
* the person-based step alone, on the surface
  (:func:`analysis.surface.point_indicators` + :func:`analysis.surface.lsoa_indicators`)
  and on the 1,404 ONS population-weighted centroids (the previous method:
  :func:`geo.proximity.tier_access`, the nearest blue space, the PCM cell and
  the walking network at each centroid), with the ratio;
* a scenario (a new 3 ha park) on the surface (:func:`analysis.new_park.add_park`)
  and on the centroids (:func:`analysis.new_park.add_park_centroids`), against
  the 1 s target, with the ratio.
"""

from __future__ import annotations

import time

import numpy as np
import shapely

from analysis import engine, new_park, profiles, surface
from geo import parallel, proximity
from geo.network import access as network_access
from geo.standards import ACCESS_TIERS

PIPELINE_TARGET_S = 10.0
SCENARIO_TARGET_S = 1.0


def _centroid_person_step(inputs: engine.Inputs) -> None:
    """The person-based indicators at the 1,404 centroids, as the engine computed them before."""
    lsoa = inputs.lsoa
    x, y = lsoa["pwc_x"].to_numpy(float), lsoa["pwc_y"].to_numpy(float)
    pts = shapely.points(x, y)
    sites = np.asarray(inputs.sites.geometry.values)
    ha = inputs.sites["area_ha"].to_numpy(float)
    blue = np.asarray(inputs.blue.geometry.values)
    proximity.tier_access(pts, sites, ha, surface.STRAIGHT_TIERS)
    proximity.nearest_distance(pts, blue)
    for raster in inputs.rasters.values():
        raster.sample(x, y)
    network_access.network_tier_access(
        inputs.graph, x, y, sites, ha, inputs.network_area, ACCESS_TIERS
    )
    network_access.network_tier_access(
        inputs.graph, x, y, blue, np.zeros(len(blue)), inputs.network_area, surface.BLUE_TIERS
    )


def _best(fn: object, *args: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    start = time.perf_counter()
    inputs = engine.load_inputs()
    loaded = time.perf_counter()
    results = engine.compute(inputs)
    computed = time.perf_counter()
    places = profiles.place_table(results)
    done = time.perf_counter()
    total = done - start
    print(f"load bundle              {loaded - start:6.2f} s")
    print(f"compute 1,404 LSOAs      {computed - loaded:6.2f} s (surface)")
    print(f"aggregate {len(places):,} places  {done - computed:6.2f} s")
    verdict = "met" if total <= PIPELINE_TARGET_S else "NOT met"
    print(f"county pipeline          {total:6.2f} s (target <= {PIPELINE_TARGET_S:g} s: {verdict})")

    # Baseline in the same run: the same pipeline on one thread (geo.parallel off).
    threads = parallel.threads
    parallel.threads = lambda: 1
    try:
        t0 = time.perf_counter()
        engine.compute(engine.load_inputs())
        serial = time.perf_counter() - t0
    finally:
        parallel.threads = threads
    print(
        f"                         one thread {serial:6.2f} s: "
        f"{threads()} threads are {serial / total:.1f}x faster"
    )

    def surface_step() -> None:
        points = surface.point_indicators(inputs, inputs.lsoa)
        surface.lsoa_indicators(points, len(inputs.lsoa))

    s = _best(surface_step, repeat=1)
    c = _best(_centroid_person_step, inputs, repeat=1)
    n = len(inputs.surface)
    print(f"person-based step        {s:6.2f} s on {n:,} points vs {c:6.2f} s on 1,404 centroids")
    print(f"                         ratio {s / c:.1f}x")

    lsoa = results.lsoa
    row = lsoa.loc[lsoa["meets_2ha_300m"] == 0].iloc[0]
    x, y = row["pwc_x"], row["pwc_y"]
    park = shapely.box(x + 150, y - 86.6, x + 323.2, y + 86.6)
    out = new_park.add_park(results, park)
    s = _best(new_park.add_park, results, park)
    before = new_park.centroid_access(results)
    c = _best(new_park.add_park_centroids, results, park, before)
    verdict = "met" if s < SCENARIO_TARGET_S else "NOT met"
    print(
        f"scenario                 {s:6.3f} s surface vs {c:6.3f} s centroids "
        f"(ratio {s / c:.1f}x; target < {SCENARIO_TARGET_S:g} s: {verdict}); "
        f"+{out['gain_straight']['2ha_300m']:,} people meet 2 ha/300 m"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
