"""Online and local-file loaders: the full walking network and green and blue space, anywhere.

The embedded bundle has a complete walking network only for central Leeds. A
user *with internet* fills that gap here, either from Overpass through osmnx
(:func:`walking_network_from_place`, :func:`greenspace_from_place`,
:func:`bluespace_from_place`) or from a downloaded Geofabrik / BBBike
``.osm.pbf`` file, offline (:func:`from_osm_file`). Every loader returns the
same columns as the offline layers (EPSG:27700 metres), so ``geo`` and
:mod:`geo.network.routing` consume them unchanged, and :func:`layers.build.refresh_layer` can swap
one into the bundle (:func:`layers.build.refresh_layer`).

* Overpass results are cached in ``paths.cache_dir() / "osmnx"`` (osmnx
  ``settings.cache_folder`` with ``use_cache=True``): a repeated query needs
  no network.
* Walkable ways follow :func:`layers.network.walkable` for files, and the
  osmnx ``"walk"`` network type for Overpass (the same intent: no motorways,
  ``foot=no`` or private access).
* DEFRA and ONS files by URL: :func:`layers.download.fetch_url`.

Data: © OpenStreetMap contributors (ODbL 1.0).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import geopandas as gpd
import numpy as np
import osmium
import osmnx as ox
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import crs
from geo.sites import M2_PER_HA, merge_sites
from layers import paths
from layers._io import repair
from layers.bluespace import AMENITY_WATER, BLUE_WATERWAYS, WATER_CLASSES
from layers.greenspace import TAG_TYPOLOGY, _dedupe, classify
from layers.network import walkable

if TYPE_CHECKING:
    import networkx as nx

#: Overpass / osmnx tag query for green space: every (key, value) of ``TAG_TYPOLOGY``.
GREEN_TAGS: dict[str, list[str]] = {}
for _key, _value in TAG_TYPOLOGY:
    GREEN_TAGS.setdefault(_key, []).append(_value)
#: Tag query for blue space: water bodies and every waterway line.
BLUE_TAGS: dict[str, bool | str | list[str]] = {"natural": ["water"], "waterway": True}
#: Both, for one pass over a local file (``natural`` holds the green values and ``water``).
FEATURE_TAGS: dict[str, bool | str | list[str]] = {
    **GREEN_TAGS,
    "natural": [*GREEN_TAGS["natural"], "water"],
    "waterway": True,
}

#: Network type of the Overpass walking network (osmnx's pedestrian filter).
NETWORK_TYPE = "walk"

_POLYGONS = ("Polygon", "MultiPolygon")
_LINES = ("LineString", "MultiLineString")
_FEATURE_PAIRS = frozenset(TAG_TYPOLOGY) | {("natural", "water")}

GREEN_COLUMNS = [
    "name", "other_tags", "geometry", "osm_ref", "osm_key", "osm_value", "vintage",
    "source_file", "typology", "access", "public_access", "area_ha",
]  # fmt: skip
WATER_COLUMNS = [
    "name", "other_tags", "geometry", "osm_ref", "water_class", "blue_space", "area_ha", "vintage",
]  # fmt: skip
WATERWAY_COLUMNS = [
    "name", "waterway", "other_tags", "geometry", "osm_ref", "blue_space", "length_m", "vintage",
]  # fmt: skip

#: A place name osmnx can geocode, or a shapely (Multi)Polygon in EPSG:4326.
Place: TypeAlias = str | BaseGeometry


@dataclass(frozen=True)
class WalkingNetwork:
    """A walking network in the layout of :mod:`layers.network` (EPSG:27700, metres).

    Attributes
    ----------
    nodes
        Indexed by ``osmid`` (OSM node id) with ``x``, ``y`` (m), ``geometry`` and
        ``street_count``.
    edges
        Indexed by ``(u, v, key)``, each undirected edge once, with ``osmid``,
        ``highway``, ``name`` (strings; an edge simplified from several ways joins
        their sorted distinct values with ``;``), ``length`` (planar metres in
        EPSG:27700, as offline), ``oneway``/``reversed`` (False) and ``geometry``.
    area
        One polygon (``name``, ``source``, ``geometry``): where the network is complete.
    """

    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame
    area: gpd.GeoDataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The bundle layers ``network_nodes``, ``network_edges`` and ``network_area``."""
        return {
            "network_nodes": self.nodes.reset_index(),
            "network_edges": self.edges.reset_index(),
            "network_area": self.area,
        }


