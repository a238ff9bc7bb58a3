"""Seeded generator of hostile boundary uploads, one list per class, for the gate's tests.

Part 2 (archives, counts, indirection, valid files, and :func:`all_cases`);
part 1 is ``hostile_geo.py``. Every case is bytes plus the file name a user
would give. Bombs are built by streaming into a compressed zip: the expanded
data are never written to disk or held whole in memory.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterator

import geopandas as gpd
import numpy as np
import shapely
from hostile_geo import (
    FIXTURE,
    Case,
    _bng_ring,
    _gpkg_with_srs,
    _ring_lonlat,
    content_confusion,
    dumps,
    exotic_crs,
    feature_collection,
    huge_coordinates,
    invalid_polygons,
    malformed_gpkg,
    mutations,
    non_finite,
    polygon,
    shapefile_parts,
    ward,
    ward_area_ha,
    write,
    zip_members,
)

__all__ = [
    "FIXTURE",
    "Case",
    "all_cases",
    "dumps",
    "feature_collection",
    "gdalg",
    "indirection",
    "non_finite",
    "polygon",
    "shapefile_bomb",
    "shapefile_parts",
    "vrt",
    "ward",
    "ward_area_ha",
    "zip_members",
    "zip_paths",
]


def _stream_shapefile_bomb(zf: zipfile.ZipFile, n: int, declared_small: bool = False) -> None:
    """Write a polygon Shapefile of ``n`` identical square records straight into ``zf``."""
    content = (
        struct.pack("<i4d2i", 5, 0, 0, 1, 1, 1, 5)
        + struct.pack("<i", 0)
        + struct.pack("<10d", 0, 0, 0, 1, 1, 1, 1, 0, 0, 0)
    )
    words = (len(content) + 8) // 2
    length = 100 + n * (len(content) + 8)
    header = struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length // 2) + struct.pack(
        "<2i4d4d", 1000, 5, 0, 0, 1, 1, 0, 0, 0, 0
    )
    shx_header = header[:24] + struct.pack(">i", (100 + 8 * n) // 2) + header[28:]
    dbf_header = (
        struct.pack("<B3BIHH20x", 3, 126, 1, 1, n, 65, 2)
        + b"ID".ljust(11, b"\x00")
        + b"N"
        + bytes(4)
        + bytes([1, 0])
        + bytes(14)
        + b"\r"
    )
    chunk = 10_000
    for name, head, record, tail in (
        ("bomb.shp", header, (struct.pack(">2i", 1, words - 4) + content) * chunk, b""),
        ("bomb.shx", shx_header, struct.pack(">2i", 50, words - 4) * chunk, b""),
        ("bomb.dbf", dbf_header, b" 1" * chunk, b"\x1a"),
    ):
        with zf.open(name, "w", force_zip64=True) as out:
            out.write(head)
            for _ in range(n // chunk):
                out.write(record)
            out.write(tail)
    zf.writestr(
        "bomb.prj",
        'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
        'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]',
    )


def shapefile_bomb(n: int = 2_000_000) -> bytes:
    """A zipped polygon Shapefile of ``n`` identical records.

    2 million records: 292 MB expanded, about 1 MB zipped.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        _stream_shapefile_bomb(zf, n)
    return buf.getvalue()


