"""Chapter 2 (the curse of dimensionality): both figures against their theory.

Tolerances are those of the course reference: for x, x' uniform on [0,1]^d, the mean d/6 and the
ratio std/mean = sqrt(7/(5d)) of ||x - x'||^2 within 3 %; the mean nearest-neighbour distance on the
unit torus within 5 % of int_0^{1/2} (1 - V_d r^d)^n dr, with a log-log slope in n close to -1/d.
Each check is a function of the data returning what fails, and is also run on deliberately wrong
data (values scaled by 1.2, the theory of a wrong dimension, a shifted slope) to see it fail.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from figgen import distance_concentration as dc
from figgen import nearest_neighbour_distance as nn
from conftest import quick_data

DIST_TOL = 0.03
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
    """Mean and std/mean of ||x - x'||^2 against d/6 and sqrt(7/(5d)) (dims: the theory's d)."""
    dims = data["dims"] if dims is None else np.asarray(dims)
    failures = []
    for d, m, rel, d_theory in zip(data["dims"], data["mean"], data["rel_std"], dims):
        err_mean = abs(m / dc.theory_mean(d_theory) - 1)
        err_rel = abs(rel / dc.theory_rel_std(d_theory) - 1)
        if err_mean > DIST_TOL:
            failures.append(f"d={d}: mean off by {100 * err_mean:.1f} %")
        if err_rel > DIST_TOL:
            failures.append(f"d={d}: std/mean off by {100 * err_rel:.1f} %")
    return failures


def check_histograms(data: dict) -> list[str]:
    """Each histogram is a density, and for d >= 128 it is close to the CLT normal N(1, 7/(5d))."""
    failures = []
    edges = data["hist_edges"]
    widths = np.diff(edges)
    for d, h in zip(data["hist_dims"], data["hists"]):
        mass = float(np.sum(h * widths))
        if d >= 16 and abs(mass - 1) > 0.01:
            failures.append(f"d={d}: histogram mass {mass:.3f} on the plotted range")
        if d >= 128:
            centres = 0.5 * (edges[1:] + edges[:-1])
            mean = np.sum(centres * h * widths) / mass
            if abs(mean - 1) > 0.01:
                failures.append(f"d={d}: histogram centred at {mean:.3f}, not 1")
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


def test_distance_concentration_matches_theory(quick):
    data = quick["distance_concentration"][0]
    assert check_distances(data) == []
    assert check_histograms(data) == []


def test_distance_check_fails_on_wrong_data(quick):
    data = dict(quick["distance_concentration"][0])
    scaled = dict(data, mean=1.2 * data["mean"])
    assert check_distances(scaled)
    wider = dict(data, rel_std=1.2 * data["rel_std"])
    assert check_distances(wider)
    # The theory of a wrong dimension (d + 1 in place of d).
    assert check_distances(data, dims=data["dims"] + 1)
    shifted = dict(data, hist_edges=data["hist_edges"] + 0.05)
    assert check_histograms(shifted)


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
