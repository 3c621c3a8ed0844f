"""Homework 6, computational exercise (b) and (c): the run of figgen/logistic_implicit_bias.py with
symmetric support vectors (part (b)) and with other points close to the margin (part (c)).

Each variant is logistic_implicit_bias.compute on its quick configuration with one key changed and
a single step size (eta = eta_fraction / beta), so that the numbers the solutions quote are those a
student obtains by editing CONFIG["quick"] as the exercise says (up to the other step size, which
the exercise does not use). Theory: the module docstring of logistic_implicit_bias (Soudry et al.
2018): with support vectors of equal dual weights in a symmetric configuration, w_tilde is parallel
to w_hat and the 1/log t term of the angle vanishes; a point of relative margin m > 1 perturbs the
iterate by a term decaying like t^{-(m-1)}, so eta t L(w_t) approaches ||w_hat||^2 slowly when m is
close to 1.
"""
from __future__ import annotations

import numpy as np

from figgen import logistic_implicit_bias as lib

CONFIG = {
    "quick": {"iterations": 100000, "num_checkpoints": 120, "points_per_class": 10,
              "min_margin": 3.0, "rotation_deg": 25.0, "eta_fractions": [1.0],
              "support_vectors": [[0.5, 1.0], [0.5, -0.25]],
              "symmetric_support_vectors": [[0.5, 0.5], [0.5, -0.5]], "close_margin": 1.2, "seed": 0},
    "full": {"iterations": 3000000, "num_checkpoints": 300, "points_per_class": 10,
             "min_margin": 3.0, "rotation_deg": 25.0, "eta_fractions": [1.0],
             "support_vectors": [[0.5, 1.0], [0.5, -0.25]],
             "symmetric_support_vectors": [[0.5, 0.5], [0.5, -0.5]], "close_margin": 1.2, "seed": 0},
}

# What homework 6's solution says the runs show, each checked (claims()) on the data the sheet is
# drawn from; the tolerances and why are in claims().
CLAIMS = {
    "angle_log_decreasing": "(a) with the default data, angle * log t decreases from t = 10^3 to 10^4 to 10^5 "
                            "and stays above zeta = ||P w_tilde|| / ||w_hat|| (P: projection onto w_hat^perp)",
    "symmetric_follows_law": "(b) between the two saved iterations nearest T/10 and T, the symmetric data's "
                             "angle drops by the factor of the law 1/(t (log t + xi)) to within half the "
                             "distance from that factor to the one of a pure 1/(t log t) law",
    "symmetric_much_faster": "(b) over the last decade the angle drops at least 5 times more for the "
                             "symmetric data than for the default and the close-margin data",
    "close_gap_at_1e5": "(c) at t = 10^5 the close-margin relative gap eta t L(w_t) / ||w_hat||^2 - 1 is "
                        "negative, at most -10 times the largest absolute relative gap of the other two "
                        "data sets (per cent)",
    "close_gap_slow": "(c) over the last decade the close-margin gap shrinks by less than a factor 10",
}
ALT_CLAIMS = ["symmetric_much_faster", "close_gap_at_1e5"]

ALT = (
    "Two panels for gradient descent on the logistic loss over three separable data sets (the default "
    "one, one with symmetric support vectors and one with a point of relative margin {close_margin}), "
    "against the iteration t on a logarithmic axis. Left: the angle between the iterate and the "
    "max-margin direction, on a logarithmic axis; it decays slowly for the default and the "
    "close-margin data and much faster for the symmetric data. Right: eta t times the loss, which "
    "approaches a horizontal line at the squared norm of the max-margin vector, most slowly for the "
    "close-margin data."
)

VARIANTS = ("base", "symmetric", "close")


def variants(cfg: dict) -> dict[str, dict]:
    keys = ("iterations", "num_checkpoints", "points_per_class", "min_margin", "rotation_deg",
            "eta_fractions", "support_vectors", "seed")
    base = {k: cfg[k] for k in keys}
    return {"base": base,
            "symmetric": {**base, "support_vectors": cfg["symmetric_support_vectors"]},
            "close": {**base, "min_margin": cfg["close_margin"]}}


def compute(cfg: dict, device: str) -> dict:
    out = {}
    for name, vcfg in variants(cfg).items():
        run = lib.compute(vcfg, device)
        for key in ("t", "angle", "eta_t_loss", "w_hat", "dual", "w_tilde"):
            out[f"{name}_{key}"] = run[key]
    return out


def angle_at(data: dict, name: str, t: float) -> float:
    ts = data[f"{name}_t"]
    return float(data[f"{name}_angle"][np.argmin(np.abs(ts - t)), 0])


