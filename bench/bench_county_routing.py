"""County-scale walking routing, measured: the real Leeds network tiled 3 × 3.

A West Yorkshire walking network is about 10× the offline Leeds one (500k–800k
nodes). This bench builds one of that size from real streets: nine translated
copies of the Leeds network (nodes, edges and green-space sites), each copy's
border nodes joined to the nearest node of its neighbour (within
``JOIN_M``) by a straight edge. It then measures, for 1× and 9×:
graph build, contraction, every access tier for ``N_ORIGINS`` random origins
(uniform in the tiled extent: a stand-in for the ~64,000 postcode-surface points),
and peak memory (``resource.getrusage`` max RSS of the whole process, taken before
the comparisons). Contraction includes finding every site's access nodes, which the
graph then keeps (:class:`geo.network.routing.AccessNodes`), so the tier time is
snapping, six bounded multi-source Dijkstras and the columns.

Baselines in the same run: the uncontracted graph (same answers to 1e-9), and
networkx ``multi_source_dijkstra_path_length`` doing the same six tier searches
(same sources and cutoffs; its distances checked against ours) at 1x and 9x.
igraph and networkit are compared only if importable (not installed here: reported
as absent, never installed by the bench).

Targets (issue 12): build ≤ 30 s; all tiers ≤ 3 s; memory ≤ 2 GB.
Run: ``PYTHONPATH=. python bench/bench_county_routing.py``.
"""

from __future__ import annotations

import dataclasses
import resource
import time
from collections.abc import Callable
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import shapely
from numpy.typing import NDArray

from geo.network.access import contract_for, network_tier_access, site_access_nodes
from geo.network.routing import WalkGraph, multi_source
from geo.standards import ACCESS_TIERS
from layers.greenspace import load_sites
from layers.network import load_network

T = TypeVar("T")
JOIN_M = 150.0
N_ORIGINS = 64_000


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def tile(k: int) -> dict[str, Any]:
    """The Leeds network and sites tiled k × k, border nodes joined (EPSG:27700 m)."""
    nodes, edges = load_network()
    sites = load_sites()
    x0, y0 = nodes["x"].to_numpy(float), nodes["y"].to_numpy(float)
    idx = nodes.index
    u0 = idx.get_indexer(edges.index.get_level_values(0))
    v0 = idx.get_indexer(edges.index.get_level_values(1))
    len0 = edges["length"].to_numpy(float)
    g0 = edges.geometry.to_numpy()
    s0 = sites.geometry.to_numpy()
    w, h = x0.max() - x0.min(), y0.max() - y0.min()
    n = len(x0)
    xs, ys, us, vs, ls, gs, ss, ha = [], [], [], [], [], [], [], []
    for i in range(k):
        for j in range(k):
            c = i * k + j
            dx, dy = i * w, j * h
            xs.append(x0 + dx)
            ys.append(y0 + dy)
            us.append(u0 + c * n)
            vs.append(v0 + c * n)
            ls.append(len0)
            gs.append(shapely.transform(g0, lambda p, dx=dx, dy=dy: p + np.array([dx, dy])))
            ss.append(shapely.transform(s0, lambda p, dx=dx, dy=dy: p + np.array([dx, dy])))
            ha.append(sites["area_ha"].to_numpy(float))
    x, y = np.concatenate(xs), np.concatenate(ys)
    ju, jv, jl = _joins(x, y, x0.min(), y0.min(), w, h, k)
    return {
        "x": x,
        "y": y,
        "u": np.r_[np.concatenate(us), ju],
        "v": np.r_[np.concatenate(vs), jv],
        "length": np.r_[np.concatenate(ls), jl],
        "geoms": np.r_[np.concatenate(gs), np.full(len(ju), None, dtype=object)],
        "sites": np.concatenate(ss),
        "site_ha": np.concatenate(ha),
        "box": shapely.box(x0.min(), y0.min(), x0.min() + k * w, y0.min() + k * h),
    }


