"""The homework computations (figgen modules shown only by the solutions sheets) against their theory.

hoeffding_check (hw1): the simulated tail of the mean of n coins against the exact binomial tail,
within a few binomial standard errors, and below Hoeffding's bound; the simulated quantile of the
largest of K deviations against the exact law of the maximum (DKW band of the run's size), and
below the union bound.
Every check is also run on deliberately wrong data and must fail there.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import figure_determinism_test, quick_data

from figgen import hoeffding_check as hc


# ----------------------------------------------------------------------------------------------
# hoeffding_check

@pytest.fixture(scope="module")
def hoeffding():
    data, meta = quick_data("hoeffding_check")
    return data, meta["config"]


def check_hoeffding_tail(data: dict, cfg: dict) -> list[str]:
    """|simulated - exact| within Z_TAIL binomial standard errors where the exact tail has at least
    10 expected counts (a normal approximation is fair there), and the simulation is never above
    Hoeffding's bound by more than that."""
    n, p, reps = cfg["n"], cfg["p"], cfg["reps"]
    t, emp = data["t"], data["empirical"]
    exact = hc.exact_tail(t, n, p)
    se = np.sqrt(exact * (1 - exact) / reps)
    # 4.5 standard errors over the ~40 counted thresholds: a false alarm has probability < 1e-3.
    z_tail = 4.5
    problems = []
    counted = exact * reps >= 10
    bad = counted & (np.abs(emp - exact) > z_tail * se + 1e-15)
    if bad.any():
        problems.append(f"simulated tail off the exact tail at t = {t[bad]}")
    if np.any(exact > hc.hoeffding(t, n) + 1e-12):
        problems.append("exact tail above Hoeffding's bound")
    over = emp > hc.hoeffding(t, n) + z_tail * np.sqrt(hc.hoeffding(t, n) / reps)
    if over.any():
        problems.append(f"simulated tail above Hoeffding's bound at t = {t[over]}")
    return problems


def check_max_quantile(data: dict, cfg: dict) -> list[str]:
    """The empirical (1 - delta)-quantile q of N draws of the maximum is the smallest lattice value
    whose empirical CDF reaches 1 - delta. At a fixed point the empirical CDF is binomial, within
    Z_Q standard errors sqrt(delta (1 - delta) / N) of the exact CDF; so the exact CDF is at least
    1 - delta - Z_Q se at q and at most 1 - delta + Z_Q se at the lattice value below q. And q
    stays below the union bound. (The exact CDF jumps by 0.02 to 0.04 per lattice step near the
    quantile, a few standard errors of 2000 draws: the check resolves a shift of two steps.)"""
    n, p, N = cfg["n"], cfg["p"], cfg["quantile_reps"]
    level = 1 - cfg["delta"]
    # 4 standard errors at 2 points per class size: a false alarm has probability < 1e-3.
    eps = 4.0 * math.sqrt(level * (1 - level) / N)
    values = hc.deviation_values(n, p)
    problems = []
    for K, q in zip(data["K"], data["quantile"]):
        i = int(np.argmin(np.abs(values - q)))
        if abs(values[i] - q) > 1e-9:
            problems.append(f"K = {K}: quantile {q} is not a value of the deviation")
            continue
        if hc.max_cdf(values[i], n, p, int(K))[0] < level - eps:
            problems.append(f"K = {K}: quantile {q} too small for the exact law")
        if i > 0 and hc.max_cdf(values[i - 1], n, p, int(K))[0] > level + eps:
            problems.append(f"K = {K}: quantile {q} too large for the exact law")
        if q > hc.union_bound(K, n, cfg["delta"]):
            problems.append(f"K = {K}: quantile {q} above the union bound")
    return problems


def test_hoeffding_tail(hoeffding):
    data, cfg = hoeffding
    assert check_hoeffding_tail(data, cfg) == []


def test_hoeffding_tail_check_fails_on_wrong_data(hoeffding):
    data, cfg = hoeffding
    assert check_hoeffding_tail({**data, "empirical": 1.05 * data["empirical"]}, cfg)
    # the tail of n = 90 coins, as if the run had used fewer coins than it says
    assert check_hoeffding_tail({**data, "empirical": hc.exact_tail(data["t"], 90, cfg["p"])}, cfg)


