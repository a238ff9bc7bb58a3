"""Air quality by year: PCM 2019 and 2023, the change, WHO 2021 interim targets, LAQM agreement.

Known answers:

* cell values copied from DEFRA's PCM 2023 CSVs in ``../shared/data/air_quality/pcm_2023``
  (and re-read from them with the ``csv`` module when the folder is present);
* the window-wide changes published in ``../shared/data/README.md`` (NO₂ −2.8 µg/m³, −27%;
  PM2.5 −1.7, −21%; PM10 −1.75, −14%);
* Leeds population-weighted NO₂ 2019 from the CLI answer captured before the
  re-architecture (``tests/golden``), and 2023 ≈ 13.1 µg/m³ (issue 11);
* hand-made cases whose answers are worked out in the comments.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from affine import Affine

from geo import air, standards
from geo.raster import Raster
from layers import air_quality, catalogue, paths
from layers.air_quality import load_all, load_change, load_pollutant, pcm_from_url, read_pcm_csv
from layers.bundle import manifest, read_table
from layers.errors import AirQualityFormatError, UnknownLayer

HERE = Path(__file__).resolve().parent
AIR = paths.shared_data_dir() / "air_quality"
EXCERPT = HERE / "input_data" / "defra_pcm_mapno22023_head.csv"
needs_shared = pytest.mark.skipif(
    not (paths.shared_data_dir() / "README.md").exists(), reason="../shared/data is not present"
)

#: (x, y) cell centres (EPSG:27700 m) and their PCM 2023 values (µg/m³), copied from
#: pcm_{no2,pm25,pm10}_2023_wy.csv: the window's north-west corner, Leeds, Bradford,
#: Huddersfield and Wakefield city centres, and the south-east corner.
CELLS_2023 = {
    (388_500, 454_500): {"no2": 2.852179, "pm25": 5.14413, "pm10": 8.162082},
    (429_500, 433_500): {"no2": 27.42897, "pm25": 8.146982, "pm10": 13.33672},
    (416_500, 433_500): {"no2": 18.11214, "pm25": 7.80157, "pm10": 12.83087},
    (414_500, 416_500): {"no2": 17.20494, "pm25": 7.213531, "pm10": 11.82606},
    (433_500, 420_500): {"no2": 14.89327, "pm25": 7.235747, "pm10": 12.22549},
    (453_500, 403_500): {"no2": 8.461518, "pm25": 7.226013, "pm10": 15.62543},
}


def _csv_cells(path: Path) -> dict[tuple[float, float], float]:
    """{(x, y): value} of a PCM window CSV, read with the csv module."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        return {(float(r[1]), float(r[2])): float(r[3]) for r in reader}


def _grid(values: list[list[float]], name: str = "no2", vintage: str = "t") -> Raster:
    """A hand-made grid of 1 km cells whose north-west corner is (0, 2000) m."""
    return Raster(
        np.array(values, dtype=float),
        Affine(1000, 0, 0, 0, -1000, 2000),
        "EPSG:27700",
        name,
        "µg/m³",
        vintage,
        "hand-made",
    )


# --- The 2023 rasters against DEFRA's CSVs ------------------------------------------------


@pytest.mark.parametrize("pollutant", air_quality.POLLUTANTS)
def test_2023_raster_has_the_csv_value_at_known_cell_centres(pollutant: str) -> None:
    raster = load_pollutant(pollutant, 2023)
    x = np.array([c[0] for c in CELLS_2023], dtype=float)
    y = np.array([c[1] for c in CELLS_2023], dtype=float)
    expected = np.array([v[pollutant] for v in CELLS_2023.values()])
    # The GeoTIFF is float32: each value is the CSV value rounded to float32, exactly.
    np.testing.assert_array_equal(raster.sample(x, y), expected.astype(np.float32))
    # Anywhere inside a cell gives that cell (centres ± 499 m).
    np.testing.assert_array_equal(raster.sample(x - 499, y + 499), expected.astype(np.float32))
    assert raster.vintage == "2023" and "PCM) 2023" in raster.source


@needs_shared
@pytest.mark.parametrize("pollutant", air_quality.POLLUTANTS)
def test_2023_raster_matches_every_csv_cell(pollutant: str) -> None:
    cells = _csv_cells(AIR / "pcm_2023" / f"pcm_{pollutant}_2023_wy.csv")
    for xy, v in CELLS_2023.items():  # the literals above are DEFRA's values
        assert cells[(float(xy[0]), float(xy[1]))] == v[pollutant]
    assert len(cells) == 66 * 52
    x, y = (np.array(c) for c in zip(*cells, strict=True))
    got = load_pollutant(pollutant, 2023).sample(x, y)
    np.testing.assert_array_equal(got, np.array(list(cells.values()), np.float32))


