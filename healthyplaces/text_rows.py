"""Rows of the plain-text tables: a label, a value read from a profile, its format and units.

The pieces :mod:`healthyplaces.profile_text` builds its sections from: formats for
shares (``33.0%``), numbers, walking-network shares with their coverage, and
:func:`path`, which reads a nested profile key (None where it is absent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from healthyplaces.formatting import fmt_number, fmt_pct, is_missing

#: A walking-network figure outside the offline network.
NOT_OFFLINE = "not available offline"
#: Any other missing value (followed by its reason where there is one).
NONE = "—"
#: Width the notes are wrapped to, characters.
WIDTH = 100

Prof = Mapping[str, Any]
Getter = Callable[[Prof], Any]
Formatter = Callable[[Any], str]
#: Units of a row: fixed text, or text that depends on the profile (a confidence interval).
Units = str | Callable[[Prof], str]


@dataclass(frozen=True)
class Row:
    """One line of a section: a label, how to read the value from a profile, and its units."""

    label: str
    get: Getter
    fmt: Formatter
    units: Units
    #: Whether the district and county columns show the same figure.
    compare: bool = True


@dataclass(frozen=True)
class Section:
    """A titled group of rows."""

    title: str
    rows: tuple[Row, ...]


def pct(value: Any) -> str:
    """A 0–1 share as ``33.0%``; :data:`NONE` when missing."""
    return NONE if is_missing(value) else f"{fmt_pct(value)}%"


def share_row(label: str, get: Getter) -> Row:
    """A row of a 0–1 share of residents, shown as a percentage."""
    return Row(label, get, pct, "of residents")


def num(digits: int) -> Formatter:
    """A number with ``digits`` decimals (thousands separated); :data:`NONE` when missing."""
    return lambda v: NONE if is_missing(v) else fmt_number(v, digits)


def num_scaled(scale: float, digits: int) -> Formatter:
    """A number times ``scale`` (a 0–1 difference as percentage points)."""
    return lambda v: NONE if is_missing(v) else fmt_number(float(v) * scale, digits)


#: Whole people (``546,373``); :data:`NONE` when missing.
people = num(0)


def network_pct(pair: Any) -> str:
    """A walking-network share and its coverage: :data:`NOT_OFFLINE` off the network.

    Where the network covers only some residents the share is of those covered,
    and says so (``29.1% of 20.5% covered``).
    """
    value, cov = pair
    if value is None or is_missing(value):
        return NOT_OFFLINE
    text = pct(value)
    return text if is_missing(cov) or cov >= 0.999 else f"{text} of {pct(cov)} covered"


def detour(pair: Any) -> str:
    """A median detour ratio; off the network :data:`NOT_OFFLINE`, else why there is none."""
    value, cov = pair
    if not is_missing(value):
        return fmt_number(value, 2)
    return NOT_OFFLINE if is_missing(cov) or cov <= 0 else f"{NONE} (no LSOA has both distances)"


def with_coverage(get: Getter, coverage: Getter) -> Getter:
    return lambda p: (get(p), coverage(p))


def path(*keys: str) -> Getter:
    """Read ``p[k1][k2]…``; None where a key is absent."""

    def get(p: Prof) -> Any:
        value: Any = p
        for k in keys:
            if not isinstance(value, Mapping) or k not in value:
                return None
            value = value[k]
        return value

    return get
