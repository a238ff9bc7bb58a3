"""The profile, my-area, reports and scenario pages (AppTest) and the logic behind them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from analysis import areas, new_park, profiles
from app_pages import _area_input as an
from geo import crs, standards
from healthyplaces import report

BRADFORD = "E08000032"
LSOA = "E01010670"  # Bradford 029A: homes about 300 m from the nearest 2 ha site


def _downloads(at: AppTest) -> set[str]:
    return {str(getattr(d, "label", "")) for d in at.get("download_button")}


def _run_page(name: str) -> None:
    """One page as app.py runs it: the sidebar picker, then the page, inside the common frame."""
    import importlib

    from app_pages import _frame

    _frame.run(importlib.import_module(f"app_pages.{name}").render)


def _page(name: str, place: str | None = None) -> AppTest:
    at = AppTest.from_function(_run_page, args=(name,), default_timeout=120)
    if place is not None:
        at.session_state["place_code"] = place
    return at


def _centroid(results: Any, code: str = LSOA) -> tuple[float, float]:
    row = results.lsoa.loc[results.lsoa["lsoa21_code"] == code].iloc[0]
    return float(row["pwc_x"]), float(row["pwc_y"])


def _park(results: Any) -> shapely.Geometry:
    """A real 3 ha rectangle (200 m × 150 m) beside the homes of a real LSOA (EPSG:27700)."""
    x, y = _centroid(results)
    return shapely.box(x + 60, y + 60, x + 260, y + 210)


def _feature(geom: shapely.Geometry) -> dict[str, Any]:
    wgs = gpd.GeoSeries([geom], crs=crs.ANALYSIS_CRS).to_crs(crs.DISPLAY_CRS)
    return {
        "type": "Feature",
        "properties": {},
        "geometry": json.loads(wgs.to_json())["features"][0]["geometry"],
    }


@pytest.fixture
def drawn(results: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pretend the user drew the 3 ha park on the page's map."""
    feature = _feature(_park(results))
    monkeypatch.setattr(an, "drawn_features", lambda state: [feature])
    yield


@pytest.mark.parametrize("page", ["place_profile", "my_area", "reports", "scenarios"])
def test_page_runs_without_exception(results: Any, page: str) -> None:
    at = _page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title


def test_profile_page_shows_bradford_and_its_population(results: Any) -> None:
    at = _page("place_profile", BRADFORD).run()
    assert not at.exception
    assert "Bradford" in at.title[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Residents (Census 2021)"] == "546,373"
    headline = at.dataframe[0].value
    assert "West Yorkshire (county)" in headline.columns
    assert {"Units", "Data year"} <= set(headline.columns)
    assert any("Slope index of inequality" in m.value for m in at.markdown)
    assert any("central Leeds only" in i.value for i in at.info)


def test_profile_page_follows_the_chosen_place(results: Any) -> None:
    at = _page("place_profile", "E05001341").run()  # Baildon ward, in Bradford
    assert not at.exception
    assert "Baildon" in at.title[0].value
    assert "Bradford (district)" in at.dataframe[0].value.columns
    assert any("too few" in i.value for i in at.info)  # decile charts use the county


def test_my_area_page_without_upload_shows_instructions(results: Any) -> None:
    at = _page("my_area").run()
    assert not at.exception
    assert any("Upload a boundary file or draw an area" in m.value for m in at.markdown)
    assert any("Upload a boundary file or draw an area" in i.value for i in at.info)
    assert not at.metric


def test_my_area_page_profiles_a_drawn_area_and_builds_its_report(
    results: Any, drawn: None
) -> None:
    at = _page("my_area", BRADFORD).run()
    assert not at.metric  # upload is the default: nothing yet
    at.radio(key="myarea-mode").set_value(an.DRAW_MODE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success and "3.0 ha" in at.success[0].value
    assert "Residents (Census 2021)" in {m.label for m in at.metric}
    at.button(key="myarea-build").click().run()
    assert not at.exception
    assert _downloads(at) == {"Download the HTML report", "Download the PDF report"}


def test_scenarios_page_without_drawing_shows_instructions(results: Any) -> None:
    at = _page("scenarios").run()
    assert not at.exception
    assert any("Draw a new park" in m.value for m in at.markdown)
    assert any("Draw a new park" in i.value for i in at.info)
    assert not at.metric


def test_scenarios_page_shows_gains_map_and_downloads(results: Any, drawn: None) -> None:
    at = _page("scenarios", BRADFORD).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["New park"] == "3.00 ha"
    gains = at.dataframe[0].value
    assert "Extra people, walking network" in gains.columns
    assert gains["Extra people, walking network"].str.contains("not available offline").all()
    labels = _downloads(at)
    assert labels == {
        "Affected LSOAs (GeoJSON, before/after)",
        "Affected LSOAs (CSV, before/after)",
    }


def test_reports_page_builds_html_and_pdf_downloads(results: Any) -> None:
    at = _page("reports", BRADFORD).run()
    assert not at.exception
    at.button(key="reports-build").click().run()
    assert not at.exception
    assert _downloads(at) == {"Download the HTML report", "Download the PDF report"}


# --- The logic behind uploads and drawings --------------------------------------------------


def test_uploaded_geojson_buffer_is_profiled(results: Any) -> None:
    x, y = _centroid(results)
    area = gpd.GeoSeries([shapely.Point(x, y).buffer(500)], crs=crs.ANALYSIS_CRS)
    data = area.to_crs(crs.DISPLAY_CRS).to_json().encode("utf-8")
    read = an.read_upload(data, "around-029A.geojson")
    assert read.error is None and read.area is not None
    assert read.area.name == "around-029A"
    assert read.area.area_ha == pytest.approx(78.5, rel=0.01)
    prof = profiles.profile(
        results, areas.area_for_polygon(results, read.area.geometry, read.area.name)
    )
    assert prof["population"] > 0 and prof["n_lsoas"] >= 1
    assert 0 <= prof["access_straight"][standards.HEADLINE_TIER] <= 1
    rows = report.headline_rows(prof)
    assert rows[0].label == "Residents" and rows[0].units == "people"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"not json at all", "broken.geojson", "is named as GeoJSON but its content"),
        (b"hello", "notes.txt", "unsupported file type"),
    ],
)
def test_bad_uploads_give_clear_errors(data: bytes, filename: str, message: str) -> None:
    read = an.read_upload(data, filename)
    assert read.area is None and read.error is not None and message in read.error


