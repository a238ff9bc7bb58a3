"""Map explorer: the chosen place on a map with switchable layers and legends.

Presentation only: layers come from ``layers`` (through the caches in
:mod:`app_pages._cache`), indicators from ``analysis.engine``, drawing from
``healthyplaces.maps``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
from typing import Any

import folium
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from analysis import engine
from app_pages import _air_layers, _cache, _place
from app_pages._folium import keep_frame, show_map, warming_enabled
from healthyplaces import maps
from healthyplaces.formatting import md_escape
from layers import network
from layers.catalogue import LAYERS
from layers.places import Place, lsoa_mask, resolve_place

#: Map height (px): with the title, the intro sentence and the expander it fits a
#: 1280×720 window without scrolling.
MAP_HEIGHT = 520
#: The one sentence a first-time user reads: what the app shows.
INTRO = (
    "Who in West Yorkshire can reach green and blue space, breathe clean air and live near "
    "nature, by place, from public data (ONS, DEFRA, MHCLG, OpenStreetMap)."
)
#: The expander that explains the map.
HOW_TO_READ = "How to read this map"
#: The toggle that lists the map's features as tables (the shapes are not Tab stops).
AS_TABLES = "The map as tables (for keyboard and screen-reader users)"
#: Palette per indicator domain (ColorBrewer sequential, colour-blind safe).
DOMAIN_PALETTES = {
    "air": "YlOrRd",
    "access": "YlGnBu",
    "nature": "Greens",
    "deprivation": "Purples",
    "index": "Purples",
    "population": "PuBuGn",
}


def _gaps_note() -> None:
    """The visible data-gaps note, with every layer's gaps in an expander."""
    st.info(
        f"**Data gaps.** {network.network_coverage().note} Green space is "
        "OpenStreetMap (no Natural England or OS Open Greenspace offline); air quality is a "
        "1 km model that smooths street-level peaks.",
        icon="ℹ️",
    )
    with st.expander("All known data gaps, by layer"):
        for info in LAYERS.values():
            if info.gaps:
                title, vintage, gaps = (md_escape(t) for t in (info.title, info.vintage, info.gaps))
                st.markdown(f"- **{title}** ({vintage}): {gaps}")


#: How the green-space layer is coloured (access status first: the default).
SITE_COLOURINGS = {"access": "access status", "type": "type"}
#: Smallest site drawn (ha) by place level when coloured by access status: at county
#: zoom the smallest Natural England standard (0.5 ha); at district zoom 0.05 ha
#: (500 m², under a pixel there), which keeps a district map near 4 MB.
SITE_MIN_HA = {"county": maps.COUNTY_MIN_SITE_HA, "district": 0.05}

#: Pollutant rasters on the map and their colour ramps (colour-blind safe).
_RASTER_COLOURS = {"no2": "viridis_r", "pm25": "magma_r"}
#: The layer toggles' starting values (what :func:`_layer_controls` returns untouched,
#: with the first air-quality year and the site colouring: :func:`default_choices`).
DEFAULTS: dict[str, Any] = {
    "boundaries": True,
    "sites": True,
    "site_colour": "access",
    "people": False,
    "blue": False,
    "no2": False,
    "pm25": False,
    "iod": False,
    "indicator": False,
    "double_burden": False,
    "tiles": False,
    "click_level": "lsoa",
}
#: The explorer map's ``st_folium`` key (its state: the last click).
MAP_KEY = "explorer_map"
#: Session-state key of the "Clicking the map selects" choice (read by :func:`_on_map_click`).
CLICK_LEVEL_KEY = "explorer_click_level"
_LOG = logging.getLogger(__name__)
_WARMED: set[str] = set()
_WARM_LOCK = threading.Lock()


def default_choices() -> dict[str, Any]:
    """The choices the explorer opens with, as :func:`_layer_controls` returns them."""
    return {**DEFAULTS, "air_year": _air_layers.options()[0]}


