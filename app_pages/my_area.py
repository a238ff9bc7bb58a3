"""My area: upload or draw a boundary, validate it, and show its full profile and report.

Presentation only: the boundary is validated by :mod:`layers.user_area`, the
profile is :func:`analysis.profiles.profile` on
:func:`~analysis.areas.area_for_polygon`, the report :mod:`healthyplaces.report`.
"""

from __future__ import annotations

import hashlib
from typing import Any

import geopandas as gpd
import shapely
import streamlit as st

from analysis import areas
from app_pages import _area_input, _cache, _place, _profile_view, _report_view
from app_pages._folium import show_map
from geo import crs
from healthyplaces import maps
from healthyplaces.formatting import md_escape

#: Height of the "what it measured" map (px).
MEASURED_MAP_HEIGHT = 360

INSTRUCTIONS = (
    "**Upload a boundary file or draw an area on the map** to see who lives there and how "
    "they can reach green and blue space, clean air and nature. Accepted files: GeoJSON, "
    "GeoPackage or a zipped Shapefile, in any coordinate reference system, up to 20 MB. "
    "Residents are counted by the share of each LSOA's area inside your boundary."
)


def measured_map(results: Any, area: areas.Area, user: Any) -> Any:
    """A small map of the uploaded boundary and the LSOAs its profile counts, shaded by the
    share of each LSOA counted (0–100 %); EPSG:27700 in, folium out (existing map helpers)."""
    inside = area.share > 0
    used = gpd.GeoDataFrame(
        results.lsoa.loc[inside, ["lsoa21_code", "lsoa21_name", "geometry"]].assign(
            share_pct=area.share[inside] * 100.0
        ),
        crs=results.lsoa.crs,
    )
    outline = gpd.GeoDataFrame(geometry=[user.geometry], crs=crs.ANALYSIS_CRS)
    m = maps.base_map(
        outline.total_bounds, title=f"Map of {user.name} and the {int(inside.sum())} LSOAs it uses"
    )
    maps.add_choropleth(
        m,
        used,
        "share_pct",
        "Share of the LSOA counted",
        "%",
        "quantiles",
        4,
        palette="Purples",
        tolerance_m=maps.SIMPLIFY_M["lsoa"],
        digits=0,
    )
    maps.add_outline(m, outline, user.name, tolerance_m=maps.SIMPLIFY_M["lsoa"])
    return maps.finish(m, collapsed=True)


def render() -> None:
    """The page."""
    st.title("My area")
    results = _cache.results()
    st.markdown(INSTRUCTIONS)
    result = _area_input.area_input("myarea", _place.chosen_place(), "area")
    if result is None:
        st.info(
            "Upload a boundary file or draw an area on the map to see its profile.",
            icon=":material/touch_app:",
        )
        return
    if result.error is not None or result.area is None:
        _area_input.show_refusal(result.error)
        return
    user = result.area
    _area_input.show_user_area(user)
    area = areas.area_for_polygon(results, user.geometry, name=user.name)
    st.subheader("What it measured")
    st.caption(
        f"Your boundary (dashed) and the {int((area.share > 0).sum()):,} LSOAs (2021) it "
        "counts, shaded by the share of each LSOA's residents counted."
    )
    show_map(
        measured_map(results, area, user),
        key="myarea_measured_map",
        height=MEASURED_MAP_HEIGHT,
        use_container_width=True,
        returned_objects=[],
    )
    st.header(f"Profile: {md_escape(user.name)}")
    _profile_view.show_profile(
        results, area, _cache.polygon_profile(user, _place.chosen_definition())
    )
    st.divider()
    st.subheader("Report for this area")
    token = hashlib.sha256(shapely.to_wkb(user.geometry) + user.name.encode("utf-8")).hexdigest()
    _report_view.build_on_click("myarea", token, user.name, lambda: _cache.area_report(user))
