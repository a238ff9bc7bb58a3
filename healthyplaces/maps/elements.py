"""Leaflet and folium elements: the base map, switchable layer groups, legends, CSS, fit-bounds.

Each layer is a :class:`LayerGroup` (switchable in a :class:`folium.LayerControl`)
whose legend is a section of the map's ONE legend panel (a single Leaflet control,
a collapsible ``<details>``), shown and hidden with its layer. Every string put
into a tooltip or legend is HTML-escaped, because Leaflet sets them with
``innerHTML``. Leaflet itself is embedded
(:mod:`healthyplaces.assets`), so maps work offline; tiles are optional.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
from branca.element import MacroElement
from folium.elements import ElementAddToElement
from folium.features import GeoJsonStyleMapper
from folium.template import Template
from folium.utilities import get_obj_in_upper_tree

from geo import crs
from geo.crs import lonlat_bounds
from healthyplaces.assets import leaflet_assets
from healthyplaces.formatting import esc
from healthyplaces.palettes import OFFLINE_BACKGROUND
from layers import catalogue


def tooltip(fields: Sequence[str], aliases: Sequence[str]) -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(
        fields=list(fields), aliases=[esc(a) for a in aliases], sticky=True, class_name="hp-tooltip"
    )


class LayerGroup(folium.FeatureGroup):
    """A switchable layer group that carries ``attribution`` (Leaflet credits it while shown).

    The attribution is the group's own option, never its members': Leaflet's
    GeoJSON layer hands its options to every feature it makes, and the
    attribution control rebuilds its text for each layer added with one, which
    was a third of the browser's time drawing a district's 5,700 sites (CPU
    profile in Chromium, ``Control.Attribution.addAttribution``).

    folium writes ``L.featureGroup(options)``, but Leaflet's signature is
    ``L.featureGroup(layers, options)``, so the options (the attribution) were
    dropped; this group passes them second.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.featureGroup(
                null, {{ this.options|tojavascript }}
            );
        {% endmacro %}
    """)

    def __init__(self, name: str, show: bool, attribution: str):
        super().__init__(name=name, show=show, attribution=attribution)
        self.attribution = attribution


def add_group(m: folium.Map, name: str, show: bool, attribution: str) -> LayerGroup:
    fg = LayerGroup(name, show, attribution)
    fg.add_to(m)
    return fg


_RENDER = threading.local()


@contextlib.contextmanager
def scripts_only() -> Iterator[None]:
    """Within it, this thread's GeoJSON layers render without adding their script to the figure.

    streamlit-folium renders the map (``render()``), then reads every element's
    script macro itself (``generate_leaflet_string``), so the figure's copy of a
    GeoJSON layer's script is never used there: it serialised the layer's data a
    second time and branca then compiled that text as a Jinja template (its
    ``Element``). Making a built Bradford map into its frame took 0.57 s with that
    copy and takes 0.23 s without (``bench/bench_map_send.py``).
    Per thread: another session's full render (a report, an HTML export) keeps
    the figure's scripts.
    """
    _RENDER.scripts_only = True
    try:
        yield
    finally:
        _RENDER.scripts_only = False


class _GeoJson(folium.GeoJson):
    """folium's GeoJson layer, which can render without its figure script (:func:`scripts_only`)."""

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        if not getattr(_RENDER, "scripts_only", False):
            super().render(**kwargs)  # type: ignore[no-untyped-call]
            return
        # What folium 0.20's GeoJson.render and Layer.render do before MacroElement.render
        # (the style maps its script macro reads, the addTo its parent) and the children.
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)  # type: ignore[assignment]
        if (self.style or self.highlight) and self.data["features"]:
            mapper = GeoJsonStyleMapper(self.data, self.feature_identifier, self)
            if self.style:
                self.style_map = mapper.get_style_map(self.style_function)
            if self.highlight:
                self.highlight_map = mapper.get_highlight_map(self.highlight_function)
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(),
                    element_parent_name=self._parent.get_name(),  # type: ignore[union-attr]
                ),
                name=self.get_name() + "_add",
            )
        for child in list(self._children.values()):
            child.render(**kwargs)