# --- The year switch ----------------------------------------------------------------------


def test_bundle_years_newest_first_and_the_default() -> None:
    assert air_quality.available_years() == (2023, 2019)
    assert air_quality.NEWEST_YEAR == 2023 == catalogue.NEWEST_PCM_YEAR
    # The newest year is the default everywhere (issue 11): loaders without a year give 2023.
    assert air_quality.DEFAULT_YEAR == 2023
    np.testing.assert_array_equal(load_pollutant("no2").values, load_pollutant("no2", 2023).values)


@pytest.mark.parametrize("year", [2019, 2023])
def test_load_all_switches_year(year: int) -> None:
    rasters = load_all(year)
    assert list(rasters) == ["no2", "pm25", "pm10"]
    for pol, r in rasters.items():
        assert (r.name, r.vintage) == (pol, str(year))
        assert r.values.shape == (52, 66) and np.isfinite(r.values).all()
        assert r.transform == load_pollutant(pol, 2019).transform
        entry = manifest()["layers"][f"air_{pol}_{year}"]
        assert entry["vintage"] == str(year) and entry["shape"] == [52, 66]
    # Leeds city-centre cell: 2019 and 2023 differ (NO₂ 2023 is 27.42897 µg/m³).
    no2 = rasters["no2"].sample(np.array([429_500.0]), np.array([433_500.0]))[0]
    assert (no2 == np.float32(27.42897)) == (year == 2023)


def test_a_year_not_in_the_bundle_names_the_years_that_are() -> None:
    with pytest.raises(UnknownLayer, match=r"PCM 2021.*2023, 2019.*pcm_from_url"):
        load_pollutant("no2", 2021)
    with pytest.raises(ValueError, match="Unknown pollutant"):
        load_pollutant("o3", 2023)


# --- Any PCM year in DEFRA's format -------------------------------------------------------


def test_reader_takes_the_year_from_the_value_column() -> None:
    raster = read_pcm_csv(EXCERPT, "no2")  # DEFRA's preamble and `gridcode` header
    assert raster.vintage == "2023"
    # 20 cells in x 459,500–466,500 and y 1,216,500–1,219,500: a 4 × 8 grid, 12 cells empty.
    assert raster.values.shape == (4, 8) and np.isfinite(raster.values).sum() == 20
    got = raster.sample(np.array([460_500.0, 466_500.0, 464_500.0]),
                        np.array([1_219_500.0, 1_217_500.0, 1_216_500.0]))  # fmt: skip
    np.testing.assert_array_equal(got, [0.7351255, 0.7659305, 0.7903441])
    assert np.isnan(raster.sample(np.array([466_500.0]), np.array([1_219_500.0]))).all()
    with pytest.raises(AirQualityFormatError, match=r"PCM 2023.*2019 was asked for"):
        read_pcm_csv(EXCERPT, "no2", year=2019)
    with pytest.raises(AirQualityFormatError, match=r"no22023.*not pm25"):
        read_pcm_csv(EXCERPT, "pm25")


def test_reader_refuses_a_preamble_that_contradicts_the_column(tmp_path: Path) -> None:
    """Format test: the real excerpt with its preamble year changed (not real data)."""
    bad = tmp_path / "mapno22023.csv"
    bad.write_text(EXCERPT.read_text().replace("2023,,,", "2022,,,", 1))
    with pytest.raises(AirQualityFormatError, match=r"preamble says \[2022\].*2023"):
        read_pcm_csv(bad, "no2")
    other = tmp_path / "notpcm.csv"
    other.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(AirQualityFormatError, match=r"notpcm\.csv.*no 'ukgridcode"):
        read_pcm_csv(other, "no2")


def test_pcm_from_url_reads_another_year_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEALTHYPLACES_CACHE", str(tmp_path))
    assert air_quality.pcm_url("no2", 2023).endswith("/mapno22023.csv")
    assert air_quality.pcm_url("pm10", 2024).endswith("/mappm102024g.csv")
    raster = pcm_from_url("no2", 2023, url=EXCERPT.as_uri())
    assert (tmp_path / "defra" / EXCERPT.name).exists()
    np.testing.assert_array_equal(raster.values, read_pcm_csv(EXCERPT, "no2").values)
    assert raster.vintage == "2023" and EXCERPT.as_uri() in raster.source
    with pytest.raises(AirQualityFormatError, match="2022 was asked for"):
        pcm_from_url("no2", 2022, url=EXCERPT.as_uri())


