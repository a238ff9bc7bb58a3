"""Scenarios: draw or upload a new park and see who would gain access, by deprivation.

Presentation only: :func:`analysis.new_park.scenario` adds the park as a
publicly accessible site and recomputes access for the affected LSOAs on both
methods; this page shows its numbers, a before/after map and downloads.
"""

from __future__ import annotations

import json

import altair as alt
import folium
import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from analysis import areas
from app_pages import _analysis as an
from geo import crs, standards
from healthyplaces import maps, report
from layers import catalogue

TIER_LABELS = {t.name: t.label for t in standards.ACCESS_TIERS}
STATUS_COLOURS = {  # ColorBrewer RdBu blues (colour-blind safe) and a neutral grey
    "Now meets the standard": "#2166ac",
    "Closer, still beyond the distance": "#92c5de",
    "No change for this standard": "#d9d9d9",
}
NEW_PARK_COLOUR = "#117733"
INSTRUCTIONS = (
    "**Draw a new park on the map, or upload its boundary**, to see how many more people "
    "would live within reach of green space of each size, in total and by deprivation decile. "
    "The park is added as a new publicly accessible site (merged with any site it touches) "
    "and access is recomputed for the homes it could serve, by straight line and, in central "
    "Leeds, along the walking network."
)


#: Smallest existing site drawn for context (ha) and display simplification (m), by place level.
SITE_DISPLAY = {"county": (2.0, 20.0), "district": (0.5, 10.0)}


def _existing_sites(place_bounds: tuple[float, ...], level: str) -> folium.map.Layer:
    """Existing accessible green space near the place, as one light layer for context.

    At county and district scale only larger sites are drawn, to keep the map light.
    """
    min_ha, tolerance = SITE_DISPLAY.get(level, (0.0, 3.0))
    sites = an.get_results().inputs.sites
    view = maps.in_view(sites, place_bounds, 1_000.0)
    view = view[view["area_ha"] >= min_ha]
    g = maps.to_display(view, ["name", "area_ha"], tolerance)
    props = pd.DataFrame(
        {
            "n": [maps.esc(v) for v in g["name"]],
            "a": [f"{v:,.1f} ha" for v in g["area_ha"]],
        }
    )
    features = [
        {"type": "Feature", "properties": rec, "geometry": shapely.geometry.mapping(geom)}
        for geom, rec in zip(g.geometry.values, props.to_dict(orient="records"), strict=True)
    ]
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Existing accessible green space (OSM 2023)",
        style_function=lambda f: {
            "color": "#0b3d1c",
            "weight": 0.5,
            "fillColor": "#44AA99",
            "fillOpacity": 0.45,
        },
        tooltip=folium.GeoJsonTooltip(["n", "a"], aliases=["Site", "Area"]),
    )


st.title("Scenarios: a new park")
results = an.get_results()
place = an.chosen_place()
st.markdown(INSTRUCTIONS)
st.info(
    f"{report.NETWORK_NOTE} Walking-network gains are therefore shown for central Leeds only.",
    icon="ℹ️",
)

place_geom = gpd.GeoDataFrame(
    geometry=[areas.area_boundary(areas.area_for_place(results, place))],
    crs=crs.ANALYSIS_CRS,
)
extra = [_existing_sites(tuple(place_geom.total_bounds), place.level)]
min_site_ha = SITE_DISPLAY.get(place.level, (0.0, 0.0))[0]
# The drawing map's legend shows district boundaries only: name its other symbols here.
shown_sites = (
    f"existing accessible green sites of at least {min_site_ha:g} ha"
    if min_site_ha
    else "existing accessible green sites"
)
outline = f", and {place.name} is outlined with a dashed line" if place.level != "county" else ""
smaller = "; choose a smaller place in the sidebar to see every site" if min_site_ha else ""
st.caption(
    f"The map shows {shown_sites} in teal (OpenStreetMap 2023){outline}{smaller}.",
)
result = an.area_input("scenario", place, "new park", extra, draw_first=True)
if result is None:
    st.info(
        "Draw a new park (polygon or rectangle) on the map, or upload its boundary, to "
        "run the scenario.",
        icon=":material/touch_app:",
    )
    st.stop()
if result.error is not None or result.area is None:
    st.error(f"**This boundary cannot be used.** {result.error}", icon="🚫")
    st.stop()

park = result.area
an.show_user_area(park)
with st.spinner("Recomputing access for the homes the new park could serve…"):
    scen = an.get_scenario(park.geometry)

c1, c2, c3 = st.columns(3)
c1.metric("New park", f"{report.fmt_number(scen['new_site_ha'], 2)} ha")
c2.metric(
    "Site after merging with touching sites", f"{report.fmt_number(scen['merged_site_ha'], 2)} ha"
)
c3.metric("Existing sites it joins", f"{scen['absorbed_sites']:,}")

in_network = bool(shapely.intersects(results.inputs.network_area, scen["site_geometry"]))


