"""Build the West Yorkshire bundle from the raw public files in ``../shared/data``.

``healthyplaces bundle build`` calls :func:`build_bundle`. The output is
deterministic: building twice gives identical SHA-256 checksums.
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
from geo.raster import Raster
from layers import (
    access_points,
    air_quality,
    bluespace,
    boundaries,
    catalogue,
    census,
    context,
    deprivation,
    greenspace,
    grounds,
    health,
    network,
    paths,
    population,
    postcodes,
)
from layers._io import ReadReport, sha256
from layers.bundle import MANIFEST, atomic_path, bundle_dir, write_frame
from layers.catalogue import LAYERS
from layers.errors import BundleError
from layers.transaction import bundle_transaction, fsync_write

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def build_bundle(shared: Path, out: Path, progress: Progress = _noop) -> dict[str, Any]:
    """Build every layer from ``shared`` into ``out`` and write ``manifest.json``.

    Parameters
    ----------
    shared
        The raw-data folder (``../shared/data``).
    out
        The bundle folder (created if needed). The build is one transaction
        (:func:`layers.transaction.bundle_transaction`): every file is staged,
        then all are moved into place with the manifest last, so a failed or
        killed build leaves the previous bundle intact and valid.
    progress
        Called with a message before each step.

    Returns
    -------
    dict
        The manifest.
    """
    if not (shared / "README.md").exists():
        raise FileNotFoundError(
            f"Raw data not found at {shared}. Point HEALTHYPLACES_SHARED_DATA at ../shared/data."
        )
    with bundle_transaction(out) as staging:
        manifest = _build_into(shared, staging.dir, progress)
    progress(f"done: {len(manifest['layers'])} layers in {out}")
    return manifest


def _build_into(shared: Path, out: Path, progress: Progress) -> dict[str, Any]:
    """Write every layer and the manifest into ``out`` (a staging folder)."""
    entries: dict[str, dict[str, Any]] = {}

    progress("boundaries")
    frames, reports = boundaries.build(shared)
    _write_all(out, frames, reports, entries)
    progress("deprivation")
    _write_all(out, deprivation.build(shared), {}, entries)
    progress("population")
    pop_frames = population.build(shared)
    _write_all(out, pop_frames, {}, entries)
    progress("population surface (postcodes)")
    _write_all(out, postcodes.build(shared, pop_frames["population"]), {}, entries)
    progress("census 2021 topic tables, SAMHI, gardens and AHAH")
    _write_all(out, census.build(shared), {}, entries)
    _write_all(out, health.build(shared), {}, entries)
    _write_all(out, context.build(shared), {}, entries)
    progress("green space (classify and merge sites)")
    gframes, greports = greenspace.build(shared, frames["districts"])
    _write_all(out, gframes, greports, entries)
    progress("green sites (access status, named sites, entrances, completeness)")
    _write_green_sites(
        shared, out, gframes["greenspace"], frames["districts"], entries, greports["greenspace"]
    )
    progress("blue space")
    _write_all(out, *bluespace.build(shared), entries)
    progress("walking network")
    _write_all(out, *network.build(shared), entries)
    progress(f"air quality (DEFRA PCM {', '.join(map(str, sorted(air_quality.PCM_YEARS)))})")
    rasters, laqm = air_quality.build(shared)
    for layer, raster in rasters.items():
        _write_raster(out, layer, raster, entries)
    _write_all(out, {"laqm_bradford_2018": laqm}, {}, entries)

    manifest = {
        "bundle": "west_yorkshire",
        "built_from": "../shared/data (see its PROVENANCE.md)",
        "analysis_crs": "EPSG:27700",
        "attribution": catalogue.ATTRIBUTION,
        "layers": dict(sorted(entries.items())),
    }
    _write_manifest(out / MANIFEST, manifest)
    return manifest


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    fsync_write(path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())


def _write_green_sites(
    shared: Path,
    out: Path,
    features: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    entries: dict[str, dict[str, Any]],
    features_report: ReadReport,
) -> None:
    """Write grounds, greenspace_sites, green_site_members, access_points, completeness."""
    ground, grep = grounds.build(shared)
    sites = greenspace.build_sites(features, ground)
    points, prep = access_points.build(shared, sites["greenspace_sites"])
    completeness = greenspace.completeness_table(features, districts)
    frames = {
        "grounds": ground,
        **sites,
        "greenspace_sites_comparable": greenspace.build_comparable_sites(
            features, ground, completeness
        ),
        "access_points": points,
        "green_completeness": completeness,
    }
    reports = {"grounds": grep, "access_points": prep, "greenspace_sites": features_report}
    _write_all(out, frames, reports, entries)


def _entry(name: str, file: str, path: Path, rows: int, crs: str | None) -> dict[str, Any]:
    info = LAYERS[name]
    return {
        "file": file,
        "title": info.title,
        "kind": info.kind,
        "source": info.source,
        "licence": info.licence,
        "attribution": info.attribution,
        "vintage": info.vintage,
        "rows": rows,
        "crs": crs,
        "bytes": path.stat().st_size,
        "sha256": sha256(path),
    }


def _write_all(
    out: Path,
    frames: dict[str, pd.DataFrame],
    reports: dict[str, ReadReport],
    entries: dict[str, dict[str, Any]],
) -> None:
    for name, frame in frames.items():
        replace_layer(out, name, frame, entries, reports.get(name))


def replace_layer(
    out: Path,
    name: str,
    frame: pd.DataFrame,
    entries: dict[str, dict[str, Any]],
    report: ReadReport | None = None,
) -> None:
    """Write one layer atomically into the bundle folder and record its manifest entry."""
    final = out / f"{name}.parquet"
    with atomic_path(final) as tmp:
        write_frame(frame, tmp)
    crs = frame.crs.to_string() if isinstance(frame, gpd.GeoDataFrame) and frame.crs else None
    entries[name] = _entry(name, final.name, final, len(frame), crs)
    if report is not None:
        entries[name].update(report.as_dict())


def _write_raster(out: Path, name: str, raster: Raster, entries: dict[str, dict[str, Any]]) -> None:
    final = out / f"{name}.tif"
    with atomic_path(final) as tmp:
        air_quality.write_geotiff(raster, tmp)
    entries[name] = _entry(name, final.name, final, int(raster.values.size), raster.crs)
    entries[name]["shape"] = list(raster.values.shape)
    entries[name]["transform"] = list(raster.transform)[:6]


def refresh_layer(
    name: str,
    frame: pd.DataFrame | Raster,
    *,
    bundle: Path | None = None,
    vintage: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """Replace one layer of the bundle and its ``manifest.json`` entry, atomically.

    One transaction (:func:`layers.transaction.bundle_transaction`): the lock
    is held while the manifest is read, the new file and manifest are staged,
    and both are moved into place, manifest last. Two refreshes at once run
    one after the other, so neither update is lost; a failed or killed refresh
    leaves the old file and manifest in place.

    Parameters
    ----------
    name
        A catalogue layer (``greenspace``, ``network_edges``, ``air_no2_2019``, …).
    frame
        The new data: a (Geo)DataFrame for vector and table layers (reprojected
        to EPSG:27700 if needed), a :class:`geo.raster.Raster` for raster layers.
    bundle
        The bundle folder; default :func:`layers.bundle.bundle_dir`.
    vintage, source
        Override the catalogue's vintage and source in the manifest entry
        (e.g. ``"2025-06-01"``, ``"Overpass: Leeds"``).

    Returns
    -------
    dict
        The new manifest entry (``rows``, ``sha256``, ``refreshed`` …).
    """
    if name not in LAYERS:
        raise ValueError(f"Unknown layer {name!r}; choose one of {', '.join(sorted(LAYERS))}")
    folder = Path(bundle) if bundle is not None else bundle_dir()
    if not (folder / MANIFEST).exists():
        raise BundleError(f"Bundle manifest missing: {folder / MANIFEST}. {paths.REBUILD_HINT}")
    with bundle_transaction(folder) as staging:
        # Read the manifest under the lock, so a concurrent refresh is never lost.
        manifest = json.loads((folder / MANIFEST).read_text())
        entry = _stage_layer(staging.dir, name, frame)
        entry["refreshed"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        if vintage is not None:
            entry["vintage"] = vintage
        if source is not None:
            entry["source"] = source
        manifest["layers"][name] = entry
        manifest["layers"] = dict(sorted(manifest["layers"].items()))
        _write_manifest(staging.dir / MANIFEST, manifest)
    return entry


def _stage_layer(out: Path, name: str, frame: pd.DataFrame | Raster) -> dict[str, Any]:
    """Write one refreshed layer into ``out`` and return its manifest entry."""
    entries: dict[str, dict[str, Any]] = {}
    if LAYERS[name].kind == "raster":
        if not isinstance(frame, Raster):
            raise TypeError(f"{name} is a raster layer: pass a geo.raster.Raster")
        _write_raster(out, name, frame, entries)
    else:
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{name} is a {LAYERS[name].kind} layer: pass a (Geo)DataFrame")
        if isinstance(frame, gpd.GeoDataFrame):
            if frame.crs is None:
                raise ValueError(f"{name}: the frame has no CRS")
            frame = frame.to_crs(crs.ANALYSIS_CRS)
        replace_layer(out, name, frame, entries)
    return entries[name]
