"""The analysis pipeline: load the bundle (``layers/``), compute (``geo/``), aggregate.

This module is the one place that joins data to analysis: :func:`load_results`
gives every indicator for every LSOA (see :data:`INDICATORS`). Aggregation to
places is :mod:`analysis.profiles`; new parks are
:mod:`analysis.new_park`. The app, the command line and the reports call
these; none of them computes anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from analysis import air_years, surface
from geo import air, crs, nature, origins, parallel, standards
from geo.entrances import Entrances, pedestrian, site_entrances
from geo.index import DEFAULT_DOMAINS, healthy_places_index
from geo.network import access as network_access
from geo.network import routing
from geo.raster import Raster
from geo.standards import ACCESS_TIERS, AccessTier
from layers import (
    access_points,
    air_quality,
    bluespace,
    boundaries,
    deprivation,
    greenspace,
    network,
    places,
    population,
    postcodes,
    results_store,
)

Progress = Callable[[str, float], None]

#: Blue-space distances treated as tiers (any size of feature).
BLUE_TIERS: tuple[AccessTier, ...] = surface.BLUE_TIERS
#: The 300 m part of 3-30-300: a green space of at least 1 ha within 300 m (Konijnendijk 2021).
RULE_300 = standards.RULE_300


def _quiet(_: str, __: float) -> None:
    return None


@dataclass
class Inputs:
    """Everything the analysis reads, loaded from the bundle (EPSG:27700)."""

    lsoa: gpd.GeoDataFrame
    #: The park sites the tiers count under the default definition
    #: (:func:`layers.greenspace.load_sites`), with every definition's flag.
    sites: gpd.GeoDataFrame
    greenspace: gpd.GeoDataFrame
    trees: gpd.GeoDataFrame
    blue: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    rasters: dict[str, Raster]
    graph: routing.WalkGraph
    network_area: shapely.Geometry
    surface: gpd.GeoDataFrame
    network_extent: str = network_access.NETWORK_EXTENT
    #: Public open access land (moor, heath, large natural areas), apart from the tiers.
    open_land: gpd.GeoDataFrame | None = None
    #: The county polygon (EPSG:27700): origins near its edge are flagged edge-affected.
    county: shapely.Geometry | None = None
    #: Site tables of the definitions with their own layer (``comparable``), by name;
    #: ``with-open-land`` is measured from ``sites`` and ``open_land``.
    definition_sites: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    #: The entrances of ``sites`` (:func:`entrances_of`): the walking-network tiers
    #: enter each site at them as well as within 30 m of it.
    entrances: Entrances | None = None


def entrances_of(
    sites: pd.DataFrame, points: pd.DataFrame, osm_entrances: gpd.GeoDataFrame
) -> Entrances:
    """The entrances of a site table: its matched OS access points and the OSM entrance nodes.

    Parameters
    ----------
    sites
        The counted sites (``site_id``), in the order the network tiers use.
    points
        The ``access_points`` layer (EPSG:27700): those a pedestrian can use
        (:func:`geo.entrances.pedestrian`) matched to one of ``sites``.
    osm_entrances
        The ``osm_entrances`` layer (EPSG:27700), paired with sites by touch.

    Returns
    -------
    Entrances
        No site is flagged enclosed: the bundle's green sites do not carry their
        polygons' ``barrier`` tags (see the README, "Where we depart").
    """
    walk = pedestrian(points["access_type"])
    return site_entrances(
        sites["site_id"].to_numpy(object),
        points["site_id"].to_numpy(object)[walk],
        np.asarray(points.geometry.values)[walk],
        np.asarray(osm_entrances.geometry.values),
    )


def load_entrances(sites: pd.DataFrame) -> Entrances:
    """:func:`entrances_of` ``sites`` from the bundle's ``access_points`` and ``osm_entrances``."""
    return entrances_of(sites, access_points.load_access_points(), network.load_osm_entrances())


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
    #: Every person-based indicator at every surface point
    #: (:func:`analysis.surface.point_indicators`).
    points: pd.DataFrame | None = None
    _inputs: Inputs | None = None

    @property
    def inputs(self) -> Inputs:
        """The bundle layers the results were computed from (loaded lazily)."""
        if self._inputs is None:
            self._inputs = load_inputs()
        return self._inputs


