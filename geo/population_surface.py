"""A postcode-level population surface, and the person-weighted statistics read from it.

Each LSOA's Census 2021 usual residents (and its six age bands) are split onto
the LSOA's live postcodes (OS Code-Point Open, EPSG:27700 metres), so that
indicators can count people where they live rather than at one
population-weighted centroid per LSOA.

Method
------
1. **Weights** (:func:`postcode_weights`). Every postcode starts at weight 1,
   the "equal per postcode" default (a postcode is about 15 delivery
   addresses). Three documented down-weights then apply, multiplied together:

   * ``large_user``: the ONS Postcode Directory flags the postcode as a large
     user (≥ 25 items of mail a day, mostly businesses). Weight × 0.1. The flag
     is known only where the directory is supplied (the HX area); elsewhere it
     is unknown and no down-weight applies.
   * ``shared_point``: *n* postcodes share one exact grid reference (a block
     of flats, a PO-box sorting office): each gets 1/*n*, so the point as a
     whole carries the weight of one postcode.
   * ``non_residential_land``: the point lies on OSM industrial, commercial or
     retail land, or inside school, college, nursery or hospital grounds.
     Weight × 0.25. (University, prison and military grounds are *not*
     down-weighted: halls of residence, prisons and barracks are communal
     establishments whose residents the Census counts as usual residents.)
   * ``off_residential_land``: the point lies on no OSM ``landuse=residential``
     polygon (farms, isolated houses, businesses: postcodes with few homes).
     Weight × 0.25.

   The factors were chosen from {0.5, 0.25, 0.1} against the ONS
   population-weighted centroids (see ``tests/test_population_surface.py``):
   with equal weights each LSOA's surface mean point lies a median 73.7 m
   (90th percentile 273 m) from its ONS centroid; with these weights 61.1 m
   (197 m).

   Down-weights change only the *relative* shares inside an LSOA, so an LSOA
   whose only postcode (or all of whose postcodes) is down-weighted still gets
   all its people; an LSOA whose weights sum to 0 falls back to equal weights.
2. **People** (:func:`apportion`): largest-remainder (Hamilton) apportionment of
   the LSOA total in proportion to the weights, so the surface sums *exactly*
   to the census total of every LSOA.
3. **Age bands** (:func:`split_bands`): the LSOA's residents are laid out as a
   sequence in which each band's members are spaced evenly (band *b*'s *j*-th
   member at position (*j* + ½)/*N_b*, the stratified systematic layout of
   Webster/Sainte-Laguë apportionment), and each postcode takes the next
   ``people`` of them. Every postcode's bands sum to its people and every
   band sums to its LSOA band, exactly; each postcode's band count is within
   about one person of its proportional share.

Everything here is pure (arrays in, arrays out) and vectorised: no loop over
postcodes or LSOAs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Weight factor of a postcode the ONS Postcode Directory flags as a large user.
LARGE_USER_FACTOR = 0.1
#: Weight factor of a postcode on non-residential land or inside institutional grounds.
NON_RESIDENTIAL_FACTOR = 0.25
#: Near-miss margin: people within this many metres beyond a standard's distance.
NEAR_MISS_M = 100.0

#: ``method`` label of a postcode to which no down-weight applies.
EQUAL = "equal"
LARGE_USER = "large_user"
SHARED_POINT = "shared_point"
NON_RESIDENTIAL = "non_residential_land"
OFF_RESIDENTIAL = "off_residential_land"
#: Weight factor of a postcode on no residential land.
OFF_RESIDENTIAL_FACTOR = 0.25


def postcodes_at_point(easting: F64, northing: F64) -> I64:
    """How many postcodes share each postcode's exact grid reference (≥ 1).

    Parameters
    ----------
    easting, northing
        Postcode positions, EPSG:27700 metres.
    """
    frame = pd.DataFrame({"x": easting, "y": northing})
    sizes: I64 = frame.groupby(["x", "y"])["x"].transform("size").to_numpy(np.int64)
    return sizes


def inside_any(points: npt.NDArray[np.object_], polygons: npt.NDArray[np.object_]) -> Bools:
    """Whether each point lies in or on any of ``polygons`` (STRtree, EPSG:27700)."""
    out = np.zeros(len(points), dtype=bool)
    if len(points) and len(polygons):
        pi, _ = shapely.STRtree(polygons).query(points, predicate="intersects")
        out[pi] = True
    return out


def postcode_weights(
    large_user: Bools, n_at_point: I64, non_residential: Bools, off_residential: Bools
) -> tuple[F64, npt.NDArray[np.object_]]:
    """Each postcode's relative weight and the ``method`` label that says why.

    Parameters
    ----------
    large_user
        True where the postcode is a known large user (False where unknown).
    n_at_point
        Postcodes sharing the point (:func:`postcodes_at_point`).
    non_residential
        True on non-residential land or institutional grounds.
    off_residential
        True where the point lies on no residential land.

    Returns
    -------
    (weights, methods)
        Weights > 0 (1 = an ordinary postcode). Methods are ``"equal"`` or the
        applied rules joined by ``+`` (``"shared_point+non_residential_land"``).
    """
    shared = np.asarray(n_at_point) > 1
    weight = (
        np.where(large_user, LARGE_USER_FACTOR, 1.0)
        * np.where(non_residential, NON_RESIDENTIAL_FACTOR, 1.0)
        * np.where(off_residential, OFF_RESIDENTIAL_FACTOR, 1.0)
        / np.maximum(np.asarray(n_at_point, dtype=np.float64), 1.0)
    )
    parts = [
        pd.Series(np.where(flag, f"+{name}", "")) if len(flag) else pd.Series([], dtype=str)
        for flag, name in (
            (np.asarray(large_user, bool), LARGE_USER),
            (shared, SHARED_POINT),
            (np.asarray(non_residential, bool), NON_RESIDENTIAL),
            (np.asarray(off_residential, bool), OFF_RESIDENTIAL),
        )
    ]
    joined = (parts[0] + parts[1] + parts[2] + parts[3]).str.removeprefix("+")
    methods = joined.where(joined != "", EQUAL).to_numpy(object)
    return weight.astype(np.float64), methods


def apportion(group: I64, weights: F64, totals: I64) -> I64:
    """Largest-remainder apportionment of each group's integer total over its members.

    Parameters
    ----------
    group
        Group index (0 … G − 1) of each member, e.g. the LSOA of each postcode.
    weights
        Non-negative weight of each member. A group whose weights sum to 0
        is split equally.
    totals
        Integer total of each group (length G); every group with a total > 0
        must have at least one member.

    Returns
    -------
    numpy.ndarray of int64
        Each member's share: ``floor(quota)`` plus one for the members with the
        largest fractional remainders (ties: the earlier member), so each group
        sums exactly to its total (Hamilton's method).
    """
    group = np.asarray(group, dtype=np.int64)
    totals = np.asarray(totals, dtype=np.int64)
    n_groups = len(totals)
    w = np.asarray(weights, dtype=np.float64)
    wsum = np.bincount(group, weights=w, minlength=n_groups)
    w = np.where(wsum[group] > 0, w, 1.0)
    wsum = np.bincount(group, weights=w, minlength=n_groups)
    quota = totals[group] * (w / wsum[group])
    base = np.floor(quota).astype(np.int64)
    left = totals - np.bincount(group, weights=base, minlength=n_groups).astype(np.int64)
    order = np.lexsort((np.arange(len(group)), -(quota - base), group))
    rank = _rank_within(group[order], n_groups)
    extra = np.zeros(len(group), dtype=np.int64)
    extra[order] = rank < left[group[order]]
    return base + extra


def _rank_within(sorted_group: I64, n_groups: int) -> I64:
    """0, 1, 2 … within each run of a group-sorted index array."""
    counts = np.bincount(sorted_group, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return np.arange(len(sorted_group), dtype=np.int64) - starts[sorted_group]


def split_bands(group: I64, people: I64, band_totals: I64) -> I64:
    """Split each member's people into bands so that both margins are exact.

    Parameters
    ----------
    group
        Group index (0 … G − 1) of each member.
    people
        Integer people of each member (e.g. from :func:`apportion`).
    band_totals
        Array (G, B) of each group's people by band; each row must sum to the
        group's people.

    Returns
    -------
    numpy.ndarray of int64, shape (members, B)
        Row sums equal ``people``; per-group column sums equal ``band_totals``.
        See the module docstring for the evenly spaced layout.
    """
    group = np.asarray(group, dtype=np.int64)
    people = np.asarray(people, dtype=np.int64)
    bands = np.asarray(band_totals, dtype=np.int64)
    n_groups, n_bands = bands.shape
    if not np.array_equal(np.bincount(group, weights=people, minlength=n_groups), bands.sum(1)):
        raise ValueError("band totals must sum to each group's people")
    flat = bands.ravel()
    cell_group = np.repeat(np.arange(n_groups), n_bands)
    cell_band = np.tile(np.arange(n_bands), n_groups)
    pgroup = np.repeat(cell_group, flat)
    pband = np.repeat(cell_band, flat)
    starts = np.concatenate(([0], np.cumsum(flat)[:-1]))
    j = np.arange(len(pgroup)) - np.repeat(starts, flat)
    pos = (j + 0.5) / np.repeat(np.maximum(flat, 1), flat)
    pband = pband[np.lexsort((pband, pos, pgroup))]
    member_order = np.argsort(group, kind="stable")
    bounds = np.cumsum(people[member_order])
    member = member_order[np.searchsorted(bounds, np.arange(len(pband)), side="right")]
    counts = np.bincount(member * n_bands + pband, minlength=len(group) * n_bands)
    return counts.reshape(len(group), n_bands).astype(np.int64)


# --- person-weighted statistics from the surface ------------------------------------


def share_meeting(group: I64, people: I64, meets: Bools, n_groups: int) -> F64:
    """Share (0–1) of each group's residents whose point meets a standard.

    ``sum(people × meets) / sum(people)`` per group (weighted bincount); NaN
    for a group with no residents.
    """
    p = np.asarray(people, dtype=np.float64)
    total = np.bincount(group, weights=p, minlength=n_groups)
    met = np.bincount(group, weights=p * np.asarray(meets, bool), minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, met / total, np.nan)


def weighted_quantiles(
    group: I64,
    people: I64,
    values: F64,
    n_groups: int,
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9),
) -> F64:
    """Population-weighted quantiles of ``values`` (e.g. distances, m) per group.

    The *q*-quantile of a group is the smallest value at which the cumulative
    share of its residents reaches *q* (the inverse of the weighted empirical
    distribution function; Hyndman & Fan 1996, definition 1, with weights).
    Points with 0 people carry no weight. ``inf`` (no site at all) sorts last.

    Returns
    -------
    numpy.ndarray, shape (n_groups, len(quantiles))
        NaN for a group with no residents.
    """
    if not all(0.0 < q <= 1.0 for q in quantiles):
        raise ValueError("quantiles must lie in (0, 1]")
    group = np.asarray(group, dtype=np.int64)
    order = np.lexsort((np.asarray(values, np.float64), group))
    w = np.asarray(people, dtype=np.float64)[order]
    cum = np.cumsum(w)
    total = np.bincount(group, weights=np.asarray(people, np.float64), minlength=n_groups)
    before = np.cumsum(total) - total
    out = np.full((n_groups, len(quantiles)), np.nan)
    has = total > 0
    sorted_values = np.asarray(values, np.float64)[order]
    for k, q in enumerate(quantiles):  # a handful of quantiles, each vectorised over groups
        idx = np.searchsorted(cum, before[has] + q * total[has], side="left")
        out[has, k] = sorted_values[np.minimum(idx, len(cum) - 1)]
    return out


def weighted_mean_point(
    group: I64, people: I64, easting: F64, northing: F64, n_groups: int
) -> tuple[F64, F64]:
    """Each group's population-weighted mean point (EPSG:27700 metres); NaN if empty."""
    p = np.asarray(people, dtype=np.float64)
    total = np.bincount(group, weights=p, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(group, weights=p * easting, minlength=n_groups) / total
        my = np.bincount(group, weights=p * northing, minlength=n_groups) / total
    return np.where(total > 0, mx, np.nan), np.where(total > 0, my, np.nan)


@dataclass(frozen=True)
class Inside:
    """Residents of the surface inside a polygon.

    Attributes
    ----------
    residents
        People whose point lies in or on the polygon (0 when no point does).
    points
        Indices of those points.
    lsoas
        The LSOAs those points belong to, with ``residents`` and ``points``
        inside, largest first: context, not a denominator.
    """

    residents: int
    points: npt.NDArray[np.intp]
    lsoas: pd.DataFrame


def residents_inside(
    points: npt.NDArray[np.object_],
    people: I64,
    lsoa_codes: npt.NDArray[np.object_],
    polygon: shapely.Geometry,
    tree: shapely.STRtree | None = None,
) -> Inside:
    """People inside ``polygon``: the sum of the surface points in or on it (STRtree).

    Parameters
    ----------
    points, people, lsoa_codes
        The surface: shapely points (EPSG:27700), people and LSOA of each.
    polygon
        The boundary, EPSG:27700.
    tree
        An STRtree over ``points``, to reuse across queries.
    """
    tree = tree if tree is not None else shapely.STRtree(points)
    hit = np.sort(tree.query(polygon, predicate="intersects")).astype(np.intp)
    pop = np.asarray(people, dtype=np.int64)[hit]
    lsoas = (
        pd.DataFrame({"lsoa21_code": np.asarray(lsoa_codes, object)[hit], "residents": pop})
        .groupby("lsoa21_code", sort=True)
        .agg(residents=("residents", "sum"), points=("residents", "size"))
        .reset_index()
        .sort_values(["residents", "lsoa21_code"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    return Inside(int(pop.sum()), hit, lsoas)


def near_misses(
    group: I64,
    people: I64,
    dist_m: F64,
    distance_m: float,
    n_groups: int,
    margin_m: float = NEAR_MISS_M,
) -> I64:
    """People per group who miss a standard by at most ``margin_m``.

    Counts the people whose distance lies in (``distance_m``, ``distance_m`` +
    ``margin_m``]: not meeting the standard now, but within ``margin_m`` metres
    of it (default 100 m), so a slightly larger or better-placed site would
    reach them.
    """
    d = np.asarray(dist_m, dtype=np.float64)
    near = (d > distance_m) & (d <= distance_m + margin_m)
    p = np.asarray(people, dtype=np.float64) * near
    return np.bincount(group, weights=p, minlength=n_groups).round().astype(np.int64)
