"""Folium maps for the app and the reports: base map, layers with legends, attribution.

Presentation only: every function here takes data that ``layers`` loaded (or
results the engine computed) in EPSG:27700 metres and draws it on a Leaflet
map in EPSG:4326 longitude/latitude. Nothing here computes an indicator.

* Each layer is its own :class:`folium.FeatureGroup` (switchable with a
  :class:`folium.LayerControl`) and has a legend: a Leaflet control holding
  plain HTML text (a list, not an image) that shows and hides with its layer.
* Colours are colour-blind safe: Paul Tol's *muted* palette for green-space
  typologies, ColorBrewer RdYlBu for IoD deciles, ColorBrewer sequential ramps
  for choropleths and viridis/magma for air quality.
* Every OSM- or ONS-derived string that reaches a tooltip is HTML-escaped,
  because Leaflet tooltips are set with ``innerHTML``.
* Geometry is generalised for display (:func:`to_display`): simplified in
  EPSG:27700 by a tolerance that depends on the place's level, then projected
  to EPSG:4326 and rounded to 5 decimals (~1 m), which keeps a county map with
  all LSOAs, the green-space sites and NO₂ under 5 MB of HTML.
* Leaflet itself is embedded from ``healthyplaces/static/leaflet`` (BSD-2) as
  ``data:`` URIs, so maps work with no network; online tiles are optional.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import mapclassify
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template
from pyproj import Transformer
from rasterio.warp import Resampling, calculate_default_transform, reproject

from geo import crs
from geo.crs import lonlat_bounds
from geo.raster import Raster
from healthyplaces.formatting import esc, fmt_value
from layers import catalogue

#: Web Mercator: the CRS Leaflet draws in.
WEB_MERCATOR = "EPSG:3857"
#: Decimal places kept in display coordinates (1e-5° ≈ 0.7–1.1 m here).
DISPLAY_DECIMALS = 5
#: Display simplification tolerance by place level, metres (EPSG:27700).
SIMPLIFY_M: dict[str, float] = {
    "county": 40.0,
    "district": 20.0,
    "ward": 8.0,
    "msoa": 5.0,
    "lsoa": 3.0,
}
#: At county scale only sites of at least this size (ha) are drawn: the smallest
#: Natural England standard (0.5 ha within 200 m); smaller ones are sub-pixel there.
COUNTY_MIN_SITE_HA = 0.5
#: Plain light background used when no tiles are loaded.
OFFLINE_BACKGROUND = "#f4f3ee"

#: Paul Tol's "muted" qualitative palette (colour-blind safe), one colour per typology.
TYPOLOGY_COLOURS: dict[str, str] = {
    "nature_reserve": "#332288",
    "parks_gardens": "#44AA99",
    "play_space": "#CC6677",
    "outdoor_sports": "#DDCC77",
    "allotments": "#AA4499",
    "cemeteries": "#882255",
    "amenity": "#999933",
    "natural": "#117733",
}
WATER_FILL = "#88CCEE"
WATER_LINE = "#2B6CB0"
#: ColorBrewer RdYlBu, 10 classes (colour-blind safe): decile 1 (most deprived) is dark red.
IOD_DECILE_COLOURS: tuple[str, ...] = (
    "#a50026",
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee090",
    "#e0f3f8",
    "#abd9e9",
    "#74add1",
    "#4575b4",
    "#313695",
)
#: Okabe–Ito vermillion for the double-burden outline.
DOUBLE_BURDEN_COLOUR = "#D55E00"
NO_DATA_COLOUR = "#bdbdbd"
#: Colour-blind-safe ColorBrewer sequential ramps offered for choropleths.
SEQUENTIAL_PALETTES = ("YlGnBu", "YlOrRd", "PuBuGn", "Greens", "Purples")
SCHEMES: dict[str, str] = {
    "quantiles": "Quantiles (equal counts)",
    "natural_breaks": "Natural breaks (Jenks)",
}

_STATIC = Path(__file__).resolve().parent.parent / "static" / "leaflet"
_CDN = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist"
_OGL_SHORT = "ONS, OS, MHCLG, DEFRA: OGL v3.0"
_BOTH_SHORT = f"{catalogue.OSM_ATTRIBUTION}; {_OGL_SHORT}"


# --- Leaflet assets ------------------------------------------------------------


def data_uri(data: bytes, mime: str) -> str:
    """A ``data:`` URI of ``data`` (base64)."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@cache
