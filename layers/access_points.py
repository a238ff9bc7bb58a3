"""OS Open Greenspace access points for West Yorkshire, matched to OSM green sites.

Source: Ordnance Survey, OS Open Greenspace, Feb 2025, SE tile, the 11,340
points within 200 m of West Yorkshire (``os_open_greenspace/SE_AccessPoint_WY``),
Open Government Licence v3.0: "Contains OS data © Crown copyright and database
right 2025". Calderdale west of easting 400,000 (Todmorden, Walsden, Hebden
Bridge, the upper Calder valley) has no points at all in this release.

Each point carries the OSM green site it matches within
:data:`geo.entrances.MATCH_M` (30) metres (:func:`geo.entrances.match_points`).
Built from the Aug 2023 OSM sites, 9,060 of the 11,340 points (79.9%) match:
Bradford 76.9%, Calderdale 75.6%, Kirklees 71.6%, Leeds 87.2%, Wakefield 83.3%
(:func:`match_rate_by_district`). The rest lie more than 30 m from every OSM
green polygon: OS greenspace sites that OSM does not map, or maps smaller.
Of the matched points, 4,945 reach a public site, 2,380 an unknown one.
Geometry: EPSG:27700.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.entrances import match_points, match_rate
from layers._io import ReadReport, read_vector
from layers.bundle import read_table

VINTAGE = "2025-02"
#: Easting (EPSG:27700, m) west of which Calderdale has no access points.
CALDERDALE_GAP_EASTING = 400_000.0

_COLUMNS = ["id", "accessType", "refToGSite", "LAD25CD", "LAD25NM"]


def build(shared: Path, sites: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Access points with the OSM site each matches (``site_id``, ``match_m``).

    Parameters
    ----------
    shared
        The raw-data folder.
    sites
        ``green_sites`` (EPSG:27700, ``site_id``, ``access_status``).

    Returns
    -------
    (GeoDataFrame, ReadReport)
        ``ap_id``, ``access_type``, ``os_site_ref``, ``district_code``,
        ``district``, ``site_id`` (null when unmatched), ``site_access_status``,
        ``match_m`` (metres), geometry; sorted by ``ap_id``.
    """
    path = shared / "os_open_greenspace" / "SE_AccessPoint_WY.geojson.gz"
    pts, report = read_vector(f"/vsigzip/{path}", keep="point", columns=_COLUMNS)
    pts = pts.rename(
        columns={
            "id": "ap_id",
            "accessType": "access_type",
            "refToGSite": "os_site_ref",
            "LAD25CD": "district_code",
            "LAD25NM": "district",
        }
    )
    idx, dist = match_points(np.asarray(pts.geometry.values), np.asarray(sites.geometry.values))
    hit = idx >= 0
    site_id = np.full(len(pts), None, dtype=object)
    status = np.full(len(pts), None, dtype=object)
    site_id[hit] = sites["site_id"].to_numpy()[idx[hit]]
    status[hit] = sites["access_status"].to_numpy()[idx[hit]]
    pts["site_id"] = site_id
    pts["site_access_status"] = status
    pts["match_m"] = dist
    pts["vintage"] = VINTAGE
    return pts.sort_values("ap_id").reset_index(drop=True), report


def match_rate_by_district(points: pd.DataFrame) -> pd.DataFrame:
    """Points, matched points and match rate (0–1) per district of ``access_points``."""
    return match_rate(points["district"], points["site_id"].notna())


def load_access_points() -> gpd.GeoDataFrame:
    """OS Open Greenspace access points (EPSG:27700) with their matched OSM ``site_id``."""
    return read_table("access_points")
