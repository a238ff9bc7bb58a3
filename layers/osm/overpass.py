"""Overpass loaders through osmnx: green space, blue space and the walking network of a place.

Every answer is cached on disk in ``paths.cache_dir() / "osmnx"`` (osmnx
``settings.cache_folder`` with ``use_cache=True``), so a repeated query needs no
network. Walkable ways follow osmnx's ``"walk"`` network type, the Overpass
form of :func:`layers.network.walkable` (no motorways, ``foot=no`` or private
access). The frames go through :mod:`layers.osm.convert`, so the result has
the bundle layers' columns (EPSG:27700 metres).

Data: © OpenStreetMap contributors (ODbL 1.0).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import osmnx as ox
import shapely
from shapely.geometry.base import BaseGeometry

from layers import paths
from layers.osm.convert import (
    BLUE_TAGS,
    GREEN_TAGS,
    WAY_TAGS,
    WalkingNetwork,
    area_frame,
    features_to_bluespace,
    features_to_greenspace,
    graph_to_network,
)

#: A place name osmnx can geocode, or a shapely (Multi)Polygon in EPSG:4326.
Place: TypeAlias = str | BaseGeometry

#: Network type of the Overpass walking network (osmnx's pedestrian filter).
NETWORK_TYPE = "walk"


def configure_osmnx(cache_dir: Path | None = None) -> Path:
    """Make osmnx cache every Overpass and Nominatim answer on disk.

    Parameters
    ----------
    cache_dir
        Folder for the cache; default ``paths.cache_dir() / "osmnx"``.

    Returns
    -------
    Path
        The cache folder (created).
    """
    folder = Path(cache_dir) if cache_dir is not None else paths.cache_dir() / "osmnx"
    folder.mkdir(parents=True, exist_ok=True)
    ox.settings.use_cache = True
    ox.settings.cache_folder = folder
    ox.settings.log_console = False
    return folder


def greenspace_from_place(place: Place) -> gpd.GeoDataFrame:
    """Green space of a place from Overpass, classified like the bundle layer.

    Parameters
    ----------
    place
        A place name osmnx can geocode (``"Harrogate, UK"``) or a shapely
        (Multi)Polygon in EPSG:4326 longitude/latitude.

    Returns
    -------
    GeoDataFrame
        EPSG:27700; columns of the ``greenspace`` bundle layer
        (:data:`layers.osm.convert.GREEN_COLUMNS`): ``osm_ref``, ``name``,
        ``osm_key``, ``osm_value``, ``other_tags`` (hstore, with ``access``),
        ``typology``, ``access``, ``public_access``, ``area_ha`` (ha), ``vintage``
        (today, UTC) and ``source_file``.
    """
    configure_osmnx()
    features = _features_from_place(place, GREEN_TAGS)
    return features_to_greenspace(features, vintage=_today(), source=_place_label(place))


def bluespace_from_place(place: Place) -> dict[str, gpd.GeoDataFrame]:
    """Water polygons and waterway lines of a place from Overpass.

    Parameters
    ----------
    place
        A place name or a shapely (Multi)Polygon in EPSG:4326.

    Returns
    -------
    dict
        ``{"blue_water": polygons, "blue_waterways": lines}`` in EPSG:27700 with the
        columns of the bundle layers (``area_ha`` in ha, ``length_m`` in m).
    """
    configure_osmnx()
    features = _features_from_place(place, BLUE_TAGS)
    return features_to_bluespace(features, vintage=_today())


def walking_network_from_place(place: Place) -> WalkingNetwork:
    """The osmnx ``"walk"`` network of a place, in the layout of :mod:`layers.network`.

    Parameters
    ----------
    place
        A place name or a shapely (Multi)Polygon in EPSG:4326.

    Returns
    -------
    WalkingNetwork
        Nodes and edges in EPSG:27700 (lengths in m) and, as ``area``, the
        place's polygon: osmnx truncates the network to it, so the network is
        complete inside it.
    """
    configure_osmnx()
    ox.settings.useful_tags_way = sorted({*ox.settings.useful_tags_way, *WAY_TAGS})
    if isinstance(place, str):
        graph = ox.graph_from_place(
            place, network_type=NETWORK_TYPE, simplify=True, retain_all=True
        )
        boundary = shapely.union_all(ox.geocode_to_gdf(place).geometry.to_numpy())
    else:
        boundary = _lonlat_polygon(place)
        graph = ox.graph_from_polygon(
            boundary, network_type=NETWORK_TYPE, simplify=True, retain_all=True
        )
    area = area_frame(boundary, f"{_place_label(place)} (osmnx walk network)", "Overpass")
    return graph_to_network(graph, area)


def _features_from_place(place: Place, tags: dict[str, Any]) -> gpd.GeoDataFrame:
    if isinstance(place, str):
        return ox.features_from_place(place, tags)
    return ox.features_from_polygon(_lonlat_polygon(place), tags)


def _lonlat_polygon(place: BaseGeometry) -> shapely.Polygon | shapely.MultiPolygon:
    """Check that a geometry is a (Multi)Polygon in lon/lat degrees (EPSG:4326)."""
    if not isinstance(place, shapely.Polygon | shapely.MultiPolygon):
        raise TypeError(f"place must be a name or a shapely (Multi)Polygon, got {place.geom_type}")
    west, south, east, north = place.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValueError(
            "place polygon must be in EPSG:4326 longitude/latitude; its bounds "
            f"{place.bounds} look projected (EPSG:27700?)"
        )
    return place


def _place_label(place: Place) -> str:
    if isinstance(place, str):
        return f"Overpass: {place}"
    west, south, east, north = (round(v, 5) for v in place.bounds)
    return f"Overpass: polygon {west},{south},{east},{north}"


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()
