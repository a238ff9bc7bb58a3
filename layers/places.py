"""Places: the study region, its levels, and one index to resolve and outline any place.

West Yorkshire (county), its five districts, 124 wards (2025), 301 MSOA21 and
1,404 LSOA21. A place is made of whole LSOAs by the ONS best-fit lookup; the
level table :data:`LEVELS` says, once, which bundle table, code column and
name column each level has and which LSOA column names its members.

:func:`place_index` reads the bundle once per bundle fingerprint and answers
:meth:`PlaceIndex.resolve`, :meth:`PlaceIndex.geometry` and
:meth:`PlaceIndex.lsoa_mask`. Geometries are EPSG:27700 metres.
"""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from layers.bundle import fingerprint, read_table
from layers.errors import AmbiguousPlace, PlaceNotFound

#: ONS code and name of the county (the combined authority area).
COUNTY_CODE = "E47000003"
COUNTY_NAME = "West Yorkshire"
#: The five metropolitan districts, by ONS code.
DISTRICTS: dict[str, str] = {
    "E08000032": "Bradford",
    "E08000033": "Calderdale",
    "E08000034": "Kirklees",
    "E08000035": "Leeds",
    "E08000036": "Wakefield",
}


@dataclass(frozen=True)
class Level:
    """One geography level: where its polygons are and how LSOAs name it."""

    name: str
    table: str  # bundle table of its polygons
    code_col: str  # its code column there
    name_col: str  # its name column there
    lsoa_col: str | None  # the LSOA21 column holding its code (None: every LSOA)


#: Every level, largest first (the order breaks name ties: "Bradford" is the district).
LEVELS: dict[str, Level] = {
    "county": Level("county", "county", "county_code", "county_name", None),
    "district": Level("district", "districts", "district_code", "district_name", "district_code"),
    "ward": Level("ward", "wards", "ward_code", "ward_name", "ward_code"),
    "msoa": Level("msoa", "msoa21", "msoa21_code", "msoa21_name", "msoa21_code"),
    "lsoa": Level("lsoa", "lsoa21", "lsoa21_code", "lsoa21_name", "lsoa21_code"),
}


@dataclass(frozen=True)
class Place:
    """A resolved place: its ONS code, name, level and parent."""

    code: str
    name: str
    level: str
    parent_code: str | None
    parent_name: str | None


def load_boundaries(level: str) -> gpd.GeoDataFrame:
    """Polygons of one level (``county``, ``district``, ``ward``, ``msoa``, ``lsoa``), EPSG:27700.

    Parameters
    ----------
    level
        A key of :data:`LEVELS`.

    Returns
    -------
    geopandas.GeoDataFrame
        The level's table with ``code`` and ``name`` columns besides its own, EPSG:27700.
    """
    lv = LEVELS[level]
    gdf = read_table(lv.table)
    return gdf.assign(code=gdf[lv.code_col], name=gdf[lv.name_col])


