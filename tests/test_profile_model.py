"""The typed profile: the CLI JSON is its to_json(), keys in order, and nothing slips in."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from analysis import areas, profiles
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
