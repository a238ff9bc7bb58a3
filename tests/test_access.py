"""Straight-line access, site merging and scenarios: hand-checkable cases and real data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import new_site as scen
from geo import proximity
from geo.sites import merge_sites
from geo.standards import ACCESS_TIERS, AccessTier

TIER_2HA = AccessTier("2ha_300m", 2.0, 300.0)


def _square(x0: float, y0: float, side: float) -> shapely.Polygon:
    return shapely.box(x0, y0, x0 + side, y0 + side)


def _sites(*polys: shapely.Geometry) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"typology": ["parks_gardens"] * len(polys), "name": [f"p{i}" for i in range(len(polys))]},
        geometry=list(polys),
        crs="EPSG:27700",
    )


def test_site_exactly_at_threshold_meets_the_tier() -> None:
    # A 200 m × 100 m = 2.0 ha park whose west edge is exactly 300 m east of the origin.
    site = shapely.box(300.0, -50.0, 500.0, 50.0)
    out = proximity.tier_access(
        np.array([shapely.Point(0, 0)]), np.array([site]), np.array([2.0]), [TIER_2HA]
    )
    assert out.loc[0, "dist_2ha_300m_m"] == 300.0
    assert bool(out.loc[0, "meets_2ha_300m"])
    # One centimetre further and it fails.
    far = shapely.box(300.01, -50.0, 500.01, 50.0)
    out = proximity.tier_access(
        np.array([shapely.Point(0, 0)]), np.array([far]), np.array([2.0]), [TIER_2HA]
    )
    assert not bool(out.loc[0, "meets_2ha_300m"])


def test_too_small_site_does_not_count_until_touching_polygons_merge() -> None:
    # 1.9 ha (190 m × 100 m) touching a 0.2 ha lawn (20 m × 100 m) along x = 490.
    big = shapely.box(300.0, -50.0, 490.0, 50.0)
    lawn = shapely.box(490.0, -50.0, 510.0, 50.0)
    origin = np.array([shapely.Point(0, 0)])
    unmerged = proximity.tier_access(
        origin, np.array([big, lawn]), np.array([1.9, 0.2]), [TIER_2HA]
    )
    assert not bool(unmerged.loc[0, "meets_2ha_300m"])
    sites = merge_sites(_sites(big, lawn))
    assert len(sites) == 1
    assert sites.loc[0, "area_ha"] == pytest.approx(2.1)
    merged = proximity.tier_access(
        origin, np.asarray(sites.geometry.values), sites["area_ha"].to_numpy(), [TIER_2HA]
    )
    assert bool(merged.loc[0, "meets_2ha_300m"])


def test_merge_sites_joins_corner_touching_and_overlaps_but_not_gaps() -> None:
    a = _square(0, 0, 100)  # 1 ha
    b = _square(100, 100, 100)  # touches a only at the corner (100, 100)
    c = _square(50, 50, 100)  # overlaps a and b: union of a, b, c
    d = _square(1000, 0, 100)  # 1 m … far away
    e = _square(1101, 0, 100)  # a 1 m gap from d: stays separate
    sites = merge_sites(_sites(a, b, d, e))
    assert sorted(sites["n_features"]) == [1, 1, 2]
    sites = merge_sites(_sites(a, b, c))
    assert len(sites) == 1
    # 3 ha minus the two 50 m × 50 m overlaps counted once: 30,000 − 2 × 2,500 = 25,000 m².
    assert sites.loc[0, "area_ha"] == pytest.approx(2.5)


def test_origin_inside_a_site_has_distance_zero() -> None:
    site = _square(-100, -100, 200)
    d = proximity.nearest_distance(np.array([shapely.Point(0, 0)]), np.array([site]))
    assert d[0] == 0.0


def test_scenario_update_equals_full_recompute_on_real_sites(results) -> None:
    lsoa = results.lsoa
    sites = results.inputs.sites
    pts = shapely.points(lsoa["pwc_x"], lsoa["pwc_y"])
    # The centroids' own distances (the LSOA table's are now surface medians).
    before = proximity.tier_access(
        np.asarray(pts), np.asarray(sites.geometry.values), sites["area_ha"].to_numpy()
    )
    # A 3 ha square 150 m east of a centroid that lacks a 2 ha site within 300 m.
    lacking = before.index[~before["meets_2ha_300m"]][0]
    x, y = lsoa.loc[lacking, ["pwc_x", "pwc_y"]]
    park = shapely.box(x + 150, y - 86.6, x + 323.2, y + 86.6)  # 173.2 m square ≈ 3.0 ha
    site = scen.add_site(np.asarray(sites.geometry.values), park)
    after = scen.straight_line_update(np.asarray(pts), before, site)
    # Full recompute: the merged site replaces the ones it absorbed.
    keep = np.setdiff1d(np.arange(len(sites)), site.absorbed)
    geoms = np.r_[np.asarray(sites.geometry.values)[keep], [site.geometry]]
    ha = np.r_[sites["area_ha"].to_numpy()[keep], [site.area_ha]]
    full = proximity.tier_access(np.asarray(pts), geoms, ha)
    for t in ACCESS_TIERS:
        np.testing.assert_allclose(after[f"dist_{t.name}_m"], full[f"dist_{t.name}_m"], atol=1e-9)
        assert (after[f"meets_{t.name}"] == full[f"meets_{t.name}"]).all()
    assert bool(after.loc[lacking, "meets_2ha_300m"])


def test_engine_scenario_gain_is_the_population_that_gains(results) -> None:
    from analysis import new_park

    lsoa, p = results.lsoa, results.points
    lacking = lsoa.index[lsoa["meets_2ha_300m"] == 0][0]
    x, y = lsoa.loc[lacking, ["pwc_x", "pwc_y"]]
    park = shapely.box(x + 150, y - 86.6, x + 323.2, y + 86.6)
    out = new_park.add_park(results, park)
    assert out["new_site_ha"] == pytest.approx(3.0, rel=1e-3)
    # The gain is the people of the points now within 300 m of the new site that were not
    # within 300 m of a 2 ha site before (the park touches no site, so it is 3 ha alone).
    assert out["absorbed_sites"] == 0
    pts = shapely.points(p["easting"], p["northing"])
    newly = shapely.dwithin(pts, park, 300.0) & (p["dist_2ha_300m_m"].to_numpy() > 300.0)
    assert out["gain_straight"]["2ha_300m"] == int(p.loc[newly, "people"].sum()) > 0
    assert out["gain_straight"]["2ha_300m"] == out["lsoas"]["gained_people_2ha_300m"].sum()
    assert sum(out["gain_by_imd_decile"]["2ha_300m"].values()) == out["gain_straight"]["2ha_300m"]
    assert all(v is None or v >= 0 for v in out["gain_network"].values())


def test_sites_beyond_the_county_edge_are_kept_and_count(results) -> None:
    from layers.bundle import read_table

    county = read_table("county").geometry.iloc[0]
    sites = results.inputs.sites
    geoms = np.asarray(sites.geometry.values)
    outside = ~shapely.intersects(geoms, county)
    assert outside.sum() > 0  # the OSM extract reaches past the boundary and nothing clips it
    sample = results.points.iloc[::20]  # every 20th surface point (the full run is slow here)
    pts = shapely.points(sample["easting"], sample["northing"])
    ha = sites["area_ha"].to_numpy()
    nearer_outside = 0
    for tier in ACCESS_TIERS:
        ok = ha >= tier.min_ha
        d_in = proximity.nearest_distance(np.asarray(pts), geoms[ok & ~outside])
        d_out = proximity.nearest_distance(np.asarray(pts), geoms[ok & outside])
        nearer_outside += int((d_out < d_in).sum())
        np.testing.assert_allclose(
            sample[f"dist_{tier.name}_m"], np.minimum(d_in, d_out), atol=1e-9
        )
    assert nearer_outside > 0
