"""Every Streamlit cache in the app, each keyed on the bundle fingerprint.

The one module with ``st.cache_data`` / ``st.cache_resource``. Every cached
function takes the bundle fingerprint (:func:`layers.bundle.fingerprint`) as
its last argument, so a rebuilt or swapped bundle (``HEALTHYPLACES_BUNDLE``)
is never served stale results; the public wrappers pass it. Large read-only
frames use ``st.cache_resource`` (shared between sessions, not copied):
callers must not modify them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from analysis import areas, engine, equity, need, new_park, profiles
from analysis.engine import Results
from analysis.profile_model import Profile
from healthyplaces import export, report
from layers.bundle import fingerprint
from layers.places import load_boundaries, place_index, resolve_place
from layers.user_area import UserArea

_LOCK = threading.Lock()
_WARM: set[str] = set()


def bundle_key() -> str:
    """The current bundle fingerprint (every cache's key)."""
    return fingerprint()


# --- Places, boundaries and layers --------------------------------------------------------


@st.cache_data(show_spinner=False)
def _places(fp: str) -> pd.DataFrame:
    return place_index().table


def places() -> pd.DataFrame:
    """The place table (county, districts, wards, MSOAs, LSOAs): code, name, level, parent."""
    return _places(bundle_key())


@st.cache_data(show_spinner=False)
def _labels(fp: str) -> dict[str, str]:
    table = _places(fp)
    return {
        str(code): f"{name} ({level}, {code})"
        for code, name, level in zip(table["code"], table["name"], table["level"], strict=True)
    }


def place_labels() -> dict[str, str]:
    """``{code: "Bradford (district, E08000032)"}`` for every place, in table order."""
    return _labels(bundle_key())


@st.cache_resource(show_spinner=False)
def _boundaries(level: str, fp: str) -> gpd.GeoDataFrame:
    return load_boundaries(level)


def boundaries(level: str) -> gpd.GeoDataFrame:
    """Polygons of one level (EPSG:27700) with ``code`` and ``name``; do not modify."""
    return _boundaries(level, bundle_key())


@st.cache_resource(show_spinner=False)
def _layer(name: str, fp: str) -> Any:
    from layers import air_quality, bluespace, boundaries, deprivation, greenspace, network
    from layers.bundle import read_table

    loaders: dict[str, Callable[[], Any]] = {
        "lsoa21": boundaries.load_lsoa21,
        "sites": greenspace.load_sites,
        "green_sites": greenspace.load_green_sites,
        "green_site_members": greenspace.load_green_site_members,
        "green_completeness": lambda: read_table("green_completeness"),
        "population_points": lambda: read_table("population_points"),
        "water": bluespace.load_water,
        "waterways": bluespace.load_waterways,
        "iod2025": deprivation.load_iod2025,
        "network_area": network.load_network_area,
        "no2": lambda: air_quality.load_pollutant("no2"),
        "pm25": lambda: air_quality.load_pollutant("pm25"),
    }
    return loaders[name]()


def layer(name: str) -> Any:
    """A bundle layer: ``lsoa21``, ``sites``, ``green_sites``, ``green_site_members``,
    ``green_completeness``, ``population_points``, ``water``, ``waterways``, ``iod2025``,
    ``network_area`` (where the walking network is complete), ``no2`` or ``pm25``
    (GeoDataFrames in EPSG:27700, tables, rasters in µg/m³); do not modify."""
    return _layer(name, bundle_key())


# --- Results, profiles, reports and scenarios ----------------------------------------------


@st.cache_resource(show_spinner=False)
def _results(fp: str) -> Results:
    """``engine.load_results`` for bundle ``fp`` (shared by every session)."""
    return engine.load_results()


def results() -> Results:
    """Every LSOA indicator, computed once per bundle; shows progress on the first load."""
    fp = bundle_key()
    if fp not in _WARM:
        with _LOCK:
            if fp not in _WARM:
                with st.status(
                    "Computing every indicator for West Yorkshire's 1,404 LSOAs "
                    "(first load only, about 10 s)…",
                    expanded=True,
                ) as status:
                    bar = st.progress(0.0, text="Starting")

                    def progress(message: str, fraction: float) -> None:
                        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

                    # Fills the engine's own per-bundle cache, which _results then reads.
                    engine.load_results(progress)
                    bar.progress(1.0, text="Done")
                    status.update(label="Indicators ready", state="complete", expanded=False)
                _WARM.add(fp)
    return _results(fp)


@st.cache_data(show_spinner=False)
def _profile(code: str, fp: str, definition: str | None) -> Profile:
    res = _results(fp)
    return profiles.profile(res, areas.area_for_place(res, resolve_place(code)), definition)


def profile(code: str, definition: str | None = None) -> Profile:
    """The profile of a place (:func:`analysis.profiles.profile`), cached per place.

    ``definition``: the site definition of the tier shares (default all-accessible).
    """
    results()
    return _profile(code, bundle_key(), definition)


@st.cache_data(show_spinner=False)
def _equity(code: str, fp: str) -> dict[str, Any]:
    res = _results(fp)
    area = areas.area_for_place(res, resolve_place(code))
    return {
        "groups": equity.equity_profile(res, area),
        "life_course": equity.life_course(res, area),
        "gardens_and_parks": need.gardens_and_parks(res, area),
    }


def equity_views(code: str) -> dict[str, Any]:
    """Group shares, the life course and gardens-and-parks of a place, cached per place."""
    results()
    return _equity(code, bundle_key())


@st.cache_data(show_spinner=False)
def _polygon_profile(wkb: bytes, name: str, fp: str, definition: str | None) -> Profile:
    res = _results(fp)
    area = areas.area_for_polygon(res, shapely.from_wkb(wkb), name=name)
    return profiles.profile(res, area, definition)


def polygon_profile(user: UserArea, definition: str | None = None) -> Profile:
    """The profile of a validated user area, cached by its geometry, name and definition."""
    results()
    return _polygon_profile(shapely.to_wkb(user.geometry), user.name, bundle_key(), definition)


@st.cache_data(show_spinner=False)
def _place_report(code: str, fp: str) -> report.Report:
    res = _results(fp)
    return report.build_report(res, areas.area_for_place(res, resolve_place(code)))


@st.cache_data(show_spinner=False)
def _polygon_report(wkb: bytes, name: str, warnings: tuple[str, ...], fp: str) -> report.Report:
    res = _results(fp)
    area = areas.area_for_polygon(res, shapely.from_wkb(wkb), name=name)
    return report.build_report(res, area, warnings=warnings)


def place_report(code: str) -> report.Report:
    """The report model of a place (cached)."""
    results()
    return _place_report(code, bundle_key())


def area_report(user: UserArea) -> report.Report:
    """The report model of a validated user area (cached by geometry, name and warnings)."""
    results()
    return _polygon_report(
        shapely.to_wkb(user.geometry), user.name, tuple(user.warnings), bundle_key()
    )


@st.cache_data(show_spinner=False)
def _report_files(rep: report.Report, fp: str) -> tuple[str, bytes]:
    return report.render_html(rep), report.render_pdf(rep)


def report_files(rep: report.Report) -> tuple[str, bytes]:
    """(HTML text, PDF bytes) of a report (cached by its content)."""
    return _report_files(rep, bundle_key())


@st.cache_data(show_spinner=False)
def _scenario(wkb: bytes, fp: str) -> dict[str, Any]:
    return new_park.add_park(_results(fp), shapely.from_wkb(wkb))


def scenario(polygon: shapely.Geometry) -> dict[str, Any]:
    """:func:`analysis.new_park.add_park` for a new park (EPSG:27700), cached by its geometry."""
    results()
    return _scenario(shapely.to_wkb(polygon), bundle_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _isochrone(lon: float, lat: float, minutes: tuple[float, ...], fp: str) -> dict[str, Any]:
    from analysis.walk import isochrone_summary

    return isochrone_summary(lon, lat, list(minutes))


#: Decimal places the walking origin is rounded to: 1e-4° is about 11 m north-south and
#: 7 m east-west at 53.8° N, so clicks a few metres apart share one cached walk.
ISOCHRONE_DECIMALS = 4


def isochrone_origin(lon: float, lat: float) -> tuple[float, float]:
    """The origin a walk is computed from: (lon, lat) rounded to :data:`ISOCHRONE_DECIMALS`."""
    return round(float(lon), ISOCHRONE_DECIMALS), round(float(lat), ISOCHRONE_DECIMALS)


def isochrone(lon: float, lat: float, minutes: tuple[float, ...]) -> dict[str, Any]:
    """:func:`analysis.walk.isochrone_summary` from the rounded origin
    (:func:`isochrone_origin`), cached per (origin, minutes); raises its ``ValueError``
    for a point outside the complete network (check first: ``feature_at`` on the
    ``network_area`` layer)."""
    results()
    x, y = isochrone_origin(lon, lat)
    return _isochrone(x, y, tuple(sorted(minutes)), bundle_key())


# --- Downloads ------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _download(layer: str, place_code: str, fmt: str, fp: str) -> tuple[bytes, str, str, int]:
    return export.export_download(layer, place_code, fmt)


def download(layer: str, place_code: str, fmt: str) -> tuple[bytes, str, str, int]:
    """``export.export_download`` (bytes, file name, MIME type, feature count), cached."""
    return _download(layer, place_code, fmt, bundle_key())
