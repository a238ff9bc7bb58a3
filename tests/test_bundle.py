"""The bundle: deterministic builds, verification, clear errors, manifest contract, size."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from healthyplaces.cli import main
from layers import catalogue
from layers.bundle import MANIFEST, bundle_dir, manifest, read_table, verify
from layers.catalogue import LAYERS
from layers.errors import BundleError

REQUIRED_KEYS = ("source", "licence", "vintage", "rows", "crs", "sha256")
MAX_BUNDLE_BYTES = 40_000_000


@pytest.fixture
def bundle_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the committed bundle, selected with ``HEALTHYPLACES_BUNDLE``."""
    copy = tmp_path / "bundle"
    shutil.copytree(bundle_dir(), copy)
    monkeypatch.setenv("HEALTHYPLACES_BUNDLE", str(copy))
    assert bundle_dir() == copy
    return copy


@pytest.mark.slow
def test_building_twice_gives_identical_checksums(shared_data: Path, tmp_path: Path) -> None:
    """Two builds from the full raw data are byte-identical (slow; runs on CI, which has it)."""
    from layers.build import build_bundle

    first = build_bundle(shared_data, tmp_path / "a")
    second = build_bundle(shared_data, tmp_path / "b")
    assert first["layers"].keys() == second["layers"].keys() == LAYERS.keys()
    for name, entry in first["layers"].items():
        assert entry["sha256"] == second["layers"][name]["sha256"], name
        a = (tmp_path / "a" / entry["file"]).read_bytes()
        assert a == (tmp_path / "b" / entry["file"]).read_bytes(), name
    assert (tmp_path / "a" / MANIFEST).read_bytes() == (tmp_path / "b" / MANIFEST).read_bytes()


def test_committed_bundle_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    assert verify() == []
    assert main(["bundle", "verify"]) == 0
    assert "bundle OK" in capsys.readouterr().out


def test_manifest_describes_every_layer() -> None:
    m = manifest()
    assert m["analysis_crs"] == "EPSG:27700"
    assert m["attribution"] == catalogue.ATTRIBUTION
    assert m["layers"].keys() == LAYERS.keys()
    for name, entry in m["layers"].items():
        missing = [k for k in REQUIRED_KEYS if k not in entry]
        assert not missing, f"{name} lacks {missing}"
        assert entry["source"] and entry["licence"] and entry["vintage"], name
        assert isinstance(entry["rows"], int), name
        assert (entry["rows"] == 0) == (name in catalogue.EMPTY_OFFLINE), name
        assert len(entry["sha256"]) == 64, name
        assert (bundle_dir() / entry["file"]).exists(), name
        if entry["kind"] in ("vector", "raster"):
            assert entry["crs"] == "EPSG:27700", name
    licences = {e["licence"] for e in m["layers"].values()}
    assert licences == {"Open Government Licence v3.0", "Open Database Licence 1.0"}


def test_bundle_is_small() -> None:
    total = sum(p.stat().st_size for p in bundle_dir().iterdir() if p.is_file())
    assert total < MAX_BUNDLE_BYTES
    assert sum(e["bytes"] for e in manifest()["layers"].values()) < MAX_BUNDLE_BYTES


def test_missing_file_names_the_file_and_the_fix(
    bundle_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (bundle_copy / "wards.parquet").unlink()
    with pytest.raises(BundleError) as err:
        read_table("wards")
    message = str(err.value)
    assert str(bundle_copy / "wards.parquet") in message
    assert "healthyplaces bundle build" in message
    # The CLI reports it as an error, not a traceback; verify names it too.
    assert main(["places"]) == 2
    assert "wards.parquet" in capsys.readouterr().err
    assert any("wards" in p and "missing" in p for p in verify())
    assert main(["bundle", "verify"]) == 1


def test_truncated_parquet_names_the_file_and_the_fix(
    bundle_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = bundle_copy / "lsoa21.parquet"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BundleError) as err:
        read_table("lsoa21")
    message = str(err.value)
    assert str(path) in message and "corrupt" in message
    assert "healthyplaces bundle build" in message
    assert main(["places", "--json"]) == 2
    assert "lsoa21.parquet" in capsys.readouterr().err
    assert verify() == [f"lsoa21: checksum mismatch for {path}"]


def test_missing_manifest_is_a_bundle_error(bundle_copy: Path) -> None:
    (bundle_copy / MANIFEST).unlink()
    with pytest.raises(BundleError, match="healthyplaces bundle build"):
        manifest()


def test_corrupt_manifest_is_a_bundle_error(bundle_copy: Path) -> None:
    text = (bundle_copy / MANIFEST).read_text()
    (bundle_copy / MANIFEST).write_text(text[: len(text) // 3])
    with pytest.raises(BundleError, match="manifest is corrupt"):
        manifest()
    with pytest.raises(json.JSONDecodeError):
        json.loads((bundle_copy / MANIFEST).read_text())


def test_truncated_geotiff_names_the_file_and_the_fix(bundle_copy: Path) -> None:
    from layers.air_quality import load_pollutant

    path = bundle_copy / "air_no2_2019.tif"
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(BundleError) as err:
        load_pollutant("no2", year=2019)
    assert str(path) in str(err.value) and "healthyplaces bundle build" in str(err.value)


def test_a_changed_bundle_invalidates_cached_results(
    bundle_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Results are cached per bundle fingerprint: a refreshed layer means a recompute.

    The computation itself is replaced by a recorder (the real one is tested in
    test_results_store); what is checked is which bundle state each call computes from.
    """
    from analysis import engine
    from layers.build import refresh_layer
    from layers.bundle import fingerprint
    from layers.greenspace import load_sites

    computed: list[tuple[str, int]] = []

    def record(key: str, progress: object, year: int) -> object:
        computed.append((key, len(load_sites())))
        return object()

    monkeypatch.setattr(engine, "_compute_and_store", record)
    monkeypatch.setattr(engine, "_stored", lambda key: None)
    engine._CACHE.clear()
    before = fingerprint()
    first = engine.load_results()
    assert engine.load_results() is first  # cached while the bundle is unchanged
    sites = read_table("greenspace_sites")
    refresh_layer("greenspace_sites", sites.iloc[: len(sites) // 2])
    assert fingerprint() != before
    second = engine.load_results()
    assert second is not first
    assert len(computed) == 2 and computed[0][0] != computed[1][0]
    assert computed[1][1] == len(load_sites()) < computed[0][1]
    engine._CACHE.clear()
