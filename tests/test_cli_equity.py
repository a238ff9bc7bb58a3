"""`healthyplaces equity` and `healthyplaces evidence`: the contract reports and checks use."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analysis.engine import Results
from healthyplaces.cli import main


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_equity_bradford_groups_sum_to_the_place_and_match_ts021(
    results: Results, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(["equity", "Bradford", "--json"], capsys)
    groups = out["groups"]
    population = groups["population"]
    assert population == 546_373  # Census 2021 usual residents, Bradford
    people = [f for f in groups["groups"].values() if f["unit"] == "people"]
    assert len(people) >= 3  # age, ethnic group, disability
    for family in people:
        total = sum(g["count"] for g in family["groups"].values())
        # each census table is perturbed by ONS; its own total is its denominator
        assert abs(total - population) <= 0.005 * population
    # Census 2021 TS021: 32.1% of Bradford's residents are Asian, Asian British or Asian Welsh.
    asian = groups["groups"]["ethnic_group"]["groups"]["asian"]["share_of_place"]
    assert round(100 * asian, 1) == 32.1
    assert groups["method"] == "group counts spread over LSOAs in proportion"
    for key in ("life_course", "gardens_and_parks", "gradients", "ahah_comparison"):
        assert out[key]
    assert "OpenStreetMap" in out["attribution"]


def test_evidence_for_the_county_has_adjusted_coefficients_with_intervals(
    results: Results, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(["evidence", "West Yorkshire", "--json"], capsys)
    assert out["suppressed"] is False and out["n_lsoa"] == 1404
    terms = {c["term"] for m in out["models"] for c in m["coefficients"]}
    assert {"dist_2ha_300m_m", "no2_ugm3"} <= terms
    for model in out["models"]:
        for c in model["coefficients"]:
            assert c["ci_low"] <= c["coef"] <= c["ci_high"]
    assert "after allowing for deprivation" in out["summary"]


def test_evidence_for_a_ward_is_suppressed_with_the_reason(
    results: Results, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(["evidence", "E05001364", "--json"], capsys)  # Toller ward
    assert out["suppressed"] is True
    assert all(m["suppressed"] and m["suppression"] for m in out["models"])
    assert not any(m.get("coefficients") for m in out["models"])
