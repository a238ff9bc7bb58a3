"""Air quality: DEFRA PCM 1 km annual means (NO2, PM2.5, PM10) by year, and LAQM background maps.

Source: DEFRA, OGL v3.0. Values are annual means in µg/m³ (PM gravimetric):
modelled *background* concentrations on a 1 km grid, which do not resolve
roadside exceedances (:data:`layers.catalogue.ROADSIDE_NOTE`).

* PCM CSV format: optionally DEFRA's preamble (pollutant, year, "annual mean",
  units, a blank line), then ``ukgridcode,x,y,<value>`` (``gridcode`` in the
  whole-UK 2023 files), where the value column is ``no2YYYY``, ``pm25YYYYg`` or
  ``pm10YYYYg``, x, y are 1 km cell **centres** in EPSG:27700 and missing cells
  are ``MISSING``. The year is read from the value column (and checked against
  the preamble), so any PCM year reads the same way.
* LAQM background-map CSV format: 5 header lines, then
  ``Local_Auth_Code,x,y,…,Total_<pollutant>_<yy>`` and the source sectors.

Years are a dimension: the bundle holds ``air_{pollutant}_{year}`` for every
year in :data:`layers.catalogue.PCM_YEARS`; :func:`load_pollutant` and
:func:`load_all` take the year.
"""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import rasterio.errors
from affine import Affine
from numpy.typing import NDArray

from geo import air, crs
from geo.raster import Raster
from layers import catalogue, paths
from layers.bundle import manifest, raster_path, read_table
from layers.download import fetch_url
from layers.errors import AirQualityFormatError, BundleError, UnknownLayer

POLLUTANTS = catalogue.PCM_POLLUTANTS
#: PCM years in the bundle, newest first (from the catalogue).
PCM_YEARS = catalogue.PCM_YEARS
#: The newest PCM year in the bundle.
NEWEST_YEAR = catalogue.NEWEST_PCM_YEAR
#: The year the loaders use when none is given: the newest (the engine, the CLI and
#: the app default to it; ``--year`` / :func:`analysis.air_years.select_year` choose another).
DEFAULT_YEAR = NEWEST_YEAR
#: The base year of the change layer and of the change since 2019.
BASE_YEAR = 2019
#: Suggested colour map of the change layer: ColorBrewer RdBu reversed (blue = cleaner,
#: red = dirtier), diverging and colour-blind-safe; centre it on 0 with
#: :func:`geo.air.diverging_limits`. ColorBrewer PuOr is the alternative.
CHANGE_PALETTE = "RdBu_r"
UNITS = "µg/m³"
CELL_M = 1_000.0

#: DEFRA's whole-UK PCM files (the bundle's windows were cut from these):
#: ``mapno22019.csv``, ``mappm252019g.csv``, ``mappm102019g.csv``; the same for other years.
PCM_URL = "https://uk-air.defra.gov.uk/datastore/pcm/map{stem}{year}{suffix}.csv"
_PCM_STEM = {"no2": ("no2", ""), "pm25": ("pm25", "g"), "pm10": ("pm10", "g")}
_VALUE_COLUMN = {
    pol: re.compile(rf"^{stem}(?P<year>(19|20)\d\d){suffix}$")
    for pol, (stem, suffix) in _PCM_STEM.items()
}
_GRIDCODE = ("ukgridcode", "gridcode")
_HEADER_SEARCH_LINES = 20


def pcm_file(pollutant: str, year: int) -> str:
    """File name of the West Yorkshire window of a PCM year, e.g. ``pcm_no2_2023_wy.csv``."""
    return f"pcm_{pollutant}_{year}_wy.csv"


def pcm_path(shared: Path, pollutant: str, year: int) -> Path:
    """Path of a PCM window in the raw-data folder: ``air_quality/pcm_YYYY/pcm_…_wy.csv``."""
    return shared / "air_quality" / f"pcm_{year}" / pcm_file(pollutant, year)


#: File names of the 2019 windows, by pollutant.
PCM_FILES = {p: pcm_file(p, 2019) for p in POLLUTANTS}


def pcm_value_column(pollutant: str, year: int) -> str:
    """DEFRA's value column of a PCM file: ``no22023``, ``pm252023g``, ``pm102023g``."""
    stem, suffix = _PCM_STEM[_check_pollutant(pollutant)]
    return f"{stem}{year}{suffix}"


