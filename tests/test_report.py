"""Place reports on the real bundle: one model, HTML and PDF renderers, and the CLI command."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from pypdf import PdfReader

from analysis import areas, deciles
from geo import crs
from healthyplaces import cli, report
from layers import catalogue, places
from layers.places import resolve_place

BRADFORD_POP = "546,373"


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def bradford(results: Any) -> report.Report:
    return report.build_report(results, areas.area_for_place(results, resolve_place("Bradford")))


@pytest.fixture(scope="module")
def bradford_html(bradford: report.Report) -> str:
    return report.render_html(bradford)


@pytest.fixture(scope="module")
def bradford_pdf(bradford: report.Report) -> bytes:
    return report.render_pdf(bradford)


def _lsoa_buffer(results: Any, code: str, radius_m: float) -> shapely.Geometry:
    row = results.lsoa.loc[results.lsoa["lsoa21_code"] == code].iloc[0]
    return shapely.Point(row["pwc_x"], row["pwc_y"]).buffer(radius_m)


def test_report_model_carries_units_years_and_comparisons(bradford: report.Report) -> None:
    assert bradford.place_name == "Bradford"
    assert bradford.population == BRADFORD_POP
    assert bradford.district_name is None  # Bradford is a district: compared with the county
    assert bradford.county_name == places.COUNTY_NAME
    assert bradford.headline[0].value == BRADFORD_POP
    assert bradford.headline[0].county == "2,351,573"
    for row in bradford.headline:
        assert row.units and row.year, row.label
    assert len(bradford.decile_charts) == len(deciles.DECILE_INDICATORS)
    for fig in [*bradford.decile_charts, bradford.map]:
        assert fig.png.startswith(b"\x89PNG") and fig.alt
    assert not any("county" in n.lower() and "too few" in n for n in [bradford.decile_note])
    assert len(bradford.lsoa_table.rows) == 312
    assert [s.name.split(" (")[0] for s in bradford.inequality][:2] == [
        "Slope index of inequality",
        "Relative index of inequality",
    ]
    assert any("central Leeds only" in n for n in bradford.coverage_notes)
    assert bradford.attribution == catalogue.ATTRIBUTION


def test_html_is_self_contained_and_names_bradford(bradford_html: str) -> None:
    assert "Bradford" in bradford_html
    assert BRADFORD_POP in bradford_html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", bradford_html)
    assert "url(http" not in bradford_html and "@import" not in bradford_html
    assert "<script" not in bradford_html and "<link" not in bradford_html
    srcs = re.findall(r'<img src="([^"]{0,30})', bradford_html)
    # The map, the decile charts, and the two figures of the "Who is left out" and
    # "Evidence" sections (the gardens-and-parks map and the SAMHI scatter).
    assert len(srcs) == 1 + len(deciles.DECILE_INDICATORS) + 2
    assert all(s.startswith("data:image/png;base64,") for s in srcs)
    assert len(re.findall(r'<img [^>]*alt="[^"]+"', bradford_html)) == len(srcs)
    assert '<html lang="en-GB">' in bradford_html and "<h1>" in bradford_html


def test_html_carries_osm_and_ogl_attribution(bradford_html: str) -> None:
    assert "© OpenStreetMap contributors (ODbL)" in bradford_html
    assert "Open Government Licence v3.0" in bradford_html
    assert "Open Database Licence 1.0" in bradford_html


def test_html_escapes_a_hostile_area_name(results: Any) -> None:
    name = "<script>alert(1)</script>"
    area = areas.area_for_polygon(results, _lsoa_buffer(results, "E01010670", 500), name=name)
    rep = report.build_report(results, area, warnings=['<img src=x onerror="alert(2)">'])
    page = report.render_html(rep)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "Share in area (%)" in page  # custom areas list each LSOA's share
    assert "too few" in rep.decile_note  # 6 LSOAs: charts fall back to the county
    text = _pdf_text(report.render_pdf(rep))
    assert name in text


def test_pdf_handles_any_unicode_name(results: Any) -> None:
    name = "Café ≥ NO₂ µg 漢字 \x00\u202e 🌳 $x$"
    area = areas.area_for_polygon(results, _lsoa_buffer(results, "E01010670", 400), name=name)
    rep = report.build_report(results, area)
    text = _pdf_text(report.render_pdf(rep))
    assert "Café ≥ NO₂ µg" in text
    assert "µg/m³" in text
    assert report.pdf_safe("a\x00b\u202ec漢") == "abc?"


def test_pdf_parses_and_names_bradford_with_population(bradford_pdf: bytes) -> None:
    assert bradford_pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(bradford_pdf))
    assert len(reader.pages) >= 3
    text = _pdf_text(bradford_pdf)
    assert "Bradford" in text
    assert BRADFORD_POP in text
    assert "OpenStreetMap contributors" in text and "Open Government Licence" in text
    assert "central Leeds only" in text


def test_pdf_page_1_has_the_map_and_the_headline_figures(
    bradford: report.Report, bradford_pdf: bytes
) -> None:
    """Page 1 at a glance: the map image and the headline table, not two-thirds empty;
    the LSOA table is a labelled appendix on its own pages."""
    reader = PdfReader(io.BytesIO(bradford_pdf))
    first = reader.pages[0]
    assert len(first.images) == 1  # the map
    text = first.extract_text() or ""
    assert "Headline indicators" in text
    for row in bradford.headline[:6]:
        assert row.value in text, row.label
    appendix = [
        i for i, p in enumerate(reader.pages) if "Appendix: the" in (p.extract_text() or "")
    ]
    assert appendix and appendix[0] > 0


def test_small_area_deciles_fall_back_to_the_county(results: Any) -> None:
    ward = resolve_place("E05001341")  # Baildon: 10 LSOAs
    data = deciles.decile_data(results, areas.area_for_place(results, ward))
    assert data.county_fallback and data.scope == places.COUNTY_NAME
    assert "too few" in data.note
    assert int(data.frame["n_lsoa"].sum()) == len(results.lsoa)
    district, county = areas.comparators(results, areas.area_for_place(results, ward))
    assert district is not None and district.name == "Bradford"
    assert county is not None and county.code == places.COUNTY_CODE


def test_cli_report_writes_html_and_pdf(results: Any, tmp_path: Path) -> None:
    html_path, pdf_path = tmp_path / "bradford.html", tmp_path / "bradford.pdf"
    assert cli.main(["report", "Bradford", "--format", "html", "-o", str(html_path)]) == 0
    assert cli.main(["report", "E08000032", "-o", str(pdf_path)]) == 0  # format from suffix
    page = html_path.read_text(encoding="utf-8")
    assert "Bradford" in page and BRADFORD_POP in page
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert BRADFORD_POP in _pdf_text(pdf_path.read_bytes())


def test_cli_report_for_a_boundary_file(results: Any, tmp_path: Path) -> None:
    boundary = tmp_path / "my-area.geojson"
    poly = gpd.GeoSeries([_lsoa_buffer(results, "E01010670", 500)], crs=crs.ANALYSIS_CRS)
    boundary.write_text(poly.to_crs(crs.DISPLAY_CRS).to_json(), encoding="utf-8")
    out = tmp_path / "area.html"
    assert (
        cli.main(["report", "--boundary", str(boundary), "--format", "html", "-o", str(out)]) == 0
    )
    assert "my-area" in out.read_text(encoding="utf-8")


def test_cli_report_unknown_place_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", "Nowhere-on-earth", "-o", "/dev/null"]) == 2
    assert "No place called" in capsys.readouterr().err


def test_report_parser_is_registered() -> None:
    args = cli.build_parser().parse_args(["report", "Leeds", "--format", "pdf", "-o", "x.pdf"])
    assert args.place == "Leeds" and args.format == "pdf" and args.output == "x.pdf"
    assert json.dumps(args.func.__name__) == '"_cmd_report"'


def test_lsoa_rows_count_the_standards_met_from_the_distances(results: Any) -> None:
    """'Access standards met (of 6)' counts the tiers whose nearest qualifying site is within
    the tier's distance at the LSOA's population-weighted median distance (Natural England GI
    Framework), recomputed here from the distances themselves, not from a share."""
    from geo import standards

    area = areas.area_for_place(results, resolve_place("Bradford"))
    table = report.lsoa_rows(results, area)
    col = table.columns.index("Access standards met (of 6)")
    shown = {row[0]: int(row[col]) for row in table.rows}
    lsoa = results.lsoa.set_index("lsoa21_code")
    expected = sum((lsoa[t.dist_col] <= t.distance_m).astype(int) for t in standards.ACCESS_TIERS)
    assert len(shown) == int(area.weights.astype(bool).sum())
    assert shown == {code: int(expected[code]) for code in shown}
    assert set(shown.values()) - set(range(7)) == set()


def test_cli_mistyped_place_is_one_line_without_loading_the_analysis() -> None:
    """A mistyped place is refused before the engine is imported: exit 2, one line."""
    import subprocess
    import sys

    code = (
        "import sys; from healthyplaces.cli import main; rc = main(['profile', 'Bradfrod']); "
        "print(rc, sorted(m for m in sys.modules if m == 'analysis' or m.startswith('analysis.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "2 []"
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("healthyplaces: error: No place called")
    assert "Bradford (E08000032)" in lines[0]
