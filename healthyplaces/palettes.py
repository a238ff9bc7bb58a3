"""Colours for maps, charts and reports, in one place, all colour-blind safe.

* Paul Tol's *muted* qualitative palette for green-space typologies
  (Tol 2021, Colour Schemes, SRON/EPS/TN/09-002);
* ColorBrewer RdYlBu for IoD deciles and ColorBrewer sequential ramps for
  choropleths (Harrower & Brewer 2003, The Cartographic Journal 40(1));
* Okabe–Ito vermillion for the double burden (Okabe & Ito 2008).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

#: Paul Tol's "muted" qualitative palette (colour-blind safe), one colour per typology.
TYPOLOGY_COLOURS: dict[str, str] = {
    "nature_reserve": "#332288",
    "parks_gardens": "#44AA99",
    "play_space": "#CC6677",
    "outdoor_sports": "#DDCC77",
    "allotments": "#AA4499",
    "cemeteries": "#882255",
    "amenity": "#999933",
    "natural": "#117733",
}

#: Paul Tol's "bright" qualitative palette (colour-blind safe; Tol 2021), one colour per
#: access status of a green site (:mod:`geo.access_status`): green public, yellow
#: restricted, purple private, grey unknown.
ACCESS_STATUS_COLOURS: dict[str, str] = {
    "public": "#228833",
    "restricted": "#CCBB44",
    "private": "#AA3377",
    "unknown": "#BBBBBB",
}

#: Tol bright blue: the dashed outline that marks open access land (CRoW open country).
OPEN_ACCESS_OUTLINE = "#4477AA"

WATER_FILL = "#88CCEE"

WATER_LINE = "#2B6CB0"

#: ColorBrewer RdYlBu, 10 classes (colour-blind safe): decile 1 (most deprived) is dark red.
IOD_DECILE_COLOURS: tuple[str, ...] = (
    "#a50026",
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee090",
    "#e0f3f8",
    "#abd9e9",
    "#74add1",
    "#4575b4",
    "#313695",
)

#: Okabe–Ito vermillion for the double-burden outline.
DOUBLE_BURDEN_COLOUR = "#D55E00"

NO_DATA_COLOUR = "#bdbdbd"

#: Tol muted green for accessible green space in static report maps.
SITE_COLOUR = "#117733"

#: Plain light background used when no tiles are loaded.
OFFLINE_BACKGROUND = "#f4f3ee"

#: Colour-blind-safe ColorBrewer sequential ramps offered for choropleths.
SEQUENTIAL_PALETTES = ("YlGnBu", "YlOrRd", "PuBuGn", "Greens", "Purples")


def sequential_colours(palette: str, k: int) -> list[str]:
    """``k`` colours of a ColorBrewer sequential ramp, skipping its near-white end."""
    if palette not in SEQUENTIAL_PALETTES:
        choices = ", ".join(SEQUENTIAL_PALETTES)
        raise ValueError(f"Unknown palette {palette!r}; choose one of {choices}")
    cmap = mpl.colormaps[palette]
    return [mpl.colors.to_hex(cmap(x)) for x in np.linspace(0.18, 0.95, max(k, 1))]


def ramp_css(cmap: str, n: int = 8) -> str:
    colours = mpl.colormaps[cmap](np.linspace(0, 1, n))
    stops = ", ".join(mpl.colors.to_hex(c) for c in colours)
    return f"linear-gradient(to right, {stops})"
