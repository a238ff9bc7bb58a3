"""Online and local-file OSM loaders: the full walking network and green and blue space, anywhere.

The embedded bundle has a complete walking network only round Leeds city centre. A
user *with internet* fills that gap from Overpass through osmnx
(:mod:`layers.osm.overpass`), or offline from a downloaded Geofabrik / BBBike
``.osm.pbf`` file (:mod:`layers.osm.pbf`). Both hand osmnx's frames to
:mod:`layers.osm.convert`, which turns them into the bundle's layouts with the
bundle build's own rules (:func:`layers.greenspace.classify`,
:func:`geo.sites.merge_sites`, :func:`layers.network.walkable`), so ``geo`` and
:mod:`geo.network.routing` consume them unchanged and
:func:`layers.build.refresh_layer` can swap one into the bundle.

Data: © OpenStreetMap contributors (ODbL 1.0).
"""

from __future__ import annotations

from layers.osm.convert import (
    BLUE_TAGS,
    FEATURE_TAGS,
    GREEN_COLUMNS,
    GREEN_TAGS,
    WATER_COLUMNS,
    WATERWAY_COLUMNS,
    WalkingNetwork,
    features_to_bluespace,
    features_to_greenspace,
    graph_to_network,
    green_sites,
)
from layers.osm.overpass import (
    NETWORK_TYPE,
    Place,
    bluespace_from_place,
    configure_osmnx,
    greenspace_from_place,
    walking_network_from_place,
)
from layers.osm.pbf import OsmFileLayers, from_osm_file

__all__ = [
    "BLUE_TAGS",
    "FEATURE_TAGS",
    "GREEN_COLUMNS",
    "GREEN_TAGS",
    "NETWORK_TYPE",
    "WATERWAY_COLUMNS",
    "WATER_COLUMNS",
    "OsmFileLayers",
    "Place",
    "WalkingNetwork",
    "bluespace_from_place",
    "configure_osmnx",
    "features_to_bluespace",
    "features_to_greenspace",
    "from_osm_file",
    "graph_to_network",
    "green_sites",
    "greenspace_from_place",
    "walking_network_from_place",
]
