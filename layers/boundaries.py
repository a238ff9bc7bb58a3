"""Boundaries and places: county, districts, wards (2025), MSOA21 and LSOA21.

Source: ONS Open Geography, generalised clipped (BGC, 20 m), OGL v3.0. All
geometries are returned in EPSG:27700 (metres). LSOA21 rows carry their ONS
population-weighted centroid (``pwc_x``, ``pwc_y``, EPSG:27700 metres) and the
LSOA → ward → district lookup.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import crs
from layers import places
from layers._io import ReadReport, read_vector
from layers.bundle import read_table

LEVELS = ("county", "district", "ward", "msoa", "lsoa")


def build(shared: Path) -> tuple[dict[str, pd.DataFrame], dict[str, ReadReport]]:
    """Build the boundary layers from ``shared/boundaries`` (raw ONS files).

    Parameters
    ----------
    shared
        The shared-data folder (``../shared/data``, see :mod:`layers.paths`).

    Returns
    -------
    (tables, reports)
        Layer name → GeoDataFrame (EPSG:27700; LSOA21 with population-weighted
        centroids ``pwc_x``, ``pwc_y`` in m), and layer name → :class:`~layers._io.ReadReport`.
    """
    src = shared / "boundaries"
    reports: dict[str, ReadReport] = {}

    lsoa, reports["lsoa21"] = read_vector(
        src / "wy_lsoa2021_bgc.geojson", keep="polygon", columns=["LSOA21CD", "LSOA21NM"]
    )
    lsoa = lsoa.rename(columns={"LSOA21CD": "lsoa21_code", "LSOA21NM": "lsoa21_name"})
    pwc = pd.read_csv(src / "wy_lsoa2021_pwc.csv").rename(
        columns={"LSOA21CD": "lsoa21_code", "bng_e": "pwc_x", "bng_n": "pwc_y"}
    )[["lsoa21_code", "pwc_x", "pwc_y"]]
    lookup = pd.read_csv(src / "wy_lookup_lsoa21_ward24_lad24.csv").rename(
        columns={
            "ward24_code": "ward_code",
            "ward24_name": "ward_name",
            "ltla24_code": "district_code",
            "ltla24_name": "district_name",
        }
    )[["lsoa21_code", "ward_code", "ward_name", "district_code", "district_name"]]
    lsoa = lsoa.merge(pwc, on="lsoa21_code", how="left", validate="1:1").merge(
        lookup, on="lsoa21_code", how="left", validate="1:1"
    )
    lsoa["msoa21_name"] = lsoa["lsoa21_name"].str[:-1]

    msoa, reports["msoa21"] = read_vector(
        src / "wy_msoa2021_bgc.geojson",
        keep="polygon",
        columns=["MSOA21CD", "MSOA21NM", "LADCD_ACTIVE"],
    )
    msoa = msoa.rename(
        columns={
            "MSOA21CD": "msoa21_code",
            "MSOA21NM": "msoa21_name",
            "LADCD_ACTIVE": "district_code",
        }
    )
    lsoa = lsoa.merge(
        msoa[["msoa21_code", "msoa21_name"]], on="msoa21_name", how="left", validate="m:1"
    )

    wards, reports["wards"] = read_vector(
        src / "wy_wards2025_bgc.geojson",
        keep="polygon",
        columns=["WD25CD", "WD25NM", "LAD25CD", "LAD25NM"],
    )
    wards = wards.rename(
        columns={
            "WD25CD": "ward_code",
            "WD25NM": "ward_name",
            "LAD25CD": "district_code",
            "LAD25NM": "district_name",
        }
    )
    districts, reports["districts"] = read_vector(
        src / "wy_lad_bgc_dissolved_from_wards2025.geojson",
        keep="polygon",
        columns=["LAD25CD", "LAD25NM"],
    )
    districts = districts.rename(columns={"LAD25CD": "district_code", "LAD25NM": "district_name"})
    county = gpd.GeoDataFrame(
        {"county_code": [places.COUNTY_CODE], "county_name": [places.COUNTY_NAME]},
        geometry=[shapely.union_all(districts.geometry.values)],
        crs=crs.ANALYSIS_CRS,
    )
    lsoa11, reports["lsoa11"] = read_vector(
        src / "wy_lsoa2011_bgc.geojson", keep="polygon", columns=["LSOA11CD", "LSOA11NM"]
    )
    lsoa11 = lsoa11.rename(columns={"LSOA11CD": "lsoa11_code", "LSOA11NM": "lsoa11_name"})
    lookup11 = pd.read_csv(src / "wy_lookup_lsoa11_lsoa21.csv")[
        ["lsoa11_code", "lsoa21_code", "change_code"]
    ]
    frames: dict[str, pd.DataFrame] = {
        "county": county,
        "districts": districts.sort_values("district_code"),
        "wards": wards.sort_values("ward_code"),
        "msoa21": msoa.sort_values("msoa21_code"),
        "lsoa21": lsoa.sort_values("lsoa21_code"),
        "lsoa11": lsoa11.sort_values("lsoa11_code"),
        "lookup_lsoa11_lsoa21": lookup11.sort_values(["lsoa11_code", "lsoa21_code"]),
    }
    return frames, reports


# --- Loading from the bundle ----------------------------------------------------


def load_lsoa21() -> gpd.GeoDataFrame:
    """The 1,404 LSOA21 polygons (EPSG:27700) with centroid and lookup columns.

    Columns: ``lsoa21_code``, ``lsoa21_name``, ``pwc_x``, ``pwc_y`` (population-
    weighted centroid, m), ``ward_code``, ``ward_name``, ``district_code``,
    ``district_name``, ``msoa21_code``, ``msoa21_name``, ``geometry``.
    """
    return read_table("lsoa21")
