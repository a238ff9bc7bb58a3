"""Hostile uploads, part 1: coordinates, CRSs, polygons, GeoPackages, content confusion.

Every case is bytes plus the file name a user would give. ``expect`` is
"refuse" (must end in a UserAreaError), "accept" (must give the known area)
or "either" (random mutations: a refusal with a message, or a sane area).
Bombs are built by streaming into a compressed zip: the expanded data are
never written to disk or held whole in memory.
"""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

FIXTURE = Path(__file__).parent / "input_data" / "upload_ilkley_ward.geojson"
SEED = 20261201


@dataclass(frozen=True)
class Case:
    """One hostile (or valid) upload."""

    cls: str
    filename: str
    data: bytes
    expect: str = "refuse"


def ward() -> gpd.GeoDataFrame:
    """The committed Ilkley ward boundary (EPSG:4326; ONS, OGL v3.0)."""
    return gpd.read_file(FIXTURE)


def ward_area_ha() -> float:
    """Its area in hectares, projected by geopandas (an implementation independent of the gate)."""
    return float(ward().to_crs("EPSG:27700").geometry.iloc[0].area / 1e4)


def _ring_lonlat() -> list[list[float]]:
    return [list(map(float, p)) for p in ward().geometry.iloc[0].exterior.coords]


def feature_collection(geoms: list[dict[str, Any]], crs_name: str | None = None) -> dict[str, Any]:
    """A FeatureCollection of geometry objects (optionally with a named ``crs`` member)."""
    fc: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"n": i}, "geometry": g} for i, g in enumerate(geoms)
        ],
    }
    if crs_name is not None:
        fc["crs"] = {"type": "name", "properties": {"name": crs_name}}
    return fc


def polygon(ring: Any) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring]}


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, allow_nan=True).encode()


