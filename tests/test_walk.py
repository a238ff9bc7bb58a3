"""Walking measures: same-people comparisons, lit rule, isochrone geometry on hand-made graphs."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely

from analysis.walk import WALK_15_MIN_M, isochrone_summary, lit_edges, same_people
from geo.network.isochrone import ISOCHRONE_BUFFER_M, isochrone, reached_lines
from geo.network.routing import WalkGraph
from geo.standards import ACCESS_TIERS


def test_15_minutes_is_1200_m() -> None:
    assert pytest.approx(1_200.0) == WALK_15_MIN_M  # 15 min × 4.8 km/h


def _by_hand(share: list[float]) -> tuple[Any, Any]:
    # Postcode a: straight yes, on foot no (a detour); b: both yes; c: no network result.
    # Each tier's distance is d; "yes" is d/2 and "no" 2d.
    cols: dict[str, Any] = {"group": [0, 1, 2], "people": [100, 300, 600]}
    for tier in ACCESS_TIERS:
        d = tier.distance_m
        cols[tier.dist_col] = [d / 2, d / 2, 2 * d]
        cols[tier.net_dist_col] = [2 * d, d / 2, np.nan]
        cols[tier.net_available_col] = [True, True, False]
    results = SimpleNamespace(points=pd.DataFrame(cols))
    return results, SimpleNamespace(share=np.array(share), point_mask=None)


def test_same_people_by_hand() -> None:
    out = same_people(*_by_hand([1.0, 1.0, 1.0]))
    tier = ACCESS_TIERS[0].name
    # same people = a and b (400): straight share 400/400, detour share 100/400
    assert out["access_network_same_people_straight"][tier] == pytest.approx(1.0)
    assert out["access_network_detour_share"][tier] == pytest.approx(0.25)
    half_a = same_people(*_by_hand([0.5, 1.0, 1.0]))  # half of LSOA a's people in the area
    assert half_a["access_network_detour_share"][tier] == pytest.approx(50 / 350)
    nobody = same_people(*_by_hand([0.0, 0.0, 1.0]))
    assert nobody["access_network_same_people_straight"][tier] is None


def test_lit_rule() -> None:
    edges = pd.DataFrame(
        {
            "highway": ["footway", "residential", "residential", "path", "primary;footway"],
            "lit": ["yes", "", "no", "", ""],
            "length": [100.0, 200.0, 300.0, 400.0, 0.0],
        }
    )
    lit, coverage = lit_edges(edges)
    assert lit.tolist() == [True, True, False, False, True]
    assert coverage == pytest.approx(400 / 1000)  # lit mapped on 100 + 300 m of 1,000 m


def _square() -> WalkGraph:
    # 0 (0,0) - 1 (100,0) - 2 (100,100) - 3 (0,100) - 0: a 100 m square
    xy = np.array([[0, 0], [100, 0], [100, 100], [0, 100]], dtype=float)
    u = np.array([0, 1, 2, 3])
    v = np.array([1, 2, 3, 0])
    return WalkGraph.from_arrays(xy[:, 0], xy[:, 1], u, v, np.full(4, 100.0))


def test_isochrone_square_whole_and_partial_edges() -> None:
    g = _square()
    # 250 m: the far corner (2) is 200 m away, each far edge's middle 200 m: all reached
    assert reached_lines(g, 0.0, 0.0, 250.0).length == pytest.approx(400.0)
    # 150 m: the near edges whole, 50 m of each far edge from corners 1 and 3
    lines = reached_lines(g, 0.0, 0.0, 150.0)
    assert lines.length == pytest.approx(300.0)
    assert lines.covers(shapely.LineString([(100, 0), (100, 50)]))
    assert not lines.intersects(shapely.Point(100, 75))


def _star() -> WalkGraph:
    xy = np.array([[0, 0], [1000, 0], [-1000, 0], [0, 1000], [0, -1000]], dtype=float)
    return WalkGraph.from_arrays(
        xy[:, 0], xy[:, 1], np.zeros(4, dtype=np.intp), np.arange(1, 5), np.full(4, 1000.0)
    )


def test_isochrone_star_from_an_off_network_point() -> None:
    g = _star()
    # 20 m north of the east arm at x=100: 20 m snap, then 480 m left either way on it
    lines = reached_lines(g, 100.0, 20.0, 500.0)
    east = 100 + 480.0
    rest = 480.0 - 100.0  # reach past the centre onto the other three arms
    assert lines.length == pytest.approx(east + 3 * rest)
    poly = isochrone(g, 100.0, 20.0, 500.0)
    assert poly.contains(shapely.Point(east - 1, 0)) and not poly.contains(
        shapely.Point(east + 30, 0)
    )
    assert poly.contains(shapely.Point(0, rest - 1)) and not poly.contains(
        shapely.Point(0, rest + 30)
    )
    expected = shapely.buffer(
        shapely.MultiLineString([[(0, 0), (east, 0)], [(0, 0), (-rest, 0)], [(0, 0), (0, rest)],
                                 [(0, 0), (0, -rest)]]),
        ISOCHRONE_BUFFER_M,
        quad_segs=8,
    )  # fmt: skip
    assert shapely.symmetric_difference(poly, expected).area < 1.0
    # nothing within reach: farther than the distance from every street
    assert reached_lines(g, 500.0, 500.0, 100.0).is_empty


def test_isochrone_on_leeds_stays_within_the_walk_disk() -> None:
    # Leeds Town Hall (Headrow), inside the offline network area
    out = isochrone_summary(-1.5495, 53.8002, [5, 10, 15])
    bands = out["bands"]
    assert [b["distance_m"] for b in bands] == pytest.approx([400.0, 800.0, 1200.0])
    areas = [b["area_ha"] for b in bands]
    assert areas == sorted(areas) and areas[0] > 0
    people = [b["people"] for b in bands]
    assert people == sorted(people) and people[0] > 0
    x, y = out["at"]["x"], out["at"]["y"]
    for b in bands:
        geom = shapely.geometry.shape(b["geometry_lonlat"])
        assert geom.is_valid
        # a walk of d never leaves the disk of radius d (plus the buffer)
        disk_lonlat_area = b["area_ha"]
        assert disk_lonlat_area * 1e4 <= np.pi * (b["distance_m"] + ISOCHRONE_BUFFER_M) ** 2
    with pytest.raises(ValueError, match="outside"):
        isochrone_summary(-1.90, 53.70, [5])  # Halifax: no complete network there
    assert x > 0 and y > 0


def test_isochrone_people_are_the_postcodes_inside(
    results: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """People in a walking area are the surface residents whose postcode lies inside it,
    counted here with geopandas' own point-in-polygon join (a second implementation);
    and the CLI takes a western longitude after ``--at`` as a value, not an option."""
    import geopandas as gpd

    from healthyplaces.cli import main

    out = isochrone_summary(-1.5495, 53.8002, [5])
    band = out["bands"][0]
    poly = gpd.GeoSeries([shapely.geometry.shape(band["geometry_lonlat"])], crs="EPSG:4326")
    poly = poly.to_crs("EPSG:27700")
    p = results.points
    homes = gpd.GeoDataFrame(
        {"people": p["people"]},
        geometry=gpd.points_from_xy(p["easting"], p["northing"]),
        crs="EPSG:27700",
    )
    joined = gpd.sjoin(homes, gpd.GeoDataFrame(geometry=poly), predicate="intersects")
    # the lon/lat round trip moves the outline by micrometres: allow one postcode's people
    assert band["people"] == pytest.approx(joined["people"].sum(), abs=float(p["people"].max()))
    assert band["people"] > 0
    assert "postcode" in out["method"]
    assert main(["isochrone", "--at", "-1.5495,53.8002", "--minutes", "5", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["bands"][0]["people"] == pytest.approx(band["people"])


def test_same_people_county_matches_shapely_over_the_covered_postcodes(results: Any) -> None:
    """The straight-line share over exactly the residents with a walking result, recomputed
    with shapely.dwithin from those postcodes to the real 2 ha sites."""
    from analysis.areas import area_for_place
    from analysis.walk import profile_additions
    from layers.greenspace import load_sites
    from layers.places import resolve_place

    area = area_for_place(results, resolve_place("West Yorkshire"))
    out = profile_additions(results, area)
    tier = next(t for t in ACCESS_TIERS if t.name == "2ha_300m")
    p = results.points
    covered = p[p[tier.net_available_col].to_numpy(bool)]
    pts = shapely.points(covered["easting"].to_numpy(), covered["northing"].to_numpy())
    sites = load_sites()
    geoms = np.asarray(sites[sites["area_ha"] >= tier.min_ha].geometry.values)
    hit, _ = shapely.STRtree(geoms).query(pts, predicate="dwithin", distance=tier.distance_m)
    people = covered["people"].to_numpy(float)
    expected = people[np.unique(hit)].sum() / people.sum()
    same = out["access_network_same_people_straight"]["2ha_300m"]
    assert same == pytest.approx(expected, abs=1e-9)
    # the comparison the issue asked for: the county-wide straight share covers other people
    t = results.lsoa
    county = (t[tier.meets_col] * t["population"]).sum() / t["population"].sum()
    assert abs(same - county) > 0.05
    walk = out["walk_15min"]
    assert 0 < walk["network_coverage"] < 1 and walk["distance_m"] == pytest.approx(1_200.0)
    assert out["after_dark"]["after_dark_network_share"] <= walk["network_share"]
    assert out["after_dark"]["lit_tagged_share"] < 0.5 and out["after_dark"]["note"]
