"""Map overlays of features: boundaries, the chosen place's outline, green-space sites, blue space.

Presentation only: each takes EPSG:27700 data that ``layers`` loaded and draws
it as a switchable layer with a legend.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from healthyplaces.formatting import esc, fmt_value
from healthyplaces.maps.display import (
    SIMPLIFY_M,
    display_names,
    feature_collection,
    to_display,
)
from healthyplaces.maps.elements import (
    LayerGroup,
    add_geojson,
    add_group,
    add_legend,
    swatch_list,
    tooltip,
)
from healthyplaces.palettes import (
    TYPOLOGY_COLOURS,
    WATER_FILL,
    WATER_LINE,
)
from layers import catalogue


def add_boundaries(
    m: folium.Map,
    districts: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame | None = None,
    *,
    tolerance_m: float = SIMPLIFY_M["county"],
    show: bool = True,
    interactive: bool = True,
) -> folium.FeatureGroup:
    """District (thick) and ward (thin) outlines, with names on hover.

    ``districts`` and ``wards`` are EPSG:27700 polygons with ``code`` and ``name``
    (as from :func:`layers.boundaries.load_boundaries`). With ``interactive=False``
    (an LSOA layer is on) the outlines take no pointer events and have no tooltip,
    so the hover reaches the LSOA underneath and shows its value.
    """
    fg = add_group(m, "Boundaries (districts and wards)", show, catalogue.OGL_SHORT)
    if wards is not None and len(wards):
        w = to_display(wards, ["code", "name"], tolerance_m)
        props = pd.DataFrame({"n": [esc(v) for v in w["name"]], "c": [esc(v) for v in w["code"]]})
        add_geojson(
            fg,
            feature_collection(w, props),
            name="Wards",
            style_function=lambda f: {
                "color": "#555555",
                "weight": 0.8,
                "fill": interactive,
                "fillOpacity": 0.0,
                "opacity": 0.8,
            },
            tooltip=tooltip(["n", "c"], ["Ward", "Code"]) if interactive else None,
            interactive=interactive,
        )
    d = to_display(districts, ["code", "name"], tolerance_m)
    props = pd.DataFrame({"n": [esc(v) for v in d["name"]], "c": [esc(v) for v in d["code"]]})
    add_geojson(
        fg,
        feature_collection(d, props),
        name="Districts",
        style_function=lambda f: {"color": "#222222", "weight": 2.4, "fill": False, "opacity": 0.9},
        tooltip=tooltip(["n", "c"], ["District", "Code"])
        if wards is None and interactive
        else None,
        interactive=interactive,
    )
    items = [("#222222", "District boundary")]
    if wards is not None:
        items.append(("#555555", "Ward boundary (2025)"))
    add_legend(m, fg, "Boundaries", swatch_list(items, "ln"))
    return fg


def add_outline(
    m: folium.Map, geometry: gpd.GeoDataFrame, label: str, tolerance_m: float = SIMPLIFY_M["county"]
) -> folium.FeatureGroup:
    """The chosen place's outline (EPSG:27700 polygons), always on, not in the switcher."""
    fg = LayerGroup(f"Selected: {label}", True, catalogue.OGL_SHORT)
    fg.control = False
    fg.add_to(m)
    g = to_display(geometry, [], tolerance_m)
    props = pd.DataFrame({"n": [esc(label)] * len(g)})
    add_geojson(
        fg,
        feature_collection(g, props),
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

    fg = add_group(m, "Green space sites (OSM)", show, catalogue.OSM_ATTRIBUTION)
    shown = sites if min_area_ha is None else sites[sites["area_ha"] >= min_area_ha]
    g = to_display(shown, ["typology", "name", "area_ha"], tolerance_m)
    props = pd.DataFrame(
        {
            "n": display_names(g["name"]),
            "t": [esc(TYPOLOGIES.get(t, t)) for t in g["typology"]],
            "a": [fmt_value(a, "ha", 2) for a in g["area_ha"]],
            "k": g["typology"].astype(str).to_numpy(),
        }
    )
    colours = TYPOLOGY_COLOURS
    if len(g):
        add_geojson(
            fg,
            feature_collection(g, props),
            style_function=lambda f: {
                "color": colours.get(f["properties"]["k"], "#117733"),
                "weight": 0.6,
                "fillColor": colours.get(f["properties"]["k"], "#117733"),
                "fillOpacity": 0.6,
            },
            tooltip=tooltip(["n", "t", "a"], ["Site", "Type", "Area"]),
        )
    present = [t for t in TYPOLOGIES if t in set(sites["typology"])]
    note = "Publicly accessible OSM green space, merged into sites."
    if min_area_ha is not None and len(shown) < len(sites):
        note += (
            f" Showing the {len(shown):,} sites of {min_area_ha:g} ha or more of "
            f"{len(sites):,}; choose a district or smaller place to see them all."
        )
    add_legend(
        m,
        fg,
        "Green space sites by type",
        swatch_list(((colours[t], TYPOLOGIES[t]) for t in present), columns=2),
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
    fg = add_group(m, "Blue space (OSM water, rivers and canals)", show, catalogue.OSM_ATTRIBUTION)
    w = water[water["blue_space"]] if "blue_space" in water else water
    if len(w):
        g = to_display(w, ["name", "water_class"], tolerance_m)
        props = pd.DataFrame(
            {"n": display_names(g["name"]), "t": [esc(v) for v in g["water_class"]]}
        )
        add_geojson(
            fg,
            feature_collection(g, props),
            style_function=lambda f: {
                "color": WATER_LINE,
                "weight": 0.6,
                "fillColor": WATER_FILL,
                "fillOpacity": 0.85,
            },
            tooltip=tooltip(["n", "t"], ["Water", "Type"]),
        )
    ww = waterways[waterways["blue_space"]] if "blue_space" in waterways else waterways
    if len(ww):
        g = to_display(ww, ["name", "waterway"], tolerance_m)
        props = pd.DataFrame({"n": display_names(g["name"]), "t": [esc(v) for v in g["waterway"]]})
        add_geojson(
            fg,
            feature_collection(g, props),
            style_function=lambda f: {"color": WATER_LINE, "weight": 2.0, "opacity": 0.9},
            tooltip=tooltip(["n", "t"], ["Waterway", "Type"]),
        )
    body = swatch_list([(WATER_FILL, "Lakes, reservoirs, ponds")]) + swatch_list(
        [(WATER_LINE, "Rivers and canals")], "ln"
    )
    add_legend(m, fg, "Blue space", body, "OSM water 2023; waterways 2018.")
    return fg


#: Places shown with their postcode points (a district has up to ~25,000: too many to draw).
POINT_LEVELS = ("ward", "msoa", "lsoa", "custom")
#: Colour of the population points (dark, readable over every other layer).
POINT_COLOUR = "#332288"


def add_population_points(
    m: folium.Map, points: gpd.GeoDataFrame, *, show: bool = True
) -> folium.FeatureGroup:
    """Where people live: one circle per postcode of the population surface, area ∝ residents.

    Parameters
    ----------
    points
        EPSG:27700 points with ``postcode``, ``people`` (Census 2021 residents
        placed at the postcode, :mod:`geo.population_surface`) and ``lsoa21_code``.
    """
    source = f"{catalogue.OS_2025}; Census 2021 (ONS)"
    fg = add_group(m, "Where people live (postcodes)", show, source)
    shown = points[points["people"].to_numpy() > 0]
    g = to_display(shown, ["postcode", "people", "lsoa21_code"])
    people = g["people"].to_numpy(float)
    props = pd.DataFrame(
        {
            "p": [esc(v) for v in g["postcode"]],
            "n": [f"{int(v):,}" for v in people],
            "l": [esc(v) for v in g["lsoa21_code"]],
            # circle area proportional to residents: radius ∝ √people (px, 2 to 9)
            "r": np.clip(np.sqrt(people) * 0.9, 2.0, 9.0).round(1),
        }
    )
    if len(g):
        add_geojson(
            fg,
            feature_collection(g, props),
            marker=folium.CircleMarker(radius=3, weight=0.5, fill=True, fill_opacity=0.7),
            style_function=lambda f: {
                "radius": f["properties"]["r"],
                "color": "#ffffff",
                "fillColor": POINT_COLOUR,
            },
            tooltip=tooltip(["p", "n", "l"], ["Postcode", "Residents (Census 2021)", "LSOA"]),
        )
    add_legend(
        m,
        fg,
        "Where people live",
        swatch_list([(POINT_COLOUR, "Postcode (area ∝ residents)")]),
        f"{len(g):,} postcodes with {int(people.sum()):,} residents: each LSOA's Census 2021 "
        "residents placed at its live postcodes (OS Code-Point Open, Oct 2025).",
    )
    return fg
