"""The layer catalogue: what each bundle layer is, where it came from, and what it lacks.

Static facts live here; the counts (rows, repaired geometries) come from the
bundle's ``manifest.json`` and are joined in by :func:`catalogue`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from geo.standards import POLLUTANT_LABELS

OGL = "Open Government Licence v3.0"
#: The place the offline walking network covers, as messages name it (network_area.place).
OFFLINE_NETWORK_PLACE = "central Leeds"
ODBL = "Open Database Licence 1.0"
#: Layers the offline bundle holds *empty*, because its source has none: the Leeds
#: network source (2022) is OSM ways only, so no entrance nodes (filled by
#: ``healthyplaces network build --pbf``). Every other layer has rows.
EMPTY_OFFLINE = frozenset({"osm_entrances"})


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
#: OS Code-Point Open and the ONS Postcode Directory (README of ../shared/data/postcodes).
POSTCODE_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025. Contains Royal Mail data "
    "© Royal Mail copyright and database right 2025. Contains National Statistics data © "
    "Crown copyright and database right 2025."
)
#: The full attribution every map and export carries.
ATTRIBUTION = f"{OSM_ATTRIBUTION}. {OGL_BOUNDARIES}. {OGL_PSI}."
#: Short form for a map corner: layers from ONS/OS boundaries, MHCLG IoD and DEFRA PCM (all OGL).
OGL_SHORT = "ONS, OS, MHCLG, DEFRA: OGL v3.0"
#: Short form for a map layer that mixes OSM-derived and OGL data.
BOTH_SHORT = f"{OSM_ATTRIBUTION}; {OGL_SHORT}"
#: The attribution in a PDF page footer (one line, with the place and date before it).
PDF_FOOTER = "© OpenStreetMap contributors (ODbL); © Crown copyright 2021–2025 (OGL v3.0)"


def sidecar_text(meta: dict[str, Any]) -> str:
    """The plain-text ``.attribution.txt`` written beside a GeoPackage or CSV export.

    ``meta`` is an export's metadata (``healthyplaces.export.metadata``): ``title``,
    ``layer``, ``place`` (None or code/name/level), ``features``, ``attribution``,
    ``licence``, ``source``, ``vintage``, ``units``, ``gaps`` and ``selection``.
    """
    place = meta["place"]
    where = f"{place['name']} ({place['code']}, {place['level']})" if place else "West Yorkshire"
    lines = [
        f"{meta['title']} ({meta['layer']}) — {where}, {meta['features']:,} features",
        "",
        f"Attribution: {meta['attribution']}",
        f"Licence: {meta['licence']}",
        f"Source: {meta['source']}",
        f"Vintage: {meta['vintage']}",
    ]
    if meta.get("units"):
        lines.append(f"Units: {meta['units']}")
    if meta.get("gaps"):
        lines.append(f"Known gaps: {meta['gaps']}")
    lines += [f"Selection: {meta['selection']}", ""]
    return "\n".join(lines)


_BND = OGL_BOUNDARIES
_PSI = OGL_PSI
_OSM = OSM_ATTRIBUTION
_WY = "West Yorkshire (5 districts)"


# --- Air quality: DEFRA PCM years ---------------------------------------------------------
#: The pollutants of the PCM layers, in display order.
PCM_POLLUTANTS: tuple[str, ...] = tuple(POLLUTANT_LABELS)
#: DEFRA PCM years in the bundle, newest first. A later year is one folder,
#: ``../shared/data/air_quality/pcm_YYYY/pcm_{pollutant}_YYYY_wy.csv``, and one entry here.
PCM_YEARS: tuple[int, ...] = (2023, 2019)
#: The newest PCM year in the bundle.
NEWEST_PCM_YEAR: int = max(PCM_YEARS)
#: What every UK-limit share must carry: a 1 km background model cannot show streets.
ROADSIDE_NOTE = (
    "Roadside exceedances are not resolved at 1 km: the DEFRA PCM background grid "
    "averages each 1 km square, so a share of 0% above the UK limit does not mean "
    "that no street exceeds it."
)


def pcm_layer(pollutant: str, year: int) -> str:
    """The bundle layer name of a PCM raster, e.g. ``air_no2_2023``."""
    return f"air_{pollutant}_{year}"


def pcm_label(pollutant: str, year: int | str) -> str:
    """The label every PCM air figure carries.

    e.g. ``"NO₂, modelled annual mean background concentration, 1 km (DEFRA PCM 2023)"``.
    """
    return (
        f"{POLLUTANT_LABELS[pollutant]}, modelled annual mean background concentration, "
        f"1 km (DEFRA PCM {year})"
    )


def pcm_change_label(pollutant: str, base_year: int, year: int) -> str:
    """Label of the change layer, e.g. ``"NO₂ change 2019 to 2023, modelled annual mean …"``."""
    return (
        f"{POLLUTANT_LABELS[pollutant]} change {base_year} to {year} (µg/m³), modelled annual "
        f"mean background concentration, 1 km (DEFRA PCM {year} minus PCM {base_year})"
    )


def _pcm(pollutant: str, year: int) -> LayerInfo:
    units = "µg/m³" if pollutant == "no2" else "µg/m³ (gravimetric)"
    return LayerInfo(
        pcm_layer(pollutant, year),
        pcm_label(pollutant, year),
        "raster",
        "DEFRA Pollution Climate Mapping",
        OGL,
        _PSI,
        str(year),
        "99.98% of West Yorkshire",
        ROADSIDE_NOTE,
        units,
    )


_CENSUS = "ONS Census 2021 topic summaries (nomis bulk files; see PROVENANCE.md)"
_PERTURBED = (
    "ONS perturbs each table slightly: totals of one LSOA differ by up to ~10 between "
    "tables, so each table's own total is its denominator."
)


def _census(name: str, title: str, unit: str, denominator: str, gaps: str = "") -> LayerInfo:
    """A Census 2021 table: its own total is its denominator (ONS perturbation)."""
    level = "301 MSOA 2021" if name in ("census_ts007", "census_ts037") else "1,404 LSOAs"
    return LayerInfo(
        name,
        title,
        "table",
        _CENSUS,
        OGL,
        _PSI,
        "Census 2021 (21 March 2021)",
        level,
        " ".join(s for s in (_PERTURBED, gaps) if s),
        f"{unit}; denominator: {denominator}",
    )


_EQUITY_LAYERS = [
    _census("census_ts001", "TS001 usual residents", "people", "total usual residents"),
    _census("census_ts021", "TS021 ethnic group (5 groups)", "people", "total usual residents"),
    _census("census_ts038", "TS038 disability (Equality Act)", "people", "total usual residents"),
    _census(
        "census_ts011",
        "TS011 households by deprivation dimensions (0–1 / 2+)",
        "households",
        "total households",
    ),
    _census(
        "census_ts044",
        "TS044 accommodation type (houses / flats / caravans)",
        "households",
        "total households",
        "Flats include flats in a commercial building; caravans are neither group.",
    ),
    _census("census_ts045", "TS045 car or van availability", "households", "total households"),
    _census("census_ts052", "TS052 occupancy rating (bedrooms)", "households", "total households"),
    _census("census_ts054", "TS054 tenure", "households", "total households"),
    _census(
        "census_ts061",
        "TS061 method of travel to work",
        "people in employment aged 16+",
        "total in employment aged 16+",
        "Census day fell in a lockdown: working from home is high.",
    ),
    _census(
        "census_ts007",
        "TS007 age (grouped from single years), MSOA",
        "people",
        "total usual residents",
        "MSOA only: no LSOA single-year age table here.",
    ),
    _census(
        "census_ts037",
        "TS037 general health, MSOA",
        "% × 10 (ONS publishes percentages to 1 d.p.)",
        "usual residents (ONS percentages)",
        "MSOA only, percentages only: no counts and no LSOA general health.",
    ),
    LayerInfo(
        "samhi",
        "Small Area Mental Health Index (SAMHI) v5.00",
        "table",
        "Daras K, Barr B (2021) SAMHI v5.00, Place-based Longitudinal Data Resource, "
        "doi:10.17638/datacat.liverpool.ac.uk/1188",
        OGL,
        _PSI,
        "2011, 2019–2022",
        "1,404 LSOAs (mapped from LSOA 2011)",
        "LSOA 2011 values through the ONS lookup: split LSOAs copy their parent, the 2 merged "
        "LSOAs average theirs (approximate deciles). Index stored to 0.001.",
        "index: unitless, higher = poorer mental health; decile 10 = worst in England; "
        "denominator: whole population (a composite, not a count)",
    ),
    LayerInfo(
        "gardens",
        "ONS access to private outdoor space (gardens), MSOA",
        "table",
        "ONS, Access to garden space: Great Britain (OS MasterMap), via tbk03/foe_green_space",
        OGL,
        "Contains OS data © Crown copyright and database right 2020",
        "April 2020",
        "301 MSOA 2021 (from 299 MSOA 2011)",
        "MSOA 2011 mapped to MSOA 2021: 297 unchanged; the 2 split MSOAs (E02002186, "
        "E02002221) give their shares to their 4 children, without address counts.",
        "share of addresses (0–1, stored in thousandths); denominator: residential addresses",
    ),
    LayerInfo(
        "ahah",
        "CDRC Access to Healthy Assets and Hazards (AHAH) v4",
        "table",
        "CDRC AHAH v4, Consumer Data Research Centre (via HollySenior/GEOG5990)",
        OGL,
        "CDRC AHAH v4, Consumer Data Research Centre",
        "v4 (2022)",
        "1,404 LSOAs",
        "Overall index only; the domain scores are not available here.",
        "score: higher = less healthy environment (stored × 10,000); rank 1 = healthiest in "
        "GB; denominator: none (an index)",
    ),
]


#: Old layer names kept as aliases of their current name (names are a contract, like keys).
#: ``green_sites`` was the issue-8 site layer's working name before it replaced the
#: touch-merged ``greenspace_sites``.
LAYER_ALIASES: dict[str, str] = {"green_sites": "greenspace_sites"}


def layer_name(name: str) -> str:
    """The current name of a bundle layer (resolving :data:`LAYER_ALIASES`)."""
    return LAYER_ALIASES.get(name, name)


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
            "population_points",
            "Population surface: Census 2021 residents at their postcodes",
            "vector",
            "OS Code-Point Open (Oct 2025) live postcodes with their LSOA 2021 (ONS postcode "
            "lookup Aug 2024, ONSPD Nov 2025); ONSPD Nov 2025 large-user flag (HX only); ONS "
            "Census 2021 usual residents and age bands; OSM non-residential land 2023-07-05 and "
            "residential land 2023-08 (Leeds, Bradford, Calderdale) and 2017-04",
            ODBL,  # the weights derive from OSM land use; the OGL sources are attributed
            f"{POSTCODE_ATTRIBUTION} {_PSI}. {_OSM}",
            "2025-10 (postcodes); people from Census 2021-03-21",
            "64,110 live postcodes in all 1,404 LSOA21 (at least 12, median 41 per LSOA); "
            "sums to each LSOA's Census 2021 population and age bands exactly",
            "Postcodes are not people: a postcode is about 15 delivery addresses and some are "
            "businesses. Each LSOA's people are split over its postcodes by largest remainder, "
            "equal weights except: large users x 0.1 (usertype known only in the HX area), "
            "postcodes sharing one point split its weight, points on OSM industrial, "
            "commercial or retail land or in school, college, nursery or hospital grounds "
            "x 0.25, points on no OSM residential land x 0.25 (residential land is 2017 for "
            "Kirklees and Wakefield). Postcodes of 2025 carry 2021 people; no census groups "
            "other than age.",
            "people: Census 2021 usual residents; easting, northing: metres, EPSG:27700; "
            "weight: relative within the LSOA",
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
            "greenspace_sites_comparable",
            "Green sites rebuilt from the types mapped county-wide at one vintage",
            "vector",
            "Derived: as greenspace_sites, from only the OSM green types that the "
            "green_completeness table marks comparable between districts",
            ODBL,
            _OSM,
            "2023-08",
            _WY,
            "The 'comparable' site definition: leaves out the types mapped unevenly between "
            "districts (natural=wood only in per-district files for Leeds, Bradford and "
            "Calderdale; landuse=grass of Feb 2020 in Kirklees and Wakefield), so it "
            "undercounts everywhere but equally.",
            "area_ha, public_area_ha: hectares; natural_share: 0-1",
        ),
        LayerInfo(
            "green_site_members",
            "Member features of each green site",
            "table",
            "Derived from greenspace and greenspace_sites",
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
        LayerInfo(
            "osm_entrances",
            "Site entrances and gates on the walking network (OSM nodes)",
            "vector",
            "OpenStreetMap nodes tagged entrance=* or barrier=gate|kissing_gate|stile|"
            "entrance|… (layers.network.is_entrance), from the network's OSM file",
            ODBL,
            _OSM,
            "as the walking network",
            "Where the walking network was built from a .osm.pbf (healthyplaces network "
            "build --pbf); empty in the offline bundle",
            "The offline Leeds network source (2022) holds OSM ways only, no nodes: it has no "
            "entrances, so this layer is empty and the OS Open Greenspace access points "
            "(access_points) are the only site entrances the figures use. Overpass builds "
            "do not fetch entrances either.",
        ),
        *(_pcm(pol, year) for year in sorted(PCM_YEARS) for pol in PCM_POLLUTANTS),
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
        *_EQUITY_LAYERS,
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
