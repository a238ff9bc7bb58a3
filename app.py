"""Healthy Places West Yorkshire: the Streamlit app (presentation only).

Run with ``streamlit run app.py`` (or ``make run``). Pages live in ``app_pages/``;
the place chosen in the sidebar is shared between them through
``st.session_state["place_code"]``.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="Healthy Places West Yorkshire",
    page_icon="🌳",
    layout="wide",
    initial_sidebar_state="expanded",
)

from app_pages import _shared as sh  # noqa: E402 - after set_page_config
from layers.bundle import BundleError  # noqa: E402

PAGES = [
    st.Page("app_pages/map_explorer.py", title="Map explorer", icon=":material/map:", default=True),
    st.Page("app_pages/place_profile.py", title="Place profile", icon=":material/analytics:"),
    st.Page("app_pages/my_area.py", title="My area", icon=":material/draw:"),
    st.Page("app_pages/scenarios.py", title="Scenarios", icon=":material/park:"),
    st.Page("app_pages/reports.py", title="Reports", icon=":material/description:"),
    st.Page("app_pages/downloads.py", title="Downloads", icon=":material/download:"),
]


def main() -> None:
    """Sidebar place picker, then the chosen page; a bundle problem stops with a clear error."""
    page = st.navigation(PAGES)
    st.sidebar.markdown("### Healthy Places West Yorkshire")
    try:
        sh.place_picker()
        page.run()
    except BundleError as exc:
        sh.show_bundle_error(exc)


main()
