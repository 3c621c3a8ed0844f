"""Claims of chapters 3 (approximation theory) and 4 (lazy limit) and of homework 4, on their data.

Every claim a figure module of these documents declares (CLAIMS) is evaluated by its claims() on the
quick-mode data and, where it is committed, on the full-mode data the PDFs then show: each verdict
must hold. Each claim is also evaluated on data made wrong in the way the claim guards against (an
error scaled, a slope shifted, two widths swapped...), and that claim must then fail: a claim that
cannot fail checks nothing. The table below has one perturbation for every declared claim.
"""
from __future__ import annotations

import numpy as np
from conftest import claim_data, claim_verdicts, claims_tests


def _scaled(key, factor, index=slice(None)):
    """Data with data[key][index] multiplied by factor."""
    def perturb(data, cfg):
        value = np.array(data[key], dtype=float)
        value[index] = value[index] * factor
        return dict(data, **{key: value})
    return perturb


def _set(key, make):
    """Data with data[key] replaced by make(data, cfg)."""
    return lambda data, cfg: dict(data, **{key: make(data, cfg)})


def _replace_rows(key, index, make):
    def perturb(data, cfg):
        value = np.array(data[key], dtype=float)
        value[index] = make(data, cfg)
        return dict(data, **{key: value})
    return perturb


def _tilt(key, row, slope):
    """Data whose data[key][row] (widths x seeds) is multiplied by widths**slope: its log-log slope shifts."""
    def perturb(data, cfg):
        value = np.array(data[key], dtype=float)
        value[row] = value[row] * data["widths"][:, None].astype(float) ** slope
        return dict(data, **{key: value})
    return perturb


def _gaussian_line_for_sign_run(data, cfg):
    from figgen import ntk_empirical_vs_analytic as nea

    return nea.theory(data["widths"], data["X"])


# figure -> claim -> a function (data, cfg) -> data on which that claim must fail.
WRONG = {
    "relu_interpolation_error": {
        "relu_limit": _scaled("relu_sup_error", 1.01),       # above the limit pi^2/2 at large p
        "step_limit": _scaled("step_sup_error", 1.01),       # above the Lipschitz bound
    },
    "barron_maurey_rate": {
        "follows_theory": _scaled("error", 1.3),             # a constant C_d 30 % too large
        "below_half": _scaled("error", 3.0),                 # m times the error near 0.6
    },
    "two_layer_fit_width": {
        "median_falls": _set("test_mse", lambda d, c: d["test_mse"][::-1]),
        "spread_narrowest": _replace_rows("test_mse", 0, lambda d, c: d["test_mse"][0].min()),
        "best_beats_interpolant": _scaled("test_mse", 100.0, index=slice(0, 2)),
        "narrowest_much_better": _replace_rows("test_mse", 0, lambda d, c: d["interp_mse"][0] / 2),
        "above_interpolant_large": _replace_rows("test_mse", slice(-3, None),
                                                 lambda d, c: d["interp_mse"][-3:, None] / 10),
        "optimisation_bottleneck": _replace_rows("train_mse", slice(-3, None), lambda d, c: 0.0),
    },
    "lazy_weight_change": {
        # one network at 2e-3 times its own initial loss (far below the labels' 1/2 mean y^2 it may be)
        "trained": _replace_rows("final_loss", (0, 0, 0),
                                 lambda d, c: 2e-3 * 0.5 * np.mean((d["u_init"][0, 0, 0] - d["y"]) ** 2)),
        "slope_ntk": _tilt("rel_change", 0, -0.2),
        "slope_mf": _tilt("rel_change", 1, -0.5),          # decaying like the NTK-scaled markers
        "linearised_gap": _scaled("rel_change", 1.2, index=(0, slice(1, None))),
    },
    "ntk_empirical_vs_analytic": {
        "rms_follows_theory": _scaled("rel_error", 1.3),
        "scatter_closer": _set("K_large", lambda d, c: d["K_small"]),
        "sign_follows_new_line": _scaled("rel_error_sign", 1.3),
        "sign_mean_dev": _scaled("rms_sign", 1.1),
        "sign_old_line_high": _set("rms_sign", _gaussian_line_for_sign_run),
        "constant_grows_with_d": _set("theory_constant", lambda d, c: 1.3 * d["theory_constant"]),
    },
    "ntk_spectrum": {
        "large_close": _scaled("eig_init", 1.2, index=1),
        "moderate_departs": _replace_rows("eig_init", 0, lambda d, c: d["eig_analytic"]),
        "moderate_moves": _replace_rows("eig_trained", 0, lambda d, c: d["eig_init"][0]),
        # the larger width's distance as an m^(-1/4) law from the moderate width would give
        "init_distance_scaling": lambda d, c: _scaled(
            "change_init", (d["widths"][1] / d["widths"][0]) ** 0.25, index=1)(d, c),
    },
}


(test_every_declared_claim_has_a_perturbation, test_claims_hold_on_the_data,
 test_claim_fails_on_wrong_data) = claims_tests(WRONG)


def test_spectrum_distance_law_uses_the_exact_constant():
    """ntk_spectrum's claim computes C^2 itself (importing it would tie its data hash to another
    module): on distances equal to C / sqrt(m), with C from ntk_empirical_vs_analytic, it measures zero."""
    from figgen.ntk_empirical_vs_analytic import theory_constant

    data, cfg = claim_data("ntk_spectrum", "quick")
    exact = theory_constant(data["X"]) / np.sqrt(data["widths"].astype(float))
    on_line = dict(data, change_init=np.repeat(exact[:, None], data["change_init"].shape[1], axis=1))
    verdict = claim_verdicts("ntk_spectrum", on_line, cfg)["init_distance_scaling"]
    assert verdict.holds and verdict.measured.count(" 0.00 SD") == len(exact)
