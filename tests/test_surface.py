"""Indicators counted where people live: exact point distances, shares, custom areas, scenarios."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import shapely

from analysis import areas, new_park, profiles, surface
from geo import point_distance
from geo.standards import ACCESS_TIERS, DEFAULT_SITE_DEFINITION, SITE_DEFINITIONS

TOLLER = "E05001364"  # Bradford ward (ONS 2025 wards)


def test_segment_distances_by_hand() -> None:
    square = shapely.box(0, 0, 10, 10)  # hole-free 10 m square
    ring = shapely.box(100, 0, 120, 20).difference(shapely.box(105, 5, 115, 15))  # with a hole
    line = shapely.LineString([(0, 50), (30, 50)])
    point = shapely.Point(200, 200)
    feats = point_distance.FeatureIndex.of(np.array([square, ring, line, point], dtype=object))
    pts = shapely.points([(15, 5), (5, 5), (110, 10), (10, 53), (203, 204), (10, 10)])
    every, squares, none = point_distance.nearest_distances(
        pts, feats, [None, np.array([True, True, False, False]), np.zeros(4, bool)]
    )
    # (15,5): 5 m east of the square; (5,5) inside it: 0; (110,10) in the hole: 5 m
    # to the hole's edge; (10,53): 3 m above the line; (203,204): 5 m from the point
    # (3-4-5); (10,10) on the square's corner: 0.
    np.testing.assert_allclose(every, [5, 0, 5, 3, 5, 0])
    assert squares[3] == pytest.approx(np.hypot(0, 43))  # the square's top edge is y = 10
    assert np.isinf(none).all()


def test_segment_distances_equal_shapely_on_real_sites(results) -> None:
    sites = results.inputs.sites
    geoms = np.asarray(sites.geometry.values)
    ha = sites["area_ha"].to_numpy(float)
    p = results.points.iloc[::97]
    pts = shapely.points(p["easting"].to_numpy(float), p["northing"].to_numpy(float))
    feats = point_distance.FeatureIndex.of(geoms)
    got = point_distance.nearest_distances(pts, feats, [ha >= t.min_ha for t in ACCESS_TIERS[:3]])
    for tier, d in zip(ACCESS_TIERS[:3], got, strict=True):
        q = geoms[ha >= tier.min_ha]
        tree = shapely.STRtree(q)
        (_, j), ref = tree.query_nearest(pts, return_distance=True, all_matches=False)
        assert np.max(np.abs(d - shapely.distance(pts, q[j]))) < 1e-6
        assert np.max(np.abs(d - ref)) < 1e-6


def test_nested_and_repeated_subsets_on_every_point_equal_shapely(results) -> None:
    """Every postcode (so the queries run on several threads), nested tiers (a tier's
    answer is reused from its superset where the nearest site is in both), a repeated
    mask and a mask nested in none: each equals GEOS's nearest distance."""
    sites = results.inputs.sites
    geoms = np.asarray(sites.geometry.values)
    ha = sites["area_ha"].to_numpy(float)
    named = sites["name"].notna().to_numpy()
    p = results.points
    pts = shapely.points(p["easting"].to_numpy(float), p["northing"].to_numpy(float))
    masks = [ha >= 20, ha >= 2, named, ha >= 2, named & (ha >= 10)]
    got = point_distance.nearest_distances(pts, point_distance.FeatureIndex.of(geoms), masks)
    for mask, d in zip(masks, got, strict=True):
        _, ref = shapely.STRtree(geoms[mask]).query_nearest(
            pts, return_distance=True, all_matches=False
        )
        assert np.max(np.abs(d - ref)) < 1e-6


def test_a_subset_reuses_its_superset_only_where_the_nearest_is_shared() -> None:
    near, far = shapely.box(0, 0, 10, 10), shapely.box(100, 0, 110, 10)
    feats = point_distance.FeatureIndex.of(np.array([near, far], dtype=object))
    pts = shapely.points([(15, 5), (95, 5)])  # nearest: the near square, the far one
    both, far_only = point_distance.nearest_distances(pts, feats, [None, np.array([False, True])])
    np.testing.assert_allclose(both, [5, 5])
    np.testing.assert_allclose(far_only, [85, 5])  # (15,5) searched again: 85 m to x = 100