def embedded_assets(folder: Path, js_name: str, css_name: str) -> tuple[str, str] | None:
    """(js, css) of a vendored Leaflet library as ``data:`` URIs, or None if the files are absent.

    Images the CSS refers to (``url(images/…)``, PNG or SVG) are inlined too, so
    the map works with no network and no static file server.
    """
    js_path, css_path = folder / js_name, folder / css_name
    if not (js_path.exists() and css_path.exists()):
        return None

    def _inline(match: re.Match[str]) -> str:
        image = folder / match.group(1)
        mime = "image/svg+xml" if image.suffix == ".svg" else "image/png"
        return f"url({data_uri(image.read_bytes(), mime)})" if image.exists() else "none"

    css = re.sub(r"url\(['\"]?(images/[\w.-]+)['\"]?\)", _inline, css_path.read_text("utf-8"))
    return data_uri(js_path.read_bytes(), "text/javascript"), data_uri(css.encode(), "text/css")


def _leaflet_assets() -> tuple[str, str]:
    """(js, css) URLs for Leaflet: embedded ``data:`` URIs, or the CDN if the files are absent."""
    assets = embedded_assets(_STATIC, "leaflet.js", "leaflet.css")
    return assets or (f"{_CDN}/leaflet.js", f"{_CDN}/leaflet.css")


# --- Small helpers ----------------------------------------------------------------


def _names(values: Iterable[Any]) -> list[str]:
    """Escaped OSM names for tooltips; missing names become ``(unnamed)``."""
    return [esc(v) if isinstance(v, str) and v.strip() else "(unnamed)" for v in values]


def to_display(
    gdf: gpd.GeoDataFrame, columns: Iterable[str] = (), tolerance_m: float = 0.0
) -> gpd.GeoDataFrame:
    """Generalise features for display: simplify in EPSG:27700, project to EPSG:4326, round.

    Parameters
    ----------
    gdf
        Features in EPSG:27700 (metres).
    columns
        Attribute columns to keep (others are dropped to keep the payload small).
    tolerance_m
        Douglas–Peucker tolerance in metres; topology-preserving, so no polygon
        vanishes. 0 keeps every vertex.

    Returns
    -------
    GeoDataFrame
        EPSG:4326 with coordinates rounded to :data:`DISPLAY_DECIMALS`, index reset.
    """
    out = gdf[[*columns, gdf.geometry.name]].copy()
    out = out[~out.geometry.is_empty & out.geometry.notna()]
    if out.crs is None:
        raise ValueError("to_display needs a CRS (EPSG:27700 expected)")
    if tolerance_m > 0:
        out = out.set_geometry(
            out.geometry.to_crs(crs.ANALYSIS_CRS).simplify(tolerance_m, preserve_topology=True)
        )
    out = out.to_crs(crs.DISPLAY_CRS)
    rounded = shapely.transform(out.geometry.values, lambda c: np.round(c, DISPLAY_DECIMALS))
    return out.set_geometry(
        gpd.GeoSeries(rounded, index=out.index, crs=crs.DISPLAY_CRS)
    ).reset_index(drop=True)


def _feature_collection(gdf: gpd.GeoDataFrame, props: pd.DataFrame) -> dict[str, Any]:
    """A GeoJSON dict with ``id`` 0..n-1 and only ``props`` (already escaped strings)."""
    records = props.to_dict(orient="records")  # Python scalars, JSON-safe
    features = [
        {"type": "Feature", "id": i, "properties": rec, "geometry": shapely.geometry.mapping(g)}
        for i, (g, rec) in enumerate(zip(gdf.geometry.values, records, strict=True))
    ]
    return {"type": "FeatureCollection", "features": features}


def _tooltip(fields: Sequence[str], aliases: Sequence[str]) -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(
        fields=list(fields), aliases=[esc(a) for a in aliases], sticky=True, class_name="hp-tooltip"
    )


class _Group(folium.FeatureGroup):
    """A switchable layer group whose members carry ``attribution`` (Leaflet credits it)."""

    def __init__(self, name: str, show: bool, attribution: str):
        super().__init__(name=name, show=show)
        self.attribution = attribution


def _group(m: folium.Map, name: str, show: bool, attribution: str) -> _Group:
    fg = _Group(name, show, attribution)
    fg.add_to(m)
    return fg


def _geojson(fg: _Group, data: dict[str, Any], **kwargs: Any) -> folium.GeoJson:
    """Add a GeoJSON layer to ``fg`` with the group's attribution."""
    layer = folium.GeoJson(data, attribution=fg.attribution, **kwargs)
    layer.add_to(fg)
    return layer


def in_view(
    gdf: gpd.GeoDataFrame, bounds: Sequence[float], margin_m: float = 500.0
) -> gpd.GeoDataFrame:
    """Features whose bounding boxes meet ``bounds`` (EPSG:27700 m) grown by ``margin_m``."""
    minx, miny, maxx, maxy = bounds
    idx = gdf.sindex.query(
        shapely.box(minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)
    )
    return gdf.iloc[np.sort(idx)]


