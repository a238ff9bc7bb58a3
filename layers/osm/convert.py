"""osmnx frames and graphs → the bundle's green, blue and network layouts (EPSG:27700).

Both OSM sources (:mod:`layers.osm.overpass`, :mod:`layers.osm.pbf`) end here,
and every rule is the bundle build's own, imported, never copied:

* green space: :func:`layers.greenspace.classify` (typology and public access)
  and the build's one-row-per-OSM-object de-duplication; sites and their access
  status by :func:`layers.greenspace.build_sites`, as the bundle build does;
* water: :data:`layers.bluespace.WATER_CLASSES`, :data:`~layers.bluespace.AMENITY_WATER`
  and :data:`~layers.bluespace.BLUE_WATERWAYS`;
* walkable ways: :func:`layers.network.walkable` (applied by :mod:`layers.osm.pbf`
  before osmnx sees a file).

Data: © OpenStreetMap contributors (ODbL 1.0).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import osmnx as ox
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import crs
from geo.sites import M2_PER_HA
from layers._io import repair
from layers.bluespace import AMENITY_WATER, BLUE_WATERWAYS, WATER_CLASSES
from layers.greenspace import TAG_TYPOLOGY, _dedupe, build_sites, classify
from layers.network import EDGE_TAGS, comfortable

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
#: Every (key, value) that makes a green or blue polygon feature.
FEATURE_PAIRS = frozenset(TAG_TYPOLOGY) | {("natural", "water")}

#: Way tags osmnx must keep on edges (:func:`edge_tags_kept`).
WAY_TAGS = ("foot", "access", *EDGE_TAGS)

_POLYGONS = ("Polygon", "MultiPolygon")
_LINES = ("LineString", "MultiLineString")

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
        EPSG:27700, as offline), ``oneway``/``reversed`` (False), ``lit`` and
        ``sidewalk`` ("" untagged; kept by :func:`edge_tags_kept`),
        ``comfortable`` (:func:`layers.network.comfortable`) and ``geometry``.
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


# --- Green space -----------------------------------------------------------------------


def features_to_greenspace(
    features: gpd.GeoDataFrame, *, vintage: str, source: str
) -> gpd.GeoDataFrame:
    """osmnx features (index ``(element, id)``, tag columns, EPSG:4326) → the ``greenspace`` layout.

    One row per OSM object and matching (key, value) of ``TAG_TYPOLOGY``, then
    :func:`layers.greenspace.classify` and the bundle's de-duplication (an
    object with several green tags keeps its top-priority typology). Only
    (multi)polygons are kept, repaired with ``make_valid``.

    Parameters
    ----------
    features
        osmnx features in EPSG:4326.
    vintage
        ``YYYY-MM-DD`` of the data, written to every row.
    source
        The file name or query label, written to ``source_file``.

    Returns
    -------
    GeoDataFrame
        EPSG:27700, columns :data:`GREEN_COLUMNS`; ``area_ha`` in hectares.
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
    return _frame(out[GREEN_COLUMNS].reset_index(drop=True))


def green_sites(greenspace: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    """The ``greenspace_sites`` and ``green_site_members`` layers of a live read.

    The bundle's own rules (:func:`layers.greenspace.build_sites`: access status
    from evidence, sites people would name). A live read has no institutional
    grounds polygons, so the grounds rules fall back to names and tags.

    Parameters
    ----------
    greenspace
        The ``greenspace`` layout (EPSG:27700).

    Returns
    -------
    dict
        ``greenspace_sites`` (GeoDataFrame, EPSG:27700, hectares) and ``green_site_members``.
    """
    no_grounds = gpd.GeoDataFrame(
        {"grounds": pd.Series(dtype=object)}, geometry=[], crs=crs.ANALYSIS_CRS
    )
    return build_sites(greenspace.reset_index(drop=True), no_grounds)


# --- Blue space ------------------------------------------------------------------------


def features_to_bluespace(
    features: gpd.GeoDataFrame, *, vintage: str
) -> dict[str, gpd.GeoDataFrame]:
    """osmnx features → ``{"blue_water": polygons, "blue_waterways": lines}`` (EPSG:27700).

    Water: ``natural=water`` (multi)polygons, ``water_class`` from the ``water``
    tag (:data:`layers.bluespace.WATER_CLASSES`, else ``other``), ``area_ha`` (ha).
    Waterways: ``waterway=*`` lines, ``blue_space`` for rivers and canals,
    ``length_m`` (m). Columns :data:`WATER_COLUMNS` and :data:`WATERWAY_COLUMNS`.
    """
    return {
        "blue_water": _water(features, vintage),
        "blue_waterways": _waterways(features, vintage),
    }


def _water(features: gpd.GeoDataFrame, vintage: str) -> gpd.GeoDataFrame:
    if "natural" not in features.columns:
        return _empty(WATER_COLUMNS)
    hit = features[(features["natural"] == "water").to_numpy()]
    if not len(hit):
        return _empty(WATER_COLUMNS)
    water = _polygons(_tagged(hit, "natural"))
    kind = hit["water"].fillna("").str.lower() if "water" in hit else pd.Series("", hit.index)
    classes = kind.map(WATER_CLASSES).fillna("other").to_numpy()
    water["water_class"] = classes[water.pop("_row").to_numpy()]
    water["blue_space"] = water["water_class"].isin(AMENITY_WATER)
    water["area_ha"] = shapely.area(water.geometry.to_numpy()) / M2_PER_HA
    water["vintage"] = vintage
    return _frame(water.sort_values("osm_ref")[WATER_COLUMNS].reset_index(drop=True))


def _waterways(features: gpd.GeoDataFrame, vintage: str) -> gpd.GeoDataFrame:
    if "waterway" not in features.columns:
        return _empty(WATERWAY_COLUMNS)
    hit = features[features["waterway"].notna().to_numpy()]
    hit = hit[hit.geom_type.isin(_LINES).to_numpy()]
    if not len(hit):
        return _empty(WATERWAY_COLUMNS)
    ways = _tagged(hit, "waterway").to_crs(crs.ANALYSIS_CRS)
    ways["waterway"] = hit["waterway"].to_numpy()
    ways["blue_space"] = ways["waterway"].isin(BLUE_WATERWAYS)
    ways["length_m"] = shapely.length(ways.geometry.to_numpy())
    ways["vintage"] = vintage
    return _frame(ways.sort_values("osm_ref")[WATERWAY_COLUMNS].reset_index(drop=True))


# --- Shared feature helpers ------------------------------------------------------------


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
    return _frame(frame[ok.to_numpy()].reset_index(drop=True))


#: Column types of an empty layer (an empty object column would not index as a mask).
_DTYPES: dict[str, type] = {
    "blue_space": bool, "public_access": bool, "area_ha": float, "length_m": float,
}  # fmt: skip


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    data = {c: pd.Series(dtype=_DTYPES.get(c, object)) for c in columns if c != "geometry"}
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=crs.ANALYSIS_CRS))
    return _frame(frame[columns])


