"""The homework computations (figgen modules shown only by the solutions sheets) against their theory.

hoeffding_check (hw1): the simulated tail of the mean of n coins against the exact binomial tail,
within a few binomial standard errors, and below Hoeffding's bound; the simulated quantile of the
largest of K deviations against the exact law of the maximum (DKW band of the run's size), and
below the union bound.
hw6_logistic_variants (hw6 (b), (c)) and hw5_latent_variable (hw5, double descent (c) and (d)):
what the solutions say of the runs, and the limit of (d) against the ridge formula.
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


def test_hoeffding_plot_draws_the_quick_data(hoeffding):
    # The quick run has a frequency of 1 at t = 0, where Wilson's upper end may round below it.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data, cfg = hoeffding
    plt.close(hc.plot(data, cfg))


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


# ----------------------------------------------------------------------------------------------
# hw5_latent_variable: (c) double descent of min-norm least squares in the latent-variable model,
# whose second descent goes below the first minimum towards the limit of (d).
from figgen import hw5_latent_variable as hw5  # noqa: E402


def median_interval(errors: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Distribution-free confidence interval of the median per row (sign test): the order
    statistics j and N + 1 - j, with j the number of draws below the median exceeded with
    probability about Phi(-z) (normal approximation of Bin(N, 1/2))."""
    N = errors.shape[1]
    j = max(1, int(np.floor(N / 2 - z * math.sqrt(N) / 2)))
    srt = np.sort(errors, axis=1)
    return srt[:, j - 1], srt[:, N - j]


def check_hw5_latent(data: dict, cfg: dict) -> list[str]:
    """What the solution of (c) says of the median curve, on the medians of the draws: a first
    minimum strictly inside gamma < 1, the peak at a grid point next to gamma = 1 with the mean
    above the median there (heavy tail), a decrease at every grid step from the peak to the largest
    p, and a last point below the first minimum. Against the theory of (d): the last point lies
    above the closed-form limit by more than the sampling error of its median (sign-test interval
    at Z_MED), and the p = infinity ridge fit of the same draws has a mean error within Z_MEAN
    standard errors of the limit (the finite-n correction of the ridge formula is far below that
    standard error at k = 20)."""
    problems = []
    g, errs = data["gamma"], data["errors"]
    med = np.median(errs, axis=1)
    if not np.allclose(med, data["median"], rtol=1e-12):
        problems.append("stored medians are not the medians of the draws")
    under = np.flatnonzero(g < 1)
    i_min = int(under[np.argmin(med[under])])
    if i_min in (under[0], under[-1]):
        problems.append(f"no interior first minimum below gamma = 1 (minimum at gamma = {g[i_min]})")
    i_peak = int(np.argmax(med))
    nearest = np.argsort(np.abs(np.log(g)))[:2]
    if i_peak not in nearest:
        problems.append(f"peak at gamma = {g[i_peak]}, not next to 1")
    if data["mean"][i_peak] <= med[i_peak]:
        problems.append("mean not above the median at the peak")
    if np.any(np.diff(med[i_peak:]) >= 0):
        problems.append("median does not decrease at every step after the peak")
    if med[-1] >= med[i_min]:
        problems.append("second descent not below the first minimum")
    limit = hw5.limit_terms(cfg["n"], cfg["k"], cfg["sigma"])["error"]
    # 3.5 (sign test) and 4 (normal) standard errors, two tests: a false alarm below 1e-3.
    lo, _ = median_interval(errs, 3.5)
    if lo[-1] <= limit:
        problems.append(f"last point not above the limit {limit:.4f} beyond its sampling error (lower end {lo[-1]:.4f})")
    ridge = data["ridge_errors"]
    se = ridge.std(ddof=1) / math.sqrt(len(ridge))
    if abs(ridge.mean() - limit) > 4.0 * se:
        problems.append(f"ridge fit on z: mean error {ridge.mean():.4f}, limit {limit:.4f} (se {se:.4f})")
    return problems


@pytest.fixture(scope="module")
def hw5_run():
    data, meta = quick_data("hw5_latent_variable")
    return data, meta["config"]


def test_hw5_latent_variable(hw5_run):
    data, cfg = hw5_run
    assert check_hw5_latent(data, cfg) == []


def _with_errors(data: dict, errors: np.ndarray) -> dict:
    return {**data, "errors": errors, "median": np.median(errors, axis=1), "mean": errors.mean(axis=1)}


def test_hw5_latent_variable_check_fails_on_wrong_data(hw5_run):
    data, cfg = hw5_run
    # the run of a wrong number of factors (k = 40: the limit of (d) moves from 0.283 to 0.33)
    # One thread, as the runner computes (figgen/core/threads.py): beside the other test worker a
    # multi-threaded BLAS made this run ten times slower.
    from figgen.core.threads import single_cpu_thread

    with single_cpu_thread("cpu"):
        wrong_k = hw5.compute({**cfg, "k": 40, "reps": 10}, "cpu")
    assert check_hw5_latent(wrong_k, cfg)
    # the limit shifted: the ridge fit of (d) and the tail of the curve 0.02 lower
    assert check_hw5_latent({**data, "ridge_errors": data["ridge_errors"] - 0.02}, cfg)
    tail = data["gamma"] >= 10
    errors = data["errors"].copy()
    errors[tail] -= 0.02
    assert check_hw5_latent(_with_errors(data, errors), cfg)
    # no second descent below the first minimum (the overparametrised errors raised by 0.5)
    errors = data["errors"].copy()
    errors[data["gamma"] > 1] += 0.5
    assert check_hw5_latent(_with_errors(data, errors), cfg)


test_quick_mode_is_deterministic = figure_determinism_test("hoeffding_check", "hw6_logistic_variants",
                                                           "hw5_latent_variable")