@needs_shared
def test_pcm_from_url_on_the_2023_window_matches_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEALTHYPLACES_CACHE", str(tmp_path))
    src = AIR / "pcm_2023" / "pcm_pm25_2023_wy.csv"
    raster = pcm_from_url("pm25", 2023, url=src.as_uri())
    bundle = load_pollutant("pm25", 2023)
    assert raster.transform == bundle.transform
    np.testing.assert_array_equal(raster.values.astype(np.float32), bundle.values)


# --- Change since 2019 --------------------------------------------------------------------


def test_mean_change_on_a_hand_case() -> None:
    # Three LSOAs; the third has no 2019 value, so the change uses the first two only:
    # 2019 mean (1×10 + 3×20) / 4 = 17.5; 2023 mean (1×8 + 3×14) / 4 = 12.5;
    # change −5 µg/m³, −5 / 17.5 = −28.571…%.
    c = air.mean_change([10.0, 20.0, np.nan], [8.0, 14.0, 5.0], [1.0, 3.0, 2.0], 2019, 2023)
    assert (c.base_year, c.year, c.n) == (2019, 2023, 2)
    assert c.base_mean == pytest.approx(17.5) and c.mean == pytest.approx(12.5)
    assert c.change == pytest.approx(-5.0)
    assert c.change_pct == pytest.approx(-100 * 5 / 17.5)
    # Each year's own mean uses every LSOA it has: 2023 (8 + 42 + 10) / 6 = 10.
    means = air.pop_weighted_means({2019: [10.0, 20.0, np.nan], 2023: [8.0, 14.0, 5.0]},
                                   [1.0, 3.0, 2.0])  # fmt: skip
    assert list(means) == [2023, 2019]
    assert means == pytest.approx({2023: 10.0, 2019: 17.5})
    with pytest.raises(ValueError, match="differ in length"):
        air.mean_change([1.0], [1.0, 2.0], [1.0], 2019, 2023)


def test_change_raster_on_a_hand_case() -> None:
    later = _grid([[8.0, 25.0], [np.nan, 4.0]], vintage="2023")
    earlier = _grid([[10.0, 20.0], [3.0, 4.0]], vintage="2019")
    change = air.change_raster(later, earlier)
    np.testing.assert_array_equal(change.values, [[-2.0, 5.0], [np.nan, 0.0]])
    assert change.vintage == "2019–2023" and change.units == "µg/m³"
    assert air.diverging_limits(change.values) == (-5.0, 5.0)
    assert air.diverging_limits(np.zeros(3)) == (-1.0, 1.0)
    with pytest.raises(ValueError, match="different grids"):
        air.change_raster(later, _grid([[1.0, 2.0]]))
    with pytest.raises(ValueError, match="Cannot subtract"):
        air.change_raster(later, _grid([[1.0, 2.0], [3.0, 4.0]], name="pm25"))


@pytest.mark.parametrize(
    ("pollutant", "fell_ugm3", "fell_pct", "r"),
    [("no2", 2.8, 27, 0.97), ("pm25", 1.7, 21, 0.94), ("pm10", 1.75, 14, 0.99)],
)
def test_change_layer_matches_the_published_window_change(
    pollutant: str, fell_ugm3: float, fell_pct: float, r: float
) -> None:
    change = load_change(pollutant)
    base = load_pollutant(pollutant, 2019)
    later = load_pollutant(pollutant, 2023)
    np.testing.assert_array_equal(change.values, later.values - base.values)
    assert change.vintage == "2019–2023"
    assert np.nanmean(change.values) == pytest.approx(-fell_ugm3, abs=0.05)
    assert 100 * np.nanmean(change.values) / np.nanmean(base.values) == pytest.approx(
        -fell_pct, abs=0.5
    )
    assert np.corrcoef(base.values.ravel(), later.values.ravel())[0, 1] == pytest.approx(
        r, abs=0.005
    )


def test_leeds_no2_2019_and_2023_at_population_weighted_centroids() -> None:
    lsoa = read_table("lsoa21").merge(read_table("population"), on="lsoa21_code")
    leeds = lsoa[lsoa["district_code"] == "E08000035"]
    x, y = leeds["pwc_x"].to_numpy(float), leeds["pwc_y"].to_numpy(float)
    c = air.mean_change(
        load_pollutant("no2", 2019).sample(x, y),
        load_pollutant("no2", 2023).sample(x, y),
        leeds["population"].to_numpy(float),
        2019,
        2023,
    )
    golden = json.loads(
        gzip.decompress((HERE / "golden" / "centroid_2019" / "profile_E08000035.gz").read_bytes())
    )
    assert c.base_mean == pytest.approx(golden["no2_pop_weighted_ugm3"], rel=1e-12)
    assert c.mean == pytest.approx(13.1, rel=0.01)  # issue 11
    assert c.n == 488


