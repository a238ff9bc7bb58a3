"""The walking-areas page's parts: input parsing, the map, the table and the download.

Presentation only: the walking areas and every number in the table come from
:func:`analysis.walk.isochrone_summary` (through :func:`app_pages._cache.isochrone`);
this module parses what the user typed, looks up which named sites and water
the areas reach (a lookup, like a map click) and draws. Geometry EPSG:27700
metres unless it says lon/lat (EPSG:4326 degrees).
"""

from __future__ import annotations

import math
import re
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st

from app_pages import _cache
from geo import crs
from geo.network.isochrone import ISOCHRONE_BUFFER_M
from healthyplaces import maps
from healthyplaces.export.isochrone import file_name, isochrone_geojson
from healthyplaces.formatting import md_escape
from healthyplaces.maps import isochrone as iso_map
from layers.network import NetworkCoverage

#: Walking times offered by default, minutes.
DEFAULT_MINUTES = "5, 10, 15"
#: Longest walk allowed, minutes (2,400 m at 4.8 km/h: well inside a city-centre network).
MAX_MINUTES = 30.0
#: Most walking times drawn at once (more nested areas cannot be told apart).
MAX_BANDS = 5
#: Named features listed per cell before "and N more".
MAX_NAMES = 6
#: Simplification of the green and blue space drawn inside the walk, m (ward-level detail).
INSIDE_TOLERANCE_M = maps.SIMPLIFY_M["ward"]
#: The table's columns of names (shown in their own table: they are long).
NAME_COLUMNS = ("Green sites reached", "Blue space reached")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"


class InputProblem(ValueError):
    """What the user typed cannot be used; the message says why, quoting it."""


def parse_point(text: str) -> tuple[float, float]:
    """``"-1.5486, 53.7997"`` → (lon, lat) in EPSG:4326 degrees.

    Raises
    ------
    InputProblem
        When ``text`` is not two numbers, or they are not a longitude and a latitude
        (with a hint when they look swapped: West Yorkshire is near 53.8° N, 1.7° W).
    """
    parts = [p for p in re.split(r"[,\s;]+", text.strip()) if p]
    if len(parts) != 2 or not all(re.fullmatch(_NUMBER, p) for p in parts):
        raise InputProblem(
            f"“{text}” is not a point: type the longitude, a comma, then the latitude, "
            "for example -1.5486, 53.7997."
        )
    lon, lat = float(parts[0]), float(parts[1])
    if abs(lat) > 90 or abs(lon) > 180:
        raise InputProblem(
            f"“{text}” is not a longitude, latitude pair: the latitude must be between "
            "-90 and 90 degrees and the longitude between -180 and 180."
        )
    if abs(lon) > 45 and abs(lat) < 10:
        raise InputProblem(
            f"“{text}” looks like latitude, longitude: give the longitude first "
            f"(for example {lat:g}, {lon:g})."
        )
    return lon, lat


def parse_minutes(text: str) -> tuple[float, ...]:
    """``"5, 10, 15"`` → (5.0, 10.0, 15.0): distinct walking times, ascending, minutes.

    Raises
    ------
    InputProblem
        When a value is not a number, not above 0 or over :data:`MAX_MINUTES`, or
        there are none or more than :data:`MAX_BANDS`.
    """
    parts = [p for p in re.split(r"[,\s;]+", text.strip()) if p]
    if not parts or not all(re.fullmatch(_NUMBER, p) for p in parts):
        raise InputProblem(
            f"“{text}” is not a list of walking times: type minutes separated by commas, "
            "for example 5, 10, 15."
        )
    values = sorted({float(p) for p in parts})
    if values[0] <= 0 or values[-1] > MAX_MINUTES:
        raise InputProblem(
            f"Walking times must be above 0 and at most {MAX_MINUTES:g} minutes; got “{text}”."
        )
    if len(values) > MAX_BANDS:
        raise InputProblem(f"Give at most {MAX_BANDS} walking times; got {len(values)}.")
    return tuple(values)


