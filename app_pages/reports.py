"""Reports: one click builds the HTML and PDF report of the chosen place or an uploaded area.

Presentation only: the report model and both renderers are
:mod:`healthyplaces.report`; boundaries are validated by :mod:`layers.user_area`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import shapely
import streamlit as st

from app_pages import _area_input, _cache, _place, _profile_view, _report_view
from healthyplaces import report
from healthyplaces.formatting import md_escape

INTRO = (
    "A printable report of a place: headline indicators beside its district and West "
    "Yorkshire, charts by deprivation decile, a map, inequality statistics, access on both "
    "methods, every LSOA, methods, data sources and licences. The **HTML** report is one "
    "self-contained file that opens offline; the **PDF** has the same content."
)
UPLOADED = "An uploaded boundary (GeoJSON, GeoPackage or zipped Shapefile)"


def _uploaded() -> tuple[str, str, Callable[[], report.Report]] | None:
    """(token, label, build) for an uploaded boundary, or None when there is none yet."""
    upload = st.file_uploader(
        "Boundary file (any coordinate reference system, up to 20 MB)",
        type=_area_input.UPLOAD_TYPES,
        key="reports-upload",
    )
    if upload is None:
        st.info(
            "Upload a boundary file to build its report, or choose the place above.",
            icon=":material/touch_app:",
        )
        return None
    read = _area_input.read_upload(upload.getvalue(), upload.name)
    if read.error is not None or read.area is None:
        _area_input.show_refusal(read.error)
        return None
    user = read.area
    _area_input.show_user_area(user)
    token = "area-" + hashlib.sha256(shapely.to_wkb(user.geometry)).hexdigest()
    return token, user.name, lambda: _cache.area_report(user)


def _preview(rep: report.Report) -> None:
    with st.expander("Preview: summary and headline indicators", expanded=True):
        for line in rep.summary:
            st.markdown(f"- {md_escape(line)}")
        _profile_view.show_table(report.headline_table(rep))
        st.caption(f"Generated {md_escape(rep.date)}. {md_escape(rep.attribution)}")


def render() -> None:
    """The page."""
    st.title("Reports")
    st.markdown(INTRO)
    _cache.results()
    place = _place.chosen_place()
    chosen = f"The chosen place: {md_escape(place.name)} ({place.level}, {place.code})"
    choice = st.radio("Report on", [chosen, UPLOADED], key="reports-choice")
    if choice == UPLOADED:
        what = _uploaded()
        if what is None:
            return
    else:
        st.caption("Choose another place in the sidebar or on the map explorer.")
        what = (f"place-{place.code}", place.name, lambda: _cache.place_report(place.code))
    rep = _report_view.build_on_click("reports", *what)
    if rep is not None:
        _preview(rep)