def test_drawings_are_validated(results: Any) -> None:
    point = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [-1.75, 53.79]},
    }
    assert "polygon" in (an.read_drawing([point], "x").error or "")
    london = {
        "type": "Feature",
        "properties": {},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[-0.13, 51.50], [-0.12, 51.50], [-0.12, 51.51], [-0.13, 51.50]]],
        },
    }
    assert "outside West Yorkshire" in (an.read_drawing([london], "x").error or "")
    ok = an.read_drawing([_feature(_park(results))], "New park")
    assert ok.area is not None and ok.area.area_ha == pytest.approx(3.0, rel=0.01)
    assert an.drawn_features({"all_drawings": None, "last_active_drawing": point}) == [point]
    assert an.drawn_features(None) == []


def test_scenario_next_to_homes_gains_are_non_negative(results: Any) -> None:
    scen = new_park.add_park(results, _park(results))
    assert scen["new_site_ha"] == pytest.approx(3.0, rel=0.01)
    for tier in standards.ACCESS_TIERS:
        assert scen["gain_straight"][tier.name] >= 0
        net = scen["gain_network"][tier.name]
        assert net is None or net >= 0
        assert (
            sum(scen["gain_by_imd_decile"][tier.name].values()) == scen["gain_straight"][tier.name]
        )
    table = scen["lsoas"]
    assert LSOA in set(table["lsoa21_code"])
    hl = standards.HEADLINE_TIER
    assert (table[f"after_dist_{hl}_m"] <= table[f"before_dist_{hl}_m"] + 1e-6).all()


# --- Names reach Markdown as literal text ----------------------------------------------------

HOSTILE = "![x](http://127.0.0.1:9/p.png) <img src=x onerror=alert(1)>"
#: Element types whose text is not Markdown (table cells, chart specs, component payloads).
_NOT_MARKDOWN = {
    "dataframe",
    "arrow_data_frame",
    "arrow_table",
    "vega_lite_chart",
    "component_instance",
}


def _markdown_texts(node: Any) -> Iterator[str]:
    """The protobuf text of every rendered element that Streamlit treats as Markdown."""
    proto = getattr(node, "proto", None)
    if proto is not None and getattr(node, "type", "") not in _NOT_MARKDOWN:
        yield str(proto)
    for child in getattr(node, "children", {}).values():
        yield from _markdown_texts(child)


def test_a_hostile_area_name_renders_as_literal_text(results: Any) -> None:
    """An uploaded feature named as a Markdown image and an HTML tag shows those characters."""
    from healthyplaces.formatting import md_escape

    x, y = _centroid(results)
    feature = _feature(shapely.Point(x, y).buffer(400))
    feature["properties"] = {"name": HOSTILE}
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    at = _page("my_area", BRADFORD).run()
    at.text_input(key="myarea-name").set_value(HOSTILE)
    at.file_uploader(key="myarea-upload").upload("hostile.geojson", data, "application/geo+json")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    escaped = md_escape(HOSTILE)
    assert escaped in at.success[0].value  # the area was read, under its hostile name
    assert at.header[0].value == f"Profile: {escaped}"
    texts = list(_markdown_texts(at._tree))
    assert any("onerror" in t for t in texts)  # the name did reach the Markdown elements …
    for text in texts:  # … but never as an image, a link or a tag
        assert "![" not in text and "](" not in text
        assert not re.search(r"(?<!\\)<img", text), text


