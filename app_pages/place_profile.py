"""Place profile: the chosen place's headline indicators beside its district's and the county's.

Presentation only: the profile is :func:`analysis.profiles.profile`, the
decile charts :func:`geo.inequality.by_decile` (through
:mod:`healthyplaces.report`), drawn with Altair.
"""

from __future__ import annotations

import streamlit as st

from analysis import areas
from app_pages import _analysis as an

place = an.chosen_place()
st.title(f"Place profile: {place.name}")
parent = f" in {place.parent_name}" if place.parent_name else ""
st.caption(
    f"{place.level.capitalize()} {place.code}{parent}. Choose another place in the "
    "sidebar or by clicking the map explorer."
)

results = an.get_results()
area = areas.area_for_place(results, place)
prof = an.get_profile(place.code)
an.show_profile(results, area, prof)

st.divider()
st.markdown("A printable version of this profile is on the **Reports** page.")
