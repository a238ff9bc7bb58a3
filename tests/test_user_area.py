"""Uploaded boundaries: every format and CRS, and a clear message for each kind of bad input."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from layers.boundaries import load_lsoa21
from layers.user_area import MAX_BYTES, UserAreaError, read_user_area, read_user_area_bytes


@pytest.fixture(scope="module")
def lsoa() -> gpd.GeoDataFrame:
    """One real LSOA (Bradford 016A) as a user's boundary, EPSG:27700."""
    t = load_lsoa21()
    one = t.loc[t["lsoa21_code"] == "E01010568", ["lsoa21_name", "geometry"]]
    return one.rename(columns={"lsoa21_name": "name"})


def _zip_shapefile(gdf: gpd.GeoDataFrame, tmp_path: Path, keep_prj: bool = True) -> Path:
    shp = tmp_path / "shp" / "area.shp"
    shp.parent.mkdir()
    gdf.to_file(shp)
    out = tmp_path / "area.zip"
    with zipfile.ZipFile(out, "w") as zf:
        for part in shp.parent.iterdir():
            if keep_prj or part.suffix != ".prj":
                zf.write(part, part.name)
    return out


def test_geojson_gpkg_and_zipped_shapefile_in_any_crs_give_the_same_area(
    lsoa: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    expected = lsoa.geometry.iloc[0].area / 1e4
    lsoa.to_crs("EPSG:4326").to_file(tmp_path / "a.geojson")
    lsoa.to_file(tmp_path / "a.gpkg")
    for path in (
        tmp_path / "a.geojson",
        tmp_path / "a.gpkg",
        _zip_shapefile(lsoa.to_crs("EPSG:3857"), tmp_path),  # Web Mercator with a .prj
    ):
        area = read_user_area(path)
        assert area.area_ha == pytest.approx(expected, rel=1e-4), path.name
        assert area.share_in_county == pytest.approx(1.0, abs=1e-3)
        assert area.warnings == []


def test_shapefile_without_prj_is_refused_with_the_fix(
    lsoa: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    path = _zip_shapefile(lsoa, tmp_path, keep_prj=False)
    with pytest.raises(UserAreaError, match=r"no coordinate reference system.*\.prj"):
        read_user_area(path)


def test_points_empty_and_wrong_types_are_refused(tmp_path: Path) -> None:
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(-1.75, 53.79)], crs="EPSG:4326")
    pts.to_file(tmp_path / "p.geojson")
    with pytest.raises(UserAreaError, match="no polygons"):
        read_user_area(tmp_path / "p.geojson")
    with pytest.raises(UserAreaError, match="unsupported file type"):
        read_user_area_bytes(b"x", "area.kml")
    with pytest.raises(UserAreaError, match="no features"):
        read_user_area_bytes(b'{"type": "FeatureCollection", "features": []}', "e.geojson")
    with pytest.raises(UserAreaError, match="limit"):
        read_user_area_bytes(b" " * (MAX_BYTES + 1), "big.geojson")


def test_bow_tie_is_repaired_and_said(lsoa: gpd.GeoDataFrame) -> None:
    from layers.user_area import validate

    x0, y0, x1, y1 = lsoa.total_bounds
    bow = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])  # self-intersecting
    assert not bow.is_valid
    area = validate(gpd.GeoDataFrame(geometry=[bow], crs="EPSG:27700"))
    assert any("repaired with make_valid" in w for w in area.warnings)
    assert area.geometry.is_valid and area.area_ha > 0


def test_outside_and_partly_outside_west_yorkshire(lsoa: gpd.GeoDataFrame) -> None:
    from layers.user_area import validate

    london = shapely.box(530_000, 180_000, 531_000, 181_000)
    with pytest.raises(UserAreaError, match="outside West Yorkshire"):
        validate(gpd.GeoDataFrame(geometry=[london], crs="EPSG:27700"))
    # Straddling the county's western edge near Todmorden (x ≈ 388,000–392,000 m).
    edge = shapely.box(385_000, 423_000, 395_000, 425_000)
    area = validate(gpd.GeoDataFrame(geometry=[edge], crs="EPSG:27700"))
    assert 0 < area.share_in_county < 1
    assert any("inside West Yorkshire" in w for w in area.warnings)
    too_big = shapely.box(300_000, 300_000, 600_000, 600_000)
    with pytest.raises(UserAreaError, match="larger than West Yorkshire"):
        validate(gpd.GeoDataFrame(geometry=[too_big], crs="EPSG:27700"))


def test_an_area_takes_its_features_own_name_else_the_file_name(tmp_path: Path) -> None:
    """The Ilkley ward fixture has ``name: Ilkley``: the area is called that, not the file."""
    from layers.user_area import read_user_area

    fixture = Path(__file__).parent / "input_data" / "upload_ilkley_ward.geojson"
    assert read_user_area(fixture).name == "Ilkley"
    data = json.loads(fixture.read_text())
    for feature in data["features"]:
        feature["properties"] = {}
    unnamed = tmp_path / "my_patch.geojson"
    unnamed.write_text(json.dumps(data))
    assert read_user_area(unnamed).name == "my_patch"
