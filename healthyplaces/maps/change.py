"""The air-quality change layer: a later PCM year minus an earlier one, diverging colours.

Colours: ColorBrewer RdBu reversed (:data:`layers.air_quality.CHANGE_PALETTE`;
Brewer 2003, colour-blind-safe), centred on no change with
:func:`geo.air.diverging_limits`, so blue is cleaner air and red dirtier.
"""

from __future__ import annotations

import folium
import numpy as np

from geo import air
from geo.raster import Raster
from healthyplaces.maps.elements import add_legend
from healthyplaces.maps.values import add_raster_image
from healthyplaces.palettes import ramp_css
from layers.air_quality import CHANGE_PALETTE


def add_change_raster(
    m: folium.Map, change: Raster, *, label: str, units: str = "µg/m³", show: bool = True
) -> folium.FeatureGroup:
    """A change raster (e.g. :func:`layers.air_quality.load_change`) with a diverging legend.

    Parameters
    ----------
    m
        The map.
    change
        Cell-by-cell change, EPSG:27700, in ``units`` (negative = cleaner air).
    label
        Layer and legend title (:func:`layers.catalogue.pcm_change_label`).
    units
        Units of the change.
    show
        Whether the layer starts visible.
    """
    lo, hi = air.diverging_limits(change.values)
    lo, hi = float(np.floor(lo * 10) / 10), float(np.ceil(hi * 10) / 10)
    fg = add_raster_image(m, change, CHANGE_PALETTE, (lo, hi), label, show=show)
    ticks = "".join(f"<span>{v:+g}</span>" if v else "<span>0</span>" for v in (lo, 0.0, hi))
    body = (
        f'<div class="ramp" style="background:{ramp_css(CHANGE_PALETTE)}" aria-hidden="true">'
        f'</div><div class="ticks">{ticks}</div>'
    )
    note = (
        f"Change in annual mean, {units}; blue = cleaner, red = more polluted, white = no "
        "change (ColorBrewer RdBu, colour-blind-safe). DEFRA PCM 1 km background grid."
    )
    add_legend(m, fg, label, body, note)
    return fg
