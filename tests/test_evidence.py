"""The evidence models (analysis.evidence), their data (layers.evidence_data) and page.

Known answers come from second implementations: numpy's least squares for the
coefficients, and a hand-written sandwich estimator (with statsmodels'
small-sample correction) for the clustered and HC3 standard errors.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from streamlit.testing.v1 import AppTest

from analysis import areas
from analysis import evidence as ev
from layers import evidence_data, paths
from layers.errors import BundleError
from layers.places import resolve_place

TOLLER = "E05001364"  # a Bradford ward: 10 LSOAs in 3 MSOAs
CALDERDALE = "E08000033"  # 129 LSOAs in 27 MSOAs


@pytest.fixture(scope="module")
def tables(shared_data: Path) -> evidence_data.HealthTables:
    built = evidence_data.build(shared_data)
    return evidence_data.HealthTables(built["samhi"], built["census_ts037_health"])


def _evidence(results: Any, code: str, tables: evidence_data.HealthTables) -> dict[str, Any]:
    return ev.evidence(results, areas.area_for_place(results, resolve_place(code)), tables)


def _model(out: dict[str, Any], key: str) -> dict[str, Any]:
    return next(m for m in out["models"] if m["outcome"] == key)


# --- The data -------------------------------------------------------------------------------


def test_built_tables_match_the_raw_files(
    shared_data: Path, tables: evidence_data.HealthTables
) -> None:
    raw = pd.read_csv(shared_data / "health" / "wy_samhi_v5_lsoa21.csv")
    assert len(tables.samhi) == 1404 and tables.samhi["lsoa21_code"].is_unique
    got = tables.samhi.set_index("lsoa21_code")["samhi_index_2022"]
    want = raw.set_index("lsoa21_code")["samhi_index_2022"]
    assert (got.loc[want.index] == want).all()  # values as published, not rounded
    assert len(tables.ts037) == 301 and tables.ts037["msoa21_code"].is_unique
    # Bradford 001 (first row of the raw TS037 file): 4.3% bad or very bad health.
    row = tables.ts037.set_index("msoa21_code").loc["E02002183"]
    assert row["pct_bad_or_very_bad_health"] == pytest.approx(4.3)


def test_the_bundle_tables_are_the_published_ones(tables: evidence_data.HealthTables) -> None:
    """SAMHI is kept to 0.001 in the bundle, TS037 exactly (one decimal place as published)."""
    loaded = evidence_data.load_tables()
    samhi = loaded.samhi.merge(tables.samhi, on="lsoa21_code", suffixes=("", "_raw"))
    assert len(samhi) == 1404
    for year in (2019, 2022):
        diff = (samhi[f"samhi_index_{year}"] - samhi[f"samhi_index_{year}_raw"]).abs()
        assert diff.max() <= 0.0005 + 1e-12
    ts037 = loaded.ts037.merge(tables.ts037, on="msoa21_code", suffixes=("", "_raw"))
    assert len(ts037) == 301
    assert (ts037["pct_bad_or_very_bad_health"] == ts037["pct_bad_or_very_bad_health_raw"]).all()


def test_a_bundle_without_the_layers_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "b"
    shutil.copytree(paths.bundle_dir(), copy, ignore=shutil.ignore_patterns(".*"))
    (copy / "samhi.parquet").unlink()
    monkeypatch.setenv("HEALTHYPLACES_BUNDLE", str(copy))
    with pytest.raises(BundleError, match=r"samhi\.parquet.*healthyplaces bundle build"):
        evidence_data.load_tables()


def test_a_missing_raw_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(evidence_data.HealthDataError, match=r"wy_samhi_v5_lsoa21\.csv"):
        evidence_data.build(tmp_path)


# --- Coefficients: a second implementation ---------------------------------------------------


def _design(frame: pd.DataFrame) -> np.ndarray:
    """Constant plus each term standardised by numpy (sample SD), in TERMS order."""
    cols = [np.ones(len(frame))]
    for t in ev.TERMS:
        x = frame[t.column].to_numpy(float)
        cols.append((x - x.mean()) / x.std(ddof=1))
    return np.column_stack(cols)


def test_county_coefficients_equal_numpy_least_squares(
    results: Any, tables: evidence_data.HealthTables
) -> None:
    out = _evidence(results, "West Yorkshire", tables)
    area = areas.area_for_place(results, resolve_place("West Yorkshire"))
    lsoas = ev.lsoa_frame(results, area, tables.samhi)
    msoas = ev.msoa_frame(results, area, tables.ts037)
    assert out["n_lsoa"] == 1404 and out["n_msoa"] == 301 and out["n_msoa_clusters"] == 301
    for key, frame in (
        ("samhi_2022", lsoas),
        ("samhi_change_2019_2022", lsoas),
        ("pct_bad_or_very_bad_health", msoas),
    ):
        x, y = _design(frame), frame[key].to_numpy(float)
        beta = np.linalg.lstsq(x, y, rcond=None)[0]
        model = _model(out, key)
        got = [c["coef"] for c in model["coefficients"]]
        np.testing.assert_allclose(got, beta[1:], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(
            [c["coef"] for c in model["sensitivity"]["coefficients"]], beta[1:], rtol=1e-9
        )
        resid = y - x @ beta
        r2 = 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))
        assert model["r2"] == pytest.approx(r2, rel=1e-9)
        assert model["n"] == len(frame)


def test_msoa_predictors_are_population_weighted(
    results: Any, tables: evidence_data.HealthTables
) -> None:
    area = areas.area_for_place(results, resolve_place("West Yorkshire"))
    msoas = ev.msoa_frame(results, area, tables.ts037).set_index("msoa21_code")
    lsoa = results.lsoa.loc[results.lsoa["msoa21_code"] == "E02002183"]
    pop = lsoa["population"].to_numpy(float)
    want = float((lsoa["no2_ugm3"].to_numpy(float) * pop).sum() / pop.sum())
    assert msoas.loc["E02002183", "no2_ugm3"] == pytest.approx(want, rel=1e-12)
    assert msoas.loc["E02002183", "population"] == pytest.approx(pop.sum())


# --- Standard errors: a hand-written sandwich on a hand-made data set -------------------------

# 15 areas in 5 clusters of 3; the columns are the model's terms (made-up test values).
_HAND = pd.DataFrame(
    {
        "msoa21_code": [c for c in "ABCDE" for _ in range(3)],
        "dist_2ha_300m_m": [
            120,
            340,
            560,
            90,
            410,
            230,
            700,
            150,
            380,
            260,
            510,
            60,
            330,
            480,
            200,
        ],
        "blue_within_300m": [1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1],
        "no2_ugm3": [18, 15, 12, 21, 17, 14, 11, 19, 16, 13, 22, 20, 15, 12, 18],
        "IMD_score": [45, 30, 12, 60, 25, 38, 8, 52, 33, 20, 41, 55, 27, 16, 36],
        "y": [1.2, 0.4, -0.8, 1.9, 0.1, 0.7, -1.1, 1.4, 0.2, -0.3, 0.9, 1.7, 0.0, -0.6, 0.8],
    }
)


def _hand_sandwich(cluster: bool) -> tuple[np.ndarray, np.ndarray, float]:
    """(coefficients, standard errors, t degrees of freedom) by the textbook formulae."""
    x, y = _design(_HAND), _HAND["y"].to_numpy(float)
    n, k = x.shape
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    e = y - x @ beta
    if cluster:  # Cameron & Miller (2015) eq. 11, with statsmodels' default correction
        groups = _HAND["msoa21_code"].to_numpy()
        labels = np.unique(groups)
        meat = sum(
            np.outer(x[groups == g].T @ e[groups == g], x[groups == g].T @ e[groups == g])
            for g in labels
        )
        g_n = len(labels)
        factor = g_n / (g_n - 1) * (n - 1) / (n - k)
        return beta, np.sqrt(np.diag(factor * bread @ meat @ bread)), g_n - 1.0
    h = np.einsum("ij,jk,ik->i", x, bread, x)  # leverages
    meat = (x * (e / (1 - h))[:, None] ** 2).T @ x  # HC3: MacKinnon & White (1985)
    return beta, np.sqrt(np.diag(bread @ meat @ bread)), float(n - k)


@pytest.mark.parametrize("cluster", [True, False])
def test_standard_errors_equal_a_hand_written_sandwich(cluster: bool) -> None:
    fit = ev.fit_model(_HAND, "y", "msoa21_code" if cluster else None)
    beta, se, df = _hand_sandwich(cluster)
    assert fit["cov_type"] == ("cluster" if cluster else "HC3")
    assert fit["n_clusters"] == (5 if cluster else None)
    rows = fit["coefficients"]
    np.testing.assert_allclose([r["coef"] for r in rows], beta[1:], rtol=1e-10)
    np.testing.assert_allclose([r["se"] for r in rows], se[1:], rtol=1e-10)
    crit = stats.t.ppf(0.975, df)
    np.testing.assert_allclose([r["ci_low"] for r in rows], beta[1:] - crit * se[1:], rtol=1e-9)
    np.testing.assert_allclose([r["ci_high"] for r in rows], beta[1:] + crit * se[1:], rtol=1e-9)
    p = 2 * stats.t.sf(np.abs(beta[1:] / se[1:]), df)
    np.testing.assert_allclose([r["p"] for r in rows], p, rtol=1e-8)
    if cluster:  # the sensitivity is HC3
        _, se3, _ = _hand_sandwich(False)
        sens = fit["sensitivity"]["coefficients"]
        np.testing.assert_allclose([r["se"] for r in sens], se3[1:], rtol=1e-10)


def test_a_constant_predictor_is_not_estimated_and_says_why() -> None:
    flat = _HAND.assign(blue_within_300m=1.0)
    fit = ev.fit_model(flat, "y", "msoa21_code")
    assert "blue_within_300m" not in [r["term"] for r in fit["coefficients"]]
    assert fit["not_estimated"] == [
        {"term": "blue_within_300m", "reason": "no variation among these areas"}
    ]


# --- Suppression ---------------------------------------------------------------------------


def test_a_ward_is_suppressed_with_the_reason_and_no_numbers(
    results: Any, tables: evidence_data.HealthTables
) -> None:
    out = _evidence(results, TOLLER, tables)
    assert out["suppressed"] and out["n_lsoa"] == 10 and out["n_msoa_clusters"] == 3
    for model in out["models"]:
        assert model["suppressed"]
        assert "coefficients" not in model and "r2" not in model
    assert "10 LSOAs in 3 MSOAs" in _model(out, "samhi_2022")["suppression"]
    assert "at least 60 LSOAs in at least 10 MSOAs" in _model(out, "samhi_2022")["suppression"]
    assert "3 MSOAs" in _model(out, "pct_bad_or_very_bad_health")["suppression"]
    assert "too few" in out["summary"] and "per SD" not in out["summary"]


def _first_lsoas(results: Any, n: int, n_msoa: int) -> areas.Area:
    """An area of ``n`` real LSOAs over exactly ``n_msoa`` MSOAs (those with most LSOAs)."""
    lsoa = results.lsoa
    msoas = lsoa["msoa21_code"].value_counts().index[:n_msoa]
    sub = lsoa.loc[lsoa["msoa21_code"].isin(msoas)]
    turn = sub.groupby("msoa21_code").cumcount().to_numpy()  # one from each MSOA, then the next
    idx = sub.index[np.argsort(turn, kind="stable")][:n]
    weights = np.zeros(len(lsoa))
    weights[lsoa.index.get_indexer(idx)] = 1.0
    return areas.Area("Test area", "custom", None, weights, (weights > 0).astype(float), "test")


@pytest.mark.parametrize(
    ("n", "n_msoa", "suppressed"),
    [(60, 12, False), (59, 12, True), (60, 9, True)],
)
def test_the_lsoa_threshold(
    results: Any, tables: evidence_data.HealthTables, n: int, n_msoa: int, suppressed: bool
) -> None:
    area = _first_lsoas(results, n, n_msoa)
    out = ev.evidence(results, area, tables)
    model = _model(out, "samhi_2022")
    assert out["n_lsoa"] == n and out["n_msoa_clusters"] == n_msoa
    assert model["suppressed"] is suppressed
    assert ("coefficients" in model) is not suppressed


def test_calderdale_is_large_enough(results: Any, tables: evidence_data.HealthTables) -> None:
    out = _evidence(results, CALDERDALE, tables)
    assert (out["n_lsoa"], out["n_msoa_clusters"], out["n_msoa"]) == (129, 27, 27)
    assert not any(m["suppressed"] for m in out["models"])


# --- Presentation ----------------------------------------------------------------------------


def test_the_summary_describes_associations_never_causes(
    results: Any, tables: evidence_data.HealthTables
) -> None:
    out = _evidence(results, "West Yorkshire", tables)
    json.dumps(out, allow_nan=False)  # strict JSON
    text = out["summary"]
    assert "after allowing for deprivation" in text and "tend to have" in text
    assert "1,404 LSOAs" in text and "301 MSOAs" in text
    assert "SAMHI points per SD" in text and "percentage points per SD" in text
    assert "-0.00" not in text and "+0.00" not in text
    for word in ("causes poor", "leads to", "because", "improves", "reduces"):
        assert word not in text
    no2 = next(c for c in _model(out, "samhi_2022")["coefficients"] if c["term"] == "no2_ugm3")
    # The sentence follows the interval: below zero = "better", above = "poorer", else no clear.
    if no2["ci_high"] < 0:
        assert "higher NO₂ tend to have better population mental health" in text
    elif no2["ci_low"] > 0:
        assert "higher NO₂ tend to have poorer population mental health" in text
    else:
        assert "higher NO₂ show no clear difference" in text
    assert any("Ecological" in c for c in out["caveats"])
    assert any("Cross-sectional" in c for c in out["caveats"])
    assert any("Confounded" in c for c in out["caveats"])


def _run_page() -> None:
    from app_pages import _frame, evidence

    _frame.run(evidence.render)


@pytest.fixture
def page_tables(
    monkeypatch: pytest.MonkeyPatch, tables: evidence_data.HealthTables
) -> evidence_data.HealthTables:
    """The page reads the tables built from the raw files (the committed bundle may lack them)."""
    monkeypatch.setattr(evidence_data, "load_tables", lambda: tables)
    return tables


def test_the_page_shows_the_table_scatter_and_caveats(
    results: Any, page_tables: evidence_data.HealthTables
) -> None:
    at = AppTest.from_function(_run_page, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Evidence" in at.title[0].value and "West Yorkshire" in at.title[0].value
    assert "after allowing for deprivation" in at.info[0].value
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 3 * 4
    assert any("Ecological" in m.value for m in at.markdown)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1 and "SAMHI 2022" in str(charts[0].proto.spec)


def test_the_page_suppresses_a_ward(results: Any, page_tables: evidence_data.HealthTables) -> None:
    at = AppTest.from_function(_run_page, default_timeout=120)
    at.session_state["place_code"] = TOLLER
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.dataframe
    assert any("too few for these models" in w.value for w in at.warning)
