"""Maps: payload size at county zoom, escaped OSM names, attribution, NO₂ overlay position."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from healthyplaces import maps
from layers import catalogue
from layers.air_quality import load_pollutant
from layers.boundaries import load_lsoa21
from layers.deprivation import load_iod2025
from layers.greenspace import load_sites
from layers.places import load_boundaries
from tests._frames import sent


@pytest.fixture(scope="module")
def county_bounds() -> np.ndarray:
    return load_boundaries("county").total_bounds


@pytest.fixture(scope="module")
def lsoa_iod() -> gpd.GeoDataFrame:
    lsoa = load_lsoa21()
    return lsoa.merge(load_iod2025()[["lsoa21_code", "IMD_score"]], on="lsoa21_code")


@pytest.fixture(scope="module")
def county_map(county_bounds, lsoa_iod) -> folium.Map:
    """County zoom: all 1,404 LSOAs as a choropleth, the green-space sites and NO₂."""
    m = maps.base_map(county_bounds, tiles=False)
    maps.add_choropleth(m, lsoa_iod, "IMD_score", "IMD 2025 score", "score", "quantiles", 5)
    maps.add_green_sites(m, load_sites(), min_area_ha=maps.COUNTY_MIN_SITE_HA)
    maps.add_raster(m, load_pollutant("no2"), label="NO₂ 2019", units="µg/m³", guideline=10)
    return maps.finish(m)


@pytest.fixture(scope="module")
def county_html(county_map) -> str:
    return county_map.get_root().render()


def test_county_payload_under_5_mb(county_map, county_html) -> None:
    size = maps.map_payload_bytes(county_map)
    assert size < 5_000_000, f"{size / 1e6:.2f} MB"
    assert county_html.count('"lsoa21_code"') == 0  # only short display properties
    assert len(re.findall(r"E010\d{5}", county_html)) >= 1404


def _unescape(html: str) -> str:
    """Undo the ``\\uXXXX`` escapes Jinja's ``tojson`` puts in the map's scripts."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


def test_attribution_is_in_the_html(county_html) -> None:
    text = _unescape(county_html)
    assert catalogue.ATTRIBUTION in text  # the fixed attribution box
    # ...and the layers credit their sources in Leaflet's attribution control
    assert '"attribution": "© OpenStreetMap contributors (ODbL)"' in text
    assert "OGL v3.0" in text


def test_groups_credit_their_sources_and_features_draw_on_canvas(county_html) -> None:
    """Each switchable group carries its attribution, never its GeoJSON layers: Leaflet
    copies a GeoJSON layer's options to every feature it makes, and the attribution
    control rebuilds its text for each one (a third of the browser's time drawing a
    district's sites). The options go second, ``L.featureGroup(layers, options)``: as
    the first argument Leaflet ignored them. Shapes are drawn on one canvas
    (``preferCanvas``)."""
    text = _unescape(county_html)
    groups = re.findall(r"L\.featureGroup\(\s*null,\s*(\{.*?\})\s*\)", text, re.S)
    assert groups and all('"attribution"' in g for g in groups), groups
    geojson_options = re.findall(r"L\.geoJson\(null, (\{.*?\})\)", text, re.S)
    assert geojson_options and not any('"attribution"' in o for o in geojson_options)
    assert '"preferCanvas": true' in text


def test_legends_are_text_with_units(county_html) -> None:
    text = _unescape(county_html)
    assert "Legend: NO₂ 2019" in text  # the legend's accessible name
    assert "µg/m³" in text
    assert "Parks and gardens" in text
    assert "Quantiles (equal counts), 5 classes" in text


def test_one_collapsible_legend_panel_holds_every_layer(county_html) -> None:
    """Three layers with legends, ONE Leaflet legend control: a <details> panel, a section
    per layer, never a stack of controls over the map."""
    text = _unescape(county_html)
    assert text.count('L.DomUtil.create("div", "hp-legend hp-legend-panel")') == 1
    assert text.count('L.control({position: "bottomright"})') == 1
    assert text.count("L.control(") == 2  # the legend panel and the attribution box
    assert text.count("<details open><summary") == 1
    assert text.count('L.DomUtil.create("section", "hp-legend-section", body)') == 3
    for title in ("IMD 2025 score", "Green space sites by type", "NO₂ 2019"):
        assert f"Legend: {title}" in text
    # the panel script comes after every layer it shows and hides
    panel = text.index('L.DomUtil.create("div", "hp-legend hp-legend-panel")')
    for layer in re.findall(r"sections\.push\(\[(feature_group_\w+),", text):
        assert text.index(f"var {layer} = L.featureGroup(") < panel