def add_geojson(fg: LayerGroup, data: dict[str, Any], **kwargs: Any) -> folium.GeoJson:
    """Add a GeoJSON layer to ``fg`` (credited by the group's attribution)."""
    layer = _GeoJson(data, **kwargs)
    layer.add_to(fg)
    return layer


class _Css(MacroElement):
    """A ``<style>`` block in the page header (kept by streamlit-folium)."""

    _template = Template("""
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
    """)

    def __init__(self, css: str):
        super().__init__()  # type: ignore[no-untyped-call]
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
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "HtmlControl"
        self.html = html_text
        self.position = position
        self.layer = layer
        self.css_class = css_class


class _LegendPanel(MacroElement):
    """The map's one legend panel: a single collapsible Leaflet control holding a section per
    layer; each section shows only while its layer is on, and the panel hides when none is.

    The panel is a Leaflet layer (``L.Layer``) that adds its control when it is
    added and removes it, listeners and all, when it is removed, so a map updated
    in place (:func:`live_parts`) never keeps a stale legend. It is kept the last
    child of its parent (see :func:`add_legend`), so every layer it refers to is
    defined, and on the map, before it is added.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var sections = [];
            var ctl = L.control({position: "bottomright"});
            ctl.onAdd = function() {
                var div = L.DomUtil.create("div", "hp-legend hp-legend-panel");
                div.innerHTML = {{ this.shell|tojson }};
                var body = div.querySelector(".hp-legend-body");
                sections = [];
                {%- for layer, html in this.entries %}
                var s = L.DomUtil.create("section", "hp-legend-section", body);
                s.innerHTML = {{ html|tojson }};
                sections.push([{{ layer.get_name() }}, s]);
                {%- endfor %}
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            var Panel = L.Layer.extend({
                onAdd: function(map) {
                    ctl.addTo(map);
                    map.on("overlayadd overlayremove", this._sync, this);
                    this._sync();
                },
                onRemove: function(map) {
                    map.off("overlayadd overlayremove", this._sync, this);
                    ctl.remove();
                },
                _sync: function() {
                    var map = this._map, any = false;
                    sections.forEach(function(p) {
                        var on = map.hasLayer(p[0]);
                        p[1].hidden = !on;
                        any = any || on;
                    });
                    ctl.getContainer().style.display = any ? "" : "none";
                }
            });
            return new Panel();
        })();
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LegendPanel"
        self.entries: list[tuple[folium.FeatureGroup, str]] = []
        self.shell = (
            '<details open><summary aria-label="Legend (click to fold)">Legend</summary>'
            '<div class="hp-legend-body"></div></details>'
        )


class _PlaceFrame(MacroElement):
    """Frame the place: fit the map to its bounds and name the map (and its iframe).

    A Leaflet layer. When added it names the map container (``aria-label``) and the
    enclosing iframe (streamlit-folium's, same origin: ``title``, instead of
    "streamlit_folium.st_folium"), and fits the map to ``bounds``, now and again
    whenever the container is resized, until the user pans or zooms (an iframe
    often gets its final size only after Leaflet starts). The fit is remembered
    on the map by its bounds: re-added with the same bounds (a layer switched on
    a map updated in place, :func:`live_parts`), it keeps the user's view; new
    bounds (another place) fit again.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = new (L.Layer.extend({
            onAdd: function(map) {
                var bounds = {{ this.bounds|tojson }}, title = {{ this.title|tojson }};
                var el = map.getContainer();
                el.setAttribute("aria-label", title);
                try {
                    if (window.frameElement) { window.frameElement.title = title; }
                } catch (e) { /* a cross-origin frame keeps its own title */ }
                var key = JSON.stringify(bounds);
                if (!map._hpFit || map._hpFit.key !== key) {
                    map._hpFit = {key: key, touched: false};
                }
                var state = map._hpFit;
                function fit() {
                    // A 0x0 container (hidden tab, iframe not laid out yet) makes
                    // Leaflet compute NaN zoom and throw "Invalid LatLng (NaN, NaN)".
                    if (state.touched || !el.clientWidth || !el.clientHeight) { return; }
                    var ok = bounds.every(function(c) {
                        return c.every(function(v) { return isFinite(v); });
                    });
                    if (!ok) { return; }
                    map.invalidateSize();
                    map.fitBounds(bounds, {animate: false, paddingTopLeft: [8, 8],
                                           paddingBottomRight: [8, 40]});
                }
                this._touch = function() { state.touched = true; };
                this._events = ["mousedown", "wheel", "touchstart", "keydown"];
                this._events.forEach(function(ev) {
                    el.addEventListener(ev, this._touch, {passive: true});
                }, this);
                fit();
                this._observer = window.ResizeObserver ? new ResizeObserver(fit) : null;
                if (this._observer) { this._observer.observe(el); }
                this._timer = setTimeout(fit, 250);
            },
            onRemove: function(map) {
                var el = map.getContainer();
                this._events.forEach(function(ev) {
                    el.removeEventListener(ev, this._touch, {passive: true});
                }, this);
                if (this._observer) { this._observer.disconnect(); }
                clearTimeout(this._timer);
            }
        }))();
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], title: str):
        super().__init__()  # type: ignore[no-untyped-call]
        if not np.all(np.isfinite(np.asarray(bounds, dtype=float))):
            raise ValueError(f"map bounds must be finite lat/lon degrees, got {bounds!r}")
        self._name = "PlaceFrame"
        self.bounds = bounds
        self.title = title

    def _get_self_bounds(self) -> list[list[float | None]]:
        return [[v for v in corner] for corner in self.bounds]


