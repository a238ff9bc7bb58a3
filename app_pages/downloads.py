"""Downloads: any bundle layer (or the LSOA results) for the chosen place, as a file.

Presentation only: the export itself is :func:`healthyplaces.export.export_download`
(cached in :mod:`app_pages._cache`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _cache, _place
from healthyplaces import export
from healthyplaces.formatting import md_escape
from layers import catalogue
from layers.catalogue import LAYERS

FORMAT_LABELS = {
    "geojson": "GeoJSON (EPSG:4326, lon/lat; attribution and data dictionary inside)",
    "gpkg": "GeoPackage (EPSG:27700; attribution and data dictionary inside)",
    "csv": "CSV (WKT geometry, EPSG:4326; zipped with .csvt, attribution, data dictionary)",
}


def _title(name: str) -> str:
    if name == export.RESULTS_LAYER:
        return "Healthy Places indicators per LSOA (analysis results)"
    return LAYERS[name].title


def _schema_table(layer: str) -> pd.DataFrame:
    return pd.DataFrame(export.property_schema(layer), columns=["property", "type"])


def _dictionary_note() -> str:
    return (
        "Every export carries a data dictionary (field, type, description, units, source, "
        "year): the `fields` member in GeoJSON, the `data_dictionary` table in a GeoPackage "
        "and a `.dictionary.csv` in the CSV zip. The LSOA results rename `pwc_x`/`pwc_y` to "
        "`pwc_easting_27700`/`pwc_northing_27700` (EPSG:27700 metres) and come with a QGIS "
        "style (`.qml`, graduated on `hpi_decile`) in the CSV zip and from the command line. "
        "`healthyplaces export place-pack --place X -o pack.gpkg` writes one GeoPackage with "
        "the boundary, green sites, results, IoD 2025 and PCM air cells."
    )


def render() -> None:
    """The page."""
    place = _place.chosen_place()
    st.title("Downloads")
    st.caption(
        f"Data for **{md_escape(place.name)}** ({place.level}, {place.code}). "
        "Change the place in the sidebar."
    )
    layers = export.exportable_layers()
    default = layers.index("greenspace_sites") if "greenspace_sites" in layers else 0
    layer = st.selectbox("Layer", layers, index=default, format_func=lambda n: f"{_title(n)} ({n})")
    fmt = st.radio("Format", list(export.FORMATS), format_func=FORMAT_LABELS.get, horizontal=False)
    info = export.layer_info(layer)
    st.markdown(
        f"**Source:** {info.source} · **Licence:** {info.licence} · **Vintage:** {info.vintage}"
    )
    if info.gaps:
        st.caption(f"Known gaps: {info.gaps}")
    st.caption(export.SELECTION_NOTE)

    key = (layer, place.code, fmt)
    if st.button("Prepare download", type="primary"):
        with st.spinner(f"Exporting {layer} for {md_escape(place.name)}…"):
            st.session_state["_export"] = (key, _cache.download(layer, place.code, fmt))
    prepared = st.session_state.get("_export")
    if prepared and prepared[0] == key:
        data, name, mime, n = prepared[1]
        st.download_button(
            f"Download {name} ({n:,} features, {len(data) / 1e6:.1f} MB)",
            data=data,
            file_name=name,
            mime=mime,
            icon=":material/download:",
        )
    else:
        st.caption("Press *Prepare download* to build the file.")

    with st.expander(f"Properties in the {layer} export"):
        if info.units:
            st.caption(f"Units: {info.units}")
        st.dataframe(_schema_table(layer), hide_index=True, width="stretch")
        st.caption(
            "GeoJSON files also carry, at FeatureCollection level: `attribution`, `licence`, "
            "`source`, `vintage`, `gaps`, `units`, `place`, `selection` and `fields`. "
            "Coordinates are longitude, latitude (RFC 7946), 6 decimals."
        )
        st.caption(_dictionary_note())
    st.caption(catalogue.ATTRIBUTION)
