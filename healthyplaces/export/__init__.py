"""Export a bundle layer (or the LSOA results) for one place as GeoJSON, GeoPackage or CSV.

Which features are kept
-----------------------
* **Boundary and LSOA-keyed layers** (``county``, ``districts``, ``wards``,
  ``msoa21``, ``lsoa21``, ``lsoa11``, the LSOA tables and the results) are
  selected through the ONS LSOA → ward → district lookup: exactly the units
  that make up the place (or, for a ward or district layer and a smaller
  place, the unit that contains it). Neighbours that merely share an edge are
  not included.
* **Every other vector layer** (OSM green and blue space, trees, the walking
  network) keeps **whole features that intersect the place's boundary
  polygon**; features are not cut at the boundary, so a park straddling the
  district edge is exported whole. Features that only touch the boundary
  from outside are dropped.
* ``place=None`` exports the whole county.

Formats
-------
* ``geojson``: RFC 7946, EPSG:4326 (longitude, latitude), coordinates to 6
  decimals (~0.1 m), no ``crs`` member. The FeatureCollection carries foreign
  members ``attribution``, ``licence``, ``source``, ``vintage``, ``layer``,
  ``title``, ``place`` and ``selection``.
  A ``fields`` member holds the data dictionary.
* ``gpkg``: EPSG:27700 (British National Grid, metres), not zipped; layer
  description and ``gpkg_metadata`` with the attribution, and a
  ``data_dictionary`` attribute table.
* ``csv``: one row per feature with its geometry as ``WKT`` in EPSG:4326, a
  ``.csvt`` of column types (GDAL CSV driver) and a ``<file>.attribution.txt``.
* Every format gets a ``<file>.dictionary.csv`` (field, type, description,
  units, source, year); the results also a QGIS style ``.qml``
  (:mod:`~healthyplaces.export.style`). Field types agree across formats.
* ``place-pack`` (:mod:`~healthyplaces.export.pack`): one multi-layer
  GeoPackage (boundary, sites, results, IoD, air) for a place.

Raster layers (air quality) cannot be exported here; they are GeoTIFFs in the bundle.

Modules: :mod:`~healthyplaces.export.select` (a layer's frame for a place),
:mod:`~healthyplaces.export.writers` (GeoJSON, GeoPackage, CSV),
:mod:`~healthyplaces.export.metadata` (catalogue entry, metadata, sidecar),
:mod:`~healthyplaces.export.dictionary` (data dictionary),
:mod:`~healthyplaces.export.style` (QGIS ``.qml``), :mod:`~healthyplaces.export.pack`
(place pack) and :mod:`~healthyplaces.export.files` (to a file or a download).
"""

from __future__ import annotations

from healthyplaces.export.dictionary import data_dictionary
from healthyplaces.export.files import ExportResult, export_download, export_layer
from healthyplaces.export.metadata import (
    RESULTS_LAYER,
    SELECTION_NOTE,
    attribution_text,
    exportable_layers,
    layer_info,
    metadata,
    property_schema,
)
from healthyplaces.export.select import layer_frame
from healthyplaces.export.writers import (
    COORD_DECIMALS,
    FORMATS,
    sidecar_path,
    write_csv,
    write_geojson,
    write_gpkg,
)
from layers.errors import UnknownLayer

__all__ = [
    "COORD_DECIMALS",
    "FORMATS",
    "RESULTS_LAYER",
    "SELECTION_NOTE",
    "ExportResult",
    "UnknownLayer",
    "attribution_text",
    "data_dictionary",
    "export_download",
    "export_layer",
    "exportable_layers",
    "layer_frame",
    "layer_info",
    "metadata",
    "property_schema",
    "sidecar_path",
    "write_csv",
    "write_geojson",
    "write_gpkg",
]
