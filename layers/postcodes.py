"""Live postcodes (OS Code-Point Open, Oct 2025) and the ``population_points`` surface.

Reads ``postcodes/wy_postcodes_codepoint_open_2025_10.csv.gz`` (64,110 live
postcodes, EPSG:27700, each with its LSOA 2021), the large-user flag where the
ONS Postcode Directory gives it (the HX area only), and the OSM non-residential
land and institutional grounds of ``osm/grounds_landuse_2023`` and the residential
land of ``osm/residential_landuse_2023`` (Leeds, Bradford, Calderdale) and
``osm/residential_landuse_2017`` (county-wide, the only one for Kirklees and
Wakefield); then splits the
Census 2021 population onto the postcodes with :mod:`geo.population_surface`.
Licence: OGL v3.0 (OS, Royal Mail and ONS data); the land-use weights are from
OpenStreetMap (ODbL 1.0).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import crs
from geo import population_surface as ps
from layers._io import read_vector
from layers.bundle import read_table
from layers.population import AGE_BANDS

CODEPOINT = Path("postcodes") / "wy_postcodes_codepoint_open_2025_10.csv.gz"
HX_ONSPD = Path("postcodes") / "hx_onspd_nov2025.csv"
_GROUNDS = Path("osm") / "grounds_landuse_2023"
#: OSM land where few people live: the point of a postcode here is down-weighted.
#: Universities, prisons and military land are left out on purpose: their halls,
#: cells and barracks are communal establishments with usual residents.
NON_RESIDENTIAL_FILES = tuple(
    f"west-yorkshire-{name}.geojson.gz"
    for name in (
        "landusage-industrial",
        "landusage-commercial",
        "landusage-retail",
        "amenities-school",
        "amenities-college",
        "amenities-kindergarten",
        "amenities-hospital",
        "landusage-education",
        "leisure-schoolyard",
    )
)
#: OSM ``landuse=residential``: a point on none of these is down-weighted. Both
#: vintages are used, so a point on residential land in either counts as on it.
RESIDENTIAL_FILES = (
    *(
        Path("osm") / "residential_landuse_2023" / f"{d}-landusage-residential.geojson.gz"
        for d in ("leeds", "bradford", "calderdale")
    ),
    Path("osm") / "residential_landuse_2017" / "west-yorkshire-landusage-residential.geojson.gz",
)
BANDS = list(AGE_BANDS.values())
#: Columns of the ``population_points`` layer, in order (plus ``geometry``).
COLUMNS = [
    "postcode",
    "easting",
    "northing",
    "people",
    "lsoa21_code",
    "method",
    "weight",
    *BANDS,
]


def read_postcodes(shared: Path) -> pd.DataFrame:
    """The live postcodes, sorted by postcode.

    Columns ``postcode``, ``easting``, ``northing`` (metres, EPSG:27700),
    ``lsoa21_code`` and ``usertype``: 0 (small user) or 1 (large user) in the
    HX area, missing (unknown) elsewhere.
    """
    path = shared / CODEPOINT
    if not path.exists():
        raise FileNotFoundError(f"Code-Point Open postcodes not found at {path}")
    raw = pd.read_csv(
        path,
        usecols=["pcds", "easting", "northing", "lsoa21_code", "usertype"],
        dtype={"pcds": str, "lsoa21_code": str, "usertype": "Int64"},
    )
    out = raw.rename(columns={"pcds": "postcode"})
    out["easting"] = out["easting"].astype(np.float64)
    out["northing"] = out["northing"].astype(np.float64)
    return out.sort_values("postcode", kind="stable").reset_index(drop=True)


def read_hx_usertype(shared: Path) -> pd.Series:
    """ONSPD Nov 2025 usertype (0 small, 1 large user) of the live HX postcodes, by postcode."""
    hx = pd.read_csv(shared / HX_ONSPD, usecols=["pcds", "doterm", "usrtypind"], dtype=str)
    live = hx[hx["doterm"].isna()]
    return live.set_index("pcds")["usrtypind"].astype("Int64").rename("usertype")


def _polygons(paths: list[Path]) -> gpd.GeoDataFrame:
    frames = [read_vector(f"/vsigzip/{p}", keep="polygon", columns=[])[0] for p in paths]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs.ANALYSIS_CRS)


def read_non_residential(shared: Path) -> gpd.GeoDataFrame:
    """OSM non-residential land and institutional-grounds polygons (EPSG:27700), 2023-07-05."""
    return _polygons([shared / _GROUNDS / name for name in NON_RESIDENTIAL_FILES])


def read_residential(shared: Path) -> gpd.GeoDataFrame:
    """OSM ``landuse=residential`` polygons (EPSG:27700), Aug 2023 and Apr 2017."""
    return _polygons([shared / path for path in RESIDENTIAL_FILES])


def surface(
    postcodes: pd.DataFrame,
    population: pd.DataFrame,
    non_residential: np.ndarray,
    residential: np.ndarray,
) -> gpd.GeoDataFrame:
    """Split each LSOA's population and age bands onto its postcodes.

    Parameters
    ----------
    postcodes
        From :func:`read_postcodes`.
    population
        The ``population`` table: ``lsoa21_code``, ``population`` and the six
        ``age_*`` bands (Census 2021, people).
    non_residential
        Polygons (EPSG:27700) on which a postcode is down-weighted.
    residential
        Residential-land polygons (EPSG:27700); a postcode on none is down-weighted.

    Returns
    -------
    GeoDataFrame
        The ``population_points`` layer (:data:`COLUMNS`, points in EPSG:27700),
        sorted by postcode.
    """
    pop = population.sort_values("lsoa21_code").reset_index(drop=True)
    group = pd.Index(pop["lsoa21_code"]).get_indexer(postcodes["lsoa21_code"])
    if (group < 0).any():
        bad = postcodes.loc[group < 0, "lsoa21_code"].unique()[:5]
        raise ValueError(f"Postcodes in LSOAs without a census population: {list(bad)}")
    if (np.bincount(group, minlength=len(pop)) == 0).any():
        raise ValueError("Some LSOAs have no postcode: their people could not be placed")
    x = postcodes["easting"].to_numpy(np.float64)
    y = postcodes["northing"].to_numpy(np.float64)
    points = shapely.points(x, y)
    weight, method = ps.postcode_weights(
        postcodes["usertype"].eq(1).fillna(False).to_numpy(bool),
        ps.postcodes_at_point(x, y),
        ps.inside_any(points, non_residential),
        ~ps.inside_any(points, residential),
    )
    people = ps.apportion(group, weight, pop["population"].to_numpy(np.int64))
    bands = ps.split_bands(group, people, pop[BANDS].to_numpy(np.int64))
    out = pd.DataFrame(
        {
            "postcode": postcodes["postcode"].to_numpy(object),
            "easting": x,
            "northing": y,
            "people": people,
            "lsoa21_code": postcodes["lsoa21_code"].to_numpy(object),
            "method": method,
            "weight": weight,
        }
    )
    out[BANDS] = bands
    return gpd.GeoDataFrame(out[COLUMNS], geometry=points, crs=crs.ANALYSIS_CRS)


def build(shared: Path, population: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Build the ``population_points`` layer from the raw files and the ``population`` table."""
    frame = surface(
        read_postcodes(shared),
        population,
        read_non_residential(shared).geometry.to_numpy(),
        read_residential(shared).geometry.to_numpy(),
    )
    return {"population_points": frame}


def load_population_points() -> gpd.GeoDataFrame:
    """The population surface from the bundle (one point per live postcode, EPSG:27700)."""
    frame = read_table("population_points")
    assert isinstance(frame, gpd.GeoDataFrame)
    return frame
