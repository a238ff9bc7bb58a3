"""The analysis pipeline: load the bundle (``layers/``), compute (``geo/``), aggregate.

This module is the one place that joins data to analysis. The app, the
command line and the reports call :func:`load_results`, :func:`profile` and
:func:`scenario`; none of them computes anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import aggregate, air, inequality, nature, network_access, origins, proximity, routing
from geo import scenario as scen
from geo.index import DEFAULT_DOMAINS, healthy_places_index
from geo.raster import Raster
from healthyplaces import settings
from healthyplaces.settings import ACCESS_TIERS, AccessTier
from layers import air_quality, bluespace, boundaries, deprivation, greenspace, network, population
from layers.boundaries import Place
from layers.bundle import fingerprint

Progress = Callable[[str, float], None]

#: Blue-space distances treated as tiers (any size of feature).
BLUE_TIERS: tuple[AccessTier, ...] = tuple(
    AccessTier(f"blue_{int(d)}m", 0.0, d) for d in settings.BLUE_DISTANCES_M
)
#: The 300 m part of 3-30-300: a green space of at least 1 ha within 300 m (Konijnendijk 2021).
RULE_300 = AccessTier("rule_3_30_300", 1.0, 300.0)


def _quiet(_: str, __: float) -> None:
    return None


@dataclass
class Inputs:
    """Everything the analysis reads, loaded from the bundle (EPSG:27700)."""

    lsoa: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    greenspace: gpd.GeoDataFrame
    trees: gpd.GeoDataFrame
    blue: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    rasters: dict[str, Raster]
    graph: routing.WalkGraph
    network_area: shapely.Geometry


@dataclass
class Results:
    """LSOA indicators and what places need to aggregate them."""

    inputs: Inputs
    lsoa: gpd.GeoDataFrame
    habitat_areas: pd.DataFrame
    no2_county_median: float
    fingerprint: str
    indicator_catalogue: dict[str, dict[str, str]] = field(default_factory=dict)


def load_inputs(progress: Progress = _quiet) -> Inputs:
    """Load every layer the analysis needs from the bundle."""
    progress("Loading boundaries, population and deprivation", 0.05)
    lsoa = boundaries.load_lsoa21()
    pop = population.load_population()
    iod = deprivation.load_iod2025()
    keep = [
        "lsoa21_code",
        "IMD_score",
        "IMD_rank",
        "IMD_decile",
        "Income_score",
        "Health_decile",
        "Environment_decile",
    ]
    lsoa = lsoa.merge(pop, on="lsoa21_code", how="left", validate="1:1").merge(
        iod[keep], on="lsoa21_code", how="left", validate="1:1"
    )
    progress("Loading green and blue space", 0.15)
    nodes, edges = network.load_network()
    return Inputs(
        lsoa=lsoa,
        sites=greenspace.load_sites(),
        greenspace=greenspace.load_greenspace(),
        trees=greenspace.load_trees(),
        blue=bluespace.load_blue_features(),
        water=bluespace.load_water(),
        rasters=air_quality.load_all(),
        graph=routing.WalkGraph.from_gdfs(nodes, edges),
        network_area=network.load_network_area().geometry.iloc[0],
    )


def compute(inputs: Inputs, progress: Progress = _quiet) -> Results:
    """Compute every indicator for every LSOA (see :data:`INDICATORS` for columns and units)."""
    lsoa = inputs.lsoa.copy()
    pts = origins.origin_points(lsoa)
    zones = np.asarray(lsoa.geometry.values)
    site_geoms = np.asarray(inputs.sites.geometry.values)
    site_ha = inputs.sites["area_ha"].to_numpy(float)

    progress("Green-space access, straight line", 0.3)
    straight = proximity.tier_access(pts, site_geoms, site_ha, (*ACCESS_TIERS, RULE_300))
    progress("Green-space access, walking network (central Leeds)", 0.4)
    net = network_access.network_tier_access(
        inputs.graph,
        lsoa["pwc_x"].to_numpy(float),
        lsoa["pwc_y"].to_numpy(float),
        site_geoms,
        site_ha,
        inputs.network_area,
        ACCESS_TIERS,
    )
    progress("Blue space", 0.5)
    blue_geoms = np.asarray(inputs.blue.geometry.values)
    blue_dist = proximity.nearest_distance(pts, blue_geoms)
    blue_net = network_access.network_tier_access(
        inputs.graph,
        lsoa["pwc_x"].to_numpy(float),
        lsoa["pwc_y"].to_numpy(float),
        blue_geoms,
        np.zeros(len(blue_geoms)),
        inputs.network_area,
        BLUE_TIERS,
    )
    cols: dict[str, Any] = {}
    for tier in ACCESS_TIERS:
        d_net = net[f"net_dist_{tier.name}"].to_numpy(float)
        d_str = straight[f"dist_{tier.name}_m"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            cols[f"detour_{tier.name}"] = np.where(
                (d_str > 0) & np.isfinite(d_net) & np.isfinite(d_str), d_net / d_str, np.nan
            )
    met = straight[[f"meets_{t.name}" for t in ACCESS_TIERS]].to_numpy(bool)
    cols["tiers_met_share"] = met.mean(axis=1)
    cols["blue_dist_m"] = blue_dist
    cols["blue_within_300m"] = blue_dist <= 300.0
    cols["blue_within_1km"] = blue_dist <= 1_000.0
    for t in BLUE_TIERS:
        cols[f"blue_net_dist_{t.distance_m:g}m"] = blue_net[f"net_dist_{t.name}"].to_numpy(float)
        cols[f"blue_net_within_{t.distance_m:g}m"] = blue_net[f"net_meets_{t.name}"].array

    progress("Green space per 1,000 people", 0.55)
    _, _, site_area = nature.intersection_areas(zones, site_geoms)
    zi, _ = shapely.STRtree(site_geoms).query(zones, predicate="intersects")
    cols["accessible_green_ha"] = np.bincount(zi, weights=site_area, minlength=len(zones)) / 1e4
    lnr = inputs.greenspace[inputs.greenspace["typology"] == "nature_reserve"]
    cols["nature_reserve_ha"] = nature.covered_share(zones, np.asarray(lnr.geometry.values)) * (
        shapely.area(zones) / 1e4
    )

    progress("Air quality", 0.65)
    pairs = air.coverage_pairs(inputs.rasters["no2"], zones)
    for pol, raster in inputs.rasters.items():
        cols[f"{pol}_ugm3"] = raster.sample(
            lsoa["pwc_x"].to_numpy(float), lsoa["pwc_y"].to_numpy(float)
        )
        z = air.zonal_mean(raster, zones, pairs)
        cols[f"{pol}_zonal_ugm3"] = z["mean"].to_numpy()
        cols[f"{pol}_coverage"] = z["coverage"].to_numpy()
        cols[f"{pol}_above_who"] = cols[f"{pol}_ugm3"] > settings.WHO_2021_GUIDELINES[pol]
        cols[f"{pol}_above_uk_limit"] = cols[f"{pol}_ugm3"] > settings.UK_LIMITS[pol]

    progress("Nature and biodiversity", 0.75)
    habitat_geoms, habitat_class = _habitats(inputs)
    areas = nature.class_areas(zones, habitat_geoms, habitat_class)
    circles = shapely.buffer(pts, settings.HABITAT_RADIUS_M, quad_segs=16)
    areas_1km = nature.class_areas(circles, habitat_geoms, habitat_class)
    cols["habitat_shannon"] = nature.shannon(areas)
    cols["habitat_shannon_1km"] = nature.shannon(areas_1km)
    natural = inputs.greenspace[inputs.greenspace["typology"] == "natural"]
    cols["natural_share"] = nature.covered_share(zones, np.asarray(natural.geometry.values))
    cols["nature_reserve_share"] = cols["nature_reserve_ha"] / (shapely.area(zones) / 1e4)
    trees = nature.tree_density(zones, inputs.trees)

    out = pd.concat([lsoa.reset_index(drop=True), straight, net, pd.DataFrame(cols), trees], axis=1)
    out = out.loc[:, ~out.columns.duplicated()]
    out["area_ha"] = shapely.area(zones) / 1e4

    progress("Deprivation: double burden and index", 0.85)
    no2_median = air.weighted_median(out["no2_ugm3"].to_numpy(), out["population"].to_numpy(float))
    out["double_burden"] = (
        (out["IMD_decile"] <= 2)
        & ~out[f"meets_{settings.HEADLINE_TIER}"]
        & (out["no2_ugm3"] > no2_median)
    )
    hpi = healthy_places_index(out, DEFAULT_DOMAINS)
    out = pd.concat([out, hpi.reset_index(drop=True)], axis=1)
    progress("Done", 1.0)
    return Results(
        inputs=inputs,
        lsoa=gpd.GeoDataFrame(out, geometry="geometry", crs=settings.ANALYSIS_CRS),
        habitat_areas=areas,
        no2_county_median=no2_median,
        fingerprint=fingerprint(),
        indicator_catalogue=INDICATORS,
    )


def _habitats(inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    g = inputs.greenspace[inputs.greenspace["osm_value"].isin(nature.HABITAT_CLASSES)]
    geoms = np.r_[np.asarray(g.geometry.values), np.asarray(inputs.water.geometry.values)]
    classes = np.r_[
        g["osm_value"].map(nature.HABITAT_CLASSES).to_numpy(str),
        np.full(len(inputs.water), "open water"),
    ]
    return geoms, classes


_CACHE: dict[str, Results] = {}


def load_results(progress: Progress = _quiet) -> Results:
    """Load the bundle and compute every LSOA indicator, cached per bundle fingerprint.

    A rebuilt bundle has a new fingerprint, so its results are computed afresh.
    """
    key = fingerprint()
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = compute(load_inputs(progress), progress)
    return _CACHE[key]


# --- Indicators --------------------------------------------------------------

INDICATORS: dict[str, dict[str, str]] = {
    "population": {
        "label": "Usual residents (Census 2021)",
        "units": "people",
        "domain": "population",
    },
    "IMD_score": {"label": "IMD 2025 score", "units": "score", "domain": "deprivation"},
    "IMD_decile": {
        "label": "IMD 2025 national decile (1 = most deprived)",
        "units": "decile",
        "domain": "deprivation",
    },
    **{
        f"dist_{t.name}_m": {
            "label": f"Straight-line distance to a {t.min_ha:g} ha site",
            "units": "m",
            "domain": "access",
        }
        for t in ACCESS_TIERS
    },
    **{
        f"net_dist_{t.name}": {
            "label": f"Walking distance to a {t.min_ha:g} ha site (central Leeds)",
            "units": "m",
            "domain": "access",
        }
        for t in ACCESS_TIERS
    },
    "tiers_met_share": {
        "label": "Share of the six access standards met",
        "units": "0–1",
        "domain": "access",
    },
    "accessible_green_ha": {
        "label": "Accessible green space in the LSOA",
        "units": "ha",
        "domain": "access",
    },
    "blue_dist_m": {"label": "Distance to blue space", "units": "m", "domain": "access"},
    "no2_ugm3": {
        "label": "NO₂ annual mean 2019 at the population centroid",
        "units": "µg/m³",
        "domain": "air",
    },
    "pm25_ugm3": {"label": "PM2.5 annual mean 2019", "units": "µg/m³", "domain": "air"},
    "pm10_ugm3": {"label": "PM10 annual mean 2019", "units": "µg/m³", "domain": "air"},
    "no2_zonal_ugm3": {
        "label": "NO₂ area-weighted mean over the LSOA",
        "units": "µg/m³",
        "domain": "air",
    },
    "habitat_shannon": {
        "label": "Habitat diversity in the LSOA (Shannon)",
        "units": "nats",
        "domain": "nature",
    },
    "habitat_shannon_1km": {
        "label": "Habitat diversity within 1 km (Shannon)",
        "units": "nats",
        "domain": "nature",
    },
    "natural_share": {
        "label": "Natural and semi-natural share of land",
        "units": "0–1",
        "domain": "nature",
    },
    "nature_reserve_share": {
        "label": "Share of land in nature reserves",
        "units": "0–1",
        "domain": "nature",
    },
    "trees_per_km2": {
        "label": "OSM-mapped trees per km² (incomplete)",
        "units": "per km²",
        "domain": "nature",
    },
    "hpi_score": {
        "label": "Healthy Places index (higher = less healthy)",
        "units": "score",
        "domain": "index",
    },
    "hpi_decile": {
        "label": "Healthy Places index decile (1 = least healthy)",
        "units": "decile",
        "domain": "index",
    },
}


# --- Places -------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """What a profile is about: a named place or a user polygon, with LSOA weights."""

    name: str
    level: str
    code: str | None
    weights: np.ndarray  # people per LSOA counted in the area (population × share)
    share: np.ndarray  # 0–1 share of each LSOA counted
    method: str
    polygon: shapely.Geometry | None = None
    parent_code: str | None = None
    parent_name: str | None = None


def area_for_place(results: Results, place: Place) -> Area:
    """The LSOAs of a named place (whole LSOAs by the ONS lookup)."""
    mask = boundaries.lsoas_in(place, results.lsoa).to_numpy(bool)
    pop = results.lsoa["population"].to_numpy(float)
    return Area(
        place.name,
        place.level,
        place.code,
        np.where(mask, pop, 0.0),
        mask.astype(float),
        origins.WHOLE_LSOAS,
        parent_code=place.parent_code,
        parent_name=place.parent_name,
    )


def area_for_polygon(
    results: Results, polygon: shapely.Geometry, name: str = "Custom area"
) -> Area:
    """A user polygon (EPSG:27700): LSOAs weighted by the share of their area inside it."""
    share = origins.area_share(np.asarray(results.lsoa.geometry.values), polygon)
    pop = results.lsoa["population"].to_numpy(float)
    return Area(name, "custom", None, pop * share, share, origins.AREA_SHARE, polygon=polygon)


def _slope(values: np.ndarray, rank: np.ndarray, w: np.ndarray) -> dict[str, dict[str, float]]:
    keep = w > 0
    s = inequality.slope_index(values[keep], rank[keep], w[keep])
    return {
        "sii": {"value": s["sii"], "ci_low": s["sii_ci_low"], "ci_high": s["sii_ci_high"]},
        "rii": {"value": s["rii"], "ci_low": s["rii_ci_low"], "ci_high": s["rii_ci_high"]},
    }


def profile(results: Results, area: Area) -> dict[str, Any]:
    """Every headline indicator of an area, in the units named by its key.

    Shares are 0–1 of the area's population; concentrations µg/m³ (annual
    means, 2019); distances metres; ``access_network`` values are ``None``
    where the offline network does not cover anyone in the area.
    """
    t = results.lsoa
    w = area.weights
    inside = w > 0
    pop = float(w.sum())
    prof: dict[str, Any] = {
        "place": {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "parent_code": area.parent_code,
            "parent_name": area.parent_name,
        },
        "method": area.method,
        "n_lsoas": int(inside.sum()),
        "population": round(pop, 1) if area.level == "custom" else round(pop),
        "imd_score_pop_weighted": aggregate.weighted_mean(t["IMD_score"], w),
        "lsoa_share_most_deprived_decile": float((t.loc[inside, "IMD_decile"] == 1).mean())
        if inside.any()
        else float("nan"),
        "pop_share_imd_deciles_1_2": aggregate.weighted_share(t["IMD_decile"] <= 2, w)[0],
    }
    notes: list[str] = []
    for pol in air_quality.POLLUTANTS:
        prof[f"{pol}_pop_weighted_ugm3"] = aggregate.weighted_mean(t[f"{pol}_ugm3"], w)
        known = t[f"{pol}_ugm3"].notna()
        flags = pd.array(np.where(known, t[f"{pol}_above_who"], pd.NA), dtype="boolean")
        prof[f"pop_share_{pol}_above_who"], cov = aggregate.weighted_share(flags, w)
        flags_uk = pd.array(np.where(known, t[f"{pol}_above_uk_limit"], pd.NA), dtype="boolean")
        prof[f"pop_share_{pol}_above_uk_limit"] = aggregate.weighted_share(flags_uk, w)[0]
        coverage = _air_coverage(results, area, pol, cov)
        prof.setdefault("air_coverage", {})[pol] = coverage
        if coverage < 0.999:
            notes.append(
                f"{settings.POLLUTANT_LABELS[pol]} data cover {coverage:.0%} of this area."
            )
    green_ha, lnr_ha = _green_hectares(results, area)
    prof["accessible_green_ha"] = green_ha
    prof["accessible_green_ha_per_1000"] = green_ha / pop * 1000 if pop else float("nan")
    prof["green_standard_ha_per_1000"] = settings.GREEN_HA_PER_1000_STANDARD
    prof["nature_reserve_ha_per_1000"] = lnr_ha / pop * 1000 if pop else float("nan")
    prof["lnr_standard_ha_per_1000"] = settings.LNR_HA_PER_1000_STANDARD
    prof["access_straight"] = {
        tier.name: aggregate.weighted_share(t[f"meets_{tier.name}"], w)[0] for tier in ACCESS_TIERS
    }
    net = {
        tier.name: aggregate.weighted_share(t[f"net_meets_{tier.name}"], w) for tier in ACCESS_TIERS
    }
    prof["access_network"] = {k: (v[0] if v[1] > 0 else None) for k, v in net.items()}
    prof["access_network_coverage"] = {k: v[1] for k, v in net.items()}
    prof["detour_ratio_median"] = {
        tier.name: _median(t.loc[inside, f"detour_{tier.name}"]) for tier in ACCESS_TIERS
    }
    if max(v[1] for v in net.values()) < 1:
        notes.append(
            "Walking-network results cover central Leeds only offline; elsewhere they "
            "are not available (straight-line results are shown)."
        )
    prof["rule_3_30_300_share"] = aggregate.weighted_share(t[f"meets_{RULE_300.name}"], w)[0]
    prof["blue_within_300m_share"] = aggregate.weighted_share(t["blue_within_300m"], w)[0]
    prof["blue_within_1km_share"] = aggregate.weighted_share(t["blue_within_1km"], w)[0]
    bnet = aggregate.weighted_share(t["blue_net_within_300m"], w)
    prof["blue_network_within_300m_share"] = bnet[0] if bnet[1] > 0 else None
    prof["habitat_shannon"] = _area_shannon(results, area)
    prof["habitat_shannon_1km_pop_weighted"] = aggregate.weighted_mean(t["habitat_shannon_1km"], w)
    land = t["area_ha"].to_numpy(float) * area.share
    prof["natural_share"] = aggregate.weighted_mean(t["natural_share"], land)
    prof["nature_reserve_share"] = aggregate.weighted_mean(t["nature_reserve_share"], land)
    prof["trees_per_km2"] = aggregate.weighted_mean(t["trees_per_km2"], land)
    prof["double_burden_population"] = round(
        aggregate.weighted_sum(t["double_burden"].astype(float), w)
    )
    prof["double_burden_lsoas"] = int((t["double_burden"] & inside).sum())
    prof["no2_county_median_ugm3"] = results.no2_county_median
    meets = t[f"meets_{settings.HEADLINE_TIER}"].to_numpy(float)
    prof.update(_slope(meets, t["IMD_rank"].to_numpy(float), w))
    ci = inequality.concentration_index(
        meets[inside], t["IMD_rank"].to_numpy(float)[inside], w[inside]
    )
    prof["concentration_index"] = {
        "value": ci["ci"],
        "ci_low": ci["ci_ci_low"],
        "ci_high": ci["ci_ci_high"],
    }
    prof["hpi_score_pop_weighted"] = aggregate.weighted_mean(t["hpi_score"], w)
    prof["notes"] = notes
    prof["units"] = UNITS
    prof["data_vintage"] = DATA_VINTAGE
    prof["attribution"] = settings.ATTRIBUTION
    return prof


def _median(s: pd.Series) -> float:
    v = s.to_numpy(float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else float("nan")


def _air_coverage(results: Results, area: Area, pol: str, pop_coverage: float) -> float:
    """Share of the area with data: cell coverage for a polygon, else population share."""
    if area.polygon is None:
        return pop_coverage
    z = air.zonal_mean(results.inputs.rasters[pol], np.array([area.polygon]))
    return float(z["coverage"].iloc[0])


def _green_hectares(results: Results, area: Area) -> tuple[float, float]:
    """Accessible green space and nature-reserve area inside the area, ha."""
    t = results.lsoa
    if area.polygon is None:
        return (
            float((t["accessible_green_ha"] * area.share).sum()),
            float((t["nature_reserve_ha"] * area.share).sum()),
        )
    zone = np.array([area.polygon])
    sites = np.asarray(results.inputs.sites.geometry.values)
    g = results.inputs.greenspace
    lnr = np.asarray(g.loc[g["typology"] == "nature_reserve"].geometry.values)
    _, _, a = nature.intersection_areas(zone, sites)
    return float(a.sum() / 1e4), float(
        nature.covered_share(zone, lnr)[0] * shapely.area(area.polygon) / 1e4
    )


def _area_shannon(results: Results, area: Area) -> float:
    """Shannon diversity of habitat class areas over the whole area (not an average of LSOAs)."""
    if area.polygon is None:
        summed = results.habitat_areas.mul(area.share, axis=0).sum(axis=0).to_frame().T
    else:
        geoms, classes = _habitats(results.inputs)
        summed = nature.class_areas(np.array([area.polygon]), geoms, classes)
    return float(nature.shannon(summed)[0])


UNITS: dict[str, str] = {
    "population": "people (Census 2021 usual residents)",
    "imd_score_pop_weighted": "IoD 2025 IMD score, population-weighted",
    "*_ugm3": "µg/m³, annual mean 2019 (DEFRA PCM), population-weighted",
    "pop_share_*": "share of population, 0–1",
    "*_ha_per_1000": "hectares per 1,000 residents",
    "access_straight / access_network": "share of population meeting each tier, 0–1",
    "detour_ratio_median": "walking ÷ straight-line distance (median over LSOAs with both)",
    "habitat_shannon": "Shannon diversity of OSM habitat class areas, nats",
    "sii": "slope index of inequality for the 2 ha/300 m tier: least minus most deprived, "
    "share of population (0–1 scale)",
    "rii": "relative index of inequality: SII ÷ mean",
}
DATA_VINTAGE: dict[str, str] = {
    "population": "Census 2021",
    "deprivation": "IoD 2025",
    "air_quality": "DEFRA PCM 2019",
    "green_space": "OpenStreetMap 2023-08 (grass 2020-02 in Kirklees, Wakefield)",
    "blue_space": "OpenStreetMap 2023-08 (waterways 2018-05)",
    "walking_network": "OpenStreetMap 2022, central Leeds",
    "boundaries": "ONS 2021 LSOA, 2025 wards",
}


# --- Scenario -----------------------------------------------------------------


def scenario(results: Results, polygon: shapely.Geometry) -> dict[str, Any]:
    """Add ``polygon`` (EPSG:27700) as a new publicly accessible site; report who gains.

    Recomputes only the affected origins on both methods, never the county.

    Returns
    -------
    dict
        ``new_site_ha``, ``merged_site_ha``, ``absorbed_sites``, and per tier
        ``gain_straight``/``gain_network`` (extra people meeting it),
        ``gain_by_imd_decile`` (straight line, people per decile 1–10) and
        ``lsoas`` (a table of affected LSOAs with before/after distances).
    """
    t = results.lsoa
    pts = origins.origin_points(t)
    site = scen.add_site(np.asarray(results.inputs.sites.geometry.values), polygon)
    before = t[[c for tier in ACCESS_TIERS for c in (f"dist_{tier.name}_m", f"meets_{tier.name}")]]
    after = scen.straight_line_update(pts, before, site)
    net_cols = [
        c
        for tier in ACCESS_TIERS
        for c in (f"net_dist_{tier.name}", f"net_meets_{tier.name}", f"net_available_{tier.name}")
    ]
    net_before = t[[*net_cols, "net_reason"]]
    net_after = network_access.scenario_network_access(
        results.inputs.graph,
        net_before,
        t["pwc_x"].to_numpy(float),
        t["pwc_y"].to_numpy(float),
        site.geometry,
        site.area_ha,
    )
    pop = t["population"].to_numpy(float)
    decile = t["IMD_decile"].to_numpy(int)
    out: dict[str, Any] = {
        "new_site_ha": site.new_area_ha,
        "merged_site_ha": site.area_ha,
        "absorbed_sites": len(site.absorbed),
        "gain_straight": {},
        "gain_network": {},
        "gain_by_imd_decile": {},
    }
    # Network gains exist only for a park that reaches the complete offline network.
    on_network = bool(shapely.intersects(site.geometry, results.inputs.network_area))
    changed = np.zeros(len(t), dtype=bool)
    for tier in ACCESS_TIERS:
        m0 = before[f"meets_{tier.name}"].to_numpy(bool)
        m1 = after[f"meets_{tier.name}"].to_numpy(bool)
        gained = m1 & ~m0
        changed |= gained | (
            after[f"dist_{tier.name}_m"].to_numpy() < before[f"dist_{tier.name}_m"].to_numpy()
        )
        out["gain_straight"][tier.name] = int(pop[gained].sum())
        out["gain_by_imd_decile"][tier.name] = {
            int(d): int(pop[gained & (decile == d)].sum()) for d in range(1, 11)
        }
        n0 = net_before[f"net_meets_{tier.name}"].fillna(False).to_numpy(bool)
        n1 = net_after[f"net_meets_{tier.name}"].fillna(False).to_numpy(bool)
        avail = net_after[f"net_available_{tier.name}"].to_numpy(bool)
        known = on_network and avail.any()
        out["gain_network"][tier.name] = int(pop[n1 & ~n0].sum()) if known else None
    rows = t.loc[changed, ["lsoa21_code", "lsoa21_name", "population", "IMD_decile"]].copy()
    for tier in ACCESS_TIERS:
        rows[f"before_dist_{tier.name}_m"] = before.loc[changed, f"dist_{tier.name}_m"]
        rows[f"after_dist_{tier.name}_m"] = after.loc[changed, f"dist_{tier.name}_m"]
        rows[f"gained_{tier.name}"] = (
            after.loc[changed, f"meets_{tier.name}"] & ~before.loc[changed, f"meets_{tier.name}"]
        )
    out["lsoas"] = rows.reset_index(drop=True)
    out["affected_lsoa_codes"] = rows["lsoa21_code"].tolist()
    out["site_geometry"] = site.geometry
    return out


#: LSOA columns averaged (population-weighted) by :func:`place_table`.
PLACE_MEANS = ["IMD_score", "no2_ugm3", "pm25_ugm3", "pm10_ugm3", "hpi_score", "tiers_met_share"]
#: LSOA yes/no columns given as population shares by :func:`place_table`.
PLACE_SHARES = [
    *(f"meets_{t.name}" for t in ACCESS_TIERS),
    *(f"net_meets_{t.name}" for t in ACCESS_TIERS),
    "blue_within_300m",
    "blue_within_1km",
    "no2_above_who",
    "pm25_above_who",
    "double_burden",
]


def place_table(results: Results) -> pd.DataFrame:
    """Headline indicators for every place (county, districts, wards, MSOAs) in one pass.

    Values are population-weighted means or population shares (0–1) of the
    place's LSOAs (:func:`geo.aggregate.group_weighted`); ``*_coverage`` columns
    give the share of people for whom a network result exists.
    """
    t = pd.DataFrame(results.lsoa.drop(columns="geometry"))
    t["county_code"] = settings.COUNTY_CODE
    frames = []
    for level, col in (
        ("county", "county_code"),
        ("district", "district_code"),
        ("ward", "ward_code"),
        ("msoa", "msoa21_code"),
    ):
        agg = aggregate.group_weighted(t, col, "population", PLACE_MEANS, PLACE_SHARES)
        frames.append(agg.assign(level=level).rename_axis("code").reset_index())
    return pd.concat(frames, ignore_index=True)


#: Every indicator cross-tabulated by :func:`decile_table`.
DECILE_COLUMNS: list[str] = [
    *(
        c
        for c in INDICATORS
        # walking distances are inf beyond the tier radius: their shares are below
        if c not in ("population", "IMD_decile", "hpi_decile") and not c.startswith("net_dist_")
    ),
    *(f"meets_{t.name}" for t in ACCESS_TIERS),
    *(f"net_meets_{t.name}" for t in ACCESS_TIERS),
    "blue_within_300m",
    "blue_within_1km",
    "no2_above_who",
    "pm25_above_who",
    "pm10_above_who",
    "double_burden",
]


def decile_table(
    results: Results, weights: np.ndarray, columns: list[str] | None = None
) -> pd.DataFrame:
    """Indicators by IoD 2025 national decile (1 = most deprived), population-weighted.

    Parameters
    ----------
    results
        From :func:`load_results`.
    weights
        People counted per LSOA (``Area.weights``, or the population for the county).
    columns
        Indicator columns (default :data:`DECILE_COLUMNS`: every indicator).

    Returns
    -------
    DataFrame
        Rows: deciles 1–10 (all ten, NaN where empty). Columns: each indicator's
        population-weighted mean (a share 0–1 for yes/no indicators; network
        columns over the people they cover), ``population`` and ``n_lsoa``.
    """
    cols = DECILE_COLUMNS if columns is None else columns
    t = results.lsoa
    frame = pd.DataFrame({c: t[c].astype("Float64") for c in cols})
    frame["IMD_decile"] = t["IMD_decile"].to_numpy()
    frame["_w"] = np.asarray(weights, dtype=float)
    frame = frame[frame["_w"] > 0]
    return inequality.by_decile(frame.astype({c: float for c in cols}), cols, "IMD_decile", "_w")


def lsoa_table(results: Results) -> pd.DataFrame:
    """Every LSOA indicator as a plain table (no geometry), for CSV/JSON export."""
    drop = [c for c in ("geometry",) if c in results.lsoa.columns]
    table = pd.DataFrame(results.lsoa.drop(columns=drop))
    for col in table.columns:
        if isinstance(table[col].dtype, pd.BooleanDtype):
            table[col] = table[col].astype(object).where(table[col].notna(), None)
    return table
