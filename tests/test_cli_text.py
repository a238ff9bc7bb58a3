"""The plain-text ``profile`` and ``layers`` commands: aligned tables a person can read.

The figures are checked against the ``--json`` output of the same command,
rounded here by hand, so the text shows the same numbers with units and no
float noise; the district and county columns against their own ``--json``.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from typing import Any

import pytest

from healthyplaces.cli import main
from layers.bundle import manifest
from layers.catalogue import catalogue


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def profile_json(capsys: pytest.CaptureFixture[str], place: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run(capsys, "profile", place, "--json"))
    return data


def section(text: str, title_start: str) -> list[str]:
    """The lines of the section whose title starts with ``title_start`` (up to a blank line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title_start))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def row(lines: list[str], label: str) -> str:
    """The one row whose label (after the two-space indent) is ``label``."""
    found = [line for line in lines if line.startswith(f"  {label}  ")]
    assert len(found) == 1, (label, found)
    return found[0]


def pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def capture(*argv: str) -> str:
    """Stdout of the CLI run in this process (module-scoped fixtures cannot use capsys)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(list(argv)) == 0
    return buf.getvalue()


@pytest.fixture(scope="module")
def bradford() -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Bradford's text profile, its JSON and the county's JSON."""
    text = capture("profile", "Bradford")
    return (
        text,
        json.loads(capture("profile", "Bradford", "--json")),
        json.loads(capture("profile", "West Yorkshire", "--json")),
    )


def test_profile_text_has_no_float_noise_or_raw_keys(bradford: tuple[str, Any, Any]) -> None:
    text, prof, _ = bradford
    # Nothing like 1.0000000000000002 or 0.3304445863906159: at most 3 decimals anywhere.
    assert not re.search(r"\d\.\d{4,}", text)
    # No raw JSON keys or dicts.
    for key in ("access_straight", "pop_share_imd_deciles_1_2", "0.5ha_200m", "{", "null"):
        assert key not in text
    assert text.startswith("Bradford (district, E08000032, in West Yorkshire)\n")
    assert text.rstrip().endswith(prof["attribution"])


def test_tier_rows_show_place_and_county_shares_rounded(bradford: tuple[str, Any, Any]) -> None:
    text, prof, county = bradford
    lines = section(text, "Green space within reach, straight line")
    header = lines[1].split()
    assert header[:2] == ["Bradford", "West"] and header[-1] == "units"
    for name, label in [
        ("0.5ha_200m", "0.5 ha site within 200 m"),
        ("2ha_300m", "2 ha site within 300 m"),
        ("10ha_1km", "10 ha site within 1 km"),
    ]:
        cells = row(lines, label).split()
        assert cells[-4:] == [
            pct(prof["access_straight"][name]),
            pct(county["access_straight"][name]),
            "of",
            "residents",
        ]
    # Bradford's 2 ha/300 m share is 31.5% (the golden JSON: 0.3150…).
    assert "31.5%" in row(lines, "2 ha site within 300 m")


def test_people_and_air_rows_carry_units_and_year(bradford: tuple[str, Any, Any]) -> None:
    text, prof, county = bradford
    people = section(text, "People and deprivation")
    assert row(people, "Residents").split()[-3:] == [
        f"{prof['population']:,}",
        f"{county['population']:,}",
        "people",
    ]
    air = section(text, "Air quality (DEFRA PCM")
    year = prof["air_year"]
    assert f"DEFRA PCM {year}" in air[0]
    no2 = row(air, "NO₂ annual mean (population-weighted)")
    assert no2.split()[-4:] == [
        f"{prof['no2_pop_weighted_ugm3']:.1f}",
        f"{county['no2_pop_weighted_ugm3']:.1f}",
        "µg/m³",
        f"({year})",
    ]
    guideline = row(air, "  above WHO 2021 guideline (10 µg/m³)")
    assert pct(prof["pop_share_no2_above_who"]) in guideline
    # Every WHO 2021 interim target of NO₂ has a row (40, 30, 20 µg/m³).
    for i, level in enumerate((40, 30, 20), start=1):
        row(air, f"  above WHO 2021 interim target IT-{i} ({level} µg/m³)")
    assert "ha per 1,000 people" in text


def test_network_reads_not_available_offline_outside_leeds(bradford: tuple[str, Any, Any]) -> None:
    text, prof, _ = bradford
    assert all(v is None for v in prof["access_network"].values())
    lines = section(text, "Green space within reach, walking network")
    first = row(lines, "2 ha site within 300 m")
    assert re.search(r"\s{2}not available offline\s{2}", first)


def test_network_shares_show_inside_leeds(capsys: pytest.CaptureFixture[str]) -> None:
    prof = profile_json(capsys, "E05011397")  # Headingley & Hyde Park, central Leeds
    text = run(capsys, "profile", "E05011397")
    lines = section(text, "Green space within reach, walking network")
    share = prof["access_network"]["2ha_300m"]
    assert share is not None
    assert f"  {pct(share)}  " in row(lines, "2 ha site within 300 m")
    # Partly covered: the share says of how many residents.
    cov = prof["access_network_coverage"]["100ha_5km"]
    assert 0 < cov < 1
    assert f"of {pct(cov)} covered" in row(lines, "100 ha site within 5 km")
    # A ward has its district and the county beside it.
    header = section(text, "People and deprivation")[1].split()
    assert header == ["Headingley", "&", "Hyde", "Park", "Leeds", "West", "Yorkshire", "units"]


def test_layers_table_has_headers_sources_and_gaps(capsys: pytest.CaptureFixture[str]) -> None:
    text = run(capsys, "layers")
    lines = text.splitlines()
    assert lines[0].split() == ["LAYER", "ROWS", "VINTAGE", "LICENCE", "SOURCE", "GAPS"]
    gaps_col = lines[0].index("GAPS")
    source_col = lines[0].index("SOURCE")
    entries = catalogue(manifest())
    starts = {line.split()[0]: line for line in lines[1:] if line and not line.startswith(" ")}
    for e in entries:
        assert e["name"] in starts, e["name"]
    msoa = next(e for e in entries if e["name"] == "msoa21")
    first = starts["msoa21"]
    assert first[source_col:].startswith(msoa["source"].split()[0])
    assert first[gaps_col:].startswith(msoa["gaps"].split()[0])
    assert "301" in first.split()  # rows, thousands-separated where needed
    assert "1,404" in starts["lsoa21"].split()
