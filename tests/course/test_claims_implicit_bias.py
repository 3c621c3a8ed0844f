"""Chapter 7 and homework 6: the claims their sentences cite, on the data the documents show.

For each figure module and each claim it declares: every verdict holds on the quick-mode data and
on the committed full-mode data, and a perturbation of the data that makes the sentence false (the
kind of bug or change of configuration that would leave the old words next to new data) makes that
claim fail. The table below must name a perturbation for every declared claim, so a claim added
without one fails here.
"""
from __future__ import annotations

import numpy as np
from conftest import claims_tests

from figgen import diagonal_linear_network as dlnmod

# ----------------------------------------------------------------------------------------------
# Perturbations: (data, cfg) -> (wrong data, cfg), each making the sentence of one claim false.

def _dln_reflected(data, cfg):
    # GD's displacement from argmin phi_alpha reversed: the same gap, towards min-L1 and sparsity.
    return {**data, "theta": 2 * data["theta_phi"] - data["theta"]}, cfg


def _dln_hollow_on_line(data, cfg):
    # Every unfinished run already at its limit: none of them off the lines.
    ok = dlnmod.converged(data, cfg)
    theta = data["theta"].copy()
    theta[~ok] = data["theta_phi"][~ok]
    return {**data, "theta": theta}, cfg


def _dln_smallest_on_line(data, cfg):
    theta = data["theta"].copy()
    theta[0] = data["theta_phi"][0]
    return {**data, "theta": theta}, cfg


def _dln_largest_off_l2(data, cfg):
    dist = data["dist_l2"].copy()
    dist[-1] = np.linalg.norm(data["theta_l1"] - data["theta_l2"])
    return {**data, "dist_l2": dist}, cfg


def _dln_l2_sparse(data, cfg):
    theta = data["theta_l2"].copy()
    theta[np.argmin(np.abs(theta))] = 0.0
    return {**data, "theta_l2": theta}, cfg


def _dln_no_balance_loss(data, cfg):
    # A step so small that the scale barely moves (0.1 % everywhere).
    return {**data, "alpha_eff_sq": 0.999 * data["alpha"][:, None] ** 2 * np.ones_like(data["alpha_eff_sq"])}, cfg


def _dln_support_keeps_scale(data, cfg):
    # The support keeps its scale; only the other coordinates shrink.
    eff = data["alpha_eff_sq"].copy()
    eff[:, data["theta_star"] != 0] = data["alpha"][:, None] ** 2
    return {**data, "alpha_eff_sq": eff}, cfg


def _dln_all_finished(data, cfg):
    # Every run at interpolation: none left short of it at the smallest scales.
    return {**data, "residual": np.zeros_like(data["residual"])}, cfg


def _dln_l1_not_target(data, cfg):
    # The LP's answer off the target (basis pursuit failing on this design): weight 0.01 moved to a
    # coordinate off the support.
    theta = data["theta_l1"].copy()
    theta[np.flatnonzero(data["theta_star"] == 0)[0]] += 0.01
    return {**data, "theta_l1": theta}, cfg


DLN_WRONG = {
    "smallest_unfinished": _dln_all_finished,
    "l1_is_target": _dln_l1_not_target,
    "small_steps": lambda d, c: (d, {**c, "step": 100 * c["step"]}),   # steps far beyond stability
    "filled_on_lines": lambda d, c: ({**d, "theta": 1.1 * d["theta"]}, c),
    "hollow_smallest_off": _dln_hollow_on_line,
    "hollow_max_offset": _dln_smallest_on_line,
    "regimes_cross": lambda d, c: ({**d, "dist_l1": d["dist_l2"], "dist_l2": d["dist_l1"]}, c),
    "largest_on_l2": _dln_largest_off_l2,
    "l2_dense": _dln_l2_sparse,
    "kernel_slope": lambda d, c: ({**d, "dist_l2": d["dist_l2"] * d["alpha"]}, c),   # alpha^-3
    "balance_fell": _dln_no_balance_loss,
    "effective_scale_explains": lambda d, c: ({**d, "dist_phi_eff": d["dist_phi"]}, c),
    "support_shrinks_more": _dln_support_keeps_scale,
    "weight_off_support": _dln_reflected,
    "gd_farther_from_l1": _dln_reflected,
    "gd_larger_l1_norm": _dln_reflected,
}


def _log_equal_duals(data, cfg):
    dual = data["dual"].copy()
    dual[dual > 0] = dual[dual > 0].mean()
    return {**data, "dual": dual}, cfg


def _log_jump_first_decade(data, cfg):
    angle = data["angle"].copy()
    angle[0] = 10 * angle[0]
    return {**data, "angle": angle}, cfg


def _log_power_law_bend_up(data, cfg):
    # log10 angle = -0.1 (log10 t)^2: the drop per decade grows with every decade, no bending.
    lt = np.log10(np.maximum(data["t"].astype(float), 1.0))
    return {**data, "angle": np.repeat((10.0 ** (-0.1 * lt ** 2))[:, None], data["angle"].shape[1], axis=1)}, cfg


LOG_WRONG = {
    "last_decade_less": _log_power_law_bend_up,
    # A pure 1/log t decay from the start: the drop per decade shrinks from the first decade on.
    "first_decades_grow": lambda d, c: ({**d, "angle": 1.0 / np.log(d["t"].astype(float) + 10)[:, None]
                                         * np.ones_like(d["angle"])}, c),
    "two_support_vectors": _log_equal_duals,
    "angle_follows_theory": lambda d, c: ({**d, "angle": 1.2 * d["angle"]}, c),
    "loss_tends_to_norm": lambda d, c: ({**d, "eta_t_loss": 1.2 * d["eta_t_loss"]}, c),
    "slow_start": _log_jump_first_decade,
}


def _hw6_pure_law(data, cfg):
    # The symmetric run replaced by a pure 1/(t log t) decay (as if kappa were 0).
    t = data["symmetric_t"].astype(float)
    angle = (1.0 / (np.maximum(t, 2) * np.log(np.maximum(t, 2))))[:, None]
    return {**data, "symmetric_angle": angle}, cfg


def _hw6_fast_close_gap(data, cfg):
    # The close-margin gap decaying like t^-2, as the default margin 3 would make it.
    t = data["close_t"].astype(float)
    target = np.sum(data["close_w_hat"] ** 2)
    return {**data, "close_eta_t_loss": (target * (1 - 0.05 * (t / 1e5) ** -2))[:, None]}, cfg


HW6_WRONG = {
    "angle_log_decreasing": lambda d, c: ({**d, "base_angle": 0.1 * d["base_angle"]}, c),
    "symmetric_follows_law": _hw6_pure_law,
    "symmetric_much_faster": lambda d, c: ({**d, "symmetric_angle": d["base_angle"], "symmetric_t": d["base_t"]}, c),
    "close_gap_at_1e5": lambda d, c: ({**d, "close_eta_t_loss": d["base_eta_t_loss"]}, c),
    "close_gap_slow": _hw6_fast_close_gap,
}

WRONG = {"diagonal_linear_network": DLN_WRONG, "logistic_implicit_bias": LOG_WRONG,
         "hw6_logistic_variants": HW6_WRONG}

(test_every_claim_has_a_perturbation, test_claims_hold,
 test_claim_fails_on_wrong_data) = claims_tests(WRONG)
