"""Altair charts the pages draw: indicators and scenario gains by IoD 2025 decile.

Charts only lay out numbers that :mod:`analysis` computed. Decile colours are
:data:`healthyplaces.maps.IOD_DECILE_COLOURS`, as on the map and in the report.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from analysis.deciles import DecileIndicator
from healthyplaces import maps, report

_DECILES = list(range(1, 11))


def _decile_colour() -> alt.Color:
    scale = alt.Scale(domain=_DECILES, range=list(maps.IOD_DECILE_COLOURS))
    return alt.Color("decile:O", scale=scale, legend=None)


def decile_chart(ind: DecileIndicator, table: pd.DataFrame) -> alt.LayerChart | alt.Chart:
    """Bars of one indicator by IMD decile (shares shown as %), with its guideline if any.

    ``table`` is :attr:`analysis.deciles.DecileData.frame`: decile index, the
    indicator column, ``population`` (Census 2021 residents) and ``n_lsoa``.
    """
    scale = 100.0 if ind.share else 1.0
    frame = pd.DataFrame(
        {
            "decile": table.index.astype(int),
            "value": table[ind.column].to_numpy(float) * scale,
            "residents": table["population"].to_numpy(float),
            "lsoas": table["n_lsoa"].to_numpy(int),
        }
    ).dropna(subset=["value"])
    bars: alt.Chart = (
        alt.Chart(frame)
        .mark_bar(stroke="#333333", strokeWidth=0.5)
        .encode(
            x=alt.X("decile:O", title=report.DECILE_AXIS, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=ind.units),
            color=_decile_colour(),
            tooltip=[
                alt.Tooltip("decile:O", title="IMD decile"),
                alt.Tooltip("value:Q", title=ind.units, format=",.1f"),
                alt.Tooltip("residents:Q", title="Residents (2021)", format=",.0f"),
                alt.Tooltip("lsoas:Q", title="LSOAs"),
            ],
        )
        .properties(title=ind.title, height=230)
    )
    if ind.guideline is None:
        return bars
    guide = pd.DataFrame({"y": [ind.guideline], "label": [ind.guideline_label]})
    rule = (
        alt.Chart(guide)
        .mark_rule(strokeDash=[5, 3], color="#000000")
        .encode(y="y:Q", tooltip=["label:N"])
    )
    layered: alt.LayerChart = alt.LayerChart(layer=[bars, rule])
    return layered


def gains_chart(gains: Mapping[str, int], labels: Mapping[str, str]) -> tuple[alt.Chart, str]:
    """Horizontal bars of extra people meeting each standard (straight line), and its alt text.

    ``gains`` maps tier name to people (``add_park``'s ``gain_straight``);
    ``labels`` maps tier name to its label, in display order.
    """
    data = pd.DataFrame({"standard": list(labels.values()), "people": [gains[t] for t in labels]})
    chart = (
        alt.Chart(data)
        .mark_bar(color="#1b7837")
        .encode(
            x=alt.X("people:Q", title="Extra people meeting the standard (straight line)"),
            y=alt.Y(
                "standard:N",
                sort=list(labels.values()),
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
            tooltip=[
                alt.Tooltip("standard:N", title="Standard"),
                alt.Tooltip("people:Q", title="Extra people", format=","),
            ],
        )
        .properties(height=260, title="Extra people meeting each standard (straight line)")
    )
    alt_text = "Bar chart of extra people meeting each access standard: " + "; ".join(
        f"{a}: {b:,}" for a, b in zip(data["standard"], data["people"], strict=True)
    )
    return chart, alt_text


def gains_by_decile_chart(by_decile: Mapping[int, int], label: str) -> tuple[alt.Chart, str]:
    """Bars of extra people meeting one standard by IMD decile (1–10), and its alt text."""
    data = pd.DataFrame({"decile": _DECILES, "people": [by_decile[d] for d in _DECILES]})
    chart = (
        alt.Chart(data)
        .mark_bar(stroke="#333333", strokeWidth=0.5)
        .encode(
            x=alt.X("decile:O", title=report.DECILE_AXIS, axis=alt.Axis(labelAngle=0)),
            # A short axis title: a long vertical one overflows the plot and clips the title.
            y=alt.Y("people:Q", title="Extra people"),
            color=_decile_colour(),
            tooltip=[
                alt.Tooltip("decile:O", title="IMD decile"),
                alt.Tooltip("people:Q", title="Extra people", format=","),
            ],
        )
        .properties(height=240, title=f"Extra people within reach of a {label} (straight line)")
    )
    alt_text = f"Bar chart of extra people meeting '{label}' by IMD decile: " + "; ".join(
        f"decile {d}: {p:,}" for d, p in zip(data["decile"], data["people"], strict=True)
    )
    return chart, alt_text
