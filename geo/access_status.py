"""Access status of green-space features, from evidence and never from silence.

Every OSM green feature gets one of ``public``, ``restricted`` (paid entry,
members, customers, schools, clubs, golf), ``private`` or ``unknown``, and a
machine-readable ``access_reason`` naming the evidence (``tag:access=private``,
``type:golf_course``, ``inside:school grounds``, ``named:park``,
``default:unnamed recreation ground`` …).

:data:`RULES` is the one rule table. Rules are tried in order and the first
that matches wins (:func:`numpy.select` semantics), so explicit tags beat
geometry, geometry beats names, and names beat the type defaults. Anything no
rule claims is ``unknown``: silence is never read as access.

Pure computation on arrays: no file I/O; the caller supplies the tags and the
containment flags (which grounds polygon, if any, holds each feature).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

PUBLIC = "public"
RESTRICTED = "restricted"
PRIVATE = "private"
UNKNOWN = "unknown"
STATUSES = (PUBLIC, RESTRICTED, PRIVATE, UNKNOWN)

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Evidence:
    """The evidence about each feature, as aligned arrays of equal length.

    Attributes
    ----------
    key, value
        The OSM tag the feature was extracted by (``leisure``/``park`` …).
    name
        OSM ``name`` ('' where absent).
    access, fee, garden_type, designation
        The OSM ``access``, ``fee``, ``garden:type`` and ``designation`` tags,
        lower-case ('' where absent).
    grounds
        The kind of institutional grounds (``school``, ``hospital`` …) holding
        most of the feature's area, '' where none (EPSG:27700 overlay done by
        the caller, see :func:`geo.site_merge.share_inside`).
    in_public_park
        True where most of the feature lies inside a park, garden, nature
        reserve or common that is itself ``public``.
    """

    key: npt.NDArray[np.str_]
    value: npt.NDArray[np.str_]
    name: npt.NDArray[np.str_]
    access: npt.NDArray[np.str_]
    fee: npt.NDArray[np.str_]
    garden_type: npt.NDArray[np.str_]
    designation: npt.NDArray[np.str_]
    grounds: npt.NDArray[np.str_]
    in_public_park: BoolArray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Evidence:
        """Evidence from a frame with one column per attribute (nulls read as '')."""
        text = {
            f: frame[f].fillna("").astype(str).to_numpy(dtype=str)
            for f in ("key", "value", "name", "grounds")
        }
        low = {
            f: frame[f].fillna("").astype(str).str.strip().str.lower().to_numpy(dtype=str)
            for f in ("access", "fee", "garden_type", "designation")
        }
        return cls(
            **text,
            **low,
            in_public_park=frame["in_public_park"].fillna(False).to_numpy(dtype=bool),
        )


Predicate = Callable[[Evidence], BoolArray]


@dataclass(frozen=True)
class Rule:
    """One row of the rule table: if ``when`` matches, the feature gets ``status``/``reason``."""

    status: str
    reason: str
    when: Predicate


def _tag(field: str, *values: str) -> Predicate:
    return lambda e: np.isin(getattr(e, field), values)


def _type(key: str, *values: str) -> Predicate:
    return lambda e: (e.key == key) & np.isin(e.value, values)


def _named(pattern: str) -> Predicate:
    rx = re.compile(pattern, re.IGNORECASE)
    return lambda e: pd.Series(e.name, dtype=str).str.contains(rx).to_numpy(dtype=bool)


def _unnamed(key: str, value: str) -> Predicate:
    return lambda e: (e.key == key) & (e.value == value) & (e.name == "")


def _inside(kinds: tuple[str, ...]) -> Predicate:
    return lambda e: np.isin(e.grounds, kinds)


#: Paid-entry or private historic estates mapped as ``leisure=park`` with no tag that
#: says so. Harewood House Trust sells tickets for the house and gardens, timed
#: tickets for visitors and members (harewood.org; YorkMix review, "entry to the house
#: and gardens"). Bramham Park is a private residence whose park is open on weekdays
#: by appointment for a fee (visiter-yorkshire.com, 2016; Yorkshire Post); only a
#: public footpath and a permissive path cross it (Defra Higher Level Stewardship walk
#: leaflet), which is likely why OSM tags the whole park ``access=permissive``: this
#: rule overrides that tag. Matched on the whole name.
PAID_ESTATES = ("Harewood Park", "Bramham Park")

#: Names that say "members, pupils or customers": schools, clubs, company and
#: university sports grounds (issue 8 found 80 such "public" features).
_CLUB_NAMES = (
    r"\b(?:grammar|high|primary|junior|infant|academy|prep(?:aratory)?|secondary)\s+school\b"
    r"|\bschool\s+(?:playing\s+)?fields?\b|\bcollege\b|\buniversity\b"
    r"|\b(?:sports?\s*(?:&|and)\s*social|cricket|tennis|bowl(?:ing|s)|rugby|football|golf|"
    r"hockey|lawn\s+tennis|squash|croquet|rowing|sailing|angling)\s+club\b"
    r"|\bsports?\s+club\b|\bsocial\s+club\b|\bworks\s+sports\b"
)
#: ``Park`` in a name, but not the car, business, retail, industrial or holiday kind.
_PARK_NAME = r"\b(?<!car )(?<!business )(?<!retail )(?<!industrial )(?<!holiday )park\b"
_GROUNDS_SCHOOL = ("school", "kindergarten", "education", "schoolyard")

#: Public open space by definition, even inside institutional grounds (St George's
#: Field, a public park on the University of Leeds campus, way/6962425).
_OPEN_SPACE_TYPES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("leisure", ("park",), "type:park"),
    ("leisure", ("nature_reserve",), "type:nature_reserve"),
    ("leisure", ("common",), "type:common"),
    ("landuse", ("village_green",), "type:village_green"),
)
#: Public by type, unless inside grounds or named for a club (school gardens and
#: playgrounds are for pupils).
_AMENITY_TYPES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("leisure", ("garden",), "type:garden"),
    ("leisure", ("dog_park",), "type:dog_park"),
    ("leisure", ("playground",), "type:playground"),
    ("leisure", ("fitness_station",), "type:fitness_station"),
    ("landuse", ("cemetery",), "type:cemetery"),
)

#: The rule table. Order matters: first match wins.
RULES: tuple[Rule, ...] = (
    # Explicit closure tags (OSM wiki, Key:access: private/no = no public right of way).
    Rule(PRIVATE, "tag:access=private", _tag("access", "private")),
    Rule(PRIVATE, "tag:access=no", _tag("access", "no")),
    Rule(PRIVATE, "tag:garden:type=residential", _tag("garden_type", "residential")),
    Rule(PRIVATE, "tag:garden:type=private", _tag("garden_type", "private")),
    # Limited user groups (OSM wiki, Key:access: customers, members, permit, residents …).
    *(
        Rule(RESTRICTED, f"tag:access={v}", _tag("access", v))
        for v in (
            "customers",
            "members",
            "permit",
            "residents",
            "military",
            "agricultural",
            "forestry",
            "delivery",
        )
    ),
    Rule(
        RESTRICTED,
        "listed:paid-entry estate",
        lambda e: np.isin(e.name, PAID_ESTATES) & (e.key == "leisure") & (e.value == "park"),
    ),
    Rule(RESTRICTED, "tag:fee=yes", _tag("fee", "yes")),
    Rule(RESTRICTED, "type:golf_course", _type("leisure", "golf_course")),
    # Explicit opening tags.
    *(
        Rule(PUBLIC, f"tag:access={v}", _tag("access", v))
        for v in ("yes", "permissive", "designated", "public")
    ),
    # CRoW Act 2000 open access land, where OSM records the designation.
    Rule(PUBLIC, "tag:designation=access_land", _tag("designation", "access_land")),
    # Open space by definition (Natural England GI Framework 2023 typology: parks and
    # gardens, commons, village greens, nature reserves).
    *(Rule(PUBLIC, reason, _type(k, *vals)) for k, vals, reason in _OPEN_SPACE_TYPES),
    # Institutional grounds (osm/grounds_landuse_2023): pupils, patients, inmates only.
    Rule(RESTRICTED, "inside:school grounds", _inside(_GROUNDS_SCHOOL)),
    Rule(RESTRICTED, "inside:college grounds", _inside(("college",))),
    Rule(RESTRICTED, "inside:university grounds", _inside(("university",))),
    Rule(RESTRICTED, "inside:hospital grounds", _inside(("hospital",))),
    Rule(RESTRICTED, "inside:prison grounds", _inside(("prison",))),
    Rule(RESTRICTED, "inside:military land", _inside(("military",))),
    Rule(RESTRICTED, "named:school or club", _named(_CLUB_NAMES)),
    Rule(RESTRICTED, "type:allotments", _type("landuse", "allotments")),
    Rule(RESTRICTED, "type:pitch without open access", _type("leisure", "pitch")),
    # Amenity types open to all (GI Framework 2023: play space, gardens, cemeteries).
    *(Rule(PUBLIC, reason, _type(k, *vals)) for k, vals, reason in _AMENITY_TYPES),
    Rule(
        PUBLIC,
        "tag:designation=common",
        _tag("designation", "common", "village_green", "millennium_green"),
    ),
    # CRoW Act 2000 s.1: "mountain, moor, heath or down" is open country.
    Rule(PUBLIC, "type:moor or heath (CRoW open country)", _type("natural", "heath", "moor")),
    Rule(PUBLIC, "inside:public park", lambda e: e.in_public_park),
    Rule(PUBLIC, "named:park", _named(_PARK_NAME)),
    Rule(
        PUBLIC,
        "named:recreation ground",
        lambda e: (e.value == "recreation_ground") & (e.name != ""),
    ),
    Rule(UNKNOWN, "default:unnamed recreation ground", _unnamed("landuse", "recreation_ground")),
    Rule(UNKNOWN, "default:unnamed wood", _unnamed("natural", "wood")),
    Rule(UNKNOWN, "default:unnamed scrub", _unnamed("natural", "scrub")),
    Rule(UNKNOWN, "default:unnamed grass", _unnamed("landuse", "grass")),
    Rule(UNKNOWN, "default:meadow (mostly farmland)", _type("landuse", "meadow")),
)


def access_status(evidence: Evidence) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.str_]]:
    """Status and reason of every feature from :data:`RULES` (first match wins).

    Parameters
    ----------
    evidence
        Tags, names and containment flags, one entry per feature.

    Returns
    -------
    (status, reason)
        Arrays of strings. Features no rule claims are ``unknown`` with reason
        ``default:<value> without access tag``.
    """
    conds = [np.asarray(r.when(evidence), dtype=bool) for r in RULES]
    fallback = np.char.add(
        np.char.add("default:", evidence.value.astype(str)), " without access tag"
    )
    status = np.select(conds, [r.status for r in RULES], default=UNKNOWN)
    reason = np.select(conds, [r.reason for r in RULES], default="")
    reason = np.where(reason == "", fallback, reason)
    return status.astype(str), reason.astype(str)


def rule_table() -> pd.DataFrame:
    """The rule table as a frame (order, status, reason) for the README and the app."""
    return pd.DataFrame(
        {
            "order": np.arange(1, len(RULES) + 1),
            "status": [r.status for r in RULES],
            "reason": [r.reason for r in RULES],
        }
    )
