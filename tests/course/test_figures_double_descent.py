"""Figures of chapter 6 (double descent): quick-mode data against the theory they illustrate.

Tolerances from the course reference: min-norm least squares within 10 % of the exact finite-size
risk away from |gamma - 1| < 0.2 (n = 200, 40 draws); random features within 5 % of the
Mei-Montanari closed form away from the peak (the simulated risk is averaged exactly over the target,
the noise and the test input, so what remains is the spread over data and weights, a few tenths of a
per cent, and the finite-size correction at d = 100, up to about 2.5 %). Each check is also run on deliberately wrong data
or a wrong theory, and must fail there.
"""
from __future__ import annotations

import numpy as np
import pytest
from conftest import figure_determinism_test, quick_data

from figgen import minnorm_double_descent as mn
from figgen import random_features_double_descent as rf
from figgen import ridge_risk as rr

NAMES = ("minnorm_double_descent", "ridge_risk", "random_features_double_descent")


@pytest.fixture(scope="module")
def computed():
    return {name: quick_data(name) for name in NAMES}


def rel_err(sim, th):
    return np.abs(np.asarray(sim) / np.asarray(th) - 1)


# --- minimum-norm least squares ------------------------------------------------------------------

def minnorm_away(data) -> np.ndarray:
    return np.abs(data["gamma"] - 1) >= 0.2 - 1e-9


def check_minnorm(data, cfg, sigma=None, tol=0.10) -> None:
    sigma = cfg["sigma"] if sigma is None else sigma
    away = minnorm_away(data)
    assert away.sum() >= 10
    finite = mn.theory_finite(data["p"], cfg["n"], cfg["r"], sigma)[away]
    limit = mn.theory_limit(data["gamma"], cfg["r"], sigma)[away]
    assert rel_err(data["risk"][away], finite).max() <= tol
    assert rel_err(data["risk"][away], limit).max() <= tol
    # The peak: the largest simulated risks sit on the two points next to gamma = 1.
    top2 = np.argsort(data["risk"])[-2:]
    assert np.all(np.abs(data["gamma"][top2] - 1) < 0.2)


def test_minnorm_matches_theory(computed):
    data, meta = computed["minnorm_double_descent"]
    assert meta["config"]["n"] == 200 and meta["config"]["reps"] == 40
    check_minnorm(data, meta["config"])


def test_minnorm_check_fails_on_wrong_data(computed):
    data, meta = computed["minnorm_double_descent"]
    cfg = meta["config"]
    with pytest.raises(AssertionError):
        check_minnorm({**data, "risk": 1.2 * data["risk"]}, cfg)
    with pytest.raises(AssertionError):
        check_minnorm(data, cfg, sigma=1.5 * cfg["sigma"])
    flat = data["risk"].copy()
    flat[~minnorm_away(data)] = flat.min()
    with pytest.raises(AssertionError):
        check_minnorm({**data, "risk": flat}, cfg, tol=np.inf)


# --- ridge ---------------------------------------------------------------------------------------

def check_ridge(data, cfg, lambdas=None, tol=0.10, atol=0.02) -> None:
    """Risk within tol (relative); bias and variance within tol or atol (on the r^2 = 1 scale),
    since a bias or variance near zero has a large relative Monte Carlo error."""
    lambdas = cfg["lambdas"] if lambdas is None else lambdas
    g = data["gamma"]
    for j, lam in enumerate(list(lambdas) + [None]):
        lam = rr.optimal_lambda(g, cfg["r"], cfg["sigma"]) if lam is None else lam
        th = rr.theory(g, lam, cfg["r"], cfg["sigma"])
        assert rel_err(data["risk"][:, j], th["risk"]).max() <= tol, j
        for key in ("bias", "variance"):
            dev = np.abs(data[key][:, j] - th[key])
            assert np.all(dev <= np.maximum(tol * th[key], atol * cfg["r"] ** 2)), (key, j)


def test_ridge_matches_theory(computed):
    data, meta = computed["ridge_risk"]
    check_ridge(data, meta["config"])


def test_ridge_optimal_lambda_is_best(computed):
    data, meta = computed["ridge_risk"]
    cfg = meta["config"]
    g = np.linspace(0.05, 4, 200)
    best = rr.theory(g, rr.optimal_lambda(g, cfg["r"], cfg["sigma"]), cfg["r"], cfg["sigma"])["risk"]
    for lam in (0.003, 0.03, 0.3, 3.0):
        assert np.all(best <= rr.theory(g, lam, cfg["r"], cfg["sigma"])["risk"] + 1e-12)
    # The optimal risk is r^2 kappa/(1 + kappa) and increases with gamma: no peak.
    k = rr.kappa(g, rr.optimal_lambda(g, cfg["r"], cfg["sigma"]))
    assert np.allclose(best, cfg["r"] ** 2 * k / (1 + k))
    assert np.all(np.diff(best) > 0)
    # In the simulation too, the optimally tuned column is never clearly beaten.
    assert np.all(data["risk"][:, -1] <= 1.1 * data["risk"][:, :-1].min(axis=1))


