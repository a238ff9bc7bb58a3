"""Exports: GeoJSON (RFC 7946, lon/lat, attribution), GeoPackage (EPSG:27700), CSV (WKT)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from io import BytesIO
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import crs
from healthyplaces.cli import main
from healthyplaces.export import (
    UnknownLayer,
    export_download,
    export_layer,
    exportable_layers,
    property_schema,
)
from layers import catalogue
from layers.errors import PlaceNotFound
from layers.places import load_boundaries


@pytest.fixture(scope="module")
def bradford() -> shapely.Geometry:
    """Bradford district polygon, EPSG:27700."""
    d = load_boundaries("district")
    return d.loc[d["name"] == "Bradford", "geometry"].iloc[0]


@pytest.fixture(scope="module")
def sites_geojson(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("export") / "sites.geojson"
    export_layer("greenspace_sites", "Bradford", "geojson", path)
    return json.loads(path.read_text(encoding="utf-8"))


def test_geojson_is_rfc7946_lonlat_with_features(sites_geojson: dict) -> None:
    assert sites_geojson["type"] == "FeatureCollection"
    assert "crs" not in sites_geojson
    assert len(sites_geojson["features"]) > 500
    coords = shapely.get_coordinates(
        [shapely.geometry.shape(f["geometry"]) for f in sites_geojson["features"]]
    )
    lon, lat = coords[:, 0], coords[:, 1]
    # Bradford is around 1.6–2.2° W, 53.7–54.0° N: lon first, lat second.
    assert np.all((lon > -2.3) & (lon < -1.5)), (lon.min(), lon.max())
    assert np.all((lat > 53.6) & (lat < 54.05)), (lat.min(), lat.max())


def test_geojson_features_all_intersect_bradford(sites_geojson: dict, bradford) -> None:
    gdf = gpd.GeoDataFrame.from_features(sites_geojson["features"], crs=crs.DISPLAY_CRS)
    projected = gdf.to_crs(crs.ANALYSIS_CRS)
    # Coordinates are rounded to 1e-6° (~0.1 m), so allow a 1 m tolerance.
    assert projected.geometry.intersects(bradford.buffer(1.0)).all()
    assert gdf["name"].notna().any()


def test_geojson_carries_attribution_and_vintage(sites_geojson: dict) -> None:
    assert sites_geojson["attribution"] == catalogue.ATTRIBUTION
    assert "OpenStreetMap" in sites_geojson["attribution"]
    assert sites_geojson["vintage"].startswith("2023")
    assert sites_geojson["licence"]
    assert sites_geojson["source"]
    assert sites_geojson["place"]["code"] == "E08000032"


def test_boundary_layers_use_the_lookup_not_touching_neighbours(tmp_path: Path) -> None:
    result = export_layer("lsoa21", "Bradford", "geojson", tmp_path / "lsoa.geojson")
    data = json.loads(result.path.read_text(encoding="utf-8"))
    districts = {f["properties"]["district_name"] for f in data["features"]}
    assert districts == {"Bradford"}
    assert result.features == len(data["features"]) > 300


def test_gpkg_is_bng_with_attribution_inside(tmp_path: Path) -> None:
    path = tmp_path / "wards.gpkg"
    result = export_layer("wards", "E08000032", "gpkg", path)
    gdf = gpd.read_file(path, layer="wards")
    assert gdf.crs.to_epsg() == 27700
    assert len(gdf) == result.features == 30
    assert result.sidecar is None  # the attribution is inside (gpkg_metadata)
    with sqlite3.connect(path) as con:
        (description,) = con.execute(
            "SELECT description FROM gpkg_contents WHERE table_name = 'wards'"
        ).fetchone()
        meta = " ".join(m for (m,) in con.execute("SELECT metadata FROM gpkg_metadata"))
    assert "Crown copyright" in description
    assert "Crown copyright" in meta and "2025" in meta


def test_csv_has_wkt_in_lonlat(tmp_path: Path) -> None:
    path = tmp_path / "water.csv"
    result = export_layer("blue_water", "Calderdale", "csv", path)
    table = pd.read_csv(path)
    assert len(table) == result.features > 0
    geoms = shapely.from_wkt(table["WKT"].to_numpy())
    x = shapely.get_coordinates(geoms)[:, 0]
    assert np.all((x > -2.3) & (x < -1.6))
    assert "OpenStreetMap" in Path(f"{path}.attribution.txt").read_text(encoding="utf-8")


def test_tables_keyed_by_lsoa_get_lsoa_geometry(tmp_path: Path) -> None:
    result = export_layer("iod2025", "Wakefield", "geojson", tmp_path / "iod.geojson")
    data = json.loads(result.path.read_text(encoding="utf-8"))
    assert data["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert "IMD_decile" in data["features"][0]["properties"]


def test_unknown_layer_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnknownLayer, match="greenspace_sites"):
        export_layer("greenspace_site", "Bradford", "geojson", tmp_path / "x.geojson")
    with pytest.raises(UnknownLayer, match="raster"):
        export_layer("air_no2_2019", None, "geojson", tmp_path / "x.geojson")


def test_unknown_place_lists_nearest_matches(tmp_path: Path) -> None:
    with pytest.raises(PlaceNotFound) as err:
        export_layer("greenspace_sites", "Bradfrod", "geojson", tmp_path / "x.geojson")
    assert any("Bradford" in s for s in err.value.suggestions)
    assert "Did you mean" in str(err.value)


def test_cli_export_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sites.gpkg"
    assert main(["export", "greenspace_sites", "--place", "Bradford", "-o", str(out)]) == 0
    assert gpd.read_file(out, layer="greenspace_sites").crs.to_epsg() == 27700  # from the suffix
    assert main(["export", "nope", "--place", "Bradford", "-o", str(tmp_path / "x.geojson")]) == 2
    assert "Unknown layer" in capsys.readouterr().err
    code = main(
        ["export", "wards", "--place", "Bradfrod", "--format", "csv", "-o", str(tmp_path / "x.csv")]
    )
    assert code == 2
    assert "Did you mean" in capsys.readouterr().err


def test_download_bytes_zip_the_csv_sidecars() -> None:
    data, name, mime, n = export_download("wards", "Kirklees", "csv")
    assert name.endswith(".zip") and mime == "application/zip" and n > 0
    names = zipfile.ZipFile(BytesIO(data)).namelist()
    assert any(x.endswith(".csv") and "dictionary" not in x for x in names)
    assert any(x.endswith(".csvt") for x in names)
    assert any(x.endswith(".attribution.txt") for x in names)
    assert any(x.endswith(".dictionary.csv") for x in names)


def test_catalogue_and_schema() -> None:
    layers = exportable_layers()
    assert "greenspace_sites" in layers and "air_no2_2019" not in layers
    cols = dict(property_schema("greenspace_sites"))
    assert "area_ha" in cols and "geometry" not in cols


def test_csv_neutralises_formula_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OWASP CSV Injection: a hostile OSM name reaches the CSV as inert text."""
    from healthyplaces.export import select
    from layers.bundle import read_table

    hostile = '=HYPERLINK("http://x","y")'
    real = read_table("greenspace_sites")
    doctored = real.head(3).copy()
    doctored["name"] = [hostile, "-1+2", "Lister Park"]

    def fake_read_table(layer: str, columns: list[str] | None = None) -> pd.DataFrame:
        return doctored if layer == "greenspace_sites" else read_table(layer, columns=columns)

    monkeypatch.setattr(select, "read_table", fake_read_table)
    path = tmp_path / "sites.csv"
    export_layer("greenspace_sites", None, "csv", path)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(table["name"]) == ["'" + hostile, "'-1+2", "Lister Park"]
    # numbers stay numbers: area_ha is unchanged and parses as a float
    assert np.allclose(table["area_ha"].astype(float), doctored["area_ha"].to_numpy(float))
    assert not any(c.startswith(("=", "+", "-", "@")) for c in table.to_numpy().ravel())