def _layer_controls() -> dict[str, Any]:
    """The layer toggles and choropleth options; returns the choices."""
    c: dict[str, Any] = {}
    st.markdown("**Layers**")
    c["boundaries"] = st.toggle("District and ward boundaries", value=DEFAULTS["boundaries"])
    c["sites"] = st.toggle("Green space sites", value=DEFAULTS["sites"])
    if c["sites"]:
        c["site_colour"] = st.radio(
            "Colour sites by",
            list(SITE_COLOURINGS),
            index=list(SITE_COLOURINGS).index(DEFAULTS["site_colour"]),
            format_func=SITE_COLOURINGS.get,
            horizontal=True,
            help="Access status: public, restricted, private or unknown, from OSM tags, "
            "names and grounds; click a site for its features. Type: the publicly "
            "accessible sites by green-space typology.",
        )
    c["people"] = st.toggle(
        "Where people live",
        value=DEFAULTS["people"],
        help="The population surface every person-based figure is counted on: each LSOA's "
        "Census 2021 residents placed at its postcodes. Shown for a ward or smaller place.",
    )
    c["blue"] = st.toggle("Blue space", value=DEFAULTS["blue"])
    c["no2"] = st.toggle("NO₂", value=DEFAULTS["no2"])
    c["pm25"] = st.toggle("PM2.5", value=DEFAULTS["pm25"])
    c["air_year"] = st.radio(
        "Air quality year",
        _air_layers.options(),
        format_func=_air_layers.option_label,
        horizontal=True,
        help="Modelled annual mean background concentration, 1 km (DEFRA PCM), or the "
        "change between the years.",
    )
    c["iod"] = st.toggle("IoD 2025 deciles", value=DEFAULTS["iod"])
    c["indicator"] = st.toggle("Indicator choropleth", value=DEFAULTS["indicator"])
    c["double_burden"] = st.toggle("Double burden LSOAs", value=DEFAULTS["double_burden"])
    if c["indicator"]:
        catalogue = engine.INDICATORS
        columns = list(catalogue)
        c["column"] = st.selectbox(
            "Indicator",
            columns,
            index=columns.index("no2_ugm3") if "no2_ugm3" in columns else 0,
            format_func=lambda k: f"{catalogue[k]['label']} ({catalogue[k]['units']})",
        )
        c["scheme"] = st.radio(
            "Classification",
            list(maps.SCHEMES),
            format_func=maps.SCHEMES.get,
            horizontal=False,
        )
        c["k"] = st.slider("Classes", 3, 7, 5)
        c["catalogue"] = catalogue
    st.markdown("**Map**")
    c["tiles"] = st.toggle(
        "Use online map tiles",
        value=DEFAULTS["tiles"],
        help="Needs the internet. Off: a plain light background.",
    )
    c["click_level"] = st.radio(
        "Clicking the map selects",
        ["lsoa", "ward"],
        index=["lsoa", "ward"].index(DEFAULTS["click_level"]),
        format_func={"lsoa": "the LSOA", "ward": "the ward"}.get,
        horizontal=True,
        key=CLICK_LEVEL_KEY,
    )
    return c


def _build_map(place: Place, c: dict[str, Any]) -> folium.Map:
    """Assemble the folium map for ``place`` and the chosen layers (drawing only).

    No Streamlit element is written here: the map is built only when no kept
    frame matches (:func:`app_pages._folium.show_map`).
    """
    outline = _place.place_geometry(place)
    bounds = outline.total_bounds
    tol = maps.SIMPLIFY_M.get(place.level, 20.0)
    county = place.level == "county"
    m = maps.base_map(
        bounds, tiles=c["tiles"], title=f"Map of {place.name}: layers and legend (Tab to leave)"
    )
    lsoa_view = maps.in_view(_cache.layer("lsoa21"), bounds)
    if c["iod"]:
        maps.add_iod_deciles(m, lsoa_view, _cache.layer("iod2025"), tolerance_m=tol)
    if c["indicator"] or c["double_burden"]:
        res = _cache.results()
        lsoa_res = maps.in_view(res.lsoa, bounds)
        if c["indicator"]:
            meta = c["catalogue"][c["column"]]
            offline_gap = c["column"].startswith(("net_", "blue_net_", "detour_"))
            maps.add_choropleth(
                m,
                lsoa_res,
                c["column"],
                meta["label"],
                meta["units"],
                c["scheme"],
                c["k"],
                palette=DOMAIN_PALETTES.get(meta.get("domain", ""), "YlGnBu"),
                tolerance_m=tol,
                missing_label="Not available offline" if offline_gap else "No data",
            )
        if c["double_burden"] and "double_burden" in lsoa_res:
            maps.add_double_burden(
                m,
                lsoa_res,
                tolerance_m=tol,
                place_count=int(_cache.profile(place.code)["double_burden_lsoas"]),
                place_name=place.name,
                description="Among the most deprived and without good "
                "green-space access (see the method notes).",
            )
    for pollutant, cmap in _RASTER_COLOURS.items():
        if c[pollutant]:
            _air_layers.add_air_layer(m, pollutant, c["air_year"], cmap)
    if c["blue"]:
        maps.add_blue_space(
            m,
            maps.in_view(_cache.layer("water"), bounds),
            maps.in_view(_cache.layer("waterways"), bounds),
            tolerance_m=tol,
        )
    if c["boundaries"]:
        wards = _cache.boundaries("ward")
        maps.add_boundaries(
            m,
            _cache.boundaries("district"),
            maps.in_view(wards, bounds),
            tolerance_m=tol,
            # an LSOA layer is on: the hover must reach its LSOAs, not the ward outline
            interactive=not (c["indicator"] or c["iod"] or c["double_burden"]),
        )
    # sites after the boundaries: drawn on top, so hover and click reach them
    if c["sites"] and c.get("site_colour", "access") == "access":
        maps.add_sites_by_access(
            m,
            maps.in_view(_cache.layer("green_sites"), bounds),
            _cache.layer("green_site_members"),
            tolerance_m=tol,
            min_area_ha=SITE_MIN_HA.get(place.level),
        )
    elif c["sites"]:
        maps.add_green_sites(
            m,
            maps.in_view(_cache.layer("sites"), bounds),
            tolerance_m=tol,
            min_area_ha=maps.COUNTY_MIN_SITE_HA if county else None,
        )
    if c["people"] and place.level in maps.POINT_LEVELS:
        points, lsoa = _cache.layer("population_points"), _cache.layer("lsoa21")
        inside = points["lsoa21_code"].isin(lsoa.loc[lsoa_mask(place, lsoa), "lsoa21_code"])
        maps.add_population_points(m, points[inside.to_numpy()])
    if not county:
        maps.add_outline(m, outline, place.name, tolerance_m=tol)
    return maps.finish(m, collapsed=True)


