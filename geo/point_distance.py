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

import numpy as np
import numpy.typing as npt
import shapely

F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Geoms = npt.NDArray[np.object_]
Index = npt.NDArray[np.intp]

_POINT = 0
_LINES = (1, 2)  # LineString, LinearRing
_POLYGON = 3


def _segments_of_lines(lines: Geoms) -> tuple[Geoms, Index]:
    """Two-point segments of every line, and the index of the line each came from."""
    xy, vertex_of = shapely.get_coordinates(lines, return_index=True)
    same = vertex_of[1:] == vertex_of[:-1]
    segs = shapely.linestrings(np.stack([xy[:-1][same], xy[1:][same]], axis=1))
    return np.asarray(segs, dtype=object), np.asarray(vertex_of[:-1][same], dtype=np.intp)


def boundary_segments(geoms: Geoms) -> tuple[Geoms, Index]:
    """Every feature cut into its boundary segments (and points), with their owner.

    Parameters
    ----------
    geoms
        (Multi)Polygons, (Multi)LineStrings or (Multi)Points, EPSG:27700.

    Returns
    -------
    (pieces, owner)
        Two-point LineStrings (polygon rings, holes included, and lines) and
        Points; ``owner[k]`` is the index in ``geoms`` of piece ``k``.
    """
    parts, part_of = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    kind = shapely.get_type_id(parts)
    poly = kind == _POLYGON
    rings, ring_of = shapely.get_rings(parts[poly], return_index=True)
    ring_segs, ring_seg_of = _segments_of_lines(rings)
    line = np.isin(kind, _LINES)
    line_segs, line_seg_of = _segments_of_lines(parts[line])
    point = kind == _POINT
    pieces = np.concatenate([ring_segs, line_segs, parts[point]])
    owner = np.concatenate(
        [
            part_of[poly][ring_of[ring_seg_of]],
            part_of[line][line_seg_of],
            part_of[point],
        ]
    ).astype(np.intp)
    return pieces, owner


@dataclass(frozen=True)
class FeatureIndex:
    """A feature layer prepared for repeated nearest-distance queries.

    Build once with :meth:`of`, then ask :func:`nearest_distances` for any
    subsets (e.g. the sites of at least each tier's size).
    """

    geoms: Geoms
    pieces: Geoms
    owner: Index

    @classmethod
    def of(cls, geoms: Geoms) -> FeatureIndex:
        """Cut ``geoms`` (EPSG:27700) into segments (:func:`boundary_segments`)."""
        g = np.asarray(geoms, dtype=object)
        pieces, owner = boundary_segments(g)
        return cls(g, pieces, owner)


def nearest_distances(
    points: Geoms, features: FeatureIndex, subsets: Sequence[Bools | None]
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

    Returns
    -------
    list of numpy.ndarray
        One array per subset: 0 for a point in or on a polygon of the subset,
        else the exact distance to the nearest boundary segment, line or point
        of the subset; ``inf`` when the subset is empty. Equal to
        ``shapely.distance(point, feature)`` minimised over the subset.
    """
    pts = np.asarray(points, dtype=object)
    n = len(pts)
    inside_pt: Index = np.empty(0, dtype=np.intp)
    inside_ft: Index = np.empty(0, dtype=np.intp)
    if n and len(features.geoms):
        hit = shapely.STRtree(features.geoms).query(pts, predicate="intersects")
        inside_pt, inside_ft = hit[0].astype(np.intp), hit[1].astype(np.intp)
    out: list[F64] = []
    for subset in subsets:  # a handful of tiers, each vectorised over every point
        keep = (
            np.ones(len(features.geoms), dtype=bool)
            if subset is None
            else np.asarray(subset, dtype=bool)
        )
        dist = np.full(n, np.inf)
        pieces = features.pieces[keep[features.owner]]
        if n and len(pieces):
            (pi, _), d = shapely.STRtree(pieces).query_nearest(
                pts, return_distance=True, all_matches=False
            )
            dist[pi] = d
            dist[inside_pt[keep[inside_ft]]] = 0.0
        out.append(dist)
    return out
