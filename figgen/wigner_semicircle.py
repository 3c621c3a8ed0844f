"""Wigner's semicircle law for the Gaussian orthogonal ensemble, and its moments (Catalan numbers).

Theory (Wigner 1958; Anderson, Guionnet and Zeitouni 2010, ch. 2). Let W = (G + G^T) / sqrt(2 d)
with G a d x d matrix of i.i.d. N(0, 1) entries: W is symmetric, its off-diagonal entries have
variance 1/d and its diagonal entries 2/d (the GOE). The empirical spectral distribution of W
converges almost surely to the semicircle law

    sigma(dx) = sqrt(4 - x^2) / (2 pi) 1[-2, 2](x) dx,

whose odd moments vanish and whose even moments are the Catalan numbers,
int x^{2k} sigma(dx) = C_k = binom(2k, k) / (k + 1). Chapter 5 (notes/chapters/random-matrices.tex)
proves the law through the self-consistent equation m(z) = -1 / (z + m(z)) of the Stieltjes
transform; the moments illustrate the moment method.

Finite-size scales used by the tests: the extreme eigenvalues fluctuate on the Tracy-Widom scale,
lambda_max ~ 2 + d^(-2/3) TW1 (Tracy and Widom 1996); the eigenvalue counting function deviates from
d F(x) by O(sqrt(log d)) (rigidity), so the Kolmogorov-Smirnov distance of the spectral distribution is
of order log(d)/d, far below the 1/sqrt(d) of d independent points; and the second moment
(1/d) tr W^2 has mean (d + 1)/d and variance 4 (d + 1)/d^3 exactly (a sum of independent squares).
"""
from __future__ import annotations

from math import comb

import numpy as np

CONFIG = {
    "quick": {"d": 1000, "reps": 1, "bins": 50, "max_moment": 5, "seed": 0},
    "full": {"d": 4000, "reps": 8, "bins": 80, "max_moment": 5, "seed": 0},
}

# What the chapter, homework 5 and the text alternative say the data shows (claims() checks them).
CLAIMS = {
    "follows_law": "the Kolmogorov-Smirnov distance of the pooled spectrum to the semicircle law is at most "
                   "twice the rigidity scale sqrt(2) log(d) / (pi d sqrt(reps)) of ks_scale",
    "far_below_independent": "the Kolmogorov-Smirnov distance is at least 5 times smaller than the typical "
                             "0.87 / sqrt(m) of m independent points (which come that close with probability "
                             "below 1e-10)",
    "edges_tracy_widom": "the largest and the smallest eigenvalue of every draw lie within the Tracy-Widom band "
                         "of the edge +-2: quantiles alpha/2 and 1 - alpha/2 of TW1 on the scale d^(-2/3), "
                         "alpha = 1e-3 shared (Bonferroni) by all the extremes",
    "moments_on_catalan": "each averaged moment (1/d) tr W^2k is within 2 KS_tol R^2k of the Catalan number C_k "
                          "(integration by parts with the KS tolerance of follows_law, R the largest modulus)",
}
ALT_CLAIMS = ["follows_law", "moments_on_catalan"]

ALT = (
    "Two panels for symmetric Gaussian random matrices (GOE) of size d = {d}. Left: a histogram of "
    "the eigenvalues, which follows the semicircle density on [-2, 2] drawn as a line. Right: the "
    "moments of order 2k of the eigenvalues for k = 1 to {max_moment}, on a logarithmic axis, as "
    "markers on the Catalan numbers (horizontal ticks)."
)


def semicircle_density(x: np.ndarray) -> np.ndarray:
    """sqrt(4 - x^2) / (2 pi) on [-2, 2], zero outside."""
    x = np.asarray(x, dtype=float)
    return np.sqrt(np.clip(4.0 - x**2, 0.0, None)) / (2 * np.pi)


