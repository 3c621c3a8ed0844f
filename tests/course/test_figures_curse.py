"""Chapter 2 (the curse of dimensionality): both figures against their theory.

For x, x' uniform on [0,1]^d, the mean d/6 and the ratio std/mean = sqrt(7/(5d)) of ||x - x'||^2
are checked in units of the run's own standard errors, point by point (Bonferroni over the points)
and pooled over the dimensions, which catches a systematic error of 2 % that single points at this
size cannot; the histograms are checked against the exact law of the bins by a chi-square test on
the counts. The mean nearest-neighbour distance on the unit torus must be within 5 % of
int_0^{1/2} (1 - V_d r^d)^n dr (the course reference), with a log-log slope in n close to -1/d.
Each check is a function of the data returning what fails, and is also run on deliberately wrong
data (values off by 2 %, the theory of a wrong dimension, a shifted slope) to see it fail; the
theory checks run on a fresh quick computation and on the committed full-mode data.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.stats import chi2, norm

from figgen import distance_concentration as dc
from figgen import nearest_neighbour_distance as nn
from conftest import committed_full_data, figure_determinism_test, quick_data

# Family-wise false-alarm probability of each statistical check on correct data.
ALPHA = 1e-3
NN_TOL = 0.05
# |slope + 1/d| <= SLOPE_TOL / d: the fitted exponent within 5 % of -1/d.
SLOPE_TOL = 0.05


@pytest.fixture(scope="module")
def quick():
    """Both figures computed once in quick mode (shared with the determinism test)."""
    return {name: quick_data(name) for name in ("distance_concentration", "nearest_neighbour_distance")}


# ------------------------------------------------------------------------------------------------
# Checks, as functions of the data


def check_distances(data: dict, dims=None) -> list[str]:
    """Mean and std/mean of ||x - x'||^2 against d/6 and sqrt(7/(5d)), in standard errors.

    Each point must be within the Bonferroni bound z_point of its prediction, and the standardised
    deviations of each quantity, summed over the (independent) dimensions and divided by the root of
    their number, within z_pool: a bias common to all dimensions adds up there. dims: the theory's d.
    """
    dims = data["dims"] if dims is None else np.asarray(dims)
    k = len(dims)
    z_point = norm.isf(ALPHA / (2 * 2 * k))   # two-sided, 2k points
    z_pool = norm.isf(ALPHA / (2 * 2))        # two-sided, two pooled statistics
    z_mean = (data["mean"] - dc.theory_mean(dims)) / data["mean_sem"]
    z_rel = (data["rel_std"] - dc.theory_rel_std(dims)) / data["rel_std_sem"]
    failures = []
    for what, z in (("mean", z_mean), ("std/mean", z_rel)):
        for d, zi in zip(data["dims"], z):
            if abs(zi) > z_point:
                failures.append(f"d={d}: {what} off by {zi:.1f} standard errors (bound {z_point:.1f})")
        pooled = float(np.sum(z) / np.sqrt(k))
        if abs(pooled) > z_pool:
            failures.append(f"{what}: pooled deviation {pooled:.1f} standard errors (bound {z_pool:.1f})")
    return failures


def check_histograms(data: dict, edges=None) -> list[str]:
    """Histogram counts against the exact law of the bins (edges: where the theory puts them).

    Heights times widths times the number of pairs are counts (if the histogram is normalised by the
    total count, as the figure's caption says). Bins expecting at least 5 pairs enter
    a chi-square statistic; the pairs in the other bins and beyond the plotted range must match
    their expected number within Poisson fluctuations.
    """
    edges = data["hist_edges"] if edges is None else np.asarray(edges)
    pairs = int(data["pairs"])
    widths = np.diff(data["hist_edges"])
    n_hist = len(data["hist_dims"])
    failures = []
    for d, h in zip(data["hist_dims"], data["hists"]):
        counts = h * widths * pairs
        expected = pairs * dc.exact_bin_probabilities(edges, int(d))
        big = expected >= 5
        stat = float(np.sum((counts[big] - expected[big]) ** 2 / expected[big]))
        bound = chi2.isf(ALPHA / (2 * n_hist), int(big.sum()))
        if stat > bound:
            failures.append(f"d={d}: chi-square {stat:.0f} on {int(big.sum())} bins (bound {bound:.0f})")
        rest_obs = pairs - counts[big].sum()
        rest_exp = pairs - expected[big].sum()
        z = norm.isf(ALPHA / (4 * n_hist))
        if abs(rest_obs - rest_exp) > z * np.sqrt(rest_exp) + 1:
            failures.append(f"d={d}: {rest_obs:.0f} pairs in the sparse bins and the tail, "
                            f"{rest_exp:.1f} expected")
    return failures


def check_nn(data: dict, dims=None) -> list[str]:
    """Mean NN distance within 5 % of the exact integral, and the fitted slope within 5 % of -1/d."""
    dims = data["dims"] if dims is None else np.asarray(dims)
    failures = []
    for i, (d, d_theory) in enumerate(zip(data["dims"], dims)):
        theory = nn.theory(data["n"], int(d_theory))
        err = np.max(np.abs(data["mean"][i] / theory - 1))
        if err > NN_TOL:
            failures.append(f"d={d}: mean NN distance off by {100 * err:.1f} %")
        slope = nn.fitted_slope(data["n"], data["mean"][i])
        if abs(slope + 1 / d_theory) > SLOPE_TOL / d_theory:
            failures.append(f"d={d}: slope {slope:.3f}, expected {-1 / d_theory:.3f}")
    return failures


# ------------------------------------------------------------------------------------------------
# The theory functions themselves


def test_theory_moments_match_direct_integration():
    # u - u' has density 1 - |t| on [-1, 1]: its second and fourth moments are 1/6 and 1/15.
    m2 = quad(lambda t: t**2 * (1 - abs(t)), -1, 1)[0]
    m4 = quad(lambda t: t**4 * (1 - abs(t)), -1, 1)[0]
    for d in (1, 7, 100):
        assert math.isclose(dc.theory_mean(d), d * m2, rel_tol=1e-10)
        assert math.isclose(dc.theory_var(d), d * (m4 - m2**2), rel_tol=1e-10)
        assert math.isclose(dc.theory_rel_std(d), math.sqrt(d * (m4 - m2**2)) / (d * m2), rel_tol=1e-10)


def test_nn_theory_closed_forms():
    # d = 1: P(D > r) = (1 - 2r)^n on the circle, so E D = 1 / (2(n + 1)) exactly.
    for n in (1, 10, 1000):
        assert math.isclose(float(nn.theory(n, 1)[0]), 1 / (2 * (n + 1)), rel_tol=1e-8)
    assert math.isclose(nn.ball_volume(2), math.pi, rel_tol=1e-12)
    assert math.isclose(nn.ball_volume(3), 4 * math.pi / 3, rel_tol=1e-12)
    # The large-n equivalent: n^{1/d} E D -> Gamma(1 + 1/d) V_d^{-1/d}.
    for d in (2, 5):
        n = 1e7
        assert math.isclose(float(nn.theory(n, d)[0]), float(nn.asymptotic(n, d)), rel_tol=1e-3)


def test_batched_tree_matches_brute_force():
    rng = np.random.default_rng(1)
    state = rng.bit_generator.state
    got = nn.batched_nn_distances(rng, 3, 50, 4, 20)
    rng.bit_generator.state = state
    d, n, reps, q = 3, 50, 4, 20
    points = rng.random((reps * n, d)).reshape(reps, n, d)
    queries = rng.random((reps * q, d)).reshape(reps, q, d)
    diff = queries[:, :, None, :] - points[:, None, :, :]
    diff -= np.round(diff)  # torus displacement
    brute = np.sqrt((diff**2).sum(-1)).min(-1)
    np.testing.assert_allclose(got, brute, rtol=1e-12)


# ------------------------------------------------------------------------------------------------
# The figures' data


def test_exact_law_of_the_squared_distance():
    # d = 2 by direct numerical convolution of the density z^{-1/2} - 1 of (u - u')^2 on (0, 1].
    def cdf1(z):
        z = min(max(z, 0.0), 1.0)
        return 2 * math.sqrt(z) - z

    for s in (0.1, 0.5, 1.0, 1.7):
        direct = quad(lambda z: cdf1(s - z) * (z**-0.5 - 1), 0, min(s, 1.0), limit=200)[0]
        assert math.isclose(float(dc.exact_ratio_cdf(np.array([3 * s]), 2)[0]), direct, abs_tol=2e-5)
    # The binned law has mean 1 and variance 7/(5d), and sums to one over the support [0, 6]
    # (bins of width h: the midpoint rule adds h^2/12 to the variance, Sheppard's correction).
    h = 0.01
    edges = np.linspace(0.0, 6.0, round(6 / h) + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    for d in (4, 16, 128):
        prob = dc.exact_bin_probabilities(edges, d)
        assert math.isclose(prob.sum(), 1.0, abs_tol=1e-9)
        assert math.isclose(np.sum(prob * centres), 1.0, abs_tol=1e-6)
        var = np.sum(prob * centres**2) - 1.0 - h**2 / 12
        assert math.isclose(var, 7 / (5 * d), rel_tol=1e-4)


@pytest.fixture(scope="module")
def distance_datasets(quick):
    """The fresh quick run and the committed full-mode data that the PDFs show without a GPU."""
    return {"quick": quick["distance_concentration"][0],
            "full": committed_full_data("distance_concentration")[0]}


@pytest.mark.parametrize("mode", ["quick", "full"])
def test_distance_concentration_matches_theory(distance_datasets, mode):
    data = distance_datasets[mode]
    assert check_distances(data) == []
    assert check_histograms(data) == []


@pytest.mark.parametrize("mode", ["quick", "full"])
def test_distance_check_fails_on_data_off_by_two_percent(distance_datasets, mode):
    data = distance_datasets[mode]
    assert check_distances(dict(data, mean=1.02 * data["mean"]))
    assert check_distances(dict(data, mean=0.98 * data["mean"]))
    assert check_distances(dict(data, rel_std=1.02 * data["rel_std"]))
    assert check_distances(dict(data, rel_std=0.98 * data["rel_std"]))
    # The theory of a wrong dimension (d + 1 in place of d).
    assert check_distances(data, dims=data["dims"] + 1)
    # Squared distances 2 % too large: the same counts, against the law of the bins scaled back.
    assert check_histograms(data, edges=data["hist_edges"] / 1.02)
    # Histograms normalised by the pairs in range instead of all pairs (the old bug), or 2 % too high.
    widths = np.diff(data["hist_edges"])
    in_range = np.sum(data["hists"] * widths, axis=1, keepdims=True)
    assert check_histograms(dict(data, hists=data["hists"] / in_range))
    assert check_histograms(dict(data, hists=1.02 * data["hists"]))


def test_nearest_neighbour_distance_matches_theory(quick):
    data = quick["nearest_neighbour_distance"][0]
    assert check_nn(data) == []
    np.testing.assert_allclose(data["slopes"], -1 / data["dims"], rtol=SLOPE_TOL)


def test_nn_check_fails_on_wrong_data(quick):
    data = quick["nearest_neighbour_distance"][0]
    assert check_nn(dict(data, mean=1.2 * data["mean"]))
    # The theory of a wrong dimension.
    assert check_nn(data, dims=data["dims"] + 1)
    # A slope shifted by 0.1 / d: values within tolerance at the centre of the range, wrong exponent.
    n = data["n"].astype(float)
    centre = np.exp(np.mean(np.log(n)))
    tilt = (n / centre)[None, :] ** (-0.1 / data["dims"][:, None])
    failures = check_nn(dict(data, mean=data["mean"] * tilt))
    assert any("slope" in f for f in failures)


def test_full_config_is_larger():
    from figgen.core.runner import config

    for name in ("distance_concentration", "nearest_neighbour_distance"):
        q, f = config(name, "quick"), config(name, "full")
        assert set(q) == set(f)
    assert config("distance_concentration", "full")["pairs"] > config("distance_concentration", "quick")["pairs"]
    assert config("nearest_neighbour_distance", "full")["n_max"] > config("nearest_neighbour_distance", "quick")["n_max"]


test_quick_mode_is_deterministic = figure_determinism_test("distance_concentration", "nearest_neighbour_distance")
