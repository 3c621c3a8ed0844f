"""The claims of chapters 5 (random matrix tools) and 6 (double descent) and of homework 5.

For each figure module and each claim it declares: the claim holds on the quick-mode data and on
the committed full-mode data (what the PDFs show, where it exists), and a perturbation of the
data that breaks the sentence's content makes that very claim fail. The data are those of
conftest.quick_data (cached, or computed once per session) and of the committed full files; no
build runs here.
"""
from __future__ import annotations

import numpy as np
from conftest import claims_tests, quick_data

from figgen import hw5_latent_variable as hw
from figgen import marchenko_pastur as mp
from figgen import minnorm_double_descent as mn
from figgen import random_features_double_descent as rf
from figgen import wigner_semicircle as ws

MODULES = ("marchenko_pastur", "wigner_semicircle", "minnorm_double_descent", "ridge_risk",
           "random_features_double_descent", "hw5_latent_variable")


# ------------------------------------------------------------------------------------------------
# Perturbations: data, cfg -> wrong data (a copy), one per claim.

def mp_scaled(data, cfg):
    return {**data, "eigs": 1.02 * data["eigs"], "lmin": 1.02 * data["lmin"], "lmax": 1.02 * data["lmax"]}


def mp_lmax_out(data, cfg):
    return {**data, "lmax": 1.05 * data["lmax"]}


def mp_all_inside(data, cfg):
    lo = np.array([mp.mp_edges(g)[0] for g in data["gammas"]])[:, None]
    hi = np.array([mp.mp_edges(g)[1] for g in data["gammas"]])[:, None]
    return {**data, "lmin": np.maximum(data["lmin"], lo + 1e-4), "lmax": np.minimum(data["lmax"], hi - 1e-3)}


def mp_all_outside(data, cfg):
    lo = np.array([mp.mp_edges(g)[0] for g in data["gammas"]])[:, None]
    hi = np.array([mp.mp_edges(g)[1] for g in data["gammas"]])[:, None]
    return {**data, "lmin": np.minimum(data["lmin"], lo - 1e-4), "lmax": np.maximum(data["lmax"], hi + 1e-3)}


def mp_quoted_inside(data, cfg):
    # Every extreme pulled just inside its edge: the extreme quoted as outside no longer is.
    lo = np.array([mp.mp_edges(g)[0] for g in data["gammas"]])[:, None]
    hi = np.array([mp.mp_edges(g)[1] for g in data["gammas"]])[:, None]
    return {**data, "lmin": np.maximum(data["lmin"], lo + 1e-6), "lmax": np.minimum(data["lmax"], hi - 1e-6)}


def mp_loud_zeros(data, cfg):
    return {**data, "zero_max": np.full_like(data["zero_max"], 1e-3)}


def ws_scaled(data, cfg):
    f = 1.02
    return {**data, "eigs": f * data["eigs"], "lmin": f * data["lmin"], "lmax": f * data["lmax"],
            "moments": data["moments"] * f ** (2 * data["k"])[None, :]}


def ws_independent(data, cfg):
    # Independent points of the semicircle law (inverse distribution function on a grid): no repulsion.
    grid = np.linspace(-2, 2, 20001)
    u = np.random.default_rng(1).uniform(size=data["eigs"].size)
    return {**data, "eigs": np.interp(u, ws.semicircle_cdf(grid), grid)}


def ws_lmax_out(data, cfg):
    return {**data, "lmax": 1.05 * data["lmax"]}


def ws_moments_off(data, cfg):
    return {**data, "moments": 1.1 * data["moments"]}


def scaled_risk(factor):
    def perturb(data, cfg):
        return {**data, "risk": factor * data["risk"]}
    return perturb


def mn_peak_far(data, cfg):
    risk = data["risk"].copy()
    risk[-1] = 100.0
    return {**data, "risk": risk}


def mn_null_beyond(data, cfg):
    risk = data["risk"].copy()
    risk[data["gamma"] >= cfg["r"] / (cfg["r"] - cfg["sigma"]) - 1e-9] = cfg["r"] ** 2
    return {**data, "risk": risk}