def semicircle_cdf(x: np.ndarray) -> np.ndarray:
    """Distribution function 1/2 + x sqrt(4 - x^2) / (4 pi) + arcsin(x/2) / pi on [-2, 2]."""
    x = np.clip(np.asarray(x, dtype=float), -2.0, 2.0)
    return 0.5 + x * np.sqrt(4.0 - x**2) / (4 * np.pi) + np.arcsin(x / 2) / np.pi


def semicircle_stieltjes(z: np.ndarray) -> np.ndarray:
    """m(z) = int sigma(dx) / (x - z) = (-z + sqrt(z - 2) sqrt(z + 2)) / 2, the root of
    m^2 + z m + 1 = 0 with m(z) ~ -1/z at infinity (principal square roots)."""
    z = np.asarray(z, dtype=complex)
    return (-z + np.sqrt(z - 2) * np.sqrt(z + 2)) / 2


def ks_scale(d: int, reps: int) -> float:
    """Size sqrt(2) log(d) / (pi d sqrt(reps)) of the Kolmogorov-Smirnov distance of `reps` pooled
    GOE spectra: the counting function is a log-correlated field (beta = 1) whose supremum is about
    (sqrt(2)/pi) log d, and independent draws add like independent variables."""
    return float(np.sqrt(2) * np.log(d) / (np.pi * d * np.sqrt(reps)))


def second_moment_law(d: int) -> tuple[float, float]:
    """Exact mean (d + 1)/d and variance 4 (d + 1)/d^3 of (1/d) tr W^2 for one GOE draw: the sum of
    the squares of d diagonal entries of variance 2/d and of twice the d(d-1)/2 others, of variance 1/d."""
    return (d + 1) / d, 4 * (d + 1) / d**3


def catalan(k: int) -> int:
    """C_k = binom(2k, k) / (k + 1): the 2k-th moment of the semicircle law."""
    return comb(2 * k, k) // (k + 1)


def ks_distance(eigs: np.ndarray, cdf) -> float:
    """sup_x |F_emp(x) - F(x)| for a sample without ties and a continuous distribution function."""
    e = np.sort(np.asarray(eigs, dtype=float))
    m = len(e)
    f = cdf(e)
    i = np.arange(1, m + 1)
    return float(max(np.max(i / m - f), np.max(f - (i - 1) / m)))


def goe(rng: np.random.Generator, d: int) -> np.ndarray:
    """A d x d GOE matrix normalised so that the off-diagonal entries have variance 1/d."""
    G = rng.standard_normal((d, d))
    return (G + G.T) / np.sqrt(2 * d)


def compute(cfg: dict, device: str) -> dict:
    rng = np.random.default_rng(cfg["seed"])
    d, reps, kmax = cfg["d"], cfg["reps"], cfg["max_moment"]
    eigs = np.empty((reps, d))
    for r in range(reps):
        eigs[r] = np.linalg.eigvalsh(goe(rng, d))
    ks = np.arange(1, kmax + 1)
    # Normalised traces (1/d) tr W^{2k} of each draw, from the eigenvalues.
    moments = np.stack([np.mean(eigs ** (2 * k), axis=1) for k in ks], axis=1)
    return {"eigs": eigs.ravel(), "k": ks, "moments": moments,
            "lmin": eigs.min(axis=1), "lmax": eigs.max(axis=1)}