def plot(data: dict, cfg: dict):
    from figgen.core.style import PALETTE, new_figure

    fig, (ax1, ax2) = new_figure(rel_width=1.0, ncols=2)
    colours = {"base": PALETTE["blue"], "symmetric": PALETTE["vermillion"], "close": PALETTE["green"]}
    labels = {"base": "default", "symmetric": "(b) symmetric", "close": rf"(c) margin {cfg['close_margin']:g}"}
    for name in VARIANTS:
        t = data[f"{name}_t"]
        ang = data[f"{name}_angle"][:, 0]
        keep = ang > 0
        ax1.plot(t[keep], ang[keep], color=colours[name], label=labels[name])
        ax2.plot(t, data[f"{name}_eta_t_loss"][:, 0], color=colours[name], label=labels[name])
    ax2.axhline(float(np.sum(data["base_w_hat"] ** 2)), color=PALETTE["black"], lw=0.8,
                label=r"$\|\hat w\|^2$")
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xlabel("iteration $t$")
    ax1.set_yscale("log")
    ax1.set_ylabel(r"angle$(w_t, \hat w)$ (rad)")
    ax2.set_ylabel(r"$\eta\, t\, L(w_t)$")
    ax2.set_ylim(0, 1.6 * float(np.sum(data["base_w_hat"] ** 2)))
    ax1.legend(fontsize=6)
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    """Per variant: the angle (radians) at t = 10^3, 10^4, 10^5, its drop factor over the last
    decade, the relative gap of eta t L(w_t) to ||w_hat||^2 at the end (per cent), and the dual
    weights of the symmetric data; for the default data the constants zeta, xi (keys base_c,
    base_kappa) of the law tan(angle) = zeta / (log t + xi), angle * log t at the checkpoints, and
    the log t (natural and base 10) at which the law reaches 1e-3 rad; for the symmetric data the drop over the last decade
    that the law 1 / (t (log t + kappa)) predicts and the
    one of a pure 1 / (t log t) law between the same saved iterations."""
    def _gap_at(data, name, t):
        # eta t L(w_t) / ||w_hat||^2 - 1 at the saved iteration nearest t (a nested helper: the data's
        # hash covers every module-level function but the drawing ones).
        i = int(np.argmin(np.abs(data[f"{name}_t"] - t)))
        return float(data[f"{name}_eta_t_loss"][i, 0] / np.sum(data[f"{name}_w_hat"] ** 2) - 1)

    params = {}
    T = cfg["iterations"]
    for name in VARIANTS:
        for k in (3, 4, 5):
            if 10 ** k <= T:
                params[f"{name}_angle_1e{k}"] = f"{angle_at(data, name, 10 ** k):.2g}"
        params[f"{name}_drop_last_decade"] = f"{angle_at(data, name, T / 10) / max(angle_at(data, name, T), 1e-300):.3g}"
        gap = data[f"{name}_eta_t_loss"][-1, 0] / np.sum(data[f"{name}_w_hat"] ** 2) - 1
        params[f"{name}_final_gap_percent"] = round(100 * float(gap), 2)
    # Part (a): the law of cor:ib-logistic-consequences with its offset, tan(angle) = c / (log t +
    # kappa), c = ||P w_tilde|| / ||w_hat||, kappa = <w_tilde, w_hat> / ||w_hat||^2, and the log t at
    # which it reaches 1e-3 rad. Part (b): with symmetric support vectors the 1/log t term vanishes,
    # the linearised residual decays like 1/t (G diag(a) = Id), so the angle goes like
    # 1 / (t (log t + kappa)); its predicted drop between the same two checkpoints as the run's.
    for name in ("base", "symmetric"):
        w_hat, w_tilde = data[f"{name}_w_hat"], data[f"{name}_w_tilde"][0]
        norm_sq = float(np.sum(w_hat ** 2))
        kappa = float(w_tilde @ w_hat) / norm_sq
        params[f"{name}_kappa"] = f"{kappa:.3g}"
        if name == "base":
            c = float(np.linalg.norm(w_tilde - kappa * w_hat)) / np.sqrt(norm_sq)
            params["base_c"] = f"{c:.2f}"
            for k in (3, 4, 5):
                if 10 ** k <= T:
                    ts = data["base_t"]
                    i = int(np.argmin(np.abs(ts - 10 ** k)))
                    params[f"base_angle_log_1e{k}"] = f"{angle_at(data, name, 10 ** k) * np.log(ts[i]):.2f}"
            log_t = c / np.tan(1e-3) - kappa
            params["base_log_t_needed"] = f"{log_t:.0f}"
            params["base_log10_t_needed"] = f"{log_t / np.log(10):.0f}"
        else:
            ts = data[f"{name}_t"]
            t1, t2 = ts[np.argmin(np.abs(ts - T / 10))], ts[np.argmin(np.abs(ts - T))]
            drop = t2 * (np.log(t2) + kappa) / (t1 * (np.log(t1) + kappa))
            params["symmetric_drop_theory"] = f"{drop:.3g}"
            # The same two saved iterations under a pure 1/(t log t) law (xi = 0), for comparison.
            params["symmetric_drop_pure"] = f"{t2 * np.log(t2) / (t1 * np.log(t1)):.3g}"
    # (c): the relative gap of eta t L(w_t) to ||w_hat||^2 at t = 10^5, the end of the exercise's run.
    for name in VARIANTS:
        params[f"{name}_gap_1e5_percent"] = round(100 * _gap_at(data, name, 1e5), 2)
    dual = data["symmetric_dual"]
    params["symmetric_duals"] = ", ".join(f"{a:.3f}" for a in dual[dual > 0])
    params["symmetric_w_hat_norm_sq"] = round(float(np.sum(data["symmetric_w_hat"] ** 2)), 3)
    return params