def load_inputs(progress: Progress = _quiet, year: int | None = None) -> Inputs:
    """Load every layer the analysis needs from the bundle.

    Parameters
    ----------
    progress
        Called with a message and a 0–1 fraction as each step starts.

    Returns
    -------
    Inputs
        Every table in EPSG:27700 (metres), the pollution rasters (µg/m³, the PCM year chosen)
        and the walking graph with its contracted core.
    """
    progress("Loading the bundle: boundaries, population, green and blue space, air", 0.05)
    year = air_years.check_year(year)
    definitions = [
        d.name for d in standards.SITE_DEFINITIONS.values() if d.layer != "greenspace_sites"
    ]
    # Parquet decoding and WKB parsing release the GIL: the files load side by side.
    with parallel.executor() as pool:
        f_lsoa = pool.submit(boundaries.load_lsoa21)
        f_pop = pool.submit(population.load_population)
        f_iod = pool.submit(deprivation.load_iod2025)
        f_sites = pool.submit(greenspace.load_sites, standards.DEFAULT_SITE_DEFINITION)
        f_blue = pool.submit(bluespace.load_blue_features)
        f_graph = pool.submit(_walk_graph)  # built beside the other reads
        f_green = pool.submit(greenspace.load_greenspace)
        f_trees = pool.submit(greenspace.load_trees)
        f_water = pool.submit(bluespace.load_water)
        f_rasters = pool.submit(air_quality.load_all, year)
        f_area = pool.submit(network.load_network_area)
        f_points = pool.submit(postcodes.load_population_points)
        f_coverage = pool.submit(network.network_coverage)
        f_open_land = pool.submit(greenspace.load_open_access_land)
        f_county = pool.submit(places.load_boundaries, "county")
        f_points_ap = pool.submit(access_points.load_access_points)
        f_osm_entrances = pool.submit(network.load_osm_entrances)
        f_own = {name: pool.submit(greenspace.load_sites, name) for name in definitions}
    lsoa, pop, iod = f_lsoa.result(), f_pop.result(), f_iod.result()
    sites, blue = f_sites.result(), f_blue.result()
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
    progress("Preparing the walking network", 0.2)
    entrances = entrances_of(sites, f_points_ap.result(), f_osm_entrances.result())
    graph = network_access.contract_for(
        f_graph.result(),
        np.asarray(sites.geometry.values),
        np.asarray(blue.geometry.values),
        entrances=[entrances],
    )
    return Inputs(
        lsoa=lsoa,
        sites=sites,
        greenspace=f_green.result(),
        trees=f_trees.result(),
        blue=blue,
        water=f_water.result(),
        rasters=f_rasters.result(),
        graph=graph,
        network_area=f_area.result().geometry.iloc[0],
        surface=f_points.result(),
        network_extent=f_coverage.result().extent,
        open_land=f_open_land.result(),
        county=shapely.union_all(f_county.result().geometry.to_numpy()),
        definition_sites={name: f.result() for name, f in f_own.items()},
        entrances=entrances,
    )