def _joins(
    x: NDArray[np.float64], y: NDArray[np.float64], x0: float, y0: float, w: float, h: float, k: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """Straight edges from nodes within JOIN_M of each inner tile seam to the nearest across it."""
    if k == 1:
        return np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0)
    pts = shapely.points(x, y)
    tree = shapely.STRtree(pts)
    us, vs = [], []
    for seam_x in x0 + w * np.arange(1, k):
        near = np.flatnonzero(np.abs(x - seam_x) < JOIN_M / 2)
        left = near[x[near] < seam_x]
        which, hit = tree.query_nearest(pts[left], max_distance=JOIN_M, exclusive=True)
        ok = x[hit] >= seam_x
        us.append(left[which[ok]])
        vs.append(hit[ok])
    for seam_y in y0 + h * np.arange(1, k):
        near = np.flatnonzero(np.abs(y - seam_y) < JOIN_M / 2)
        low = near[y[near] < seam_y]
        which, hit = tree.query_nearest(pts[low], max_distance=JOIN_M, exclusive=True)
        ok = y[hit] >= seam_y
        us.append(low[which[ok]])
        vs.append(hit[ok])
    u, v = np.concatenate(us).astype(np.intp), np.concatenate(vs).astype(np.intp)
    return u, v, np.hypot(x[u] - x[v], y[u] - y[v])


def tier_sources(
    graph: WalkGraph, sites: NDArray[np.object_], site_ha: NDArray[np.float64]
) -> list[NDArray[np.intp]]:
    """Each tier's sources: the access nodes of every site of at least its size."""
    site, node = site_access_nodes(graph, sites)
    return [np.unique(node[site_ha[site] >= t.min_ha]) for t in ACCESS_TIERS]


def measure(k: int, rng: np.random.Generator) -> dict[str, Any]:
    """Build, contract and route every tier at k × k; returns the figures."""
    t_tile, d = _timed(lambda: tile(k))
    t_build, graph = _timed(
        lambda: WalkGraph.from_arrays(d["x"], d["y"], d["u"], d["v"], d["length"], d["geoms"])
    )
    t_contract, fast = _timed(lambda: contract_for(graph, d["sites"]))
    minx, miny, maxx, maxy = d["box"].bounds
    ox_ = rng.uniform(minx, maxx, N_ORIGINS)
    oy_ = rng.uniform(miny, maxy, N_ORIGINS)
    t_tiers, acc = _timed(
        lambda: network_tier_access(
            fast, ox_, oy_, d["sites"], d["site_ha"], d["box"], ACCESS_TIERS
        )
    )
    rss = _rss_mb()  # before the comparisons below, which hold more graphs
    # the full graph, given the same recorded access nodes: what contraction alone saves
    full = dataclasses.replace(graph, access_nodes=fast.access_nodes)
    t_full, acc_full = _timed(
        lambda: network_tier_access(
            full, ox_, oy_, d["sites"], d["site_ha"], d["box"], ACCESS_TIERS
        )
    )
    # the contracted graph looking the access nodes up again: what recording them saves
    t_lookup, _ = _timed(
        lambda: network_tier_access(
            dataclasses.replace(fast, access_nodes=()),
            ox_,
            oy_,
            d["sites"],
            d["site_ha"],
            d["box"],
            ACCESS_TIERS,
        )
    )
    same = all(
        np.allclose(acc[c].to_numpy(), acc_full[c].to_numpy(), rtol=1e-9, equal_nan=True)
        for c in acc.columns
        if c.startswith("net_dist")
    )
    sources = tier_sources(fast, d["sites"], d["site_ha"])
    t_route, dists = _timed(
        lambda: [
            multi_source(fast, s, t.distance_m)[0]
            for t, s in zip(ACCESS_TIERS, sources, strict=True)
        ]
    )
    return {
        "k": k, "graph": graph, "sources": sources, "dists": dists, "nodes": graph.n_nodes,
        "edges": len(graph.edge_u), "tile_s": t_tile, "build_s": t_build,
        "contract_s": t_contract, "tiers_s": t_tiers, "tiers_full_s": t_full,
        "route_s": t_route, "same": same, "rss_mb": rss, "tiers_lookup_s": t_lookup,
        "reached": float(np.mean([np.isfinite(a).mean() for a in dists])),
    }  # fmt: skip


