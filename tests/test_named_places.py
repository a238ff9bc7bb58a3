"""Named places against published figures: site areas and access status, with tolerances.

Each published area is cited in a comment (1 acre = 0.404686 ha). Where OSM maps
only part of what a council publishes, the test pins the OSM-mapped extent and
says what is missing, so a change in the merge rules or the data shows up here.
``green_sites`` is checked against a fresh build in tests/test_sites.py.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from layers.bundle import read_table

ACRE_HA = 0.404686


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    return read_table("green_sites")


def _site(sites: gpd.GeoDataFrame, name: str) -> pd.Series:
    hits = sites[sites["name"] == name]
    assert len(hits) >= 1, name
    return hits.sort_values("area_ha", ascending=False).iloc[0]


def _area(sites: gpd.GeoDataFrame, name: str) -> float:
    return float(_site(sites, name)["area_ha"])


def test_roundhay_park(sites: gpd.GeoDataFrame) -> None:
    # Published: "more than 700 acres (2.8 km²) of parkland, lakes, woodland and gardens"
    # (Leeds City Council, quoted by Wikipedia "Roundhay Park"): about 283 ha.
    # OSM maps the park polygon (relation/8444263) as 60.7 ha; with the wood overlapping
    # it the site is 89.9 ha. The rest of the 283 ha is mapped separately and only
    # touches the park, so it is not merged: Soldiers' Field (41.6 ha), Roundhay Golf
    # Club (23.3 ha, restricted) and the Waterloo (33 acres) and Upper lakes (water,
    # not a green layer). Issue 8 had 126 ha only because grass bridged neighbours.
    site = _site(sites, "Roundhay Park")
    assert site["access_status"] == "public"
    assert site["formal"]
    assert site["area_ha"] == pytest.approx(89.9, abs=5.0)
    touching = (
        _area(sites, "Soldiers' Field") + _area(sites, "Roundhay Golf Club") + site["area_ha"]
    )
    lakes_ha = 33 * ACRE_HA + 3.0  # Waterloo Lake, plus about 3 ha for the Upper Lake
    assert 0.5 * 700 * ACRE_HA < touching + lakes_ha < 700 * ACRE_HA


def test_temple_newsam(sites: gpd.GeoDataFrame) -> None:
    # Published: "over 1500 acres of parkland, woodland and farmland" (Leeds City
    # Council, leeds.gov.uk/templenewsam): about 607 ha, including the golf courses
    # and Home Farm. OSM maps the estate (way/686627108, 476 ha), which holds the golf
    # course (way/155347166, 98.7 ha, restricted): the site is 482 ha, 79% of the
    # published estate (Home Farm's fields are not mapped as green space), and its
    # public part, less the golf course, about 374 ha. Issue 8 reached 545 ha only
    # through grass linking it to Halton Recreation Ground and Whitkirk Fields.
    site = _site(sites, "Temple Newsam Estate")
    assert site["access_status"] == "public"
    assert 0.75 * 1500 * ACRE_HA < site["area_ha"] < 1500 * ACRE_HA
    assert site["public_area_ha"] == pytest.approx(site["area_ha"] - 98.7, abs=15)
    assert site["area_ha"] < 545


def test_lister_park(sites: gpd.GeoDataFrame) -> None:
    # Published: 22.25 ha (Bradford Parks Service, via Wikipedia "Lister Park").
    site = _site(sites, "Lister Park")
    assert site["access_status"] == "public"
    assert site["area_ha"] == pytest.approx(22.25, rel=0.05)


def test_greenhead_park(sites: gpd.GeoDataFrame) -> None:
    # Published: about 13.5 ha: the 30 acres bought from the Ramsden Estate in 1881
    # (12.1 ha) plus the inter-war bowling greens and tennis courts (Friends of
    # Greenhead Park, "Park history"; Historic England register, grade II).
    site = _site(sites, "Greenhead Park")
    assert site["access_status"] == "public"
    assert site["area_ha"] == pytest.approx(13.5, rel=0.10)


def test_shibden_park(sites: gpd.GeoDataFrame) -> None:
    # Published: "36 hectares, 90 acres, (now 31 h, 76 acres)" (Calderdale Council's
    # history of Shibden Park); the Historic England register entry gives a 25 ha site.
    # The park (way/36913964) and the nature reserve of the same name (way/910161905)
    # are one site.
    site = _site(sites, "Shibden Park")
    assert site["access_status"] == "public"
    assert site["area_ha"] == pytest.approx(31.0, rel=0.10)
    assert site["natural"] and site["formal"]


def test_middleton_park(sites: gpd.GeoDataFrame) -> None:
    # Published: "Of its 630 acres, 200 are ancient woodland" (Leeds City Council via
    # yorkshire.com; Yorkshire Post, 2008): 255 ha, including South Leeds Golf Club.
    # OSM maps the park (way/440614497) as 148 ha and the golf course (50 ha,
    # restricted) separately: together 78% of the published figure.
    site = _site(sites, "Middleton Park")
    assert site["access_status"] == "public"
    assert site["natural"]  # 200 of 630 acres ancient woodland, and the reserve inside
    golf = _area(sites, "South Leeds Golf Club")
    assert 0.75 * 630 * ACRE_HA < site["area_ha"] + golf <= 630 * ACRE_HA


@pytest.mark.parametrize("name", ["Harewood Park", "Bramham Park"])
def test_paid_entry_estates_are_not_public(sites: gpd.GeoDataFrame, name: str) -> None:
    # Harewood House Trust sells tickets for the house and gardens (harewood.org);
    # Bramham Park is a private residence whose park opens on weekdays by appointment
    # for a fee (sources in geo.access_status.PAID_ESTATES). Issue 8 counted 481 ha and
    # 290 ha of them as public. Published areas differ by what they include (Harewood's
    # landscape "spans 1,000 acres"; Bramham's park about 500 acres plus farmland), so
    # this checks status only.
    for _, site in sites[sites["name"] == name].iterrows():
        assert site["access_status"] == "restricted"
        assert not (site["all_accessible"] or site["natural"] or site["formal"])
        assert site["public_area_ha"] < 1.0


def test_no_park_tier_site_is_larger_than_the_largest_real_park(sites: gpd.GeoDataFrame) -> None:
    # The largest park in the county is Temple Newsam, about 607 ha (1500 acres, above).
    # Anything larger must be open access land, reported separately.
    parks = sites[(sites["site_kind"] == "park") & sites["all_accessible"]]
    assert parks["area_ha"].max() <= 1500 * ACRE_HA
    oal = sites[sites["site_kind"] == "open_access_land"]
    assert oal["area_ha"].max() > 1500 * ACRE_HA


@pytest.mark.xfail(
    strict=True,
    reason="OSM's Bretton Country Park polygon (way/184627155, 528 ha) is 2.6 times the "
    "published 500-acre estate; it is the largest park-kind site until that is resolved",
)
def test_bretton_country_park(sites: gpd.GeoDataFrame) -> None:
    # Published: "500 acres of fields, hills, woodland, lakes and formal gardens"
    # (Yorkshire Sculpture Park, ysp.org.uk "Heritage"): about 202 ha.
    assert _area(sites, "Bretton Country Park") == pytest.approx(500 * ACRE_HA, rel=0.25)