def test_lsoa_shares_are_resident_shares(results) -> None:
    t, p = results.lsoa, results.points
    for tier in ACCESS_TIERS:
        share = t[tier.meets_col].to_numpy(float)
        assert ((share >= 0) & (share <= 1)).all()
        # County share from the LSOA shares equals the people counted point by point.
        met = p.loc[p[tier.dist_col] <= tier.distance_m, "people"].sum()
        county = (share * t["population"]).sum() / t["population"].sum()
        assert county == pytest.approx(met / p["people"].sum(), rel=1e-12)
        assert (t[f"dist_{tier.name}_p10_m"] <= t[tier.dist_col]).all()
        assert (t[tier.dist_col] <= t[f"dist_{tier.name}_p90_m"]).all()
    # Thresholds are no longer coin flips: many LSOAs are partly served.
    partly = (t["meets_2ha_300m"] > 0) & (t["meets_2ha_300m"] < 1)
    assert partly.mean() > 0.3


def test_air_changes_by_method_only_slightly(results) -> None:
    t = results.lsoa
    w = t["population"].to_numpy(float)
    surface = np.nansum(t["no2_ugm3"] * w) / w[t["no2_ugm3"].notna()].sum()
    centroid = np.nansum(t["no2_ugm3_pwc"] * w) / w[t["no2_ugm3_pwc"].notna()].sum()
    assert surface == pytest.approx(centroid, rel=0.02)


def test_ilkley_moor_profiled_has_almost_no_residents(results) -> None:
    sites = results.inputs.open_land  # open access land, apart from the park tiers
    assert sites is not None
    moor = sites.loc[sites["name"].fillna("").str.contains("Ilkley Moor")]
    assert len(moor) >= 1
    polygon = shapely.union_all(np.asarray(moor.geometry.values))
    prof = profiles.profile(results, areas.area_for_polygon(results, polygon, "Ilkley Moor"))
    assert prof["population"] < 100


def test_area_with_no_postcode_has_no_residents(results) -> None:
    p = results.points
    x, y = p["easting"].max() + 5_000, p["northing"].max() + 5_000  # beyond every postcode
    area = areas.area_for_polygon(results, shapely.box(x, y, x + 500, y + 500))
    assert area.weights.sum() == 0
    prof = profiles.profile(results, area)
    assert prof["population"] == 0
    assert any("No postcode lies inside" in n for n in prof["notes"])


def test_a_boundary_that_cuts_lsoas_counts_its_own_residents_shares(results) -> None:
    # The west half of Bradford district cuts many LSOAs. Its shares and its mean NO₂
    # must be those of the residents whose postcode point is inside, counted here
    # directly from the points (a second implementation), not each cut LSOA's whole share.
    from layers.places import place_index, resolve_place

    bradford = place_index().geometry(resolve_place("Bradford"))
    x0, y0, x1, y1 = bradford.bounds
    west = shapely.intersection(bradford, shapely.box(x0, y0, (x0 + x1) / 2, y1))
    area = areas.area_for_polygon(results, west, "west Bradford")
    assert ((area.share > 0) & (area.share < 1)).any()  # it does cut LSOAs
    prof = profiles.profile(results, area)
    p = results.points
    inside = shapely.intersects_xy(west, p["easting"], p["northing"])
    w = p["people"].to_numpy(float) * inside
    assert prof["population"] == int(w.sum())
    for tier in ACCESS_TIERS:
        met = w[p[tier.dist_col].to_numpy(float) <= tier.distance_m].sum() / w.sum()
        assert prof["access_straight"][tier.name] == pytest.approx(met, rel=1e-9)
    no2 = p["no2_ugm3"].to_numpy(float)
    known = np.isfinite(no2)
    mean = (no2[known] * w[known]).sum() / w[known].sum()
    assert prof["no2_pop_weighted_ugm3"] == pytest.approx(mean, rel=1e-9)
    # The LSOAs themselves are unchanged for everyone else (a named place, the county).
    named = areas.area_for_place(results, resolve_place("Bradford"))
    assert areas.counted_inside(results, named) is results


