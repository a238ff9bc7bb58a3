"""Cached analysis results and the views the profile, my-area, reports and scenario pages share.

Presentation only: every number comes from :mod:`analysis.engine` (through
the caches here) or is laid out by :mod:`healthyplaces.report`. Results are
cached with ``st.cache_resource`` keyed on the bundle fingerprint
(:func:`layers.bundle.fingerprint`), so a rebuilt bundle is recomputed; the
first load shows its progress in an ``st.status`` box.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from typing import Any

import altair as alt
import folium
import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from folium.plugins import Draw
from streamlit_folium import st_folium

from analysis import areas, deciles, engine, new_park, profiles
from analysis.areas import Area
from analysis.engine import Results
from geo import crs, standards
from healthyplaces import maps, report
from layers import catalogue, paths
from layers.bundle import fingerprint
from layers.errors import PlaceNotFound
from layers.places import Place, resolve_place
from layers.user_area import UserArea, UserAreaError, read_user_area_bytes, validate

#: Session-state key of the chosen place (set by the sidebar picker and the map explorer).
PLACE_KEY = "place_code"
#: The place shown when none has been chosen yet.
DEFAULT_PLACE = "E08000032"  # Bradford
UPLOAD_TYPES = ["geojson", "json", "gpkg", "zip"]

#: Leaflet.draw (MIT) embedded for offline drawing when vendored here; else loaded from its CDN.
DRAW_ASSETS = paths.PROJECT_ROOT / "healthyplaces" / "static" / "leaflet_draw"

_LOCK = threading.Lock()
_WARM: set[str] = set()


# --- Cached results -------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _results(key: str) -> Results:
    """``engine.load_results`` for bundle ``key`` (shared by every session)."""
    return engine.load_results()


def get_results() -> Results:
    """Every LSOA indicator, computed once per bundle; shows progress on the first load."""
    key = fingerprint()
    if key not in _WARM:
        with _LOCK:
            if key not in _WARM:
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
                _WARM.add(key)
    return _results(key)


@st.cache_data(show_spinner=False)
def _profile(code: str, key: str) -> dict[str, Any]:
    results = _results(key)
    return profiles.profile(results, areas.area_for_place(results, resolve_place(code)))


def get_profile(code: str) -> dict[str, Any]:
    """The engine profile of a place (cached per place and bundle)."""
    get_results()
    return _profile(code, fingerprint())


@st.cache_data(show_spinner=False)
def _place_report(code: str, key: str) -> report.Report:
    results = _results(key)
    return report.build_report(results, areas.area_for_place(results, resolve_place(code)))


@st.cache_data(show_spinner=False)
def _polygon_report(wkb: bytes, name: str, warnings: tuple[str, ...], key: str) -> report.Report:
    results = _results(key)
    area = areas.area_for_polygon(results, shapely.from_wkb(wkb), name=name)
    return report.build_report(results, area, warnings=warnings)


def get_report(code: str | None = None, user: UserArea | None = None) -> report.Report:
    """The report of a place ``code`` or of a validated user area (cached)."""
    get_results()
    if user is not None:
        return _polygon_report(
            shapely.to_wkb(user.geometry), user.name, tuple(user.warnings), fingerprint()
        )
    if code is None:
        raise ValueError("give a place code or a user area")
    return _place_report(code, fingerprint())


@st.cache_data(show_spinner=False)
def render_files(rep: report.Report) -> tuple[str, bytes]:
    """(HTML text, PDF bytes) of a report (cached by its content)."""
    return report.render_html(rep), report.render_pdf(rep)


@st.cache_data(show_spinner=False)
def _scenario(wkb: bytes, key: str) -> dict[str, Any]:
    return new_park.add_park(_results(key), shapely.from_wkb(wkb))


def get_scenario(polygon: shapely.Geometry) -> dict[str, Any]:
    """``scenarios.scenario`` for a new park (EPSG:27700), cached by its geometry."""
    get_results()
    return _scenario(shapely.to_wkb(polygon), fingerprint())


# --- The chosen place -------------------------------------------------------------------


def chosen_place() -> Place:
    """The place in ``st.session_state["place_code"]`` (Bradford if none or unknown)."""
    code = st.session_state.get(PLACE_KEY) or DEFAULT_PLACE
    try:
        return resolve_place(str(code))
    except (PlaceNotFound, LookupError):
        st.warning(f"Place {html.escape(str(code))} was not found; showing Bradford instead.")
        return resolve_place(DEFAULT_PLACE)


# --- Upload or draw an area ----------------------------------------------------------------


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


def draw_map(
    key: str,
    place: Place | None = None,
    extra: list[folium.map.Layer] | None = None,
    tiles: bool = False,
    height: int = 520,
) -> dict[str, Any] | None:
    """A map with polygon and rectangle drawing tools; returns st_folium's state.

    Shows the district outlines and, if given, the chosen place's outline.
    Read the drawn shapes with :func:`drawn_features`.
    """
    from app_pages import _shared as sh

    county = sh.boundaries("county")
    focus = sh.place_geometry(place) if place is not None else county
    m = maps.base_map(focus.total_bounds, tiles=tiles)
    maps.add_boundaries(m, sh.boundaries("district"))
    if place is not None and place.level != "county":
        maps.add_outline(m, focus, place.name)
    for layer in extra or []:
        layer.add_to(m)
    draw = Draw(
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
    draw.add_to(m)
    if assets is None:
        st.caption(
            "The drawing tools load from the internet; offline, upload a boundary file instead."
        )
    state: dict[str, Any] | None = st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["all_drawings", "last_active_drawing"],
    )
    return state


UPLOAD_MODE = "Upload a boundary file"
DRAW_MODE = "Draw on the map"


def area_input(
    key: str,
    place: Place | None = None,
    what: str = "area",
    extra: list[folium.map.Layer] | None = None,
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


def show_user_area(user: UserArea) -> None:
    """Describe a validated area and show each of its warnings."""
    st.success(
        f"**{user.name}**: {user.area_ha:,.1f} ha, {user.share_in_county:.0%} inside West "
        f"Yorkshire ({user.n_features} polygon feature{'s' if user.n_features != 1 else ''}, "
        f"read as {user.source_crs}, analysed in EPSG:27700)."
    )
    for w in user.warnings:
        st.warning(w)


# --- The profile view ------------------------------------------------------------------------


def _decile_chart(ind: deciles.DecileIndicator, table: pd.DataFrame) -> alt.LayerChart | alt.Chart:
    scale = 100.0 if ind.share else 1.0
    frame = pd.DataFrame(
        {
            "decile": table.index.astype(int),
            "value": table[ind.column].to_numpy(float) * scale,
            "residents": table["population"].to_numpy(float),
            "lsoas": table["n_lsoa"].to_numpy(int),
        }
    ).dropna(subset=["value"])
    colours = alt.Scale(domain=list(range(1, 11)), range=list(maps.IOD_DECILE_COLOURS))
    bars = (
        alt.Chart(frame)
        .mark_bar(stroke="#333333", strokeWidth=0.5)
        .encode(
            x=alt.X("decile:O", title=report.DECILE_AXIS, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=ind.units),
            color=alt.Color("decile:O", scale=colours, legend=None),
            tooltip=[
                alt.Tooltip("decile:O", title="IMD decile"),
                alt.Tooltip("value:Q", title=ind.units, format=",.1f"),
                alt.Tooltip("residents:Q", title="Residents (2021)", format=",.0f"),
                alt.Tooltip("lsoas:Q", title="LSOAs"),
            ],
        )
        .properties(title=ind.title, height=230)
    )
    if ind.guideline is None:
        return bars
    guide = pd.DataFrame({"y": [ind.guideline], "label": [ind.guideline_label]})
    rule = (
        alt.Chart(guide)
        .mark_rule(strokeDash=[5, 3], color="#000000")
        .encode(y="y:Q", tooltip=["label:N"])
    )
    return alt.LayerChart(layer=[bars, rule])


def show_deciles(results: Results, area: Area) -> None:
    """Altair charts of key indicators by IoD 2025 decile (``geo.inequality.by_decile``)."""
    data = deciles.decile_data(results, area)
    if data.county_fallback:
        st.info(data.note)
    else:
        st.caption(data.note)
    cols = st.columns(2)
    for i, ind in enumerate(deciles.DECILE_INDICATORS):
        with cols[i % 2]:
            st.altair_chart(
                _decile_chart(ind, data.frame),
                width="stretch",
                alt=report.decile_alt(ind, data.frame, data.scope),
            )
    with st.expander("The numbers behind these charts"):
        shown = data.frame.copy()
        for ind in deciles.DECILE_INDICATORS:
            if ind.share:
                shown[ind.column] = shown[ind.column] * 100
        shown = shown.rename(
            columns={ind.column: f"{ind.title} ({ind.units})" for ind in deciles.DECILE_INDICATORS}
        )
        st.dataframe(
            shown.rename(columns={"population": "Residents (2021)", "n_lsoa": "LSOAs"}),
            width="stretch",
        )


def show_inequality(prof: dict[str, Any]) -> None:
    """SII, RII and concentration index with 95% intervals, each in one plain sentence."""
    for stat in report.inequality_statistics(prof):
        st.markdown(
            f"**{html.escape(stat.name)}: {html.escape(stat.value)}** "
            f"(95% interval {html.escape(stat.interval)})"
        )
        st.caption(f"{stat.explanation} {stat.reading}")


def table_frame(table: report.Table) -> pd.DataFrame:
    """A :class:`healthyplaces.report.Table` as a DataFrame of its formatted text."""
    columns = list(table.columns)
    seen: dict[str, int] = {}
    for i, c in enumerate(columns):  # st.dataframe needs unique column names
        seen[c] = seen.get(c, 0) + 1
        if seen[c] > 1:
            columns[i] = f"{c} ({seen[c]})"
    return pd.DataFrame(table.rows, columns=columns)


def show_access(prof: dict[str, Any]) -> None:
    """Access tiers on both methods, with the network's coverage notes."""
    table = report.access_table(prof)
    st.dataframe(
        table_frame(table), hide_index=True, width="stretch", height=36 * (len(table.rows) + 1) + 4
    )
    st.caption(table.caption)
    st.info(report.NETWORK_NOTE, icon="ℹ️")


