"""Walking-network access to green-space sites, by Natural England size/distance tier.

A site is reached at its *access nodes* (:func:`site_access_nodes`): the network
nodes within :data:`~geo.standards.ACCESS_NODE_DISTANCE_M` (30 m) of its
boundary, as in the Global Healthy and Sustainable City Indicators (GHSCI) tool,
plus the node nearest each of its mapped entrances (OS Open Greenspace access
points, OSM entrance and gate nodes: :class:`geo.entrances.Entrances`). A site
whose boundary is mapped as a wall or fence is entered only at its entrances.
For each tier one multi-source Dijkstra from the
access nodes of every site large enough, bounded at the tier distance, gives
every node's distance to the nearest qualifying site; origins are snapped to
the nearest edge (:mod:`geo.network.routing`).

The network is complete only inside an area (given by the caller). A walk of
length ``d`` never leaves the disk of radius ``d`` round its start, so a result
is exact if and only if that whole disk lies inside the area; every other
origin gets NaN / ``<NA>`` and a reason, never a number that could be wrong.
All coordinates are EPSG:27700 metres.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from geo.entrances import BY_TOUCH, ENTRANCE_TOUCH_M, Entrances
from geo.network.contraction import contract
from geo.network.routing import AccessNodes, WalkGraph, multi_source, origin_distance, snap
from geo.standards import ACCESS_NODE_DISTANCE_M, ACCESS_TIERS, AccessTier

#: What the complete-network area is called in ``net_reason`` when the caller does not
#: say (:func:`layers.network.network_coverage` gives the bundle's own words).
NETWORK_EXTENT = "the complete-network area"


@dataclass(frozen=True, eq=False)
class NetworkOptions:
    """How sites are entered from the network, and how its complete area is described.

    Attributes
    ----------
    access_distance_m
        Access-node distance, m (default :data:`~geo.standards.ACCESS_NODE_DISTANCE_M`, 30 m).
    entrances
        Optional entrances of the sites these options are used with
        (:class:`geo.entrances.Entrances`, see :func:`site_access_nodes`).
    extent
        How the complete-network area is described in ``net_reason``.
    """

    access_distance_m: float = ACCESS_NODE_DISTANCE_M
    entrances: Entrances | None = None
    extent: str = NETWORK_EXTENT


#: The GHSCI defaults: 30 m access nodes, no entrances, a generic area name.
DEFAULT_OPTIONS = NetworkOptions()


def contract_for(
    graph: WalkGraph,
    *feature_sets: NDArray[np.object_],
    distance_m: float = ACCESS_NODE_DISTANCE_M,
    entrances: Sequence[Entrances | None] = (),
) -> WalkGraph:
    """The graph with a contracted core that keeps every access node of these features.

    Routing on it gives exactly the same distances, faster
    (:mod:`geo.network.contraction`). A later source outside these access nodes (a
    scenario's new park) makes :func:`geo.network.routing.multi_source` use the full
    graph, so results stay exact either way.

    Parameters
    ----------
    graph
        The full network.
    *feature_sets
        Arrays of polygons or lines (EPSG:27700) that may become sources:
        green-space sites, blue space.
    distance_m
        Access-node distance, m.
    entrances
        The entrances of each feature set, in order (:func:`site_access_nodes`);
        feature sets beyond its length have none.

    Returns
    -------
    WalkGraph
        ``graph`` with a :class:`~geo.network.contraction.Core` attached, and the
        access nodes of each feature set recorded
        (:class:`~geo.network.routing.AccessNodes`) for :func:`site_access_nodes`.
    """
    ents = [*entrances, *[None] * (len(feature_sets) - len(entrances))]
    found = [
        AccessNodes.record(
            geoms, distance_m, ent, *site_access_nodes(graph, geoms, distance_m, ent)
        )
        for geoms, ent in zip(feature_sets, ents, strict=True)
    ]
    nodes = [f.node for f in found]
    contracted = contract(graph, np.concatenate([np.zeros(0, dtype=np.intp), *nodes]))
    # kept with the graph: network_tier_access on the same features need not look again
    return dataclasses.replace(contracted, access_nodes=contracted.access_nodes + tuple(found))


def _same_geoms(a: NDArray[np.object_] | None, b: NDArray[np.object_] | None) -> bool:
    """Whether two geometry arrays (or Nones) hold identical geometries, in order."""
    if a is None or b is None:
        return a is None and b is None
    return a is b or (len(a) == len(b) and bool(np.all(shapely.equals_identical(a, b))))


def _recorded(
    graph: WalkGraph,
    geoms: NDArray[np.object_],
    distance_m: float,
    entrances: Entrances | None,
) -> AccessNodes | None:
    """The access nodes :func:`contract_for` found for exactly these inputs, if any."""
    for known in graph.access_nodes:
        same_entrances = (
            known.entrances is None if entrances is None else entrances.same_as(known.entrances)
        )
        if known.distance_m == distance_m and same_entrances and _same_geoms(known.geoms, geoms):
            return known
    return None


def site_access_nodes(
    graph: WalkGraph,
    site_geoms: NDArray[np.object_],
    distance_m: float = ACCESS_NODE_DISTANCE_M,
    entrances: Entrances | None = None,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The network nodes through which each site is entered.

    By default (the GHSCI approach) these are all nodes within ``distance_m``
    of the site polygon, inside it included, found with one STRtree
    ``dwithin`` query.

    ``entrances`` (:class:`geo.entrances.Entrances`) add, for each entrance,
    the node nearest it, provided that node is within ``distance_m`` of the
    entrance (entrances with no node that close are ignored). An entrance
    belongs to the site it names, or (OSM entrance nodes) to every site within
    :data:`~geo.entrances.ENTRANCE_TOUCH_M` of it. A site flagged
    ``entrances.enclosed`` that has at least one usable entrance is entered
    *only* at its entrances' nodes; every other site keeps its ``distance_m``
    nodes as well.

    Why entrances are added, and replace the 30 m rule only for walled sites:
    Natural England's Green Infrastructure Framework (2023) measures to site
    entrances, but an unfenced park or green can be walked into anywhere along
    its edge, which is what the GHSCI 30 m rule (Boeing et al. 2022, Lancet
    Global Health 10(6) e907) stands for. An OS access point 30 m off the OSM
    polygon (a gate at the road edge) adds a node the 30 m rule misses; only a
    mapped wall or fence makes the street along it no way in.

    When :func:`contract_for` has already found them for identical geometries,
    distance and entrances, the recorded arrays (``graph.access_nodes``) are
    returned (read-only) instead of querying again: the same answer.

    Parameters
    ----------
    graph
        The network.
    site_geoms
        Site (Multi)Polygons, EPSG:27700.
    distance_m
        Access distance, m.
    entrances
        Optional entrances of these sites (their ``site`` positions index ``site_geoms``).

    Returns
    -------
    (site_index, node_index)
        Paired int arrays, sorted by site then node, without duplicates:
        ``node_index[k]`` (a node position in ``graph``) is an access node of
        ``site_geoms[site_index[k]]``. Sites with no node near them are absent.

    Raises
    ------
    ValueError
        If an entrance names a site beyond ``site_geoms`` or ``enclosed`` has
        another length.
    """
    geoms = np.asarray(site_geoms, dtype=object)
    known = _recorded(graph, geoms, distance_m, entrances)
    if known is not None:
        return known.feature, known.node
    site, node = graph.node_tree.query(geoms, predicate="dwithin", distance=distance_m)
    if entrances is not None and len(geoms):
        e_site, e_node = _entrance_nodes(graph, geoms, distance_m, entrances)
        if entrances.enclosed is not None:
            walled = np.zeros(len(geoms), dtype=bool)
            walled[e_site] = True
            walled &= entrances.enclosed
            keep = ~walled[site]
            site, node = site[keep], node[keep]
        site = np.r_[site, e_site]
        node = np.r_[node, e_node]
    site, node = np.asarray(site, dtype=np.intp), np.asarray(node, dtype=np.intp)
    # sorted and deduplicated by a lexsort (np.unique(axis=0) sorts row views: 6x slower)
    order = np.lexsort((node, site))
    site, node = site[order], node[order]
    first = np.ones(len(site), dtype=bool)
    first[1:] = (site[1:] != site[:-1]) | (node[1:] != node[:-1])
    return site[first], node[first]


def _entrance_nodes(
    graph: WalkGraph, geoms: NDArray[np.object_], distance_m: float, entrances: Entrances
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(site, node) pairs: each usable entrance's site(s) and its nearest node within
    ``distance_m`` (one STRtree nearest query for all entrances, one touch query)."""
    if entrances.enclosed is not None and len(entrances.enclosed) != len(geoms):
        raise ValueError(
            f"entrances.enclosed has {len(entrances.enclosed)} flags for {len(geoms)} sites"
        )
    pts = np.asarray(entrances.points, dtype=object)
    named = np.flatnonzero(entrances.site != BY_TOUCH)
    if len(named) and not (
        0 <= entrances.site[named].min() <= entrances.site[named].max() < len(geoms)
    ):
        raise ValueError(f"an entrance names a site outside the {len(geoms)} sites given")
    touch = np.flatnonzero(entrances.site == BY_TOUCH)
    t_row, t_site = shapely.STRtree(geoms).query(
        pts[touch], predicate="dwithin", distance=ENTRANCE_TOUCH_M
    )
    ent = np.r_[named, touch[t_row]]
    ent_site = np.r_[entrances.site[named], t_site]
    which, nearest = graph.node_tree.query_nearest(pts, max_distance=distance_m, all_matches=False)
    ent_node = np.full(len(pts), -1, dtype=np.intp)
    ent_node[which] = nearest
    pair_node = ent_node[ent]
    usable = pair_node >= 0
    return ent_site[usable].astype(np.intp), pair_node[usable]


def _tier_columns(tier: AccessTier) -> tuple[str, str, str]:
    return f"net_dist_{tier.name}", f"net_meets_{tier.name}", f"net_available_{tier.name}"


def _format_distance(d: float) -> str:
    return f"{d / 1000:g} km" if d >= 1000 else f"{d:g} m"


def _disk_inside(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    area: shapely.Geometry,
    distances: NDArray[np.float64],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """Which origins' disks of each radius lie wholly inside ``area``.

    Returns ``(has_xy, inside, ok)``: finite coordinates, origin inside the
    area, and the (n_origins, n_distances) bool matrix ``ok[i, j]`` — origin
    ``i`` is inside and at least ``distances[j]`` m from the area's boundary
    (all of it, holes included).
    """
    has_xy = np.isfinite(x) & np.isfinite(y)
    inside = np.zeros(len(x), dtype=bool)
    clearance = np.full(len(x), -np.inf)
    inside[has_xy] = shapely.contains_xy(area, x[has_xy], y[has_xy])
    pts = shapely.points(x[inside], y[inside])
    clearance[inside] = shapely.distance(pts, area.boundary)
    ok = inside[:, None] & (clearance[:, None] >= distances[None, :])
    return has_xy, inside, ok


def _reasons(
    has_xy: NDArray[np.bool_],
    inside: NDArray[np.bool_],
    ok: NDArray[np.bool_],
    tiers: Sequence[AccessTier],
    extent: str,
) -> NDArray[np.object_]:
    """One ``net_reason`` string per origin ("" when every tier is available)."""
    bits = (ok.astype(np.int64) << np.arange(ok.shape[1], dtype=np.int64)).sum(axis=1)
    code = np.where(~has_xy, -2, np.where(~inside, -1, bits))
    uniq, inverse = np.unique(code, return_inverse=True)
    texts: list[str] = []
    for c in uniq:  # a handful of distinct patterns, not one per origin
        if c == -2:
            texts.append("origin has no coordinates")
        elif c == -1:
            texts.append(f"origin is outside {extent}")
        else:
            missing = sorted({t.distance_m for j, t in enumerate(tiers) if not (int(c) >> j) & 1})
            if not missing:
                texts.append("")
                continue
            labels = [_format_distance(d) for d in missing]
            listed = (
                labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
            )
            walks = "walk" if len(labels) == 1 else "walks"
            texts.append(f"origin's {listed} {walks} would leave {extent}")
    reasons: NDArray[np.object_] = np.asarray(texts, dtype=object)[inverse.ravel()]
    return reasons


def network_tier_access(
    graph: WalkGraph,
    origin_x: NDArray[np.float64],
    origin_y: NDArray[np.float64],
    site_geoms: NDArray[np.object_],
    site_area_ha: NDArray[np.float64],
    area_polygon: shapely.Geometry,
    tiers: Sequence[AccessTier] = ACCESS_TIERS,
    *,
    options: NetworkOptions = DEFAULT_OPTIONS,
) -> pd.DataFrame:
    """Walking distance from each origin to the nearest site of each tier's size.

    One multi-source Dijkstra per tier, from the access nodes
    (:func:`site_access_nodes`) of every site of at least the tier's
    ``min_ha``, bounded at the tier's ``distance_m``. Origins are snapped to
    their nearest edge. Results are given only where the origin's whole disk
    of radius ``distance_m`` lies inside ``area_polygon`` (where the network is
    complete), which makes them exact.

    Parameters
    ----------
    graph
        The walking network.
    origin_x, origin_y
        Origins, EPSG:27700 m (e.g. LSOA population-weighted centroids).
    site_geoms
        Site (Multi)Polygons, EPSG:27700.
    site_area_ha
        Site areas, ha (the tier size test).
    area_polygon
        (Multi)Polygon where the network is complete, EPSG:27700.
    tiers
        Size/distance standards.
    options
        Access-node distance (m), optional site entrances and how
        ``area_polygon`` is described in ``net_reason`` (:class:`NetworkOptions`).

    Returns
    -------
    pandas.DataFrame
        One row per origin (RangeIndex, in input order). For each tier ``T``:

        ``net_dist_T``
            Walking distance to the nearest qualifying site, m (float). NaN when
            not available; ``inf`` when available but no qualifying site is
            within the tier distance (the search stops there).
        ``net_meets_T``
            ``net_dist_T <= distance_m`` (pandas nullable boolean), ``<NA>`` when
            not available.
        ``net_available_T``
            bool: the origin's tier disk lies inside ``area_polygon``.

        and ``net_reason`` (str): why some or all tiers are unavailable, ""
        when all are available.
    """
    x = np.asarray(origin_x, dtype=float)
    y = np.asarray(origin_y, dtype=float)
    area_ha = np.asarray(site_area_ha, dtype=float)
    distances = np.array([t.distance_m for t in tiers], dtype=float)
    has_xy, inside, ok = _disk_inside(x, y, area_polygon, distances)

    any_ok = ok.any(axis=1)
    snapped = snap(
        graph, x[any_ok], y[any_ok], max_distance=float(distances[ok.any(axis=0)].max(initial=0.0))
    )
    site_index, node_index = site_access_nodes(
        graph, site_geoms, options.access_distance_m, options.entrances
    )

    columns: dict[str, object] = {}
    for j, tier in enumerate(tiers):
        dist_col, meets_col, avail_col = _tier_columns(tier)
        dist = np.full(len(x), np.nan)
        if ok[:, j].any():
            sources = node_index[area_ha[site_index] >= tier.min_ha]
            node_dist, _ = multi_source(graph, sources, limit=tier.distance_m)
            d = origin_distance(graph, snapped, node_dist)
            d[d > tier.distance_m] = np.inf
            dist[any_ok] = np.where(ok[any_ok, j], d, np.nan)
        columns[dist_col] = dist
        columns[meets_col] = _meets(dist, ok[:, j], tier.distance_m)
        columns[avail_col] = ok[:, j].copy()
    columns["net_reason"] = _reasons(has_xy, inside, ok, tiers, options.extent)
    return pd.DataFrame(columns)


def _meets(
    dist: NDArray[np.float64], available: NDArray[np.bool_], distance_m: float
) -> pd.arrays.BooleanArray:
    """Nullable ``dist <= distance_m``, ``<NA>`` where not available."""
    return pd.arrays.BooleanArray(dist <= distance_m, ~available)


def scenario_network_access(
    graph: WalkGraph,
    access: pd.DataFrame,
    origin_x: NDArray[np.float64],
    origin_y: NDArray[np.float64],
    new_site_geom: shapely.Geometry,
    new_site_area_ha: float,
    tiers: Sequence[AccessTier] = ACCESS_TIERS,
    *,
    options: NetworkOptions = DEFAULT_OPTIONS,
) -> pd.DataFrame:
    """Update :func:`network_tier_access` results for one new green-space site.

    Only what can change is recomputed: one Dijkstra from the new site's
    access nodes, bounded at the largest distance of the tiers it qualifies
    for, then for each such tier the minimum of the old distance and the new
    one, for available origins within straight-line reach of the site. The
    result equals a full :func:`network_tier_access` run with the site
    appended to the site list.

    The new site is treated as a separate site: if it touches an existing
    site, the merged site's larger area (which could lift the existing site
    into a bigger tier) is not considered.

    Parameters
    ----------
    graph
        The walking network used for ``access``.
    access
        Output of :func:`network_tier_access` for the same origins, in the same
        order, and the same ``tiers``.
    origin_x, origin_y
        The origins, EPSG:27700 m.
    new_site_geom
        The new site's (Multi)Polygon, EPSG:27700.
    new_site_area_ha
        Its area, ha.
    tiers
        Size/distance standards (as used for ``access``).
    options
        Access-node distance (m) and optional entrances, as used for ``access``
        (:class:`NetworkOptions`; ``extent`` is not used here). Of the entrances
        only the OSM nodes found by touch apply to the new site.

    Returns
    -------
    pandas.DataFrame
        A copy of ``access`` with ``net_dist_T`` and ``net_meets_T`` updated.
    """
    out = access.copy()
    x = np.asarray(origin_x, dtype=float)
    y = np.asarray(origin_y, dtype=float)
    qualifying = [
        t
        for t in tiers
        if new_site_area_ha >= t.min_ha and out[_tier_columns(t)[2]].to_numpy(bool).any()
    ]
    if not qualifying:
        return out
    # the options' entrances name positions in the existing site array: only the
    # OSM entrance nodes on the new site's boundary apply to it
    _, nodes = site_access_nodes(
        graph,
        np.array([new_site_geom], dtype=object),
        options.access_distance_m,
        None if options.entrances is None else options.entrances.by_touch(),
    )
    if len(nodes) == 0:
        return out
    d_max = max(t.distance_m for t in qualifying)
    available = np.column_stack([out[_tier_columns(t)[2]].to_numpy(bool) for t in qualifying])
    # A walk of length <= d ends within d of its start, and access nodes lie within
    # access_distance_m of the site, so farther origins cannot change.
    candidate = np.flatnonzero(available.any(axis=1))
    reach = shapely.dwithin(
        new_site_geom,
        shapely.points(x[candidate], y[candidate]),
        d_max + options.access_distance_m,
    )
    near = candidate[np.asarray(reach, dtype=bool)]
    snapped = snap(graph, x[near], y[near], max_distance=d_max)
    node_dist, _ = multi_source(graph, nodes, limit=d_max)
    new = origin_distance(graph, snapped, node_dist)
    for j, tier in enumerate(qualifying):
        dist_col, meets_col, _ = _tier_columns(tier)
        d = np.where(new > tier.distance_m, np.inf, new)
        rows = available[near, j]
        dist = out[dist_col].to_numpy(float).copy()
        target = near[rows]
        dist[target] = np.minimum(dist[target], d[rows])
        out[dist_col] = dist
        out[meets_col] = _meets(dist, available[:, j], tier.distance_m)
    return out
