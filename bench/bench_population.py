"""Benchmark: person-based indicators from the ~64,000-point population surface vs 1,404 centroids.

Run with ``.venv/bin/python bench/bench_population.py``. In one process, on the
real bundle, it times each per-origin step of the county pipeline for the
LSOA population-weighted centroids and for the ``population_points`` surface,
and prints both and their ratio:

* straight-line tier access (:func:`geo.proximity.tier_access`, one
  ``STRtree.query_nearest`` per tier, no loop over points);
* the nearest blue space (:func:`geo.proximity.nearest_distance`);
* the PCM cell of each origin (:meth:`geo.raster.Raster.sample`);
* the surface only: per-LSOA share of residents meeting each tier, the
  population-weighted p10/median/p90 distance and the near misses
  (:mod:`geo.population_surface`);
* a proposal for the next wave, timed on the surface: the same distances from
  an STRtree of the sites' boundary *segments* (plus one point-in-polygon
  query for distance 0), checked equal to :func:`geo.proximity.tier_access`;
* habitat areas within 1 km (:func:`geo.nature.class_areas` on buffers), on a
  sample of origins and scaled up, because a full run on 64,000 circles is
  the slowest step and is reported as an estimate.

The full centroid pipeline (``analysis.engine``) is timed too, for the total.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from analysis import engine
from geo import nature, proximity, standards
from geo import population_surface as ps
from geo.standards import ACCESS_TIERS, AccessTier
from layers.postcodes import load_population_points

T = TypeVar("T")
HABITAT_SAMPLE = 2_000


def _best(fn: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    assert out is not None
    return best, out


def _row(label: str, centroid_s: float, surface_s: float) -> None:
    ratio = surface_s / centroid_s if centroid_s > 0 else float("nan")
    print(f"{label:34s} {centroid_s:8.3f} s {surface_s:8.3f} s {ratio:7.1f}x")


def _boundary_segments(
    geoms: npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.intp]]:
    """Every boundary segment of ``geoms`` (two-point lines) and the index of its polygon."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    xy, vertex_of = shapely.get_coordinates(rings, return_index=True)
    same = vertex_of[1:] == vertex_of[:-1]
    segs = shapely.linestrings(np.stack([xy[:-1][same], xy[1:][same]], axis=1))
    return segs, part_of[ring_of[vertex_of[:-1][same]]]


def _tier_distances_by_segments(
    points: npt.NDArray[np.object_],
    geoms: npt.NDArray[np.object_],
    area_ha: npt.NDArray[np.float64],
    tiers: tuple[AccessTier, ...],
) -> dict[str, npt.NDArray[np.float64]]:
    """Distance (m) to the nearest qualifying site per tier: 0 inside, else to its boundary."""
    segs, owner = _boundary_segments(geoms)
    pi, si = shapely.STRtree(geoms).query(points, predicate="intersects")
    out = {}
    for tier in tiers:
        ok = area_ha >= tier.min_ha
        dist = np.full(len(points), np.inf)
        (hit, _), d = shapely.STRtree(segs[ok[owner]]).query_nearest(
            points, return_distance=True, all_matches=False
        )
        dist[hit] = d
        dist[pi[ok[si]]] = 0.0
        out[tier.dist_col] = dist
    return out


def main() -> int:
    t0 = time.perf_counter()
    inputs = engine.load_inputs()
    loaded = time.perf_counter()
    engine.compute(inputs)
    computed = time.perf_counter()
    surface = load_population_points()
    surface_loaded = time.perf_counter()
    print(f"load bundle (centroid engine)      {loaded - t0:8.2f} s")
    print(f"compute 1,404 LSOAs (engine)       {computed - loaded:8.2f} s")
    print(f"load population_points ({len(surface):,})  {surface_loaded - computed:8.2f} s")

    lsoa = inputs.lsoa.sort_values("lsoa21_code").reset_index(drop=True)
    cx, cy = lsoa["pwc_x"].to_numpy(float), lsoa["pwc_y"].to_numpy(float)
    sx, sy = surface["easting"].to_numpy(float), surface["northing"].to_numpy(float)
    centroids, points = shapely.points(cx, cy), np.asarray(surface.geometry.values)
    site_geoms = np.asarray(inputs.sites.geometry.values)
    site_ha = inputs.sites["area_ha"].to_numpy(float)
    tiers = (*ACCESS_TIERS, engine.RULE_300)
    blue = np.asarray(inputs.blue.geometry.values)
    no2 = inputs.rasters["no2"]

    print(f"\n{'step':34s} {'1,404 pwc':>10s} {f'{len(points):,} pts':>10s}   ratio")
    a, _ = _best(lambda: proximity.tier_access(centroids, site_geoms, site_ha, tiers))
    b, straight = _best(lambda: proximity.tier_access(points, site_geoms, site_ha, tiers), repeat=1)
    _row("straight-line tiers (7)", a, b)
    fast_s, fast = _best(
        lambda: _tier_distances_by_segments(points, site_geoms, site_ha, tiers), repeat=1
    )
    worst = max(
        float(np.max(np.abs(np.where(fast[c] == ref, 0.0, fast[c] - ref))))
        for c, ref in ((c, straight[c].to_numpy()) for c in fast)
    )
    _row("  proposal: boundary segments", a, fast_s)
    print(f"  (largest difference from tier_access: {worst:g} m)")
    a, _ = _best(lambda: proximity.nearest_distance(centroids, blue))
    b, _ = _best(lambda: proximity.nearest_distance(points, blue))
    _row("nearest blue space", a, b)
    a, _ = _best(lambda: no2.sample(cx, cy))
    b, _ = _best(lambda: no2.sample(sx, sy))
    _row("PCM cell (NO2)", a, b)

    group = pd.Index(lsoa["lsoa21_code"]).get_indexer(surface["lsoa21_code"])
    people = surface["people"].to_numpy(np.int64)

    def aggregate() -> int:
        for tier in tiers:
            ps.share_meeting(group, people, straight[tier.meets_col].to_numpy(), len(lsoa))
            d = straight[tier.dist_col].to_numpy(float)
            ps.weighted_quantiles(group, people, d, len(lsoa))
            ps.near_misses(group, people, d, tier.distance_m, len(lsoa))
        return len(tiers)

    b, _ = _best(aggregate)
    _row("per-LSOA share, p10/50/90, near", 0.0, b)

    habitat_geoms, habitat_class = engine.habitats(inputs)
    r = standards.HABITAT_RADIUS_M
    a, _ = _best(
        lambda: nature.class_areas(
            shapely.buffer(centroids, r, quad_segs=16), habitat_geoms, habitat_class
        ),
        repeat=1,
    )
    sample = points[:: max(1, len(points) // HABITAT_SAMPLE)]
    b, _ = _best(
        lambda: nature.class_areas(
            shapely.buffer(sample, r, quad_segs=16), habitat_geoms, habitat_class
        ),
        repeat=1,
    )
    _row("habitats within 1 km (est.)", a, b * len(points) / len(sample))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
