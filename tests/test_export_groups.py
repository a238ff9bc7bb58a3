"""The results export carries each LSOA's Census 2021 group counts, totals and shares.

Checked against the raw ONS topic-summary CSVs (a second reading of the data),
against the export captured before the columns were added (every old column is
unchanged), and in the data dictionary (units, source table, year, type).
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import pytest

from analysis.equity import FAMILIES
from analysis.group_columns import COLUMN_INFO
from healthyplaces.export import export_layer

PLACE = "E08000033"  # Calderdale: 129 LSOAs
GOLDEN = Path(__file__).parent / "golden" / "export_results_E08000033_csv.gz"
GROUPS = [g for _, _, gs in FAMILIES.values() for g in gs]


@pytest.fixture(scope="module")
def exported(results: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("groups")
    csv = export_layer("results_lsoa", PLACE, "csv", folder / "r.csv")
    gpkg = export_layer("results_lsoa", PLACE, "gpkg", folder / "r.gpkg")
    dictionary = next(p for p in csv.extras if p.name.endswith(".dictionary.csv"))
    return {
        "frame": pd.read_csv(csv.path),
        "dictionary": pd.read_csv(dictionary),
        "gpkg": gpkg.path,
    }


def test_the_golden_export_holds_every_group_column(exported: dict[str, Any]) -> None:
    old = pd.read_csv(io.BytesIO(gzip.decompress(GOLDEN.read_bytes())))
    new = exported["frame"]
    assert [c for c in new.columns if c in old.columns] == list(old.columns)
    pd.testing.assert_frame_equal(new[old.columns], old)
    # The golden (tests/golden/capture.py) now holds the group columns too: all of them.
    assert {c for c in new.columns if c in COLUMN_INFO} == set(COLUMN_INFO)
    assert set(COLUMN_INFO) <= set(old.columns)


def test_counts_and_shares_are_the_raw_census_tables(
    exported: dict[str, Any], shared_data: Path
) -> None:
    src = shared_data / "census2021"
    ts021 = pd.read_csv(src / "wy_census2021_ts021_ethnic_group_lsoa21.csv").set_index(
        "lsoa21_code"
    )
    ts044 = pd.read_csv(src / "wy_census2021_ts044_accommodation_type_lsoa21.csv").set_index(
        "lsoa21_code"
    )
    ts011 = pd.read_csv(src / "wy_census2021_ts011_household_deprivation_lsoa21.csv").set_index(
        "lsoa21_code"
    )
    frame = exported["frame"].set_index("lsoa21_code")
    codes = frame.index
    asian = ts021.loc[codes, "asian"]
    np.testing.assert_array_equal(frame["count_asian"], asian)
    np.testing.assert_allclose(
        frame["share_asian"], asian / ts021.loc[codes, "total_usual_residents"]
    )
    flats = ts044.loc[
        codes,
        [
            "flat_purpose_built",
            "flat_converted_or_shared_house",
            "flat_other_converted_building",
            "in_commercial_building",
        ],
    ].sum(axis=1)
    np.testing.assert_array_equal(frame["count_flats"], flats)
    np.testing.assert_array_equal(
        frame["total_accommodation"], ts044.loc[codes, "total_households"]
    )
    deprived = ts011.loc[
        codes, ["deprived_2_dimensions", "deprived_3_dimensions", "deprived_4_dimensions"]
    ].sum(axis=1)
    np.testing.assert_allclose(
        frame["share_deprived_2_plus"], deprived / ts011.loc[codes, "total_households"]
    )
    # Age 16–64 is the four middle bands of the six; the age total is the population.
    middle = frame[["age_16_24", "age_25_34", "age_35_49", "age_50_64"]].sum(axis=1)
    np.testing.assert_array_equal(frame["count_age_16_64"], middle)
    np.testing.assert_array_equal(frame["total_age"], frame["population"])


def test_exhaustive_families_sum_to_one(exported: dict[str, Any]) -> None:
    frame = exported["frame"]
    for family, (_, _, groups) in FAMILIES.items():
        total = frame[[f"share_{g.name}" for g in groups]].sum(axis=1)
        if family == "accommodation":  # caravans and temporary structures are neither
            assert (total <= 1 + 1e-12).all() and (total > 0.9).all()
        else:
            np.testing.assert_allclose(total, 1.0)


def test_the_dictionary_names_units_table_year_and_type(exported: dict[str, Any]) -> None:
    d = exported["dictionary"].set_index("field")
    for g in GROUPS:
        count, share = d.loc[f"count_{g.name}"], d.loc[f"share_{g.name}"]
        assert count["type"] == "integer" and share["type"] == "real"
        assert count["units"] in ("people", "households")
        assert share["units"].startswith("share of") and "(0–1)" in share["units"]
        assert "Census 2021" in count["source"] and str(count["year"]) == "2021"
    assert "TS021" in d.loc["count_asian", "source"]
    assert "TS038" in d.loc["count_disabled", "source"]
    assert "TS045" in d.loc["share_no_car", "source"]
    assert "TS044" in d.loc["count_flats", "source"]
    assert "TS011" in d.loc["count_deprived_2_plus", "source"]
    assert d.loc["total_car", "units"] == "households"


def test_geopackage_types_counts_as_integers(exported: dict[str, Any]) -> None:
    info = pyogrio.read_info(exported["gpkg"], layer="results_lsoa")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["count_asian"].startswith("int") and types["total_car"].startswith("int")
    assert types["share_no_car"] == "float64"


def test_the_downloads_schema_lists_the_group_columns() -> None:
    from healthyplaces.export import property_schema

    cols = dict(property_schema("results_lsoa"))
    assert set(COLUMN_INFO) <= set(cols)
    assert cols["count_asian"].lower().startswith("int") and cols["share_asian"] == "float64"
