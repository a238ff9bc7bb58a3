"""Green sites on the map coloured by access status, each with a popup of its member features.

Presentation only: the sites and their members come from
:func:`layers.greenspace.load_green_sites` and
:func:`layers.greenspace.load_green_site_members` (EPSG:27700, areas in hectares);
the access status and its machine-readable reason were decided by the rule table
in :mod:`geo.access_status`.

Payload: a district holds ~16,000 sites, so each feature carries compact
properties (its escaped name, codes into lookup tables of escaped reasons and
OSM tags, areas as numbers, and its largest :data:`POPUP_MEMBERS` members); the
tooltip and the click popup are assembled in the browser from those pieces and
fixed markup. Every string is HTML-escaped with
:func:`healthyplaces.formatting.esc` here in Python, before it reaches Leaflet
(which sets tooltips and popups with ``innerHTML``), so the browser only joins
escaped text and never sees raw OSM text.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from healthyplaces.formatting import esc
from healthyplaces.maps.display import SIMPLIFY_M, feature_collection, to_display
from healthyplaces.maps.elements import (
    LayerGroup,
    add_geojson,
    add_group,
    add_legend,
    swatch_list,
)
from healthyplaces.palettes import (
    ACCESS_STATUS_COLOURS,
    OPEN_ACCESS_DASH,
    OPEN_ACCESS_OUTLINE,
    SITE_EDGE_COLOUR,
)
from layers import catalogue

#: Legend and tooltip wording of each access status (:data:`geo.access_status.STATUSES`),
#: in code order (a feature's ``st`` property indexes this).
STATUS_LABELS: dict[str, str] = {
    "public": "Public",
    "restricted": "Restricted (paid entry, members, pupils, clubs, golf)",
    "private": "Private",
    "unknown": "Unknown (no evidence of public access)",
}
_STATUSES = tuple(STATUS_LABELS)
#: Wording of each site kind; a feature's ``o`` property is 1 for open access land.
KIND_LABELS: dict[str, str] = {
    "park": "Park or green space",
    "open_access_land": "Open access land",
}
#: The three Natural England site definitions, as flag column and label.
DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("all_accessible", "all-accessible"),
    ("natural", "natural (ANGSt)"),
    ("formal", "formal"),
)
#: At most this many members are listed in a site's popup, largest first.
POPUP_MEMBERS = 15
#: Areas are sent in hectares to 2 decimal places (100 m²).
_AREA_DECIMALS = 2


def _escaped(values: pd.Series) -> pd.Series:
    """Escaped text of a column; missing or blank values become ''."""
    text = values.fillna("").astype(str)
    return text.where(text.str.strip().ne(""), "").map(esc).astype(str)


def _codes(values: pd.Series, table: pd.Index) -> list[int]:
    """Positions of ``values`` in ``table`` (Python ints, JSON-safe)."""
    return [int(i) for i in table.get_indexer(values.astype(str))]


def _status_codes(values: pd.Series) -> list[int]:
    codes = pd.Index(_STATUSES).get_indexer(values.astype(str))
    return [int(c) for c in np.where(codes < 0, _STATUSES.index("unknown"), codes)]


def _definition_codes(sites: pd.DataFrame) -> list[int]:
    """3-bit code of the definitions that count each site (bit i: ``DEFINITIONS[i]``)."""
    flags = np.column_stack([sites[c].fillna(False).to_numpy(dtype=bool) for c, _ in DEFINITIONS])
    return [int(c) for c in flags @ (1 << np.arange(len(DEFINITIONS)))]


def _definition_texts() -> list[str]:
    """Text of every 3-bit definition code."""
    return [
        ", ".join(label for i, (_, label) in enumerate(DEFINITIONS) if code >> i & 1)
        or "none (not counted)"
        for code in range(1 << len(DEFINITIONS))
    ]


def _lookup_tables(sites: pd.DataFrame, members: pd.DataFrame) -> tuple[pd.Index, pd.Index]:
    """The distinct access reasons and ``key=value`` OSM tags, sorted (raw text)."""
    reasons = pd.Index(
        sorted(set(sites["access_reason"].astype(str)) | set(members["access_reason"].astype(str)))
    )
    tags = pd.Index(sorted(set(_tag_text(members))))
    return reasons, tags


def _tag_text(members: pd.DataFrame) -> pd.Series:
    return members["osm_key"].astype(str) + "=" + members["osm_value"].astype(str)


def _member_lists(
    members: pd.DataFrame, reasons: pd.Index, tags: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """Per ``site_id``: its largest :data:`POPUP_MEMBERS` members and its member count.

    Each member is ``[escaped name or '', tag code, area ha, status code, reason code]``,
    largest first (ties by ``osm_ref``).
    """
    mem = members.sort_values(["site_id", "area_ha", "osm_ref"], ascending=[True, False, True])
    rank = mem.groupby("site_id", sort=False).cumcount().to_numpy()
    count = mem.groupby("site_id", sort=False).size()
    top = mem[rank < POPUP_MEMBERS]
    rows = [
        list(r)
        for r in zip(
            _escaped(top["name"]).tolist(),
            _codes(_tag_text(top), tags),
            top["area_ha"].round(_AREA_DECIMALS).astype(float).tolist(),
            _status_codes(top["access_status"]),
            _codes(top["access_reason"], reasons),
            strict=True,
        )
    ]
    # ``top`` is sorted by site: each site's rows are one run, cut at the changes
    ids = top["site_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    ends = np.r_[starts[1:], len(ids)]
    lists = pd.Series(
        [rows[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)],
        index=ids[starts],
        dtype=object,
    )
    return lists, count


def site_properties(
    sites: pd.DataFrame, members: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The compact, escaped feature properties of each site and the lookup tables they index.

    Parameters
    ----------
    sites
        Rows of :func:`layers.greenspace.load_green_sites` (``site_id``, ``name``,
        ``site_kind``, ``access_status``, ``access_reason``, ``area_ha`` in ha and
        the definition flags ``all_accessible``, ``natural``, ``formal``).
    members
        :func:`layers.greenspace.load_green_site_members` (``site_id``, ``osm_ref``,
        ``name``, ``osm_key``, ``osm_value``, ``access_status``, ``access_reason``,
        ``area_ha`` in ha).

    Returns
    -------
    (props, tables)
        ``props`` in ``sites`` order (index reset): ``n`` escaped name ('' when
        unnamed), ``st`` status code (index into ``tables["status"]``), ``r``
        reason code, ``a`` area (ha, 2 dp), ``d`` definition code, ``o`` 1 for
        open access land, ``m`` the largest members (see :func:`_member_lists`),
        and ``c`` the site's member count (the popup says "and c - len(m) more").
        ``tables``: escaped ``status``, ``status_key``, ``kind``, ``reason``,
        ``tag`` and ``definitions`` texts.
    """
    ids = sites["site_id"].astype(str)
    mine = members[members["site_id"].astype(str).isin(ids)]
    reasons, tags = _lookup_tables(sites, mine)
    lists, count = _member_lists(mine, reasons, tags)
    n_members = ids.map(count).fillna(0).astype(np.int64)
    props = pd.DataFrame(
        {
            "n": _escaped(sites["name"]).tolist(),
            "st": _status_codes(sites["access_status"]),
            "r": _codes(sites["access_reason"], reasons),
            "a": sites["area_ha"].round(_AREA_DECIMALS).astype(float).tolist(),
            "d": _definition_codes(sites),
            "o": sites["site_kind"].eq("open_access_land").astype(int).tolist(),
            "m": [v if isinstance(v, list) else [] for v in ids.map(lists)],
            "c": [int(v) for v in n_members],
        }
    )
    tables = {
        "status": [esc(v) for v in STATUS_LABELS.values()],
        "status_key": list(_STATUSES),
        "kind": [esc(KIND_LABELS["park"]), esc(KIND_LABELS["open_access_land"])],
        "reason": [esc(v) for v in reasons],
        "tag": [esc(v) for v in tags],
        "definitions": [esc(v) for v in _definition_texts()],
    }
    return props, tables


