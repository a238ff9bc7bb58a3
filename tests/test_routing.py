"""Tests for geo.network routing and access: a hand-made graph and the real Leeds network."""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.entrances import BY_TOUCH, Entrances
from geo.network.access import (
    contract_for,
    network_tier_access,
    scenario_network_access,
    site_access_nodes,
)
from geo.network.routing import (
    Snap,
    WalkGraph,
    multi_source,
    origin_distance,
    snap,
    spatial_order,
)
from geo.standards import ACCESS_TIERS

# --- A hand-made graph ----------------------------------------------------------------
#
#   3 (100,100) ---100--- 4 (200,100)
#   |                     |
#  100                   100
#   |                     |
#   0 (0,0) ---100--- 1 (100,0) ---100--- 2 (200,0) ---100--- 5 (300,0)
#                      |                  |
#                      +-------200--------+   second, parallel 1–2 edge: a detour
#                                             south via (100,-50) and (200,-50),
#                                             stored as (u=2, v=1) with its geometry
#                                             drawn from 1 to 2 (reversed).
#   Node 0 also has a self-loop of 60 m (ignored by routing).
#
# If CSR construction summed the parallel 1–2 edges (100 + 200 = 300), node 2 would be
# 400 m from node 0 (0–1–2 or 0–1–3–4–2) instead of 200 m.

_XY = np.array([[0, 0], [100, 0], [200, 0], [100, 100], [200, 100], [300, 0]], dtype=float)
_DETOUR = shapely.LineString([(100, 0), (100, -50), (200, -50), (200, 0)])
_LOOP = shapely.LineString([(0, 0), (-20, 0), (-20, -20), (0, -20), (0, 0)])  # 80 m drawn


def _line(a: int, b: int) -> shapely.LineString:
    return shapely.LineString([_XY[a], _XY[b]])


def _toy_graph() -> WalkGraph:
    u = np.array([0, 1, 2, 1, 3, 2, 2, 0])
    v = np.array([1, 2, 1, 3, 4, 4, 5, 0])
    length = np.array([100, 100, 200, 100, 100, 100, 100, 60], dtype=float)
    geoms = np.array(
        [
            _line(0, 1),
            _line(1, 2),
            _DETOUR,
            _line(1, 3),
            _line(3, 4),
            _line(2, 4),
            _line(2, 5),
            _LOOP,
        ],
        dtype=object,
    )
    return WalkGraph.from_arrays(_XY[:, 0], _XY[:, 1], u, v, length, geoms)


def test_csr_is_symmetric_with_min_over_parallel_edges() -> None:
    g = _toy_graph()
    dense = g.csr.toarray()
    np.testing.assert_array_equal(dense, dense.T)
    assert dense[1, 2] == 100.0  # min(100, 200), not the sum 300
    assert np.all(np.diag(dense) == 0)  # self-loop dropped
    assert g.csr.nnz == 2 * 6
    assert not g.edge_starts_at_u[2] and g.edge_starts_at_u[1]


def test_multi_source_on_toy_graph() -> None:
    g = _toy_graph()
    dist, nearest = multi_source(g, np.array([0]))
    np.testing.assert_allclose(dist, [0, 100, 200, 200, 300, 300])
    np.testing.assert_array_equal(nearest, [0] * 6)

    dist, nearest = multi_source(g, np.array([4, 0, 0]))
    np.testing.assert_allclose(dist, [0, 100, 100, 100, 0, 200])
    np.testing.assert_array_equal(nearest, [0, 0, 4, 4, 4, 4])

    dist, nearest = multi_source(g, np.array([0]), limit=150.0)
    np.testing.assert_allclose(dist, [0, 100, np.inf, np.inf, np.inf, np.inf])
    np.testing.assert_array_equal(nearest, [0, 0, -1, -1, -1, -1])

    dist, nearest = multi_source(g, np.array([], dtype=np.int64))
    assert np.all(np.isinf(dist)) and np.all(nearest == -1)


