"""Walking isochrones: the streets reachable within a distance, as lines and buffered areas.

From one origin (snapped to its nearest edge, as every origin is:
:func:`geo.network.routing.snap`) a Dijkstra from the two ends of its edge gives
every node's walking distance ``d``. An edge ``(u, v)`` of length ``L`` is
wholly reached within ``D`` when its farthest point, at walking distance
``(d_u + d_v + L) / 2``, is (the walk may come in from either end); otherwise
only the first ``D - d_u`` metres from ``u`` and the last ``D - d_v`` metres
before ``v`` are (partial edges cut at the remaining distance). The origin's own
edge is also reached ``D - snap distance`` either side of the snapped point.

The reached lines are buffered by :data:`ISOCHRONE_BUFFER_M` (25 m: half a
typical street-plus-frontage width, so the area covers the homes and parks
fronting the reached streets; the "buffered network" isochrone of e.g.
OSMnx's isochrone example and GHSCI service areas). Coordinates EPSG:27700 m.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra
from shapely import ops

from geo.network.routing import WalkGraph, snap

#: Buffer round the reached streets, m.
ISOCHRONE_BUFFER_M = 25.0


def reached_lines(
    graph: WalkGraph, x: float, y: float, distance_m: float
) -> shapely.MultiLineString | shapely.GeometryCollection:
    """Every part of every street within ``distance_m`` walking of the point ``(x, y)``.

    Parameters
    ----------
    graph
        The walking network.
    x, y
        The origin, EPSG:27700 m.
    distance_m
        Walking distance, m (including the straight snap to the nearest edge).

    Returns
    -------
    shapely geometry
        The reached (parts of) edges as one MultiLineString; empty when the
        origin is farther than ``distance_m`` from every edge.
    """
    s = snap(graph, np.array([x]), np.array([y]), max_distance=distance_m)
    e = int(s.edge[0])
    if e < 0:
        return shapely.MultiLineString([])
    sd, au, av = float(s.distance[0]), float(s.along_u[0]), float(s.along_v[0])
    u, v = int(graph.edge_u[e]), int(graph.edge_v[e])
    d2 = dijkstra(graph.csr, directed=True, indices=[u, v], limit=distance_m)
    dist = np.minimum(sd + au + d2[0], sd + av + d2[1])
    return _cut(graph, dist, distance_m, origin=(e, sd, au))


def _cut(
    graph: WalkGraph, dist: NDArray[np.float64], d: float, origin: tuple[int, float, float]
) -> shapely.MultiLineString:
    """The reached parts of every edge, given each node's walking distance ``dist`` (m)."""
    du = dist[graph.edge_u]
    dv = dist[graph.edge_v]
    length = graph.edge_length
    e, sd, au = origin
    whole = (du + dv + length) / 2 <= d
    geoms = graph.edge_geoms
    parts: list[shapely.LineString] = list(geoms[whole])
    rim = ~whole & ((du < d) | (dv < d))
    rim[e] = False  # the origin's own edge: below, as one union of intervals
    for k in np.flatnonzero(rim):  # only edges on the rim: a few hundred at most
        rem_u = max(d - du[k], 0.0)
        rem_v = max(d - dv[k], 0.0)
        parts.extend(_intervals(graph, int(k), [(0.0, rem_u), (length[k] - rem_v, length[k])]))
    if not whole[e]:
        rem = d - sd
        spans = [
            (0.0, d - du[e]),
            (length[e] - (d - dv[e]), length[e]),
            (au - rem, au + rem),
        ]
        parts.extend(_intervals(graph, e, spans))
    return shapely.MultiLineString(parts)


def _intervals(
    graph: WalkGraph, k: int, spans: list[tuple[float, float]]
) -> list[shapely.LineString]:
    """Edge ``k`` cut to the union of ``spans`` (metres from its ``u`` end)."""
    length = float(graph.edge_length[k])
    clipped = sorted(
        (max(a, 0.0), min(b, length)) for a, b in spans if min(b, length) > max(a, 0.0)
    )
    merged: list[list[float]] = []
    for a, b in clipped:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    geom = graph.edge_geoms[k]
    scale = shapely.length(geom) / length if length > 0 else 1.0
    out = []
    for a, b in merged:
        if not graph.edge_starts_at_u[k]:
            a, b = length - b, length - a
        piece = ops.substring(geom, a * scale, b * scale)
        if isinstance(piece, shapely.LineString) and piece.length > 0:
            out.append(piece)
    return out


def isochrone(
    graph: WalkGraph,
    x: float,
    y: float,
    distance_m: float,
    buffer_m: float = ISOCHRONE_BUFFER_M,
) -> shapely.Geometry:
    """The walking isochrone polygon: :func:`reached_lines` buffered by ``buffer_m`` (m).

    Parameters
    ----------
    graph
        The walking network.
    x, y
        The origin, EPSG:27700 m.
    distance_m
        Walking distance, m.
    buffer_m
        Buffer round the reached streets, m.

    Returns
    -------
    shapely (Multi)Polygon
        EPSG:27700; empty when nothing is reached.
    """
    lines = reached_lines(graph, x, y, distance_m)
    # Buffer each reached piece, then union: the same polygon (to 2e-5 m² on the real
    # Leeds network) as buffering the whole MultiLineString, ~35x faster (0.6 s vs 23 s).
    parts = shapely.get_parts(lines)
    if len(parts) == 0:
        return shapely.Polygon()
    return shapely.union_all(shapely.buffer(parts, buffer_m, quad_segs=8))
