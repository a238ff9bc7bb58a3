"""Institutional grounds from OpenStreetMap: schools, colleges, universities, hospitals, prisons.

Source: © OpenStreetMap contributors (ODbL), Geofabrik extract of 2023-07-05
(``osm/grounds_landuse_2023``). A pitch or field inside school grounds is not
publicly accessible, and only 2 schools carry an ``access`` tag, so access has
to come from the geometry (:mod:`geo.access_status`). Polygons only (the few
points in these files are dropped and counted). Geometry: EPSG:27700.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import crs
from geo.standards import M2_PER_HA
from layers._io import ReadReport, osm_ref, read_vector
from layers.bundle import read_table

#: Grounds kind → raw file stem in ``osm/grounds_landuse_2023``.
GROUNDS_FILES: dict[str, str] = {
    "school": "west-yorkshire-amenities-school",
    "college": "west-yorkshire-amenities-college",
    "university": "west-yorkshire-amenities-university",
    "hospital": "west-yorkshire-amenities-hospital",
    "prison": "west-yorkshire-amenities-prison",
    "kindergarten": "west-yorkshire-amenities-kindergarten",
    "education": "west-yorkshire-landusage-education",
    "schoolyard": "west-yorkshire-leisure-schoolyard",
    "military": "west-yorkshire-landusage-military",
}

VINTAGE = "2023-07-05"


def build(shared: Path) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Read every grounds file: ``osm_ref``, ``name``, ``grounds`` (kind), ``area_ha``, geometry.

    An OSM object in two files (a school also tagged ``landuse=education``) keeps
    the first kind in :data:`GROUNDS_FILES` order.
    """
    folder = shared / "osm" / "grounds_landuse_2023"
    frames = []
    report = ReadReport()
    for kind, stem in GROUNDS_FILES.items():
        gdf, rep = read_vector(
            f"/vsigzip/{folder / (stem + '.geojson.gz')}",
            keep="polygon",
            columns=["osm_id", "osm_way_id", "name"],
        )
        report += rep
        gdf["osm_ref"] = osm_ref(gdf)
        gdf["grounds"] = kind
        frames.append(gdf.drop(columns=["osm_id", "osm_way_id"]))
    out = pd.concat(frames, ignore_index=True)
    rank = {k: i for i, k in enumerate(GROUNDS_FILES)}
    out = out.assign(_r=out["grounds"].map(rank)).sort_values(["osm_ref", "_r"])
    out = out.drop_duplicates("osm_ref").drop(columns="_r").reset_index(drop=True)
    out["area_ha"] = shapely.area(out.geometry.values) / M2_PER_HA
    out["vintage"] = VINTAGE
    cols = ["osm_ref", "name", "grounds", "area_ha", "vintage", "geometry"]
    return gpd.GeoDataFrame(out[cols], geometry="geometry", crs=crs.ANALYSIS_CRS), report


def load_grounds() -> gpd.GeoDataFrame:
    """Institutional grounds polygons (EPSG:27700, ``grounds`` kind, ``area_ha`` in ha)."""
    return read_table("grounds")
