"""The map explorer's air layers (issue 11): 2019, 2023 and the change 2023 − 2019, each with
its legend, under AppTest; and the change layer's colours centred on no change."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import folium
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app_pages import _air_layers, map_explorer
from healthyplaces import maps
from layers import air_quality

#: The HTML of every map the page drew (show_map replaced by a recorder that builds it).
DRAWN: list[str] = []


def _run_page() -> None:
    from app_pages import _frame, map_explorer

    _frame.run(map_explorer.render)


def _legends(html: str) -> list[str]:
    """The HTML of each section of the one legend panel (a JSON string in the page script)."""
    return [json.loads(m) for m in re.findall(r's\.innerHTML = (".*?");\n', html)]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def record(m: folium.Map | Callable[[], folium.Map], **_: Any) -> dict[str, Any]:
        DRAWN.append((m() if callable(m) else m).get_root().render())
        return {}

    DRAWN.clear()
    monkeypatch.setattr(map_explorer, "show_map", record)
    yield


@pytest.mark.parametrize(
    ("option", "legend"),
    [
        (2019, "modelled annual mean background concentration, 1 km (DEFRA PCM 2019)"),
        (2023, "modelled annual mean background concentration, 1 km (DEFRA PCM 2023)"),
        ("change", "(DEFRA PCM 2023 minus PCM 2019)"),
    ],
)
def test_year_picker_draws_each_layer_with_its_legend(
    recorder: None, option: int | str, legend: str
) -> None:
    at = AppTest.from_function(_run_page, default_timeout=120)
    at.session_state["place_code"] = "E08000032"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    next(t for t in at.toggle if t.label == "NO₂").set_value(True)
    picker = next(r for r in at.radio if r.label == "Air quality year")
    assert list(picker.options) == ["PCM 2023", "PCM 2019", "Change 2019 to 2023"]
    picker.set_value(option)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # one legend panel holds every active layer's section (issue 13)
    panels = _legends(DRAWN[-1])
    assert panels, "no legend panel drawn"
    html = "".join(panels)
    assert "NO₂" in html
    assert legend in html and 'class="ramp"' in html
    if option == "change":
        assert "blue = cleaner, red = more polluted" in html
    else:
        assert "WHO 2021 guideline: 10 µg/m³" in html


def test_change_legend_is_symmetric_about_zero() -> None:
    change = air_quality.load_change("no2")
    # NO₂ fell almost everywhere between 2019 and 2023 (DEFRA PCM).
    assert np.nanmean(change.values) < 0
    m = maps.base_map((400_000.0, 400_000.0, 450_000.0, 450_000.0), tiles=False)
    maps.add_change_raster(m, change, label="NO₂ change")
    (html,) = [g for g in _legends(m.get_root().render()) if "Legend: NO₂ change" in g]
    lo = np.floor(-np.nanmax(np.abs(change.values)) * 10) / 10
    assert f"<span>{lo:+g}</span><span>0</span><span>{-lo:+g}</span>" in html
    assert _air_layers.option_label("change") == "Change 2019 to 2023"
