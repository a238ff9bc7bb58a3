"""Green sites people would name: merge rules, members, kinds, definitions, entrances, completeness.

Hand-made squares give the exact thresholds (overlap of 10% of the smaller
polygon, same name within 50 m, half inside a park outline, grass never
bridging); real OSM features from the bundle show each rule on the ground.
Sites are rebuilt here from the bundle's ``greenspace`` and ``grounds`` layers
and compared with the stored ``greenspace_sites``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from geo.entrances import MATCH_M, match_points
from geo.site_merge import fill_holes, share_inside, site_labels
from layers.bundle import read_table
from layers.greenspace import build_sites, completeness_table


def _labels(geoms: list[Polygon], names: list[str] | None = None, *, container=(), grass=()):
    n = len(geoms)
    return site_labels(
        np.array(geoms, dtype=object),
        np.array(names or [""] * n, dtype=str),
        np.isin(np.arange(n), container),
        np.isin(np.arange(n), grass),
    )


# --- hand-made cases: the thresholds --------------------------------------------------


@pytest.mark.parametrize(("overlap_m", "joined"), [(11.0, True), (9.0, False), (0.0, False)])
def test_overlap_joins_above_ten_percent_of_the_smaller(overlap_m: float, joined: bool) -> None:
    """A 100 m square and a 100 x 200 m box overlapping by a strip 100 m long.

    The smaller is 10,000 m²; an 11 m strip is 1,100 m² (11%), a 9 m strip 900 m²
    (9%), and 0 m means they only touch along an edge.
    """
    small = box(0, 0, 100, 100)
    big = box(100 - overlap_m, 0, 300 - overlap_m, 100)
    labels = _labels([small, big])
    assert bool(labels[0] == labels[1]) == joined


@pytest.mark.parametrize(
    ("gap_m", "same_name", "joined"), [(40, True, True), (60, True, False), (10, False, False)]
)
def test_same_name_joins_within_fifty_metres(gap_m: float, same_name: bool, joined: bool) -> None:
    a = box(0, 0, 100, 100)
    b = box(100 + gap_m, 0, 200 + gap_m, 100)
    names = ["Shibden Park", " shibden  park" if same_name else "Shibden Hall"]
    labels = _labels([a, b], names)
    assert bool(labels[0] == labels[1]) == joined


def test_inside_a_park_outline_joins_even_in_a_hole() -> None:
    """A wood mapped as the park's inner ring shares no area with the park polygon and
    only touches it, yet lies wholly inside its outline, so it joins the park."""
    park = Polygon(box(0, 0, 400, 400).exterior.coords, [box(100, 100, 200, 200).exterior.coords])
    wood_in_hole = box(100, 100, 200, 200)
    labels = _labels([park, wood_in_hole], container=[0])
    assert labels[0] == labels[1]
    not_a_park = _labels([park, wood_in_hole])  # same shapes, no container: they only touch
    assert not_a_park[0] != not_a_park[1]


def test_grass_never_bridges_two_sites() -> None:
    """Grass overlapping two pitches joins only the one it overlaps most."""
    pitch_a = box(0, 0, 100, 100)
    pitch_b = box(150, 0, 250, 100)
    grass = box(50, 0, 180, 100)  # 50 m over a, 30 m over b: both > 10%
    labels = _labels([pitch_a, pitch_b, grass], grass=[2])
    assert labels[0] != labels[1]
    assert labels[2] == labels[0]
    # The same polygon as a wood (not grass) bridges them.
    labels = _labels([pitch_a, pitch_b, grass])
    assert labels[0] == labels[1] == labels[2]


def test_share_inside_and_fill_holes_by_hand() -> None:
    ring = Polygon(box(0, 0, 10, 10).exterior.coords, [box(2, 2, 8, 8).exterior.coords])
    assert shapely.area(fill_holes(np.array([ring], dtype=object)))[0] == pytest.approx(100.0)
    idx, share = share_inside(
        np.array([box(0, 0, 4, 10), box(20, 20, 21, 21)], dtype=object),
        np.array([box(0, 0, 1, 10), box(0, 0, 3, 10)], dtype=object),
    )
    assert idx.tolist() == [1, -1]
    assert share.tolist() == pytest.approx([0.75, 0.0])


def test_match_points_within_thirty_metres_by_hand() -> None:
    sites = np.array([box(0, 0, 100, 100), box(200, 0, 300, 100)], dtype=object)
    pts = np.array([Point(50, 50), Point(120, 50), Point(150, 50), Point(329, 50)], dtype=object)
    idx, dist = match_points(pts, sites)
    assert idx.tolist() == [0, 0, -1, 1]
    assert dist[[0, 1, 3]].tolist() == pytest.approx([0.0, 20.0, 29.0])
    assert np.isnan(dist[2])


# --- real data -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built() -> dict[str, pd.DataFrame]:
    return build_sites(read_table("greenspace"), read_table("grounds"))


@pytest.fixture(scope="module")
def site_of(built: dict[str, pd.DataFrame]) -> pd.Series:
    return built["green_site_members"].set_index("osm_ref")["site_id"]


def test_bundle_layers_are_a_fresh_build(built: dict[str, pd.DataFrame]) -> None:
    stored = read_table("greenspace_sites")
    pd.testing.assert_frame_equal(
        pd.DataFrame(stored.drop(columns="geometry")),
        pd.DataFrame(built["greenspace_sites"].drop(columns="geometry")),
        check_dtype=False,
    )
    members = read_table("green_site_members")
    pd.testing.assert_frame_equal(members, built["green_site_members"], check_dtype=False)


@pytest.mark.parametrize(
    ("a", "b", "same", "why"),
    [
        ("relation/4149153", "relation/8444263", True, "Roundhay: a wood overlapping the park"),
        ("way/910161905", "way/36913964", True, "Shibden Park: reserve and park share the name"),
        ("way/37339620", "way/184627155", True, "a 22 ha forest inside Bretton Country Park"),
        (
            "relation/11159463",
            "way/189081672",
            False,
            "Wigton Moor Woods only touches Middlethorne Park",
        ),
        (
            "way/155354621",
            "way/155354623",
            False,
            "two pitches on one grass field: grass way/155354617 does not bridge them",
        ),
    ],
)
def test_merge_rules_on_real_features(
    site_of: pd.Series, a: str, b: str, same: bool, why: str
) -> None:
    assert bool(site_of[a] == site_of[b]) == same, why


def test_every_feature_is_a_member_once(built: dict[str, pd.DataFrame]) -> None:
    features = read_table("greenspace")
    members = built["green_site_members"]
    assert sorted(members["osm_ref"]) == sorted(features["osm_ref"])
    sites = built["greenspace_sites"].set_index("site_id")
    counts = members.groupby("site_id").size()
    assert (sites["n_members"] == counts.reindex(sites.index)).all()
    total = members.groupby("site_id")["area_ha"].agg(["sum", "max"]).reindex(sites.index)
    assert (sites["area_ha"] <= total["sum"] + 1e-6).all()
    assert (sites["area_ha"] >= total["max"] - 1e-6).all()
    assert (sites["public_area_ha"] <= sites["area_ha"] + 1e-6).all()


def test_a_moor_is_not_named_after_a_reserve_on_its_edge(built: dict[str, pd.DataFrame]) -> None:
    """Issue 8: an 11,800 ha moorland site was called "Ogden Water LNR" (63 ha)."""
    sites = built["greenspace_sites"]
    ogden = sites[sites["largest_named_member"] == "Ogden Water Local Nature Reserve"]
    assert len(ogden) == 1
    row = ogden.iloc[0]
    assert row["area_ha"] > 10_000
    assert row["name"] is None or pd.isna(row["name"])
    assert row["site_kind"] == "open_access_land"


def test_definitions_imply_public_and_kinds_are_two(built: dict[str, pd.DataFrame]) -> None:
    sites = built["greenspace_sites"]
    assert set(sites["site_kind"]) == {"park", "open_access_land"}
    for flag in ("all_accessible", "natural", "formal"):
        assert (sites.loc[sites[flag], "access_status"] == "public").all()
    assert (sites["all_accessible"] == (sites["access_status"] == "public")).all()
    # Middleton Park (148 ha, half ancient woodland) is natural and formal.
    middleton = sites[sites["name"] == "Middleton Park"].iloc[0]
    assert middleton["natural"] and middleton["formal"]
    # Lister Park, a Victorian formal park, is formal but not natural.
    lister = sites[sites["name"] == "Lister Park"].iloc[0]
    assert lister["formal"] and not lister["natural"]


def test_open_access_land_is_moor_or_large_and_natural(built: dict[str, pd.DataFrame]) -> None:
    sites = built["greenspace_sites"]
    members = built["green_site_members"]
    moor = members[members["osm_value"].isin(["heath", "moor"])].groupby("site_id").size()
    oal = sites[sites["site_kind"] == "open_access_land"].set_index("site_id")
    large = (oal["area_ha"] >= 100) & (oal["natural_share"] >= 0.5)
    assert (oal.index.isin(moor.index) | large.to_numpy()).all()
    assert oal["area_ha"].sum() > 40_000


def test_access_points_match_within_thirty_metres() -> None:
    pts = read_table("access_points")
    assert len(pts) == 11_340
    matched = pts["site_id"].notna()
    assert (pts.loc[matched, "match_m"] <= MATCH_M).all()
    assert pts.loc[~matched, "match_m"].isna().all()
    # Spot check one matched point independently: its site is within 30 m.
    sites = read_table("greenspace_sites").set_index("site_id")
    row = pts[matched].iloc[0]
    assert row.geometry.distance(sites.loc[row["site_id"], "geometry"]) <= MATCH_M
    # Calderdale west of easting 400,000 has no OS access points (README).
    cald = pts[pts["district"] == "Calderdale"]
    assert len(cald) > 500
    assert shapely.get_x(np.asarray(cald.geometry.values)).min() >= 399_000


def test_completeness_flags_wood_and_grass() -> None:
    features = read_table("greenspace")
    districts = read_table("districts")
    table = completeness_table(features, districts)
    wood = table[table["osm_value"] == "wood"].set_index("district")
    assert not wood["comparable"].any()
    # Issue 8: mapped wood 9.0 ha/km² in Leeds, 0.04 in Kirklees, 0.00 in Wakefield.
    assert wood.loc["Leeds", "density_ha_km2"] == pytest.approx(9.0, abs=0.1)
    assert wood.loc["Kirklees", "density_ha_km2"] == pytest.approx(0.04, abs=0.01)
    assert wood.loc["Wakefield", "density_ha_km2"] < 0.01
    grass = table[table["osm_value"] == "grass"].set_index("district")
    assert not grass["comparable"].any()
    assert grass.loc["Wakefield", "vintage"] == "2020-02-02"
    park = table[table["osm_value"] == "park"].set_index("district")
    assert park["comparable"].all()
    # Leeds park density recomputed independently (representative point in Leeds).
    leeds = districts[districts["district_name"] == "Leeds"]
    parks = features[(features["osm_key"] == "leisure") & (features["osm_value"] == "park")]
    pts = gpd.GeoDataFrame(geometry=parks.representative_point(), crs=parks.crs)
    inside = gpd.sjoin(pts, leeds[["geometry"]], predicate="within").index
    expected = parks.loc[inside].area.sum() / 1e4 / (leeds.area.sum() / 1e6)
    assert park.loc["Leeds", "density_ha_km2"] == pytest.approx(expected, rel=1e-9)
