"""Hostile names in the real app, in Chromium: nothing executes and nothing is fetched.

The app is started on a TEST bundle (``HEALTHYPLACES_BUNDLE``) built by
``tests/test_escaping.py::build_hostile_bundle``: five Bradford wards and the
largest green and blue features of the first are named ``<script>…``,
``<img onerror>``, ``javascript:``, a Markdown image and ``=HYPERLINK(…)``,
whose URLs point at a loopback HTTP listener started here (127.0.0.1, port 0,
a bounded thread). The page listens for dialogs (``alert``). A user visits the
county map with every named feature's tooltip opened, then each hostile ward's
pages and report. No dialog may open and no request may reach the listener,
and the names must be shown as their literal text.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_escaping import HostileBundle, build_hostile_bundle

from tests.browser.harness import drawn_map, wait_idle

pytestmark = pytest.mark.browser

#: Open the tooltip of every feature whose name carries a payload (a ``mouseover`` on
#: the feature, propagated to its GeoJSON layer as Leaflet does); return their texts.
_OPEN_HOSTILE_TOOLTIPS = """() => {
    const texts = [];
    window.map.eachLayer(group => {
        if (!group.getTooltip || !group.getTooltip() || !group.eachLayer) { return; }
        group.eachLayer(layer => {
            const n = layer.feature && layer.feature.properties && layer.feature.properties.n;
            if (typeof n === 'string' && /alert|HYPERLINK|127\\.0\\.0\\.1/.test(n)) {
                if (!layer._map) { return; }  // a hidden layer: nothing is drawn
                try {
                    const at = layer.getBounds ? layer.getBounds().getCenter() : layer.getLatLng();
                    layer.fire('mouseover', {latlng: at}, true);  // as a pointer would
                } catch (e) { return; }
                const tip = group.getTooltip().getElement();
                if (tip) { texts.push(tip.textContent); }
            }
        });
    });
    return texts;
}"""


class _Listener:
    """A loopback HTTP server that records every request's path (and answers 404)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        recorded = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorded.append(self.path)
                self.send_error(404)

            def log_message(self, *args: Any) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 1
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def listener() -> Iterator[_Listener]:
    with _Listener() as srv:
        yield srv


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, listener: _Listener) -> HostileBundle:
    return build_hostile_bundle(tmp_path_factory.mktemp("hostile") / "bundle", listener.url)


@pytest.fixture(scope="module")
def hostile_url(
    hostile: HostileBundle, tmp_path_factory: pytest.TempPathFactory, app_server: Any
) -> Iterator[str]:
    """The app served on the hostile bundle, with its own results store."""
    env = {
        "HEALTHYPLACES_BUNDLE": str(hostile.folder),
        "HEALTHYPLACES_CACHE": str(tmp_path_factory.mktemp("hostile-cache")),
    }
    with app_server(env, log_name="streamlit-hostile.log") as url:
        yield url


@pytest.fixture()
def watched(browser: Any) -> Iterator[tuple[Any, list[str], list[str]]]:
    """A page that dismisses and records every dialog and records page errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield pg, dialogs, errors
    finally:
        context.close()


def _choose(page: Any, code: str, name: str) -> None:
    label = f"{name} (ward, {code})"
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Place"
    )
    box.click()
    page.keyboard.type(code)
    page.get_by_role("option", name=label).click()
    page.get_by_text("Selected:").filter(has_text=name).first.wait_for()
    wait_idle(page, 180_000)


def _go(page: Any, nav: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(nav, exact=True).click()
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    wait_idle(page, 180_000)


def _open_tooltips(page: Any) -> list[str]:
    return list(drawn_map(page).evaluate(_OPEN_HOSTILE_TOOLTIPS))


def _assert_nothing_ran(dialogs: list[str], listener: _Listener, where: str) -> None:
    assert dialogs == [], f"{where}: a payload executed: {dialogs}"
    assert listener.requests == [], f"{where}: a payload fetched {listener.requests}"


def test_county_map_tooltips_show_the_names_and_run_nothing(
    hostile_url: str, hostile: HostileBundle, listener: _Listener, watched: Any
) -> None:
    page, dialogs, _ = watched
    page.goto(hostile_url)
    wait_idle(page, 180_000)
    texts = _open_tooltips(page)
    page.wait_for_timeout(1000)
    _assert_nothing_ran(dialogs, listener, "county map")
    shown = "\n".join(texts)
    for name in hostile.wards.values():  # ward outlines carry the ward names
        assert name in shown, name


@pytest.mark.parametrize("ward", range(5))
def test_hostile_ward_pages_and_report_run_nothing(
    ward: int,
    hostile_url: str,
    hostile: HostileBundle,
    listener: _Listener,
    watched: Any,
    tmp_path: Path,
) -> None:
    page, dialogs, _ = watched
    code, name = list(hostile.wards.items())[ward]
    page.goto(hostile_url)
    wait_idle(page, 180_000)
    _choose(page, code, name)
    texts = _open_tooltips(page)  # the ward's map: its outline, sites and water
    assert any(name in t for t in texts), texts
    for nav in ("Place profile", "Who is left out", "Downloads"):
        _go(page, nav)
        assert page.locator('[data-testid="stException"]').count() == 0, nav
    _go(page, "Place profile")
    heading = page.locator('[data-testid="stMain"] h1').first.inner_text()
    assert name in heading  # Markdown-escaped: the literal characters are shown
    _go(page, "Reports")
    page.get_by_role("button", name="Build the report for").click()
    html_button = page.get_by_role("button", name="Download the HTML report")
    html_button.wait_for(timeout=180_000)
    wait_idle(page, 180_000)
    with page.expect_download() as info:
        html_button.click()
    path = tmp_path / "report.html"
    info.value.save_as(str(path))
    page.set_content(path.read_text(encoding="utf-8"))  # the report opened in the browser
    assert name in page.locator("h1").first.inner_text()
    page.wait_for_timeout(1000)
    _assert_nothing_ran(dialogs, listener, f"ward {code}")
