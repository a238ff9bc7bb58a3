"""The map's features as tables: what a keyboard or screen-reader user reads instead of
hovering and clicking shapes (the shapes are not Tab stops).

Presentation only: each function takes rows that ``layers`` loaded or the engine
computed and returns a display table of plain text and numbers (Streamlit shows
it as a grid, never as Markdown or HTML, so names need no escaping here).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from healthyplaces.maps.sites import KIND_LABELS, STATUS_LABELS


def sites_table(sites: pd.DataFrame) -> pd.DataFrame:
    """Green sites, largest first: name, access status, kind and area.

    Parameters
    ----------
    sites
        Rows of :func:`layers.greenspace.load_green_sites` (``name``,
        ``access_status``, ``site_kind``, ``area_ha`` in hectares).

    Returns
    -------
    pandas.DataFrame
        ``Site`` ("(unnamed)" when the site has no name), ``Access status`` (the
        map legend's wording), ``Kind`` and ``Area (ha)`` (2 decimals).
    """
    names = sites["name"].fillna("").astype(str).str.strip()
    table = pd.DataFrame(
        {
            "Site": names.where(names.ne(""), "(unnamed)").to_numpy(),
            "Access status": sites["access_status"].map(STATUS_LABELS).fillna("Unknown").to_numpy(),
            "Kind": sites["site_kind"].map(KIND_LABELS).fillna("").to_numpy(),
            "Area (ha)": sites["area_ha"].astype(float).round(2).to_numpy(),
        }
    )
    return table.sort_values("Area (ha)", ascending=False, kind="stable").reset_index(drop=True)


def lsoa_table(
    lsoa: pd.DataFrame, columns: Mapping[str, str], flags: Collection[str] = ()
) -> pd.DataFrame:
    """LSOAs with the values of the layers shown, in LSOA code order.

    Parameters
    ----------
    lsoa
        One row per LSOA with ``lsoa21_code``, ``lsoa21_name`` and every key of
        ``columns``.
    columns
        Value column → its heading, with units (for example ``{"no2_ugm3":
        "NO₂ (µg/m³)"}``). Missing values stay empty.
    flags
        Columns of ``columns`` that are yes/no flags (booleans, or 1/0): they read
        "yes" or "no".

    Returns
    -------
    pandas.DataFrame
        ``LSOA`` (name), ``Code`` and one column per entry of ``columns``.
    """
    rows = lsoa.sort_values("lsoa21_code", kind="stable")
    table = pd.DataFrame(
        {"LSOA": rows["lsoa21_name"].astype(str), "Code": rows["lsoa21_code"].astype(str)}
    )
    for column, heading in columns.items():
        values = rows[column]
        if column in flags:
            values = values.map(lambda v: "" if pd.isna(v) else ("yes" if v else "no"))
        table[heading] = values.to_numpy()
    return table.reset_index(drop=True)
