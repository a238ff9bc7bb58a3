"""Site entrances in the walking-network tiers, on real Leeds features.

Beggar's Hill, Leeds (OSM green site ``G00360``, 7.14 ha public; OSM 2023-08) has an
OS Open Greenspace access point (Feb 2025, ``D34DCC68-516F-4EF5-A340-4E91F31CA3E0``,
Pedestrian) 2.9 m outside its OSM polygon. The network node nearest that point (the
offline Leeds OSM network, 2022) is 28.6 m from it but 31.3 m from the polygon: the
GHSCI 30 m rule misses that node, the entrance adds it. From postcode LS11 8RF
(OS Code-Point Open, Oct 2025: 54 residents in the bundle's population surface) the
site is then 259.8 m away on foot, within the 2 ha / 300 m standard; without the
entrance it is more than 300 m away.

Every expected answer here is computed independently of :mod:`geo.network`: access
nodes by brute-force distances over all nodes (shapely, numpy), walking distances by
networkx Dijkstra on the bundle's edge table, the origin's edge by brute force.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

from analysis.engine import entrances_of
from geo.entrances import BY_TOUCH, Entrances, pedestrian
from geo.network.access import NetworkOptions, network_tier_access, site_access_nodes
from geo.network.routing import WalkGraph
from geo.standards import ACCESS_NODE_DISTANCE_M, ACCESS_TIERS, AccessTier
from layers.access_points import load_access_points
from layers.greenspace import load_sites
from layers.network import load_network, load_network_area, load_osm_entrances

SITE_ID = "G00360"  # Beggar's Hill
AP_ID = "D34DCC68-516F-4EF5-A340-4E91F31CA3E0"
LS11_8RF = (428558.0, 431069.0)  # OS Code-Point Open, Oct 2025 (EPSG:27700 m)
TIER: AccessTier = next(t for t in ACCESS_TIERS if t.name == "2ha_300m")


@dataclass(frozen=True)
class Leeds:
    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame
    graph: WalkGraph
    area: shapely.Geometry
    site: gpd.GeoSeries
    site_points: gpd.GeoDataFrame


@pytest.fixture(scope="module")
def leeds() -> Leeds:
    nodes, edges = load_network()
    sites = load_sites()
    points = load_access_points()
    site = sites[sites["site_id"] == SITE_ID].iloc[0]
    mine = points[(points["site_id"] == SITE_ID) & pedestrian(points["access_type"])]
    return Leeds(
        nodes=nodes,
        edges=edges,
        graph=WalkGraph.from_gdfs(nodes, edges),
        area=load_network_area().geometry.iloc[0],
        site=site,
        site_points=mine.reset_index(drop=True),
    )


def _entrances(leeds: Leeds) -> Entrances:
    """Beggar's Hill's pedestrian access points as entrances of a one-site array."""
    return Entrances(
        leeds.site_points.geometry.to_numpy(), np.zeros(len(leeds.site_points), dtype=np.intp)
    )


def _expected_access_osmids(leeds: Leeds) -> tuple[set[int], set[int]]:
    """(30 m nodes, entrance nodes) of Beggar's Hill as OSM-table ids, by brute force."""
    xy = leeds.nodes[["x", "y"]].to_numpy(float)
    ids = leeds.nodes.index.to_numpy()
    near = shapely.dwithin(leeds.site.geometry, shapely.points(xy), ACCESS_NODE_DISTANCE_M)
    by_rule = {int(i) for i in ids[near]}
    by_entrance = set()
    for pt in leeds.site_points.geometry:
        d = np.hypot(xy[:, 0] - pt.x, xy[:, 1] - pt.y)
        if d.min() <= ACCESS_NODE_DISTANCE_M:
            by_entrance.add(int(ids[int(np.argmin(d))]))
    return by_rule, by_entrance


def _nx_distance(leeds: Leeds, sources: set[int], x: float, y: float) -> float:
    """Walking distance (m) from (x, y) to the nearest source node: networkx Dijkstra on the
    edge table; the origin walks straight to its nearest edge (found by brute force), then
    along it to either end."""
    graph = nx.Graph()
    for (u, v, _), length in leeds.edges["length"].items():
        if not graph.has_edge(u, v) or graph[u][v]["length"] > length:
            graph.add_edge(u, v, length=float(length))
    dist = nx.multi_source_dijkstra_path_length(graph, sources, weight="length")
    p = shapely.Point(x, y)
    geoms = leeds.edges.geometry.to_numpy()
    k = int(np.argmin(shapely.distance(geoms, p)))
    (u, v, _), line = leeds.edges.index[k], geoms[k]
    along = float(shapely.line_locate_point(line, p))
    start = shapely.get_coordinates(line)[0]
    u_xy = leeds.nodes.loc[u, ["x", "y"]].to_numpy(float)
    first, last = (u, v) if np.allclose(start, u_xy, rtol=0, atol=1e-6) else (v, u)
    length = float(leeds.edges["length"].iloc[k])
    inf = float("inf")
    to_edge = float(shapely.distance(line, p))
    via_first = float(dist.get(first, inf)) + along
    via_last = float(dist.get(last, inf)) + length - along
    return to_edge + min(via_first, via_last)


