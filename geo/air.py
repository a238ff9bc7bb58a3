"""Air-quality exposure: point sampling and exact area-weighted zonal means.

Rasters are :class:`geo.raster.Raster` grids (EPSG:27700, µg/m³). LSOA exposure
is the value of the cell containing the population-weighted centroid; the
zonal mean weights every cell by the exact area of its overlap with the
polygon (cell-coverage fractions from polygon ∩ cell intersections), over
cells that have data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geo.raster import Raster


def cell_polygons(raster: Raster) -> np.ndarray:
    """One square polygon per cell, in row-major order (EPSG:27700)."""
    h, w = raster.values.shape
    cols, rows = np.meshgrid(np.arange(w), np.arange(h))
    x0, y0 = raster.xy(cols.ravel(), rows.ravel())
    x1, y1 = raster.xy(cols.ravel() + 1, rows.ravel() + 1)
    return shapely.box(
        np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)
    )


def coverage_pairs(raster: Raster, polygons: np.ndarray) -> pd.DataFrame:
    """Exact overlap of each polygon with each grid cell it meets.

    Returns
    -------
    DataFrame
        ``poly`` (index into ``polygons``), ``cell`` (row-major cell index) and
        ``area_m2`` (overlap area, m²), one row per intersecting pair.
    """
    cells = cell_polygons(raster)
    tree = shapely.STRtree(cells)
    pi, ci = tree.query(polygons, predicate="intersects")
    area = shapely.area(shapely.intersection(polygons[pi], cells[ci]))
    keep = area > 0
    return pd.DataFrame({"poly": pi[keep], "cell": ci[keep], "area_m2": area[keep]})


def zonal_mean(
    raster: Raster, polygons: np.ndarray, pairs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Area-weighted mean of the raster over each polygon, with exact coverage fractions.

    Parameters
    ----------
    raster
        The grid (EPSG:27700).
    polygons
        Polygons (EPSG:27700).
    pairs
        Precomputed :func:`coverage_pairs` (reuse it across pollutants on one grid).

    Returns
    -------
    DataFrame
        ``mean`` (value units; NaN where no covered cell has data) and ``coverage``
        (0–1: share of the polygon's area over cells with data).
    """
    if pairs is None:
        pairs = coverage_pairs(raster, polygons)
    vals = raster.values.ravel()[pairs["cell"].to_numpy()]
    ok = ~np.isnan(vals)
    area = pairs["area_m2"].to_numpy()
    poly = pairs["poly"].to_numpy()
    n = len(polygons)
    weight = np.bincount(poly[ok], weights=area[ok], minlength=n)
    total = np.bincount(poly[ok], weights=area[ok] * vals[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(weight > 0, total / weight, np.nan)
    coverage = np.clip(weight / shapely.area(polygons), 0.0, 1.0)
    return pd.DataFrame({"mean": mean, "coverage": coverage})


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The weighted median: the smallest value at which the cumulative weight reaches half.

    NaN values are ignored. Used for the county's population-weighted median NO₂.
    """
    ok = ~np.isnan(values) & (weights > 0)
    v, w = values[ok], weights[ok]
    if len(v) == 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cum, cum[-1] / 2.0)])
