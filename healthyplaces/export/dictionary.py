"""The data dictionary of an export: field, type, description, units, source, year.

Units come from :data:`analysis.engine.INDICATORS` where an indicator is listed
there, else from the column-name conventions of :mod:`analysis.surface`
(``dist_*_m`` metres, ``meets_*`` share of residents 0–1, …), else from the
layer's catalogue entry (:attr:`layers.catalogue.LayerInfo.units`). Identifiers
and names are ``none (identifier)`` / ``none (text)``, never an empty string.
"""

from __future__ import annotations

import re

import pandas as pd

from layers.catalogue import LayerInfo

#: Results columns renamed on export so projected metres never sit unlabelled in a lon/lat file.
RENAMES = {"pwc_x": "pwc_easting_27700", "pwc_y": "pwc_northing_27700"}

COLUMNS = ["field", "type", "description", "units", "source", "year"]

_SHARE = "share of residents (0–1)"
_SURFACE = "Healthy Places analysis on the postcode population surface (Census 2021, OSM 2023-08)"
_AIR = "DEFRA PCM modelled annual means, 1 km grid"
_IOD = "English Indices of Deprivation 2025 (MHCLG)"
_BUNDLE = "Healthy Places analysis of the bundle layers (OSM 2023-08, Natural England)"
_NET = "Healthy Places walking-network analysis (OSM network of the bundle's network_area)"

#: (pattern on the field name, description, units, source, year) for the results layer.
_RULES: list[tuple[str, str, str, str, str]] = [
    (
        r"pwc_(easting|northing)_27700",
        "ONS population-weighted centroid, EPSG:27700",
        "m (EPSG:27700 British National Grid)",
        "ONS LSOA 2021 population-weighted centroids",
        "2021",
    ),
    (r".*_code", "ONS GSS code", "none (identifier)", "ONS Open Geography Portal", "2021"),
    (r".*_name", "ONS area name", "none (text)", "ONS Open Geography Portal", "2021"),
    (r"age_.*", "Usual residents in the age band", "people", "Census 2021 (ONS)", "2021"),
    (
        r"(hpi|green_blue|air|nature)_(score|exp|rank|decile)",
        "Healthy Places index or domain: score, exponential transform (IoD 2019 method, "
        "0–100), rank within West Yorkshire or decile",
        "score / rank / decile (unitless)",
        "Healthy Places index (domains from the bundle layers)",
        "2025",
    ),
    (r"IMD_rank", "IMD 2025 national rank (1 = most deprived of 33,755)", "rank", _IOD, "2025"),
    (r".*_decile", "National decile (1 = most deprived / worst)", "decile (1–10)", _IOD, "2025"),
    (r".*_score", "Domain score", "score (unitless)", _IOD, "2025"),
    (
        r"dist_.*_p(10|90)_m",
        "Percentile over the LSOA's residents of the straight-line distance",
        "m",
        _SURFACE,
        "2023",
    ),
    (
        r"(dist_.*_m|blue_dist_m)",
        "Population-weighted median straight-line distance",
        "m",
        _SURFACE,
        "2023",
    ),
    (
        r"blue_dist_p(10|90)_m",
        "Percentile over residents of the distance to blue space",
        "m",
        _SURFACE,
        "2023",
    ),
    (
        r"meets_.*_(all_accessible|natural|formal|comparable|with_open_land)",
        "Residents whose postcode meets the access standard, counting only the sites of the "
        "named site definition (all_accessible, natural or formal, after Natural England; or "
        "comparable, only the types mapped county-wide at one vintage; or with_open_land)",
        _SHARE,
        _SURFACE,
        "2023",
    ),
    (r"meets_.*", "Residents whose postcode meets the access standard", _SHARE, _SURFACE, "2023"),
    (
        r"open_land_within_.*",
        "Residents within the distance of public open access land (access to open countryside)",
        _SHARE,
        _SURFACE,
        "2023",
    ),
    (
        r"open_land_dist_m",
        "Population-weighted median straight-line distance to public open access land",
        "m",
        _SURFACE,
        "2023",
    ),
    (
        r"edge_affected_.*",
        "Residents who miss the standard while the county boundary is nearer than its distance "
        "(sites beyond the boundary are not in the offline extract: a lower bound)",
        _SHARE,
        _SURFACE,
        "2023",
    ),
    (r"near_miss_.*", "Residents within 100 m beyond the standard", "people", _SURFACE, "2023"),
    (r"blue_within_.*", "Residents within the distance of blue space", _SHARE, _SURFACE, "2023"),
    (
        r"net_dist_.*|blue_net_dist_.*",
        "Population-weighted median walking distance",
        "m",
        _NET,
        "2022",
    ),
    (
        r"net_meets_.*|blue_net_within_.*",
        "Residents meeting the standard on foot (null: no network result)",
        _SHARE,
        _NET,
        "2022",
    ),
    (
        r"net_available_.*",
        "A walking-network result exists for this LSOA",
        "true/false",
        _NET,
        "2022",
    ),
    (r"net_coverage_.*", "Residents with a walking-network result", _SHARE, _NET, "2022"),
    (r"detour_.*", "Median walking ÷ straight-line distance", "ratio (unitless)", _NET, "2022"),
    (r"net_reason", "Why no walking-network result", "none (text)", _NET, "2022"),
    (r".*_above_.*", "Residents above the WHO 2021 guideline / UK limit", _SHARE, _AIR, "2019"),
    (r".*_ugm3_pwc", "Annual mean at the ONS population-weighted centroid", "µg/m³", _AIR, "2019"),
    (r".*_ugm3", "Annual mean concentration", "µg/m³", _AIR, "2019"),
    (
        r".*_coverage",
        "Share of the LSOA's area covered by the PCM grid",
        "share of area (0–1)",
        _AIR,
        "2019",
    ),
    (
        r"trees_per_km2",
        "OSM-mapped trees per km² (incomplete)",
        "per km²",
        "OpenStreetMap 2023-08",
        "2023",
    ),
    (
        r"double_burden",
        "Residents with poor green access and high NO₂ in a deprived LSOA",
        _SHARE,
        _SURFACE,
        "2023",
    ),
    (r".*_ha", "Area", "ha", "OpenStreetMap 2023-08; Natural England", "2023"),
    (
        r"tree_row_m_per_km2",
        "OSM-mapped tree rows per km² (incomplete)",
        "m per km²",
        "OpenStreetMap 2023-08",
        "2023",
    ),
    (
        r".*_exp",
        "Exponential-transformed domain score (IoD method)",
        "score (0–100)",
        "Healthy Places index",
        "2025",
    ),
    (
        r"hpi_rank",
        "Healthy Places index rank in West Yorkshire (1 = worst)",
        "rank",
        "Healthy Places index",
        "2025",
    ),
    (r"population", "Usual residents", "people", "Census 2021 (ONS)", "2021"),
]