class _SiteDetails(MacroElement):
    """The tooltip and the click popup of every site of its parent GeoJSON layer.

    Bound to the layer group (as :class:`folium.GeoJsonTooltip` is) and assembled on
    demand from the feature's properties and the lookup ``tables``; every string in
    both is already HTML-escaped, only fixed markup is added here.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var T = {{ this.tables|tojson }};
            var g = {{ this._parent.get_name() }};
            function ha(a) {
                return (a >= 1000 ? Math.round(a).toLocaleString("en-GB") : a.toFixed(2)) +
                    " ha";
            }
            function siteName(p) {
                return p.n || ("Unnamed site (largest member: " +
                    (p.m.length ? T.tag[p.m[0][1]] + ", " + ha(p.m[0][2]) : "none") + ")");
            }
            g.bindTooltip(function(layer) {
                var p = layer.feature.properties;
                var rows = [["Site", siteName(p)], ["Kind", T.kind[p.o]],
                            ["Access", T.status[p.st]], ["Reason", T.reason[p.r]],
                            ["Area", ha(p.a)], ["Counted by", T.definitions[p.d]]];
                return "<table>" + rows.map(function(r) {
                    return "<tr><th>" + r[0] + "</th><td>" + r[1] + "</td></tr>";
                }).join("") + "</table>";
            }, {sticky: true, className: "hp-tooltip"});
            g.bindPopup(function(layer) {
                var p = layer.feature.properties;
                var rows = p.m.map(function(x) {
                    var key = T.status_key[x[3]];
                    return "<tr><td>" + (x[0] || "(unnamed)") + "</td><td>" + T.tag[x[1]] +
                        "</td><td>" + ha(x[2]) + "</td><td>" + key + "</td><td>" +
                        (key === "public" ? "counts" : "does not count") + ": " +
                        T.reason[x[4]] + "</td></tr>";
                }).join("");
                var more = p.c - p.m.length;
                return "<div class=\\"hp-site-popup\\"><h4>" + siteName(p) + "</h4><p>" +
                    T.kind[p.o] + "; " + T.status[p.st] + "; " + ha(p.a) + ". " + p.c +
                    " mapped feature" + (p.c === 1 ? "" : "s") + ", largest first; a " +
                    "feature counts when its access status is public.</p><table><thead><tr>" +
                    "<th>Name</th><th>OSM tag</th><th>Area</th><th>Status</th><th>Why</th>" +
                    "</tr></thead><tbody>" + rows + "</tbody></table>" +
                    (more > 0 ? "<p>\\u2026 and " + more + " more (smaller) members.</p>" : "") +
                    "</div>";
            }, {maxWidth: 520, className: "hp-popup"});
        })();
        {% endmacro %}
    """)

    def __init__(self, tables: dict[str, list[str]]):
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SiteDetails"
        self.tables = tables