def feature_at(gdf: gpd.GeoDataFrame, lon: float, lat: float) -> pd.Series | None:
    """The row of ``gdf`` (EPSG:27700 polygons) containing the point (lon, lat), or None.

    A lookup for map clicks: the point is projected to EPSG:27700 and matched
    with the spatial index (``contains``); the first match is returned.
    """
    tr = Transformer.from_crs(crs.DISPLAY_CRS, gdf.crs, always_xy=True)
    x, y = tr.transform(lon, lat)
    hits = gdf.sindex.query(shapely.Point(x, y), predicate="intersects")
    if len(hits) == 0:
        return None
    return gdf.iloc[int(np.sort(hits)[0])]


# --- Map elements -----------------------------------------------------------------


class _Css(MacroElement):
    """A ``<style>`` block in the page header (kept by streamlit-folium)."""

    _template = Template("""
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
    """)

    def __init__(self, css: str):
        super().__init__()
        self._name = "Css"
        self.css = css


class _HtmlControl(MacroElement):
    """A Leaflet control holding static HTML (legends, attribution).

    When ``layer`` is given the control is on the map only while that layer is.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var ctl = L.control({position: {{ this.position|tojson }}});
            ctl.onAdd = function() {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            {%- if this.layer %}
            var layer = {{ this.layer.get_name() }};
            if (map.hasLayer(layer)) { ctl.addTo(map); }
            map.on("overlayadd", function(e) { if (e.layer === layer) { ctl.addTo(map); } });
            map.on("overlayremove", function(e) { if (e.layer === layer) { ctl.remove(); } });
            {%- else %}
            ctl.addTo(map);
            {%- endif %}
        })();
        {% endmacro %}
    """)

    def __init__(
        self,
        html_text: str,
        position: str = "bottomright",
        layer: folium.FeatureGroup | None = None,
        css_class: str = "hp-legend",
    ):
        super().__init__()
        self._name = "HtmlControl"
        self.html = html_text
        self.position = position
        self.layer = layer
        self.css_class = css_class


