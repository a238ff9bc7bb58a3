"""Exact straight-line distance from many points to the nearest of many features, fast.

:func:`shapely.STRtree.query_nearest` on whole polygons computes, for every
candidate, the point-to-polygon distance over all of the polygon's vertices, so
a few large sites with thousands of vertices dominate the cost for ~64,000
origins. Here every feature is cut into its boundary *segments* (two-point
lines) once; the tree then holds small, tight envelopes, and the nearest
segment's distance is exactly the distance to the feature's boundary (the
distance from a point outside a polygon to the polygon is the distance to its
boundary). Points in or on a polygon get 0 from one ``intersects`` query.

Lines are cut into their segments too, and points are kept as they are, so
the method applies to any feature layer (sites, blue space). EPSG:27700 metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt
import shapely
from scipy.spatial import cKDTree

from geo import parallel

F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Geoms = npt.NDArray[np.object_]
Index = npt.NDArray[np.intp]

_POINT = 0
_LINES = (1, 2)  # LineString, LinearRing
_LINEAL = (1, 2, 5)  # and MultiLineString
_POLYGON = 3


def _segments_of_lines(lines: Geoms) -> tuple[F64, Index]:
    """Two-point segments of every line as rows ``ax, ay, bx, by`` (m), and each one's line."""
    xy, vertex_of = shapely.get_coordinates(lines, return_index=True)
    same = vertex_of[1:] == vertex_of[:-1]
    ab = np.hstack([xy[:-1][same], xy[1:][same]]).reshape(-1, 4)
    return ab, np.asarray(vertex_of[:-1][same], dtype=np.intp)


def boundary_segments(geoms: Geoms) -> tuple[F64, Index, Bools]:
    """Every feature cut into its boundary segments (and points), with their owner.

    Only coordinates are made, no Shapely geometry per segment (the KD-tree
    needs only the numbers).

    Parameters
    ----------
    geoms
        (Multi)Polygons, (Multi)LineStrings or (Multi)Points, EPSG:27700.

    Returns
    -------
    (segments, owner, of_line)
        Rows ``ax, ay, bx, by`` (m): the segments of polygon rings (holes
        included), then of lines, then points (a = b); ``owner[k]`` is the
        index in ``geoms`` of row ``k``; ``of_line[k]`` is True for the
        segments of lines.
    """
    parts, part_of = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    kind = shapely.get_type_id(parts)
    poly = kind == _POLYGON
    rings, ring_of = shapely.get_rings(parts[poly], return_index=True)
    ring_ab, ring_seg_of = _segments_of_lines(rings)
    line = np.isin(kind, _LINES)
    line_ab, line_seg_of = _segments_of_lines(parts[line])
    point = kind == _POINT
    point_xy = shapely.get_coordinates(parts[point]).reshape(-1, 2)
    ab = np.concatenate([ring_ab, line_ab, np.hstack([point_xy, point_xy])])
    owner = np.concatenate(
        [
            part_of[poly][ring_of[ring_seg_of]],
            part_of[line][line_seg_of],
            part_of[point],
        ]
    ).astype(np.intp)
    of_line = np.zeros(len(ab), dtype=bool)
    of_line[len(ring_ab) : len(ring_ab) + len(line_ab)] = True
    return ab, owner, of_line


#: Longest piece kept, m: longer segments are cut into equal parts no longer than this.
PIECE_M = 25.0
#: Nearest piece midpoints examined per point before the exactness check: 8 settles
#: most points within ~300 m of a boundary (a 25 m piece's midpoint bound); the rest take
#: the ball query. Same answers as 16, ~10% less time for the county's searches.
K_NEAREST = 8
#: Midpoints per KD-tree leaf: far points (the county edge, the largest tiers) visit
#: fewer nodes with 64 than with SciPy's default 16 (same answers, ~5% less time).
_LEAF_SIZE = 64


def _split(ab: F64, owner: Index, piece_m: float) -> tuple[F64, Index]:
    """Cut each segment (rows ax, ay, bx, by) into equal pieces no longer than ``piece_m``."""
    length = np.hypot(ab[:, 2] - ab[:, 0], ab[:, 3] - ab[:, 1])
    parts = np.maximum(np.ceil(length / piece_m), 1).astype(np.int64)
    seg = np.repeat(np.arange(len(ab)), parts)
    start = np.cumsum(parts) - parts
    k = np.arange(len(seg)) - start[seg]
    t0 = (k / parts[seg])[:, None]
    t1 = ((k + 1) / parts[seg])[:, None]
    a, b = ab[seg, :2], ab[seg, 2:]
    # The last piece ends exactly at b, the first starts exactly at a.
    p0 = np.where(k[:, None] == 0, a, a + t0 * (b - a))
    p1 = np.where((k + 1)[:, None] == parts[seg][:, None], b, a + t1 * (b - a))
    return np.hstack([p0, p1]), owner[seg]