class _HideOnStart(MacroElement):
    """Take ``layers`` off the map once, when added: a map updated in place gets every
    feature group added by streamlit-folium, so a group that starts hidden
    (``show=False``) is removed again here, before the legend panel is added."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = new (L.Layer.extend({
            onAdd: function(map) {
                [{{ this.names }}].forEach(function(l) { map.removeLayer(l); });
            }
        }))();
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, layers: Sequence[folium.FeatureGroup]):
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "HideOnStart"
        self.layers = list(layers)

    @property
    def names(self) -> str:
        """The layers' JavaScript names, at render time (streamlit-folium renames groups)."""
        return ", ".join(layer.get_name() for layer in self.layers)


class _KeyboardFriendly(MacroElement):
    """Keep the map out of the keyboard's way.

    Shapes are never Tab stops: every overlay path gets ``tabindex="-1"`` as layers
    are drawn (a MutationObserver on the map), so Tab
    moves from the map (one stop, arrow keys pan) through its few controls and out.
    The map's name is :class:`_PlaceFrame`'s.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var el = {{ this._parent.get_name() }}.getContainer();
            function untab(root) {
                // Chromium makes interactive SVG paths Tab stops; tabindex -1 takes
                // them out of the Tab order (they stay clickable and hoverable).
                root.querySelectorAll(
                    ".leaflet-overlay-pane path, .leaflet-overlay-pane svg, " +
                    ".leaflet-overlay-pane [tabindex]"
                ).forEach(function(n) {
                    if (n.getAttribute("tabindex") !== "-1") { n.setAttribute("tabindex", "-1"); }
                    n.setAttribute("focusable", "false");
                });
            }
            untab(el);
            if (window.MutationObserver) {
                new MutationObserver(function() { untab(el); })
                    .observe(el, {childList: true, subtree: true});
            }
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KeyboardFriendly"


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
.hp-legend .ln.cased { border-top: 5px double; }
.hp-legend .ramp { height: 12px; border: 1px solid rgba(0,0,0,0.45); margin: 2px 0; }
.hp-legend .ticks { display: flex; justify-content: space-between; }
.hp-legend p { margin: 3px 0 0; color: #333; }
.hp-legend-panel { max-height: 46vh; overflow-y: auto; }
.hp-legend-panel summary { cursor: pointer; font-weight: 600; font-size: 12.5px; }
.hp-legend-section { margin-top: 6px; }
.hp-legend-section[hidden] { display: none; }
.hp-legend:focus, .hp-attribution:focus { outline: 2px solid #1b7837; }
.hp-attribution { max-width: 380px; font-size: 10px; line-height: 1.25; padding: 3px 6px; }
.leaflet-container .leaflet-control-attribution { max-width: 280px; font-size: 10px;
  line-height: 1.25; }
.hp-tooltip th { text-align: left; padding-right: 6px; }
.hp-site-popup { max-height: 320px; overflow-y: auto; font: 12px/1.35 system-ui, -apple-system,
  "Segoe UI", Roboto, Arial, sans-serif; }
.hp-site-popup h4 { margin: 0 0 4px; font-size: 13px; }
.hp-site-popup p { margin: 2px 0 4px; }
.hp-site-popup table { border-collapse: collapse; font-size: 11px; }
.hp-site-popup th, .hp-site-popup td { text-align: left; vertical-align: top; padding: 1px 4px;
  border-bottom: 1px solid #ddd; }
.hp-site-popup td:nth-child(3) { white-space: nowrap; }
.leaflet-overlay-pane path.leaflet-interactive:focus { outline: none; }
"""