def plot(data: dict, cfg: dict):
    from figgen.core.style import PALETTE, new_figure

    fig, (ax, bx) = new_figure(rel_width=1.0, ratio=0.75, ncols=2)
    bins = np.linspace(-2.3, 2.3, cfg["bins"] + 1)
    ax.hist(data["eigs"], bins=bins, density=True, color=PALETTE["sky"], alpha=0.75,
            edgecolor="white", linewidth=0.3, label="eigenvalues of $W$")
    grid = np.linspace(-2, 2, 600)
    ax.plot(grid, semicircle_density(grid), color=PALETTE["black"], label=r"$\sqrt{4-x^2}/(2\pi)$")
    ax.set_xlabel(r"eigenvalue $\lambda$")
    ax.set_ylabel("density")
    ax.set_ylim(0, 0.45)
    ax.legend(loc="upper right", fontsize=7)
    ax.set_title(rf"GOE, $d = {cfg['d']}$")

    k = data["k"]
    moments = data["moments"]
    mean = moments.mean(axis=0)
    theory = np.array([catalan(int(j)) for j in k], dtype=float)
    bx.plot(k, theory, color=PALETTE["black"], marker="_", markersize=10, linestyle="none",
            label=r"Catalan number $C_k$")
    if moments.shape[0] > 1:
        err = moments.std(axis=0, ddof=1) / np.sqrt(moments.shape[0])
        bx.errorbar(k, mean, yerr=err, fmt="o", color=PALETTE["vermillion"],
                    label=r"$\frac1d\operatorname{tr} W^{2k}$")
    else:
        bx.plot(k, mean, "o", color=PALETTE["vermillion"], label=r"$\frac1d\operatorname{tr} W^{2k}$")
    bx.set_yscale("log")
    bx.set_xticks(k)
    bx.set_xlabel("$k$")
    bx.set_ylabel("moment of order $2k$")
    bx.legend(loc="upper left", fontsize=7)
    bx.set_title("moments")
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    theory = np.array([catalan(int(j)) for j in data["k"]], dtype=float)
    rel = np.abs(data["moments"].mean(axis=0) / theory - 1)
    return {"ks": float(f"{ks_distance(data['eigs'], semicircle_cdf):.2g}"),
            "max_moment_rel_error_percent": round(100 * float(rel.max()), 1),
            "lmax_observed": round(float(data["lmax"].max()), 3),
            "max_moment_order": 2 * int(data["k"].max())}


def claims(data: dict, cfg: dict) -> dict:
    from scipy.stats import gamma as gamma_law

    from figgen.core.claims import at_least, holds

    def tw1_quantile(p):
        # Chiani's (2014) shifted-gamma approximation of TW1 (beta = 1): mean -1.2065, sd 1.2680.
        return float(gamma_law.ppf(p, 46.446, scale=0.186054) - 9.84801)

    d, reps = cfg["d"], cfg["reps"]
    ks = ks_distance(data["eigs"], semicircle_cdf)
    ks_tol = 2 * ks_scale(d, reps)
    independent = 0.87 / np.sqrt(data["eigs"].size)
    alpha = 1e-3 / (2 * reps)
    q_lo, q_hi = tw1_quantile(alpha / 2), tw1_quantile(1 - alpha / 2)
    s = d ** (-2 / 3)
    upper = (data["lmax"] >= 2 + s * q_lo) & (data["lmax"] <= 2 + s * q_hi)
    lower = (data["lmin"] >= -2 - s * q_hi) & (data["lmin"] <= -2 - s * q_lo)
    k = np.asarray(data["k"])
    mean = data["moments"].mean(axis=0)
    catalans = np.array([catalan(int(j)) for j in k], dtype=float)
    R = max(2.0 + s * q_hi, float(np.max(np.abs(data["eigs"]))))
    budget = 2 * ks_tol * R ** (2 * k)
    return {
        "follows_law": holds(ks <= ks_tol, f"KS {ks:.2g}", f"at most {ks_tol:.2g}"),
        "far_below_independent": at_least(independent / ks, 5.0, digits=0),
        "edges_tracy_widom": holds(bool(upper.all() and lower.all()),
                                   f"largest {data['lmax'].min():.4f} to {data['lmax'].max():.4f}, smallest "
                                   f"{data['lmin'].min():.4f} to {data['lmin'].max():.4f}",
                                   f"within [{2 + s * q_lo:.4f}, {2 + s * q_hi:.4f}] and its mirror image"),
        "moments_on_catalan": holds(bool(np.all(np.abs(mean - catalans) <= budget)),
                                    "deviations " + ", ".join(f"{x:.2g}" for x in np.abs(mean - catalans)),
                                    "within " + ", ".join(f"{x:.2g}" for x in budget)),
    }
