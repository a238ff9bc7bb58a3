"""Healthy Places West Yorkshire: the Streamlit app (presentation only).

Run with ``streamlit run app.py`` (or ``make run``). Each page is a module in
``app_pages/`` with a ``render()`` function; every page runs inside
:func:`app_pages._frame.run`, which draws the sidebar place picker (the chosen
place is ``st.session_state["place_code"]``, see :mod:`app_pages._place`) and
turns a missing or corrupt bundle file into one clear message.
"""

from __future__ import annotations

import streamlit as st

from app_pages import (
    _frame,
    downloads,
    evidence,
    left_out,
    map_explorer,
    my_area,
    place_profile,
    reports,
    scenarios,
    walking,
)


def pages() -> list[st.Page]:
    """The app's pages, in menu order (the map explorer first)."""
    return [
        st.Page(
            map_explorer.render,
            title="Map explorer",
            icon=":material/map:",
            url_path="map_explorer",
            default=True,
        ),
        st.Page(
            walking.render,
            title="Walking areas",
            icon=":material/directions_walk:",
            url_path="walking",
        ),
        st.Page(
            place_profile.render,
            title="Place profile",
            icon=":material/analytics:",
            url_path="place_profile",
        ),
        st.Page(my_area.render, title="My area", icon=":material/draw:", url_path="my_area"),
        st.Page(scenarios.render, title="Scenarios", icon=":material/park:", url_path="scenarios"),
        st.Page(
            left_out.render,
            title="Who is left out",
            icon=":material/diversity_3:",
            url_path="left_out",
        ),
        st.Page(evidence.render, title="Evidence", icon=":material/science:", url_path="evidence"),
        st.Page(reports.render, title="Reports", icon=":material/description:", url_path="reports"),
        st.Page(
            downloads.render, title="Downloads", icon=":material/download:", url_path="downloads"
        ),
    ]


def main() -> None:
    """Page configuration, navigation, then the chosen page inside the common frame."""
    st.set_page_config(
        page_title="Healthy Places West Yorkshire",
        page_icon="🌳",
        layout="wide",
        initial_sidebar_state="expanded",
    )
    page = st.navigation(pages())
    _frame.run(page.run)


main()
