"""Boundaries and places: county, districts, wards (2025), MSOA21 and LSOA21.

Source: ONS Open Geography, generalised clipped (BGC, 20 m), OGL v3.0. All
geometries are returned in EPSG:27700 (metres). LSOA21 rows carry their ONS
population-weighted centroid (``pwc_x``, ``pwc_y``, EPSG:27700 metres) and the
LSOA → ward → district lookup.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from healthyplaces import settings
from layers._io import ReadReport, read_vector
from layers.bundle import read_table

LEVELS = ("county", "district", "ward", "msoa", "lsoa")


def build(shared: Path) -> tuple[dict[str, pd.DataFrame], dict[str, ReadReport]]:
    """Build the boundary layers from ``shared/boundaries`` (raw ONS files)."""
    src = shared / "boundaries"
    reports: dict[str, ReadReport] = {}

    lsoa, reports["lsoa21"] = read_vector(
        src / "wy_lsoa2021_bgc.geojson", keep="polygon", columns=["LSOA21CD", "LSOA21NM"]
    )
    lsoa = lsoa.rename(columns={"LSOA21CD": "lsoa21_code", "LSOA21NM": "lsoa21_name"})
    pwc = pd.read_csv(src / "wy_lsoa2021_pwc.csv").rename(
        columns={"LSOA21CD": "lsoa21_code", "bng_e": "pwc_x", "bng_n": "pwc_y"}
    )[["lsoa21_code", "pwc_x", "pwc_y"]]
    lookup = pd.read_csv(src / "wy_lookup_lsoa21_ward24_lad24.csv").rename(
        columns={
            "ward24_code": "ward_code",
            "ward24_name": "ward_name",
            "ltla24_code": "district_code",
            "ltla24_name": "district_name",
        }
    )[["lsoa21_code", "ward_code", "ward_name", "district_code", "district_name"]]
    lsoa = lsoa.merge(pwc, on="lsoa21_code", how="left", validate="1:1").merge(
        lookup, on="lsoa21_code", how="left", validate="1:1"
    )
    lsoa["msoa21_name"] = lsoa["lsoa21_name"].str[:-1]

    msoa, reports["msoa21"] = read_vector(
        src / "wy_msoa2021_bgc.geojson",
        keep="polygon",
        columns=["MSOA21CD", "MSOA21NM", "LADCD_ACTIVE"],
    )
    msoa = msoa.rename(
        columns={
            "MSOA21CD": "msoa21_code",
            "MSOA21NM": "msoa21_name",
            "LADCD_ACTIVE": "district_code",
        }
    )
    lsoa = lsoa.merge(
        msoa[["msoa21_code", "msoa21_name"]], on="msoa21_name", how="left", validate="m:1"
    )

    wards, reports["wards"] = read_vector(
        src / "wy_wards2025_bgc.geojson",
        keep="polygon",
        columns=["WD25CD", "WD25NM", "LAD25CD", "LAD25NM"],
    )
    wards = wards.rename(
        columns={
            "WD25CD": "ward_code",
            "WD25NM": "ward_name",
            "LAD25CD": "district_code",
            "LAD25NM": "district_name",
        }
    )
    districts, reports["districts"] = read_vector(
        src / "wy_lad_bgc_dissolved_from_wards2025.geojson",
        keep="polygon",
        columns=["LAD25CD", "LAD25NM"],
    )
    districts = districts.rename(columns={"LAD25CD": "district_code", "LAD25NM": "district_name"})
    county = gpd.GeoDataFrame(
        {"county_code": [settings.COUNTY_CODE], "county_name": [settings.COUNTY_NAME]},
        geometry=[shapely.union_all(districts.geometry.values)],
        crs=settings.ANALYSIS_CRS,
    )
    lsoa11, reports["lsoa11"] = read_vector(
        src / "wy_lsoa2011_bgc.geojson", keep="polygon", columns=["LSOA11CD", "LSOA11NM"]
    )
    lsoa11 = lsoa11.rename(columns={"LSOA11CD": "lsoa11_code", "LSOA11NM": "lsoa11_name"})
    lookup11 = pd.read_csv(src / "wy_lookup_lsoa11_lsoa21.csv")[
        ["lsoa11_code", "lsoa21_code", "change_code"]
    ]
    frames: dict[str, pd.DataFrame] = {
        "county": county,
        "districts": districts.sort_values("district_code"),
        "wards": wards.sort_values("ward_code"),
        "msoa21": msoa.sort_values("msoa21_code"),
        "lsoa21": lsoa.sort_values("lsoa21_code"),
        "lsoa11": lsoa11.sort_values("lsoa11_code"),
        "lookup_lsoa11_lsoa21": lookup11.sort_values(["lsoa11_code", "lsoa21_code"]),
    }
    return frames, reports


# --- Loading from the bundle ----------------------------------------------------


def load_lsoa21() -> gpd.GeoDataFrame:
    """The 1,404 LSOA21 polygons (EPSG:27700) with centroid and lookup columns.

    Columns: ``lsoa21_code``, ``lsoa21_name``, ``pwc_x``, ``pwc_y`` (population-
    weighted centroid, m), ``ward_code``, ``ward_name``, ``district_code``,
    ``district_name``, ``msoa21_code``, ``msoa21_name``, ``geometry``.
    """
    return read_table("lsoa21")


def load_boundaries(level: str) -> gpd.GeoDataFrame:
    """Polygons of one level (``county``, ``district``, ``ward``, ``msoa``, ``lsoa``), EPSG:27700.

    Every level has ``code`` and ``name`` columns besides its own.
    """
    table, code, name = _LEVEL_TABLES[level]
    gdf = read_table(table)
    gdf = gdf.assign(code=gdf[code], name=gdf[name])
    return gdf


_LEVEL_TABLES = {
    "county": ("county", "county_code", "county_name"),
    "district": ("districts", "district_code", "district_name"),
    "ward": ("wards", "ward_code", "ward_name"),
    "msoa": ("msoa21", "msoa21_code", "msoa21_name"),
    "lsoa": ("lsoa21", "lsoa21_code", "lsoa21_name"),
}


def places() -> pd.DataFrame:
    """The place table: ``code``, ``name``, ``level``, ``parent_code``, ``parent_name``.

    One row for the county, each district, ward, MSOA21 and LSOA21. A ward's
    parent is its district; an LSOA's parent is its ward; an MSOA's is its district.
    """
    lsoa = read_table("lsoa21")
    wards = read_table("wards")
    districts = read_table("districts")
    msoa = read_table("msoa21")
    dnames = dict(zip(districts["district_code"], districts["district_name"], strict=True))
    rows = [
        pd.DataFrame(
            {
                "code": [settings.COUNTY_CODE],
                "name": [settings.COUNTY_NAME],
                "level": ["county"],
                "parent_code": [None],
                "parent_name": [None],
            }
        ),
        pd.DataFrame(
            {
                "code": districts["district_code"],
                "name": districts["district_name"],
                "level": "district",
                "parent_code": settings.COUNTY_CODE,
                "parent_name": settings.COUNTY_NAME,
            }
        ),
        pd.DataFrame(
            {
                "code": wards["ward_code"],
                "name": wards["ward_name"],
                "level": "ward",
                "parent_code": wards["district_code"],
                "parent_name": wards["district_name"],
            }
        ),
        pd.DataFrame(
            {
                "code": msoa["msoa21_code"],
                "name": msoa["msoa21_name"],
                "level": "msoa",
                "parent_code": msoa["district_code"],
                "parent_name": msoa["district_code"].map(dnames),
            }
        ),
        pd.DataFrame(
            {
                "code": lsoa["lsoa21_code"],
                "name": lsoa["lsoa21_name"],
                "level": "lsoa",
                "parent_code": lsoa["ward_code"],
                "parent_name": lsoa["ward_name"],
            }
        ),
    ]
    return pd.concat(rows, ignore_index=True)


class PlaceNotFound(LookupError):
    """No place matches; ``suggestions`` holds the nearest names (with codes)."""

    def __init__(self, query: str, suggestions: list[str]):
        self.query = query
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No place called {query!r} in West Yorkshire.{hint}")


class AmbiguousPlace(LookupError):
    """A name matches several places; ``matches`` lists them with codes and levels."""

    def __init__(self, query: str, matches: list[str]):
        self.query = query
        self.matches = matches
        super().__init__(
            f"{query!r} matches several places: {', '.join(matches)}. Use a code instead."
        )


@dataclass(frozen=True)
class Place:
    """A resolved place."""

    code: str
    name: str
    level: str
    parent_code: str | None
    parent_name: str | None


def resolve_place(query: str, table: pd.DataFrame | None = None) -> Place:
    """Resolve a code (``E08000032``) or an unambiguous name (``Bradford``) to a place.

    Name matching is case-insensitive. A name shared by several levels (the
    district ``Wakefield`` and a ward called ``Wakefield East``) resolves to the
    exact match; if the exact name is shared by two places of different levels,
    the larger area (county > district > ward > msoa > lsoa) wins, as a user
    typing "Bradford" means the district.

    Raises
    ------
    PlaceNotFound
        With up to five nearest names.
    AmbiguousPlace
        When two places of the same level share the name.
    """
    table = places() if table is None else table
    q = query.strip()
    hit = table[table["code"].str.upper() == q.upper()]
    if hit.empty:
        hit = table[table["name"].str.casefold() == q.casefold()]
    if hit.empty:
        names = table["name"].tolist()
        close = difflib.get_close_matches(q, names, n=5, cutoff=0.6)
        if not close:
            lowered = q.casefold()
            close = [n for n in names if lowered in n.casefold()][:5]
        labelled = [
            f"{n} ({table.loc[table['name'] == n, 'code'].iloc[0]})" for n in dict.fromkeys(close)
        ]
        raise PlaceNotFound(query, labelled)
    if len(hit) > 1:
        order = {lvl: i for i, lvl in enumerate(LEVELS)}
        hit = hit.assign(_o=hit["level"].map(order)).sort_values("_o")
        top = hit[hit["_o"] == hit["_o"].iloc[0]]
        if len(top) > 1:
            raise AmbiguousPlace(
                query, [f"{r.name} ({r.code}, {r.level})" for r in top.itertuples()]
            )
        hit = top
    row = hit.iloc[0]
    return Place(
        code=str(row["code"]),
        name=str(row["name"]),
        level=str(row["level"]),
        parent_code=None if pd.isna(row["parent_code"]) else str(row["parent_code"]),
        parent_name=None if pd.isna(row["parent_name"]) else str(row["parent_name"]),
    )


def lsoas_in(place: Place, lsoa: pd.DataFrame) -> pd.Series:
    """Boolean mask of the LSOA21 rows that make up ``place`` (by the ONS lookup)."""
    column = {
        "county": None,
        "district": "district_code",
        "ward": "ward_code",
        "msoa": "msoa21_code",
        "lsoa": "lsoa21_code",
    }[place.level]
    if column is None:
        return pd.Series(True, index=lsoa.index)
    return lsoa[column] == place.code