def _map_key(place: Place, c: dict[str, Any]) -> tuple[Any, ...]:
    """What the explorer map depends on: the bundle, the place and every layer choice.

    ``click_level`` only changes what a click selects, and ``catalogue`` is the
    fixed indicator table, so neither is part of the key.
    """
    choices = tuple(sorted((k, v) for k, v in c.items() if k not in ("catalogue", "click_level")))
    return ("explorer", _cache.bundle_key(), place.code, choices)


def warm_frames() -> int:
    """Build and keep the county's and every district's map with the default layers (the
    maps users open first), unless kept already; how many were built.

    A district's first visit then costs the server no build (about 1 s of CPU each,
    ``bench/bench_map_send.py`` and ``bench/bench_browser.py``).
    """
    c = default_choices()
    districts = _cache.boundaries("district")
    codes = [_place.DEFAULT_PLACE, *(str(code) for code in districts["code"])]
    places = [resolve_place(code) for code in codes]
    built = 0
    for place in places:
        build = functools.partial(_build_map, place, c)
        built += keep_frame(build, cache_key=_map_key(place, c), in_place=True, **MAP_OPTIONS)
    return built


def _start_warming() -> None:
    """Once per bundle and process, warm the default maps (:func:`warm_frames`) in a
    low-priority background thread (off with ``HEALTHYPLACES_WARM_MAPS=off``)."""
    fp = _cache.bundle_key()
    with _WARM_LOCK:
        if fp in _WARMED or not warming_enabled():
            return
        _WARMED.add(fp)

    def run() -> None:
        with contextlib.suppress(AttributeError, OSError):  # Linux: this thread only
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        try:
            _LOG.info("warmed %d explorer maps", warm_frames())
        except Exception:  # a failed warm-up costs only speed; the page builds on demand
            _LOG.exception("warming the explorer maps failed")

    thread = threading.Thread(target=run, name="warm-explorer-maps", daemon=True)
    add_script_run_ctx(thread, get_script_run_ctx())  # the caches, without warnings
    thread.start()


def _how_to_read() -> None:
    """The collapsed "How to read this map" help."""
    with st.expander(HOW_TO_READ):
        st.markdown(
            "- **Choose a place** in the sidebar (county, district, ward, MSOA or LSOA), or "
            "click the map to select the LSOA or ward under the pointer.\n"
            "- **Switch layers** with the toggles on the left; the dashed black line is the "
            "chosen place.\n"
            "- **The legend** (bottom right of the map) explains every layer that is on; "
            "click its heading to fold it away.\n"
            "- **Hover** an area to read its name and, with an indicator on, its value and units.\n"
            "- **Green space sites** are coloured by access status (public, restricted, "
            "private, unknown); **click a site** for its mapped features and why each counts "
            "or not (a click on a site does not change the chosen place).\n"
            "- Areas are LSOAs (about 1,500 residents each, ONS Census 2021). Grey means no data."
        )


