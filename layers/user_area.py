"""Read and validate a user's boundary: GeoJSON, GeoPackage or zipped Shapefile, any CRS.

This is the one gate for uploaded boundaries (app "My area", the CLI's
``--boundary``, the scenario tool's park) and drawn shapes. Every failure is
a :class:`UserAreaError` whose message names the user's file, says what was
wrong and, for a limit, what the limit is; nothing is silently dropped. The
result is one (multi)polygon in EPSG:27700.

Steps: size; format from the magic bytes and structure, checked in Python
(:mod:`layers.upload.geojson`, :mod:`~layers.upload.geopackage`,
:mod:`~layers.upload.shapefile`) before GDAL sees the file; the file written
under a fixed name into a private folder and opened with an explicit driver,
GDAL's network and indirection off (:mod:`~layers.upload.reading`); then the
geometry checks (:mod:`~layers.upload.validation`). Limits are in
:mod:`layers.upload.limits`, and the whole is held to ``LIMITS.budget_s``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd

from layers.errors import UserAreaError
from layers.upload import geojson, geopackage, reading, shapefile
from layers.upload.limits import LIMITS, Deadline, Limits, detail, megabytes
from layers.upload.validation import UserArea, validate

__all__ = [
    "LIMITS",
    "MAX_AREA_HA",
    "MAX_BYTES",
    "SUFFIXES",
    "Limits",
    "UserArea",
    "UserAreaError",
    "read_user_area",
    "read_user_area_bytes",
    "read_user_area_features",
    "validate",
]

#: Largest upload accepted, bytes (``LIMITS.max_upload_bytes``).
MAX_BYTES = LIMITS.max_upload_bytes
#: Largest area accepted, hectares (``LIMITS.max_area_ha``; the county is about 203,000 ha).
MAX_AREA_HA = LIMITS.max_area_ha
SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")
_KIND = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shapefile"}
_NAMES = {"geojson": "GeoJSON", "gpkg": "a GeoPackage", "shapefile": "a zip file"}


def read_user_area(path: Path | str, name: str | None = None, limits: Limits = LIMITS) -> UserArea:
    """Read and validate a boundary file on disk (the CLI's ``--boundary``).

    The path is only ever opened by Python; GDAL sees a private copy.
    """
    path = Path(path)
    label = path.name or str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UserAreaError(f"{label} is not a file.")
        if size > limits.max_upload_bytes:
            raise UserAreaError(_too_big(label, size, limits))
        data = path.read_bytes()
    except OSError as exc:
        raise UserAreaError(f"{label} cannot be read: {exc.strerror or exc}.") from exc
    return read_user_area_bytes(data, label, name=name, limits=limits)


def read_user_area_bytes(
    data: bytes, filename: str, name: str | None = None, limits: Limits = LIMITS
) -> UserArea:
    """Validate an uploaded file given as bytes (as Streamlit's uploader provides).

    Parameters
    ----------
    data
        The file's content.
    filename
        The user's file name: chooses the expected format and names the file in messages.
    name
        The area's name (default: the file's stem).
    """
    label = Path(filename).name or "the upload"
    deadline = Deadline(label, limits.budget_s)
    if len(data) > limits.max_upload_bytes:
        raise UserAreaError(_too_big(label, len(data), limits))
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise UserAreaError(
            f"{label}: unsupported file type {suffix or '(none)'}. Upload GeoJSON (.geojson), "
            "GeoPackage (.gpkg) or a zipped Shapefile (.zip with .shp, .shx, .dbf and .prj)."
        )
    kind = _KIND[suffix]
    _check_content_matches(data, label, kind)
    declared = None
    if kind == "geojson":
        declared = geojson.parse(data, label, limits).crs
    deadline.check("checking the file's structure")
    with tempfile.TemporaryDirectory(prefix="hp-upload-") as tmp:
        folder = Path(tmp)
        layer = None
        if kind == "shapefile":
            path = shapefile.extract(data, label, limits, folder)
        else:
            path = folder / f"upload{'.geojson' if kind == 'geojson' else '.gpkg'}"
            path.write_bytes(data)
            if kind == "gpkg":
                layer = geopackage.check(path, label, limits, deadline)
        deadline.check("checking the file's structure")
        gdf = reading.read(kind, path, label, limits, layer=layer)
    deadline.check("reading the file")
    if declared is not None:
        gdf = gdf.set_crs(declared, allow_override=True)
    elif gdf.crs is None and kind == "shapefile":
        raise UserAreaError(
            f"{label} has no coordinate reference system (for a Shapefile, include the .prj "
            "file in the zip). Re-export it with a CRS such as EPSG:27700 or EPSG:4326."
        )
    return validate(
        gdf,
        name=name or _feature_name(gdf) or Path(filename).stem,
        label=label,
        limits=limits,
        deadline=deadline,
    )


#: Attribute columns that may hold an area's own name, in order of preference.
_NAME_COLUMNS = ("name", "Name", "NAME", "title")
#: Longest feature name kept (longer ones are cut, never refused).
_MAX_NAME = 120


def _feature_name(gdf: gpd.GeoDataFrame) -> str | None:
    """The features' own name, when they share one (a ``name`` property), else None."""
    for column in _NAME_COLUMNS:
        if column in gdf.columns:
            names = {str(v).strip() for v in gdf[column] if isinstance(v, str) and v.strip()}
            if len(names) == 1:
                return " ".join(names.pop().split())[:_MAX_NAME]
    return None


def read_user_area_features(
    features: list[dict[str, Any]], name: str = "Drawn area", limits: Limits = LIMITS
) -> UserArea:
    """Validate shapes drawn on the map (Leaflet.draw GeoJSON features, WGS 84 lon/lat).

    The features go through the same GeoJSON structure check as an upload
    (counts, finite numbers, geometry types) and then :func:`validate`.
    """
    label = "the drawing"
    deadline = Deadline(label, limits.budget_s)
    if not isinstance(features, list) or not features:
        raise UserAreaError("Draw a polygon or a rectangle: the drawing is empty.")
    collection = {"type": "FeatureCollection", "features": features}
    try:
        import json

        data = json.dumps(collection, allow_nan=True).encode()
    except (TypeError, ValueError, RecursionError) as exc:
        raise UserAreaError(f"The drawing could not be read as GeoJSON ({detail(exc)}).") from exc
    geojson.parse(data, label, limits)
    gdf = gpd.GeoDataFrame.from_features(features, crs=geojson.DEFAULT_CRS)
    return validate(gdf, name=name, label=label, limits=limits, deadline=deadline)


def _too_big(label: str, size: int, limits: Limits) -> str:
    return (
        f"{label} is larger than the {megabytes(limits.max_upload_bytes)} limit ({size:,} "
        "bytes). Simplify the boundary or upload fewer features."
    )


def _check_content_matches(data: bytes, label: str, kind: str) -> None:
    """Refuse a file whose content is another format than its name says (content confusion)."""
    if geopackage.looks_like(data):
        found = "gpkg"
    elif shapefile.looks_like(data):
        found = "shapefile"
    elif data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        found = "geojson"
    else:
        found = "other"
    if found != kind:
        what = _NAMES.get(found, "neither GeoJSON, a GeoPackage nor a zip file")
        raise UserAreaError(
            f"{label} is named as {_NAMES[kind].removeprefix('a ')} but its content is {what}. "
            "Upload GeoJSON (.geojson), GeoPackage (.gpkg) or a zipped Shapefile (.zip)."
        )
