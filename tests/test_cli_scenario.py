"""``healthyplaces scenario --park FILE``: who gains from a new park, checked by a second count.

The CLI's gain (:func:`analysis.new_park.add_park` on the population surface)
is recounted here from the bundle's own tables with plain shapely and numpy:
every postcode of ``population_points`` carries its Census 2021 people; its
distance before the park is to the nearest publicly accessible park site of
``greenspace_sites`` (``site_kind == "park"`` and ``all_accessible``, sized by
``public_area_ha``) of the tier's size; a person gains when that distance is
beyond the tier's and the distance to the new park is within it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.standards import ACCESS_TIERS, SITE_DEFINITIONS, AccessTier
from healthyplaces.cli import main
from layers.bundle import read_table

#: A 150 m × 150 m (2.25 ha) park in Toller ward, Bradford, touching no existing site
#: (British National Grid, metres).
TOLLER_PARK = (413_700.0, 434_300.0, 150.0)
#: A 200 m × 200 m (4 ha) park on Ilkley Moor, where nobody lives within 300 m.
MOOR_PARK = (411_000.0, 445_400.0, 200.0)


def park_file(tmp_path: Path, corner: tuple[float, float, float], name: str) -> Path:
    """A GeoJSON square in EPSG:27700 with a ``name`` property, as a user would upload it."""
    x, y, side = corner
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    path = tmp_path / f"{name.replace(' ', '_')}.geojson"
    path.write_text(json.dumps(doc))
    return path


def square(corner: tuple[float, float, float]) -> shapely.Geometry:
    x, y, side = corner
    return shapely.box(x, y, x + side, y + side)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    """Postcodes with people, their LSOA's IMD decile and ward (bundle tables)."""
    pts = pd.DataFrame(read_table("population_points").drop(columns="geometry"))
    iod = pd.DataFrame(read_table("iod2025"))[["lsoa21_code", "IMD_decile"]]
    wards = pd.DataFrame(read_table("lsoa21"))[["lsoa21_code", "ward_code"]]
    return pts.merge(iod, on="lsoa21_code", how="left").merge(wards, on="lsoa21_code")


def parks(definition: str) -> tuple[np.ndarray, np.ndarray]:
    """The park sites ``definition`` counts (geometry, public area in ha)."""
    s = read_table("greenspace_sites")
    flag = SITE_DEFINITIONS[definition].flag
    keep = (s["site_kind"] == "park").to_numpy() & s[flag].to_numpy(bool)
    return np.asarray(s.geometry.values)[keep], s["public_area_ha"].to_numpy(float)[keep]


def expected_gain(
    people: pd.DataFrame,
    parks: tuple[np.ndarray, np.ndarray],
    park: shapely.Geometry,
    tier: AccessTier,
) -> pd.DataFrame:
    """The postcodes whose people newly meet ``tier`` with ``park`` (the second count)."""
    if shapely.area(park) / 10_000 < tier.min_ha:
        return people.iloc[:0]
    xy = shapely.points(people["easting"].to_numpy(float), people["northing"].to_numpy(float))
    near = shapely.distance(xy, park) <= tier.distance_m
    geoms, ha = parks
    big = geoms[ha >= tier.min_ha]
    before = np.array([shapely.distance(p, big).min() for p in xy[near]])
    gained = np.zeros(len(people), dtype=bool)
    gained[np.flatnonzero(near)[before > tier.distance_m]] = True
    return people[gained]


@pytest.mark.parametrize("definition", ["all-accessible", "natural"])
def test_toller_park_gain_equals_an_independent_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, people: pd.DataFrame, definition: str
) -> None:
    path = park_file(tmp_path, TOLLER_PARK, "Toller test park")
    argv = ["--park", str(path), "--place", "Toller", "--definition", definition, "--json"]
    rc, out, _ = cli(capsys, "scenario", *argv)
    assert rc == 0
    got = json.loads(out)
    park = square(TOLLER_PARK)
    assert got["park"]["name"] == "Toller test park"
    assert got["park"]["area_ha"] == pytest.approx(2.25)
    assert got["park"]["absorbed_sites"] == 0  # so the merged site is the park itself
    assert got["park"]["merged_site_ha"] == pytest.approx(2.25)
    for tier in ACCESS_TIERS:
        gained = expected_gain(people, parks(definition), park, tier)
        assert got["gain_straight"][tier.name] == int(gained["people"].sum()), tier.name
        by_decile = gained.groupby("IMD_decile")["people"].sum()
        assert got["gain_by_imd_decile"][tier.name] == {
            str(d): int(by_decile.get(d, 0)) for d in range(1, 11)
        }
        in_toller = gained[gained["ward_code"] == "E05001364"]
        assert got["place"]["gain_straight"][tier.name] == int(in_toller["people"].sum())
    # The park is 2.25 ha: it serves the 0.5 ha and 2 ha tiers and no larger one.
    assert got["gain_straight"]["2ha_300m"] > 1_000
    assert got["gain_straight"]["10ha_1km"] == 0
    assert got["gains_anyone"] is True
    assert got["site_definition"]["name"] == definition
    # Bradford is outside the offline walking network: no walking gain is claimed.
    assert all(v is None for v in got["gain_network"].values())
    assert got["method"] and got["units"] and got["attribution"]


def test_scenario_text_shows_the_gains(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = park_file(tmp_path, TOLLER_PARK, "Toller test park")
    _, js, _ = cli(capsys, "scenario", "--park", str(path), "--json")
    gains = json.loads(js)["gain_straight"]
    rc, text, _ = cli(capsys, "scenario", "--park", str(path))
    assert rc == 0
    assert text.startswith("New park: Toller test park, 2.25 ha")
    row = next(line for line in text.splitlines() if line.startswith("  2 ha site within 300 m"))
    assert row.split()[6] == f"{gains['2ha_300m']:,}"
    assert "not available offline" in row


def test_park_where_nobody_lives_gains_nobody_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, people: pd.DataFrame
) -> None:
    park = square(MOOR_PARK)
    xy = shapely.points(people["easting"].to_numpy(float), people["northing"].to_numpy(float))
    assert people.loc[shapely.distance(xy, park) <= 300, "people"].sum() == 0  # the premise
    path = park_file(tmp_path, MOOR_PARK, "Ilkley Moor park")
    rc, out, _ = cli(capsys, "scenario", "--park", str(path), "--json")
    assert rc == 0
    got = json.loads(out)
    assert got["gain_straight"] == {t.name: 0 for t in ACCESS_TIERS}
    assert got["gains_anyone"] is False
    assert got["note"].startswith("Nobody gains")
    rc, text, _ = cli(capsys, "scenario", "--park", str(path))
    assert "Nobody gains" in text


def test_hostile_park_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "park.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')  # cut off mid-file
    rc, out, err = cli(capsys, "scenario", "--park", str(path), "--json")
    assert rc == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("healthyplaces: error: park.geojson")
    assert "Traceback" not in err


def test_unknown_place_is_refused_before_analysis(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = park_file(tmp_path, TOLLER_PARK, "Toller test park")
    rc, out, err = cli(capsys, "scenario", "--park", str(path), "--place", "Nowhereville")
    assert rc == 2 and out == ""
    assert "Nowhereville" in err and len(err.splitlines()) == 1
