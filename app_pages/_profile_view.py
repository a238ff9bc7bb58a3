"""The profile of an area: headline figures beside district and county, deciles, inequality,
access on both methods, data years and attribution.

Every number is :func:`analysis.profiles.profile` (through :mod:`app_pages._cache`),
:func:`analysis.deciles.decile_data` or a :mod:`healthyplaces.report` table;
names reach Markdown only through :func:`healthyplaces.formatting.md_escape`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from analysis import areas, deciles
from analysis.areas import Area
from analysis.engine import Results
from app_pages import _cache, _charts
from geo import standards
from healthyplaces import report
from healthyplaces.formatting import fmt_number, fmt_pct, fmt_people, md_escape
from layers import catalogue, network


def table_frame(table: report.Table) -> pd.DataFrame:
    """A :class:`healthyplaces.report.Table` as a DataFrame of its formatted text."""
    columns = list(table.columns)
    seen: dict[str, int] = {}
    for i, c in enumerate(columns):  # st.dataframe needs unique column names
        seen[c] = seen.get(c, 0) + 1
        if seen[c] > 1:
            columns[i] = f"{c} ({seen[c]})"
    return pd.DataFrame(table.rows, columns=columns)


def show_table(table: report.Table) -> None:
    """A report table, tall enough for every row."""
    st.dataframe(
        table_frame(table), hide_index=True, width="stretch", height=36 * (len(table.rows) + 1) + 4
    )


def show_deciles(results: Results, area: Area) -> None:
    """Altair charts of key indicators by IoD 2025 decile (``geo.inequality.by_decile``)."""
    data = deciles.decile_data(results, area)
    if data.county_fallback:
        st.info(md_escape(data.note))
    else:
        st.caption(md_escape(data.note))
    cols = st.columns(2)
    for i, ind in enumerate(deciles.DECILE_INDICATORS):
        with cols[i % 2]:
            st.altair_chart(
                _charts.decile_chart(ind, data.frame),
                width="stretch",
                alt=report.decile_alt(ind, data.frame, data.scope),
            )
    with st.expander("The numbers behind these charts"):
        shown = data.frame.copy()
        for ind in deciles.DECILE_INDICATORS:
            if ind.share:
                shown[ind.column] = shown[ind.column] * 100
        shown = shown.rename(
            columns={ind.column: f"{ind.title} ({ind.units})" for ind in deciles.DECILE_INDICATORS}
        )
        st.dataframe(
            shown.rename(columns={"population": "Residents (2021)", "n_lsoa": "LSOAs"}),
            width="stretch",
        )


def show_inequality(prof: Mapping[str, Any]) -> None:
    """SII, RII and concentration index with 95% intervals, each in one plain sentence."""
    for stat in report.inequality_statistics(prof):
        st.markdown(
            f"**{md_escape(stat.name)}: {md_escape(stat.value)}** "
            f"(95% interval {md_escape(stat.interval)})"
        )
        st.caption(md_escape(f"{stat.explanation} {stat.reading}"))


def show_access(prof: Mapping[str, Any]) -> None:
    """Access tiers on both methods, with the network's coverage notes."""
    table = report.access_table(prof)
    show_table(table)
    st.caption(md_escape(table.caption))
    st.info(network.network_coverage().note, icon="ℹ️")


def show_sensitivity(prof: Mapping[str, Any]) -> None:
    """Every tier under each site definition, the plain-language sentence and the flags."""
    st.markdown(md_escape(prof["sensitivity_note"]))
    table = report.sensitivity_table(prof)
    show_table(table)
    st.caption(md_escape(table.caption.replace(prof["sensitivity_note"], "").strip()))
    st.caption(md_escape(prof["completeness"]["note"]))


def _headline_metrics(prof: Mapping[str, Any]) -> None:
    c1, c2, c3, c4 = st.columns(4)
    hl = prof["access_straight"].get(standards.HEADLINE_TIER)
    c1.metric("Residents (Census 2021)", fmt_people(prof["population"]))
    c2.metric(
        "2 ha green space ≤ 300 m",
        f"{fmt_pct(hl)}%",
        help="Share of residents whose postcode is within 300 m (straight line) of a public "
        f"green site of at least 2 ha ({prof['site_definition']['label'].lower()}); "
        "OpenStreetMap 2023, Census 2021.",
    )
    c3.metric(
        f"NO₂ ({prof['air_year']})",
        f"{fmt_number(prof['no2_pop_weighted_ugm3'])} µg/m³",
        help=f"Annual mean, population-weighted over postcodes, DEFRA PCM {prof['air_year']}. "
        f"WHO 2021 guideline: {standards.WHO_2021_GUIDELINES['no2']:g} µg/m³.",
    )
    c4.metric(
        "Double burden (residents)",
        fmt_people(prof["double_burden_population"]),
        help="Residents of LSOAs in IMD 2025 deciles 1–2 with no 2 ha site within 300 m "
        "and NO₂ (newest PCM year) above the county median.",
    )


def _headline_table(results: Results, area: Area, prof: Mapping[str, Any]) -> None:
    district_area, county_area = areas.comparators(results, area)
    definition = prof["site_definition"]["name"]
    district = (
        _cache.profile(district_area.code, definition)
        if district_area and district_area.code
        else None
    )
    county = (
        _cache.profile(county_area.code, definition) if county_area and county_area.code else None
    )
    rows = report.headline_rows(prof, district, county)
    show_table(
        report.comparison_table(
            rows,
            area.name,
            district_area.name if district_area else None,
            county_area.name if county_area else None,
        )
    )
    method = str(prof["method"])
    st.caption(
        md_escape(f"{method[:1].upper()}{method[1:]}. Shares are of residents (Census 2021).")
    )
    for note in prof.get("notes", []):
        if not note.startswith(report.NETWORK_NOTE_PREFIX):
            st.warning(md_escape(note))


def show_profile(results: Results, area: Area, prof: Mapping[str, Any]) -> None:
    """The full profile of an area: headline beside district and county, deciles, inequality,
    access on both methods, notes, data years and attribution."""
    _headline_metrics(prof)
    st.subheader("Headline indicators")
    _headline_table(results, area, prof)
    st.subheader("By deprivation decile (IoD 2025)")
    show_deciles(results, area)
    st.subheader("Inequality in access to a 2 ha green space within 300 m")
    show_inequality(prof)
    st.subheader("Access to green space: straight line and walking network")
    show_access(prof)
    st.subheader("Which green space counts: the site definitions")
    show_sensitivity(prof)
    with st.expander("Data years, methods and attribution"):
        for k, v in prof["data_vintage"].items():
            st.markdown(f"- **{md_escape(k.replace('_', ' ').capitalize())}**: {md_escape(v)}")
        for paragraph in report.methods_text(prof, results):
            st.markdown(md_escape(paragraph))
    st.caption(catalogue.ATTRIBUTION)
