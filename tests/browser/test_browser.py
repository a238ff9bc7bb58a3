"""The real app in headless Chromium: map, place choice, layers, GeoJSON download."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analysis.air_years import selected_year
from tests.browser.harness import (
    ARTIFACTS,
    MAP_IFRAME,
    choose_place,
    drawn_map,
    map_locator,
    shape_count,
    toggle,
    wait_idle,
)

pytestmark = pytest.mark.browser


def test_map_renders_offline_with_legend_and_attribution(app_url: str, page: Any) -> None:
    page.goto(app_url)
    frame = map_locator(page)
    frame.locator(".hp-legend", has_text="Green space sites by access status").wait_for()
    attribution = frame.locator(".hp-attribution")
    assert "OpenStreetMap contributors" in attribution.inner_text()
    assert frame.locator(".leaflet-tile").count() == 0  # offline: no (grey, broken) tiles
    assert shape_count(drawn_map(page)) > 1000
    page.screenshot(path=str(ARTIFACTS / "map_county.png"), full_page=True)


def test_choose_bradford_then_no2_and_iod(app_url: str, page: Any) -> None:
    page.goto(app_url)
    map_locator(page)
    choose_place(page, "Bradford (district, E08000032)")
    page.get_by_text("Bradford", exact=False).first.wait_for()
    toggle(page, "NO₂")
    toggle(page, "IoD 2025 deciles")
    frame = map_locator(page)
    frame.locator(".hp-legend", has_text=f"DEFRA PCM {selected_year()}").wait_for()
    frame.locator(".hp-legend", has_text="IoD 2025 decile").wait_for()
    assert frame.locator("img.leaflet-image-layer").count() == 1
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "map_bradford_no2_iod.png"), full_page=True)
    page.locator(MAP_IFRAME).screenshot(path=str(ARTIFACTS / "map_bradford_frame.png"))


def test_download_geojson_for_bradford(app_url: str, page: Any) -> None:
    from layers.places import load_boundaries

    page.goto(app_url)
    map_locator(page)
    choose_place(page, "Bradford (district, E08000032)")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Downloads").click()
    page.get_by_role("heading", name="Downloads").wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Prepare download").click()
    download_button = page.locator('[data-testid="stDownloadButton"] button')
    download_button.wait_for(timeout=90_000)
    page.screenshot(path=str(ARTIFACTS / "downloads.png"), full_page=True)
    with page.expect_download() as info:
        download_button.click()
    path = ARTIFACTS / "bradford_download.geojson"
    info.value.save_as(str(path))
    data = json.loads(path.read_text(encoding="utf-8"))

    assert data["type"] == "FeatureCollection" and data["features"]
    assert "OpenStreetMap" in data["attribution"]
    xs, ys = [], []
    for feature in data["features"]:
        coords = feature["geometry"]["coordinates"]
        while isinstance(coords[0][0], list):
            coords = [c for part in coords for c in part]
        xs += [c[0] for c in coords]
        ys += [c[1] for c in coords]
    # lon/lat, in that order
    assert all(-3 < x < -1 for x in xs) and all(53 < y < 54.5 for y in ys)
    d = load_boundaries("district").to_crs(4326)
    w, s, e, n = d.loc[d["name"] == "Bradford"].total_bounds
    assert min(xs) < e and max(xs) > w and min(ys) < n and max(ys) > s  # bboxes overlap


def test_clicking_the_map_selects_the_lsoa_under_it(app_url: str, page: Any) -> None:
    page.goto(app_url)
    map_locator(page)
    choose_place(page, "Bradford (district, E08000032)")
    toggle(page, "Green space sites")  # off: a click on a site shows the site, by design
    frame = drawn_map(page, of="Bradford")
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    # The middle of the map is inside Bradford district; avoid the controls on the right.
    frame.locator(".leaflet-container").click(
        position={"x": box["width"] * 0.4, "y": box["height"] * 0.5}
    )
    page.get_by_text("Selected:").filter(has_text="(lsoa in").wait_for(timeout=90_000)
    wait_idle(page)
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
    assert "(lsoa, E01" in caption.inner_text()
    map_locator(page).locator(".hp-legend").first.wait_for()
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "map_clicked_lsoa.png"), full_page=True)


def test_the_explorer_map_updates_in_place(app_url: str, page: Any) -> None:
    """A place switch and a layer toggle change the layers of the one Leaflet map in the
    page (streamlit-folium's feature groups), not the frame: a mark left in the frame's
    window survives both, and there is still one legend panel and one layer switcher."""
    page.goto(app_url)
    county = drawn_map(page, of="West Yorkshire")
    county.evaluate("() => { window.__same_map = window.map; }")
    choose_place(page, "Bradford (district, E08000032)")
    bradford = drawn_map(page, of="Bradford")
    assert bradford.evaluate("() => window.__same_map === window.map")
    legend = bradford.locator(".hp-legend-panel")
    legend.filter(has_text="Green space sites by access status").wait_for()
    # each layer shown credits its source in Leaflet's attribution control
    credits = bradford.locator(".leaflet-control-attribution").inner_text()
    assert "OpenStreetMap contributors" in credits
    view = bradford.evaluate("() => window.map.getBounds().toBBoxString()")
    toggle(page, "NO₂")
    bradford.locator(".hp-legend-panel", has_text="NO₂").wait_for()
    assert bradford.evaluate("() => window.__same_map === window.map")
    assert bradford.locator("img.leaflet-image-layer").count() == 1
    assert legend.count() == 1
    assert bradford.locator(".leaflet-control-layers").count() == 1
    # a layer switched on keeps the view (the same place is not fitted again)
    assert bradford.evaluate("() => window.map.getBounds().toBBoxString()") == view
    toggle(page, "NO₂")
    bradford.locator("img.leaflet-image-layer").wait_for(state="detached")
    assert "NO₂" not in legend.inner_text()
    # after two updates the legend still follows Leaflet's own layer switcher
    switcher = bradford.locator(".leaflet-control-layers")
    switcher.hover()
    box = switcher.locator("label", has_text="Boundaries").locator("input")
    section = bradford.locator(".hp-legend-section", has_text="District boundary")
    box.uncheck()
    section.wait_for(state="hidden")
    box.check()
    section.wait_for(state="visible")
    page.locator(MAP_IFRAME).screenshot(path=str(ARTIFACTS / "map_in_place.png"))
