"""Uniform approximation of sin(2 pi x) on [0, 1] by explicit one-hidden-layer networks.

Theory (chapter 3, section "Universal approximation on R").
- ReLU units. The piecewise-linear interpolant of f on p equal pieces of [0, 1] is realised exactly by
  the network b + sum_{k<p} c_k relu(x - k/p), with c_0 the slope of the first piece and c_k the jump
  of slope at the knot k/p. For f in C^2 its uniform error is at most h^2 ||f''||_inf / 8 with
  h = 1/p, and h^{-2} times the error tends to ||f''||_inf / 8. For f = sin(2 pi x),
  ||f''||_inf = 4 pi^2, so p^2 * sup-error -> pi^2 / 2.
- Step units. The network f(0) + sum_{k=1}^{p-1} (f(k/p) - f((k-1)/p)) 1{x >= k/p} is piecewise
  constant, equal to f at the left end of each piece; its uniform error is at most L h = L / p
  (L the Lipschitz constant), so p = ceil(L / eps) units suffice for accuracy eps. For sin(2 pi x),
  L = 2 pi and p * sup-error -> 2 pi.
Both are classical interpolation estimates (see e.g. Telgarsky 2021, Deep learning theory notes, and
Pinkus 1999, Acta Numerica, for the univariate constructions).
"""
from __future__ import annotations

import numpy as np

CONFIG = {
    "quick": {"p_min_log2": 1, "p_max_log2": 9, "points_per_piece": 32, "p_show": 6, "seed": 0},
    "full": {"p_min_log2": 1, "p_max_log2": 13, "points_per_piece": 64, "p_show": 6, "seed": 0},
}

ALT = (
    "Three panels. Left: sin(2 pi x) on [0, 1] with the ReLU network (piecewise linear, through the "
    "marked interpolation points) and the step network (piecewise constant) of {p_show} pieces. "
    "Middle: p squared times the uniform error of the ReLU network against the number of pieces p, on "
    "a logarithmic axis up to {p_max}, approaching a horizontal line at pi squared over 2; right: p "
    "times the uniform error of the step network against the number of pieces p, approaching a "
    "horizontal line at 2 pi."
)

# What the chapter says the data show, each checked on the data the document is drawn from. The
# tolerances are the orders of the next terms of the two estimates, not slack: the ReLU deficit is
# measured at 0.583 (pi/p)^2 from p = 8 on (the knot beside the peak of |f''| at 1/4 gives pi^2/(2p^2),
# the variation of f'' across the piece the rest), the step deficit at (2 pi/p)^2 / 6.
CLAIMS = {
    "relu_limit": "p^2 times the ReLU network's uniform error never exceeds pi^2/2 (beyond floating-point "
                  "rounding) and falls short of it by at most (pi/p)^2 relatively, the order of the next "
                  "term of the interpolation estimate; it prints the largest relative deficit from p = 32 on",
    "step_limit": "p times the step network's uniform error never exceeds L = 2 pi (beyond rounding) and "
                  "falls short of it by at most (2 pi/p)^2 / 3 relatively, twice the first correction "
                  "(2 pi/p)^2 / 6 of sin(2 pi/p) = (2 pi/p)(1 - (2 pi/p)^2/6 + ...) on the steepest piece",
}
ALT_CLAIMS = ["relu_limit", "step_limit"]

LIPSCHITZ = 2 * np.pi          # sup |f'| for f = sin(2 pi x)
SECOND_DERIVATIVE = 4 * np.pi**2   # sup |f''|


def target(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * np.pi * x)


def theory_relu_limit() -> float:
    """lim p^2 * sup|f - interpolant| = ||f''||_inf / 8 = pi^2 / 2."""
    return SECOND_DERIVATIVE / 8


def theory_relu_bound(p: np.ndarray) -> np.ndarray:
    """Uniform error bound h^2 ||f''||_inf / 8 of the piecewise-linear interpolant, h = 1/p."""
    return SECOND_DERIVATIVE / (8 * np.asarray(p, dtype=float) ** 2)


def theory_step_bound(p: np.ndarray) -> np.ndarray:
    """Uniform error bound L h = L / p of the left-endpoint step approximation."""
    return LIPSCHITZ / np.asarray(p, dtype=float)


def relu_network(p: int):
    """Weights (knots, output weights, output bias) of the ReLU net interpolating f on p pieces."""
    knots = np.arange(p) / p
    values = target(np.arange(p + 1) / p)
    slopes = np.diff(values) * p
    coef = np.concatenate([[slopes[0]], np.diff(slopes)])
    return knots, coef, values[0]


def relu_forward(x: np.ndarray, knots: np.ndarray, coef: np.ndarray, bias: float,
                 chunk: int = 4096) -> np.ndarray:
    out = np.empty(len(x))
    for i in range(0, len(x), chunk):    # chunks of inputs keep the hidden layer small in memory
        hidden = np.maximum(x[i:i + chunk, None] - knots[None, :], 0.0)   # weight 1, bias -knot
        out[i:i + chunk] = hidden @ coef + bias
    return out


def step_network(p: int):
    """Weights (thresholds, output weights, output bias) of the step net with p pieces."""
    values = target(np.arange(p) / p)
    return np.arange(1, p) / p, np.diff(values), values[0]


def step_forward(x: np.ndarray, thresholds: np.ndarray, coef: np.ndarray, bias: float,
                 chunk: int = 4096) -> np.ndarray:
    out = np.empty(len(x))
    for i in range(0, len(x), chunk):
        hidden = (x[i:i + chunk, None] >= thresholds[None, :]).astype(float)
        out[i:i + chunk] = hidden @ coef + bias
    return out


