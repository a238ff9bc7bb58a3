"""Export a bundle layer (or the LSOA results) for one place as GeoJSON, GeoPackage or CSV.

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

Formats
-------
* ``geojson``: RFC 7946, EPSG:4326 (longitude, latitude), coordinates to 6
  decimals (~0.1 m), no ``crs`` member. The FeatureCollection carries foreign
  members ``attribution``, ``licence``, ``source``, ``vintage``, ``layer``,
  ``title``, ``place`` and ``selection``.
* ``gpkg``: EPSG:27700 (British National Grid, metres), layer description and
  GDAL metadata with the attribution, plus a ``<file>.attribution.txt`` sidecar.
* ``csv``: one row per feature with its geometry as WKT in EPSG:4326
  (``geometry_wkt``), plus a ``<file>.attribution.txt`` sidecar.

Raster layers (air quality) cannot be exported here; they are GeoTIFFs in the bundle.
"""

from __future__ import annotations

import difflib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import crs
from layers import catalogue, places
from layers.boundaries import load_lsoa21
from layers.bundle import read_table
from layers.catalogue import LAYERS, LayerInfo
from layers.errors import UnknownLayer
from layers.places import Place, load_boundaries, lsoa_mask, resolve_place

FORMATS: dict[str, tuple[str, str]] = {
    "geojson": (".geojson", "application/geo+json"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "csv": (".csv", "text/csv"),
}
#: The analysis results per LSOA (from :mod:`analysis.engine`), exportable like a layer.
RESULTS_LAYER = "results_lsoa"
#: Decimal places of GeoJSON and WKT coordinates (1e-6° ≈ 0.1 m; RFC 7946 §11.2).
COORD_DECIMALS = 6
SELECTION_NOTE = (
    "Boundary and LSOA layers: the units that make up the place (ONS lookup). Other "
    "layers: whole features that intersect the place's boundary (not cut at it)."
)

#: Boundary layers selected by the ONS code hierarchy rather than by geometry.
_CODE_LAYERS = {
    "county": None,
    "districts": "district_code",
    "wards": "ward_code",
    "msoa21": "msoa21_code",
    "lsoa21": "lsoa21_code",
}


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_layer` wrote."""

    path: Path
    sidecar: Path | None
    features: int
    layer: str
    place: str


def exportable_layers() -> list[str]:
    """Names of the layers that can be exported: vector and table layers, and the results."""
    names = [n for n, info in LAYERS.items() if info.kind in ("vector", "table")]
    return [*names, RESULTS_LAYER]


def _results_info() -> LayerInfo:
    return LayerInfo(
        RESULTS_LAYER,
        "Healthy Places indicators per LSOA 2021 (analysis results)",
        "vector",
        "Healthy Places West Yorkshire analysis of the bundle layers",
        "ODbL 1.0 (OSM-derived values) and OGL v3.0",
        catalogue.ATTRIBUTION,
        "Census 2021; IoD 2025; DEFRA PCM 2019; OSM 2023-08 (network 2022, central Leeds)",
        "1,404 LSOAs",
        "Walking-network results exist only within 6.5 km of Leeds city centre.",
    )


def layer_info(layer: str) -> LayerInfo:
    """The catalogue entry of an exportable layer.

    Raises
    ------
    UnknownLayer
        For a raster or an unknown name, with the nearest names.
    """
    if layer == RESULTS_LAYER:
        return _results_info()
    info = LAYERS.get(layer)
    if info is not None and info.kind == "raster":
        raise UnknownLayer(
            f"{layer!r} is a raster (GeoTIFF in the bundle) and cannot be exported as "
            f"{'/'.join(FORMATS)}. Exportable layers: {', '.join(exportable_layers())}."
        )
    if info is None:
        close = difflib.get_close_matches(layer, exportable_layers(), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownLayer(
            f"Unknown layer {layer!r}.{hint} Exportable layers: {', '.join(exportable_layers())}."
        )
    return info


def _place_lsoas(place: Place | None) -> pd.DataFrame:
    lsoa = pd.DataFrame(load_lsoa21().drop(columns="geometry"))
    return lsoa if place is None else lsoa[lsoa_mask(place, lsoa)]


def _place_polygon(place: Place) -> shapely.Geometry:
    level = load_boundaries(place.level)
    row = level[level["code"] == place.code]
    return shapely.union_all(row.geometry.values)


def _with_lsoa_geometry(table: pd.DataFrame, key: str) -> gpd.GeoDataFrame:
    """Attach LSOA polygons (EPSG:27700) to a table keyed by ``lsoa21_code`` or ``lsoa11_code``."""
    source = "lsoa21" if key == "lsoa21_code" else "lsoa11"
    geoms = read_table(source, columns=[key, "geometry"])
    joined = table.merge(pd.DataFrame(geoms), on=key, how="left")
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=crs.ANALYSIS_CRS)


def _load(layer: str) -> pd.DataFrame:
    if layer == RESULTS_LAYER:
        from analysis.engine import load_results

        return load_results().lsoa.copy()
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
    polygon = _place_polygon(place)
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


def metadata(info: LayerInfo, place: Place | None, features: int) -> dict[str, Any]:
    """Attribution, licence, source and vintage of an export (GeoJSON foreign members)."""
    return {
        "layer": info.name,
        "title": info.title,
        "attribution": catalogue.ATTRIBUTION,
        "layer_attribution": info.attribution,
        "licence": info.licence,
        "source": info.source,
        "vintage": info.vintage,
        "gaps": info.gaps,
        "units": info.units,
        "place": None
        if place is None
        else {"code": place.code, "name": place.name, "level": place.level},
        "selection": SELECTION_NOTE,
        "features": features,
    }


def attribution_text(meta: dict[str, Any]) -> str:
    """The plain-text sidecar written beside a GeoPackage or CSV export."""
    place = meta["place"]
    where = f"{place['name']} ({place['code']}, {place['level']})" if place else "West Yorkshire"
    lines = [
        f"{meta['title']} ({meta['layer']}) — {where}, {meta['features']:,} features",
        "",
        f"Attribution: {meta['attribution']}",
        f"Licence: {meta['licence']}",
        f"Source: {meta['source']}",
        f"Vintage: {meta['vintage']}",
    ]
    if meta.get("units"):
        lines.append(f"Units: {meta['units']}")
    if meta.get("gaps"):
        lines.append(f"Known gaps: {meta['gaps']}")
    lines += [f"Selection: {meta['selection']}", ""]
    return "\n".join(lines)


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


def _write_geojson(frame: pd.DataFrame, meta: dict[str, Any], path: Path) -> None:
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


def _write_gpkg(frame: pd.DataFrame, meta: dict[str, Any], path: Path) -> None:
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


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    table = pd.DataFrame(_jsonable_frame(frame))
    if isinstance(frame, gpd.GeoDataFrame):
        table = table.drop(columns=frame.geometry.name)
        table["geometry_wkt"] = shapely.to_wkt(
            _rounded_lonlat(frame).values, rounding_precision=COORD_DECIMALS, trim=True
        )
    table.to_csv(path, index=False, encoding="utf-8")


def sidecar_path(path: Path) -> Path:
    """``data.gpkg`` → ``data.gpkg.attribution.txt``."""
    return path.with_name(path.name + ".attribution.txt")


def export_layer(layer: str, place: str | None, fmt: str, path: str | Path) -> ExportResult:
    """Write ``layer`` for ``place`` to ``path`` as ``geojson``, ``gpkg`` or ``csv``.

    Parameters
    ----------
    layer
        A name from :func:`exportable_layers` (bundle vector/table layers, ``results_lsoa``).
    place
        A place code or name (see :func:`layers.boundaries.resolve_place`); None = county.
    fmt
        ``geojson`` (EPSG:4326, attribution inside), ``gpkg`` (EPSG:27700) or ``csv``
        (WKT in EPSG:4326); the last two get an ``.attribution.txt`` sidecar.
    path
        Output file; its folder is created.

    Raises
    ------
    UnknownLayer, layers.boundaries.PlaceNotFound, ValueError
        Unknown layer, unknown place (with the nearest names) or unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(path)
    frame, info, resolved = layer_frame(layer, place)
    meta = metadata(info, resolved, len(frame))
    out.parent.mkdir(parents=True, exist_ok=True)
    sidecar: Path | None = None
    if fmt == "geojson":
        _write_geojson(frame, meta, out)
    else:
        if fmt == "gpkg":
            _write_gpkg(frame, meta, out)
        else:
            _write_csv(frame, out)
        sidecar = sidecar_path(out)
        sidecar.write_text(attribution_text(meta), encoding="utf-8")
    where = resolved.name if resolved else places.COUNTY_NAME
    return ExportResult(out, sidecar, len(frame), layer, where)


def export_download(layer: str, place: str | None, fmt: str) -> tuple[bytes, str, str, int]:
    """An export as bytes for a download button: (data, file name, MIME type, features).

    GeoJSON is returned as is (it carries its attribution); GeoPackage and CSV
    are zipped together with their ``.attribution.txt`` sidecar.
    """
    slug = (place or "west-yorkshire").strip().lower().replace(" ", "-")
    stem = f"{layer}_{slug}"
    suffix, mime = FORMATS.get(fmt, (".bin", "application/octet-stream"))
    with tempfile.TemporaryDirectory() as tmp:
        result = export_layer(layer, place, fmt, Path(tmp) / f"{stem}{suffix}")
        if result.sidecar is None:
            return result.path.read_bytes(), result.path.name, mime, result.features
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(result.path, result.path.name)
            zf.write(result.sidecar, result.sidecar.name)
        return buffer.getvalue(), f"{stem}_{fmt}.zip", "application/zip", result.features


def property_schema(layer: str) -> list[tuple[str, str]]:
    """(column, type) of the properties an export of ``layer`` carries (no geometry)."""
    if layer == RESULTS_LAYER:
        from analysis.engine import load_results

        frame = load_results().lsoa
        return [(c, str(t)) for c, t in frame.dtypes.items() if c != "geometry"]
    import pyarrow.parquet as pq

    from layers.bundle import bundle_dir

    layer_info(layer)
    schema = pq.read_schema(bundle_dir() / f"{layer}.parquet")
    return [(f.name, str(f.type)) for f in schema if f.name != "geometry"]
