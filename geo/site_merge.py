"""Green sites people would name: merge by overlap, shared name or containment, never by touch.

Rules (issue 8), applied to OSM green polygons in EPSG:27700:

1. Two polygons join when they overlap by more than :data:`OVERLAP_MIN` (10%) of the
   smaller one's area. Mere touching never joins.
2. Two polygons join when they carry the same name (case- and space-insensitive)
   and lie within :data:`SAME_NAME_M` (50 m) of each other, so "Shibden Park" the
   park and "Shibden Park" the nature reserve are one site, while two unrelated
   "Recreation Ground"s across the county are not.
3. A polygon joins the park or nature reserve whose outline (holes filled)
   holds at least :data:`INSIDE_MIN` (50%) of its area.
4. Grass (``landuse=grass``, mostly verges) never bridges two sites: each grass
   polygon keeps at most one link to a non-grass polygon (its largest overlap),
   and grass-to-grass links count only among grass attached to nothing.

The graph is built with STRtree queries and its sites are the connected
components (:func:`scipy.sparse.csgraph.connected_components`). No Python loop
runs over features.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

#: Overlap that joins two polygons, as a share of the smaller one's area.
OVERLAP_MIN = 0.10
#: Distance within which two polygons of the same name join (metres).
SAME_NAME_M = 50.0
#: Share of a polygon's area inside a park/nature reserve outline that joins it to it.
INSIDE_MIN = 0.50

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
GeomArray = npt.NDArray[np.object_]


def fill_holes(geoms: GeomArray) -> GeomArray:
    """Each polygon's outline with its holes filled (lakes and woods mapped as inner rings)."""
    geoms = np.asarray(geoms, dtype=object)
    parts, idx = shapely.get_parts(geoms, return_index=True)
    shells = shapely.polygons(shapely.get_exterior_ring(parts))
    frame = pd.DataFrame({"i": idx, "g": shells})
    out = np.empty(len(geoms), dtype=object)
    grouped = frame.groupby("i")["g"].agg(lambda s: shapely.union_all(s.to_numpy()))
    out[:] = shapely.Polygon()
    out[grouped.index.to_numpy()] = grouped.to_numpy()
    return out


def share_inside(geoms: GeomArray, containers: GeomArray) -> tuple[IntArray, FloatArray]:
    """For each geometry, the container holding most of its area, and that share.

    Parameters
    ----------
    geoms, containers
        Polygons in EPSG:27700.

    Returns
    -------
    (index, share)
        ``index[i]`` is the position in ``containers`` of the one that holds the
        largest part of ``geoms[i]`` (-1 where none touches it); ``share[i]`` is
        that part as a fraction of ``geoms[i]``'s area (0–1).
    """
    geoms = np.asarray(geoms, dtype=object)
    index = np.full(len(geoms), -1, dtype=np.int64)
    share = np.zeros(len(geoms), dtype=np.float64)
    if len(geoms) == 0 or len(containers) == 0:
        return index, share
    tree = shapely.STRtree(np.asarray(containers, dtype=object))
    left, right = tree.query(geoms, predicate="intersects")
    area = shapely.area(geoms)
    inter = shapely.area(shapely.intersection(geoms[left], tree.geometries[right]))
    frac = np.divide(inter, area[left], out=np.zeros_like(inter), where=area[left] > 0)
    order = np.lexsort((-frac, left))
    left, right, frac = left[order], right[order], frac[order]
    first = np.r_[True, left[1:] != left[:-1]] if len(left) else np.zeros(0, bool)
    index[left[first]] = right[first]
    share[left[first]] = np.minimum(frac[first], 1.0)
    return index, share


def _overlap_edges(geoms: GeomArray, area: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    inter = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    smaller = np.minimum(area[left], area[right])
    ok = inter > OVERLAP_MIN * smaller
    return left[ok], right[ok], inter[ok]


def _name_edges(geoms: GeomArray, names: npt.NDArray[np.str_]) -> tuple[IntArray, IntArray]:
    key = (
        pd.Series(names, dtype=str)
        .str.strip()
        .str.lower()
        .str.replace(r"\s+", " ", regex=True)
        .to_numpy(dtype=str)
    )
    named = np.flatnonzero(key != "")
    if len(named) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    tree = shapely.STRtree(geoms[named])
    a, b = tree.query(geoms[named], predicate="dwithin", distance=SAME_NAME_M)
    left, right = named[a], named[b]
    keep = (left < right) & (key[left] == key[right])
    return left[keep], right[keep]


def _inside_edges(
    geoms: GeomArray, is_container: npt.NDArray[np.bool_]
) -> tuple[IntArray, IntArray, FloatArray]:
    cont = np.flatnonzero(is_container)
    idx, share = share_inside(geoms, fill_holes(geoms[cont]))
    ok = (idx >= 0) & (share >= INSIDE_MIN)
    left = np.flatnonzero(ok)
    right = cont[idx[ok]]
    keep = left != right
    return left[keep], right[keep], (share * shapely.area(geoms))[ok][keep]


def site_labels(
    geoms: GeomArray,
    names: npt.NDArray[np.str_],
    is_container: npt.NDArray[np.bool_],
    is_grass: npt.NDArray[np.bool_],
) -> IntArray:
    """Label each polygon with its site under the merge rules of this module.

    Parameters
    ----------
    geoms
        Polygons in EPSG:27700.
    names
        OSM names ('' where absent).
    is_container
        True for parks and nature reserves (rule 3 containers).
    is_grass
        True for grass polygons, which never bridge sites (rule 4).

    Returns
    -------
    numpy.ndarray of int
        ``labels[i]`` is the site of ``geoms[i]``, numbered 0..k-1.
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    area = shapely.area(geoms)
    ol, orr, ow = _overlap_edges(geoms, area)
    nl, nr = _name_edges(geoms, names)
    il, ir, iw = _inside_edges(geoms, is_container)
    left = np.concatenate([ol, nl, il])
    right = np.concatenate([orr, nr, ir])
    weight = np.concatenate([ow, np.zeros(len(nl)), iw])
    gl, gr = is_grass[left], is_grass[right]
    core = ~gl & ~gr
    # Grass to non-grass: orient as (grass, other) and keep each grass's heaviest link.
    mixed = gl ^ gr
    g_node = np.where(gl, left, right)[mixed]
    o_node = np.where(gl, right, left)[mixed]
    order = np.lexsort((-weight[mixed], g_node))
    g_node, o_node = g_node[order], o_node[order]
    first = np.r_[True, g_node[1:] != g_node[:-1]] if len(g_node) else np.zeros(0, bool)
    g_node, o_node = g_node[first], o_node[first]
    attached = np.zeros(n, dtype=bool)
    attached[g_node] = True
    both_grass = gl & gr & ~attached[left] & ~attached[right]
    src = np.concatenate([left[core], g_node, left[both_grass]])
    dst = np.concatenate([right[core], o_node, right[both_grass]])
    graph = coo_array((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    out: IntArray = np.asarray(labels, dtype=np.int64)
    return out
