"""Upload or draw an area: the widgets, and the validated area or the message that stopped it.

Validation is :mod:`layers.user_area`; this module only lays out the inputs
and shows their outcome. Names typed or uploaded by the user are escaped
before they reach Markdown (:func:`healthyplaces.formatting.md_escape`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import streamlit as st
from folium.plugins import Draw

from app_pages import _cache, _place
from app_pages._folium import show_map
from geo import crs
from healthyplaces import maps
from healthyplaces.formatting import md_escape
from layers import paths
from layers.errors import UserAreaError
from layers.places import Place
from layers.user_area import UserArea, read_user_area_bytes, validate

UPLOAD_TYPES = ["geojson", "json", "gpkg", "zip"]
UPLOAD_MODE = "Upload a boundary file"
DRAW_MODE = "Draw on the map"
#: Leaflet.draw (MIT) embedded for offline drawing when vendored here; else loaded from its CDN.
DRAW_ASSETS = paths.PROJECT_ROOT / "healthyplaces" / "static" / "leaflet_draw"


@dataclass
class AreaInput:
    """A validated user area, or the error that stopped it."""

    area: UserArea | None
    error: str | None


def read_upload(data: bytes, filename: str) -> AreaInput:
    """Validate an uploaded boundary file; every problem becomes a clear message."""
    try:
        return AreaInput(read_user_area_bytes(data, filename), None)
    except UserAreaError as exc:
        return AreaInput(None, str(exc))


def read_drawing(features: list[dict[str, Any]], name: str) -> AreaInput:
    """Validate shapes drawn on the map (GeoJSON features in WGS 84 longitude/latitude)."""
    polys = [
        f
        for f in features
        if isinstance(f, dict)
        and (f.get("geometry") or {}).get("type") in ("Polygon", "MultiPolygon")
    ]
    if not polys:
        return AreaInput(None, "Draw a polygon or a rectangle: points and lines have no area.")
    try:
        gdf = gpd.GeoDataFrame.from_features(polys, crs=crs.DISPLAY_CRS)
        return AreaInput(validate(gdf, name=name or "Drawn area"), None)
    except UserAreaError as exc:
        return AreaInput(None, str(exc))
    except (ValueError, TypeError, KeyError) as exc:
        return AreaInput(None, f"The drawing could not be read as polygons: {exc}")


def drawn_features(state: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The drawn GeoJSON features st_folium returned (``all_drawings``, else the last one)."""
    if not state:
        return []
    drawings = state.get("all_drawings") or []
    if not drawings and state.get("last_active_drawing"):
        drawings = [state["last_active_drawing"]]
    return [d for d in drawings if isinstance(d, dict)]


def _draw_assets() -> tuple[str, str] | None:
    """Leaflet.draw (js, css) as ``data:`` URIs from :data:`DRAW_ASSETS`, or None if absent."""
    return maps.embedded_assets(DRAW_ASSETS, "leaflet.draw.js", "leaflet.draw.css")


def drawing_works_offline() -> bool:
    """Whether the drawing tools are embedded (else they need the internet)."""
    return _draw_assets() is not None


def _draw_control() -> Draw:
    draw = Draw(  # type: ignore[no-untyped-call]
        export=False,
        position="topleft",
        draw_options={
            "polyline": False,
            "circle": False,
            "marker": False,
            "circlemarker": False,
            "rectangle": {"showArea": False},
            "polygon": {"allowIntersection": False, "showArea": False},
        },
        edit_options={"edit": True, "remove": True},
    )
    assets = _draw_assets()
    if assets is not None:
        draw.default_js = [("leaflet_draw_js", assets[0])]
        draw.default_css = [("leaflet_draw_css", assets[1])]
    return draw


def draw_map(
    key: str,
    place: Place | None = None,
    extra: Sequence[folium.map.Layer] | None = None,
    tiles: bool = False,
    height: int = 520,
) -> dict[str, Any] | None:
    """A map with polygon and rectangle drawing tools; returns st_folium's state.

    Shows the district outlines and, if given, the chosen place's outline.
    Read the drawn shapes with :func:`drawn_features`.
    """
    county = _cache.boundaries("county")
    focus = _place.place_geometry(place) if place is not None else county
    where = place.name if place is not None else "West Yorkshire"
    m = maps.base_map(
        focus.total_bounds,
        tiles=tiles,
        title=f"Map of {where} for drawing a boundary",
        canvas=False,
    )
    maps.add_boundaries(m, _cache.boundaries("district"))
    if place is not None and place.level != "county":
        maps.add_outline(m, focus, place.name)
    for layer in extra or []:
        layer.add_to(m)
    _draw_control().add_to(m)
    if not drawing_works_offline():
        st.caption(
            "The drawing tools load from the internet; offline, upload a boundary file instead."
        )
    state: dict[str, Any] | None = show_map(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["all_drawings", "last_active_drawing"],
    )
    return state


def area_input(
    key: str,
    place: Place | None = None,
    what: str = "area",
    extra: Sequence[folium.map.Layer] | None = None,
    draw_first: bool = False,
) -> AreaInput | None:
    """Upload a boundary file or draw one; the validated area, its error, or None if nothing yet.

    Parameters
    ----------
    key
        Widget key prefix (one per page).
    place
        Centre the drawing map on this place.
    what
        What is being drawn ("area", "new park"), for labels.
    extra
        Extra folium layers for the drawing map (e.g. existing green space).
    draw_first
        Offer drawing before uploading.
    """
    name = st.text_input(
        f"Name of the {what}",
        value="",
        max_chars=80,
        key=f"{key}-name",
        placeholder="defaults to the file name, or 'Drawn area'",
    )
    modes = [DRAW_MODE, UPLOAD_MODE] if draw_first else [UPLOAD_MODE, DRAW_MODE]
    mode = st.radio(f"How to give the {what}", modes, horizontal=True, key=f"{key}-mode")
    if mode == UPLOAD_MODE:
        upload = st.file_uploader(
            "GeoJSON (.geojson, .json), GeoPackage (.gpkg) or zipped Shapefile (.zip with .shp, "
            ".shx, .dbf and .prj); any coordinate reference system",
            type=UPLOAD_TYPES,
            key=f"{key}-upload",
        )
        if upload is None:
            return None
        result = read_upload(upload.getvalue(), upload.name)
    else:
        tiles = st.toggle("Background map (needs the internet)", value=False, key=f"{key}-tiles")
        st.caption(
            "Use the polygon or rectangle tool at the top left of the map; shapes drawn "
            "together are combined. Edit or delete them with the tools below it."
        )
        features = drawn_features(draw_map(f"{key}-map", place, extra, tiles))
        if not features:
            return None
        result = read_drawing(features, name or "Drawn area")
    if result.area is not None and name:
        result.area.name = name
    return result


def show_refusal(error: str | None) -> None:
    """Why a boundary cannot be used (the validator's message, shown as literal text)."""
    st.error(f"**This boundary cannot be used.** {md_escape(error or '')}", icon="🚫")


def show_user_area(user: UserArea) -> None:
    """Describe a validated area and show each of its warnings."""
    plural = "s" if user.n_features != 1 else ""
    st.success(
        f"**{md_escape(user.name)}**: {user.area_ha:,.1f} ha, {user.share_in_county:.0%} "
        f"inside West Yorkshire ({user.n_features} polygon feature{plural}, read as "
        f"{md_escape(user.source_crs)}, analysed in EPSG:27700)."
    )
    for w in user.warnings:
        st.warning(md_escape(w))