def mn_coarse(data, cfg):
    # Markers ten times as precise: at that resolution the finite-size gap would show.
    return {**data, "sem": data["sem"] / 10.0}


def mn_no_descent(data, cfg):
    risk = data["risk"].copy()
    i_peak = int(np.argmax(risk))
    risk[i_peak + 1:] = np.maximum(risk[i_peak + 1:], risk[i_peak] - 1e-3)
    return {**data, "risk": risk}


def rr_sem_far(data, cfg):
    sem = data["sem"].copy()
    sem[0, -1] = 10.0
    return {**data, "sem": sem}


def rr_risk_peak_far(data, cfg):
    risk = data["risk"].copy()
    risk[-1, 0] = 100.0
    return {**data, "risk": risk}


def rr_variance_peak_far(data, cfg):
    var = data["variance"].copy()
    var[0, 0] = 10.0
    return {**data, "variance": var}


def rr_large_penalty_peak(data, cfg):
    var = data["variance"].copy()
    var[:, 2] *= 100.0
    return {**data, "variance": var}


def rr_optimal_peak(data, cfg):
    risk = data["risk"].copy()
    risk[int(np.argmin(np.abs(data["gamma"] - 1))), -1] += 1.0
    return {**data, "risk": risk}


def rf_peak_far(data, cfg):
    risk = data["risk"].copy()
    risk[0] = 100.0
    return {**data, "risk": risk}


def rf_no_u(data, cfg):
    under = data["N"] < cfg["n"]
    risk = data["risk"].copy()
    risk[under] = np.sort(risk[under])
    return {**data, "risk": risk}


def rf_not_decreasing(data, cfg):
    risk = data["risk"].copy()
    risk[-1] = risk[-2] + 1e-3
    return {**data, "risk": risk}


def rf_over_raised(data, cfg):
    risk = data["risk"].copy()
    risk[data["N"] > cfg["n"]] += 1.0
    return {**data, "risk": risk}


def rf_limit_grows(data, cfg, monkeypatch):
    # A claim on the theory alone: a wrong formula (one that grows with the width) makes it fail.
    right = rf.theory
    monkeypatch.setattr(rf, "theory", lambda psi1, psi2, *rest: right(psi1, psi2, *rest) + 1e-3 * np.asarray(psi1))
    return data


def hw_no_dip(data, cfg):
    med = data["median"].copy()
    under = data["gamma"] < 1
    med[under] = np.sort(med[under])
    return {**data, "median": med}


def hw_peak_first(data, cfg):
    med = data["median"].copy()
    med[0] = 100.0
    return {**data, "median": med}


def hw_not_decreasing(data, cfg):
    med = data["median"].copy()
    med[-1] = med[-2] + 1e-3
    return {**data, "median": med}


def hw_beyond_shift(delta):
    def perturb(data, cfg):
        med = data["median"].copy()
        med[hw.shape(data)["i_peak"] + 1:] += delta
        return {**data, "median": med}
    return perturb


def hw_symmetric_at_peak(data, cfg):
    # The mean recorded at the peak equal to the median: no skew left to report.
    mean = data["mean"].copy()
    i = hw.shape(data)["i_peak"]
    mean[i] = data["median"][i]
    return {**data, "mean": mean}


def hw_light_tail(data, cfg):
    return {**data, "errors": np.minimum(data["errors"], 1.2 * data["median"][:, None])}


