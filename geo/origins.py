"""Population origins: LSOA population-weighted centroids, and how places weight them.

Origins are the 1,404 LSOA21 population-weighted centroids (EPSG:27700, m),
each carrying its Census 2021 population. A place made of whole LSOAs weights
each by its population; a user polygon weights each LSOA by the share of its
area inside the polygon (areal interpolation), a method reported with the result.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

WHOLE_LSOAS = "whole LSOAs (ONS best-fit lookup), weighted by Census 2021 population"
AREA_SHARE = (
    "LSOAs weighted by Census 2021 population × the share of each LSOA's area inside the "
    "boundary (areal interpolation: assumes people are spread evenly within each LSOA)"
)


def origin_points(lsoa: gpd.GeoDataFrame) -> NDArray[np.object_]:
    """Shapely points of the population-weighted centroids (``pwc_x``, ``pwc_y``; EPSG:27700).

    Parameters
    ----------
    lsoa
        LSOA table with ``pwc_x`` and ``pwc_y`` in EPSG:27700 metres.

    Returns
    -------
    numpy.ndarray of shapely.Point
        One point per row, EPSG:27700.
    """
    points: NDArray[np.object_] = shapely.points(
        lsoa["pwc_x"].to_numpy(float), lsoa["pwc_y"].to_numpy(float)
    )
    return points


def area_share(lsoa_geoms: NDArray[np.object_], boundary: shapely.Geometry) -> NDArray[np.float64]:
    """Share (0–1) of each LSOA polygon's area inside ``boundary`` (both EPSG:27700).

    Only LSOAs whose bounding boxes meet the boundary are intersected.

    Parameters
    ----------
    lsoa_geoms
        LSOA (Multi)Polygons, EPSG:27700.
    boundary
        The user's (Multi)Polygon, EPSG:27700.

    Returns
    -------
    numpy.ndarray of float
        Area inside / LSOA area per LSOA, 0–1 (0 where it does not meet ``boundary``).
    """
    share = np.zeros(len(lsoa_geoms))
    tree = shapely.STRtree(lsoa_geoms)
    hit = tree.query(boundary, predicate="intersects")
    if len(hit):
        inter = shapely.area(shapely.intersection(lsoa_geoms[hit], boundary))
        share[hit] = np.clip(inter / shapely.area(lsoa_geoms[hit]), 0.0, 1.0)
    return share
