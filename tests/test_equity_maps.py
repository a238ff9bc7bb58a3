"""The "Who is left out" map: gardens-and-parks density, AHAH disagreement, priorities.

Hand cases for the diverging classes, a second implementation of the density
(the engine's LSOA area in hectares against the polygon area), the map's
legend against the comparator, and the page's need sliders against
:func:`analysis.need.priorities`.
"""

from __future__ import annotations

from typing import Any

import folium
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analysis import comparator, need
from analysis.areas import area_for_place
from app_pages import _left_out_map as lm
from layers.places import load_boundaries, resolve_place


def test_rank_differences_fall_in_classes_symmetric_about_zero() -> None:
    # Edges −0.5, −0.25, −0.1, 0.1, 0.25, 0.5; each class is [low, high).
    d = np.array([-0.9, -0.3, -0.2, -0.1, 0.0, 0.09, 0.1, 0.3, 0.5, 1.0, np.nan])
    np.testing.assert_array_equal(lm.diff_class(d), [0, 1, 2, 3, 3, 3, 4, 5, 6, 6, -1])
    assert len(lm.DIFF_COLOURS) == len(lm.DIFF_LABELS) == 7
    assert lm.DIFF_LABELS[3].startswith("They agree")


@pytest.fixture(scope="module")
def calderdale(results: Any) -> Any:
    return area_for_place(results, resolve_place("Calderdale"))


def test_garden_density_is_people_over_the_lsoa_area(results: Any, calderdale: Any) -> None:
    inside = calderdale.share > 0
    lsoa = results.lsoa.loc[inside, ["lsoa21_code", "lsoa21_name", "geometry"]]
    g = lm.garden_density(lsoa, need.gardens_table(results)).set_index("lsoa21_code")
    t = need.gardens_table(results).set_index("lsoa21_code")
    ha = results.lsoa.set_index("lsoa21_code")["area_ha"]
    codes = g.index
    expect = t.loc[codes, "people_without_garden_or_local"] / (ha.loc[codes] / 100)
    np.testing.assert_allclose(g["neither_per_km2"], expect, rtol=1e-3)
    assert len(g) == int(inside.sum())


def test_the_map_has_three_layers_rho_and_numbered_priorities(
    results: Any, calderdale: Any
) -> None:
    b = load_boundaries("district")
    outline = b[b["code"] == "E08000033"]
    top = need.priorities(results, "2ha_300m", need.NeedWeights(), calderdale).head(7)
    rho = comparator.ahah_comparison(results, calderdale)["spearman_rho"]
    layers = {
        "gardens": need.gardens_table(results),
        "ranks": comparator.ahah_ranks(results, calderdale),
        "rho": rho,
        "top": top,
        "standard_label": "a 2 ha green space within 300 m",
        "show": lm.AHAH_LAYER,
        "place_name": "Calderdale",
    }
    inside = calderdale.share > 0
    m = lm.build_map(
        outline,
        results.lsoa.loc[inside, ["lsoa21_code", "lsoa21_name", "geometry"]],
        layers,
        "Map of who is left out in Calderdale",
        20.0,
    )
    groups = {
        c.layer_name: c
        for c in m._children.values()
        if isinstance(c, folium.FeatureGroup) and c.layer_name in lm.LAYERS
    }
    assert set(groups) == set(lm.LAYERS)
    assert {k: g.show for k, g in groups.items()} == {
        lm.GARDEN_LAYER: False,
        lm.AHAH_LAYER: True,
        lm.PRIORITY_LAYER: False,
    }
    markers = [
        c for c in groups[lm.PRIORITY_LAYER]._children.values() if isinstance(c, folium.Marker)
    ]
    html = [str(getattr(mk.icon, "options", {}).get("html", "")) for mk in markers]
    numbers = sorted(int(h.split(">")[1].split("<")[0]) for h in html)
    assert numbers == list(range(1, 8))
    panel = next(c for c in m._children.values() if hasattr(c, "entries"))
    legends = {layer.layer_name: text for layer, text in panel.entries}
    assert f"Spearman ρ = {rho:.2f}" in legends[lm.AHAH_LAYER]
    assert "Top 7 LSOAs, numbered by rank" in legends[lm.PRIORITY_LAYER]
    assert "Natural breaks (Jenks)" in legends[lm.GARDEN_LAYER]
    m.get_root().render()  # the whole map renders


def _page() -> None:
    from app_pages.left_out import render

    render()


def test_the_need_sliders_drive_the_priority_table(results: Any, calderdale: Any) -> None:
    at = AppTest.from_function(_page, default_timeout=240)
    at.session_state["place_code"] = "E08000033"
    at.run()
    assert not at.exception
    assert any("Map of who is left out" in s.value for s in at.subheader)
    for s in at.slider:
        if s.label in lm_need_labels():
            s.set_value(5.0 if s.label.startswith("Deprivation") else 0.0)
    at.run()
    assert not at.exception
    table = at.dataframe[-1].value
    expect = need.priorities(results, "2ha_300m", need.NeedWeights(0, 0, 0, 1, 0), calderdale)
    assert list(table["lsoa21_code"]) == list(expect["lsoa21_code"].head(len(table)))
    assert len(table) == 10


def lm_need_labels() -> set[str]:
    from app_pages.left_out import NEED_LABELS

    return set(NEED_LABELS.values())
