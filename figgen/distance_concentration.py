"""Concentration of pairwise distances: ||x - x'||^2 for x, x' uniform on the cube [0,1]^d.

Theory. ||x - x'||^2 = sum_k (u_k - u'_k)^2 is a sum of d i.i.d. terms. u - u' has the triangular
density 1 - |t| on [-1, 1], so E(u - u')^2 = 1/6 and E(u - u')^4 = 1/15, hence
E||x - x'||^2 = d/6, Var ||x - x'||^2 = 7d/180 and std/mean = sqrt(7/(5d)): the squared distance
concentrates around its mean, with relative fluctuations of order d^{-1/2}, and by the central limit
theorem its law is close to N(d/6, 7d/180) (chapter "The curse of dimensionality"; see also
Beyer et al. 1999, "When is nearest neighbor meaningful?").

Exact law. Z = (u - u')^2 has P(Z <= z) = 2 sqrt(z) - z on [0, 1] and characteristic function
E e^{itZ} = 2 int_0^1 (1 - s) e^{its^2} ds, a Fresnel integral. ||x - x'||^2 is a sum of d copies
supported in [0, d], so its law is the Fourier series on the period d with coefficients
(E e^{-2 pi i k Z / d})^d; integrated over a bin, the series gives the exact probability of the bin
(for d = 2, where the series converges slowly, one quadrature of the convolution does it). The
figure draws this law rather than the normal one of the CLT, which misses the skewness of the law
in the tails, where a run of this size resolves it.
"""
from __future__ import annotations

import functools

import numpy as np

CONFIG = {
    "quick": {"dims": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], "pairs": 20000,
              "hist_dims": [2, 16, 128, 1024], "bins": 60, "chunk": 64, "seed": 0},
    "full": {"dims": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192], "pairs": 200000,
             "hist_dims": [2, 16, 128, 1024], "bins": 80, "chunk": 64, "seed": 0},
}

ALT = (
    "Three panels on the squared distance between two independent uniform points of the d-dimensional "
    "unit cube. Left: histograms of the squared distance divided by its mean d/6, for d = "
    "{hist_dims}, each with its exact law as a dashed step line, which it follows; the histograms "
    "narrow around 1 as d grows. Middle and right: the mean squared distance and the ratio of its "
    "standard deviation to its mean against d from 1 to {dmax}, all axes logarithmic, with simulation "
    "markers on the theory lines d/6 and the square root of 7/(5d): the mean grows in proportion to d "
    "while the relative spread falls."
)

# What chapter 2 (section "Distances between random points") and the ALT text say the run shows,
# checked on the data the chapter is drawn from. All follow from the proposition and the exact law,
# so they hold in every configuration; the tolerances are the run's standard errors (see claims()).
CLAIMS = {
    "follows_theory": "every marker of the middle and right panels lies within 4 of its standard "
                      "errors of d/6 or of sqrt(7/(5d))",
    "hist_follows_exact": "every histogram bin with at least 10 expected pairs lies within 4.5 binomial "
                          "standard errors of the exact law's probability of the bin",
    "hists_narrow": "the central 99 % of |ratio - 1| shrinks from each histogram's dimension to the next",
    "spread_falls": "the simulated relative standard deviation decreases from each dimension to the next",
    "above_twice_as_exact": "in the smallest histogram dimension, the share of pairs beyond twice the "
                            "mean lies within 4 binomial standard errors of its exact value",
    "central99_as_normal": "in the largest histogram dimension, the central 99 % half-width of "
                           "|ratio - 1| lies within 4 of its standard errors of 2.576 sqrt(7/(5d)), its "
                           "value for a normal law",
}
ALT_CLAIMS = ["hist_follows_exact", "hists_narrow", "follows_theory", "spread_falls"]


def theory_mean(d) -> np.ndarray:
    """E||x - x'||^2 = d/6."""
    return np.asarray(d, dtype=float) / 6.0


def theory_var(d) -> np.ndarray:
    """Var ||x - x'||^2 = d (1/15 - 1/36) = 7d/180."""
    return 7.0 * np.asarray(d, dtype=float) / 180.0


def theory_rel_std(d) -> np.ndarray:
    """std/mean of ||x - x'||^2 = sqrt(7/(5d))."""
    return np.sqrt(7.0 / (5.0 * np.asarray(d, dtype=float)))


def sq_diff_cf(t) -> np.ndarray:
    """E exp(i t Z), Z = (u - u')^2: 2 int_0^1 e^{its^2} ds - 2 int_0^1 s e^{its^2} ds in closed form."""
    from scipy.special import fresnel

    t = np.asarray(t, dtype=float)
    a = np.abs(t)
    safe = np.where(a > 0, a, 1.0)
    # int_0^1 e^{i a s^2} ds = sqrt(pi / (2a)) (C(x) + i S(x)), x = sqrt(2a / pi), for a > 0.
    sin_part, cos_part = fresnel(np.sqrt(2 * safe / np.pi))
    gauss = np.sqrt(np.pi / (2 * safe)) * (cos_part + 1j * sin_part)
    # int_0^1 s e^{i a s^2} ds = (e^{ia} - 1) / (2ia), computed as e^{ia/2} sin(a/2) / a.
    linear = np.exp(0.5j * safe) * np.sin(0.5 * safe) / safe
    value = np.where(a > 0, 2 * gauss - 2 * linear, 1.0 + 0j)
    return np.where(t >= 0, value, np.conj(value))


