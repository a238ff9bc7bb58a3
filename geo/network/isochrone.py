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


def _pieces(
    geom: shapely.LineString, from_start: float, from_end: float, length: float
) -> list[shapely.LineString]:
    """Parts of a partial edge reached: ``from_start`` m from its start, ``from_end`` to its end."""
    out = []
    scale = shapely.length(geom) / length if length > 0 else 1.0
    if from_start > 0:
        out.append(ops.substring(geom, 0.0, min(from_start, length) * scale))
    if from_end > 0:
        out.append(ops.substring(geom, max(length - from_end, 0.0) * scale, length * scale))
    return [p for p in out if isinstance(p, shapely.LineString) and p.length > 0]


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
    whole = (du + dv + length) / 2 <= d
    geoms = graph.edge_geoms
    parts: list[shapely.LineString] = list(geoms[whole])
    partial = np.flatnonzero(~whole & ((du < d) | (dv < d)))
    for k in partial:  # only edges on the rim: a few hundred at most
        rem_u = max(d - du[k], 0.0)
        rem_v = max(d - dv[k], 0.0)
        start, end = (rem_u, rem_v) if graph.edge_starts_at_u[k] else (rem_v, rem_u)
        parts.extend(_pieces(geoms[k], start, end, float(length[k])))
    e, sd, au = origin
    rem = d - sd
    if rem > 0 and not whole[e]:
        geom, length_e = geoms[e], float(length[e])
        at = au if graph.edge_starts_at_u[e] else length_e - au
        scale = shapely.length(geom) / length_e if length_e > 0 else 1.0
        piece = ops.substring(geom, max(at - rem, 0.0) * scale, min(at + rem, length_e) * scale)
        if isinstance(piece, shapely.LineString) and piece.length > 0:
            parts.append(piece)
    return shapely.MultiLineString(parts)


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
    return shapely.buffer(lines, buffer_m, quad_segs=8)
