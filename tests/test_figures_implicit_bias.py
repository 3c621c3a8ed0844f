"""Chapter 7 (implicit bias): the quick-mode data of each figure against its theory.

Each check is a function of the data that returns a list of failures, so that it can be run on the
real data (must pass) and on deliberately wrong data (must fail).
"""
from __future__ import annotations

import numpy as np
import pytest
from conftest import quick_data

from figgen.core.runner import config

# Tolerances (docs: /work/shared/course/REFERENCE.md, "Implicit bias").
ANGLE_REL_TOL = 0.05        # angle(w_t, w_hat) against angle(w_hat log t + w_tilde, w_hat), t >= T/10
LOSS_REL_TOL = 0.02         # eta t L(w_t) against ||w_hat||^2 at the last iterate
DLN_TOL = 1e-2              # GD against the constrained solvers' minimisers (absolute, Euclidean)


@pytest.fixture(scope="module")
def logistic():
    return quick_data("logistic_implicit_bias")[0], config("logistic_implicit_bias", "quick")


@pytest.fixture(scope="module")
def dln():
    return quick_data("diagonal_linear_network")[0], config("diagonal_linear_network", "quick")


# ----------------------------------------------------------------------------------------------
# Logistic regression on separable data.

def check_max_margin(data: dict) -> list[str]:
    """The SLSQP primal and the L-BFGS-B dual agree, and w_hat has margin exactly one."""
    fails = []
    z = data["y"][:, None] * data["x"]
    w_hat, a = data["w_hat"], data["dual"]
    if abs(np.min(z @ w_hat) - 1) > 1e-6:
        fails.append(f"min margin of w_hat is {np.min(z @ w_hat)}, not 1")
    if np.linalg.norm(z.T @ a - w_hat) > 1e-5 * np.linalg.norm(w_hat):
        fails.append("primal w_hat differs from the dual sum_i a_i z_i")
    if np.any(a < 0) or np.any(np.abs(z[a > 0] @ w_hat - 1) > 1e-6):
        fails.append("complementary slackness fails")
    return fails


def check_angle(data: dict) -> list[str]:
    t = data["t"]
    late = t >= t[-1] / 10
    rel = np.abs(data["angle"][late] / data["theory_angle"][late] - 1)
    fails = [f"angle off the w_hat log t + w_tilde prediction by {rel.max():.3f}"] if rel.max() > ANGLE_REL_TOL else []
    # The decay itself: over the last decade the angle shrinks, roughly like 1/log t.
    if np.any(np.diff(data["angle"][late], axis=0) > 0):
        fails.append("angle not decreasing at late times")
    return fails


def check_loss(data: dict) -> list[str]:
    target = np.sum(data["w_hat"] ** 2)
    rel = np.abs(data["eta_t_loss"][-1] / target - 1)
    return [f"eta t L(w_t) off ||w_hat||^2 by {rel.max():.3f}"] if rel.max() > LOSS_REL_TOL else []


def test_logistic_config(logistic):
    data, cfg = logistic
    assert cfg["iterations"] == 100000 and data["t"][-1] == cfg["iterations"]
    # Asymmetric support vectors: two of them with unequal dual weights, so w_tilde has a
    # component orthogonal to w_hat and the 1/log t term is visible.
    a = data["dual"][data["dual"] > 0]
    assert len(a) == 2 and a.max() / a.min() > 2


def test_logistic_max_margin(logistic):
    assert check_max_margin(logistic[0]) == []


def test_logistic_max_margin_fails_on_wrong_data(logistic):
    wrong = dict(logistic[0])
    wrong["w_hat"] = 1.2 * wrong["w_hat"]
    assert check_max_margin(wrong)


def test_logistic_angle(logistic):
    assert check_angle(logistic[0]) == []


def test_logistic_angle_fails_on_wrong_data(logistic):
    data = logistic[0]
    assert check_angle({**data, "angle": 1.2 * data["angle"]})
    # The theory without the offset w_tilde (as if the support vectors were symmetric) is wrong.
    assert check_angle({**data, "theory_angle": np.full_like(data["theory_angle"], 1e-3)})


def test_logistic_loss(logistic):
    assert check_loss(logistic[0]) == []


def test_logistic_loss_fails_on_wrong_data(logistic):
    data = logistic[0]
    assert check_loss({**data, "eta_t_loss": 1.2 * data["eta_t_loss"]})
    assert check_loss({**data, "w_hat": data["w_hat"] / np.linalg.norm(data["w_hat"])})