@dataclass(frozen=True)
class OsmFileLayers:
    """What :func:`from_osm_file` reads from one OSM file (all EPSG:27700).

    Attributes
    ----------
    network
        The walking network and the polygon where it is complete.
    greenspace
        Classified green polygons, columns as the ``greenspace`` bundle layer.
    blue_water, blue_waterways
        Water polygons and waterway lines, columns as the bundle layers.
    vintage
        ``YYYY-MM-DD``: the header's replication timestamp, else the newest way
        or relation edit in the file (a lower bound of the snapshot date).
    source
        The file name.
    """

    network: WalkingNetwork
    greenspace: gpd.GeoDataFrame
    blue_water: gpd.GeoDataFrame
    blue_waterways: gpd.GeoDataFrame
    vintage: str
    source: str

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every bundle layer this file can replace, keyed by name (see :func:`refresh_layer`)."""
        return {
            "greenspace": self.greenspace,
            "greenspace_sites": green_sites(self.greenspace),
            "blue_water": self.blue_water,
            "blue_waterways": self.blue_waterways,
            **self.network.tables(),
        }


# --- osmnx configuration ---------------------------------------------------------------


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


# --- Online (Overpass) loaders ---------------------------------------------------------


def greenspace_from_place(place: Place) -> gpd.GeoDataFrame:
    """Green space of a place from Overpass, classified like the offline layer.

    Parameters
    ----------
    place
        A place name osmnx can geocode (``"Harrogate, UK"``) or a shapely
        (Multi)Polygon in EPSG:4326 longitude/latitude.

    Returns
    -------
    GeoDataFrame
        EPSG:27700; columns of the ``greenspace`` bundle layer (:data:`GREEN_COLUMNS`):
        ``osm_ref``, ``name``, ``osm_key``, ``osm_value``, ``other_tags`` (hstore,
        with ``access``), ``typology``, ``access``, ``public_access``, ``area_ha``
        (ha), ``vintage`` (today, UTC) and ``source_file``.
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
    area = _area_frame(boundary, f"{_place_label(place)} (osmnx walk network)", "Overpass")
    return graph_to_network(graph, area)


def _features_from_place(place: Place, tags: dict[str, Any]) -> gpd.GeoDataFrame:
    if isinstance(place, str):
        return ox.features_from_place(place, tags)
    return ox.features_from_polygon(_lonlat_polygon(place), tags)


# --- Local OSM files (offline) ---------------------------------------------------------


