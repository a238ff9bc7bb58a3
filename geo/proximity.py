"""Straight-line access: distance from origins to the nearest qualifying feature.

This is Natural England's Green Infrastructure Framework method: the
Euclidean distance (EPSG:27700, metres) from each origin to the boundary of
the nearest publicly accessible site of at least the tier's size. An origin
inside a site has distance 0. Sites just beyond the county edge count when
they are in the input; nothing is clipped here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from geo.standards import ACCESS_TIERS, AccessTier


def nearest_distance(
    points: NDArray[np.object_], geoms: NDArray[np.object_]
) -> NDArray[np.float64]:
    """Distance (m) from each point to the nearest geometry; inf when ``geoms`` is empty.

    Uses :meth:`shapely.STRtree.query_nearest`, so it is exact and vectorised.

    Parameters
    ----------
    points
        Origins (shapely Points), EPSG:27700.
    geoms
        Features to reach (any geometry), EPSG:27700; 0 m from a point inside one.

    Returns
    -------
    numpy.ndarray of float
        Straight-line distance per point, m.
    """
    out = np.full(len(points), np.inf)
    if len(geoms) == 0 or len(points) == 0:
        return out
    tree = shapely.STRtree(geoms)
    (pi, _), dist = tree.query_nearest(points, return_distance=True, all_matches=False)
    out[pi] = dist
    return out


def tier_access(
    points: NDArray[np.object_],
    site_geoms: NDArray[np.object_],
    site_area_ha: NDArray[np.float64],
    tiers: Sequence[AccessTier] = ACCESS_TIERS,
) -> pd.DataFrame:
    """Straight-line distance to the nearest qualifying site, and whether each tier is met.

    Parameters
    ----------
    points
        Origins (shapely points, EPSG:27700).
    site_geoms, site_area_ha
        Publicly accessible sites (polygons, EPSG:27700) and their areas (ha).
    tiers
        Size/distance standards (default: Natural England's six tiers).

    Returns
    -------
    DataFrame
        For each tier ``T``: ``dist_T_m`` (m) and ``meets_T`` (bool: distance ≤ the tier's
        distance, so a site exactly at the threshold meets it).
    """
    cols: dict[str, NDArray[np.float64] | NDArray[np.bool_]] = {}
    for tier in tiers:
        qualifying = site_geoms[site_area_ha >= tier.min_ha]
        dist = nearest_distance(points, qualifying)
        cols[f"dist_{tier.name}_m"] = dist
        cols[f"meets_{tier.name}"] = dist <= tier.distance_m
    return pd.DataFrame(cols)
