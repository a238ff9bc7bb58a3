"""Project-wide settings: CRSs, paths, standards and attribution.

Every constant that more than one module needs lives here, so that a change
(a new bundle folder, a different WHO guideline) is made in one place.
Override the bundle location with the ``HEALTHYPLACES_BUNDLE`` environment
variable and the raw-data location with ``HEALTHYPLACES_SHARED_DATA``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Analysis CRS: British National Grid, metres.
ANALYSIS_CRS = "EPSG:27700"
#: Display and GeoJSON CRS: WGS 84 longitude/latitude (RFC 7946).
DISPLAY_CRS = "EPSG:4326"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The embedded West Yorkshire bundle (GeoParquet, GeoTIFF and manifest.json).
BUNDLE_DIR = Path(os.environ.get("HEALTHYPLACES_BUNDLE", PROJECT_ROOT / "data" / "west_yorkshire"))
#: The raw public data the bundle is built from (only needed to rebuild it).
SHARED_DATA_DIR = Path(
    os.environ.get("HEALTHYPLACES_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data")
)
#: Where live (online) loaders cache their downloads.
CACHE_DIR = Path(os.environ.get("HEALTHYPLACES_CACHE", Path.home() / ".cache" / "healthyplaces"))

REBUILD_HINT = "Rebuild it with `healthyplaces bundle build` (needs ../shared/data)."

COUNTY_CODE = "E47000003"
COUNTY_NAME = "West Yorkshire"
DISTRICTS: dict[str, str] = {
    "E08000032": "Bradford",
    "E08000033": "Calderdale",
    "E08000034": "Kirklees",
    "E08000035": "Leeds",
    "E08000036": "Wakefield",
}

# --- Attribution -----------------------------------------------------------
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
OGL_BOUNDARIES = (
    "Contains National Statistics data © Crown copyright and database right 2021–2025; "
    "Contains OS data © Crown copyright and database right 2021–2025"
)
OGL_PSI = "Contains public sector information licensed under the Open Government Licence v3.0"
#: The full attribution every map and export carries.
ATTRIBUTION = f"{OSM_ATTRIBUTION}. {OGL_BOUNDARIES}. {OGL_PSI}."

# --- Natural England Green Infrastructure Framework access standards ---------


@dataclass(frozen=True)
class AccessTier:
    """One size/distance standard: a site of ``min_ha`` hectares within ``distance_m``."""

    name: str
    min_ha: float
    distance_m: float

    @property
    def label(self) -> str:
        size = f"{self.min_ha:g} ha"
        dist = (
            f"{self.distance_m / 1000:g} km"
            if self.distance_m >= 1000
            else f"{self.distance_m:g} m"
        )
        return f"{size} site within {dist}"


ACCESS_TIERS: tuple[AccessTier, ...] = (
    AccessTier("0.5ha_200m", 0.5, 200.0),
    AccessTier("2ha_300m", 2.0, 300.0),
    AccessTier("10ha_1km", 10.0, 1_000.0),
    AccessTier("20ha_2km", 20.0, 2_000.0),
    AccessTier("100ha_5km", 100.0, 5_000.0),
    AccessTier("500ha_10km", 500.0, 10_000.0),
)
#: The tier used for SII/RII and the double burden (Natural England / 3-30-300).
HEADLINE_TIER = "2ha_300m"
#: Fields in Trust / local-plan standard: accessible green space, ha per 1,000 people.
GREEN_HA_PER_1000_STANDARD = 3.0
#: ANGSt: local nature reserve, ha per 1,000 people.
LNR_HA_PER_1000_STANDARD = 1.0

# --- Network ---------------------------------------------------------------
#: Network nodes within this distance of a site boundary are its access points (GHSCI), m.
ACCESS_NODE_DISTANCE_M = 30.0
#: The complete offline network: all OSM lines meeting this circle (WGS 84 lon, lat; m).
LEEDS_NETWORK_CENTRE_LONLAT = (-1.548567, 53.801277)
LEEDS_NETWORK_RADIUS_M = 6_500.0

# --- Air quality (annual means, µg/m³) -----------------------------------------
WHO_2021_GUIDELINES: dict[str, float] = {"no2": 10.0, "pm25": 5.0, "pm10": 15.0}
UK_LIMITS: dict[str, float] = {"no2": 40.0, "pm25": 20.0, "pm10": 40.0}
POLLUTANT_LABELS: dict[str, str] = {"no2": "NO₂", "pm25": "PM2.5", "pm10": "PM10"}

# --- Blue space ----------------------------------------------------------------
BLUE_DISTANCES_M: tuple[float, ...] = (300.0, 1_000.0)

#: Radius for the habitat-diversity neighbourhood around each LSOA centroid, m.
HABITAT_RADIUS_M = 1_000.0