def write(gdf: gpd.GeoDataFrame, suffix: str, **kwargs: Any) -> bytes:
    """``gdf`` written as GeoPackage (".gpkg") or a zipped Shapefile (".zip"), as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        if suffix == ".gpkg":
            path = Path(tmp) / "a.gpkg"
            gdf.to_file(path, driver="GPKG", **kwargs)
            return path.read_bytes()
        shp = Path(tmp) / "area.shp"
        gdf.to_file(shp, driver="ESRI Shapefile", **kwargs)
        return zip_members({p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir())})


def zip_members(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def shapefile_parts(gdf: gpd.GeoDataFrame) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / "area.shp", driver="ESRI Shapefile")
        return {p.suffix: p.read_bytes() for p in Path(tmp).iterdir()}


# --- Classes -----------------------------------------------------------------------------


def huge_coordinates() -> Iterator[Case]:
    ring = _ring_lonlat()
    for exp in (6, 10, 20, 50, 100, 200, 300, 308):
        big = [[x * 10.0**exp, y] for x, y in ring]
        yield Case(
            "huge_coordinates", f"huge{exp}.geojson", dumps(feature_collection([polygon(big)]))
        )
    for exp in (7, 12, 300):  # in metres, EPSG:27700
        box = [[0, 0], [10.0**exp, 0], [10.0**exp, 10.0**exp], [0, 0]]
        yield Case(
            "huge_coordinates",
            f"bng{exp}.geojson",
            dumps(feature_collection([polygon(box)], "EPSG:27700")),
        )
    overflow = json.dumps(feature_collection([polygon(ring)])).replace(str(ring[0][0]), "1e400", 1)
    yield Case("huge_coordinates", "overflow.geojson", overflow.encode())
    yield Case(
        "huge_coordinates",
        "bigint.geojson",
        dumps(feature_collection([polygon([[10**40, 1], [2, 10**40], [3, 3], [10**40, 1]])])),
    )
    for exp in (9, 300):
        g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10.0**exp, 10.0**exp)], crs="EPSG:27700")
        yield Case("huge_coordinates", f"huge{exp}.gpkg", write(g, ".gpkg"))
        yield Case("huge_coordinates", f"huge{exp}.zip", write(g, ".zip"))
    yield Case(
        "huge_coordinates",
        "lat100.geojson",
        dumps(feature_collection([polygon([[-1.8, 95], [-1.7, 95], [-1.7, 100], [-1.8, 95]])])),
    )


def non_finite() -> Iterator[Case]:
    ring = _ring_lonlat()
    for token in ("NaN", "Infinity", "-Infinity"):
        for where in (0, 5, len(ring) // 2):
            text = json.dumps(feature_collection([polygon(ring)]))
            text = text.replace(repr(ring[where][0]), token, 1)
            yield Case("non_finite", f"{token.lower()}{where}.geojson", text.encode())
    sentinel = -1.7777  # written, then its 8 bytes replaced (writers refuse non-finite values)
    box = shapely.Polygon([(-1.8, 53.9), (sentinel, 53.9), (-1.7, 53.95), (-1.8, 53.9)])
    g = gpd.GeoDataFrame(geometry=[box], crs="EPSG:4326")
    for name, value in (("nan", float("nan")), ("inf", float("inf"))):
        for suffix in (".gpkg", ".zip"):
            parts = shapefile_parts(g) if suffix == ".zip" else {".gpkg": write(g, ".gpkg")}
            patched = {
                k: v.replace(struct.pack("<d", sentinel), struct.pack("<d", value))
                for k, v in parts.items()
            }
            data = (
                patched[".gpkg"]
                if suffix == ".gpkg"
                else zip_members({f"area{k}": v for k, v in patched.items()})
            )
            yield Case("non_finite", f"{name}{suffix}", data)
    yield Case(
        "non_finite",
        "nanz.geojson",
        dumps(feature_collection([polygon([[*p, float("nan")] for p in ring])])),
    )
    for feature_nan in ("NaN", "Infinity", "-Infinity"):
        text = json.dumps({"type": "Polygon", "coordinates": [ring]}).replace(
            repr(ring[1][1]), feature_nan, 1
        )
        yield Case("non_finite", f"bare-{feature_nan.lower()}.json", text.encode())


def _mutate(rng: np.random.Generator, data: bytes) -> bytes:
    buf = bytearray(data)
    op = rng.integers(0, 4)
    if op == 0:  # flip bytes
        for pos in rng.integers(0, len(buf), rng.integers(1, 16)):
            buf[pos] = int(rng.integers(0, 256))
    elif op == 1:  # truncate
        del buf[int(rng.integers(1, len(buf))) :]
    elif op == 2:  # insert random bytes
        pos = int(rng.integers(0, len(buf)))
        buf[pos:pos] = rng.integers(0, 256, int(rng.integers(1, 64))).astype(np.uint8).tobytes()
    else:  # duplicate a slice
        a = int(rng.integers(0, len(buf)))
        buf[a:a] = buf[a : a + int(rng.integers(1, 512))]
    return bytes(buf)


def mutations() -> Iterator[Case]:
    rng = np.random.default_rng(SEED)
    g = ward()
    bases = {".geojson": FIXTURE.read_bytes(), ".gpkg": write(g, ".gpkg"), ".zip": write(g, ".zip")}
    for i in range(48):
        suffix = list(bases)[i % 3]
        yield Case("mutations", f"mutated{i}{suffix}", _mutate(rng, bases[suffix]), "either")


def exotic_crs() -> Iterator[Case]:
    ring = _ring_lonlat()
    for name in (
        "IAU_2015:30100",
        "IAU_2015:30110",
        "IAU_2015:49900",
        "IAU_2015:49910",
        "IAU_2015:50100",
    ):
        yield Case(
            "exotic_crs",
            f"{name.replace(':', '-')}.geojson",
            dumps(feature_collection([polygon(ring)], name)),
        )
    for name in (
        "EPSG:999999",
        "FOO:1",
        "urn:ogc:def:crs:EPSG::0",
        "garbage",
        "/etc/passwd",
        "http://127.0.0.1:9/crs",
        "+proj=longlat +a=1737400",
        "",
    ):
        yield Case("exotic_crs", "named.geojson", dumps(feature_collection([polygon(ring)], name)))
    for member in (
        {"type": "link", "properties": {"href": "http://127.0.0.1:9/crs.wkt", "type": "ogcwkt"}},
        {"type": "EPSG", "properties": {"code": 4326}},
        "EPSG:4326",
        {"type": "name"},
    ):
        fc = feature_collection([polygon(ring)])
        fc["crs"] = member
        yield Case("exotic_crs", "crsform.geojson", dumps(fc))
    moon = (
        'GEOGCS["Moon 2015",DATUM["Moon_2015",SPHEROID["Moon_2015",1737400,0]],'
        'PRIMEM["Reference_Meridian",0],UNIT["degree",0.0174532925199433]]'
    )
    for prj in (
        moon,
        "not a crs",
        'GEOGCS["x",DATUM["y",SPHEROID["z",0,0]]]',
        "/vsicurl/http://127.0.0.1:9/x.prj",
    ):
        parts = shapefile_parts(ward())
        parts[".prj"] = prj.encode()
        yield Case("exotic_crs", "prj.zip", zip_members({f"area{k}": v for k, v in parts.items()}))
    yield Case("exotic_crs", "moon.gpkg", _gpkg_with_srs(moon))
    yield Case("exotic_crs", "garbage-srs.gpkg", _gpkg_with_srs("GARBAGE"))


def _gpkg_with_srs(definition: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.gpkg"
        ward().to_file(path, driver="GPKG")
        with sqlite3.connect(path) as conn:
            conn.execute(
                "UPDATE gpkg_spatial_ref_sys SET definition = ? WHERE srs_id = 4326", (definition,)
            )
        return path.read_bytes()


def _bng_ring(pts: np.ndarray) -> list[list[float]]:
    out = [[float(x), float(y)] for x, y in pts]
    return [*out, out[0]]


def invalid_polygons() -> Iterator[Case]:
    rng = np.random.default_rng(SEED + 1)
    x0, y0 = 411_000.0, 447_000.0  # Ilkley, EPSG:27700 metres
    bow = [[x0, y0], [x0 + 1000, y0 + 1000], [x0 + 1000, y0], [x0, y0 + 1000], [x0, y0]]
    spike = [
        [x0, y0],
        [x0 + 1000, y0],
        [x0 + 1000, y0 + 1000],
        [x0 + 500, y0 + 1000],
        [x0 + 500, y0 + 5000],
        [x0 + 500, y0 + 1000],
        [x0, y0 + 1000],
        [x0, y0],
    ]
    touch = [
        [x0, y0],
        [x0 + 1000, y0],
        [x0 + 500, y0 + 500],
        [x0 + 1000, y0 + 1000],
        [x0, y0 + 1000],
        [x0 + 500, y0 + 500],
        [x0, y0],
    ]
    for name, ring in (("bowtie", bow), ("spike", spike), ("selftouch", touch)):
        yield Case(
            "invalid_polygons",
            f"{name}.geojson",
            dumps(feature_collection([polygon(ring)], "EPSG:27700")),
            "either",
        )
    hole_out = {
        "type": "Polygon",
        "coordinates": [
            [bow[0], [x0 + 10, y0], [x0 + 10, y0 + 10], [x0, y0]],
            [[x0 + 50, y0 + 50], [x0 + 60, y0 + 50], [x0 + 60, y0 + 60], [x0 + 50, y0 + 50]],
        ],
    }
    yield Case(
        "invalid_polygons",
        "hole-outside.geojson",
        dumps(feature_collection([hole_out], "EPSG:27700")),
        "either",
    )
    for n in (20, 50, 100, 200, 300, 500, 1000, 2000, 5000):
        pts = rng.uniform(0, 3000, (n, 2)) + np.array([x0, y0])
        yield Case(
            "invalid_polygons",
            f"random{n}.geojson",
            dumps(feature_collection([polygon(_bng_ring(pts))], "EPSG:27700")),
            "either" if n <= 200 else "refuse",
        )
    for n in (2, 3):  # too few positions for a ring
        yield Case(
            "invalid_polygons",
            f"short{n}.geojson",
            dumps(feature_collection([polygon(bow[:n])], "EPSG:27700")),
        )
    yield Case(
        "invalid_polygons",
        "unclosed.geojson",
        dumps(feature_collection([polygon(bow[:4])], "EPSG:27700")),
        "either",
    )
    zero = [[x0, y0], [x0 + 10, y0], [x0 + 20, y0], [x0, y0]]
    yield Case(
        "invalid_polygons",
        "zero-area.geojson",
        dumps(feature_collection([polygon(zero)], "EPSG:27700")),
    )
    g = gpd.GeoDataFrame(geometry=[shapely.Polygon(bow)], crs="EPSG:27700")
    yield Case("invalid_polygons", "bowtie.gpkg", write(g, ".gpkg"), "either")
    yield Case("invalid_polygons", "bowtie.zip", write(g, ".zip"), "either")
    yield Case(
        "invalid_polygons",
        "points.geojson",
        dumps(feature_collection([{"type": "Point", "coordinates": [-1.8, 53.9]}])),
    )
    yield Case(
        "invalid_polygons",
        "collection.geojson",
        dumps(feature_collection([{"type": "GeometryCollection", "geometries": []}])),
    )
    yield Case(
        "invalid_polygons",
        "strings.geojson",
        dumps(feature_collection([polygon([["a", "b"], ["c", "d"], ["a", "b"], ["a", "b"]])])),
    )
    yield Case(
        "invalid_polygons",
        "ragged.geojson",
        dumps(feature_collection([polygon([[1, 2], [3], [4, 5, 6, 7], [1, 2]])])),
    )
    yield Case(
        "invalid_polygons",
        "bools.geojson",
        dumps(feature_collection([polygon([[True, False]] * 4)])),
    )
    yield Case(
        "invalid_polygons",
        "deep.geojson",
        b'{"type":"Polygon","coordinates":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    )


def _gpkg(edit: Callable[[sqlite3.Connection], None]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.gpkg"
        ward().to_file(path, driver="GPKG", layer="ward")
        conn = sqlite3.connect(path)
        for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # R-tree triggers
            conn.create_function(fn, 1, lambda _g: 1)
        edit(conn)
        conn.commit()
        conn.close()
        return path.read_bytes()


def malformed_gpkg() -> Iterator[Case]:
    good = write(ward(), ".gpkg")
    yield Case("malformed_gpkg", "header-only.gpkg", good[:100])
    yield Case("malformed_gpkg", "truncated.gpkg", good[: len(good) // 2], "either")
    yield Case("malformed_gpkg", "no-app-id.gpkg", good[:68] + b"\x00\x00\x00\x00" + good[72:])
    yield Case(
        "malformed_gpkg", "zeroed-pages.gpkg", good[:4096] + bytes(len(good) - 4096), "either"
    )
    yield Case("malformed_gpkg", "magic-only.gpkg", b"SQLite format 3\x00" + bytes(84))
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "plain.db")
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
        yield Case("malformed_gpkg", "plain-sqlite.gpkg", (Path(tmp) / "plain.db").read_bytes())

    def two_layers(c: sqlite3.Connection) -> None:
        c.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('other', 'features', 'other', 4326)"
        )

    def as_view(c: sqlite3.Connection) -> None:
        c.execute("CREATE VIEW v AS SELECT * FROM ward")
        c.execute("UPDATE gpkg_contents SET table_name = 'v'")
        c.execute("UPDATE gpkg_geometry_columns SET table_name = 'v'")

    def no_srs(c: sqlite3.Connection) -> None:
        c.execute("UPDATE gpkg_contents SET srs_id = 0")
        c.execute("UPDATE gpkg_geometry_columns SET srs_id = 0")

    def no_contents(c: sqlite3.Connection) -> None:
        c.execute("DROP TABLE gpkg_contents")

    def generated(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE ward ADD COLUMN g TEXT GENERATED ALWAYS AS (upper('x')) VIRTUAL")

    def many_rows(c: sqlite3.Connection) -> None:
        c.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001) "
            "INSERT INTO ward (geom) SELECT NULL FROM n"
        )

    for name, edit in (
        ("two-layers", two_layers),
        ("view", as_view),
        ("no-srs", no_srs),
        ("no-contents", no_contents),
        ("generated", generated),
        ("many-rows", many_rows),
    ):
        yield Case("malformed_gpkg", f"{name}.gpkg", _gpkg(edit))


def content_confusion() -> Iterator[Case]:
    gj, gpkg, zp = FIXTURE.read_bytes(), write(ward(), ".gpkg"), write(ward(), ".zip")
    for data, names in (
        (gj, ("a.gpkg", "a.zip")),
        (gpkg, ("a.geojson", "a.json", "a.zip")),
        (zp, ("a.geojson", "a.gpkg")),
    ):
        for name in names:
            yield Case("content_confusion", name, data)
    for data in (
        b"",
        b"%PDF-1.7\n",
        b"<kml xmlns='http://www.opengis.net/kml/2.2'/>",
        b"\x89PNG\r\n\x1a\n",
        b"II*\x00",
        b"x,y\n1,2\n",
    ):
        yield Case("content_confusion", "a.geojson", data)
    yield Case("content_confusion", "a.kml", gj)
    yield Case("content_confusion", "noextension", gj)
    yield Case("content_confusion", "array.geojson", b"[1, 2, 3]")
    yield Case(
        "content_confusion", "topo.json", dumps({"type": "Topology", "objects": {}, "arcs": []})
    )
    yield Case(
        "content_confusion",
        "latin1.geojson",
        '{"type": "FeatureCollection", "name": "\xe9", "features": []}'.encode("latin-1"),
    )
