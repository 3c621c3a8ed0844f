"""Marchenko-Pastur law: spectrum of the sample covariance of isotropic Gaussian data.

Theory (Marchenko and Pastur 1967; see also Anderson, Guionnet and Zeitouni 2010, sec. 2.1, and
Couillet and Liao 2022, ch. 2). Let X in R^{n x d} have i.i.d. N(0, 1) entries and let d/n -> gamma
in (0, infinity). The empirical spectral distribution of the d x d matrix X^T X / n converges
almost surely to the Marchenko-Pastur law of ratio gamma:

    mu_gamma(dx) = (1 - 1/gamma)_+ delta_0(dx) + sqrt((g+ - x)(x - g-)) / (2 pi gamma x) 1[g-, g+](x) dx,

with edges g+- = (1 +- sqrt(gamma))^2. The population covariance is the identity: every eigenvalue
would be 1 if the sample covariance were reliable. Chapter 5 (notes/chapters/random-matrices.tex)
derives the law from the fixed-point equation gamma z m^2 - (1 - gamma - z) m + 1 = 0 satisfied by
its Stieltjes transform m(z).

For gamma > 1 the d x d matrix has rank n: its nonzero eigenvalues are those of the n x n matrix
X X^T / n, which is what we diagonalise, and the remaining d - n eigenvalues are exactly 0.
"""
from __future__ import annotations

import numpy as np

CONFIG = {
    "quick": {"d": 500, "gammas": [0.5, 2.0], "reps": 1, "bins": 50, "seed": 0},
    "full": {"d": 2000, "gammas": [0.5, 2.0], "reps": 8, "bins": 80, "seed": 0},
}


def mp_edges(gamma: float) -> tuple[float, float]:
    """The edges (1 - sqrt(gamma))^2 and (1 + sqrt(gamma))^2 of the continuous part."""
    s = np.sqrt(gamma)
    return (1.0 - s) ** 2, (1.0 + s) ** 2


def mp_atom(gamma: float) -> float:
    """Mass (1 - 1/gamma)_+ of the atom at 0."""
    return max(0.0, 1.0 - 1.0 / gamma)


def mp_density(x: np.ndarray, gamma: float) -> np.ndarray:
    """Density sqrt((g+ - x)(x - g-)) / (2 pi gamma x) of the continuous part (zero outside)."""
    x = np.asarray(x, dtype=float)
    lo, hi = mp_edges(gamma)
    inside = (x > lo) & (x < hi) & (x > 0)
    out = np.zeros_like(x)
    xi = x[inside]
    out[inside] = np.sqrt((hi - xi) * (xi - lo)) / (2 * np.pi * gamma * xi)
    return out


def mp_stieltjes(z: np.ndarray, gamma: float) -> np.ndarray:
    """m(z) = int mu_gamma(dx) / (x - z), the root of gamma z m^2 + (z - 1 + gamma) m + 1 = 0
    that behaves like -1/z at infinity: (1 - gamma - z + sqrt(z - g-) sqrt(z - g+)) / (2 gamma z),
    with principal square roots (their product has the branch cut [g-, g+])."""
    z = np.asarray(z, dtype=complex)
    lo, hi = mp_edges(gamma)
    return (1 - gamma - z + np.sqrt(z - lo) * np.sqrt(z - hi)) / (2 * gamma * z)


def mp_cdf(x: np.ndarray, gamma: float, grid: int = 4001) -> np.ndarray:
    """Distribution function of mu_gamma, atom included (right-continuous at 0).

    On [g-, g+] put x = (g- + g+)/2 - ((g+ - g-)/2) cos t, t in [0, pi]; then
    sqrt((g+ - x)(x - g-)) dx = ((g+ - g-)/2)^2 sin^2 t dt and the integrand is smooth in t.
    """
    x = np.asarray(x, dtype=float)
    lo, hi = mp_edges(gamma)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    t = np.linspace(0.0, np.pi, grid)
    xt = mid - half * np.cos(t)
    integrand = half**2 * np.sin(t) ** 2 / (2 * np.pi * gamma * xt)
    cont = np.concatenate([[0.0], np.cumsum((integrand[1:] + integrand[:-1]) / 2 * np.diff(t))])
    tx = np.arccos(np.clip((mid - x) / half, -1.0, 1.0))
    out = mp_atom(gamma) * (x >= 0) + np.interp(tx, t, cont) * (x > lo)
    return np.where(x >= hi, 1.0, out)


