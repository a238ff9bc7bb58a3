"""Green space from OpenStreetMap: typology, public access and merged sites.

Source: © OpenStreetMap contributors (ODbL), Geofabrik extract of Aug 2023
(``landuse=grass`` for Kirklees and Wakefield from Feb 2020, the newest there).

Every OSM feature is classified into a green-infrastructure typology, given an
access status from evidence (:mod:`geo.access_status`) and merged into *sites*
people would name (:mod:`geo.site_merge`, :mod:`geo.green_sites`), with an area
in hectares, since the Natural England standards count site sizes. The
analysis counts a site under one of three Natural England definitions
(:data:`geo.standards.SITE_DEFINITIONS`). Geometry: EPSG:27700.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import crs
from geo.access_status import PUBLIC, Evidence, access_status
from geo.completeness import completeness
from geo.green_sites import summarise_sites
from geo.site_merge import INSIDE_MIN, fill_holes, share_inside, site_labels
from geo.standards import DEFAULT_SITE_DEFINITION, M2_PER_HA, SITE_DEFINITIONS
from layers._io import ReadReport, hstore_get, osm_ref, read_vector
from layers.bundle import read_table

#: Typologies, in the priority order used when one OSM object carries several tags.
TYPOLOGIES: dict[str, str] = {
    "nature_reserve": "Nature reserves",
    "parks_gardens": "Parks and gardens",
    "play_space": "Play space",
    "outdoor_sports": "Outdoor sports",
    "allotments": "Allotments",
    "cemeteries": "Cemeteries and churchyards",
    "amenity": "Amenity green space",
    "natural": "Natural and semi-natural",
}

#: (OSM key, value) → typology.
TAG_TYPOLOGY: dict[tuple[str, str], str] = {
    ("leisure", "nature_reserve"): "nature_reserve",
    ("leisure", "park"): "parks_gardens",
    ("leisure", "garden"): "parks_gardens",
    ("leisure", "dog_park"): "parks_gardens",
    ("leisure", "playground"): "play_space",
    ("leisure", "pitch"): "outdoor_sports",
    ("leisure", "golf_course"): "outdoor_sports",
    ("leisure", "fitness_station"): "outdoor_sports",
    ("landuse", "allotments"): "allotments",
    ("landuse", "cemetery"): "cemeteries",
    ("landuse", "recreation_ground"): "amenity",
    ("leisure", "recreation_ground"): "amenity",
    ("landuse", "village_green"): "amenity",
    ("leisure", "common"): "amenity",
    ("landuse", "grass"): "amenity",
    ("natural", "wood"): "natural",
    ("natural", "woodland"): "natural",
    ("landuse", "forest"): "natural",
    ("natural", "scrub"): "natural",
    ("natural", "heath"): "natural",
    ("natural", "grassland"): "natural",
    ("natural", "wetland"): "natural",
    ("landuse", "meadow"): "natural",
    ("natural", "moor"): "natural",
}

#: ``access`` values that close a feature to the public.
PRIVATE_ACCESS = frozenset(
    {
        "private",
        "no",
        "customers",
        "members",
        "permit",
        "military",
        "agricultural",
        "forestry",
        "delivery",
        "residents",
    }
)
#: ``access`` values that open it.
PUBLIC_ACCESS = frozenset({"yes", "permissive", "public", "designated", "destination", "official"})
#: Types that are closed unless tagged open: golf (never open), pitches (often schools and
#: clubs), allotments (plot-holders) and meadows (mostly farmland).
CLOSED_BY_DEFAULT = frozenset(
    {("leisure", "pitch"), ("landuse", "allotments"), ("landuse", "meadow")}
)
NEVER_PUBLIC = frozenset({("leisure", "golf_course")})

VINTAGE_2023 = "2023-08"
VINTAGE_2020 = "2020-02-02"

#: Districts that have a 2023 per-district ``landuse=grass`` and ``natural=wood`` file.
_PER_DISTRICT_2023 = ("bradford", "calderdale", "leeds")


#: The extract's file names say ``landusage`` for the ``landuse`` key.
_FILE_KEY = {"landuse": "landusage"}


@dataclass(frozen=True)
class _RawFile:
    path: Path
    key: str
    value: str
    vintage: str


def _raw_files(shared: Path) -> list[_RawFile]:
    gb = shared / "osm" / "greenblue_2023"
    files = []
    for key, value in TAG_TYPOLOGY:
        stem = f"{_FILE_KEY.get(key, key)}-{value}"
        if (key, value) in {("landuse", "grass"), ("natural", "wood")}:
            for district in _PER_DISTRICT_2023:
                files.append(_RawFile(gb / f"{district}-{stem}.geojson", key, value, VINTAGE_2023))
            continue
        files.append(_RawFile(gb / f"west-yorkshire-{stem}.geojson", key, value, VINTAGE_2023))
    files.append(
        _RawFile(
            gb / "west-yorkshire-leisure-nature_reserve-park.geojson",
            "leisure",
            "nature_reserve",
            VINTAGE_2023,
        )
    )
    return files


_COLUMNS = ["osm_id", "osm_way_id", "name", "other_tags"]


def _read_raw(f: _RawFile, keep: str = "polygon") -> tuple[gpd.GeoDataFrame, ReadReport]:
    gdf, report = read_vector(f.path, keep=keep, columns=_COLUMNS)
    gdf["osm_ref"] = osm_ref(gdf)
    gdf["osm_key"] = f.key
    gdf["osm_value"] = f.value
    gdf["vintage"] = f.vintage
    gdf["source_file"] = f.path.name
    return gdf.drop(columns=["osm_id", "osm_way_id"]), report


def classify(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``typology``, ``access`` and ``public_access`` to OSM green features.

    Parameters
    ----------
    features
        Columns ``osm_key``, ``osm_value`` and ``other_tags`` (OSM hstore).

    Returns
    -------
    GeoDataFrame
        A copy with ``typology`` (a key of :data:`TYPOLOGIES`), ``access`` (the
        OSM ``access`` tag or null) and ``public_access`` (bool): golf courses
        never; ``access`` in :data:`PRIVATE_ACCESS` never; pitches, allotments and
        meadows only when ``access`` is in :data:`PUBLIC_ACCESS`; residential or
        private gardens (``garden:type``) never; everything else yes.
    """
    out = features.copy()
    pairs = list(zip(out["osm_key"], out["osm_value"], strict=True))
    out["typology"] = [TAG_TYPOLOGY[p] for p in pairs]
    access = hstore_get(out["other_tags"], "access")
    garden_type = hstore_get(out["other_tags"], "garden:type")
    out["access"] = access
    acc = access.fillna("").str.lower()
    never = np.array([p in NEVER_PUBLIC for p in pairs])
    closed_default = np.array([p in CLOSED_BY_DEFAULT for p in pairs])
    private = acc.isin(PRIVATE_ACCESS).to_numpy()
    public_tag = acc.isin(PUBLIC_ACCESS).to_numpy()
    private_garden = garden_type.fillna("").str.lower().isin(["residential", "private"]).to_numpy()
    out["public_access"] = ~never & ~private & ~private_garden & (~closed_default | public_tag)
    return out


