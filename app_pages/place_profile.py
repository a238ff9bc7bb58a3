"""Place profile: the chosen place's headline indicators beside its district's and the county's.

Presentation only: the profile is :func:`analysis.profiles.profile` (cached in
:mod:`app_pages._cache`), laid out by :mod:`app_pages._profile_view`.
"""

from __future__ import annotations

import streamlit as st

from analysis import areas
from app_pages import _cache, _completeness_view, _place, _profile_view
from healthyplaces.formatting import md_escape


def render() -> None:
    """The page."""
    place = _place.chosen_place()
    st.title(f"Place profile: {md_escape(place.name)}")
    parent = f" in {md_escape(place.parent_name)}" if place.parent_name else ""
    st.caption(
        f"{place.level.capitalize()} {place.code}{parent}. Choose another place in the "
        "sidebar or by clicking the map explorer."
    )
    _completeness_view.warning(place)
    results = _cache.results()
    area = areas.area_for_place(results, place)
    _profile_view.show_profile(
        results, area, _cache.profile(place.code, _place.chosen_definition())
    )
    _completeness_view.expander(place)
    st.divider()
    st.markdown("A printable version of this profile is on the **Reports** page.")
