"""Zipped Shapefiles checked with zipfile and struct before extraction and before GDAL.

The zip directory is checked first (entry count, declared expanded size,
names without absolute paths, drive letters or ``..``, no symbolic links, no
encryption, stored or deflated only); then exactly one ``.shp`` with its
``.shx``, ``.dbf`` and ``.prj`` is copied out in bounded chunks under fixed
names (``upload.shp`` …) into the caller's private folder, so no name from
the zip ever reaches the file system. Headers follow the ESRI Shapefile
Technical Description (July 1998) and dBASE III+.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import pyproj
from pyproj.exceptions import CRSError

from layers.errors import UserAreaError
from layers.upload.limits import Limits, detail, megabytes

ZIP_MAGIC = b"PK\x03\x04"
_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_REQUIRED = (".shp", ".shx", ".dbf")
#: ESRI shape types that hold polygons: Polygon, PolygonZ, PolygonM.
_POLYGON_TYPES = (5, 15, 25)
_SHAPE_TYPES = (0, 1, 3, 5, 8, 11, 13, 15, 18, 21, 23, 25, 28, 31)
_DBF_VERSIONS = (0x02, 0x03, 0x30, 0x31, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5, 0xFB)
_CHUNK_BYTES = 1 << 20
_MAX_SIDECAR_BYTES = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


def looks_like(data: bytes) -> bool:
    """True if ``data`` starts with a zip local-file header."""
    return data[:4] == ZIP_MAGIC


def extract(data: bytes, label: str, limits: Limits, folder: Path) -> Path:
    """Check a zipped Shapefile and copy its parts into ``folder``; return the ``.shp`` path.

    Raises
    ------
    UserAreaError
        For any unsafe entry, a missing or surplus part, a passed limit, or a
        header that is not a polygon Shapefile.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = zf.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        ValueError,
        OSError,
        EOFError,
    ) as exc:
        raise UserAreaError(f"{label} is not a valid zip file ({detail(exc)}).") from exc
    with zf:
        parts = _check_directory(members, label, limits)
        for suffix, info in parts.items():
            _copy(zf, info, folder / f"upload{suffix}", label, limits)
    shp = folder / "upload.shp"
    _check_headers(folder, label, limits)
    return shp


def _check_directory(
    members: list[zipfile.ZipInfo], label: str, limits: Limits
) -> dict[str, zipfile.ZipInfo]:
    """The Shapefile parts by suffix, after checking every entry of the zip directory."""
    if len(members) > limits.max_zip_members:
        raise UserAreaError(
            f"{label} lists {len(members):,} entries; the limit is {limits.max_zip_members}. "
            "Zip only the Shapefile's .shp, .shx, .dbf and .prj files."
        )
    expanded = sum(m.file_size for m in members)
    if expanded > limits.max_expanded_bytes:
        raise UserAreaError(
            f"{label} expands to {megabytes(expanded)}; the limit is "
            f"{megabytes(limits.max_expanded_bytes)}. Simplify the boundary or upload fewer "
            "features."
        )
    found: dict[str, list[zipfile.ZipInfo]] = {}
    for m in members:
        _check_entry(m, label)
        name = PurePosixPath(m.filename)
        if m.is_dir() or name.name.startswith(".") or "__MACOSX" in name.parts:
            continue
        found.setdefault(name.suffix.lower(), []).append(m)
    shps = found.get(".shp", [])
    if len(shps) != 1:
        raise UserAreaError(
            f"{label} contains {len(shps)} .shp files; a zipped Shapefile must hold exactly one."
        )
    stem = PurePosixPath(shps[0].filename).with_suffix("").as_posix().lower()
    parts = {}
    for suffix in _PARTS:
        same = [
            m
            for m in found.get(suffix, [])
            if PurePosixPath(m.filename).with_suffix("").as_posix().lower() == stem
        ]
        if same:
            parts[suffix] = same[0]
    missing = [s for s in _REQUIRED if s not in parts]
    if missing:
        raise UserAreaError(
            f"{label}: the Shapefile has no {', '.join(missing)} file; zip the .shp, .shx, "
            ".dbf and .prj files together."
        )
    if ".prj" not in parts:
        raise UserAreaError(
            f"{label} has no coordinate reference system (for a Shapefile, include the .prj "
            "file in the zip). Re-export it with a CRS such as EPSG:27700 or EPSG:4326."
        )
    return parts


