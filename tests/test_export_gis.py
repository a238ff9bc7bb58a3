"""Exports a GIS officer can load and style (issue 13, item 6).

Field types read back through GDAL (pyogrio.read_info: the same fields
``ogrinfo -so`` lists), the data dictionary, the CSV's WKT + .csvt, the
GeoPackage's attribution inside it, the multi-layer place pack and the QGIS style.
"""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from analysis.air_years import selected_year
from geo import crs
from healthyplaces.cli import main
from healthyplaces.export import export_download, export_layer
from healthyplaces.export.writers import write_gpkg
from layers import catalogue

PLACE = "Calderdale"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gis")
    for fmt in ("gpkg", "geojson", "csv"):
        export_layer("results_lsoa", PLACE, fmt, folder / f"results.{fmt}")
    return folder


def _types(path: Path, layer: str | None = None) -> dict[str, tuple[str, str]]:
    info = pyogrio.read_info(path, layer=layer or (0 if path.suffix == ".gpkg" else None))
    return {
        f: (t, s)
        for f, t, s in zip(info["fields"], info["ogr_types"], info["ogr_subtypes"], strict=True)
    }


def test_gpkg_integers_and_booleans_are_typed(out: Path) -> None:
    types = _types(out / "results.gpkg")
    for field in ("hpi_rank", "hpi_decile", "IMD_decile", "population", "near_miss_2ha_300m"):
        assert types[field] == ("OFTInteger", "OFSTNone"), field
    for field in ("net_available_0.5ha_200m", "net_available_500ha_10km"):
        assert types[field] == ("OFTInteger", "OFSTBoolean"), field
    # meets_* are shares of residents (0–1) since the population surface: reals, not text
    for field in ("meets_2ha_300m", "net_meets_2ha_300m", "double_burden", "dist_2ha_300m_m"):
        assert types[field][0] == "OFTReal", field
    assert not {f for f, (t, _) in types.items() if t == "OFTString"} - {
        "lsoa21_code", "lsoa21_name", "ward_code", "ward_name", "district_code",
        "district_name", "msoa21_code", "msoa21_name", "net_reason",
    }  # fmt: skip
    # sorted as numbers, 10 after 8 (the text type sorted "10" before "8")
    deciles = gpd.read_file(out / "results.gpkg", layer="results_lsoa")["hpi_decile"].dropna()
    assert sorted(deciles.unique())[-1] == deciles.max() == 10


def test_nullable_booleans_stay_booleans_with_nulls(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "net_meets": pd.array([True, None, False], dtype="boolean"),
            "rank": pd.array([8, None, 10], dtype="Int64"),
        },
        geometry=shapely.points([0, 1, 2], [0, 1, 2]),
        crs=crs.ANALYSIS_CRS,
    )
    meta = {k: "x" for k in ("layer", "title", "attribution", "layer_attribution")}
    meta |= {k: "x" for k in ("licence", "source", "vintage", "selection")}
    write_gpkg(frame, meta, tmp_path / "t.gpkg")
    types = _types(tmp_path / "t.gpkg")
    assert types == {"net_meets": ("OFTInteger", "OFSTBoolean"), "rank": ("OFTInteger", "OFSTNone")}
    back = pyogrio.read_dataframe(tmp_path / "t.gpkg")
    assert back["net_meets"].isna().tolist() == [False, True, False]
    assert back["rank"].max() == 10


def test_same_types_in_geojson_and_csv(out: Path) -> None:
    doc = json.loads((out / "results.geojson").read_text(encoding="utf-8"))
    props = doc["features"][0]["properties"]
    assert type(props["hpi_decile"]) is int and type(props["IMD_decile"]) is int
    assert type(props["net_available_2ha_300m"]) is bool
    assert type(props["dist_2ha_300m_m"]) is float
    csv_types = _types(out / "results.csv")
    gpkg_types = _types(out / "results.gpkg")
    for field in ("hpi_decile", "IMD_decile", "population"):
        assert csv_types[field][0] in ("OFTInteger", "OFTInteger64"), field
    assert csv_types["net_available_2ha_300m"] == gpkg_types["net_available_2ha_300m"]
    assert csv_types["dist_2ha_300m_m"] == gpkg_types["dist_2ha_300m_m"] == ("OFTReal", "OFSTNone")


def test_dictionary_covers_every_field_with_units(out: Path) -> None:
    gpkg_fields = set(pyogrio.read_info(out / "results.gpkg", layer="results_lsoa")["fields"])
    sidecar = pd.read_csv(out / "results.gpkg.dictionary.csv", keep_default_na=False)
    inside = pyogrio.read_dataframe(out / "results.gpkg", layer="data_dictionary")
    assert gpkg_fields <= set(sidecar["field"]) and gpkg_fields <= set(inside["field"])
    assert (sidecar["units"].str.strip() != "").all()
    assert not sidecar["units"].eq("see the methods").any()
    by_field = sidecar.set_index("field")
    assert by_field.loc["no2_ugm3", "units"] == "µg/m³"
    assert by_field.loc["dist_2ha_300m_m", "units"] == "m"
    assert by_field.loc["meets_2ha_300m", "units"] == "share of residents (0–1)"
    assert "27700" in by_field.loc["pwc_easting_27700", "units"]
    doc = json.loads((out / "results.geojson").read_text(encoding="utf-8"))
    props = set(doc["features"][0]["properties"])
    assert "pwc_x" not in props and {"pwc_easting_27700", "pwc_northing_27700"} <= props
    units = {f["field"]: f["units"] for f in doc["fields"]}
    assert props <= set(units) and all(units[p] for p in props)


