"""The claims that chapters 1 and 2 and homework 1 cite, on the data their documents are drawn from.

Table-driven: PERTURBATIONS names, for every figure of these documents, every claim its module
declares (CLAIMS) with a function that makes the data wrong in the way that claim guards against.
Each claim must hold on the quick-mode data and on the committed full-mode data, where there is
some (what the PDFs show), and fail on its perturbation of each, so that the test is
seen to fail. (Homework 2 cites no run.) Nothing is recomputed beyond quick_data's cache.
"""
from __future__ import annotations

import importlib

import numpy as np
from conftest import claim_data, claims_tests


def _with(data: dict, **changes) -> dict:
    return {**data, **changes}


def _edit(data: dict, key: str, edit) -> dict:
    """data with a copy of data[key] changed in place by edit(array)."""
    value = np.array(data[key], dtype=float, copy=True)
    edit(value)
    return _with(data, **{key: value})


# ------------------------------------------------------------------------------------------------
# Perturbations: (data, cfg, monkeypatch) -> (wrong data, cfg). Each says the wrong run it stands for.

def _erm_bump_in_training(data, cfg, mp):
    # The training loss rises by 10 % between two records in the middle of the run.
    return _edit(data, "train", lambda a: a.__setitem__((slice(None), 5), 1.1 * a[:, 4])), cfg


def _erm_training_above_test(data, cfg, mp):
    # After initialisation the training loss is 5 % above the test loss: no generalisation gap.
    return _edit(data, "train", lambda a: a.__setitem__((slice(None), slice(1, None)),
                                                        1.05 * data["test"][:, 1:])), cfg


def _erm_noise_not_fitted(data, cfg, mp):
    # Every seed's last training loss only 2 standard deviations of sigma^2 chi^2_n / n below sigma^2.
    sigma2 = cfg["sigma"] ** 2
    low = sigma2 * (1 - 2 * np.sqrt(2 / cfg["n_train"]))
    return _edit(data, "train", lambda a: a.__setitem__((slice(None), -1), low)), cfg


def _erm_below_floor(data, cfg, mp):
    # A test loss at 80 % of the noise floor at one record: impossible for an estimate of the risk.
    return _edit(data, "test", lambda a: a.__setitem__((slice(None), 3), 0.8 * cfg["sigma"] ** 2)), cfg


def _erm_start_apart(data, cfg, mp):
    # The untrained network already better on its training set than on fresh data, by half a unit.
    return _edit(data, "train", lambda a: a.__setitem__((slice(None), 0), a[:, 0] - 0.5)), cfg


def _erm_null_as_good(data, cfg, mp):
    # A teacher whose null risk is the best test loss: the network never beats the predictor 0.
    return _with(data, null_risk=np.float64(data["test"].mean(axis=0).min())), cfg


def _erm_no_rise(data, cfg, mp):
    # A test curve that never rises again (its running minimum).
    return _with(data, test=np.minimum.accumulate(data["test"], axis=1)), cfg


def _erm_ends_at_null(data, cfg, mp):
    # The last mean test loss exactly at the predictor 0's risk (each seed shifted alike): the side
    # the chapter prints would be a coin toss.
    null = float(data["null_risk"])
    return _edit(data, "test", lambda a: a.__setitem__((slice(None), -1),
                                                       a[:, -1] - a[:, -1].mean() + null)), cfg


def _erm_least_squares_as_bad(data, cfg, mp):
    # A least-squares baseline exactly as bad as the network at the end.
    return _with(data, ols_test=np.array(data["test"][:, -1], copy=True)), cfg


def _hoeffding_wrong_coins(data, cfg, mp):
    # The tail of n = 90 coins, as if the run had used fewer coins than it says.
    from figgen import hoeffding_check as hc

    return _with(data, empirical=hc.exact_tail(data["t"], 90, cfg["p"])), cfg


def _hoeffding_above_bound(data, cfg, mp):
    # One frequency 10 % above Hoeffding's bound, where the bound is below 0.9.
    from figgen import hoeffding_check as hc

    i = int(np.argmin(np.abs(data["t"] - 0.1)))
    return _edit(data, "empirical", lambda a: a.__setitem__(i, 1.1 * hc.hoeffding(data["t"][i], cfg["n"]))), cfg


def _hoeffding_grid_off_lattice(data, cfg, mp):
    # Thresholds shifted by a quarter of 1/n: none is a value k/n, so t = 0.1 and t = 1/4 are not
    # on the grid.
    return _with(data, t=data["t"] + 0.25 / cfg["n"]), cfg


def _hoeffding_grid_on_lattice(data, cfg, mp):
    # Every threshold moved down to a value k/n: the factor no longer goes up and down.
    return _with(data, t=np.floor(data["t"] * cfg["n"] + 1e-9) / cfg["n"]), cfg


def _hoeffding_quantile_above_bound(data, cfg, mp):
    from figgen import hoeffding_check as hc

    return _with(data, quantile=hc.union_bound(data["K"], cfg["n"], cfg["delta"]) + 0.01), cfg


def _hoeffding_exact_quantile_wrong(data, cfg, mp):
    # The exact law computed for 100 times as many classes as the run has.
    from figgen import hoeffding_check as hc

    right = hc.exact_max_quantile
    mp.setattr(hc, "exact_max_quantile", lambda n, p, K, level: right(n, p, 100 * K, level))
    return data, cfg


