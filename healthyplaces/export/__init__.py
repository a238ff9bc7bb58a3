"""Export a bundle layer (or the LSOA results) for one place as GeoJSON, GeoPackage or CSV.

Which features are kept, and why, is :mod:`healthyplaces.export.select`'s docstring.
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
