"""Open a checked upload with one explicit GDAL driver, with GDAL's indirection switched off.

GDAL picks a driver from a file's *content* unless told otherwise, so an
"upload.geojson" holding an OGR VRT, or a GDALG pipeline, would reach any of
its drivers (and through them ``/vsicurl/`` URLs and server files). Here the
bytes have already passed the Python checks for their format, are written
under a fixed name into a private temporary folder, and are opened with the
driver forced by GDAL's connection prefix (``GeoJSON:``, ``GPKG:``) or, for
a Shapefile whose header has been checked, its ``.shp`` path. While reading,
GDAL's network and indirection options are switched off (``GDAL_SKIP``
takes effect only when drivers register, so the explicit driver is what
enforces it; the other options act at once).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pyogrio

from layers.errors import UserAreaError
from layers.upload.limits import Limits, detail

#: GDAL configuration for reading user files (https://gdal.org/user/configoptions.html).
LOCKDOWN: dict[str, str] = {
    "GDAL_SKIP": "VRT OGR_VRT GDALG CSV WFS OAPIF OGCAPI HTTP CSW NGW WMS WMTS EEDA",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".healthyplaces-no-network",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "CPL_VSIL_CURL_USE_HEAD": "NO",
}
#: One read at a time: GDAL configuration options are process-wide.
_LOCK = threading.Lock()

#: The driver each accepted format is opened with.
DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shapefile": "ESRI Shapefile"}


@contextmanager
def locked_down() -> Iterator[None]:
    """Apply :data:`LOCKDOWN` for the duration of a read, then restore the previous values."""
    with _LOCK:
        before = {k: pyogrio.get_gdal_config_option(k) for k in LOCKDOWN}
        pyogrio.set_gdal_config_options(dict(LOCKDOWN))
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options(before)


def source(kind: str, path: Path) -> str:
    """The GDAL connection string that forces the driver for ``kind`` on ``path``."""
    if kind == "geojson":
        return f"GeoJSON:{path}"
    if kind == "gpkg":
        return f"GPKG:{path}"
    return str(path)


def read(
    kind: str, path: Path, label: str, limits: Limits, layer: str | None = None
) -> gpd.GeoDataFrame:
    """Read a checked file from the private folder with its explicit driver.

    Raises
    ------
    UserAreaError
        If GDAL cannot read it, or the driver that opened it is not the expected one.
    """
    conn = source(kind, path)
    try:
        with locked_down(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            driver = pyogrio.read_info(conn, layer=layer)["driver"]
            if driver != DRIVERS[kind]:
                raise UserAreaError(f"{label} was not recognised as {DRIVERS[kind]}.")
            gdf = pyogrio.read_dataframe(
                conn, layer=layer, max_features=limits.max_features + 1, on_invalid="ignore"
            )
    except UserAreaError:
        raise
    except Exception as exc:  # GDAL reports damaged input through several exception types
        raise UserAreaError(f"{label} could not be read as {DRIVERS[kind]}: {detail(exc)}") from exc
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise UserAreaError(f"{label} has no geometry column.")
    return gdf
