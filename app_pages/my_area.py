"""My area: upload or draw a boundary, validate it, and show its full profile and report.

Presentation only: the boundary is validated by :mod:`layers.user_area`, the
profile is :func:`analysis.profiles.profile` on
:func:`~analysis.areas.area_for_polygon`, the report :mod:`healthyplaces.report`.
"""

from __future__ import annotations

import hashlib

import shapely
import streamlit as st

from analysis import areas
from app_pages import _area_input, _cache, _place, _profile_view, _report_view
from healthyplaces.formatting import md_escape

INSTRUCTIONS = (
    "**Upload a boundary file or draw an area on the map** to see who lives there and how "
    "they can reach green and blue space, clean air and nature. Accepted files: GeoJSON, "
    "GeoPackage or a zipped Shapefile, in any coordinate reference system, up to 20 MB. "
    "Residents are counted by the share of each LSOA's area inside your boundary."
)


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
    st.header(f"Profile: {md_escape(user.name)}")
    _profile_view.show_profile(results, area, _cache.polygon_profile(user))
    st.divider()
    st.subheader("Report for this area")
    token = hashlib.sha256(shapely.to_wkb(user.geometry) + user.name.encode("utf-8")).hexdigest()
    _report_view.build_on_click("myarea", token, user.name, lambda: _cache.area_report(user))
