"""The real app in headless Chromium, page by page: reports, my area, scenarios, place profile.

Each test starts a fresh Streamlit session against ``streamlit run app.py`` (see
``conftest.py``), acts as a user would (sidebar place picker, page navigation,
file upload, Leaflet.draw in the map iframe, download buttons) and checks the
numbers shown against the analysis engine run in this process on the same bundle.
Full-page screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis import areas, new_park, profiles
from analysis.air_years import selected_year
from geo import crs, standards
from healthyplaces import report
from tests.browser.harness import ARTIFACTS, MAP_IFRAME, choose_place, drawn_map, wait_idle

BRADFORD = "Bradford (district, E08000032)"
#: Census 2021 residents of Bradford district (sum of its 312 LSOAs).
BRADFORD_POPULATION = "546,373"
#: A new park of about 3 ha: a square this many metres a side.
PARK_SIDE_M = math.sqrt(30_000.0)
#: Gap between an LSOA's population-weighted centroid and the park's west edge (m).
PARK_OFFSET_M = 20.0
HEADLINE_ROW = "2 ha site within 300 m"

pytestmark = pytest.mark.browser


# --- Helpers --------------------------------------------------------------------


def _open_app(page: Any, app_url: str) -> None:
    """Open the app on the map explorer and wait for its map."""
    page.goto(app_url)
    page.wait_for_selector(MAP_IFRAME)
    wait_idle(page, 90_000)


def _go_to(page: Any, nav_label: str, heading: str) -> None:
    """Open a page from the sidebar navigation (keeps the session and its chosen place)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(nav_label, exact=True).click()
    page.get_by_role("heading", name=heading).first.wait_for()
    wait_idle(page, 90_000)


def _screenshot(page: Any, name: str) -> Path:
    """Screenshot the whole page: Streamlit scrolls inside ``stMain``, so grow the viewport."""
    path = ARTIFACTS / name
    size = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 8000)})
    page.wait_for_timeout(700)  # charts and maps settle at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def _metric(page: Any, label: str) -> str:
    """The value shown by the ``st.metric`` with this label."""
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return str(metric.locator('[data-testid="stMetricValue"]').inner_text()).strip()


def _people(text: str) -> int:
    """``1,712`` -> 1712 (a whole number of people as the page formats it)."""
    match = re.fullmatch(r"\s*(\d{1,3}(?:,\d{3})*)\s*", text)
    assert match, f"not a number of people: {text!r}"
    return int(match.group(1).replace(",", ""))


def _gain_cells(page: Any, row_label: str) -> list[str]:
    """Cells of the gains table's row for one access standard (st.dataframe's a11y grid)."""
    table = page.locator('[data-testid="stDataFrame"]').first
    # The grid is drawn on a canvas; its accessible table is in the DOM but not "visible".
    row = table.locator('[role="row"]').filter(has_text=row_label).first
    row.wait_for(state="attached")
    return [str(t).strip() for t in row.locator('[role="gridcell"]').all_text_contents()]


def _write_geojson(geometry: shapely.Geometry, path: Path) -> Path:
    """Write one EPSG:27700 polygon as a GeoJSON FeatureCollection in EPSG:4326 (lon/lat)."""
    gdf = gpd.GeoDataFrame(geometry=[geometry], crs=crs.ANALYSIS_CRS).to_crs(4326)
    path.write_text(gdf.to_json(), encoding="utf-8")
    return path


def _as_app_reads_it(path: Path) -> Any:
    """The validated area exactly as the app builds it from the uploaded file."""
    from layers.user_area import read_user_area_bytes

    return read_user_area_bytes(path.read_bytes(), path.name)


def _lsoa_lacking_2ha(results: Any) -> Any:
    """A real LSOA none of whose residents has a 2 ha site within 300 m of their postcode
    (the first by code, in Bradford district, so the choice is stable)."""
    lsoa = results.lsoa
    lacking = lsoa[(lsoa["meets_2ha_300m"] == 0) & (lsoa["district_name"] == "Bradford")]
    assert not lacking.empty
    return lacking.sort_values("lsoa21_code").iloc[0]


