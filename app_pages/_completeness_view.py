"""Is the green-space data complete here? The district completeness table and its warnings.

Presentation only: the table is the bundle's ``green_completeness``
(:func:`geo.completeness.completeness`: mapped density of each OSM green type per
district in ha/km², the OSM vintages used, and whether the type is mapped
county-wide at one vintage), read through :mod:`app_pages._cache`. This module
lays it out as one row per type and one density column per district, and warns
when the chosen place's district lacks a layer the others have.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _cache
from geo.completeness import MISSING_SHARE, missing_layers
from healthyplaces.formatting import fmt_number, md_escape
from layers.catalogue import LAYERS, OGL_BOUNDARIES, OSM_ATTRIBUTION
from layers.places import Place

#: The expander's title.
EXPANDER = "Is the green-space data complete here?"


def _type_label(table: pd.DataFrame) -> pd.Series:
    return table["osm_key"].astype(str) + "=" + table["osm_value"].astype(str)


def _with_usual_vintage(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``type`` and ``usual`` (the most common OSM vintage of the type)."""
    t = table.assign(type=_type_label(table))
    dated = t[t["vintage"].astype(str) != ""]
    usual = dated.groupby("type")["vintage"].agg(lambda v: v.mode().iloc[0])
    return t.assign(usual=t["type"].map(usual).fillna(""))


def _vintage_summary(table: pd.DataFrame) -> pd.Series:
    """Per type: its usual OSM vintage, with the districts that differ in brackets."""
    t = _with_usual_vintage(table)
    odd = t[(t["vintage"] != "") & (t["vintage"] != t["usual"])]
    others = (odd["district"] + ": " + odd["vintage"]).groupby(odd["type"]).agg("; ".join)
    usual = t.groupby("type")["usual"].first()
    brackets = (" (" + others + ")").reindex(usual.index).fillna("")
    return usual + brackets


def wide_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per OSM type: density per district (ha/km²), vintage, comparable yes/no."""
    t = table.assign(type=_type_label(table))
    wide = t.pivot(index="type", columns="district", values="density_ha_km2")
    wide.columns = [f"{d} (ha/km²)" for d in wide.columns]
    comparable = t.groupby("type")["comparable"].all()
    wide["OSM vintage"] = _vintage_summary(table).reindex(wide.index).fillna("")
    wide["Comparable between districts"] = comparable.map({True: "yes", False: "no"})
    return wide.round(3).rename_axis("OSM type (key=value)").reset_index()


def place_districts(place: Place) -> list[str]:
    """The district(s) a place lies in (every district for the county)."""
    if place.level == "county":
        return sorted(_cache.boundaries("district")["name"].astype(str))
    if place.level == "district":
        return [place.name]
    if place.level in ("ward", "msoa"):
        return [str(place.parent_name)]
    table = _cache.places()  # an LSOA's parent is its ward; the ward's parent its district
    ward = table[table["code"] == place.parent_code]
    return [str(v) for v in ward["parent_name"]]


def _warnings(table: pd.DataFrame, districts: list[str]) -> list[str]:
    n = table["district"].nunique()
    here = missing_layers(table)
    here = here[here["district"].isin(districts)]
    lines = [
        f"**{md_escape(row.type)} is missing in {md_escape(row.district)}** "
        f"({row.density_ha_km2:.2g} ha/km² mapped, against a median of "
        f"{fmt_number(row.median_ha_km2, 1)} ha/km² over the {n} districts; OSM "
        f"{md_escape(row.vintage or 'none')}). Figures that depend on it (woodland, natural "
        "green space, the *natural* definition) understate this district and are not "
        "comparable with the others."
        for row in here.itertuples()
    ]
    t = _with_usual_vintage(table)
    stale = t[
        t["district"].isin(districts)
        & ~t["comparable"].astype(bool)
        & (t["vintage"] != "")
        & (t["vintage"] != t["usual"])
    ]
    lines += [
        f"**{md_escape(row.type)} in {md_escape(row.district)}** comes from "
        f"OSM {md_escape(row.vintage)}, not {md_escape(row.usual)} as elsewhere."
        for row in stale.itertuples()
    ]
    return lines


def warning(place: Place) -> bool:
    """The visible "not comparable" warning for the place's district(s); True if shown."""
    lines = _warnings(_cache.layer("green_completeness"), place_districts(place))
    if lines:
        st.warning(
            "**Not comparable with the other districts: green-space data missing or older "
            "here.**\n"
            + "\n".join(f"- {line}" for line in lines)
            + "\n\nSee *"
            + EXPANDER
            + "* below.",
            icon="⚠️",
        )
    return bool(lines)


def expander(place: Place) -> None:
    """The expander: the per-district table, the place's verdict, source and attribution."""
    table: pd.DataFrame = _cache.layer("green_completeness")
    districts = place_districts(place)
    missing = bool(_warnings(table, districts))
    info = LAYERS["green_completeness"]
    with st.expander(EXPANDER, expanded=missing):
        st.markdown(
            "Mapped density of each OpenStreetMap green-space and habitat type per district "
            "(hectares per km² of district land). A type is **comparable** between districts "
            "only when it comes from county-wide extracts of one OSM vintage; where a "
            "district has under "
            f"{MISSING_SHARE:.0%} of the median density of a type that is not, it is treated as "
            "missing there."
        )
        st.dataframe(wide_table(table), hide_index=True, width="stretch")
        names = ", ".join(md_escape(d) for d in districts)
        if missing:
            st.markdown(f"**Not comparable** for {names}: see the warning above.")
        else:
            st.success(f"No green-space layer is missing in {names}.", icon="✅")
        st.caption(
            f"Source: {md_escape(info.source)}; OSM {md_escape(info.vintage)}. "
            f"{md_escape(info.gaps)} {md_escape(OSM_ATTRIBUTION)}. "
            f"{md_escape(OGL_BOUNDARIES)}."
        )


def show(place: Place) -> None:
    """The warning, then the expander (for pages that show both together)."""
    warning(place)
    expander(place)
