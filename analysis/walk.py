"""Walking measures: fair network/straight-line comparisons, the 15-minute walk,
isochrones and after-dark access.

* **Same people.** A network figure covers only the people inside the complete
  network area; a straight-line figure beside it must cover exactly those
  people (:func:`same_people`), and the *detour share* is the share of them
  who meet a standard in a straight line but not on foot.
* **The 15-minute walk.** Share of residents within 1,200 m of any publicly
  accessible green *or* blue space: 15 minutes at 4.8 km/h (80 m/min, the
  walking speed of DfT TAG unit M3.2 and Natural England's ANGSt walking-time
  conversions). Defra's 2026 access statistic reports 80% of households in
  England within a 15-minute walk (figure as quoted in issue 12; check the
  published release before quoting it). Walking distance is used where the
  network is complete, straight-line elsewhere, and every share says which.
* **After dark.** The same walk on the lit network only (:func:`lit_edges`),
  with the share of walkable street length whose ``lit`` is mapped.

Distances EPSG:27700 metres; shares 0–1 of residents counted where they live (the
population surface points, weighted by the area's share of each LSOA).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from analysis.areas import Area
from analysis.engine import Results, load_entrances
from geo import aggregate, point_distance
from geo.network.access import NetworkOptions, network_tier_access
from geo.network.routing import WalkGraph
from geo.standards import ACCESS_TIERS, AccessTier
from layers import bluespace, bundle, greenspace, network

WALK_SPEED_KMH = 4.8
#: 15 minutes at 4.8 km/h, m.
WALK_15_MIN_M = 15 * WALK_SPEED_KMH * 1000 / 60
WALK_15 = AccessTier("walk_15min", 0.0, WALK_15_MIN_M)
#: Defra (2026) headline: share of households in England within a 15-minute walk.
DEFRA_ENGLAND_15MIN_SHARE = 0.80
#: ``lit`` values meaning the way is lit at night (OSM wiki, Key:lit).
LIT_YES = frozenset({"yes", "24/7", "automatic", "sunset-sunrise", "limited", "interval"})
#: Streets presumed lit when ``lit`` is unmapped: English adopted urban streets are
#: lit as a rule; paths, tracks, footways through parks and service roads often are not.
LIT_IMPLIED = frozenset(
    {
        "residential", "living_street", "primary", "primary_link", "secondary",
        "secondary_link", "tertiary", "tertiary_link", "trunk", "trunk_link",
    }
)  # fmt: skip
#: Below this share of walkable length with ``lit`` mapped, after-dark figures are flagged.
LIT_COVERAGE_MIN = 0.5

_CACHE: dict[str, pd.DataFrame] = {}


def _point_weights(results: Results, area: Area) -> NDArray[np.float64]:
    """People at each population-surface point counted in ``area``.

    A user polygon counts exactly its points inside (``area.point_mask``); a
    named place its LSOAs' points (point people × LSOA share, 0 or 1).
    """
    p = results.points
    if p is None or p.empty:
        raise ValueError("these results have no population surface points (recompute them)")
    if area.point_mask is not None and len(area.point_mask) == len(p):
        return np.where(area.point_mask, p["people"].to_numpy(float), 0.0)
    share = np.asarray(area.share, dtype=float)[p["group"].to_numpy(np.int64)]
    weights: NDArray[np.float64] = p["people"].to_numpy(float) * share
    return weights


def same_people(results: Results, area: Area) -> dict[str, dict[str, float | None]]:
    """Straight-line shares and detour shares over exactly the people with network results.

    Counted where people live: at every population-surface point
    (:mod:`analysis.surface`) whose walking result exists for the tier, the
    straight-line and the walking distance are compared with the tier's.

    Returns
    -------
    dict
        ``access_network_same_people_straight`` and ``access_network_detour_share``:
        tier → share (0–1) of the residents with a walking result; ``None``
        where no one in the area has one.
    """
    p = results.points
    w = _point_weights(results, area)
    straight: dict[str, float | None] = {}
    detour: dict[str, float | None] = {}
    assert p is not None  # checked by _point_weights
    for tier in ACCESS_TIERS:
        known = p[tier.net_available_col].to_numpy(bool)
        ww = np.where(known, w, 0.0)
        if ww.sum() <= 0:
            straight[tier.name] = detour[tier.name] = None
            continue
        s = p[tier.dist_col].to_numpy(float) <= tier.distance_m
        on_foot = p[tier.net_dist_col].to_numpy(float) <= tier.distance_m
        straight[tier.name] = float(ww[s].sum() / ww.sum())
        detour[tier.name] = float(ww[s & ~on_foot].sum() / ww.sum())
    return {
        "access_network_same_people_straight": straight,
        "access_network_detour_share": detour,
    }


def lit_edges(edges: pd.DataFrame) -> tuple[NDArray[np.bool_], float]:
    """Which edges count as lit after dark, and the share of length with ``lit`` mapped.

    Rule: ``lit`` in :data:`LIT_YES`; or ``lit`` unmapped on a street type in
    :data:`LIT_IMPLIED`. ``lit=no`` (or any other mapped value) is unlit.

    Returns
    -------
    (lit, coverage)
        One flag per edge, and the length share (0–1) of edges with ``lit`` mapped.
    """
    lit = edges["lit"].fillna("").astype(str).str.lower() if "lit" in edges else None
    if lit is None:
        lit = pd.Series("", index=edges.index)
    highway = edges["highway"].fillna("").astype(str).str.split(";").str[0]
    ok = lit.isin(LIT_YES) | (lit.eq("") & highway.isin(LIT_IMPLIED))
    length = edges["length"].to_numpy(float)
    coverage = float(length[lit.ne("").to_numpy()].sum() / length.sum()) if len(length) else 0.0
    flags: NDArray[np.bool_] = ok.to_numpy(bool)
    return flags, coverage


def walk_table(results: Results) -> pd.DataFrame:
    """15-minute-walk distances at every surface point: straight, on foot by day and after dark (m).

    Cached per bundle (:func:`layers.bundle.fingerprint`).
    """
    key = bundle.fingerprint()
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _walk_table(results)
    return _CACHE[key]


def _walk_table(results: Results) -> pd.DataFrame:
    p = results.points
    if p is None or p.empty:
        raise ValueError("these results have no population surface points (recompute them)")
    x = p["easting"].to_numpy(float)
    y = p["northing"].to_numpy(float)
    sites = greenspace.load_sites()
    blue = bluespace.load_blue_features()
    geoms = np.r_[np.asarray(sites.geometry.values), np.asarray(blue.geometry.values)]
    straight = point_distance.nearest_distances(
        shapely.points(x, y), point_distance.FeatureIndex.of(geoms), [None]
    )[0]
    nodes, edges = network.load_network()
    area = network.load_network_area().geometry.iloc[0]
    # sites come first in geoms, so the entrances' site positions hold
    options = NetworkOptions(
        entrances=load_entrances(sites), extent=network.network_coverage().extent
    )
    day_graph = WalkGraph.from_gdfs(nodes, edges)
    lit, coverage = lit_edges(edges)
    out = pd.DataFrame({"straight_m": straight}, index=p.index)
    zero = np.zeros(len(geoms))
    for name, graph in (("day", day_graph), ("dark", day_graph.without(~lit))):
        acc = network_tier_access(graph, x, y, geoms, zero, area, [WALK_15], options=options)
        out[f"net_{name}_m"] = acc[f"net_dist_{WALK_15.name}"].to_numpy(float)
    out.attrs["lit_coverage"] = coverage
    return out


def walk_15(results: Results, area: Area) -> dict[str, Any]:
    """The 15-minute walk and after-dark shares of an area's residents (profile keys).

    Returns
    -------
    dict
        ``walk_15min``: ``share`` (network where available, straight line
        elsewhere), ``network_share`` / ``straight_share`` (the parts),
        ``network_coverage`` (share of residents with a network result),
        ``method`` and Defra's England figure; ``after_dark``: the daytime and
        after-dark network shares over the same people, ``lit_tagged_share``
        and a ``note`` when the tagging is too thin.
    """
    table = walk_table(results)
    w = _point_weights(results, area)
    d = WALK_15_MIN_M
    day, dark = table["net_day_m"].to_numpy(float), table["net_dark_m"].to_numpy(float)
    straight = table["straight_m"].to_numpy(float)
    has_net = ~np.isnan(day)  # NaN: no network result; inf: none within 1,200 m
    meets = np.where(has_net, day <= d, straight <= d)
    total = w.sum()
    cov = float(w[has_net].sum() / total) if total > 0 else float("nan")
    net_share = aggregate.weighted_share(pd.array(np.where(has_net, day <= d, pd.NA), "boolean"), w)
    out_share = aggregate.weighted_share(
        pd.array(np.where(~has_net, straight <= d, pd.NA), "boolean"), w
    )
    lit_cov = float(table.attrs.get("lit_coverage", 0.0))
    dark_share = aggregate.weighted_share(
        pd.array(np.where(has_net, dark <= d, pd.NA), "boolean"), w
    )
    walk = {
        "share": float(w[meets].sum() / total) if total > 0 else None,
        "network_share": net_share[0] if cov > 0 else None,
        "straight_share": out_share[0] if cov < 1 else None,
        "network_coverage": cov,
        "distance_m": d,
        "method": (
            f"within {d:,.0f} m (15 min at {WALK_SPEED_KMH:g} km/h) of any publicly accessible "
            f"green or blue space: walking distance for {cov:.0%} of residents "
            f"({network.network_coverage().place}), straight line for the rest"
        ),
        "defra_england_households_share": DEFRA_ENGLAND_15MIN_SHARE,
        "defra_source": "Defra (2026) access to green and blue space statistic, England",
    }
    dark_out = {
        "daytime_network_share": net_share[0] if cov > 0 else None,
        "after_dark_network_share": dark_share[0] if cov > 0 else None,
        "lit_tagged_share": lit_cov,
        "rule": "lit=yes (or 24/7, automatic …), or lit unmapped on residential, living "
        "street and trunk-to-tertiary roads; everything else unlit",
        "note": (
            f"Only {lit_cov:.0%} of walkable street length has OSM lit tagging "
            f"(under {LIT_COVERAGE_MIN:.0%}): after-dark figures rest mostly on the "
            "implied-lighting rule."
            if lit_cov < LIT_COVERAGE_MIN
            else ""
        ),
    }
    return {"walk_15min": walk, "after_dark": dark_out}


def profile_additions(results: Results, area: Area) -> dict[str, Any]:
    """Every key this module adds to a place profile (see :func:`analysis.profiles.profile`)."""
    return {**same_people(results, area), **walk_15(results, area)}


def isochrone_summary(lon: float, lat: float, minutes: list[float]) -> dict[str, Any]:
    """Walking isochrones from a lon/lat point, with the green/blue space and people inside.

    Parameters
    ----------
    lon, lat
        The origin, EPSG:4326 degrees.
    minutes
        Walking times, minutes at :data:`WALK_SPEED_KMH`.

    Returns
    -------
    dict
        ``method`` and one ``bands`` entry per time: ``minutes``, ``distance_m``,
        ``area_ha``, ``green_ha`` (publicly accessible sites), ``blue_ha``
        (amenity water), ``people`` (residents whose postcode point of the
        population surface lies inside: Census 2021 on OS Code-Point Open),
        ``people_area_share`` (the older estimate, LSOA populations shared by
        area) and ``geometry_lonlat`` (GeoJSON, EPSG:4326).

    Raises
    ------
    ValueError
        When the point is outside the complete network area, or a time is not positive.
    """
    import geopandas as gpd

    from analysis.engine import load_results
    from geo import crs
    from geo.network.isochrone import ISOCHRONE_BUFFER_M, isochrone

    if not minutes or min(minutes) <= 0:
        raise ValueError(f"--minutes must be positive, got {minutes}")
    pt = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(crs.ANALYSIS_CRS)
    x, y = float(pt.x.iloc[0]), float(pt.y.iloc[0])
    cov = network.network_coverage()
    area = network.load_network_area().geometry.iloc[0]
    if not shapely.contains_xy(area, x, y):
        raise ValueError(f"({lon}, {lat}) is outside {cov.extent}: no walking network there")
    graph = WalkGraph.from_gdfs(*network.load_network())
    sites = np.asarray(greenspace.load_sites().geometry.values)
    water = bluespace.load_water()
    water_geoms = np.asarray(water[water["blue_space"].to_numpy(bool)].geometry.values)
    results = load_results()
    lsoa = results.lsoa
    zones = np.asarray(lsoa.geometry.values)
    pop = lsoa["population"].to_numpy(float)
    homes = results.points
    bands = []
    for m in sorted(minutes):
        d = m * WALK_SPEED_KMH * 1000 / 60
        poly = isochrone(graph, x, y, d)
        share = shapely.area(shapely.intersection(zones, poly)) / shapely.area(zones)
        bands.append(
            {
                "minutes": m,
                "distance_m": d,
                "area_ha": shapely.area(poly) / 1e4,
                "green_ha": _inside_ha(sites, poly),
                "blue_ha": _inside_ha(water_geoms, poly),
                "people": _people_inside(homes, poly) if homes is not None else None,
                "people_area_share": float((pop * share).sum()),
                "complete": bool(shapely.within(shapely.buffer(shapely.Point(x, y), d), area)),
                "geometry_lonlat": shapely.geometry.mapping(
                    gpd.GeoSeries([poly], crs=crs.ANALYSIS_CRS).to_crs("EPSG:4326").iloc[0]
                ),
            }
        )
    return {
        "at": {"lon": lon, "lat": lat, "x": x, "y": y},
        "method": (
            f"Walking areas at {WALK_SPEED_KMH:g} km/h along the OSM network "
            f"({cov.name}), reached streets (partial edges cut at the "
            f"remaining distance) buffered by {ISOCHRONE_BUFFER_M:g} m; people are the "
            "residents whose postcode lies inside (Census 2021 on the postcode population "
            "surface)"
        ),
        "bands": bands,
    }


def _people_inside(points: pd.DataFrame, poly: shapely.Geometry) -> float:
    """Residents of the population surface whose postcode point lies in or on ``poly``."""
    inside = shapely.intersects_xy(
        poly, points["easting"].to_numpy(float), points["northing"].to_numpy(float)
    )
    return float(points["people"].to_numpy(float)[inside].sum())


def _inside_ha(geoms: NDArray[np.object_], poly: shapely.Geometry) -> float:
    """Hectares of ``geoms`` inside ``poly`` (overlaps between features counted once)."""
    if len(geoms) == 0:
        return 0.0
    hit = shapely.STRtree(geoms).query(poly, predicate="intersects")
    if len(hit) == 0:
        return 0.0
    return float(shapely.area(shapely.intersection(shapely.union_all(geoms[hit]), poly)) / 1e4)
