"""Graph contraction gives exactly the distances of the full graph: by hand, at random, on Leeds."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from geo.network.access import contract_for, site_access_nodes
from geo.network.contraction import Core, contract
from geo.network.routing import WalkGraph, multi_source


def _graph(edges: list[tuple[int, int, float]], n: int) -> WalkGraph:
    u, v, w = (np.array(c) for c in zip(*edges, strict=True))
    rng = np.random.default_rng(0)
    return WalkGraph.from_arrays(rng.random(n) * 100, rng.random(n) * 100, u, v, w)


_HAND = [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (0, 3, 10.0), (1, 4, 2.0), (4, 5, 3.0)]


def test_tree_and_chain_by_hand() -> None:
    #   0 ──1── 1 ──1── 2            protected: 0 and 3
    #   │               │            4 and 5 hang off 1 as a spur (a tree); once it
    #  10               1            is pruned, 1 and 2 are a chain from 0 to 3
    #   │               │            (length 3), in parallel with the 10 m edge.
    #   3 ──────────────┘            spur: 1 ─2─ 4 ─3─ 5
    g = _graph(_HAND, 6)
    gc = contract(g, np.array([0, 3]))
    core = gc.core
    assert isinstance(core, Core)
    assert sorted(core.tree_nodes) == [4, 5]
    assert list(core.chain_nodes) == [1, 2]
    assert list(core.kept) == [0, 3]
    # the core is one edge 0–3 of length min(10, 1 + 1 + 1) = 3
    assert core.csr.nnz == 2 and core.csr.data.tolist() == [3.0, 3.0]
    dist, nearest = multi_source(gc, np.array([3]))
    # from 3: 2 at 1, 1 at 2, 0 at 3 (0-1-2-3 beats the 10 m edge), 4 at 4, 5 at 7
    np.testing.assert_allclose(dist, [3.0, 2.0, 1.0, 0.0, 4.0, 7.0])
    assert (nearest == 3).all()
    dist, _ = multi_source(gc, np.array([3]), limit=3.5)
    np.testing.assert_allclose(dist, [3.0, 2.0, 1.0, 0.0, np.inf, np.inf])


def test_unprotected_source_falls_back_to_the_full_graph() -> None:
    g = _graph(_HAND, 6)
    gc = contract(g, np.array([0, 3]))
    for src in ([5], [2, 4], [0, 5]):
        np.testing.assert_allclose(
            multi_source(gc, np.array(src))[0], multi_source(g, np.array(src))[0]
        )


@pytest.mark.parametrize("seed", range(25))
def test_random_graphs_match_the_full_graph(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    # a random tree (lots of spurs and chains) plus a few extra edges (cycles), some parallel
    edges = [(int(rng.integers(0, i)), i, float(rng.uniform(1, 50))) for i in range(1, n)]
    for _ in range(int(rng.integers(0, n // 2 + 1))):
        a, b = rng.integers(0, n, 2)
        if a != b:
            edges.append((int(a), int(b), float(rng.uniform(1, 50))))
    g = _graph(edges, n)
    protected = rng.choice(n, size=int(rng.integers(1, max(2, n // 4))), replace=False)
    gc = contract(g, protected)
    sources = rng.choice(protected, size=int(rng.integers(1, len(protected) + 1)), replace=False)
    for limit in (np.inf, 40.0):
        d_full, n_full = multi_source(g, sources, limit)
        d_core, n_core = multi_source(gc, sources, limit)
        np.testing.assert_allclose(d_core, d_full, atol=1e-9)
        assert np.array_equal(n_core >= 0, n_full >= 0)
        assert np.isin(n_core[n_core >= 0], sources).all()


@pytest.mark.slow
def test_contracted_leeds_network_matches_networkx() -> None:
    from layers.greenspace import load_sites
    from layers.network import load_network

    nodes, edges = load_network()
    g = WalkGraph.from_gdfs(nodes, edges)
    sites = load_sites()
    geoms = np.asarray(sites.geometry.values)
    gc = contract_for(g, geoms)
    assert isinstance(gc.core, Core) and len(gc.core.kept) < 0.85 * g.n_nodes
    nxg = nx.Graph()
    for a, b, w in zip(g.edge_u.tolist(), g.edge_v.tolist(), g.edge_length.tolist(), strict=True):
        if a != b and not (nxg.has_edge(a, b) and nxg[a][b]["length"] <= w):
            nxg.add_edge(a, b, length=w)
    _, src = site_access_nodes(g, geoms[sites["area_ha"].to_numpy() >= 2.0])
    dist, _ = multi_source(gc, src)
    ref = nx.multi_source_dijkstra_path_length(nxg, set(src.tolist()), weight="length")
    expected = np.full(g.n_nodes, np.inf)
    expected[list(ref)] = list(ref.values())
    assert np.array_equal(np.isfinite(dist), np.isfinite(expected))
    fin = np.isfinite(dist)
    np.testing.assert_allclose(dist[fin], expected[fin], atol=1e-6)