def build(
    shared: Path, districts: gpd.GeoDataFrame
) -> tuple[dict[str, pd.DataFrame], dict[str, ReadReport]]:
    """Build ``greenspace`` (classified features), ``greenspace_sites`` and ``trees``.

    ``districts`` (EPSG:27700, ``district_name``) picks the 2020 grass for the
    districts that lack a 2023 grass file.
    """
    frames = []
    report = ReadReport()
    for f in _raw_files(shared):
        gdf, rep = _read_raw(f)
        report += rep
        frames.append(gdf)
    grass20, rep = _read_raw(
        _RawFile(
            shared / "osm" / "grass_2020" / "west-yorkshire-landusage-grass_2020-02-02.geojson",
            "landuse",
            "grass",
            VINTAGE_2020,
        )
    )
    report += rep
    frames.append(_only_in(grass20, districts, exclude=_PER_DISTRICT_2023))
    features = pd.concat(frames, ignore_index=True)
    features = classify(gpd.GeoDataFrame(features, geometry="geometry", crs=crs.ANALYSIS_CRS))
    features = _dedupe(features)
    features["area_ha"] = shapely.area(features.geometry.values) / M2_PER_HA
    features = features.sort_values(["osm_ref", "osm_key", "osm_value"]).reset_index(drop=True)
    trees, trep = _read_trees(shared)
    return {"greenspace": features, "trees": trees}, {
        "greenspace": report,
        "trees": trep,
    }


def _only_in(
    gdf: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, exclude: tuple[str, ...]
) -> gpd.GeoDataFrame:
    """Keep features whose representative point falls in a district not in ``exclude``."""
    keep = districts[~districts["district_name"].str.lower().isin(exclude)]
    pts = gpd.GeoSeries(shapely.point_on_surface(gdf.geometry.values), crs=gdf.crs)
    hit = gpd.sjoin(gpd.GeoDataFrame(geometry=pts), keep[["geometry"]], predicate="within")
    return gdf.loc[np.unique(hit.index.to_numpy())]


