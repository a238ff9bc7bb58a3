"""The Streamlit app under AppTest: runs cleanly, place picking, layer toggles, downloads,
and one clear message on every page for a missing or corrupt bundle file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Toggle

from layers.network import network_coverage

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120
PAGES = [
    "map_explorer",
    "walking",
    "place_profile",
    "my_area",
    "scenarios",
    "left_out",
    "evidence",
    "reports",
    "downloads",
]


def _run_page(name: str) -> None:
    """One page as app.py runs it: the sidebar picker, then the page, inside the common frame."""
    import importlib

    from app_pages import _frame

    _frame.run(importlib.import_module(f"app_pages.{name}").render)


def _page(name: str) -> AppTest:
    return AppTest.from_function(_run_page, args=(name,), default_timeout=TIMEOUT)


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _toggle(at: AppTest, label: str) -> Toggle:
    return next(t for t in at.toggle if t.label == label)


@pytest.fixture()
def app() -> AppTest:
    return _app()


def test_app_runs_without_exceptions(app: AppTest) -> None:
    assert not app.error
    assert app.title[0].value == "Map explorer"
    assert app.session_state["place_code"] == "E47000003"
    # the visible data-gaps note
    assert any(network_coverage().note in i.value for i in app.info)


def test_choosing_bradford_changes_the_selected_place(app: AppTest) -> None:
    picker = app.sidebar.selectbox[0]
    assert picker.label == "Place"
    assert picker.format_func("E08000032") == "Bradford (district, E08000032)"
    picker.set_value("E08000032").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["place_code"] == "E08000032"
    assert "**Bradford** (district, E08000032" in app.caption[0].value


def test_toggling_no2_and_iod_layers(app: AppTest) -> None:
    app.sidebar.selectbox[0].set_value("E08000032").run()
    _toggle(app, "NO₂").set_value(True)
    _toggle(app, "IoD 2025 deciles").set_value(True)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert _toggle(app, "NO₂").value and _toggle(app, "IoD 2025 deciles").value
    _toggle(app, "Use online map tiles").set_value(True).run()
    assert not app.exception


def test_where_people_live_for_a_ward_and_a_note_for_a_district(app: AppTest) -> None:
    app.sidebar.selectbox[0].set_value("E08000032").run()
    _toggle(app, "Where people live").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("drawn for a ward, MSOA or LSOA" in c.value for c in app.caption)
    app.sidebar.selectbox[0].set_value("E05001364").run()  # Toller ward
    assert not app.exception, [e.value for e in app.exception]
    assert not any("drawn for a ward, MSOA or LSOA" in c.value for c in app.caption)


def test_indicator_choropleth_and_double_burden(app: AppTest) -> None:
    if any("not available yet" in c.value for c in app.caption):
        pytest.skip("analysis engine not available")
    app.sidebar.selectbox[0].set_value("E08000035").run()
    _toggle(app, "Indicator choropleth").set_value(True)
    _toggle(app, "Double burden LSOAs").set_value(True)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    indicator = next(s for s in app.selectbox if s.label == "Indicator")
    indicator.set_value("net_dist_2ha_300m").run()
    next(r for r in app.radio if r.label == "Classification").set_value("natural_breaks").run()
    assert not app.exception, [e.value for e in app.exception]


def test_edge_affected_residents_are_a_map_indicator(app: AppTest) -> None:
    """Issue 8, item 5: the edge flag is on the map. Ilkley ward (E05001354) touches the
    North Yorkshire boundary; many of its residents' 500 ha/10 km result is a lower bound."""
    from analysis.engine import INDICATORS, load_results

    key = "edge_affected_500ha_10km"
    assert "lower bound" in INDICATORS[key]["label"]
    t = load_results().lsoa
    ilkley = t.loc[t["ward_code"] == "E05001354", key]
    assert ilkley.between(0, 1).all() and (ilkley > 0.5).any()
    app.sidebar.selectbox[0].set_value("E05001354").run()
    _toggle(app, "Indicator choropleth").set_value(True)
    app.run()
    next(s for s in app.selectbox if s.label == "Indicator").set_value(key).run()
    assert not app.exception, [e.value for e in app.exception]