def from_osm_file(
    path: Path | str, bbox: tuple[float, float, float, float] | None = None
) -> OsmFileLayers:
    """Read the walking network and green and blue space from a local OSM file, offline.

    The file (``.osm.pbf``, ``.osm``, ``.osm.bz2``, … anything libosmium reads)
    is filtered with pyosmium into two small OSM XML files in a temporary
    folder, one with the walkable ways (:func:`layers.network.walkable` on their
    ``highway``, ``foot`` and ``access`` tags) and one with the green and blue
    features, each completed with the nodes (and member ways) they reference.
    osmnx then reads them with ``graph_from_xml(simplify=True, retain_all=True)``
    and ``features_from_xml``.

    Parameters
    ----------
    path
        The OSM file. It must be reference-complete (Geofabrik, BBBike and
        ``osmium extract`` files are).
    bbox
        Optional ``(west, south, east, north)`` in EPSG:4326 degrees: keep only
        ways (and multipolygons) with at least one node inside it, whole.

    Returns
    -------
    OsmFileLayers
        All in EPSG:27700. ``network.area`` is the bbox if given (ways that
        touch it are kept whole, so the network is complete inside it); else the
        file header's bounding box (for a Geofabrik extract, the box round its
        polygon: complete only inside that polygon); else, when the file
        records no box (``osmconvert`` cut-outs), the convex hull of the
        network's nodes. Pass a bbox when the true cut line matters.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the bbox is malformed or the file holds no walkable way.
    """
    src = Path(path)
    if not src.exists():
        raise FileNotFoundError(f"OSM file not found: {src}")
    if bbox is not None:
        _check_bbox(bbox)
    header_box, header_time = _header(src)
    with tempfile.TemporaryDirectory(prefix="healthyplaces-osm-") as tmp:
        net_xml, feat_xml = Path(tmp) / "walk.osm", Path(tmp) / "features.osm"
        scan = _scan(src, bbox)
        if not scan.walk_ids:
            raise ValueError(f"{src.name}: no walkable highway ways found" + _bbox_note(bbox))
        _write_xml(src, net_xml, scan.walk_ids, ())
        graph = ox.graph_from_xml(net_xml, bidirectional=True, simplify=True, retain_all=True)
        features = _empty_features()
        if scan.feature_ways or scan.feature_relations:
            _write_xml(src, feat_xml, scan.feature_ways, scan.feature_relations)
            features = ox.features_from_xml(feat_xml, tags=FEATURE_TAGS)
    vintage = header_time or (scan.newest.date().isoformat() if scan.newest else "unknown")
    box = bbox or header_box
    boundary = None if box is None else _box_polygon(box)
    label = f"{src.name} (walkable ways, pyosmium + osmnx)"
    area = None if boundary is None else _area_frame(boundary, label, src.name)
    network = graph_to_network(graph, area)
    blue = features_to_bluespace(features, vintage=vintage)
    return OsmFileLayers(
        network=network,
        greenspace=features_to_greenspace(features, vintage=vintage, source=src.name),
        blue_water=blue["blue_water"],
        blue_waterways=blue["blue_waterways"],
        vintage=vintage,
        source=src.name,
    )


@dataclass
class _Scan:
    walk_ids: list[int]
    feature_ways: list[int]
    feature_relations: list[int]
    newest: dt.datetime | None


def _scan(src: Path, bbox: tuple[float, float, float, float] | None) -> _Scan:
    """One pass over the ways and relations (two with a bbox): what to write where."""
    inside: osmium.IdTracker | None = None
    if bbox is not None:
        west, south, east, north = bbox
        inside = osmium.IdTracker()
        for node in osmium.FileProcessor(str(src), osmium.osm.NODE):
            if not isinstance(node, osmium.osm.Node):
                continue
            loc = node.location
            if loc.valid() and west <= loc.lon <= east and south <= loc.lat <= north:
                inside.add_node(node.id)
    touching = osmium.IdTracker()
    highway: list[tuple[int, str, str | None, str | None]] = []
    ways: list[int] = []
    relations: list[int] = []
    newest: dt.datetime | None = None
    for obj in osmium.FileProcessor(str(src), osmium.osm.WAY | osmium.osm.RELATION):
        if not isinstance(obj, osmium.osm.Way | osmium.osm.Relation):
            continue
        ts = obj.timestamp
        if ts is not None and ts.year > 1970 and (newest is None or ts > newest):
            newest = ts
        tags = obj.tags
        if isinstance(obj, osmium.osm.Way):
            if inside is not None and not inside.contains_any_references(obj):
                continue
            touching.add_way(obj.id)
            if "highway" in tags:
                highway.append((obj.id, tags["highway"], tags.get("foot"), tags.get("access")))
            if _is_feature(tags):
                ways.append(obj.id)
        elif _is_feature(tags) and (inside is None or touching.contains_any_references(obj)):
            relations.append(obj.id)
    table = pd.DataFrame(highway, columns=["osm_id", "highway", "foot", "access"])
    walk = table["osm_id"].to_numpy()[walkable(table)] if len(table) else np.empty(0, np.int64)
    return _Scan([int(i) for i in walk], ways, relations, newest)