def _place_table() -> pd.DataFrame:
    lsoa = read_table("lsoa21")
    wards = read_table("wards")
    districts = read_table("districts")
    msoa = read_table("msoa21")
    dnames = dict(zip(districts["district_code"], districts["district_name"], strict=True))
    rows = [
        pd.DataFrame(
            {
                "code": [COUNTY_CODE],
                "name": [COUNTY_NAME],
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
                "parent_code": COUNTY_CODE,
                "parent_name": COUNTY_NAME,
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


class PlaceIndex:
    """Every place of the bundle: resolve a query, outline a place, pick its LSOAs.

    Build it with :func:`place_index` (cached per bundle); ``table`` has
    columns ``code``, ``name``, ``level``, ``parent_code`` and ``parent_name``.
    """

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self._by_code = {c.upper(): i for i, c in enumerate(table["code"])}
        self._outlines: dict[str, gpd.GeoDataFrame] = {}

    def resolve(self, query: str) -> Place:
        """Resolve a code (``E08000032``) or an unambiguous name (``Bradford``) to a place.

        Name matching is case-insensitive. A name shared by several levels (the
        district ``Wakefield`` and a ward called ``Wakefield East``) resolves to
        the exact match; if the exact name is shared by two places of different
        levels, the larger area (county > district > ward > msoa > lsoa) wins, as
        a user typing "Bradford" means the district.

        Parameters
        ----------
        query
            A GSS code or a place name (surrounding spaces ignored).

        Returns
        -------
        Place
            The place, with its level and parent.

        Raises
        ------
        PlaceNotFound
            With up to five nearest names.
        AmbiguousPlace
            When two places of the same level share the name.
        """
        table = self.table
        q = query.strip()
        if q.upper() in self._by_code:
            return self._row(table.iloc[self._by_code[q.upper()]])
        hit = table[table["name"].str.casefold() == q.casefold()]
        if hit.empty:
            names = table["name"].tolist()
            close = difflib.get_close_matches(q, names, n=5, cutoff=0.6)
            if not close:
                lowered = q.casefold()
                close = [n for n in names if lowered in n.casefold()][:5]
            labelled = [
                f"{n} ({table.loc[table['name'] == n, 'code'].iloc[0]})"
                for n in dict.fromkeys(close)
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
        return self._row(hit.iloc[0])

    @staticmethod
    def _row(row: pd.Series) -> Place:
        return Place(
            code=str(row["code"]),
            name=str(row["name"]),
            level=str(row["level"]),
            parent_code=None if pd.isna(row["parent_code"]) else str(row["parent_code"]),
            parent_name=None if pd.isna(row["parent_name"]) else str(row["parent_name"]),
        )

    def outlines(self, level: str) -> gpd.GeoDataFrame:
        """Polygons of every place of ``level`` (EPSG:27700), read once.

        Parameters
        ----------
        level
            A key of :data:`LEVELS`.

        Returns
        -------
        geopandas.GeoDataFrame
            As :func:`load_boundaries`, cached on this index.
        """
        if level not in self._outlines:
            self._outlines[level] = load_boundaries(level)
        return self._outlines[level]

    def geometry(self, place: Place) -> shapely.Geometry:
        """The place's own boundary polygon (EPSG:27700), dissolved if stored in parts.

        Parameters
        ----------
        place
            From :meth:`resolve`.

        Returns
        -------
        shapely.Geometry
            (Multi)Polygon, EPSG:27700.
        """
        table = self.outlines(place.level)
        return shapely.union_all(np.asarray(table.loc[table["code"] == place.code].geometry))

    def frame(self, place: Place) -> gpd.GeoDataFrame:
        """The place's boundary as a one-row GeoDataFrame (``code``, ``name``), EPSG:27700.

        Parameters
        ----------
        place
            From :meth:`resolve`.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns ``code``, ``name`` and ``geometry`` (EPSG:27700).
        """
        table = self.outlines(place.level)
        return table.loc[table["code"] == place.code, ["code", "name", "geometry"]]


def lsoa_mask(place: Place, lsoa: pd.DataFrame) -> NDArray[np.bool_]:
    """Which rows of an LSOA21 table make up ``place`` (by the ONS best-fit lookup).

    Parameters
    ----------
    place
        Any place; the county selects every row.
    lsoa
        LSOA21 table with the level code columns (``district_code``, ``ward_code``, ...).

    Returns
    -------
    numpy.ndarray of bool
        True for each row in the place.
    """
    column = LEVELS[place.level].lsoa_col
    if column is None:
        return np.ones(len(lsoa), dtype=bool)
    mask: NDArray[np.bool_] = (lsoa[column] == place.code).to_numpy(bool)
    return mask


_INDEX: dict[str, PlaceIndex] = {}
_LOCK = threading.Lock()


def place_index() -> PlaceIndex:
    """The place index of the bundle in use, built once per bundle fingerprint."""
    key = fingerprint()
    with _LOCK:
        if key not in _INDEX:
            _INDEX.clear()
            _INDEX[key] = PlaceIndex(_place_table())
        return _INDEX[key]


def places() -> pd.DataFrame:
    """The place table: ``code``, ``name``, ``level``, ``parent_code``, ``parent_name``.

    One row for the county, each district, ward, MSOA21 and LSOA21. A ward's
    parent is its district; an LSOA's parent is its ward; an MSOA's is its district.
    """
    return place_index().table


def resolve_place(query: str) -> Place:
    """Resolve a code or unambiguous name with the bundle's :class:`PlaceIndex`.

    Parameters
    ----------
    query
        A GSS code or a place name.

    Returns
    -------
    Place
        See :meth:`PlaceIndex.resolve` (which raises the same errors).
    """
    return place_index().resolve(query)
