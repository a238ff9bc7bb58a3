"""The plain ``healthyplaces layers`` table: a row per bundle layer, long text wrapped in place.

Columns: layer, rows, vintage, licence, source and gaps, from
:func:`layers.catalogue.catalogue` (the ``--json`` form prints every field).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

#: Columns of the plain ``layers`` table: header, catalogue key, wrap width (None: no wrap).
_LAYER_COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("layer", "name", None),
    ("rows", "rows", None),
    ("vintage", "vintage", 18),
    ("licence", "licence", None),
    ("source", "source", 40),
    ("gaps", "gaps", 56),
)


def layers_table(entries: Sequence[Mapping[str, Any]]) -> str:
    """The layer catalogue as an aligned table; long source and gaps text wraps in its column."""
    cells = [
        [
            textwrap.wrap(str(e.get(key) if e.get(key) not in (None, "") else "-"), width)
            if width
            else [f"{e[key]:,}" if isinstance(e.get(key), int) else str(e.get(key, "-"))]
            for _, key, width in _LAYER_COLUMNS
        ]
        for e in entries
    ]
    widths = [
        max([len(h), *(len(line) for row in cells for line in row[i])])
        for i, (h, _, _) in enumerate(_LAYER_COLUMNS)
    ]

    def line(parts: Sequence[str]) -> str:
        return "  ".join(
            p.rjust(w) if h == "rows" else p.ljust(w)
            for p, w, (h, _, _) in zip(parts, widths, _LAYER_COLUMNS, strict=True)
        ).rstrip()

    out = [line([h.upper() for h, _, _ in _LAYER_COLUMNS])]
    for row in cells:
        for k in range(max(len(c) for c in row)):
            out.append(line([c[k] if k < len(c) else "" for c in row]))
    return "\n".join(out)
