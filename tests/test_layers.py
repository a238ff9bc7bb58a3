"""The committed West Yorkshire bundle: counts, CRS, repairs, places, access rules, vintages.

Known answers come from the raw data's README (ONS counts, Census 2021 total)
and the layer rules in ``layers.greenspace``; tests that re-read the raw files
in ``../shared/data`` live in ``test_layers_shared.py``.
"""

from __future__ import annotations

import json
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from healthyplaces.cli import main
from layers.bundle import manifest, read_table
from layers.catalogue import EMPTY_OFFLINE
from layers.errors import PlaceNotFound
from layers.greenspace import classify
from layers.places import COUNTY_CODE, DISTRICTS, place_index, resolve_place

COUNTY_POPULATION = 2_351_573  # Census 2021 usual residents (ONS)
LSOA21_BY_DISTRICT = {
    "Leeds": 488,
    "Bradford": 312,
    "Kirklees": 260,
    "Wakefield": 215,
    "Calderdale": 129,
}
REPAIRED_MSOA21 = {"E02002322", "E02002338"}  # self-intersect in the ONS source (README)


@cache
def _layer(name: str) -> pd.DataFrame:
    return read_table(name)


def _vector_layers() -> list[str]:
    return sorted(n for n, e in manifest()["layers"].items() if e["kind"] == "vector")