def _new_park(row: Any) -> shapely.Geometry:
    """A hypothetical ~3 ha square park just east of the LSOA's population-weighted centroid
    (EPSG:27700): a test scenario a user might draw, not a real or planned site."""
    x, y = float(row["pwc_x"]), float(row["pwc_y"])
    half = PARK_SIDE_M / 2
    return shapely.box(x + PARK_OFFSET_M, y - half, x + PARK_OFFSET_M + PARK_SIDE_M, y + half)


def _wait_for_result_map(page: Any) -> None:
    """Wait for the scenario's before/after map (the page's last map) to draw its LSOAs."""
    page.get_by_role("heading", name="Before and after: the LSOAs affected").wait_for()
    drawn_map(page, -1)


def _map_frame(page: Any) -> Any:
    """The (first) st_folium map's Frame, once Leaflet has drawn in it."""
    handle = page.locator(MAP_IFRAME).first.element_handle()
    frame = handle.content_frame()
    frame.wait_for_selector(".leaflet-container")
    return frame


# --- Reports --------------------------------------------------------------------


def test_report_for_bradford_downloads_pdf_and_html(
    app_url: str, page: Any, results: Any, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    bradford = results.lsoa[results.lsoa["district_name"] == "Bradford"]
    assert f"{int(bradford['population'].sum()):,}" == BRADFORD_POPULATION

    _open_app(page, app_url)
    choose_place(page, BRADFORD, 90_000)
    _go_to(page, "Reports", "Reports")
    page.get_by_text("The chosen place: Bradford (district, E08000032)").wait_for()
    page.get_by_role("button", name="Build the report for Bradford").click()
    pdf_button = page.get_by_role("button", name="Download the PDF report")
    pdf_button.wait_for(timeout=120_000)
    wait_idle(page, 90_000)
    page.get_by_text("The report for Bradford is ready").wait_for()

    with page.expect_download() as pdf_info:
        pdf_button.click()
    pdf_path = tmp_path / "bradford.pdf"
    pdf_info.value.save_as(str(pdf_path))
    assert pdf_info.value.suggested_filename == "healthyplaces-Bradford.pdf"
    reader = PdfReader(pdf_path)
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    assert "Bradford" in first
    assert BRADFORD_POPULATION in first
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "OpenStreetMap" in text  # attribution travels with the report

    with page.expect_download() as html_info:
        page.get_by_role("button", name="Download the HTML report").click()
    html_path = tmp_path / "bradford.html"
    html_info.value.save_as(str(html_path))
    html = html_path.read_text(encoding="utf-8")
    assert "<html" in html.lower() and "Bradford" in html
    assert BRADFORD_POPULATION in html

    page.get_by_text("Preview: summary and headline indicators").wait_for()
    _screenshot(page, "reports_bradford.png")


# --- My area ----------------------------------------------------------------------


def test_my_area_upload_shows_its_profile(
    app_url: str, page: Any, results: Any, tmp_path: Path
) -> None:
    # The uploaded area: a 500 m circle round the population-weighted centroid of a real
    # LSOA (layers.boundaries.load_lsoa21), written in EPSG:4326 as a user's file would be.
    # It stands for a user-drawn area; it is not presented as any real boundary.
    from layers.boundaries import load_lsoa21

    lsoa = load_lsoa21().sort_values("lsoa21_code")
    row = lsoa[lsoa["district_name"] == "Leeds"].iloc[0]
    circle = shapely.Point(float(row["pwc_x"]), float(row["pwc_y"])).buffer(500.0)
    path = _write_geojson(circle, tmp_path / f"around-{row['lsoa21_code']}.geojson")

    user = _as_app_reads_it(path)
    area = areas.area_for_polygon(results, user.geometry, name=user.name)
    prof = profiles.profile(results, area)
    expected_people = report.fmt_people(prof["population"])
    expected_no2 = f"{report.fmt_number(prof['no2_pop_weighted_ugm3'])} µg/m³"
    assert prof["population"] > 0

    _open_app(page, app_url)
    _go_to(page, "My area", "My area")
    page.get_by_text("Upload a boundary file", exact=True).click()
    wait_idle(page, 90_000)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_role("heading", name=f"Profile: {user.name}").wait_for(timeout=90_000)
    wait_idle(page, 90_000)

    success = page.locator('[data-testid="stAlertContentSuccess"]').first.inner_text()
    assert f"{user.name}: {user.area_ha:,.1f} ha" in success  # about π × 500² m² = 78.5 ha
    people = _metric(page, "Residents (Census 2021)")
    assert _people(people) > 0
    assert people == expected_people
    assert _metric(page, f"NO₂ ({selected_year()})") == expected_no2
    page.get_by_role("heading", name="Headline indicators").wait_for()
    page.get_by_role("heading", name="By deprivation decile (IoD 2025)").wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    _screenshot(page, "my_area_upload.png")


# --- Scenarios --------------------------------------------------------------------


def test_scenario_upload_new_park_gains_people(
    app_url: str, page: Any, results: Any, tmp_path: Path
) -> None:
    row = _lsoa_lacking_2ha(results)
    path = _write_geojson(_new_park(row), tmp_path / "new-park.geojson")
    park = _as_app_reads_it(path)
    expected = new_park.add_park(results, park.geometry)["gain_straight"]
    assert expected["2ha_300m"] > 0  # the park puts this LSOA's centroid within 300 m

    _open_app(page, app_url)
    _go_to(page, "Scenarios", "Scenarios: a new park")
    page.get_by_text("Upload a boundary file", exact=True).click()
    wait_idle(page, 90_000)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_role("heading", name="More people meeting each access standard").wait_for(
        timeout=90_000
    )
    wait_idle(page, 90_000)

    assert "new-park: 3.0 ha" in page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
    assert _metric(page, "New park") == "3.00 ha"
    for tier in standards.ACCESS_TIERS:
        cells = _gain_cells(page, tier.label)
        assert cells[0] == tier.label
        gain = _people(cells[1])
        assert gain >= 0
        assert gain == expected[tier.name], tier.name
    assert _people(_gain_cells(page, HEADLINE_ROW)[1]) > 0
    _wait_for_result_map(page)
    _screenshot(page, "scenario_upload.png")


def test_scenario_draw_rectangle_on_the_map(app_url: str, page: Any, results: Any) -> None:
    row = _lsoa_lacking_2ha(results)
    label = f"{row['lsoa21_name']} (lsoa, {row['lsoa21_code']})"
    park = gpd.GeoSeries([_new_park(row)], crs=crs.ANALYSIS_CRS).to_crs(4326)
    west, south, east, north = (float(v) for v in park.total_bounds)
    lsoa_box = gpd.GeoSeries([row["geometry"]], crs=crs.ANALYSIS_CRS).to_crs(4326)
    lw, ls, le, ln = (float(v) for v in lsoa_box.total_bounds)

    _open_app(page, app_url)
    choose_place(page, label, 90_000)
    _go_to(page, "Scenarios", "Scenarios: a new park")  # drawing is the default here
    iframe = page.locator(MAP_IFRAME).first
    iframe.scroll_into_view_if_needed()
    frame = _map_frame(page)
    frame.wait_for_selector(".leaflet-draw-draw-rectangle")

    # The draw map is fitted to the chosen LSOA once its iframe has its final size.
    page.wait_for_function(
        "el => el.getBoundingClientRect().height > 400", arg=iframe.element_handle()
    )
    view = frame.wait_for_function(
        """([w, s, e, n]) => {
            const m = window.map;
            if (!m || m.getContainer().clientHeight < 400) { return null; }
            const b = m.getBounds();
            const inside = b.getWest() <= w && b.getEast() >= e
                && b.getSouth() <= s && b.getNorth() >= n;
            return inside && (b.getEast() - b.getWest()) < 6 * (e - w)
                ? [b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), m.getZoom()] : null;
        }""",
        arg=[lw, ls, le, ln],
        timeout=15_000,
    ).json_value()
    assert view[4] >= 13, view

    corners = frame.evaluate(
        """([w, s, e, n]) => {
            const a = window.map.latLngToContainerPoint([n, w]);
            const b = window.map.latLngToContainerPoint([s, e]);
            return [a.x, a.y, b.x, b.y];
        }""",
        [west, south, east, north],
    )
    box = iframe.bounding_box()
    assert box is not None
    x1, y1 = box["x"] + corners[0], box["y"] + corners[1]
    x2, y2 = box["x"] + corners[2], box["y"] + corners[3]
    assert x2 - x1 > 20 and y2 - y1 > 20, "the park should be tens of pixels across"

    frame.click(".leaflet-draw-draw-rectangle")
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=4)
    page.mouse.move(x2, y2, steps=4)
    page.mouse.up()

    page.get_by_role("heading", name="More people meeting each access standard").wait_for(
        timeout=90_000
    )
    wait_idle(page, 90_000)
    success = page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
    match = re.search(r"Drawn area: ([\d.]+) ha", success)
    assert match, success
    assert 2.5 <= float(match.group(1)) <= 3.5, success  # drawn to the pixel: about 3 ha
    for tier in standards.ACCESS_TIERS:
        assert _people(_gain_cells(page, tier.label)[1]) >= 0
    gain = _people(_gain_cells(page, HEADLINE_ROW)[1])
    assert gain > 0
    # None of that LSOA's residents met the standard before, so every one whose postcode is
    # within 300 m of the park gains: counted here from the population surface, with 20 m
    # taken off the distance for the pixel rounding of the drawn rectangle.
    p = results.points
    mine = p[
        p["group"].to_numpy()
        == int(np.flatnonzero(results.lsoa["lsoa21_code"].eq(row["lsoa21_code"]))[0])
    ]
    near = shapely.dwithin(
        shapely.points(mine["easting"].to_numpy(), mine["northing"].to_numpy()),
        _new_park(row),
        300.0 - 20.0,
    )
    assert gain >= int(mine["people"].to_numpy()[near].sum()) > 0
    _wait_for_result_map(page)
    _screenshot(page, "scenario_drawn.png")


