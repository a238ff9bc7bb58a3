"""The bundle against the raw public files in ``../shared/data`` (skipped when absent).

Each test reads a raw file with a plain reader (``csv``, ``json``) and compares
it with the committed bundle, so a stale or mis-built bundle is caught.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
import shapely

from layers import paths
from layers.bundle import read_table

SHARED = paths.shared_data_dir()

pytestmark = pytest.mark.skipif(
    not (SHARED / "README.md").exists(), reason="../shared/data is not present"
)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_lsoa_centroids_equal_the_ons_csv() -> None:
    raw = {
        r["LSOA21CD"]: (float(r["bng_e"]), float(r["bng_n"]))
        for r in _csv_rows(SHARED / "boundaries" / "wy_lsoa2021_pwc.csv")
    }
    lsoa = read_table("lsoa21")
    assert len(raw) == len(lsoa) == 1_404
    for code, x, y in zip(lsoa["lsoa21_code"], lsoa["pwc_x"], lsoa["pwc_y"], strict=True):
        assert (x, y) == raw[code], code


def test_raw_msoa21_invalid_polygons_are_the_two_in_the_readme() -> None:
    doc = json.loads((SHARED / "boundaries" / "wy_msoa2021_bgc.geojson").read_text())
    invalid = {
        f["properties"]["MSOA21CD"]
        for f in doc["features"]
        if not shapely.geometry.shape(f["geometry"]).is_valid
    }
    assert invalid == {"E02002322", "E02002338"}
    assert len(doc["features"]) == 301


def test_lsoa_lookup_counts_by_district() -> None:
    rows = _csv_rows(SHARED / "boundaries" / "wy_lookup_lsoa21_ward24_lad24.csv")
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


def test_population_equals_the_raw_census_csv() -> None:
    rows = _csv_rows(SHARED / "population" / "wy_census2021_usual_residents_lsoa21_age6.csv")
    raw = {r["lsoa21_code"]: int(r["total_usual_residents"]) for r in rows}
    assert sum(raw.values()) == 2_351_573
    pop = read_table("population")
    assert dict(zip(pop["lsoa21_code"], pop["population"].astype(int), strict=True)) == raw
