"""The map explorer in headless Chromium: the keyboard can leave the map, and the map
frame has a real title. Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.harness import ARTIFACTS, MAP_IFRAME

pytestmark = pytest.mark.browser

#: Tab presses allowed to get from the map to a control outside it: the map's own
#: controls (zoom in, zoom out, layer switcher, legend, attribution and its links).
MAX_TABS = 15


def _map(page: Any) -> Any:
    page.wait_for_selector(MAP_IFRAME, timeout=120_000)
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(".leaflet-container").wait_for()
    frame.locator("path.leaflet-interactive").first.wait_for()
    return frame


def test_the_keyboard_can_leave_the_map(app_url: str, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(app_url)
    frame = _map(page)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "ux_first_screen_1280x720.png"))
    title = page.locator(MAP_IFRAME).get_attribute("title")
    assert title and title.startswith("Map of West Yorkshire")
    # no shape is a Tab stop
    overlay = ".leaflet-overlay-pane path"
    assert frame.locator(f'{overlay}:not([tabindex="-1"])').count() == 0
    assert frame.locator(overlay).count() > 1000
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
