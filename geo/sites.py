"""Green-space sites: merge overlapping and touching polygons into sites.

Natural England's access standards count *site* sizes, so a park mapped as
three touching polygons (lawn, wood, playground) is one site. Inputs and
outputs are in EPSG:27700; areas are in hectares.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

M2_PER_HA = 10_000.0


def component_labels(geoms: NDArray[np.object_]) -> NDArray[np.int64]:
    """Label the connected groups of geometries that intersect or touch.

    Parameters
    ----------
    geoms
        Array of shapely polygons (EPSG:27700).

    Returns
    -------
    numpy.ndarray of int
        ``labels[i]`` is the group of ``geoms[i]``; groups are numbered 0..k-1.
    """
    n = len(geoms)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    graph = coo_array((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    out: NDArray[np.int64] = labels.astype(np.int64)
    return out


def merge_sites(features: gpd.GeoDataFrame, *, id_prefix: str = "S") -> gpd.GeoDataFrame:
    """Merge overlapping and touching polygons into sites.

    Parameters
    ----------
    features
        Polygon features in EPSG:27700 with a ``typology`` column and optionally
        ``name``.

    Returns
    -------
    GeoDataFrame
        One row per site: ``site_id``, ``area_ha`` (area of the union, so
        overlaps count once), ``typology`` (the type covering the largest area),
        ``types`` (all types, ``;``-separated), ``name`` (the name of the largest
        named member, or null), ``n_features``, ``geometry`` (EPSG:27700).
    """
    geoms = features.geometry.values
    labels = component_labels(np.asarray(geoms))
    frame = pd.DataFrame(
        {
            "label": labels,
            "typology": features["typology"].to_numpy(),
            "name": features["name"].to_numpy() if "name" in features else None,
            "area": shapely.area(np.asarray(geoms)),
        }
    )
    union = (
        gpd.GeoDataFrame({"label": labels}, geometry=np.asarray(geoms), crs=features.crs)
        .dissolve("label")
        .geometry
    )
    by_type = frame.groupby(["label", "typology"], sort=True)["area"].sum().reset_index()
    top_type = by_type.sort_values(["label", "area", "typology"], ascending=[True, False, True])
    top_type = top_type.drop_duplicates("label").set_index("label")["typology"]
    types = by_type.groupby("label")["typology"].agg(lambda s: ";".join(sorted(s)))
    named = frame[frame["name"].notna()].sort_values(["label", "area"], ascending=[True, False])
    names = named.drop_duplicates("label").set_index("label")["name"]
    counts = frame.groupby("label").size()
    labels_sorted = np.asarray(union.index)
    site_geoms = np.asarray(union.values)
    out = gpd.GeoDataFrame(
        {
            "site_id": [f"{id_prefix}{i:05d}" for i in range(len(labels_sorted))],
            "area_ha": shapely.area(site_geoms) / M2_PER_HA,
            "typology": top_type.reindex(labels_sorted).to_numpy(),
            "types": types.reindex(labels_sorted).to_numpy(),
            "name": names.reindex(labels_sorted).to_numpy(),
            "n_features": counts.reindex(labels_sorted).to_numpy(),
        },
        geometry=site_geoms,
        crs=features.crs,
    )
    return out
