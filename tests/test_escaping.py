"""Hostile names stay inert through every Python-side sink (issue 14, item 9).

A TEST bundle is made from the real one (``data/west_yorkshire``, copied to a
temporary folder): five Bradford wards, and the largest OSM green-space
features, merged sites and water bodies inside the first of them, are renamed
with the payloads in :data:`PAYLOADS`; the manifest is refreshed with
:func:`layers.build.refresh_layer`, so SHA-256 verification passes and the app
reads them like any other names. Everything else is the real data.

Each sink must show the *literal* text: HTML sinks (map tooltips, the HTML
report) escape it, the PDF prints it, GeoJSON and GeoPackage keep it as data,
and CSV neutralises formula-like cells with a leading ``'`` (OWASP, "CSV
Injection"). :func:`build_hostile_bundle` is also used by the browser tests
(``tests/browser/test_browser_escaping.py``).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL_BUNDLE = ROOT / "data" / "west_yorkshire"

#: Where the payloads point by default: the discard port, which nothing should reach.
#: The browser test points them at its own loopback listener instead.
DISCARD = "http://127.0.0.1:9"


def payloads(base: str = DISCARD) -> tuple[str, ...]:
    """Strings an attacker could put in an OSM or boundary name; URLs point at ``base``."""
    return (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        f"![x]({base}/p.png)",
        f'=HYPERLINK("{base}","x")',
    )


PAYLOADS = payloads()
#: The district whose wards are renamed.
DISTRICT = "Bradford"
#: Renamed OSM layers and how many features of each get a payload.
OSM_LAYERS = ("greenspace", "greenspace_sites", "blue_water")

#: Markup that would execute or fetch if a payload reached a page unescaped.
LIVE_MARKUP = (
    "<script>alert(1)</script>",
    "<img src=x onerror",
    'href="javascript:',
    "href='javascript:",
    '<img src="http://127.0.0.1:9',
)


@dataclass(frozen=True)
class HostileBundle:
    """Where the hostile bundle is and which places carry the payloads."""

    folder: Path
    #: ward code -> its hostile name, in PAYLOADS order (the first holds the features).
    wards: dict[str, str]

    @property
    def main_ward(self) -> str:
        """Code of the ward whose green and blue features carry every payload."""
        return next(iter(self.wards))


def _features_in(frame: gpd.GeoDataFrame, polygon: Any, n: int) -> pd.Index:
    """Index of the ``n`` largest features (by ``area_ha``) intersecting ``polygon``."""
    inside = frame[frame.intersects(polygon)]
    return inside.sort_values(["area_ha"], ascending=False, kind="stable").index[:n]


def build_hostile_bundle(dest: Path, base: str = DISCARD) -> HostileBundle:
    """Copy the real bundle to ``dest`` and plant :func:`payloads` (``base``) in its names.

    The five Bradford wards first by code are renamed (``wards.ward_name`` and the
    matching ``lsoa21.ward_name``); in the first of them, the largest features
    of each layer in :data:`OSM_LAYERS` get the five payloads as ``name``.
    The bundle folder is read through ``HEALTHYPLACES_BUNDLE``, so the caller
    sets it; ``refresh_layer`` rewrites each file and its manifest entry.
    """
    from layers.build import refresh_layer

    shutil.copytree(REAL_BUNDLE, dest)
    wards = gpd.read_parquet(dest / "wards.parquet")
    planted = payloads(base)
    chosen = wards[wards["district_name"] == DISTRICT].sort_values("ward_code").head(len(planted))
    names = dict(zip(chosen["ward_code"], planted, strict=True))
    wards["ward_name"] = wards["ward_code"].map(names).fillna(wards["ward_name"])
    refresh_layer("wards", wards, bundle=dest)
    lsoa = gpd.read_parquet(dest / "lsoa21.parquet")
    lsoa["ward_name"] = lsoa["ward_code"].map(names).fillna(lsoa["ward_name"])
    refresh_layer("lsoa21", lsoa, bundle=dest)
    polygon = chosen.geometry.iloc[0]
    for layer in OSM_LAYERS:
        frame = gpd.read_parquet(dest / f"{layer}.parquet")
        idx = _features_in(frame, polygon, len(planted))
        assert len(idx) == len(planted), f"{layer}: too few features in the ward"
        frame.loc[idx, "name"] = list(planted)
        refresh_layer(layer, frame, bundle=dest)
    return HostileBundle(dest, names)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileBundle]:
    """The hostile bundle in use (``HEALTHYPLACES_BUNDLE``), with its own results store."""
    root = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HEALTHYPLACES_BUNDLE", str(root / "bundle"))
        mp.setenv("HEALTHYPLACES_CACHE", str(root / "cache"))
        yield build_hostile_bundle(root / "bundle")


@pytest.fixture(scope="module")
def hostile_results(hostile: HostileBundle) -> Any:
    """Every LSOA indicator computed on the hostile bundle (~40 s on 2 cores)."""
    from analysis import engine

    return engine.load_results()


def _escaped(payload: str) -> str:
    return html.escape(payload, quote=True)


def _assert_inert_html(text: str, where: str) -> None:
    for live in LIVE_MARKUP:
        assert live not in text, f"{where}: live markup {live!r}"


# --- The bundle itself ------------------------------------------------------------


def test_hostile_bundle_verifies_and_carries_the_payloads(hostile: HostileBundle) -> None:
    from layers import bundle
    from layers.places import place_index

    assert bundle.verify() == []
    for layer in OSM_LAYERS:
        names = set(bundle.read_table(layer, columns=["name", "geometry"])["name"].dropna())
        assert set(PAYLOADS) <= names, layer
    index = place_index()
    for code, name in hostile.wards.items():
        place = index.resolve(code)
        assert (place.level, place.name) == ("ward", name)


# --- Map tooltips -----------------------------------------------------------------


def _ward_map_html(hostile: HostileBundle) -> str:
    """The map explorer's map for the main hostile ward, every named layer on, as HTML."""
    from healthyplaces import maps
    from layers import bluespace, greenspace
    from layers.places import load_boundaries, place_index

    index = place_index()
    place = index.resolve(hostile.main_ward)
    outline = gpd.GeoDataFrame(geometry=[index.geometry(place)], crs="EPSG:27700")
    bounds = outline.total_bounds
    m = maps.base_map(bounds)
    maps.add_blue_space(
        m,
        maps.in_view(bluespace.load_water(), bounds),
        maps.in_view(bluespace.load_waterways(), bounds),
        tolerance_m=5.0,
    )
    maps.add_green_sites(m, maps.in_view(greenspace.load_sites(), bounds), tolerance_m=5.0)
    districts = load_boundaries("district")
    maps.add_boundaries(m, districts, load_boundaries("ward"), tolerance_m=5.0)
    maps.add_outline(m, outline, place.name, tolerance_m=5.0)
    return str(maps.finish(m).get_root().render())


