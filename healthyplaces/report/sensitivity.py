"""The report's sensitivity table: every access tier under each green-site definition.

Formats ``access_straight_by_definition``, ``open_countryside``,
``edge_affected_share`` and ``completeness`` of the profile
(:mod:`analysis.site_definitions`) as a :class:`~healthyplaces.report.model.Table`
and notes; no computation here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geo.standards import ACCESS_TIERS, DEFAULT_SITE_DEFINITION, RULE_300, SITE_DEFINITIONS
from healthyplaces.formatting import MISSING, fmt_pct, is_missing
from healthyplaces.report.model import Table

#: Natural England's England-wide figures beside each tier (issue 8), where one exists.
NE_ENGLAND: dict[str, str] = {
    "0.5ha_200m": "about 1 in 3",
    "2ha_300m": "1 in 4 (natural)",
    "10ha_1km": "1 in 2 (natural)",
}


def _pct(share: Any) -> str:
    return MISSING if is_missing(share) else f"{fmt_pct(share)}%"


def _tier_label(name: str) -> str:
    if name == RULE_300.name:
        return "1 ha within 300 m (3-30-300)"
    tier = next(t for t in ACCESS_TIERS if t.name == name)
    dist = f"{tier.distance_m:g} m" if tier.distance_m < 1_000 else f"{tier.distance_m / 1e3:g} km"
    return f"{tier.min_ha:g} ha within {dist}"


def sensitivity_table(prof: Mapping[str, Any]) -> Table:
    """Share of residents meeting each tier (straight line) under every site definition, %.

    Columns: the standard, one per definition (default first, marked), Natural
    England's England figure; the last rows give access to open countryside
    and the edge-affected share of each tier.
    """
    by_def = prof["access_straight_by_definition"]
    names = list(SITE_DEFINITIONS)
    cols = ["Standard (straight line)"]
    cols += [
        n.replace("-", " ") + (" (default)" if n == DEFAULT_SITE_DEFINITION else "")
        for n in names  # spaces let the PDF's narrow columns wrap
    ]
    cols += ["Edge affected", "Natural England, England"]
    edge = prof["edge_affected_share"]
    rows = [
        [
            _tier_label(t),
            *(_pct(by_def[n][t]) for n in names),
            _pct(edge[t]) if t in edge else "",
            NE_ENGLAND.get(t, ""),
        ]
        for t in [*(t.name for t in ACCESS_TIERS), RULE_300.name]
    ]
    oc = prof["open_countryside"]
    rows += [
        [f"Open access land within {km}", _pct(oc[f"within_{km}_share"])] + [""] * (len(cols) - 2)
        for km in ("1km", "5km")
    ]
    caption = (
        "Share of residents (%, Census 2021 on the postcode population surface) within a "
        "straight-line distance of a public green site of at least the size, under each site "
        "definition (Natural England's three, and comparable; OpenStreetMap 2023). "
        "Edge-affected: share of residents whose result is a lower bound because the county "
        f"boundary is nearer than the distance. {prof['sensitivity_note']}"
    )
    return Table(caption, cols, rows, [False] + [True] * (len(cols) - 2) + [False])


def completeness_note(prof: Mapping[str, Any]) -> str:
    """One sentence on the green-space types not comparable between districts."""
    return str(prof["completeness"]["note"])
