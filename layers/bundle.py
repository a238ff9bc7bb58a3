"""Read and write the embedded West Yorkshire bundle.

The bundle is a folder of GeoParquet files (vectors and tables), GeoTIFFs
(rasters) and ``manifest.json``, which records for every layer its source,
licence, vintage, row count, CRS and SHA-256. Everything the app and the
analysis read goes through :func:`read_table` or :func:`raster_path`, so a
missing or corrupt file always fails with one clear message.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from layers import catalogue, paths
from layers._io import sha256
from layers.errors import BundleError
from layers.transaction import JOURNAL, file_mode, locked, recover

MANIFEST = "manifest.json"

__all__ = [
    "MANIFEST",
    "BundleError",
    "atomic_path",
    "bundle_dir",
    "fingerprint",
    "manifest",
    "raster_path",
    "read_table",
    "verify",
    "write_frame",
]


def bundle_dir() -> Path:
    """The bundle folder in use (:func:`layers.paths.bundle_dir`, resolved at call time)."""
    return paths.bundle_dir()


def _path(name: str, suffix: str) -> Path:
    return bundle_dir() / f"{catalogue.layer_name(name)}{suffix}"


#: Files whose SHA-256 matched the manifest: (path, size, mtime_ns, manifest sha256).
_VERIFIED: set[tuple[str, int, int, str]] = set()
_VERIFY_LOCK = threading.Lock()


def _checked(path: Path) -> Path:
    """``path`` after checking it exists and matches its SHA-256 in ``manifest.json``.

    The check is made once per file version (path, size and mtime), so a file
    is hashed when first loaded and again only after it changes.

    Raises
    ------
    BundleError
        If the file or the manifest is missing, the manifest does not list the
        file, or the file's SHA-256 differs from the manifest's.
    """
    if not path.exists():
        raise BundleError(f"Bundle file missing: {path}. {paths.REBUILD_HINT}")
    entries = {e["file"]: e for e in manifest()["layers"].values()}
    entry = entries.get(path.name)
    if entry is None:
        raise BundleError(
            f"Bundle file {path} is not listed in {path.parent / MANIFEST}. {paths.REBUILD_HINT}"
        )
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, str(entry["sha256"]))
    with _VERIFY_LOCK:
        if key in _VERIFIED:
            return path
    if sha256(path) != entry["sha256"]:
        raise BundleError(
            f"Bundle file is corrupt: {path} does not match its SHA-256 in manifest.json "
            f"(changed or damaged since the bundle was built). {paths.REBUILD_HINT}"
        )
    with _VERIFY_LOCK:
        _VERIFIED.add(key)
    return path


def read_table(name: str, columns: list[str] | None = None) -> pd.DataFrame | gpd.GeoDataFrame:
    """Read one bundle layer: a GeoDataFrame if it has geometry, else a DataFrame.

    The file is first checked against its SHA-256 in ``manifest.json``. Only
    reading its bytes holds the bundle lock (so no writer replaces it half
    read); they are decoded after it is released, so layers loaded on several
    threads (:func:`analysis.engine.load_inputs`) decode side by side.

    Raises
    ------
    BundleError
        If the file is missing, fails its checksum or cannot be parsed, naming
        the file and how to rebuild it.
    """
    folder = bundle_dir()
    with locked(folder):
        _finish_interrupted_commit(folder)
        path = _checked(_path(name, ".parquet"))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BundleError(
                f"Bundle file is corrupt or unreadable: {path} ({exc}). {paths.REBUILD_HINT}"
            ) from exc
    return _read_verified(path, data, columns)


def _finish_interrupted_commit(folder: Path) -> None:
    """Complete a killed writer's commit before reading (call under the lock)."""
    if (folder / JOURNAL).exists():
        recover(folder)


def _read_verified(
    path: Path, data: bytes, columns: list[str] | None
) -> pd.DataFrame | gpd.GeoDataFrame:
    """Decode the bytes ``data`` of the checked Parquet file ``path`` (named in errors)."""
    try:
        meta = pq.read_schema(pa.BufferReader(data)).metadata or {}
        if b"geo" in meta and (columns is None or set(columns) & _geometry_columns(meta)):
            return gpd.read_parquet(io.BytesIO(data), columns=columns)
        return pd.read_parquet(io.BytesIO(data), columns=columns)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise BundleError(
            f"Bundle file is corrupt or unreadable: {path} ({exc}). {paths.REBUILD_HINT}"
        ) from exc


def _geometry_columns(meta: dict[bytes, bytes]) -> set[str]:
    """The geometry columns a GeoParquet file's ``geo`` metadata names."""
    return set(json.loads(meta[b"geo"]).get("columns", {}))


def raster_path(name: str) -> Path:
    """Path of a GeoTIFF layer in the bundle, checked to exist and match its SHA-256."""
    folder = bundle_dir()
    with locked(folder):
        _finish_interrupted_commit(folder)
        return _checked(_path(name, ".tif"))


def manifest() -> dict[str, Any]:
    """The parsed ``manifest.json`` of the bundle in use."""
    path = bundle_dir() / MANIFEST
    if not path.exists():
        raise BundleError(f"Bundle manifest missing: {path}. {paths.REBUILD_HINT}")
    try:
        return dict(json.loads(path.read_text()))
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"Bundle manifest is corrupt: {path} ({exc}). {paths.REBUILD_HINT}"
        ) from exc


def fingerprint() -> str:
    """A short key that changes whenever the bundle changes (for caches of results).

    It covers the bundle folder's resolved path and the name, size and
    modification time of every file in it, the manifest included, so a
    replaced layer, a second bundle or an edited manifest all give a new key.
    """
    folder = bundle_dir()
    if not folder.is_dir():
        return "no-bundle"
    h = hashlib.sha256(str(folder.resolve()).encode())
    for f in sorted(folder.iterdir()):
        if f.is_file() and not f.name.startswith("."):
            st = f.stat()
            h.update(f"{f.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def verify() -> list[str]:
    """Check every file in the manifest against its SHA-256; return the problems found.

    A killed writer's leftovers are first completed or removed
    (:func:`layers.transaction.recover`), as the next writer would.
    """
    problems = []
    with locked(bundle_dir()):
        recover(bundle_dir())
        layers = manifest()["layers"]
    for name, entry in layers.items():
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
    """Yield a temporary path beside ``final``; on success flush it and move it into place.

    The temporary file is ``.<name>.<random>.tmp`` (cleaned up by
    :func:`layers.transaction.recover` if a process dies holding it); the
    final file gets the umask's permissions, not ``mkstemp``'s 0600.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, file_mode())
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, final)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
