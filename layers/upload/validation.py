"""Check polygons in any CRS and dissolve them into one EPSG:27700 area, with bounded work.

Order: counts (features, vertices), finite coordinates, a CRS on Earth that
PROJ transforms to EPSG:27700, coordinates inside the plausible extent,
validity (repair bounded by its crossings), dissolve (bounded by its
crossings), area limit, overlap with West Yorkshire. The deadline is checked
between steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from pyproj.exceptions import CRSError, ProjError

from geo import crs
from geo.standards import M2_PER_HA
from layers.bundle import read_table
from layers.errors import UserAreaError
from layers.upload.geometry import GeomArray, polygonal, repair, segment_crossings
from layers.upload.limits import LIMITS, Deadline, Limits, detail

#: WGS 84 semi-major axis, metres (NIMA TR8350.2); an Earth CRS's ellipsoid is within 1 %.
_EARTH_A_M = 6_378_137.0
_POLYGON_TYPES = ("Polygon", "MultiPolygon")


@dataclass
class UserArea:
    """A validated user boundary (EPSG:27700)."""

    name: str
    geometry: shapely.Geometry
    n_features: int
    source_crs: str
    area_ha: float
    share_in_county: float
    warnings: list[str] = field(default_factory=list)


def validate(
    gdf: gpd.GeoDataFrame,
    name: str = "Custom area",
    *,
    label: str | None = None,
    limits: Limits = LIMITS,
    deadline: Deadline | None = None,
) -> UserArea:
    """Validate polygons (any CRS) and dissolve them into one EPSG:27700 geometry.

    Parameters
    ----------
    gdf
        The user's features, in the CRS they were declared in.
    name
        Name of the area for reports.
    label
        The user's file name (or "the drawing") for messages; defaults to ``name``.
    limits, deadline
        The limits and the wall-clock deadline (a new one of ``limits.budget_s`` if None).

    Raises
    ------
    UserAreaError
        Naming ``label``, what is wrong and, for a passed limit, the limit.
    """
    label = label or name
    deadline = deadline or Deadline(label, limits.budget_s)
    msgs: list[str] = []
    polys, source_crs = _polygons(gdf, label, limits, msgs)
    polys = _to_analysis(polys, gdf.crs, label, limits, source_crs)
    deadline.check("projecting to British National Grid")
    geometry = _dissolve(polys, label, limits, deadline, msgs)
    area_ha = float(geometry.area) / M2_PER_HA
    if area_ha > limits.max_area_ha:
        raise UserAreaError(
            f"{label}: the area is {area_ha:,.0f} ha, larger than West Yorkshire (the limit is "
            f"{limits.max_area_ha:,.0f} ha); upload a smaller area."
        )
    county = read_table("county").geometry.iloc[0]
    share = float(shapely.area(shapely.intersection(geometry, county))) / float(geometry.area)
    deadline.check("comparing with West Yorkshire")
    if share <= 0:
        raise UserAreaError(
            f"{label}: the area is outside West Yorkshire (no overlap with Bradford, Calderdale, "
            f"Kirklees, Leeds or Wakefield). Check its CRS: it was read as {source_crs}."
        )
    if share < 0.999:
        msgs.append(f"Only {share:.0%} of the area is inside West Yorkshire; the rest has no data.")
    return UserArea(name, geometry, len(polys), source_crs, area_ha, share, msgs)


def check_on_earth(src: pyproj.CRS, label: str) -> None:
    """Refuse a CRS whose ellipsoid is not the Earth's (lunar, Martian …) or that has none."""
    ellipsoid = src.ellipsoid
    if ellipsoid is None or abs(ellipsoid.semi_major_metre / _EARTH_A_M - 1) > 0.01:
        body = f"semi-major axis {ellipsoid.semi_major_metre:,.0f} m" if ellipsoid else "none"
        raise UserAreaError(
            f"{label} uses a CRS that is not on Earth ({src.name}; ellipsoid {body}). "
            "Use a CRS such as EPSG:27700 or EPSG:4326."
        )


