"""The map explorer in headless Chromium (issue 13): the keyboard can leave the map, the
frame has a real title, one legend panel, the LSOA value on hover, natural breaks that
stay put across reruns, clicks that select with them on, and layers shown together that
stay apart under simulated colour-vision deficiency. Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

import re
from typing import Any

import pytest

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
from tests.colour_vision import MACHADO_2009, closest_pair

pytestmark = pytest.mark.browser

#: Tab presses allowed to get from the map to a control outside it: the map's own
#: controls (zoom in, zoom out, layer switcher, legend, attribution and its links).
MAX_TABS = 15


def test_the_keyboard_can_leave_the_map(app_url: str, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(app_url)
    frame = map_locator(page)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "ux_first_screen_1280x720.png"))
    title = page.locator(MAP_IFRAME).get_attribute("title")
    assert title and title.startswith("Map of West Yorkshire")
    # no shape is a Tab stop: they are drawn on one canvas, and nothing in the overlay
    # pane can take the focus
    assert shape_count(drawn_map(page)) > 1000
    overlay = frame.locator(".leaflet-overlay-pane")
    assert overlay.locator("canvas").count() == 1 and overlay.locator("path").count() == 0
    assert overlay.locator('[tabindex]:not([tabindex="-1"])').count() == 0
    frame.locator(".leaflet-container").focus()
    inside = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") != "IFRAME":
            break
        inside.append(
            page.frame_locator(MAP_IFRAME)
            .locator(":focus")
            .evaluate("e => e.tagName + ' ' + (e.getAttribute('aria-label') || e.textContent)")
        )
    else:
        pytest.fail(f"still in the map after {MAX_TABS} Tabs: {inside}")
    outside = page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.tagName + ' ' + (e.getAttribute('aria-label') || e.innerText || ''); })()"
    )
    page.screenshot(path=str(ARTIFACTS / "ux_keyboard_left_map.png"))
    assert not outside.startswith(("BODY", "IFRAME")), outside
    print(f"{len(inside) + 1} Tabs; stops in the map: {inside}; then {outside!r}")


#: In the map frame: the container point (x, y) of a point inside an LSOA of the
#: indicator layer near the middle of the view, with its code; null if none.
_LSOA_NEAR_MIDDLE_JS = """() => {
    const m = window.map, size = m.getSize(), mid = L.point(size.x / 2, size.y / 2);
    let best = null;
    m.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (!p || p.v === undefined || !(l instanceof L.Polygon)) { return; }
        const at = m.latLngToContainerPoint(l.getCenter());
        if (!l._containsPoint(m.latLngToLayerPoint(l.getCenter()))) { return; }
        const d = at.distanceTo(mid);
        if (best === null || d < best.d) { best = {x: at.x, y: at.y, code: p.c, d: d}; }
    });
    return best;
}"""
#: In the map frame: the stroke colours of the double-burden outlines and the fill
#: colours of the IoD deciles actually drawn.
_DRAWN_COLOURS_JS = """() => {
    const out = {outline: [], deciles: []};
    window.map.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (!p || !(l instanceof L.Path)) { return; }
        if (p.b !== undefined) { out.outline.push(l.options.color); }
        if (p.d !== undefined && p.st === undefined) { out.deciles.push(l.options.fillColor); }
    });
    return out;
}"""


def _legend(frame: Any) -> str:
    return str(frame.locator(".hp-legend-panel").inner_text())


def test_indicator_map_hover_jenks_and_click(app_url: str, page: Any) -> None:
    """With an indicator on, in natural breaks: one legend panel; hovering an LSOA shows
    its code and value with units; the classes survive a rerun; a click selects."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_url)
    drawn_map(page)
    choose_place(page, "Bradford (district, E08000032)")
    toggle(page, "Green space sites")  # off: the hover must land on an LSOA, not a site
    toggle(page, "Indicator choropleth")
    page.get_by_text("Natural breaks (Jenks)").click()
    wait_idle(page)
    frame = drawn_map(page, of="Bradford")
    frame.locator(".hp-legend-panel", has_text="Natural breaks").wait_for()
    assert frame.locator(".hp-legend-panel").count() == 1
    jenks = _legend(frame)

    # a rerun that leaves the map's inputs alone (what a click selects) keeps the classes
    page.get_by_text("the ward", exact=True).click()
    wait_idle(page)
    page.get_by_text("the LSOA", exact=True).click()
    wait_idle(page)
    frame = drawn_map(page, of="Bradford")
    assert _legend(frame) == jenks

    target = frame.evaluate(_LSOA_NEAR_MIDDLE_JS)
    assert target is not None and str(target["code"]).startswith("E01")
    # the whole map in the viewport (the radios scrolled the page; a position in a frame
    # scrolled partly out of view lands elsewhere), then the pointer moves over the LSOA
    page.locator('[data-testid="stMain"]').evaluate("e => e.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box is not None and box["y"] >= 0
    x, y = box["x"] + target["x"], box["y"] + target["y"]
    page.mouse.move(x, y)
    tip = frame.locator(".hp-tooltip")
    tip.wait_for()
    text = tip.inner_text()
    hovered = re.search(r"E01\d{6}", text)
    assert hovered and "µg/m³" in text, text
    page.screenshot(path=str(ARTIFACTS / "ux_hover_lsoa_value.png"))

    # a click where the pointer is selects the LSOA the hover named
    page.mouse.click(x, y)
    page.get_by_text("Selected:").filter(has_text="(lsoa in").wait_for(timeout=90_000)
    wait_idle(page)
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
    assert f"(lsoa, {hovered.group(0)}" in caption.inner_text()
    frame = drawn_map(page)
    frame.locator(".hp-legend-panel", has_text="Natural breaks").wait_for()
    page.screenshot(path=str(ARTIFACTS / "ux_jenks_click_selected.png"))


@pytest.mark.parametrize("vision", ["protanopia", "deuteranopia"])
def test_double_burden_and_iod_stay_apart_under_colour_vision_deficiency(
    app_url: str, page: Any, vision: str
) -> None:
    """The colours Chromium actually draws, simulated (Machado et al. 2009): every
    double-burden outline is at least 10 CIEDE2000 from every IoD decile drawn beneath."""
    assert vision in MACHADO_2009
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_url)
    drawn_map(page)
    choose_place(page, "Bradford (district, E08000032)")
    toggle(page, "Green space sites")  # off: only the two layers under test
    toggle(page, "IoD 2025 deciles")
    toggle(page, "Double burden LSOAs")
    frame = drawn_map(page, of="Bradford")
    frame.locator(".hp-legend-panel", has_text="Double burden").wait_for()
    drawn = frame.evaluate(_DRAWN_COLOURS_JS)
    outlines, deciles = sorted(set(drawn["outline"])), sorted(set(drawn["deciles"]))
    assert outlines and len(deciles) == 10, drawn
    d, line, fill = closest_pair(outlines, deciles, vision)
    assert d >= 10, f"outline {line} vs decile {fill}: ΔE00 {d:.1f} under {vision}"
    page.locator(MAP_IFRAME).screenshot(path=str(ARTIFACTS / f"ux_double_burden_{vision}.png"))
