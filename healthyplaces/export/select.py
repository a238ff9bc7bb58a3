"""Select a layer's frame for a place.

Which features are kept
-----------------------
* **Boundary and LSOA-keyed layers** (``county``, ``districts``, ``wards``,
  ``msoa21``, ``lsoa21``, ``lsoa11``, the LSOA tables and the results) are
  selected through the ONS LSOA → ward → district lookup: exactly the units
  that make up the place (or, for a ward or district layer and a smaller
  place, the unit that contains it). Neighbours that merely share an edge are
  not included.
* **Every other vector layer** (OSM green and blue space, trees, the walking
  network) keeps **whole features that intersect the place's boundary
  polygon**; features are not cut at the boundary, so a park straddling the
  district edge is exported whole. Features that only touch the boundary
  from outside are dropped.
* ``place=None`` exports the whole county.

The results (``results_lsoa``) are every column of :func:`analysis.engine.load_results`
followed by the Census 2021 group counts, table totals and shares of
:func:`analysis.group_columns.lsoa_group_columns`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import crs
from healthyplaces.export.metadata import RESULTS_LAYER, layer_info
from layers.boundaries import load_lsoa21
from layers.bundle import read_table
from layers.catalogue import LayerInfo
from layers.errors import UnknownLayer
from layers.places import Place, load_boundaries, lsoa_mask, resolve_place

#: Boundary layers selected by the ONS code hierarchy rather than by geometry.
_CODE_LAYERS = {
    "county": None,
    "districts": "district_code",
    "wards": "ward_code",
    "msoa21": "msoa21_code",
    "lsoa21": "lsoa21_code",
}


def _place_lsoas(place: Place | None) -> pd.DataFrame:
    lsoa = pd.DataFrame(load_lsoa21().drop(columns="geometry"))
    return lsoa if place is None else lsoa[lsoa_mask(place, lsoa)]


def place_polygon(place: Place) -> shapely.Geometry:
    """The place's boundary polygon (EPSG:27700), the union of its level's rows."""
    level = load_boundaries(place.level)
    row = level[level["code"] == place.code]
    return shapely.union_all(row.geometry.values)


def _with_lsoa_geometry(table: pd.DataFrame, key: str) -> gpd.GeoDataFrame:
    """Attach LSOA polygons (EPSG:27700) to a table keyed by ``lsoa21_code`` or ``lsoa11_code``."""
    source = "lsoa21" if key == "lsoa21_code" else "lsoa11"
    geoms = read_table(source, columns=[key, "geometry"])
    joined = table.merge(pd.DataFrame(geoms), on=key, how="left")
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=crs.ANALYSIS_CRS)


def results_frame() -> gpd.GeoDataFrame:
    """Every LSOA of ``results_lsoa`` as exported (EPSG:27700): the engine's columns,
    then the Census 2021 group counts, totals and shares."""
    from analysis.engine import load_results
    from analysis.group_columns import lsoa_group_columns

    results = load_results()
    groups = lsoa_group_columns(results)
    # The group counts and shares go after every existing column (kept as they were).
    return results.lsoa.merge(groups, on="lsoa21_code", how="left", validate="1:1")


def _load(layer: str) -> pd.DataFrame:
    if layer == RESULTS_LAYER:
        return results_frame()
    frame = read_table(layer)
    if isinstance(frame, gpd.GeoDataFrame):
        return frame
    if "lsoa21_code" in frame.columns and layer != "lookup_lsoa11_lsoa21":
        return _with_lsoa_geometry(frame, "lsoa21_code")
    if "lsoa11_code" in frame.columns and layer != "lookup_lsoa11_lsoa21":
        return _with_lsoa_geometry(frame, "lsoa11_code")
    if {"x", "y"} <= set(frame.columns):
        points = shapely.points(frame["x"].to_numpy(float), frame["y"].to_numpy(float))
        return gpd.GeoDataFrame(frame, geometry=points, crs=crs.ANALYSIS_CRS)
    return frame


def _select(layer: str, frame: pd.DataFrame, place: Place | None) -> pd.DataFrame:
    """Rows of ``frame`` for ``place`` (see the module docstring for the rule)."""
    if place is None:
        return frame
    lsoas = _place_lsoas(place)
    key = _CODE_LAYERS.get(layer, "lsoa21_code" if "lsoa21_code" in frame.columns else None)
    if layer in _CODE_LAYERS and key is None:
        return frame
    if key is not None and key in frame.columns:
        return frame[frame[key].isin(set(lsoas[key]))]
    if "lsoa11_code" in frame.columns:
        lookup = read_table("lookup_lsoa11_lsoa21")
        codes = set(
            lookup.loc[lookup["lsoa21_code"].isin(set(lsoas["lsoa21_code"])), "lsoa11_code"]
        )
        return frame[frame["lsoa11_code"].isin(codes)]
    if not isinstance(frame, gpd.GeoDataFrame):
        raise UnknownLayer(
            f"{layer!r} has no geometry or LSOA code, so it cannot be selected by place; "
            "export it without --place."
        )
    polygon = place_polygon(place)
    hits = np.sort(frame.sindex.query(polygon, predicate="intersects"))
    kept = frame.iloc[hits]
    only_touch = shapely.touches(np.asarray(kept.geometry.values), polygon)
    return kept[~only_touch]


def layer_frame(layer: str, place: str | None) -> tuple[pd.DataFrame, LayerInfo, Place | None]:
    """The rows of ``layer`` for ``place`` (EPSG:27700 if spatial), its catalogue entry and place.

    Raises
    ------
    UnknownLayer
        Unknown or raster layer.
    layers.boundaries.PlaceNotFound
        Unknown place, listing the nearest names.
    """
    info = layer_info(layer)
    resolved = resolve_place(place) if place else None
    frame = _select(layer, _load(layer), resolved)
    return frame.reset_index(drop=True), info, resolved