def add_legend(
    m: folium.Map, layer: folium.FeatureGroup, title: str, body: str, note: str = ""
) -> None:
    """Add ``layer``'s legend to the map's one legend panel: a titled group of plain text.

    The first call creates the panel (:class:`_LegendPanel`); every call moves it to
    the end of the map's children so it is drawn after all the layers it names.
    """
    note_html = f"<p>{esc(note)}</p>" if note else ""
    text = (
        f'<div role="group" aria-label="Legend: {esc(title)}">'
        f"<h4>{esc(title)}</h4>{body}{note_html}</div>"
    )
    panel = next((c for c in m._children.values() if isinstance(c, _LegendPanel)), None)
    if panel is None:
        panel = _LegendPanel()
        panel.add_to(m)
    panel.entries.append((layer, text))
    m._children.move_to_end(panel.get_name())


def swatch_list(items: Iterable[tuple[str, str]], kind: str = "sw", columns: int = 1) -> str:
    """Legend rows: a swatch (``kind`` "sw" a filled box, "ln" a line, "ln cased" a
    double line) in each colour, with its escaped label."""
    prop = "border-top-color" if kind.startswith("ln") else "background"
    rows = "".join(
        f'<li><span class="{kind}" style="{prop}:'
        f'{colour}" aria-hidden="true"></span>{esc(label)}</li>'
        for colour, label in items
    )
    return f'<ul class="cols2">{rows}</ul>' if columns == 2 else f"<ul>{rows}</ul>"


def swatch_strip(colours: Sequence[str], labels: Sequence[str]) -> str:
    """A horizontal row of swatches with a short text label under each (deciles)."""
    cells = "".join(
        f'<li><span class="sw" style="background:{c}" aria-hidden="true"></span>{esc(lab)}</li>'
        for c, lab in zip(colours, labels, strict=True)
    )
    return f'<ol class="strip">{cells}</ol>'


