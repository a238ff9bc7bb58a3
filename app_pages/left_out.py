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

from analysis import areas, comparator, equity, need
from app_pages import _cache, _left_out_map, _place
from app_pages._folium import show_map
from geo.standards import ACCESS_TIERS
from healthyplaces import maps
from healthyplaces.formatting import md_escape
from layers.places import Place

#: Map height (px), as the map explorer's.
MAP_HEIGHT = 520
#: The standards a planner can rank LSOAs by (analysis.need.priorities), with labels.
STANDARDS = {
    **{t.name: t.label for t in ACCESS_TIERS},
    "rule_3_30_300": "a 1 ha green space within 300 m (3-30-300)",
    "blue_300m": "blue space within 300 m",
}
#: The need components and the slider labels (analysis.need.NeedWeights fields).
NEED_LABELS = {
    "children": "Children aged 0–15",
    "no_car": "Households without a car",
    "flats_without_garden": "Flats without a garden",
    "imd": "Deprivation (IMD 2025 score)",
    "samhi": "Poor mental health (SAMHI 2022)",
}


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


def _readable(table: pd.DataFrame, units: str) -> pd.DataFrame:
    """The group table as a reader sees it: shares in %, rounded, columns named."""
    share = units.startswith("0–1")
    scale, digits, unit = (100.0, 1, "%") if share else (1.0, 2, units)
    out = table.rename(columns={"family": "Group family", "group": "Group"})
    for col, name in (("value", f"Value ({unit})"), ("ci_low", "95% CI from"), ("ci_high", "to")):
        out[name] = (out.pop(col).astype(float) * scale).round(digits)
    out["Group family"] = out["Group family"].str.replace("_", " ").str.capitalize()
    return out


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
    c3.metric(f"NO₂ breathed by people 65+ (µg/m³, {lc['air_year']})", _num(old["no2_ugm3"]))
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
    st.dataframe(
        _readable(table, prof["indicators"][key]["units"]), hide_index=True, width="stretch"
    )
    st.markdown("**Gaps against the reference group** (difference and ratio, 95% CI)")
    st.dataframe(_gap_table(prof, key), hide_index=True)
    _life_course(views["life_course"])
    _gardens(views["gardens_and_parks"])
    _map(place)
    st.caption(md_escape(prof["sources"]))


def _map_controls() -> dict[str, Any]:
    c: dict[str, Any] = {}
    c["show"] = st.radio("Layer shown", _left_out_map.LAYERS, index=0)
    c["standard"] = st.selectbox(
        "Rank LSOAs by people without",
        list(STANDARDS.keys()),
        index=1,
        format_func=lambda k: STANDARDS[str(k)],
    )
    c["top"] = st.slider("Priority LSOAs shown", 5, 30, 10)
    with st.expander("Need weights", expanded=False):
        st.caption(
            "Each LSOA's need is the weighted mean of these percentile ranks (0–1) across West "
            "Yorkshire; priority = people without the standard × (1 + need)."
        )
        c["weights"] = need.NeedWeights(
            **{k: st.slider(label, 0.0, 5.0, 1.0, 0.5) for k, label in NEED_LABELS.items()}
        )
    return c


def _map(place: Place) -> None:
    """One map with the gardens, AHAH-disagreement and priority layers, and its notes."""
    st.subheader(f"Map of who is left out in {md_escape(place.name)}")
    results = _cache.results()
    area = areas.area_for_place(results, place)
    controls, map_col = st.columns([1, 3], gap="medium")
    with controls:
        c = _map_controls()
    ranks = comparator.ahah_ranks(results, area)
    rho = comparator.ahah_comparison(results, area)["spearman_rho"]
    table = need.priorities(results, c["standard"], c["weights"], area)
    top = table.head(c["top"])
    inside = area.share > 0
    layers = {
        "gardens": need.gardens_table(results),
        "ranks": ranks,
        "rho": rho,
        "top": top,
        "standard_label": STANDARDS[c["standard"]],
        "show": c["show"],
        "place_name": place.name,
    }
    with map_col, st.spinner("Drawing the map…"):
        m = _left_out_map.build_map(
            _place.place_geometry(place),
            results.lsoa.loc[inside, ["lsoa21_code", "lsoa21_name", "geometry"]],
            layers,
            f"Map of who is left out in {place.name} (Tab to leave)",
            maps.SIMPLIFY_M.get(place.level, 20.0),
        )
        show_map(
            m, key="left_out_map", height=MAP_HEIGHT, use_container_width=True, returned_objects=[]
        )
    st.caption("Gardens and parks: " + md_escape(need.GARDEN_METHOD))
    rho_text = "not available" if rho is None else f"{rho:.2f}"
    st.caption(
        f"AHAH v4 and the Healthy Places index: Spearman rank correlation {rho_text} over "
        f"{len(ranks):,} LSOAs. " + md_escape(comparator.AHAH_SENTENCE)
    )
    st.markdown(f"**Where a new park would help most**: people without {STANDARDS[c['standard']]}")
    st.dataframe(
        top[["rank", "lsoa21_name", "lsoa21_code", "people_without", "need", "priority"]],
        hide_index=True,
        width="stretch",
        column_config={
            "people_without": st.column_config.NumberColumn("People without", format="%.0f"),
            "need": st.column_config.NumberColumn("Need (0–1)", format="%.2f"),
            "priority": st.column_config.NumberColumn("Priority", format="%.0f"),
        },
    )
