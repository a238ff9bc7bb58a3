"""DEFRA air quality: PCM cell-centre round trip, the grid, the LAQM reader, PCM vs LAQM.

Known answers come from the raw CSVs in ``../shared/data/air_quality``, parsed
with the ``csv`` module (tests that need them skip when the folder is absent),
and from DEFRA's documented layout: 1 km cells whose (x, y) are centres.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import rasterio

from layers import paths
from layers.air_quality import (
    PCM_FILES,
    POLLUTANTS,
    load_pollutant,
    read_laqm_csv,
    read_pcm_csv,
)
from layers.bundle import manifest, raster_path, read_table

AIR = paths.shared_data_dir() / "air_quality"
needs_shared = pytest.mark.skipif(
    not (paths.shared_data_dir() / "README.md").exists(), reason="../shared/data is not present"
)
LAQM_FILES = {"no2": "30-no2-2018.csv", "nox": "30-nox-2018.csv",
              "pm10": "30-pm10-2018.csv", "pm25": "30-pm25-2018.csv"}  # fmt: skip
LAQM_CELLS = 363  # per pollutant, Bradford


def _pcm_raw(pollutant: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y (cell centres, m) and value of every row of a raw PCM CSV, by the csv module."""
    with open(AIR / "pcm_2019" / PCM_FILES[pollutant], newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header[:3] == ["ukgridcode", "x", "y"]
        rows = [(float(r[1]), float(r[2]), float("nan") if r[3] == "MISSING" else float(r[3]))
                for r in reader]  # fmt: skip
    x, y, v = (np.array(c) for c in zip(*rows, strict=True))
    return x, y, v


def _laqm_raw(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The 5 header lines and the data rows of a LAQM background-map CSV, by the csv module."""
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        preamble = [next(f) for _ in range(5)]
        return preamble, list(csv.DictReader(f))


# --- PCM: cell centres round-trip --------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("pollutant", POLLUTANTS)
def test_pcm_csv_values_at_cell_centres(pollutant: str) -> None:
    x, y, v = _pcm_raw(pollutant)
    assert len(v) == 66 * 52 and np.isfinite(v).all()  # README: no MISSING in the window
    raster = read_pcm_csv(AIR / "pcm_2019" / PCM_FILES[pollutant], pollutant)
    np.testing.assert_array_equal(raster.sample(x, y), v)  # exact: float64 both ways
    bundle = load_pollutant(pollutant)
    got = bundle.sample(x, y)
    np.testing.assert_array_equal(got, v.astype(np.float32).astype(np.float64))  # float32 file
    np.testing.assert_allclose(got, v, rtol=1e-6)


@needs_shared
@pytest.mark.parametrize("pollutant", POLLUTANTS)
def test_pcm_points_within_a_cell_get_that_cell(pollutant: str) -> None:
    x, y, v = _pcm_raw(pollutant)
    raster = load_pollutant(pollutant)
    expected = v.astype(np.float32).astype(np.float64)
    for dx, dy in [(499, 0), (-499, 0), (0, 499), (0, -499), (499, 499), (-499.9, -499.9)]:
        np.testing.assert_array_equal(raster.sample(x + dx, y + dy), expected)


@needs_shared
def test_pcm_points_on_cell_edges_go_east_and_south() -> None:
    """``Raster.index``: a point on a shared edge belongs to the cell to its east and south."""
    x, y, v = _pcm_raw("no2")
    value = {(a, b): c for a, b, c in zip(x, y, v, strict=True)}
    raster = read_pcm_csv(AIR / "pcm_2019" / PCM_FILES["no2"], "no2")
    has_east = np.array([(a + 1000, b) in value for a, b in zip(x, y, strict=True)])
    east = np.array([value[(a + 1000, b)] for a, b in zip(x[has_east], y[has_east], strict=True)])
    np.testing.assert_array_equal(raster.sample(x[has_east] + 500, y[has_east]), east)
    has_south = np.array([(a, b - 1000) in value for a, b in zip(x, y, strict=True)])
    south = np.array(
        [value[(a, b - 1000)] for a, b in zip(x[has_south], y[has_south], strict=True)]
    )
    np.testing.assert_array_equal(raster.sample(x[has_south], y[has_south] - 500), south)
    # The west and north edges of a cell are its own.
    np.testing.assert_array_equal(raster.sample(x - 500, y + 500), v)
    # Past the east and south edges of the grid there is no data.
    assert np.isnan(raster.sample(np.array([x.max() + 500]), np.array([y.max()]))).all()
    assert np.isnan(raster.sample(np.array([x.min()]), np.array([y.min() - 500]))).all()


@pytest.mark.parametrize("pollutant", POLLUTANTS)
def test_pcm_grid_origin_cell_size_and_shape(pollutant: str) -> None:
    raster = load_pollutant(pollutant)
    t = raster.transform
    assert (t.c, t.f) == (388_000.0, 455_000.0)  # north-west corner, m
    assert (t.a, t.e, t.b, t.d) == (1_000.0, -1_000.0, 0.0, 0.0)
    assert raster.values.shape == (52, 66)  # rows (north-south) × columns (west-east)
    assert np.isfinite(raster.values).all()
    assert raster.bounds == (388_000.0, 403_000.0, 454_000.0, 455_000.0)
    entry = manifest()["layers"][f"air_{pollutant}_2019"]
    assert entry["shape"] == [52, 66]
    assert entry["transform"] == [1000.0, 0.0, 388000.0, 0.0, -1000.0, 455000.0]
    with rasterio.open(raster_path(f"air_{pollutant}_2019")) as src:
        assert (src.width, src.height, src.res) == (66, 52, (1000.0, 1000.0))
        assert src.dtypes == ("float32",)


@needs_shared
def test_pcm_csv_grid_matches_the_readme_window() -> None:
    x, y, _ = _pcm_raw("pm25")
    assert (x.min(), x.max(), y.min(), y.max()) == (388_500, 453_500, 403_500, 454_500)
    raster = read_pcm_csv(AIR / "pcm_2019" / PCM_FILES["pm25"], "pm25")
    assert (raster.transform.c, raster.transform.f) == (388_000.0, 455_000.0)
    assert raster.values.shape == (52, 66)


def test_missing_cells_become_nan(tmp_path: Path) -> None:
    """Format test on a made-up 2 × 2 file in the PCM layout (not real data)."""
    path = tmp_path / "pcm_format_test.csv"
    path.write_text(
        "ukgridcode,x,y,no22019\r\n"
        "1,400500,420500,10.5\r\n"
        "2,401500,420500,MISSING\r\n"
        "3,400500,419500,12.25\r\n"
        "4,401500,419500,13\r\n"
    )
    raster = read_pcm_csv(path, "no2")
    assert raster.values.shape == (2, 2)
    assert (raster.transform.c, raster.transform.f) == (400_000.0, 421_000.0)
    got = raster.sample(np.array([400_500, 401_500, 400_500, 401_500]),
                        np.array([420_500, 420_500, 419_500, 419_500]))  # fmt: skip
    np.testing.assert_array_equal(got[[0, 2, 3]], [10.5, 12.25, 13.0])
    assert np.isnan(got[1])


# --- LAQM background maps ----------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("pollutant", sorted(LAQM_FILES))
def test_laqm_reader_matches_a_direct_csv_parse(pollutant: str) -> None:
    path = AIR / "laqm_background_2018_bradford" / LAQM_FILES[pollutant]
    preamble, rows = _laqm_raw(path)
    assert preamble[0].startswith('"Bradford City Council"')
    assert len(rows) == LAQM_CELLS
    total = next(c for c in rows[0] if c.startswith("Total_"))
    table = read_laqm_csv(path)
    assert len(table) == LAQM_CELLS
    assert set(table["pollutant"]) == {pollutant} and set(table["year"]) == {2018}
    np.testing.assert_array_equal(table["x"], [float(r["x"]) for r in rows])
    np.testing.assert_array_equal(table["y"], [float(r["y"]) for r in rows])
    np.testing.assert_array_equal(table["value"], [float(r[total]) for r in rows])
    assert set(table["local_auth_code"]) == {30}


def test_bundle_laqm_table_has_363_cells_per_pollutant() -> None:
    laqm = read_table("laqm_bradford_2018")
    assert laqm.groupby("pollutant").size().to_dict() == dict.fromkeys(LAQM_FILES, LAQM_CELLS)
    # Cells are 1 km centres: coordinates end in 500 m.
    assert ((laqm["x"] % 1000 == 500) & (laqm["y"] % 1000 == 500)).all()


@needs_shared
def test_laqm_2018_and_pcm_2019_no2_agree_on_shared_cells() -> None:
    _, rows = _laqm_raw(AIR / "laqm_background_2018_bradford" / LAQM_FILES["no2"])
    laqm = {(float(r["x"]), float(r["y"])): float(r["Total_NO2_18"]) for r in rows}
    x, y, v = _pcm_raw("no2")
    pcm = {(a, b): c for a, b, c in zip(x, y, v, strict=True)}
    shared = sorted(laqm.keys() & pcm.keys())
    assert len(shared) == LAQM_CELLS  # every Bradford cell lies in the PCM window
    r = np.corrcoef([laqm[k] for k in shared], [pcm[k] for k in shared])[0, 1]
    assert r >= 0.993  # PROVENANCE.md


def test_bundle_laqm_and_pcm_no2_correlate() -> None:
    laqm = read_table("laqm_bradford_2018")
    no2 = laqm[laqm["pollutant"] == "no2"]
    pcm = load_pollutant("no2").sample(no2["x"].to_numpy(), no2["y"].to_numpy())
    assert np.isfinite(pcm).all()
    assert np.corrcoef(no2["value"], pcm)[0, 1] >= 0.99


def test_pcm_from_url_reads_defra_format_through_the_download_path(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layers.air_quality import pcm_from_url, pcm_url, read_pcm_csv

    assert pcm_url("pm25") == "https://uk-air.defra.gov.uk/datastore/pcm/mappm252019g.csv"
    monkeypatch.setenv("HEALTHYPLACES_CACHE", str(tmp_path))
    src = shared_data / "air_quality" / "pcm_2019" / "pcm_no2_2019_wy.csv"
    raster = pcm_from_url("no2", url=src.as_uri())
    assert (tmp_path / "defra" / src.name).exists()
    np.testing.assert_array_equal(raster.values, read_pcm_csv(src, "no2").values)
    assert raster.vintage == "2019" and src.as_uri() in raster.source
