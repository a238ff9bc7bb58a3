"""Read and write the embedded West Yorkshire bundle.

The bundle is a folder of GeoParquet files (vectors and tables), GeoTIFFs
(rasters) and ``manifest.json``, which records for every layer its source,
licence, vintage, row count, CRS and SHA-256. Everything the app and the
analysis read goes through :func:`read_table` or :func:`raster_path`, so a
missing or corrupt file always fails with one clear message.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from healthyplaces import settings
from layers._io import sha256

MANIFEST = "manifest.json"


class BundleError(RuntimeError):
    """A bundle file is missing or unreadable; the message says which and how to rebuild it."""


def bundle_dir() -> Path:
    """The bundle folder in use (``settings.BUNDLE_DIR``, or ``$HEALTHYPLACES_BUNDLE``)."""
    return Path(os.environ.get("HEALTHYPLACES_BUNDLE", settings.BUNDLE_DIR))


def _path(name: str, suffix: str) -> Path:
    return bundle_dir() / f"{name}{suffix}"


def read_table(name: str, columns: list[str] | None = None) -> pd.DataFrame | gpd.GeoDataFrame:
    """Read one bundle layer: a GeoDataFrame if it has geometry, else a DataFrame.

    Raises
    ------
    BundleError
        If the file is missing or cannot be parsed, naming the file and how to rebuild it.
    """
    path = _path(name, ".parquet")
    if not path.exists():
        raise BundleError(f"Bundle file missing: {path}. {settings.REBUILD_HINT}")
    try:
        meta = pq.read_schema(path).metadata or {}
        if b"geo" in meta:
            return gpd.read_parquet(path, columns=columns)
        return pd.read_parquet(path, columns=columns)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise BundleError(
            f"Bundle file is corrupt or unreadable: {path} ({exc}). {settings.REBUILD_HINT}"
        ) from exc


def raster_path(name: str) -> Path:
    """Path of a GeoTIFF layer in the bundle, checked to exist."""
    path = _path(name, ".tif")
    if not path.exists():
        raise BundleError(f"Bundle file missing: {path}. {settings.REBUILD_HINT}")
    return path


def manifest() -> dict[str, Any]:
    """The parsed ``manifest.json`` of the bundle in use."""
    path = bundle_dir() / MANIFEST
    if not path.exists():
        raise BundleError(f"Bundle manifest missing: {path}. {settings.REBUILD_HINT}")
    try:
        return dict(json.loads(path.read_text()))
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"Bundle manifest is corrupt: {path} ({exc}). {settings.REBUILD_HINT}"
        ) from exc


def fingerprint() -> str:
    """A short key that changes whenever the bundle changes (for app caches)."""
    path = bundle_dir() / MANIFEST
    return sha256(path)[:16] if path.exists() else "no-bundle"


def verify() -> list[str]:
    """Check every file in the manifest against its SHA-256; return the problems found."""
    problems = []
    for name, entry in manifest()["layers"].items():
        path = bundle_dir() / entry["file"]
        if not path.exists():
            problems.append(f"{name}: missing {path}")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"{name}: checksum mismatch for {path}")
    return problems


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write a (Geo)DataFrame as deterministic, zstd-compressed (Geo)Parquet."""
    frame = frame.reset_index(drop=True)
    kwargs: dict[str, Any] = {"compression": "zstd", "index": False}
    if isinstance(frame, gpd.GeoDataFrame):
        frame.to_parquet(path, write_covering_bbox=False, schema_version="1.0.0", **kwargs)
    else:
        frame.to_parquet(path, **kwargs)


@contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``final`` and move it into place only on success."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=final.suffix)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, final)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
