"""The analysis pipeline: load the bundle (``layers/``), compute (``geo/``), aggregate.

This module is the one place that joins data to analysis: :func:`load_results`
gives every indicator for every LSOA (see :data:`INDICATORS`). Aggregation to
places is :mod:`analysis.profiles`; new parks are
:mod:`analysis.new_park`. The app, the command line and the reports call
these; none of them computes anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from geo import air, crs, nature, origins, proximity, standards
from geo.index import DEFAULT_DOMAINS, healthy_places_index
from geo.network import access as network_access
from geo.network import routing
from geo.raster import Raster
from geo.standards import ACCESS_TIERS, AccessTier
from layers import (
    air_quality,
    bluespace,
    boundaries,
    deprivation,
    greenspace,
    network,
    population,
    results_store,
)

Progress = Callable[[str, float], None]

#: Blue-space distances treated as tiers (any size of feature).
BLUE_TIERS: tuple[AccessTier, ...] = tuple(
    AccessTier(f"blue_{int(d)}m", 0.0, d) for d in standards.BLUE_DISTANCES_M
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
    network_extent: str = network_access.NETWORK_EXTENT


@dataclass
class Results:
    """LSOA indicators and what places need to aggregate them.

    ``inputs`` (the loaded bundle layers and walking graph) are loaded on first
    use: profiles of named places need only the LSOA table, so results read
    back from the results store (:mod:`layers.results_store`) answer without
    loading the bundle.
    """

    lsoa: gpd.GeoDataFrame
    habitat_areas: pd.DataFrame
    no2_county_median: float
    _inputs: Inputs | None = None

    @property
    def inputs(self) -> Inputs:
        """The bundle layers the results were computed from (loaded lazily)."""
        if self._inputs is None:
            self._inputs = load_inputs()
        return self._inputs


def load_inputs(progress: Progress = _quiet) -> Inputs:
    """Load every layer the analysis needs from the bundle.

    Parameters
    ----------
    progress
        Called with a message and a 0–1 fraction as each step starts.

    Returns
    -------
    Inputs
        Every table in EPSG:27700 (metres), the pollution rasters (µg/m³, 2019)
        and the walking graph with its contracted core.
    """
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
    sites = greenspace.load_sites()
    blue = bluespace.load_blue_features()
    progress("Preparing the walking network", 0.2)
    nodes, edges = network.load_network()
    graph = network_access.contract_for(
        routing.WalkGraph.from_gdfs(nodes, edges),
        np.asarray(sites.geometry.values),
        np.asarray(blue.geometry.values),
    )
    return Inputs(
        lsoa=lsoa,
        sites=sites,
        greenspace=greenspace.load_greenspace(),
        trees=greenspace.load_trees(),
        blue=blue,
        water=bluespace.load_water(),
        rasters=air_quality.load_all(),
        graph=graph,
        network_area=network.load_network_area().geometry.iloc[0],
        network_extent=network.network_coverage().extent,
    )


def compute(inputs: Inputs, progress: Progress = _quiet) -> Results:
    """Compute every indicator for every LSOA (see :data:`INDICATORS` for columns and units).

    Parameters
    ----------
    inputs
        From :func:`load_inputs`.
    progress
        Called with a message and a 0–1 fraction as each step starts.

    Returns
    -------
    Results
        One row per LSOA21 (EPSG:27700), the habitat class areas (m²) and the
        county's population-weighted median NO2 (µg/m³, 2019).
    """
    lsoa = inputs.lsoa.copy()
    pts = origins.origin_points(lsoa)
    zones = np.asarray(lsoa.geometry.values)
    site_geoms = np.asarray(inputs.sites.geometry.values)
    site_ha = inputs.sites["area_ha"].to_numpy(float)

    progress("Green-space access, straight line", 0.3)
    straight = proximity.tier_access(pts, site_geoms, site_ha, (*ACCESS_TIERS, RULE_300))
    progress("Green-space access, walking network", 0.4)
    net_options = network_access.NetworkOptions(extent=inputs.network_extent)
    net = network_access.network_tier_access(
        inputs.graph,
        lsoa["pwc_x"].to_numpy(float),
        lsoa["pwc_y"].to_numpy(float),
        site_geoms,
        site_ha,
        inputs.network_area,
        ACCESS_TIERS,
        options=net_options,
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
        options=net_options,
    )
    cols: dict[str, NDArray[np.float64] | NDArray[np.bool_] | pd.arrays.BooleanArray] = {}
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
        cols[f"{pol}_above_who"] = cols[f"{pol}_ugm3"] > standards.WHO_2021_GUIDELINES[pol]
        cols[f"{pol}_above_uk_limit"] = cols[f"{pol}_ugm3"] > standards.UK_LIMITS[pol]

    progress("Nature and biodiversity", 0.75)
    habitat_geoms, habitat_class = habitats(inputs)
    areas = nature.class_areas(zones, habitat_geoms, habitat_class)
    circles = shapely.buffer(pts, standards.HABITAT_RADIUS_M, quad_segs=16)
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
        & ~out[f"meets_{standards.HEADLINE_TIER}"]
        & (out["no2_ugm3"] > no2_median)
    )
    hpi = healthy_places_index(out, DEFAULT_DOMAINS)
    out = pd.concat([out, hpi.reset_index(drop=True)], axis=1)
    progress("Done", 1.0)
    return Results(
        lsoa=gpd.GeoDataFrame(out, geometry="geometry", crs=crs.ANALYSIS_CRS),
        habitat_areas=areas,
        no2_county_median=no2_median,
        _inputs=inputs,
    )


def habitats(inputs: Inputs) -> tuple[NDArray[np.object_], NDArray[np.str_]]:
    """Habitat polygons (EPSG:27700) and their classes: OSM natural/landuse plus open water.

    Parameters
    ----------
    inputs
        From :func:`load_inputs`.

    Returns
    -------
    (geoms, classes)
        Habitat (Multi)Polygons, EPSG:27700, and their class names
        (:data:`geo.nature.HABITAT_CLASSES` values).
    """
    g = inputs.greenspace[inputs.greenspace["osm_value"].isin(nature.HABITAT_CLASSES)]
    geoms = np.r_[np.asarray(g.geometry.values), np.asarray(inputs.water.geometry.values)]
    classes = np.r_[
        g["osm_value"].map(nature.HABITAT_CLASSES).to_numpy(str),
        np.full(len(inputs.water), "open water"),
    ]
    return geoms, classes


_CACHE: dict[str, Results] = {}


def load_results(progress: Progress = _quiet) -> Results:
    """Every LSOA indicator: from memory, else the on-disk results store, else computed.

    Keyed by the bundle fingerprint and the analysis code
    (:func:`layers.results_store.key`): a rebuilt bundle or changed code is
    computed afresh, and the result is stored for the next process.

    Parameters
    ----------
    progress
        Called with a message and a 0–1 fraction as each step starts (only when computing).

    Returns
    -------
    Results
        As :func:`compute`.
    """
    key = results_store.key("county")
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _stored(key) or _compute_and_store(key, progress)
    return _CACHE[key]


def _stored(key: str) -> Results | None:
    hit = results_store.load(key)
    if hit is None:
        return None
    frames, meta = hit
    lsoa = frames["lsoa"]
    if not isinstance(lsoa, gpd.GeoDataFrame):
        return None
    stored = frames["habitat_areas"]
    # Rebuild the frame exactly as geo.nature.class_areas builds it: pandas' sums
    # follow the block's memory order, so this keeps every aggregate identical to the bit.
    areas = pd.DataFrame(0.0, index=stored.index, columns=stored.columns)
    areas.loc[:, :] = stored.to_numpy(float)
    return Results(lsoa, areas, float(meta["no2_county_median"]))


def _compute_and_store(key: str, progress: Progress) -> Results:
    results = compute(load_inputs(progress), progress)
    results_store.save(
        key,
        {"lsoa": results.lsoa, "habitat_areas": results.habitat_areas},
        {"no2_county_median": results.no2_county_median},
    )
    return results


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
            "label": f"Walking distance to a {t.min_ha:g} ha site (where the network is complete)",
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


def lsoa_table(results: Results) -> pd.DataFrame:
    """Every LSOA indicator as a plain table (no geometry), for CSV/JSON export.

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.

    Returns
    -------
    pandas.DataFrame
        One row per LSOA21, the units of :data:`INDICATORS`; nullable booleans
        become objects holding True, False or None (``<NA>``).
    """
    drop = [c for c in ("geometry",) if c in results.lsoa.columns]
    table = pd.DataFrame(results.lsoa.drop(columns=drop))
    for col in table.columns:
        if isinstance(table[col].dtype, pd.BooleanDtype):
            table[col] = table[col].astype(object).where(table[col].notna(), None)
    return table
