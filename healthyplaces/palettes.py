"""Colours for maps, charts and reports, in one place, all colour-blind safe.

* Paul Tol's *muted* qualitative palette for green-space typologies
  (Tol 2021, Colour Schemes, SRON/EPS/TN/09-002);
* ColorBrewer RdYlBu for IoD deciles and ColorBrewer sequential ramps for
  choropleths (Harrower & Brewer 2003, The Cartographic Journal 40(1));
* black outlines for the double burden and dark grey site edges, checked under
  simulated deuteranopia and protanopia (``tests/test_colour_vision.py``).
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

#: The dotted outline that marks open access land (CRoW open country): black, as the
#: blue it replaced was 2.1 CIEDE2000 from IoD decile 9 (``tests/test_colour_vision.py``);
#: dotted, where the chosen place's outline is dashed and the double burden solid.
OPEN_ACCESS_OUTLINE = "#000000"
#: Its dash pattern (Leaflet ``dashArray``, pixels).
OPEN_ACCESS_DASH = "2 4"

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

#: Black for the double-burden outline (solid; the chosen place's outline is dashed). It
#: is drawn over the IoD deciles or a choropleth: under simulated deuteranopia and
#: protanopia it stays at least 17 CIEDE2000 from every decile and ramp class, where the
#: Okabe–Ito vermillion it replaced was 5.8 from decile 2 (``tests/test_colour_vision.py``).
DOUBLE_BURDEN_COLOUR = "#000000"

#: The thin edge of every green site, so that a site stays visible over the IoD deciles
#: or a choropleth whatever its status fill (tested like the double-burden outline:
#: dark grey #333333 came within 6.6 of PuBuGn's darkest class under deuteranopia).
SITE_EDGE_COLOUR = "#000000"

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
