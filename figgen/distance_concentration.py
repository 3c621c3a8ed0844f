"""Concentration of pairwise distances: ||x - x'||^2 for x, x' uniform on the cube [0,1]^d.

Theory. ||x - x'||^2 = sum_k (u_k - u'_k)^2 is a sum of d i.i.d. terms. u - u' has the triangular
density 1 - |t| on [-1, 1], so E(u - u')^2 = 1/6 and E(u - u')^4 = 1/15, hence
E||x - x'||^2 = d/6, Var ||x - x'||^2 = 7d/180 and std/mean = sqrt(7/(5d)): the squared distance
concentrates around its mean, with relative fluctuations of order d^{-1/2}, and by the central limit
theorem its law is close to N(d/6, 7d/180) (chapter "The curse of dimensionality"; see also
Beyer et al. 1999, "When is nearest neighbor meaningful?").
"""
from __future__ import annotations

import numpy as np

CONFIG = {
    "quick": {"dims": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], "pairs": 20000,
              "hist_dims": [2, 16, 128, 1024], "bins": 60, "chunk": 64, "seed": 0},
    "full": {"dims": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192], "pairs": 200000,
             "hist_dims": [2, 16, 128, 1024], "bins": 80, "chunk": 64, "seed": 0},
}


def theory_mean(d) -> np.ndarray:
    """E||x - x'||^2 = d/6."""
    return np.asarray(d, dtype=float) / 6.0


def theory_var(d) -> np.ndarray:
    """Var ||x - x'||^2 = d (1/15 - 1/36) = 7d/180."""
    return 7.0 * np.asarray(d, dtype=float) / 180.0


def theory_rel_std(d) -> np.ndarray:
    """std/mean of ||x - x'||^2 = sqrt(7/(5d))."""
    return np.sqrt(7.0 / (5.0 * np.asarray(d, dtype=float)))


def normal_density(r, d) -> np.ndarray:
    """CLT approximation to the density of the ratio ||x - x'||^2 / (d/6): N(1, 7/(5d))."""
    s2 = 7.0 / (5.0 * d)
    return np.exp(-(np.asarray(r) - 1.0) ** 2 / (2 * s2)) / np.sqrt(2 * np.pi * s2)


def squared_distances(rng: np.random.Generator, d: int, pairs: int, chunk: int) -> np.ndarray:
    """||x - x'||^2 for `pairs` independent pairs, accumulated over blocks of coordinates."""
    total = np.zeros(pairs)
    for start in range(0, d, chunk):
        k = min(chunk, d - start)
        diff = rng.random((pairs, k)) - rng.random((pairs, k))
        total += np.einsum("pk,pk->p", diff, diff)
    return total


def compute(cfg: dict, device: str) -> dict:
    rng = np.random.default_rng(cfg["seed"])
    dims = np.asarray(cfg["dims"], dtype=int)
    hist_dims = list(cfg["hist_dims"])
    edges = np.linspace(0.0, 2.5, cfg["bins"] + 1)
    mean, rel_std, mean_sem, rel_std_sem = [], [], [], []
    hists = np.zeros((len(hist_dims), cfg["bins"]))
    for d in dims:
        r = squared_distances(rng, int(d), cfg["pairs"], cfg["chunk"])
        m, s = r.mean(), r.std(ddof=1)
        mean.append(m)
        rel_std.append(s / m)
        mean_sem.append(s / np.sqrt(len(r)))
        # Standard error of std/mean by the delta method for a sample standard deviation.
        kurt = np.mean((r - m) ** 4) / s**4
        rel_std_sem.append(s / m * np.sqrt((kurt - 1) / (4 * len(r))))
        if int(d) in hist_dims:
            hists[hist_dims.index(int(d))] = np.histogram(r / theory_mean(d), bins=edges, density=True)[0]
    return {"dims": dims, "mean": np.array(mean), "rel_std": np.array(rel_std),
            "mean_sem": np.array(mean_sem), "rel_std_sem": np.array(rel_std_sem),
            "hist_dims": np.asarray(hist_dims, dtype=int), "hist_edges": edges, "hists": hists}


def plot(data: dict, cfg: dict):
    from figgen.core.style import CYCLE, PALETTE, new_figure

    fig, (ax0, ax1, ax2) = new_figure(rel_width=1.0, ncols=3, ratio=0.95)
    edges = data["hist_edges"]
    grid = np.linspace(edges[0], edges[-1], 400)
    for i, d in enumerate(data["hist_dims"]):
        colour = CYCLE[i % len(CYCLE)]
        ax0.stairs(data["hists"][i], edges, color=colour, label=f"$d={int(d)}$")
        if d >= 16:
            ax0.plot(grid, normal_density(grid, float(d)), color=colour, lw=0.8, ls="--")
    ax0.set_xlabel(r"$\|x-x'\|^2 / (d/6)$")
    ax0.set_ylabel("density")
    ax0.legend(loc="upper right", handlelength=1.2)

    dims = data["dims"]
    dgrid = np.geomspace(dims.min(), dims.max(), 200)
    ax1.plot(dgrid, theory_mean(dgrid), color=PALETTE["black"], label="$d/6$")
    ax1.errorbar(dims, data["mean"], yerr=data["mean_sem"], fmt="o", color=PALETTE["vermillion"],
                 label="simulation")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("dimension $d$")
    ax1.set_ylabel(r"$\mathbb{E}\,\|x-x'\|^2$")
    ax1.legend(loc="upper left")

    ax2.plot(dgrid, theory_rel_std(dgrid), color=PALETTE["black"], label=r"$\sqrt{7/(5d)}$")
    ax2.errorbar(dims, data["rel_std"], yerr=data["rel_std_sem"], fmt="o", color=PALETTE["blue"],
                 label="simulation")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("dimension $d$")
    ax2.set_ylabel(r"std$/$mean of $\|x-x'\|^2$")
    ax2.legend(loc="lower left")
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    rel_mean = np.abs(data["mean"] / theory_mean(data["dims"]) - 1)
    rel_std = np.abs(data["rel_std"] / theory_rel_std(data["dims"]) - 1)
    return {"max_rel_error_percent": round(100 * float(max(rel_mean.max(), rel_std.max())), 1),
            "dmax": int(data["dims"].max())}
