"""Homework 1, computational exercise: tails of the mean of n fair coins against Hoeffding's bound,
and the quantile of the largest of K independent deviations against the union bound.

Theory (homework 1, exercises on Hoeffding's inequality and on finite classes). For S ~ Bin(n, p),
P(|S/n - p| >= t) <= 2 exp(-2 n t^2) (Hoeffding), and the tail itself is a finite sum of binomial
probabilities. For K independent copies, P(max_k |S_k/n - p| < s) = (1 - P(|S/n - p| >= s))^K
exactly, so the (1 - delta)-quantile of the maximum is computed exactly too; the union bound says it
is at most sqrt(log(2K/delta) / (2n)).
"""
from __future__ import annotations

import numpy as np

CONFIG = {
    "quick": {"n": 100, "p": 0.5, "reps": 200000, "t_max": 0.25, "num_t": 51,
              "classes": [1, 10, 100, 1000], "quantile_reps": 2000, "delta": 0.05, "seed": 0},
    "full": {"n": 100, "p": 0.5, "reps": 2000000, "t_max": 0.25, "num_t": 51,
             "classes": [1, 10, 100, 1000, 10000], "quantile_reps": 20000, "delta": 0.05, "seed": 0},
}

ALT = (
    "Two panels for the mean of n = {n} coin flips with success probability {p}. Left: the "
    "probability that the mean deviates from {p} by at least t, against t on a logarithmic vertical "
    "axis, as the Hoeffding bound (line), the exact binomial tail (line) and simulated frequencies "
    "(markers with error bars); the markers follow the exact tail, which stays below the Hoeffding "
    "bound. Right: the quantile at level 1 minus {delta} of the largest of K independent deviations "
    "against the class size K on a logarithmic axis, from the union bound (line), the exact law "
    "(hollow squares) and simulation (dots); the simulated and exact quantiles agree and lie below "
    "the union bound."
)

# A deviation |k/n - p| is compared with a threshold t of the grid up to rounding: n t is often an
# integer, and k/n - p is computed in floating point.
_EPS = 1e-9


def hoeffding(t, n: int) -> np.ndarray:
    """Hoeffding's bound 2 exp(-2 n t^2), capped at 1."""
    return np.minimum(1.0, 2 * np.exp(-2 * n * np.asarray(t, dtype=float) ** 2))


def exact_tail(t, n: int, p: float) -> np.ndarray:
    """P(|S/n - p| >= t) for S ~ Bin(n, p), summing the binomial probabilities."""
    from scipy.stats import binom

    k = np.arange(n + 1)
    far = np.abs(k / n - p)[None, :] >= np.atleast_1d(np.asarray(t, dtype=float))[:, None] - _EPS
    return (far * binom.pmf(k, n, p)[None, :]).sum(axis=1)


def deviation_values(n: int, p: float) -> np.ndarray:
    """The values |k/n - p| can take, increasing."""
    return np.unique(np.round(np.abs(np.arange(n + 1) / n - p), 12))


def max_cdf(s, n: int, p: float, K: int) -> np.ndarray:
    """P(max_k |S_k/n - p| <= s) for K independent copies: (1 - P(|S/n - p| > s))^K."""
    s = np.atleast_1d(np.asarray(s, dtype=float))
    # P(dev > s) = P(dev >= s') with s' the next value above s.
    from scipy.stats import binom

    k = np.arange(n + 1)
    above = np.abs(k / n - p)[None, :] > s[:, None] + _EPS
    return (1.0 - (above * binom.pmf(k, n, p)[None, :]).sum(axis=1)) ** K


def exact_max_quantile(n: int, p: float, K: int, level: float) -> float:
    """The level-quantile of max_k |S_k/n - p|: the smallest value s with P(max <= s) >= level."""
    values = deviation_values(n, p)
    return float(values[np.argmax(max_cdf(values, n, p, K) >= level)])


def union_bound(K, n: int, delta: float) -> np.ndarray:
    """sqrt(log(2K/delta) / (2n)): with probability 1 - delta every deviation is below it."""
    return np.sqrt(np.log(2 * np.asarray(K, dtype=float) / delta) / (2 * n))


