"""My area: upload or draw a boundary, validate it, and show its full profile and report.

Presentation only: the boundary is validated by :mod:`layers.user_area`, the
profile is :func:`analysis.profiles.profile` on
:func:`~analysis.areas.area_for_polygon`, the report
:mod:`healthyplaces.report`.
"""

from __future__ import annotations

import hashlib

import shapely
import streamlit as st

from analysis import areas, profiles
from app_pages import _analysis as an

INSTRUCTIONS = (
    "**Upload a boundary file or draw an area on the map** to see who lives there and how "
    "they can reach green and blue space, clean air and nature. Accepted files: GeoJSON, "
    "GeoPackage or a zipped Shapefile, in any coordinate reference system, up to 20 MB. "
    "Residents are counted by the share of each LSOA's area inside your boundary."
)

st.title("My area")
results = an.get_results()
place = an.chosen_place()
st.markdown(INSTRUCTIONS)

result = an.area_input("myarea", place, "area")
if result is None:
    st.info(
        "Upload a boundary file or draw an area on the map to see its profile.",
        icon=":material/touch_app:",
    )
    st.stop()
if result.error is not None or result.area is None:
    st.error(f"**This boundary cannot be used.** {result.error}", icon="🚫")
    st.stop()

user = result.area
an.show_user_area(user)
area = areas.area_for_polygon(results, user.geometry, name=user.name)
prof = profiles.profile(results, area)
st.header(f"Profile: {user.name}")
an.show_profile(results, area, prof)

st.divider()
st.subheader("Report for this area")
token = hashlib.sha256(shapely.to_wkb(user.geometry) + user.name.encode("utf-8")).hexdigest()
if st.button("Build the HTML and PDF report", type="primary", key="myarea-build"):
    with st.status("Building the report…", expanded=True) as status:
        st.write("Profile, comparisons, decile charts and map…")
        rep = an.get_report(user=user)
        st.write("Rendering HTML and PDF…")
        an.render_files(rep)
        status.update(label="Report ready", state="complete", expanded=False)
    st.session_state["myarea-report"] = token
if st.session_state.get("myarea-report") == token:
    an.report_buttons(an.get_report(user=user), "myarea")