def _style(feature: dict[str, Any]) -> dict[str, Any]:
    props = feature["properties"]
    colour = ACCESS_STATUS_COLOURS[_STATUSES[int(props["st"])]]
    if props["o"]:
        return {
            "color": OPEN_ACCESS_OUTLINE,
            "weight": 2.0,
            "dashArray": OPEN_ACCESS_DASH,
            "fillColor": colour,
            "fillOpacity": 0.35,
        }
    return {
        "color": SITE_EDGE_COLOUR,
        "weight": 0.5,
        "opacity": 0.7,
        "fillColor": colour,
        "fillOpacity": 0.6,
    }


def _legend_body() -> str:
    statuses = swatch_list((ACCESS_STATUS_COLOURS[k], v) for k, v in STATUS_LABELS.items())
    outline = (
        '<ul><li><span class="sw" style="background:transparent;border:2px dotted '
        f'{OPEN_ACCESS_OUTLINE}" aria-hidden="true"></span>Dotted black outline: '
        "open access land (moor, heath)</li></ul>"
    )
    return statuses + outline


def add_sites_by_access(
    m: folium.Map,
    sites: gpd.GeoDataFrame,
    members: pd.DataFrame,
    *,
    tolerance_m: float = SIMPLIFY_M["county"],
    min_area_ha: float | None = None,
    show: bool = True,
) -> LayerGroup:
    """Green sites coloured by access status; hover for why, click for the member features.

    Parameters
    ----------
    m
        The map.
    sites
        EPSG:27700 polygons from :func:`layers.greenspace.load_green_sites`.
    members
        Their members, from :func:`layers.greenspace.load_green_site_members`.
    tolerance_m
        Display simplification (metres, EPSG:27700).
    min_area_ha
        If given (county scale), only sites of at least this many hectares are
        drawn and the legend says so.
    show
        Whether the layer starts switched on.

    Returns
    -------
    LayerGroup
        The switchable layer, with one section in the map's legend panel.
    """
    fg = add_group(m, "Green space sites by access status (OSM)", show, catalogue.OSM_ATTRIBUTION)
    shown = sites if min_area_ha is None else sites[sites["area_ha"] >= min_area_ha]
    shown = shown[shown.geometry.notna() & ~shown.geometry.is_empty]
    if len(shown):
        props, tables = site_properties(shown, members)
        layer = add_geojson(
            fg,
            feature_collection(to_display(shown, [], tolerance_m), props),
            style_function=_style,
            # a click on a site opens its popup and does not reach the map, so it
            # does not also select the LSOA or ward under it
            bubbling_mouse_events=False,
        )
        _SiteDetails(tables).add_to(layer)
    note = (
        "OSM green space merged into sites; the analysis counts public sites. Click a "
        "site for its mapped features and why each counts or not."
    )
    if min_area_ha is not None and len(shown) < len(sites):
        note += (
            f" Showing the {len(shown):,} sites of {min_area_ha:g} ha or more of "
            f"{len(sites):,}; choose a district or smaller place to see them all."
        )
    add_legend(m, fg, "Green space sites by access status", _legend_body(), note)
    return fg