def _open_spot_in(results, ward: str) -> tuple[float, float]:
    """A point of the ward, not in a site and ≥ 60 m from every postcode, nearest its centre."""
    t = results.lsoa
    ward_geom = shapely.union_all(np.asarray(t.loc[t["ward_code"] == ward].geometry.values))
    x0, y0, x1, y1 = ward_geom.bounds
    gx, gy = np.meshgrid(np.arange(x0, x1, 25.0), np.arange(y0, y1, 25.0))
    cand = shapely.points(gx.ravel(), gy.ravel())
    cand = cand[shapely.contains(ward_geom, cand)]
    p = results.points
    homes = shapely.STRtree(shapely.points(p["easting"].to_numpy(), p["northing"].to_numpy()))
    near_home = np.unique(homes.query(cand, predicate="dwithin", distance=60.0)[0])
    in_site = np.unique(
        shapely.STRtree(np.asarray(results.inputs.sites.geometry.values)).query(
            cand, predicate="intersects"
        )[0]
    )
    free = np.setdiff1d(np.arange(len(cand)), np.r_[near_home, in_site])
    assert len(free), "no open land found in the ward"
    c = ward_geom.centroid
    best = cand[free][np.argmin(shapely.distance(cand[free], c))]
    return best.x, best.y


def _park(x: float, y: float) -> shapely.Geometry:
    return shapely.box(x - 86.6, y - 86.6, x + 86.6, y + 86.6)  # 173.2 m square ≈ 3.0 ha


def test_a_3ha_park_in_toller_gains_people_and_moves_smoothly(results) -> None:
    x, y = _open_spot_in(results, TOLLER)
    here = new_park.add_park(results, _park(x, y))
    assert here["new_site_ha"] == pytest.approx(3.0, rel=1e-3)
    assert max(here["gain_straight"].values()) > 0
    for tier in ACCESS_TIERS:
        gain = here["gain_straight"][tier.name]
        assert sum(here["gain_by_imd_decile"][tier.name].values()) == pytest.approx(gain, abs=1)
        assert sum(here["gain_by_age"][tier.name].values()) == pytest.approx(gain, abs=1)
    moved = new_park.add_park(results, _park(x + 50, y))
    # Moving the park 50 m east changes, for the 300 m tier, only the people in the
    # symmetric difference of the two 300 m reach zones: a crescent of area at most
    # 50 m × the zone's perimeter (≈ 2π·(300 + 87) + 4·173 ≈ 3.1 km), about 15.5 ha,
    # i.e. under 1,500 people even at 100 residents/ha. Computed from the points:
    p = results.points
    pts = shapely.points(p["easting"].to_numpy(), p["northing"].to_numpy())
    a = shapely.dwithin(pts, _park(x, y), 300.0)
    b = shapely.dwithin(pts, _park(x + 50, y), 300.0)
    crescent = float(p.loc[a ^ b, "people"].sum())
    change = abs(moved["gain_straight"]["2ha_300m"] - here["gain_straight"]["2ha_300m"])
    assert change <= crescent + 1
    assert crescent < 1_500


def test_points_on_lines_are_found_as_a_whole_layer_query_finds_them(results) -> None:
    """The contains test of line features runs only on the points in a segment's
    envelope: on the real blue space (lines and polygons) plus the county boundary,
    with surface postcodes and points placed on line vertices, segment midpoints and
    line ends, the pairs equal one ``contains`` query over the whole layer."""
    inputs = results.inputs
    geoms = np.r_[
        np.asarray(inputs.blue.geometry.values), [shapely.boundary(inputs.county)]
    ].astype(object)
    lines = geoms[np.isin(shapely.get_type_id(geoms), (1, 5))]
    xy = shapely.get_coordinates(lines[::7])
    on = np.r_[xy, (xy[:-1] + xy[1:]) / 2]  # vertices, ends and (mostly) points on segments
    p = results.points.iloc[::13]
    pts = np.r_[
        np.asarray(shapely.points(p["easting"].to_numpy(float), p["northing"].to_numpy(float))),
        np.asarray(shapely.points(on)),
    ].astype(object)
    feats = point_distance.FeatureIndex.of(geoms)
    ft, pt = point_distance._contained(pts, feats)
    ref = shapely.STRtree(pts).query(geoms, predicate="contains")
    got = {(int(a), int(b)) for a, b in zip(ft, pt, strict=True)}
    want = {(int(a), int(b)) for a, b in zip(ref[0], ref[1], strict=True)}
    assert got == want
    assert sum(np.isin(shapely.get_type_id(geoms[a]), (1, 5)) for a, _ in want) > 100


