"""Air quality: DEFRA PCM 1 km annual means (NO2, PM2.5, PM10) and LAQM background maps.

Source: DEFRA, OGL v3.0. Values are annual means in µg/m³ (PM gravimetric).

* PCM CSV format: ``ukgridcode,x,y,<value>`` where x, y are 1 km cell
  **centres** in EPSG:27700 and missing cells are ``MISSING``.
* LAQM background-map CSV format: 5 header lines, then
  ``Local_Auth_Code,x,y,…,Total_<pollutant>_<yy>`` and the source sectors.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import rasterio.errors
from affine import Affine

from geo import crs
from geo.raster import Raster
from layers import paths
from layers.bundle import BundleError, raster_path
from layers.download import fetch_url
from layers.errors import AirQualityFormatError

POLLUTANTS = ("no2", "pm25", "pm10")
PCM_FILES = {
    "no2": "pcm_no2_2019_wy.csv",
    "pm25": "pcm_pm25_2019_wy.csv",
    "pm10": "pcm_pm10_2019_wy.csv",
}
PCM_VINTAGE = "2019"
PCM_SOURCE = "DEFRA Pollution Climate Mapping (PCM) 2019 annual mean, 1 km"
UNITS = "µg/m³"
CELL_M = 1_000.0


#: DEFRA's whole-UK PCM files (the bundle's windows were cut from these):
#: ``mapno22019.csv``, ``mappm252019g.csv``, ``mappm102019g.csv``.
PCM_URL = "https://uk-air.defra.gov.uk/datastore/pcm/map{stem}{year}{suffix}.csv"
_PCM_STEM = {"no2": ("no2", ""), "pm25": ("pm25", "g"), "pm10": ("pm10", "g")}


def read_pcm_csv(path: Path | str, name: str, cell: float = CELL_M) -> Raster:
    """Read a DEFRA PCM CSV (``ukgridcode,x,y,value``) into a :class:`Raster`.

    Parameters
    ----------
    path
        The CSV (whole-UK or a window of it).
    name
        Pollutant name (``no2``, ``pm25``, ``pm10``).
    cell
        Cell size in metres (PCM: 1,000).

    Returns
    -------
    Raster
        EPSG:27700, north-up; the transform puts each CSV row's (x, y) at its
        cell centre. ``MISSING`` and absent cells are NaN.
    """
    df = pd.read_csv(path, na_values=["MISSING"], skipinitialspace=True)
    cols = [c.strip() for c in df.columns]
    if len(cols) < 4 or cols[1:3] != ["x", "y"]:
        raise AirQualityFormatError(
            f"{path}: expected columns ukgridcode,x,y,<value>, found {','.join(cols[:5])}"
        )
    return _grid_from_points(
        df.iloc[:, 1].to_numpy(float),
        df.iloc[:, 2].to_numpy(float),
        pd.to_numeric(df.iloc[:, 3], errors="coerce").to_numpy(float),
        cell,
        name=name,
        vintage=PCM_VINTAGE,
        source=PCM_SOURCE,
    )


def _grid_from_points(
    x: np.ndarray,
    y: np.ndarray,
    v: np.ndarray,
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


def pcm_url(pollutant: str, year: int = 2019) -> str:
    """DEFRA's URL of the whole-UK PCM annual-mean CSV of ``pollutant`` for ``year``."""
    stem, suffix = _PCM_STEM[pollutant]
    return PCM_URL.format(stem=stem, year=year, suffix=suffix)


def pcm_from_url(pollutant: str, year: int = 2019, url: str | None = None) -> Raster:
    """Download a DEFRA PCM CSV (cached in ``paths.cache_dir()``) and read it as a raster.

    The live counterpart of the bundle's 2019 rasters: another year, or the
    whole UK. ``url`` overrides :func:`pcm_url` (e.g. a ``file://`` mirror).
    Raises :class:`layers.download.FetchError` with a clear message offline.
    """
    url = url or pcm_url(pollutant, year)
    dest = paths.cache_dir() / "defra" / Path(url).name
    if not dest.exists():
        fetch_url(url, dest)
    raster = read_pcm_csv(dest, pollutant)
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
    """Read the PCM rasters and the Bradford LAQM tables from ``shared/air_quality``."""
    src = shared / "air_quality"
    rasters = {p: read_pcm_csv(src / "pcm_2019" / f, p) for p, f in PCM_FILES.items()}
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


def load_pollutant(pollutant: str) -> Raster:
    """The PCM 2019 raster of ``no2``, ``pm25`` or ``pm10`` from the bundle (µg/m³, EPSG:27700)."""
    if pollutant not in POLLUTANTS:
        raise ValueError(f"Unknown pollutant {pollutant!r}; choose one of {', '.join(POLLUTANTS)}")
    path = raster_path(f"air_{pollutant}_2019")
    try:
        return read_geotiff(path)
    except rasterio.errors.RasterioError as exc:
        raise BundleError(
            f"Bundle file is corrupt or unreadable: {path} ({exc}). {paths.REBUILD_HINT}"
        ) from exc


def load_all() -> dict[str, Raster]:
    """All PCM rasters in the bundle, keyed by pollutant."""
    return {p: load_pollutant(p) for p in POLLUTANTS}