def test_snap_and_origin_distance_on_toy_graph() -> None:
    g = _toy_graph()
    x = np.array([150.0, 120.0, 30.0, 250.0, np.nan])
    y = np.array([10.0, -45.0, 5.0, 3.0, 0.0])
    s = snap(g, x, y)
    # (150,10) → straight 1–2 edge; (120,-45) → the reversed detour edge (u=2, v=1)
    np.testing.assert_array_equal(s.edge, [1, 2, 0, 6, -1])
    np.testing.assert_allclose(s.distance[:4], [10, 5, 5, 3])
    # detour: from node 1 down 50 then east 20 = 70 m; to node 2: 130 m
    np.testing.assert_allclose(s.along_u[:4], [50, 130, 30, 50])
    np.testing.assert_allclose(s.along_v[:4], [50, 70, 70, 50])
    assert np.isinf(s.distance[4]) and np.isnan(s.along_u[4])

    dist, _ = multi_source(g, np.array([0]))
    np.testing.assert_allclose(
        origin_distance(g, s, dist), [10 + 50 + 100, 5 + 70 + 100, 5 + 30, 3 + 50 + 200, np.inf]
    )
    # the nearest source is an end of the origin's own edge: only the walk along it counts
    dist, _ = multi_source(g, np.array([1]))
    np.testing.assert_allclose(origin_distance(g, s, dist)[:3], [10 + 50, 5 + 70, 5 + 70])


def test_from_gdfs_maps_arbitrary_node_ids() -> None:
    ids = np.array([10, 11, 12, 13, 14, 15])
    nodes = pd.DataFrame({"x": _XY[:, 0], "y": _XY[:, 1]}, index=pd.Index(ids, name="osmid"))
    toy = _toy_graph()
    edges = pd.DataFrame(
        {"length": toy.edge_length, "geometry": toy.edge_geoms},
        index=pd.MultiIndex.from_arrays(
            [ids[toy.edge_u], ids[toy.edge_v], np.zeros(len(toy.edge_u), dtype=int)],
            names=["u", "v", "key"],
        ),
    )
    g = WalkGraph.from_gdfs(nodes, edges)
    np.testing.assert_array_equal(g.csr.toarray(), toy.csr.toarray())
    np.testing.assert_array_equal(g.node_ids, ids)


