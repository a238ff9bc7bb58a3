"""What an export is: the exportable layers, their catalogue entries, metadata and sidecar."""

from __future__ import annotations

import difflib
from typing import Any

from analysis import air_years
from healthyplaces.export.writers import FORMATS
from layers import catalogue, network
from layers.catalogue import LAYERS, LayerInfo
from layers.errors import UnknownLayer
from layers.places import Place

#: The analysis results per LSOA (from :mod:`analysis.engine`), exportable like a layer.
RESULTS_LAYER = "results_lsoa"

SELECTION_NOTE = (
    "Boundary and LSOA layers: the units that make up the place (ONS lookup). Other "
    "layers: whole features that intersect the place's boundary (not cut at it)."
)


def exportable_layers() -> list[str]:
    """Names of the layers that can be exported: vector and table layers, and the results."""
    names = [n for n, info in LAYERS.items() if info.kind in ("vector", "table")]
    return [*names, RESULTS_LAYER]


def _results_info() -> LayerInfo:
    cov, year = network.network_coverage(), air_years.selected_year()
    return LayerInfo(
        RESULTS_LAYER,
        "Healthy Places indicators per LSOA 2021 (analysis results)",
        "vector",
        "Healthy Places West Yorkshire analysis of the bundle layers",
        "ODbL 1.0 (OSM-derived values) and OGL v3.0",
        catalogue.ATTRIBUTION,
        f"Census 2021; IoD 2025; DEFRA PCM {year}; OSM 2023-08 (network {cov.vintage}, "
        f"{cov.place})",
        "1,404 LSOAs",
        cov.note,
        "per field: see the data dictionary (GeoJSON `fields`, GeoPackage `data_dictionary` "
        "table, `.dictionary.csv` sidecar)",
    )


def layer_info(layer: str) -> LayerInfo:
    """The catalogue entry of an exportable layer.

    Raises
    ------
    UnknownLayer
        For a raster or an unknown name, with the nearest names.
    """
    if layer == RESULTS_LAYER:
        return _results_info()
    info = LAYERS.get(layer)
    if info is not None and info.kind == "raster":
        raise UnknownLayer(
            f"{layer!r} is a raster (GeoTIFF in the bundle) and cannot be exported as "
            f"{'/'.join(FORMATS)}. Exportable layers: {', '.join(exportable_layers())}."
        )
    if info is None:
        close = difflib.get_close_matches(layer, exportable_layers(), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownLayer(
            f"Unknown layer {layer!r}.{hint} Exportable layers: {', '.join(exportable_layers())}."
        )
    return info


def metadata(info: LayerInfo, place: Place | None, features: int) -> dict[str, Any]:
    """Attribution, licence, source and vintage of an export (GeoJSON foreign members)."""
    return {
        "layer": info.name,
        "title": info.title,
        "attribution": catalogue.ATTRIBUTION,
        "layer_attribution": info.attribution,
        "licence": info.licence,
        "source": info.source,
        "vintage": info.vintage,
        "gaps": info.gaps,
        "units": info.units,
        "place": None
        if place is None
        else {"code": place.code, "name": place.name, "level": place.level},
        "selection": SELECTION_NOTE,
        "features": features,
    }


def attribution_text(meta: dict[str, Any]) -> str:
    """The plain-text sidecar written beside a GeoPackage or CSV export (see the catalogue)."""
    return catalogue.sidecar_text(meta)


def property_schema(layer: str) -> list[tuple[str, str]]:
    """(column, type) of the properties an export of ``layer`` carries (no geometry)."""
    if layer == RESULTS_LAYER:
        from healthyplaces.export.select import results_frame  # select imports this module

        frame = results_frame()
        return [(c, str(t)) for c, t in frame.dtypes.items() if c != "geometry"]
    import pyarrow.parquet as pq

    from layers.bundle import bundle_dir

    layer_info(layer)
    schema = pq.read_schema(bundle_dir() / f"{layer}.parquet")
    return [(f.name, str(f.type)) for f in schema if f.name != "geometry"]
