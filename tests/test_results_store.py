"""The results store: computed once, read back identically, rebuilt when bundle or code change."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis import engine, profiles
from analysis.areas import area_for_place
from layers import paths, results_store
from layers.places import resolve_place


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEALTHYPLACES_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(engine, "_CACHE", {})
    return tmp_path / "cache"


def test_stored_results_are_identical_to_computed_ones(cache: Path) -> None:
    computed = engine.load_results()  # computes and stores
    assert computed._inputs is not None
    engine._CACHE.clear()
    stored = engine.load_results()  # reads back, without loading the bundle
    assert stored is not computed and stored._inputs is None
    assert_frame_equal(pd.DataFrame(stored.lsoa), pd.DataFrame(computed.lsoa))
    assert isinstance(stored.lsoa, gpd.GeoDataFrame) and stored.lsoa.crs == computed.lsoa.crs
    # Aggregates agree to the last bit (pandas sums follow memory layout).
    for code in ("E47000003", "E08000032", "E05001364"):
        place = resolve_place(code)
        a = profiles.profile(computed, area_for_place(computed, place))
        b = profiles.profile(stored, area_for_place(stored, place))
        assert _same(a.to_json(), b.to_json())


def _same(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float):
        return (a != a and b != b) or a == b  # NaN equals NaN here
    return a == b


def test_the_key_follows_the_bundle_and_the_code(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = results_store.key("county")
    copy = tmp_path / "bundle"
    shutil.copytree(paths.bundle_dir(), copy, ignore=shutil.ignore_patterns(".*"))
    monkeypatch.setenv("HEALTHYPLACES_BUNDLE", str(copy))
    assert results_store.key("county") != before  # another bundle
    monkeypatch.delenv("HEALTHYPLACES_BUNDLE")
    fake_root = tmp_path / "src"
    for folder in ("geo", "layers", "analysis"):
        shutil.copytree(paths.PROJECT_ROOT / folder, fake_root / folder)
    monkeypatch.setattr(paths, "PROJECT_ROOT", fake_root)
    same_code = results_store.code_version()
    (fake_root / "geo" / "aggregate.py").write_text("# changed\n", encoding="utf-8")
    assert results_store.code_version() != same_code  # changed analysis code


def test_a_damaged_entry_is_recomputed_not_trusted(cache: Path) -> None:
    key = results_store.key("probe")
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    folder = results_store.save(key, {"t": frame}, {"x": 1})
    assert folder is not None
    hit = results_store.load(key)
    assert hit is not None and hit[1]["x"] == 1
    assert_frame_equal(hit[0]["t"], frame)
    (folder / "t.parquet").write_bytes(b"PAR1 broken")
    assert results_store.load(key) is None


def test_the_store_can_be_switched_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALTHYPLACES_RESULTS_STORE", "off")
    assert results_store.save("k", {"t": pd.DataFrame({"a": [1]})}, {}) is None
    assert results_store.load("k") is None
