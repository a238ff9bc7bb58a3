"""The walking-areas page in headless Chromium: click the map, get the 5/10/15-minute walks.

A user opens the page, clicks the middle of the map (the middle of the walking
network's coverage, which the map is fitted to), and waits: the walking areas
are drawn in the map with their legend, the table lists each walk, and the
GeoJSON download holds the same walks and people as the table. The full-page
screenshot goes to ``tests/artifacts/walking_areas.png``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from layers.network import network_coverage
from tests.browser.harness import ARTIFACTS, MAP_IFRAME, SHAPE_FILLS_JS, drawn_map, wait_idle

#: Computing three walks on a loaded two-core machine can take a minute or two.
WALK_TIMEOUT_MS = 300_000

pytestmark = pytest.mark.browser

#: True once a map click has filled a text box with "lon, lat" (5 decimals).
_FILLED = (
    "() => [...document.querySelectorAll('input')].some(i => /^-?\\d+\\.\\d{5}, /.test(i.value))"
)


def _screenshot(page: Any, name: str) -> Path:
    """Screenshot the whole page: Streamlit scrolls inside ``stMain``, so grow the viewport."""
    path = ARTIFACTS / name
    size = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 8000)})
    page.wait_for_timeout(1000)  # the map refits and redraws at the new size
    wait_idle(page, WALK_TIMEOUT_MS)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def _row_cells(page: Any, first_cell: str) -> list[str]:
    """Cells of the table row whose first cell is ``first_cell`` (st.dataframe's a11y grid)."""
    table = page.locator('[data-testid="stDataFrame"]').first
    rows = table.locator('[role="row"]')
    rows.first.wait_for(state="attached")
    for i in range(rows.count()):
        cells = [
            str(t).strip() for t in rows.nth(i).locator('[role="gridcell"]').all_text_contents()
        ]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row starts with {first_cell!r}")


def test_clicking_the_map_draws_the_walking_areas(app_url: str, page: Any, tmp_path: Path) -> None:
    cov = network_coverage()
    page.goto(app_url)
    page.wait_for_selector(MAP_IFRAME, timeout=120_000)  # the map explorer, the first page
    wait_idle(page, WALK_TIMEOUT_MS)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Walking areas", exact=True).click()
    page.get_by_role("heading", name="Walking areas").first.wait_for(timeout=120_000)
    wait_idle(page, WALK_TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME)
    drawn_map(page)
    assert frame.get_by_text(f"Complete network: {cov.name}").count() == 1

    frame.locator(".leaflet-container").click()  # the middle of the network's coverage
    box = page.get_by_role("textbox", name="Starting point (longitude, latitude)")
    page.wait_for_function(_FILLED, timeout=60_000)
    point = box.input_value()
    assert re.fullmatch(r"-1\.\d{5}, 53\.\d{5}", point), point

    page.get_by_role("heading", name="Inside each walking area").wait_for(timeout=WALK_TIMEOUT_MS)
    wait_idle(page, WALK_TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME)
    frame.get_by_text("Walking time at 4.8 km/h").wait_for(timeout=60_000)
    for label in ("5 min (400 m)", "10 min (800 m)", "15 min (1,200 m)"):
        assert frame.get_by_text(label, exact=True).count() == 1, label
    # the three walking areas are filled paths in the colours of their legend swatches
    legend = frame.locator('[aria-label="Legend: Walking time at 4.8 km/h"]')
    swatches = legend.locator(".sw").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    fills = drawn_map(page).evaluate(SHAPE_FILLS_JS)
    walk_fills = [f.lower() for f in fills if f and f.lower() in _hex_colours(swatches)]
    assert len(walk_fills) == 3 and len(set(walk_fills)) == 3, (fills[:20], swatches)
    assert not page.get_by_text("is outside it").count()

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the walking areas (GeoJSON, EPSG:4326)").click()
    saved = tmp_path / "walks.geojson"
    info.value.save_as(str(saved))
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert "OpenStreetMap" in data["attribution"]
    assert [f["properties"]["minutes"] for f in data["features"]] == [5.0, 10.0, 15.0]
    for feature in data["features"]:
        minutes = f"{feature['properties']['minutes']:g}"
        cells = [c.replace(",", "") for c in _row_cells(page, minutes)]
        people = str(round(feature["properties"]["people"]))
        assert cells[3] == people, (people, cells)  # Walk, Distance, Area, People, ...
    _screenshot(page, "walking_areas.png")


def _hex_colours(css_colours: list[str]) -> set[str]:
    """``rgb(8, 29, 88)`` → ``#081d58`` (the legend swatches as Leaflet writes fills)."""
    out = set()
    for c in css_colours:
        nums = [int(v) for v in re.findall(r"\d+", c)[:3]]
        if len(nums) == 3:
            out.add("#{:02x}{:02x}{:02x}".format(*nums))
    return out
