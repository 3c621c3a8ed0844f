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


test_quick_mode_is_deterministic = figure_determinism_test("hoeffding_check")
