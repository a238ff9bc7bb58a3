"""Scenarios: draw or upload a new park and see who would gain access, by deprivation.

Presentation only: :func:`analysis.new_park.add_park` adds the park as a
publicly accessible site and recomputes access for the affected LSOAs on both
methods; this page lays out what it returns (:mod:`app_pages._scenario_view`).
"""

from __future__ import annotations

import streamlit as st

from analysis import areas
from app_pages import _area_input, _cache, _place
from app_pages import _scenario_view as view
from geo import standards
from healthyplaces.formatting import fmt_number, md_escape
from layers import network
from layers.places import Place

INSTRUCTIONS = (
    "**Draw a new park on the map, or upload its boundary**, to see how many more people "
    "would live within reach of green space of each size, in total and by deprivation decile. "
    "The park is added as a new publicly accessible site (merged with any site it touches) "
    "and access is recomputed for the homes it could serve, by straight line and, in central "
    "Leeds, along the walking network."
)


def _map_caption(place: Place) -> str:
    """What the drawing map shows besides its district legend."""
    min_ha = view.SITE_DISPLAY.get(place.level, (0.0, 0.0))[0]
    shown = (
        f"existing accessible green sites of at least {min_ha:g} ha"
        if min_ha
        else "existing accessible green sites"
    )
    outline = (
        f", and {md_escape(place.name)} is outlined with a dashed line"
        if place.level != "county"
        else ""
    )
    smaller = "; choose a smaller place in the sidebar to see every site" if min_ha else ""
    return f"The map shows {shown} in teal (OpenStreetMap 2023){outline}{smaller}."


def render() -> None:
    """The page."""
    st.title("Scenarios: a new park")
    results = _cache.results()
    place = _place.chosen_place()
    st.markdown(INSTRUCTIONS)
    cov = network.network_coverage()
    st.info(
        f"{cov.note} Walking-network gains are therefore shown for {cov.place} only.",
        icon="ℹ️",
    )
    bounds = tuple(areas.area_boundary(areas.area_for_place(results, place)).bounds)
    extra = [view.existing_sites(results.inputs.sites, bounds, place.level)]
    st.caption(_map_caption(place))
    result = _area_input.area_input("scenario", place, "new park", extra, draw_first=True)
    if result is None:
        st.info(
            "Draw a new park (polygon or rectangle) on the map, or upload its boundary, to "
            "run the scenario.",
            icon=":material/touch_app:",
        )
        return
    if result.error is not None or result.area is None:
        _area_input.show_refusal(result.error)
        return
    park = result.area
    _area_input.show_user_area(park)
    with st.spinner("Recomputing access for the homes the new park could serve…"):
        scen = _cache.scenario(park.geometry)

    c1, c2, c3 = st.columns(3)
    c1.metric("New park", f"{fmt_number(scen['new_site_ha'], 2)} ha")
    c2.metric(
        "Site after merging with touching sites", f"{fmt_number(scen['merged_site_ha'], 2)} ha"
    )
    c3.metric("Existing sites it joins", f"{scen['absorbed_sites']:,}")
    st.subheader("More people meeting each access standard")
    view.show_gains(scen)

    st.subheader("Who gains, by deprivation (IoD 2025 decile)")
    tiers = list(view.TIER_LABELS)
    tier = st.selectbox(
        "Standard",
        tiers,
        index=tiers.index(standards.HEADLINE_TIER),
        format_func=view.TIER_LABELS.__getitem__,
        key="scenario-tier",
    )
    view.show_gains_by_decile(scen, tier)

    st.subheader("Before and after: the LSOAs affected")
    if scen["lsoas"].empty:
        st.info(
            "No LSOA's population-weighted centroid is closer to green space with this park: "
            "it is too far from homes, or they already have a nearer site of every size."
        )
        return
    view.show_before_after(results, scen, tier)
    view.show_lsoa_table(scen["lsoas"])
    st.subheader("Downloads")
    view.show_downloads(results, scen, park.geometry)