def _points_in_districts(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """District name of each feature's representative point (None outside the county)."""
    districts = _layer("districts")
    pts = shapely.point_on_surface(gdf.geometry.to_numpy())
    out = np.full(len(pts), None, dtype=object)
    for geom, name in zip(districts.geometry, districts["district_name"], strict=True):
        out[shapely.contains(geom, pts)] = name
    return out


# --- Counts ----------------------------------------------------------------------------


def test_boundary_counts() -> None:
    assert len(_layer("districts")) == 5
    assert len(_layer("wards")) == 124
    assert len(_layer("msoa21")) == 301
    assert len(_layer("lsoa21")) == 1_404
    assert len(_layer("county")) == 1


def test_lsoa21_by_district() -> None:
    counts = _layer("lsoa21")["district_name"].value_counts().to_dict()
    assert counts == LSOA21_BY_DISTRICT
    assert _layer("lsoa21")["lsoa21_code"].is_unique


def test_districts_are_the_five_west_yorkshire_codes() -> None:
    d = _layer("districts")
    assert dict(zip(d["district_code"], d["district_name"], strict=True)) == DISTRICTS


def test_census_population_total() -> None:
    pop = _layer("population")
    assert int(pop["population"].sum()) == COUNTY_POPULATION
    assert len(pop) == 1_404
    assert set(pop["lsoa21_code"]) == set(_layer("lsoa21")["lsoa21_code"])


def test_manifest_rows_match_the_files() -> None:
    for name, entry in manifest()["layers"].items():
        if entry["kind"] != "raster":
            assert len(_layer(name)) == entry["rows"], name


# --- CRS and geometry validity ---------------------------------------------------------


def test_every_layer_is_in_british_national_grid() -> None:
    import rasterio

    from layers.bundle import raster_path

    for name, entry in manifest()["layers"].items():
        if entry["kind"] == "vector":
            assert _layer(name).crs.to_epsg() == 27700, name
            assert entry["crs"] == "EPSG:27700"
        elif entry["kind"] == "raster":
            with rasterio.open(raster_path(name)) as src:
                assert src.crs.to_epsg() == 27700, name
        else:
            assert entry["crs"] is None and not isinstance(_layer(name), gpd.GeoDataFrame)


@pytest.mark.parametrize("name", _vector_layers())
def test_no_invalid_or_empty_geometries(name: str) -> None:
    geoms = _layer(name).geometry.to_numpy()
    assert (len(geoms) == 0) == (name in EMPTY_OFFLINE)
    assert shapely.is_valid(geoms).all(), f"{name}: invalid geometries after repair"
    assert not (shapely.is_empty(geoms) | shapely.is_missing(geoms)).any()


def test_msoa21_records_its_two_repairs() -> None:
    entry = manifest()["layers"]["msoa21"]
    assert entry["geometries_repaired"] == 2
    msoa = _layer("msoa21").set_index("msoa21_code")
    assert set(msoa.index) >= REPAIRED_MSOA21
    # Repaired bow-ties stay polygons (not collections) with a real area.
    for code in REPAIRED_MSOA21:
        geom = msoa.loc[code, "geometry"]
        assert geom.geom_type in {"Polygon", "MultiPolygon"} and geom.is_valid
        assert geom.area > 100_000  # m²; MSOAs are km² in size


def test_lsoa_centroids_are_inside_the_county() -> None:
    lsoa = _layer("lsoa21")
    county = _layer("county").geometry.iloc[0]
    inside = shapely.contains_xy(county.buffer(50), lsoa["pwc_x"], lsoa["pwc_y"])
    assert inside.all()


# --- Green space rules -----------------------------------------------------------------


def test_parks_in_every_district() -> None:
    gs = _layer("greenspace")
    parks = gs[gs["osm_value"] == "park"]
    where = _points_in_districts(parks)
    assert set(where) - {None} == set(LSOA21_BY_DISTRICT)
    assert len(parks) > 1_000  # README: 1,266 park features county-wide


def test_golf_courses_are_never_public() -> None:
    gs = _layer("greenspace")
    golf = gs[gs["osm_value"] == "golf_course"]
    assert len(golf) > 10
    assert not golf["public_access"].any()
    # Even a golf course tagged access=yes stays closed.
    tagged = gpd.GeoDataFrame(
        {"osm_key": ["leisure"], "osm_value": ["golf_course"], "other_tags": ['"access"=>"yes"']},
        geometry=[shapely.box(0, 0, 1, 1)],
    )
    assert not classify(tagged)["public_access"].iloc[0]


def test_access_private_is_not_public() -> None:
    gs = _layer("greenspace")
    private = gs[gs["access"] == "private"]
    assert len(private) > 0
    assert not private["public_access"].any()
    # The same park with and without access=private.
    parks = gpd.GeoDataFrame(
        {
            "osm_key": ["leisure", "leisure"],
            "osm_value": ["park", "park"],
            "other_tags": ['"access"=>"private","name"=>"X"', None],
        },
        geometry=[shapely.box(0, 0, 1, 1)] * 2,
    )
    assert classify(parks)["public_access"].tolist() == [False, True]


def test_grass_2020_only_in_kirklees_and_wakefield() -> None:
    gs = _layer("greenspace")
    old = gs[gs["vintage"] == "2020-02-02"]
    assert len(old) > 0
    assert set(old["osm_value"]) == {"grass"}
    assert set(_points_in_districts(old)) == {"Kirklees", "Wakefield"}
    assert set(gs["vintage"]) == {"2023-08", "2020-02-02"}


# --- Places and the CLI ----------------------------------------------------------------


def test_cli_places_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["places", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    levels = pd.Series([r["level"] for r in rows]).value_counts().to_dict()
    assert levels["district"] == 5
    assert levels["ward"] == 124
    assert levels["lsoa"] == 1_404
    assert levels["county"] == 1
    assert {r["name"] for r in rows if r["level"] == "district"} == set(LSOA21_BY_DISTRICT)


@pytest.mark.parametrize(
    ("query", "code", "level"),
    [
        ("E08000032", "E08000032", "district"),
        ("e08000032", "E08000032", "district"),
        ("Bradford", "E08000032", "district"),
        ("BRADFORD", "E08000032", "district"),
        ("  leeds ", "E08000035", "district"),
        ("kirkstall", "E05011402", "ward"),
        ("West Yorkshire", COUNTY_CODE, "county"),
    ],
)
def test_resolve_place_by_code_and_name(query: str, code: str, level: str) -> None:
    place = resolve_place(query)
    assert (place.code, place.level) == (code, level)


def test_resolve_every_ward_by_code_and_lowercase_name() -> None:
    index = place_index()
    table = index.table
    wards = _layer("wards")
    other = table.loc[table["level"] != "ward", "name"].str.casefold()
    unique = wards[~wards["ward_name"].str.casefold().isin(other)]
    unique = unique[~unique["ward_name"].duplicated(keep=False)]
    assert len(unique) > 100
    for code, name in zip(unique["ward_code"], unique["ward_name"], strict=True):
        assert index.resolve(code).code == code
        assert index.resolve(name.lower()).code == code


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("Bradfrod", "Bradford (E08000032)"), ("Kirkles", "Kirklees (E08000034)")],
)
def test_misspelt_place_suggests_the_district(typo: str, expected: str) -> None:
    with pytest.raises(PlaceNotFound) as err:
        resolve_place(typo)
    assert expected in err.value.suggestions
    assert expected in str(err.value)