def test_double_burden_legend_counts_the_place_not_the_view(county_bounds) -> None:
    lsoa = load_lsoa21().head(50)
    flagged = lsoa.assign(double_burden=[i % 5 == 0 for i in range(len(lsoa))])
    m = maps.base_map(county_bounds)
    maps.add_double_burden(m, flagged, place_count=7, place_name="Bradford")
    text = _unescape(m.get_root().render())
    assert "7 LSOAs in Bradford" in text and "10 LSOAs" not in text


def test_hover_reaches_the_lsoa_value_when_an_indicator_is_on(lsoa_iod) -> None:
    """With an indicator on, the ward and district outlines take no pointer events and
    bind no tooltip, so the only hover is the LSOA's: name, code and value with units."""
    bradford = load_boundaries("district").query("code == 'E08000032'")
    lsoa = maps.in_view(lsoa_iod, bradford.total_bounds)
    m = maps.base_map(bradford.total_bounds)
    maps.add_choropleth(m, lsoa, "IMD_score", "IMD 2025 score", "score", "quantiles", 5)
    wards = maps.in_view(load_boundaries("ward"), bradford.total_bounds)
    maps.add_boundaries(m, load_boundaries("district"), wards, interactive=False)
    text = _unescape(maps.finish(m).get_root().render())
    assert text.count(".bindTooltip(") == 1  # the choropleth's, nothing on top of it
    tip = text[text.index(".bindTooltip(") :][:1500]
    assert '["n", "c", "v"]' in tip and "IMD 2025 score" in tip
    # outlines: two GeoJSON layers (wards, districts), both non-interactive
    assert text.count('"interactive": false') == 2
    # the value under the pointer, with units, for a real LSOA (independently read)
    row = lsoa.iloc[0]
    expected = f"{row['IMD_score']:.1f} score"
    props = re.search(r'"properties": (\{"c": "' + row["lsoa21_code"] + r'"[^}]*\})', text)
    assert props is not None and json.loads(props.group(1))["v"] == expected


def test_offline_map_has_no_tiles_and_a_light_background(county_bounds) -> None:
    html = maps.base_map(county_bounds, tiles=False).get_root().render()
    assert "L.tileLayer" not in html
    assert maps.OFFLINE_BACKGROUND in html
    assert "cdn.jsdelivr.net/npm/leaflet" not in html  # Leaflet is embedded
    online = maps.base_map(county_bounds, tiles=True).get_root().render()
    assert "L.tileLayer" in online and "cartocdn" in online


def test_osm_names_are_escaped_in_tooltips(county_bounds) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    sites = load_sites().head(3).copy()
    sites["name"] = [evil, "Park & Ride <b>", None]
    m = maps.base_map(county_bounds)
    maps.add_green_sites(m, sites)
    layer = next(
        c
        for fg in m._children.values()
        for c in getattr(fg, "_children", {}).values()
        if isinstance(c, folium.GeoJson)
    )
    names = [f["properties"]["n"] for f in layer.data["features"]]
    assert (
        names[0]
        == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    )
    assert names[1] == "Park &amp; Ride &lt;b&gt;"
    assert names[2] == "(unnamed)"
    html = m.get_root().render()
    assert "<script>alert" not in html and "<img src=x" not in html


def test_choropleth_tooltip_escapes_lsoa_names_and_shows_units(county_bounds, lsoa_iod) -> None:
    few = lsoa_iod.head(10).copy()
    few.loc[few.index[0], "lsoa21_name"] = "<b>x</b>"
    few.loc[few.index[1], "IMD_score"] = np.nan
    m = maps.base_map(county_bounds)
    maps.add_choropleth(
        m,
        few,
        "IMD_score",
        "IMD score",
        "score",
        "natural_breaks",
        3,
        missing_label="Not available offline",
    )
    layer = next(
        c
        for fg in m._children.values()
        for c in getattr(fg, "_children", {}).values()
        if isinstance(c, folium.GeoJson)
    )
    props = [f["properties"] for f in layer.data["features"]]
    assert props[0]["n"] == "&lt;b&gt;x&lt;/b&gt;"
    assert props[0]["c"].startswith("E010")
    assert props[2]["v"].endswith(" score")
    assert props[1]["v"] == "Not available offline" and props[1]["k"] == -1


