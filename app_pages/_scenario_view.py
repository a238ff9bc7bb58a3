"""What the new-park scenario page shows: gains, gains by decile, a before/after map, downloads.

Every number is :func:`analysis.new_park.add_park` output, shown as it
decided it; the downloads are :mod:`healthyplaces.export.new_park`.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st

from analysis.engine import Results
from app_pages import _charts
from app_pages._folium import show_map
from geo import crs, standards
from healthyplaces import maps
from healthyplaces.export import new_park as park_export
from healthyplaces.formatting import esc, fmt_people, md_escape
from layers import catalogue
from layers.network import network_coverage

TIER_LABELS = {t.name: t.label for t in standards.ACCESS_TIERS}
NOW_MEETS = "Now meets the standard"
CLOSER = "Closer, still beyond the distance"
NO_CHANGE = "No change for this standard"
STATUS_COLOURS = {  # ColorBrewer RdBu blues (colour-blind safe) and a neutral grey
    NOW_MEETS: "#2166ac",
    CLOSER: "#92c5de",
    NO_CHANGE: "#d9d9d9",
}
NEW_PARK_COLOUR = "#117733"
#: Smallest existing site drawn for context (ha) and display simplification (m), by place level.
SITE_DISPLAY = {"county": (2.0, 20.0), "district": (0.5, 10.0)}
PEOPLE = st.column_config.NumberColumn(format="localized")  # 1,712 as in the tables above


def not_offline() -> str:
    """What a walking figure outside the complete network area shows instead of a number."""
    return f"not available offline (outside {network_coverage().place})"


def existing_sites(
    sites: gpd.GeoDataFrame, bounds: tuple[float, ...], level: str
) -> folium.GeoJson:
    """Existing accessible green space near a place (EPSG:27700 in), one light context layer.

    At county and district scale only larger sites are drawn, to keep the map light.
    """
    min_ha, tolerance = SITE_DISPLAY.get(level, (0.0, 3.0))
    view = maps.in_view(sites, bounds, 1_000.0)
    view = view[view["area_ha"] >= min_ha]
    g = maps.to_display(view, ["name", "area_ha"], tolerance)
    g = g.assign(n=[esc(v) for v in g["name"]], a=[f"{v:,.1f} ha" for v in g["area_ha"]])
    return folium.GeoJson(
        g[["n", "a", "geometry"]].__geo_interface__,
        name="Existing accessible green space (OSM 2023)",
        style_function=lambda f: {
            "color": "#0b3d1c",
            "weight": 0.5,
            "fillColor": "#44AA99",
            "fillOpacity": 0.45,
        },
        tooltip=folium.GeoJsonTooltip(["n", "a"], aliases=["Site", "Area"]),
    )


def show_gains(scen: dict[str, Any]) -> None:
    """Extra people meeting each standard, on both methods, as a table and a chart."""
    network = [scen["gain_network"].get(t) for t in TIER_LABELS]
    gains = pd.DataFrame(
        {
            "Standard (Natural England)": list(TIER_LABELS.values()),
            "Extra people, straight line": [
                fmt_people(scen["gain_straight"][t]) for t in TIER_LABELS
            ],
            "Extra people, walking network": [
                not_offline() if v is None else fmt_people(v) for v in network
            ],
        }
    )
    st.dataframe(gains, hide_index=True, width="stretch")
    st.caption(
        "Residents (Census 2021) of LSOAs whose population-weighted centroid newly meets "
        "each standard; green space OpenStreetMap 2023, network OpenStreetMap 2022."
    )
    chart, alt_text = _charts.gains_chart(scen["gain_straight"], TIER_LABELS)
    st.altair_chart(chart, width="stretch", alt=alt_text)


def show_gains_by_decile(scen: dict[str, Any], tier: str) -> None:
    """Who gains by IMD decile: a chart for ``tier`` and the table for every standard."""
    by_tier = scen["gain_by_imd_decile"]
    chart, alt_text = _charts.gains_by_decile_chart(by_tier[tier], TIER_LABELS[tier])
    st.altair_chart(chart, width="stretch", alt=alt_text)
    table = pd.DataFrame({TIER_LABELS[t]: pd.Series(by_tier[t]) for t in TIER_LABELS})
    table.index.name = "IMD decile (1 = most deprived)"
    st.dataframe(table, width="stretch", column_config=dict.fromkeys(table.columns, PEOPLE))


def change_status(lsoas: pd.DataFrame, tier: str) -> list[str]:
    """Each affected LSOA's change for ``tier``: newly meets it, closer, or unchanged."""
    gained = lsoas[f"gained_{tier}"].to_numpy(bool)
    closer = lsoas[f"after_dist_{tier}_m"].to_numpy(float) < lsoas[
        f"before_dist_{tier}_m"
    ].to_numpy(float)
    return list(np.select([gained, closer], [NOW_MEETS, CLOSER], NO_CHANGE))