def _frame(frame: Any) -> gpd.GeoDataFrame:
    """The same object, typed: pandas selections of a GeoDataFrame stay GeoDataFrames."""
    assert isinstance(frame, gpd.GeoDataFrame)
    return frame


# --- Walking network -------------------------------------------------------------------


@contextmanager
def edge_tags_kept() -> Iterator[None]:
    """osmnx keeps :data:`WAY_TAGS` (``foot``, ``access``, ``lit``, ``sidewalk``) on its edges.

    The bundle's network carries them (the after-dark and comfortable-walking
    variants read them), so a network read live must too. osmnx's setting is
    global; it is restored on exit.
    """
    before = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = [*before, *(t for t in WAY_TAGS if t not in before)]
    try:
        yield
    finally:
        ox.settings.useful_tags_way = before


def graph_to_network(graph: nx.MultiDiGraph, area: gpd.GeoDataFrame | None) -> WalkingNetwork:
    """An osmnx graph (EPSG:4326) → :class:`WalkingNetwork` in EPSG:27700.

    The graph is made undirected (each street once), projected, and its edge
    attributes flattened to strings.

    Parameters
    ----------
    graph
        An osmnx MultiDiGraph in EPSG:4326.
    area
        Where the network is complete (EPSG:27700); default the convex hull of the nodes.

    Raises
    ------
    ValueError
        If the graph has no edge.
    """
    if graph.number_of_edges() == 0:
        raise ValueError("the OSM data holds no walkable street")
    undirected = ox.convert.to_undirected(graph)
    nodes, edges = ox.graph_to_gdfs(undirected, fill_edge_geometry=True)
    nodes = nodes.to_crs(crs.ANALYSIS_CRS)
    edges = edges.to_crs(crs.ANALYSIS_CRS)
    tags = pd.DataFrame(
        {t: [_joined(v) or "" for v in _column(edges, t)] for t in ("highway", *EDGE_TAGS)},
        index=edges.index,
    )
    out = gpd.GeoDataFrame(
        {
            "osmid": [_joined(v) for v in edges["osmid"]],
            "highway": [_joined(v) for v in edges["highway"]],
            "name": [_joined(v) for v in _column(edges, "name")],
            "length": shapely.length(edges.geometry.to_numpy()),
            "oneway": False,
            "reversed": False,
            **{t: tags[t].str.lower().to_numpy() for t in EDGE_TAGS},
            "comfortable": comfortable(tags),
        },
        geometry=edges.geometry.to_numpy(),
        crs=crs.ANALYSIS_CRS,
        index=edges.index,
    )
    ids = nodes.index.to_numpy()
    ends = np.r_[edges.index.get_level_values(0), edges.index.get_level_values(1)]
    degree = pd.Series(ends).value_counts().reindex(ids, fill_value=0)
    points = nodes.geometry.to_numpy()
    table = gpd.GeoDataFrame(
        {"x": shapely.get_x(points), "y": shapely.get_y(points)},
        geometry=points,
        crs=crs.ANALYSIS_CRS,
        index=pd.Index(ids, name="osmid"),
    )
    table["street_count"] = degree.to_numpy().astype(np.int64)
    if area is None:
        hull = shapely.convex_hull(shapely.multipoints(points))
        area = gpd.GeoDataFrame(
            {"name": ["Convex hull of the network (extract boundary unknown)"], "source": [""]},
            geometry=[hull],
            crs=crs.ANALYSIS_CRS,
        )
    return WalkingNetwork(nodes=table, edges=out, area=area)


def area_frame(boundary: BaseGeometry, name: str, source: str) -> gpd.GeoDataFrame:
    """The ``network_area`` layer: one lon/lat (EPSG:4326) polygon, projected to EPSG:27700."""
    return _frame(
        gpd.GeoDataFrame(
            {"name": [name], "source": [source]}, geometry=[boundary], crs="EPSG:4326"
        ).to_crs(crs.ANALYSIS_CRS)
    )


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
