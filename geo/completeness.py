"""How completely each district's green space is mapped: density by type, vintage, comparability.

OSM mapping effort differs between districts and the offline extract mixes
vintages: ``natural=wood`` exists only in per-district files for Leeds,
Bradford and Calderdale (Kirklees and Wakefield get only what spills over a
neighbour's file), and Kirklees and Wakefield have ``landuse=grass`` from Feb
2020 against Aug 2023 elsewhere. A district comparison that depends on such a
type is not comparable. :func:`completeness` gives the tidy table the engine
and report show. Areas in hectares, densities in ha/km², EPSG:27700.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.standards import M2_PER_HA

M2_PER_KM2 = 1_000_000.0


def completeness(features: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """Mapped density of each green type per district, its vintage and a comparable flag.

    Parameters
    ----------
    features
        EPSG:27700 polygons with ``osm_key``, ``osm_value``, ``vintage`` and
        ``county_wide`` (True where the feature came from a file covering the
        whole county).
    districts
        EPSG:27700 polygons with ``district_name``.

    Returns
    -------
    DataFrame
        One row per district and type: ``district``, ``osm_key``,
        ``osm_value``, ``features``, ``area_ha`` (ha), ``density_ha_km2``
        (ha/km² of district land), ``vintage`` (the OSM vintages used, ``;``
        joined), ``comparable`` (bool: the type comes from county-wide files of
        one vintage in every district). Each feature counts in the district
        holding its representative point.
    """
    pts = shapely.point_on_surface(np.asarray(features.geometry.values))
    tree = shapely.STRtree(np.asarray(districts.geometry.values))
    fi, di = tree.query(pts, predicate="within")
    f = pd.DataFrame(features.drop(columns=features.geometry.name)).iloc[fi].reset_index(drop=True)
    f["district"] = districts["district_name"].to_numpy()[di]
    f["area_ha"] = shapely.area(np.asarray(features.geometry.values)[fi]) / M2_PER_HA
    keys = ["osm_key", "osm_value"]
    per_type = f.groupby(keys).agg(_vintages=("vintage", "nunique"), _county=("county_wide", "all"))
    per_type["comparable"] = (per_type["_vintages"] == 1) & per_type["_county"]
    grid = pd.MultiIndex.from_product(
        [
            sorted(districts["district_name"]),
            *[per_type.index.get_level_values(k).unique() for k in keys],
        ],
        names=["district", *keys],
    )
    grid = grid[grid.droplevel(0).isin(per_type.index)]
    agg = f.groupby(["district", *keys]).agg(
        features=("area_ha", "size"),
        area_ha=("area_ha", "sum"),
        vintage=("vintage", lambda s: ";".join(sorted(set(s)))),
    )
    out = agg.reindex(grid).reset_index()
    out["features"] = out["features"].fillna(0).astype(np.int64)
    out["area_ha"] = out["area_ha"].fillna(0.0)
    out["vintage"] = out["vintage"].fillna("")
    land_km2 = pd.Series(
        shapely.area(np.asarray(districts.geometry.values)) / M2_PER_KM2,
        index=districts["district_name"].to_numpy(),
    )
    out["density_ha_km2"] = out["area_ha"] / out["district"].map(land_km2).to_numpy()
    out = out.merge(per_type["comparable"].reset_index(), on=keys, how="left")
    cols = ["district", *keys, "features", "area_ha", "density_ha_km2", "vintage", "comparable"]
    return out[cols].sort_values(["district", *keys]).reset_index(drop=True)


#: A type not mapped county-wide counts as *missing* in a district when its mapped
#: density there is under this share of the median over the districts (ha/km²):
#: natural=wood is 0.04 ha/km² in Kirklees and 0.0002 in Wakefield against a median
#: of 4.9 (Leeds 9.0, Bradford 4.9, Calderdale 5.1), OSM extracts of 2023-08.
MISSING_SHARE = 0.1


def _type_label(table: pd.DataFrame) -> pd.Series:
    return table["osm_key"].astype(str) + "=" + table["osm_value"].astype(str)


def missing_layers(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``table`` for types missing in a district: not comparable and under
    :data:`MISSING_SHARE` of the median district density.

    Returns the rows with ``type`` (``key=value``) and ``median_ha_km2`` added.
    """
    t = table.assign(type=_type_label(table))
    median = t.groupby("type")["density_ha_km2"].transform("median")
    missing = ~t["comparable"].astype(bool) & (t["density_ha_km2"] < MISSING_SHARE * median)
    return t.assign(median_ha_km2=median)[missing].reset_index(drop=True)