def test_ridge_kappa_reduces_to_ridgeless():
    g = np.array([0.3, 0.7, 1.5, 3.0])
    th = rr.theory(g, 1e-12, 1.0, 0.5)
    assert np.allclose(th["risk"], mn.theory_limit(g, 1.0, 0.5), rtol=1e-5)


def test_ridge_check_fails_on_wrong_data(computed):
    data, meta = computed["ridge_risk"]
    cfg = meta["config"]
    with pytest.raises(AssertionError):
        check_ridge({**data, "risk": 1.2 * data["risk"]}, cfg)
    with pytest.raises(AssertionError):
        check_ridge({**data, "variance": 1.2 * data["variance"]}, cfg)
    with pytest.raises(AssertionError):
        check_ridge(data, cfg, lambdas=[3 * lam for lam in cfg["lambdas"]])


# --- random features -----------------------------------------------------------------------------

def rf_theory(data, cfg, n_over_d=None):
    n_over_d = cfg["n"] / cfg["d"] if n_over_d is None else n_over_d
    return rf.theory(data["N"] / cfg["d"], n_over_d, rf.MU1 / rf.MU_STAR, cfg["F1"], cfg["tau"])


def check_rf(data, cfg, n_over_d=None, tol=0.05) -> None:
    ratio = data["N"] / cfg["n"]
    away = np.abs(ratio - 1) >= 0.3
    assert away.sum() >= 8
    assert rel_err(data["risk"][away], rf_theory(data, cfg, n_over_d)[away]).max() <= tol
    # Peak at N = n: the maximum is next to the threshold, and the risk decreases on both sides.
    peak = int(np.argmax(data["risk"]))
    assert abs(ratio[peak] - 1) <= 0.15
    left = (ratio > 0.5) & (ratio < 1)
    right = ratio > 1
    assert np.all(np.diff(data["risk"][left]) > 0)
    assert np.all(np.diff(data["risk"][right]) < 0)


def test_random_features_matches_mei_montanari(computed):
    data, meta = computed["random_features_double_descent"]
    check_rf(data, meta["config"])


def test_random_features_check_fails_on_wrong_data(computed):
    data, meta = computed["random_features_double_descent"]
    cfg = meta["config"]
    with pytest.raises(AssertionError):
        check_rf({**data, "risk": 1.2 * data["risk"]}, cfg)
    with pytest.raises(AssertionError):
        check_rf(data, cfg, n_over_d=2 * cfg["n"] / cfg["d"])
    # A peak moved to N = 2n fails the location test, whatever the tolerance.
    shifted = data["risk"].copy()
    shifted[np.argmin(np.abs(data["N"] / cfg["n"] - 2))] = 10 * shifted.max()
    with pytest.raises(AssertionError):
        check_rf({**data, "risk": shifted}, cfg, tol=np.inf)


def test_random_features_closed_form_matches_monte_carlo():
    """The exact average of the test risk over x, beta and the noise (given X and W) against a
    plain Monte Carlo average over draws of beta, noise and Gaussian test points."""
    import math

    import torch

    gen = torch.Generator().manual_seed(3)
    d, n, N, tau = 10, 30, 45, 0.3
    X = rf._sphere((1, n, d), gen, "cpu")
    W = rf._sphere((1, N, d), gen, "cpu")
    exact = float(rf.mean_risk(X, W, 1.0, tau))
    P = rf._pinv(torch.relu(X @ W.transpose(1, 2) / math.sqrt(d)))
    draws = 400
    beta = torch.randn(draws, d, 1, generator=gen, dtype=torch.float64)
    beta = beta / beta.norm(dim=1, keepdim=True)
    a = P @ (X @ beta + tau * torch.randn(draws, n, 1, generator=gen, dtype=torch.float64))
    xt = torch.randn(draws, 4000, d, generator=gen, dtype=torch.float64)
    risk = ((torch.relu(xt @ W.transpose(1, 2) / math.sqrt(d)) @ a - xt @ beta) ** 2).mean(dim=(1, 2))
    se = float(risk.std()) / math.sqrt(draws)
    assert abs(float(risk.mean()) - exact) <= 4 * se
    # The closed form of a wrong noise level is seen to be wrong at this precision.
    assert abs(float(risk.mean()) - float(rf.mean_risk(X, W, 1.0, 2 * tau))) > 4 * se


test_quick_mode_is_deterministic = figure_determinism_test("minnorm_double_descent", "random_features_double_descent", "ridge_risk")
