"""Lazy training: how far the weights of a wide two-layer ReLU network move under gradient descent.

Network f(x) = s_m sum_{j<=m} a_j relu(<w_j, x>), w_j ~ N(0, I_d), a_j ~ N(0, 1), both layers trained
by full-batch GD on the square loss (1/2n) sum_i (f(x_i) - y_i)^2 for a fixed number of steps T
(CONFIG "steps"), long enough for every network of the run to reach a small training loss.

Theory. In the NTK scaling s_m = m^{-1/2} the tangent kernel at initialisation is of order one and
the distance travelled by the parameters stays bounded as m grows, while ||theta(0)|| ~ sqrt(m (d+1)):
the relative change ||theta(T) - theta(0)|| / ||theta(0)|| decays as m^{-1/2} (Jacot, Gabriel, Hongler
2018; Du, Zhai, Poczos, Singh 2019; Chizat, Oyallon, Bach 2019; Lee et al. 2019). In the mean-field
scaling s_m = 1/m with step size proportional to m (the time scale on which the empirical measure of
the neurons moves), every neuron moves by O(1) and the relative change does not vanish: slope 0.

Step sizes. NTK: eta; mean field: eta * m. With these choices the tangent kernel of the two
parametrisations at initialisation, once multiplied by the step size, is the same, so both start
with the same decrease of the loss, and eta is small enough (eta * lambda_max(K) / n < 2 for the
analytic Gram K) for GD to be stable.

Saved for an independent check: the training inputs X and labels y, the outputs of every network on
X at initialisation and after training, the norm of its initial parameters and, for the NTK scaling,
its tangent Gram matrix at initialisation. From these alone (numpy, no figgen) a reader recomputes
the final losses and the prediction of the linearised model (proposition lazy-linear-dynamics of the
notes, in its gradient-descent form) for the relative change of every NTK-scaled network:
||theta(T) - theta(0)||^2 = r^T P K^{-1} P r with r = y - u(0), P = I - (I - eta K / n)^T.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from figgen.core.progress import progress
from figgen.lib.twolayer import empirical_ntk, forward, init_params, param_sq_norm, sphere_inputs, train_gd

CONFIG = {
    "quick": {"n": 20, "d": 5, "steps": 2000, "widths": [64, 128, 256, 512, 1024, 2048, 4096],
              "seeds": 3, "eta": 1.0, "chunk": 12288, "seed": 0},
    "full": {"n": 20, "d": 5, "steps": 4000,
             "widths": [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536],
             "seeds": 10, "eta": 1.0, "chunk": 16777216, "seed": 0},
}

ALT = (
    "One panel: the distance the parameters of a two-layer ReLU network travel during gradient "
    "descent, divided by their initial norm, against the width m from {width_min} to {width_max}, "
    "both axes logarithmic, for the NTK scaling (circles) and the mean-field scaling (squares), mean "
    "and spread over {seeds} seeds, with theory lines of slope minus one half and zero. The NTK "
    "markers fall along the line of slope minus one half (fitted slope {slope_ntk}), while the "
    "mean-field markers stay on the flat line (fitted slope {slope_mf})."
)

# What the chapter says the data show. Slopes: the standard error of a fitted slope is propagated
# from the spread over the seeds at each width (the widths are independent draws; delta method for
# the log of the seed mean), with Welch-Satterthwaite degrees of freedom, and the tolerance is the
# two-sided 1e-3 quantile of Student's t for them times that standard error (with 3 seeds, 4 standard
# errors would be exceeded by chance about once in 18 runs); for the NTK scaling the tolerance adds
# the distance of the linearised model's own slope on these widths (recomputed from the saved
# initial kernels) from its limit -1/2, the finite-width part the theory allows.
CLAIMS = {
    "trained": "every network of both scalings ends with a training loss below 1e-3 times its own initial "
               "loss 1/2 mean((u_init - y)^2); it prints the largest final loss rounded up to one significant digit",
    "slope_ntk": "the NTK-scaled fitted slope is -1/2 within t standard errors (t: two-sided 1e-3 Student "
                 "quantile, Welch-Satterthwaite degrees of freedom) plus the linearised model's own distance "
                 "from -1/2 on these widths",
    "slope_mf": "the mean-field fitted slope is 0 within t standard errors (t: two-sided 1e-3 Student "
                "quantile, Welch-Satterthwaite degrees of freedom)",
    "linearised_gap": "from the second width on, the seed-averaged NTK markers are closer (relatively) to "
                      "the linearised model's distance than at the smallest width; it prints the largest "
                      "of these deviations in percent, rounded up",
}
ALT_CLAIMS = ["slope_ntk", "slope_mf"]

SCALINGS = ("ntk", "mf")


def theory_slope(scaling: str) -> float:
    """Predicted log-log slope of the relative parameter change against the width."""
    return -0.5 if scaling == "ntk" else 0.0


def fitted_slope(widths: np.ndarray, values: np.ndarray) -> float:
    """Least-squares slope of log(values) against log(widths); values averaged over seeds first."""
    v = np.asarray(values, float)
    if v.ndim > 1:
        v = v.mean(axis=-1)
    return float(np.polyfit(np.log(widths), np.log(v), 1)[0])


def linearised_distance(K: np.ndarray, u0: np.ndarray, y: np.ndarray, eta: float, steps: int) -> np.ndarray:
    """||theta_T - theta_0|| for `steps` GD steps of size eta on the linearised model with Gram K (n, n),
    batched over leading axes: r^T P K^{-1} P r with r = y - u0, P = I - (I - eta K / n)^T."""
    n = y.shape[-1]
    lam, V = np.linalg.eigh(K)
    r = np.einsum("...ji,...j->...i", V, y - u0)
    p = 1 - (1 - eta * lam / n) ** steps
    return np.sqrt(np.sum(p**2 / lam * r**2, axis=-1))


def linearised_gap(data: dict, cfg: dict) -> np.ndarray:
    """Seed-averaged NTK markers relative to the seed-averaged linearised prediction, minus 1, per width."""
    pred = linearised_distance(data["K_init"], data["u_init"][0], data["y"], cfg["eta"], cfg["steps"])
    return data["rel_change"][0].mean(-1) / (pred / data["theta0_norm"]).mean(-1) - 1


def round_up(x: float) -> float:
    """The smallest number with one significant digit that is at least x (1.13e-4 -> 2e-4).

    A caption that says "every loss is below X" needs X rounded up, never to the nearest.
    """
    if x <= 0:
        return 0.0
    e = math.floor(math.log10(x))
    digit = math.ceil(x / 10.0**e)
    while float(f"{digit}e{e}") < x:   # guard against the rounding of x / 10**e
        digit += 1
    if digit >= 10:
        digit, e = 1, e + 1
    return float(f"{digit}e{e}")


def compute(cfg: dict, device: str) -> dict:
    rng = np.random.default_rng(cfg["seed"])
    gen = torch.Generator().manual_seed(cfg["seed"])
    n, d, S = cfg["n"], cfg["d"], cfg["seeds"]
    X = torch.tensor(sphere_inputs(n, d, rng), dtype=torch.float32, device=device)
    y = torch.tensor(rng.standard_normal(n), dtype=torch.float32, device=device)
    widths = np.array(cfg["widths"])
    rel = np.zeros((2, len(widths), S))
    loss = np.zeros((2, len(widths), S))
    u_init = np.zeros((2, len(widths), S, n))
    u_final = np.zeros((2, len(widths), S, n))
    K_init = np.zeros((len(widths), S, n, n))
    theta0_norm = np.zeros((len(widths), S))
    # One batch per width holds every seed of both scalings: networks 0..S-1 are NTK-scaled,
    # S..2S-1 mean-field-scaled, and network S+k starts from the same weights as network k.
    for k, m in enumerate(progress(widths, "widths")):
        Wt, a = init_params(S, int(m), d, gen, device)
        Wt, a = Wt.repeat(2, 1, 1), a.repeat(2, 1, 1)
        scale = torch.tensor([m ** -0.5] * S + [1.0 / m] * S, dtype=torch.float32, device=device)
        lr = torch.tensor([cfg["eta"]] * S + [cfg["eta"] * m] * S, dtype=torch.float32, device=device)
        W0, a0 = Wt.clone(), a.clone()
        u_init[:, k] = forward(W0, a0, X, scale).view(2, S, n).cpu().numpy()
        # The NTK-scaled Gram; the mean-field one is the same divided by m (and its step is eta m).
        K_init[k] = empirical_ntk(W0[:S].double(), a0[:S].double(), X.double(), scale[:S].double()).cpu().numpy()
        theta0_norm[k] = param_sq_norm(W0[:S], a0[:S]).sqrt().cpu().numpy()
        # Train in slices of at most cfg["chunk"] neurons in all: on a CPU, arrays that fit in
        # the cache make the 2000 steps faster; the networks are independent, so results do not change.
        per = max(1, cfg["chunk"] // int(m))
        for i in range(0, 2 * S, per):
            train_gd(Wt[i:i + per], a[i:i + per], X, y, scale[i:i + per], lr[i:i + per], cfg["steps"])
        moved = param_sq_norm(Wt - W0, a - a0).sqrt() / param_sq_norm(W0, a0).sqrt()
        rel[:, k] = moved.view(2, S).cpu().numpy()
        # The loss after the T-th step (train_gd reports the one before it).
        out = forward(Wt, a, X, scale)
        u_final[:, k] = out.view(2, S, n).cpu().numpy()
        loss[:, k] = (0.5 * ((out - y) ** 2).mean(1)).view(2, S).cpu().numpy()
    return {"widths": widths, "rel_change": rel, "final_loss": loss,
            "initial_loss": np.array(0.5 * float((y**2).mean())),
            "X": X.cpu().numpy().astype(np.float64), "y": y.cpu().numpy().astype(np.float64),
            "u_init": u_init, "u_final": u_final, "K_init": K_init, "theta0_norm": theta0_norm}


def plot(data: dict, cfg: dict):
    from figgen.core.style import PALETTE, new_figure

    fig, ax = new_figure(rel_width=0.75)
    m = data["widths"].astype(float)
    grid = np.geomspace(m.min(), m.max(), 100)
    styles = {"ntk": (PALETTE["blue"], "o", r"NTK scaling $m^{-1/2}$"),
              "mf": (PALETTE["vermillion"], "s", r"mean-field scaling $m^{-1}$")}
    for p, scaling in enumerate(SCALINGS):
        colour, marker, label = styles[scaling]
        vals = data["rel_change"][p]
        mean = vals.mean(axis=1)
        err = vals.std(axis=1, ddof=1) if vals.shape[1] > 1 else None
        ax.errorbar(m, mean, yerr=err, fmt=marker, color=colour,
                    label=f"{label}, fitted slope ${round(fitted_slope(m, vals), 2) + 0.0:.2f}$")
        # Theory: the predicted power law, anchored at the geometric mean of the data.
        slope = theory_slope(scaling)
        anchor = np.exp(np.mean(np.log(mean)) - slope * np.mean(np.log(m)))
        ax.plot(grid, anchor * grid**slope, color=PALETTE["black"], lw=0.8,
                ls="-" if scaling == "ntk" else "--")
    ax.plot([], [], color=PALETTE["black"], lw=0.8, label=r"theory, slope $-1/2$")
    ax.plot([], [], color=PALETTE["black"], lw=0.8, ls="--", label=r"theory, slope $0$")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("width $m$")
    ax.set_ylabel(r"$\|\theta(T)-\theta(0)\|/\|\theta(0)\|$")
    ax.legend(loc="lower left")
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    m = data["widths"]
    gap = linearised_gap(data, cfg)
    return {
        "slope_ntk": round(fitted_slope(m, data["rel_change"][0]), 2) + 0.0,
        "slope_mf": round(fitted_slope(m, data["rel_change"][1]), 2) + 0.0,
        "max_final_loss": round_up(float(data["final_loss"].max())),
        "width_min": int(m.min()),
        "width_max": int(m.max()),
        "width_second": int(m[1]),
        "lin_gap_smallest_percent": round(100 * float(gap[0]), 1) + 0.0,
    }


def claims(data: dict, cfg: dict) -> dict:
    from dataclasses import replace

    from figgen.core.claims import at_most, holds
    from figgen.core.runner import format_param

    from scipy import stats

    m = data["widths"]
    x = np.log(m.astype(float))
    weights = (x - x.mean()) / ((x - x.mean()) ** 2).sum()    # the slope is sum_k weights_k log(mean_k)

    def slope_and_tolerance(values):
        """Fitted slope, its standard error from the per-width spread over the seeds, and t times it."""
        seeds = values.shape[1]
        mean, var = values.mean(axis=1), values.var(axis=1, ddof=1)
        terms = weights**2 * var / (seeds * mean**2)           # Var log(mean_k) by the delta method
        se = float(np.sqrt(terms.sum()))
        dof = float(terms.sum() ** 2 / ((terms**2).sum() / (seeds - 1)))
        t = float(stats.t.ppf(1 - 0.5e-3, dof))
        return fitted_slope(m, values), se, dof, t * se

    slope_ntk, se_ntk, dof_ntk, t_ntk = slope_and_tolerance(data["rel_change"][0])
    slope_mf, se_mf, dof_mf, t_mf = slope_and_tolerance(data["rel_change"][1])
    linearised = linearised_distance(data["K_init"], data["u_init"][0], data["y"], cfg["eta"], cfg["steps"])
    lin_slope = fitted_slope(m, linearised / data["theta0_norm"])
    tol_ntk = t_ntk + abs(lin_slope + 0.5)
    worst = float(data["final_loss"].max())
    initial = 0.5 * ((data["u_init"] - data["y"]) ** 2).mean(axis=-1)     # each network's own initial loss
    ratio = float((data["final_loss"] / initial).max())
    gap = linearised_gap(data, cfg)
    rest = float(np.abs(gap[1:]).max())
    return {
        "trained": replace(holds(ratio <= 1e-3, f"largest final / initial loss {ratio:.3g} "
                                 f"(largest final loss {worst:.3g})",
                                 "final loss at most 1e-3 times the initial loss of every network"),
                           value=format_param(round_up(worst))),
        "slope_ntk": holds(abs(slope_ntk + 0.5) <= tol_ntk,
                           f"slope {slope_ntk:.3f} (SE {se_ntk:.3f}, {dof_ntk:.1f} dof, linearised slope {lin_slope:.3f})",
                           f"-1/2 within {tol_ntk:.3f}"),
        "slope_mf": holds(abs(slope_mf) <= t_mf, f"slope {slope_mf:.3f} (SE {se_mf:.3f}, {dof_mf:.1f} dof)",
                          f"0 within {t_mf:.3f}"),
        "linearised_gap": at_most(100 * rest, 100 * abs(float(gap[0])), digits=1, unit=" %"),
    }
