"""A QGIS layer style (``.qml``) for the results layer: a graduated renderer on ``hpi_decile``.

The classes are the ten deciles of the Healthy Places index (1 = least
healthy, :data:`analysis.engine.INDICATORS`), each the range ``[d - 0.5, d + 0.5]``,
coloured with :data:`healthyplaces.palettes.IOD_DECILE_COLOURS` (the app's decile
palette, so the file looks like the map). Written with :mod:`xml.etree` as the
QGIS 3 ``qgis`` document (``renderer-v2 type="graduatedSymbol"``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from healthyplaces.palettes import IOD_DECILE_COLOURS, NO_DATA_COLOUR

#: The field the style classifies.
STYLE_FIELD = "hpi_decile"


def _rgba(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + ",255"


def _symbol(parent: ET.Element, name: str, colour: str) -> None:
    symbol = ET.SubElement(
        parent, "symbol", type="fill", name=name, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    layer = ET.SubElement(symbol, "layer", {"class": "SimpleFill", "pass": "0", "enabled": "1"})
    options = ET.SubElement(layer, "Option", type="Map")
    for key, value in {
        "color": _rgba(colour),
        "outline_color": "255,255,255,255",
        "outline_width": "0.1",
        "outline_width_unit": "MM",
        "style": "solid",
    }.items():
        ET.SubElement(options, "Option", type="QString", name=key, value=value)


def results_qml(field: str = STYLE_FIELD) -> str:
    """The ``.qml`` text: ten graduated classes of ``field`` (deciles 1–10), no-data grey."""
    root = ET.Element("qgis", version="3.28.0", styleCategories="Symbology")
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        type="graduatedSymbol",
        attr=field,
        graduatedMethod="GraduatedColor",
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
    )
    ranges = ET.SubElement(renderer, "ranges")
    symbols = ET.SubElement(renderer, "symbols")
    for i, colour in enumerate(IOD_DECILE_COLOURS):
        decile = i + 1
        ET.SubElement(
            ranges,
            "range",
            lower=f"{decile - 0.5:.1f}",
            upper=f"{decile + 0.5:.1f}",
            symbol=str(i),
            label=f"Decile {decile}" + (" (least healthy)" if decile == 1 else ""),
            render="true",
        )
        _symbol(symbols, str(i), colour)
    source = ET.SubElement(renderer, "source-symbol")
    _symbol(source, "0", NO_DATA_COLOUR)
    ET.SubElement(renderer, "mode", name="equal")
    ET.SubElement(root, "layerGeometryType").text = "2"
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"