def _hoeffding_few_repetitions(data, cfg, mp):
    # A run of 10 repetitions per class size: too few to say the estimate could not reach the bound.
    return data, {**cfg, "quantile_reps": 10}


def _hoeffding_quantile_two_steps_up(data, cfg, mp):
    return _with(data, quantile=data["quantile"] + 2 / cfg["n"]), cfg


def _hoeffding_quantile_reversed(data, cfg, mp):
    return _with(data, quantile=data["quantile"][::-1].copy()), cfg


def _dc_mean_off(data, cfg, mp):
    # Mean squared distances 2 % too large.
    return _with(data, mean=1.02 * data["mean"]), cfg


def _dc_hist_shifted(data, cfg, mp):
    # The histogram of the second dimension shifted by one bin.
    return _edit(data, "hists", lambda a: a.__setitem__(1, np.roll(a[1], 1))), cfg


def _dc_hists_widen(data, cfg, mp):
    return _with(data, central99=data["central99"][::-1].copy()), cfg


def _dc_spread_flat(data, cfg, mp):
    # Two neighbouring dimensions with the same relative spread.
    return _edit(data, "rel_std", lambda a: a.__setitem__(5, a[4])), cfg


def _dc_above_twice_off(data, cfg, mp):
    return _edit(data, "above_twice", lambda a: a.__setitem__(0, 1.1 * a[0])), cfg


def _dc_central_wide(data, cfg, mp):
    return _edit(data, "central99", lambda a: a.__setitem__(-1, 1.1 * a[-1])), cfg


def _nn_means_off(data, cfg, mp):
    # Mean distances 3 % too large.
    return _with(data, mean=1.03 * data["mean"]), cfg


def _nn_slopes_off(data, cfg, mp):
    # Fitted slopes 3 % steeper than the markers give.
    return _with(data, slopes=1.03 * data["slopes"]), cfg


def _nn_slopes_of_next_dimension(data, cfg, mp):
    return _with(data, slopes=-1.0 / (data["dims"] + 1.0)), cfg


def _ols_errors_off(data, cfg, mp):
    # Errors 20 % too large.
    return _with(data, error=1.2 * data["error"]), cfg


def _ols_error_rises(data, cfg, mp):
    return _edit(data, "error", lambda a: a.__setitem__(3, 1.01 * a[2])), cfg


PERTURBATIONS = {
    "erm_sgd_curves": {
        "start_together": _erm_start_apart,
        "train_decreases": _erm_bump_in_training,
        "train_below_test": _erm_training_above_test,
        "noise_fitted": _erm_noise_not_fitted,
        "above_bayes": _erm_below_floor,
        "beats_null": _erm_null_as_good,
        "rises_after_minimum": _erm_no_rise,
        "ends_vs_null": _erm_ends_at_null,
        "ends_worse_than_least_squares": _erm_least_squares_as_bad,
    },
    "ols_learning_curve": {
        "follows_theory": _ols_errors_off,
        "error_falls": _ols_error_rises,
    },
    "hoeffding_check": {
        "follows_exact": _hoeffding_wrong_coins,
        "bound_above": _hoeffding_above_bound,
        "ratio_grows_on_lattice": _hoeffding_grid_off_lattice,
        "ratio_zigzags_on_grid": _hoeffding_grid_on_lattice,
        "quantile_below_bound": _hoeffding_quantile_above_bound,
        "exact_below_bound": _hoeffding_exact_quantile_wrong,
        "margin_wide": _hoeffding_few_repetitions,
        "quantiles_agree": _hoeffding_quantile_two_steps_up,
        "grow_with_K": _hoeffding_quantile_reversed,
    },
    "distance_concentration": {
        "follows_theory": _dc_mean_off,
        "hist_follows_exact": _dc_hist_shifted,
        "hists_narrow": _dc_hists_widen,
        "spread_falls": _dc_spread_flat,
        "above_twice_as_exact": _dc_above_twice_off,
        "central99_as_normal": _dc_central_wide,
    },
    "nearest_neighbour_distance": {
        "follows_theory": _nn_means_off,
        "slopes_follow_exact": _nn_slopes_off,
        "slopes_near_minus_one_over_d": _nn_slopes_of_next_dimension,
    },
}


(test_table_lists_every_declared_claim, test_claims_hold_on_the_data_drawn,
 test_claim_fails_on_its_perturbation) = claims_tests(PERTURBATIONS)


def test_erm_side_of_null_follows_the_data():
    """The chapter prints which side of the predictor 0's risk the last test loss ends on: a teacher
    with more signal (null risk far above the last test loss, as a larger configuration can give)
    prints "below" and the claim still holds; the quick run's own side is "above"."""
    module = importlib.import_module("figgen.erm_sgd_curves")
    data, cfg = claim_data("erm_sgd_curves", "quick")
    assert module.caption_params(data, cfg)["final_vs_null"] == "above"
    richer = _with(data, null_risk=np.float64(data["test"][:, -1].mean() + 0.2))
    assert module.caption_params(richer, cfg)["final_vs_null"] == "below"
    assert module.claims(richer, cfg)["ends_vs_null"].holds
