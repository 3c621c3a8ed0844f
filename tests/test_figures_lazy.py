"""Chapter 4 (lazy limit): the quick-mode data of each figure agrees with the theory it illustrates.

Tolerances follow the course reference (REFERENCE.md, "Lazy limit"): the relative parameter change
decays with a fitted log-log slope in [-0.65, -0.35] in the NTK scaling and is flat (|slope| < 0.1) in
the mean-field scaling; the empirical NTK converges to the analytic one at rate m^{-1/2}. Every check
is also run on deliberately wrong data, which it must reject.
"""
from __future__ import annotations

import numpy as np
import pytest
from conftest import quick_data
import torch

from figgen.lib import twolayer
from figgen import lazy_weight_change as lwc
from figgen import ntk_empirical_vs_analytic as nea


@pytest.fixture(scope="module")
def lazy_data():
    return quick_data("lazy_weight_change")[0]


@pytest.fixture(scope="module")
def ntk_data():
    return quick_data("ntk_empirical_vs_analytic")[0]


@pytest.fixture(scope="module")
def spectrum_data():
    return quick_data("ntk_spectrum")[0]


# ----------------------------------------------------------------------------- checks on data
def check_lazy_slopes(data: dict) -> None:
    m = data["widths"]
    slope_ntk = lwc.fitted_slope(m, data["rel_change"][0])
    slope_mf = lwc.fitted_slope(m, data["rel_change"][1])
    assert -0.65 <= slope_ntk <= -0.35, f"NTK-scaling slope {slope_ntk:.3f} outside [-0.65, -0.35]"
    assert abs(slope_mf) <= 0.1, f"mean-field slope {slope_mf:.3f} not near 0"


def check_trained(data: dict, tol: float = 1e-3) -> None:
    """Both parametrisations must actually have fitted the data (the comparison is at convergence)."""
    worst = float(data["final_loss"].max())
    assert worst <= tol * float(np.ravel(data["initial_loss"])[0]), f"training loss {worst:.2e} too large"


def check_ntk_concentration(data: dict, X: np.ndarray, a4: float = 3.0) -> None:
    ratio = data["rms"] / nea.theory(data["widths"], X, a4)
    assert np.all(np.abs(ratio - 1) <= 0.15), f"RMS error / theory = {np.round(ratio, 3)}"
    # The average over widths is much more precise than one width: 5 %.
    assert abs(np.exp(np.mean(np.log(ratio))) - 1) <= 0.05, f"mean ratio {np.exp(np.mean(np.log(ratio))):.3f}"
    slope = nea.fitted_slope(data["widths"], data["rms"])
    assert -0.6 <= slope <= -0.4, f"slope {slope:.3f} not near -1/2"


def check_spectrum(data: dict) -> None:
    ev = data["eig_analytic"]
    assert ev[-1] > 0, "analytic NTK Gram is not positive definite"
    # Large width: every eigenvalue at initialisation and after training within 5 % of lambda_max
    # of the analytic one (Weyl), and the Gram moves by less than 5 % during training.
    for key in ("eig_init", "eig_trained"):
        dev = np.abs(data[key][-1] - ev).max() / ev[0]
        assert dev <= 0.05, f"{key}: eigenvalues off by {dev:.3f} lambda_max at the largest width"
    assert data["change_train"][-1].mean() <= 0.05, "Gram moved too much at the largest width"
    # Moderate width: visibly less lazy, by more than the sqrt(m) ratio's half.
    ratio = data["change_train"][0].mean() / data["change_train"][-1].mean()
    expected = np.sqrt(data["widths"][-1] / data["widths"][0])
    assert ratio >= expected / 2, f"change ratio {ratio:.1f} below sqrt-width ratio {expected:.1f} / 2"


# ----------------------------------------------------------------------------- real data passes
def test_lazy_weight_change_slopes(lazy_data):
    check_lazy_slopes(lazy_data)
    check_trained(lazy_data)


def test_ntk_concentrates_at_rate_m_minus_half(ntk_data):
    check_ntk_concentration(ntk_data, ntk_data["X"])


def test_ntk_spectrum_lazy_at_large_width(spectrum_data):
    check_spectrum(spectrum_data)
    assert spectrum_data["final_loss"].max() < 1e-4


# ----------------------------------------------------------------------------- wrong data fails
def test_lazy_check_rejects_wrong_slopes(lazy_data):
    m = lazy_data["widths"].astype(float)
    flat = dict(lazy_data, rel_change=lazy_data["rel_change"].copy())
    flat["rel_change"][0] = flat["rel_change"][0] * np.sqrt(m)[:, None]  # NTK slope shifted by +1/2
    with pytest.raises(AssertionError):
        check_lazy_slopes(flat)
    steep = dict(lazy_data, rel_change=lazy_data["rel_change"].copy())
    steep["rel_change"][1] = steep["rel_change"][1] / np.sqrt(m)[:, None]  # mean field made lazy
    with pytest.raises(AssertionError):
        check_lazy_slopes(steep)
    untrained = dict(lazy_data, final_loss=lazy_data["final_loss"] + 0.1)
    with pytest.raises(AssertionError):
        check_trained(untrained)


