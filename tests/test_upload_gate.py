"""The upload gate's guarantees, one by one: no indirection, named limits, one-line CLI errors.

Hostile files are generated here or by ``tests/hostile_uploads.py``; the
network checks run a loopback HTTP listener that must record no request.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import hostile_uploads as hu
import pytest
import shapely

from layers.upload import reading
from layers.user_area import (
    LIMITS,
    UserAreaError,
    read_user_area,
    read_user_area_bytes,
    read_user_area_features,
    validate,
)


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        body = hu.FIXTURE.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server (port chosen by the OS) serving a real polygon, logging requests."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/x.geojson", server.requests  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_listener_would_see_a_fetch(listener: tuple[str, list[str]]) -> None:
    """Control: GDAL itself, given the VRT without the gate, does fetch the URL."""
    import tempfile

    import pyogrio

    url, requests = listener
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.vrt"
        path.write_bytes(hu.vrt(f"/vsicurl/{url}"))
        with contextlib.suppress(Exception):  # only the request matters here
            pyogrio.read_dataframe(path)
    assert requests, "the control read did not reach the listener, so the test below proves nothing"


def test_vrt_gdalg_and_vsicurl_are_refused_before_any_network_or_file_access(
    listener: tuple[str, list[str]],
) -> None:
    url, requests = listener
    cases = list(hu.indirection(url))
    assert {c.filename.rsplit(".", 1)[1] for c in cases} == {"geojson", "zip", "gpkg"}
    for case in cases:
        with pytest.raises(UserAreaError) as err:
            read_user_area_bytes(case.data, case.filename)
        assert case.filename in str(err.value)
    assert requests == []


def test_vrt_reading_etc_passwd_is_refused_as_not_geojson() -> None:
    with pytest.raises(UserAreaError, match=r"upload\.geojson is named as GeoJSON but its content"):
        read_user_area_bytes(hu.vrt("CSV:/etc/passwd"), "upload.geojson")
    with pytest.raises(UserAreaError, match=r"upload\.json is not valid JSON"):
        read_user_area_bytes(b"[" + hu.vrt("CSV:/etc/passwd"), "upload.json")


def test_gdal_lockdown_is_applied_while_reading_and_restored_after() -> None:
    import pyogrio

    before = pyogrio.get_gdal_config_option("CPL_VSIL_CURL_ALLOWED_EXTENSIONS")
    with reading.locked_down():
        assert (
            pyogrio.get_gdal_config_option("CPL_VSIL_CURL_ALLOWED_EXTENSIONS")
            == ".healthyplaces-no-network"
        )
        assert "OGR_VRT" in pyogrio.get_gdal_config_option("GDAL_SKIP")
    assert pyogrio.get_gdal_config_option("CPL_VSIL_CURL_ALLOWED_EXTENSIONS") == before
    assert reading.source("geojson", Path("/p/upload.geojson")) == "GeoJSON:/p/upload.geojson"
    assert reading.source("gpkg", Path("/p/upload.gpkg")) == "GPKG:/p/upload.gpkg"


def test_a_user_path_is_never_handed_to_gdal(tmp_path: Path) -> None:
    with pytest.raises(UserAreaError, match=r"x\.geojson cannot be read"):
        read_user_area(Path("/vsicurl/http://127.0.0.1:9/x.geojson"))
    with pytest.raises(UserAreaError, match="is not a file"):
        read_user_area(tmp_path)


def test_zip_bomb_is_refused_from_the_directory_before_extraction() -> None:
    bomb = hu.shapefile_bomb(2_000_000)
    assert len(bomb) < 2_000_000  # a small upload (about 1 MB) ...
    with pytest.raises(UserAreaError) as err:
        read_user_area_bytes(bomb, "bomb.zip")
    # ... that would expand to 2,000,000 × (136 + 8 + 2) bytes + headers = 292 MB
    assert "bomb.zip expands to 292.0 MB; the limit is 50 MB" in str(err.value)


def test_zip_with_understated_sizes_is_stopped_while_extracting() -> None:
    data = hu._understate_sizes(
        hu.zip_members({f"a{k}": v for k, v in hu.shapefile_parts(hu.ward()).items()}), 10
    )
    with pytest.raises(
        UserAreaError, match=r"lying\.zip (is a damaged zip file|: .* expands past)"
    ):
        read_user_area_bytes(data, "lying.zip")


def test_zip_traversal_and_symlinks_are_refused() -> None:
    cases = [c for c in hu.zip_paths() if c.filename in ("traversal.zip", "symlink.zip")]
    assert len(cases) == 11
    for case in cases:
        with pytest.raises(UserAreaError, match=r"unsafe path|symbolic link"):
            read_user_area_bytes(case.data, case.filename)


def test_limits_are_named_in_the_message() -> None:
    tiny = [[-1.80, 53.92], [-1.7999, 53.92], [-1.7999, 53.9201], [-1.80, 53.92]]
    many = hu.dumps(hu.feature_collection([hu.polygon(tiny)] * 10_001))
    with pytest.raises(
        UserAreaError, match=r"many\.geojson has 10,001 features; the limit is 10,000"
    ):
        read_user_area_bytes(many, "many.geojson")
    strict = replace(LIMITS, max_vertices=10)
    with pytest.raises(UserAreaError, match=r"ward\.geojson has more than 10 vertices, the limit"):
        read_user_area_bytes(hu.FIXTURE.read_bytes(), "ward.geojson", limits=strict)
    with pytest.raises(
        UserAreaError, match=r"big\.gpkg is larger than the 20 MB limit \(20,000,001 bytes\)"
    ):
        read_user_area_bytes(b"\0" * (LIMITS.max_upload_bytes + 1), "big.gpkg")


def test_lunar_and_unparseable_crs_are_refused_never_read_as_wgs84() -> None:
    ring = hu._ring_lonlat()
    moon = hu.dumps(hu.feature_collection([hu.polygon(ring)], "IAU_2015:30100"))
    with pytest.raises(
        UserAreaError, match=r"moon\.geojson uses a CRS that is not on Earth .*1,737,400 m"
    ):
        read_user_area_bytes(moon, "moon.geojson")
    bad = hu.dumps(hu.feature_collection([hu.polygon(ring)], "EPSG:999999"))
    with pytest.raises(UserAreaError, match=r"declares a CRS that cannot be parsed: 'EPSG:999999'"):
        read_user_area_bytes(bad, "bad.geojson")
    # No crs member at all is RFC 7946 WGS 84: accepted, with the ward's true area.
    plain = hu.dumps(hu.feature_collection([hu.polygon(ring)]))
    assert read_user_area_bytes(plain, "plain.geojson").area_ha == pytest.approx(
        hu.ward_area_ha(), rel=1e-4
    )


def test_nan_and_huge_coordinates_are_refused() -> None:
    nan = [c for c in hu.non_finite()]
    for case in nan:
        with pytest.raises(UserAreaError, match=r"finite|NaN|Infinity"):
            read_user_area_bytes(case.data, case.filename)
    box = hu.dumps(
        hu.feature_collection([hu.polygon([[0, 0], [1e12, 0], [1e12, 1e12], [0, 0]])], "EPSG:27700")
    )
    with pytest.raises(UserAreaError, match=r"coordinates outside Great Britain \(2 of 4 vertices"):
        read_user_area_bytes(box, "far.geojson")


def test_pathological_ring_is_refused_before_repair_and_a_bow_tie_repaired() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 3000, (2000, 2)) + np.array([411_000, 447_000])
    ring = shapely.Polygon(pts)
    with pytest.raises(UserAreaError, match=r"cross more than 10,000 times, the limit for repair"):
        validate(gpd.GeoDataFrame(geometry=[ring], crs="EPSG:27700"), label="ring.gpkg")
    x0, y0 = 411_000, 447_000
    bow = shapely.Polygon([(x0, y0), (x0 + 1000, y0 + 1000), (x0 + 1000, y0), (x0, y0 + 1000)])
    area = validate(gpd.GeoDataFrame(geometry=[bow], crs="EPSG:27700"))
    assert area.area_ha == pytest.approx(50.0)  # two triangles of 500 m × 1,000 m / 2 = 25 ha each
    assert any("repaired" in w for w in area.warnings)


def test_budget_is_enforced() -> None:
    with pytest.raises(
        UserAreaError, match=r"ilkley\.geojson: checking the file took longer than the 0 s limit"
    ):
        read_user_area_bytes(
            hu.FIXTURE.read_bytes(), "ilkley.geojson", limits=replace(LIMITS, budget_s=0.0)
        )


def test_drawn_features_go_through_the_same_gate() -> None:
    ring = hu._ring_lonlat()
    drawn = [{"type": "Feature", "properties": {}, "geometry": hu.polygon(ring)}]
    assert read_user_area_features(drawn).area_ha == pytest.approx(hu.ward_area_ha(), rel=1e-4)
    nan = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": hu.polygon([[float("nan"), 53.9], *ring[1:]]),
        }
    ]
    with pytest.raises(UserAreaError, match="the drawing has a NaN value"):
        read_user_area_features(nan)
    with pytest.raises(UserAreaError, match="the drawing has 10,001 features"):
        read_user_area_features(drawn * 10_001)


CLI_CASES = {
    "bomb.zip": lambda: hu.shapefile_bomb(2_000_000),
    "moon.geojson": lambda: hu.dumps(
        hu.feature_collection([hu.polygon(hu._ring_lonlat())], "IAU_2015:30100")
    ),
    "nan.geojson": lambda: next(iter(hu.non_finite())).data,
}


@pytest.mark.parametrize("filename", list(CLI_CASES))
def test_cli_profile_boundary_exits_2_with_one_clear_line(
    filename: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from healthyplaces.cli import main

    path = tmp_path / filename
    path.write_bytes(CLI_CASES[filename]())
    rc = main(["profile", "--boundary", str(path), "--json"])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc == 2
    assert len(lines) == 1 and lines[0].startswith(f"healthyplaces: error: {filename}"), err
    assert "Traceback" not in err and str(tmp_path) not in err
