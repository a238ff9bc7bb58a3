"""Known-answer tests for geo.inequality, worked by hand in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from geo.inequality import by_decile, concentration_index, ridit, slope_index

# --- Example A: four LSOAs, given in scrambled order ---------------------------
#
#   input order     0     1     2     3
#   IMD rank       10     3    25     7
#   population    400   100   200   300     (total 1000)
#   value           6     2     7     3
#
# Sorted most -> least deprived (rank 3, 7, 10, 25):
#   pop        100   300   400   200
#   pop before   0   100   400   800
#   midpoint    50   250   600   900
#   ridit     0.05  0.25  0.60  0.90
#   share f    0.1   0.3   0.4   0.2
#   value y      2     3     6     7
#
# Weighted means: x̄ = .005 + .075 + .24 + .18 = 0.5
#                 ȳ = .2 + .9 + 2.4 + 1.4 = 4.9
# dx = -.45, -.25, .10, .40     dy = -2.9, -1.9, 1.1, 2.1
# Σ f dx²   = .1(.2025) + .3(.0625) + .4(.01) + .2(.16) = .02025+.01875+.004+.032 = 0.075
#   (check: var of ridits = (1 - Σf³)/12 = (1 - .001 - .027 - .064 - .008)/12 = 0.075)
# Σ f dx dy = .1(1.305) + .3(.475) + .4(.11) + .2(.84) = .1305+.1425+.044+.168 = 0.485
# slope b = .485/.075 = 97/15 = 6.466667 ; intercept a = 4.9 - b/2 = 5/3
# fitted = 1.99, 3.283333, 5.546667, 7.486667
# resid  = 0.01, -17/60, 34/75, -73/150
# Σ f e² = .1(.0001) + .3(.0802778) + .4(.2055111) + .2(.2368444)
#        = .00001 + .0240833 + .0822044 + .0473689 = 0.1536667
# σ̂² = 0.1536667 / (4 - 2) = 0.0768333
# SE(b)² = σ̂² / Σ f dx² = 0.0768333 / 0.075 = 1.0244444 -> SE = 1.0121484
# t(0.975, 2) = 4.3026527 -> half width 4.3549224
# SII CI = [2.1117443, 10.8215891]
# RII = 6.466667 / 4.9 = 1.3197279 ; CI = [2.1117443, 10.8215891] / 4.9 = [0.4309682, 2.2084876]
# C = 2 · 0.485 / 4.9 = 0.1979592
# SE(C) = SE(b) · 2 · 0.075 / 4.9 = 1.0121484 · 0.0306122 = 0.0309841
RANK_A = np.array([10, 3, 25, 7])
POP_A = np.array([400.0, 100.0, 200.0, 300.0])
VAL_A = np.array([6.0, 2.0, 7.0, 3.0])
RIDIT_A = np.array([0.60, 0.05, 0.90, 0.25])


def test_ridit_hand_example() -> None:
    np.testing.assert_allclose(ridit(RANK_A, POP_A), RIDIT_A, atol=1e-12)


def test_ridit_ties_share_block_midpoint() -> None:
    # ranks 5, 5, 9 with pops 100, 300, 600: the tied block holds 400 people,
    # midpoint 200 -> 0.2 for both; the last unit: 400 + 600/2 = 700 -> 0.7.
    got = ridit(np.array([5, 5, 9]), np.array([100, 300, 600]))
    np.testing.assert_allclose(got, [0.2, 0.2, 0.7])


def test_ridit_rejects_negative_weight_and_zero_total_is_nan() -> None:
    with pytest.raises(ValueError):
        ridit(np.array([1, 2]), np.array([1.0, -1.0]))
    assert np.isnan(ridit(np.array([1, 2]), np.array([0.0, 0.0]))).all()


def test_slope_index_hand_example() -> None:
    res = slope_index(VAL_A, RANK_A, POP_A)
    assert res["sii"] == pytest.approx(97 / 15, rel=1e-12)
    se = math.sqrt(0.1536667 / 2 / 0.075)  # hand value above
    assert se == pytest.approx(1.0121484, rel=1e-6)
    half = 4.3026527 * 1.0121484
    assert res["sii_ci_low"] == pytest.approx(97 / 15 - half, rel=1e-6)
    assert res["sii_ci_high"] == pytest.approx(97 / 15 + half, rel=1e-6)
    assert res["sii_ci_low"] == pytest.approx(2.1117443, rel=1e-6)
    assert res["sii_ci_high"] == pytest.approx(10.8215891, rel=1e-6)
    assert res["rii"] == pytest.approx(97 / 15 / 4.9, rel=1e-12)
    assert res["rii_ci_low"] == pytest.approx(0.4309682, rel=1e-6)
    assert res["rii_ci_high"] == pytest.approx(2.2084876, rel=1e-6)
    assert res["n_units"] == 4
    assert res["population"] == 1000.0


def test_slope_index_matches_polyfit() -> None:
    # numpy.polyfit with w = sqrt(pop) minimises Σ pop·e², and cov=True scales the
    # unscaled covariance by Σ pop·e² / (n - 2): the same WLS SE formula.
    x = ridit(RANK_A, POP_A)
    coef, cov = np.polyfit(x, VAL_A, 1, w=np.sqrt(POP_A), cov=True)
    res = slope_index(VAL_A, RANK_A, POP_A)
    assert res["sii"] == pytest.approx(coef[0], rel=1e-12)
    half = stats.t.ppf(0.975, 2) * math.sqrt(cov[0, 0])
    assert res["sii_ci_high"] - res["sii"] == pytest.approx(half, rel=1e-10)


def test_slope_index_alpha_widens_interval() -> None:
    narrow = slope_index(VAL_A, RANK_A, POP_A, alpha=0.2)
    wide = slope_index(VAL_A, RANK_A, POP_A, alpha=0.01)
    assert wide["sii_ci_high"] - wide["sii_ci_low"] > narrow["sii_ci_high"] - narrow["sii_ci_low"]


def test_scaling_population_does_not_change_results() -> None:
    a = slope_index(VAL_A, RANK_A, POP_A)
    b = slope_index(VAL_A, RANK_A, POP_A * 37.5)
    for key in ("sii", "sii_ci_low", "sii_ci_high", "rii"):
        assert a[key] == pytest.approx(b[key], rel=1e-12)


def test_concentration_index_hand_example() -> None:
    res = concentration_index(VAL_A, RANK_A, POP_A)
    assert res["ci"] == pytest.approx(0.97 / 4.9, rel=1e-12)  # 0.1979592
    assert res["ci_se"] == pytest.approx(1.0121484 * 0.15 / 4.9, rel=1e-6)  # 0.0309841
    half = 4.3026527 * 0.0309841
    assert res["ci_ci_low"] == pytest.approx(0.97 / 4.9 - half, rel=1e-5)
    assert res["ci_ci_high"] == pytest.approx(0.97 / 4.9 + half, rel=1e-5)
    assert res["n_units"] == 4
    assert res["population"] == 1000.0


def test_concentration_index_matches_covariance_formula() -> None:
    rng = np.random.default_rng(7)
    rank = (rng.permutation(60) + 1).astype(np.float64)
    pop = rng.uniform(1000, 3000, 60)
    vals = rng.gamma(2.0, 5.0, 60) + 0.1 * rank
    x = ridit(rank, pop)
    cov = np.cov(vals, x, aweights=pop, bias=True)[0, 1]
    expected = 2 * cov / np.average(vals, weights=pop)
    res = concentration_index(vals, rank, pop)
    assert res["ci"] == pytest.approx(expected, rel=1e-10)
    # convenient regression: 2 var(r) y / μ on r, same WLS SE
    mu = np.average(vals, weights=pop)
    var_r = np.average((x - 0.5) ** 2, weights=pop)
    coef, c = np.polyfit(x, 2 * var_r * vals / mu, 1, w=np.sqrt(pop), cov=True)
    assert res["ci"] == pytest.approx(coef[0], rel=1e-10)
    assert res["ci_se"] == pytest.approx(math.sqrt(c[0, 0]), rel=1e-8)
    # more in the less deprived (higher rank) -> positive
    assert res["ci"] > 0


def test_equal_values_give_zero() -> None:
    vals = np.full(4, 3.7)
    sii = slope_index(vals, RANK_A, POP_A)
    assert sii["sii"] == pytest.approx(0.0, abs=1e-12)
    assert sii["sii_ci_low"] == pytest.approx(0.0, abs=1e-12)
    assert sii["sii_ci_high"] == pytest.approx(0.0, abs=1e-12)
    assert sii["rii"] == pytest.approx(0.0, abs=1e-12)
    ci = concentration_index(vals, RANK_A, POP_A)
    assert ci["ci"] == pytest.approx(0.0, abs=1e-12)
    assert ci["ci_se"] == pytest.approx(0.0, abs=1e-12)


def test_perfectly_linear_gradient() -> None:
    # y = 3 + 2·ridit on Example A's ridits: 3.1, 3.5, 4.2, 4.8 (in input order
    # 4.2, 3.1, 4.8, 3.5). SII = 2 exactly, SE = 0; ȳ = 3 + 2·0.5 = 4 -> RII = 0.5;
    # C = 2·cov/μ = 2·(2·0.075)/4 = 0.075.
    vals = 3 + 2 * RIDIT_A
    res = slope_index(vals, RANK_A, POP_A)
    assert res["sii"] == pytest.approx(2.0, rel=1e-12)
    assert res["sii_ci_low"] == pytest.approx(2.0, rel=1e-9)
    assert res["sii_ci_high"] == pytest.approx(2.0, rel=1e-9)
    assert res["rii"] == pytest.approx(0.5, rel=1e-12)
    assert concentration_index(vals, RANK_A, POP_A)["ci"] == pytest.approx(0.075, rel=1e-12)


def test_falling_gradient_is_negative() -> None:
    res = slope_index(10 - 2 * RIDIT_A, RANK_A, POP_A)
    assert res["sii"] == pytest.approx(-2.0, rel=1e-12)
    assert concentration_index(10 - 2 * RIDIT_A, RANK_A, POP_A)["ci"] < 0


def test_weights_matter_as_computed_by_hand() -> None:
    # Three units, ranks 1, 2, 3, values 0, 0, 1.
    # Pops 1, 1, 1: ridits 1/6, 1/2, 5/6; x̄ = 1/2, dx = -1/3, 0, 1/3
    #   Σf dx² = (1/3)(1/9 + 1/9) = 2/27 ; ȳ = 1/3
    #   Σf dx dy = (1/3)[(-1/3)(-1/3) + 0 + (1/3)(2/3)] = 1/9
    #   SII = (1/9)/(2/27) = 3/2 ; C = 2(1/9)/(1/3) = 2/3
    # Pops 1, 2, 1: ridits 1/8, 1/2, 7/8; f = 1/4, 1/2, 1/4; dx = -3/8, 0, 3/8
    #   Σf dx² = 2 · (1/4)(9/64) = 9/128 ; ȳ = 1/4
    #   Σf dx dy = (1/4)(-3/8)(-1/4) + (1/4)(3/8)(3/4) = 3/128 + 9/128 = 3/32
    #   SII = (3/32)/(9/128) = 4/3 ; C = 2(3/32)/(1/4) = 3/4
    rank = np.array([1, 2, 3])
    vals = np.array([0.0, 0.0, 1.0])
    even = np.array([1.0, 1.0, 1.0])
    heavy = np.array([1.0, 2.0, 1.0])
    assert slope_index(vals, rank, even)["sii"] == pytest.approx(1.5, rel=1e-12)
    assert slope_index(vals, rank, heavy)["sii"] == pytest.approx(4 / 3, rel=1e-12)
    assert concentration_index(vals, rank, even)["ci"] == pytest.approx(2 / 3, rel=1e-12)
    assert concentration_index(vals, rank, heavy)["ci"] == pytest.approx(3 / 4, rel=1e-12)


def test_ties_in_rank() -> None:
    # ranks 5, 5, 9; pops 100, 300, 600; values 1, 3, 5.
    # ridits 0.2, 0.2, 0.7; f = .1, .3, .6; x̄ = .02 + .06 + .42 = 0.5; ȳ = .1 + .9 + 3 = 4
    # dx = -.3, -.3, .2 ; Σf dx² = .4(.09) + .6(.04) = 0.06 (= (1 - .4³ - .6³)/12)
    # Σf dx dy = .1(-.3)(-3) + .3(-.3)(-1) + .6(.2)(1) = .09 + .09 + .12 = 0.30
    # SII = .30/.06 = 5  (= the line through the tied block's mean 2.5 at 0.2 and 5 at 0.7)
    # a = 4 - 5(.5) = 1.5; fitted 2.5, 2.5, 5; resid -1.5, .5, 0
    # Σf e² = .1(2.25) + .3(.25) = 0.3; σ̂² = 0.3/(3-2) = 0.3; SE = sqrt(.3/.06) = sqrt(5)
    # half width = t(0.975, 1) · sqrt(5) = 12.7062047 · 2.2360680 = 28.4119...
    res = slope_index(np.array([1.0, 3.0, 5.0]), np.array([5, 5, 9]), np.array([100, 300, 600]))
    assert res["sii"] == pytest.approx(5.0, rel=1e-12)
    half = stats.t.ppf(0.975, 1) * math.sqrt(5)
    assert res["sii_ci_high"] == pytest.approx(5.0 + half, rel=1e-12)
    assert res["sii_ci_low"] == pytest.approx(5.0 - half, rel=1e-12)
    # C = 2 · 0.30 / 4 = 0.15
    assert concentration_index(
        np.array([1.0, 3.0, 5.0]), np.array([5, 5, 9]), np.array([100, 300, 600])
    )["ci"] == pytest.approx(0.15, rel=1e-12)


def test_nan_units_are_dropped_before_ridits() -> None:
    # add a very populous, most-deprived unit with a missing value: it must not
    # shift the other units' ridits, so every statistic equals Example A's.
    vals = np.append(VAL_A, np.nan)
    rank = np.append(RANK_A, 1)
    pop = np.append(POP_A, 5000.0)
    got, want = slope_index(vals, rank, pop), slope_index(VAL_A, RANK_A, POP_A)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-12)
    assert got["n_units"] == 4 and got["population"] == 1000.0
    got_c = concentration_index(vals, rank, pop)
    assert got_c["ci"] == pytest.approx(0.97 / 4.9, rel=1e-12)
    # a NaN rank or NaN population also drops the unit
    assert slope_index(VAL_A, np.append(RANK_A[:3], np.nan), POP_A)["n_units"] == 3


@pytest.mark.parametrize(
    ("vals", "rank", "pop"),
    [
        (np.array([1.0, 2.0]), np.array([1, 2]), np.array([1.0, 1.0])),  # 2 units
        (np.array([1.0, 2.0, 3.0]), np.array([4, 4, 4]), np.array([1.0, 2.0, 3.0])),  # all tied
        (np.array([np.nan] * 4), RANK_A, POP_A),  # nothing left
        (np.array([]), np.array([]), np.array([])),  # empty
    ],
)
def test_degenerate_input_gives_nan(vals: np.ndarray, rank: np.ndarray, pop: np.ndarray) -> None:
    res = slope_index(vals, rank, pop)
    assert all(np.isnan(res[k]) for k in ("sii", "sii_ci_low", "sii_ci_high", "rii"))
    c = concentration_index(vals, rank, pop)
    assert all(np.isnan(c[k]) for k in ("ci", "ci_se", "ci_ci_low", "ci_ci_high"))


def test_zero_mean_gives_nan_relative_measures() -> None:
    vals = np.array([-1.0, 0.0, 1.0])
    res = slope_index(vals, np.array([1, 2, 3]), np.ones(3))
    assert res["sii"] == pytest.approx(3.0)  # ridits 1/6, 1/2, 5/6: slope (1 - -1)/(2/3)
    assert np.isnan(res["rii"])
    assert np.isnan(concentration_index(vals, np.array([1, 2, 3]), np.ones(3))["ci"])


def test_by_decile_weighted_means_shares_and_empty_deciles() -> None:
    frame = pd.DataFrame(
        {
            "decile": [1, 1, 3, 10, 10, np.nan],
            "pop": [100.0, 300.0, 50.0, 200.0, 200.0, 999.0],
            "no2": [20.0, 40.0, 10.0, np.nan, 8.0, 1.0],
            "meets": pd.array([True, False, True, False, pd.NA, True], dtype="boolean"),
        }
    )
    out = by_decile(frame, ["no2", "meets"], "decile", "pop")
    assert list(out.index) == list(range(1, 11))
    # decile 1: (100·20 + 300·40)/400 = 35 ; share meeting = 100/400 = 0.25
    assert out.loc[1, "no2"] == pytest.approx(35.0)
    assert out.loc[1, "meets"] == pytest.approx(0.25)
    assert out.loc[3, "no2"] == pytest.approx(10.0)
    assert out.loc[3, "meets"] == pytest.approx(1.0)
    # decile 10: NaN no2 skipped -> 8 ; NA boolean skipped -> 0/200 = 0
    assert out.loc[10, "no2"] == pytest.approx(8.0)
    assert out.loc[10, "meets"] == pytest.approx(0.0)
    assert out.loc[10, "population"] == pytest.approx(400.0)
    assert out.loc[10, "n_lsoa"] == 2
    assert out.loc[1, "population"] == pytest.approx(400.0)
    empty = [2, 4, 5, 6, 7, 8, 9]
    assert out.loc[empty, ["no2", "meets"]].isna().all().all()
    assert (out.loc[empty, "population"] == 0).all()
    assert (out.loc[empty, "n_lsoa"] == 0).all()


def test_by_decile_plain_bool_and_validation() -> None:
    frame = pd.DataFrame({"d": [2, 2], "w": [1.0, 3.0], "ok": [True, False]})
    assert by_decile(frame, ["ok"], "d", "w").loc[2, "ok"] == pytest.approx(0.25)
    with pytest.raises(ValueError):
        by_decile(frame.assign(d=[0, 11]), ["ok"], "d", "w")
    with pytest.raises(ValueError):
        by_decile(frame.assign(w=[-1.0, 1.0]), ["ok"], "d", "w")
