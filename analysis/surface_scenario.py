"""A new park on the population surface: exactly the people whose point comes within reach.

Before the park, each surface point (a postcode carrying its share of its
LSOA's Census 2021 residents) has its straight-line distance to the nearest
site of each tier's size (:func:`analysis.surface.point_indicators`). The
merged new site (:func:`geo.new_site.add_site`) is at one vectorised
``shapely.distance`` from every point; for each tier it qualifies for, the
distance becomes ``min(before, distance to the site)``. A person gains a tier
when their point moves from beyond to within its distance, so the gain is
continuous in the park's position: moving it a little moves only the few
points that cross the line. Walking-network gains update the same points with
:func:`geo.network.access.scenario_network_access` (where the network is complete).
EPSG:27700, metres.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from analysis import surface
from analysis.engine import Results
from geo import new_site
from geo import population_surface as ps
from geo.network import access as network_access
from geo.standards import ACCESS_TIERS

F64 = npt.NDArray[np.float64]


def _by(values: npt.NDArray[np.int64], keys: npt.NDArray[np.int64], people: F64) -> dict[int, int]:
    """People per IMD decile 1–10 (``keys``), among the rows where ``values`` is true."""
    counts = np.bincount(
        keys[values.astype(bool)], weights=people[values.astype(bool)], minlength=11
    )
    return {d: round(float(counts[d])) for d in range(1, 11)}


def _network(results: Results, p: pd.DataFrame, site: new_site.NewSite) -> dict[str, Any]:
    """People who gain each tier by the walking network, None off the offline network."""
    cols = [c for t in ACCESS_TIERS for c in (t.net_dist_col, t.net_meets_col, t.net_available_col)]
    before = p[[*cols, "net_reason"]]
    after = network_access.scenario_network_access(
        results.inputs.graph,
        before,
        p["easting"].to_numpy(float),
        p["northing"].to_numpy(float),
        site.geometry,
        site.area_ha,
        # the OSM entrance nodes on the new site count; its OS access points are unknown
        options=network_access.NetworkOptions(entrances=results.inputs.entrances),
    )
    on_network = bool(shapely.intersects(site.geometry, results.inputs.network_area))
    people = p["people"].to_numpy(float)
    out: dict[str, Any] = {}
    for tier in ACCESS_TIERS:
        n0 = before[tier.net_meets_col].fillna(False).to_numpy(bool)
        n1 = after[tier.net_meets_col].fillna(False).to_numpy(bool)
        known = on_network and after[tier.net_available_col].to_numpy(bool).any()
        out[tier.name] = round(float(people[n1 & ~n0].sum())) if known else None
    return out


def add_park(results: Results, polygon: shapely.Geometry) -> dict[str, Any]:
    """Add ``polygon`` (EPSG:27700) as a new publicly accessible site; count who gains.

    Returns
    -------
    dict
        ``new_site_ha``, ``merged_site_ha``, ``absorbed_sites``; per tier
        ``gain_straight`` / ``gain_network`` (people newly within the tier's
        distance), ``gain_by_imd_decile`` (straight line, people per decile
        1–10), ``gain_by_age`` (people per Census 2021 age band),
        ``near_misses_before`` / ``near_misses_after`` (people within 100 m
        beyond each standard), and ``lsoas``: the LSOAs with a point that
        moved closer, with before/after population-weighted median distances
        (m), ``gained_T`` (any resident gained) and ``gained_people_T``.
    """
    p = results.points
    if p is None or p.empty:
        raise ValueError("These results carry no population surface; recompute them")
    t = results.lsoa
    site = new_site.add_site(np.asarray(results.inputs.sites.geometry.values), polygon)
    xy = shapely.points(p["easting"].to_numpy(float), p["northing"].to_numpy(float))
    d_new = shapely.distance(xy, site.geometry)
    people = p["people"].to_numpy(float)
    group = p["group"].to_numpy(np.int64)
    decile = p["IMD_decile"].fillna(0).to_numpy(np.int64)
    n = len(t)
    out: dict[str, Any] = {
        "new_site_ha": site.new_area_ha,
        "merged_site_ha": site.area_ha,
        "absorbed_sites": len(site.absorbed),
        "gain_straight": {},
        "gain_by_imd_decile": {},
        "gain_by_age": {},
        "near_misses_before": {},
        "near_misses_after": {},
    }
    moved = np.zeros(len(p), dtype=bool)
    rows = pd.DataFrame(t[["lsoa21_code", "lsoa21_name", "population", "IMD_decile"]])
    for tier in ACCESS_TIERS:
        before = p[tier.dist_col].to_numpy(float)
        after = np.minimum(before, d_new) if site.area_ha >= tier.min_ha else before
        moved |= after < before
        gained = (after <= tier.distance_m) & (before > tier.distance_m)
        out["gain_straight"][tier.name] = round(float(people[gained].sum()))
        out["gain_by_imd_decile"][tier.name] = _by(gained.astype(np.int64), decile, people)
        out["gain_by_age"][tier.name] = {
            band: int(p.loc[gained, band].sum()) for band in surface.BANDS
        }
        w = p["people"].to_numpy(np.int64)
        out["near_misses_before"][tier.name] = int(
            ps.near_misses(group, w, before, tier.distance_m, n).sum()
        )
        out["near_misses_after"][tier.name] = int(
            ps.near_misses(group, w, after, tier.distance_m, n).sum()
        )
        q0 = ps.weighted_quantiles(group, w, before, n, (0.5,))[:, 0]
        q1 = ps.weighted_quantiles(group, w, after, n, (0.5,))[:, 0]
        rows[f"before_dist_{tier.name}_m"] = q0
        rows[f"after_dist_{tier.name}_m"] = q1
        rows[f"gained_people_{tier.name}"] = (
            np.bincount(group, weights=people * gained, minlength=n).round().astype(np.int64)
        )
        rows[f"gained_{tier.name}"] = rows[f"gained_people_{tier.name}"] > 0
    out["gain_network"] = _network(results, p, site)
    changed = np.bincount(group, weights=moved, minlength=n) > 0
    lsoas = rows.loc[changed].reset_index(drop=True)
    out["lsoas"] = lsoas
    out["affected_lsoa_codes"] = lsoas["lsoa21_code"].tolist()
    out["site_geometry"] = site.geometry
    return out