def networkx_tiers(
    graph: WalkGraph, sources: list[NDArray[np.intp]], dists: list[NDArray[np.float64]]
) -> tuple[float, float, bool]:
    """networkx: build time, all six tier Dijkstras (same sources and cutoffs), same answer."""

    def build() -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(range(graph.n_nodes))
        # the minimum length per node pair, as the CSR holds it (add_edge keeps the last)
        order = np.argsort(-graph.edge_length, kind="stable")
        g.add_weighted_edges_from(
            zip(
                graph.edge_u[order].tolist(),
                graph.edge_v[order].tolist(),
                graph.edge_length[order].tolist(),
                strict=True,
            ),
            weight="length",
        )
        g.remove_edges_from(nx.selfloop_edges(g))
        return g

    t_build, g = _timed(build)

    def run() -> list[dict[int, float]]:
        return [
            nx.multi_source_dijkstra_path_length(
                g, set(s.tolist()), cutoff=t.distance_m, weight="length"
            )
            if len(s)
            else {}  # no site that large (1x has no 500 ha one)
            for t, s in zip(ACCESS_TIERS, sources, strict=True)
        ]

    t_run, refs = _timed(run)
    same = True
    for ref, ours in zip(refs, dists, strict=True):
        ref_dist = np.full(graph.n_nodes, np.inf)
        ref_dist[list(ref)] = list(ref.values())
        fin = np.isfinite(ours)
        same &= bool(
            np.array_equal(fin, np.isfinite(ref_dist))
            and np.allclose(ours[fin], ref_dist[fin], rtol=0, atol=1e-6)
        )
    return t_build, t_run, same


def _other_libraries() -> str:
    """Which of igraph / networkit could be compared (they are never installed by the bench)."""
    absent = []
    for name in ("igraph", "networkit"):
        try:
            __import__(name)
        except ImportError:
            absent.append(name)
    if absent:
        names = " and ".join(absent)
        return f"{names}: not installed in this environment (not installed by the bench)"
    return "igraph and networkit importable but not compared here"


def main() -> int:
    rng = np.random.default_rng(12)
    rows = []
    for k in (1, 3):
        r = measure(k, rng)
        t_nx_build, t_nx, nx_same = networkx_tiers(r["graph"], r["sources"], r["dists"])
        r.update(nx_build_s=t_nx_build, nx_s=t_nx, nx_same=nx_same)
        rows.append(r)
        print(
            f"{k * k}x: {r['nodes']:,} nodes, {r['edges']:,} edges | tiling {r['tile_s']:.1f} s | "
            f"graph build {r['build_s']:.2f} s | contraction {r['contract_s']:.2f} s | "
            f"all {len(ACCESS_TIERS)} tiers, {N_ORIGINS:,} origins: {r['tiers_s']:.2f} s "
            f"(uncontracted {r['tiers_full_s']:.2f} s, same to 1e-9: {r['same']}; "
            f"looking access nodes up again {r['tiers_lookup_s']:.2f} s) | "
            f"peak RSS {r['rss_mb']:,.0f} MB\n"
            f"    routing alone (6 multi-source Dijkstras, {r['reached']:.0%} of nodes reached "
            f"on average): scipy {r['route_s']:.3f} s vs networkx {r['nx_s']:.2f} s = "
            f"{r['nx_s'] / r['route_s']:.0f}x slower (networkx graph build {r['nx_build_s']:.2f} s "
            f"vs ours {r['build_s']:.2f} s; same distances to 1e-6 m: {r['nx_same']})",
            flush=True,
        )
    one, nine = rows
    for key in ("nodes", "edges", "build_s", "contract_s", "tiers_s", "route_s"):
        print(f"growth 1x -> 9x, {key}: {nine[key] / one[key]:.1f}x")
    print(_other_libraries())
    targets = (nine["build_s"] <= 30, nine["tiers_s"] <= 3, nine["rss_mb"] <= 2048)
    print(f"targets at 9x (build <= 30 s, tiers <= 3 s, memory <= 2 GB): {targets}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
