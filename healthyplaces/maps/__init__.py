"""Folium maps for the app and the reports: base map, layers with legends, attribution.

Presentation only: every function takes data that ``layers`` loaded (or results
the engine computed) in EPSG:27700 metres and draws it on a Leaflet map in
EPSG:4326 longitude/latitude. Nothing here computes an indicator.

* :mod:`~healthyplaces.maps.elements`: Leaflet/folium elements (base map, layer
  groups, legend panel, CSS, place frame, the split for updates in place);
* :mod:`~healthyplaces.maps.display`: display geometry (to_display, in_view,
  feature_at, payload size, raster warping);
* :mod:`~healthyplaces.maps.features`, :mod:`~healthyplaces.maps.sites` (green sites
  by access status, with their members) and :mod:`~healthyplaces.maps.values`: the
  overlays; :mod:`~healthyplaces.maps.tables`: the features as tables, for keyboards.
  Colours are in :mod:`healthyplaces.palettes`, vendored Leaflet in
  :mod:`healthyplaces.assets`, attribution in :mod:`layers.catalogue`.
"""

from __future__ import annotations

from healthyplaces.assets import data_uri, embedded_assets, leaflet_draw_assets
from healthyplaces.formatting import esc
from healthyplaces.maps.change import add_change_raster
from healthyplaces.maps.display import (
    COUNTY_MIN_SITE_HA,
    DISPLAY_DECIMALS,
    SIMPLIFY_M,
    WEB_MERCATOR,
    feature_at,
    in_view,
    map_payload_bytes,
    raster_rgba,
    to_display,
)
from healthyplaces.maps.elements import (
    LIVE_CENTRE,
    LiveParts,
    base_map,
    finish,
    live_parts,
    scripts_only,
)
from healthyplaces.maps.features import (
    POINT_LEVELS,
    add_blue_space,
    add_boundaries,
    add_green_sites,
    add_outline,
    add_population_points,
)
from healthyplaces.maps.sites import add_sites_by_access
from healthyplaces.maps.tables import lsoa_table, sites_table
from healthyplaces.maps.values import (
    SCHEMES,
    add_choropleth,
    add_double_burden,
    add_iod_deciles,
    add_raster,
    classify_values,
)
from healthyplaces.palettes import (
    DOUBLE_BURDEN_COLOUR,
    IOD_DECILE_COLOURS,
    NO_DATA_COLOUR,
    OFFLINE_BACKGROUND,
    SEQUENTIAL_PALETTES,
    TYPOLOGY_COLOURS,
    WATER_FILL,
    WATER_LINE,
    sequential_colours,
)

__all__ = [
    "COUNTY_MIN_SITE_HA",
    "DISPLAY_DECIMALS",
    "DOUBLE_BURDEN_COLOUR",
    "IOD_DECILE_COLOURS",
    "LIVE_CENTRE",
    "NO_DATA_COLOUR",
    "OFFLINE_BACKGROUND",
    "POINT_LEVELS",
    "SCHEMES",
    "SEQUENTIAL_PALETTES",
    "SIMPLIFY_M",
    "TYPOLOGY_COLOURS",
    "WATER_FILL",
    "WATER_LINE",
    "WEB_MERCATOR",
    "LiveParts",
    "add_blue_space",
    "add_boundaries",
    "add_change_raster",
    "add_choropleth",
    "add_double_burden",
    "add_green_sites",
    "add_iod_deciles",
    "add_outline",
    "add_population_points",
    "add_raster",
    "add_sites_by_access",
    "base_map",
    "classify_values",
    "data_uri",
    "embedded_assets",
    "esc",
    "feature_at",
    "finish",
    "in_view",
    "leaflet_draw_assets",
    "live_parts",
    "lsoa_table",
    "map_payload_bytes",
    "raster_rgba",
    "scripts_only",
    "sequential_colours",
    "sites_table",
    "to_display",
]