def band_polygons(summary: dict[str, Any]) -> gpd.GeoDataFrame:
    """The walking areas of ``summary`` (ascending time) in EPSG:27700."""
    return iso_map.bands_frame(summary["bands"]).to_crs(crs.ANALYSIS_CRS)


def _inside(gdf: gpd.GeoDataFrame, polygon: shapely.Geometry) -> gpd.GeoDataFrame:
    """Rows of ``gdf`` (EPSG:27700) that meet ``polygon`` (spatial-index lookup)."""
    hits = gdf.sindex.query(polygon, predicate="intersects")
    return gdf.iloc[np.sort(hits)]


def _names(frames: list[pd.Series]) -> str:
    """ "A, B and 3 more (2 unnamed)": distinct names, in order, for one table cell."""
    values = pd.concat(frames, ignore_index=True) if frames else pd.Series([], dtype=object)
    named = [str(v).strip() for v in values if isinstance(v, str) and v.strip()]
    distinct = list(dict.fromkeys(named))
    unnamed = int(len(values) - len(named))
    if not distinct and not unnamed:
        return "none"
    text = ", ".join(distinct[:MAX_NAMES])
    if len(distinct) > MAX_NAMES:
        text += f" and {len(distinct) - MAX_NAMES} more"
    if unnamed:
        text += f"{' (' if text else ''}{unnamed} unnamed{')' if text else ''}"
    return text


def _site_names(sites: gpd.GeoDataFrame) -> pd.Series:
    """Each site's OSM name, else its largest named member's (largest site first)."""
    ordered = sites.sort_values("area_ha", ascending=False)
    return ordered["name"].where(ordered["name"].notna(), ordered["largest_named_member"])


def band_table(summary: dict[str, Any]) -> pd.DataFrame:
    """One row per walking time: the numbers of ``summary`` (rounded for display) and the
    named green sites and blue space each walking area reaches."""
    polygons = band_polygons(summary)
    sites, water, ways = _cache.layer("sites"), _cache.layer("water"), _cache.layer("waterways")
    water = water[water["blue_space"].to_numpy(bool)]
    ways = ways[ways["blue_space"].to_numpy(bool)]
    rows = []
    for band, poly in zip(summary["bands"], polygons.geometry.values, strict=True):
        blue_names = [_inside(water, poly)["name"], _inside(ways, poly)["name"]]
        rows.append(
            {
                "Walk (min)": float(band["minutes"]),
                "Distance (m)": round(float(band["distance_m"])),
                "Area (ha)": round(float(band["area_ha"]), 1),
                "Residents (Census 2021, by postcode)": round(float(band["people"])),
                "Green space inside (ha)": round(float(band["green_ha"]), 1),
                "Green sites reached": _names([_site_names(_inside(sites, poly))]),
                "Water inside (ha)": round(float(band["blue_ha"]), 1),
                "Blue space reached": _names(blue_names),
                "Whole walk in network area": "yes" if band["complete"] else "no",
            }
        )
    return pd.DataFrame(rows)


def _clip(gdf: gpd.GeoDataFrame, polygon: shapely.Geometry) -> gpd.GeoDataFrame:
    """The parts of ``gdf`` (EPSG:27700) inside ``polygon``, for drawing."""
    near = _inside(gdf, polygon)
    return gpd.clip(near, polygon) if len(near) else near