# --- The scenario downloads ------------------------------------------------------------------


def test_scenario_geojson_has_the_affected_lsoas_and_the_park(results: Any) -> None:
    """RFC 7946 lon/lat: each affected LSOA with before/after, the park and the merged site."""
    from healthyplaces.export import new_park as park_export
    from layers import catalogue

    park = _park(results)
    scen = new_park.add_park(results, park)
    doc = json.loads(park_export.scenario_geojson(results, scen, park))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert doc["attribution"] == catalogue.ATTRIBUTION
    kinds = [f["properties"]["feature"] for f in doc["features"]]
    assert kinds.count("affected_lsoa") == len(scen["lsoas"]) >= 1
    assert kinds[-2:] == ["new_park", "merged_site"]
    gdf = gpd.GeoDataFrame.from_features(doc["features"], crs=crs.DISPLAY_CRS)
    lon_min, lat_min, lon_max, lat_max = gdf.total_bounds  # West Yorkshire in lon/lat
    assert -2.2 < lon_min < lon_max < -1.2 and 53.5 < lat_min < lat_max < 54.0
    metres = gdf.to_crs(crs.ANALYSIS_CRS)
    # The drawn park is the 200 m x 150 m box: 3 ha, to the 6-decimal rounding (~0.1 m).
    assert metres.area.iloc[-2] / 1e4 == pytest.approx(3.0, rel=1e-3)
    assert metres.area.iloc[-1] / 1e4 == pytest.approx(scen["merged_site_ha"], rel=1e-3)
    one = next(
        f["properties"] for f in doc["features"] if f["properties"].get("lsoa21_code") == LSOA
    )
    row = scen["lsoas"].set_index("lsoa21_code").loc[LSOA]
    hl = standards.HEADLINE_TIER
    assert one[f"before_dist_{hl}_m"] == pytest.approx(row[f"before_dist_{hl}_m"])
    assert one[f"after_dist_{hl}_m"] == pytest.approx(row[f"after_dist_{hl}_m"])
    assert one[f"gained_{hl}"] == bool(row[f"gained_{hl}"])
    assert doc["scenario"]["gain_straight"] == scen["gain_straight"]


def test_scenario_csv_is_the_before_after_table_with_inert_names(results: Any) -> None:
    import io

    import pandas as pd

    from healthyplaces.export import new_park as park_export
    from layers import catalogue

    scen = new_park.add_park(results, _park(results))
    lsoas = scen["lsoas"].copy()
    lsoas.loc[0, "lsoa21_name"] = '=HYPERLINK("http://127.0.0.1:9/","x")'
    back = pd.read_csv(io.BytesIO(park_export.scenario_csv({**scen, "lsoas": lsoas})))
    assert list(back["lsoa21_code"]) == list(lsoas["lsoa21_code"])
    assert back.loc[0, "lsoa21_name"].startswith("'=HYPERLINK(")  # OWASP: neutralised
    hl = standards.HEADLINE_TIER
    assert back[f"after_dist_{hl}_m"].to_numpy() == pytest.approx(
        lsoas[f"after_dist_{hl}_m"].to_numpy()
    )
    assert (back["attribution"] == catalogue.ATTRIBUTION).all()


def test_map_explorer_first_screen_explains_itself(results: Any) -> None:
    """One sentence on what the app shows, then "How to read this map" in an expander."""
    from app_pages import map_explorer

    at = _page("map_explorer").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [m.value for m in at.main.markdown]
    assert texts[0] == map_explorer.INTRO  # the first thing under the title
    assert at.main.expander[0].label == "How to read this map"
    assert map_explorer.MAP_HEIGHT <= 560  # fits 1280×720 with the title


def test_viewer_toolbar_hides_deploy_and_stop() -> None:
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit/config.toml").read_text())
    assert config["client"]["toolbarMode"] == "viewer"


def test_my_area_maps_the_boundary_and_the_lsoas_it_counts(results: Any) -> None:
    """The 3 ha park beside Bradford 029A's homes: the map shows the boundary and exactly
    the LSOAs the profile counts (area.share > 0), each with its share in the tooltip."""
    from app_pages import my_area
    from layers.upload.validation import validate

    geom = _park(results)
    user = validate(gpd.GeoDataFrame(geometry=[geom], crs=crs.ANALYSIS_CRS), name="Test park")
    area = areas.area_for_polygon(results, user.geometry, name=user.name)
    counted = set(results.lsoa.loc[area.share > 0, "lsoa21_code"])
    assert LSOA in counted
    html = my_area.measured_map(results, area, user).get_root().render()
    shown = set(re.findall(r'"c": "(E01\d{6})"', html))
    assert shown == counted
    assert f"and the {len(counted)} LSOAs it uses" in html
    assert "Share of the LSOA counted" in html
