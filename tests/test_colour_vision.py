"""Layers drawn together stay apart under deuteranopia and protanopia (issue 13).

The map draws the double-burden outline over the IoD deciles or an indicator
choropleth, the place outline over everything and green sites over either; under
a simulated dichromacy (``tests/colour_vision.py``: Machado et al. 2009, CIEDE2000)
the colours that must be told apart stay at least :data:`MIN_DELTA_E` apart.
Before this check the vermillion double-burden outline was 5.8 from IoD decile 2
under deuteranopia: "double burden and IoD deciles 1–3 look the same".
"""

from __future__ import annotations

import numpy as np
import pytest

from healthyplaces import palettes
from tests.colour_vision import MACHADO_2009, ciede2000, closest_pair, simulated_lab

#: Smallest CIEDE2000 difference between colours that must be told apart on the map.
#: 10 is a clearly visible difference for thin lines over fills (a just-noticeable
#: difference is about 1–2; Sharma et al. 2005 note 2–10 as "perceptible at a glance").
MIN_DELTA_E = 10.0
VISIONS = list(MACHADO_2009)
FILL_LAYERS = {
    "IoD deciles": list(palettes.IOD_DECILE_COLOURS),
    **{f"indicator ({p})": palettes.sequential_colours(p, 7) for p in palettes.SEQUENTIAL_PALETTES},
}


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005), Table 1, pairs 1, 7, 17 and 25
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_matches_the_published_test_pairs(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float], expected: float
) -> None:
    assert float(ciede2000(np.array(lab1), np.array(lab2))) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_merges_red_and_green_but_not_blue_and_yellow() -> None:
    red, green, blue, yellow = "#d62728", "#2ca02c", "#1f77b4", "#ffdd00"
    for vision in ("protanopia", "deuteranopia"):
        rg = closest_pair([red], [green], vision)[0]
        assert rg < 0.5 * closest_pair([red], [green], "normal vision")[0]
        assert closest_pair([blue], [yellow], vision)[0] > 40
    grey = simulated_lab(["#808080"], "deuteranopia")[0]
    assert abs(grey[1]) < 1 and abs(grey[2]) < 1  # neutral stays neutral


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("layer", list(FILL_LAYERS))
def test_outlines_stand_out_from_every_fill_beneath(layer: str, vision: str) -> None:
    for name, line in (
        ("double burden", palettes.DOUBLE_BURDEN_COLOUR),
        ("site edge", palettes.SITE_EDGE_COLOUR),
        ("open access land", palettes.OPEN_ACCESS_OUTLINE),
    ):
        d, _, fill = closest_pair([line], FILL_LAYERS[layer], vision)
        if name == "open access land" and layer != "IoD deciles":
            continue  # drawn over the sites, whose status fills it outlines
        assert d >= MIN_DELTA_E, f"{name} {line} vs {layer} {fill}: ΔE00 {d:.1f} ({vision})"


@pytest.mark.parametrize("vision", VISIONS)
def test_site_statuses_stay_apart(vision: str) -> None:
    colours = list(palettes.ACCESS_STATUS_COLOURS.values())
    lab = simulated_lab(colours, vision)
    d = ciede2000(lab[:, None, :], lab[None, :, :])
    assert d[np.triu_indices(len(colours), 1)].min() >= MIN_DELTA_E