def pcm_source(year: int | str) -> str:
    """Source string of a PCM raster of ``year``."""
    return f"DEFRA Pollution Climate Mapping (PCM) {year} annual mean, 1 km"


def read_pcm_csv(
    path: Path | str, name: str, cell: float = CELL_M, *, year: int | None = None
) -> Raster:
    """Read a DEFRA PCM CSV (``ukgridcode,x,y,value``) of any year into a :class:`Raster`.

    Parameters
    ----------
    path
        The CSV: DEFRA's whole-UK file (with its preamble) or a window of it.
    name
        Pollutant (``no2``, ``pm25``, ``pm10``); must match the file's value column.
    cell
        Cell size in metres (PCM: 1,000).
    year
        The year expected; if given, a file of another year is refused.

    Returns
    -------
    Raster
        EPSG:27700, north-up; the transform puts each CSV row's (x, y) at its
        cell centre. ``MISSING`` and absent cells are NaN. ``vintage`` is the
        year read from the value column (e.g. ``"2023"``).

    Raises
    ------
    AirQualityFormatError
        The file is not in DEFRA's PCM layout, holds another pollutant or year.
    """
    _check_pollutant(name)
    header_at, preamble = _pcm_header(path)
    df = pd.read_csv(path, skiprows=header_at, na_values=["MISSING"], skipinitialspace=True)
    cols = [str(c).strip() for c in df.columns]
    if len(cols) < 4 or cols[0].lower() not in _GRIDCODE or cols[1:3] != ["x", "y"]:
        raise AirQualityFormatError(
            f"{path}: expected columns ukgridcode,x,y,<value>, found {','.join(cols[:5])}"
        )
    found = _pcm_year(path, name, cols[3], preamble, year)
    return _grid_from_points(
        df.iloc[:, 1].to_numpy(float),
        df.iloc[:, 2].to_numpy(float),
        pd.to_numeric(df.iloc[:, 3], errors="coerce").to_numpy(float),
        cell,
        name=name,
        vintage=str(found),
        source=pcm_source(found),
    )


def _pcm_header(path: Path | str) -> tuple[int, list[str]]:
    """Line index of the ``ukgridcode,x,y,…`` header and the preamble lines before it."""
    lines: list[str] = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for _, line in zip(range(_HEADER_SEARCH_LINES), f, strict=False):
            first = line.split(",", 1)[0].strip().strip('"').lower()
            if first in _GRIDCODE:
                return len(lines), lines
            lines.append(line.strip())
    raise AirQualityFormatError(
        f"{path}: no 'ukgridcode,x,y,<value>' header in the first {_HEADER_SEARCH_LINES} "
        f"lines; is this a DEFRA PCM annual-mean CSV? It starts: {' | '.join(lines[:3])!r}"
    )


def _pcm_year(
    path: Path | str, name: str, column: str, preamble: list[str], expected: int | None
) -> int:
    """The year of a PCM file from its value column, checked against name, preamble, expected."""
    match = _VALUE_COLUMN[name].match(column)
    if match is None:
        other = [p for p, rx in _VALUE_COLUMN.items() if rx.match(column)]
        what = f"it holds {other[0]}, not {name}" if other else "not DEFRA's PCM naming"
        raise AirQualityFormatError(
            f"{path}: value column {column!r}: {what} (expected e.g. "
            f"{pcm_value_column(name, expected or NEWEST_YEAR)!r})"
        )
    year = int(match["year"])
    stated = {int(p.split(",")[0]) for p in preamble if re.fullmatch(r"\d{4}", p.split(",")[0])}
    if stated and stated != {year}:
        raise AirQualityFormatError(
            f"{path}: the preamble says {sorted(stated)} but the value column {column!r} "
            f"says {year}"
        )
    if expected is not None and year != expected:
        raise AirQualityFormatError(
            f"{path}: this is PCM {year} ({column!r}), but {expected} was asked for"
        )
    return year


def _check_pollutant(pollutant: str) -> str:
    if pollutant not in _PCM_STEM:
        raise ValueError(f"Unknown pollutant {pollutant!r}; choose one of {', '.join(POLLUTANTS)}")
    return pollutant