def _results_row(field: str) -> tuple[str, str, str, str]:
    from analysis.engine import INDICATORS
    from analysis.group_columns import COLUMN_INFO

    if field in COLUMN_INFO:  # the Census 2021 group counts, totals and shares
        return COLUMN_INFO[field]
    known = INDICATORS.get(field)
    for pattern, description, units, source, rule_year in _RULES:
        if re.fullmatch(pattern, field):
            year = _air_year(field) if source == _AIR else rule_year
            if known is not None:
                return str(known["label"]), str(known["units"]), source, year
            return description, units, source, year
    if known is not None:
        return str(known["label"]), str(known["units"]), _BUNDLE, "2023"
    return field, "see the methods", "Healthy Places analysis", "2025"


def _air_year(field: str) -> str:
    """The PCM year of an air field: its ``_YYYY`` suffix, else the year in use."""
    from analysis.air_years import selected_year

    found = re.search(r"_(\d{4})$", field)
    return found.group(1) if found else str(selected_year())


def _ogr_type(series: pd.Series) -> str:
    kind = series.dtype.kind
    if pd.api.types.is_bool_dtype(series.dtype):
        return "boolean"
    if kind in "iu" or str(series.dtype).startswith(("Int", "UInt")):
        return "integer"
    if kind == "f" or str(series.dtype).startswith("Float"):
        return "real"
    return "text"


def data_dictionary(frame: pd.DataFrame, info: LayerInfo, results: bool) -> pd.DataFrame:
    """One row per exported field of ``frame`` (geometry included as ``WKT``/``geom``).

    Parameters
    ----------
    frame
        The frame as written (after :data:`RENAMES`).
    info
        The layer's catalogue entry: source, vintage and units for bundle layers.
    results
        True for the analysis results (per-field rules), False for a bundle layer.
    """
    rows = []
    for field in frame.columns:
        if field == "geometry":
            rows.append(
                [
                    field,
                    "geometry",
                    "Feature geometry",
                    "EPSG:4326 lon/lat (GeoJSON, CSV WKT); EPSG:27700 m (GeoPackage)",
                    info.source,
                    info.vintage,
                ]
            )
            continue
        dtype = _ogr_type(frame[field])
        if results:
            description, units, source, year = _results_row(field)
        else:
            description = f"{field} ({info.title})"
            units = _bundle_units(field, dtype, info)
            source, year = info.source, info.vintage
        rows.append([field, dtype, description, units, source, year])
    return pd.DataFrame(rows, columns=COLUMNS)


def _bundle_units(field: str, dtype: str, info: LayerInfo) -> str:
    """Units of a bundle-layer column: identifiers and text, else the catalogue's, else by name."""
    if re.fullmatch(r".*(_code|_id)|id|osm_id|fid", field):
        return "none (identifier)"
    if dtype in ("text", "boolean"):
        return "none (text)" if dtype == "text" else "true/false"
    named = _named_units(info.units)
    if field in named:
        return named[field]
    guess = _unit_guess(field)
    if guess:
        return guess
    return info.units if info.units and not named else "see the source"


def _named_units(units: str) -> dict[str, str]:
    """``"easting, northing: metres; weight: relative"`` → {field: unit} (catalogue units)."""
    out: dict[str, str] = {}
    for segment in units.split(";"):
        names, sep, unit = segment.partition(":")
        if sep and re.fullmatch(r"[\w\s,]+", names):
            out |= {name.strip(): unit.strip() for name in names.split(",")}
    return out


def _unit_guess(field: str) -> str:
    """Units of a bundle-layer column from its name's suffix; "" when the name says nothing."""
    suffixes = {
        "_rank": "rank (1 = most deprived / first)",
        "_decile": "decile (1–10)",
        "_score": "score (see the source)",
        "_ha": "ha",
        "_m": "m",
        "_km2": "km²",
    }
    if field in ("x", "y"):
        return "m (EPSG:27700)"
    if field.startswith("age_"):
        return "people"
    if field.startswith("n_"):
        return "count"
    return next((unit for end, unit in suffixes.items() if field.endswith(end)), "")
