"""Blue space from OpenStreetMap: water bodies (polygons) and rivers and canals (lines).

Source: © OpenStreetMap contributors (ODbL); water polygons Aug 2023,
waterway lines May 2018 (the newest county-wide lines offline). EPSG:27700.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.sites import M2_PER_HA
from layers._io import ReadReport, hstore_get, id_text, osm_ref, read_vector
from layers.bundle import read_table

#: ``water=*`` → class; untagged ``natural=water`` is ``other``.
WATER_CLASSES = {
    "reservoir": "reservoir",
    "lake": "lake",
    "pond": "pond",
    "river": "river",
    "canal": "canal",
    "oxbow": "lake",
    "lagoon": "lake",
    "basin": "basin",
    "wastewater": "wastewater",
    "reflecting_pool": "pond",
    "moat": "pond",
}
#: Classes that count as blue space people can enjoy (not treatment works or storm basins).
AMENITY_WATER = frozenset({"reservoir", "lake", "pond", "river", "canal", "other"})
#: Waterway types that count as blue space lines.
BLUE_WATERWAYS = frozenset({"river", "canal"})


def build(shared: Path) -> tuple[dict[str, pd.DataFrame], dict[str, ReadReport]]:
    """Build ``blue_water`` (polygons) and ``blue_waterways`` (lines) from raw OSM files.

    Parameters
    ----------
    shared
        The shared-data folder (``../shared/data``, see :mod:`layers.paths`).

    Returns
    -------
    (tables, reports)
        Layer name → GeoDataFrame (EPSG:27700), and layer name → :class:`~layers._io.ReadReport`.
    """
    water, wrep = read_vector(
        shared / "osm" / "greenblue_2023" / "west-yorkshire-natural-water.geojson",
        keep="polygon",
        columns=["osm_id", "osm_way_id", "name", "other_tags"],
    )
    water["osm_ref"] = osm_ref(water)
    tag = hstore_get(water["other_tags"], "water").fillna("").str.lower()
    water["water_class"] = tag.map(WATER_CLASSES).fillna("other")
    water["blue_space"] = water["water_class"].isin(AMENITY_WATER)
    water["area_ha"] = shapely.area(water.geometry.values) / M2_PER_HA
    water["vintage"] = "2023-08"
    water = water.drop(columns=["osm_id", "osm_way_id"]).sort_values("osm_ref")

    ways, lrep = read_vector(
        shared / "osm" / "waterways_2018" / "west-yorkshire-waterways.geojson",
        keep="line",
        columns=["osm_id", "name", "type", "other_tags"],
    )
    ways = ways.rename(columns={"type": "waterway"})
    ways["osm_ref"] = "way/" + id_text(ways["osm_id"])
    ways["blue_space"] = ways["waterway"].isin(BLUE_WATERWAYS)
    ways["length_m"] = shapely.length(ways.geometry.values)
    ways["vintage"] = "2018-05-25"
    ways = ways.drop(columns=["osm_id"]).sort_values("osm_ref")
    return {"blue_water": water, "blue_waterways": ways}, {
        "blue_water": wrep,
        "blue_waterways": lrep,
    }


def load_water() -> gpd.GeoDataFrame:
    """Water polygons: ``osm_ref``, ``name``, ``water_class``, ``blue_space``, ``area_ha``."""
    return read_table("blue_water")


def load_waterways() -> gpd.GeoDataFrame:
    """Waterway lines: ``osm_ref``, ``name``, ``waterway``, ``blue_space``, ``length_m``."""
    return read_table("blue_waterways")


def load_blue_features() -> gpd.GeoDataFrame:
    """Every blue-space feature used for access: amenity water polygons plus rivers and canals.

    Columns: ``osm_ref``, ``name``, ``kind`` (``water_class`` or ``waterway``), ``geometry``.
    """
    water = load_water()
    ways = load_waterways()
    water = water[water["blue_space"]].assign(kind=lambda d: d["water_class"])
    ways = ways[ways["blue_space"]].assign(kind=lambda d: d["waterway"])
    cols = ["osm_ref", "name", "kind", "geometry"]
    return gpd.GeoDataFrame(pd.concat([water[cols], ways[cols]], ignore_index=True), crs=water.crs)
