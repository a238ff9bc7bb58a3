"""The new-park scenario as downloads: GeoJSON (RFC 7946) and CSV of the affected LSOAs.

Input is the output of :func:`analysis.new_park.add_park`, unchanged: this
module only reshapes it. The GeoJSON is EPSG:4326 (longitude, latitude, 6
decimals, no ``crs`` member, RFC 7946 §4) and holds one feature per affected
LSOA (``feature = "affected_lsoa"``, its 2021 boundary with straight-line
distances before and after, metres) plus the park as drawn
(``feature = "new_park"``) and the site it forms after merging with touching
sites (``feature = "merged_site"``). Attribution is
:data:`layers.catalogue.ATTRIBUTION`; CSV text cells are neutralised against
formula injection (:func:`healthyplaces.formatting.csv_safe`).
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.engine import Results
from geo import crs
from healthyplaces.export import COORD_DECIMALS
from healthyplaces.formatting import csv_safe
from layers import catalogue

GEOJSON_NAME = "scenario-affected-lsoas.geojson"
CSV_NAME = "scenario-affected-lsoas.csv"
#: What the distances are (every before/after column).
DISTANCE_NOTE = (
    "metres, straight line from each LSOA's population-weighted centroid (Census 2021) to the "
    "nearest accessible green site of the tier's size (OpenStreetMap 2023)"
)
DATA_NOTE = "Census 2021 (ONS); IoD 2025 (MHCLG); OpenStreetMap 2023; LSOA 2021 boundaries (ONS)"


def affected_lsoas(results: Results, scen: dict[str, Any]) -> gpd.GeoDataFrame:
    """The affected LSOAs' 2021 boundaries (EPSG:27700) joined to ``scen["lsoas"]``."""
    shapes = results.lsoa[["lsoa21_code", "geometry"]]
    joined = pd.DataFrame(scen["lsoas"]).merge(shapes, on="lsoa21_code", how="left")
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=crs.ANALYSIS_CRS)


def _lonlat(geoms: gpd.GeoSeries) -> list[dict[str, Any]]:
    """Geometries to EPSG:4326 GeoJSON mappings, coordinates rounded to 6 decimals (~0.1 m)."""
    lonlat = geoms.to_crs(crs.DISPLAY_CRS).values
    rounded = shapely.transform(lonlat, lambda c: np.round(c, COORD_DECIMALS))
    return [shapely.geometry.mapping(g) for g in rounded]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: numpy scalars to Python, non-finite numbers to null."""
    clean = frame.replace([np.inf, -np.inf], np.nan).astype(object)
    clean = clean.where(clean.notna(), None)
    out: list[dict[str, Any]] = json.loads(clean.to_json(orient="records", force_ascii=False))
    return out


def _site_features(scen: dict[str, Any], park: shapely.Geometry | None) -> list[dict[str, Any]]:
    shapes = {"merged_site": scen["site_geometry"]}
    if park is not None:
        shapes = {"new_park": park, **shapes}
    geoms = _lonlat(gpd.GeoSeries(list(shapes.values()), crs=crs.ANALYSIS_CRS))
    props = {
        "new_park": {"feature": "new_park", "area_ha": scen["new_site_ha"]},
        "merged_site": {
            "feature": "merged_site",
            "area_ha": scen["merged_site_ha"],
            "absorbed_sites": scen["absorbed_sites"],
        },
    }
    return [
        {"type": "Feature", "properties": props[kind], "geometry": geom}
        for kind, geom in zip(shapes, geoms, strict=True)
    ]


def scenario_geojson(
    results: Results, scen: dict[str, Any], park: shapely.Geometry | None = None
) -> bytes:
    """The scenario as an RFC 7946 FeatureCollection (UTF-8 bytes).

    Parameters
    ----------
    results
        The county results the scenario was run on (for the LSOA boundaries).
    scen
        :func:`analysis.new_park.add_park` output.
    park
        The park as drawn or uploaded (EPSG:27700); omitted, only the merged site is written.
    """
    gdf = affected_lsoas(results, scen)
    lsoa_features = [
        {"type": "Feature", "properties": {"feature": "affected_lsoa", **rec}, "geometry": geom}
        for rec, geom in zip(
            _records(pd.DataFrame(gdf.drop(columns="geometry"))), _lonlat(gdf.geometry), strict=True
        )
    ]
    collection = {
        "type": "FeatureCollection",
        "name": "Affected LSOAs, before and after the new park",
        "attribution": catalogue.ATTRIBUTION,
        "scenario": {
            "new_site_ha": scen["new_site_ha"],
            "merged_site_ha": scen["merged_site_ha"],
            "absorbed_sites": scen["absorbed_sites"],
            "gain_straight": scen["gain_straight"],
            "gain_network": scen["gain_network"],
            "gain_by_imd_decile": scen["gain_by_imd_decile"],
        },
        "units": {"area_ha": "hectares", "distances": DISTANCE_NOTE, "population": "people"},
        "data": DATA_NOTE,
        "features": [*lsoa_features, *_site_features(scen, park)],
    }
    return json.dumps(collection, ensure_ascii=False, allow_nan=False).encode("utf-8")


def scenario_csv(scen: dict[str, Any]) -> bytes:
    """The affected LSOAs' before/after table as CSV (UTF-8 bytes), one row per LSOA.

    Distances are metres (:data:`DISTANCE_NOTE`); every row carries the attribution.
    """
    table = pd.DataFrame(scen["lsoas"]).assign(attribution=catalogue.ATTRIBUTION)
    return str(csv_safe(table).to_csv(index=False)).encode("utf-8")
