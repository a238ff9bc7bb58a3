"""Vendored web assets as ``data:`` URIs, so maps and reports work with no network.

The files stay in ``healthyplaces/static/`` (Leaflet 1.9.3, BSD-2; Leaflet.draw,
MIT); images their CSS refers to are inlined too.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

_STATIC = Path(__file__).resolve().parent / "static"
#: Vendored Leaflet 1.9.3 (BSD-2) and Leaflet.draw 1.0.4 (MIT).
LEAFLET_DIR = _STATIC / "leaflet"
LEAFLET_DRAW_DIR = _STATIC / "leaflet_draw"

_CDN = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist"


def data_uri(data: bytes, mime: str) -> str:
    """A ``data:`` URI of ``data`` (base64)."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@cache
def embedded_assets(folder: Path, js_name: str, css_name: str) -> tuple[str, str] | None:
    """(js, css) of a vendored Leaflet library as ``data:`` URIs, or None if the files are absent.

    Images the CSS refers to (``url(images/…)``, PNG or SVG) are inlined too, so
    the map works with no network and no static file server.
    """
    js_path, css_path = folder / js_name, folder / css_name
    if not (js_path.exists() and css_path.exists()):
        return None

    def _inline(match: re.Match[str]) -> str:
        image = folder / match.group(1)
        mime = "image/svg+xml" if image.suffix == ".svg" else "image/png"
        return f"url({data_uri(image.read_bytes(), mime)})" if image.exists() else "none"

    css = re.sub(r"url\(['\"]?(images/[\w.-]+)['\"]?\)", _inline, css_path.read_text("utf-8"))
    return data_uri(js_path.read_bytes(), "text/javascript"), data_uri(css.encode(), "text/css")


def leaflet_assets() -> tuple[str, str]:
    """(js, css) URLs for Leaflet: embedded ``data:`` URIs, or the CDN if the files are absent."""
    assets = embedded_assets(LEAFLET_DIR, "leaflet.js", "leaflet.css")
    return assets or (f"{_CDN}/leaflet.js", f"{_CDN}/leaflet.css")


def leaflet_draw_assets() -> tuple[str, str] | None:
    """(js, css) of the vendored Leaflet.draw as ``data:`` URIs, or None if absent."""
    return embedded_assets(LEAFLET_DRAW_DIR, "leaflet.draw.js", "leaflet.draw.css")
