"""An on-disk store of computed results, keyed by the bundle and the code that computed them.

The county pipeline takes seconds; its outputs (tables) are saved once under
``<cache>/results/<key>/`` as Parquet plus ``meta.json`` and read back by
every later process: the command line, each app server, the tests. The key
is a hash of the bundle fingerprint (:func:`layers.bundle.fingerprint`) and of
every analysis source file (``geo/``, ``layers/``, ``analysis/``), so a
rebuilt bundle or a changed line of analysis code computes afresh.

Writes are atomic: a store entry is written into a temporary folder, flushed,
and renamed into place, so a reader sees a whole entry or none. Set
``HEALTHYPLACES_RESULTS_STORE=off`` to bypass the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa

from layers import paths
from layers.bundle import fingerprint
from layers.transaction import dir_mode, file_mode

#: Folders whose Python sources are part of the key.
_CODE_FOLDERS = ("geo", "layers", "analysis")


def enabled() -> bool:
    """Whether the store is in use (``HEALTHYPLACES_RESULTS_STORE`` is not ``off``)."""
    return os.environ.get("HEALTHYPLACES_RESULTS_STORE", "on").lower() not in ("off", "0", "no")


def code_version() -> str:
    """SHA-256 (16 hex digits) of every analysis source file, by path and content."""
    h = hashlib.sha256()
    for folder in _CODE_FOLDERS:
        for f in sorted((paths.PROJECT_ROOT / folder).rglob("*.py")):
            h.update(f.relative_to(paths.PROJECT_ROOT).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def key(name: str) -> str:
    """The store key of result ``name`` for the bundle and code in use."""
    return f"{name}-{fingerprint()}-{code_version()}"


def _folder(store_key: str) -> Path:
    return paths.cache_dir() / "results" / store_key


def load(store_key: str) -> tuple[dict[str, pd.DataFrame], dict[str, Any]] | None:
    """The frames and metadata stored under ``store_key``, or None if absent or unreadable."""
    folder = _folder(store_key)
    meta_path = folder / "meta.json"
    if not enabled() or not meta_path.exists():
        return None
    try:
        meta = dict(json.loads(meta_path.read_text()))
        frames: dict[str, pd.DataFrame] = {}
        for name, kind in meta["frames"].items():
            path = folder / f"{name}.parquet"
            frames[name] = gpd.read_parquet(path) if kind == "geo" else pd.read_parquet(path)
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None  # a damaged entry is recomputed, never trusted
    return frames, meta


def save(store_key: str, frames: dict[str, pd.DataFrame], meta: dict[str, Any]) -> Path | None:
    """Store ``frames`` (Parquet) and ``meta`` (JSON) under ``store_key``, atomically.

    Returns the entry's folder, or None when the store is off or not writable
    (results are then simply recomputed next time).
    """
    if not enabled():
        return None
    final = _folder(store_key)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{store_key}.", dir=final.parent))
        kinds: dict[str, str] = {}
        for name, frame in frames.items():
            path = tmp / f"{name}.parquet"
            frame.to_parquet(path)
            kinds[name] = "geo" if isinstance(frame, gpd.GeoDataFrame) else "table"
        (tmp / "meta.json").write_text(json.dumps({**meta, "frames": kinds}, indent=2))
        for f in tmp.iterdir():
            os.chmod(f, file_mode())
            with open(f, "rb+") as fh:
                os.fsync(fh.fileno())
        os.chmod(tmp, dir_mode())
        try:
            os.rename(tmp, final)  # atomic; fails if another process stored it first
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
        return final
    except OSError:
        return None