def _result_map(affected: gpd.GeoDataFrame, site: shapely.Geometry, tier: str) -> folium.Map:
    shown = maps.to_display(
        affected.assign(status=change_status(affected, tier)),
        [
            "lsoa21_code",
            "lsoa21_name",
            "IMD_decile",
            "status",
            f"before_dist_{tier}_m",
            f"after_dist_{tier}_m",
        ],
        3.0,
    )
    shown = shown.assign(
        n=[esc(v) for v in shown["lsoa21_name"]],
        c=[esc(v) for v in shown["lsoa21_code"]],
        d=[f"{int(v)} of 10" for v in shown["IMD_decile"]],
        b=[f"{v:,.0f} m" for v in shown[f"before_dist_{tier}_m"]],
        a=[f"{v:,.0f} m" for v in shown[f"after_dist_{tier}_m"]],
        s=shown["status"],
    )
    m = maps.base_map(
        affected.total_bounds, title="Map of the new park and the LSOAs whose access it changes"
    )
    fields = ["n", "c", "d", "b", "a", "s"]
    folium.GeoJson(
        shown[[*fields, "geometry"]].__geo_interface__,
        name="Affected LSOAs",
        style_function=lambda f: {
            "fillColor": STATUS_COLOURS[f["properties"]["s"]],
            "fillOpacity": 0.7,
            "color": "#333333",
            "weight": 0.8,
        },
        tooltip=folium.GeoJsonTooltip(
            fields,
            aliases=[
                "LSOA",
                "Code",
                "IoD 2025 decile",
                "Before: distance (m)",
                "After: distance (m)",
                "Change",
            ],
        ),
    ).add_to(m)
    park = gpd.GeoDataFrame(geometry=[site], crs=crs.ANALYSIS_CRS)
    folium.GeoJson(
        maps.to_display(park).__geo_interface__,
        name="New park",
        style_function=lambda f: {
            "fillColor": NEW_PARK_COLOUR,
            "color": "#0b3d1c",
            "fillOpacity": 0.8,
            "weight": 2,
        },
    ).add_to(m)
    return m


def show_before_after(results: Results, scen: dict[str, Any], tier: str) -> None:
    """The affected LSOAs on a map coloured by their change for ``tier``, with a legend."""
    affected = park_export.affected_lsoas(results, scen)
    legend = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;background:{c};'
        f'border:1px solid #333;margin-right:4px"></span>{esc(label)}</div>'
        for label, c in [*STATUS_COLOURS.items(), ("New park (merged site)", NEW_PARK_COLOUR)]
    )
    mc1, mc2 = st.columns([3, 1])
    with mc1:
        show_map(
            _result_map(affected, scen["site_geometry"], tier),
            key="scenario-result-map",
            height=460,
            use_container_width=True,
            returned_objects=[],
        )
    with mc2:
        st.markdown(f"**{md_escape(TIER_LABELS[tier])}**", help="Choose the standard above.")
        st.html(f'<div role="list" aria-label="Map legend">{legend}</div>')
        st.caption(
            "Distances are straight line from each LSOA's population-weighted centroid "
            f"(before → after). {catalogue.ATTRIBUTION}"
        )


def show_lsoa_table(lsoas: pd.DataFrame) -> None:
    """Every affected LSOA with its before/after distance and whether it now meets each tier."""
    table = lsoas[["lsoa21_code", "lsoa21_name", "population", "IMD_decile"]].rename(
        columns={
            "lsoa21_code": "LSOA code",
            "lsoa21_name": "LSOA name",
            "population": "Residents (2021)",
            "IMD_decile": "IMD decile (2025)",
        }
    )
    for name, label in TIER_LABELS.items():
        table[f"{label}: before (m)"] = lsoas[f"before_dist_{name}_m"].round(0)
        table[f"{label}: after (m)"] = lsoas[f"after_dist_{name}_m"].round(0)
        table[f"{label}: now met"] = lsoas[f"gained_{name}"]
    st.dataframe(
        table, hide_index=True, width="stretch", column_config={"Residents (2021)": PEOPLE}
    )
    st.caption(
        f"The {len(lsoas):,} LSOAs whose distance to a site of some size falls: straight-line "
        "distances in metres from each population-weighted centroid, before and after."
    )


def show_downloads(results: Results, scen: dict[str, Any], park: shapely.Geometry) -> None:
    """GeoJSON (the affected LSOAs, the park and the merged site) and CSV downloads."""
    d1, d2 = st.columns(2)
    d1.download_button(
        "Affected LSOAs (GeoJSON, before/after)",
        park_export.scenario_geojson(results, scen, park),
        file_name=park_export.GEOJSON_NAME,
        mime="application/geo+json",
        on_click="ignore",
        width="stretch",
    )
    d2.download_button(
        "Affected LSOAs (CSV, before/after)",
        park_export.scenario_csv(scen),
        file_name=park_export.CSV_NAME,
        mime="text/csv",
        on_click="ignore",
        width="stretch",
    )
    st.caption(
        "The GeoJSON (EPSG:4326) holds the affected LSOAs, the park as drawn and the site it "
        f"forms with touching sites. {catalogue.ATTRIBUTION}"
    )