def _check_entry(m: zipfile.ZipInfo, label: str) -> None:
    """Refuse unsafe names, links, encryption and unusual compression in one zip entry."""
    name = m.filename
    unsafe = (
        name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or bool(_DRIVE.match(name))
        or ".." in PurePosixPath(name).parts
    )
    if unsafe:
        raise UserAreaError(
            f"{label} has an entry with an unsafe path ({name[:60]!r}): absolute paths and "
            "'..' are not allowed."
        )
    if stat.S_ISLNK(m.external_attr >> 16):
        raise UserAreaError(f"{label} has a symbolic link ({name[:60]!r}); links are not allowed.")
    if m.flag_bits & 0x1:
        raise UserAreaError(f"{label} is encrypted; upload an unencrypted zip.")
    if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UserAreaError(
            f"{label} uses an unsupported compression method for {name[:60]!r}; "
            "use ordinary (deflate) zip compression."
        )


def _copy(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path, label: str, limits: Limits
) -> None:
    """Copy one entry in chunks, refusing it once it passes its declared or the total size."""
    cap = min(info.file_size, limits.max_expanded_bytes)
    written = 0
    try:
        with zf.open(info) as src, out.open("wb") as dst:
            while chunk := src.read(_CHUNK_BYTES):
                written += len(chunk)
                if written > cap:
                    raise UserAreaError(
                        f"{label}: {PurePosixPath(info.filename).name[:60]} expands past its "
                        f"declared size or the {megabytes(limits.max_expanded_bytes)} limit."
                    )
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise UserAreaError(f"{label} is a damaged zip file ({detail(exc)}).") from exc


def _check_headers(folder: Path, label: str, limits: Limits) -> None:
    """Check the .shp/.shx magic and shape type, the record counts and the .prj WKT."""
    shp = (folder / "upload.shp").read_bytes()[:100]
    shx = folder / "upload.shx"
    shx_head = shx.read_bytes()[:100]
    for head in (shp, shx_head):
        if len(head) < 100 or struct.unpack(">i", head[:4])[0] != 9994:
            raise UserAreaError(f"{label}: the .shp or .shx file is not an ESRI Shapefile.")
        if struct.unpack("<i", head[28:32])[0] != 1000:
            raise UserAreaError(f"{label}: the .shp or .shx file has an unknown version.")
    shape_type = struct.unpack("<i", shp[32:36])[0]
    if shape_type not in _SHAPE_TYPES:
        raise UserAreaError(f"{label}: the .shp file has an unknown shape type ({shape_type}).")
    if shape_type not in _POLYGON_TYPES:
        raise UserAreaError(
            f"{label} has no polygons (its Shapefile holds shape type {shape_type}). "
            "Upload an area, not points or lines."
        )
    n_records = (shx.stat().st_size - 100) // 8
    dbf = (folder / "upload.dbf").read_bytes()[:12]
    if len(dbf) < 12 or dbf[0] not in _DBF_VERSIONS:
        raise UserAreaError(f"{label}: the .dbf file is not a dBASE table.")
    n_rows = struct.unpack("<I", dbf[4:8])[0]
    if max(n_records, n_rows) > limits.max_features:
        raise UserAreaError(
            f"{label} has {max(n_records, n_rows):,} features; the limit is "
            f"{limits.max_features:,}. Dissolve or select the features you need."
        )
    _check_prj(folder / "upload.prj", label)
    cpg = folder / "upload.cpg"
    if cpg.exists() and cpg.stat().st_size > _MAX_SIDECAR_BYTES:
        raise UserAreaError(f"{label}: the .cpg file is too large to be a code page name.")


def _check_prj(prj: Path, label: str) -> None:
    """The .prj must be WKT that PROJ parses (never a path, URL or other indirection)."""
    raw = prj.read_bytes()
    try:
        if len(raw) > _MAX_SIDECAR_BYTES:
            raise ValueError("too large")
        pyproj.CRS.from_wkt(raw.decode("utf-8-sig", errors="strict").strip())
    except (CRSError, ValueError) as exc:
        raise UserAreaError(
            f"{label}: the .prj file declares a CRS that cannot be parsed. Re-export the "
            "Shapefile with a CRS such as EPSG:27700 or EPSG:4326."
        ) from exc
