"""Chapter 8 and homework 7: the claims their sentences cite, on the data the documents are drawn
from, and each one shown failing on data that contradicts it.

One row per claim: the figure, the claim, and a perturbation of the data (a function data, cfg ->
wrong data) that breaks what the sentence says. Every claim holds on the quick-mode data and, where
it is committed, on the full-mode data; the claim of each row fails on its perturbed data (the
other claims may fail with it).
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import claim_data, claim_modes, claims_tests, committed_full_data

from figgen import collapse_time as ct
from figgen import hw7_cloning as hw7c
from figgen import speciation_cloning as sc


@pytest.fixture(autouse=True, scope="module")
def _collapse_bound_computed_once():
    """The collapse figure's lower bound is a double quadrature (0.3 s a call) that claims()
    evaluates at the run's times for every row of the table; it depends on the times and the
    configuration only, so it is computed once per set of arguments here."""
    exact = ct.fluctuating_annealed_weight
    memo = {}

    def cached(t, n, d, s2):
        key = (np.asarray(t, dtype=float).tobytes(), np.shape(t), n, d, s2)
        if key not in memo:
            memo[key] = exact(t, n, d, s2)
        return np.copy(memo[key])

    ct.fluctuating_annealed_weight = cached
    yield
    ct.fluctuating_annealed_weight = exact


# ----------------------------------------------------------------------------------------------
# Perturbations: each contradicts one sentence.
def steeper(keys):
    """The points pulled away from 1/2 by a fifth: a transition sharper than the theory's."""
    def perturb(data, cfg):
        for key in keys(cfg):
            data[key] = np.clip(0.5 + 1.2 * (data[key] - 0.5), 0.0, 1.0)
        return data
    return perturb


def exact_points(cfg):
    return [f"phi_d{d}" for d in cfg["dims"]]


def network_never_speciates(data, cfg):
    for d in cfg["dims"]:
        data[f"net_phi_d{d}"] = np.full_like(data[f"net_phi_d{d}"], 0.5)
    return data


def network_exact(data, cfg):
    # A perfect network: its points on the theory, inside any band.
    for d in cfg["dims"]:
        m2 = cfg["m2_per_dim"] * d
        data[f"net_phi_d{d}"] = sc.phi_theory(sc.speciation_time(m2, cfg["s2"]) + data[f"net_tau_d{d}"], m2, cfg["s2"])
    return data


def lower_weights(data, cfg):
    # A different quantity, 0.8 times the weight: below the Jensen bound.
    for key in [f"w_n{n}" for n in cfg["ns"]] + [f"w_d{d}" for d in cfg["dims"]]:
        data[key] = 0.8 * data[key]
    return data


def reversed_in_n(data, cfg):
    # The curves of the fewest and the most points swapped: more points collapse later.
    first, last = cfg["ns"][0], cfg["ns"][-1]
    data[f"w_n{first}"], data[f"w_n{last}"] = data[f"w_n{last}"].copy(), data[f"w_n{first}"].copy()
    data[f"sem_n{first}"], data[f"sem_n{last}"] = data[f"sem_n{last}"].copy(), data[f"sem_n{first}"].copy()
    return data


def time_axis_scaled(factor):
    """The markers drawn at factor times their time: crossing early (< 1) or late (> 1)."""
    def perturb(data, cfg):
        data["t"] = factor * data["t"]
        data["r"] = factor * data["r"]
        return data
    return perturb


def dimensions_reversed(data, cfg):
    dims = cfg["dims"]
    originals = {d: data[f"w_d{d}"].copy() for d in dims}
    for d, e in zip(dims, dims[::-1]):
        data[f"w_d{d}"] = originals[e]
    return data


def variant_points(name):
    return lambda cfg: [f"{name}_phi_d{d}" for d in cfg["dims"]]


def wide_run_is_the_base_run(data, cfg):
    # The s^2 = 4 points replaced by those of the s^2 = 1 run (the edit of part (b) not made).
    for d in cfg["dims"]:
        data[f"wide_tau_d{d}"], data[f"wide_phi_d{d}"] = data[f"base_tau_d{d}"], data[f"base_phi_d{d}"]
    return data


