"""Local OSM files, offline: a Geofabrik / BBBike ``.osm.pbf`` through pyosmium and osmnx.

The file (``.osm.pbf``, ``.osm``, ``.osm.bz2``, … anything libosmium reads) is
filtered with pyosmium into two small OSM XML files in a temporary folder: the
walkable ways (:func:`layers.network.walkable` on their ``highway``, ``foot``
and ``access`` tags, the rule the bundle's Leeds network uses) and the green
and blue features, each completed with the nodes (and member ways) they
reference. osmnx reads them with ``graph_from_xml(simplify=True,
retain_all=True)`` and ``features_from_xml``; :mod:`layers.osm.convert` turns
them into the bundle layouts.

Data: © OpenStreetMap contributors (ODbL 1.0).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import osmnx as ox
import pandas as pd
import shapely

from geo import crs
from layers.network import ENTRANCE_COLUMNS, is_entrance, walkable
from layers.osm.convert import (
    FEATURE_PAIRS,
    FEATURE_TAGS,
    GREEN_TAGS,
    WalkingNetwork,
    area_frame,
    edge_tags_kept,
    features_to_bluespace,
    features_to_greenspace,
    graph_to_network,
    green_sites,
)

#: ``(west, south, east, north)`` in EPSG:4326 degrees.
BBox = tuple[float, float, float, float]


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
    entrances
        OSM entrance and gate nodes (:func:`layers.network.is_entrance`), the
        ``osm_entrances`` layer: ``osm_id``, the tags, Point geometry.
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
    entrances: gpd.GeoDataFrame
    vintage: str
    source: str

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every bundle layer this file can replace, keyed by name (see ``refresh_layer``)."""
        return {
            "greenspace": self.greenspace,
            **green_sites(self.greenspace),
            "blue_water": self.blue_water,
            "blue_waterways": self.blue_waterways,
            **self.network.tables(),
            "osm_entrances": self.entrances,
        }


def from_osm_file(path: Path | str, bbox: BBox | None = None) -> OsmFileLayers:
    """Read the walking network and green and blue space from a local OSM file, offline.

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
    scan = _scan(src, bbox)
    if not scan.walk_ids:
        raise ValueError(f"{src.name}: no walkable highway ways found" + _bbox_note(bbox))
    with tempfile.TemporaryDirectory(prefix="healthyplaces-osm-") as tmp:
        net_xml, feat_xml = Path(tmp) / "walk.osm", Path(tmp) / "features.osm"
        _write_xml(src, net_xml, scan.walk_ids, ())
        with edge_tags_kept():
            graph = ox.graph_from_xml(net_xml, bidirectional=True, simplify=True, retain_all=True)
        features = _empty_features()
        if scan.feature_ways or scan.feature_relations:
            _write_xml(src, feat_xml, scan.feature_ways, scan.feature_relations)
            features = ox.features_from_xml(feat_xml, tags=FEATURE_TAGS)
    vintage = header_time or (scan.newest.date().isoformat() if scan.newest else "unknown")
    box = bbox or header_box
    entrances = _entrances(src, bbox)
    label = f"{src.name} (walkable ways, pyosmium + osmnx)"
    area = None if box is None else area_frame(_box_polygon(box), label, src.name)
    blue = features_to_bluespace(features, vintage=vintage)
    return OsmFileLayers(
        network=graph_to_network(graph, area),
        greenspace=features_to_greenspace(features, vintage=vintage, source=src.name),
        blue_water=blue["blue_water"],
        blue_waterways=blue["blue_waterways"],
        entrances=entrances,
        vintage=vintage,
        source=src.name,
    )


@dataclass
class _Scan:
    walk_ids: list[int]
    feature_ways: list[int]
    feature_relations: list[int]
    newest: dt.datetime | None


def _nodes_inside(src: Path, bbox: BBox) -> osmium.IdTracker:
    """The ids of the file's nodes inside the bbox."""
    west, south, east, north = bbox
    inside = osmium.IdTracker()
    for node in osmium.FileProcessor(str(src), osmium.osm.NODE):
        if not isinstance(node, osmium.osm.Node):
            continue
        loc = node.location
        if loc.valid() and west <= loc.lon <= east and south <= loc.lat <= north:
            inside.add_node(node.id)
    return inside


def _entrances(src: Path, bbox: BBox | None) -> gpd.GeoDataFrame:
    """The file's entrance and gate nodes (inside the bbox, if given), EPSG:27700.

    One pass over the tagged nodes; :func:`layers.network.is_entrance` decides.
    """
    rows: list[tuple[int, str | None, str | None, str | None, str | None, float, float]] = []
    fp = osmium.FileProcessor(str(src), osmium.osm.NODE).with_filter(
        osmium.filter.KeyFilter("entrance", "barrier")
    )
    for node in fp:
        if not isinstance(node, osmium.osm.Node) or not node.location.valid():
            continue
        lon, lat = node.location.lon, node.location.lat
        if bbox is not None and not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
            continue
        t = node.tags
        rows.append(
            (node.id, t.get("entrance"), t.get("barrier"), t.get("access"), t.get("foot"), lon, lat)
        )
    table = pd.DataFrame(rows, columns=[*ENTRANCE_COLUMNS, "lon", "lat"])
    table = table[is_entrance(table)] if len(table) else table
    points = gpd.GeoDataFrame(
        table[ENTRANCE_COLUMNS].reset_index(drop=True),
        geometry=gpd.points_from_xy(table["lon"], table["lat"]),
        crs="EPSG:4326",
    )
    return points.to_crs(crs.ANALYSIS_CRS)


def _scan(src: Path, bbox: BBox | None) -> _Scan:
    """One pass over the ways and relations (two with a bbox): what to write where."""
    inside = None if bbox is None else _nodes_inside(src, bbox)
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


def _is_feature(tags: osmium.osm.TagList) -> bool:
    """Whether an OSM tag list makes a green or blue feature (or a waterway)."""
    if "waterway" in tags:
        return True
    return any((key, tags.get(key)) in FEATURE_PAIRS for key in GREEN_TAGS)


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


def _header(src: Path) -> tuple[BBox | None, str | None]:
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


def _check_bbox(bbox: BBox) -> None:
    west, south, east, north = bbox
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(
            f"bbox must be (west, south, east, north) in EPSG:4326 degrees, got {bbox}"
        )


def _bbox_note(bbox: BBox | None) -> str:
    return "" if bbox is None else f" within bbox {bbox}"


def _empty_features() -> gpd.GeoDataFrame:
    index = pd.MultiIndex.from_arrays([[], []], names=["element", "id"])
    return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326", index=index))


def _box_polygon(box: BBox) -> shapely.Polygon:
    """A lon/lat box as a polygon with densified edges (so it projects faithfully)."""
    return shapely.segmentize(shapely.box(*box), max_segment_length=0.001)
