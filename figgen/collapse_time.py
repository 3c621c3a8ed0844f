"""Collapse (memorisation) time of a diffusion model that uses the empirical score of n points.

Setting (Biroli, Bonnaire, de Bortoli and Mezard 2024, arXiv:2402.18491). Training points
a_1, ..., a_n drawn i.i.d. from N(0, s^2 I_d); forward process dx = -x dt + dB with <dB^2> = 2 dt,
Delta_t = 1 - e^{-2t}. The empirical noised law is P_t^e(x) = (1/n) sum_mu N(x; e^{-t} a_mu,
Delta_t I_d). The backward process driven by its score has law P_t^e at every time; given x_t, the
posterior weight of training point mu is w_mu(x) proportional to
exp(-||x - e^{-t} a_mu||^2 / (2 Delta_t)).

We draw x ~ P_t^e (a random training point, noised) and record the largest weight, that of the
training point nearest to x / e^{-t}. Theory (chapter "The speciation transition in diffusion
models"): comparing the weight of the point x came from, e^{-||z||^2/2} ~ e^{-d/2}, with the
annealed sum over the others, n (Delta_t / Gamma_t)^{d/2} e^{-d/2} with Gamma_t = s^2 e^{-2t} +
Delta_t, the trajectory is captured by one training point for t < t_C and not for t > t_C, where

    t_C = (1/2) log(1 + s^2 / (n^{2/d} - 1)).

The annealed prediction of the weight, 1 / (1 + (n - 1) (Delta_t / Gamma_t)^{d/2}), is drawn too.
"""
from __future__ import annotations

import numpy as np

CONFIG = {
    "quick": {"d": 32, "ns": [100, 1000, 10000], "s2": 1.0, "t_max": 1.4, "num_t": 28,
              "dims": [8, 32, 128], "n_fixed": 1000, "r_max": 2.5, "num_r": 21,
              "samples": 64, "seed": 0},
    "full": {"d": 32, "ns": [100, 1000, 10000, 100000], "s2": 1.0, "t_max": 1.4, "num_t": 71,
             "dims": [8, 32, 128, 512], "n_fixed": 1000, "r_max": 2.5, "num_r": 61,
             "samples": 1000, "seed": 0},
}


def collapse_time(n: int, d: int, s2: float) -> float:
    """t_C = (1/2) log(1 + s^2 / (n^{2/d} - 1))."""
    return 0.5 * np.log1p(s2 / np.expm1(2.0 * np.log(n) / d))


def annealed_weight(t, n: int, d: int, s2: float):
    """1 / (1 + (n-1) (Delta_t / Gamma_t)^{d/2}): weight of the source point, annealed estimate."""
    t = np.asarray(t, dtype=float)
    e2 = np.exp(-2.0 * t)
    delta = -np.expm1(-2.0 * t)
    log_ratio = np.log(n - 1) + 0.5 * d * (np.log(delta) - np.log(s2 * e2 + delta))
    return 1.0 / (1.0 + np.exp(log_ratio))


def nearest_weight(points: np.ndarray, times: np.ndarray, samples: int, s2: float,
                   rng: np.random.Generator, chunk: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard error of max_mu w_mu(x_t), x_t ~ P_t^e, at each time (numpy, float64)."""
    n, d = points.shape
    sq = np.sum(points ** 2, axis=1)
    mean, sem = [], []
    for t in times:
        e = np.exp(-t)
        delta = -np.expm1(-2.0 * t)
        src = rng.integers(0, n, samples)
        x = e * points[src] + np.sqrt(delta) * rng.standard_normal((samples, d))
        w_max = np.empty(samples)
        for start in range(0, samples, chunk):  # bounded memory: chunk x n logits at a time
            xc = x[start:start + chunk]
            # -||x - e a||^2 / (2 Delta), dropping the term in ||x||^2 common to every mu.
            logits = (e * (xc @ points.T) - 0.5 * e * e * sq[None, :]) / delta
            logits -= logits.max(axis=1, keepdims=True)
            w_max[start:start + chunk] = 1.0 / np.sum(np.exp(logits), axis=1)
        mean.append(w_max.mean())
        sem.append(w_max.std(ddof=1) / np.sqrt(samples))
    return np.array(mean), np.array(sem)


def compute(cfg: dict, device: str) -> dict:
    rng = np.random.default_rng(cfg["seed"])
    s2 = cfg["s2"]
    out: dict = {}
    times = np.linspace(cfg["t_max"] / cfg["num_t"], cfg["t_max"], cfg["num_t"])
    out["t"] = times
    for n in cfg["ns"]:
        points = np.sqrt(s2) * rng.standard_normal((n, cfg["d"]))
        out[f"w_n{n}"], out[f"sem_n{n}"] = nearest_weight(points, times, cfg["samples"], s2, rng)
    ratios = np.linspace(cfg["r_max"] / cfg["num_r"], cfg["r_max"], cfg["num_r"])
    out["r"] = ratios
    for d in cfg["dims"]:
        points = np.sqrt(s2) * rng.standard_normal((cfg["n_fixed"], d))
        t_c = collapse_time(cfg["n_fixed"], d, s2)
        out[f"w_d{d}"], out[f"sem_d{d}"] = nearest_weight(points, ratios * t_c, cfg["samples"], s2, rng)
    return out


def plot(data: dict, cfg: dict):
    from figgen.core.style import CYCLE, PALETTE, new_figure

    fig, (ax1, ax2) = new_figure(rel_width=1.0, ratio=0.8, ncols=2, sharey=True)
    s2, d = cfg["s2"], cfg["d"]
    grid = np.linspace(1e-3, cfg["t_max"], 300)
    for colour, n in zip(CYCLE, cfg["ns"]):
        t_c = collapse_time(n, d, s2)
        ax1.plot(grid, annealed_weight(grid, n, d, s2), color=colour, lw=0.8, ls="--")
        ax1.errorbar(data["t"], data[f"w_n{n}"], yerr=data[f"sem_n{n}"], fmt="o", ms=2.5,
                     color=colour, label=rf"$n = 10^{{{int(round(np.log10(n)))}}}$")
        ax1.axvline(t_c, color=colour, lw=0.8, ls=":")
    ax1.set_xlabel("$t$")
    ax1.set_ylabel("weight of the nearest training point")
    ax1.set_title(rf"$d = {d}$; dotted: $t_C$, dashed: annealed")
    ax1.legend(loc="upper right")
    n = cfg["n_fixed"]
    rgrid = np.linspace(1e-3, cfg["r_max"], 300)
    for colour, dd in zip(CYCLE, cfg["dims"]):
        t_c = collapse_time(n, dd, s2)
        ax2.plot(rgrid, annealed_weight(rgrid * t_c, n, dd, s2), color=colour, lw=0.8, ls="--")
        ax2.errorbar(data["r"], data[f"w_d{dd}"], yerr=data[f"sem_d{dd}"], fmt="o", ms=2.5,
                     color=colour, label=rf"$d = {dd}$")
    ax2.axvline(1.0, color=PALETTE["black"], lw=0.8, ls=":")
    ax2.set_xlabel("$t / t_C$")
    ax2.set_title(rf"$n = {n}$")
    ax2.legend(loc="upper right")
    ax1.set_ylim(-0.02, 1.02)
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    """The collapse times of the left panel, in the order of cfg["ns"]."""
    return {"tCs": [round(float(collapse_time(n, cfg["d"], cfg["s2"])), 2) for n in cfg["ns"]]}