def _as_tables(place: Place, c: dict[str, Any]) -> None:
    """What hovering and clicking the shapes shows, as tables: the chosen place's LSOAs with
    the values of the LSOA layers on, and the green sites drawn (no analysis: a selection
    of rows already loaded or computed). Off by default: a district's sites are thousands
    of rows, sent only to those who ask."""
    on = st.toggle(
        AS_TABLES,
        value=False,
        help="Lists what hovering and clicking the map shows: the place's LSOAs with the "
        "values of the LSOA layers on, and the green space sites drawn.",
    )
    if not on:
        return
    with st.container(border=True):
        columns: dict[str, str] = {}
        if c["indicator"]:
            meta = c["catalogue"][c["column"]]
            columns[c["column"]] = f"{meta['label']} ({meta['units']})"
        if c["iod"]:
            columns["IMD_decile"] = "IoD 2025 decile (1 = most deprived 10% in England)"
        if c["double_burden"]:
            columns["double_burden"] = "Double burden"
        name = md_escape(place.name)
        if columns:
            res = _cache.results().lsoa
            mine = res[lsoa_mask(place, res)]
            st.markdown(f"**LSOAs in {name}** ({len(mine):,}; Census 2021 LSOAs)")
            table = maps.lsoa_table(mine, columns, flags={"double_burden"})
            st.dataframe(table, hide_index=True, width="stretch")
        if c["sites"]:
            bounds = _place.place_geometry(place).total_bounds
            sites = maps.in_view(_cache.layer("green_sites"), bounds)
            min_ha = SITE_MIN_HA.get(place.level)
            drawn = sites if min_ha is None else sites[sites["area_ha"] >= min_ha]
            floor = f", {min_ha:g} ha or more as drawn" if min_ha is not None else ""
            st.markdown(
                f"**Green space sites in the map's view of {name}, by access status** "
                f"({len(drawn):,}, largest first{floor}; OpenStreetMap)"
            )
            st.dataframe(maps.sites_table(drawn), hide_index=True, width="stretch")
        if not columns and not c["sites"]:
            st.caption("Switch on the green space sites or an LSOA layer to list its features.")


def _on_map_click() -> None:
    """streamlit-folium's ``on_change`` for the explorer map: select the LSOA or ward under
    the new click (a lookup, not analysis).

    It runs before the rerun the click causes, so that one run draws the new place
    (it used to take a second, ``st.rerun``). Module-level and reading only the
    session's state, so a kept frame calls it for whichever session it serves.
    """
    click = (st.session_state.get(MAP_KEY) or {}).get("last_clicked")
    if not click:
        return
    level = str(st.session_state.get(CLICK_LEVEL_KEY) or "lsoa")
    row = maps.feature_at(_cache.boundaries(level), float(click["lng"]), float(click["lat"]))
    if row is None:
        st.toast("That point is outside West Yorkshire.")
        return
    st.session_state[_place.PLACE_KEY] = str(row["code"])


#: ``st_folium``'s options for the explorer map (part of each kept frame's key).
MAP_OPTIONS: dict[str, Any] = {
    "key": MAP_KEY,
    "height": MAP_HEIGHT,
    "use_container_width": True,
    "returned_objects": ["last_clicked"],
    "on_change": _on_map_click,
}


def render() -> None:
    """The page."""
    place = _place.chosen_place()
    st.title("Map explorer")
    st.markdown(INTRO)
    parent = f", in {md_escape(place.parent_name)}" if place.parent_name else ""
    st.caption(
        f"**{md_escape(place.name)}** ({place.level}, {place.code}{parent}). Choose a place in the "
        "sidebar, or click the map to select the LSOA or ward under the pointer."
    )
    _how_to_read()
    controls, map_col = st.columns([1, 3], gap="medium")
    with controls:
        c = _layer_controls()
    with map_col, st.spinner("Drawing the map…"):
        show_map(
            lambda: _build_map(place, c),
            cache_key=_map_key(place, c),
            in_place=True,
            **MAP_OPTIONS,
        )
    _start_warming()
    if c["people"] and place.level not in maps.POINT_LEVELS:
        st.caption(
            "Where people live is drawn for a ward, MSOA or LSOA (a district has tens of "
            "thousands of postcodes): choose one in the sidebar."
        )
    _as_tables(place, c)
    _gaps_note()