class _FitBounds(MacroElement):
    """Fit the map to bounds now, and again whenever its container is resized, until the user
    pans or zooms (an iframe often gets its final size only after Leaflet starts)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds|tojson }};
            var touched = false;
            function fit() {
                if (touched) { return; }
                map.invalidateSize();
                map.fitBounds(bounds, {animate: false, paddingTopLeft: [8, 8],
                                       paddingBottomRight: [8, 40]});
            }
            fit();
            var el = map.getContainer();
            ["mousedown", "wheel", "touchstart", "keydown"].forEach(function(ev) {
                el.addEventListener(ev, function() { touched = true; }, {passive: true});
            });
            if (window.ResizeObserver) { new ResizeObserver(fit).observe(el); }
            setTimeout(fit, 250);
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]]):
        super().__init__()
        self._name = "FitBounds"
        self.bounds = bounds

    def _get_self_bounds(self) -> list[list[float | None]]:
        return [[v for v in corner] for corner in self.bounds]


_BASE_CSS = """
.hp-legend, .hp-attribution {
  background: rgba(255,255,255,0.93); color: #1a1a1a; padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font: 12px/1.35 system-ui, -apple-system,
  "Segoe UI", Roboto, Arial, sans-serif; max-width: 260px;
}
.hp-legend h4 { margin: 0 0 4px; font-size: 12.5px; font-weight: 600; }
.hp-legend ul { list-style: none; margin: 0; padding: 0; }
.hp-legend ul.cols2 { display: grid; grid-template-columns: 1fr 1fr; column-gap: 8px; }
.hp-legend ol.strip { display: flex; list-style: none; margin: 2px 0 0; padding: 0; }
.hp-legend ol.strip li { flex: 1; display: block; text-align: center; margin: 0; }
.hp-legend ol.strip .sw { display: block; width: auto; height: 12px; }
.hp-legend li { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.hp-legend .sw { display: inline-block; width: 16px; height: 12px; flex: none;
  border: 1px solid rgba(0,0,0,0.45); }
.hp-legend .ln { display: inline-block; width: 18px; height: 0; flex: none;
  border-top: 3px solid; }
.hp-legend .ramp { height: 12px; border: 1px solid rgba(0,0,0,0.45); margin: 2px 0; }
.hp-legend .ticks { display: flex; justify-content: space-between; }
.hp-legend p { margin: 3px 0 0; color: #333; }
.hp-legend:focus, .hp-attribution:focus { outline: 2px solid #1b7837; }
.hp-attribution { max-width: 380px; font-size: 10px; line-height: 1.25; padding: 3px 6px; }
.hp-tooltip th { text-align: left; padding-right: 6px; }
"""


def _legend(
    m: folium.Map, layer: folium.FeatureGroup, title: str, body: str, note: str = ""
) -> None:
    """Add a legend control tied to ``layer``: a titled, focusable region of plain text."""
    note_html = f"<p>{esc(note)}</p>" if note else ""
    text = (
        f'<div role="group" tabindex="0" aria-label="Legend: {esc(title)}">'
        f"<h4>{esc(title)}</h4>{body}{note_html}</div>"
    )
    _HtmlControl(text, "bottomright", layer).add_to(m)


def _swatch_list(items: Iterable[tuple[str, str]], kind: str = "sw", columns: int = 1) -> str:
    rows = "".join(
        f'<li><span class="{kind}" style="{"border-top-color" if kind == "ln" else "background"}:'
        f'{colour}" aria-hidden="true"></span>{esc(label)}</li>'
        for colour, label in items
    )
    return f'<ul class="cols2">{rows}</ul>' if columns == 2 else f"<ul>{rows}</ul>"


def _strip(colours: Sequence[str], labels: Sequence[str]) -> str:
    """A horizontal row of swatches with a short text label under each (deciles)."""
    cells = "".join(
        f'<li><span class="sw" style="background:{c}" aria-hidden="true"></span>{esc(lab)}</li>'
        for c, lab in zip(colours, labels, strict=True)
    )
    return f'<ol class="strip">{cells}</ol>'


# --- Base map ---------------------------------------------------------------------


def base_map(
    bounds: Sequence[float],
    tiles: bool = False,
    *,
    crs: str = crs.ANALYSIS_CRS,
    height: str | int = "100%",
) -> folium.Map:
    """A Leaflet map fitted to ``bounds``, with the project attribution always visible.

    Parameters
    ----------
    bounds
        (minx, miny, maxx, maxy) of the area to show, in ``crs`` (EPSG:27700 metres
        by default; pass ``crs="EPSG:4326"`` for lon/lat degrees).
    tiles
        True: CartoDB Positron tiles (needs the internet). False (offline): no
        tiles and a plain light background, never a grid of grey missing tiles.
    crs
        CRS of ``bounds``.
    height
        Map height (CSS length or pixels).

    Returns
    -------
    folium.Map
        With Leaflet embedded (works offline), a scale bar, the full
        :data:`catalogue.ATTRIBUTION` in a fixed bottom-left box and the layers'
        own attributions in Leaflet's bottom-right attribution control.
    """
    west, south, east, north = lonlat_bounds(bounds, crs)
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=10,
        tiles=None,
        control_scale=True,
        height=height,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    js, css = _leaflet_assets()
    m.default_js = [("leaflet", js)]
    m.default_css = [("leaflet_css", css)]
    background = "" if tiles else f".leaflet-container {{ background: {OFFLINE_BACKGROUND}; }}"
    _Css(_BASE_CSS + background).add_to(m)
    if tiles:
        folium.TileLayer(
            tiles="https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            attr=f'{catalogue.OSM_ATTRIBUTION}, © <a href="https://carto.com/attributions">CARTO</a>',
            name="Background map (CartoDB Positron)",
            subdomains="abcd",
            max_zoom=20,
            control=False,
        ).add_to(m)
    _FitBounds([[south, west], [north, east]]).add_to(m)
    attribution = (
        f'<div role="contentinfo" tabindex="0" aria-label="Data attribution">'
        f"{esc(catalogue.ATTRIBUTION)}</div>"
    )
    _HtmlControl(attribution, "bottomleft", None, "hp-attribution").add_to(m)
    return m


def finish(m: folium.Map, collapsed: bool = False) -> folium.Map:
    """Add the layer switcher (call after every layer is added)."""
    folium.LayerControl(collapsed=collapsed, position="topleft").add_to(m)
    return m


def map_payload_bytes(m: folium.Map) -> int:
    """Size of the map's standalone HTML in bytes (UTF-8), as sent to a browser."""
    return len(m.get_root().render().encode("utf-8"))


# --- Layers -------------------------------------------------------------------


def add_boundaries(
    m: folium.Map,
    districts: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame | None = None,
    *,
    tolerance_m: float = SIMPLIFY_M["county"],
    show: bool = True,
) -> folium.FeatureGroup:
    """District (thick) and ward (thin) outlines, with names on hover.

    ``districts`` and ``wards`` are EPSG:27700 polygons with ``code`` and ``name``
    (as from :func:`layers.boundaries.load_boundaries`).
    """
    fg = _group(m, "Boundaries (districts and wards)", show, _OGL_SHORT)
    if wards is not None and len(wards):
        w = to_display(wards, ["code", "name"], tolerance_m)
        props = pd.DataFrame({"n": [esc(v) for v in w["name"]], "c": [esc(v) for v in w["code"]]})
        _geojson(
            fg,
            _feature_collection(w, props),
            name="Wards",
            style_function=lambda f: {
                "color": "#555555",
                "weight": 0.8,
                "fill": True,
                "fillOpacity": 0.0,
                "opacity": 0.8,
            },
            tooltip=_tooltip(["n", "c"], ["Ward", "Code"]),
        )
    d = to_display(districts, ["code", "name"], tolerance_m)
    props = pd.DataFrame({"n": [esc(v) for v in d["name"]], "c": [esc(v) for v in d["code"]]})
    _geojson(
        fg,
        _feature_collection(d, props),
        name="Districts",
        style_function=lambda f: {"color": "#222222", "weight": 2.4, "fill": False, "opacity": 0.9},
        tooltip=_tooltip(["n", "c"], ["District", "Code"]) if wards is None else None,
    )
    items = [("#222222", "District boundary")]
    if wards is not None:
        items.append(("#555555", "Ward boundary (2025)"))
    _legend(m, fg, "Boundaries", _swatch_list(items, "ln"))
    return fg


def add_outline(
    m: folium.Map, geometry: gpd.GeoDataFrame, label: str, tolerance_m: float = SIMPLIFY_M["county"]
) -> folium.FeatureGroup:
    """The chosen place's outline (EPSG:27700 polygons), always on, not in the switcher."""
    fg = _Group(f"Selected: {label}", True, _OGL_SHORT)
    fg.control = False
    fg.add_to(m)
    g = to_display(geometry, [], tolerance_m)
    props = pd.DataFrame({"n": [esc(label)] * len(g)})
    _geojson(
        fg,
        _feature_collection(g, props),
        style_function=lambda f: {
            "color": "#000000",
            "weight": 3,
            "dashArray": "6 4",
            "fill": False,
        },
        interactive=False,
    )
    return fg


def add_green_sites(
    m: folium.Map,
    sites: gpd.GeoDataFrame,
    *,
    tolerance_m: float = SIMPLIFY_M["county"],
    min_area_ha: float | None = None,
    show: bool = True,
) -> folium.FeatureGroup:
    """Publicly accessible green-space sites coloured by typology.

    Parameters
    ----------
    sites
        EPSG:27700 polygons with ``typology`` (a key of
        :data:`layers.greenspace.TYPOLOGIES`), ``name`` (OSM, may be null) and
        ``area_ha`` (hectares), as from :func:`layers.greenspace.load_sites`.
    min_area_ha
        If given (county scale: :data:`COUNTY_MIN_SITE_HA`), only sites of at
        least this many hectares are drawn, and the legend says so. Smaller
        sites are narrower than a pixel at county zoom and would double the page.
    """
    from layers.greenspace import TYPOLOGIES

    fg = _group(m, "Green space sites (OSM)", show, catalogue.OSM_ATTRIBUTION)
    shown = sites if min_area_ha is None else sites[sites["area_ha"] >= min_area_ha]
    g = to_display(shown, ["typology", "name", "area_ha"], tolerance_m)
    props = pd.DataFrame(
        {
            "n": _names(g["name"]),
            "t": [esc(TYPOLOGIES.get(t, t)) for t in g["typology"]],
            "a": [fmt_value(a, "ha", 2) for a in g["area_ha"]],
            "k": g["typology"].astype(str).to_numpy(),
        }
    )
    colours = TYPOLOGY_COLOURS
    if len(g):
        _geojson(
            fg,
            _feature_collection(g, props),
            style_function=lambda f: {
                "color": colours.get(f["properties"]["k"], "#117733"),
                "weight": 0.6,
                "fillColor": colours.get(f["properties"]["k"], "#117733"),
                "fillOpacity": 0.6,
            },
            tooltip=_tooltip(["n", "t", "a"], ["Site", "Type", "Area"]),
        )
    present = [t for t in TYPOLOGIES if t in set(sites["typology"])]
    note = "Publicly accessible OSM green space, merged into sites."
    if min_area_ha is not None and len(shown) < len(sites):
        note += (
            f" Showing the {len(shown):,} sites of {min_area_ha:g} ha or more of "
            f"{len(sites):,}; choose a district or smaller place to see them all."
        )
    _legend(
        m,
        fg,
        "Green space sites by type",
        _swatch_list(((colours[t], TYPOLOGIES[t]) for t in present), columns=2),
        note,
    )
    return fg


def add_blue_space(
    m: folium.Map,
    water: gpd.GeoDataFrame,
    waterways: gpd.GeoDataFrame,
    *,
    tolerance_m: float = SIMPLIFY_M["county"],
    show: bool = True,
) -> folium.FeatureGroup:
    """Blue space: water polygons and river/canal lines (EPSG:27700 input).

    ``water`` has ``name``, ``water_class`` and ``blue_space``; ``waterways``
    has ``name``, ``waterway`` and ``blue_space`` (as from ``layers.bluespace``).
    Only rows with ``blue_space`` true are drawn.
    """
    fg = _group(m, "Blue space (OSM water, rivers and canals)", show, catalogue.OSM_ATTRIBUTION)
    w = water[water["blue_space"]] if "blue_space" in water else water
    if len(w):
        g = to_display(w, ["name", "water_class"], tolerance_m)
        props = pd.DataFrame({"n": _names(g["name"]), "t": [esc(v) for v in g["water_class"]]})
        _geojson(
            fg,
            _feature_collection(g, props),
            style_function=lambda f: {
                "color": WATER_LINE,
                "weight": 0.6,
                "fillColor": WATER_FILL,
                "fillOpacity": 0.85,
            },
            tooltip=_tooltip(["n", "t"], ["Water", "Type"]),
        )
    ww = waterways[waterways["blue_space"]] if "blue_space" in waterways else waterways
    if len(ww):
        g = to_display(ww, ["name", "waterway"], tolerance_m)
        props = pd.DataFrame({"n": _names(g["name"]), "t": [esc(v) for v in g["waterway"]]})
        _geojson(
            fg,
            _feature_collection(g, props),
            style_function=lambda f: {"color": WATER_LINE, "weight": 2.0, "opacity": 0.9},
            tooltip=_tooltip(["n", "t"], ["Waterway", "Type"]),
        )
    body = _swatch_list([(WATER_FILL, "Lakes, reservoirs, ponds")]) + _swatch_list(
        [(WATER_LINE, "Rivers and canals")], "ln"
    )
    _legend(m, fg, "Blue space", body, "OSM water 2023; waterways 2018.")
    return fg


def raster_rgba(
    raster: Raster, cmap: str, vmin: float, vmax: float, pixel_m: float = 250.0
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Warp a raster to Web Mercator and colour it for an image overlay.

    Parameters
    ----------
    raster
        EPSG:27700 grid (NaN = no data), e.g. PCM NO₂ in µg/m³.
    cmap
        Matplotlib colormap name (``viridis_r``, ``magma_r``…).
    vmin, vmax
        Values mapped to the ends of the colour scale (raster units).
    pixel_m
        Output pixel size in Web Mercator metres (nearest-neighbour, so the
        1 km cells stay crisp).

    Returns
    -------
    (rgba, bounds)
        ``uint8`` array (rows, cols, 4), transparent where there is no data,
        and its (west, south, east, north) in EPSG:4326 degrees. The image is
        linear in Web Mercator, as Leaflet draws it, so cells line up exactly.
    """
    src = raster.values.astype("float64")
    h, w = src.shape
    left, bottom, right, top = raster.bounds
    transform, width, height = calculate_default_transform(
        raster.crs, WEB_MERCATOR, w, h, left, bottom, right, top, resolution=pixel_m
    )
    dst = np.full((int(height), int(width)), np.nan)
    reproject(
        src,
        dst,
        src_transform=raster.transform,
        src_crs=raster.crs,
        src_nodata=np.nan,
        dst_transform=transform,
        dst_crs=WEB_MERCATOR,
        dst_nodata=np.nan,
        resampling=Resampling.nearest,
    )
    colours = mpl.colormaps[cmap]
    scaled = np.clip((dst - vmin) / max(vmax - vmin, 1e-9), 0.0, 1.0)
    rgba = (colours(np.nan_to_num(scaled)) * 255).astype(np.uint8)
    rgba[..., 3] = np.where(np.isfinite(dst), 255, 0)
    x0, y0 = transform.c, transform.f  # north-up: top-left corner, then bottom-right
    x1, y1 = x0 + transform.a * int(width), y0 + transform.e * int(height)
    tr = Transformer.from_crs(WEB_MERCATOR, crs.DISPLAY_CRS, always_xy=True)
    west, north = tr.transform(x0, y0)
    east, south = tr.transform(x1, y1)
    return rgba, (float(west), float(south), float(east), float(north))


def _ramp_css(cmap: str, n: int = 8) -> str:
    colours = mpl.colormaps[cmap](np.linspace(0, 1, n))
    stops = ", ".join(mpl.colors.to_hex(c) for c in colours)
    return f"linear-gradient(to right, {stops})"


def add_raster(
    m: folium.Map,
    raster: Raster,
    *,
    label: str,
    units: str,
    cmap: str = "viridis_r",
    vmin: float | None = None,
    vmax: float | None = None,
    guideline: float | None = None,
    opacity: float = 0.7,
    show: bool = True,
) -> folium.FeatureGroup:
    """A raster (PCM air quality) as a PNG image overlay with a colour-scale legend.

    The legend is a CSS gradient with text ticks in ``units`` (e.g. µg/m³) and,
    if given, the ``guideline`` value (e.g. WHO 2021). ``vmin``/``vmax`` default
    to the raster's minimum and maximum, rounded outwards.
    """
    finite = raster.values[np.isfinite(raster.values)]
    lo = float(np.floor(finite.min())) if vmin is None and finite.size else float(vmin or 0.0)
    hi = float(np.ceil(finite.max())) if vmax is None and finite.size else float(vmax or 1.0)
    rgba, (west, south, east, north) = raster_rgba(raster, cmap, lo, hi)
    fg = _group(m, label, show, _OGL_SHORT)
    folium.raster_layers.ImageOverlay(
        image=rgba,
        bounds=[[south, west], [north, east]],
        opacity=opacity,
        interactive=False,
        cross_origin=False,
        zindex=1,
        control=False,
        alt=label,
        attribution=fg.attribution,
    ).add_to(fg)
    mid = (lo + hi) / 2
    ticks = "".join(f"<span>{v:g}</span>" for v in (lo, round(mid, 1), hi))
    body = (
        f'<div class="ramp" style="background:{_ramp_css(cmap)}" aria-hidden="true"></div>'
        f'<div class="ticks">{ticks}</div>'
    )
    note = f"Annual mean, {units}; darker = more polluted."
    if guideline is not None:
        note += f" WHO 2021 guideline: {guideline:g} {units}."
    _legend(m, fg, label, body, note + " DEFRA PCM 1 km grid.")
    return fg


def add_iod_deciles(
    m: folium.Map,
    lsoa: gpd.GeoDataFrame,
    iod: pd.DataFrame,
    *,
    column: str = "IMD_decile",
    tolerance_m: float = SIMPLIFY_M["county"],
    show: bool = True,
) -> folium.FeatureGroup:
    """IoD 2025 deciles by LSOA21 (1 = most deprived 10 % in England), diverging colours.

    ``lsoa`` is EPSG:27700 with ``lsoa21_code`` and ``lsoa21_name``; ``iod`` has
    ``lsoa21_code`` and ``column`` (as from :func:`layers.deprivation.load_iod2025`).
    """
    joined = lsoa[["lsoa21_code", "lsoa21_name", "geometry"]].merge(
        iod[["lsoa21_code", column]], on="lsoa21_code", how="left"
    )
    g = to_display(
        gpd.GeoDataFrame(joined, crs=lsoa.crs), ["lsoa21_code", "lsoa21_name", column], tolerance_m
    )
    deciles = pd.to_numeric(g[column], errors="coerce")
    props = pd.DataFrame(
        {
            "n": [esc(v) for v in g["lsoa21_name"]],
            "c": [esc(v) for v in g["lsoa21_code"]],
            "d": ["no data" if pd.isna(d) else f"{int(d)} of 10" for d in deciles],
            "k": [-1 if pd.isna(d) else int(d) for d in deciles],
        }
    )
    fg = _group(m, "Deprivation (IoD 2025 deciles)", show, _OGL_SHORT)
    colours = IOD_DECILE_COLOURS
    _geojson(
        fg,
        _feature_collection(g, props),
        style_function=lambda f: {
            "fillColor": colours[f["properties"]["k"] - 1]
            if f["properties"]["k"] > 0
            else NO_DATA_COLOUR,
            "fillOpacity": 0.65,
            "color": "#666666",
            "weight": 0.3,
        },
        tooltip=_tooltip(["n", "c", "d"], ["LSOA", "Code", "IoD 2025 decile"]),
    )
    _legend(
        m,
        fg,
        "IoD 2025 decile (England)",
        _strip(colours, [str(i) for i in range(1, 11)]),
        "1 = the 10% most deprived LSOAs in England; 10 = the least deprived.",
    )
    return fg


def classify_values(
    values: pd.Series, scheme: str = "quantiles", k: int = 5
) -> tuple[np.ndarray, list[float]]:
    """Class of each value (−1 where missing) and the upper class bounds, by mapclassify.

    Parameters
    ----------
    values
        Numbers (NaN allowed).
    scheme
        ``quantiles`` (equal counts) or ``natural_breaks`` (Jenks-style).
    k
        Number of classes (fewer if there are fewer distinct values).
    """
    if scheme not in SCHEMES:
        raise ValueError(
            f"Unknown classification scheme {scheme!r}; choose one of {', '.join(SCHEMES)}"
        )
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(v)
    classes = np.full(v.shape, -1, dtype=int)
    distinct = np.unique(v[ok])
    if distinct.size == 0:
        return classes, []
    k = max(1, min(k, distinct.size))
    if k == 1:
        classes[ok] = 0
        return classes, [float(distinct.max())]
    classifier = (
        mapclassify.Quantiles(v[ok], k=k)
        if scheme == "quantiles"
        else mapclassify.NaturalBreaks(v[ok], k=k)
    )
    classes[ok] = classifier.yb
    return classes, [float(b) for b in classifier.bins]


def sequential_colours(palette: str, k: int) -> list[str]:
    """``k`` colours of a ColorBrewer sequential ramp, skipping its near-white end."""
    if palette not in SEQUENTIAL_PALETTES:
        choices = ", ".join(SEQUENTIAL_PALETTES)
        raise ValueError(f"Unknown palette {palette!r}; choose one of {choices}")
    cmap = mpl.colormaps[palette]
    return [mpl.colors.to_hex(cmap(x)) for x in np.linspace(0.18, 0.95, max(k, 1))]


def add_choropleth(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    column: str,
    label: str,
    units: str = "",
    scheme: str = "quantiles",
    k: int = 5,
    *,
    palette: str = "YlGnBu",
    tolerance_m: float = SIMPLIFY_M["county"],
    digits: int = 1,
    missing_label: str = "No data",
    show: bool = True,
) -> folium.FeatureGroup:
    """A classed choropleth of one LSOA indicator.

    Parameters
    ----------
    gdf
        EPSG:27700 polygons with ``lsoa21_code``, ``lsoa21_name`` and ``column``.
    column, label, units
        The value column, its human label and its units (shown in tooltips and legend).
    scheme, k
        ``quantiles`` or ``natural_breaks`` (mapclassify) with ``k`` classes.
    palette
        A colour-blind-safe ColorBrewer sequential ramp (:data:`SEQUENTIAL_PALETTES`).
    missing_label
        Legend text for LSOAs without a value (e.g. "Not available offline").
    """
    g = to_display(gdf, ["lsoa21_code", "lsoa21_name", column], tolerance_m)
    classes, bins = classify_values(g[column], scheme, k)
    colours = sequential_colours(palette, len(bins))
    props = pd.DataFrame(
        {
            "n": [esc(v) for v in g["lsoa21_name"]],
            "c": [esc(v) for v in g["lsoa21_code"]],
            "v": [
                fmt_value(v, units, digits) if pd.notna(v) else esc(missing_label)
                for v in g[column]
            ],
            "k": classes,
        }
    )
    fg = _group(m, label, show, _BOTH_SHORT)
    _geojson(
        fg,
        _feature_collection(g, props),
        style_function=lambda f: {
            "fillColor": colours[f["properties"]["k"]]
            if f["properties"]["k"] >= 0
            else NO_DATA_COLOUR,
            "fillOpacity": 0.7,
            "color": "#555555",
            "weight": 0.3,
        },
        tooltip=_tooltip(["n", "c", "v"], ["LSOA", "Code", label]),
    )
    values = pd.to_numeric(g[column], errors="coerce")
    lows = [float(values.min()), *bins[:-1]]
    items = [
        (c, f"{fmt_value(lo, '', digits)} – {fmt_value(hi, '', digits)}")
        for c, lo, hi in zip(colours, lows, bins, strict=True)
    ]
    if (classes < 0).any():
        items.append((NO_DATA_COLOUR, missing_label))
    unit_note = f"Units: {units}. " if units else ""
    _legend(
        m, fg, label, _swatch_list(items), f"{unit_note}{SCHEMES[scheme]}, {len(bins)} classes."
    )
    return fg


def add_double_burden(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    column: str = "double_burden",
    *,
    label: str = "Double burden",
    description: str = "Among the most deprived and without good access.",
    tolerance_m: float = SIMPLIFY_M["county"],
    show: bool = True,
) -> folium.FeatureGroup:
    """Outline the LSOAs where boolean ``column`` is true (EPSG:27700 input).

    ``gdf`` has ``lsoa21_code``, ``lsoa21_name`` and ``column``; only true rows
    are drawn, with a thick Okabe–Ito vermillion outline and a light fill.
    """
    flagged = gdf[gdf[column].fillna(False).astype(bool)]
    fg = _group(m, label, show, _BOTH_SHORT)
    if len(flagged):
        g = to_display(flagged, ["lsoa21_code", "lsoa21_name"], tolerance_m)
        props = pd.DataFrame(
            {
                "n": [esc(v) for v in g["lsoa21_name"]],
                "c": [esc(v) for v in g["lsoa21_code"]],
                "b": [esc(description)] * len(g),
            }
        )
        _geojson(
            fg,
            _feature_collection(g, props),
            style_function=lambda f: {
                "color": DOUBLE_BURDEN_COLOUR,
                "weight": 2.5,
                "fillColor": DOUBLE_BURDEN_COLOUR,
                "fillOpacity": 0.25,
            },
            tooltip=_tooltip(["n", "c", "b"], ["LSOA", "Code", label]),
        )
    _legend(
        m, fg, label, _swatch_list([(DOUBLE_BURDEN_COLOUR, f"{len(flagged):,} LSOAs")]), description
    )
    return fg


def attribution_element(text: str = catalogue.ATTRIBUTION) -> Element:
    """A plain HTML paragraph with the attribution, for reports that embed a map."""
    return Element(f'<p class="hp-attribution">{esc(text)}</p>')
