"""The layer catalogue: what each bundle layer is, where it came from, and what it lacks.

Static facts live here; the counts (rows, repaired geometries) come from the
bundle's ``manifest.json`` and are joined in by :func:`catalogue`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

OGL = "Open Government Licence v3.0"
ODBL = "Open Database Licence 1.0"


@dataclass(frozen=True)
class LayerInfo:
    """Catalogue entry of one bundle layer."""

    name: str
    title: str
    kind: str  # "vector", "table" or "raster"
    source: str
    licence: str
    attribution: str
    vintage: str
    coverage: str
    gaps: str
    units: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_ONS = "ONS Open Geography Portal (via drkane/geo-lookups and humaniverse/geographr)"
# --- Attribution: the catalogue owns every form of it ------------------------------
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
OGL_BOUNDARIES = (
    "Contains National Statistics data © Crown copyright and database right 2021–2025; "
    "Contains OS data © Crown copyright and database right 2021–2025"
)
#: Ordnance Survey open data (OS Open Greenspace access points, Feb 2025).
OS_2025 = "Contains OS data © Crown copyright and database right 2025"
OGL_PSI = "Contains public sector information licensed under the Open Government Licence v3.0"
#: The full attribution every map and export carries.
ATTRIBUTION = f"{OSM_ATTRIBUTION}. {OGL_BOUNDARIES}. {OGL_PSI}."

_BND = OGL_BOUNDARIES
_PSI = OGL_PSI
_OSM = OSM_ATTRIBUTION
_WY = "West Yorkshire (5 districts)"


def _pcm(pollutant: str, label: str, gaps: str) -> LayerInfo:
    units = "µg/m³" if pollutant == "no2" else "µg/m³ (gravimetric)"
    return LayerInfo(
        f"air_{pollutant}_2019",
        f"{label} annual mean 2019 (PCM, 1 km)",
        "raster",
        "DEFRA Pollution Climate Mapping",
        OGL,
        _PSI,
        "2019",
        "99.98% of West Yorkshire",
        gaps,
        units,
    )


LAYERS: dict[str, LayerInfo] = {
    info.name: info
    for info in [
        LayerInfo(
            "county",
            "West Yorkshire",
            "vector",
            "Union of the 5 district boundaries",
            OGL,
            _BND,
            "2025",
            _WY,
            "Generalised (BGC, 20 m).",
        ),
        LayerInfo(
            "districts",
            "Districts (local authorities)",
            "vector",
            "ONS wards 2025 (BGC), dissolved by district",
            OGL,
            _BND,
            "2025",
            _WY,
            "Dissolved from wards: area within ~1% of ONS LAD 2024.",
        ),
        LayerInfo(
            "wards", "Electoral wards 2025", "vector", _ONS, OGL, _BND, "2025", "124 wards", ""
        ),
        LayerInfo(
            "msoa21",
            "MSOA 2021",
            "vector",
            _ONS,
            OGL,
            _BND,
            "2021",
            "301 MSOAs",
            "Two polygons self-intersect in the source; repaired with make_valid.",
        ),
        LayerInfo(
            "lsoa21",
            "LSOA 2021 with population-weighted centroids and lookup",
            "vector",
            _ONS,
            OGL,
            _BND,
            "2021",
            "1,404 LSOAs",
            "",
            "pwc_x, pwc_y: metres, EPSG:27700",
        ),
        LayerInfo(
            "lsoa11",
            "LSOA 2011",
            "vector",
            _ONS,
            OGL,
            _BND,
            "2011",
            "1,388 LSOAs",
            "Only for IMD 2019.",
        ),
        LayerInfo(
            "lookup_lsoa11_lsoa21",
            "LSOA 2011 → 2021 lookup",
            "table",
            _ONS,
            OGL,
            _BND,
            "2021",
            "1,406 rows",
            "U unchanged, S split, M merged.",
        ),
        LayerInfo(
            "iod2025",
            "English Indices of Deprivation 2025",
            "table",
            "MHCLG IoD 2025 (via humaniverse/IMD)",
            OGL,
            _PSI,
            "2025",
            "1,404 LSOA21",
            "",
            "scores (domain units), ranks (1 = most deprived of 33,755), deciles",
        ),
        LayerInfo(
            "imd2019",
            "Index of Multiple Deprivation 2019",
            "table",
            "MHCLG IMD 2019 (via humaniverse/IMD, mysociety/composite_uk_imd)",
            OGL,
            _PSI,
            "2019",
            "1,388 LSOA11",
            "On 2011 LSOAs; map with the 2011→2021 lookup.",
            "ranks (1 = most deprived of 32,844), deciles, IMD score",
        ),
        LayerInfo(
            "population",
            "Census 2021 usual residents",
            "table",
            "ONS Census 2021 (via cwthom/hack25usefuldata)",
            OGL,
            _PSI,
            "2021-03-21",
            "1,404 LSOA21; total 2,351,573",
            "",
            "people",
        ),
        LayerInfo(
            "greenspace",
            "Green space (OSM), classified",
            "vector",
            "OpenStreetMap, Geofabrik extract (via open-innovations/west-yorkshire-mapping)",
            ODBL,
            _OSM,
            "2023-08 (landuse=grass 2020-02 for Kirklees and Wakefield)",
            _WY,
            "No landuse=grass 2023 or natural=wood for Kirklees and Wakefield (2020 grass used; "
            "no wood file: landuse=forest only). Point-only features have no area and are not "
            "included. Public access is inferred from type and the access tag. No Natural "
            "England or OS Open Greenspace layers offline. Features beyond the county edge are "
            "not in the extract.",
            "area_ha: hectares",
        ),
        LayerInfo(
            "greenspace_sites",
            "Publicly accessible green-space sites",
            "vector",
            "Derived: accessible OSM green polygons merged where they overlap or touch",
            ODBL,
            _OSM,
            "2023-08",
            _WY,
            "As for greenspace.",
            "area_ha: hectares",
        ),
        LayerInfo(
            "green_sites",
            "Green sites people would name, with access status and definitions",
            "vector",
            "Derived: OSM green polygons merged where they overlap by more than 10% of the "
            "smaller, share a name within 50 m, or lie inside a park or nature reserve "
            "(never by touching; grass never bridges)",
            ODBL,
            _OSM,
            "2023-08",
            _WY,
            "Access status comes from tags, institutional grounds, names and type (rule table "
            "in geo/access_status.py); features with no evidence are 'unknown', not public. "
            "Site kind 'open_access_land' (moor, heath, large natural areas) is kept apart "
            "from parks. OSM maps some parks only in part (e.g. Roundhay Park).",
            "area_ha, public_area_ha: hectares; natural_share: 0-1",
        ),
        LayerInfo(
            "green_site_members",
            "Member features of each green site",
            "table",
            "Derived from greenspace and green_sites",
            ODBL,
            _OSM,
            "2023-08",
            _WY,
            "One row per OSM green feature: site_id, access_status, access_reason.",
            "area_ha: hectares",
        ),
        LayerInfo(
            "grounds",
            "Institutional grounds (OSM): schools, colleges, universities, hospitals, prisons",
            "vector",
            "OpenStreetMap, Geofabrik extract (osm/grounds_landuse_2023)",
            ODBL,
            _OSM,
            "2023-07-05",
            _WY,
            "Polygons only; grounds not mapped in OSM are missing, so names and tags back them up.",
            "area_ha: hectares",
        ),
        LayerInfo(
            "access_points",
            "OS Open Greenspace access points, matched to OSM green sites",
            "vector",
            "Ordnance Survey, OS Open Greenspace (SE tile), points within 200 m of the county",
            OGL,
            OS_2025,
            "2025-02",
            "All of Kirklees, Leeds and Wakefield; ~95% of Bradford; ~57% of Calderdale",
            "Calderdale west of easting 400,000 (Todmorden, Walsden, Hebden Bridge) has no "
            "points. Each point is matched to the nearest OSM green site within 30 m; "
            "unmatched points have no site_id (match rate 79.9%: Bradford 76.9%, "
            "Calderdale 75.6%, Kirklees 71.6%, Leeds 87.2%, Wakefield 83.3%). The OS site "
            "polygons are not available.",
            "match_m: metres",
        ),
        LayerInfo(
            "green_completeness",
            "How completely each district's green space is mapped",
            "table",
            "Derived from greenspace and districts",
            ODBL,
            _OSM,
            "2023-08 (2020-02 grass for Kirklees and Wakefield)",
            _WY,
            "natural=wood is missing in Kirklees and Wakefield and their grass is from 2020: "
            "those types are flagged not comparable.",
            "area_ha: hectares; density_ha_km2: ha per km² of district",
        ),
        LayerInfo(
            "trees",
            "Trees and tree rows (OSM)",
            "vector",
            "OpenStreetMap",
            ODBL,
            _OSM,
            "2023-08",
            _WY,
            "OSM tree mapping is very incomplete: counts show mapping effort, not canopy.",
        ),
        LayerInfo(
            "blue_water",
            "Water bodies (OSM natural=water)",
            "vector",
            "OpenStreetMap",
            ODBL,
            _OSM,
            "2023-08",
            _WY,
            "",
            "area_ha: hectares",
        ),
        LayerInfo(
            "blue_waterways",
            "Waterways (OSM lines)",
            "vector",
            "OpenStreetMap",
            ODBL,
            _OSM,
            "2018-05-25",
            _WY,
            "The newest county-wide waterway lines offline are from 2018.",
            "length_m: metres",
        ),
        LayerInfo(
            "network_nodes",
            "Walking network nodes, central Leeds",
            "vector",
            "OpenStreetMap (BBBike Leeds extract via udsleeds/openinfra)",
            ODBL,
            _OSM,
            "2022",
            "Within 6.5 km of Leeds city centre only",
            "No complete walking network elsewhere offline; online, osmnx fetches it.",
        ),
        LayerInfo(
            "network_edges",
            "Walking network edges, central Leeds",
            "vector",
            "OpenStreetMap (BBBike Leeds extract via udsleeds/openinfra)",
            ODBL,
            _OSM,
            "2022",
            "Within 6.5 km of Leeds city centre only",
            "Pedestrian ways only: no motorways, foot=no or access=private.",
            "length: metres",
        ),
        LayerInfo(
            "network_area",
            "Where the offline network is complete",
            "vector",
            "Derived",
            ODBL,
            _OSM,
            "2022",
            "6.5 km circle round Leeds city centre (less a 25 m margin)",
            "",
        ),
        _pcm("no2", "NO₂", "1 km model: street-level peaks near busy roads are smoothed."),
        _pcm("pm25", "PM2.5", ""),
        _pcm("pm10", "PM10", ""),
        LayerInfo(
            "laqm_bradford_2018",
            "LAQM background maps 2018, Bradford",
            "table",
            "DEFRA LAQM background maps",
            OGL,
            _PSI,
            "2018",
            "Bradford only (363 cells)",
            "A second source and check for Bradford only.",
            "µg/m³",
        ),
    ]
}


def catalogue(manifest: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Catalogue entries with ``rows``, ``crs``, ``sha256`` and repair counts from the manifest."""
    layers = (manifest or {}).get("layers", {})
    out = []
    for name, info in LAYERS.items():
        entry = info.as_dict()
        m = layers.get(name, {})
        for key in (
            "rows",
            "crs",
            "file",
            "sha256",
            "geometries_repaired",
            "features_read",
            "empty_or_unreadable_dropped",
            "wrong_geometry_type_dropped",
        ):
            if key in m:
                entry[key] = m[key]
        out.append(entry)
    return out
