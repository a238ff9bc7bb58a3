"""Every page of the app, for the county and for a ward, logs no JavaScript error.

The ``page`` fixture (``conftest.py``) records every uncaught exception and
console error of the page and its iframes (the folium maps) and fails the test
after its body; only :data:`conftest.BENIGN_CONSOLE_ERRORS` are allowed. Each
page is opened from the sidebar menu as a user would, and each map on it is
given time to draw and refit (the fit-bounds element refits on resize).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.harness import MAP_IFRAME, choose_place, wait_idle

pytestmark = pytest.mark.browser

#: A ward (2025) of Leeds, chosen by the user in the sidebar.
WARD = "Headingley & Hyde Park (ward, E05011397)"
#: The app's menu, in order: the heading each page shows (``{}`` = the place name) and
#: whether it always draws a map (the map explorer; the scenario page's draw map).
MENU: tuple[tuple[str, str, bool], ...] = (
    ("Map explorer", "Map explorer", True),
    ("Walking areas", "Walking areas", True),
    ("Place profile", "Place profile: {}", False),
    ("My area", "My area", False),
    ("Scenarios", "Scenarios: a new park", True),
    ("Who is left out", "Who is left out: {}", True),
    ("Evidence", "Evidence: access, air and mental health in {}", False),
    ("Reports", "Reports", False),
    ("Downloads", "Downloads", False),
)
#: How long a map is watched after it draws, for late (resize, refit) errors (ms).
SETTLE_MS = 1500


def _settle_maps(page: Any) -> int:
    """Wait for every map on the page to draw Leaflet, then watch it; return how many."""
    maps = page.locator(MAP_IFRAME)
    for i in range(maps.count()):
        frame = maps.nth(i).content_frame
        frame.locator(".leaflet-container").wait_for(timeout=90_000)
    page.wait_for_timeout(SETTLE_MS)
    return int(maps.count())


def _visit_every_page(page: Any, place_name: str) -> dict[str, int]:
    """Open each menu page in turn; return the number of maps drawn on each."""
    drawn: dict[str, int] = {}
    for nav, heading, has_map in MENU:
        page.locator('[data-testid="stSidebarNav"]').get_by_text(nav, exact=True).click()
        page.get_by_role("heading", name=heading.format(place_name)).first.wait_for(timeout=120_000)
        wait_idle(page, 120_000)
        if has_map:
            page.wait_for_selector(MAP_IFRAME, timeout=120_000)
        assert page.locator('[data-testid="stException"]').count() == 0, nav
        drawn[nav] = _settle_maps(page)
    return drawn


def test_every_page_for_the_county_logs_no_error(app_url: str, page: Any, page_errors: Any) -> None:
    page.goto(app_url)
    page.wait_for_selector(MAP_IFRAME, timeout=120_000)
    wait_idle(page, 120_000)
    drawn = _visit_every_page(page, "West Yorkshire")
    assert drawn["Map explorer"] == 1  # the check watched a real Leaflet map
    page_errors.assert_clean()


def test_every_page_for_a_ward_logs_no_error(app_url: str, page: Any, page_errors: Any) -> None:
    page.goto(app_url)
    page.wait_for_selector(MAP_IFRAME, timeout=120_000)
    wait_idle(page, 120_000)
    choose_place(page, WARD, 120_000)
    drawn = _visit_every_page(page, WARD.split(" (")[0])
    assert drawn["Map explorer"] == 1
    assert drawn["Scenarios"] >= 1  # the draw map, fitted to the ward
    page_errors.assert_clean()


def test_the_recorder_catches_a_page_error(page: Any, page_errors: Any) -> None:
    """The check itself can fail: a thrown error and a console.error are both recorded."""
    page.set_content(
        "<script>console.error('boom from console');</script>"
        "<script>setTimeout(() => { throw new Error('boom thrown'); }, 0);</script>"
    )
    page.wait_for_timeout(300)
    text = "\n".join(page_errors.errors)
    assert "boom from console" in text and "boom thrown" in text
    with pytest.raises(AssertionError, match="boom thrown"):
        page_errors.assert_clean()  # (and forgets them, so this test itself passes)