def test_no2_overlay_is_in_lonlat_around_west_yorkshire(county_bounds) -> None:
    m = maps.base_map(county_bounds)
    maps.add_raster(m, load_pollutant("no2"), label="NO₂", units="µg/m³")
    overlay = next(
        c
        for fg in m._children.values()
        for c in getattr(fg, "_children", {}).values()
        if isinstance(c, folium.raster_layers.ImageOverlay)
    )
    (south, west), (north, east) = overlay.bounds
    assert -2.3 < west < -2.0 and -1.3 < east < -1.1
    assert 53.4 < south < 53.6 and 53.9 < north < 54.1
    assert overlay.url.startswith("data:image/png;base64,")


def test_raster_rgba_is_transparent_where_no_data() -> None:
    r = load_pollutant("no2")
    rgba, (west, south, east, north) = maps.raster_rgba(r, "viridis_r", 5, 30)
    assert rgba.dtype == np.uint8 and rgba.shape[2] == 4
    assert (rgba[..., 3] == 0).any()  # outside the warped grid (and NaN cells): transparent
    assert (rgba[..., 3] == 255).sum() > 0.3 * rgba.shape[0] * rgba.shape[1]
    assert west < east and south < north


def test_classify_values_schemes() -> None:
    values = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, np.nan])
    classes, bins = maps.classify_values(values, "quantiles", 3)
    assert classes[-1] == -1 and len(bins) == 3 and classes[:9].max() == 2
    _, nb = maps.classify_values(values, "natural_breaks", 3)
    assert len(nb) == 3
    with pytest.raises(ValueError, match="quantiles"):
        maps.classify_values(values, "equal", 3)


def test_natural_breaks_are_deterministic_and_optimal(lsoa_iod) -> None:
    """Jenks by Fisher's exact method: the same values give identical classes every time,
    and on a hand-checkable set the breaks fall in the obvious gaps."""
    values = lsoa_iod["IMD_score"]
    first = maps.classify_values(values, "natural_breaks", 5)
    for _ in range(3):
        again = maps.classify_values(values, "natural_breaks", 5)
        assert np.array_equal(first[0], again[0]) and first[1] == again[1]
    # three well-separated clusters: the optimal 3-class breaks are the clusters' maxima
    classes, bins = maps.classify_values(
        pd.Series([1.0, 1.1, 1.2, 5.0, 5.1, 5.2, 9.0, 9.1, 9.2]), "natural_breaks", 3
    )
    assert bins == [1.2, 5.2, 9.2]
    assert classes.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


@pytest.mark.parametrize("k", [2, 4, 6])
@pytest.mark.filterwarnings("ignore:Numba not installed:UserWarning")
def test_natural_breaks_match_mapclassify_fisher_jenks(lsoa_iod, k) -> None:
    """A second implementation: mapclassify's FisherJenks gives the same breaks and
    classes on 300 real IMD scores (rounded to 1 dp, so values tie)."""
    import mapclassify

    values = lsoa_iod["IMD_score"].head(300).round(1)
    classes, bins = maps.classify_values(values, "natural_breaks", k)
    reference = mapclassify.FisherJenks(values.to_numpy(float), k=k)
    assert np.allclose(bins, reference.bins)
    assert classes.tolist() == reference.yb.tolist()


def test_feature_at_finds_the_lsoa_under_a_click() -> None:
    lsoa = load_lsoa21()
    row = lsoa.iloc[100]
    pt = gpd.GeoSeries([shapely.point_on_surface(row.geometry)], crs=lsoa.crs).to_crs(4326)
    hit = maps.feature_at(lsoa, pt.x.iloc[0], pt.y.iloc[0])
    assert hit is not None and hit["lsoa21_code"] == row["lsoa21_code"]
    assert maps.feature_at(lsoa, 0.0, 51.5) is None


def test_iod_deciles_and_double_burden_layers(county_bounds) -> None:
    lsoa = load_lsoa21().head(50)
    m = maps.base_map(county_bounds)
    maps.add_iod_deciles(m, lsoa, load_iod2025())
    flagged = lsoa.assign(double_burden=[i % 5 == 0 for i in range(len(lsoa))])
    maps.add_double_burden(m, flagged)
    maps.add_boundaries(m, load_boundaries("district"), load_boundaries("ward"))
    html = maps.finish(m).get_root().render()
    assert "IoD 2025 decile" in html and "10 LSOAs" in html


