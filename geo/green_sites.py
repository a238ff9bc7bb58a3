"""Summarise labelled green features into named sites, their kind and definition flags.

Given OSM green features (EPSG:27700) and a site label per feature
(:func:`geo.site_merge.site_labels`), :func:`summarise_sites` gives one row per
site and the member table, so a user can see why a site has its size.

* **Name.** A site is named after its largest named park or nature reserve
  (the park it sits in), else its largest named member, by area; but only a
  member covering at least :data:`NAME_SHARE_MIN` (10%) of the site may name
  it, so an 11,000 ha unnamed moor is not called after the 63 ha nature reserve
  on its edge (issue 8). Such a site has no ``name``; ``largest_named_member``
  still says what it holds.
* **Anchor.** The site's largest park or nature reserve, else its largest
  member, is its *anchor*; the site takes the anchor's access status and
  reason. A golf course inside Temple Newsam does not make the estate
  restricted, a playground inside Harewood's paid grounds does not make
  Harewood public, and a moor named after a plantation on its edge takes the
  moor's status.
* **Kind.** ``open_access_land`` where moor and heath cover at least half the
  site, or where a site with no formal member is at least
  :data:`LARGE_NATURAL_HA` hectares and at least half natural habitat (large
  natural areas, reported as "access to open countryside"); ``park`` otherwise.
* **Definitions.** ``all_accessible``: the site is public. ``natural`` (Natural
  England's Accessible Natural Greenspace Standard, *Nature Nearby*, 2010:
  places where "a feeling of naturalness is allowed to predominate"): public
  and either holding a nature reserve or with natural and semi-natural
  habitat covering at least :data:`NATURAL_SHARE_MIN` of it; the threshold is
  "predominates" read as a majority. ``formal``: public and holding a public
  park, garden, common, village green, recreation ground or play space.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo.standards import M2_PER_HA

#: A natural site at least this large (ha) with no formal member is open countryside.
LARGE_NATURAL_HA = 100.0
#: Share of a site's area under natural habitat that makes it ANGSt "natural" (0–1).
NATURAL_SHARE_MIN = 0.5
#: Share of a site's area a member must cover to give the site its name (0–1).
NAME_SHARE_MIN = 0.10
#: Share of a site's area under moor or heath that makes it open access land (0–1).
MOOR_SHARE_MIN = 0.5

_CONTAINERS = {("leisure", "park"), ("leisure", "nature_reserve")}
_FORMAL = {
    ("leisure", "park"),
    ("leisure", "garden"),
    ("leisure", "common"),
    ("landuse", "village_green"),
    ("landuse", "recreation_ground"),
    ("leisure", "recreation_ground"),
    ("leisure", "playground"),
    ("leisure", "dog_park"),
}
_MOOR = {("natural", "heath"), ("natural", "moor")}
_NATURAL_TYPOLOGIES = ("natural", "nature_reserve")

MEMBER_COLUMNS = [
    "site_id",
    "osm_ref",
    "name",
    "osm_key",
    "osm_value",
    "typology",
    "access_status",
    "access_reason",
    "area_ha",
]


def _pairs_in(frame: pd.DataFrame, pairs: set[tuple[str, str]]) -> npt.NDArray[np.bool_]:
    keys = frame["osm_key"].astype(str) + "=" + frame["osm_value"].astype(str)
    out: npt.NDArray[np.bool_] = keys.isin({f"{k}={v}" for k, v in pairs}).to_numpy(dtype=bool)
    return out


def _first(f: pd.DataFrame, rank: str, n: int) -> pd.DataFrame:
    """Per label, the member with the lowest ``rank``, then the largest area, then osm_ref."""
    order = f.sort_values(
        ["label", rank, "area_ha", "osm_ref"], ascending=[True, True, False, True]
    )
    return order.drop_duplicates("label").set_index("label").reindex(np.arange(n))


def _unions(geoms: gpd.GeoSeries, labels: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.object_]:
    """Union of the geometries of each label 0..n-1 (an empty polygon where none)."""
    out = np.full(n, shapely.Polygon(), dtype=object)
    if len(geoms) == 0:
        return out
    union = gpd.GeoDataFrame({"label": labels}, geometry=geoms.values, crs=geoms.crs).dissolve(
        "label"
    )
    out[union.index.to_numpy()] = np.asarray(union.geometry.values)
    return out


def _union_area_ha(
    geoms: gpd.GeoSeries, labels: npt.NDArray[np.int64], n: int
) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = shapely.area(_unions(geoms, labels, n)) / M2_PER_HA
    return out


def summarise_sites(
    features: gpd.GeoDataFrame, labels: npt.NDArray[np.int64], *, id_prefix: str = "G"
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """One row per site and the member table.

    Parameters
    ----------
    features
        EPSG:27700 polygons with ``osm_ref``, ``name``, ``osm_key``,
        ``osm_value``, ``typology``, ``access_status``, ``access_reason`` and
        ``area_ha`` (ha).
    labels
        Site label of each feature, 0..k-1 (:func:`geo.site_merge.site_labels`).

    Returns
    -------
    (sites, members)
        ``sites``: ``site_id``, ``name``, ``largest_named_member``, ``site_kind`` (``park`` or
        ``open_access_land``), ``access_status``, ``access_reason``,
        ``anchor_ref``, ``typology`` (the anchor's), ``all_accessible``, ``natural``,
        ``formal`` (bool), ``n_members``, ``n_public_members``, ``area_ha`` (union of
        all members), ``public_area_ha``
        (union of the public members less the restricted and private ones, so a
        golf course inside an estate's park polygon does not count),
        ``natural_share`` (0–1), geometry.
        ``members``: :data:`MEMBER_COLUMNS`, one row per feature.
    """
    n = int(labels.max()) + 1 if len(labels) else 0
    f = pd.DataFrame(features.drop(columns=features.geometry.name)).reset_index(drop=True)
    f["label"] = labels
    f["_named"] = f["name"].fillna("").astype(str).str.strip() != ""
    f["_container"] = _pairs_in(f, _CONTAINERS)
    geoms = features.geometry.reset_index(drop=True)
    area = _union_area_ha(geoms, labels, n)
    big = f["area_ha"].to_numpy() >= NAME_SHARE_MIN * area[labels]
    f["_rank"] = np.select(
        [f["_named"] & f["_container"] & big, f["_named"] & big, f["_named"]], [0, 1, 2], 3
    )
    namer = _first(f, "_rank", n)
    f["_rank"] = np.where(f["_container"], 0, 1)
    anchor = _first(f, "_rank", n)
    public = f["access_status"].to_numpy() == "public"
    natural = f["typology"].isin(_NATURAL_TYPOLOGIES).to_numpy()
    moor = _pairs_in(f, _MOOR)
    closed = np.isin(f["access_status"].to_numpy(), ["restricted", "private"])
    public_ha = (
        shapely.area(
            shapely.difference(
                _unions(geoms[public], labels[public], n), _unions(geoms[closed], labels[closed], n)
            )
        )
        / M2_PER_HA
    )
    natural_ha = _union_area_ha(geoms[natural], labels[natural], n)
    moor_ha = _union_area_ha(geoms[moor], labels[moor], n)
    with np.errstate(invalid="ignore", divide="ignore"):
        natural_share = np.where(area > 0, np.minimum(natural_ha / area, 1.0), 0.0)
        moor_share = np.where(area > 0, np.minimum(moor_ha / area, 1.0), 0.0)

    counts = np.bincount(labels, minlength=n)
    formal_any = np.bincount(labels, weights=_pairs_in(f, _FORMAL), minlength=n) > 0
    formal_public = np.bincount(labels, weights=_pairs_in(f, _FORMAL) & public, minlength=n) > 0
    reserve = (
        np.bincount(labels, weights=(f["typology"] == "nature_reserve").to_numpy(), minlength=n) > 0
    )
    open_land = (moor_share >= MOOR_SHARE_MIN) | (
        ~formal_any & (area >= LARGE_NATURAL_HA) & (natural_share >= NATURAL_SHARE_MIN)
    )
    status = anchor["access_status"].to_numpy(dtype=str)
    is_public = status == "public"

    union = gpd.GeoDataFrame({"label": labels}, geometry=geoms.values, crs=features.crs).dissolve(
        "label"
    )
    site_ids = np.array([f"{id_prefix}{i:05d}" for i in range(n)], dtype=object)
    sites = gpd.GeoDataFrame(
        {
            "site_id": site_ids,
            "name": namer["name"].where(namer["_rank"] <= 1, None).to_numpy(dtype=object),
            "largest_named_member": namer["name"]
            .where(namer["_named"], None)
            .to_numpy(dtype=object),
            "site_kind": np.where(open_land, "open_access_land", "park"),
            "access_status": status,
            "access_reason": anchor["access_reason"].to_numpy(dtype=str),
            "anchor_ref": anchor["osm_ref"].to_numpy(dtype=str),
            "typology": anchor["typology"].to_numpy(dtype=str),
            "all_accessible": is_public,
            "natural": is_public & (reserve | (natural_share >= NATURAL_SHARE_MIN)),
            "formal": is_public & formal_public,
            "n_members": counts.astype(np.int64),
            "n_public_members": np.bincount(labels, weights=public, minlength=n).astype(np.int64),
            "area_ha": area,
            "public_area_ha": public_ha,
            "natural_share": natural_share,
        },
        geometry=union.geometry.reindex(np.arange(n)).to_numpy(),
        crs=features.crs,
    )
    f["site_id"] = site_ids[labels]
    members = f[MEMBER_COLUMNS].sort_values(["site_id", "osm_ref"]).reset_index(drop=True)
    return sites, members
