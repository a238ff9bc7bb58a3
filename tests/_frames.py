"""What streamlit-folium sends for a map, made with its own functions, for tests and benches.

``app_pages._folium`` calls ``st_folium(render=False)``, which needs a Streamlit
run; the tests (``tests/test_mapping.py``) and ``bench/bench_map_send.py`` make
the same texts without one: the header and the base map's script, and for a map
updated in place (:func:`healthyplaces.maps.live_parts`) the feature groups and
the layer switcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import folium
import streamlit_folium as sf

from healthyplaces import maps


@dataclass(frozen=True)
class Sent:
    """The texts sent for one map (folium's random ids as they are), and its split."""

    header: str
    script: str
    groups: str = ""
    control: str = ""
    parts: maps.LiveParts | None = None

    def texts(self) -> tuple[str, str, str, str]:
        return self.header, self.script, self.groups, self.control

    def masked(self) -> tuple[str, ...]:
        """:meth:`texts` with folium's 32-hex ids replaced by ``_ID``."""
        return tuple(re.sub(r"_[0-9a-f]{32}", "_ID", t) for t in self.texts())


def sent(m: folium.Map, in_place: bool = False) -> Sent:
    """Render ``m`` once, as ``st_folium(render=False)`` does, and make what it sends;
    ``in_place``: split first (``m`` is changed)."""
    if not in_place:
        m.render()  # type: ignore[no-untyped-call]
        return Sent(sf._get_header(m), sf._get_map_string(m))
    parts = maps.live_parts(m)
    parts.base.render()  # type: ignore[no-untyped-call]
    header, script = sf._get_header(parts.base), sf._get_map_string(parts.base)
    groups = "".join(
        sf._get_feature_group_string(g, map=parts.base, idx=i) for i, g in enumerate(parts.groups)
    )
    control = (
        "" if parts.control is None else sf._get_layer_control_string(parts.control, parts.base)
    )
    return Sent(header, script, groups, control, parts)
