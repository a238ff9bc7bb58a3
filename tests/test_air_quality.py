"""DEFRA air quality: PCM cell-centre round trip, the grid, the LAQM reader, PCM vs LAQM.

Known answers come from the raw CSVs parsed with the ``csv`` module and from
DEFRA's documented layout (1 km cells whose (x, y) are centres):

* the real excerpts in ``tests/input_data/air_quality`` (a 7 × 7 km window of
  central Bradford, x 413,500–419,500 and y 429,500–435,500 m, cut from the PCM
  2019 and 2023 files and the LAQM 2018 Bradford files: see its README) run
  everywhere, and are checked against the committed bundle, which was built
  from the full files;
* the full files in ``../shared/data/air_quality`` are read only by the tests
  that ask for the ``shared_data`` fixture (they skip without it; on CI they fail).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import rasterio
import shapely

from layers.air_quality import (
    PCM_FILES,
    POLLUTANTS,
    load_pollutant,
    read_laqm_csv,
    read_pcm_csv,
)
from layers.bundle import manifest, raster_path, read_table

EXCERPTS = Path(__file__).parent / "input_data" / "air_quality"
LAQM_FILES = {"no2": "30-no2-2018.csv", "nox": "30-nox-2018.csv",
              "pm10": "30-pm10-2018.csv", "pm25": "30-pm25-2018.csv"}  # fmt: skip
LAQM_CELLS = 363  # per pollutant, Bradford (README)
#: The excerpt window: 1 km cell centres (EPSG:27700 m), inclusive.
WINDOW_X, WINDOW_Y = (413_500.0, 419_500.0), (429_500.0, 435_500.0)
WINDOW_CELLS = 7 * 7

Floats = npt.NDArray[np.float64]


def _pcm_excerpt(pollutant: str, year: int = 2019) -> Path:
    return EXCERPTS / f"pcm_{pollutant}_{year}_bradford_excerpt.csv"


def _laqm_excerpt(pollutant: str) -> Path:
    return EXCERPTS / LAQM_FILES[pollutant].replace(".csv", "-excerpt.csv")


def _pcm_raw(path: Path) -> tuple[Floats, Floats, Floats]:
    """x, y (cell centres, m) and value of every row of a raw PCM CSV, by the csv module."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header[:3] == ["ukgridcode", "x", "y"]
        rows = [(float(r[1]), float(r[2]), float("nan") if r[3] == "MISSING" else float(r[3]))
                for r in reader]  # fmt: skip
    x, y, v = (np.array(c, dtype=np.float64) for c in zip(*rows, strict=True))
    return x, y, v


