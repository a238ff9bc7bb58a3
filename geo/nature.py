"""Nature and biodiversity proxies from OSM habitats, per polygon.

OSM ``natural=*`` and ``landuse=*`` polygons are grouped into habitat
classes; for each polygon (an LSOA, a 1 km circle round its centroid, or a
place) we measure the area of each class inside it (EPSG:27700, m²) and derive:

* the Shannon diversity ``H = −Σ pᵢ ln pᵢ`` of class areas (nats; 0 when one
  class or none is present);
* the natural and semi-natural share of land (0–1);
* the share of land in nature reserves (0–1);
* tree density: OSM trees per km² and tree-row length per km². OSM tree
  mapping is very incomplete, so these measure mapping effort as much as trees.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from geo import parallel

#: Fewest intersecting pairs worth a thread of their own (an overlay is costly).
_MIN_PAIRS = 64

#: OSM value → habitat class (``natural=*``, ``landuse=*`` only: leisure tags are uses).
HABITAT_CLASSES: dict[str, str] = {
    "wood": "woodland",
    "woodland": "woodland",
    "forest": "woodland",
    "scrub": "scrub",
    "heath": "heath",
    "moor": "moorland",
    "grassland": "grassland",
    "meadow": "meadow",
    "wetland": "wetland",
    "grass": "amenity grassland",
    "recreation_ground": "amenity grassland",
    "village_green": "amenity grassland",
    "allotments": "allotments",
    "cemetery": "cemetery",
    "water": "open water",
}


def class_areas(
    polygons: NDArray[np.object_],
    habitat_geoms: NDArray[np.object_],
    habitat_class: NDArray[np.str_],
    pairs: Overlay | None = None,
) -> pd.DataFrame:
    """Area (m²) of each habitat class inside each polygon.

    Parameters
    ----------
    polygons
        Zones (EPSG:27700).
    habitat_geoms, habitat_class
        Habitat polygons (EPSG:27700) and their class labels.
    pairs
        :func:`overlay` of ``polygons`` and ``habitat_geoms``, when already made
        (default: made here).

    Returns
    -------
    DataFrame
        Index ``0..len(polygons)-1``, one column per class, m². Overlapping
        features of *different* classes each count (mapped habitat area).
    """
    classes = np.unique(habitat_class)
    out = pd.DataFrame(0.0, index=pd.RangeIndex(len(polygons)), columns=classes)
    if len(habitat_geoms) == 0 or len(polygons) == 0:
        return out
    if pairs is None:
        pairs = overlay(polygons, habitat_geoms)
    zi, hi, area = pairs.zi, pairs.gi, pairs.area
    codes = np.searchsorted(classes, habitat_class[hi])
    flat = np.bincount(
        zi * len(classes) + codes, weights=area, minlength=len(polygons) * len(classes)
    )
    out.loc[:, :] = flat.reshape(len(polygons), len(classes))
    return out


def intersection_areas(
    zones: NDArray[np.object_], geoms: NDArray[np.object_]
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """Exact overlap areas of every intersecting (zone, geometry) pair, m²: the pairs and
    areas of :func:`overlay` (same parameters), without its pieces.

    Returns
    -------
    (zone_index, geom_index, area)
        Paired arrays, one entry per intersecting pair: positions in ``zones`` and
        ``geoms`` and the overlap area, m².
    """
    pairs = overlay(zones, geoms)
    return pairs.zi, pairs.gi, pairs.area


@dataclass(frozen=True)
class Overlay:
    """Every intersecting (zone, geometry) pair and the geometry's piece inside the zone.

    ``zi[k]``, ``gi[k]`` are the positions of pair ``k`` in the zones and the
    geometries, in the order of ``STRtree(geoms).query(zones, predicate="intersects")``;
    ``pieces[k]`` is the geometry where the zone contains it, the zone where the
    geometry contains it (``whole[k]``), else their intersection; ``area[k]`` is
    its area, m² (EPSG:27700).
    """

    zi: NDArray[np.intp]
    gi: NDArray[np.intp]
    pieces: NDArray[np.object_]
    whole: NDArray[np.bool_]
    area: NDArray[np.float64]

    def among(
        self, keep: NDArray[np.bool_], zones: NDArray[np.object_], geoms: NDArray[np.object_]
    ) -> Overlay:
        """The overlay of ``zones`` with ``geoms[keep]``, taken from this one (no new intersection).

        ``zones`` and ``geoms`` are the arrays this overlay was made from. The
        pairs come in the order :func:`overlay` of ``zones`` and ``geoms[keep]``
        gives them: a predicate query keeps its envelope query's order, so the
        envelope pairs of a tree of ``geoms[keep]`` are kept where this overlay
        has them (the same ``intersects`` test), and ``gi`` indexes ``geoms[keep]``.
        """
        sub = np.flatnonzero(keep)
        ez, eg = shapely.STRtree(geoms[sub]).query(zones)
        n = len(geoms)
        mine = self.zi.astype(np.int64) * n + self.gi
        order = np.argsort(mine, kind="stable")
        wanted = ez.astype(np.int64) * n + sub[eg]
        at = np.minimum(np.searchsorted(mine, wanted, sorter=order), max(len(mine) - 1, 0))
        found = mine[order[at]] == wanted if len(mine) else np.zeros(len(wanted), dtype=bool)
        rows = order[at[found]]
        return Overlay(
            ez[found].astype(np.intp),
            eg[found].astype(np.intp),
            self.pieces[rows],
            self.whole[rows],
            self.area[rows],
        )


def overlay(zones: NDArray[np.object_], geoms: NDArray[np.object_]) -> Overlay:
    """Every intersecting (zone, geometry) pair and its piece (:class:`Overlay`).

    Where the zone contains the geometry the piece is the geometry, where the
    geometry contains the zone it is the zone, so the costly intersection runs
    only on pairs that cross (on every core, :mod:`geo.parallel`).

    Parameters
    ----------
    zones
        Zone (Multi)Polygons, EPSG:27700.
    geoms
        (Multi)Polygons to overlay, EPSG:27700.
    """
    zi, gi = shapely.STRtree(geoms).query(zones, predicate="intersects")
    parts = parallel.map_chunks(lambda c: _pieces(zones[zi[c]], geoms[gi[c]]), len(zi), _MIN_PAIRS)
    pieces = np.concatenate([p for p, _ in parts]) if parts else np.empty(0, dtype=object)
    whole = np.concatenate([w for _, w in parts]) if parts else np.empty(0, dtype=bool)
    area = np.asarray(shapely.area(pieces), dtype=np.float64)
    return Overlay(zi.astype(np.intp), gi.astype(np.intp), pieces, whole, area)


def _containment(
    zones: NDArray[np.object_], geoms: NDArray[np.object_]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per pair: the zone properly contains the geometry; else the geometry the zone."""
    inside = shapely.contains_properly(zones, geoms)
    covers = np.zeros(len(zones), dtype=bool)
    covers[~inside] = shapely.contains_properly(geoms[~inside], zones[~inside])
    return inside, covers