# --- WHO 2021 interim targets -------------------------------------------------------------


def test_who_2021_levels_are_the_published_ones() -> None:
    assert standards.WHO_2021_LEVELS == {
        "pm25": {"IT-1": 35.0, "IT-2": 25.0, "IT-3": 15.0, "IT-4": 10.0, "AQG": 5.0},
        "pm10": {"IT-1": 70.0, "IT-2": 50.0, "IT-3": 30.0, "IT-4": 20.0, "AQG": 15.0},
        "no2": {"IT-1": 40.0, "IT-2": 30.0, "IT-3": 20.0, "AQG": 10.0},
    }


def test_interim_target_shares_on_a_hand_case() -> None:
    # PM2.5 of six LSOAs with 1, 2, 3, 4, 5 and 100 residents; the last has no value, so
    # the denominator is 15. Above 35: 5; above 25: 4 + 5 = 9; above 15: 3 + 9 = 12;
    # above 10 and above 5: 2 + 12 = 14.
    values = [4.0, 12.0, 16.0, 26.0, 36.0, np.nan]
    weights = [1.0, 2.0, 3.0, 4.0, 5.0, 100.0]
    shares = air.who_2021_shares(values, weights, "pm25")
    assert list(shares) == ["IT-1", "IT-2", "IT-3", "IT-4", "AQG"]
    assert shares == pytest.approx(
        {"IT-1": 5 / 15, "IT-2": 9 / 15, "IT-3": 12 / 15, "IT-4": 14 / 15, "AQG": 14 / 15}
    )
    # "Above" is strictly greater: NO₂ at exactly 20 and 10 µg/m³ is above neither.
    no2 = air.who_2021_shares([20.0, 10.0, 40.5], [1.0, 1.0, 2.0], "no2")
    assert no2 == pytest.approx({"IT-1": 0.5, "IT-2": 0.5, "IT-3": 0.5, "AQG": 0.75})
    assert np.isnan(air.who_2021_shares([np.nan], [1.0], "pm10")["AQG"])
    with pytest.raises(ValueError, match="No WHO 2021 levels"):
        air.who_2021_shares([1.0], [1.0], "o3")


def test_county_who_guideline_share_2019_matches_the_engine_figure() -> None:
    lsoa = read_table("lsoa21").merge(read_table("population"), on="lsoa21_code")
    x, y = lsoa["pwc_x"].to_numpy(float), lsoa["pwc_y"].to_numpy(float)
    w = lsoa["population"].to_numpy(float)
    golden = json.loads(
        gzip.decompress((HERE / "golden" / "centroid_2019" / "profile_county.gz").read_bytes())
    )
    s2019 = air.who_2021_shares(load_pollutant("no2", 2019).sample(x, y), w, "no2")
    assert s2019["AQG"] == pytest.approx(golden["pop_share_no2_above_who"], rel=1e-12)
    s2023 = air.who_2021_shares(load_pollutant("no2", 2023).sample(x, y), w, "no2")
    assert s2023["AQG"] < s2019["AQG"] and s2023["IT-3"] < s2019["IT-3"]
    assert s2023["IT-1"] == 0.0  # no resident's 1 km background is above 40 µg/m³


# --- Two sources: PCM and the Bradford LAQM 2018 background map --------------------------


def test_agreement_on_a_hand_case() -> None:
    # Grid cells 1, 2, 3 (NaN in the fourth); the other source 2, 4, 3 at their centres.
    # Deviations from the means: (−1, 0, 1) and (−1, 1, 0): r = 1 / √(2 × 2) = 0.5;
    # mean difference (2 − 1 + 4 − 2 + 3 − 3) / 3 = 1.
    grid = _grid([[1.0, 2.0], [3.0, np.nan]])
    x = np.array([500.0, 1500.0, 500.0, 1500.0, 9500.0])  # the last two: no data, off grid
    y = np.array([1500.0, 1500.0, 500.0, 500.0, 500.0])
    a = air.grid_agreement(grid, x, y, [2.0, 4.0, 3.0, 7.0, 7.0])
    assert a.n == 3
    assert a.pearson_r == pytest.approx(0.5)
    assert a.mean_difference == pytest.approx(1.0)
    assert (a.mean_grid, a.mean_other) == pytest.approx((2.0, 3.0))
    with pytest.raises(ValueError, match="not cell centres"):
        air.grid_agreement(grid, [400.0], [1500.0], [2.0])
    assert np.isnan(air.agreement([1.0, 1.0], [2.0, 3.0]).pearson_r)  # no variation
    assert air.agreement([np.nan], [1.0]).n == 0


