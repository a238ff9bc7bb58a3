"""Writers of one export: GeoJSON (RFC 7946, EPSG:4326), GeoPackage (EPSG:27700), CSV (WKT).

CSV text cells pass through :func:`healthyplaces.formatting.csv_safe` (OWASP CSV
Injection), so an OSM name such as ``=HYPERLINK(...)`` opens as text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import crs
from healthyplaces.formatting import csv_safe
from layers.errors import UnknownLayer

FORMATS: dict[str, tuple[str, str]] = {
    "geojson": (".geojson", "application/geo+json"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "csv": (".csv", "text/csv"),
}

#: Decimal places of GeoJSON and WKT coordinates (1e-6° ≈ 0.1 m; RFC 7946 §11.2).
COORD_DECIMALS = 6


def _jsonable_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns as JSON/GDAL-friendly types: nullable booleans and ints become objects."""
    out = frame.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        dtype = out[col].dtype
        if isinstance(dtype, pd.BooleanDtype | pd.Int64Dtype) or str(dtype).startswith("Int"):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _rounded_lonlat(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    geo = gdf.geometry.to_crs(crs.DISPLAY_CRS)
    values = shapely.transform(geo.values, lambda c: np.round(c, COORD_DECIMALS))
    return gpd.GeoSeries(values, index=gdf.index, crs=crs.DISPLAY_CRS)


def write_geojson(frame: pd.DataFrame, meta: dict[str, Any], path: Path) -> None:
    if isinstance(frame, gpd.GeoDataFrame):
        gdf = frame.set_geometry(_rounded_lonlat(frame))
        collection = json.loads(_jsonable_frame(gdf).to_json(na="null", drop_id=True))
    else:
        records = _jsonable_frame(frame).to_json(orient="records", force_ascii=False)
        collection = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": rec, "geometry": None}
                for rec in json.loads(records)
            ],
        }
    collection.pop("crs", None)  # RFC 7946 has no crs member: EPSG:4326 is implied
    ordered = {"type": "FeatureCollection", **meta, "features": collection["features"]}
    path.write_text(json.dumps(ordered, ensure_ascii=False, allow_nan=False), encoding="utf-8")


def write_gpkg(frame: pd.DataFrame, meta: dict[str, Any], path: Path) -> None:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise UnknownLayer(f"{meta['layer']!r} has no geometry; export it as csv instead.")
    if path.exists():
        path.unlink()
    description = f"{meta['title']}. {meta['attribution']} Vintage: {meta['vintage']}."
    _jsonable_frame(frame).to_file(
        path,
        driver="GPKG",
        layer=meta["layer"],
        engine="pyogrio",
        layer_options={"DESCRIPTION": description},
        metadata={
            "ATTRIBUTION": meta["attribution"],
            "LICENCE": meta["licence"],
            "SOURCE": meta["source"],
            "VINTAGE": meta["vintage"],
            "SELECTION": meta["selection"],
        },
    )


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    # OWASP CSV Injection: text cells that begin like a formula are neutralised.
    table = csv_safe(pd.DataFrame(_jsonable_frame(frame)))
    if isinstance(frame, gpd.GeoDataFrame):
        table = table.drop(columns=frame.geometry.name)
        table["geometry_wkt"] = shapely.to_wkt(
            _rounded_lonlat(frame).values, rounding_precision=COORD_DECIMALS, trim=True
        )
    table.to_csv(path, index=False, encoding="utf-8")


def sidecar_path(path: Path) -> Path:
    """``data.gpkg`` → ``data.gpkg.attribution.txt``."""
    return path.with_name(path.name + ".attribution.txt")
