"""Scenario: add a new publicly accessible site and recompute only what changes.

The new polygon becomes a site; where it overlaps or touches existing sites
they merge into one larger site (as in :func:`geo.sites.merge_sites`), which
may then qualify for bigger tiers. Only origins within a tier's distance of
the (merged) site can change, so only they are recomputed. EPSG:27700, metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from geo.standards import ACCESS_TIERS, M2_PER_HA, AccessTier


@dataclass(frozen=True)
class NewSite:
    """The site a scenario adds: its geometry after merging, area and the sites it absorbed."""

    geometry: shapely.Geometry
    area_ha: float
    new_area_ha: float
    absorbed: NDArray[np.intp]


def add_site(site_geoms: NDArray[np.object_], polygon: shapely.Geometry) -> NewSite:
    """Merge ``polygon`` with the existing sites it overlaps or touches.

    Parameters
    ----------
    site_geoms
        Existing site polygons (EPSG:27700).
    polygon
        The proposed site (EPSG:27700), repaired with ``make_valid`` if needed.

    Returns
    -------
    NewSite
        ``area_ha`` of the merged site; ``new_area_ha`` of the polygon itself;
        ``absorbed`` indexes of the existing sites it joined.
    """
    polygon = shapely.make_valid(polygon)
    absorbed = shapely.STRtree(site_geoms).query(polygon, predicate="intersects")
    geom = shapely.union_all(np.r_[site_geoms[absorbed], [polygon]]) if len(absorbed) else polygon
    return NewSite(
        geometry=geom,
        area_ha=float(shapely.area(geom) / M2_PER_HA),
        new_area_ha=float(shapely.area(polygon) / M2_PER_HA),
        absorbed=np.asarray(absorbed, dtype=np.intp),
    )


def straight_line_update(
    points: NDArray[np.object_],
    before: pd.DataFrame,
    site: NewSite,
    tiers: Sequence[AccessTier] = ACCESS_TIERS,
) -> pd.DataFrame:
    """Straight-line tier results after adding ``site``, touching only affected origins.

    Parameters
    ----------
    points
        Origins (EPSG:27700).
    before
        :func:`geo.proximity.tier_access` output for the same origins.
    site
        From :func:`add_site`.

    Returns
    -------
    DataFrame
        Same columns as ``before``. For each tier the merged site qualifies for,
        the distance becomes ``min(before, distance to the site)``. The one
        vectorised distance pass covers every origin (cheap: one geometry), so
        distances stay exact even beyond the tier radius; tier results can
        change only for origins within the tier distance of the site.
    """
    after = before.copy()
    d = shapely.distance(points, site.geometry)
    for tier in tiers:
        if site.area_ha < tier.min_ha:
            continue
        col = f"dist_{tier.name}_m"
        after[col] = np.minimum(before[col].to_numpy(float), d)
        after[f"meets_{tier.name}"] = after[col] <= tier.distance_m
    return after
