"""Green sites on the map by access status, their member popups, and data completeness on screen.

Real bundle data: the sites of Roundhay ward (Leeds) and their members, read here
independently of the map code; hostile names from a monkeypatched copy of real rows;
the completeness expander of the place profile (AppTest) for Kirklees, whose
``natural=wood`` is missing from the OSM extract (0.04 ha/km² against 4.9 to 9.0
in Bradford, Calderdale and Leeds).
"""

from __future__ import annotations

import json
import re
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from healthyplaces import maps
from healthyplaces.maps.sites import POPUP_MEMBERS
from layers.greenspace import load_green_site_members, load_green_sites
from layers.places import load_boundaries, place_index

KIRKLEES = "E08000034"
LEEDS = "E08000035"
#: Colour-blind-safe status colours (Paul Tol "bright", 2021): public green,
#: restricted yellow, private purple, unknown grey.
PUBLIC, RESTRICTED = "#228833", "#CCBB44"


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    return load_green_sites()


@pytest.fixture(scope="module")
def members() -> pd.DataFrame:
    return load_green_site_members()


@pytest.fixture(scope="module")
def roundhay(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    wards = load_boundaries("ward")
    ward = wards[wards["name"] == "Roundhay"]
    assert len(ward) == 1
    return maps.in_view(sites, ward.total_bounds)


def _layer(m: folium.Map) -> folium.GeoJson:
    return next(
        c
        for fg in m._children.values()
        for c in getattr(fg, "_children", {}).values()
        if isinstance(c, folium.GeoJson)
    )


def _draw(sites: gpd.GeoDataFrame, members: pd.DataFrame) -> tuple[folium.Map, folium.GeoJson]:
    m = maps.base_map(sites.total_bounds)
    maps.add_sites_by_access(m, sites, members, tolerance_m=8.0)
    return maps.finish(m), _layer(m)


def _styles(html: str) -> dict[int | str, dict[str, Any]]:
    """The rendered styler's ``feature.id -> style`` cases (and ``default``)."""
    body = html[html.index("_styler(feature)") :]
    body = body[: body.index("\n        }\n")]
    out: dict[int | str, dict[str, Any]] = {}
    for cases, style in re.findall(r"((?:case \d+:\s*)+)return (\{.*?\});", body):
        for i in re.findall(r"\d+", cases):
            out[int(i)] = json.loads(style)
    default = re.search(r"default:\s*return (\{.*?\});", body)
    if default:
        out["default"] = json.loads(default.group(1))
    return out


def _feature(layer: folium.GeoJson, name: str) -> dict[str, Any]:
    hits = [f for f in layer.data["features"] if f["properties"]["n"] == name]
    assert len(hits) == 1, name
    feature: dict[str, Any] = hits[0]
    return feature


def test_roundhay_sites_have_their_status_colour(
    roundhay: gpd.GeoDataFrame, members: pd.DataFrame
) -> None:
    # Read independently: Roundhay Park is a public park (leisure=park, Leeds City
    # Council); Leeds Golf Club and Roundhay Golf Club are golf courses (members and
    # green fees), so restricted.
    status = roundhay.set_index("name")["access_status"]
    assert status["Roundhay Park"] == "public"
    assert status["Leeds Golf Club"] == "restricted"
    assert status["Roundhay Golf Club"] == "restricted"
    m, layer = _draw(roundhay, members)
    html = m.get_root().render()
    styles = _styles(html)
    for name, colour in [
        ("Roundhay Park", PUBLIC),
        ("Leeds Golf Club", RESTRICTED),
        ("Roundhay Golf Club", RESTRICTED),
        ("Soldiers&#x27; Field", PUBLIC),  # the name is HTML-escaped
    ]:
        fid = _feature(layer, name)["id"]
        style = styles.get(fid, styles.get("default"))
        assert style is not None and style["fillColor"] == colour, (name, style)
    assert "Green space sites by access status" in html
    assert len(layer.data["features"]) == len(roundhay)  # every site in view is drawn


def test_popup_lists_the_real_members_largest_first(
    roundhay: gpd.GeoDataFrame, members: pd.DataFrame
) -> None:
    _, layer = _draw(roundhay, members)
    site_id = roundhay.loc[roundhay["name"] == "Roundhay Park", "site_id"].iloc[0]
    real = members[members["site_id"] == site_id].sort_values("area_ha", ascending=False)
    props = _feature(layer, "Roundhay Park")["properties"]
    assert props["c"] == len(real) == 14  # every member is listed (under the cap of 15)
    assert len(props["m"]) == len(real)
    assert [row[2] for row in props["m"]] == real["area_ha"].round(2).tolist()
    details: Any = getattr(layer._children[next(iter(layer._children))], "tables")  # noqa: B009
    listed = [
        (name, details["tag"][tag], details["status_key"][st], details["reason"][r])
        for name, tag, _, st, r in props["m"]
    ]
    assert listed[0] == ("Roundhay Park", "leisure=park", "public", "type:park")
    assert (
        "Roundhay Park Cricket Field",
        "leisure=pitch",
        "restricted",
        "type:pitch without open access",
    ) in listed


def test_popup_of_a_large_site_stops_at_fifteen_and_counts_the_rest(
    sites: gpd.GeoDataFrame, members: pd.DataFrame
) -> None:
    estate = sites[sites["name"] == "Temple Newsam Estate"]
    n = int((members["site_id"] == estate["site_id"].iloc[0]).sum())
    assert n > POPUP_MEMBERS
    _, layer = _draw(estate, members)
    props = layer.data["features"][0]["properties"]
    assert len(props["m"]) == POPUP_MEMBERS
    assert props["c"] == n  # the popup says "and c - 15 more"
    areas = [row[2] for row in props["m"]]
    assert areas == sorted(areas, reverse=True)


def test_unnamed_site_is_described_by_its_largest_member(
    sites: gpd.GeoDataFrame, members: pd.DataFrame
) -> None:
    one = sites[sites["site_id"] == "G00001"]  # unnamed recreation ground, 3 members
    assert one["name"].isna().all()
    _, layer = _draw(one, members)
    props = layer.data["features"][0]["properties"]
    tables: Any = getattr(layer._children[next(iter(layer._children))], "tables")  # noqa: B009
    assert props["n"] == ""
    assert tables["tag"][props["m"][0][1]] == "landuse=recreation_ground"  # 1.63 of 1.72 ha
    html = layer.get_root().render()
    assert "Unnamed site (largest member: " in html


def test_open_access_land_has_a_dashed_outline_and_its_own_label(
    sites: gpd.GeoDataFrame, members: pd.DataFrame
) -> None:
    moor = sites[sites["site_kind"] == "open_access_land"].nlargest(1, "area_ha")
    m, layer = _draw(moor, members)
    html = m.get_root().render()
    style = next(iter(_styles(html).values()))
    assert "dashArray" in style
    assert layer.data["features"][0]["properties"]["o"] == 1
    assert "open access land" in html.lower()


def test_hostile_names_are_escaped(roundhay: gpd.GeoDataFrame, members: pd.DataFrame) -> None:
    evil = '<script>alert("x")</script>'
    img = "<img src=x onerror=alert(1)>"
    few = roundhay[roundhay["name"] == "Roundhay Park"].copy()
    few["name"] = evil
    few["access_reason"] = "<b>reason</b>"
    mem = members[members["site_id"].isin(few["site_id"])].copy()
    mem["name"] = img
    _, layer = _draw(few, mem)
    props = layer.data["features"][0]["properties"]
    assert props["n"] == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert all(row[0] == "&lt;img src=x onerror=alert(1)&gt;" for row in props["m"])
    html = layer.get_root().render()
    for raw in (evil, img, "<b>reason</b>", "<script>alert", "<img src=x"):
        assert raw not in html


def test_min_area_filters_and_the_legend_says_so(
    roundhay: gpd.GeoDataFrame, members: pd.DataFrame
) -> None:
    m = maps.base_map(roundhay.total_bounds)
    maps.add_sites_by_access(m, roundhay, members, min_area_ha=1.0)
    layer = _layer(m)
    assert len(layer.data["features"]) == int((roundhay["area_ha"] >= 1.0).sum())
    assert "sites of 1 ha or more" in m.get_root().render()


# --- Data completeness on screen -------------------------------------------------------------


def _completeness(code: str) -> None:
    from app_pages import _completeness_view
    from layers.places import resolve_place

    _completeness_view.show(resolve_place(code))


def _run(code: str) -> AppTest:
    at = AppTest.from_function(_completeness, args=(code,), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_completeness_expander_flags_kirklees_wood_not_comparable() -> None:
    at = _run(KIRKLEES)
    warning = "\n".join(w.value for w in at.warning)
    assert "Not comparable" in warning
    assert "natural=wood is missing in Kirklees" in warning
    assert "landuse=grass in Kirklees" in warning  # 2020 grass, 2023 elsewhere
    labels = [e.label for e in at.expander]
    assert labels == ["Is the green-space data complete here?"]
    table = at.dataframe[0].value.set_index("OSM type (key=value)")
    assert "Kirklees (ha/km²)" in table.columns  # units in the header
    assert table.loc["natural=wood", "Comparable between districts"] == "no"
    assert table.loc["leisure=park", "Comparable between districts"] == "yes"
    assert (
        table.loc["natural=wood", "Kirklees (ha/km²)"]
        < 0.1
        < table.loc["natural=wood", "Leeds (ha/km²)"]
    )
    assert any("OpenStreetMap contributors" in c.value for c in at.caption)


def test_leeds_has_every_layer() -> None:
    at = _run(LEEDS)
    assert not at.warning
    assert any("No green-space layer is missing in Leeds" in s.value for s in at.success)


@pytest.mark.parametrize("level", ["ward", "lsoa"])
def test_a_ward_or_lsoa_is_checked_against_its_district(level: str) -> None:
    table = place_index().table
    wards = table[(table["level"] == "ward") & (table["parent_name"] == "Wakefield")]
    if level == "ward":
        code = str(wards["code"].iloc[0])
    else:  # an LSOA's parent is its ward
        lsoa = table[(table["level"] == "lsoa") & table["parent_code"].isin(wards["code"])]
        code = str(lsoa["code"].iloc[0])
    at = _run(code)
    assert "natural=wood is missing in Wakefield" in "\n".join(w.value for w in at.warning)


def _run_page(name: str) -> None:
    """One page as app.py runs it: the sidebar picker, then the page, inside the common frame."""
    import importlib

    from app_pages import _frame

    _frame.run(importlib.import_module(f"app_pages.{name}").render)


def test_place_profile_page_shows_the_kirklees_warning(results: Any) -> None:
    at = AppTest.from_function(_run_page, args=("place_profile",), default_timeout=120)
    at.session_state["place_code"] = KIRKLEES
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("natural=wood is missing in Kirklees" in w.value for w in at.warning)
    assert any(e.label == "Is the green-space data complete here?" for e in at.expander)


def test_every_popup_of_a_district_lists_its_largest_members(
    sites: gpd.GeoDataFrame, members: pd.DataFrame
) -> None:
    """All of Bradford's sites against a second, plain pandas reading of the member table:
    each popup's members are the site's largest POPUP_MEMBERS (ties by OSM id), in order,
    and its count is every member."""
    from healthyplaces.maps.sites import site_properties

    bradford = load_boundaries("district").query("name == 'Bradford'").total_bounds
    shown = maps.in_view(sites, bradford)
    props, _ = site_properties(shown, members)
    mine = members[members["site_id"].isin(shown["site_id"])]
    ordered = mine.sort_values(["site_id", "area_ha", "osm_ref"], ascending=[True, False, True])
    top = ordered.groupby("site_id").head(POPUP_MEMBERS)
    expected = top.groupby("site_id")["area_ha"].apply(lambda a: a.round(2).tolist())
    counts = mine.groupby("site_id").size()
    for site_id, m, c in zip(shown["site_id"], props["m"], props["c"], strict=True):
        assert [row[2] for row in m] == expected.get(site_id, [])
        assert c == counts.get(site_id, 0)