def test_site_access_nodes_distance_and_entrances() -> None:
    g = _toy_graph()
    # each box corner is 20 m east/west and 20 m north/south of a node: 28.3 m away
    sites = np.array(
        [
            shapely.box(120, 20, 180, 80),
            shapely.box(220, 20, 280, 80),
            shapely.box(0, 300, 10, 310),
        ],
        dtype=object,
    )
    site, node = site_access_nodes(g, sites, distance_m=25.0)
    assert len(site) == 0 and len(node) == 0
    site, node = site_access_nodes(g, sites, distance_m=30.0)
    pairs = set(zip(site.tolist(), node.tolist(), strict=True))
    assert pairs == {(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (1, 4), (1, 5)}
    # OSM entrances (by touch): one at site 0's north-west corner (nearest node 3, 28.3 m);
    # one inside site 1 with no node within 30 m (unusable); one touching nothing
    osm = np.array(
        [shapely.Point(120, 80), shapely.Point(250, 50), shapely.Point(500, 500)], dtype=object
    )
    # an OS access point paired with site 0 explicitly, 100 m west of it: node 0 is
    # 22.4 m from the point (node 1: 80.6 m) and 120 m from the site, out of the 30 m rule
    points = np.r_[np.array([shapely.Point(20, 10)], dtype=object), osm]
    touch = np.full(3, BY_TOUCH, dtype=np.intp)
    ents = Entrances(points, np.r_[np.intp(0), touch])
    site, node = site_access_nodes(g, sites, distance_m=30.0, entrances=ents)
    pairs = set(zip(site.tolist(), node.tolist(), strict=True))
    # added: site 0 gains node 0; node 3 was one of its 30 m nodes already
    assert pairs == {(0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (1, 4), (1, 5)}
    # walled sites: entered only at their usable entrances; site 1's entrance is
    # unusable, so it keeps the 30 m rule
    walled = Entrances(points, ents.site, np.array([True, True, False]))
    site, node = site_access_nodes(g, sites, distance_m=30.0, entrances=walled)
    pairs = set(zip(site.tolist(), node.tolist(), strict=True))
    assert pairs == {(0, 0), (0, 3), (1, 2), (1, 4), (1, 5)}
    # two entrances at the same corner give one pair, and the pairs come sorted
    twice = Entrances(
        np.r_[osm, np.array([shapely.Point(121, 79)], dtype=object)],
        np.full(4, BY_TOUCH, dtype=np.intp),
        np.array([True, False, False]),
    )
    site2, node2 = site_access_nodes(g, sites, distance_m=30.0, entrances=twice)
    np.testing.assert_array_equal(site2, [0, 1, 1, 1])
    np.testing.assert_array_equal(node2, [3, 2, 4, 5])
    # only the touch entrances apply to another site array (a scenario's new park)
    assert len(ents.by_touch().points) == 3 and (ents.by_touch().site == BY_TOUCH).all()
    with pytest.raises(ValueError, match="outside the 3 sites"):
        site_access_nodes(g, sites, entrances=Entrances(points[:1], np.array([3], np.intp)))
    with pytest.raises(ValueError, match="2 flags for 3 sites"):
        site_access_nodes(g, sites, entrances=Entrances(points, ents.site, np.ones(2, bool)))


def test_spatial_order_is_a_permutation() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 1e5, 1000), rng.uniform(0, 1e5, 1000)
    order = spatial_order(x, y)
    np.testing.assert_array_equal(np.sort(order), np.arange(1000))
    # neighbours in the order are near on the ground: far shorter steps than at random
    step = np.hypot(np.diff(x[order]), np.diff(y[order])).mean()
    assert step < 0.2 * np.hypot(np.diff(x), np.diff(y)).mean()
    assert len(spatial_order(np.zeros(0), np.zeros(0))) == 0
    np.testing.assert_array_equal(spatial_order(np.ones(3), np.ones(3)), [0, 1, 2])


# --- The real Leeds network ------------------------------------------------------------


@pytest.fixture(scope="module")
def leeds() -> dict[str, object]:
    from layers.boundaries import load_lsoa21
    from layers.greenspace import load_sites
    from layers.network import load_network, load_network_area

    nodes, edges = load_network()
    area_gdf = load_network_area()
    return {
        "nodes": nodes,
        "edges": edges,
        "graph": WalkGraph.from_gdfs(nodes, edges),
        "area": area_gdf.geometry.iloc[0],
        "area_row": area_gdf.iloc[0],
        "sites": load_sites(),
        "lsoa": load_lsoa21(),
    }


def _nx_graph(g: WalkGraph) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(range(g.n_nodes))
    for a, b, w in zip(g.edge_u.tolist(), g.edge_v.tolist(), g.edge_length.tolist(), strict=True):
        if graph.has_edge(a, b) and graph[a][b]["length"] <= w:
            continue
        graph.add_edge(a, b, length=w)
    return graph


def _random_origins(area: shapely.Geometry, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = area.bounds
    x = rng.uniform(minx, maxx, 4 * n)
    y = rng.uniform(miny, maxy, 4 * n)
    inside = shapely.contains_xy(area, x, y)
    return x[inside][:n], y[inside][:n]


@pytest.mark.slow
def test_matches_networkx_on_leeds(leeds: dict) -> None:
    g: WalkGraph = leeds["graph"]
    sites = leeds["sites"]
    big = np.flatnonzero(sites["area_ha"].to_numpy() >= 2.0)
    _, access = site_access_nodes(g, sites.geometry.to_numpy()[big])
    sources = np.unique(access)
    assert len(sources) > 100

    graph = _nx_graph(g)
    ref = nx.multi_source_dijkstra_path_length(graph, set(sources.tolist()), weight="length")
    ref_dist = np.full(g.n_nodes, np.inf)
    ref_dist[list(ref)] = list(ref.values())

    dist, nearest = multi_source(g, sources)
    np.testing.assert_array_equal(np.isfinite(dist), np.isfinite(ref_dist))
    fin = np.isfinite(dist)
    np.testing.assert_allclose(dist[fin], ref_dist[fin], rtol=0, atol=1e-6)
    # the reported nearest source really is that far away
    assert np.all(np.isin(nearest[fin], sources)) and np.all(nearest[~fin] == -1)
    for i in np.random.default_rng(1).choice(np.flatnonzero(fin), 10, replace=False):
        assert nx.dijkstra_path_length(graph, int(nearest[i]), int(i), weight="length") == (
            pytest.approx(dist[i], abs=1e-6)
        )

    # bounded search: exact within the limit, inf beyond
    dist300, _ = multi_source(g, sources, limit=300.0)
    np.testing.assert_allclose(
        dist300, np.where(ref_dist <= 300.0, ref_dist, np.inf), rtol=0, atol=1e-6
    )

    # origins, snapped to edges
    x, y = _random_origins(leeds["area"], 250, seed=20240611)
    assert len(x) >= 200
    s = snap(g, x, y)
    assert np.all(s.edge >= 0)
    np.testing.assert_allclose(s.along_u + s.along_v, g.edge_length[s.edge], atol=1e-9)
    pts = shapely.points(x, y)
    # the snapped edge is the nearest one (brute force over all edges for a few origins)
    for k in range(10):
        assert s.distance[k] == pytest.approx(shapely.distance(pts[k], g.edge_geoms).min())
    ours = origin_distance(g, s, dist)
    end_u, end_v = g.edge_u[s.edge], g.edge_v[s.edge]
    expected = s.distance + np.minimum(s.along_u + ref_dist[end_u], s.along_v + ref_dist[end_v])
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-6)
    assert np.isfinite(ours).mean() > 0.95


@pytest.mark.slow
def test_no_network_number_outside_the_complete_area(leeds: dict) -> None:
    g: WalkGraph = leeds["graph"]
    lsoa, sites, row = leeds["lsoa"], leeds["sites"], leeds["area_row"]
    x, y = lsoa["pwc_x"].to_numpy(), lsoa["pwc_y"].to_numpy()
    out = network_tier_access(
        g, x, y, sites.geometry.to_numpy(), sites["area_ha"].to_numpy(), leeds["area"]
    )
    assert len(out) == len(lsoa) == 1404
    from_centre = np.hypot(x - row["centre_x"], y - row["centre_y"])
    for tier in ACCESS_TIERS:
        dist = out[f"net_dist_{tier.name}"]
        meets = out[f"net_meets_{tier.name}"]
        avail = out[f"net_available_{tier.name}"].to_numpy(bool)
        assert meets.dtype == "boolean"
        leaves = from_centre + tier.distance_m > row["radius_m"]
        assert not np.any(avail & leaves), tier.name
        assert dist[~avail].isna().all() and meets[~avail].isna().all()
        assert dist[avail].notna().all() and meets[avail].notna().all()
        np.testing.assert_array_equal(
            meets[avail].to_numpy(bool), dist[avail].to_numpy() <= tier.distance_m
        )
        assert (out.loc[~avail, "net_reason"] != "").all()
    for name in ("0.5ha_200m", "2ha_300m"):
        available = out[f"net_available_{name}"]
        assert available.sum() > 100
        assert out.loc[available, f"net_meets_{name}"].any()
        assert (~out.loc[available, f"net_meets_{name}"]).any()
    assert not out["net_available_500ha_10km"].any()
    inside = shapely.contains_xy(leeds["area"], x, y)
    reasons = out["net_reason"]
    assert reasons[~inside].str.startswith("origin is outside").all()
    partial = inside & out["net_available_2ha_300m"] & ~out["net_available_100ha_5km"]
    assert partial.any() and reasons[partial].str.contains("5 km").all()
    assert not reasons[partial].str.contains("300 m").any()


@pytest.mark.slow
@pytest.mark.parametrize(("side_m", "area_ha"), [(175.0, 3.0), (1_100.0, 121.0), (60.0, 0.36)])
def test_scenario_equals_full_recompute(leeds: dict, side_m: float, area_ha: float) -> None:
    g: WalkGraph = leeds["graph"]
    lsoa, sites, area = leeds["lsoa"], leeds["sites"], leeds["area"]
    rx, ry = _random_origins(area, 400, seed=7)
    x = np.r_[lsoa["pwc_x"].to_numpy(), rx]
    y = np.r_[lsoa["pwc_y"].to_numpy(), ry]
    geoms, ha = sites.geometry.to_numpy(), sites["area_ha"].to_numpy()
    before = network_tier_access(g, x, y, geoms, ha, area)

    # put the new site 40 m from an origin that has no 2 ha site within 300 m today
    lacking = np.flatnonzero(before["net_available_2ha_300m"] & ~before["net_meets_2ha_300m"])
    i = int(lacking[0])
    new = shapely.box(x[i] + 40, y[i] - side_m / 2, x[i] + 40 + side_m, y[i] + side_m / 2)

    updated = scenario_network_access(g, before, x, y, new, area_ha)
    full = network_tier_access(
        g, x, y, np.r_[geoms, np.array([new], dtype=object)], np.r_[ha, area_ha], area
    )
    pd.testing.assert_frame_equal(updated, full)
    qualifies = [t for t in ACCESS_TIERS if area_ha >= t.min_ha]
    changed = [
        t.name
        for t in qualifies
        if (updated[f"net_meets_{t.name}"] != before[f"net_meets_{t.name}"]).any()
    ]
    assert changed if qualifies else updated.equals(before)


def _snap_in_input_order(g: WalkGraph, x: np.ndarray, y: np.ndarray, max_d: float) -> Snap:
    """The previous snap: one STRtree query in input order, then the distance and locate."""
    n = len(x)
    edge, dist = np.full(n, -1, dtype=np.intp), np.full(n, np.inf)
    along_u, along_v = np.full(n, np.nan), np.full(n, np.nan)
    pts = shapely.points(x, y)
    which, near = g.edge_tree.query_nearest(pts, return_distance=False, all_matches=False)
    hit = g.snap_edges[near]
    gap = shapely.distance(pts[which], g.edge_geoms[hit])
    close = gap <= max_d
    which, hit, gap = which[close], hit[close], gap[close]
    frac = np.clip(shapely.line_locate_point(g.edge_geoms[hit], pts[which], normalized=True), 0, 1)
    frac = np.where(g.edge_starts_at_u[hit], frac, 1.0 - frac)
    edge[which], dist[which] = hit, gap
    along_u[which] = frac * g.edge_length[hit]
    along_v[which] = g.edge_length[hit] - along_u[which]
    return Snap(edge=edge, distance=dist, along_u=along_u, along_v=along_v)


@pytest.mark.slow
def test_snap_in_spatial_order_equals_input_order_on_leeds(leeds: dict) -> None:
    g: WalkGraph = leeds["graph"]
    lsoa = leeds["lsoa"]
    rx, ry = _random_origins(leeds["area"], 5_000, seed=11)
    # centroids, random points in the area, and points far outside it (beyond 150 m)
    x = np.r_[lsoa["pwc_x"].to_numpy(), rx, rx[:500] + 30_000.0]
    y = np.r_[lsoa["pwc_y"].to_numpy(), ry, ry[:500]]
    for max_d in (150.0, 10_000.0, np.inf):
        new = snap(g, x, y, max_distance=max_d)
        old = _snap_in_input_order(g, x, y, max_d)
        assert (new.edge >= 0).any() and (new.edge < 0).any() == (max_d < np.inf)
        for field in ("edge", "distance", "along_u", "along_v"):
            np.testing.assert_array_equal(getattr(new, field), getattr(old, field), err_msg=field)


@pytest.mark.slow
def test_recorded_access_nodes_give_the_same_answers_on_leeds(leeds: dict) -> None:
    g: WalkGraph = leeds["graph"]
    sites, lsoa, area = leeds["sites"], leeds["lsoa"], leeds["area"]
    geoms, ha = sites.geometry.to_numpy(), sites["area_ha"].to_numpy()
    fast = contract_for(g, geoms)
    assert len(fast.access_nodes) == 1 and not g.access_nodes
    plain = site_access_nodes(g, geoms)
    for same in (geoms, shapely.from_wkb(shapely.to_wkb(geoms))):  # the array, or equal copies
        got = site_access_nodes(fast, same)
        assert got[0] is fast.access_nodes[0].feature  # recorded, not queried again
        np.testing.assert_array_equal(got[0], plain[0])
        np.testing.assert_array_equal(got[1], plain[1])
    # other features, another distance or entrances: looked up afresh
    none = Entrances(geoms[:0], np.zeros(0, dtype=np.intp))
    for args in ((geoms[::2], 30.0, None), (geoms, 25.0, None), (geoms, 30.0, none)):
        got = site_access_nodes(fast, *args)
        want = site_access_nodes(g, *args)
        assert got[0] is not fast.access_nodes[0].feature
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    # the recorded geometries are a copy: editing the caller's array in place is noticed
    edited = geoms.copy()
    fresh = contract_for(g, edited)
    edited[0] = shapely.box(0, 0, 1, 1)
    assert site_access_nodes(fresh, edited)[0] is not fresh.access_nodes[0].feature
    with pytest.raises(ValueError, match="read-only"):
        site_access_nodes(fast, geoms)[1][0] = 0
    x, y = lsoa["pwc_x"].to_numpy(), lsoa["pwc_y"].to_numpy()
    pd.testing.assert_frame_equal(
        network_tier_access(fast, x, y, geoms, ha, area),
        network_tier_access(dataclasses.replace(fast, access_nodes=()), x, y, geoms, ha, area),
    )
