"""Who is left out: access and exposure by group, the life course, and gardens and parks.

Presentation only: every number is :func:`analysis.equity.equity_profile`,
:func:`analysis.equity.life_course` or :func:`analysis.need.gardens_and_parks`.
The lead registers :func:`render` as a page.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from analysis import equity
from app_pages import _cache, _place
from healthyplaces.formatting import md_escape


def _group_table(prof: dict[str, Any], key: str) -> pd.DataFrame:
    ind = prof["indicators"][key]
    labels = {g.name: g.label for g in equity.GROUPS}
    family = {g.name: g.family for g in equity.GROUPS}
    rows = [
        {
            "family": family[name],
            "group": labels[name],
            "value": value,
            "ci_low": ind["by_group_ci"][name][0],
            "ci_high": ind["by_group_ci"][name][1],
        }
        for name, value in ind["by_group"].items()
    ]
    return pd.DataFrame(rows)


def _gap_table(prof: dict[str, Any], key: str) -> pd.DataFrame:
    labels = {g.name: g.label for g in equity.GROUPS}
    rows = []
    for gap in prof["indicators"][key]["gaps"]:
        row = {"group": labels[gap["group"]], "compared with": labels[gap["reference"]]}
        if gap["suppressed"]:
            row["note"] = gap["suppressed"]
        else:
            lo, hi = gap["difference_ci"]
            rlo, rhi = gap["ratio_ci"]
            row.update(difference=gap["difference"], diff_ci=f"{lo:.3f} to {hi:.3f}")
            row.update(ratio=gap["ratio"], ratio_ci=f"{rlo:.2f} to {rhi:.2f}")
        rows.append(row)
    return pd.DataFrame(rows)


def _chart(table: pd.DataFrame, units: str) -> alt.LayerChart:
    base = alt.Chart(table).encode(y=alt.Y("group:N", sort=None, title=None))
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=units), color=alt.Color("family:N", legend=None)
    )
    rules = base.mark_rule().encode(x="ci_low:Q", x2="ci_high:Q")
    chart: alt.LayerChart = bars + rules
    return chart


def _life_course(lc: dict[str, Any]) -> None:
    st.subheader("The life course")
    kids, old = lc["children"], lc["older_people"]
    c1, c2, c3 = st.columns(3)
    c1.metric("Children with a play space within 400 m", _pct(kids["share_meeting"]))
    c1.caption(f"All ages: {_pct(kids['all_ages_share_meeting'])}. {md_escape(kids['standard'])}.")
    c2.metric("People 65+ with a 0.5 ha site within 200 m", _pct(old["share_meeting"]))
    c2.caption(f"All ages: {_pct(old['all_ages_share_meeting'])}.")
    c3.metric("NO₂ breathed by people 65+ (µg/m³, 2019)", _num(old["no2_ugm3"]))
    c3.caption(f"All ages: {_num(old['all_ages_no2_ugm3'])} µg/m³.")


def _gardens(gp: dict[str, Any]) -> None:
    st.subheader("Neither a garden nor a park")
    c1, c2 = st.columns(2)
    for col, label in ((c1, "doorstep"), (c2, "local")):
        part = gp[label]
        col.metric(
            f"People without a garden or a {label} green space",
            f"{part['people_without_garden_or_park']:,.0f}",
        )
        col.caption(
            f"Households in flats with neither: {part['flats_without_garden_or_park']:,.0f}."
        )
    st.caption(md_escape(gp["method"]))


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def render() -> None:
    """The "Who is left out" page for the chosen place."""
    place = _place.chosen_place()
    st.title(f"Who is left out: {md_escape(place.name)}")
    views = _cache.equity_views(place.code)
    prof = views["groups"]
    st.caption(f"Method: {md_escape(prof['method'])}. {md_escape(prof['bootstrap']['interval'])}.")
    if prof["suppression"]:
        st.info(md_escape(prof["suppression"]))
    keys = list(prof["indicators"])
    key = st.selectbox(
        "Standard or exposure", keys, format_func=lambda k: prof["indicators"][k]["label"]
    )
    table = _group_table(prof, key)
    st.altair_chart(_chart(table, prof["indicators"][key]["units"]), width="stretch")
    st.dataframe(table, hide_index=True, width="stretch")
    st.markdown("**Gaps against the reference group** (difference and ratio, 95% CI)")
    st.dataframe(_gap_table(prof, key), hide_index=True)
    _life_course(views["life_course"])
    _gardens(views["gardens_and_parks"])
    st.caption(md_escape(prof["sources"]))
