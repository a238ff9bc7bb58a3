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

from geo import crs
from layers.build import _write_manifest, replace_layer
from layers.bundle import MANIFEST, bundle_dir
from layers.errors import BundleError, HealthyPlacesError
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
