"""Every limit of the upload gate, in one place, with its unit in its name.

The figures were chosen on this project's 2-core reference machine so that
each step of reading and checking a boundary is provably short (see
``README.md``, "Upload limits"); the whole gate is also held to a wall-clock
budget by :class:`Deadline`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from layers.errors import UserAreaError


@dataclass(frozen=True)
class Limits:
    """Limits on a user's boundary file and on the work spent checking it.

    Attributes
    ----------
    max_upload_bytes
        Largest file accepted, bytes (20 MB holds a full-resolution boundary
        of every Leeds ward several times over).
    max_expanded_bytes
        Largest total size of the Shapefile parts inside a zip, bytes, checked
        from the zip directory before extraction and again while extracting.
    max_zip_members
        Most entries (files and folders) a zip may list.
    max_features
        Most features in a file (West Yorkshire has about 7,500 Output Areas).
    max_vertices
        Most vertices over all features.
    max_repair_crossings
        Most segment crossings in the invalid polygons that are repaired with
        ``make_valid``; repair time grows with the crossings (a random
        300-vertex ring has about 10,000 and takes 0.4 s; 400 vertices,
        18,000 crossings, 0.7 s).
    max_union_crossings
        Most touching or crossing segment pairs between polygons that are
        dissolved into one; GEOS overlay handles about 700,000 a second
        (two crossed 800-tooth combs, 640,000 crossings: 1.0 s; the county's
        1,404 LSOAs, 124,000 shared-edge pairs: 0.3 s).
    max_area_ha
        Largest area accepted, hectares (the county is about 203,000 ha).
    extent_bng_m
        (min x, min y, max x, max y) of plausible coordinates in EPSG:27700,
        metres: the British National Grid's area of use with a 100 km margin.
    budget_s
        Wall-clock budget for reading and checking one file, seconds.
    """

    max_upload_bytes: int = 20_000_000
    max_expanded_bytes: int = 50_000_000
    max_zip_members: int = 16
    max_features: int = 10_000
    max_vertices: int = 250_000
    max_repair_crossings: int = 10_000
    max_union_crossings: int = 1_000_000
    max_area_ha: float = 250_000.0
    extent_bng_m: tuple[float, float, float, float] = (
        -200_000.0,
        -200_000.0,
        900_000.0,
        1_400_000.0,
    )
    budget_s: float = 15.0


#: The limits every upload, drawing and scenario park is checked against.
LIMITS = Limits()


def megabytes(n_bytes: float) -> str:
    """``n_bytes`` as "12.3 MB", or "20 MB" for whole megabytes (1 MB = 1,000,000 bytes)."""
    mb = n_bytes / 1e6
    return f"{mb:,.0f} MB" if mb == int(mb) else f"{mb:,.1f} MB"


#: The private folder's path in a library's message (never shown to the user).
_PRIVATE_PATH = re.compile(r"\S*hp-upload-[^/\s]*/?")


def detail(exc: BaseException, max_chars: int = 160) -> str:
    """A library's error text for a message: one line, no private path, ``max_chars`` at most."""
    text = " ".join(_PRIVATE_PATH.sub("", str(exc)).split())
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


class Deadline:
    """A wall-clock deadline for one file, checked between the gate's steps.

    Parameters
    ----------
    label
        The user's file name, for the message.
    budget_s
        Seconds from now until the deadline.
    """

    def __init__(self, label: str, budget_s: float) -> None:
        self.label = label
        self.budget_s = budget_s
        self._end = time.monotonic() + budget_s

    def remaining_s(self) -> float:
        """Seconds left before the deadline (negative once it has passed)."""
        return self._end - time.monotonic()

    def check(self, step: str) -> None:
        """Raise :class:`UserAreaError` if the budget is spent, naming the step reached."""
        if self.remaining_s() < 0:
            raise UserAreaError(
                f"{self.label}: checking the file took longer than the {self.budget_s:g} s "
                f"limit (stopped while {step}). Simplify the boundary or upload fewer features."
            )