def _laqm_raw(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The 5 header lines and the data rows of a LAQM background-map CSV, by the csv module."""
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        preamble = [next(f) for _ in range(5)]
        return preamble, list(csv.DictReader(f))


# --- The excerpts are real windows of the raw files --------------------------------------


@pytest.mark.parametrize("year", [2019, 2023])
@pytest.mark.parametrize("pollutant", POLLUTANTS)
def test_pcm_excerpt_is_a_full_crlf_window(pollutant: str, year: int) -> None:
    raw = _pcm_excerpt(pollutant, year).read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)  # every line ends in CRLF
    x, y, v = _pcm_raw(_pcm_excerpt(pollutant, year))
    assert len(v) == WINDOW_CELLS and np.isfinite(v).all()
    assert set(zip(x, y, strict=True)) == {
        (a, b)
        for a in np.arange(WINDOW_X[0], WINDOW_X[1] + 1, 1_000.0)
        for b in np.arange(WINDOW_Y[0], WINDOW_Y[1] + 1, 1_000.0)
    }


@pytest.mark.parametrize("pollutant", POLLUTANTS)
def test_pcm_2023_has_the_2019_layout(pollutant: str) -> None:
    """README: the 2023 files have the 2019 columns (value column renamed), cells and row order."""
    with (
        open(_pcm_excerpt(pollutant, 2019), newline="") as a,
        open(_pcm_excerpt(pollutant, 2023), newline="") as b,
    ):
        old, new = list(csv.reader(a)), list(csv.reader(b))
    assert new[0][:3] == old[0][:3] and new[0][3] == old[0][3].replace("2019", "2023")
    assert [r[:3] for r in new[1:]] == [r[:3] for r in old[1:]]
    raster = read_pcm_csv(_pcm_excerpt(pollutant, 2023), pollutant)
    x, y, v = _pcm_raw(_pcm_excerpt(pollutant, 2023))
    np.testing.assert_array_equal(raster.sample(x, y), v)


# --- PCM: cell centres round-trip --------------------------------------------------------


@pytest.mark.parametrize("pollutant", POLLUTANTS)
def test_pcm_csv_values_at_cell_centres(pollutant: str) -> None:
    x, y, v = _pcm_raw(_pcm_excerpt(pollutant))
    raster = read_pcm_csv(_pcm_excerpt(pollutant), pollutant)
    np.testing.assert_array_equal(raster.sample(x, y), v)  # exact: float64 both ways
    # The bundle raster (built from the whole window) holds the same values, as float32.
    got = load_pollutant(pollutant, 2019).sample(x, y)
    np.testing.assert_array_equal(got, v.astype(np.float32).astype(np.float64))
    np.testing.assert_allclose(got, v, rtol=1e-6)


def test_pcm_excerpt_grid_is_the_window() -> None:
    raster = read_pcm_csv(_pcm_excerpt("no2"), "no2")
    # North-west corner = west-most centre - 500 m, north-most centre + 500 m.
    assert (raster.transform.c, raster.transform.f) == (413_000.0, 436_000.0)
    assert (raster.transform.a, raster.transform.e) == (1_000.0, -1_000.0)
    assert raster.values.shape == (7, 7) and np.isfinite(raster.values).all()


@pytest.mark.parametrize("pollutant", POLLUTANTS)
def test_pcm_points_within_a_cell_get_that_cell(pollutant: str) -> None:
    x, y, v = _pcm_raw(_pcm_excerpt(pollutant))
    raster = load_pollutant(pollutant, 2019)
    expected = v.astype(np.float32).astype(np.float64)
    for dx, dy in [(499, 0), (-499, 0), (0, 499), (0, -499), (499, 499), (-499.9, -499.9)]:
        np.testing.assert_array_equal(raster.sample(x + dx, y + dy), expected)


def test_pcm_points_on_cell_edges_go_east_and_south() -> None:
    """``Raster.index``: a point on a shared edge belongs to the cell to its east and south."""
    x, y, v = _pcm_raw(_pcm_excerpt("no2"))
    value = {(a, b): c for a, b, c in zip(x, y, v, strict=True)}
    raster = read_pcm_csv(_pcm_excerpt("no2"), "no2")
    has_east = np.array([(a + 1000, b) in value for a, b in zip(x, y, strict=True)])
    east = np.array([value[(a + 1000, b)] for a, b in zip(x[has_east], y[has_east], strict=True)])
    assert has_east.sum() == 6 * 7
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
    raster = load_pollutant(pollutant, 2019)
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


@pytest.mark.parametrize("pollutant", sorted(LAQM_FILES))
def test_laqm_reader_matches_a_direct_csv_parse(pollutant: str) -> None:
    path = _laqm_excerpt(pollutant)
    preamble, rows = _laqm_raw(path)
    assert preamble[0].startswith('"Bradford City Council"')
    assert len(rows) == 44  # the Bradford cells of the 49-cell window
    total = next(c for c in rows[0] if c.startswith("Total_"))
    table = read_laqm_csv(path)
    assert len(table) == len(rows)
    assert set(table["pollutant"]) == {pollutant} and set(table["year"]) == {2018}
    np.testing.assert_array_equal(table["x"], [float(r["x"]) for r in rows])
    np.testing.assert_array_equal(table["y"], [float(r["y"]) for r in rows])
    np.testing.assert_array_equal(table["value"], [float(r[total]) for r in rows])
    assert set(table["local_auth_code"]) == {30}


@pytest.mark.parametrize("pollutant", sorted(LAQM_FILES))
def test_laqm_excerpt_equals_the_bundle_table(pollutant: str) -> None:
    table = read_laqm_csv(_laqm_excerpt(pollutant))
    bundle = read_table("laqm_bradford_2018")
    bundle = bundle[bundle["pollutant"] == pollutant].set_index(["x", "y"])["value"]
    cells = list(zip(table["x"], table["y"], strict=True))
    np.testing.assert_array_equal(bundle.loc[cells].to_numpy(), table["value"].to_numpy())


def test_laqm_cells_are_the_pcm_cells_centred_in_bradford() -> None:
    """Both grids are 1 km cell centres; LAQM's Bradford file keeps the cells centred in it."""
    laqm = read_laqm_csv(_laqm_excerpt("no2"))
    x, y, _ = _pcm_raw(_pcm_excerpt("no2"))
    bradford = read_table("districts").set_index("district_name").geometry["Bradford"]
    centred = shapely.contains_xy(bradford, x, y)
    assert set(zip(laqm["x"], laqm["y"], strict=True)) == set(
        zip(x[centred], y[centred], strict=True)
    )


def test_bundle_laqm_table_has_363_cells_per_pollutant() -> None:
    laqm = read_table("laqm_bradford_2018")
    assert laqm.groupby("pollutant").size().to_dict() == dict.fromkeys(LAQM_FILES, LAQM_CELLS)
    # Cells are 1 km centres: coordinates end in 500 m.
    assert ((laqm["x"] % 1000 == 500) & (laqm["y"] % 1000 == 500)).all()


def test_bundle_laqm_and_pcm_no2_correlate() -> None:
    laqm = read_table("laqm_bradford_2018")
    no2 = laqm[laqm["pollutant"] == "no2"]
    pcm = load_pollutant("no2", 2019).sample(no2["x"].to_numpy(), no2["y"].to_numpy())
    assert np.isfinite(pcm).all()
    assert np.corrcoef(no2["value"], pcm)[0, 1] >= 0.99


def test_pcm_from_url_reads_defra_format_through_the_download_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layers.air_quality import pcm_from_url, pcm_url

    assert pcm_url("pm25", 2019) == "https://uk-air.defra.gov.uk/datastore/pcm/mappm252019g.csv"
    monkeypatch.setenv("HEALTHYPLACES_CACHE", str(tmp_path))
    src = _pcm_excerpt("no2")
    raster = pcm_from_url("no2", 2019, url=src.as_uri())
    assert (tmp_path / "defra" / src.name).read_bytes() == src.read_bytes()
    np.testing.assert_array_equal(raster.values, read_pcm_csv(src, "no2").values)
    assert raster.vintage == "2019" and src.as_uri() in raster.source


# --- The full raw files (../shared/data: skip without it, fail on CI) --------------------


@pytest.mark.parametrize("pollutant", POLLUTANTS)
def test_full_pcm_window_equals_the_bundle(shared_data: Path, pollutant: str) -> None:
    path = shared_data / "air_quality" / "pcm_2019" / PCM_FILES[pollutant]
    x, y, v = _pcm_raw(path)
    assert len(v) == 66 * 52 and np.isfinite(v).all()  # README: no MISSING in the window
    assert (x.min(), x.max(), y.min(), y.max()) == (388_500, 453_500, 403_500, 454_500)
    raster = read_pcm_csv(path, pollutant)
    assert (raster.transform.c, raster.transform.f) == (388_000.0, 455_000.0)
    np.testing.assert_array_equal(raster.sample(x, y), v)
    got = load_pollutant(pollutant, 2019).sample(x, y)
    np.testing.assert_array_equal(got, v.astype(np.float32).astype(np.float64))


@pytest.mark.parametrize("pollutant", sorted(LAQM_FILES))
def test_full_laqm_files_have_363_cells(shared_data: Path, pollutant: str) -> None:
    path = shared_data / "air_quality" / "laqm_background_2018_bradford" / LAQM_FILES[pollutant]
    _, rows = _laqm_raw(path)
    assert len(rows) == len(read_laqm_csv(path)) == LAQM_CELLS


def test_laqm_2018_and_pcm_2019_no2_agree_on_shared_cells(shared_data: Path) -> None:
    air = shared_data / "air_quality"
    _, rows = _laqm_raw(air / "laqm_background_2018_bradford" / LAQM_FILES["no2"])
    laqm = {(float(r["x"]), float(r["y"])): float(r["Total_NO2_18"]) for r in rows}
    x, y, v = _pcm_raw(air / "pcm_2019" / PCM_FILES["no2"])
    pcm = {(a, b): c for a, b, c in zip(x, y, v, strict=True)}
    shared = sorted(laqm.keys() & pcm.keys())
    assert len(shared) == LAQM_CELLS  # every Bradford cell lies in the PCM window
    r = np.corrcoef([laqm[k] for k in shared], [pcm[k] for k in shared])[0, 1]
    assert r >= 0.993  # PROVENANCE.md
