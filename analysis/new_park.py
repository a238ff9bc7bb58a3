"""Scenarios: add a new park and report who gains, without recomputing the county.

The geometry work is :mod:`geo.new_site` (straight line) and
:func:`geo.network.access.scenario_network_access` (walking network); this
module applies them to the county results and counts the people.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from analysis.engine import Results
from geo import new_site as scen
from geo import origins, proximity
from geo.network import access as network_access
from geo.standards import ACCESS_TIERS


def add_park(results: Results, polygon: shapely.Geometry) -> dict[str, Any]:
    """Add ``polygon`` (EPSG:27700) as a new park; count the people whose point comes within reach.

    Counted on the population surface (:func:`analysis.surface_scenario.add_park`).
    """
    from analysis import surface_scenario

    return surface_scenario.add_park(results, polygon)


def centroid_access(results: Results) -> pd.DataFrame:
    """Straight-line tier access at the 1,404 ONS population-weighted centroids."""
    sites = results.inputs.sites
    return proximity.tier_access(
        origins.origin_points(results.lsoa),
        np.asarray(sites.geometry.values),
        sites["area_ha"].to_numpy(float),
    )


def add_park_centroids(
    results: Results, polygon: shapely.Geometry, before: pd.DataFrame | None = None
) -> dict[str, Any]:
    """The centroid version of :func:`add_park` (whole LSOAs flip), kept for the benchmark.

    Needs centroid distances (``dist_T_m`` of each centroid, recomputed here)
    because the LSOA table's distances are now surface medians; pass ``before``
    (:func:`centroid_access`) to reuse them. The walking-network part reads the
    LSOA table's network columns, now surface shares: only the straight-line
    gains are the centroid method's.

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.
    polygon
        The proposed park, EPSG:27700.

    Returns
    -------
    dict
        ``new_site_ha``, ``merged_site_ha`` (ha), ``absorbed_sites``, and per tier
        ``gain_straight``/``gain_network`` (extra people meeting it),
        ``gain_by_imd_decile`` (straight line, people per decile 1–10) and
        ``lsoas`` (a table of affected LSOAs with before/after distances, m).
    """
    t = results.lsoa
    pts = origins.origin_points(t)
    site = scen.add_site(np.asarray(results.inputs.sites.geometry.values), polygon)
    before = centroid_access(results) if before is None else before
    after = scen.straight_line_update(pts, before, site)
    net_cols = [
        c
        for tier in ACCESS_TIERS
        for c in (f"net_dist_{tier.name}", f"net_meets_{tier.name}", f"net_available_{tier.name}")
    ]
    net_before = t[[*net_cols, "net_reason"]]
    net_after = network_access.scenario_network_access(
        results.inputs.graph,
        net_before,
        t["pwc_x"].to_numpy(float),
        t["pwc_y"].to_numpy(float),
        site.geometry,
        site.area_ha,
        # the OSM entrance nodes on the new site count; its OS access points are unknown
        options=network_access.NetworkOptions(entrances=results.inputs.entrances),
    )
    pop = t["population"].to_numpy(float)
    decile = t["IMD_decile"].to_numpy(int)
    out: dict[str, Any] = {
        "new_site_ha": site.new_area_ha,
        "merged_site_ha": site.area_ha,
        "absorbed_sites": len(site.absorbed),
        "gain_straight": {},
        "gain_network": {},
        "gain_by_imd_decile": {},
    }
    # Network gains exist only for a park that reaches the complete offline network.
    on_network = bool(shapely.intersects(site.geometry, results.inputs.network_area))
    changed = np.zeros(len(t), dtype=bool)
    for tier in ACCESS_TIERS:
        m0 = before[f"meets_{tier.name}"].to_numpy(bool)
        m1 = after[f"meets_{tier.name}"].to_numpy(bool)
        gained = m1 & ~m0
        changed |= gained | (
            after[f"dist_{tier.name}_m"].to_numpy() < before[f"dist_{tier.name}_m"].to_numpy()
        )
        out["gain_straight"][tier.name] = int(pop[gained].sum())
        out["gain_by_imd_decile"][tier.name] = {
            int(d): int(pop[gained & (decile == d)].sum()) for d in range(1, 11)
        }
        n0 = net_before[f"net_meets_{tier.name}"].fillna(False).to_numpy(bool)
        n1 = net_after[f"net_meets_{tier.name}"].fillna(False).to_numpy(bool)
        avail = net_after[f"net_available_{tier.name}"].to_numpy(bool)
        known = on_network and avail.any()
        out["gain_network"][tier.name] = int(pop[n1 & ~n0].sum()) if known else None
    rows = t.loc[changed, ["lsoa21_code", "lsoa21_name", "population", "IMD_decile"]].copy()
    for tier in ACCESS_TIERS:
        rows[f"before_dist_{tier.name}_m"] = before.loc[changed, f"dist_{tier.name}_m"]
        rows[f"after_dist_{tier.name}_m"] = after.loc[changed, f"dist_{tier.name}_m"]
        rows[f"gained_{tier.name}"] = (
            after.loc[changed, f"meets_{tier.name}"] & ~before.loc[changed, f"meets_{tier.name}"]
        )
    out["lsoas"] = rows.reset_index(drop=True)
    out["affected_lsoa_codes"] = rows["lsoa21_code"].tolist()
    out["site_geometry"] = site.geometry
    return out