def show_profile(results: Results, area: Area, prof: dict[str, Any] | None = None) -> None:
    """The full profile of an area: headline beside district and county, deciles, inequality,
    access on both methods, notes, data years and attribution."""
    prof = prof if prof is not None else profiles.profile(results, area)
    district_area, county_area = areas.comparators(results, area)
    district = get_profile(district_area.code) if district_area and district_area.code else None
    county = get_profile(county_area.code) if county_area and county_area.code else None
    rows = report.headline_rows(prof, district, county)

    c1, c2, c3, c4 = st.columns(4)
    hl = prof["access_straight"].get(standards.HEADLINE_TIER)
    c1.metric("Residents (Census 2021)", report.fmt_people(prof["population"]))
    c2.metric(
        "2 ha green space ≤ 300 m",
        f"{report.fmt_pct(hl)}%",
        help="Share of residents within 300 m (straight line from LSOA population-weighted "
        "centroids) of a green space of at least 2 ha; OpenStreetMap 2023.",
    )
    c3.metric(
        "NO₂ (2019)",
        f"{report.fmt_number(prof['no2_pop_weighted_ugm3'])} µg/m³",
        help="Annual mean, population-weighted, DEFRA PCM 2019. WHO 2021 guideline: "
        f"{standards.WHO_2021_GUIDELINES['no2']:g} µg/m³.",
    )
    c4.metric(
        "Double burden (residents)",
        report.fmt_people(prof["double_burden_population"]),
        help="Residents of LSOAs in IMD 2025 deciles 1–2 with no 2 ha site within 300 m "
        "and NO₂ (2019) above the county median.",
    )

    st.subheader("Headline indicators")
    table = report.comparison_table(
        rows,
        area.name,
        district_area.name if district_area else None,
        county_area.name if county_area else None,
    )
    st.dataframe(
        table_frame(table), hide_index=True, width="stretch", height=36 * (len(table.rows) + 1) + 4
    )
    method = str(prof["method"])
    st.caption(f"{method[:1].upper()}{method[1:]}. Shares are of residents (Census 2021).")
    for note in prof.get("notes", []):
        if "central Leeds only" not in note:
            st.warning(note)

    st.subheader("By deprivation decile (IoD 2025)")
    show_deciles(results, area)

    st.subheader("Inequality in access to a 2 ha green space within 300 m")
    show_inequality(prof)

    st.subheader("Access to green space: straight line and walking network")
    show_access(prof)

    with st.expander("Data years, methods and attribution"):
        for k, v in prof["data_vintage"].items():
            st.markdown(f"- **{k.replace('_', ' ').capitalize()}**: {html.escape(str(v))}")
        for paragraph in report.methods_text(prof, results):
            st.markdown(html.escape(paragraph))
    st.caption(catalogue.ATTRIBUTION)


def report_buttons(rep: report.Report, key: str) -> None:
    """HTML and PDF download buttons for a built report."""
    html_text, pdf_bytes = render_files(rep)
    stem = "".join(c if c.isalnum() else "-" for c in rep.place_name).strip("-")[:60] or "area"
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the HTML report",
        html_text.encode("utf-8"),
        file_name=f"healthyplaces-{stem}.html",
        mime="text/html",
        key=f"{key}-html",
        width="stretch",
        on_click="ignore",
    )
    c2.download_button(
        "Download the PDF report",
        pdf_bytes,
        file_name=f"healthyplaces-{stem}.pdf",
        mime="application/pdf",
        key=f"{key}-pdf",
        width="stretch",
        on_click="ignore",
    )