def test_map_click_selects_the_lsoa_under_it(app: AppTest) -> None:
    """A click is looked up (maps.feature_at) and requested as the next place."""
    import geopandas as gpd
    import shapely

    from healthyplaces.maps import feature_at
    from layers.places import load_boundaries

    lsoas = load_boundaries("lsoa")
    one = lsoas.iloc[[10]]
    pt = gpd.GeoSeries(shapely.point_on_surface(one.geometry.values), crs=one.crs).to_crs(4326)
    hit = feature_at(lsoas, float(pt.x.iloc[0]), float(pt.y.iloc[0]))
    assert hit is not None
    code = str(hit["code"])
    app.session_state["_pending_place_code"] = code  # what the click handler requests
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["place_code"] == code
    assert code in app.caption[0].value


def test_app_registers_every_page_as_a_render_function() -> None:
    """app.py's menu: every page in order, each a module's ``render`` (nothing runs at import)."""
    import importlib

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    menu = [p.get("page_name") for p in at._registered_pages.values()]
    assert menu == [
        "Map explorer",
        "Walking areas",
        "Place profile",
        "My area",
        "Scenarios",
        "Who is left out",
        "Evidence",
        "Reports",
        "Downloads",
    ]
    # The default page is served at the root; the others at their module's name.
    urls = [p.get("url_pathname") for p in at._registered_pages.values()]
    assert urls == ["", *PAGES[1:]]
    for name in PAGES:
        assert callable(importlib.import_module(f"app_pages.{name}").render)


def test_downloads_page_offers_geojson() -> None:
    app = _page("downloads").run()
    app.sidebar.selectbox[0].set_value("E08000032").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Downloads"
    layer = next(s for s in app.selectbox if s.label == "Layer")
    layer.set_value("wards").run()
    next(r for r in app.radio if r.label == "Format").set_value("geojson").run()
    next(b for b in app.button if b.label == "Prepare download").click().run()
    assert not app.exception, [e.value for e in app.exception]
    buttons = app.get("download_button")
    assert buttons, "no download button"
    label = buttons[0].proto.label
    assert "wards_e08000032.geojson" in label and "30 features" in label


def test_missing_bundle_shows_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEALTHYPLACES_BUNDLE", str(tmp_path / "nowhere"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("data bundle cannot be read" in e.value for e in at.error)


def test_geojson_bytes_from_the_download_helper() -> None:
    from healthyplaces.export import export_download

    data, name, mime, n = export_download("wards", "E08000032", "geojson")
    assert mime == "application/geo+json" and name.endswith(".geojson")
    assert len(json.loads(data)["features"]) == n == 30


def test_a_pyarrow_error_gets_the_same_named_message() -> None:
    """An Arrow error that escapes the bundle reader is still the bundle message, no traceback."""

    def script() -> None:
        import pyarrow as pa

        from app_pages import _frame

        def render() -> None:
            raise pa.ArrowInvalid("Parquet magic bytes not found in footer")

        _frame.run(render)

    at = AppTest.from_function(script, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "data bundle cannot be read" in at.error[0].value
    assert "magic bytes" in at.error[0].value
    assert at.code[0].value == "healthyplaces bundle build"


# --- Every page with a truncated bundle file --------------------------------------------------

TRUNCATED = "greenspace_sites.parquet"  # read by every page: sites layer, results, default export


@pytest.fixture(scope="module")
def broken_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the committed bundle with one file cut to half its length (checksum fails)."""
    copy = tmp_path_factory.mktemp("bundle") / "west_yorkshire"
    shutil.copytree(ROOT / "data" / "west_yorkshire", copy)
    path = copy / TRUNCATED
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return copy


@pytest.fixture()
def use_broken_bundle(broken_bundle: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("HEALTHYPLACES_BUNDLE", str(broken_bundle))
    yield broken_bundle


@pytest.mark.parametrize("name", PAGES)
def test_every_page_names_a_truncated_bundle_file(name: str, use_broken_bundle: Path) -> None:
    at = _page(name).run()
    buttons = [b for b in at.button if b.label == "Prepare download"]
    if not at.error and buttons:  # Downloads reads the layer when asked to export it
        buttons[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    messages = [e.value for e in at.error]
    assert len(messages) == 1, messages
    text = messages[0].replace("\\", "")
    assert "data bundle cannot be read" in text
    assert str(use_broken_bundle / TRUNCATED) in text
    assert "SHA-256" in text
    assert at.code[0].value == "healthyplaces bundle build"