def shannon(areas: pd.DataFrame) -> NDArray[np.float64]:
    """Shannon diversity (nats) of each row of class areas; 0 where nothing is mapped.

    Parameters
    ----------
    areas
        One row per zone, one column per habitat class, m² (from :func:`class_areas`).

    Returns
    -------
    numpy.ndarray of float
        ``H = −Σ pᵢ ln pᵢ`` per row, with ``pᵢ`` the class share of the mapped area
        (nats, dimensionless).
    """
    a = areas.to_numpy(float)
    total = a.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(total > 0, a / total, 0.0)
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    return np.asarray(terms.sum(axis=1), dtype=np.float64)


def covered_share(
    zones: NDArray[np.object_], geoms: NDArray[np.object_], pairs: Overlay | None = None
) -> NDArray[np.float64]:
    """Share (0–1) of each zone covered by the union of ``geoms`` (overlaps counted once).

    The piece of a geometry inside a zone is the geometry itself when the zone
    contains it, and the zone is wholly covered when a geometry contains it, so
    the costly intersection runs only on pairs that cross (as
    :func:`intersection_areas`). A zone's covered area is the sum of its pieces
    unless two of its geometries overlap (their interiors meet: ``intersects``
    and not ``touches``); only those zones need the union of their pieces.

    Parameters
    ----------
    zones
        Zone (Multi)Polygons, EPSG:27700.
    geoms
        Covering (Multi)Polygons, EPSG:27700 (e.g. nature reserves).
    pairs
        :func:`overlay` of ``zones`` and ``geoms``, when already made (e.g. by
        :meth:`Overlay.among` from a larger layer's; default: made here).

    Returns
    -------
    numpy.ndarray of float
        Covered area / zone area per zone, clipped to 0–1.
    """
    share = np.zeros(len(zones))
    if len(geoms) == 0:
        return share
    if pairs is None:
        pairs = overlay(zones, geoms)
    zi, gi, pieces = pairs.zi, pairs.gi, pairs.pieces
    if len(zi) == 0:
        return share
    whole = np.zeros(len(zones), dtype=bool)
    whole[zi[pairs.whole]] = True
    # Pieces that overlap none of their zone's other pieces add their areas; the
    # others are merged (the union of a zone's few overlapping pieces).
    merge = _overlapping_pairs(zi, gi, geoms) & ~whole[zi]
    covered = np.bincount(zi[~merge], weights=pairs.area[~merge], minlength=len(zones)).astype(
        np.float64
    )
    mz, mp = zi[merge], pieces[merge]
    order = np.argsort(mz, kind="stable")
    union, starts = np.unique(mz[order], return_index=True)
    ends = np.append(starts[1:], len(order))[: len(starts)]
    groups = [mp[order[a:b]] for a, b in zip(starts, ends, strict=True)]
    unions = parallel.map_chunks(
        lambda c: [shapely.union_all(g) for g in groups[c]], len(groups), 16
    )
    covered[union] += shapely.area(np.array([u for part in unions for u in part], dtype=object))
    zone_area = shapely.area(zones)
    np.divide(covered, zone_area, out=share, where=zone_area > 0)
    share[whole] = 1.0
    return np.asarray(np.clip(share, 0.0, 1.0), dtype=np.float64)


