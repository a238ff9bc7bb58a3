"""Shared app helpers: cached loaders (keyed on the bundle fingerprint) and the place picker.

Presentation only. Every loader here calls ``layers`` (or ``analysis.engine``
for analysis results) and is cached with the bundle's fingerprint as part of
the key, so a rebuilt bundle invalidates the caches. Large read-only frames use
``st.cache_resource`` (shared, not copied): callers must not modify them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from layers import paths
from layers.bundle import BundleError, fingerprint
from layers.places import COUNTY_CODE, Place, resolve_place

#: Session-state keys shared by the pages.
PLACE_KEY = "place_code"
_PENDING_KEY = "_pending_place_code"


def bundle_key() -> str:
    """The current bundle fingerprint (cache key)."""
    return fingerprint()


# --- Cached loaders -------------------------------------------------------------


@st.cache_data(show_spinner=False)
def _places(fp: str) -> pd.DataFrame:
    from layers.places import place_index

    return place_index().table


def places() -> pd.DataFrame:
    """The place table (county, districts, wards, MSOAs, LSOAs): code, name, level, parent."""
    return _places(bundle_key())


@st.cache_resource(show_spinner=False)
def _boundaries(level: str, fp: str) -> gpd.GeoDataFrame:
    from layers.places import load_boundaries

    return load_boundaries(level)


def boundaries(level: str) -> gpd.GeoDataFrame:
    """Polygons of one level (EPSG:27700) with ``code`` and ``name``; do not modify."""
    return _boundaries(level, bundle_key())


@st.cache_resource(show_spinner=False)
def _layer(name: str, fp: str) -> Any:
    from layers import air_quality, bluespace, boundaries, deprivation, greenspace

    loaders: dict[str, Callable[[], Any]] = {
        "lsoa21": boundaries.load_lsoa21,
        "sites": greenspace.load_sites,
        "water": bluespace.load_water,
        "waterways": bluespace.load_waterways,
        "iod2025": deprivation.load_iod2025,
        "no2": lambda: air_quality.load_pollutant("no2"),
        "pm25": lambda: air_quality.load_pollutant("pm25"),
    }
    return loaders[name]()


def layer(name: str) -> Any:
    """A cached bundle layer: ``lsoa21``, ``sites``, ``water``, ``waterways``, ``iod2025``,
    ``no2`` or ``pm25`` (GeoDataFrames in EPSG:27700, rasters in µg/m³); do not modify."""
    return _layer(name, bundle_key())


# --- Place picker -----------------------------------------------------------------


def place_label(row: pd.Series | Any) -> str:
    """``Bradford (district, E08000032)``."""
    return f"{row['name']} ({row['level']}, {row['code']})"


def _labels() -> dict[str, str]:
    table = places()
    return {str(r["code"]): place_label(r) for _, r in table.iterrows()}


@st.cache_data(show_spinner=False)
def _labels_cached(fp: str) -> dict[str, str]:
    return _labels()


def request_place(code: str) -> None:
    """Ask for ``code`` to become the selected place on the next run (e.g. after a map click)."""
    st.session_state[_PENDING_KEY] = code


def place_picker() -> Place:
    """The sidebar place selector (searchable; every level) shared by all pages.

    Returns the selected :class:`~layers.boundaries.Place`; the code is kept in
    ``st.session_state["place_code"]``.
    """
    labels = _labels_cached(bundle_key())
    codes = list(labels)
    pending = st.session_state.pop(_PENDING_KEY, None)
    if pending in labels:
        st.session_state[PLACE_KEY] = pending
    if st.session_state.get(PLACE_KEY) not in labels:
        st.session_state[PLACE_KEY] = COUNTY_CODE
    code = st.sidebar.selectbox(
        "Place",
        codes,
        key=PLACE_KEY,
        format_func=lambda c: labels.get(c, c),
        help="Type to search the county, 5 districts, 124 wards, 301 MSOAs and 1,404 LSOAs. "
        "You can also click the map on the Map explorer page.",
    )
    place = current_place(code)
    parent = f" in {place.parent_name}" if place.parent_name else ""
    st.sidebar.caption(f"Selected: **{place.name}** ({place.level}{parent}).")
    return place


def current_place(code: str | None = None) -> Place:
    """The selected place (the county if nothing is selected yet)."""
    code = code or st.session_state.get(PLACE_KEY) or COUNTY_CODE
    return resolve_place(code)


def place_geometry(place: Place) -> gpd.GeoDataFrame:
    """The selected place's polygon(s), EPSG:27700."""
    level = boundaries(place.level)
    return level[level["code"] == place.code]


def show_bundle_error(exc: BundleError) -> None:
    """A clear error for a missing or corrupt bundle, with how to rebuild it."""
    st.error(f"**The data bundle cannot be read.** {exc}", icon="🚫")
    st.caption(f"Bundle folder: `{paths.bundle_dir()}`")
