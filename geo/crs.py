"""Coordinate reference systems: analysis in British National Grid, display in WGS 84.

As in ``osmnx.projection``, one module owns the CRSs and the projections
between them: every measurement is made in :data:`ANALYSIS_CRS` (metres) and
every map and GeoJSON is in :data:`DISPLAY_CRS` (RFC 7946).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import geopandas as gpd
from pyproj import Transformer

#: Analysis CRS: British National Grid, metres.
ANALYSIS_CRS = "EPSG:27700"
#: Display and GeoJSON CRS: WGS 84 longitude/latitude (RFC 7946).
DISPLAY_CRS = "EPSG:4326"

_Geo = TypeVar("_Geo", gpd.GeoDataFrame, gpd.GeoSeries)


def to_analysis(gdf: _Geo) -> _Geo:
    """Project a GeoDataFrame or GeoSeries to :data:`ANALYSIS_CRS` (EPSG:27700, metres).

    Parameters
    ----------
    gdf
        Geometries in any declared CRS.

    Returns
    -------
    GeoDataFrame or GeoSeries
        The same type, in EPSG:27700.

    Raises
    ------
    ValueError
        If ``gdf`` has no CRS (a projection would be a guess).
    """
    if gdf.crs is None:
        raise ValueError("geometry has no CRS; cannot project to EPSG:27700")
    return gdf.to_crs(ANALYSIS_CRS)


def to_lonlat(gdf: _Geo) -> _Geo:
    """Project a GeoDataFrame or GeoSeries to :data:`DISPLAY_CRS` (EPSG:4326, degrees).

    Parameters
    ----------
    gdf
        Geometries in any declared CRS.

    Returns
    -------
    GeoDataFrame or GeoSeries
        The same type, in EPSG:4326 (longitude, latitude).

    Raises
    ------
    ValueError
        If ``gdf`` has no CRS.
    """
    if gdf.crs is None:
        raise ValueError("geometry has no CRS; cannot project to EPSG:4326")
    return gdf.to_crs(DISPLAY_CRS)


def lonlat_bounds(
    bounds: Sequence[float], crs: str = ANALYSIS_CRS
) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees from (minx, miny, maxx, maxy) in ``crs``.

    Parameters
    ----------
    bounds
        (minx, miny, maxx, maxy) in ``crs`` units (metres for EPSG:27700).
    crs
        CRS of ``bounds`` (default EPSG:27700).

    Returns
    -------
    tuple of float
        (west, south, east, north), EPSG:4326 degrees; the box edges are densified
        (21 points) so the result contains the whole projected box.
    """
    if crs == DISPLAY_CRS:
        w, s, e, n = bounds
        return float(w), float(s), float(e), float(n)
    tr = Transformer.from_crs(crs, DISPLAY_CRS, always_xy=True)
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    w, s, e, n = tr.transform_bounds(minx, miny, maxx, maxy, densify_pts=21)
    return float(w), float(s), float(e), float(n)