def test_fit_bounds_skips_a_zero_size_container_and_non_finite_bounds(county_bounds) -> None:
    """The refit guard: a 0x0 container (hidden tab, iframe not laid out) made Leaflet
    throw "Invalid LatLng object: (NaN, NaN)" from the ResizeObserver refit."""
    html = maps.base_map(county_bounds).get_root().render()
    script = html[html.index("var state = map._hpFit;") :]
    fit = script[script.index("function fit()") : script.index("fit();")]
    guard = "if (state.touched || !el.clientWidth || !el.clientHeight) { return; }"
    assert guard in fit
    assert "isFinite(v)" in fit
    # the guards come before Leaflet is asked to fit
    assert fit.index(guard) < fit.index("map.fitBounds(")
    assert fit.index("isFinite(v)") < fit.index("map.fitBounds(")
    assert "new ResizeObserver(fit)" in script


def test_fit_bounds_are_finite_lonlat_degrees(county_bounds) -> None:
    html = maps.base_map(county_bounds).get_root().render()
    raw = re.search(r"var bounds = (\[\[.*?\]\]), title", html)
    assert raw is not None
    (south, west), (north, east) = json.loads(raw.group(1))
    # West Yorkshire: about 53.5–54.0 °N, 2.2–1.2 °W
    assert 53.4 < south < north < 54.1 and -2.3 < west < east < -1.1
    with pytest.raises(ValueError, match="finite"):
        maps.base_map([np.nan, np.nan, np.nan, np.nan])


def test_map_corners_use_the_catalogue_short_attribution(county_bounds) -> None:
    m = maps.base_map(county_bounds)
    maps.add_boundaries(m, load_boundaries("district"))
    html = m.get_root().render()
    assert json.dumps(catalogue.OGL_SHORT)[1:-1] in html


def test_population_points_of_a_ward_sum_to_its_census_population() -> None:
    """Where people live: every postcode of Toller ward (E05001364) drawn once, and the
    residents they carry sum to the ward's Census 2021 population (the LSOA table's)."""
    from layers.bundle import read_table
    from layers.places import lsoa_mask, resolve_place

    lsoa = load_lsoa21()
    ward = resolve_place("E05001364")
    codes = lsoa.loc[lsoa_mask(ward, lsoa), "lsoa21_code"]
    points = read_table("population_points")
    mine = points[points["lsoa21_code"].isin(codes)]
    m = maps.base_map(lsoa[lsoa["lsoa21_code"].isin(codes)].total_bounds, title="Map of Toller")
    maps.add_population_points(m, mine)
    layer = next(
        c for g in m._children.values() for c in getattr(g, "_children", {}).values()
        if isinstance(c, folium.GeoJson)
    )  # fmt: skip
    features = layer.data["features"]
    assert len(features) == int((mine["people"] > 0).sum())
    drawn = sum(int(f["properties"]["n"].replace(",", "")) for f in features)
    census = read_table("population").set_index("lsoa21_code").loc[codes, "population"].sum()
    assert drawn == census
    html = m.get_root().render()
    assert "Where people live" in html and "OS Code-Point Open" in html


def test_one_render_sends_the_same_map_as_two(county_bounds) -> None:
    """app_pages._folium renders once (render=False): the frame must not lose anything."""
    from layers.bluespace import load_water, load_waterways

    def build() -> folium.Map:
        m = maps.base_map(county_bounds, title="Map of West Yorkshire")
        wards, water = load_boundaries("ward"), load_water().iloc[:300]
        maps.add_boundaries(m, load_boundaries("district"), wards, tolerance_m=40.0)
        maps.add_blue_space(m, water, load_waterways().iloc[:300], tolerance_m=40.0)
        return maps.finish(m, collapsed=True)

    twice_map = build()
    twice_map.get_root().render()  # the whole figure first, as render=True did
    once, twice = sent(build()).masked(), sent(twice_map).masked()
    assert once == twice
    assert "leaflet" in once[0] and "hp-legend" in once[1]


