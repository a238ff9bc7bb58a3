"""The map explorer keeps the frames it has sent (app_pages._folium.show_map), in AppTest.

A map is a pure function of the bundle, the place and the layer choices, so
switching a layer off again, or coming back to a place, must send the frame
sent before without building the map, and a new choice must build a new one.
"""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import _folium, map_explorer

BRADFORD = "E08000032"


def _explorer() -> None:
    from app_pages import _frame, map_explorer

    _frame.run(map_explorer.render)


def _component_scripts(at: AppTest) -> list[tuple[str, str, str]]:
    """The base script, the feature groups and the component key of every st_folium frame
    on the page (the explorer's layers travel as feature groups: updated in place)."""
    import json

    frames = []
    for el in at.get("component_instance"):
        args = json.loads(el.proto.json_args)
        frames.append((str(args["script"]), str(args["feature_group"]), str(el.proto.id)))
    return frames


def test_a_map_seen_before_is_sent_again_without_being_built(
    results: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[tuple[str, bool]] = []
    real = map_explorer._build_map

    def counted(place: Any, c: dict[str, Any]) -> Any:
        builds.append((place.code, bool(c["blue"])))
        return real(place, c)

    monkeypatch.setattr(map_explorer, "_build_map", counted)
    monkeypatch.setattr(_folium, "_FRAMES", type(_folium._FRAMES)())  # start empty
    at = AppTest.from_function(_explorer, default_timeout=180)
    at.session_state["place_code"] = BRADFORD
    at.run()
    assert not at.exception
    first = _component_scripts(at)
    blue = next(t for t in at.toggle if t.label == "Blue space")
    blue.set_value(True).run()
    assert not at.exception
    with_blue = _component_scripts(at)
    next(t for t in at.toggle if t.label == "Blue space").set_value(False).run()
    assert not at.exception
    again = _component_scripts(at)

    assert builds == [(BRADFORD, False), (BRADFORD, True)]  # the third view was kept
    assert again == first and with_blue != first
    # one base map and component for both: the browser swaps the layers, keeps the map
    assert [f[0] for f in with_blue] == [f[0] for f in first]
    assert [f[1] for f in with_blue] != [f[1] for f in first]
    assert len(_folium._FRAMES) == 2


def test_warmed_district_maps_are_sent_without_being_built(
    results: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """map_explorer.warm_frames keeps the county's and each district's default map, with
    the widgets' own defaults: a first visit to Bradford then builds nothing and
    sends the warmed frame."""
    monkeypatch.setattr(_folium, "_FRAMES", type(_folium._FRAMES)())  # start empty
    assert map_explorer.warm_frames() == 6  # the county and its five districts
    assert map_explorer.warm_frames() == 0  # kept already
    builds: list[str] = []
    real = map_explorer._build_map

    def counted(place: Any, c: dict[str, Any]) -> Any:
        builds.append(place.code)
        return real(place, c)

    monkeypatch.setattr(map_explorer, "_build_map", counted)
    at = AppTest.from_function(_explorer, default_timeout=180)
    at.session_state["place_code"] = BRADFORD
    at.run()
    assert not at.exception
    assert builds == []
    ((_, groups, _),) = _component_scripts(at)
    assert '"Map of Bradford: layers and legend (Tab to leave)"' in groups
