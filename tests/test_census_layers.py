"""The Census 2021, SAMHI, garden and AHAH layers equal the raw public files."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from layers import catalogue, census, context, health
from layers.bundle import manifest

NEW_LAYERS = [*census.TABLES, "census_ts037", "samhi", "gardens", "ahah"]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("layer", list(census.TABLES))
def test_census_groups_are_the_raw_sums(layer: str, shared_data: Path) -> None:
    table = census.TABLES[layer]
    raw = {r[table.key]: r for r in _rows(shared_data / "census2021" / table.file)}
    stored = census.load_table(layer).set_index(table.key)
    assert len(stored) == len(raw) == (301 if layer == "census_ts007" else 1404)
    for code in list(raw)[::97]:
        row = raw[code]
        assert stored.loc[code, "total"] == int(row[table.total])
        for name, cols in table.groups.items():
            assert stored.loc[code, name] == sum(int(row[c]) for c in cols), (layer, code, name)
    assert all(str(stored[c].dtype).startswith("int") for c in stored.columns)


def test_bradford_asian_share_is_the_published_32_1_percent() -> None:
    ts021 = census.load_table("census_ts021")
    bradford = ts021[ts021["lsoa21_code"].isin(_district_lsoas("E08000032"))]
    # Census 2021 TS021, Bradford: 32.1% Asian, Asian British or Asian Welsh (ONS).
    assert round(100 * bradford["asian"].sum() / bradford["total"].sum(), 1) == 32.1


def _district_lsoas(code: str) -> set[str]:
    from layers.paths import shared_data_dir

    path = shared_data_dir() / "census2021" / census.TABLES["census_ts021"].file
    return {r["lsoa21_code"] for r in _rows(path) if r["ltla24_code"] == code}


def test_general_health_shares(shared_data: Path) -> None:
    raw = _rows(shared_data / "census2021" / census.TS037_FILE)
    got = census.load_general_health().set_index("msoa21_code")
    first = raw[0]
    assert got.loc[first["msoa21_code"], "bad_health_share"] == pytest.approx(
        float(first["pct_bad_or_very_bad_health"]) / 100
    )


def test_samhi_keeps_three_decimals(shared_data: Path) -> None:
    raw = _rows(shared_data / "health" / "wy_samhi_v5_lsoa21.csv")
    got = health.load_samhi().set_index("lsoa21_code")
    for row in raw[::50]:
        for year in health.SAMHI_YEARS:
            code = row["lsoa21_code"]
            assert (
                abs(got.loc[code, f"samhi_index_{year}"] - float(row[f"samhi_index_{year}"]))
                <= 5e-4
            )
            assert got.loc[code, f"samhi_dec_{year}"] == int(row[f"samhi_dec_{year}"])
    assert got["merged"].sum() == sum(r["method"] == "merge_mean_of_parents" for r in raw) == 2


def test_gardens_cover_every_msoa21_and_split_children_copy_the_parent(shared_data: Path) -> None:
    raw = {r["msoa11_code"]: r for r in _rows(shared_data / "context" / context._GARDEN_FILE)}
    g = context.load_gardens().set_index("msoa21_code")
    assert len(g) == 301
    assert (g["garden_method"] == context.UNCHANGED).sum() == 297
    split = g[g["garden_method"] == context.SPLIT]
    assert sorted(split["msoa11_code"].unique()) == ["E02002186", "E02002221"]
    for code, row in split.iterrows():
        parent = raw[row["msoa11_code"]]
        assert row["total_pos_share"] == pytest.approx(float(parent["total_pct_with_pos"]))
        assert row["total_address_count"] == -1, code
    same = raw["E02002183"]
    assert g.loc["E02002183", "flats_pos_share"] == pytest.approx(float(same["flats_pct_with_pos"]))
    assert g.loc["E02002183", "flats_address_count"] == int(same["flats_address_count"])


def test_ahah_scores(shared_data: Path) -> None:
    raw = _rows(shared_data / "context" / "wy_cdrc_ahah_v4_index_lsoa21.csv")
    got = context.load_ahah().set_index("lsoa21_code")
    for row in raw[::70]:
        code = row["lsoa21_code"]
        assert got.loc[code, "ahah_score"] == pytest.approx(
            float(row["ahah_v4_index_score"]), abs=5e-5
        )
        assert got.loc[code, "ahah_rank_gb"] == int(row["ahah_v4_index_rank_gb"])


@pytest.mark.parametrize("name", NEW_LAYERS)
def test_each_new_layer_has_a_catalogue_entry_and_is_in_the_bundle(name: str) -> None:
    info = catalogue.LAYERS[name]
    assert info.source and info.licence and info.vintage and info.gaps
    assert "denominator" in info.units
    entry = manifest()["layers"][name]
    assert entry["rows"] == (301 if name in ("census_ts007", "census_ts037", "gardens") else 1404)
    assert entry["bytes"] < 60_000  # compact: integers, only the columns used


def test_census_denominator_is_the_tables_own_total() -> None:
    """ONS perturbation: the same LSOA's totals differ between tables, so each keeps its own."""
    totals = {
        t: census.load_table(t).set_index("lsoa21_code")["total"]
        for t in ("census_ts001", "census_ts021", "census_ts038")
    }
    diff = (totals["census_ts001"] - totals["census_ts021"]).abs()
    assert diff.max() > 0  # they do differ
    assert diff.max() <= 15
    assert np.all(
        census.load_table("census_ts021")[["asian", "black", "mixed", "white", "other"]].sum(axis=1)
        == census.load_table("census_ts021")["total"]
    )