def test_bundle_layer_dictionary_has_units(tmp_path: Path) -> None:
    export_layer("greenspace_sites", PLACE, "gpkg", tmp_path / "sites.gpkg")
    table = pyogrio.read_dataframe(tmp_path / "sites.gpkg", layer="data_dictionary")
    fields = pyogrio.read_info(tmp_path / "sites.gpkg", layer="greenspace_sites")["fields"]
    assert set(fields) <= set(table["field"])
    units = table.set_index("field")["units"]
    assert units["area_ha"] == "hectares" and units["n_members"] == "count"
    assert units["site_id"] == "none (identifier)"
    assert (table["units"].str.strip() != "").all()


def test_csv_wkt_opens_as_a_gdal_layer(out: Path) -> None:
    csvt = (out / "results.csvt").read_text(encoding="utf-8").strip().split(",")
    header = (out / "results.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert len(csvt) == len(header) and header[-1] == "WKT" and csvt[-1] == '"WKT"'
    gdf = pyogrio.read_dataframe(out / "results.csv", GEOM_POSSIBLE_NAMES="WKT")
    assert len(gdf) == 129 and gdf.geometry.notna().all()
    gpkg = gpd.read_file(out / "results.gpkg", layer="results_lsoa").to_crs(crs.DISPLAY_CRS)
    # same LSOAs, same outlines to the 6-decimal rounding (~0.1 m)
    assert list(gdf["lsoa21_code"]) == list(gpkg["lsoa21_code"])
    assert np.allclose(gdf.geometry.bounds, gpkg.geometry.bounds, atol=2e-6)


def test_gpkg_is_not_zipped_and_carries_its_attribution(out: Path) -> None:
    data, name, mime, n = export_download("results_lsoa", PLACE, "gpkg")
    assert name.endswith(".gpkg") and mime == "application/geopackage+sqlite3"
    assert data[:16] == b"SQLite format 3\x00" and n == 129
    with sqlite3.connect(out / "results.gpkg") as con:
        rows = [m for (m,) in con.execute("SELECT metadata FROM gpkg_metadata")]
    assert any(catalogue.ATTRIBUTION.replace("&", "&amp;") in m for m in rows)
    assert not (out / "results.gpkg.attribution.txt").exists()


def test_qml_is_a_graduated_style_on_the_results(out: Path) -> None:
    root = ET.parse(out / "results.qml").getroot()
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "graduatedSymbol"
    field = renderer.get("attr")
    fields = pyogrio.read_info(out / "results.gpkg", layer="results_lsoa")["fields"]
    assert field == "hpi_decile" and field in fields
    ranges = renderer.findall("ranges/range")
    assert [float(r.get("lower", "nan")) for r in ranges] == [d - 0.5 for d in range(1, 11)]
    assert len(renderer.findall("symbols/symbol")) == 10


def test_place_pack_from_the_cli(tmp_path: Path) -> None:
    pack = tmp_path / "pack.gpkg"
    assert main(["export", "place-pack", "--place", PLACE, "-o", str(pack)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pack.gpkg", "pack.gpkg.dictionary.csv", "pack_results_lsoa.qml",
    ]  # fmt: skip
    layers = dict(pyogrio.list_layers(pack))
    air_layer = f"air_pcm_{selected_year()}"  # the air year in use (newest by default)
    assert set(layers) == {
        "boundary", "greenspace_sites", "results_lsoa", "iod2025", air_layer,
        "data_dictionary",
    }  # fmt: skip
    boundary = gpd.read_file(pack, layer="boundary")
    assert list(boundary["name"]) == [PLACE]
    outline = boundary.geometry.iloc[0]
    results = gpd.read_file(pack, layer="results_lsoa")
    assert len(results) == 129 and results["district_name"].eq(PLACE).all()
    assert _types(pack, "results_lsoa")["hpi_decile"] == ("OFTInteger", "OFSTNone")
    air = gpd.read_file(pack, layer=air_layer)
    assert np.allclose(air.area, 1_000_000.0)  # DEFRA PCM cells are 1 km squares
    assert air.intersects(outline).all() and air["no2_ugm3"].between(1, 60).all()
    sites = gpd.read_file(pack, layer="greenspace_sites")
    assert sites.intersects(outline.buffer(1.0)).all()
    table = pyogrio.read_dataframe(pack, layer="data_dictionary")
    assert set(table["layer"]) == set(layers) - {"data_dictionary"}
    assert (pack.parent / "pack_results_lsoa.qml").exists()


def test_place_pack_needs_gpkg(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="GeoPackage"):
        export_layer("place-pack", PLACE, "csv", tmp_path / "x.csv")