# (figure, claim, perturbation): every claim the six modules declare, each with its wrong data
# (rf_limit_grows, with the test's monkeypatch, makes the theory wrong instead).
TABLE = [
    ("marchenko_pastur", "follows_law", mp_scaled),
    ("marchenko_pastur", "edges_tracy_widom", mp_lmax_out),
    ("marchenko_pastur", "extremes_both_sides", mp_all_inside),
    ("marchenko_pastur", "quoted_outside", mp_quoted_inside),
    ("marchenko_pastur", "mostly_inside", mp_all_outside),
    ("marchenko_pastur", "zeros_far_below", mp_loud_zeros),
    ("wigner_semicircle", "follows_law", ws_scaled),
    ("wigner_semicircle", "far_below_independent", ws_independent),
    ("wigner_semicircle", "edges_tracy_widom", ws_lmax_out),
    ("wigner_semicircle", "moments_on_catalan", ws_moments_off),
    ("minnorm_double_descent", "matches_exact", scaled_risk(1.3)),
    ("minnorm_double_descent", "matches_limit", scaled_risk(1.3)),
    ("minnorm_double_descent", "peak_at_threshold", mn_peak_far),
    ("minnorm_double_descent", "below_null_beyond_optimum", mn_null_beyond),
    ("minnorm_double_descent", "gap_below_resolution", mn_coarse),
    ("minnorm_double_descent", "descends_beyond_peak", mn_no_descent),
    ("ridge_risk", "risk_matches_theory", scaled_risk(1.3)),
    ("ridge_risk", "sem_largest_near_threshold", rr_sem_far),
    ("ridge_risk", "risk_peak_small_lambda", rr_risk_peak_far),
    ("ridge_risk", "variance_peak_small_lambda", rr_variance_peak_far),
    ("ridge_risk", "penalty_lowers_peak", rr_large_penalty_peak),
    ("ridge_risk", "optimal_no_peak", rr_optimal_peak),
    ("random_features_double_descent", "matches_limit", scaled_risk(1.2)),
    ("random_features_double_descent", "peak_at_threshold", rf_peak_far),
    ("random_features_double_descent", "classical_u", rf_no_u),
    ("random_features_double_descent", "decreasing_beyond", rf_not_decreasing),
    ("random_features_double_descent", "below_u_and_null", rf_over_raised),
    ("random_features_double_descent", "limit_decreasing_beyond", rf_limit_grows),
    ("hw5_latent_variable", "first_min_interior", hw_no_dip),
    ("hw5_latent_variable", "peak_next_to_one", hw_peak_first),
    ("hw5_latent_variable", "decreasing_after_peak", hw_not_decreasing),
    ("hw5_latent_variable", "below_first_min", hw_beyond_shift(0.5)),
    ("hw5_latent_variable", "above_limit", hw_beyond_shift(-0.05)),
    ("hw5_latent_variable", "heavy_tail_near_threshold", hw_light_tail),
    ("hw5_latent_variable", "mean_above_median_at_peak", hw_symmetric_at_peak),
]


WRONG = {name: {claim: perturb for figure, claim, perturb in TABLE if figure == name} for name in MODULES}
assert len(TABLE) == sum(map(len, WRONG.values()))   # no claim listed twice

(test_the_table_covers_every_declared_claim, test_claims_hold_on_the_data,
 test_claim_fails_on_wrong_data) = claims_tests(WRONG)


def test_printed_values_round_in_the_safe_direction():
    """An upper bound prints rounded up, a lower bound rounded down, on the run's own data."""
    data, meta = quick_data("minnorm_double_descent")
    cfg = meta["config"]
    away = np.abs(data["gamma"] - 1) >= 0.2 - 1e-9
    finite = mn.theory_finite(data["p"], cfg["n"], cfg["r"], cfg["sigma"])
    printed = float(mn.claims(data, cfg)["matches_exact"].value)
    assert printed >= 100 * np.max(np.abs(data["risk"][away] / finite[away] - 1))
    data, meta = quick_data("hw5_latent_variable")
    printed = float(hw.claims(data, meta["config"])["heavy_tail_near_threshold"].value)
    g = data["gamma"]
    near = [int(np.flatnonzero(g < 1)[-1]), int(np.flatnonzero(g < 1)[-1]) + 1]
    assert printed <= np.max(data["errors"].max(axis=1)[near] / data["median"][near])
    data, meta = quick_data("marchenko_pastur")
    value = mp.claims(data, meta["config"])["zeros_far_below"].value
    mantissa, exponent = value.split("{")[1].split("\\times")[0], value.split("10^{")[1].split("}")[0]
    assert float(mantissa) * 10.0 ** int(exponent) >= data["zero_max"].max()