def _polygons(
    gdf: gpd.GeoDataFrame, label: str, limits: Limits, msgs: list[str]
) -> tuple[GeomArray, str]:
    """The non-empty (multi)polygons, after the count, CRS and finite-coordinate checks."""
    if len(gdf) == 0:
        raise UserAreaError(f"{label}: the file has no features.")
    if len(gdf) > limits.max_features:
        raise UserAreaError(
            f"{label} has more than {limits.max_features:,} features, the limit. "
            "Dissolve or select the features you need and upload them again."
        )
    if gdf.crs is None:
        raise UserAreaError(
            f"{label} has no coordinate reference system. Re-export it with a CRS such as "
            "EPSG:27700 or EPSG:4326."
        )
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.all():
        raise UserAreaError(f"{label}: every geometry in the file is empty.")
    kinds = shapely.get_type_id(geoms)
    is_poly = ~empty & np.isin(kinds, (3, 6))
    if not is_poly.any():
        found = ", ".join(sorted({g.geom_type for g in geoms[~empty][:100]}))
        raise UserAreaError(
            f"{label} has no polygons (found {found}). Upload an area, not points or lines."
        )
    if not is_poly.all():
        msgs.append(f"{int((~is_poly).sum())} non-polygon or empty feature(s) were ignored.")
    polys = shapely.force_2d(geoms[is_poly])
    n_vertices = int(shapely.get_num_coordinates(polys).sum())
    if n_vertices > limits.max_vertices:
        raise UserAreaError(
            f"{label} has {n_vertices:,} vertices; the limit is {limits.max_vertices:,}. "
            "Simplify the boundary (for example with mapshaper or QGIS) and upload it again."
        )
    if not np.isfinite(shapely.get_coordinates(polys)).all():
        raise UserAreaError(
            f"{label} has a coordinate that is not a finite number (NaN or Infinity); "
            "every coordinate must be a number."
        )
    return polys, gdf.crs.to_string()


def _to_analysis(
    polys: GeomArray, source: object, label: str, limits: Limits, source_crs: str
) -> GeomArray:
    """Transform to EPSG:27700, refusing a non-Earth CRS and implausible coordinates."""
    try:
        src = pyproj.CRS.from_user_input(source)
        check_on_earth(src, label)
        transformer = pyproj.Transformer.from_crs(src, crs.ANALYSIS_CRS, always_xy=True)
        coords = shapely.get_coordinates(polys)
        x, y = transformer.transform(coords[:, 0], coords[:, 1], errcheck=False)
    except (CRSError, ProjError) as exc:
        raise UserAreaError(
            f"{label}: its CRS ({source_crs}) cannot be transformed to British National Grid "
            f"(EPSG:27700): {detail(exc)}"
        ) from exc
    xy = np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])
    x0, y0, x1, y1 = limits.extent_bng_m
    inside = (
        np.isfinite(xy).all(axis=1)
        & (xy[:, 0] >= x0)
        & (xy[:, 0] <= x1)
        & (xy[:, 1] >= y0)
        & (xy[:, 1] <= y1)
    )
    if not inside.all():
        raise UserAreaError(
            f"{label} has coordinates outside Great Britain ({int((~inside).sum()):,} of "
            f"{len(xy):,} vertices are beyond easting {x0:,.0f}–{x1:,.0f} m, northing "
            f"{y0:,.0f}–{y1:,.0f} m). Check its CRS: it was read as {source_crs}."
        )
    out: GeomArray = shapely.set_coordinates(shapely.force_2d(polys), xy)
    return out


def _dissolve(
    polys: GeomArray, label: str, limits: Limits, deadline: Deadline, msgs: list[str]
) -> shapely.Geometry:
    """Repair invalid polygons and dissolve all into one, each step bounded by its crossings."""
    invalid = ~shapely.is_valid(polys)
    if invalid.any():
        crossings = segment_crossings(polys[invalid], limits.max_repair_crossings)
        if crossings > limits.max_repair_crossings:
            raise UserAreaError(
                f"{label} has invalid polygons whose edges cross more than "
                f"{limits.max_repair_crossings:,} times, the limit for repair. Fix the "
                "self-intersections in your GIS (for example QGIS 'Fix geometries')."
            )
        deadline.check("counting self-intersections")
        polys = polys.copy()
        polys[invalid] = repair(polys[invalid])
        msgs.append(f"{int(invalid.sum())} invalid polygon(s) were repaired with make_valid.")
        deadline.check("repairing polygons")
    parts = polygonal(polys)
    if len(parts) == 0:
        raise UserAreaError(f"{label}: the polygons have no area after repair.")
    if len(parts) > 1:
        crossings = segment_crossings(parts, limits.max_union_crossings)
        if crossings > limits.max_union_crossings:
            raise UserAreaError(
                f"{label}: its polygons overlap in too complex a way to dissolve (more than "
                f"{limits.max_union_crossings:,} touching or crossing edges, the limit). "
                "Dissolve them in your GIS and upload one polygon."
            )
        deadline.check("counting overlaps")
    geometry = shapely.union_all(parts) if len(parts) > 1 else parts[0]
    deadline.check("dissolving polygons")
    if geometry.is_empty or geometry.area <= 0:
        raise UserAreaError(f"{label}: the polygons have no area after repair.")
    return geometry
