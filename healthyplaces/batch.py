"""Batch reports: one report per place of a level, from one load of the results.

``healthyplaces report --level ward --format pdf -o DIR/`` calls
:func:`write_reports`: the county results are loaded once (from the results
store, :mod:`layers.results_store`) and every place's report is built from
them with :func:`healthyplaces.report.build_report`, exactly as the
single-place ``report`` builds one. A place whose report fails is skipped and
reported; the batch goes on.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from analysis.engine import Results
    from layers.places import Place

#: Levels a batch can cover (the county is one place: use ``report`` without ``--level``).
LEVELS = ("district", "ward", "msoa")

Progress = Callable[[int, int, str], None]


@dataclass
class BatchResult:
    """What a batch wrote, and the places it could not (with the reason)."""

    written: list[Path] = field(default_factory=list)
    failed: list[tuple[Place, str]] = field(default_factory=list)


def slug(name: str) -> str:
    """A file-name-safe place name: ``Headingley & Hyde Park`` → ``headingley-hyde-park``."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text or "place"


def file_name(place: Place, fmt: str) -> str:
    """``E05001364-toller.pdf``: the place code, then the slug of its name."""
    return f"{place.code}-{slug(place.name)}.{fmt}"


def places_of(level: str) -> list[Place]:
    """Every place of ``level`` (``district``, ``ward`` or ``msoa``), in code order."""
    from layers.places import place_index

    if level not in LEVELS:
        raise ValueError(f"--level must be one of {', '.join(LEVELS)}, not {level!r}")
    index = place_index()
    codes = sorted(index.table.loc[index.table["level"] == level, "code"].astype(str))
    return [index.resolve(code) for code in codes]


def counter(stream: TextIO | None = None) -> Progress:
    """A progress line on ``stream`` (default stderr): ``[ 12/124]    40 s  Toller``.

    On a terminal the line is rewritten in place; otherwise one line per place.
    """
    start = time.perf_counter()
    out = sys.stderr if stream is None else stream
    tty = out.isatty()

    def show(done: int, total: int, name: str) -> None:
        elapsed = time.perf_counter() - start
        width = len(str(total))
        text = f"[{done:>{width}}/{total}] {elapsed:5.0f} s  {name}"
        if tty:
            out.write(f"\r{text[:79]:<79}")
            if done == total:
                out.write("\n")
        else:
            out.write(text + "\n")
        out.flush()

    return show


def write_reports(
    results: Results,
    places: Sequence[Place],
    out_dir: Path,
    fmt: str,
    definition: str | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Write one ``fmt`` report per place into ``out_dir`` (created if needed).

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`, loaded once for the batch.
    places
        The places to report on.
    out_dir
        The folder; files are named by :func:`file_name`.
    fmt
        ``pdf`` or ``html``.
    definition
        Site definition of the headline tiers (as ``report --definition``).
    progress
        Called after each place with (done, total, place name).

    Returns
    -------
    BatchResult
        The files written and the places that failed, with their error.
    """
    from analysis import areas
    from healthyplaces.report import build_report, write_report

    out_dir.mkdir(parents=True, exist_ok=True)
    result = BatchResult()
    for i, place in enumerate(places, start=1):
        try:
            area = areas.area_for_place(results, place)
            report = build_report(results, area, definition=definition)
            result.written.append(write_report(report, out_dir / file_name(place, fmt), fmt))
        except Exception as exc:  # one place's failure must not stop the batch
            result.failed.append((place, f"{type(exc).__name__}: {exc}"))
        if progress is not None:
            progress(i, len(places), place.name)
    return result