def test_ntk_check_rejects_wrong_data(ntk_data):
    X = ntk_data["X"]
    with pytest.raises(AssertionError):
        check_ntk_concentration(dict(ntk_data, rms=1.2 * ntk_data["rms"]), X)
    # The variance of a network with sign second-layer weights (E a^4 = 1) is a wrong theory here.
    with pytest.raises(AssertionError):
        check_ntk_concentration(ntk_data, X, a4=1.0)
    m = ntk_data["widths"].astype(float)
    with pytest.raises(AssertionError):
        check_ntk_concentration(dict(ntk_data, rms=ntk_data["rms"] * (m / m[0]) ** 0.15), X)


def test_spectrum_check_rejects_wrong_data(spectrum_data):
    shifted = dict(spectrum_data, eig_init=spectrum_data["eig_init"] * 1.2)
    with pytest.raises(AssertionError):
        check_spectrum(shifted)
    moved = dict(spectrum_data, change_train=spectrum_data["change_train"] * np.array([[1.0], [10.0]]))
    with pytest.raises(AssertionError):
        check_spectrum(moved)


# ----------------------------------------------------------------------------- the formulas themselves
def test_analytic_ntk_matches_monte_carlo_and_gradients():
    """The closed form against a direct Monte Carlo average and against autograd gradients."""
    rng = np.random.default_rng(0)
    X = twolayer.sphere_inputs(6, 4, rng) * rng.uniform(0.5, 2.0, size=(6, 1))
    first, second = twolayer.relu_ntk_parts(X)
    W = rng.standard_normal((400_000, 4))
    a = rng.standard_normal(400_000)
    Z = np.maximum(X @ W.T, 0)
    mc_second = Z @ Z.T / W.shape[0]
    mc_first = ((Z > 0) * a**2) @ (Z > 0).T / W.shape[0] * (X @ X.T)
    assert np.abs(mc_second - second).max() < 0.02
    assert np.abs(mc_first - first).max() < 0.02
    # empirical_ntk equals the Gram of autograd parameter gradients
    gen = torch.Generator().manual_seed(0)
    Wt, a_t = twolayer.init_params(1, 7, 4, gen, "cpu")
    Xt = torch.tensor(X, dtype=torch.float32)
    scale = torch.tensor([7 ** -0.5])
    rows = []
    for x in Xt:
        w = Wt.clone().requires_grad_(True)
        b = a_t.clone().requires_grad_(True)
        twolayer.forward(w, b, x[None], scale).sum().backward()
        rows.append(torch.cat([w.grad.ravel(), b.grad.ravel()]))
    J = torch.stack(rows)
    K = twolayer.empirical_ntk(Wt, a_t, Xt, scale)[0]
    assert torch.allclose(J @ J.T, K, atol=1e-5)


def test_hand_written_gradient_step_matches_autograd():
    gen = torch.Generator().manual_seed(1)
    X = torch.tensor(twolayer.sphere_inputs(5, 3, np.random.default_rng(1)), dtype=torch.float64)
    y = torch.randn(5, generator=gen, dtype=torch.float64)
    Wt, a = twolayer.init_params(2, 6, 3, gen, "cpu")
    Wt, a = Wt.double(), a.double()
    scale = torch.tensor([6 ** -0.5, 1 / 6], dtype=torch.float64)
    lr = torch.tensor([0.3, 0.3 * 6], dtype=torch.float64)
    w = Wt.clone().requires_grad_(True)
    b = a.clone().requires_grad_(True)
    loss = 0.5 * ((twolayer.forward(w, b, X, scale) - y) ** 2).mean(1).sum()
    loss.backward()
    W1, a1 = Wt.clone(), a.clone()
    twolayer.train_gd(W1, a1, X, y, scale, lr, 1)
    assert torch.allclose(W1, Wt - lr[:, None, None] * w.grad)
    assert torch.allclose(a1, a - lr[:, None, None] * b.grad)


def test_second_moment_formula_against_monte_carlo():
    rng = np.random.default_rng(3)
    X = twolayer.sphere_inputs(5, 3, rng)
    W = rng.standard_normal((400_000, 3))
    a = rng.standard_normal(400_000)
    Z = X @ W.T
    H, M = np.maximum(Z, 0), (Z > 0).astype(float)
    ip = X @ X.T
    mc = np.einsum("ij,kj->ik", H**2, H**2) + 2 * ip * np.einsum("ij,kj->ik", H * M, H * M) \
        + ip**2 * np.einsum("ij,kj->ik", M * a**4, M)
    mc /= W.shape[0]
    assert np.abs(mc - nea.second_moment(X)).max() / np.abs(mc).max() < 0.03