CASES = [
    ("speciation_cloning", "exact_within_se", steeper(exact_points)),
    ("speciation_cloning", "net_in_own_band", network_never_speciates),
    ("collapse_time", "above_bound", lower_weights),
    ("collapse_time", "falls_in_order", reversed_in_n),
    ("collapse_time", "not_early", time_axis_scaled(0.8)),
    ("collapse_time", "in_window", time_axis_scaled(1.5)),
    ("collapse_time", "narrows", dimensions_reversed),
    ("hw7_cloning", "base_within_se", steeper(variant_points("base"))),
    ("hw7_cloning", "base_in_band", steeper(variant_points("base"))),
    ("hw7_cloning", "wide_within_se", wide_run_is_the_base_run),
    ("hw7_cloning", "wide16_off_limit", wide_run_is_the_base_run),
    ("hw7_cloning", "late_within_se", steeper(variant_points("late"))),
    ("hw7_cloning", "late_maxdev", steeper(variant_points("late"))),
]
WRONG = {name: {claim: perturb for figure, claim, perturb in CASES if figure == name}
         for name in ("speciation_cloning", "collapse_time", "hw7_cloning")}

(test_every_declared_claim_has_a_row, test_claims_hold_on_the_data_the_documents_show,
 test_claim_fails_on_data_that_contradicts_it) = claims_tests(WRONG)


def test_full_modes_checked_where_committed():
    # The full-mode data of these two is committed: the claims above ran on it too.
    assert claim_modes("collapse_time") == ["quick", "full"]
    assert claim_modes("hw7_cloning") == ["quick", "full"]


def test_exact_score_claim_holds_on_the_full_configuration():
    # speciation_cloning has no committed full data (its network's full training does not fit
    # this CPU), but its exact-score points in full mode are hw7_cloning's "base" points, whose
    # full data is committed: same configuration, same random stream per dimension
    # (test_hw7_config_matches_the_figure). The learned-score claims are checked on quick data only.
    data, meta = committed_full_data("hw7_cloning")
    cfg = meta["config"]
    points = {}
    for d in cfg["dims"]:
        points[f"tau_d{d}"], points[f"phi_d{d}"] = data[f"base_tau_d{d}"], data[f"base_phi_d{d}"]
        # Stand-in learned points (the claim under test ignores them): the exact ones at N_net.
        points[f"net_tau_d{d}"], points[f"net_phi_d{d}"] = points[f"tau_d{d}"], points[f"phi_d{d}"]
    full = {**sc.CONFIG["full"], **{k: cfg[k] for k in hw7c.variants(cfg)["base"]}}
    assert sc.claims(points, full)["exact_within_se"].holds
    assert not sc.claims(steeper(exact_points)(points, full), full)["exact_within_se"].holds


def test_learned_points_outside_the_exact_band_are_counted_not_claimed():
    # The caption prints how many squares lie outside the exact run's band (no claim: a network
    # with the exact score may have none there); a perfect network has none, a flat one some.
    data, cfg = claim_data("speciation_cloning", "quick")
    assert "net_outside_exact_band" not in sc.CLAIMS
    assert sc.caption_params(network_exact(copy.deepcopy(data), cfg), cfg)["netoutside"] == 0
    assert sc.caption_params(network_never_speciates(copy.deepcopy(data), cfg), cfg)["netoutside"] > 0
    params = sc.caption_params(data, cfg)
    # "at most" bands: rounded up.
    assert params["exactband"] >= sc.binomial_tolerance(0.5, cfg["n_traj"])
    assert params["netband"] >= sc.binomial_tolerance(0.5, cfg["net_n_traj"])


def test_hw7_quick_bands_printed_as_upper_bounds():
    data, cfg = claim_data("hw7_cloning", "full")
    params = hw7c.caption_params(data, cfg)
    n = params["n_quick"]
    assert params["band99_quick"] >= 3 * np.sqrt(0.99 * 0.01 / n) + 0.01
    assert params["band77_quick"] >= 3 * np.sqrt(0.77 * 0.23 / n) + 0.01
    assert params["band99_quick"] - (3 * np.sqrt(0.99 * 0.01 / n) + 0.01) < 1e-3