def _is_feature(tags: Any) -> bool:
    """Whether an OSM tag list makes a green or blue feature (or a waterway)."""
    if "waterway" in tags:
        return True
    return any((key, tags.get(key)) in _FEATURE_PAIRS for key in GREEN_TAGS)


def _write_xml(src: Path, out: Path, way_ids: Iterable[int], relation_ids: Iterable[int]) -> None:
    """Write the chosen ways and relations as OSM XML, with every object they reference."""
    wanted = osmium.IdTracker()
    for i in way_ids:
        wanted.add_way(i)
    for i in relation_ids:
        wanted.add_relation(i)
    entities = osmium.osm.WAY | osmium.osm.RELATION
    with osmium.BackReferenceWriter(str(out), ref_src=str(src), overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(src), entities).with_filter(wanted.id_filter()):
            writer.add(obj)


def _header(src: Path) -> tuple[tuple[float, float, float, float] | None, str | None]:
    """The header's bounding box (west, south, east, north) and replication date, if any."""
    reader = osmium.io.Reader(str(src), osmium.osm.NOTHING)
    try:
        header = reader.header()
        box = header.box()
        stamp = header.get("osmosis_replication_timestamp") or header.get("timestamp")
    finally:
        reader.close()
    bounds = None
    if box.valid():
        bl, tr = box.bottom_left, box.top_right
        bounds = (bl.lon, bl.lat, tr.lon, tr.lat)
    return bounds, (stamp[:10] if stamp else None)


def _check_bbox(bbox: tuple[float, float, float, float]) -> None:
    west, south, east, north = bbox
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(
            f"bbox must be (west, south, east, north) in EPSG:4326 degrees, got {bbox}"
        )


def _bbox_note(bbox: tuple[float, float, float, float] | None) -> str:
    return "" if bbox is None else f" within bbox {bbox}"


def _empty_features() -> gpd.GeoDataFrame:
    index = pd.MultiIndex.from_arrays([[], []], names=["element", "id"])
    return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326", index=index))


# --- Conversions to the bundle layouts -------------------------------------------------


def features_to_greenspace(
    features: gpd.GeoDataFrame, *, vintage: str, source: str
) -> gpd.GeoDataFrame:
    """osmnx features (index ``(element, id)``, tag columns, EPSG:4326) → the ``greenspace`` layout.

    One row per OSM object and matching (key, value) of ``TAG_TYPOLOGY``, then
    :func:`layers.greenspace.classify` and the offline de-duplication (an
    object with several green tags keeps its top-priority typology). Only
    (multi)polygons are kept, repaired with ``make_valid``; ``area_ha`` is in
    hectares in EPSG:27700.
    """
    rows = []
    for key, value in TAG_TYPOLOGY:
        if key not in features.columns:
            continue
        hit = features[(features[key] == value).to_numpy()]
        if len(hit):
            rows.append(_tagged(hit, key).assign(osm_key=key, osm_value=value))
    if not rows:
        return _empty(GREEN_COLUMNS)
    out = _polygons(pd.concat(rows, ignore_index=True))
    out["vintage"] = vintage
    out["source_file"] = source
    out = _dedupe(classify(out))
    out["area_ha"] = shapely.area(out.geometry.to_numpy()) / M2_PER_HA
    out = out.sort_values(["osm_ref", "osm_key", "osm_value"])
    return out[GREEN_COLUMNS].reset_index(drop=True)


