"""The walking-areas page (AppTest) and the pieces behind it: input parsing, names, the map,
the GeoJSON download.

The page's numbers must be the ``healthyplaces isochrone`` command's
(:func:`analysis.walk.isochrone_summary`) for the same point; the place the
network covers is read from the bundle, so the expected messages are built
from :func:`layers.network.network_coverage`, never written out here.
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from analysis.walk import WALK_SPEED_KMH, isochrone_summary
from app_pages import _isochrone_view as view
from geo import crs
from healthyplaces.export.isochrone import isochrone_geojson
from healthyplaces.maps import isochrone as iso_map
from layers import catalogue
from layers.network import network_coverage

TIMEOUT = 300
#: Leeds city centre (lon, lat; 4 decimals: the page's ~10 m rounding).
LEEDS = (-1.5486, 53.7997)
#: Halifax town centre: in West Yorkshire, far outside the offline walking network.
HALIFAX = (-1.8600, 53.7200)
#: Two times keep the test quick (the 15-minute area takes longest to buffer).
MINUTES = "5, 10"


def _run_walking() -> None:
    from app_pages import _frame, walking

    _frame.run(walking.render)


def _page() -> AppTest:
    return AppTest.from_function(_run_walking, default_timeout=TIMEOUT)


def _typed(point: str, minutes: str = MINUTES) -> AppTest:
    at = _page()
    at.session_state["walk_point"] = point
    at.session_state["walk_minutes"] = minutes
    return at.run()


def _messages(at: AppTest) -> str:
    return " ".join(str(m.value) for m in [*at.warning, *at.error, *at.info]).replace("\\", "")


@pytest.fixture(scope="module")
def leeds_page() -> AppTest:
    """The page after a user typed a central Leeds point and 5, 10 minutes."""
    return _typed(f"{LEEDS[0]}, {LEEDS[1]}")


@pytest.fixture(scope="module")
def leeds_summary() -> dict[str, Any]:
    """What ``healthyplaces isochrone --at=-1.5486,53.7997 --minutes 5,10`` computes."""
    return isochrone_summary(LEEDS[0], LEEDS[1], [5.0, 10.0])


# --- The page --------------------------------------------------------------------------


def test_page_without_a_point_explains_itself_and_names_the_network_from_the_bundle() -> None:
    at = _page().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Walking areas"
    assert at.text_input(key="walk_minutes").value == "5, 10, 15"
    assert "Click the map" in _messages(at)
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert network_coverage().name in captions
    assert not at.dataframe


def test_typed_point_shows_the_same_people_and_areas_as_the_cli(
    leeds_page: AppTest, leeds_summary: dict[str, Any]
) -> None:
    at = leeds_page
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning and not at.error, _messages(at)
    table = at.dataframe[0].value
    assert list(table["Walk (min)"]) == [5.0, 10.0]
    bands = leeds_summary["bands"]
    people = [round(b["people"]) for b in bands]
    assert list(table["Residents (Census 2021, by postcode)"]) == people
    assert list(table["Area (ha)"]) == [round(b["area_ha"], 1) for b in bands]
    assert list(table["Green space inside (ha)"]) == [round(b["green_ha"], 1) for b in bands]
    assert list(table["Distance (m)"]) == [400, 800]  # 5 and 10 min at 4.8 km/h
    # Park Square (a 0.65 ha OSM site, 2023) is 176 m from the point in a straight line:
    # the 5-minute (400 m) walk reaches it.
    names = at.dataframe[1].value
    assert list(names.columns) == ["Walk (min)", "Green sites reached", "Blue space reached"]
    assert "Park Square" in names["Green sites reached"].iloc[0]
    # Nested: the longer walk holds at least as many people, hectares and sites.
    assert table["Residents (Census 2021, by postcode)"].is_monotonic_increasing
    assert table["Area (ha)"].is_monotonic_increasing


def test_the_method_and_sources_are_given_under_the_table(leeds_page: AppTest) -> None:
    captions = " ".join(c.value for c in leeds_page.caption).replace("\\", "")
    assert f"{WALK_SPEED_KMH:g} km/h" in captions
    assert "Census 2021" in captions and "OpenStreetMap" in captions
    assert network_coverage().name in captions


def test_the_download_is_the_walking_areas_in_lonlat_with_attribution(
    leeds_page: AppTest, leeds_summary: dict[str, Any]
) -> None:
    labels = [str(getattr(d, "label", "")) for d in leeds_page.get("download_button")]
    assert labels == ["Download the walking areas (GeoJSON, EPSG:4326)"]
    data = json.loads(isochrone_geojson(leeds_summary, network_coverage().source))
    assert data["attribution"] == catalogue.ATTRIBUTION
    assert "crs" not in data  # RFC 7946: EPSG:4326 implied
    assert [f["properties"]["minutes"] for f in data["features"]] == [5.0, 10.0]
    for feature, band in zip(data["features"], leeds_summary["bands"], strict=True):
        assert feature["properties"]["people"] == pytest.approx(band["people"])
        assert feature["properties"]["attribution"] == catalogue.ATTRIBUTION
        got = shapely.geometry.shape(feature["geometry"])
        want = shapely.geometry.shape(band["geometry_lonlat"])
        # lon/lat degrees near Leeds: rounding to 6 decimals moves vertices under 0.1 m
        assert shapely.hausdorff_distance(got, want) < 1e-6
        minx, miny, maxx, maxy = got.bounds
        assert -1.6 < minx < maxx < -1.5 and 53.7 < miny < maxy < 53.9


def test_a_point_outside_the_network_gives_the_coverage_message_and_no_table() -> None:
    at = _typed(f"{HALIFAX[0]}, {HALIFAX[1]}")
    assert not at.exception, [e.value for e in at.exception]
    cov = network_coverage()
    text = _messages(at)
    assert f"walking network covers {cov.place} only ({cov.name})" in text
    assert "-1.86000, 53.72000 is outside it" in text
    assert not at.dataframe and not at.get("download_button")


def test_a_map_click_becomes_the_starting_point(monkeypatch: pytest.MonkeyPatch) -> None:
    """A click (outside the network: no walk to compute) fills the point box and is used."""
    from app_pages import walking

    click = {"last_clicked": {"lng": HALIFAX[0], "lat": HALIFAX[1]}}
    monkeypatch.setattr(walking, "show_map", lambda *a, **k: click)
    at = _page().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="walk_point").value == "-1.86000, 53.72000"
    assert "is outside it" in _messages(at)


@pytest.mark.parametrize(
    ("point", "minutes", "expected"),
    [
        ("Leeds", MINUTES, "is not a point"),
        ("53.7997, -1.5486", MINUTES, "looks like latitude, longitude"),
        ("-1.5486, 95", MINUTES, "latitude must be between"),
        ("-1.5486, 53.7997", "5, ten", "is not a list of walking times"),
        ("-1.5486, 53.7997", "0, 5", "must be above 0 and at most 30 minutes"),
        ("-1.5486, 53.7997", "5, 45", "must be above 0 and at most 30 minutes"),
    ],
)
def test_bad_input_gets_a_message_quoting_it(point: str, minutes: str, expected: str) -> None:
    at = _typed(point, minutes)
    assert not at.exception, [e.value for e in at.exception]
    assert expected in _messages(at)
    assert not at.dataframe


# --- Parsing and naming (hand-checked) -------------------------------------------------


def test_parse_point_accepts_commas_spaces_and_signs() -> None:
    assert view.parse_point("-1.5486, 53.7997") == (-1.5486, 53.7997)
    assert view.parse_point(" -1.5486 53.7997 ") == (-1.5486, 53.7997)
    assert view.parse_point("+.5;53") == (0.5, 53.0)


def test_parse_minutes_sorts_and_deduplicates() -> None:
    assert view.parse_minutes("15, 5,10, 5") == (5.0, 10.0, 15.0)
    assert view.parse_minutes("2.5") == (2.5,)
    with pytest.raises(view.InputProblem, match="at most 5 walking times"):
        view.parse_minutes("1 2 3 4 5 6")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            ["Park Square", None, "Park Square", "Lovell Park"],
            "Park Square, Lovell Park (1 unnamed)",
        ),
        ([None, " "], "2 unnamed"),
        ([], "none"),
        ([f"S{i}" for i in range(8)], "S0, S1, S2, S3, S4, S5 and 2 more"),
    ],
)
def test_names_in_a_cell(values: list[Any], expected: str) -> None:
    import pandas as pd

    assert view._names([pd.Series(values, dtype=object)]) == expected


# --- The map layers (hand-made walking areas) -----------------------------------------


def _square_band(minutes: float, half_m: float, x: float, y: float) -> dict[str, Any]:
    """A band whose walking area is a square of side 2 × ``half_m`` round (x, y) (EPSG:27700)."""
    square = shapely.box(x - half_m, y - half_m, x + half_m, y + half_m)
    lonlat = gpd.GeoSeries([square], crs=crs.ANALYSIS_CRS).to_crs(crs.DISPLAY_CRS).iloc[0]
    return {
        "minutes": minutes,
        "distance_m": minutes * 80.0,
        "area_ha": square.area / 1e4,
        "green_ha": 0.0,
        "blue_ha": 0.0,
        "people": 100.0 * minutes,
        "complete": True,
        "geometry_lonlat": shapely.geometry.mapping(lonlat),
    }


@pytest.fixture()
def squares() -> list[dict[str, Any]]:
    x, y = 430_000.0, 433_500.0  # Leeds city centre, EPSG:27700 m
    return [_square_band(15, 600, x, y), _square_band(5, 200, x, y), _square_band(10, 400, x, y)]


def test_bands_frame_orders_by_time_and_keeps_the_areas(squares: list[dict[str, Any]]) -> None:
    frame = iso_map.bands_frame(squares)
    assert list(frame["minutes"]) == [5, 10, 15]
    hectares = frame.to_crs(crs.ANALYSIS_CRS).area.to_numpy() / 1e4
    assert hectares == pytest.approx([16.0, 64.0, 144.0], rel=1e-6)  # (2 × half)² / 10,000


def test_isochrone_colours_run_dark_to_light() -> None:
    import matplotlib as mpl

    colours = iso_map.isochrone_colours(3)
    lightness = [sum(mpl.colors.to_rgb(c)) for c in colours]
    assert lightness == sorted(lightness)  # the shortest walk is the darkest
    assert len(set(colours)) == 3


def test_walking_areas_are_drawn_longest_first_with_a_legend(
    squares: list[dict[str, Any]],
) -> None:
    from healthyplaces import maps

    frame = iso_map.bands_frame(squares)
    m = maps.base_map(frame.to_crs(crs.ANALYSIS_CRS).total_bounds)
    iso_map.add_isochrones(m, frame, WALK_SPEED_KMH, 25.0)
    html = m.get_root().render()
    assert "Walking time at 4.8 km/h" in html
    for label in ("5 min (400 m)", "10 min (800 m)", "15 min (1,200 m)"):
        assert label in html
    order = [html.index(f'"t": "{t} min"') for t in (15, 10, 5)]
    assert order == sorted(order)  # 15 drawn first, so the 5-minute area is on top
