"""The map explorer's air-quality layers: any PCM year, or the change since the base year.

Presentation only: rasters come from :mod:`layers.air_quality` (cached per bundle),
drawing from :mod:`healthyplaces.maps`.
"""

from __future__ import annotations

import folium
import streamlit as st

from app_pages._cache import bundle_key
from geo import standards
from geo.raster import Raster
from healthyplaces import maps
from layers import air_quality, catalogue

#: The picker's option for the change layer (the others are PCM years).
CHANGE = "change"


def options() -> list[int | str]:
    """The year picker's options: each PCM year in the bundle, newest first, then the change."""
    years = air_quality.available_years()
    return [*years, CHANGE] if air_quality.BASE_YEAR in years and len(years) > 1 else [*years]


def option_label(option: int | str) -> str:
    """How the picker shows an option."""
    if option == CHANGE:
        return f"Change {air_quality.BASE_YEAR} to {air_quality.NEWEST_YEAR}"
    return f"PCM {option}"


@st.cache_resource(show_spinner=False)
def _raster(pollutant: str, option: int | str, fp: str) -> Raster:
    if option == CHANGE:
        return air_quality.load_change(pollutant)
    return air_quality.load_pollutant(pollutant, int(option))


def add_air_layer(m: folium.Map, pollutant: str, option: int | str, cmap: str) -> None:
    """Draw ``pollutant`` for the chosen year (``cmap``) or its change (diverging), with legend."""
    raster = _raster(pollutant, option, bundle_key())
    if option == CHANGE:
        label = catalogue.pcm_change_label(
            pollutant, air_quality.BASE_YEAR, air_quality.NEWEST_YEAR
        )
        maps.add_change_raster(m, raster, label=label)
        return
    maps.add_raster(
        m,
        raster,
        label=catalogue.pcm_label(pollutant, int(option)),
        units=air_quality.UNITS,
        cmap=cmap,
        guideline=standards.WHO_2021_GUIDELINES[pollutant],
    )
