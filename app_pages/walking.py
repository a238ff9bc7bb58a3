"""Walking areas: click the map or type a point; see the 5, 10 and 15-minute walks from it.

Presentation only: the walking areas, their green and blue space and the people
inside are :func:`analysis.walk.isochrone_summary` (the ``healthyplaces
isochrone`` command's function), cached per origin rounded to about 10 m and
the walking times (:func:`app_pages._cache.isochrone`); drawing is
:mod:`healthyplaces.maps.isochrone`. Where the walking network is complete, and
its name, come from the bundle (:func:`layers.network.network_coverage`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import _cache
from app_pages import _isochrone_view as view
from app_pages._folium import show_map
from healthyplaces.formatting import md_escape
from layers import network

#: Session-state keys: the typed point and walking times (widgets), a click waiting to be
#: copied into the point box, and the last click handled.
POINT_KEY = "walk_point"
MINUTES_KEY = "walk_minutes"
_PENDING_KEY = "_walk_pending_point"
_CLICK_KEY = "_walk_last_click"
#: Map height (px).
MAP_HEIGHT = 560


def _instructions(coverage: network.NetworkCoverage) -> None:
    st.markdown(
        "**Click the map** inside the dashed outline, or **type a point**, to see where "
        "you can walk in 5, 10 and 15 minutes at 4.8 km/h along real streets and paths "
        "(OpenStreetMap), and the green space, water and people inside each walk."
    )
    st.caption(md_escape(coverage.note))


def _inputs() -> tuple[str, str]:
    """The point and walking-time boxes (a pending map click fills the point first)."""
    pending = st.session_state.pop(_PENDING_KEY, None)
    if pending is not None:
        st.session_state[POINT_KEY] = pending
    st.session_state.setdefault(MINUTES_KEY, view.DEFAULT_MINUTES)
    left, right = st.columns([2, 1])
    point = left.text_input(
        "Starting point (longitude, latitude)",
        key=POINT_KEY,
        placeholder="-1.5486, 53.7997",
        help="WGS 84 degrees, longitude first. Clicking the map fills this in.",
    )
    minutes = right.text_input(
        "Walking times (minutes)",
        key=MINUTES_KEY,
        help=f"Up to {view.MAX_BANDS} times, each above 0 and at most "
        f"{view.MAX_MINUTES:g} minutes, separated by commas.",
    )
    return point, minutes


def _summary(coverage: network.NetworkCoverage, point: str, minutes: str) -> dict[str, Any] | None:
    """The walking areas for the typed point and times, or None (with a message why)."""
    if not point.strip():
        st.info(
            "Click the map inside the dashed outline, or type a point, to draw the walking areas.",
            icon=":material/touch_app:",
        )
        return None
    try:
        lon, lat = view.parse_point(point)
        times = view.parse_minutes(minutes)
    except view.InputProblem as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        return None
    if not view.inside_network(lon, lat):
        st.warning(md_escape(view.outside_message(coverage, lon, lat)), icon="🚶")
        return None
    with st.spinner("Working out the walking areas along the street network…"):
        return _cache.isochrone(lon, lat, times)


def _handle_click(out: dict[str, Any] | None) -> None:
    """A new map click becomes the starting point (copied into the point box, then rerun)."""
    click = (out or {}).get("last_clicked")
    if not click or click == st.session_state.get(_CLICK_KEY):
        return
    st.session_state[_CLICK_KEY] = click
    lon, lat = float(click["lng"]), float(click["lat"])
    if not view.finite_point(lon, lat):
        return
    st.session_state[_PENDING_KEY] = f"{lon:.5f}, {lat:.5f}"
    st.rerun()


def render() -> None:
    """The page."""
    st.title("Walking areas")
    _cache.results()  # the people counts use the county results (progress on first load)
    coverage = network.network_coverage()
    _instructions(coverage)
    point, minutes = _inputs()
    summary = _summary(coverage, point, minutes)
    tiles = st.toggle(
        "Use online map tiles", value=False, help="Needs the internet. Off: a plain background."
    )
    with st.spinner("Drawing the map…"):
        out = show_map(
            view.walk_map(coverage, summary, tiles),
            in_place=True,
            key="walking_map",
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=["last_clicked"],
        )
    _handle_click(out)
    if summary is not None:
        view.show_results(coverage, summary)