def _pieces(
    zones: NDArray[np.object_], geoms: NDArray[np.object_]
) -> tuple[NDArray[np.object_], NDArray[np.bool_]]:
    """The part of ``geoms[k]`` inside ``zones[k]`` per pair, and where it is the whole zone.

    A geometry inside its zone is its own piece; where the geometry contains the
    zone the piece is the zone (reported, so the zone counts as wholly covered).
    """
    inside, covers = _containment(zones, geoms)
    cross = ~inside & ~covers
    pieces = np.where(inside, geoms, zones)
    pieces[cross] = shapely.intersection(zones[cross], geoms[cross])
    return pieces, covers


def _overlapping_pairs(
    zi: NDArray[np.intp], gi: NDArray[np.intp], geoms: NDArray[np.object_]
) -> NDArray[np.bool_]:
    """Which (zone, geometry) pairs have a geometry overlapping another of the same zone's.

    Two polygons overlap when their interiors meet: they intersect and do not
    merely touch (DE-9IM, Clementini et al. 1993). The pieces of a zone's other
    geometries overlap none of its pieces, so the union of all its pieces has
    their areas plus the area of the union of the overlapping ones.
    """
    several = np.bincount(zi)[zi] > 1
    used = np.unique(gi[several])
    a, b = shapely.STRtree(geoms[used]).query(geoms[used], predicate="intersects")
    keep = a < b
    a, b = used[a[keep]], used[b[keep]]
    meet = ~shapely.touches(geoms[a], geoms[b])
    a, b = a[meet], b[meet]
    pairs = pd.DataFrame({"zone": zi, "geom": gi, "row": np.arange(len(zi))})
    overlapping = pd.DataFrame({"geom": np.r_[a, b], "other": np.r_[b, a]})
    both = pairs.merge(overlapping, on="geom").merge(
        pairs[["zone", "geom"]].rename(columns={"geom": "other"}), on=["zone", "other"]
    )
    out = np.zeros(len(zi), dtype=bool)
    out[both["row"].to_numpy(np.intp)] = True
    return out


def tree_density(zones: NDArray[np.object_], trees: gpd.GeoDataFrame) -> pd.DataFrame:
    """OSM trees per km² and tree-row length (m) per km² in each zone.

    Parameters
    ----------
    zones
        Zone (Multi)Polygons, EPSG:27700.
    trees
        OSM features with ``osm_value`` ``tree`` (points or small polygons, counted
        at a point on their surface) or ``tree_row`` (lines), EPSG:27700.

    Returns
    -------
    pandas.DataFrame
        One row per zone: ``trees_per_km2`` (trees per km²) and
        ``tree_row_m_per_km2`` (m of tree row per km²).
    """
    km2 = shapely.area(zones) / 1e6
    is_row = (trees["osm_value"] == "tree_row").to_numpy()
    geoms = trees.geometry.values
    pts = shapely.point_on_surface(np.asarray(geoms[~is_row]))
    count: NDArray[np.float64] = np.zeros(len(zones))
    if len(pts):
        zi, _ = shapely.STRtree(pts).query(zones, predicate="contains")
        count = np.bincount(zi, minlength=len(zones)).astype(np.float64)
    rows = np.asarray(geoms[is_row])
    length: NDArray[np.float64] = np.zeros(len(zones))
    if len(rows):
        zi, ri = shapely.STRtree(rows).query(zones, predicate="intersects")
        seg = shapely.length(shapely.intersection(zones[zi], rows[ri]))
        length = np.asarray(np.bincount(zi, weights=seg, minlength=len(zones)), dtype=np.float64)
    return pd.DataFrame({"trees_per_km2": count / km2, "tree_row_m_per_km2": length / km2})
