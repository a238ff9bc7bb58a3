"""Batch reports: ``healthyplaces report --level LEVEL -o DIR`` writes one report per place.

Checked on the five districts (HTML, to stay fast): five files named by code
and name, each a whole HTML document whose title names its own district; and
a place that cannot be written is skipped, reported and turns the exit code to 1
while the others are still written.
"""

from __future__ import annotations

import contextlib
import io
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from healthyplaces import batch
from healthyplaces.cli import main
from layers.places import place_index

DISTRICTS = {
    "E08000032": "Bradford",
    "E08000033": "Calderdale",
    "E08000034": "Kirklees",
    "E08000035": "Leeds",
    "E08000036": "Wakefield",
}


class _Doc(HTMLParser):
    """Collects the <title> text and which elements were opened and closed."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.opened: list[str] = []
        self.closed: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.opened.append(tag)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self.closed.append(tag)
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def district_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    out = tmp_path_factory.mktemp("batch") / "reports"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(["report", "--level", "district", "--format", "html", "-o", str(out)])
    return rc, out, err.getvalue()


def test_one_html_report_per_district(district_batch: tuple[int, Path, str]) -> None:
    rc, out, err = district_batch
    assert rc == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"{code}-{name.lower()}.html" for code, name in DISTRICTS.items()]
    for code, name in DISTRICTS.items():
        text = (out / f"{code}-{name.lower()}.html").read_text(encoding="utf-8")
        assert text.lstrip().lower().startswith("<!doctype html>")
        doc = _Doc()
        doc.feed(text)
        doc.close()
        assert doc.opened[0] == "html" and doc.closed[-1] == "html"
        assert doc.title == f"Healthy Places West Yorkshire: {name}"
        others = set(DISTRICTS.values()) - {name}
        assert not any(doc.title.endswith(o) for o in others)
    assert "Wrote 5 of 5 HTML reports" in err
    # A progress counter reached 5/5 on stderr.
    assert "[5/5]" in err


def test_file_names_are_code_and_slug() -> None:
    headingley = place_index().resolve("E05011397")
    assert batch.file_name(headingley, "pdf") == "E05011397-headingley-hyde-park.pdf"
    assert batch.slug("  ") == "place"


def test_a_failed_place_is_skipped_and_reported(results: Any, tmp_path: Path) -> None:
    calderdale, wakefield = (place_index().resolve(c) for c in ("E08000033", "E08000036"))
    # A folder where Calderdale's file should go: writing it fails for real.
    (tmp_path / batch.file_name(calderdale, "html")).mkdir()
    done = batch.write_reports(results, [calderdale, wakefield], tmp_path, "html")
    assert [p.name for p in done.written] == ["E08000036-wakefield.html"]
    assert [(p.code, reason.split(":")[0]) for p, reason in done.failed] == [
        ("E08000033", "IsADirectoryError")
    ]


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    # -o names a file: refused with one line before anything is computed.
    target = tmp_path / "reports.pdf"
    target.write_text("")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(["report", "--level", "ward", "-o", str(target)])
    assert rc == 2
    assert err.getvalue().count("\n") == 1 and "must be a folder" in err.getvalue()