def test_an_access_point_adds_a_node_beyond_thirty_metres(leeds: Leeds) -> None:
    point = leeds.site_points[leeds.site_points["ap_id"] == AP_ID]
    assert len(point) == 1 and point["match_m"].iloc[0] == pytest.approx(2.9, abs=0.05)
    by_rule, by_entrance = _expected_access_osmids(leeds)
    added = by_entrance - by_rule
    assert len(added) == 1  # the one node the entrance brings in
    node = leeds.nodes.loc[next(iter(added))]
    gate = point.geometry.iloc[0]
    assert shapely.distance(leeds.site.geometry, node.geometry) == pytest.approx(31.3, abs=0.05)
    assert shapely.distance(gate, node.geometry) == pytest.approx(28.6, abs=0.05)

    geoms = np.array([leeds.site.geometry], dtype=object)
    ents = _entrances(leeds)
    ids = leeds.graph.node_ids
    _, plain = site_access_nodes(leeds.graph, geoms)
    _, with_ents = site_access_nodes(leeds.graph, geoms, entrances=ents)
    assert {int(i) for i in ids[plain]} == by_rule
    assert {int(i) for i in ids[with_ents]} == by_rule | by_entrance
    # not walled: the 30 m nodes stay. Walled: only the entrances' nodes
    walled = Entrances(ents.points, ents.site, np.array([True]))
    _, only = site_access_nodes(leeds.graph, geoms, entrances=walled)
    assert {int(i) for i in ids[only]} == by_entrance


def test_the_entrance_brings_ls11_8rf_within_300_m(leeds: Leeds) -> None:
    by_rule, by_entrance = _expected_access_osmids(leeds)
    x, y = LS11_8RF
    want_plain = _nx_distance(leeds, by_rule, x, y)
    want = _nx_distance(leeds, by_rule | by_entrance, x, y)
    assert want_plain > TIER.distance_m >= want
    assert want == pytest.approx(259.8, abs=0.05)
    geoms = np.array([leeds.site.geometry], dtype=object)
    ha = np.array([leeds.site["area_ha"]])
    ents = _entrances(leeds)
    args: tuple[Any, ...] = (np.array([x]), np.array([y]), geoms, ha, leeds.area, [TIER])
    plain = network_tier_access(leeds.graph, *args)
    got = network_tier_access(leeds.graph, *args, options=NetworkOptions(entrances=ents))
    assert plain[f"net_dist_{TIER.name}"].iloc[0] == np.inf
    assert not plain[f"net_meets_{TIER.name}"].iloc[0]
    assert got[f"net_dist_{TIER.name}"].iloc[0] == pytest.approx(want, rel=1e-9)
    assert got[f"net_meets_{TIER.name}"].iloc[0]


def test_entrances_of_pairs_pedestrian_points_with_their_site_rows() -> None:
    sites = load_sites()
    points = load_access_points()
    ents = entrances_of(sites, points, load_osm_entrances())
    assert len(load_osm_entrances()) == 0  # the offline Leeds source has no OSM nodes
    usable = points[pedestrian(points["access_type"]) & points["site_id"].isin(sites["site_id"])]
    assert len(ents.points) == len(usable) and (ents.site != BY_TOUCH).all()
    # every point's site row holds the site it was matched to
    np.testing.assert_array_equal(
        sites["site_id"].to_numpy()[ents.site], usable.sort_index()["site_id"].to_numpy()
    )
    assert "Motor Vehicle" not in set(points.loc[usable.index, "access_type"])
    assert (points["access_type"] == "Motor Vehicle").sum() > 0


def test_the_figures_enter_sites_at_their_entrances(results: Any, leeds: Leeds) -> None:
    inputs = results.inputs
    row = int(np.flatnonzero(inputs.sites["site_id"].to_numpy() == SITE_ID)[0])
    assert inputs.entrances is not None
    mine = inputs.entrances.site == row
    assert shapely.equals(
        inputs.entrances.points[mine], leeds.site_points.geometry.to_numpy()
    ).all() and mine.sum() == len(leeds.site_points)
    # the engine graph kept the access nodes contract_for found with these entrances:
    # the tiers reuse them (no second query), and they include the entrance's node
    site, node = site_access_nodes(
        inputs.graph, np.asarray(inputs.sites.geometry.values), entrances=inputs.entrances
    )
    assert site is inputs.graph.access_nodes[0].feature
    _, by_entrance = _expected_access_osmids(leeds)
    position = {int(i): k for k, i in enumerate(inputs.graph.node_ids)}
    for osmid in by_entrance:
        assert ((site == row) & (node == position[osmid])).any()
    # the postcode's figure is the walk through that entrance
    by_rule, _ = _expected_access_osmids(leeds)
    p = results.points
    at = np.flatnonzero((p["easting"] == LS11_8RF[0]) & (p["northing"] == LS11_8RF[1]))
    assert len(at) == 1
    want = _nx_distance(leeds, by_rule | by_entrance, *LS11_8RF)
    assert p[TIER.net_dist_col].iloc[at[0]] == pytest.approx(want, rel=1e-9)
    assert p[TIER.net_meets_col].iloc[at[0]]