# --- Place profile ------------------------------------------------------------------


def test_place_profile_for_bradford(app_url: str, page: Any) -> None:
    _open_app(page, app_url)
    choose_place(page, BRADFORD, 90_000)
    _go_to(page, "Place profile", "Place profile: Bradford")
    assert _metric(page, "Residents (Census 2021)") == BRADFORD_POPULATION
    page.get_by_role("heading", name="Headline indicators").wait_for()
    page.get_by_role("heading", name="By deprivation decile (IoD 2025)").wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    headline = page.locator('[data-testid="stDataFrame"]').first
    headline.locator('[role="gridcell"]', has_text=BRADFORD_POPULATION).first.wait_for(
        state="attached"
    )
    _screenshot(page, "place_profile_bradford.png")


def test_every_page_opens_without_an_exception(app_url: str, page: Any) -> None:
    """No page shows a Python exception when visited in turn with Bradford chosen."""
    _open_app(page, app_url)
    choose_place(page, BRADFORD, 90_000)
    for nav, heading in [
        ("Place profile", "Place profile: Bradford"),
        ("My area", "My area"),
        ("Scenarios", "Scenarios: a new park"),
        ("Reports", "Reports"),
        ("Downloads", "Downloads"),
    ]:
        _go_to(page, nav, heading)
        assert page.locator('[data-testid="stException"]').count() == 0, nav
