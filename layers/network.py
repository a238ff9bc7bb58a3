"""The walking network: the complete OSM line network round Leeds city centre (2022), offline.

Source: © OpenStreetMap contributors (ODbL): every OSM way with a ``highway``
tag meeting a 6.5 km circle round Leeds city centre (BBBike extract, 2022).
Outside that circle the offline network is *not* complete, so
:func:`load_network_area` is kept with it and every network result must be
confined to it.

The tables are osmnx-compatible: ``nodes`` indexed by ``osmid`` with ``x``,
``y`` (EPSG:27700 metres) and ``geometry``; ``edges`` indexed by ``(u, v, key)``
with ``osmid``, ``highway``, ``name``, ``length`` (metres) and ``geometry``,
so ``osmnx.graph_from_gdfs(nodes, edges)`` rebuilds the graph. Each way is
split at every vertex it shares with another way (OSM junctions) and at its
ends; a walking network is undirected, so each edge is stored once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from numpy.typing import NDArray

from geo import crs
from layers._io import ReadReport, read_vector
from layers.bundle import read_table
from layers.catalogue import OFFLINE_NETWORK_PLACE

NETWORK_FILE = "osm/leeds_centre_network_2022/leeds_centre_6p5km_osm_lines_2022.gpkg.gz"
NETWORK_VINTAGE = "2022"
#: The complete offline network: all OSM lines meeting this circle (WGS 84 lon, lat; m).
LEEDS_NETWORK_CENTRE_LONLAT = (-1.548567, 53.801277)
LEEDS_NETWORK_RADIUS_M = 6_500.0

#: ``highway`` values a pedestrian may not use, or that are not built yet.
NOT_WALKABLE = frozenset(
    {
        "motorway",
        "motorway_link",
        "no",
        "bus_guideway",
        "busway",
        "raceway",
        "abandoned",
        "disused",
        "platform",
    }
)
#: ``highway`` values of ways not built yet: walkable only when ``foot`` says so
#: (:data:`FOOT_OPEN`), as Boar Lane and Park Row are (OSM ways 317869144, 377290955:
#: ``highway=construction`` + ``foot=yes`` while the carriageway is rebuilt).
UNBUILT = frozenset({"construction", "proposed"})
FOOT_OPEN = frozenset({"yes", "designated"})
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive", "official"})
#: ``foot`` values that forbid walking (``foot=private``: the owner's permission only).
FOOT_DENIED = frozenset({"no", "private"})
ACCESS_DENIED = frozenset({"private", "no"})
#: Fast roads that are legal but unpleasant on foot where ``sidewalk=no|none``.
TRUNK = frozenset({"trunk", "trunk_link"})
NO_SIDEWALK = frozenset({"no", "none"})
#: Way tags kept on every edge (strings; missing = untagged).
EDGE_TAGS = ("lit", "sidewalk")
#: Margin inside the 6.5 km circle, m: BNG's scale factor (~0.9996 here) and rounding.
_AREA_MARGIN_M = 25.0

#: ``barrier`` values of an OSM node that is a way through a site boundary: gates and
#: stiles, and ``barrier=entrance`` (a gap in a wall or fence). Bollards, blocks and
#: kerbs also sit on paths but say nothing about a boundary, so they are not entrances.
ENTRANCE_BARRIERS = frozenset(
    {
        "entrance",
        "gate",
        "kissing_gate",
        "swing_gate",
        "lift_gate",
        "wicket_gate",
        "hampshire_gate",
        "stile",
        "turnstile",
        "full-height_turnstile",
    }
)
#: ``entrance`` values that are no way in (an emergency exit, a door only out).
NOT_ENTRANCE = frozenset({"no", "emergency", "exit"})
#: Columns of the ``osm_entrances`` layer (besides ``geometry``, EPSG:27700 Points).
ENTRANCE_COLUMNS = ["osm_id", "entrance", "barrier", "access", "foot"]


def walkable(ways: pd.DataFrame) -> NDArray[np.bool_]:
    """Boolean mask of OSM ways a pedestrian may use.

    Drops motorways and bus-only ways (:data:`NOT_WALKABLE`), ``foot=no|private``
    (:data:`FOOT_DENIED`), ``access=private|no`` unless ``foot`` explicitly allows
    walking, and ways under construction or proposed (:data:`UNBUILT`) unless
    tagged ``foot=yes|designated`` (:data:`FOOT_OPEN`).

    Parameters
    ----------
    ways
        OSM ways with ``highway``, ``foot`` and ``access`` tag columns (missing = untagged).

    Returns
    -------
    numpy.ndarray of bool
        True for each walkable way, in row order.
    """
    highway = ways["highway"].fillna("").str.lower()
    foot = ways["foot"].fillna("").str.lower()
    access = ways["access"].fillna("").str.lower()
    ok = highway.ne("") & ~highway.isin(NOT_WALKABLE) & ~foot.isin(FOOT_DENIED)
    ok &= ~(access.isin(ACCESS_DENIED) & ~foot.isin(FOOT_ALLOWED))
    ok &= ~(highway.isin(UNBUILT) & ~foot.isin(FOOT_OPEN))
    mask: NDArray[np.bool_] = ok.to_numpy()
    return mask


def is_entrance(nodes: pd.DataFrame) -> NDArray[np.bool_]:
    """Boolean mask of OSM nodes that are a way into a site on foot.

    ``entrance=*`` (but not :data:`NOT_ENTRANCE`) or a gate-like ``barrier``
    (:data:`ENTRANCE_BARRIERS`), and not closed to walkers: ``foot=no|private``,
    or ``access=private|no`` unless ``foot`` allows walking (the rule of
    :func:`walkable`).

    Parameters
    ----------
    nodes
        OSM nodes with ``entrance``, ``barrier``, ``access`` and ``foot`` tag columns
        (missing = untagged).

    Returns
    -------
    numpy.ndarray of bool
        True for each entrance, in row order.
    """
    entrance, barrier = _tag(nodes, "entrance"), _tag(nodes, "barrier")
    access, foot = _tag(nodes, "access"), _tag(nodes, "foot")
    ok = (entrance.ne("") & ~entrance.isin(NOT_ENTRANCE)) | barrier.isin(ENTRANCE_BARRIERS)
    ok &= ~foot.isin(FOOT_DENIED) & ~(access.isin(ACCESS_DENIED) & ~foot.isin(FOOT_ALLOWED))
    mask: NDArray[np.bool_] = ok.to_numpy()
    return mask


def no_entrances() -> gpd.GeoDataFrame:
    """An empty ``osm_entrances`` layer (for sources that carry no OSM nodes)."""
    return gpd.GeoDataFrame(
        {c: pd.Series([], dtype="int64" if c == "osm_id" else "object") for c in ENTRANCE_COLUMNS},
        geometry=gpd.GeoSeries([], crs=crs.ANALYSIS_CRS),
        crs=crs.ANALYSIS_CRS,
    )


def comfortable(ways: pd.DataFrame) -> NDArray[np.bool_]:
    """False for trunk roads tagged ``sidewalk=no|none``: walkable, but not comfortably.

    Such roads stay in the network (walking on them is legal in England) but
    the "comfortable walking" variant (:func:`geo.network.routing.WalkGraph.without`)
    drops them; e.g. Ingram Distributor (OSM way 2447535) and Dewsbury Road (4373643).

    Parameters
    ----------
    ways
        OSM ways with ``highway`` and (optionally) ``sidewalk`` tag columns.

    Returns
    -------
    numpy.ndarray of bool
        True for each way a pedestrian can walk comfortably, in row order.
    """
    highway = ways["highway"].fillna("").str.lower()
    sidewalk = _tag(ways, "sidewalk")
    flag: NDArray[np.bool_] = ~(highway.isin(TRUNK) & sidewalk.isin(NO_SIDEWALK)).to_numpy()
    return flag


def _tag(ways: pd.DataFrame, key: str) -> pd.Series:
    """A tag column as lower-case strings, "" where missing (or the column is)."""
    if key not in ways:
        return pd.Series("", index=ways.index)
    return ways[key].fillna("").astype(str).str.lower()


def graph_from_lines(ways: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Split OSM ways at junctions into osmnx-compatible node and edge tables.

    Parameters
    ----------
    ways
        LineStrings in EPSG:27700 with ``osm_id``, ``highway``, ``name`` and
        optionally ``lit``, ``sidewalk`` (:data:`EDGE_TAGS`, copied to the edges
        with a ``comfortable`` flag from :func:`comfortable`). Vertices
        shared between ways must be identical, as they are for OSM nodes
        (projection is deterministic, so shared lon/lat stay shared).

    Returns
    -------
    (nodes, edges)
        In EPSG:27700. Node ids are 0..n-1 in coordinate order; ``length`` is in
        metres. A vertex becomes a node where it ends a way or is shared by
        two or more way-vertices.
    """
    if ways.crs is None or not ways.crs.equals(crs.ANALYSIS_CRS):
        raise ValueError(f"graph_from_lines needs {crs.ANALYSIS_CRS} lines, got {ways.crs}")
    geoms = ways.geometry.values
    coords, way_of = shapely.get_coordinates(geoms, return_index=True)
    uniq, inverse, counts = np.unique(coords, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    n_vert = len(coords)
    first = np.r_[True, way_of[1:] != way_of[:-1]]
    last = np.r_[way_of[1:] != way_of[:-1], True]
    is_node = (counts[inverse] >= 2) | first | last

    seg_start = np.flatnonzero(~last)  # vertex k starts a segment to k+1
    piece_of_seg = np.cumsum(is_node[seg_start]) - 1
    n_pieces = int(piece_of_seg[-1]) + 1 if len(piece_of_seg) else 0
    piece_last_seg = np.r_[
        np.flatnonzero(piece_of_seg[1:] != piece_of_seg[:-1]), len(seg_start) - 1
    ]
    piece_first_vertex = seg_start[np.r_[0, piece_last_seg[:-1] + 1]]
    piece_end_vertex = seg_start[piece_last_seg] + 1

    vidx = np.r_[seg_start, piece_end_vertex]
    vpiece = np.r_[piece_of_seg, np.arange(n_pieces)]
    order = np.lexsort((vidx, vpiece))
    vidx, vpiece = vidx[order], vpiece[order]

    proj = uniq
    lines = shapely.linestrings(proj[inverse[vidx]], indices=vpiece)

    node_vertices = np.unique(inverse[is_node[:n_vert]])
    node_id = np.full(len(uniq), -1, dtype=np.int64)
    node_id[node_vertices] = np.arange(len(node_vertices))
    u = node_id[inverse[piece_first_vertex]]
    v = node_id[inverse[piece_end_vertex]]
    way_rows = way_of[piece_first_vertex]

    nodes = gpd.GeoDataFrame(
        {
            "osmid": np.arange(len(node_vertices)),
            "x": proj[node_vertices, 0],
            "y": proj[node_vertices, 1],
        },
        geometry=shapely.points(proj[node_vertices]),
        crs=crs.ANALYSIS_CRS,
    ).set_index("osmid")
    edges = gpd.GeoDataFrame(
        {
            "u": u,
            "v": v,
            "osmid": ways["osm_id"].to_numpy()[way_rows],
            "highway": ways["highway"].to_numpy()[way_rows],
            "name": ways["name"].to_numpy()[way_rows],
            "length": shapely.length(lines),
            "oneway": False,
            "reversed": False,
            **{t: _tag(ways, t).to_numpy()[way_rows] for t in EDGE_TAGS},
            "comfortable": comfortable(ways)[way_rows],
        },
        geometry=lines,
        crs=crs.ANALYSIS_CRS,
    )
    edges["key"] = edges.groupby(["u", "v"]).cumcount()
    edges = edges.set_index(["u", "v", "key"])
    degree = np.bincount(np.r_[u, v], minlength=len(nodes))
    nodes["street_count"] = degree
    return nodes, edges


def network_area() -> gpd.GeoDataFrame:
    """The area where the offline network is complete: the 6.5 km circle, EPSG:27700."""
    lon, lat = LEEDS_NETWORK_CENTRE_LONLAT
    x, y = pyproj.Transformer.from_crs("EPSG:4326", crs.ANALYSIS_CRS, always_xy=True).transform(
        lon, lat
    )
    circle = shapely.Point(x, y).buffer(LEEDS_NETWORK_RADIUS_M - _AREA_MARGIN_M, quad_segs=64)
    return gpd.GeoDataFrame(
        {
            "name": [f"{_sentence_case(OFFLINE_NETWORK_PLACE)} (complete OSM network, 2022)"],
            "vintage": [NETWORK_VINTAGE],
            "place": [OFFLINE_NETWORK_PLACE],
            "centre_x": [x],
            "centre_y": [y],
            "radius_m": [LEEDS_NETWORK_RADIUS_M - _AREA_MARGIN_M],
        },
        geometry=[circle],
        crs=crs.ANALYSIS_CRS,
    )


def build(shared: Path) -> tuple[dict[str, pd.DataFrame], dict[str, ReadReport]]:
    """Build ``network_nodes``, ``network_edges``, ``network_area`` and ``osm_entrances``.

    The Leeds source holds OSM *ways* only (an R ``sf`` lines layer): no node
    tags, so no ``entrance=*`` or gate nodes, and ``osm_entrances`` is empty
    (:func:`no_entrances`); ``healthyplaces network build --pbf`` fills it from a
    file that has them (:func:`layers.osm.pbf.from_osm_file`).

    Parameters
    ----------
    shared
        The shared-data folder (``../shared/data``, see :mod:`layers.paths`).

    Returns
    -------
    (tables, reports)
        The four tables (EPSG:27700, lengths in m; see :func:`graph_from_lines`)
        and the read report of the raw lines.
    """
    path = shared / NETWORK_FILE
    ways, report = read_vector(
        f"/vsigzip/{path}",
        keep="line",
        columns=["osm_id", "name", "highway", "foot", "access", *EDGE_TAGS],
    )
    ways = ways[(ways.geom_type == "LineString").to_numpy() & walkable(ways)].reset_index(drop=True)
    nodes, edges = graph_from_lines(ways)
    return {
        "network_nodes": nodes.reset_index(),
        "network_edges": edges.reset_index(),
        "network_area": network_area(),
        "osm_entrances": no_entrances(),
    }, {"network_edges": report}


def load_network() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The offline walking network as osmnx-style (nodes, edges), EPSG:27700, lengths in metres."""
    nodes = read_table("network_nodes").set_index("osmid")
    edges = read_table("network_edges").set_index(["u", "v", "key"])
    return nodes, edges


def load_osm_entrances() -> gpd.GeoDataFrame:
    """OSM entrance and gate nodes of the network's source (EPSG:27700 Points; see
    :func:`is_entrance`). Empty for the offline Leeds network (its source has no nodes)."""
    return read_table("osm_entrances")


#: The node and edge columns a walking graph is built from
#: (:meth:`geo.network.routing.WalkGraph.from_gdfs`).
GRAPH_NODE_COLUMNS = ["osmid", "x", "y"]
GRAPH_EDGE_COLUMNS = ["u", "v", "key", "length", "geometry"]


def load_graph_tables() -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """:func:`load_network` with only the columns a walking graph needs (EPSG:27700, m).

    The nodes' ``x`` and ``y`` (no point geometry to decode) and the edges' ends,
    length and line; the OSM tags (``highway``, ``name``, ``sidewalk`` …) are not read.
    """
    nodes = read_table("network_nodes", GRAPH_NODE_COLUMNS).set_index("osmid")
    edges = read_table("network_edges", GRAPH_EDGE_COLUMNS).set_index(["u", "v", "key"])
    return nodes, edges


def load_network_area() -> gpd.GeoDataFrame:
    """The polygon inside which the offline network is complete (EPSG:27700)."""
    return read_table("network_area")


@dataclass(frozen=True)
class NetworkCoverage:
    """Where the loaded walking network is complete, as every message names it.

    Read from the bundle's ``network_area`` layer (:func:`network_coverage`),
    never assumed, so a county network built by ``healthyplaces network build``
    renames every message.

    Attributes
    ----------
    place
        Short place name (e.g. the bundle's offline area, or a PBF file's region).
    name
        The area row's full name.
    vintage
        The network's data vintage (year or ``YYYY-MM-DD``).
    """

    place: str
    name: str
    vintage: str

    @property
    def note(self) -> str:
        """The one sentence every page and report gives on where walking results exist."""
        return (
            f"Walking-network results cover {self.place} only ({self.name}, OpenStreetMap "
            f"{self.vintage}); elsewhere they are reported as not available, never as a "
            "number, and the straight-line results are shown."
        )

    @property
    def extent(self) -> str:
        """How ``net_reason`` names the area: "the complete offline network (<place> only)"."""
        return f"the complete offline network ({self.place} only)"

    @property
    def source(self) -> str:
        """The data-vintage text: "OpenStreetMap <vintage>, <place>"."""
        return f"OpenStreetMap {self.vintage}, {self.place}"


def coverage_of(area: pd.DataFrame) -> NetworkCoverage:
    """:class:`NetworkCoverage` of a ``network_area`` table (name/place/vintage columns).

    Parameters
    ----------
    area
        The ``network_area`` layer; ``place`` and ``vintage`` may be missing
        (older builds), when ``name`` and "unknown" stand in.
    """
    row = area.iloc[0]
    name = str(row.get("name") or "the network area")
    place = row.get("place")
    vintage = row.get("vintage")
    return NetworkCoverage(
        place=str(place) if isinstance(place, str) and place else name,
        name=name,
        vintage=str(vintage) if isinstance(vintage, str) and vintage else "unknown",
    )


def network_coverage() -> NetworkCoverage:
    """:class:`NetworkCoverage` of the bundle's walking network (its ``network_area`` layer)."""
    return coverage_of(load_network_area())


def _sentence_case(text: str) -> str:
    """``text`` with its first letter upper-case and the rest untouched ("Central Leeds")."""
    return text[:1].upper() + text[1:]