def walk_map(
    coverage: NetworkCoverage, summary: dict[str, Any] | None, tiles: bool = False
) -> folium.Map:
    """The coverage outline and, given a ``summary``, its walking areas, the green and blue
    space inside the longest walk (drawn over the areas, so it shows), and the starting
    point (existing map helpers). The walking areas' legend comes first."""
    area = _cache.layer("network_area")
    polygons = band_polygons(summary) if summary else None
    outer = polygons.geometry.iloc[-1] if polygons is not None else None
    walk = summary is not None and outer is not None and not outer.is_empty
    bounds = outer.bounds if walk and outer is not None else area.total_bounds
    title = "Map of walking areas" if walk else f"Map of the walking network: {coverage.name}"
    m = maps.base_map(bounds, tiles=tiles, title=f"{title} (Tab to leave)")
    if walk and summary is not None and polygons is not None and outer is not None:
        from analysis.walk import WALK_SPEED_KMH

        iso_map.add_isochrones(
            m, polygons.to_crs(crs.DISPLAY_CRS), WALK_SPEED_KMH, ISOCHRONE_BUFFER_M
        )
        iso_map.add_coverage(m, area, coverage.name)
        water, ways = _cache.layer("water"), _cache.layer("waterways")
        maps.add_blue_space(
            m, _clip(water, outer), _clip(ways, outer), tolerance_m=INSIDE_TOLERANCE_M
        )
        maps.add_green_sites(m, _clip(_cache.layer("sites"), outer), tolerance_m=INSIDE_TOLERANCE_M)
        iso_map.add_origin(m, float(summary["at"]["lon"]), float(summary["at"]["lat"]))
    else:
        iso_map.add_coverage(m, area, coverage.name)
    return maps.finish(m, collapsed=True)


def inside_network(lon: float, lat: float) -> bool:
    """Whether the walk's origin (rounded as it is computed, :func:`_cache.isochrone_origin`)
    is inside the area where the walking network is complete (a lookup)."""
    x, y = _cache.isochrone_origin(lon, lat)
    return maps.feature_at(_cache.layer("network_area"), x, y) is not None


def outside_message(coverage: NetworkCoverage, lon: float, lat: float) -> str:
    """The message for a point with no walking network (the coverage named from the data)."""
    return (
        f"The walking network covers {coverage.place} only ({coverage.name}); the point "
        f"{lon:.5f}, {lat:.5f} is outside it, so there is no walking area to show. Click "
        "inside the dashed outline on the map, or type a point inside it."
    )


def show_results(coverage: NetworkCoverage, summary: dict[str, Any]) -> None:
    """The table, its sources and caveats, and the GeoJSON download."""
    table = band_table(summary)
    st.subheader("Inside each walking area")
    people = st.column_config.NumberColumn(format="localized")
    st.dataframe(
        table.drop(columns=list(NAME_COLUMNS)),
        hide_index=True,
        width="stretch",
        column_config={"Residents (Census 2021, by postcode)": people, "Distance (m)": people},
    )
    st.markdown("**Named green space and water each walk reaches**")
    st.dataframe(
        table[["Walk (min)", *NAME_COLUMNS]],
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.TextColumn(width="large") for c in NAME_COLUMNS},
    )
    if not all(b["complete"] for b in summary["bands"]):
        st.warning(
            f"Part of the longest walk would leave the complete network ({coverage.name}): "
            "the walking area stops at its edge, so area, green space and people are "
            "undercounts there."
        )
    st.caption(
        md_escape(
            f"{summary['method']}. Green space: publicly accessible OpenStreetMap sites "
            "(2023-08), hectares inside the area; sites reached are those the area touches, "
            "largest first. Water: OSM amenity water (2023-08), hectares inside; blue space "
            "reached also lists rivers and canals (OSM waterways 2018-05). Residents: Census 2021 "
            "usual residents (ONS) placed at their postcodes (OS Code-Point Open, Oct 2025), "
            "counted where the postcode lies inside the walk."
        )
    )
    lon, lat = float(summary["at"]["lon"]), float(summary["at"]["lat"])
    st.download_button(
        "Download the walking areas (GeoJSON, EPSG:4326)",
        data=isochrone_geojson(summary, coverage.source),
        file_name=file_name(lon, lat),
        mime="application/geo+json",
        help="One polygon per walking time, with its area, people, green and blue space, "
        "the method and the attribution (© OpenStreetMap contributors, ODbL; ONS, OGL).",
    )


def finite_point(lon: float, lat: float) -> bool:
    """Whether a map click's coordinates are usable numbers."""
    return math.isfinite(lon) and math.isfinite(lat)