def _segment_distance(px: F64, py: F64, ab: F64) -> F64:
    """Exact distance from points (px, py) to segments ``ab`` (same shape, last axis 4)."""
    ax, ay, bx, by = ab[..., 0], ab[..., 1], ab[..., 2], ab[..., 3]
    dx, dy = bx - ax, by - ay
    ll = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(ll > 0, ((px - ax) * dx + (py - ay) * dy) / ll, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return np.asarray(np.hypot(px - (ax + t * dx), py - (ay + t * dy)), dtype=np.float64)


@dataclass(frozen=True)
class FeatureIndex:
    """A feature layer prepared for repeated nearest-distance queries.

    Build once with :meth:`of`, then ask :func:`nearest_distances` for any
    subsets (e.g. the sites of at least each tier's size). ``pieces`` holds
    the boundary segments (points as zero-length segments) cut to at most
    :data:`PIECE_M` m, as rows ``ax, ay, bx, by`` (EPSG:27700 m).
    ``line_segments`` holds the uncut segments of the layer's lines, with
    their owners in ``line_owner`` (to find the points lying on a line).
    """

    geoms: Geoms
    pieces: F64
    owner: Index
    line_segments: F64
    line_owner: Index

    @classmethod
    def of(cls, geoms: Geoms, piece_m: float = PIECE_M) -> FeatureIndex:
        """Cut ``geoms`` (EPSG:27700) into pieces (:func:`boundary_segments`)."""
        g = np.asarray(geoms, dtype=object)
        ab, owner, of_line = boundary_segments(g)
        if len(ab) == 0:  # no feature (e.g. no water in a small extract): distances are inf
            empty = np.empty(0, dtype=np.intp)
            return cls(g, np.empty((0, 4)), empty, np.empty((0, 4)), empty)
        pieces, piece_owner = _split(ab, owner, piece_m)
        return cls(g, pieces, piece_owner, ab[of_line], owner[of_line])


def _midpoint_tree(pieces: F64) -> cKDTree:
    """KD-tree of the midpoints of ``pieces`` (rows ax, ay, bx, by)."""
    return cKDTree((pieces[:, :2] + pieces[:, 2:]) / 2.0, leafsize=_LEAF_SIZE)


def _nearest_piece(px: F64, py: F64, pieces: F64, tree: cKDTree) -> tuple[F64, Index]:
    """Exact distance from each point to the nearest of ``pieces``, and that piece.

    A piece whose midpoint is *r* from the point is at least *r* − *h* away,
    *h* the largest half-length. So once the best exact distance among the
    :data:`K_NEAREST` nearest midpoints is at most the *k*-th midpoint distance
    − *h*, no other piece can be nearer; for the few points where this fails,
    every piece with its midpoint within best + *h* is tested (a ball query),
    which is again exact. ``tree`` is the KD-tree of the pieces' midpoints
    (:func:`_midpoint_tree`), built once and shared by the threads.

    Returns
    -------
    (distance, piece)
        Metres, and the row of ``pieces`` at that distance (one of them on a tie).
    """
    half = float(np.max(np.hypot(*(pieces[:, 2:] - pieces[:, :2]).T)) / 2.0)
    k = min(K_NEAREST, len(pieces))
    xy = np.column_stack([px, py])
    r, j = tree.query(xy, k=k)
    r, j = r.reshape(len(px), k), j.reshape(len(px), k)
    dk = _segment_distance(px[:, None], py[:, None], pieces[j])
    best = dk.argmin(axis=1)
    rows = np.arange(len(px))
    d: F64 = dk[rows, best]
    which: Index = j[rows, best].astype(np.intp)
    unsure = np.flatnonzero(d > r[:, -1] - half) if k < len(pieces) else np.empty(0, np.intp)
    if len(unsure):
        # Every piece that could be nearer has its midpoint within d + h: test them all.
        near = tree.query_ball_point(xy[unsure], r=d[unsure] + half, return_sorted=False)
        sizes = np.fromiter(map(len, near), dtype=np.intp, count=len(near))
        cand = np.fromiter(chain.from_iterable(near), dtype=np.intp, count=int(sizes.sum()))
        who = np.repeat(np.arange(len(unsure)), sizes)
        dc = _segment_distance(px[unsure][who], py[unsure][who], pieces[cand])
        first = np.lexsort((dc, who))[np.cumsum(sizes) - sizes]  # each point's nearest
        nearer = dc[first] < d[unsure]
        d[unsure[nearer]] = dc[first][nearer]
        which[unsure[nearer]] = cand[first][nearer]
    return d, which


def nearest_distances(
    points: Geoms,
    features: FeatureIndex,
    subsets: Sequence[Bools | None],
    below: Sequence[F64 | None] | None = None,
) -> list[F64]:
    """Distance (m) from every point to the nearest feature of each subset.

    Parameters
    ----------
    points
        Shapely Points, EPSG:27700.
    features
        From :meth:`FeatureIndex.of`.
    subsets
        One boolean mask over the features per query (``None``: all of them).
    below
        Optionally, per subset, the distance (m) per point below which its answer
        is wanted (``None``: everywhere). A point whose distance to a superset's
        nearest feature (a lower bound) is already at least that is not searched
        again, and its answer is that lower bound; so ``minimum(below, answer)``
        equals ``minimum(below, distance)`` at every point.

    Returns
    -------
    list of numpy.ndarray
        One array per subset: 0 for a point in or on a polygon of the subset,
        else the exact distance to the nearest boundary segment, line or point
        of the subset (or, where ``below`` says so, a value at least ``below``);
        ``inf`` when the subset is empty. Equal to ``shapely.distance(point,
        feature)`` minimised over the subset.
    """
    pts = np.asarray(points, dtype=object)
    n = len(pts)
    px, py = shapely.get_x(pts), shapely.get_y(pts)
    inside_ft: Index = np.empty(0, dtype=np.intp)
    inside_pt: Index = np.empty(0, dtype=np.intp)
    if n and len(features.geoms):
        inside_ft, inside_pt = _contained(pts, features)
    keeps = [
        np.ones(len(features.geoms), dtype=bool) if sub is None else np.asarray(sub, dtype=bool)
        for sub in subsets  # a handful of tiers
    ]
    # Largest subsets first. A subset's answer at a point is its nearest superset's
    # wherever that superset's nearest feature belongs to the subset too (nested
    # tiers: the nearest site of >= 2 ha is often also the nearest of >= 10 ha), so
    # only the other points are searched again.
    boundary: dict[int, tuple[F64, Index]] = {}  # subset -> (distance, nearest feature)
    for s in sorted(range(len(keeps)), key=lambda i: -int(keeps[i].sum())):
        keep = keeps[s]
        dist, owner = np.full(n, np.inf), np.full(n, -1, dtype=np.intp)
        on = keep[features.owner]
        if n and on.any():
            supersets = [t for t in boundary if not np.any(keep & ~keeps[t])]
            todo = np.arange(n)
            if supersets:
                parent = min(supersets, key=lambda t: int(keeps[t].sum()))
                dist, owner = boundary[parent][0].copy(), boundary[parent][1].copy()
                todo = np.flatnonzero(~keep[owner])
                wanted = None if below is None else below[s]
                if wanted is not None:  # the superset's distance is a lower bound
                    todo = todo[dist[todo] < wanted[todo]]
            if len(todo):
                d, which = _nearest_in(px[todo], py[todo], features.pieces[on])
                dist[todo], owner[todo] = d, features.owner[on][which]
        boundary[s] = dist, owner
    out: list[F64] = []
    for s, keep in enumerate(keeps):
        dist = boundary[s][0].copy()
        dist[inside_pt[keep[inside_ft]]] = 0.0
        out.append(dist)
    return out


def _contained(pts: Geoms, features: FeatureIndex) -> tuple[Index, Index]:
    """Every (feature, point) pair where the feature contains the point (GEOS ``contains``).

    A tree over the points, each feature prepared once (boundary points are
    found by the pieces at distance 0 anyway). A line contains only the points
    on it, so a line's candidates are the points in the envelope of one of its
    segments (a line's own envelope, e.g. the county boundary's, holds every
    point and would test them all); ``contains`` then decides each candidate,
    the same test as on the whole layer.
    """
    tree = shapely.STRtree(pts)
    lineal = np.isin(shapely.get_type_id(features.geoms), _LINEAL)
    rest = np.flatnonzero(~lineal)
    hit = tree.query(features.geoms[rest], predicate="contains")
    ft, pt = [rest[hit[0]]], [hit[1]]
    if len(features.line_segments):
        ab = features.line_segments
        boxes = shapely.box(
            np.minimum(ab[:, 0], ab[:, 2]),
            np.minimum(ab[:, 1], ab[:, 3]),
            np.maximum(ab[:, 0], ab[:, 2]),
            np.maximum(ab[:, 1], ab[:, 3]),
        )
        seg, cand = tree.query(boxes)
        pairs = np.unique(np.column_stack([features.line_owner[seg], cand]), axis=0)
        pairs = pairs[lineal[pairs[:, 0]]]
        yes = shapely.contains(features.geoms[pairs[:, 0]], pts[pairs[:, 1]])
        ft.append(pairs[yes, 0])
        pt.append(pairs[yes, 1])
    return np.concatenate(ft).astype(np.intp), np.concatenate(pt).astype(np.intp)


def _nearest_in(px: F64, py: F64, pieces: F64) -> tuple[F64, Index]:
    """:func:`_nearest_piece` over chunks of the points, each chunk on its own thread
    (the work is numpy and the KD-tree, which release the GIL)."""
    tree = _midpoint_tree(pieces)
    parts = parallel.map_chunks(lambda c: _nearest_piece(px[c], py[c], pieces, tree), len(px))
    return np.concatenate([d for d, _ in parts]), np.concatenate([w for _, w in parts])
