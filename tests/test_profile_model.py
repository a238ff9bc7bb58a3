"""The typed profile: the CLI JSON is its to_json(), keys in order, and nothing slips in."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from analysis import areas, profiles
from analysis.engine import Results
from analysis.profile_model import Profile
from healthyplaces.cli import main
from layers.places import resolve_place


def test_cli_json_is_the_typed_profile(results: Any, capsys: pytest.CaptureFixture[str]) -> None:
    prof = profiles.profile(results, areas.area_for_place(results, resolve_place("Calderdale")))
    assert isinstance(prof, Profile)
    assert main(["profile", "Calderdale", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == list(prof.to_json())  # same keys, same order
    lsoa = results.lsoa
    census = int(lsoa.loc[lsoa["district_name"] == "Calderdale", "population"].sum())
    assert printed["population"] == prof.population == census  # Census 2021, its LSOAs
    assert list(prof.year_sections) == ["air_change_2019_2023", "air_second_source_laqm_2018"]
    assert prof["access_straight"] is prof.access_straight  # a read-only mapping of its keys


def test_an_unknown_or_missing_key_is_refused(results: Any) -> None:
    prof = profiles.profile(results, areas.area_for_place(results, resolve_place("Calderdale")))
    keys = prof.to_json()
    with pytest.raises(TypeError, match="unknown profile keys: typo_share"):
        Profile.from_dict({**keys, "typo_share": 0.5})
    with pytest.raises(TypeError):
        Profile.from_dict({k: v for k, v in keys.items() if k != "population"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        prof.population = 1  # type: ignore[misc]


def test_gradients_are_indicator_named_suppressed_for_small_places_and_erreygers_corrected(
    results: Results,
) -> None:
    """Issue 10, item 9. Toller ward has 10 LSOAs, under the 20 an interval needs: every
    gradient is null with the reason. Bradford's are shown, the old keys equal the
    indicator-named ones, and the Erreygers index is 4·μ·C (Erreygers 2009) by hand."""
    from analysis import areas, profiles
    from layers.places import resolve_place

    toller = profiles.profile(results, areas.area_for_place(results, resolve_place("E05001364")))
    for key in ("sii", "rii", "concentration_index"):
        for stat in (toller[key], toller[f"{key}_meets_2ha_300m"]):
            assert stat["suppressed"] is True and stat["value"] is None
            assert stat["ci_low"] is None and stat["ci_high"] is None
            assert "10 LSOAs" in stat["reason"]
    assert toller["erreygers_index_meets_2ha_300m"]["suppressed"] is True
    bradford = profiles.profile(results, areas.area_for_place(results, resolve_place("Bradford")))
    for key in ("sii", "rii", "concentration_index"):
        assert bradford[key] == bradford[f"{key}_meets_2ha_300m"]
        assert bradford[key]["suppressed"] is False and bradford[key]["reason"] is None
    mean = bradford["access_straight"]["2ha_300m"]
    c = bradford["concentration_index"]
    e = bradford["erreygers_index_meets_2ha_300m"]
    assert e["value"] == pytest.approx(4 * mean * c["value"], rel=1e-9)
    assert e["ci_low"] == pytest.approx(4 * mean * c["ci_low"], rel=1e-9)
    assert -1 <= e["ci_low"] <= e["value"] <= e["ci_high"] <= 1
