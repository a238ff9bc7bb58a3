"""The chosen place: one session-state key, one default, the sidebar picker.

Every page reads the place through :func:`chosen_place`; the picker and the map
explorer's clicks write it. Nothing else keeps a place.
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from app_pages import _cache
from geo.standards import DEFAULT_SITE_DEFINITION, SITE_DEFINITIONS
from healthyplaces.formatting import md_escape
from layers.errors import PlaceNotFound
from layers.places import COUNTY_CODE, Place, resolve_place

#: Session-state key of the chosen place's ONS code.
PLACE_KEY = "place_code"
#: The place shown until one is chosen: the whole county.
DEFAULT_PLACE = COUNTY_CODE
_PENDING_KEY = "_pending_place_code"
#: Session-state key of the chosen green-site definition (issue 8).
DEFINITION_KEY = "site_definition"


def request_place(code: str) -> None:
    """Ask for ``code`` to become the chosen place on the next run (e.g. after a map click)."""
    st.session_state[_PENDING_KEY] = code


def chosen_place() -> Place:
    """The place in ``st.session_state[PLACE_KEY]`` (:data:`DEFAULT_PLACE` if none or unknown)."""
    code = str(st.session_state.get(PLACE_KEY) or DEFAULT_PLACE)
    try:
        return resolve_place(code)
    except (PlaceNotFound, LookupError):
        fallback = resolve_place(DEFAULT_PLACE)
        st.warning(f"Place {md_escape(code)} was not found; showing {fallback.name} instead.")
        return fallback


def place_picker() -> Place:
    """The sidebar place selector (searchable; every level), shared by all pages."""
    labels = _cache.place_labels()
    pending = st.session_state.pop(_PENDING_KEY, None)
    if pending in labels:
        st.session_state[PLACE_KEY] = pending
    if st.session_state.get(PLACE_KEY) not in labels:
        st.session_state[PLACE_KEY] = DEFAULT_PLACE
    st.sidebar.selectbox(
        "Place",
        list(labels),
        key=PLACE_KEY,
        format_func=lambda c: labels.get(c, c),
        help="Type to search the county, 5 districts, 124 wards, 301 MSOAs and 1,404 LSOAs. "
        "You can also click the map on the Map explorer page.",
    )
    place = chosen_place()
    parent = f" in {md_escape(place.parent_name)}" if place.parent_name else ""
    st.sidebar.caption(f"Selected: **{md_escape(place.name)}** ({place.level}{parent}).")
    _definition_picker()
    return place


def chosen_definition() -> str:
    """The green-site definition the tier shares use (default all-accessible)."""
    name = str(st.session_state.get(DEFINITION_KEY) or DEFAULT_SITE_DEFINITION)
    return name if name in SITE_DEFINITIONS else DEFAULT_SITE_DEFINITION


def _definition_picker() -> None:
    if st.session_state.get(DEFINITION_KEY) not in SITE_DEFINITIONS:
        st.session_state[DEFINITION_KEY] = DEFAULT_SITE_DEFINITION
    st.sidebar.radio(
        "Green space that counts",
        list(SITE_DEFINITIONS),
        key=DEFINITION_KEY,
        format_func=lambda n: SITE_DEFINITIONS[n].label,
        help="Natural England's three site definitions; 'comparable', which leaves out "
        "the green-space types mapped unevenly between districts; and 'with open access "
        "land', which counts moor and heath in the park tiers. The place profile and "
        "the report show every access standard under each, side by side.",
    )


def place_geometry(place: Place) -> gpd.GeoDataFrame:
    """The place's polygon(s), EPSG:27700."""
    level = _cache.boundaries(place.level)
    return level[level["code"] == place.code]
