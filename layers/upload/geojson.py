"""GeoJSON checked in Python before GDAL sees it (RFC 7946 structure, counts, numbers).

Only a FeatureCollection, a Feature or a bare geometry object is accepted;
coordinates must be arrays of 2 or 3 finite numbers; a ``crs`` member, if
present, must be the 2008 GeoJSON "name" form with an authority code (the
"link" form would make GDAL fetch a URL). Without a ``crs`` member the data
are WGS 84 longitude/latitude (RFC 7946 section 4).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyproj
from pyproj.exceptions import CRSError

from layers.errors import UserAreaError
from layers.upload.limits import Limits, detail

#: Levels of arrays above the positions in each geometry type's ``coordinates``.
_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
#: A CRS name such as ``EPSG:27700`` or ``urn:ogc:def:crs:EPSG::27700`` (no paths, no URLs).
_CRS_NAME = re.compile(
    r"(urn:ogc:def:crs:)?[A-Za-z][A-Za-z0-9_]{0,15}:[0-9.]{0,8}:?[A-Za-z0-9_]{1,16}"
)
#: RFC 7946 default: WGS 84 longitude/latitude.
DEFAULT_CRS = "EPSG:4326"


@dataclass(frozen=True)
class GeoJSONSummary:
    """What the structure check found: feature count, vertex count and declared CRS."""

    n_features: int
    n_vertices: int
    crs: pyproj.CRS


def _refuse_constant(token: str) -> float:
    raise ValueError(f"non-finite number {token}")


def parse(data: bytes, label: str, limits: Limits) -> GeoJSONSummary:
    """Check GeoJSON bytes: structure, declared CRS, feature and vertex counts, finite numbers.

    Raises
    ------
    UserAreaError
        Naming ``label`` and what is wrong (or which limit was passed).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserAreaError(
            f"{label} is not GeoJSON: it is not UTF-8 text ({detail(exc)})."
        ) from exc
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise UserAreaError(f"{label} is not usable GeoJSON: it is nested too deeply.") from exc
    except ValueError as exc:
        if "non-finite" in str(exc):
            raise UserAreaError(
                f"{label} has a {str(exc).split()[-1]} value; every coordinate must be a "
                "finite number (NaN and Infinity are not allowed)."
            ) from exc
        raise UserAreaError(f"{label} is not valid JSON ({detail(exc)}).") from exc
    if not isinstance(doc, dict):
        raise UserAreaError(f"{label} is not GeoJSON: the top level is not a JSON object.")
    declared = _declared_crs(doc, label)
    geometries = list(_geometries(doc, label, limits))
    n_vertices = 0
    for geometry in geometries:
        n_vertices += _count_positions(geometry, label)
        if n_vertices > limits.max_vertices:
            raise UserAreaError(
                f"{label} has more than {limits.max_vertices:,} vertices, the limit. "
                "Simplify the boundary (for example with mapshaper or QGIS) and upload it again."
            )
    return GeoJSONSummary(len(geometries), n_vertices, declared)


def _declared_crs(doc: dict[str, Any], label: str) -> pyproj.CRS:
    """The CRS named by the ``crs`` member, or WGS 84 if there is none (RFC 7946)."""
    if "crs" not in doc or doc["crs"] is None:
        return pyproj.CRS.from_user_input(DEFAULT_CRS)
    member = doc["crs"]
    props = member.get("properties") if isinstance(member, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(member, dict) or member.get("type") != "name" or not isinstance(name, str):
        raise UserAreaError(
            f"{label} declares its CRS in a form that is not supported (only "
            '"crs": {"type": "name", "properties": {"name": "EPSG:27700"}} is). '
            "Remove the crs member for WGS 84, or name an EPSG code."
        )
    if not _CRS_NAME.fullmatch(name):
        raise UserAreaError(
            f"{label} declares a CRS that cannot be parsed: {name[:80]!r}. "
            "Name it by code, such as EPSG:27700 or EPSG:4326."
        )
    try:
        return pyproj.CRS.from_user_input(name)
    except CRSError as exc:
        raise UserAreaError(
            f"{label} declares a CRS that cannot be parsed: {name!r}. "
            "Name it by code, such as EPSG:27700 or EPSG:4326."
        ) from exc


def _geometries(doc: dict[str, Any], label: str, limits: Limits) -> Iterator[dict[str, Any]]:
    """Each non-null geometry object of a FeatureCollection, Feature or bare geometry."""
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise UserAreaError(f"{label}: the FeatureCollection has no features array.")
        if len(features) > limits.max_features:
            raise UserAreaError(
                f"{label} has {len(features):,} features; the limit is {limits.max_features:,}. "
                "Dissolve or select the features you need and upload them again."
            )
    elif kind == "Feature":
        features = [doc]
    elif kind in _DEPTH:
        features = [{"type": "Feature", "geometry": doc, "properties": None}]
    else:
        raise UserAreaError(
            f"{label} is not GeoJSON: its type is {str(kind)[:40]!r}, not FeatureCollection, "
            "Feature or a geometry."
        )
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise UserAreaError(f"{label}: feature {i + 1} is not a GeoJSON Feature object.")
        props = feature.get("properties")
        if props is not None and not isinstance(props, dict):
            raise UserAreaError(f"{label}: feature {i + 1} has properties that are not an object.")
        geometry = feature.get("geometry")
        if geometry is None:
            continue
        if not isinstance(geometry, dict) or geometry.get("type") not in _DEPTH:
            kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
            raise UserAreaError(
                f"{label}: feature {i + 1} has an unsupported geometry ({str(kind)[:40]}); "
                "upload Polygon or MultiPolygon features."
            )
        yield geometry


def _count_positions(geometry: dict[str, Any], label: str) -> int:
    """Positions in one geometry, after checking each is 2 or 3 finite numbers."""
    depth = _DEPTH[str(geometry["type"])]
    coordinates = geometry.get("coordinates")
    if depth == 0:
        return _check_positions([coordinates], label)
    arrays: list[Any] = [coordinates]
    for _ in range(depth - 1):  # unnest to lists of positions, one level per loop
        nxt: list[Any] = []
        for item in arrays:
            if not isinstance(item, list):
                raise UserAreaError(f"{label}: a {geometry['type']} has malformed coordinates.")
            nxt.extend(item)
        arrays = nxt
    return sum(_check_positions(positions, label) for positions in arrays)


def _check_positions(positions: Any, label: str) -> int:
    if not isinstance(positions, list):
        raise UserAreaError(f"{label}: coordinates must be arrays of numbers.")
    if not positions:
        return 0
    try:
        arr = np.array(positions)
    except ValueError as exc:  # ragged
        raise UserAreaError(f"{label}: coordinates must be arrays of 2 or 3 numbers.") from exc
    if arr.ndim != 2 or arr.shape[1] not in (2, 3) or arr.dtype.kind not in "iuf":
        raise UserAreaError(f"{label}: coordinates must be arrays of 2 or 3 numbers.")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise UserAreaError(
            f"{label} has a coordinate too large to be a number (it overflows to infinity); "
            "every coordinate must be a finite number."
        )
    return int(arr.shape[0])