def ks_distance(eigs: np.ndarray, cdf) -> float:
    """sup_x |F_emp(x) - F(x)| for the empirical distribution of `eigs` and a distribution function."""
    e = np.sort(np.asarray(eigs, dtype=float))
    m = len(e)
    # Evaluate at every jump of the empirical distribution function, from both sides.
    vals, first = np.unique(e, return_index=True)
    last = np.append(first[1:], m)  # number of points <= each distinct value
    f = cdf(vals)
    f_left = cdf(np.nextafter(vals, -np.inf))
    return float(max(np.max(np.abs(last / m - f)), np.max(np.abs(first / m - f_left))))


def sample_spectrum(rng: np.random.Generator, d: int, gamma: float) -> np.ndarray:
    """Eigenvalues of X^T X / n, X an n x d standard Gaussian matrix with n = round(d / gamma)."""
    n = int(round(d / gamma))
    X = rng.standard_normal((n, d))
    if n >= d:
        return np.linalg.eigvalsh(X.T @ X / n)
    nonzero = np.linalg.eigvalsh(X @ X.T / n)
    return np.concatenate([np.zeros(d - n), nonzero])


def compute(cfg: dict, device: str) -> dict:
    rng = np.random.default_rng(cfg["seed"])
    d, reps = cfg["d"], cfg["reps"]
    gammas = np.array(cfg["gammas"], dtype=float)
    eigs = np.empty((len(gammas), reps * d))
    lmin = np.empty((len(gammas), reps))
    lmax = np.empty((len(gammas), reps))
    for g, gamma in enumerate(gammas):
        for r in range(reps):
            ev = sample_spectrum(rng, d, gamma)
            eigs[g, r * d:(r + 1) * d] = ev
            positive = ev[ev > 0] if gamma > 1 else ev
            lmin[g, r], lmax[g, r] = positive.min(), positive.max()
    ns = np.array([int(round(d / gamma)) for gamma in gammas])
    return {"gammas": gammas, "n": ns, "eigs": eigs, "lmin": lmin, "lmax": lmax}


def plot(data: dict, cfg: dict):
    from figgen.core.style import PALETTE, new_figure

    gammas = data["gammas"]
    fig, axs = new_figure(rel_width=1.0, ratio=0.75, ncols=len(gammas))
    axs = np.atleast_1d(axs)
    d = cfg["d"]
    for ax, gamma, eigs, n in zip(axs, gammas, data["eigs"], data["n"]):
        lo, hi = mp_edges(gamma)
        zero = eigs == 0
        nonzero = eigs[~zero]
        bins = np.linspace(0.0, hi * 1.08, cfg["bins"] + 1)
        # Heights are counts / (all eigenvalues x bin width): the bars integrate to the mass of the
        # continuous part, like the density drawn over them.
        weights = np.full(len(nonzero), 1.0 / (len(eigs) * (bins[1] - bins[0])))
        ax.hist(nonzero, bins=bins, weights=weights, color=PALETTE["sky"], alpha=0.75,
                edgecolor="white", linewidth=0.3, label="eigenvalues")
        grid = np.linspace(lo, hi, 600)
        ax.plot(grid, mp_density(grid, gamma), color=PALETTE["black"],
                label="Marchenko--Pastur")
        ax.axvline(1.0, color=PALETTE["vermillion"], linestyle=":", linewidth=1.0,
                   label="population eigenvalue")
        for edge in (lo, hi):
            ax.axvline(edge, color=PALETTE["black"], linestyle="--", linewidth=0.6, alpha=0.7)
        top = 1.25 * max(mp_density(grid, gamma).max(), 1e-9)
        if gamma > 1:
            ax.annotate(
                "atom at $0$: mass ${:.3f}$\n(theory $1-1/\\gamma={:.3f}$)".format(zero.mean(), mp_atom(gamma)),
                xy=(0.0, 0.82 * top), xytext=(0.42 * hi, 0.86 * top), fontsize=7,
                arrowprops=dict(arrowstyle="->", linewidth=0.6), va="center")
            ax.plot([0, 0], [0, 0.82 * top], color=PALETTE["vermillion"], linewidth=2.0)
        ax.set_ylim(0, top * 1.05)
        ax.set_xlim(-0.04 * hi, hi * 1.08)
        ax.set_title(rf"$\gamma = d/n = {gamma:g}$ ($d={d}$, $n={n}$)")
        ax.set_xlabel(r"eigenvalue $\lambda$ of $X^\top X/n$")
    axs[0].set_ylabel("density")
    axs[0].legend(loc="upper right", fontsize=7)
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    ks = [ks_distance(e, lambda x, g=g: mp_cdf(x, g)) for g, e in zip(data["gammas"], data["eigs"])]
    out = {"ks_max": round(max(ks), 4)}
    for i, value in enumerate(ks):
        out[f"ks{i}"] = round(value, 4)
    return out