def test_map_bounds_are_the_fitted_bounds_not_a_walk_over_coordinates(county_bounds) -> None:
    m = maps.base_map(county_bounds)
    (south, west), (north, east) = m.fitted
    folium.GeoJson({"type": "Point", "coordinates": [-0.1276, 51.5072]}).add_to(m)  # London
    walked = folium.Map.get_bounds(m)  # folium's own walk reaches the point
    assert walked[0] == [51.5072, west]
    assert m.get_bounds() == [[south, west], [north, east]]
    assert 53.5 < south < north < 54.0 and -2.2 < west < east < -1.1


def test_a_map_split_for_an_update_in_place_has_one_base_for_every_place() -> None:
    """streamlit-folium keys its component by the base map's script, so the base must
    not depend on the place: the place frame (fit and title) and the legend panel
    travel with the layer groups, and a group that starts hidden is taken off again."""
    import streamlit_folium

    districts, wards = load_boundaries("district"), load_boundaries("ward")
    split = []
    for code, name in districts[["code", "name"]].head(2).itertuples(index=False):
        outline = districts[districts["code"] == code]
        m = maps.base_map(outline.total_bounds, title=f"Map of {name}")
        maps.add_boundaries(m, districts, wards, tolerance_m=40.0)
        hidden = maps.add_green_sites(m, load_sites().head(20), show=False)
        maps.add_outline(m, outline, name)
        split.append((sent(maps.finish(m, collapsed=True), in_place=True), hidden, name))
    scripts = [frame.script for frame, _, _ in split]
    key = [streamlit_folium.generate_js_hash(s, "explorer_map") for s in scripts]
    assert key[0] == key[1]
    for frame_sent, hidden, name in split:
        parts, text = frame_sent.parts, frame_sent.groups
        assert parts is not None
        *layers, frame = parts.groups
        assert parts.control is not None and frame.control is False
        assert hidden in layers
        frame_script = text[text.index(f"var {frame.get_name()} = ") :]
        assert f'"Map of {name}"' in frame_script and "map.fitBounds(" in frame_script
        assert f"[{hidden.get_name()}].forEach(function(l){{map.removeLayer(l);}})" in (
            re.sub(r"\s+", "", frame_script)
        )
        assert frame_script.count('"hp-legend hp-legend-panel"') == 1
        assert "fitBounds" not in scripts[0] and "hp-legend-panel" not in scripts[0]


@pytest.mark.parametrize("in_place", [False, True])
def test_scripts_only_sends_the_same_map(county_bounds, lsoa_iod, in_place) -> None:
    """maps.scripts_only skips only the figure's copy of each GeoJSON script, which
    streamlit-folium never reads: what it sends is unchanged, styles, tooltips, site
    popups and addTo calls included."""
    from layers.greenspace import load_green_site_members, load_green_sites

    def build() -> folium.Map:
        m = maps.base_map(county_bounds, title="Map of West Yorkshire")
        maps.add_choropleth(m, lsoa_iod.head(200), "IMD_score", "IMD 2025 score", "score",
                            "quantiles", 5)  # fmt: skip
        maps.add_sites_by_access(m, load_green_sites().head(300), load_green_site_members())
        maps.add_boundaries(m, load_boundaries("district"), tolerance_m=40.0)
        return maps.finish(m, collapsed=True)

    plain = sent(build(), in_place).masked()
    with maps.scripts_only():
        fast = sent(build(), in_place).masked()
    assert fast == plain
    text = "".join(plain)
    assert "bindPopup" in text and "hp-tooltip" in text and text.count(".addTo(") >= 6


def test_feature_collection_writes_geometry_as_shapely_mapping_does() -> None:
    """GEOS writes every geometry in one call; the JSON is the text that
    ``shapely.geometry.mapping`` per feature gave, on real polygons, multipolygons
    and lines."""
    from healthyplaces.maps.display import feature_collection
    from layers.bluespace import load_waterways

    for layer in (load_sites().head(2000), load_boundaries("ward"), load_waterways().head(500)):
        shown = maps.to_display(layer, [], 20.0)
        props = pd.DataFrame({"k": range(len(shown))})
        fc = feature_collection(shown, props)
        expected = [shapely.geometry.mapping(g) for g in shown.geometry.values]
        assert json.dumps([f["geometry"] for f in fc["features"]]) == json.dumps(expected)
        assert [f["id"] for f in fc["features"]] == list(range(len(shown)))