def _dedupe(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per OSM object; an object in several tag files keeps its top-priority typology."""
    order = {t: i for i, t in enumerate(TYPOLOGIES)}
    ranked = features.assign(_p=features["typology"].map(order))
    ranked = ranked.sort_values(["osm_ref", "_p", "vintage"], ascending=[True, True, False])
    return ranked.drop_duplicates("osm_ref").drop(columns="_p")


def _read_trees(shared: Path) -> tuple[gpd.GeoDataFrame, ReadReport]:
    gb = shared / "osm" / "greenblue_2023"
    pts, rep = read_vector(gb / "west-yorkshire-natural-tree.geojson", columns=_COLUMNS)
    rows, rep2 = read_vector(gb / "west-yorkshire-natural-tree_row.geojson", columns=_COLUMNS)
    rep += rep2
    pts["osm_value"] = "tree"
    rows["osm_value"] = "tree_row"
    trees = pd.concat([pts, rows], ignore_index=True)
    trees["osm_ref"] = osm_ref(trees)
    trees = (
        trees.drop(columns=["osm_id", "osm_way_id"]).sort_values("osm_ref").reset_index(drop=True)
    )
    trees["vintage"] = VINTAGE_2023
    return gpd.GeoDataFrame(trees, geometry="geometry", crs=crs.ANALYSIS_CRS), rep


def classify_access(features: gpd.GeoDataFrame, grounds: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``grounds``, ``access_status`` and ``access_reason`` (:mod:`geo.access_status`).

    Parameters
    ----------
    features
        The ``greenspace`` layer (EPSG:27700).
    grounds
        The ``grounds`` layer (EPSG:27700, ``grounds`` kind): a feature is inside
        grounds when at least half its area lies in one grounds polygon.

    Returns
    -------
    GeoDataFrame
        A copy with the three columns. Containment in a public park is decided
        in a second pass, once the parks' own status is known.
    """
    out = features.copy()
    geoms = np.asarray(out.geometry.values)
    gi, gshare = share_inside(geoms, np.asarray(grounds.geometry.values))
    kinds = np.append(grounds["grounds"].to_numpy(dtype=object), "")  # gi = -1 picks ""
    out["grounds"] = np.where(gshare >= INSIDE_MIN, kinds[gi], "")
    ev = pd.DataFrame(
        {
            "key": out["osm_key"],
            "value": out["osm_value"],
            "name": out["name"],
            "access": out["access"],
            "fee": hstore_get(out["other_tags"], "fee"),
            "garden_type": hstore_get(out["other_tags"], "garden:type"),
            "designation": hstore_get(out["other_tags"], "designation"),
            "grounds": out["grounds"],
            "in_public_park": False,
        }
    )
    status, _ = access_status(Evidence.from_frame(ev))
    park = out["osm_key"].eq("leisure") & out["osm_value"].isin(
        ["park", "nature_reserve", "common"]
    )
    public_park = np.flatnonzero(park.to_numpy() & (status == PUBLIC))
    pi, pshare = share_inside(geoms, fill_holes(geoms[public_park]))
    own = (pi >= 0) & (np.r_[public_park, -1][pi] == np.arange(len(geoms)))
    ev["in_public_park"] = (pi >= 0) & (pshare >= INSIDE_MIN) & ~own
    out["access_status"], out["access_reason"] = access_status(Evidence.from_frame(ev))
    return out


def build_sites(features: gpd.GeoDataFrame, grounds: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    """Build ``greenspace_sites`` and ``green_site_members`` from every classified feature.

    Sites follow :mod:`geo.site_merge` (overlap > 10%, shared name, inside a
    park or nature reserve; never touch; grass never bridges) and are
    summarised by :func:`geo.green_sites.summarise_sites`.
    """
    feats = classify_access(features, grounds)
    pairs = feats["osm_key"] + "=" + feats["osm_value"]
    labels = site_labels(
        np.asarray(feats.geometry.values),
        feats["name"].fillna("").astype(str).to_numpy(dtype=str),
        pairs.isin(["leisure=park", "leisure=nature_reserve"]).to_numpy(),
        (pairs == "landuse=grass").to_numpy(),
    )
    sites, members = summarise_sites(feats, labels)
    return {"greenspace_sites": sites, "green_site_members": members}


def build_comparable_sites(
    features: gpd.GeoDataFrame, grounds: gpd.GeoDataFrame, completeness: pd.DataFrame
) -> gpd.GeoDataFrame:
    """``greenspace_sites`` rebuilt from only the types comparable between districts.

    The "comparable mode" of issue 8: the features whose ``osm_key=osm_value``
    the completeness table (:func:`completeness_table`) marks comparable, that is
    mapped from county-wide files at one OSM vintage, merged by the same rules
    (:func:`build_sites`). Geometry EPSG:27700; areas in hectares.
    """
    comparable = completeness.loc[completeness["comparable"].astype(bool), ["osm_key", "osm_value"]]
    keep = pd.MultiIndex.from_frame(features[["osm_key", "osm_value"]]).isin(
        pd.MultiIndex.from_frame(comparable.drop_duplicates())
    )
    sites = build_sites(features[keep].reset_index(drop=True), grounds)["greenspace_sites"]
    return gpd.GeoDataFrame(sites, geometry="geometry", crs=features.crs)


def completeness_table(features: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """Mapped density (ha/km²) of each green type per district, vintage and comparable flag."""
    county_wide = features["source_file"].astype(str).str.startswith("west-yorkshire-")
    return completeness(features.assign(county_wide=county_wide.to_numpy()), districts)


def load_greenspace() -> gpd.GeoDataFrame:
    """Classified OSM green-space polygons (EPSG:27700).

    Columns: ``osm_ref``, ``name``, ``osm_key``, ``osm_value``, ``typology``,
    ``access``, ``public_access``, ``area_ha`` (ha), ``vintage``, ``other_tags``.
    """
    return read_table("greenspace")


def load_sites(definition: str = DEFAULT_SITE_DEFINITION) -> gpd.GeoDataFrame:
    """The sites the park tiers count under a site definition (EPSG:27700).

    Parameters
    ----------
    definition
        A key of :data:`geo.standards.SITE_DEFINITIONS` (``all-accessible``,
        ``natural`` or ``formal``).

    Returns
    -------
    GeoDataFrame
        The ``park`` sites (open access land is apart: :func:`load_open_access_land`)
        that count under ``definition``, with ``area_ha`` the *public* area in
        hectares (``public_area_ha``: restricted members such as a golf course
        inside an estate do not add to its size), ``site_area_ha`` the whole
        site's, and every column of :func:`load_green_sites`.
    """
    if definition in SITE_DEFINITIONS and SITE_DEFINITIONS[definition].layer != "greenspace_sites":
        return counted_sites(read_table(SITE_DEFINITIONS[definition].layer), definition)
    return counted_sites(load_green_sites(), definition)


def counted_sites(sites: gpd.GeoDataFrame, definition: str) -> gpd.GeoDataFrame:
    """The sites of ``sites`` (``greenspace_sites`` layout) that ``definition`` counts: its
    flag, and its site kinds (parks; open access land too for ``with-open-land``)."""
    if definition not in SITE_DEFINITIONS:
        raise ValueError(
            f"unknown site definition {definition!r}; choose one of {', '.join(SITE_DEFINITIONS)}"
        )
    d = SITE_DEFINITIONS[definition]
    keep = sites[d.flag].to_numpy(bool) & np.isin(sites["site_kind"].to_numpy(), d.kinds)
    out = sites[keep].rename(columns={"area_ha": "site_area_ha"})
    out.insert(1, "area_ha", out["public_area_ha"].to_numpy(float))
    return out.reset_index(drop=True)


def load_open_access_land() -> gpd.GeoDataFrame:
    """Public open access land (moor, heath, large natural areas) as sites (EPSG:27700, ha)."""
    sites = load_green_sites()
    keep = (sites["site_kind"] == "open_access_land") & sites["all_accessible"].astype(bool)
    return sites[keep.to_numpy()].reset_index(drop=True)


def load_green_sites() -> gpd.GeoDataFrame:
    """Every green site people would name (EPSG:27700): kind, access status, definition flags.

    The ``greenspace_sites`` layer (:func:`build_sites`), all statuses and kinds.
    """
    return read_table("greenspace_sites")


def load_green_site_members() -> pd.DataFrame:
    """Member features of each green site, with their access status and reason."""
    return read_table("green_site_members")


def load_trees() -> gpd.GeoDataFrame:
    """OSM ``natural=tree`` points and ``natural=tree_row`` lines (EPSG:27700)."""
    return read_table("trees")
