"""Person-based indicators counted where people live: the postcode population surface.

Every person-based indicator is measured at each of the ~64,000 points of the
``population_points`` layer (live postcodes, OS Code-Point Open Oct 2025, each
carrying its share of its LSOA's Census 2021 residents; :mod:`geo.population_surface`),
then summed to LSOAs:

* ``meets_*``, ``blue_within_*``, ``*_above_*``, ``net_meets_*`` and
  ``double_burden`` become the **share of the LSOA's residents** (0–1) whose
  point meets the standard (network and air shares over the residents for whom
  a result exists; NaN where none has one);
* distances (``dist_*_m``, ``blue_dist_m``, ``net_dist_*``, ``detour_*``) are
  the population-weighted **median** over the LSOA's points, with ``*_p10_m``
  and ``*_p90_m`` beside the straight-line ones (Hyndman & Fan 1996, def. 1);
* concentrations (``no2_ugm3`` …) are the population-weighted **mean** of the
  PCM cell values (the year of the results) at the points (DEFRA PCM, 1 km grid); the value at the
  ONS population-weighted centroid is kept as ``*_ugm3_pwc`` for comparison;
* ``near_miss_*`` counts the people within 100 m beyond each standard.

Habitat diversity within 1 km stays a centroid figure (``habitat_shannon_1km``):
it is a smooth quantity over a 1 km disc, larger than the median LSOA (50 ha,
≈ 400 m across), so the discs around an LSOA's postcodes overlap its centroid's
disc by most of their area and the per-person value differs little; the
threshold "coin flips" that motivate the surface do not arise for it, and the
exact per-point cost (≈ 76 s for 64,000 discs) is outside the 10 s budget.

Straight-line distances are exact (:mod:`geo.point_distance`); walking
distances snap every point in one vectorised step
(:func:`geo.network.access.network_tier_access`), where the network is complete.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo import air, parallel, point_distance, standards
from geo import population_surface as ps
from geo.network import access as network_access
from geo.standards import (
    ACCESS_TIERS,
    DEFAULT_SITE_DEFINITION,
    OPEN_LAND_DISTANCES_M,
    RULE_300,
    SITE_DEFINITIONS,
    AccessTier,
    SiteDefinition,
)
from layers.population import AGE_BANDS

if TYPE_CHECKING:
    from analysis.engine import Inputs

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Straight-line tiers measured from the surface (the six GI Framework tiers and 3-30-300).
STRAIGHT_TIERS: tuple[AccessTier, ...] = (*ACCESS_TIERS, RULE_300)
#: Blue-space distances treated as tiers (any size of feature).
BLUE_TIERS: tuple[AccessTier, ...] = tuple(
    AccessTier(f"blue_{int(d)}m", 0.0, d) for d in standards.BLUE_DISTANCES_M
)
BANDS: list[str] = list(AGE_BANDS.values())
#: The site definitions besides the default, measured straight-line only.
OTHER_DEFINITIONS: tuple[SiteDefinition, ...] = tuple(
    d for d in SITE_DEFINITIONS.values() if d.name != DEFAULT_SITE_DEFINITION
)


def definition_dist_col(tier: AccessTier, definition: str) -> str:
    """Point column of the straight-line distance to a ``tier`` site under ``definition`` (m)."""
    if definition == DEFAULT_SITE_DEFINITION:
        return tier.dist_col
    return f"dist_{tier.name}_{SITE_DEFINITIONS[definition].suffix}_m"


def definition_meets_col(tier: AccessTier, definition: str) -> str:
    """LSOA column of the share meeting ``tier`` under ``definition`` (0–1), any definition."""
    return f"{tier.meets_col}_{SITE_DEFINITIONS[definition].suffix}"


def open_land_col(distance_m: float) -> str:
    """LSOA share of residents within ``distance_m`` of public open access land (0–1)."""
    return f"open_land_within_{distance_m / 1_000:g}km"


def edge_col(tier: AccessTier) -> str:
    """LSOA share of residents whose ``tier`` result is edge-affected, a lower bound (0–1)."""
    return f"edge_affected_{tier.name}"


def _open_land_distances(
    inputs: Inputs, pts: npt.NDArray[np.object_], parks: list[F64]
) -> list[F64]:
    """Distance (m) from every point to public open access land: any of it, then per
    straight tier the land of the tier's size (its public hectares, as
    :func:`layers.greenspace.counted_sites` counts it); ``inf`` without any land.

    One index of the land answers both uses. A tier's land distance serves only
    as the nearer of it and ``parks`` (the tier's park distance at each point,
    :func:`_with_open_land`), so it is exact where it is below the park's and
    at least the park's elsewhere (``below`` of
    :func:`geo.point_distance.nearest_distances`); the distance to any land is exact.
    """
    land = inputs.open_land
    if land is None or not len(land):
        return [np.full(len(pts), np.inf)] * (1 + len(STRAIGHT_TIERS))
    ha = land["public_area_ha"].to_numpy(float)
    return point_distance.nearest_distances(
        pts,
        point_distance.FeatureIndex.of(np.asarray(land.geometry.values)),
        [None] + [ha >= t.min_ha for t in STRAIGHT_TIERS],
        [None, *parks],
    )


def _county_edge_distance(inputs: Inputs, pts: npt.NDArray[np.object_]) -> F64:
    """Distance (m) from every point to the county boundary (``inf`` without a county)."""
    if inputs.county is None:
        return np.full(len(pts), np.inf)
    edge = np.asarray([shapely.boundary(inputs.county)], dtype=object)
    return point_distance.nearest_distances(pts, point_distance.FeatureIndex.of(edge), [None])[0]


def _with_open_land(land: list[F64], edge: F64, out: pd.DataFrame) -> None:
    """Open access land and county-edge distances at every point (m), into ``out``.

    ``land`` is :func:`_open_land_distances`: ``open_land_dist_m`` is its first
    array. For the definitions that add open access land to the default's
    parks, the nearest site of that union is the nearer of the two nearest:
    the park distance already in ``out`` or the land's of the tier's size, so
    the big park index is not searched again (and the land's is searched only
    where it may be the nearer). ``county_edge_m`` is ``edge``.
    """
    with_land = [d for d in OTHER_DEFINITIONS if "open_access_land" in d.kinds]
    for d in with_land:
        if d.flag != SITE_DEFINITIONS[DEFAULT_SITE_DEFINITION].flag:
            raise ValueError(f"{d.name}: open access land is added to the default's parks only")
    any_land, *by_tier = land
    out["open_land_dist_m"] = any_land
    for d in with_land:
        for tier, d_land in zip(STRAIGHT_TIERS, by_tier, strict=True):
            out[definition_dist_col(tier, d.name)] = np.minimum(
                out[tier.dist_col].to_numpy(float), d_land
            )
    out["county_edge_m"] = edge


#: How a profile counts people from the surface (reported with a custom area).
SURFACE_METHOD = (
    "residents counted where they live: the sum of the postcode population surface's points "
    "inside the boundary (Census 2021 split onto OS Code-Point Open postcodes, Oct 2025)"
)

#: The note of a custom area with no postcode inside.
NO_RESIDENTS_NOTE = (
    "No postcode lies inside this boundary: it has 0 residents on the population surface, "
    "so person-based figures are not available."
)


def points_inside(points: pd.DataFrame, polygon: shapely.Geometry) -> Bools:
    """Which surface points lie in or on ``polygon`` (EPSG:27700), one STRtree query.

    Uses :func:`geo.population_surface.residents_inside`, so a profile and the
    "people inside" count agree point for point.
    """
    xy = shapely.points(points["easting"].to_numpy(float), points["northing"].to_numpy(float))
    inside = ps.residents_inside(
        np.asarray(xy),
        points["people"].to_numpy(np.int64),
        points["group"].to_numpy(np.int64).astype(object),
        polygon,
    )
    mask = np.zeros(len(points), dtype=bool)
    mask[inside.points] = True
    return mask


def people_inside(points: pd.DataFrame, polygon: shapely.Geometry, n_lsoa: int) -> F64:
    """People per LSOA whose surface point lies in or on ``polygon`` (EPSG:27700).

    The sum of the points inside (:func:`points_inside`), by LSOA row; 0
    everywhere when no point is inside.
    """
    return people_by_lsoa(points, points_inside(points, polygon), n_lsoa)


def people_by_lsoa(points: pd.DataFrame, mask: Bools, n_lsoa: int) -> F64:
    """People per LSOA row of the surface points selected by ``mask``."""
    counts: F64 = np.bincount(
        points["group"].to_numpy(np.int64)[mask],
        weights=points["people"].to_numpy(float)[mask],
        minlength=n_lsoa,
    ).astype(np.float64)
    return counts


def point_indicators(inputs: Inputs, lsoa: pd.DataFrame) -> pd.DataFrame:
    """Every person-based indicator at every surface point (EPSG:27700 metres).

    Parameters
    ----------
    inputs
        The loaded bundle (its ``surface``, sites, blue space, rasters, graph).
    lsoa
        The LSOA table in engine order (``lsoa21_code``, ``IMD_decile``).

    Returns
    -------
    DataFrame
        One row per point: ``group`` (row of ``lsoa``), ``easting``, ``northing``,
        ``people``, the age bands, ``IMD_decile``, ``dist_T_m`` per straight tier,
        ``blue_dist_m``, ``<pollutant>_ugm3`` (PCM cell value of the results' year, NaN off grid)
        and the walking-network columns of
        :func:`geo.network.access.network_tier_access` for the access tiers
        (``net_*``) and blue space (``blue_net_*``).
    """
    surface = inputs.surface
    group = pd.Index(lsoa["lsoa21_code"]).get_indexer(surface["lsoa21_code"])
    if (group < 0).any():
        raise ValueError("population_points has postcodes in LSOAs missing from the boundaries")
    x = surface["easting"].to_numpy(np.float64)
    y = surface["northing"].to_numpy(np.float64)
    pts = shapely.points(x, y)
    out = pd.DataFrame({"group": group, "easting": x, "northing": y})
    out["people"] = surface["people"].to_numpy(np.int64)
    out[BANDS] = surface[BANDS].to_numpy(np.int64)
    out["IMD_decile"] = lsoa["IMD_decile"].to_numpy()[group]
    site_ha = inputs.sites["area_ha"].to_numpy(float)
    flagged = [
        d
        for d in OTHER_DEFINITIONS
        if d.name not in inputs.definition_sites and d.kinds == ("park",)
    ]
    own = list(inputs.definition_sites.items())  # definitions with their own sites
    # One index of the default's sites and the definitions' own: most of their polygons
    # are the same, so each tier is searched once over the union of the layers and
    # each layer's tier keeps that answer wherever its nearest site is the layer's.
    geoms, rows = _shared_geoms(
        [np.asarray(inputs.sites.geometry.values)] + [np.asarray(o.geometry.values) for _, o in own]
    )

    def over(layer: int, keep: Bools) -> Bools:
        mask = np.zeros(len(geoms), dtype=bool)
        mask[rows[layer][keep]] = True
        return mask

    default = [over(0, site_ha >= t.min_ha) for t in STRAIGHT_TIERS]
    by_flag = [
        over(0, (site_ha >= t.min_ha) & inputs.sites[d.flag].to_numpy(bool))
        for d in flagged
        for t in STRAIGHT_TIERS
    ]
    by_own = [
        [over(k, o["area_ha"].to_numpy(float) >= t.min_ha) for t in STRAIGHT_TIERS]
        for k, (_, o) in enumerate(own, start=1)
    ]
    unions = [np.logical_or.reduce([m, *(o[i] for o in by_own)]) for i, m in enumerate(default)]
    masks = default + by_flag + [m for o in by_own for m in o] + (unions if own else [])
    blue = np.asarray(inputs.blue.geometry.values)

    def network() -> tuple[pd.DataFrame, pd.DataFrame]:
        net = network_access.network_tier_access(
            inputs.graph,
            x,
            y,
            np.asarray(inputs.sites.geometry.values),
            site_ha,
            inputs.network_area,
            ACCESS_TIERS,
            options=network_access.NetworkOptions(entrances=inputs.entrances),
        )
        blue_net = network_access.network_tier_access(
            inputs.graph, x, y, blue, np.zeros(len(blue)), inputs.network_area, BLUE_TIERS
        )
        return net, blue_net

    # The searches are independent: they run side by side (largest first), and the
    # walking network beside them (geo.parallel); each answer is the same in turn.
    def parks_and_land() -> list[list[F64]]:
        parks = point_distance.nearest_distances(pts, point_distance.FeatureIndex.of(geoms), masks)
        return [parks, _open_land_distances(inputs, pts, parks[: len(STRAIGHT_TIERS)])]

    straight: list[Callable[[], list[list[F64]]]] = [
        parks_and_land,
        lambda: [[_county_edge_distance(inputs, pts)]],
        lambda: [
            point_distance.nearest_distances(pts, point_distance.FeatureIndex.of(blue), [None])
        ],
    ]
    ((dists, land), ((edge,),), ((blue_dist,),)), (net, blue_net) = parallel.run_pair(
        lambda: parallel.run_all(straight), network
    )
    found = iter(dists)
    for tier in STRAIGHT_TIERS:
        out[tier.dist_col] = next(found)
    for definition in flagged:
        for tier in STRAIGHT_TIERS:
            out[definition_dist_col(tier, definition.name)] = next(found)
    _with_open_land(land, edge, out)
    for name, _ in own:
        for tier in STRAIGHT_TIERS:
            out[definition_dist_col(tier, name)] = next(found)
    out["blue_dist_m"] = blue_dist
    for pol, raster in inputs.rasters.items():
        out[f"{pol}_ugm3"] = raster.sample(x, y)
    blue_net = blue_net.drop(columns="net_reason").rename(columns=lambda c: f"blue_{c}")
    return pd.concat([out, net, blue_net], axis=1)


def _shared_geoms(
    layers: list[npt.NDArray[np.object_]],
) -> tuple[npt.NDArray[np.object_], list[I64]]:
    """The distinct geometries of several layers (equal WKB, equal geometry) and each
    layer's rows as positions among them; the first layer's come first."""
    every = np.concatenate(layers)
    codes, _ = pd.factorize(pd.Series(shapely.to_wkb(every)))
    _, first = np.unique(codes, return_index=True)
    bounds = np.cumsum([0, *(len(layer) for layer in layers)])
    return every[first], [codes[a:b].astype(np.int64) for a, b in itertools.pairwise(bounds)]


def _share(g: I64, people: I64, flag: Bools, known: Bools, n: int) -> F64:
    """Share of each LSOA's residents meeting ``flag``, among those for whom it is ``known``."""
    return ps.share_meeting(g, people * known, flag & known, n)


def _median(g: I64, people: I64, values: F64, known: Bools, n: int) -> F64:
    """Population-weighted median of ``values`` over each LSOA's ``known`` points."""
    return ps.weighted_quantiles(g, people * known, values, n, (0.5,))[:, 0]


def _straight(p: pd.DataFrame, g: I64, w: I64, n: int) -> dict[str, Any]:
    cols: dict[str, Any] = {}
    every = np.ones(len(p), dtype=bool)
    for tier in STRAIGHT_TIERS:
        d = p[tier.dist_col].to_numpy(float)
        q = ps.weighted_quantiles(g, w, d, n)
        cols[tier.dist_col] = q[:, 1]
        cols[f"dist_{tier.name}_p10_m"] = q[:, 0]
        cols[f"dist_{tier.name}_p90_m"] = q[:, 2]
        cols[tier.meets_col] = _share(g, w, d <= tier.distance_m, every, n)
        cols[f"near_miss_{tier.name}"] = ps.near_misses(g, w, d, tier.distance_m, n)
    cols["tiers_met_share"] = np.mean([cols[t.meets_col] for t in ACCESS_TIERS], axis=0)
    cols.update(_definitions(p, g, w, n))
    blue = p["blue_dist_m"].to_numpy(float)
    q = ps.weighted_quantiles(g, w, blue, n)
    cols["blue_dist_m"], cols["blue_dist_p10_m"], cols["blue_dist_p90_m"] = q.T
    for d_m in standards.BLUE_DISTANCES_M:
        label = f"{d_m:g}m" if d_m < 1_000 else f"{d_m / 1_000:g}km"
        cols[f"blue_within_{label}"] = _share(g, w, blue <= d_m, every, n)
    return cols


def _definitions(p: pd.DataFrame, g: I64, w: I64, n: int) -> dict[str, Any]:
    """Per-definition shares, open access land, and edge-affected shares (issue 8).

    An origin's result is *edge-affected* when it does not meet a tier and the
    county edge is nearer than the tier's distance: a site beyond the edge
    (absent from the offline extract) could meet it, so the share is a lower bound.
    """
    cols: dict[str, Any] = {}
    every = np.ones(len(p), dtype=bool)
    for name in SITE_DEFINITIONS:
        for tier in STRAIGHT_TIERS:
            d = p[definition_dist_col(tier, name)].to_numpy(float)
            cols[definition_meets_col(tier, name)] = _share(g, w, d <= tier.distance_m, every, n)
    land = p["open_land_dist_m"].to_numpy(float)
    cols["open_land_dist_m"] = _median(g, w, land, every, n)
    for d_m in OPEN_LAND_DISTANCES_M:
        cols[open_land_col(d_m)] = _share(g, w, land <= d_m, every, n)
    edge = p["county_edge_m"].to_numpy(float)
    for tier in STRAIGHT_TIERS:
        missed = p[tier.dist_col].to_numpy(float) > tier.distance_m
        cols[edge_col(tier)] = _share(g, w, missed & (edge < tier.distance_m), every, n)
    return cols


def _network(p: pd.DataFrame, g: I64, w: I64, n: int) -> dict[str, Any]:
    cols: dict[str, Any] = {}
    for tier in ACCESS_TIERS:
        avail = p[tier.net_available_col].to_numpy(bool)
        d = p[tier.net_dist_col].to_numpy(float)
        cols[tier.net_dist_col] = np.where(
            np.bincount(g, weights=w * avail, minlength=n) > 0, _median(g, w, d, avail, n), np.nan
        )
        cols[tier.net_meets_col] = _share(g, w, d <= tier.distance_m, avail, n)
        cols[tier.net_available_col] = np.bincount(g, weights=w * avail, minlength=n) > 0
        cols[f"net_coverage_{tier.name}"] = ps.share_meeting(g, w, avail, n)
        straight = p[tier.dist_col].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(straight > 0, d / straight, np.nan)
        both = avail & np.isfinite(ratio)
        has = np.bincount(g, weights=w * both, minlength=n) > 0
        cols[f"detour_{tier.name}"] = np.where(has, _median(g, w, ratio, both, n), np.nan)
    for tier in BLUE_TIERS:
        label = f"{tier.distance_m:g}m"
        avail = p[f"blue_{tier.net_available_col}"].to_numpy(bool)
        d = p[f"blue_{tier.net_dist_col}"].to_numpy(float)
        has = np.bincount(g, weights=w * avail, minlength=n) > 0
        cols[f"blue_net_dist_{label}"] = np.where(has, _median(g, w, d, avail, n), np.nan)
        cols[f"blue_net_within_{label}"] = _share(g, w, d <= tier.distance_m, avail, n)
    reason = pd.Series(p["net_reason"].to_numpy(object)).where(lambda s: s != "")
    first = reason.groupby(g).first()
    cols["net_reason"] = first.reindex(range(n)).fillna("").to_numpy(object)
    return cols


def _air(p: pd.DataFrame, g: I64, w: I64, n: int) -> dict[str, Any]:
    cols: dict[str, Any] = {}
    for pol in standards.WHO_2021_GUIDELINES:
        if f"{pol}_ugm3" not in p:
            continue
        v = p[f"{pol}_ugm3"].to_numpy(float)
        known = np.isfinite(v)
        wk = (w * known).astype(np.float64)
        den = np.bincount(g, weights=wk, minlength=n)
        num = np.bincount(g, weights=np.where(known, v, 0.0) * wk, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            cols[f"{pol}_ugm3"] = np.where(den > 0, num / den, np.nan)
        who, uk = standards.WHO_2021_GUIDELINES[pol], standards.UK_LIMITS[pol]
        cols[f"{pol}_above_who"] = _share(g, w, v > who, known, n)
        cols[f"{pol}_above_uk_limit"] = _share(g, w, v > uk, known, n)
    return cols


def lsoa_indicators(
    points: pd.DataFrame, n_lsoa: int, no2_median: float | None = None
) -> tuple[pd.DataFrame, float]:
    """Sum the point indicators to LSOAs (see the module docstring for each column).

    Parameters
    ----------
    points
        From :func:`point_indicators` (all of them, or a subset such as the
        points inside a user's boundary).
    n_lsoa
        Number of LSOAs (rows of the engine's LSOA table).
    no2_median
        The double burden's NO₂ threshold (µg/m³); default the population-weighted
        median over ``points``, which is the county's when they are all the points.

    Returns
    -------
    (DataFrame, float)
        One row per LSOA, in engine order; and the county's population-weighted
        median NO₂ over residents (µg/m³, the PCM year of the points), the double-burden threshold.
    """
    g = points["group"].to_numpy(np.int64)
    w = points["people"].to_numpy(np.int64)
    cols = {
        **_straight(points, g, w, n_lsoa),
        **_network(points, g, w, n_lsoa),
        **_air(points, g, w, n_lsoa),
    }
    no2 = points["no2_ugm3"].to_numpy(float)
    if no2_median is None:
        no2_median = air.weighted_median(no2, w.astype(float))
    headline = next(t for t in ACCESS_TIERS if t.name == standards.HEADLINE_TIER)
    burden = (
        (points["IMD_decile"].to_numpy(float) <= 2)
        & (points[headline.dist_col].to_numpy(float) > headline.distance_m)
        & (no2 > no2_median)
    )
    cols["double_burden"] = ps.share_meeting(g, w, burden, n_lsoa)
    return pd.DataFrame(cols), no2_median
