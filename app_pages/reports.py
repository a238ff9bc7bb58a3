"""Reports: one click builds the HTML and PDF report of the chosen place or an uploaded area.

Presentation only: the report model and both renderers are
:mod:`healthyplaces.report`; boundaries are validated by :mod:`layers.user_area`.
"""

from __future__ import annotations

import hashlib

import shapely
import streamlit as st

from app_pages import _analysis as an
from healthyplaces import report
from layers.user_area import UserArea

st.title("Reports")
st.markdown(
    "A printable report of a place: headline indicators beside its district and West "
    "Yorkshire, charts by deprivation decile, a map, inequality statistics, access on both "
    "methods, every LSOA, methods, data sources and licences. The **HTML** report is one "
    "self-contained file that opens offline; the **PDF** has the same content."
)
results = an.get_results()
place = an.chosen_place()

CHOSEN = f"The chosen place: {place.name} ({place.level}, {place.code})"
UPLOADED = "An uploaded boundary (GeoJSON, GeoPackage or zipped Shapefile)"
choice = st.radio("Report on", [CHOSEN, UPLOADED], key="reports-choice")

user: UserArea | None = None
if choice == UPLOADED:
    upload = st.file_uploader(
        "Boundary file (any coordinate reference system, up to 20 MB)",
        type=an.UPLOAD_TYPES,
        key="reports-upload",
    )
    if upload is None:
        st.info(
            "Upload a boundary file to build its report, or choose the place above.",
            icon=":material/touch_app:",
        )
        st.stop()
    read = an.read_upload(upload.getvalue(), upload.name)
    if read.error is not None or read.area is None:
        st.error(f"**This boundary cannot be used.** {read.error}", icon="🚫")
        st.stop()
    user = read.area
    an.show_user_area(user)
    token = "area-" + hashlib.sha256(shapely.to_wkb(user.geometry)).hexdigest()
    label = user.name
else:
    st.caption("Choose another place in the sidebar or on the map explorer.")
    token = f"place-{place.code}"
    label = place.name

if st.button(f"Build the report for {label}", type="primary", key="reports-build"):
    with st.status(f"Building the report for {label}…", expanded=True) as status:
        st.write("Profile, district and county comparisons, decile charts and map…")
        rep = an.get_report(code=place.code, user=user)
        st.write("Rendering the HTML and the PDF…")
        an.render_files(rep)
        status.update(label=f"The report for {label} is ready", state="complete", expanded=False)
    st.session_state["reports-ready"] = token

if st.session_state.get("reports-ready") == token:
    rep = an.get_report(code=place.code, user=user)
    an.report_buttons(rep, "reports")
    with st.expander("Preview: summary and headline indicators", expanded=True):
        for line in rep.summary:
            st.markdown(f"- {line}")
        headline = report.headline_table(rep)
        st.dataframe(  # tall enough for every row, as on the place profile
            an.table_frame(headline),
            hide_index=True,
            width="stretch",
            height=36 * (len(headline.rows) + 1) + 4,
        )
        st.caption(f"Generated {rep.date}. {rep.attribution}")