class FittedMap(folium.Map):
    """A folium Map that knows the bounds it is fitted to.

    streamlit-folium asks the map for its bounds on every render
    (``folium_map.get_bounds()``, for the "bounds" it returns before the user
    has moved the map). folium answers by walking every coordinate of every
    layer: 1.2 s of a county map's 11 s rerun, profiled. The map was fitted to
    known bounds, so it returns those.
    """

    def __init__(self, fitted: list[list[float]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fitted = fitted

    def get_bounds(self) -> list[list[float | None]]:
        """``[[south, west], [north, east]]``, degrees (EPSG:4326): the fitted bounds."""
        return [list[float | None](corner) for corner in self.fitted]


def base_map(
    bounds: Sequence[float],
    tiles: bool = False,
    *,
    crs: str = crs.ANALYSIS_CRS,
    height: str | int = "100%",
    title: str = "Interactive map",
    canvas: bool = True,
) -> FittedMap:
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
    title
        The map's accessible name, also given to the iframe that holds it.
    canvas
        Draw vector shapes on one canvas (True: thousands of shapes draw several
        times faster, and none is a Tab stop) or as SVG (False: the drawing map,
        whose Leaflet.draw rectangle missed the start of a drag on canvas).

    Returns
    -------
    FittedMap
        With Leaflet embedded (works offline), a scale bar, the full
        :data:`catalogue.ATTRIBUTION` in a fixed bottom-left box and the layers'
        own attributions in Leaflet's bottom-right attribution control.
    """
    west, south, east, north = lonlat_bounds(bounds, crs)
    if not np.all(np.isfinite([west, south, east, north])):
        raise ValueError(f"map bounds must be finite, got {tuple(bounds)!r} in {crs}")
    m = FittedMap(
        [[south, west], [north, east]],
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=10,
        tiles=None,
        control_scale=True,
        height=height,
        prefer_canvas=canvas,
        zoom_snap=0.25,
    )
    js, css = leaflet_assets()
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
    _PlaceFrame([[south, west], [north, east]], title).add_to(m)
    _KeyboardFriendly().add_to(m)
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


#: Where a map updated in place (:func:`live_parts`) starts, before its place frame
#: fits it: the middle of West Yorkshire (lat, lon degrees, EPSG:4326). Fixed, so that
#: the base map's script, and with it streamlit-folium's component key, is the same
#: for every place.
LIVE_CENTRE = (53.75, -1.72)


@dataclass(frozen=True)
class LiveParts:
    """A finished map split for an update in place (``st_folium``'s
    ``feature_group_to_add`` and ``layer_control``).

    Attributes
    ----------
    base
        What never changes with the place or the layers: Leaflet, the CSS, the
        attribution box, the keyboard handling (and tiles, when on), centred on
        :data:`LIVE_CENTRE`.
    groups
        The layer groups in drawing order, then one more (not in the switcher)
        holding the place frame and the legend panel.
    control
        The layer switcher, or None if the map had none.
    """

    base: folium.Map
    groups: list[folium.FeatureGroup]
    control: folium.LayerControl | None


def live_parts(m: folium.Map) -> LiveParts:
    """Split ``m`` (from :func:`base_map`, its layers added and :func:`finish` called) into
    a place-independent base and the groups streamlit-folium replaces in place.

    streamlit-folium keys its component by the base script, so the browser keeps
    one Leaflet map while the place and the layers change: on new groups it
    removes the old ones (and their legend panel and fit, which are Leaflet
    layers here) and adds the new. It adds every group, so one that starts
    hidden is taken off again by :class:`_HideOnStart`. ``m`` is changed.
    """
    children = m._children
    groups = [c for c in children.values() if isinstance(c, folium.FeatureGroup)]
    frames = [c for c in children.values() if isinstance(c, _PlaceFrame)]
    legends = [c for c in children.values() if isinstance(c, _LegendPanel)]
    control = next((c for c in children.values() if isinstance(c, folium.LayerControl)), None)
    for c in [*groups, *frames, *legends, *([control] if control is not None else [])]:
        del children[c.get_name()]
    frame = folium.FeatureGroup(name="Map frame", control=False)
    hidden = [g for g in groups if not g.show]
    parts: list[MacroElement] = [*frames, *([_HideOnStart(hidden)] if hidden else []), *legends]
    for part in parts:
        part.add_to(frame)
    m.location = list(LIVE_CENTRE)
    return LiveParts(m, [*groups, frame], control)
