"""Write an export to a file (with its sidecar), or as bytes for a download button."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from healthyplaces.export import pack, style
from healthyplaces.export.dictionary import RENAMES, data_dictionary
from healthyplaces.export.metadata import RESULTS_LAYER, attribution_text, metadata
from healthyplaces.export.select import layer_frame
from healthyplaces.export.writers import (
    DICTIONARY_NOTE,
    DICTIONARY_TABLE,
    FORMATS,
    dictionary_path,
    sidecar_path,
    write_csv,
    write_geojson,
    write_gpkg,
    write_gpkg_table,
)
from layers import catalogue, places


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_layer` wrote (``extras``: dictionary, ``.csvt``, ``.qml`` sidecars)."""

    path: Path
    sidecar: Path | None
    features: int
    layer: str
    place: str
    extras: tuple[Path, ...] = ()


def _write_one(
    frame: pd.DataFrame, meta: dict[str, Any], fields: pd.DataFrame, fmt: str, out: Path
) -> list[Path]:
    """Write ``frame`` as ``fmt``; returns the sidecars written beside it."""
    written: list[Path] = []
    if fmt == "geojson":
        write_geojson(frame, {**meta, "fields": _records(fields)}, out)
    elif fmt == "gpkg":
        write_gpkg(frame, meta, out)
        write_gpkg_table(fields.assign(layer=meta["layer"]), out, DICTIONARY_TABLE, DICTIONARY_NOTE)
    else:
        written.append(write_csv(frame, out))
        sidecar = sidecar_path(out)
        sidecar.write_text(attribution_text(meta), encoding="utf-8")
        written.append(sidecar)
    dictionary = dictionary_path(out)
    fields.to_csv(dictionary, index=False, encoding="utf-8")
    written.append(dictionary)
    if meta["layer"] == RESULTS_LAYER:
        qml = out.with_suffix(".qml")
        qml.write_text(style.results_qml(), encoding="utf-8")
        written.append(qml)
    return written


def _records(fields: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in fields.to_dict(orient="records")]


def export_layer(layer: str, place: str | None, fmt: str, path: str | Path) -> ExportResult:
    """Write ``layer`` for ``place`` to ``path`` as ``geojson``, ``gpkg`` or ``csv``.

    Parameters
    ----------
    layer
        A name from :func:`exportable_layers` (bundle vector/table layers, ``results_lsoa``),
        or ``place-pack`` (:data:`~healthyplaces.export.pack.PLACE_PACK`, GeoPackage only).
    place
        A place code or name (see :func:`layers.places.resolve_place`); None = county.
    fmt
        ``geojson`` (EPSG:4326, attribution and data dictionary inside), ``gpkg``
        (EPSG:27700, attribution in ``gpkg_metadata``, dictionary in the
        ``data_dictionary`` table) or ``csv`` (``WKT`` in EPSG:4326, ``.csvt`` and
        ``.attribution.txt`` sidecars). Every format gets a ``.dictionary.csv``
        sidecar; the results also get a QGIS style (``.qml``) beside the file.
    path
        Output file; its folder is created.

    Raises
    ------
    UnknownLayer, layers.errors.PlaceNotFound, ValueError
        Unknown layer, unknown place (with the nearest names) or unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    layer = catalogue.layer_name(layer)  # old names stay valid (e.g. green_sites)
    if layer == pack.PLACE_PACK:
        if fmt != "gpkg":
            raise ValueError(f"{pack.PLACE_PACK} is a multi-layer GeoPackage: use --format gpkg")
        n, where, extras = pack.write_place_pack(place, out)
        return ExportResult(out, None, n, layer, where, extras)
    frame, info, resolved = layer_frame(layer, place)
    if layer == RESULTS_LAYER:
        frame = frame.rename(columns=RENAMES)
    meta = metadata(info, resolved, len(frame))
    fields = data_dictionary(frame, info, results=layer == RESULTS_LAYER)
    written = _write_one(frame, meta, fields, fmt, out)
    sidecar = next((p for p in written if p.name.endswith(".attribution.txt")), None)
    where = resolved.name if resolved else places.COUNTY_NAME
    return ExportResult(out, sidecar, len(frame), layer, where, tuple(written))


def export_download(layer: str, place: str | None, fmt: str) -> tuple[bytes, str, str, int]:
    """An export as bytes for a download button: (data, file name, MIME type, features).

    GeoJSON and GeoPackage are returned as is (each carries its attribution and
    data dictionary inside; the same file the CLI writes); a CSV is zipped with
    its ``.csvt``, ``.attribution.txt`` and ``.dictionary.csv`` sidecars (and the
    results' ``.qml``).
    """
    slug = (place or "west-yorkshire").strip().lower().replace(" ", "-")
    stem = f"{layer}_{slug}"
    suffix, mime = FORMATS.get(fmt, (".bin", "application/octet-stream"))
    with tempfile.TemporaryDirectory() as tmp:
        result = export_layer(layer, place, fmt, Path(tmp) / f"{stem}{suffix}")
        if fmt != "csv":
            return result.path.read_bytes(), result.path.name, mime, result.features
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in (result.path, *result.extras):
                zf.write(part, part.name)
        return buffer.getvalue(), f"{stem}_{fmt}.zip", "application/zip", result.features