# ----------------------------------------------------------------------------------------------
# Diagonal linear network.

def check_dln(data: dict) -> list[str]:
    fails = []
    if data["dist_phi"].max() > DLN_TOL:
        fails.append(f"GD is {data['dist_phi'].max():.2e} from argmin phi_alpha")
    if data["dist_l1"][0] > DLN_TOL:
        fails.append(f"smallest alpha: GD is {data['dist_l1'][0]:.2e} from the min-L1 interpolator")
    if data["dist_l2"][-1] > DLN_TOL * 1e-2:
        fails.append(f"largest alpha: GD is {data['dist_l2'][-1]:.2e} from the min-L2 interpolator")
    # The crossover: distance to L1 grows with alpha, distance to L2 shrinks (where not at round-off).
    if np.any(np.diff(data["dist_l1"]) < -1e-3) or np.any(np.diff(data["dist_l2"]) > 1e-3):
        fails.append("distances are not monotone in alpha")
    return fails


def check_references(data: dict) -> list[str]:
    """linprog and the pseudo-inverse: interpolators, optimal against each other, sparse recovery."""
    X, y = data["X"], data["y"]
    fails = []
    for key in ("theta_l1", "theta_l2"):
        if np.linalg.norm(X @ data[key] - y) > 1e-8:
            fails.append(f"{key} does not interpolate")
    if np.abs(data["theta_l1"]).sum() > np.abs(data["theta_l2"]).sum() + 1e-9:
        fails.append("min-L1 has larger L1 norm than min-L2")
    if np.linalg.norm(data["theta_l2"]) > np.linalg.norm(data["theta_l1"]) + 1e-9:
        fails.append("min-L2 has larger L2 norm than min-L1")
    if np.linalg.norm(data["theta_l1"] - data["theta_star"]) > 1e-7:
        fails.append("basis pursuit did not recover the sparse target")
    return fails


def test_dln_config(dln):
    data, cfg = dln
    assert (cfg["n"], cfg["d"], cfg["sparsity"]) == (10, 30, 3)
    assert np.count_nonzero(data["theta_star"]) == 3


def test_dln_references(dln):
    assert check_references(dln[0]) == []


def test_dln_references_fail_on_wrong_data(dln):
    data = dln[0]
    assert check_references({**data, "theta_l1": 1.2 * data["theta_l1"]})


def test_dln_against_solvers(dln):
    assert check_dln(dln[0]) == []


def test_dln_fails_on_wrong_data(dln):
    data = dln[0]
    # A wrong potential scale: compare GD at each alpha with the minimiser for the next alpha.
    assert check_dln({**data, "dist_phi": np.linalg.norm(data["theta"][:-1] - data["theta_phi"][1:], axis=1)})
    # The regimes swapped (as if small alpha gave min-L2).
    assert check_dln({**data, "dist_l1": data["dist_l2"][::-1], "dist_l2": data["dist_l1"][::-1]})
    # A 1.2-scaled GD solution.
    from figgen.diagonal_linear_network import min_l1

    theta = 1.2 * data["theta"]
    assert check_dln({**data, "dist_l1": np.linalg.norm(theta - min_l1(data["X"], data["y"]), axis=1)})


def test_dln_conservation(dln):
    """u^2 - v^2 only shrinks under discrete GD (factor 1 - eta^2 g^2 per step), never grows."""
    data = dln[0]
    ratio = data["alpha_eff_sq"] / data["alpha"][:, None] ** 2
    assert np.all(ratio <= 1 + 1e-12) and np.all(ratio > 0)


def check_effective_scale(data: dict) -> list[str]:
    """Where training converged, the potential with the measured effective scales fits GD better."""
    ok = data["residual"] < 1e-8
    worse = data["dist_phi_eff"][ok] > 0.2 * data["dist_phi"][ok] + 1e-9
    return [f"effective scale does not explain the gap at alpha = {data['alpha'][ok][worse]}"] if worse.any() else []


def test_dln_effective_scale(dln):
    assert check_effective_scale(dln[0]) == []


def test_dln_effective_scale_fails_on_wrong_data(dln):
    data = dln[0]
    assert check_effective_scale({**data, "dist_phi_eff": data["dist_phi"]})