def test_max_quantile(hoeffding):
    data, cfg = hoeffding
    assert check_max_quantile(data, cfg) == []


def test_max_quantile_check_fails_on_wrong_data(hoeffding):
    data, cfg = hoeffding
    step = 2 / cfg["n"]
    assert check_max_quantile({**data, "quantile": data["quantile"] + step}, cfg)
    assert check_max_quantile({**data, "quantile": data["quantile"] - step}, cfg)


def test_exact_max_quantile_is_the_binomial_quantile_for_one_class():
    # For K = 1 the quantile of |S/n - 1/2| is read off the binomial law directly.
    from scipy.stats import binom

    n = 100
    k = np.arange(n + 1)
    dev = np.abs(k / n - 0.5)
    pmf = binom.pmf(k, n, 0.5)
    values = np.unique(np.round(dev, 12))
    cdf = np.array([pmf[dev <= v + 1e-9].sum() for v in values])
    assert hc.exact_max_quantile(n, 0.5, 1, 0.95) == pytest.approx(values[np.argmax(cdf >= 0.95)])



# ----------------------------------------------------------------------------------------------
# hw6_logistic_variants: (b) symmetric support vectors remove the 1/log t term, (c) close points
# delay eta t L(w_t) -> ||w_hat||^2.
from figgen import hw6_logistic_variants as hw6  # noqa: E402


def check_hw6(data: dict, cfg: dict) -> list[str]:
    """(b) equal dual weights and w_tilde parallel to w_hat (cross product zero to solver
    accuracy); the angle drops by at least a factor 5 over the last decade, while with the default
    data the 1/log t law allows at most log(T)/log(T/10) up to 30 % (transients). (c) the relative
    gap of eta t L(w_t) at the end exceeds that of the default data by a factor at least 10."""
    problems = []
    dual = data["symmetric_dual"][data["symmetric_dual"] > 0]
    if len(dual) != 2 or abs(dual[0] - dual[1]) > 1e-4 * dual.max():
        problems.append(f"symmetric data: dual weights {dual}")
    wt, wh = data["symmetric_w_tilde"][0], data["symmetric_w_hat"]
    if abs(wt[0] * wh[1] - wt[1] * wh[0]) > 1e-4 * np.linalg.norm(wt) * np.linalg.norm(wh):
        problems.append("symmetric data: w_tilde not parallel to w_hat")
    T = cfg["iterations"]
    drop = {n: hw6.angle_at(data, n, T / 10) / hw6.angle_at(data, n, T) for n in ("base", "symmetric")}
    if drop["symmetric"] < 5:
        problems.append(f"symmetric data: the angle drops by {drop['symmetric']:.3g} over the last decade")
    if drop["base"] > 1.3 * np.log(T) / np.log(T / 10):
        problems.append(f"default data: the angle drops by {drop['base']:.3g}, faster than 1/log t")
    gap = {n: abs(data[f"{n}_eta_t_loss"][-1, 0] / np.sum(data[f"{n}_w_hat"] ** 2) - 1) for n in ("base", "close")}
    if gap["close"] < 10 * gap["base"]:
        problems.append(f"close points: final gap {gap['close']:.3g} not far above the default {gap['base']:.3g}")
    return problems


@pytest.fixture(scope="module")
def hw6_run():
    data, meta = quick_data("hw6_logistic_variants")
    return data, meta["config"]


def test_hw6_variants(hw6_run):
    data, cfg = hw6_run
    assert check_hw6(data, cfg) == []


def test_hw6_check_fails_on_wrong_data(hw6_run):
    data, cfg = hw6_run
    # the symmetric run replaced by the default one (the 1/log t decay), or the close-point run by it
    swapped = {**data, **{f"symmetric_{k}": data[f"base_{k}"] for k in ("t", "angle", "dual", "w_tilde", "w_hat")}}
    assert check_hw6(swapped, cfg)
    assert check_hw6({**data, "close_eta_t_loss": data["base_eta_t_loss"]}, cfg)


test_quick_mode_is_deterministic = figure_determinism_test("hoeffding_check", "hw6_logistic_variants")
