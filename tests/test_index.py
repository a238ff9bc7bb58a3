"""Known-answer and property tests for geo.index (the AHAH-style Healthy Places index)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.index import (
    DEFAULT_DOMAINS,
    HIGHER_IS_BETTER,
    HIGHER_IS_WORSE,
    exponential_transform,
    healthy_places_index,
    rankit,
)

# --- Hand example: three LSOAs X, Y, Z; domain A = {a1 worse, a2 better}, B = {b1 worse}
#
# Rankit with n = 3: p = (rank - 0.5)/3 = 1/6, 1/2, 5/6
#   Φ⁻¹(1/6) = -0.9674216, Φ⁻¹(1/2) = 0, Φ⁻¹(5/6) = +0.9674216   (call it ∓c)
#
#   a1 (higher worse)   X=10  Y=20  Z=30  -> ranks 1, 2, 3 -> z = -c, 0, +c
#   a2 (higher better)  X=.1  Y=.9  Z=.5  -> best is Y: ranks X3, Y1, Z2 -> z = +c, -c, 0
#   b1 (higher worse)   X=5   Y=1   Z=3   -> ranks X3, Y1, Z2 -> z = +c, -c, 0
#
#   A_score = mean(a1, a2): X (−c + c)/2 = 0, Y (0 − c)/2 = −0.4837108, Z (c + 0)/2 = +0.4837108
#   B_score = b1:           X +c, Y −c, Z 0
#
# Domain ranks (1 = lowest score = healthiest), R = rank/3:
#   A: Y 1/3, X 2/3, Z 1        B: Y 1/3, Z 2/3, X 1
#
# Exponential transform X(R) = -23 ln(1 - R·K), K = 1 - exp(-100/23):
#   exp(-100/23) = exp(-4.3478261) = 0.0129349 -> K = 0.9870651
#   R = 1/3: 1 - 0.3290217 = 0.6709783, ln = -0.3990185, ×(-23) = 9.177425
#   R = 2/3: 1 - 0.6580434 = 0.3419566, ln = -1.0730714, ×(-23) = 24.680643
#   R = 1  : 1 - K = exp(-100/23), ln = -100/23,        ×(-23) = 100
#
#   A_exp: X 24.680643, Y 9.177425, Z 100        B_exp: X 100, Y 9.177425, Z 24.680643
#
# Equal weights: X = (24.680643 + 100)/2 = 62.340322 = Z ; Y = 9.177425
#   -> X and Z tie for rank 1 (worst), Y rank 3.
# Weights A=3, B=1 (-> 0.75, 0.25): X = .75(24.680643) + .25(100) = 43.510482
#                                  Z = .75(100) + .25(24.680643) = 81.170161 -> Z worst
# Weights A=1, B=3: X = 81.170161, Z = 43.510482 -> X worst
# Deciles with n = 3: floor((rank - 1)·10/3) + 1 -> rank 1 -> 1, rank 2 -> 4, rank 3 -> 7
C = 0.9674216
E13, E23 = 9.177425, 24.680643
HAND = pd.DataFrame(
    {"a1": [10.0, 20.0, 30.0], "a2": [0.1, 0.9, 0.5], "b1": [5.0, 1.0, 3.0]},
    index=pd.Index(["X", "Y", "Z"], name="lsoa21_code"),
)
HAND_DOMAINS = {
    "A": {"a1": HIGHER_IS_WORSE, "a2": HIGHER_IS_BETTER},
    "B": {"b1": HIGHER_IS_WORSE},
}


def _random_indicators(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "dist_2ha_300m_m": rng.gamma(2.0, 300.0, n),
            "tiers_met_share": rng.uniform(0, 1, n),
            "blue_dist_m": rng.gamma(2.0, 500.0, n),
            "no2_ugm3": rng.normal(20, 5, n),
            "pm25_ugm3": rng.normal(8, 1.5, n),
            "pm10_ugm3": rng.normal(14, 2, n),
            "habitat_shannon_1km": rng.uniform(0.5, 2.5, n),
            "natural_share": rng.uniform(0, 1, n),
        }
    )


def test_rankit_hand_values() -> None:
    np.testing.assert_allclose(rankit(HAND["a1"], HIGHER_IS_WORSE), [-C, 0, C], atol=1e-7)
    np.testing.assert_allclose(rankit(HAND["a2"], HIGHER_IS_BETTER), [C, -C, 0], atol=1e-7)


def test_rankit_ties_and_missing() -> None:
    # values 1, 1, 2, NaN: n = 3, ties average rank 1.5 -> p = 1/3 ; 2 -> rank 3 -> p = 5/6
    z = rankit(pd.Series([1.0, 1.0, 2.0, np.nan]), HIGHER_IS_WORSE)
    assert z.iloc[0] == pytest.approx(-0.4307273, abs=1e-7)  # Φ⁻¹(1/3)
    assert z.iloc[1] == z.iloc[0]
    assert z.iloc[2] == pytest.approx(C, abs=1e-7)
    assert np.isnan(z.iloc[3])
    with pytest.raises(ValueError):
        rankit(pd.Series([1.0]), "lower_is_worse")


def test_exponential_transform_hand_values() -> None:
    k = 1 - math.exp(-100 / 23)
    assert k == pytest.approx(0.9870651, abs=1e-7)
    got = exponential_transform(np.array([1 / 3, 2 / 3, 1.0]))
    np.testing.assert_allclose(got, [E13, E23, 100.0], atol=1e-6)
    assert exponential_transform(np.array([0.0]))[0] == pytest.approx(0.0, abs=1e-12)
    grid = exponential_transform(np.linspace(0.001, 1, 500))
    assert (np.diff(grid) > 0).all()


def test_hand_example_equal_weights() -> None:
    out = healthy_places_index(HAND, HAND_DOMAINS)
    assert list(out.columns) == [
        "A_score",
        "A_exp",
        "B_score",
        "B_exp",
        "hpi_score",
        "hpi_rank",
        "hpi_decile",
    ]
    assert out.index.equals(HAND.index)
    np.testing.assert_allclose(out["A_score"], [0.0, -C / 2, C / 2], atol=1e-7)
    np.testing.assert_allclose(out["B_score"], [C, -C, 0.0], atol=1e-7)
    np.testing.assert_allclose(out["A_exp"], [E23, E13, 100.0], atol=1e-6)
    np.testing.assert_allclose(out["B_exp"], [100.0, E13, E23], atol=1e-6)
    np.testing.assert_allclose(out["hpi_score"], [62.340322, E13, 62.340322], atol=1e-6)
    assert out["hpi_rank"].tolist() == [1, 3, 1]
    assert out["hpi_decile"].tolist() == [1, 7, 1]


def test_weights_change_results_as_expected() -> None:
    a_heavy = healthy_places_index(HAND, HAND_DOMAINS, weights={"A": 3.0, "B": 1.0})
    np.testing.assert_allclose(a_heavy["hpi_score"], [43.510482, E13, 81.170161], atol=1e-6)
    assert a_heavy["hpi_rank"].tolist() == [2, 3, 1]
    assert a_heavy["hpi_decile"].tolist() == [4, 7, 1]
    b_heavy = healthy_places_index(HAND, HAND_DOMAINS, weights={"A": 1.0, "B": 3.0})
    np.testing.assert_allclose(b_heavy["hpi_score"], [81.170161, E13, 43.510482], atol=1e-6)
    assert b_heavy["hpi_rank"].tolist() == [1, 3, 2]
    # a zero weight leaves only the other domain; scaling the weights changes nothing
    only_b = healthy_places_index(HAND, HAND_DOMAINS, weights={"A": 0.0, "B": 2.0})
    np.testing.assert_allclose(only_b["hpi_score"], only_b["B_exp"])
    scaled = healthy_places_index(HAND, HAND_DOMAINS, weights={"A": 30.0, "B": 10.0})
    np.testing.assert_allclose(scaled["hpi_score"], a_heavy["hpi_score"])


@pytest.mark.parametrize(
    "weights",
    [{"A": 1.0}, {"A": 1.0, "B": 1.0, "C": 1.0}, {"A": -1.0, "B": 1.0}, {"A": 0.0, "B": 0.0}],
)
def test_bad_weights_raise(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        healthy_places_index(HAND, HAND_DOMAINS, weights=weights)


def test_bad_domains_raise() -> None:
    with pytest.raises(KeyError):
        healthy_places_index(HAND, {"A": {"nope": HIGHER_IS_WORSE}})
    with pytest.raises(ValueError):
        healthy_places_index(HAND, {"A": {"a1": "sideways"}})
    with pytest.raises(ValueError):
        healthy_places_index(HAND, {"A": {}})


def test_missing_indicator_is_left_out_of_the_domain_mean() -> None:
    # a2 missing for X: a2 ranked over Y, Z only (n = 2): Y best -> p = 1/4, Z -> 3/4
    #   z = Φ⁻¹(.25) = -0.6744898, Φ⁻¹(.75) = +0.6744898
    # A_score: X = a1 only = -c = -0.9674216
    #          Y = (0 - 0.6744898)/2 = -0.3372449
    #          Z = (0.9674216 + 0.6744898)/2 = 0.8209557
    frame = HAND.copy()
    frame.loc["X", "a2"] = np.nan
    out = healthy_places_index(frame, HAND_DOMAINS)
    np.testing.assert_allclose(out["A_score"], [-C, -0.3372449, 0.8209557], atol=1e-7)
    # A ranks X1, Y2, Z3 -> A_exp = 9.177425, 24.680643, 100
    np.testing.assert_allclose(out["A_exp"], [E13, E23, 100.0], atol=1e-6)


def test_all_indicators_missing_gives_missing_domain_and_renormalised_overall() -> None:
    frame = HAND.copy()
    frame.loc["Y", "b1"] = np.nan
    out = healthy_places_index(frame, HAND_DOMAINS)
    assert np.isnan(out.loc["Y", "B_score"]) and np.isnan(out.loc["Y", "B_exp"])
    assert out.loc["Y", "hpi_score"] == pytest.approx(out.loc["Y", "A_exp"])
    everything = healthy_places_index(HAND * np.nan, HAND_DOMAINS)
    assert everything["hpi_score"].isna().all()
    assert everything["hpi_rank"].isna().all() and everything["hpi_decile"].isna().all()


def test_default_domains_and_columns() -> None:
    assert set(DEFAULT_DOMAINS) == {"green_blue", "air", "nature"}
    out = healthy_places_index(_random_indicators(50, 1))
    expected = [f"{d}_{kind}" for d in DEFAULT_DOMAINS for kind in ("score", "exp")]
    assert list(out.columns) == [*expected, "hpi_score", "hpi_rank", "hpi_decile"]
    assert out["hpi_score"].between(0, 100).all()
    assert str(out["hpi_rank"].dtype) == "Int64"


def test_worsening_a_unit_never_improves_its_score() -> None:
    base = _random_indicators(300, 2)
    before = healthy_places_index(base)
    rng = np.random.default_rng(3)
    sign_map = {c: s for d in DEFAULT_DOMAINS.values() for c, s in d.items()}
    worse_cols = [c for c, s in sign_map.items() if s == HIGHER_IS_WORSE]
    better_cols = [c for c, s in sign_map.items() if s == HIGHER_IS_BETTER]
    for i in rng.choice(300, 20, replace=False):
        frame = base.copy()
        frame.loc[i, worse_cols] = frame.loc[i, worse_cols] * 1.5 + 1
        frame.loc[i, better_cols] = frame.loc[i, better_cols] * 0.5
        after = healthy_places_index(frame)
        assert after.loc[i, "hpi_score"] >= before.loc[i, "hpi_score"] - 1e-12


def test_dominated_units_are_never_healthier() -> None:
    # a unit worse-or-equal on every indicator must score at least as badly
    frame = _random_indicators(200, 4)
    sign_map = {c: s for d in DEFAULT_DOMAINS.values() for c, s in d.items()}
    worse = frame.iloc[:50].copy()
    for col, direction in sign_map.items():
        worse[col] = worse[col] * (1.2 if direction == HIGHER_IS_WORSE else 0.8)
    frame = pd.concat([frame, worse], ignore_index=True)
    out = healthy_places_index(frame)
    sign = np.array(
        [1 if s == HIGHER_IS_WORSE else -1 for d in DEFAULT_DOMAINS.values() for s in d.values()]
    )
    cols = [c for d in DEFAULT_DOMAINS.values() for c in d]
    bad = frame[cols].to_numpy() * sign  # higher = worse everywhere
    dominates = (bad[:, None, :] >= bad[None, :, :]).all(axis=2)
    score = out["hpi_score"].to_numpy()
    rank = out["hpi_rank"].to_numpy(dtype=float)
    i, j = np.nonzero(dominates)
    assert len(i) >= 250 + 50  # self-pairs plus at least the 50 worsened copies
    assert (score[i] >= score[j] - 1e-12).all()
    assert (rank[i] <= rank[j]).all()


def test_deciles_cover_one_to_ten_on_1000_units() -> None:
    out = healthy_places_index(_random_indicators(1000, 5))
    counts = out["hpi_decile"].value_counts().sort_index()
    assert counts.index.tolist() == list(range(1, 11))
    assert (counts == 100).all()
    assert sorted(out["hpi_rank"].tolist()) == list(range(1, 1001))
    worst = out["hpi_score"].idxmax()
    assert out.loc[worst, "hpi_rank"] == 1 and out.loc[worst, "hpi_decile"] == 1
