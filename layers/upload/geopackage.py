"""GeoPackage checked with Python's sqlite3 before GDAL sees it (OGC 12-128r18).

A GeoPackage is an SQLite 3 file whose header says so (``SQLite format 3\\0``,
then ``application_id`` "GPKG" at byte 68) and whose ``gpkg_contents`` table
lists its layers. The gate requires exactly one feature layer that is a real
table (not a view, no generated columns, so reading runs no user SQL), at most
the feature limit of rows, and a CRS definition PROJ can parse as WKT.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyproj
from pyproj.exceptions import CRSError

from layers.errors import UserAreaError
from layers.upload.limits import Deadline, Limits, detail
from layers.upload.validation import check_on_earth

SQLITE_MAGIC = b"SQLite format 3\x00"
#: ``application_id`` values: "GPKG" (1.2+), "GP10", "GP11" (1.0, 1.1).
_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")
#: SQLite virtual-machine steps between deadline checks.
_STEPS_PER_CHECK = 10_000


def looks_like(data: bytes) -> bool:
    """True if ``data`` starts with the SQLite 3 header."""
    return data[:16] == SQLITE_MAGIC


def check(path: Path, label: str, limits: Limits, deadline: Deadline) -> str:
    """Check a GeoPackage file and return the name of its one feature layer.

    Raises
    ------
    UserAreaError
        If it is not a GeoPackage, has no or several feature layers, reads
        SQL at query time, has too many features or an unparseable CRS.
    """
    head = path.read_bytes()[:100]
    if not looks_like(head) or head[68:72] not in _APPLICATION_IDS:
        raise UserAreaError(
            f"{label} is not a GeoPackage (an SQLite file without the GeoPackage "
            "application id). Export it from your GIS as GeoPackage."
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise UserAreaError(
            f"{label} could not be opened as a GeoPackage ({detail(exc)})."
        ) from exc

    def _over_budget() -> int:
        return 1 if deadline.remaining_s() < 0 else 0

    conn.set_progress_handler(_over_budget, _STEPS_PER_CHECK)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        return _layer(conn, label, limits)
    except sqlite3.Error as exc:
        deadline.check("reading the GeoPackage")
        raise UserAreaError(
            f"{label} is a damaged or unusable GeoPackage ({detail(exc)})."
        ) from exc
    finally:
        conn.close()


def _layer(conn: sqlite3.Connection, label: str, limits: Limits) -> str:
    rows = conn.execute(
        "SELECT table_name, srs_id FROM gpkg_contents WHERE data_type = 'features'"
    ).fetchall()
    if len(rows) != 1:
        names = ", ".join(str(r[0]) for r in rows[:5]) or "none"
        raise UserAreaError(
            f"{label} has {len(rows)} feature layers ({names}); upload a GeoPackage with "
            "exactly one layer of polygons."
        )
    table, srs_id = str(rows[0][0]), rows[0][1]
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    if kind is None or kind[0] != "table":
        raise UserAreaError(
            f"{label}: its layer {table[:40]!r} is not a plain table (views are not accepted)."
        )
    quoted = '"' + table.replace('"', '""') + '"'
    if any(col[6] in (2, 3) for col in conn.execute(f"PRAGMA table_xinfo({quoted})")):
        raise UserAreaError(f"{label}: its layer has generated columns, which are not accepted.")
    (n,) = conn.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()
    if int(n) > limits.max_features:
        raise UserAreaError(
            f"{label} has {int(n):,} features; the limit is {limits.max_features:,}. "
            "Dissolve or select the features you need and upload them again."
        )
    srs = conn.execute(
        "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,)
    ).fetchone()
    if srs is None or srs_id in (0, -1) or str(srs[0]).strip().lower() == "undefined":
        raise UserAreaError(
            f"{label} has no coordinate reference system. Re-export it with a CRS such as "
            "EPSG:27700 or EPSG:4326."
        )
    try:
        declared = pyproj.CRS.from_wkt(str(srs[0]))
    except CRSError as exc:
        raise UserAreaError(
            f"{label} declares a CRS that cannot be parsed (srs_id {srs_id}). Re-export it "
            "with a CRS such as EPSG:27700 or EPSG:4326."
        ) from exc
    check_on_earth(declared, label)  # GDAL may use the EPSG code instead: both must be on Earth
    return table