def _grid_from_points(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    v: NDArray[np.float64],
    cell: float,
    *,
    name: str,
    vintage: str,
    source: str,
) -> Raster:
    half = cell / 2
    west, north = x.min() - half, y.max() + half
    width = round((x.max() - x.min()) / cell) + 1
    height = round((y.max() - y.min()) / cell) + 1
    values = np.full((height, width), np.nan)
    cols = np.round((x - half - west) / cell).astype(np.int64)
    rows = np.round((north - half - y) / cell).astype(np.int64)
    values[rows, cols] = v
    transform = Affine(cell, 0.0, west, 0.0, -cell, north)
    return Raster(values, transform, crs.ANALYSIS_CRS, name, UNITS, vintage, source)


def pcm_url(pollutant: str, year: int = DEFAULT_YEAR) -> str:
    """DEFRA's URL of the whole-UK PCM annual-mean CSV of ``pollutant`` for ``year``."""
    stem, suffix = _PCM_STEM[_check_pollutant(pollutant)]
    return PCM_URL.format(stem=stem, year=year, suffix=suffix)


def pcm_from_url(pollutant: str, year: int = DEFAULT_YEAR, url: str | None = None) -> Raster:
    """Download a DEFRA PCM CSV (cached in ``paths.cache_dir()``) and read it as a raster.

    The live counterpart of the bundle's rasters: any year DEFRA publishes, or
    the whole UK. ``url`` overrides :func:`pcm_url` (e.g. a ``file://`` mirror);
    the file must hold ``pollutant`` for ``year`` (checked from its value column).
    Raises :class:`layers.download.FetchError` with a clear message offline.
    """
    url = url or pcm_url(pollutant, year)
    dest = paths.cache_dir() / "defra" / Path(url).name
    if not dest.exists():
        fetch_url(url, dest)
    raster = read_pcm_csv(dest, pollutant, year=year)
    return dataclasses.replace(raster, vintage=str(year), source=f"DEFRA PCM {year} ({url})")


def read_laqm_csv(path: Path | str) -> pd.DataFrame:
    """Read a DEFRA LAQM background-map CSV (5 header lines) into a tidy table.

    Returns
    -------
    DataFrame
        ``local_auth_code``, ``x``, ``y`` (cell centres, EPSG:27700 m), ``pollutant``
        (``no2``, ``nox``, ``pm25``, ``pm10``), ``year`` (e.g. 2018) and ``value`` (µg/m³).
    """
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    header_at = next(
        (i for i, line in enumerate(lines) if line.startswith("Local_Auth_Code")), None
    )
    if header_at is None:
        raise AirQualityFormatError(f"{path}: no 'Local_Auth_Code,x,y,…' header line")
    df = pd.read_csv(io.StringIO("\n".join(lines[header_at:])))
    total = [c for c in df.columns if c.startswith("Total_")]
    if len(total) != 1:
        raise AirQualityFormatError(
            f"{path}: expected one Total_<pollutant>_<yy> column, found {total}"
        )
    _, pol, yy = total[0].split("_")
    pollutant = pol.lower().replace(".", "")
    return pd.DataFrame(
        {
            "local_auth_code": df["Local_Auth_Code"],
            "x": df["x"].astype(float),
            "y": df["y"].astype(float),
            "pollutant": pollutant,
            "year": 2000 + int(yy),
            "value": df[total[0]].astype(float),
        }
    )


def laqm_to_raster(table: pd.DataFrame, pollutant: str) -> Raster:
    """Grid one pollutant of a tidy LAQM table (1 km cell centres) into a :class:`Raster`."""
    t = table[table["pollutant"] == pollutant]
    year = str(int(t["year"].iloc[0]))
    return _grid_from_points(
        t["x"].to_numpy(),
        t["y"].to_numpy(),
        t["value"].to_numpy(),
        CELL_M,
        name=pollutant,
        vintage=year,
        source=f"DEFRA LAQM background maps, base year {year}",
    )


def build(shared: Path) -> tuple[dict[str, Raster], pd.DataFrame]:
    """Read the PCM rasters of every catalogue year and the Bradford LAQM tables.

    Returns
    -------
    (rasters, laqm)
        ``{"air_no2_2019": Raster, …}`` keyed by bundle layer name (oldest year
        first), and the tidy LAQM table (see :func:`read_laqm_csv`).
    """
    rasters = {
        catalogue.pcm_layer(p, year): read_pcm_csv(pcm_path(shared, p, year), p, year=year)
        for year in sorted(PCM_YEARS)
        for p in POLLUTANTS
    }
    src = shared / "air_quality"
    laqm = pd.concat(
        [read_laqm_csv(f) for f in sorted((src / "laqm_background_2018_bradford").glob("*.csv"))],
        ignore_index=True,
    )
    return rasters, laqm.sort_values(["pollutant", "x", "y"]).reset_index(drop=True)


