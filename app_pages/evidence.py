"""Evidence: are green space, blue space and NO₂ linked to mental health here, after deprivation?

Presentation only: the models are :func:`analysis.evidence.evidence` (OLS,
MSOA-clustered intervals) for the chosen place (:mod:`app_pages._place`);
the SAMHI and Census TS037 tables come from :mod:`layers.evidence_data`.
Every string from the data is escaped with
:func:`healthyplaces.formatting.md_escape`.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from analysis import areas
from analysis import evidence as ev
from app_pages import _cache, _place
from healthyplaces import maps
from healthyplaces.formatting import md_escape
from healthyplaces.report.evidence import coefficient_table
from layers import evidence_data

#: IMD quintile (1 = most deprived 20% in England) → the map's decile colour of its lower decile.
QUINTILE_COLOURS = [maps.IOD_DECILE_COLOURS[2 * q] for q in range(5)]


def scatter(frame: pd.DataFrame, term: ev.Term) -> alt.Chart:
    """SAMHI 2022 against one predictor, one point per LSOA, coloured by IMD 2025 quintile."""
    data = pd.DataFrame(
        {
            "x": frame[term.column].to_numpy(float),
            "samhi": frame[ev.SAMHI_2022.key].to_numpy(float),
            "quintile": frame["imd_quintile"].to_numpy(int),
            "lsoa": frame["lsoa21_name"].astype(str).to_numpy(),
        }
    )
    colour = alt.Color(
        "quintile:O",
        scale=alt.Scale(domain=[1, 2, 3, 4, 5], range=QUINTILE_COLOURS),
        title="IMD 2025 quintile (1 = most deprived)",
    )
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_circle(size=28, opacity=0.7)
        .encode(
            x=alt.X("x:Q", title=f"{term.label} ({term.unit})"),
            y=alt.Y("samhi:Q", title="SAMHI 2022 (higher = poorer mental health)"),
            color=colour,
            tooltip=[
                alt.Tooltip("lsoa:N", title="LSOA"),
                alt.Tooltip("x:Q", title=term.unit, format=",.2f"),
                alt.Tooltip("samhi:Q", title="SAMHI 2022", format=".2f"),
                alt.Tooltip("quintile:O", title="IMD quintile"),
            ],
        )
        .properties(height=360)
    )
    return chart


def _show_models(result: dict[str, Any], frame: pd.DataFrame) -> None:
    st.subheader("What the models say")
    st.info(md_escape(result["summary"]))
    table = coefficient_table(result)
    if table.rows:
        st.dataframe(
            pd.DataFrame(table.rows, columns=table.columns), hide_index=True, width="stretch"
        )
        st.caption(
            f"{table.caption} The MSOA-clustered (LSOA models) or HC3 (MSOA model) intervals "
            "are shown; `healthyplaces evidence PLACE --json` also gives the sensitivity errors."
        )
    for model in result["models"]:
        if model["suppressed"]:
            st.warning(f"{md_escape(model['outcome_label'])}: {md_escape(model['suppression'])}")
    st.subheader("SAMHI 2022 against access, by deprivation")
    exposures = [t for t in ev.TERMS if t is not ev.IMD]
    term = st.selectbox("Predictor", exposures, format_func=lambda t: t.label)
    st.altair_chart(scatter(frame, term), width="stretch")


def render() -> None:
    """The page."""
    place = _place.chosen_place()
    st.title(f"Evidence: access, air and mental health in {md_escape(place.name)}")
    st.caption(
        "Are green space, blue space and NO₂ linked with mental health here, once deprivation "
        "is allowed for? Associations between small areas, not causes."
    )
    results = _cache.results()
    area = areas.area_for_place(results, place)
    tables = evidence_data.load_tables()
    result = ev.evidence(results, area, tables)
    if result["suppressed"]:
        st.warning(md_escape(ev.too_few_message(result)))
    else:
        _show_models(result, ev.lsoa_frame(results, area, tables.samhi))
    st.subheader("Read with care")
    st.markdown("\n".join(f"- {md_escape(c)}" for c in result["caveats"]))
    st.caption("Method: " + md_escape(result["method"]))
    st.caption("Sources: " + md_escape("; ".join(result["sources"])) + ".")