def test_segment_coordinates_are_the_rings_lines_and_points_in_order() -> None:
    square = shapely.box(0, 0, 10, 10)
    line = shapely.LineString([(20, 0), (20, 5), (25, 5)])
    point = shapely.Point(30, 30)
    ab, owner, of_line = point_distance.boundary_segments(
        np.array([point, line, square], dtype=object)
    )
    assert ab.shape == (4 + 2 + 1, 4)
    np.testing.assert_array_equal(owner, [2, 2, 2, 2, 1, 1, 0])
    np.testing.assert_array_equal(of_line, [False] * 4 + [True] * 2 + [False])
    np.testing.assert_array_equal(ab[4], [20, 0, 20, 5])
    np.testing.assert_array_equal(ab[6], [30, 30, 30, 30])


def test_definitions_with_their_own_sites_equal_their_own_index(results: Any) -> None:
    """The default's and the definitions' own sites share one index (searched over the
    union, each layer keeping the answer where its nearest site is its own): every
    definition's distances equal a search of its own layer alone, to the bit."""
    inputs = results.inputs
    p = results.points.iloc[::7]
    pts = shapely.points(p["easting"].to_numpy(float), p["northing"].to_numpy(float))
    layers = {DEFAULT_SITE_DEFINITION: inputs.sites, **inputs.definition_sites}
    assert "comparable" in layers
    for name, sites in layers.items():
        ha = sites["area_ha"].to_numpy(float)
        alone = point_distance.nearest_distances(
            pts,
            point_distance.FeatureIndex.of(np.asarray(sites.geometry.values)),
            [ha >= t.min_ha for t in surface.STRAIGHT_TIERS],
        )
        for tier, want in zip(surface.STRAIGHT_TIERS, alone, strict=True):
            got = p[surface.definition_dist_col(tier, name)].to_numpy(float)
            np.testing.assert_array_equal(got, want, err_msg=f"{name} {tier.name}")


def test_below_skips_points_whose_lower_bound_reaches_it() -> None:
    """With ``below``, a subset's answer may stop at a superset's distance (a lower
    bound) once that reaches ``below``; the nearer of ``below`` and the answer is
    always the nearer of ``below`` and the exact distance."""
    near, far = shapely.box(0, 0, 10, 10), shapely.box(100, 0, 110, 10)
    feats = point_distance.FeatureIndex.of(np.array([near, far], dtype=object))
    pts = shapely.points([(15, 5), (95, 5), (50, 5), (5, 5)])
    only_far = np.array([False, True])
    cap = np.array([20.0, 20.0, 60.0, 1.0])
    exact = point_distance.nearest_distances(pts, feats, [None, only_far])
    capped = point_distance.nearest_distances(pts, feats, [None, only_far], [None, cap])
    np.testing.assert_array_equal(capped[0], exact[0])  # no ``below``: exact
    np.testing.assert_allclose(exact[1], [85, 5, 50, 95])
    # (15,5): its superset's 5 m < 20 m, searched: 85; (95,5): the far square is its
    # nearest anyway; (50,5): 40 m < 60 m, searched: 50; (5,5) inside the near square:
    # its boundary distance (5 m) reaches 1 m, so it stays 5 m, a lower bound of 95.
    np.testing.assert_allclose(capped[1], [85, 5, 50, 5])
    np.testing.assert_array_equal(np.minimum(cap, capped[1]), np.minimum(cap, exact[1]))


def test_with_open_land_distances_equal_the_nearer_of_the_two_exact_ones(results: Any) -> None:
    """The definitions with open access land keep the nearer of a tier's park and its
    land: the land is searched only where it may be the nearer, and the result equals
    the nearer of the two exact distances (GEOS) at every point."""
    inputs = results.inputs
    land = inputs.open_land
    ha = land["public_area_ha"].to_numpy(float)
    p = results.points.iloc[::53]
    pts = shapely.points(p["easting"].to_numpy(float), p["northing"].to_numpy(float))
    geoms = np.asarray(land.geometry.values)
    name = next(n for n, d in SITE_DEFINITIONS.items() if "open_access_land" in d.kinds)
    for tier in surface.STRAIGHT_TIERS:
        q = geoms[ha >= tier.min_ha]
        _, d_land = shapely.STRtree(q).query_nearest(pts, return_distance=True, all_matches=False)
        want = np.minimum(p[tier.dist_col].to_numpy(float), d_land)
        got = p[surface.definition_dist_col(tier, name)].to_numpy(float)
        assert np.max(np.abs(got - want)) < 1e-6