def claims(data: dict, cfg: dict) -> dict:
    """The claims of CLAIMS on the three runs (constants here: the data's hash covers every
    module-level statement but ALT, CLAIMS and the drawing functions)."""
    from figgen.core.claims import at_least, at_most, holds

    def _gap_at(data, name, t):
        # eta t L(w_t) / ||w_hat||^2 - 1 at the saved iteration nearest t (a nested helper: the data's
        # hash covers every module-level function but the drawing ones).
        i = int(np.argmin(np.abs(data[f"{name}_t"] - t)))
        return float(data[f"{name}_eta_t_loss"][i, 0] / np.sum(data[f"{name}_w_hat"] ** 2) - 1)

    T = cfg["iterations"]
    # (a) angle * log t at the three checkpoints the exercise names; c from the saved offset.
    ts = data["base_t"]
    products = [angle_at(data, "base", 10 ** k) * np.log(ts[np.argmin(np.abs(ts - 10 ** k))]) for k in (3, 4, 5)]
    w_hat, w_tilde = data["base_w_hat"], data["base_w_tilde"][0]
    kappa = float(w_tilde @ w_hat) / float(w_hat @ w_hat)
    c = float(np.linalg.norm(w_tilde - kappa * w_hat) / np.linalg.norm(w_hat))
    decreasing = bool(products[0] > products[1] > products[2] > c)
    # (b) the drop over the last decade against the law 1/(t (log t + kappa)) and a pure 1/(t log t):
    # the run tells them apart when it is nearer the first by less than half their distance.
    st = data["symmetric_t"]
    t1, t2 = st[np.argmin(np.abs(st - T / 10))], st[np.argmin(np.abs(st - T))]
    sw_hat, sw_tilde = data["symmetric_w_hat"], data["symmetric_w_tilde"][0]
    skappa = float(sw_tilde @ sw_hat) / float(sw_hat @ sw_hat)
    law = t2 * (np.log(t2) + skappa) / (t1 * (np.log(t1) + skappa))
    pure = t2 * np.log(t2) / (t1 * np.log(t1))
    drop = {n: angle_at(data, n, T / 10) / max(angle_at(data, n, T), 1e-300) for n in VARIANTS}
    off_law, resolution = abs(drop["symmetric"] / law - 1), 0.5 * abs(pure / law - 1)
    # "Much faster": a 1/t decay drops by 10 per decade, a 1/log t one by (k + 1)/k, under 1.5 once
    # log t + kappa exceeds twice log 10; a factor 5 between their drops separates the two.
    faster = drop["symmetric"] / max(drop["base"], drop["close"])
    # (c) the close-margin gap at t = 10^5 (signed; below ||w_hat||^2 it is negative), against 10 times the
    # others' there ("far more"), and its shrinking over the last decade: t^-(m-1) = t^-0.2 per the
    # heuristic (1.6 per decade), the t^-2 of the default margin 3 would be 100; 10 separates them.
    gaps = {n: _gap_at(data, n, 1e5) for n in VARIANTS}
    others = max(abs(gaps["base"]), abs(gaps["symmetric"]))
    shrink = abs(_gap_at(data, "close", T / 10)) / abs(_gap_at(data, "close", T))
    return {
        "angle_log_decreasing": holds(decreasing, f"angle * log t = {', '.join(f'{p:.3f}' for p in products)}, c = {c:.3f}",
                                      CLAIMS["angle_log_decreasing"]),
        "symmetric_follows_law": holds(off_law <= resolution,
                                       f"drop {drop['symmetric']:.4g} against the law's {law:.4g} (off by {off_law:.3g}, "
                                       f"half the distance to a pure 1/(t log t), {pure:.4g}, is {resolution:.3g})",
                                       CLAIMS["symmetric_follows_law"]),
        "symmetric_much_faster": at_least(faster, 5.0, digits=1),
        "close_gap_at_1e5": at_most(100 * gaps["close"], -10 * 100 * others, digits=1, unit=" %"),
        "close_gap_slow": at_most(shrink, 10.0, digits=1),
    }