def _walk_graph() -> routing.WalkGraph:
    """The bundle's walking network as a graph (not yet contracted for the sites)."""
    return routing.WalkGraph.from_gdfs(*network.load_graph_tables())


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
        county's population-weighted median NO2 (µg/m³, the PCM year of the rasters).
    """
    lsoa = inputs.lsoa.copy()
    zones = np.asarray(lsoa.geometry.values)

    progress("Person-based indicators on the population surface; green space, air, nature", 0.3)
    # The zone measures need nothing of the surface: they run beside it (geo.parallel),
    # and only this thread reports progress.
    point_table, (cols, areas, trees) = parallel.run_pair(
        lambda: surface.point_indicators(inputs, lsoa), lambda: _zone_columns(inputs, lsoa)
    )
    progress("Summing the surface to LSOAs", 0.75)
    person, no2_median = surface.lsoa_indicators(point_table, len(lsoa))
    person = pd.concat([person, air_years.year_columns(point_table, len(lsoa))], axis=1)

    out = pd.concat([lsoa.reset_index(drop=True), person, pd.DataFrame(cols), trees], axis=1)
    out = out.loc[:, ~out.columns.duplicated()]
    out["area_ha"] = shapely.area(zones) / 1e4

    progress("Deprivation: double burden and index", 0.85)
    hpi = healthy_places_index(out, DEFAULT_DOMAINS)
    out = pd.concat([out, hpi.reset_index(drop=True)], axis=1)
    progress("Done", 1.0)
    return Results(
        lsoa=gpd.GeoDataFrame(out, geometry="geometry", crs=crs.ANALYSIS_CRS),
        habitat_areas=areas,
        no2_county_median=no2_median,
        points=point_table,
        _inputs=inputs,
    )


_Columns = dict[str, NDArray[np.float64] | NDArray[np.bool_] | pd.arrays.BooleanArray]


def _zone_columns(
    inputs: Inputs, lsoa: gpd.GeoDataFrame
) -> tuple[_Columns, pd.DataFrame, pd.DataFrame]:
    """The LSOA measures taken over each zone, not at the surface's points.

    Green space (ha), air quality at the centroid and over the zone, habitat
    class areas (m²) in the zone and within :data:`geo.standards.HABITAT_RADIUS_M`
    of its centroid and what derives from them, tree density (EPSG:27700).

    Returns
    -------
    (columns, habitat areas, trees)
        The columns by name, the zones' habitat class areas
        (:func:`geo.nature.class_areas`) and :func:`geo.nature.tree_density`.
    """
    pts = origins.origin_points(lsoa)
    zones = np.asarray(lsoa.geometry.values)
    site_geoms = np.asarray(inputs.sites.geometry.values)
    cols: _Columns = {}

    zi, _, site_area = nature.intersection_areas(zones, site_geoms)
    cols["accessible_green_ha"] = np.bincount(zi, weights=site_area, minlength=len(zones)) / 1e4
    lnr = inputs.greenspace[inputs.greenspace["typology"] == "nature_reserve"]
    cols["nature_reserve_ha"] = nature.covered_share(zones, np.asarray(lnr.geometry.values)) * (
        shapely.area(zones) / 1e4
    )

    pairs = air.coverage_pairs(inputs.rasters["no2"], zones)
    for pol, raster in inputs.rasters.items():
        # The centroid value, kept beside the surface mean for comparison.
        cols[f"{pol}_ugm3_pwc"] = raster.sample(
            lsoa["pwc_x"].to_numpy(float), lsoa["pwc_y"].to_numpy(float)
        )
        z = air.zonal_mean(raster, zones, pairs)
        cols[f"{pol}_zonal_ugm3"] = z["mean"].to_numpy()
        cols[f"{pol}_coverage"] = z["coverage"].to_numpy()

    habitat_geoms, habitat_class = habitats(inputs)
    habitat_pairs = nature.overlay(zones, habitat_geoms)
    areas = nature.class_areas(zones, habitat_geoms, habitat_class, habitat_pairs)
    circles = shapely.buffer(pts, standards.HABITAT_RADIUS_M, quad_segs=16)
    areas_1km = nature.class_areas(circles, habitat_geoms, habitat_class)
    cols["habitat_shannon"] = nature.shannon(areas)
    cols["habitat_shannon_1km"] = nature.shannon(areas_1km)
    is_natural = inputs.greenspace["typology"] == "natural"
    natural = np.asarray(inputs.greenspace[is_natural].geometry.values)
    in_habitats = _among_habitats(inputs, is_natural.to_numpy(bool))
    # The natural polygons are habitats too: their pieces in each zone are already cut.
    natural_pairs = (
        None if in_habitats is None else habitat_pairs.among(in_habitats, zones, habitat_geoms)
    )
    cols["natural_share"] = nature.covered_share(zones, natural, natural_pairs)
    cols["nature_reserve_share"] = cols["nature_reserve_ha"] / (shapely.area(zones) / 1e4)
    trees = nature.tree_density(zones, inputs.trees)

    return cols, areas, trees


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


def _among_habitats(inputs: Inputs, rows: NDArray[np.bool_]) -> NDArray[np.bool_] | None:
    """Which of :func:`habitats`' polygons are the ``greenspace`` rows ``rows``, in order,
    or None when some of those rows are not habitats."""
    is_habitat = inputs.greenspace["osm_value"].isin(nature.HABITAT_CLASSES).to_numpy(bool)
    if np.any(rows & ~is_habitat):
        return None
    return np.concatenate([rows[is_habitat], np.zeros(len(inputs.water), dtype=bool)])


_CACHE: dict[str, Results] = {}


def load_results(progress: Progress = _quiet, year: int | None = None) -> Results:
    """Every LSOA indicator: from memory, else the on-disk results store, else computed.

    Keyed by the bundle fingerprint and the analysis code
    (:func:`layers.results_store.key`): a rebuilt bundle or changed code is
    computed afresh, and the result is stored for the next process.

    Parameters
    ----------
    progress
        Called with a message and a 0–1 fraction as each step starts (only when computing).
    year
        PCM year of the unsuffixed air columns, the index and the double burden
        (default :func:`analysis.air_years.selected_year`: the newest unless selected).

    Returns
    -------
    Results
        As :func:`compute`.
    """
    year = air_years.selected_year() if year is None else air_years.check_year(year)
    key = results_store.key(f"county{year}")
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _stored(key) or _compute_and_store(key, progress, year)
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
    return Results(lsoa, areas, float(meta["no2_county_median"]), frames.get("points"))


def _compute_and_store(key: str, progress: Progress, year: int) -> Results:
    results = compute(load_inputs(progress, year), progress)
    results_store.save(
        key,
        {
            "lsoa": results.lsoa,
            "habitat_areas": results.habitat_areas,
            "points": results.points if results.points is not None else pd.DataFrame(),
        },
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
    # Issue 8, item 5: the offline extract stops at the county boundary, so a resident
    # who misses a tier while the boundary is nearer than its distance is a lower bound.
    **{
        f"edge_affected_{t.name}": {
            "label": f"Edge-affected residents, {t.min_ha:g} ha within {t.distance_m:,.0f} m "
            "(a lower bound: the county boundary is nearer than the distance)",
            "units": "0–1",
            "domain": "access",
        }
        for t in ACCESS_TIERS
    },
    **{
        f"open_land_within_{d / 1_000:g}km": {
            "label": f"Residents within {d / 1_000:g} km of open access land (open countryside)",
            "units": "0–1",
            "domain": "access",
        }
        for d in standards.OPEN_LAND_DISTANCES_M
    },
    **air_years.INDICATORS,
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
