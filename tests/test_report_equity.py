"""The report's "Who is left out" and "Evidence" sections, and the suppressed gradients.

Each section is checked against the analysis it formats (a number in the table
is the engine's number, rounded), and a small ward against the one suppression
rule: the statistics are replaced by the reason, never shown with absurd intervals.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from pypdf import PdfReader

from analysis import equity, need, profiles
from analysis import evidence as ev
from analysis.areas import area_for_place
from geo import inequality
from healthyplaces import report
from healthyplaces.report.evidence import coefficient_table, evidence_section
from healthyplaces.report.left_out import group_table, left_out_section
from healthyplaces.report.model import Figure, Note, Section, Subheading, Table
from layers.places import resolve_place

PNG = b"\x89PNG\r\n\x1a\n"


def _small_ward(results: Any) -> str:
    sizes = results.lsoa.groupby("ward_code").size()
    return str(sizes[sizes < inequality.MIN_UNITS].index[0])


def _blocks(sec: Section, kind: type) -> list[Any]:
    return [b for b in sec.blocks if isinstance(b, kind)]


@pytest.fixture(scope="module")
def calderdale(results: Any) -> Any:
    return area_for_place(results, resolve_place("Calderdale"))


@pytest.fixture(scope="module")
def ward(results: Any) -> Any:
    return area_for_place(results, resolve_place(_small_ward(results)))


def test_group_table_is_the_equity_profile(results: Any, calderdale: Any) -> None:
    prof = equity.equity_profile(results, calderdale)
    table = group_table(prof)
    rows = {r[0]: r for r in table.rows}
    car = prof["groups"]["car"]["groups"]["no_car"]
    row = rows[car["label"]]
    assert row[1] == f"{car['count']:,.0f} households"
    assert row[2] == f"{100 * car['share_of_place']:.1f}"
    access = prof["indicators"]["meets_2ha_300m"]
    share = access["by_group"]["no_car"]
    lo, hi = access["by_group_ci"]["no_car"]
    assert row[3] == f"{100 * share:.1f} ({100 * lo:.1f} to {100 * hi:.1f})"
    gap = next(g for g in access["gaps"] if g["group"] == "no_car")
    assert row[4].startswith(f"{100 * gap['difference']:+.1f} (")
    assert rows["Households with a car or van"][4] == "reference"
    assert len(table.rows) == len(equity.GROUPS)


def test_small_ward_section_shows_the_reason_not_the_gaps(results: Any, ward: Any) -> None:
    sec = left_out_section(results, ward)
    notes = [n.text for n in _blocks(sec, Note)]
    assert any("fewer than the 20" in n for n in notes)
    groups = _blocks(sec, Table)[0]
    assert all(r[4] == "suppressed" and r[6] == "suppressed" for r in groups.rows)
    assert all("(" not in r[3] for r in groups.rows)  # no interval beside the share
    assert [s.text for s in _blocks(sec, Subheading)] == [
        "The life course",
        "Neither a garden nor a park",
    ]
    fig = _blocks(sec, Figure)[0]
    assert fig.png.startswith(PNG) and fig.title.startswith("Map of")
    assert any("independent within an MSOA" in n for n in notes)


def test_life_course_and_gardens_rows(results: Any, calderdale: Any) -> None:
    sec = left_out_section(results, calderdale)
    life, gardens = _blocks(sec, Table)[1:3]
    lc = equity.life_course(results, calderdale)
    assert life.rows[0][2] == f"{100 * lc['children']['share_meeting']:.1f}"
    assert life.rows[2][2] == f"{lc['older_people']['no2_ugm3']:.1f}"
    assert str(lc["air_year"]) in life.rows[2][1]
    gp = need.gardens_and_parks(results, calderdale)
    assert gardens.rows[2][0].startswith("Neither a garden nor a green space of 2 ha")
    assert gardens.rows[2][1] == f"{gp['local']['people_without_garden_or_park']:,.0f}"


def test_evidence_table_is_the_models(results: Any, calderdale: Any) -> None:
    result = ev.evidence(results, calderdale)
    table = coefficient_table(result)
    fitted = [m for m in result["models"] if not m["suppressed"]]
    assert len(table.rows) == sum(len(m["coefficients"]) for m in fitted)
    first = fitted[0]["coefficients"][0]
    assert table.rows[0][3] == f"{first['coef']:+.3f}"
    assert table.rows[0][4] == f"{first['ci_low']:+.3f} to {first['ci_high']:+.3f}"
    assert table.rows[0][6] == f"{fitted[0]['n']:,} LSOAs"
    assert table.columns[7] == "R²" and table.rows[0][7] == f"{fitted[0]['r2']:.3f}"
    sec = evidence_section(results, calderdale)
    notes = [n.text for n in _blocks(sec, Note)]
    assert notes[0] == result["summary"] and "after allowing for deprivation" in notes[0]
    assert any("Confounded" in str(b) for b in sec.blocks)
    assert _blocks(sec, Figure)[0].png.startswith(PNG)


def test_evidence_for_a_small_ward_is_the_too_few_message(results: Any, ward: Any) -> None:
    sec = evidence_section(results, ward)
    assert not _blocks(sec, Table) and not _blocks(sec, Figure)
    assert "too few for these models" in _blocks(sec, Note)[0].text


def test_headline_suppression_hand_case(results: Any, calderdale: Any) -> None:
    # Calderdale has enough LSOAs and deciles, so only the interval can suppress:
    # an SII interval of −1.2 to 0.3 (a share gap cannot pass −1) is absurd; an RII
    # may take any value; a concentration index of 0.1 to 0.4 is possible.
    prof = {
        "sii": {"value": -0.4, "ci_low": -1.2, "ci_high": 0.3},
        "rii": {"value": -3.0, "ci_low": -9.0, "ci_high": 2.0},
        "concentration_index": {"value": 0.2, "ci_low": 0.1, "ci_high": 0.4},
    }
    out = equity.headline_suppression(results, calderdale, prof)
    assert "outside the possible range" in str(out["sii"])
    assert out["rii"] is None and out["concentration_index"] is None


def test_small_ward_report_suppresses_the_gradients(results: Any, ward: Any) -> None:
    prof = profiles.profile(results, ward)
    stats = report.inequality_statistics(prof, equity.headline_suppression(results, ward, prof))
    assert all(s.value == "suppressed" and s.interval == "not shown" for s in stats)
    assert all("fewer than the 20" in s.reading for s in stats)
    county = area_for_place(results, resolve_place("West Yorkshire"))
    cprof = profiles.profile(results, county)
    shown = report.inequality_statistics(cprof, equity.headline_suppression(results, county, cprof))
    assert shown == report.inequality_statistics(cprof)
    assert np.isfinite(float(shown[0].value))


def test_ward_report_html_and_pdf_carry_both_sections(results: Any, ward: Any) -> None:
    rep = report.build_report(results, ward)
    assert [s.key for s in rep.sections] == ["left_out", "evidence"]
    html = report.render_html(rep)
    assert 'id="s-left_out">Who is left out</h2>' in html
    assert "The life course" in html and "too few for these models" in html
    text = "\n".join(
        p.extract_text() or "" for p in PdfReader(io.BytesIO(report.render_pdf(rep))).pages
    )
    for words in ("Who is left out", "The life course", "Evidence: access, air", "too few"):
        assert words in text
