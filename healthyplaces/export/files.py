"""Write an export to a file (with its sidecar), or as bytes for a download button."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from healthyplaces.export.metadata import attribution_text, metadata
from healthyplaces.export.select import layer_frame
from healthyplaces.export.writers import FORMATS, sidecar_path, write_csv, write_geojson, write_gpkg
from layers import places


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_layer` wrote."""

    path: Path
    sidecar: Path | None
    features: int
    layer: str
    place: str


def export_layer(layer: str, place: str | None, fmt: str, path: str | Path) -> ExportResult:
    """Write ``layer`` for ``place`` to ``path`` as ``geojson``, ``gpkg`` or ``csv``.

    Parameters
    ----------
    layer
        A name from :func:`exportable_layers` (bundle vector/table layers, ``results_lsoa``).
    place
        A place code or name (see :func:`layers.boundaries.resolve_place`); None = county.
    fmt
        ``geojson`` (EPSG:4326, attribution inside), ``gpkg`` (EPSG:27700) or ``csv``
        (WKT in EPSG:4326); the last two get an ``.attribution.txt`` sidecar.
    path
        Output file; its folder is created.

    Raises
    ------
    UnknownLayer, layers.boundaries.PlaceNotFound, ValueError
        Unknown layer, unknown place (with the nearest names) or unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(path)
    frame, info, resolved = layer_frame(layer, place)
    meta = metadata(info, resolved, len(frame))
    out.parent.mkdir(parents=True, exist_ok=True)
    sidecar: Path | None = None
    if fmt == "geojson":
        write_geojson(frame, meta, out)
    else:
        if fmt == "gpkg":
            write_gpkg(frame, meta, out)
        else:
            write_csv(frame, out)
        sidecar = sidecar_path(out)
        sidecar.write_text(attribution_text(meta), encoding="utf-8")
    where = resolved.name if resolved else places.COUNTY_NAME
    return ExportResult(out, sidecar, len(frame), layer, where)


def export_download(layer: str, place: str | None, fmt: str) -> tuple[bytes, str, str, int]:
    """An export as bytes for a download button: (data, file name, MIME type, features).

    GeoJSON is returned as is (it carries its attribution); GeoPackage and CSV
    are zipped together with their ``.attribution.txt`` sidecar.
    """
    slug = (place or "west-yorkshire").strip().lower().replace(" ", "-")
    stem = f"{layer}_{slug}"
    suffix, mime = FORMATS.get(fmt, (".bin", "application/octet-stream"))
    with tempfile.TemporaryDirectory() as tmp:
        result = export_layer(layer, place, fmt, Path(tmp) / f"{stem}{suffix}")
        if result.sidecar is None:
            return result.path.read_bytes(), result.path.name, mime, result.features
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(result.path, result.path.name)
            zf.write(result.sidecar, result.sidecar.name)
        return buffer.getvalue(), f"{stem}_{fmt}.zip", "application/zip", result.features
