"""The map as tables: what a keyboard user reads instead of hovering shapes (issue 13).

Real data: the bundle's green sites and the county results; the known answers are
read from the layers directly (the LSOAs of Bradford by their district name, the
sites by their own columns), not through the page's selection.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from streamlit.testing.v1 import AppTest

from app_pages import map_explorer
from healthyplaces import maps
from healthyplaces.maps.sites import STATUS_LABELS
from layers.greenspace import load_green_sites

BRADFORD = "E08000032"


def test_sites_table_lists_sites_largest_first_with_their_status_in_legend_words() -> None:
    sites = load_green_sites()
    sample = sites.sample(200, random_state=1)
    table = maps.sites_table(sample)
    assert len(table) == 200
    assert np.all(np.diff(table["Area (ha)"].to_numpy()) <= 0)
    largest = sample.loc[sample["area_ha"].idxmax()]
    assert table.loc[0, "Area (ha)"] == round(float(largest["area_ha"]), 2)
    assert table.loc[0, "Access status"] == STATUS_LABELS[largest["access_status"]]
    unnamed = int((sample["name"].fillna("").astype(str).str.strip() == "").sum())
    assert int((table["Site"] == "(unnamed)").sum()) == unnamed


def test_lsoa_table_reads_booleans_as_words_and_keeps_values(results: Any) -> None:
    rows = results.lsoa.head(30)
    headings = {"IMD_decile": "IoD decile", "double_burden": "Double burden"}
    table = maps.lsoa_table(rows, headings, flags={"double_burden"})
    assert list(table.columns) == ["LSOA", "Code", "IoD decile", "Double burden"]
    first = rows.sort_values("lsoa21_code").iloc[0]
    assert table.loc[0, "Code"] == first["lsoa21_code"]
    assert table.loc[0, "IoD decile"] == first["IMD_decile"]
    assert table.loc[0, "Double burden"] == ("yes" if first["double_burden"] else "no")
    assert set(table["Double burden"]) <= {"yes", "no", ""}
    assert (table["Double burden"] == "yes").sum() == int((rows["double_burden"] == 1).sum())


def _explorer() -> None:
    from app_pages import _frame, map_explorer

    _frame.run(map_explorer.render)


def test_the_explorer_lists_the_place_lsoas_and_sites_for_keyboards(results: Any) -> None:
    at = AppTest.from_function(_explorer, default_timeout=180)
    at.session_state["place_code"] = BRADFORD
    at.run()
    assert not at.dataframe  # off by default: nothing sent
    next(t for t in at.toggle if t.label == "IoD 2025 deciles").set_value(True).run()
    next(t for t in at.toggle if t.label == map_explorer.AS_TABLES).set_value(True).run()
    assert not at.exception
    lsoas, sites = (df.value for df in at.dataframe)
    bradford = results.lsoa[results.lsoa["district_name"] == "Bradford"]
    assert len(lsoas) == len(bradford)
    assert sorted(lsoas["Code"]) == sorted(bradford["lsoa21_code"])
    decile = lsoas.set_index("Code")["IoD 2025 decile (1 = most deprived 10% in England)"]
    assert (decile == bradford.set_index("lsoa21_code")["IMD_decile"].loc[decile.index]).all()
    assert len(sites) > 1000 and sites["Area (ha)"].min() >= map_explorer.SITE_MIN_HA["district"]
    assert any("LSOAs in Bradford" in m.value for m in at.markdown)


def _click(lon: float, lat: float, level: str) -> None:
    import streamlit as st

    from app_pages import _place, map_explorer

    st.session_state[map_explorer.MAP_KEY] = {"last_clicked": {"lat": lat, "lng": lon}}
    st.session_state[map_explorer.CLICK_LEVEL_KEY] = level
    map_explorer._on_map_click()
    st.write(st.session_state.get(_place.PLACE_KEY, "none"))


def test_a_map_click_selects_the_lsoa_or_ward_under_it_before_the_run() -> None:
    """The explorer map's on_change callback: the LSOA (or ward) whose polygon holds the
    clicked point becomes the chosen place, in the same run (no second rerun)."""
    import geopandas as gpd

    from layers.boundaries import load_lsoa21
    from layers.places import load_boundaries

    lsoa = load_lsoa21().set_index("lsoa21_code")
    inside = lsoa.loc["E01010570", "geometry"].representative_point()  # Bradford 018A
    lon, lat = gpd.GeoSeries([inside], crs="EPSG:27700").to_crs(4326).iloc[0].coords[0]
    wards = load_boundaries("ward")
    ward = wards[wards.contains(inside)]["code"].iloc[0]
    for level, expected in (("lsoa", "E01010570"), ("ward", ward)):
        at = AppTest.from_function(_click, args=(lon, lat, level), default_timeout=60)
        at.run()
        assert not at.exception
        assert at.markdown[0].value == expected
    outside = AppTest.from_function(_click, args=(-0.1276, 51.5072, "lsoa"), default_timeout=60)
    outside.run()  # London: a toast, and the place is unchanged
    assert not outside.exception and outside.markdown[0].value == "none"
    assert "outside West Yorkshire" in outside.toast[0].value