def features_to_bluespace(
    features: gpd.GeoDataFrame, *, vintage: str
) -> dict[str, gpd.GeoDataFrame]:
    """osmnx features → ``{"blue_water": polygons, "blue_waterways": lines}`` (EPSG:27700).

    Water: ``natural=water`` (multi)polygons, ``water_class`` from the ``water``
    tag (:data:`layers.bluespace.WATER_CLASSES`, else ``other``), ``area_ha``.
    Waterways: ``waterway=*`` lines, ``blue_space`` for rivers and canals, ``length_m``.
    """
    water = _empty(WATER_COLUMNS)
    if "natural" in features.columns:
        hit = features[(features["natural"] == "water").to_numpy()]
        if len(hit):
            water = _polygons(_tagged(hit, "natural"))
            kind = (
                hit["water"].fillna("").str.lower().to_numpy()
                if "water" in hit
                else np.full(len(hit), "")
            )
            classes = pd.Series(kind, index=hit.index).map(WATER_CLASSES).fillna("other")
            water["water_class"] = classes.to_numpy()[water.pop("_row").to_numpy()]
            water["blue_space"] = water["water_class"].isin(AMENITY_WATER)
            water["area_ha"] = shapely.area(water.geometry.to_numpy()) / M2_PER_HA
            water["vintage"] = vintage
            water = water.sort_values("osm_ref")[WATER_COLUMNS].reset_index(drop=True)
    ways = _empty(WATERWAY_COLUMNS)
    if "waterway" in features.columns:
        hit = features[features["waterway"].notna().to_numpy()]
        hit = hit[hit.geom_type.isin(_LINES).to_numpy()]
        if len(hit):
            ways = _tagged(hit, "waterway").to_crs(crs.ANALYSIS_CRS)
            ways["waterway"] = hit["waterway"].to_numpy()
            ways["blue_space"] = ways["waterway"].isin(BLUE_WATERWAYS)
            ways["length_m"] = shapely.length(ways.geometry.to_numpy())
            ways["vintage"] = vintage
            ways = ways.sort_values("osm_ref")[WATERWAY_COLUMNS].reset_index(drop=True)
    return {"blue_water": water, "blue_waterways": ways}