def _net(tier: str) -> str:
    value = scen["gain_network"].get(tier)
    if value is None or not in_network:
        return "not available offline (outside central Leeds)"
    return report.fmt_people(value)


st.subheader("More people meeting each access standard")
gains = pd.DataFrame(
    {
        "Standard (Natural England)": [TIER_LABELS[t] for t in TIER_LABELS],
        "Extra people, straight line": [
            report.fmt_people(scen["gain_straight"][t]) for t in TIER_LABELS
        ],
        "Extra people, walking network": [_net(t) for t in TIER_LABELS],
    }
)
st.dataframe(gains, hide_index=True, width="stretch")
st.caption(
    "Residents (Census 2021) of LSOAs whose population-weighted centroid newly meets "
    "each standard; green space OpenStreetMap 2023, network OpenStreetMap 2022."
)
chart_data = pd.DataFrame(
    {
        "standard": [TIER_LABELS[t] for t in TIER_LABELS],
        "people": [scen["gain_straight"][t] for t in TIER_LABELS],
    }
)
st.altair_chart(
    alt.Chart(chart_data)
    .mark_bar(color="#1b7837")
    .encode(
        x=alt.X("people:Q", title="Extra people meeting the standard (straight line)"),
        y=alt.Y(
            "standard:N",
            sort=list(TIER_LABELS.values()),
            title=None,
            axis=alt.Axis(labelLimit=260),
        ),
        tooltip=[
            alt.Tooltip("standard:N", title="Standard"),
            alt.Tooltip("people:Q", title="Extra people", format=","),
        ],
    )
    .properties(height=260, title="Extra people meeting each standard (straight line)"),
    width="stretch",
    alt="Bar chart of extra people meeting each access standard: "
    + "; ".join(
        f"{a}: {b:,}" for a, b in zip(chart_data["standard"], chart_data["people"], strict=True)
    ),
)

st.subheader("Who gains, by deprivation (IoD 2025 decile)")
tier = st.selectbox(
    "Standard",
    list(TIER_LABELS),
    index=list(TIER_LABELS).index(standards.HEADLINE_TIER),
    format_func=lambda t: TIER_LABELS[t],
    key="scenario-tier",
)
by_decile = pd.DataFrame(
    {TIER_LABELS[t]: pd.Series(scen["gain_by_imd_decile"][t]) for t in TIER_LABELS}
)
by_decile.index.name = "IMD decile (1 = most deprived)"
decile_chart = pd.DataFrame(
    {"decile": by_decile.index.astype(int), "people": by_decile[TIER_LABELS[tier]].to_numpy()}
)
st.altair_chart(
    alt.Chart(decile_chart)
    .mark_bar(stroke="#333333", strokeWidth=0.5)
    .encode(
        x=alt.X("decile:O", title=report.DECILE_AXIS, axis=alt.Axis(labelAngle=0)),
        # A short axis title: a long vertical one overflows the plot and clips the chart title.
        y=alt.Y("people:Q", title="Extra people"),
        color=alt.Color(
            "decile:O",
            legend=None,
            scale=alt.Scale(domain=list(range(1, 11)), range=list(maps.IOD_DECILE_COLOURS)),
        ),
        tooltip=[
            alt.Tooltip("decile:O", title="IMD decile"),
            alt.Tooltip("people:Q", title="Extra people", format=","),
        ],
    )
    .properties(
        height=240,
        title=f"Extra people within reach of a {TIER_LABELS[tier]} (straight line)",
    ),
    width="stretch",
    alt=f"Bar chart of extra people meeting '{TIER_LABELS[tier]}' by IMD decile: "
    + "; ".join(
        f"decile {d}: {p:,}"
        for d, p in zip(decile_chart["decile"], decile_chart["people"], strict=True)
    ),
)
PEOPLE = st.column_config.NumberColumn(format="localized")  # 1,712 as in the table above
st.dataframe(by_decile, width="stretch", column_config={c: PEOPLE for c in by_decile.columns})

st.subheader("Before and after: the LSOAs affected")
lsoas: pd.DataFrame = scen["lsoas"]
if lsoas.empty:
    st.info(
        "No LSOA's population-weighted centroid is closer to green space with this park: "
        "it is too far from homes, or they already have a nearer site of every size."
    )
    st.stop()