def _tooltip_names(page: str) -> list[str]:
    """The ``n`` (name) property of every GeoJSON feature in the map, as Leaflet gets it."""
    return [json.loads(f'"{raw}"') for raw in re.findall(r'"n": "((?:[^"\\]|\\.)*)"', page)]


def test_map_tooltips_show_hostile_names_escaped(hostile: HostileBundle) -> None:
    page = _ward_map_html(hostile)
    _assert_inert_html(page, "map HTML")
    names = _tooltip_names(page)
    assert len(names) > 20
    for payload in PAYLOADS:
        # Each payload is drawn (as a site, a water body, a ward), escaped exactly once:
        # the tooltip's innerHTML then shows the literal text.
        assert _escaped(payload) in names, payload
        assert payload not in names or payload == _escaped(payload), payload
    assert not [n for n in names if "&amp;lt;" in n]  # not escaped twice (would show "&lt;")


def test_raw_osm_names_stay_data_in_the_greenspace_layer(hostile: HostileBundle) -> None:
    """The unmerged OSM features keep the literal names (escaping is the sinks' job)."""
    from layers import bundle

    frame = bundle.read_table("greenspace", columns=["name", "geometry"])
    assert frame["name"].isin(PAYLOADS).sum() == len(PAYLOADS)


# --- Profile tables and the reports -----------------------------------------------


@pytest.fixture(scope="module")
def ward_report(hostile: HostileBundle, hostile_results: Any) -> Any:
    """The report of the main hostile ward (its name is the first payload)."""
    from analysis import areas
    from healthyplaces import report
    from layers.places import place_index

    place = place_index().resolve(hostile.main_ward)
    return report.build_report(hostile_results, areas.area_for_place(hostile_results, place))


