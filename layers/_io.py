"""Shared readers for the raw public files: repair-and-count, hstore tags, checksums.

These helpers read ``../shared/data`` when the bundle is built; the app and the
analysis never call them.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from numpy.typing import NDArray

from geo.crs import ANALYSIS_CRS


@dataclass
class ReadReport:
    """What happened to the geometries of one raw file on the way in."""

    read: int = 0
    repaired: int = 0
    empty_dropped: int = 0
    wrong_type_dropped: int = 0

    def __iadd__(self, other: ReadReport) -> ReadReport:
        self.read += other.read
        self.repaired += other.repaired
        self.empty_dropped += other.empty_dropped
        self.wrong_type_dropped += other.wrong_type_dropped
        return self

    def as_dict(self) -> dict[str, int]:
        """The counts under the names written to ``manifest.json``.

        Returns
        -------
        dict
            ``features_read``, ``geometries_repaired``, ``empty_or_unreadable_dropped``
            and ``wrong_geometry_type_dropped`` (feature counts).
        """
        return {
            "features_read": self.read,
            "geometries_repaired": self.repaired,
            "empty_or_unreadable_dropped": self.empty_dropped,
            "wrong_geometry_type_dropped": self.wrong_type_dropped,
        }


def read_vector(
    path: Path | str,
    *,
    keep: str | None = None,
    columns: list[str] | None = None,
    layer: str | None = None,
) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Read a vector file, repair invalid geometries and reproject to EPSG:27700.

    Parameters
    ----------
    path
        Any file pyogrio reads (GeoJSON, GeoPackage, ``/vsigzip/…``).
    keep
        ``"polygon"``, ``"line"`` or ``"point"``: keep only that geometry family
        (multi-parts included); other features are counted as dropped.
    columns
        Attribute columns to read; missing ones are added as nulls.
    layer
        Layer name for multi-layer sources.

    Returns
    -------
    (GeoDataFrame in EPSG:27700, ReadReport)
        Invalid geometries are repaired with :func:`shapely.make_valid` and
        counted; empty or unreadable ones are counted and dropped.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf = pyogrio.read_dataframe(str(path), on_invalid="ignore", layer=layer)
    report = ReadReport(read=len(gdf))
    if columns is not None:
        for col in columns:
            if col not in gdf.columns:
                gdf[col] = None
        gdf = gdf[[*columns, "geometry"]]
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    report.empty_dropped = int(missing.sum())
    gdf = gdf.loc[~missing]
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    gdf = gdf.to_crs(ANALYSIS_CRS)
    gdf, report.repaired = repair(gdf, keep=keep)
    if keep is not None:
        family = _FAMILIES[keep]
        ok = gdf.geom_type.isin(family)
        report.wrong_type_dropped = int((~ok).sum())
        gdf = gdf.loc[ok]
    return gdf.reset_index(drop=True), report


_FAMILIES = {
    "polygon": ("Polygon", "MultiPolygon"),
    "line": ("LineString", "MultiLineString"),
    "point": ("Point", "MultiPoint"),
}


def repair(gdf: gpd.GeoDataFrame, keep: str | None = None) -> tuple[gpd.GeoDataFrame, int]:
    """Repair invalid geometries with ``make_valid``; return the frame and the count repaired.

    When ``keep`` names a family, a repaired GeometryCollection is reduced to the
    parts of that family, so a bow-tie polygon stays a (multi)polygon.

    Parameters
    ----------
    gdf
        Features in any CRS (repair does not reproject).
    keep
        ``"polygon"``, ``"line"``, ``"point"`` or None (keep whatever ``make_valid`` gives).

    Returns
    -------
    (GeoDataFrame, int)
        The frame (a copy if anything changed) and the number of geometries repaired.
    """
    geoms = gdf.geometry.values
    invalid = ~shapely.is_valid(geoms)
    n = int(invalid.sum())
    if n:
        fixed = shapely.make_valid(geoms[invalid])
        if keep is not None:
            fixed = _extract_family(fixed, keep)
        gdf = gdf.copy()
        gdf.loc[invalid, gdf.geometry.name] = fixed
    return gdf, n


def _extract_family(geoms: NDArray[np.object_], keep: str) -> NDArray[np.object_]:
    """From each geometry keep only the parts of one family (e.g. polygons)."""
    family = _FAMILIES[keep]
    out: NDArray[np.object_] = np.asarray(geoms, dtype=object).copy()
    is_collection = shapely.get_type_id(out) == 7
    for i in np.flatnonzero(is_collection):  # rare: only repaired collections
        parts = [g for g in shapely.get_parts(out[i]) if g.geom_type in family]
        out[i] = shapely.union_all(parts) if parts else shapely.Polygon()
    return out


def hstore_get(values: pd.Series, key: str) -> pd.Series:
    """One tag from an hstore column, as strings (``None`` where absent).

    Parameters
    ----------
    values
        ogr2ogr ``other_tags`` strings (``"key"=>"value",...``).
    key
        The OSM tag key, e.g. ``"access"``.

    Returns
    -------
    pandas.Series
        The tag's value per row (object dtype), ``None`` where the key is absent.
    """
    pattern = rf'"{re.escape(key)}"=>"((?:[^"\\]|\\.)*)"'
    return (
        values.astype("string")
        .str.extract(pattern, expand=False)
        .astype(object)
        .where(lambda s: s.notna(), None)
    )


def id_text(ids: pd.Series) -> pd.Series:
    """OSM ids as text without a float's ``.0`` (some files store them as numbers).

    Parameters
    ----------
    ids
        OSM ids as numbers or text; unparseable values become ``<NA>``.

    Returns
    -------
    pandas.Series
        String dtype, e.g. ``"123"``.
    """
    return pd.to_numeric(ids, errors="coerce").astype("Int64").astype("string")


def osm_ref(gdf: gpd.GeoDataFrame) -> pd.Series:
    """``way/123``, ``relation/456`` or ``node/789`` from the ogr2ogr OSM columns.

    Parameters
    ----------
    gdf
        OSM features with ``osm_id`` and ``osm_way_id`` (ogr2ogr's OSM driver).

    Returns
    -------
    pandas.Series
        The OSM reference per row, indexed like ``gdf``: ``way/`` where
        ``osm_way_id`` is set, otherwise ``node/`` for points, ``way/`` for lines
        and ``relation/`` for the rest.
    """
    way = id_text(gdf["osm_way_id"])
    oid = id_text(gdf["osm_id"])
    kind = np.where(
        gdf.geom_type.isin(["Point", "MultiPoint"]),
        "node",
        np.where(gdf.geom_type.isin(["LineString", "MultiLineString"]), "way", "relation"),
    )
    return pd.Series(
        np.where(way.notna(), "way/" + way.fillna(""), kind + "/" + oid.fillna("")), index=gdf.index
    )


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file.

    Parameters
    ----------
    path
        The file, read in 1 MiB chunks.

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
