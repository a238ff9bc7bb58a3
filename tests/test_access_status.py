"""Access status from evidence, never from silence: every rule on a real OSM feature.

The classification is run here on the bundle's real ``greenspace`` and
``grounds`` layers (OSM, Geofabrik extract of Aug 2023), so these tests check
the code, not a stored answer. Each case names the OSM object and the tag or
geometry that decides it; the tags quoted were read from the object's
``other_tags``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.access_status import PUBLIC, RULES, STATUSES, UNKNOWN, Evidence, access_status
from layers.bundle import read_table
from layers.greenspace import classify_access


@pytest.fixture(scope="module")
def classified() -> pd.DataFrame:
    features = read_table("greenspace")
    grounds = read_table("grounds")
    return classify_access(features, grounds).set_index("osm_ref")


#: (OSM object, status, reason, why) — one real feature for each rule that matches one.
REAL_CASES = [
    ("way/1158261025", "private", "tag:access=private", "Heaton Reservoir NR, access=private"),
    ("way/170647765", "private", "tag:access=no", "Hill Top Cemetery (Jewish), access=no"),
    (
        "way/932467824",
        "private",
        "tag:garden:type=residential",
        "Solar Rise Gardens: residential beats its access=permissive",
    ),
    ("way/967682799", "private", "tag:garden:type=private", "garden:type=private"),
    ("way/1167918176", "restricted", "tag:access=customers", "South Elmsall 3G pitches"),
    ("way/885195526", "restricted", "tag:access=residents", "grass, access=residents"),
    ("relation/4800826", "restricted", "listed:paid-entry estate", "Harewood Park, no tags"),
    (
        "way/191251644",
        "restricted",
        "listed:paid-entry estate",
        "Bramham Park: the listed estate rule comes before its access=permissive",
    ),
    ("way/155081015", "restricted", "tag:fee=yes", "leisure=park with fee=yes"),
    ("relation/3346811", "restricted", "type:golf_course", "Ilkley Golf Club"),
    ("way/138776771", "public", "tag:access=yes", "Berry Lane Park playground"),
    ("way/175322384", "public", "tag:access=permissive", "East Keswick Marsh nature reserve"),
    ("way/46427923", "public", "tag:designation=access_land", "Deffer Wood, CRoW access land"),
    (
        "way/6962425",
        "public",
        "type:park",
        "St George's Field: a park inside university grounds is still a park",
    ),
    ("relation/12354616", "public", "type:nature_reserve", "Beechwood Park LNR"),
    ("way/151228097", "public", "type:common", "Warmfield Common"),
    ("way/137744862", "public", "type:village_green", "Salford Village Green"),
    (
        "way/214349540",
        "restricted",
        "inside:school grounds",
        "unnamed recreation ground, 13.8 ha, inside school grounds",
    ),
    (
        "way/756286263",
        "restricted",
        "inside:hospital grounds",
        "unnamed wood, 0.5 ha, in hospital grounds",
    ),
    (
        "way/323167264",
        "restricted",
        "inside:college grounds",
        "recreation ground, 5.0 ha, in a college",
    ),
    (
        "way/468362497",
        "restricted",
        "inside:university grounds",
        "Church Wood, in university grounds",
    ),
    ("way/126795797", "restricted", "inside:prison grounds", "recreation ground in a prison"),
    ("way/100384479", "restricted", "named:school or club", "Bramley Park Crown Green Bowls Club"),
    ("relation/15395153", "restricted", "type:allotments", "Foster Park Smallholdings"),
    ("way/100370733", "restricted", "type:pitch without open access", "Woodhouse Moor Skate Park"),
    ("way/1050836959", "public", "type:garden", "Water Gardens & Garden Gallery"),
    ("way/1180534599", "public", "type:dog_park", "Leeds Dock Dog Park"),
    ("way/1013903731", "public", "type:playground", "Slide & Monkey Bars"),
    ("way/941360415", "public", "type:fitness_station", "calisthenics area"),
    ("relation/12615497", "public", "type:cemetery", "God's Acre Cemetery"),
    ("way/22726106", "public", "tag:designation=common", "grass with designation=common"),
    ("relation/8849251", "public", "type:moor or heath (CRoW open country)", "Brow Moor"),
    ("way/101448642", "public", "inside:public park", "Black Hill Plantation, in a public park"),
    ("relation/10019595", "public", "named:park", "Seacroft Park, a recreation ground"),
    ("relation/12376569", "public", "named:recreation ground", "The Sidings"),
    ("relation/10043572", "unknown", "default:unnamed recreation ground", "no name, no tag"),
    ("relation/10254767", "unknown", "default:unnamed wood", "no name, no tag"),
    ("relation/10055770", "unknown", "default:unnamed scrub", "no name, no tag"),
    ("relation/10108547", "unknown", "default:unnamed grass", "no name, no tag"),
    ("relation/13402060", "unknown", "default:meadow (mostly farmland)", "The Lillands"),
    (
        "way/197638083",
        "unknown",
        "default:wood without access tag",
        "Castle Scout Plantation: a name alone is not access",
    ),
]

#: Rules no feature in the 2023 extract triggers: tested on a real feature with the
#: one tag changed (the rule must turn it from its real status to the expected one).
SUBSTITUTED = [
    ("way/1167918176", "access", "members", "restricted", "tag:access=members"),
    ("way/1167918176", "access", "permit", "restricted", "tag:access=permit"),
    ("way/1167918176", "access", "military", "restricted", "tag:access=military"),
    ("way/1167918176", "access", "agricultural", "restricted", "tag:access=agricultural"),
    ("way/1167918176", "access", "forestry", "restricted", "tag:access=forestry"),
    ("way/1167918176", "access", "delivery", "restricted", "tag:access=delivery"),
    ("relation/10254767", "access", "designated", "public", "tag:access=designated"),
    ("relation/10254767", "access", "public", "public", "tag:access=public"),
    ("relation/10043572", "grounds", "military", "restricted", "inside:military land"),
]


@pytest.mark.parametrize(
    ("ref", "status", "reason", "why"), REAL_CASES, ids=[c[0] for c in REAL_CASES]
)
def test_rule_on_real_feature(
    classified: pd.DataFrame, ref: str, status: str, reason: str, why: str
) -> None:
    row = classified.loc[ref]
    assert (row["access_status"], row["access_reason"]) == (status, reason), why


def _evidence(classified: pd.DataFrame, ref: str, field: str, value: str) -> Evidence:
    row = classified.loc[[ref]]
    frame = pd.DataFrame(
        {
            "key": row["osm_key"],
            "value": row["osm_value"],
            "name": row["name"],
            "access": row["access"],
            "fee": "",
            "garden_type": "",
            "designation": "",
            "grounds": row["grounds"],
            "in_public_park": False,
        }
    )
    frame[field] = value
    return Evidence.from_frame(frame)


@pytest.mark.parametrize(("ref", "field", "value", "status", "reason"), SUBSTITUTED)
def test_rule_on_real_feature_with_one_tag_changed(
    classified: pd.DataFrame, ref: str, field: str, value: str, status: str, reason: str
) -> None:
    assert classified.loc[ref, "access_reason"] != reason
    got_status, got_reason = access_status(_evidence(classified, ref, field, value))
    assert (got_status[0], got_reason[0]) == (status, reason)


def test_every_rule_is_tested() -> None:
    tested = {c[2] for c in REAL_CASES} | {c[4] for c in SUBSTITUTED}
    assert {r.reason for r in RULES} <= tested


def test_reasons_are_unique_and_machine_readable() -> None:
    reasons = [r.reason for r in RULES]
    assert len(reasons) == len(set(reasons))
    assert all(
        r.split(":")[0] in {"tag", "type", "inside", "named", "listed", "default"} for r in reasons
    )
    assert {r.status for r in RULES} <= set(STATUSES)


def test_nothing_is_public_from_silence(classified: pd.DataFrame) -> None:
    """Every public feature names positive evidence; every default is unknown."""
    public = classified[classified["access_status"] == PUBLIC]
    assert not public["access_reason"].str.startswith("default:").any()
    defaults = classified[classified["access_reason"].str.startswith("default:")]
    assert (defaults["access_status"] == UNKNOWN).all()
    assert defaults["access"].fillna("unknown").eq("unknown").all()


def test_unnamed_wood_scrub_grass_without_tags_are_unknown(classified: pd.DataFrame) -> None:
    """Issue 8: these were public by default; with no name and no tags, now only those
    inside a public park are public."""
    plain = classified[
        classified["osm_value"].isin(["wood", "scrub", "grass"])
        & classified["name"].isna()
        & classified["other_tags"].isna()
        & (classified["grounds"] == "")
    ]
    assert len(plain) > 10_000
    inside_park = plain["access_reason"] == "inside:public park"
    assert set(plain.loc[~inside_park, "access_status"]) == {UNKNOWN}


def test_club_and_school_names_are_not_public(classified: pd.DataFrame) -> None:
    """Issue 8 found 80 'public' features named Grammar School, Sports & Social Club …"""
    pattern = r"Grammar School|Sports (?:&|and) Social Club|Tennis Club|University Sports"
    named = classified[classified["name"].fillna("").str.contains(pattern)]
    assert len(named) >= 10
    assert not (named["access_status"] == PUBLIC).any()


def test_first_match_wins_on_a_hand_made_case() -> None:
    """A park tagged access=private and fee=yes is private: the first rule wins."""
    ev = Evidence(
        key=np.array(["leisure"]),
        value=np.array(["park"]),
        name=np.array(["Hand Park"]),
        access=np.array(["private"]),
        fee=np.array(["yes"]),
        garden_type=np.array([""]),
        designation=np.array([""]),
        grounds=np.array(["school"]),
        in_public_park=np.array([False]),
    )
    status, reason = access_status(ev)
    assert (status[0], reason[0]) == ("private", "tag:access=private")