def _cdf_sq_diff(z) -> np.ndarray:
    """P((u - u')^2 <= z) = 2 sqrt(z) - z on [0, 1]."""
    z = np.clip(np.asarray(z, dtype=float), 0.0, 1.0)
    return 2 * np.sqrt(z) - z


def _cdf_two(s: float) -> float:
    """P(Z_1 + Z_2 <= s) = int P(Z_1 <= s - z) dP(z); z = u^2 removes the z^{-1/2} of the density."""
    import math

    from scipy.integrate import quad

    def integrand(u: float) -> float:
        w = min(max(s - u * u, 0.0), 1.0)
        return (2 * math.sqrt(w) - w) * (2 - 2 * u)

    top = math.sqrt(min(max(s, 0.0), 1.0))
    kink = math.sqrt(s - 1) if 1 < s < 2 else None   # where s - u^2 reaches 1
    return quad(integrand, 0.0, top, points=[kink] if kink else None,
                epsabs=1e-12, epsrel=1e-10, limit=200)[0]


def exact_ratio_cdf(r, d: int) -> np.ndarray:
    """P(||x - x'||^2 / (d/6) <= r): closed form (d = 1), one quadrature (d = 2), Fourier series."""
    s = np.clip(np.atleast_1d(np.asarray(r, dtype=float)) * d / 6.0, 0.0, float(d))
    if d == 1:
        return _cdf_sq_diff(s)
    if d == 2:
        return np.array([_cdf_two(float(si)) for si in s])
    # Coefficients decay like (d / (2k))^{d/2}, so the series for the distribution function
    # (an extra 1/k) converges like k^{-d/2}; stop where the tail is below about 1e-8.
    terms = int(min(2**20, max(64, np.ceil(1e8 ** (2 / d) * d / 2))))
    k = np.arange(1, terms + 1)
    coef = sq_diff_cf(-2 * np.pi * k / d) ** d / (2j * np.pi * k)
    keep = np.abs(coef) > 1e-16
    k, coef = k[keep], coef[keep]
    out = s / d
    for i, si in enumerate(s):
        out[i] += 2 * np.real(np.sum(coef * (np.exp(2j * np.pi * k * si / d) - 1.0)))
    return np.clip(out, 0.0, 1.0)


def exact_bin_probabilities(edges, d: int) -> np.ndarray:
    """P(||x - x'||^2 / (d/6) in [edges[i], edges[i+1]]) for each bin."""
    return _bin_probabilities(tuple(float(e) for e in np.asarray(edges)), int(d)).copy()


@functools.lru_cache(maxsize=64)
def _bin_probabilities(edges: tuple, d: int) -> np.ndarray:
    # Cached: the plot, the caption and the tests ask for the same bins.
    return np.diff(exact_ratio_cdf(np.array(edges), d))


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
    above_twice = np.zeros(len(hist_dims))
    central99 = np.zeros(len(hist_dims))
    pairs = cfg["pairs"]
    for d in dims:
        r = squared_distances(rng, int(d), pairs, cfg["chunk"])
        m = r.mean()
        c = r - m
        m2, m3, m4 = np.mean(c**2), np.mean(c**3), np.mean(c**4)
        s = r.std(ddof=1)
        mean.append(m)
        rel_std.append(s / m)
        mean_sem.append(s / np.sqrt(pairs))
        # Standard error of g = std/mean by the delta method, with both the sample mean and the
        # sample variance random: Var g ~ g^2 (m2/m^2 + (m4 - m2^2)/(4 m2^2) - m3/(m m2)) / N.
        g2 = m2 / m**2
        rel_std_sem.append(np.sqrt(g2 * (g2 + (m4 - m2**2) / (4 * m2**2) - m3 / (m * m2)) / pairs))
        if int(d) in hist_dims:
            i = hist_dims.index(int(d))
            ratio = r / theory_mean(d)
            # Normalised by the total count, not by the count inside the plotted range: a bin's
            # height times its width is the fraction of all pairs that fall in it.
            hists[i] = np.histogram(ratio, bins=edges)[0] / (pairs * np.diff(edges))
            above_twice[i] = np.mean(ratio > 2.0)
            central99[i] = np.quantile(np.abs(ratio - 1.0), 0.99)
    return {"dims": dims, "pairs": np.int64(pairs), "mean": np.array(mean), "rel_std": np.array(rel_std),
            "mean_sem": np.array(mean_sem), "rel_std_sem": np.array(rel_std_sem),
            "hist_dims": np.asarray(hist_dims, dtype=int), "hist_edges": edges, "hists": hists,
            "above_twice": above_twice, "central99": central99}


