"""The "place pack": one GeoPackage (EPSG:27700) with everything a GIS officer needs for a place.

Layers, each selected as :mod:`healthyplaces.export.select` does for single exports:

* ``boundary``: the place's own outline (ONS boundary of its level);
* ``greenspace_sites``: whole OSM accessible green sites intersecting it;
* ``results_lsoa``: the per-LSOA indicators (its QGIS style, ``<pack>_results_lsoa.qml``,
  sits beside the file);
* ``iod2025``: the Indices of Deprivation 2025 per LSOA;
* ``air_pcm_<year>``: the DEFRA PCM 1 km cells (NO₂, PM2.5, PM10 annual means,
  µg/m³) that intersect the place, as square polygons.

The pack also holds the ``data_dictionary`` table (one row per field per layer)
and the attribution in ``gpkg_metadata``; a ``.dictionary.csv`` and ``.qml``
sit beside it.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import crs
from healthyplaces.export import style
from healthyplaces.export.dictionary import RENAMES, data_dictionary
from healthyplaces.export.metadata import RESULTS_LAYER, metadata
from healthyplaces.export.select import layer_frame, place_polygon
from healthyplaces.export.writers import (
    DICTIONARY_NOTE,
    DICTIONARY_TABLE,
    dictionary_path,
    write_gpkg,
    write_gpkg_table,
)
from layers import air_quality, catalogue, places
from layers.catalogue import LayerInfo
from layers.places import Place

#: The pseudo-layer name that asks :func:`~healthyplaces.export.export_layer` for a pack.
PLACE_PACK = "place-pack"

_POLLUTANTS = ("no2", "pm25", "pm10")


def _boundary(place: Place | None) -> tuple[gpd.GeoDataFrame, LayerInfo]:
    level = "county" if place is None else place.level
    frame = places.load_boundaries(level)
    if place is not None:
        frame = frame[frame["code"] == place.code]
    info = catalogue.LAYERS["county" if place is None else _LEVEL_LAYER.get(level, "lsoa21")]
    info = LayerInfo(**{**info.as_dict(), "name": "boundary", "title": f"{level} boundary"})
    return gpd.GeoDataFrame(frame.reset_index(drop=True)), info


_LEVEL_LAYER = {"district": "districts", "ward": "wards", "msoa": "msoa21", "lsoa": "lsoa21"}


def air_cells(place: Place | None, year: int = air_quality.DEFAULT_YEAR) -> gpd.GeoDataFrame:
    """PCM 1 km cells (EPSG:27700) intersecting the place, one column per pollutant (µg/m³)."""
    rasters = air_quality.load_all(year)
    first = rasters[_POLLUTANTS[0]]
    rows, cols = np.indices(first.values.shape)
    t = first.transform
    x0, y0 = t.c + cols.ravel() * t.a, t.f + rows.ravel() * t.e
    cells = shapely.box(x0, y0 + t.e, x0 + t.a, y0)
    data = {f"{p}_ugm3": rasters[p].values.ravel() for p in _POLLUTANTS}
    frame = gpd.GeoDataFrame(data, geometry=cells, crs=crs.ANALYSIS_CRS)
    frame = frame[frame[list(data)].notna().any(axis=1)]
    if place is not None:
        frame = frame[frame.intersects(place_polygon(place))]
    return frame.reset_index(drop=True)


def _air_info(year: int) -> LayerInfo:
    base = catalogue.LAYERS[catalogue.pcm_layer("no2", year)]
    return LayerInfo(
        **{**base.as_dict(), "name": f"air_pcm_{year}", "kind": "vector", "units": "µg/m³"}
    )


def write_place_pack(place: str | None, out: Path) -> tuple[int, str, tuple[Path, ...]]:
    """Write the pack to ``out``: (features in all layers, place name, sidecars written)."""
    resolved = places.resolve_place(place) if place else None
    if out.exists():
        out.unlink()
    layers: list[tuple[pd.DataFrame, LayerInfo]] = [_boundary(resolved)]
    for name in ("greenspace_sites", RESULTS_LAYER, "iod2025"):
        frame, info, _ = layer_frame(name, place)
        layers.append((frame.rename(columns=RENAMES) if name == RESULTS_LAYER else frame, info))
    year = air_quality.DEFAULT_YEAR
    layers.append((air_cells(resolved, year), _air_info(year)))
    dictionaries = []
    for frame, info in layers:
        write_gpkg(frame, metadata(info, resolved, len(frame)), out, append=out.exists())
        fields = data_dictionary(frame, info, results=info.name == RESULTS_LAYER)
        dictionaries.append(fields.assign(layer=info.name))
    table = pd.concat(dictionaries, ignore_index=True)
    write_gpkg_table(table, out, DICTIONARY_TABLE, DICTIONARY_NOTE)
    # GDAL may also mirror the dataset metadata into a PAM ``.aux.xml``; the attribution
    # is already inside the pack (gpkg_metadata), so the stray sidecar is removed.
    out.with_name(out.name + ".aux.xml").unlink(missing_ok=True)
    dictionary = dictionary_path(out)
    table.to_csv(dictionary, index=False, encoding="utf-8")
    qml = out.with_name(f"{out.stem}_{RESULTS_LAYER}.qml")
    qml.write_text(style.results_qml(), encoding="utf-8")
    where = resolved.name if resolved else places.COUNTY_NAME
    return sum(len(f) for f, _ in layers), where, (dictionary, qml)
