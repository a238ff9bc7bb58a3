"""The county pipeline on the real bundle: totals, definitions and the profile contract."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from analysis import areas, new_park, profiles
from geo import standards
from healthyplaces.cli import main
from layers import places
from layers.places import resolve_place

COUNTY_POPULATION = 2_351_573  # Census 2021 usual residents, West Yorkshire (ONS)

PROFILE_KEYS = {
    "population",
    "imd_score_pop_weighted",
    "lsoa_share_most_deprived_decile",
    "no2_pop_weighted_ugm3",
    "pop_share_no2_above_who",
    "pm25_pop_weighted_ugm3",
    "pop_share_pm25_above_who",
    "accessible_green_ha_per_1000",
    "access_straight",
    "access_network",
    "blue_within_300m_share",
    "habitat_shannon",
    "double_burden_population",
    "sii",
    "rii",
}


def test_district_populations_sum_their_lsoas_and_the_county(results) -> None:
    total = 0
    for code in places.DISTRICTS:
        prof = profiles.profile(results, areas.area_for_place(results, resolve_place(code)))
        lsoas = results.lsoa.loc[results.lsoa["district_code"] == code, "population"].sum()
        assert prof["population"] == lsoas
        total += prof["population"]
    county = profiles.profile(
        results, areas.area_for_place(results, resolve_place("West Yorkshire"))
    )
    assert total == county["population"] == COUNTY_POPULATION


def test_profile_json_contract_for_bradford(capsys) -> None:
    assert main(["profile", "Bradford", "--json"]) == 0
    prof = json.loads(capsys.readouterr().out)
    assert prof.keys() >= PROFILE_KEYS
    assert prof["population"] == 546_373  # Census 2021, Bradford LSOAs
    tiers = [t.name for t in standards.ACCESS_TIERS]
    assert list(prof["access_straight"]) == tiers and list(prof["access_network"]) == tiers
    # Bradford is outside the complete offline network: no network numbers at all.
    assert all(v is None for v in prof["access_network"].values())
    for key in (
        "lsoa_share_most_deprived_decile",
        "pop_share_no2_above_who",
        "pop_share_pm25_above_who",
        "blue_within_300m_share",
    ):
        assert 0.0 <= prof[key] <= 1.0
    assert all(0.0 <= v <= 1.0 for v in prof["access_straight"].values())
    for key in ("sii", "rii"):
        assert prof[key]["ci_low"] <= prof[key]["value"] <= prof[key]["ci_high"]
    # PCM 2019 NO2 in Bradford is in the range of an urban background (µg/m³).
    assert 5 < prof["no2_pop_weighted_ugm3"] < 40


def test_lsoa_share_most_deprived_decile_counts_lsoas(results) -> None:
    area = areas.area_for_place(results, resolve_place("Bradford"))
    prof = profiles.profile(results, area)
    t = results.lsoa[results.lsoa["district_code"] == "E08000032"]
    assert prof["lsoa_share_most_deprived_decile"] == pytest.approx((t["IMD_decile"] == 1).mean())


def test_central_leeds_ward_has_network_results(results) -> None:
    # Hunslet & Riverside lies inside the 6.5 km circle: network results for the short tiers.
    ward = resolve_place("Hunslet & Riverside")
    prof = profiles.profile(results, areas.area_for_place(results, ward))
    assert prof["access_network"]["2ha_300m"] is not None
    assert prof["access_network_coverage"]["2ha_300m"] > 0.9
    # A walk is never shorter than the straight line.
    assert prof["detour_ratio_median"]["2ha_300m"] >= 1.0


def test_network_never_shorter_than_straight_line_less_access_tolerance(results) -> None:
    # A walk ends at an access node up to 30 m from the site boundary, so it can be at most
    # 30 m shorter than the straight line to the boundary, never more. Checked where
    # both are measured: at each point of the population surface.
    p = results.points
    tol = standards.ACCESS_NODE_DISTANCE_M
    for tier in standards.ACCESS_TIERS:
        net = p[f"net_dist_{tier.name}"].to_numpy(float)
        ok = np.isfinite(net)
        assert ok.sum() > 0 or tier.distance_m >= 5_000
        assert (net[ok] >= p[f"dist_{tier.name}_m"].to_numpy(float)[ok] - tol - 1e-6).all()


def test_double_burden_follows_its_definition(results) -> None:
    # A resident bears the double burden where their LSOA is in IMD deciles 1-2, their
    # point lacks a 2 ha site within 300 m and their PCM cell's NO2 is above the county's
    # population-weighted median; an LSOA's value is the share of its residents who do.
    t, p = results.lsoa, results.points
    burden = (
        (p["IMD_decile"] <= 2)
        & (p["dist_2ha_300m_m"] > 300.0)
        & (p["no2_ugm3"] > results.no2_county_median)
    )
    people = p["people"].where(burden, 0).groupby(p["group"]).sum()
    expected = people.reindex(range(len(t)), fill_value=0) / t["population"]
    np.testing.assert_allclose(t["double_burden"], expected, rtol=1e-12)
    assert burden.any()
    county = profiles.profile(results, areas.area_for_place(results, resolve_place("E47000003")))
    assert county["double_burden_population"] == int(p.loc[burden, "people"].sum())


def test_polygon_of_one_lsoa_counts_the_people_inside(results) -> None:
    row = results.lsoa.iloc[100]
    polygon = row.geometry.buffer(-1.0)
    area = areas.area_for_polygon(results, polygon, name="one LSOA")
    # The people are those of the surface points inside, counted here independently.
    p = results.points
    inside = shapely.contains_xy(polygon, p["easting"], p["northing"])
    assert area.weights.sum() == p.loc[inside, "people"].sum()
    # Almost all are that LSOA's own residents (a few postcodes lie over its edge).
    assert area.weights[100] == pytest.approx(row["population"], rel=0.05)
    assert area.weights[100] / area.weights.sum() > 0.95
    prof = profiles.profile(results, area)
    assert prof["no2_pop_weighted_ugm3"] == pytest.approx(row["no2_ugm3"], rel=0.02)
    assert prof["method"].startswith("residents counted where they live")


def test_polygon_beyond_the_air_grid_reports_partial_coverage(results) -> None:
    # The PCM window's west edge is x = 388,000 m; a box straddling it is half covered.
    box = shapely.box(387_000, 430_000, 389_000, 431_000)
    area = areas.area_for_polygon(results, box)
    prof = profiles.profile(results, area)
    assert prof["air_coverage"]["no2"] == pytest.approx(0.5)
    assert any("NO₂ data cover 50%" in n for n in prof["notes"])


def test_place_table_matches_the_per_place_profile(results) -> None:
    table = profiles.place_table(results).set_index("code")
    assert (table["level"] == "ward").sum() == 124
    assert table.loc["E47000003", "population"] == COUNTY_POPULATION
    for code in ("E08000035", "E05001341"):
        prof = profiles.profile(results, areas.area_for_place(results, resolve_place(code)))
        row = table.loc[code]
        assert row["population"] == prof["population"]
        assert row["no2_ugm3"] == pytest.approx(prof["no2_pop_weighted_ugm3"])
        assert row["meets_2ha_300m"] == pytest.approx(prof["access_straight"]["2ha_300m"])


def test_group_weighted_by_hand() -> None:
    import pandas as pd

    from geo.aggregate import group_weighted

    t = pd.DataFrame(
        {
            "g": ["a", "a", "b"],
            "pop": [100.0, 300.0, 50.0],
            "x": [1.0, 3.0, np.nan],
            "ok": pd.array([True, pd.NA, False], dtype="boolean"),
        }
    )
    out = group_weighted(t, "g", "pop", ["x"], ["ok"])
    # a: x = (100×1 + 300×3) / 400 = 2.5; ok known for 100 of 400 people, all yes.
    assert out.loc["a", "x"] == pytest.approx(2.5)
    assert out.loc["a", "ok"] == 1.0 and out.loc["a", "ok_coverage"] == pytest.approx(0.25)
    assert np.isnan(out.loc["b", "x"]) and out.loc["b", "ok"] == 0.0


def test_concentration_index_has_its_interval(results) -> None:
    prof = profiles.profile(results, areas.area_for_place(results, resolve_place("Leeds")))
    ci = prof["concentration_index"]
    assert ci["ci_low"] <= ci["value"] <= ci["ci_high"]


def test_scenario_outside_the_network_area_has_no_network_gain(results) -> None:
    # A 3 ha park in Bradford city centre is far outside the complete central-Leeds network.
    row = results.lsoa.loc[results.lsoa["district_code"] == "E08000032"].iloc[0]
    x, y = row["pwc_x"], row["pwc_y"]
    out = new_park.add_park(results, shapely.box(x + 150, y - 86.6, x + 323.2, y + 86.6))
    assert all(v is None for v in out["gain_network"].values())
    # ...while one in central Leeds has network gains for the short tiers.
    inside = results.lsoa.loc[results.lsoa["net_available_2ha_300m"]].iloc[0]
    x, y = inside["pwc_x"], inside["pwc_y"]
    out = new_park.add_park(results, shapely.box(x + 50, y - 86.6, x + 223.2, y + 86.6))
    assert out["gain_network"]["2ha_300m"] is not None and out["gain_network"]["2ha_300m"] >= 0
    assert out["gain_network"]["500ha_10km"] is None


def test_deciles_cross_tabulate_every_indicator(results, capsys) -> None:
    assert main(["deciles", "West Yorkshire", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["by_imd_decile"]
    assert [r["decile"] for r in rows] == list(range(1, 11))
    assert sum(r["population"] for r in rows) == COUNTY_POPULATION
    t = results.lsoa
    # Decile 1's NO2 is the population-weighted mean over decile-1 LSOAs, computed by hand here.
    d1 = t[t["IMD_decile"] == 1]
    expected = (d1["no2_ugm3"] * d1["population"]).sum() / d1["population"].sum()
    assert rows[0]["no2_ugm3"] == pytest.approx(expected)
    assert rows[0]["double_burden"] > 0 and rows[9]["double_burden"] == 0