affected = results.lsoa[["lsoa21_code", "geometry"]].merge(lsoas, on="lsoa21_code")
affected = gpd.GeoDataFrame(affected, geometry="geometry", crs=crs.ANALYSIS_CRS)
before = affected[f"before_dist_{tier}_m"]
after = affected[f"after_dist_{tier}_m"]
affected["status"] = [
    "Now meets the standard"
    if g
    else "Closer, still beyond the distance"
    if a < b
    else "No change for this standard"
    for g, a, b in zip(affected[f"gained_{tier}"], after, before, strict=True)
]
shown = maps.to_display(
    affected,
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
m = maps.base_map(affected.total_bounds)
props = pd.DataFrame(
    {
        "n": [maps.esc(v) for v in shown["lsoa21_name"]],
        "c": [maps.esc(v) for v in shown["lsoa21_code"]],
        "d": [f"{int(v)} of 10" for v in shown["IMD_decile"]],
        "b": [f"{v:,.0f} m" for v in shown[f"before_dist_{tier}_m"]],
        "a": [f"{v:,.0f} m" for v in shown[f"after_dist_{tier}_m"]],
        "s": list(shown["status"]),
    }
)
features = [
    {"type": "Feature", "properties": rec, "geometry": shapely.geometry.mapping(g)}
    for g, rec in zip(shown.geometry.values, props.to_dict(orient="records"), strict=True)
]
folium.GeoJson(
    {"type": "FeatureCollection", "features": features},
    name="Affected LSOAs",
    style_function=lambda f: {
        "fillColor": STATUS_COLOURS[f["properties"]["s"]],
        "fillOpacity": 0.7,
        "color": "#333333",
        "weight": 0.8,
    },
    tooltip=folium.GeoJsonTooltip(
        ["n", "c", "d", "b", "a", "s"],
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
site = gpd.GeoDataFrame(geometry=[scen["site_geometry"]], crs=crs.ANALYSIS_CRS)
folium.GeoJson(
    maps.to_display(site).__geo_interface__,
    name="New park",
    style_function=lambda f: {
        "fillColor": NEW_PARK_COLOUR,
        "color": "#0b3d1c",
        "fillOpacity": 0.8,
        "weight": 2,
    },
).add_to(m)
legend = "".join(
    f'<div><span style="display:inline-block;width:12px;height:12px;background:{c};'
    f'border:1px solid #333;margin-right:4px"></span>{maps.esc(label)}</div>'
    for label, c in [*STATUS_COLOURS.items(), ("New park (merged site)", NEW_PARK_COLOUR)]
)
mc1, mc2 = st.columns([3, 1])
with mc1:
    st_folium(
        m, key="scenario-result-map", height=460, use_container_width=True, returned_objects=[]
    )
with mc2:
    st.markdown(f"**{TIER_LABELS[tier]}**", help="Choose the standard above.")
    st.html(f'<div role="list" aria-label="Map legend">{legend}</div>')
    st.caption(
        "Distances are straight line from each LSOA's population-weighted centroid "
        f"(before → after). {catalogue.ATTRIBUTION}"
    )

table = lsoas.copy()
shown_table = lsoas[["lsoa21_code", "lsoa21_name", "population", "IMD_decile"]].rename(
    columns={
        "lsoa21_code": "LSOA code",
        "lsoa21_name": "LSOA name",
        "population": "Residents (2021)",
        "IMD_decile": "IMD decile (2025)",
    }
)
for name, label in TIER_LABELS.items():
    shown_table[f"{label}: before (m)"] = lsoas[f"before_dist_{name}_m"].round(0)
    shown_table[f"{label}: after (m)"] = lsoas[f"after_dist_{name}_m"].round(0)
    shown_table[f"{label}: now met"] = lsoas[f"gained_{name}"]
st.dataframe(
    shown_table, hide_index=True, width="stretch", column_config={"Residents (2021)": PEOPLE}
)
st.caption(
    f"The {len(lsoas):,} LSOAs whose distance to a site of some size falls: straight-line "
    "distances in metres from each population-weighted centroid, before and after."
)

st.subheader("Downloads")
out = affected.drop(columns=["status"]).to_crs(crs.DISPLAY_CRS)
geojson = json.loads(out.to_json(na="null", drop_id=True))
geojson["name"] = "Affected LSOAs, before and after the new park"
geojson["scenario"] = {
    "new_site_ha": scen["new_site_ha"],
    "merged_site_ha": scen["merged_site_ha"],
    "gain_straight": scen["gain_straight"],
    "gain_network": scen["gain_network"] if in_network else None,
    "distances": "metres, straight line from population-weighted centroids",
    "data": "Census 2021; IoD 2025; OpenStreetMap 2023",
}
geojson["attribution"] = catalogue.ATTRIBUTION
csv = table.assign(attribution=catalogue.ATTRIBUTION).to_csv(index=False)
d1, d2 = st.columns(2)
d1.download_button(
    "Affected LSOAs (GeoJSON, before/after)",
    json.dumps(geojson, ensure_ascii=False).encode("utf-8"),
    file_name="scenario-affected-lsoas.geojson",
    mime="application/geo+json",
    on_click="ignore",
    width="stretch",
)
d2.download_button(
    "Affected LSOAs (CSV, before/after)",
    csv.encode("utf-8"),
    file_name="scenario-affected-lsoas.csv",
    mime="text/csv",
    on_click="ignore",
    width="stretch",
)
st.caption(catalogue.ATTRIBUTION)