def _tagged(hit: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    """``osm_ref``, ``name``, ``other_tags`` (hstore without ``name`` and ``key``), geometry."""
    tag_cols = [c for c in hit.columns if c != "geometry"]
    records = hit[tag_cols].to_dict(orient="records")
    refs = [f"{element}/{osm_id}" for element, osm_id in hit.index]
    names = hit["name"].to_numpy() if "name" in hit else np.full(len(hit), None)
    return gpd.GeoDataFrame(
        {
            "name": [n if isinstance(n, str) else None for n in names],
            "other_tags": [_hstore(r, skip={"name", key}) for r in records],
            "osm_ref": refs,
            "_row": np.arange(len(hit)),
        },
        geometry=hit.geometry.to_numpy(),
        crs=hit.crs,
    )


def _hstore(tags: dict[str, Any], skip: set[str]) -> str | None:
    """OSM tags as an ogr2ogr-style hstore string (``"k"=>"v","k2"=>"v2"``), keys sorted."""
    pairs = [
        f'"{_escape(k)}"=>"{_escape(v)}"'
        for k, v in sorted(tags.items())
        if k not in skip and isinstance(v, str)
    ]
    return ",".join(pairs) or None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _polygons(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep (multi)polygons, project to EPSG:27700 and repair them."""
    frame = frame[frame.geom_type.isin(_POLYGONS).to_numpy()].to_crs(crs.ANALYSIS_CRS)
    frame, _ = repair(frame, keep="polygon")
    ok = ~(frame.geometry.is_empty | frame.geometry.isna()) & frame.geom_type.isin(_POLYGONS)
    return frame[ok.to_numpy()].reset_index(drop=True)


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    data = {c: pd.Series(dtype=object) for c in columns if c != "geometry"}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=crs.ANALYSIS_CRS))[columns]


def green_sites(greenspace: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The ``greenspace_sites`` layer: publicly accessible features merged into sites."""
    accessible = greenspace[greenspace["public_access"].astype(bool).to_numpy()]
    if accessible.empty:
        cols = ["site_id", "area_ha", "typology", "types", "name", "n_features", "geometry"]
        return _empty(cols)
    return merge_sites(accessible)


def graph_to_network(graph: nx.MultiDiGraph, area: gpd.GeoDataFrame | None) -> WalkingNetwork:
    """An osmnx graph (EPSG:4326) → :class:`WalkingNetwork` in EPSG:27700.

    The graph is made undirected (each street once), projected, and its edge
    attributes flattened to strings. ``area`` defaults to the convex hull of the
    nodes.
    """
    if graph.number_of_edges() == 0:
        raise ValueError("the OSM data holds no walkable street")
    undirected = ox.convert.to_undirected(graph)
    nodes, edges = ox.graph_to_gdfs(undirected, fill_edge_geometry=True)
    nodes = nodes.to_crs(crs.ANALYSIS_CRS)
    nodes["x"] = nodes.geometry.x
    nodes["y"] = nodes.geometry.y
    edges = edges.to_crs(crs.ANALYSIS_CRS)
    out = gpd.GeoDataFrame(
        {
            "osmid": [_joined(v) for v in edges["osmid"]],
            "highway": [_joined(v) for v in edges["highway"]],
            "name": [_joined(v) for v in _column(edges, "name")],
            "length": shapely.length(edges.geometry.to_numpy()),
            "oneway": False,
            "reversed": False,
        },
        geometry=edges.geometry.to_numpy(),
        crs=crs.ANALYSIS_CRS,
        index=edges.index,
    )
    ids = nodes.index.to_numpy()
    ends = np.r_[edges.index.get_level_values(0), edges.index.get_level_values(1)]
    degree = pd.Series(ends).value_counts().reindex(ids, fill_value=0)
    nodes = gpd.GeoDataFrame(
        {"x": nodes["x"].to_numpy(), "y": nodes["y"].to_numpy()},
        geometry=nodes.geometry.to_numpy(),
        crs=crs.ANALYSIS_CRS,
        index=pd.Index(ids, name="osmid"),
    )
    nodes["street_count"] = degree.to_numpy().astype(np.int64)
    if area is None:
        hull = shapely.convex_hull(shapely.multipoints(nodes.geometry.to_numpy()))
        area = gpd.GeoDataFrame(
            {"name": ["Convex hull of the network (extract boundary unknown)"], "source": [""]},
            geometry=[hull],
            crs=crs.ANALYSIS_CRS,
        )
    return WalkingNetwork(nodes=nodes, edges=out, area=area)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series([None] * len(frame), index=frame.index)


def _joined(value: Any) -> str | None:
    """A scalar or an osmnx list attribute as one string (``;``-joined sorted distinct values)."""
    if isinstance(value, list | tuple | set):
        items = sorted({str(v) for v in value if v is not None})
        return ";".join(items) if items else None
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value)


# --- Geometry helpers -----------------------------------------------------------------


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


def _box_polygon(box: tuple[float, float, float, float]) -> shapely.Polygon:
    """A lon/lat box as a polygon with densified edges (so it projects faithfully)."""
    return shapely.segmentize(shapely.box(*box), max_segment_length=0.001)


def _area_frame(boundary: BaseGeometry, name: str, source: str) -> gpd.GeoDataFrame:
    """The network-area layer: one polygon in EPSG:27700."""
    return gpd.GeoDataFrame(
        {"name": [name], "source": [source]}, geometry=[boundary], crs="EPSG:4326"
    ).to_crs(crs.ANALYSIS_CRS)


def _place_label(place: Place) -> str:
    if isinstance(place, str):
        return f"Overpass: {place}"
    west, south, east, north = (round(v, 5) for v in place.bounds)
    return f"Overpass: polygon {west},{south},{east},{north}"


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()
