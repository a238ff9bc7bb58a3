"""Graph contraction: a smaller core graph that gives exactly the same distances.

Most nodes of a walking network can never be a source (an access node of a
site): dead-end spurs and the middle of long paths. Two exact reductions
remove them before Dijkstra runs:

* **Trees.** A node that is not protected and has at most one live neighbour
  is removed, repeatedly, so every dead-end tree hanging off the network
  goes. A shortest path between two other nodes never enters such a tree,
  and a removed node's distance is its root's plus the tree path to it.
* **Chains.** A remaining unprotected node with exactly two neighbours lies on
  a chain between two anchors; the chain becomes one edge of its total length,
  and a chain node's distance is ``min(d[a] + off_a, d[b] + off_b)``.

Protected nodes (every node that may ever be a source) are always kept. On
the central-Leeds network this removes about a third of the nodes. All
lengths are metres (EPSG:27700).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import connected_components, dijkstra

from geo.network.routing import UNREACHED, WalkGraph, symmetric_min_csr

#: Per-node arrays gathered through an index: distances (m) or node positions.
_Value = TypeVar("_Value", np.float64, np.intp)


@dataclass(frozen=True, eq=False)
class Core:
    """A contracted graph and what is needed to expand its distances to every node.

    Attributes
    ----------
    csr
        Core graph (symmetric, minimum length per pair), over ``kept`` nodes.
    kept
        Full-graph positions of the core nodes (sorted).
    to_core
        Full position → core position, -1 for removed nodes.
    chain_nodes, chain_a, chain_off_a, chain_b, chain_off_b
        Contracted chain nodes (full positions), their two anchors (full
        positions, -1 if none) and the distance along the chain to each, m.
    tree_nodes, tree_root, tree_off
        Pruned tree nodes (full positions), the node each tree hangs from (a
        core or chain node; -1 if the tree touches nothing) and the distance to it, m.
    """

    csr: csr_array
    kept: NDArray[np.intp]
    to_core: NDArray[np.intp]
    chain_nodes: NDArray[np.intp]
    chain_a: NDArray[np.intp]
    chain_off_a: NDArray[np.float64]
    chain_b: NDArray[np.intp]
    chain_off_b: NDArray[np.float64]
    tree_nodes: NDArray[np.intp]
    tree_root: NDArray[np.intp]
    tree_off: NDArray[np.float64]

    def covers(self, sources: NDArray[np.intp]) -> bool:
        """Whether every source is a core node (otherwise use the full graph).

        Parameters
        ----------
        sources
            Full-graph node positions.

        Returns
        -------
        bool
            True when all of them are kept in the core.
        """
        return bool(np.all(self.to_core[sources] >= 0))

    def multi_source(
        self, sources: NDArray[np.intp], limit: float
    ) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """Nearest-source distance (m) and source for every full-graph node, via the core.

        Parameters
        ----------
        sources
            Full-graph node positions, all covered by the core (:meth:`covers`).
        limit
            Search radius, m; nodes farther away get ``inf``.

        Returns
        -------
        (dist, nearest_source)
            As :func:`geo.network.routing.multi_source`: metres (``inf`` where
            unreached) and the full-graph position of the nearest source (-1 where unreached).
        """
        n = len(self.to_core)
        d_core, _, near = dijkstra(
            self.csr,
            directed=True,
            indices=self.to_core[sources].astype(np.int32),
            min_only=True,
            limit=limit,
            return_predecessors=True,
        )
        dist: NDArray[np.float64] = np.full(n, np.inf)
        nearest: NDArray[np.intp] = np.full(n, -1, dtype=np.intp)
        dist[self.kept] = d_core
        reached = near != UNREACHED
        nearest[self.kept[reached]] = self.kept[near[reached]]
        # chain nodes from their two anchors
        da = _gather(dist, self.chain_a) + self.chain_off_a
        db = _gather(dist, self.chain_b) + self.chain_off_b
        via_a = da <= db
        dist[self.chain_nodes] = np.where(via_a, da, db)
        nearest[self.chain_nodes] = np.where(
            via_a, _gather(nearest, self.chain_a, -1), _gather(nearest, self.chain_b, -1)
        )
        # tree nodes from their roots (core or chain nodes, all known now)
        dist[self.tree_nodes] = _gather(dist, self.tree_root) + self.tree_off
        nearest[self.tree_nodes] = _gather(nearest, self.tree_root, -1)
        beyond = dist > limit
        dist[beyond] = np.inf
        nearest[beyond | ~np.isfinite(dist)] = -1
        return dist, nearest


def _gather(
    values: NDArray[_Value], index: NDArray[np.intp], missing: float = np.inf
) -> NDArray[_Value]:
    """``values[index]`` with ``missing`` where ``index`` is -1."""
    out = np.full(len(index), missing, dtype=values.dtype)
    ok = index >= 0
    out[ok] = values[index[ok]]
    return out


def contract(graph: WalkGraph, protected: NDArray[np.intp]) -> WalkGraph:
    """The same graph with a :class:`Core` attached, which ``routing.multi_source`` uses.

    Parameters
    ----------
    graph
        The full network.
    protected
        Node positions that may be sources (e.g. every site's access nodes).
        Sources outside this set make ``multi_source`` fall back to the full graph.
    """
    keep = np.zeros(graph.n_nodes, dtype=bool)
    keep[np.asarray(protected, dtype=np.intp)] = True
    return dataclasses.replace(graph, core=build_core(graph.csr, keep))


def build_core(csr: csr_array, protected: NDArray[np.bool_]) -> Core:
    """Prune unprotected trees, contract unprotected chains; see the module docstring.

    Parameters
    ----------
    csr
        Symmetric graph, minimum length per pair, no self-loops.
    protected
        Boolean mask of nodes that must stay.
    """
    n = csr.shape[0]
    row: NDArray[np.intp] = np.repeat(np.arange(n), np.diff(csr.indptr))
    col: NDArray[np.intp] = csr.indices.astype(np.intp)
    w: NDArray[np.float64] = csr.data.astype(np.float64)

    alive, parent, parent_w = _prune_trees(n, row, col, w, protected)
    root, off = _resolve_roots(alive, parent, parent_w)

    deg = np.bincount(row, weights=alive[col] & alive[row], minlength=n)
    chain = alive & ~protected & (deg == 2)
    anchor = alive & ~chain
    chain_nodes, (a_of, off_a, b_of, off_b), (ca, cb, cl) = _chains(n, row, col, w, chain, anchor)

    kept = np.flatnonzero(anchor)
    to_core = np.full(n, -1, dtype=np.intp)
    to_core[kept] = np.arange(len(kept))
    direct = anchor[row] & anchor[col]
    link = ca != cb  # a chain from an anchor back to itself adds no shortcut
    ca, cb, cl = ca[link], cb[link], cl[link]
    core_csr = symmetric_min_csr(
        np.r_[to_core[row[direct]], to_core[ca]],
        np.r_[to_core[col[direct]], to_core[cb]],
        np.r_[w[direct], cl],
        len(kept),
    )
    tree_nodes = np.flatnonzero(~alive)
    return Core(
        csr=core_csr,
        kept=kept,
        to_core=to_core,
        chain_nodes=chain_nodes,
        chain_a=a_of,
        chain_off_a=off_a,
        chain_b=b_of,
        chain_off_b=off_b,
        tree_nodes=tree_nodes,
        tree_root=root[tree_nodes],
        tree_off=off[tree_nodes],
    )


def _prune_trees(
    n: int,
    row: NDArray[np.intp],
    col: NDArray[np.intp],
    w: NDArray[np.float64],
    protected: NDArray[np.bool_],
) -> tuple[NDArray[np.bool_], NDArray[np.intp], NDArray[np.float64]]:
    """Remove unprotected leaves until none are left; record each one's parent and edge length."""
    alive = np.ones(n, dtype=bool)
    parent = np.full(n, -1, dtype=np.intp)
    parent_w = np.zeros(n)
    while True:  # one pass per layer of leaves: about as many as the longest spur has nodes
        live_edge = alive[row] & alive[col]
        deg = np.bincount(row[live_edge], minlength=n)
        leaves = alive & ~protected & (deg <= 1)
        if not leaves.any():
            return alive, parent, parent_w
        # a leaf's parent is its one live neighbour, unless that is a leaf too (an
        # isolated pair, which no source can reach)
        e = live_edge & leaves[row] & ~leaves[col]
        parent[row[e]] = col[e]
        parent_w[row[e]] = w[e]
        alive &= ~leaves


def _resolve_roots(
    alive: NDArray[np.bool_], parent: NDArray[np.intp], parent_w: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Follow parent pointers (by doubling) to the live node each pruned node hangs from."""
    n = len(alive)
    root = np.where(alive, np.arange(n), parent)
    off = np.where(alive, 0.0, parent_w)
    while True:
        hop = (root >= 0) & ~alive[np.maximum(root, 0)]
        hop &= root >= 0
        if not hop.any():
            return root, off
        nxt = root[hop]
        off[hop] = off[hop] + off[nxt]
        root[hop] = root[nxt]


def _chains(
    n: int,
    row: NDArray[np.intp],
    col: NDArray[np.intp],
    w: NDArray[np.float64],
    chain: NDArray[np.bool_],
    anchor: NDArray[np.bool_],
) -> tuple[
    NDArray[np.intp],
    tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]],
    tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]],
]:
    """Chain nodes, their anchors and offsets, and one (a, b, length) edge per chain."""
    inner = chain[row] & chain[col]
    graph = coo_array((np.ones(int(inner.sum())), (row[inner], col[inner])), shape=(n, n))
    _, label = connected_components(graph.tocsr(), directed=False)
    chain_nodes = np.flatnonzero(chain)
    if len(chain_nodes) == 0:
        empty_i = np.zeros(0, dtype=np.intp)
        empty_f = np.zeros(0)
        return empty_i, (empty_i, empty_f, empty_i, empty_f), (empty_i, empty_i, empty_f)
    # the two end links of every chain (chain node → anchor), sorted by chain
    end = chain[row] & anchor[col]
    end_label, end_anchor, end_w = label[row[end]], col[end], w[end]
    order = np.argsort(end_label, kind="stable")
    end_label, end_anchor, end_w = end_label[order], end_anchor[order], end_w[order]
    labels, first, count = np.unique(end_label, return_index=True, return_counts=True)
    two = count == 2  # a path with two ends (rings without anchors have none)
    labels, first = labels[two], first[two]
    a1, w1 = end_anchor[first], end_w[first]
    a2, w2 = end_anchor[first + 1], end_w[first + 1]
    inner_len = np.bincount(label[row[inner]], weights=w[inner], minlength=n) / 2.0
    total = inner_len[labels] + w1 + w2

    # distance from each chain node to its nearer end, over chain edges and end links only
    sub = inner | end | (anchor[row] & chain[col])
    sub_graph = csr_array((w[sub], (row[sub], col[sub])), shape=(n, n))
    anchors_used = np.unique(np.r_[a1, a2])
    d, _, near = dijkstra(
        sub_graph, directed=True, indices=anchors_used, min_only=True, return_predecessors=True
    )
    slot = np.full(n, -1, dtype=np.intp)
    slot[labels] = np.arange(len(labels))
    s = slot[label[chain_nodes]]
    ok = s >= 0
    a_of = np.full(len(chain_nodes), -1, dtype=np.intp)
    b_of = np.full(len(chain_nodes), -1, dtype=np.intp)
    off_a = np.full(len(chain_nodes), np.inf)
    off_b = np.full(len(chain_nodes), np.inf)
    nearest_end = near[chain_nodes[ok]].astype(np.intp)
    sa, sb = a1[s[ok]], a2[s[ok]]
    a_of[ok] = nearest_end
    off_a[ok] = d[chain_nodes[ok]]
    b_of[ok] = np.where(nearest_end == sa, sb, sa)
    off_b[ok] = total[s[ok]] - off_a[ok]
    return chain_nodes, (a_of, off_a, b_of, off_b), (a1, a2, total)
