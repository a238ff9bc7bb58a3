"""The bundle against the raw public files: real excerpts always, the full files when present.

Each test reads a raw file with a plain reader (``csv``, ``json``) and compares
it with the committed bundle, so a stale or mis-built bundle is caught.

* The excerpts in ``tests/input_data`` (see its README: the Ilkley ward's LSOA
  rows of the ONS centroid, lookup and census files; four MSOA 2021 polygons
  including the two that self-intersect; a few OSM pitch and park features with
  ``other_tags``) are cut unchanged from ``../shared/data`` and run everywhere.
* The whole-file checks ask for the ``shared_data`` fixture: they skip without
  ``../shared/data`` locally and FAIL on CI (``CI=true``); the rule is tested last.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from layers._io import osm_ref, read_vector
from layers.bundle import read_table
from layers.greenspace import classify

INPUT = Path(__file__).parent / "input_data"
ILKLEY_WARD = "E05001354"  # ONS ward code (2024 lookup and 2025 boundaries)
INVALID_MSOA21 = {"E02002322", "E02002338"}  # self-intersect in the ONS source (README)
GREEN_COLUMNS = ["osm_id", "osm_way_id", "name", "other_tags"]  # the ogr2ogr OSM layout


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _hstore(text: str | None) -> dict[str, str]:
    """An unescaped ogr2ogr hstore (``"k"=>"v",…``) read as JSON: a second parser."""
    return {} if not text else dict(json.loads("{" + text.replace('"=>"', '":"') + "}"))


# --- Excerpts: the Ilkley ward's LSOAs ---------------------------------------------------


def test_ilkley_lsoa_centroids_and_lookup_equal_the_ons_csvs() -> None:
    pwc = _csv_rows(INPUT / "boundaries" / "wy_lsoa2021_pwc-ilkley.csv")
    lookup = _csv_rows(INPUT / "boundaries" / "wy_lookup_lsoa21_ward24_lad24-ilkley.csv")
    codes = {r["LSOA21CD"] for r in pwc}
    assert len(codes) == 9 and codes == {r["lsoa21_code"] for r in lookup}
    lsoa = read_table("lsoa21").set_index("lsoa21_code")
    # The bundle puts exactly these LSOAs in the ward, with the ONS centroids to the 0.1 m.
    assert set(lsoa.index[lsoa["ward_code"] == ILKLEY_WARD]) == codes
    for r in pwc:
        row = lsoa.loc[r["LSOA21CD"]]
        assert (row["pwc_x"], row["pwc_y"]) == (float(r["bng_e"]), float(r["bng_n"]))
        assert row["district_name"] == "Bradford"
    # Independent geometry: every centroid lies inside the Ilkley ward polygon.
    ward = gpd.read_file(INPUT / "upload_ilkley_ward.geojson").to_crs(27700).geometry.iloc[0]
    x = [float(r["bng_e"]) for r in pwc]
    y = [float(r["bng_n"]) for r in pwc]
    assert shapely.contains_xy(ward, x, y).all()


def test_ilkley_population_equals_the_census_csv() -> None:
    rows = _csv_rows(INPUT / "population" / "wy_census2021_usual_residents_lsoa21_age6-ilkley.csv")
    bands = [c for c in rows[0] if c.startswith("Aged ")]
    assert len(bands) == 6
    for r in rows:  # README: the six age bands sum to the total in every row
        assert sum(int(r[c]) for c in bands) == int(r["total_usual_residents"])
    pop = read_table("population").set_index("lsoa21_code")
    got = pop.loc[[r["lsoa21_code"] for r in rows], "population"].astype(int).tolist()
    assert got == [int(r["total_usual_residents"]) for r in rows]
    assert sum(got) == 15_035


# --- Excerpts: MSOA 2021 polygons, two of them self-intersecting -------------------------


def test_raw_msoa21_invalid_polygons_are_repaired_as_in_the_bundle() -> None:
    path = INPUT / "boundaries" / "wy_msoa2021_bgc-excerpt.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    invalid = {
        f["properties"]["MSOA21CD"]
        for f in doc["features"]
        if not shapely.geometry.shape(f["geometry"]).is_valid
    }
    assert invalid == INVALID_MSOA21 and len(doc["features"]) == 4
    frame, report = read_vector(path, keep="polygon", columns=["MSOA21CD"])
    assert (report.read, report.repaired, report.wrong_type_dropped) == (4, 2, 0)
    assert shapely.is_valid(frame.geometry.to_numpy()).all()
    bundle = read_table("msoa21").set_index("msoa21_code").geometry
    for code, geom in zip(frame["MSOA21CD"], frame.geometry, strict=True):
        assert shapely.equals_exact(geom, bundle[code], tolerance=0.0), code


# --- Excerpts: OSM green features with other_tags -----------------------------------------


def _read_green(name: str, key: str, value: str) -> tuple[gpd.GeoDataFrame, int]:
    """An ogr2ogr OSM GeoJSON read and classified as the bundle build reads its tag files."""
    frame, report = read_vector(INPUT / "osm" / name, keep="polygon", columns=GREEN_COLUMNS)
    frame = frame.assign(osm_ref=osm_ref(frame), osm_key=key, osm_value=value)
    return classify(frame), report.wrong_type_dropped


def test_pitch_access_follows_other_tags_as_in_the_bundle() -> None:
    green, dropped = _read_green("west-yorkshire-leisure-pitch-excerpt.geojson", "leisure", "pitch")
    assert dropped == 1  # node 269058768 is a point: polygons only
    raw = json.loads((INPUT / "osm" / "west-yorkshire-leisure-pitch-excerpt.geojson").read_text())
    access = {
        f"way/{f['properties']['osm_way_id']}": _hstore(f["properties"].get("other_tags")).get(
            "access"
        )
        for f in raw["features"]
        if f["properties"].get("osm_way_id")
    }
    # Pitches are closed unless tagged open (access=yes or permissive): layers.greenspace rules.
    expected = {
        "way/4312079": (None, False),
        "way/29462451": ("private", False),
        "way/87605283": ("yes", True),
        "way/126795795": ("no", False),
        "way/283621803": ("customers", False),
        "way/722277519": ("permissive", True),
    }
    assert {k: v for k, v in access.items()} == {k: a for k, (a, _) in expected.items()}
    by_ref = green.set_index("osm_ref")
    bundle = read_table("greenspace").set_index("osm_ref")
    for ref, (tag, public) in expected.items():
        row = by_ref.loc[ref]
        assert (row["access"] if pd.notna(row["access"]) else None) == tag, ref
        assert bool(row["public_access"]) is public, ref
        assert row["typology"] == bundle.loc[ref, "typology"] == "outdoor_sports", ref
        assert bool(bundle.loc[ref, "public_access"]) is public, ref
        area_ha = shapely.area(row.geometry) / 10_000
        assert area_ha == pytest.approx(bundle.loc[ref, "area_ha"], rel=1e-9), ref


def test_a_park_relation_is_public_parks_and_gardens() -> None:
    green, _ = _read_green("west-yorkshire-leisure-park-excerpt.geojson", "leisure", "park")
    assert green["osm_ref"].tolist() == ["relation/3200525"]  # a multipolygon: a relation
    row = green.iloc[0]
    assert (row["name"], row["typology"], bool(row["public_access"])) == (
        "Centre Vale Park",
        "parks_gardens",
        True,
    )
    bundle = read_table("greenspace").set_index("osm_ref").loc["relation/3200525"]
    assert (bundle["name"], bundle["typology"], bool(bundle["public_access"])) == (
        "Centre Vale Park",
        "parks_gardens",
        True,
    )


# --- The full raw files (skip without ../shared/data, fail on CI) ------------------------


def test_lsoa_centroids_equal_the_ons_csv(shared_data: Path) -> None:
    raw = {
        r["LSOA21CD"]: (float(r["bng_e"]), float(r["bng_n"]))
        for r in _csv_rows(shared_data / "boundaries" / "wy_lsoa2021_pwc.csv")
    }
    lsoa = read_table("lsoa21")
    assert len(raw) == len(lsoa) == 1_404
    for code, x, y in zip(lsoa["lsoa21_code"], lsoa["pwc_x"], lsoa["pwc_y"], strict=True):
        assert (x, y) == raw[code], code


def test_raw_msoa21_invalid_polygons_are_the_two_in_the_readme(shared_data: Path) -> None:
    doc = json.loads((shared_data / "boundaries" / "wy_msoa2021_bgc.geojson").read_text())
    invalid = {
        f["properties"]["MSOA21CD"]
        for f in doc["features"]
        if not shapely.geometry.shape(f["geometry"]).is_valid
    }
    assert invalid == INVALID_MSOA21
    assert len(doc["features"]) == 301


def test_lsoa_lookup_counts_by_district(shared_data: Path) -> None:
    rows = _csv_rows(shared_data / "boundaries" / "wy_lookup_lsoa21_ward24_lad24.csv")
    counts = Counter(r["ltla24_name"] for r in rows)
    assert counts == {
        "Leeds": 488,
        "Bradford": 312,
        "Kirklees": 260,
        "Wakefield": 215,
        "Calderdale": 129,
    }
    bundle = read_table("lsoa21")
    assert dict(Counter(bundle["district_name"])) == dict(counts)


def test_population_equals_the_raw_census_csv(shared_data: Path) -> None:
    rows = _csv_rows(shared_data / "population" / "wy_census2021_usual_residents_lsoa21_age6.csv")
    raw = {r["lsoa21_code"]: int(r["total_usual_residents"]) for r in rows}
    assert sum(raw.values()) == 2_351_573
    pop = read_table("population")
    assert dict(zip(pop["lsoa21_code"], pop["population"].astype(int), strict=True)) == raw


# --- The rule itself: skip locally, fail on CI -------------------------------------------


def test_missing_shared_data_skips_locally_and_fails_on_ci(
    require_shared_data: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEALTHYPLACES_SHARED_DATA", str(tmp_path / "absent"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="absent"):
        require_shared_data()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_shared_data("air_quality")
    for value in ("true", "TRUE"):
        monkeypatch.setenv("CI", value)
        with pytest.raises(pytest.fail.Exception, match=r"absent.*CI=true"):
            require_shared_data()
    # Present: the folder (with its README.md) or the file asked for, on CI or not.
    root = tmp_path / "absent"
    (root / "air_quality").mkdir(parents=True)
    (root / "README.md").write_text("shared data\n")
    assert require_shared_data() == root
    assert require_shared_data("air_quality") == root / "air_quality"
    with pytest.raises(pytest.fail.Exception, match="pcm_2019"):
        require_shared_data("air_quality", "pcm_2019")
