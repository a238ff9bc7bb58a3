"""Who is left out: group shares, gaps, Erreygers, suppression, life course, gardens,
the AHAH comparator, need-weighted priorities and the page.

Small cases are worked by hand in the comments; place figures are checked
against published Census 2021 figures or a second implementation.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from analysis import comparator, equity, need
from analysis.areas import area_for_place
from geo import equity as eq
from geo import inequality
from layers import greenspace
from layers.places import resolve_place

# --- Hand-computed small cases --------------------------------------------------
#
# Two LSOAs; groups a, b; one 0/1 indicator (meets a standard):
#   LSOA   a    b    meets
#   A     30   10      1
#   B     10   30      0
# share_a = 30/40 = 0.75, share_b = 10/40 = 0.25; gap = 0.5, ratio = 3.
COUNTS = np.array([[30.0, 10.0], [10.0, 30.0]])
MEETS = np.array([[1.0], [0.0]])


def test_group_shares_hand_case() -> None:
    np.testing.assert_allclose(eq.group_means(COUNTS, MEETS), [[0.75], [0.25]])


def test_missing_values_leave_the_denominator() -> None:
    # A third LSOA with no value changes nothing.
    counts = np.vstack([COUNTS, [[500.0, 500.0]]])
    values = np.vstack([MEETS, [[np.nan]]])
    np.testing.assert_allclose(eq.group_means(counts, values), [[0.75], [0.25]])


def test_gap_and_its_bootstrap_interval_hand_case() -> None:
    # Resampling two LSOAs gives AA, BB (each p = 1/4: both groups get the same
    # value, gap 0) or AB/BA (p = 1/2: gap 0.5). The 2.5th percentile is 0 and
    # the 97.5th is 0.5; the ratio is 1 (AA) or 3 (AB) and undefined for BB.
    means = eq.group_means(COUNTS, MEETS)
    samples = eq.bootstrap_means(COUNTS, MEETS, n_boot=2000, seed=1)
    g = eq.gap(means, samples, 0, 1, 0)
    assert g.difference == pytest.approx(0.5)
    assert g.ratio == pytest.approx(3.0)
    assert g.difference_ci == pytest.approx((0.0, 0.5))
    assert g.ratio_ci == pytest.approx((1.0, 3.0))


def test_bootstrap_is_seeded() -> None:
    rng = np.random.default_rng(0)
    c, v = rng.random((50, 3)) * 100, (rng.random((50, 2)) > 0.5).astype(float)
    a = eq.bootstrap_means(c, v, n_boot=1000, seed=7).means
    b = eq.bootstrap_means(c, v, n_boot=1000, seed=7).means
    np.testing.assert_array_equal(a, b)
    assert a.shape == (1000, 3, 2)


# Erreygers: four LSOAs of 100 people, IMD ranks 1..4 (most deprived first),
# indicator 0, 0, 1, 1. Ridits .125 .375 .625 .875, μ = 0.5,
# cov_w(y, r) = ¼[(−.5)(−.375) + (−.5)(−.125) + (.5)(.125) + (.5)(.375)] = 0.125,
# C = 2 · 0.125 / 0.5 = 0.5, E = 4 · μ · C = 4 · 0.5 · 0.5 = 1 (all the access
# among the less deprived half: the maximum). For 1 − y: C = −0.5/… → E = −1.
RANK = np.array([1.0, 2.0, 3.0, 4.0])
POP = np.full(4, 100.0)
BIN = np.array([0.0, 0.0, 1.0, 1.0])


def test_erreygers_hand_case() -> None:
    e = inequality.erreygers_index(BIN, RANK, POP)
    assert e["erreygers"] == pytest.approx(1.0)
    assert e["mean"] == pytest.approx(0.5)
    assert inequality.concentration_index(BIN, RANK, POP)["ci"] == pytest.approx(0.5)
    assert inequality.erreygers_index(1 - BIN, RANK, POP)["erreygers"] == pytest.approx(-1.0)


def test_erreygers_rejects_values_outside_the_bounds() -> None:
    with pytest.raises(ValueError, match="within"):
        inequality.erreygers_index(BIN * 2, RANK, POP)


def test_suppression_rule() -> None:
    assert "19 LSOAs" in str(inequality.suppression_reason(19, 10))
    assert "4 IMD deciles" in str(inequality.suppression_reason(20, 4))
    assert inequality.suppression_reason(20, 5) is None
    assert inequality.suppression_reason(20, 5, (-0.2, 0.3), (-1.0, 1.0)) is None
    assert "outside the possible range" in str(
        inequality.suppression_reason(40, 10, (-1.2, 0.3), (-1.0, 1.0))
    )
    assert "could not" in str(inequality.suppression_reason(40, 10, (np.nan, 0.3)))


# --- Real places ---------------------------------------------------------------


@pytest.fixture(scope="module")
def bradford(results: Any) -> dict[str, Any]:
    return equity.equity_profile(results, area_for_place(results, resolve_place("Bradford")))


def test_bradford_asian_share_is_census_ts021(bradford: dict[str, Any]) -> None:
    # ONS Census 2021 TS021, Bradford: 32.1% Asian, Asian British or Asian Welsh.
    share = bradford["groups"]["ethnic_group"]["groups"]["asian"]["share_of_place"]
    assert round(100 * share, 1) == 32.1
    assert bradford["method"] == "group counts spread over LSOAs in proportion"


def test_group_families_sum_to_the_place(bradford: dict[str, Any], shared_data: Path) -> None:
    people = bradford["population"]
    for family in ("age", "ethnic_group", "disability"):
        total = sum(g["count"] for g in bradford["groups"][family]["groups"].values())
        assert abs(total / people - 1) <= 0.005, family
    # Households: compared with another table's total (TS054 tenure, Bradford).
    with (shared_data / "census2021" / "wy_census2021_ts054_tenure_lsoa21.csv").open() as fh:
        hh = sum(
            int(r["total_households"])
            for r in csv.DictReader(fh)
            if r["ltla24_code"] == "E08000032"
        )
    for family in ("car", "accommodation", "household_deprivation"):
        total = sum(g["count"] for g in bradford["groups"][family]["groups"].values())
        assert abs(total / hh - 1) <= 0.005, family


def test_every_group_has_shares_exposures_and_intervals(bradford: dict[str, Any]) -> None:
    assert bradford["suppression"] is None
    assert bradford["bootstrap"]["replicates"] >= 1000
    for key, ind in bradford["indicators"].items():
        assert len(ind["by_group"]) == len(equity.GROUPS)
        for name, value in ind["by_group"].items():
            lo, hi = ind["by_group_ci"][name]
            assert lo <= value <= hi, (key, name)
        for g in ind["gaps"]:
            assert g["suppressed"] is None
            assert g["difference_ci"][0] <= g["difference"] <= g["difference_ci"][1]


def test_group_share_is_the_count_weighted_mean(results: Any, bradford: dict[str, Any]) -> None:
    """Second implementation: pandas on the LSOA table and the stored TS045 counts."""
    from layers import census

    lsoa = results.lsoa[results.lsoa["district_code"] == "E08000032"]
    cars = lsoa[["lsoa21_code", "meets_2ha_300m"]].merge(
        census.load_table("census_ts045"), on="lsoa21_code"
    )
    expect = (cars["no_car"] * cars["meets_2ha_300m"]).sum() / cars["no_car"].sum()
    assert bradford["indicators"]["meets_2ha_300m"]["by_group"]["no_car"] == pytest.approx(expect)


def _small_ward(results: Any) -> str:
    sizes = results.lsoa.groupby("ward_code").size()
    return str(sizes[sizes < inequality.MIN_UNITS].index[0])


def test_small_ward_is_suppressed_with_the_reason(results: Any) -> None:
    ward = area_for_place(results, resolve_place(_small_ward(results)))
    prof = equity.equity_profile(results, ward)
    assert "fewer than the 20" in prof["suppression"]
    for ind in prof["indicators"].values():
        for g in ind["gaps"]:
            assert "difference" not in g and g["suppressed"] == prof["suppression"]
    grad = equity.gradients(results, ward)
    assert grad["sii_meets_2ha_300m"]["value"] is None
    assert "fewer than the 20" in grad["ci_no2_ugm3"]["suppressed"]


def test_gradients_have_indicator_named_keys(results: Any) -> None:
    county = area_for_place(results, resolve_place("West Yorkshire"))
    grad = equity.gradients(results, county)
    keep = results.lsoa["population"] > 0
    s = inequality.slope_index(
        results.lsoa.loc[keep, "meets_2ha_300m"].astype(float).to_numpy(),
        results.lsoa.loc[keep, "IMD_rank"].to_numpy(float),
        results.lsoa.loc[keep, "population"].to_numpy(float),
    )
    assert grad["sii_meets_2ha_300m"]["value"] == pytest.approx(s["sii"])
    assert -1 <= grad["erreygers_meets_2ha_300m"]["value"] <= 1
    assert grad["rii_no2_ugm3"]["suppressed"] is None


def test_play_distance_matches_geopandas_nearest(results: Any) -> None:
    """Second implementation: geopandas.sjoin_nearest on the public play spaces."""
    g = greenspace.load_greenspace()
    play = g[(g["typology"] == "play_space") & g["public_access"].astype(bool)][["geometry"]]
    pts = gpd.GeoDataFrame(
        geometry=shapely.points(results.lsoa["pwc_x"], results.lsoa["pwc_y"]), crs=g.crs
    )
    joined = gpd.sjoin_nearest(pts, play, distance_col="d").groupby(level=0)["d"].min()
    np.testing.assert_allclose(
        equity.play_distance(results), joined.sort_index().to_numpy(), atol=1e-6
    )


def test_life_course_children_share_by_hand(results: Any) -> None:
    area = area_for_place(results, resolve_place("Calderdale"))
    lc = equity.life_course(results, area)
    inside = results.lsoa["district_code"] == "E08000033"
    kids = results.lsoa.loc[inside, "age_0_15"].to_numpy(float)
    near = equity.play_distance(results)[inside.to_numpy()] <= 400
    assert lc["children"]["share_meeting"] == pytest.approx(kids[near].sum() / kids.sum())
    old = results.lsoa.loc[inside, "age_65_plus"].to_numpy(float)
    no2 = results.lsoa.loc[inside, "no2_ugm3"].to_numpy(float)
    assert lc["older_people"]["no2_ugm3"] == pytest.approx((old * no2).sum() / old.sum())


def test_gardens_and_parks_by_hand(results: Any, shared_data: Path) -> None:
    t = need.gardens_table(results)
    row = results.lsoa[~results.lsoa["meets_2ha_300m"].astype(bool)].iloc[0]
    with (shared_data / "context" / "wy_ons_private_outdoor_space_2020_msoa11.csv").open() as fh:
        raw = {r["msoa21_code_if_unchanged"]: r for r in csv.DictReader(fh)}
    garden = float(raw[row["msoa21_code"]]["total_pct_with_pos"])
    got = t.set_index("lsoa21_code").loc[row["lsoa21_code"], "people_without_garden_or_local"]
    assert got == pytest.approx(row["population"] * (1 - garden))
    county = need.gardens_and_parks(
        results, area_for_place(results, resolve_place("West Yorkshire"))
    )
    assert county["local"]["people_without_garden_or_park"] == pytest.approx(
        t["people_without_garden_or_local"].sum()
    )
    assert "independent within an MSOA" in county["method"]


def test_spearman_against_the_hand_formula(results: Any) -> None:
    out = comparator.ahah_comparison(results)
    t = comparator.ahah_ranks(results)
    ra = t["hpi_score"].rank().to_numpy()
    rb = t["ahah_score"].rank().to_numpy()
    n = len(t)
    # With no (or few) ties, ρ = 1 − 6 Σ d² / (n (n² − 1)); in general, Pearson's r of the ranks.
    assert out["spearman_rho"] == pytest.approx(np.corrcoef(ra, rb)[0, 1])
    if len(np.unique(ra)) == n and len(np.unique(rb)) == n:
        assert out["spearman_rho"] == pytest.approx(
            1 - 6 * np.sum((ra - rb) ** 2) / (n * (n**2 - 1))
        )
    worst = out["disagree_most"][0]
    assert abs(worst["rank_difference"]) == pytest.approx(t["rank_difference"].abs().max())
    assert "retail" in out["why"]


def test_need_weights_normalise_and_drive_the_ranking(results: Any) -> None:
    w = need.NeedWeights(children=2, no_car=0, flats_without_garden=0, imd=2, samhi=0)
    assert w.normalised() == {
        "children": 0.5,
        "no_car": 0.0,
        "flats_without_garden": 0.0,
        "imd": 0.5,
        "samhi": 0.0,
    }
    with pytest.raises(ValueError):
        need.NeedWeights(children=-1).normalised()
    table = need.priorities(results, "2ha_300m", need.NeedWeights(0, 0, 0, 1, 0))
    imd_rank = results.lsoa.set_index("lsoa21_code")["IMD_score"].rank(pct=True)
    np.testing.assert_allclose(table["need"], imd_rank.loc[table["lsoa21_code"]].to_numpy())
    assert (np.diff(table["priority"].to_numpy()) <= 0).all()
    pop = results.lsoa.set_index("lsoa21_code")
    top = table.iloc[0]
    lacks = 1 - float(pop.loc[top["lsoa21_code"], "meets_2ha_300m"])
    assert top["people_without"] == pytest.approx(pop.loc[top["lsoa21_code"], "population"] * lacks)
    with pytest.raises(ValueError, match="Unknown standard"):
        need.priorities(results, "3ha_1m")


def test_lsoa_group_shares_for_exports(results: Any) -> None:
    shares = equity.lsoa_group_shares(results)
    fam = shares[[f"share_{g}" for g in ("asian", "black", "mixed", "white", "other")]].sum(axis=1)
    np.testing.assert_allclose(fam, 1.0)
    assert isinstance(shares, pd.DataFrame) and len(shares) == 1404


# --- The page -------------------------------------------------------------------


def _page() -> None:
    from app_pages.left_out import render

    render()


def test_left_out_page_renders(results: Any) -> None:
    at = AppTest.from_function(_page, default_timeout=180)
    at.session_state["place_code"] = "E08000032"
    at.run()
    assert not at.exception
    assert "Bradford" in at.title[0].value
    assert len(at.dataframe) >= 2
    assert any("play space" in m.label for m in at.metric)


def test_left_out_page_shows_the_suppression_message(results: Any) -> None:
    at = AppTest.from_function(_page, default_timeout=180)
    at.session_state["place_code"] = _small_ward(results)
    at.run()
    assert not at.exception
    assert any("Suppressed" in i.value for i in at.info)


def test_old_gradient_keys_are_aliases_of_the_indicator_named_ones(results: Any) -> None:
    for code in ("West Yorkshire", _small_ward(results)):
        grad = equity.gradients(results, area_for_place(results, resolve_place(code)))
        assert grad["sii"] == grad["sii_meets_2ha_300m"]
        assert grad["rii"] == grad["rii_meets_2ha_300m"]
        assert grad["concentration_index"] == grad["ci_meets_2ha_300m"]
        assert grad["aliases"]["sii"] == "sii_meets_2ha_300m"


def test_air_figures_name_the_year_of_the_results(results: Any, bradford: dict[str, Any]) -> None:
    from analysis import air_years

    year = air_years.selected_year()
    lsoa = results.lsoa
    # The unsuffixed NO₂ column the groups are weighted over is that year's.
    np.testing.assert_allclose(lsoa["no2_ugm3"], lsoa[f"no2_ugm3_{year}"])
    assert bradford["air_year"] == year
    assert bradford["indicators"]["no2_ugm3"]["label"].endswith(str(year))
    assert f"DEFRA PCM {year}" in bradford["sources"]
