"""Map overlays of walking isochrones: the network's coverage, the walking areas, the origin.

Presentation only: the walking areas come from
:func:`analysis.walk.isochrone_summary` (``bands`` with ``geometry_lonlat``,
GeoJSON in EPSG:4326), the coverage polygon from :mod:`layers.network`
(EPSG:27700). Colours are a ColorBrewer sequential ramp
(:func:`healthyplaces.palettes.sequential_colours`, colour-blind safe; Harrower
& Brewer 2003), darkest for the shortest walk, so the nested areas read as
"nearer is darker". Yellow-orange-red, because the green space (Tol muted) and
the water (blues) are drawn over the walking areas and must stand apart from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely

from geo import crs
from healthyplaces.formatting import esc, fmt_number, fmt_people
from healthyplaces.maps.display import DISPLAY_DECIMALS, feature_collection, to_display
from healthyplaces.maps.elements import (
    LayerGroup,
    add_geojson,
    add_group,
    add_legend,
    swatch_list,
    tooltip,
)
from healthyplaces.palettes import sequential_colours
from layers import catalogue

#: Ramp of the walking areas (ColorBrewer, colour-blind safe; no greens or blues).
ISOCHRONE_PALETTE = "YlOrRd"
#: Outline of the area where the walking network is complete (Paul Tol bright grey-black).
COVERAGE_COLOUR = "#333333"
#: The clicked or typed origin (black with a white ring: stands out on every layer).
ORIGIN_COLOUR = "#000000"


def isochrone_colours(n: int) -> list[str]:
    """``n`` colours for walking areas in ascending time: the shortest walk darkest."""
    return list(reversed(sequential_colours(ISOCHRONE_PALETTE, n)))


def bands_frame(bands: Sequence[dict[str, Any]]) -> gpd.GeoDataFrame:
    """The walking areas as a GeoDataFrame (EPSG:4326), one row per band, in ascending time.

    Parameters
    ----------
    bands
        ``isochrone_summary(...)["bands"]``: ``minutes``, ``distance_m``, ``area_ha``,
        ``green_ha``, ``blue_ha``, ``people``, ``complete`` and ``geometry_lonlat``.
    """
    keys = ("minutes", "distance_m", "area_ha", "green_ha", "blue_ha", "people", "complete")
    rows = sorted(bands, key=lambda b: float(b["minutes"]))
    return gpd.GeoDataFrame(
        {k: [b[k] for b in rows] for k in keys},
        geometry=[shapely.geometry.shape(b["geometry_lonlat"]) for b in rows],
        crs=crs.DISPLAY_CRS,
    )


def add_coverage(m: folium.Map, area: gpd.GeoDataFrame, name: str) -> folium.FeatureGroup:
    """The outline of the area where the walking network is complete (EPSG:27700 input).

    ``name`` is the coverage's name from the bundle manifest
    (:attr:`layers.network.NetworkCoverage.name`), shown on hover and in the legend.
    """
    fg = add_group(m, "Walking network coverage", True, catalogue.OSM_ATTRIBUTION)
    g = to_display(area, [])
    props = pd.DataFrame({"n": [esc(name)] * len(g)})
    add_geojson(
        fg,
        feature_collection(g, props),
        style_function=lambda f: {
            "color": COVERAGE_COLOUR,
            "weight": 2.5,
            "dashArray": "8 6",
            "fill": False,
        },
        interactive=False,
    )
    add_legend(
        m,
        fg,
        "Walking network",
        swatch_list([(COVERAGE_COLOUR, f"Complete network: {name}")], "ln"),
        "Click inside the dashed line to start a walk.",
    )
    return fg


def add_isochrones(
    m: folium.Map, bands: gpd.GeoDataFrame, speed_kmh: float, buffer_m: float
) -> LayerGroup:
    """The nested walking areas (:func:`bands_frame`), the longest walk drawn first.

    Parameters
    ----------
    bands
        EPSG:4326 walking areas in ascending time, with ``minutes``, ``distance_m``,
        ``area_ha`` and ``people``.
    speed_kmh
        The walking speed the times assume, km/h (legend).
    buffer_m
        Buffer round the reached streets, m (legend).
    """
    # OSM is credited by the coverage layer drawn with it; the people are ONS (OGL)
    fg = add_group(m, "Walking areas", True, catalogue.OGL_SHORT)
    colours = isochrone_colours(len(bands))
    shown = bands.assign(colour=colours)  # before to_display drops any empty area
    g = to_display(shown, ["minutes", "distance_m", "area_ha", "people", "colour"]).iloc[::-1]
    props = pd.DataFrame(
        {
            "t": [f"{fmt_number(v, 0)} min" for v in g["minutes"]],
            "d": [f"{fmt_number(v, 0)} m" for v in g["distance_m"]],
            "a": [f"{fmt_number(v, 1)} ha" for v in g["area_ha"]],
            "p": [f"about {fmt_people(v)}" for v in g["people"]],
            "c": g["colour"].to_numpy(),
        }
    )
    add_geojson(
        fg,
        feature_collection(g, props),
        style_function=lambda f: {
            "color": f["properties"]["c"],
            "weight": 1.5,
            "fillColor": f["properties"]["c"],
            "fillOpacity": 0.35,
        },
        tooltip=tooltip(
            ["t", "d", "a", "p"],
            ["Walk", "Distance", "Area", "People (Census 2021)"],
        ),
    )
    items = [
        (c, f"{fmt_number(t, 0)} min ({fmt_number(d, 0)} m)")
        for c, t, d in zip(colours, bands["minutes"], bands["distance_m"], strict=True)
    ]
    add_legend(
        m,
        fg,
        f"Walking time at {speed_kmh:g} km/h",
        swatch_list(items),
        f"Streets reached on foot (OSM), buffered {buffer_m:g} m.",
    )
    return fg


def add_origin(m: folium.Map, lon: float, lat: float) -> folium.CircleMarker:
    """The walk's starting point (EPSG:4326 degrees), always on, not in the layer switcher."""
    fg = LayerGroup("Starting point", True, catalogue.OSM_ATTRIBUTION)
    fg.control = False
    fg.add_to(m)
    where = f"{lon:.{DISPLAY_DECIMALS}f}, {lat:.{DISPLAY_DECIMALS}f}"
    marker = folium.CircleMarker(
        location=[lat, lon],
        radius=6,
        color="#ffffff",
        weight=2,
        fill=True,
        fill_color=ORIGIN_COLOUR,
        fill_opacity=1.0,
        tooltip=esc(f"Start: {where} (lon, lat)"),
    )
    marker.add_to(fg)
    return marker
