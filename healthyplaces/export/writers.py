"""Writers of one export: GeoJSON (RFC 7946, EPSG:4326), GeoPackage (EPSG:27700), CSV (WKT).

Field types are the same in every format: integers stay integers (GeoPackage
``OFTInteger``, JSON numbers without a fraction, ``Integer`` in the CSV's
``.csvt``), booleans stay booleans (``OFSTBoolean``; nullable where a result
is missing) and floats stay reals. The CSV's geometry is a ``WKT`` column in
EPSG:4326 with a ``.csvt`` sidecar of column types, so GDAL/QGIS open it as a
layer (GDAL CSV driver, ``GEOM_POSSIBLE_NAMES=WKT``).

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
import pyogrio
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


#: The GeoPackage attribute table holding the data dictionary (one row per field per layer).
DICTIONARY_TABLE = "data_dictionary"
DICTIONARY_NOTE = "Data dictionary: field, type, description, units, source, year, layer"

_INT32 = (-(2**31), 2**31 - 1)


def typed_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer columns as nullable ``Int32`` where they fit (GDAL ``OFTInteger``), else as is.

    Booleans (``bool`` / nullable ``boolean``) and floats are left alone: pyogrio
    writes them as ``OFSTBoolean`` and ``OFTReal``.
    """
    out = frame.copy()
    for col in out.columns:
        if col == "geometry" or not pd.api.types.is_integer_dtype(out[col].dtype):
            continue
        values = out[col].dropna()
        if values.empty or (values.min() >= _INT32[0] and values.max() <= _INT32[1]):
            out[col] = out[col].astype("Int32")
    return out


def write_gpkg(
    frame: pd.DataFrame, meta: dict[str, Any], path: Path, *, append: bool = False
) -> None:
    """One layer of a GeoPackage (EPSG:27700), its attribution in ``gpkg_metadata``.

    Without ``append`` an existing file is replaced.
    """
    if not isinstance(frame, gpd.GeoDataFrame):
        raise UnknownLayer(f"{meta['layer']!r} has no geometry; export it as csv instead.")
    if path.exists() and not append:
        path.unlink()
    description = f"{meta['title']}. {meta['attribution']} Vintage: {meta['vintage']}."
    pyogrio.write_dataframe(
        typed_frame(frame),
        path,
        driver="GPKG",
        layer=meta["layer"],
        append=False,
        layer_options={"DESCRIPTION": description},
        layer_metadata={
            "ATTRIBUTION": meta["attribution"],
            "LAYER_ATTRIBUTION": meta["layer_attribution"],
            "LICENCE": meta["licence"],
            "SOURCE": meta["source"],
            "VINTAGE": meta["vintage"],
            "SELECTION": meta["selection"],
        },
        dataset_metadata=None if append else {"ATTRIBUTION": meta["attribution"]},
    )


def write_gpkg_table(table: pd.DataFrame, path: Path, layer: str, description: str) -> None:
    """A non-spatial attribute table (``gpkg_contents.data_type = 'attributes'``) in ``path``."""
    pyogrio.write_dataframe(
        typed_frame(table),
        path,
        driver="GPKG",
        layer=layer,
        layer_options={"DESCRIPTION": description},
    )


def csvt_types(table: pd.DataFrame) -> list[str]:
    """GDAL ``.csvt`` column types of ``table`` (GDAL CSV driver documentation)."""
    out = []
    for col in table.columns:
        dtype = table[col].dtype
        if col == "WKT":
            out.append("WKT")
        elif pd.api.types.is_bool_dtype(dtype):
            out.append("Integer(Boolean)")
        elif pd.api.types.is_integer_dtype(dtype):
            out.append("Integer64")
        elif pd.api.types.is_float_dtype(dtype):
            out.append("Real")
        else:
            out.append("String")
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """The CSV (``WKT`` in EPSG:4326 last) and its ``.csvt``; returns the ``.csvt`` path."""
    # OWASP CSV Injection: text cells that begin like a formula are neutralised.
    table = csv_safe(pd.DataFrame(frame))
    if isinstance(frame, gpd.GeoDataFrame):
        table = table.drop(columns=frame.geometry.name)
        table["WKT"] = shapely.to_wkt(
            _rounded_lonlat(frame).values, rounding_precision=COORD_DECIMALS, trim=True
        )
    table.to_csv(path, index=False, encoding="utf-8")
    csvt = path.with_suffix(".csvt")
    csvt.write_text(",".join(f'"{t}"' for t in csvt_types(table)) + "\n", encoding="utf-8")
    return csvt


def sidecar_path(path: Path) -> Path:
    """``data.csv`` → ``data.csv.attribution.txt``."""
    return path.with_name(path.name + ".attribution.txt")


def dictionary_path(path: Path) -> Path:
    """``data.csv`` → ``data.csv.dictionary.csv`` (the data dictionary sidecar)."""
    return path.with_name(path.name + ".dictionary.csv")
