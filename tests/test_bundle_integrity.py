"""The bundle is checked on load: a changed byte or a missing manifest is never a number.

Each bundle file is verified against its SHA-256 in ``manifest.json`` the first
time it is read (and again whenever its size or mtime changes). The bundle
folder is resolved at call time, so changing ``HEALTHYPLACES_BUNDLE`` after
import moves every reader, error message and cache key at once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from healthyplaces.cli import main
from layers import bundle, paths
from layers.bundle import MANIFEST, fingerprint, read_table
from layers.errors import BundleError, HealthyPlacesError

COMMITTED = paths.PROJECT_ROOT / "data" / "west_yorkshire"


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the committed bundle, chosen *after* every module was imported."""
    folder = tmp_path / "bundle"
    shutil.copytree(COMMITTED, folder)
    monkeypatch.setenv("HEALTHYPLACES_BUNDLE", str(folder))
    return folder


def _flip_one_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_changing_the_bundle_variable_after_import_moves_every_reader(copy: Path) -> None:
    # The modules were imported with the committed bundle; the variable changed since.
    assert paths.bundle_dir() == copy
    assert bundle.bundle_dir() == copy
    (copy / "wards.parquet").unlink()
    with pytest.raises(BundleError) as err:
        read_table("wards")
    # The error names the folder in use, the same one the app's caption shows.
    assert str(copy / "wards.parquet") in str(err.value)
    assert str(COMMITTED) not in str(err.value)


def test_a_one_byte_change_is_a_named_integrity_error_not_numbers(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = copy / "population.parquet"
    # A byte inside the data pages (past the 4-byte magic), so Parquet may still parse it.
    _flip_one_byte(target, target.stat().st_size // 2)
    with pytest.raises(BundleError) as err:
        read_table("population")
    message = str(err.value)
    assert str(target) in message and "SHA-256" in message
    assert "healthyplaces bundle build" in message
    # The command line refuses too: exit 2 and one line, no JSON numbers on stdout.
    assert main(["profile", "Bradford", "--json"]) == 2
    out, errtext = capsys.readouterr()
    assert out == ""
    assert "population.parquet" in errtext and "Traceback" not in errtext


def test_a_doubled_population_with_a_stale_manifest_is_refused(copy: Path) -> None:
    pop = read_table("population")
    pop["population"] = pop["population"] * 2  # Bradford would read 1,092,746
    pop.to_parquet(copy / "population.parquet")
    with pytest.raises(BundleError, match="SHA-256"):
        read_table("population")


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_a_missing_or_garbage_manifest_is_a_named_error(copy: Path, damage: str) -> None:
    manifest = copy / MANIFEST
    if damage == "missing":
        manifest.unlink()
    else:
        manifest.write_text("{not json")
    with pytest.raises(BundleError) as err:
        read_table("lsoa21")
    assert isinstance(err.value, HealthyPlacesError)
    assert str(manifest) in str(err.value)


def test_the_fingerprint_covers_the_files_not_only_the_manifest(copy: Path) -> None:
    before = fingerprint()
    # Same manifest, different file content: the key must change.
    _flip_one_byte(copy / "trees.parquet", 100)
    assert fingerprint() != before
    # And a second folder with identical files is a different bundle.
    assert fingerprint() != _fingerprint_of(COMMITTED)


def _fingerprint_of(folder: Path) -> str:
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("HEALTHYPLACES_BUNDLE", str(folder))
        return fingerprint()
    finally:
        mp.undo()
