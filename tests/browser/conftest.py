"""Browser tests: start the real app with ``streamlit run`` and drive it in headless Chromium.

Skipped (not failed) when ``/usr/bin/chromium`` or Playwright is missing. The
server listens on 127.0.0.1 on a free port and is stopped after the session
(:mod:`tests.browser.harness`, shared with the browser benches). Screenshots go
to ``tests/artifacts/`` (gitignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, serve_app


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a ``browser`` test, retried once on failure.

    A real browser against a real server can trip on timing (a slow first
    render on a loaded CI machine); a deterministic bug still fails twice.
    """
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


def _require_browser() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (run `make browser`)")
    pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def app_server() -> Any:
    """:func:`serve_app` itself, for tests that serve the app on another bundle."""
    _require_browser()
    return serve_app


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """URL of the app, served by a ``streamlit run`` subprocess on 127.0.0.1."""
    _require_browser()
    with serve_app({"HEALTHYPLACES_WARM_MAPS": "on"}) as url:  # as in use (tests/conftest.py)
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's) driven by Playwright."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# --- Page errors ------------------------------------------------------------------

#: Console messages of type "error" that are not defects, each with its reason. A
#: message is allowed when it contains the key and (if given) its URL contains the
#: second item. Nothing else is allowed: every page error fails the test.
BENIGN_CONSOLE_ERRORS: tuple[tuple[str, str, str], ...] = (
    (
        "Failed to load resource: the server responded with a status of 404",
        "favicon",
        "Chromium asks for /favicon.ico; Streamlit serves the page icon elsewhere",
    ),
)


@dataclass
class PageErrors:
    """Every uncaught exception (``pageerror``) and console error a page logged."""

    errors: list[str] = field(default_factory=list)
    checked: bool = False
    #: The page's address when the last error came (Streamlit's URL names the app page).
    where: str = ""

    def on_page_error(self, error: Any) -> None:
        self.errors.append(f"pageerror: {error} (on {self.where or 'unknown'})")

    def on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        text = str(message.text)
        url = str((message.location or {}).get("url", ""))
        for key, in_url, _reason in BENIGN_CONSOLE_ERRORS:
            if key in text and in_url in url:
                return
        self.errors.append(f"console error: {text} (at {url or 'unknown'}, on {self.where})")

    def attach(self, page: Any) -> None:
        """Listen on ``page`` and on every frame's console (iframes report to the page)."""

        def page_error(error: Any) -> None:
            self.where = str(page.url)
            self.on_page_error(error)

        def console(message: Any) -> None:
            self.where = str(page.url)
            self.on_console(message)

        page.on("pageerror", page_error)
        page.on("console", console)

    def assert_clean(self) -> None:
        """Fail if any page error or console error was recorded (then forget them)."""
        self.checked = True
        found, self.errors = list(self.errors), []
        assert not found, "the page logged errors:\n" + "\n".join(found)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a browser test's body, fail it if its page logged an error.

    Checked in the call phase (not at teardown) so that ``xfail`` on a test applies.
    """
    result = yield
    recorder = getattr(item, "page_errors", None)
    if isinstance(recorder, PageErrors):
        recorder.assert_clean()
    return result


def new_page(browser: Any, recorder: PageErrors) -> tuple[Any, Any]:
    """A fresh context and page (new Streamlit session), 1400×1000, downloads on, recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    recorder.attach(pg)
    return context, pg


@pytest.fixture()
def page_errors(request: pytest.FixtureRequest) -> PageErrors:
    """The errors the test's page logged; checked after the test body and at teardown."""
    recorder = PageErrors()
    request.node.page_errors = recorder
    return recorder


@pytest.fixture()
def page(browser: Any, page_errors: PageErrors) -> Iterator[Any]:
    """A fresh page (new Streamlit session) with downloads enabled, 1400×1000.

    Any ``pageerror`` or console error (other than :data:`BENIGN_CONSOLE_ERRORS`)
    fails the test after its body; one logged while the page closes fails at teardown.
    """
    context, pg = new_page(browser, page_errors)
    try:
        yield pg
    finally:
        context.close()
    if page_errors.errors:
        pytest.fail("the page logged errors:\n" + "\n".join(page_errors.errors))
