"""Figures of chapter 3 (approximation theory) against their theory.

Each check is a function of the figure's data; every check is also run on deliberately wrong data
(an error scaled by 1.2, a slope shifted, the theory of a wrong parameter) to show that it fails.
The checks run on a fresh quick computation and, for relu_interpolation_error, whose full-mode data
is committed, also on that data: it is what the PDFs show on a machine without a GPU.
"""
from __future__ import annotations

import numpy as np
import pytest
from conftest import committed_full_data, figure_determinism_test, quick_data

from figgen import barron_maurey_rate as bmr
from figgen import relu_interpolation_error as rie


@pytest.fixture(scope="module", params=["quick", "full"])
def relu_data(request):
    if request.param == "quick":
        return quick_data("relu_interpolation_error")[0]
    return committed_full_data("relu_interpolation_error")[0]


@pytest.fixture(scope="module")
def barron_data():
    return quick_data("barron_maurey_rate")[0]


@pytest.fixture(scope="module")
def width_data():
    return quick_data("two_layer_fit_width")[0]


# ----------------------------------------------------------------------------------------------
# relu_interpolation_error: p^2 sup-error -> pi^2/2 within 1 % for p >= 32, below h^2||f''||/8
# everywhere; the step net's error is below L/p and p * error -> L = 2 pi.

def rounding_slack(p: int) -> float:
    """Worst-case rounding of the forward pass: p + 1 terms summed, weights sum(|c_k|) + |bias|.

    At p = 8192 the exact error bound is 7e-8, and the computed error exceeds it by 1e-14 at most
    (the committed full data), well within this slack of about 6e-11.
    """
    _, coef, bias = rie.relu_network(int(p))
    return (int(p) + 1) * np.finfo(float).eps * (np.abs(coef).sum() + abs(bias) + 1.0)


def relu_check(data, limit=rie.theory_relu_limit(), bound=rie.theory_relu_bound, p_min=32, tol=0.01):
    p, err = data["p"], data["relu_sup_error"]
    if np.any(err > bound(p) + np.array([rounding_slack(q) for q in p])):
        return False
    big = p >= p_min
    return bool(big.sum() >= 3 and np.all(np.abs(p[big] ** 2 * err[big] / limit - 1) <= tol))


def step_check(data, lipschitz=rie.LIPSCHITZ, p_min=32, tol=0.01):
    p, err = data["p"], data["step_sup_error"]
    if np.any(err > lipschitz / p * (1 + 1e-9)):
        return False
    big = p >= p_min
    return bool(np.all(np.abs(p[big] * err[big] / lipschitz - 1) <= tol))


def test_relu_interpolation_matches_theory(relu_data):
    assert relu_check(relu_data)
    assert step_check(relu_data)


def test_relu_interpolation_check_fails_on_wrong_data(relu_data):
    scaled = dict(relu_data, relu_sup_error=1.2 * relu_data["relu_sup_error"])
    assert not relu_check(scaled)
    shifted = dict(relu_data, relu_sup_error=relu_data["relu_sup_error"] * relu_data["p"] ** 0.1)
    assert not relu_check(shifted)
    # The theory of a wrong target: sin(3 pi x) has ||f''||/8 = 9 pi^2 / 8.
    assert not relu_check(relu_data, limit=9 * np.pi**2 / 8)
    assert not step_check(dict(relu_data, step_sup_error=1.2 * relu_data["step_sup_error"]))
    assert not step_check(relu_data, lipschitz=3 * np.pi)


def test_relu_network_is_exact_interpolant():
    for p in (1, 5, 16):
        knots, coef, bias = rie.relu_network(p)
        assert len(knots) == len(coef) == p          # p hidden ReLU units
        nodes = np.arange(p + 1) / p
        np.testing.assert_allclose(rie.relu_forward(nodes, knots, coef, bias), rie.target(nodes),
                                   atol=1e-12)
        mid = (nodes[:-1] + nodes[1:]) / 2           # linear between the nodes
        np.testing.assert_allclose(rie.relu_forward(mid, knots, coef, bias),
                                   (rie.target(nodes[:-1]) + rie.target(nodes[1:])) / 2, atol=1e-12)


# ----------------------------------------------------------------------------------------------
# barron_maurey_rate: p E||f_p - f||^2 = C_d (C_10 = 0.191), slope -1 on log-log.

def barron_check(data, constant=bmr.theory_constant, z=4.0, pooled_tol=0.05, slope_tol=0.1):
    p = data["p"]
    for i, d in enumerate(data["dims"]):
        mean, sem = data["error"][i], data["sem"][i]
        theory = constant(d) / p
        if np.any(np.abs(mean - theory) > z * sem):
            return False
        if abs(np.mean(p * mean) / constant(d) - 1) > pooled_tol:
            return False
    slopes = bmr.fitted_slopes(data)
    return bool(np.all(np.abs(slopes + 1) <= slope_tol))


def test_barron_constant_value():
    assert bmr.theory_constant(10) == pytest.approx(0.191, abs=5e-4)
    assert np.all(bmr.theory_constant(np.array([1, 2, 10, 100, 1e4])) < 0.5)


def test_barron_rate_matches_theory(barron_data):
    assert 10 in list(barron_data["dims"])
    assert barron_check(barron_data)


def test_barron_check_fails_on_wrong_data(barron_data):
    assert not barron_check(dict(barron_data, error=1.2 * barron_data["error"]))
    assert not barron_check(dict(barron_data, error=barron_data["error"] * barron_data["p"] ** 0.2))
    # The theory of a wrong dimension: C_2 used for every d.
    assert not barron_check(barron_data, constant=lambda d: bmr.theory_constant(2))


# ----------------------------------------------------------------------------------------------
# two_layer_fit_width: the fit improves with width (best seed decreasing, median down 100-fold).

def width_check(data, factor=100.0):
    test = data["test_mse"]
    best = test.min(axis=1)
    median = np.median(test, axis=1)
    return bool(np.all(np.diff(best) < 0) and median[0] / median[-1] >= factor
                and np.all(np.diff(data["widths"]) > 0))


def test_fit_improves_with_width(width_data):
    assert width_check(width_data)
    # Train and test errors agree (the test grid is dense, the target smooth): no overfitting.
    assert np.all(width_data["test_mse"] <= 3 * width_data["train_mse"] + 1e-4)


def test_width_check_fails_on_wrong_data(width_data):
    reversed_ = dict(width_data, test_mse=width_data["test_mse"][::-1])
    assert not width_check(reversed_)
    flat = dict(width_data, test_mse=np.broadcast_to(width_data["test_mse"][:1], width_data["test_mse"].shape))
    assert not width_check(flat)


test_quick_mode_is_deterministic = figure_determinism_test("barron_maurey_rate", "relu_interpolation_error", "two_layer_fit_width")
