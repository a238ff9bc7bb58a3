"""Read and validate a user's boundary: GeoJSON, GeoPackage or zipped Shapefile, any CRS.

Every failure is a :class:`UserAreaError` whose message says what was wrong
and what to do; nothing is silently dropped. The result is one (multi)polygon
in EPSG:27700.
"""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from geo import crs
from layers.bundle import read_table
from layers.errors import UserAreaError

#: Largest upload accepted, bytes.
MAX_BYTES = 20 * 1024 * 1024
#: Largest area accepted, hectares (the county is about 203,000 ha).
MAX_AREA_HA = 250_000.0
SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")


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


def read_user_area_bytes(data: bytes, filename: str) -> UserArea:
    """Validate an uploaded file given as bytes (as Streamlit's uploader provides)."""
    if len(data) > MAX_BYTES:
        raise UserAreaError(
            f"{filename} is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB. "
            "Simplify the boundary or upload fewer features."
        )
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return read_user_area(path, name=Path(filename).stem)


def read_user_area(path: Path, name: str | None = None) -> UserArea:
    """Read and validate a boundary file.

    Checks, in order: the file type; that it opens; that it has a CRS
    (GeoJSON without a ``crs`` member is WGS 84 by RFC 7946); that it has
    polygons; that they are not empty (invalid ones are repaired with
    ``make_valid`` and a warning says so); the area limit; and that the area
    overlaps West Yorkshire.
    """
    path = Path(path)
    name = name or path.stem
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserAreaError(
            f"{path.name}: unsupported file type {suffix or '(none)'}. Upload GeoJSON (.geojson), "
            "GeoPackage (.gpkg) or a zipped Shapefile (.zip with .shp, .shx, .dbf and .prj)."
        )
    if path.stat().st_size > MAX_BYTES:
        raise UserAreaError(f"{path.name} is larger than {MAX_BYTES / 1e6:.0f} MB.")
    source = str(path)
    if suffix == ".zip":
        source = _shapefile_in_zip(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = pyogrio.read_dataframe(source, on_invalid="ignore")
    except Exception as exc:  # pyogrio raises several types for unreadable input
        raise UserAreaError(f"{path.name} could not be read as a vector file: {exc}") from exc
    if gdf.crs is None:
        if suffix in (".geojson", ".json"):
            gdf = gdf.set_crs("EPSG:4326")
        else:
            raise UserAreaError(
                f"{path.name} has no coordinate reference system (for a Shapefile, include the "
                ".prj file in the zip). Re-export it with a CRS such as EPSG:27700 or EPSG:4326."
            )
    return validate(gdf, name=name)


def validate(gdf: gpd.GeoDataFrame, name: str = "Custom area") -> UserArea:
    """Validate polygons (any CRS) and dissolve them into one EPSG:27700 geometry."""
    msgs: list[str] = []
    if len(gdf) == 0:
        raise UserAreaError("The file has no features.")
    geoms = gdf.geometry
    empty = geoms.isna() | geoms.is_empty
    if empty.all():
        raise UserAreaError("Every geometry in the file is empty.")
    polys = geoms[~empty & geoms.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(polys) == 0:
        kinds = ", ".join(sorted(set(geoms[~empty].geom_type)))
        raise UserAreaError(
            f"The file has no polygons (found {kinds}). Upload an area, not points or lines."
        )
    if len(polys) < len(gdf):
        msgs.append(f"{len(gdf) - len(polys)} non-polygon or empty feature(s) were ignored.")
    source_crs = gdf.crs.to_string() if gdf.crs else "unknown"
    polys = gpd.GeoSeries(polys.values, crs=gdf.crs).to_crs(crs.ANALYSIS_CRS)
    invalid = ~polys.is_valid
    if invalid.any():
        polys = polys.make_valid()
        msgs.append(f"{int(invalid.sum())} invalid polygon(s) were repaired with make_valid.")
    geometry = shapely.union_all(
        [g for g in shapely.get_parts(polys.values) if g.geom_type in ("Polygon", "MultiPolygon")]
    )
    if geometry.is_empty or geometry.area <= 0:
        raise UserAreaError("The polygons have no area after repair.")
    area_ha = geometry.area / 1e4
    if area_ha > MAX_AREA_HA:
        raise UserAreaError(
            f"The area is {area_ha:,.0f} ha, larger than West Yorkshire; upload a smaller area."
        )
    county = read_table("county").geometry.iloc[0]
    share = shapely.area(shapely.intersection(geometry, county)) / geometry.area
    if share <= 0:
        raise UserAreaError(
            "The area is outside West Yorkshire (no overlap with Bradford, Calderdale, Kirklees, "
            f"Leeds or Wakefield). Check its CRS: it was read as {source_crs}."
        )
    if share < 0.999:
        msgs.append(f"Only {share:.0%} of the area is inside West Yorkshire; the rest has no data.")
    return UserArea(name, geometry, len(polys), source_crs, area_ha, float(share), msgs)


def _shapefile_in_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            shps = [n for n in zf.namelist() if n.lower().endswith(".shp")]
    except zipfile.BadZipFile as exc:
        raise UserAreaError(f"{path.name} is not a valid zip file.") from exc
    if not shps:
        raise UserAreaError(f"{path.name} contains no .shp file.")
    return f"/vsizip/{path}/{shps[0]}"