def eval_grid(p: int, points_per_piece: int) -> np.ndarray:
    return np.linspace(0.0, 1.0, p * points_per_piece + 1)


def compute(cfg: dict, device: str) -> dict:
    ps = 2 ** np.arange(cfg["p_min_log2"], cfg["p_max_log2"] + 1)
    # Add a few values that are not powers of two (knots then miss the points where |f''| peaks).
    ps = np.unique(np.concatenate([ps, (3 * ps[:-1]) // 2]))
    relu_err, step_err = [], []
    for p in ps:
        x = eval_grid(int(p), cfg["points_per_piece"])
        # The step net is evaluated just left of each jump too, where its error is largest.
        x_step = np.concatenate([x, np.arange(1, p + 1) / p - 1e-12])
        relu_err.append(np.max(np.abs(relu_forward(x, *relu_network(int(p))) - target(x))))
        step_err.append(np.max(np.abs(step_forward(x_step, *step_network(int(p))) - target(x_step))))
    p_show = cfg["p_show"]
    x_show = np.linspace(0.0, 1.0, 801)
    return {
        "p": ps,
        "relu_sup_error": np.array(relu_err),
        "step_sup_error": np.array(step_err),
        "x_show": x_show,
        "relu_show": relu_forward(x_show, *relu_network(p_show)),
        "step_show": step_forward(x_show, *step_network(p_show)),
    }


def plot(data: dict, cfg: dict):
    from figgen.core.style import PALETTE, new_figure

    fig, (ax0, ax1, ax2) = new_figure(rel_width=1.0, ncols=3, ratio=0.95)
    x = data["x_show"]
    ax0.plot(x, target(x), color=PALETTE["black"], label=r"$\sin(2\pi x)$")
    ax0.plot(x, data["relu_show"], color=PALETTE["blue"], label="ReLU net")
    ax0.plot(x, data["step_show"], color=PALETTE["vermillion"], label="step net")
    ax0.plot(np.arange(cfg["p_show"] + 1) / cfg["p_show"],
             target(np.arange(cfg["p_show"] + 1) / cfg["p_show"]), "o", color=PALETTE["blue"], ms=3)
    ax0.set_xlabel("$x$")
    ax0.set_title(f"$p = {cfg['p_show']}$ pieces")
    ax0.legend(loc="lower left", fontsize=7)

    p = data["p"]
    ax1.axhline(theory_relu_limit(), color=PALETTE["black"], label=r"$\pi^2/2$")
    ax1.plot(p, p**2 * data["relu_sup_error"], "o", color=PALETTE["blue"],
             label=r"ReLU net, $\sin(2\pi x)$")
    ax1.set_xscale("log", base=2)
    ax1.set_xlabel("pieces $p$")
    ax1.set_ylabel(r"$p^2\,\|f-\hat f_p\|_\infty$")
    ax1.set_ylim(0, 1.25 * theory_relu_limit())
    ax1.legend(loc="lower right", fontsize=7)

    ax2.axhline(LIPSCHITZ, color=PALETTE["black"], label=r"$L = 2\pi$")
    ax2.plot(p, p * data["step_sup_error"], "s", color=PALETTE["vermillion"],
             label=r"step net, $\sin(2\pi x)$")
    ax2.set_xscale("log", base=2)
    ax2.set_xlabel("pieces $p$")
    ax2.set_ylabel(r"$p\,\|f-\hat f_p\|_\infty$")
    ax2.set_ylim(0, 1.25 * LIPSCHITZ)
    ax2.legend(loc="lower right", fontsize=7)
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    p = data["p"]
    # The deviation from the limit is quoted from this number of pieces on (claim relu_limit).
    return {"p_max": int(p.max()), "p_min_limit": 32}


def claims(data: dict, cfg: dict) -> dict:
    from figgen.core.claims import Verdict, holds, round_up

    p = data["p"].astype(float)

    def rounding(q: int) -> float:
        # Worst-case rounding of the forward pass: q + 1 terms summed, weights sum |c_k| + |bias|
        # (about 6e-11 at p = 8192, where the error itself is 7e-8).
        _, coef, bias = relu_network(int(q))
        return (int(q) + 1) * np.finfo(float).eps * (np.abs(coef).sum() + abs(bias) + 1.0)

    relu_scaled = p**2 * data["relu_sup_error"] / theory_relu_limit()
    relu_slack = np.array([rounding(q) for q in data["p"]]) / theory_relu_bound(p)
    relu_ok = np.all(relu_scaled <= 1 + relu_slack) and np.all(1 - relu_scaled <= (np.pi / p) ** 2)
    p_min = caption_params(data, cfg)["p_min_limit"]
    deficit = float(np.abs(1 - relu_scaled[p >= p_min]).max())
    relu = Verdict(bool(relu_ok),
                   f"p^2 err / (pi^2/2) from {relu_scaled.min():.4g} to {relu_scaled.max():.4g}, "
                   f"largest deficit {100 * deficit:.3g} % from p = {p_min} on",
                   "between 1 - (pi/p)^2 and 1 (+ rounding) at every p",
                   f"{round_up(100 * deficit, 2):.2f}")
    step_scaled = p * data["step_sup_error"] / LIPSCHITZ
    step_ok = np.all(step_scaled <= 1 + 1e-9) and np.all(1 - step_scaled <= (2 * np.pi / p) ** 2 / 3)
    step = holds(bool(step_ok), f"p err / 2 pi from {step_scaled.min():.4g} to {step_scaled.max():.4g}",
                 "between 1 - (2 pi/p)^2/3 and 1 at every p")
    return {"relu_limit": relu, "step_limit": step}