def _understate_sizes(data: bytes, size: int = 1000) -> bytes:
    """The zip with every entry's declared expanded size set to ``size`` bytes (a lying bomb)."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        pos = zf.start_dir
        for info in zf.infolist():
            struct.pack_into("<I", buf, info.header_offset + 22, size)
            name_len, extra_len, comment_len = struct.unpack_from("<3H", buf, pos + 28)
            struct.pack_into("<I", buf, pos + 24, size)
            pos += 46 + name_len + extra_len + comment_len
    return bytes(buf)


def zip_bombs() -> Iterator[Case]:
    yield Case("zip_bombs", "bomb-2m-records.zip", shapefile_bomb(2_000_000))
    yield Case("zip_bombs", "bomb-200k-records.zip", shapefile_bomb(200_000))
    yield Case("zip_bombs", "bomb-20k-records.zip", shapefile_bomb(20_000))
    small = zip_members({f"area{k}": v for k, v in shapefile_parts(ward()).items()})
    yield Case("zip_bombs", "lying-sizes.zip", _understate_sizes(small, 10))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in shapefile_parts(ward()).items():
            zf.writestr(f"area{k}", v)
        with zf.open("padding.txt", "w", force_zip64=True) as out:
            for _ in range(100):
                out.write(bytes(1 << 20))
    yield Case("zip_bombs", "padded.zip", buf.getvalue())
    yield Case("zip_bombs", "lying-padded.zip", _understate_sizes(buf.getvalue(), 100))
    yield Case(
        "zip_bombs", "many-members.zip", zip_members({f"f{i}.txt": b"x" for i in range(5000)})
    )
    nested = zip_members({"inner.zip": shapefile_bomb(200_000)})
    yield Case("zip_bombs", "nested.zip", nested)


def too_many() -> Iterator[Case]:
    tiny = [[-1.80, 53.92], [-1.7999, 53.92], [-1.7999, 53.9201], [-1.80, 53.92]]
    for n in (10_001, 30_000, 100_000):
        yield Case(
            "too_many", f"features{n}.geojson", dumps(feature_collection([polygon(tiny)] * n))
        )
    th = np.linspace(0, 2 * np.pi, 250_001, endpoint=False)
    ring = np.c_[np.cos(th) * 0.01 - 1.8, np.sin(th) * 0.01 + 53.92]
    yield Case(
        "too_many", "vertices250k.geojson", dumps(feature_collection([polygon(_bng_ring(ring))]))
    )
    th = np.linspace(0, 2 * np.pi, 2_000, endpoint=False)
    part = _bng_ring(np.c_[np.cos(th) * 0.01 - 1.8, np.sin(th) * 0.01 + 53.92])
    yield Case(
        "too_many",
        "vertices-over-features.geojson",
        dumps(feature_collection([polygon(part)] * 130)),
    )
    boxes = [
        shapely.box(-1.8 + i * 1e-4, 53.92, -1.8 + i * 1e-4 + 5e-5, 53.9201) for i in range(10_001)
    ]
    g = gpd.GeoDataFrame(geometry=boxes, crs="EPSG:4326")
    yield Case("too_many", "features10001.gpkg", write(g, ".gpkg"))
    yield Case("too_many", "features10001.zip", write(g, ".zip"))
    yield Case("too_many", "big.geojson", b" " * (20_000_000 + 1))
    yield Case(
        "too_many",
        "rings.geojson",
        dumps(feature_collection([{"type": "Polygon", "coordinates": [tiny] * 70_000}])),
    )
    yield Case(
        "too_many",
        "multipolygon.geojson",
        dumps(feature_collection([{"type": "MultiPolygon", "coordinates": [[tiny]] * 70_000}])),
    )


def zip_paths() -> Iterator[Case]:
    parts = shapefile_parts(ward())
    for prefix in ("../", "../../etc/", "/", "/var/", "C:", "a\\..\\", "a/../../", "./../"):
        yield Case(
            "zip_paths",
            "traversal.zip",
            zip_members({f"{prefix}area{k}": v for k, v in parts.items()}),
        )
    for target in ("/etc/passwd", "../../../../etc/shadow", "/proc/self/environ"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for k, v in parts.items():
                if k == ".shp":
                    info = zipfile.ZipInfo(f"area{k}")
                    info.create_system = 3
                    info.external_attr = 0o120777 << 16
                    zf.writestr(info, target)
                else:
                    zf.writestr(f"area{k}", v)
        yield Case("zip_paths", "symlink.zip", buf.getvalue())
    yield Case(
        "zip_paths",
        "two-shp.zip",
        zip_members(
            {**{f"a{k}": v for k, v in parts.items()}, **{f"b{k}": v for k, v in parts.items()}}
        ),
    )
    yield Case(
        "zip_paths",
        "no-shx.zip",
        zip_members({f"area{k}": v for k, v in parts.items() if k != ".shx"}),
    )
    yield Case(
        "zip_paths",
        "no-prj.zip",
        zip_members({f"area{k}": v for k, v in parts.items() if k != ".prj"}),
    )
    yield Case("zip_paths", "no-shp.zip", zip_members({"readme.txt": b"x"}))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as zf:
        for k, v in parts.items():
            zf.writestr(f"area{k}", v)
    yield Case("zip_paths", "bzip2.zip", buf.getvalue())
    enc = bytearray(zip_members({f"area{k}": v for k, v in parts.items()}))
    with zipfile.ZipFile(io.BytesIO(bytes(enc))) as zf:
        pos = zf.start_dir
        for info in zf.infolist():
            enc[info.header_offset + 6] |= 1
            enc[pos + 8] |= 1
            pos += 46 + sum(struct.unpack_from("<3H", enc, pos + 28))
    yield Case("zip_paths", "encrypted.zip", bytes(enc))
    yield Case(
        "zip_paths",
        "subfolder.zip",
        zip_members({f"folder/area{k}": v for k, v in parts.items()}),
        "accept",
    )


def vrt(source: str) -> bytes:
    """An OGR VRT whose layer reads ``source``."""
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>{source}</SrcDataSource>'
        "</OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


def gdalg(path: str) -> bytes:
    """A GDALG pipeline reading ``path`` (GDAL 3.11+)."""
    return bytes(
        dumps(
            {
                "type": "gdal_streamed_alg",
                "command_line": f"gdal vector pipeline ! read {path} "
                "! write --output-format stream streamed_dataset",
                "relative_paths_relative_to_this_file": False,
            }
        )
    )


def indirection(url: str) -> Iterator[Case]:
    """VRT, GDALG and ``/vsicurl/`` references to ``url`` (a loopback listener) and server files."""
    sources = (
        f"/vsicurl/{url}",
        url,
        "CSV:/etc/passwd",
        "/etc/passwd",
        f"GeoJSON:/vsicurl/{url}",
        "/vsizip//etc/x.zip",
    )
    for src in sources:
        yield Case("indirection", "upload.geojson", vrt(src))
    for path in (f"/vsicurl/{url}", "/etc/passwd", "/vsimem/x"):
        yield Case("indirection", "upload.geojson", gdalg(path))
    for data in (vrt(f"/vsicurl/{url}"), gdalg("/etc/passwd"), f"/vsicurl/{url}".encode()):
        parts = shapefile_parts(ward())
        parts[".shp"] = data
        yield Case(
            "indirection", "upload.zip", zip_members({f"area{k}": v for k, v in parts.items()})
        )
        yield Case(
            "indirection",
            "upload.zip",
            zip_members({"area.shp": data, "area.shx": data, "area.dbf": data, "area.prj": b"x"}),
        )
    yield Case("indirection", "upload.geojson", f"/vsicurl/{url}".encode())
    fc = feature_collection([polygon(_ring_lonlat())])
    fc["crs"] = {"type": "link", "properties": {"href": url, "type": "proj4"}}
    yield Case("indirection", "link-crs.geojson", dumps(fc))
    yield Case(
        "indirection",
        "vsicurl-crs.geojson",
        dumps(feature_collection([polygon(_ring_lonlat())], f"/vsicurl/{url}")),
    )
    yield Case("indirection", "upload.gpkg", _gpkg_with_srs(f"/vsicurl/{url}"))


def valid() -> Iterator[Case]:
    g = ward()
    yield Case("valid", "ilkley.geojson", FIXTURE.read_bytes(), "accept")
    for epsg in (4326, 27700, 3857, 4258, 32630):
        p = g.to_crs(epsg)
        yield Case("valid", f"ilkley-{epsg}.gpkg", write(p, ".gpkg"), "accept")
        yield Case("valid", f"ilkley-{epsg}.zip", write(p, ".zip"), "accept")
    yield Case(
        "valid",
        "ilkley-27700.geojson",
        p.to_crs(27700)
        .to_json(to_wgs84=False)
        .replace(
            '"type": "FeatureCollection"',
            '"type": "FeatureCollection", '
            '"crs": {"type": "name", "properties": {"name": "EPSG:27700"}}',
            1,
        )
        .encode(),
        "accept",
    )
    yield Case(
        "valid",
        "ilkley-feature.json",
        dumps({"type": "Feature", "properties": None, "geometry": polygon(_ring_lonlat())}),
        "accept",
    )
    yield Case("valid", "ilkley-bare.json", dumps(polygon(_ring_lonlat())), "accept")
    yield Case("valid", "ilkley-bom.geojson", b"\xef\xbb\xbf" + FIXTURE.read_bytes(), "accept")


def all_cases(url: str) -> list[Case]:
    """Every generated case (about 220), deterministic for a given listener ``url``."""
    makers: list[Callable[[], Iterator[Case]]] = [
        huge_coordinates,
        non_finite,
        mutations,
        exotic_crs,
        invalid_polygons,
        malformed_gpkg,
        content_confusion,
        zip_bombs,
        too_many,
        zip_paths,
        valid,
    ]
    cases = [c for make in makers for c in make()]
    return cases + list(indirection(url))