def write_geotiff(raster: Raster, path: Path) -> None:
    """Write a raster as a deterministic float32 GeoTIFF (NaN nodata, deflate)."""
    h, w = raster.values.shape
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=h,
        width=w,
        count=1,
        dtype="float32",
        crs=raster.crs,
        transform=raster.transform,
        nodata=np.nan,
        compress="deflate",
    ) as dst:
        dst.write(raster.values.astype("float32"), 1)
        dst.update_tags(
            name=raster.name, units=raster.units, vintage=raster.vintage, source=raster.source
        )


def read_geotiff(path: Path) -> Raster:
    """Read a single-band GeoTIFF written by :func:`write_geotiff`."""
    with rasterio.open(path) as src:
        values = src.read(1).astype(np.float64)
        if src.nodata is not None and not np.isnan(src.nodata):
            values[values == src.nodata] = np.nan
        tags = src.tags()
        return Raster(
            values,
            src.transform,
            crs.ANALYSIS_CRS,
            tags.get("name", path.stem),
            tags.get("units", UNITS),
            tags.get("vintage", ""),
            tags.get("source", ""),
        )


def available_years() -> tuple[int, ...]:
    """PCM years whose three rasters are all in the bundle's manifest, newest first."""
    found: dict[int, set[str]] = {}
    for name in manifest()["layers"]:
        m = re.fullmatch(r"air_(no2|pm25|pm10)_(\d{4})", name)
        if m:
            found.setdefault(int(m[2]), set()).add(m[1])
    return tuple(sorted((y for y, pols in found.items() if pols >= set(POLLUTANTS)), reverse=True))


def load_pollutant(pollutant: str, year: int = DEFAULT_YEAR) -> Raster:
    """The PCM raster of ``no2``, ``pm25`` or ``pm10`` for ``year`` from the bundle.

    µg/m³, EPSG:27700, 1 km cells; ``vintage`` is the year. A year that is not in
    the bundle raises :class:`layers.errors.UnknownLayer` naming the years that are
    (read another year live with :func:`pcm_from_url`).
    """
    _check_pollutant(pollutant)
    years = available_years()
    if int(year) not in years:
        raise UnknownLayer(
            f"No DEFRA PCM {year} rasters in the bundle; available years: "
            f"{', '.join(map(str, years))}. Read another year with "
            f"layers.air_quality.pcm_from_url({pollutant!r}, {year})."
        )
    path = raster_path(catalogue.pcm_layer(pollutant, int(year)))
    try:
        return read_geotiff(path)
    except rasterio.errors.RasterioError as exc:
        raise BundleError(
            f"Bundle file is corrupt or unreadable: {path} ({exc}). {paths.REBUILD_HINT}"
        ) from exc


def load_all(year: int = DEFAULT_YEAR) -> dict[str, Raster]:
    """All PCM rasters of ``year`` in the bundle, keyed by pollutant."""
    return {p: load_pollutant(p, year) for p in POLLUTANTS}


def load_change(pollutant: str, year: int = NEWEST_YEAR, base_year: int = BASE_YEAR) -> Raster:
    """The change layer ``year - base_year`` of one pollutant, µg/m³ (see :data:`CHANGE_PALETTE`).

    Label it with :func:`layers.catalogue.pcm_change_label`.
    """
    return air.change_raster(load_pollutant(pollutant, year), load_pollutant(pollutant, base_year))


def laqm_agreement(pollutant: str = "no2", year: int = DEFAULT_YEAR) -> air.Agreement:
    """Agreement of the Bradford LAQM 2018 background map with PCM ``year`` on common cells.

    Pearson r, mean difference (LAQM − PCM, µg/m³) and n over the 1 km cells both
    cover (363 in Bradford); a second, independent source where it covers the area.
    """
    laqm = read_table("laqm_bradford_2018")
    t = laqm[laqm["pollutant"] == _check_pollutant(pollutant)]
    return air.grid_agreement(
        load_pollutant(pollutant, year), t["x"].to_numpy(), t["y"].to_numpy(), t["value"].to_numpy()
    )