def plot(data: dict, cfg: dict):
    from figgen.core.style import CYCLE, PALETTE, new_figure

    fig, (ax0, ax1, ax2) = new_figure(rel_width=1.0, ncols=3, ratio=0.95)
    edges = data["hist_edges"]
    for i, d in enumerate(data["hist_dims"]):
        colour = CYCLE[i % len(CYCLE)]
        ax0.stairs(data["hists"][i], edges, color=colour, label=f"$d={int(d)}$")
        exact = exact_bin_probabilities(edges, int(d)) / np.diff(edges)
        ax0.stairs(exact, edges, color=PALETTE["black"], lw=0.6, ls="--")
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


def z_scores(data: dict) -> tuple[np.ndarray, np.ndarray]:
    """Deviations of the mean and of std/mean from d/6 and sqrt(7/(5d)), in standard errors."""
    z_mean = (data["mean"] - theory_mean(data["dims"])) / data["mean_sem"]
    z_rel = (data["rel_std"] - theory_rel_std(data["dims"])) / data["rel_std_sem"]
    return z_mean, z_rel


def caption_params(data: dict, cfg: dict) -> dict:
    from figgen.core.claims import round_up

    rel_mean = np.abs(data["mean"] / theory_mean(data["dims"]) - 1)
    rel_std = np.abs(data["rel_std"] / theory_rel_std(data["dims"]) - 1)
    hist_dims = [int(d) for d in data["hist_dims"]]
    lo, hi = int(np.argmin(hist_dims)), int(np.argmax(hist_dims))
    exact_above = 1.0 - float(exact_ratio_cdf(np.array([2.0]), hist_dims[lo])[0])
    return {"max_rel_error_percent": round(100 * float(max(rel_mean.max(), rel_std.max())), 1),
            "dmax": int(data["dims"].max()),
            "hist_dmin": hist_dims[lo], "hist_dmax": hist_dims[hi],
            "above_twice_percent": f"{100 * float(data['above_twice'][lo]):.1f}",
            "above_twice_exact_percent": f"{100 * exact_above:.1f}",
            # "99 % lie within +-x %": x rounded up, so that the printed band holds at least 99 %.
            "central99_percent": f"{round_up(100 * float(data['central99'][hi]), 1):.1f}"}


def claims(data: dict, cfg: dict) -> dict:
    """The claims of CLAIMS on one run. Tolerances, so that a true statement stops no build by chance:
    4 standard errors for the 20 to 30 markers (each beyond 4 with probability 6e-5); 4.5 for the
    histogram bins, up to about 200 of them (each beyond 4.5 with probability 7e-6), counted only
    where 10 or more pairs are expected, as the normal approximation of a binomial count needs; 4
    for the two single numbers. The standard error of the central 99 % half-width q of |ratio - 1|
    is that of a sample quantile, sqrt(0.99 * 0.01 / N) / f(q), f the density of |ratio - 1| at q
    (for the normal law of the same spread)."""
    from scipy.stats import norm

    from figgen.core.claims import at_most, count_of

    pairs = int(data["pairs"])
    z_mean, z_rel = z_scores(data)
    hist_dims = [int(d) for d in data["hist_dims"]]
    edges = data["hist_edges"]
    worst_bin = 0.0
    for i, d in enumerate(hist_dims):
        # The Fourier series leaves rounding errors of about 1e-12, of either sign, in empty bins.
        p = np.clip(exact_bin_probabilities(edges, d), 0.0, 1.0)
        counted = pairs * p >= 10
        counts = data["hists"][i] * pairs * np.diff(edges)
        z = (counts - pairs * p)[counted] / np.sqrt(pairs * p * (1 - p))[counted]
        worst_bin = max(worst_bin, float(np.abs(z).max()))
    lo, hi = int(np.argmin(hist_dims)), int(np.argmax(hist_dims))
    exact_above = 1.0 - float(exact_ratio_cdf(np.array([2.0]), hist_dims[lo])[0])
    z_above = abs(data["above_twice"][lo] - exact_above) / np.sqrt(exact_above * (1 - exact_above) / pairs)
    quantile = norm.ppf(0.995)
    spread = float(theory_rel_std(hist_dims[hi]))
    density = 2 * norm.pdf(quantile) / spread
    q_se = np.sqrt(0.99 * 0.01 / pairs) / density
    z_central = abs(data["central99"][hi] - quantile * spread) / q_se
    order = np.argsort(hist_dims)
    return {
        "follows_theory": at_most(max(np.abs(z_mean).max(), np.abs(z_rel).max()), 4.0, digits=1, unit=" SE"),
        "hist_follows_exact": at_most(worst_bin, 4.5, digits=1, unit=" SE"),
        "hists_narrow": count_of(np.diff(data["central99"][order]) < 0, CLAIMS["hists_narrow"],
                                 what="steps between histogram dimensions"),
        "spread_falls": count_of(np.diff(data["rel_std"]) < 0, CLAIMS["spread_falls"],
                                 what="steps between dimensions"),
        "above_twice_as_exact": at_most(z_above, 4.0, digits=1, unit=" SE"),
        "central99_as_normal": at_most(z_central, 4.0, digits=1, unit=" SE"),
    }