def test_profile_keeps_the_literal_ward_name(hostile: HostileBundle, hostile_results: Any) -> None:
    from analysis import areas, profiles
    from layers.places import place_index

    for code, name in hostile.wards.items():
        place = place_index().resolve(code)
        prof = profiles.profile(hostile_results, areas.area_for_place(hostile_results, place))
        assert prof["place"]["name"] == name
        assert prof["population"] > 0


def test_html_report_escapes_the_ward_name(ward_report: Any, hostile: HostileBundle) -> None:
    from healthyplaces import report

    page = report.render_html(ward_report)
    _assert_inert_html(page, "HTML report")
    name = hostile.wards[hostile.main_ward]
    assert f"<title>{_escaped(name)}" in page or _escaped(name) in page
    assert page.count(_escaped(name)) >= 2  # title and heading at least


def test_html_report_tables_escape_every_cell(ward_report: Any) -> None:
    """Every table cell of the report, rendered, is the escaped text of the cell."""
    from healthyplaces import report

    page = report.render_html(ward_report)
    tables = [ward_report.access, ward_report.lsoa_table, ward_report.sources]
    cells = [str(c) for t in tables for row in t.rows for c in row]
    assert cells
    for cell in cells:
        assert _escaped(cell) in page, cell


def test_pdf_report_prints_the_literal_ward_name(
    ward_report: Any, hostile: HostileBundle, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from healthyplaces import report

    path = tmp_path / "ward.pdf"
    path.write_bytes(report.render_pdf(ward_report))
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    flat = re.sub(r"\s+", "", text)
    name = hostile.wards[hostile.main_ward]
    assert re.sub(r"\s+", "", name) in flat, "the PDF should show the name as written"
    assert "&lt;" not in text  # printed, not HTML-escaped


# --- Exports ----------------------------------------------------------------------


def _export(layer: str, hostile: HostileBundle, fmt: str, folder: Path) -> Path:
    from healthyplaces import export

    suffix = {"geojson": ".geojson", "gpkg": ".gpkg", "csv": ".csv"}[fmt]
    return export.export_layer(layer, hostile.main_ward, fmt, folder / f"{layer}{suffix}").path


@pytest.mark.parametrize("layer", OSM_LAYERS)
def test_geojson_export_keeps_the_names_as_data(
    layer: str, hostile: HostileBundle, tmp_path: Path
) -> None:
    data = json.loads(_export(layer, hostile, "geojson", tmp_path).read_text(encoding="utf-8"))
    names = {f["properties"].get("name") for f in data["features"]}
    assert set(PAYLOADS) <= names


@pytest.mark.parametrize("layer", OSM_LAYERS)
def test_gpkg_export_keeps_the_names_as_data(
    layer: str, hostile: HostileBundle, tmp_path: Path
) -> None:
    frame = gpd.read_file(_export(layer, hostile, "gpkg", tmp_path), layer=layer)
    assert set(PAYLOADS) <= set(frame["name"].dropna())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text_cells(path: Path) -> list[str]:
    """Every cell of a CSV export that is not a number (as a spreadsheet would see it)."""
    cells = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            for cell in row:
                try:
                    float(cell)
                except ValueError:
                    cells.append(cell)
    return cells


@pytest.mark.parametrize("layer", [*OSM_LAYERS, "lsoa21"])
def test_csv_export_neutralises_formula_cells(
    layer: str, hostile: HostileBundle, tmp_path: Path
) -> None:
    cells = _csv_text_cells(_export(layer, hostile, "csv", tmp_path))
    live = [c for c in cells if c.startswith(_FORMULA_START)]
    assert not live, f"{layer}: cells a spreadsheet would run as formulas: {live[:3]}"
    if layer in OSM_LAYERS:  # the main ward's features carry the hyperlink payload
        assert "'" + PAYLOADS[4] in cells


def test_csv_download_zip_neutralises_the_hyperlink_ward(hostile: HostileBundle) -> None:
    """The Downloads page's CSV (zipped with its attribution) for the county's wards."""
    from healthyplaces import export

    data, name, _, _ = export.export_download("wards", None, "csv")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        member = next(n for n in zf.namelist() if n.endswith(".csv"))
        rows = list(csv.DictReader(io.StringIO(zf.read(member).decode("utf-8"))))
    names = {r["ward_name"] for r in rows}
    assert "'" + PAYLOADS[4] in names, name
    assert PAYLOADS[4] not in names
    assert PAYLOADS[0] in names  # other hostile names are kept as written