def compute(cfg: dict, device: str) -> dict:
    rng = np.random.default_rng(cfg["seed"])
    n, p = cfg["n"], cfg["p"]
    dev = np.abs(rng.binomial(n, p, size=cfg["reps"]) / n - p)
    t = np.linspace(0, cfg["t_max"], cfg["num_t"])
    # Frequencies of dev >= t from the sorted deviations (one search instead of a reps x t table).
    dev.sort()
    empirical = 1.0 - np.searchsorted(dev, t - _EPS, side="left") / cfg["reps"]
    # K independent "hypotheses": the (1 - delta)-quantile of the largest deviation. The quantile is
    # the empirical one that lies on the lattice of values (method "inverted_cdf").
    quantile = []
    for K in cfg["classes"]:
        devs = np.abs(rng.binomial(n, p, size=(cfg["quantile_reps"], K)) / n - p).max(axis=1)
        quantile.append(np.quantile(devs, 1 - cfg["delta"], method="inverted_cdf"))
    return {"t": t, "empirical": empirical, "K": np.array(cfg["classes"]),
            "quantile": np.array(quantile)}


def plot(data: dict, cfg: dict):
    from figgen.core.style import PALETTE, new_figure

    fig, (ax1, ax2) = new_figure(rel_width=1.0, ncols=2)
    t, n, p = data["t"], cfg["n"], cfg["p"]
    ax1.semilogy(t, hoeffding(t, n), color=PALETTE["black"], label="Hoeffding")
    ax1.semilogy(t, exact_tail(t, n, p), color=PALETTE["blue"], label="exact")
    seen = data["empirical"] > 0  # a frequency 0 has no place on a log scale
    se = np.sqrt(data["empirical"] * (1 - data["empirical"]) / cfg["reps"])
    ax1.errorbar(t[seen], data["empirical"][seen], yerr=se[seen], fmt="o", ms=2.5,
                 color=PALETTE["vermillion"], label="simulation")
    ax1.set_xlabel("$t$")
    ax1.set_ylabel(r"$\mathbb{P}(|\bar Z_n - p| \geq t)$")
    ax1.legend(fontsize=7)
    K = data["K"]
    grid = np.geomspace(K.min(), K.max(), 100)
    level = 1 - cfg["delta"]
    ax2.semilogx(grid, union_bound(grid, n, cfg["delta"]), color=PALETTE["black"], label="union bound")
    ax2.semilogx(K, [exact_max_quantile(n, p, int(k), level) for k in K], "s", mfc="none",
                 color=PALETTE["blue"], label="exact")
    ax2.semilogx(K, data["quantile"], "o", ms=3, color=PALETTE["vermillion"], label="simulation")
    ax2.set_xlabel("class size $K$")
    ax2.set_ylabel(r"$0.95$-quantile of $\max_k |\bar Z^{(k)}_n - p|$")
    ax2.legend(fontsize=7)
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    """Agreement of the simulated tail with the exact one (largest deviation in standard errors,
    over the t where the exact tail has at least 10 expected counts), the ratio Hoeffding / exact
    tail (smallest over t beyond the trivial range, and at two quoted t), and per class size K the
    simulated and exact quantiles and the union bound."""
    n, p, reps = cfg["n"], cfg["p"], cfg["reps"]
    t, emp = data["t"], data["empirical"]
    exact = exact_tail(t, n, p)
    counted = exact * reps >= 10
    z = np.abs(emp - exact)[counted] / np.sqrt(exact * (1 - exact) / reps)[counted].clip(1e-300)
    ratio = hoeffding(t, n) / exact
    t_trivial = float(np.sqrt(np.log(2) / (2 * n)))
    beyond = t > t_trivial
    params = {
        "max_z": round(float(z.max()), 1),
        "t_counted_max": round(float(t[counted].max()), 3),
        "t_trivial": round(t_trivial, 3),
        "min_ratio": round(float(ratio[beyond].min()), 2),
        "ratio_t01": round(float(ratio[np.argmin(np.abs(t - 0.1))]), 1),
        "ratio_tmax": round(float(ratio[-1]), 1),
        "exact_tmax": f"{exact[-1]:.1e}",
        "hoeffding_tmax": f"{hoeffding(t[-1], n):.1e}",
        "above_everywhere": "yes" if bool(np.all(hoeffding(t, n) >= np.maximum(exact, emp))) else "no",
    }
    level = 1 - cfg["delta"]
    bounds = union_bound(data["K"], n, cfg["delta"])
    for K, q, b in zip(data["K"], data["quantile"], bounds):
        params[f"q_{K}"] = round(float(q), 2)
        params[f"qexact_{K}"] = round(exact_max_quantile(n, p, int(K), level), 2)
        params[f"bound_{K}"] = round(float(b), 3)
    params["max_q_over_bound"] = round(float(np.max(data["quantile"] / bounds)), 2)
    params["min_q_over_bound"] = round(float(np.min(data["quantile"] / bounds)), 2)
    return params