@pytest.mark.parametrize(("pollutant", "min_r"), [("no2", 0.993), ("pm25", 0.99), ("pm10", 0.99)])
def test_laqm_2018_and_pcm_2019_agree_in_bradford(pollutant: str, min_r: float) -> None:
    a = air_quality.laqm_agreement(pollutant, 2019)
    assert a.n == 363  # every Bradford LAQM cell lies in the PCM window
    assert a.pearson_r >= min_r  # PROVENANCE.md: r ≥ 0.993 for NO₂
    # A second implementation on the bundle's table: dict join on (x, y) and numpy.
    laqm = read_table("laqm_bradford_2018")
    t = laqm[laqm["pollutant"] == pollutant]
    pcm = load_pollutant(pollutant, 2019)
    cx, cy = pcm.cell_centres()
    grid = dict(zip(zip(cx.ravel(), cy.ravel(), strict=True), pcm.values.ravel(), strict=True))
    other = t["value"].to_numpy()
    mine = np.array([grid[(px, py)] for px, py in zip(t["x"], t["y"], strict=True)])
    assert a.pearson_r == pytest.approx(np.corrcoef(mine, other)[0, 1], rel=1e-12)
    assert a.mean_difference == pytest.approx(float(np.mean(other - mine)), abs=1e-12)
    assert abs(a.mean_difference) < 1.0  # µg/m³: the two 1 km models agree closely


@needs_shared
def test_laqm_agreement_from_the_raw_csvs() -> None:
    with open(AIR / "laqm_background_2018_bradford" / "30-no2-2018.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f.readlines()[5:]))
    laqm = {(float(r["x"]), float(r["y"])): float(r["Total_NO2_18"]) for r in rows}
    pcm = _csv_cells(AIR / "pcm_2019" / "pcm_no2_2019_wy.csv")
    keys = sorted(laqm.keys() & pcm.keys())
    diff = np.mean([laqm[k] - pcm[k] for k in keys])
    a = air_quality.laqm_agreement("no2", 2019)
    assert a.n == len(keys) == 363
    # The bundle raster is float32: agreement to about 1e-6 µg/m³.
    assert a.mean_difference == pytest.approx(diff, abs=1e-5)
    r = np.corrcoef([laqm[k] for k in keys], [pcm[k] for k in keys])[0, 1]
    assert a.pearson_r == pytest.approx(r, abs=1e-6)


# --- Labels -------------------------------------------------------------------------------


def test_every_air_layer_title_says_what_it_is() -> None:
    assert catalogue.pcm_label("no2", 2023) == (
        "NO₂, modelled annual mean background concentration, 1 km (DEFRA PCM 2023)"
    )
    air_layers = {n: i for n, i in catalogue.LAYERS.items() if n.startswith("air_")}
    assert sorted(air_layers) == sorted(
        f"air_{p}_{y}" for p in ("no2", "pm25", "pm10") for y in (2019, 2023)
    )
    for name, info in air_layers.items():
        year = name.rsplit("_", 1)[1]
        suffix = f"modelled annual mean background concentration, 1 km (DEFRA PCM {year})"
        assert info.title.endswith(suffix) and info.vintage == year
        assert info.gaps == catalogue.ROADSIDE_NOTE
        assert manifest()["layers"][name]["title"] == info.title
    assert "not resolved at 1 km" in catalogue.ROADSIDE_NOTE
    label = catalogue.pcm_change_label("pm25", 2019, 2023)
    assert label.startswith("PM2.5 change 2019 to 2023") and "PCM 2023 minus PCM 2019" in label


def test_the_decile_chart_title_names_the_year_of_its_figures() -> None:
    from analysis import air_years, deciles

    no2 = next(d for d in deciles.DECILE_INDICATORS if d.column == "no2_ugm3")
    try:
        air_years.select_year(2019)
        assert no2.title == "NO₂ annual mean (DEFRA PCM 2019)"
    finally:
        air_years.select_year(None)
    assert no2.title == "NO₂ annual mean (DEFRA PCM 2023)"
