"""``healthyplaces network build``: a walking network, green and blue space from OSM.

From a local ``.osm.pbf`` (:func:`layers.osm.pbf.from_osm_file`) or from Overpass
through osmnx (:mod:`layers.osm.overpass`), with the bundle's own filter
(:func:`layers.network.walkable`) and site rules (:func:`layers.greenspace.classify`,
:func:`geo.sites.merge_sites`), then every layer is swapped into the bundle in
ONE transaction (:func:`layers.transaction.bundle_transaction`): either all
of them and the new manifest, or none.

The complete-network area is never assumed: it is the user's boundary
polygon, else the file header's box, shrunk by :data:`AREA_MARGIN_M` (ways that
cross the cut are kept whole by the extract tools, but a street just outside
the cut may be missing, so a walk that reaches the very edge is not trusted).

Data: © OpenStreetMap contributors (ODbL 1.0). Coordinates EPSG:27700 metres.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import crs
from layers.build import _write_manifest, replace_layer
from layers.bundle import MANIFEST, bundle_dir
from layers.errors import BundleError, HealthyPlacesError
from layers.network import no_entrances
from layers.osm.convert import green_sites
from layers.osm.overpass import (
    bluespace_from_place,
    greenspace_from_place,
    walking_network_from_place,
)
from layers.osm.pbf import from_osm_file
from layers.transaction import bundle_transaction

Progress = Callable[[str], None]

#: Margin taken off the complete-network area, m: one street block (the extract
#: keeps crossing ways whole, but side streets just beyond the cut are absent).
AREA_MARGIN_M = 100.0


class NetworkBuildError(HealthyPlacesError):
    """A network build input (OSM file, boundary polygon) cannot be used."""


def _quiet(_: str) -> None:
    return None


def refresh_layers(
    frames: dict[str, pd.DataFrame],
    *,
    bundle: Path | None = None,
    vintage: str | None = None,
    source: str | None = None,
    stamp: bool = True,
) -> dict[str, dict[str, Any]]:
    """Replace several bundle layers and the manifest in one transaction.

    Parameters
    ----------
    frames
        Catalogue layer name → new (Geo)DataFrame (reprojected to EPSG:27700).
    bundle
        The bundle folder; default :func:`layers.bundle.bundle_dir`.
    vintage, source
        Written to every replaced layer's manifest entry when given.
    stamp
        Record the time as ``refreshed`` (False gives the entry ``bundle build`` writes).

    Returns
    -------
    dict
        The new manifest entries by layer name.
    """
    folder = Path(bundle) if bundle is not None else bundle_dir()
    if not (folder / MANIFEST).exists():
        raise BundleError(f"Bundle manifest missing: {folder / MANIFEST}")
    entries: dict[str, dict[str, Any]] = {}
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with bundle_transaction(folder) as staging:
        manifest = json.loads((folder / MANIFEST).read_text())
        for name, frame in frames.items():
            if isinstance(frame, gpd.GeoDataFrame):
                frame = frame.to_crs(crs.ANALYSIS_CRS)
            replace_layer(staging.dir, name, frame, entries)
            if stamp:
                entries[name]["refreshed"] = now
            if vintage is not None:
                entries[name]["vintage"] = vintage
            if source is not None:
                entries[name]["source"] = source
        manifest["layers"].update(entries)
        manifest["layers"] = dict(sorted(manifest["layers"].items()))
        _write_manifest(staging.dir / MANIFEST, manifest)
    return entries


def read_boundary(path: Path | str) -> shapely.Geometry:
    """A user's boundary polygon file (GeoJSON, GeoPackage, shapefile …) as one EPSG:27700 polygon.

    Raises
    ------
    NetworkBuildError
        Naming the file, when it cannot be read, has no CRS or holds no polygon.
    """
    src = Path(path)
    if not src.exists():
        raise NetworkBuildError(f"Boundary file not found: {src}")
    try:
        frame = gpd.read_file(src)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise NetworkBuildError(f"Cannot read the boundary file {src}: {exc}") from exc
    if frame.crs is None:
        raise NetworkBuildError(f"The boundary file {src} has no CRS; save it with one")
    polys = frame[frame.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()]
    if polys.empty:
        raise NetworkBuildError(f"The boundary file {src} holds no polygon")
    return shapely.union_all(polys.to_crs(crs.ANALYSIS_CRS).geometry.to_numpy())


def complete_area(
    polygon: shapely.Geometry, *, name: str, place: str, vintage: str, source: str
) -> gpd.GeoDataFrame:
    """The ``network_area`` row: ``polygon`` (EPSG:27700) shrunk by :data:`AREA_MARGIN_M`.

    Raises
    ------
    NetworkBuildError
        When nothing is left after the margin (the area is narrower than 200 m).
    """
    inner = shapely.buffer(polygon, -AREA_MARGIN_M)
    if shapely.is_empty(inner) or shapely.area(inner) == 0:
        raise NetworkBuildError(
            f"{place}: the area is too small for a complete network once a "
            f"{AREA_MARGIN_M:g} m edge margin is taken off"
        )
    return gpd.GeoDataFrame(
        {
            "name": [name],
            "place": [place],
            "vintage": [vintage],
            "source": [source],
            "margin_m": [AREA_MARGIN_M],
        },
        geometry=[inner],
        crs=crs.ANALYSIS_CRS,
    )


def tables_from_pbf(
    pbf: Path | str, boundary: Path | str | None = None, progress: Progress = _quiet
) -> tuple[dict[str, pd.DataFrame], str, str]:
    """Every OSM-derived bundle layer from a local ``.osm.pbf``, offline.

    Parameters
    ----------
    pbf
        The OSM file (Geofabrik / BBBike / ``osmium extract``).
    boundary
        Optional polygon file: only ways touching its box are read, and the
        complete area is the polygon (minus the margin). Default: the file
        header's box, else the convex hull of the file's walking nodes.
    progress
        Called with a message as each step starts.

    Returns
    -------
    (tables, vintage, source)
        Layer name → frame (EPSG:27700), the data date and the file name.
    """
    src = Path(pbf)
    if not src.exists():
        raise NetworkBuildError(f"OSM file not found: {src}")
    polygon = None if boundary is None else read_boundary(boundary)
    bbox = None
    if polygon is not None:
        west, south, east, north = (
            gpd.GeoSeries([polygon], crs=crs.ANALYSIS_CRS).to_crs("EPSG:4326").total_bounds
        )
        bbox = (float(west), float(south), float(east), float(north))
    progress(f"reading {src.name} (walkable ways, green and blue space)")
    try:
        layers = from_osm_file(src, bbox)
    except (ValueError, RuntimeError) as exc:
        raise NetworkBuildError(f"Cannot build a network from {src}: {exc}") from exc
    progress("complete-network area")
    place = Path(boundary).stem if boundary is not None else src.name.split(".")[0]
    area_geom = polygon if polygon is not None else layers.network.area.geometry.iloc[0]
    how = "user boundary" if polygon is not None else str(layers.network.area["name"].iloc[0])
    area = complete_area(
        area_geom,
        name=f"{place} (complete OSM walking network from {src.name}; {how})",
        place=place,
        vintage=layers.vintage,
        source=src.name,
    )
    tables = layers.tables()
    tables["network_area"] = area
    return tables, layers.vintage, src.name


def tables_from_overpass(
    place: str, progress: Progress = _quiet
) -> tuple[dict[str, pd.DataFrame], str, str]:
    """Every OSM-derived bundle layer for a named place, online (Overpass through osmnx).

    Parameters
    ----------
    place
        A name osmnx can geocode (``"West Yorkshire"``).
    progress
        Called with a message as each step starts.

    Returns
    -------
    (tables, vintage, source)
        Layer name → frame (EPSG:27700), today's date (UTC) and ``"Overpass: <place>"``.
    """
    progress(f"walking network of {place} (Overpass)")
    net = walking_network_from_place(place)
    progress(f"green space of {place}")
    green = greenspace_from_place(place)
    progress(f"blue space of {place}")
    blue = bluespace_from_place(place)
    vintage = dt.datetime.now(dt.UTC).date().isoformat()
    source = f"Overpass: {place}"
    area = complete_area(
        net.area.geometry.iloc[0],
        name=f"{place} (complete OSM walking network, Overpass {vintage})",
        place=place,
        vintage=vintage,
        source=source,
    )
    tables: dict[str, pd.DataFrame] = {
        "greenspace": green,
        **green_sites(green),
        **blue,
        **net.tables(),
        "network_area": area,
        # not fetched online: an empty layer, so a previous file's entrances cannot linger
        "osm_entrances": no_entrances(),
    }
    return tables, vintage, source


def build_network(
    *,
    pbf: Path | str | None = None,
    overpass: str | None = None,
    boundary: Path | str | None = None,
    bundle: Path | None = None,
    progress: Progress = _quiet,
) -> dict[str, dict[str, Any]]:
    """Build the OSM layers from a file or Overpass and swap them into the bundle at once.

    Returns
    -------
    dict
        The new manifest entries by layer name.
    """
    if (pbf is None) == (overpass is None):
        raise NetworkBuildError("give exactly one of --pbf FILE or --overpass PLACE")
    if pbf is not None:
        tables, vintage, source = tables_from_pbf(pbf, boundary, progress)
    else:
        assert overpass is not None
        tables, vintage, source = tables_from_overpass(overpass, progress)
    progress(f"writing {len(tables)} layers into the bundle (one transaction)")
    return refresh_layers(tables, bundle=bundle, vintage=vintage, source=source)
