"""Diagonal linear network: the initialisation scale moves GD from min-L2 to min-L1 interpolation.

Theory (Woodworth, Gunasekar, Lee, Moroshko, Savarese, Golan, Soudry and Srebro 2020, COLT, here in
the parametrisation theta = u * v). Least squares L(theta) = ||X theta - y||^2 / (2n)
with theta = u * v entrywise, gradient flow from u_0 = sqrt(2) alpha 1, v_0 = 0. The quantity
u_i^2 - v_i^2 = 2 alpha^2 is conserved and theta follows the mirror flow of the hyperbolic-entropy
potential

    phi_alpha(theta) = (1/2) sum_i [ theta_i arcsinh(theta_i / alpha^2)
                                     - sqrt(theta_i^2 + alpha^4) + alpha^2 ],

so the limit is argmin { phi_alpha(theta) : X theta = y }. For alpha -> infinity, phi_alpha is
||theta||^2 / (4 alpha^2) to leading order and the limit tends to the minimum-L2 interpolator (the
"kernel" regime); for alpha -> 0, phi_alpha / log(1/alpha^2) tends to ||theta||_1 / 2 and the limit
tends to the minimum-L1 interpolator (the "rich" regime). When basis pursuit recovers the sparse
target, the distance of argmin phi_alpha to it shrinks like a power of alpha, alpha^(2(1 - c*)) up
to slower factors, c* < 1 the smallest off-support sup norm of a dual certificate (chapter 7's
remark on the rate), an exponent that depends on the design.

Gradient descent reaches that limit only after a time that grows as alpha shrinks: near the end the
off-support coordinates, of size about alpha^(2(1 - c*)), set the slowest rate of the linearised
dynamics. Runs whose residual ||X theta - y|| is still above `interpolation_tol` after the fixed
number of steps are therefore reported as unconverged (hollow markers, excluded from every
comparison with the limit) instead of being passed off as limits.

All references are computed by solvers independent of gradient descent: the minimum-L1 interpolator
by scipy.optimize.linprog (HiGHS) on the split LP, the minimum-L2 one by the pseudo-inverse, and
argmin phi_alpha by Newton's method on the smooth concave dual max_lambda <lambda, y> - phi_alpha^*(X^T
lambda), whose maximiser gives theta = alpha^2 sinh(2 X^T lambda) (scipy.optimize.minimize with
method "trust-exact"). The design is drawn from the seed, redrawing until basis pursuit recovers
the 3-sparse target (about 60 % of Gaussian designs at n = 10, d = 30 do). Gradient descent runs on
all alphas at once (a leading batch dimension) in NumPy: at this size a CPU beats any accelerator.
"""
from __future__ import annotations

import numpy as np

CONFIG = {
    "quick": {"n": 10, "d": 30, "sparsity": 3, "alpha_min": 0.001, "alpha_max": 10.0, "num_alpha": 13,
              "num_alpha_theory": 60, "iterations": 40000, "step": 0.1, "interpolation_tol": 1e-8,
              "seed": 0},
    "full": {"n": 10, "d": 30, "sparsity": 3, "alpha_min": 0.0001, "alpha_max": 10.0, "num_alpha": 31,
             "num_alpha_theory": 200, "iterations": 1000000, "step": 0.1, "interpolation_tol": 1e-8,
             "seed": 0},
}

# What chapter 7 says this figure's data shows, each checked (claims()) on the data the notes are
# drawn from; the tolerances and why are in claims().
CLAIMS = {
    "filled_on_lines": "every interpolating run lies within 5 % of the distances its lines plot at its alpha",
    "hollow_smallest_off": "the non-interpolating runs farther from their lines than every interpolating run "
                           "are the smallest scales, and the others are as close to the lines as the "
                           "interpolating runs",
    "smallest_unfinished": "at least one run is short of interpolation after the run's iterations, and those "
                           "runs are the smallest scales",
    "l1_is_target": "the minimum-L1 interpolator (LP) is the sparse target, to the interpolation tolerance "
                    "(so its test error is zero)",
    "small_steps": "at every run, the step times the largest eigenvalue of the Hessian of the loss in (u, v) "
                   "at the end of training is at most 0.2, a tenth of the value 2 at which GD diverges",
    "hollow_max_offset": "the smallest non-interpolating scale lies off its line by more than 5 %",
    "regimes_cross": "along the interpolating runs the distance to min-L1 grows and the one to min-L2 "
                     "falls with alpha (to the interpolation tolerance)",
    "largest_on_l2": "GD at the largest scale is within 1 % of ||theta_l1 - theta_l2|| of min-L2",
    "l2_dense": "every coordinate of the minimum-L2 interpolator is nonzero (beyond the interpolation tolerance)",
    "kernel_slope": "the distance of the runs with alpha >= 1 to min-L2 has log-log slope -4 +- 0.1",
    "balance_fell": "the balancedness (u_i^2 - v_i^2) / (2 alpha^2) at the end fell below 0.99 somewhere",
    "effective_scale_explains": "at every interpolating run, the potential with the measured effective "
                                "scales is at least 10 times closer to GD than the potential of alpha",
    "support_shrinks_more": "at every interpolating run, the mean log-reduction of the effective scale on "
                            "the support of the target exceeds the one off it",
    "weight_off_support": "at every interpolating run, GD has less L1 mass than argmin phi_alpha on the "
                          "support of the target and more off it (by more than the interpolation tolerance)",
    "gd_farther_from_l1": "at every interpolating run, GD is farther from min-L1 than argmin phi_alpha "
                          "(by more than the interpolation tolerance)",
    "gd_larger_l1_norm": "at every interpolating run, GD has a larger L1 norm than argmin phi_alpha "
                         "(by more than the interpolation tolerance)",
}
ALT_CLAIMS = ["regimes_cross", "filled_on_lines", "hollow_smallest_off", "largest_on_l2"]

ALT = (
    "Two panels for gradient descent on a diagonal linear network with n = {n} samples and d = {d} "
    "coordinates. Left: the distances of the trained parameters to the minimum-L1 and to the "
    "minimum-L2 interpolator against the initialisation scale alpha, both axes logarithmic, as lines "
    "for the predicted limit (the minimiser of the hyperbolic-entropy potential), filled markers for "
    "runs that interpolate and hollow markers for runs that had not yet interpolated; the distance to "
    "the L1 interpolator grows and the distance to the L2 interpolator falls as alpha grows, the "
    "filled markers lie on the lines, and so do the hollow markers of the larger unfinished scales, "
    "while those of the smallest scales lie off them. "
    "Right: the coordinates of the minimum-L2 interpolator (line), "
    "of the {sparsity}-sparse target, which is also the minimum-L1 interpolator (circles), and of "
    "gradient descent at the smallest interpolating scale (dots) and at the largest scale (crosses), "
    "the latter on the minimum-L2 line."
)


# ----------------------------------------------------------------------------------------------
# The problem and the independent references.

def draw_problem(cfg: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gaussian design X (n, d), sparse target, y = X theta*; redrawn until min-L1 = theta*."""
    rng = np.random.default_rng(cfg["seed"])
    n, d, s = cfg["n"], cfg["d"], cfg["sparsity"]
    for _ in range(200):
        X = rng.standard_normal((n, d))
        target = np.zeros(d)
        support = rng.choice(d, s, replace=False)
        target[support] = rng.choice([-1.0, 1.0], s) * (0.5 + rng.random(s))
        y = X @ target
        if np.linalg.norm(min_l1(X, y) - target) < 1e-7:
            return X, y, target
    raise RuntimeError("basis pursuit never recovered the target; raise n or lower the sparsity")


def min_l1(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """argmin ||theta||_1 s.t. X theta = y, as the LP over theta = p - q with p, q >= 0."""
    from scipy.optimize import linprog

    d = X.shape[1]
    res = linprog(np.ones(2 * d), A_eq=np.hstack([X, -X]), b_eq=y, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"linprog failed: {res.message}")
    return res.x[:d] - res.x[d:]


def min_l2(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.pinv(X) @ y


def potential(theta: np.ndarray, alpha: float) -> np.ndarray:
    """The hyperbolic entropy phi_alpha(theta) (summed over the last axis)."""
    a2 = alpha**2
    return 0.5 * np.sum(theta * np.arcsinh(theta / a2) - np.sqrt(theta**2 + a2**2) + a2, axis=-1)


def min_potential(X: np.ndarray, y: np.ndarray, alpha) -> np.ndarray:
    """argmin phi_alpha(theta) s.t. X theta = y, through the dual (Newton / trust region).

    alpha may also be a vector of per-coordinate scales (the potential sum_i alpha_i^2 h(theta_i /
    alpha_i^2) / 2), used for the effective scales left by discrete gradient steps.
    """
    from scipy.optimize import minimize

    a2 = np.asarray(alpha, dtype=float) ** 2

    def dual(lam):  # phi^*(X^T lam) - <lam, y> and its gradient X theta(lam) - y
        s = X.T @ lam
        return 0.5 * np.sum(a2 * (np.cosh(2 * s) - 1)) - lam @ y, X @ (a2 * np.sinh(2 * s)) - y

    def hess(lam):
        return (X * (2 * a2 * np.cosh(2 * (X.T @ lam)))) @ X.T

    lam = minimize(dual, np.zeros(len(y)), jac=True, hess=hess, method="trust-exact",
                   options={"gtol": 1e-13, "maxiter": 500}).x
    for _ in range(5):  # polish: a few plain Newton steps converge quadratically from here
        lam = lam - np.linalg.solve(hess(lam), dual(lam)[1])
    theta = a2 * np.sinh(2 * X.T @ lam)
    if np.linalg.norm(X @ theta - y) > 1e-8 * max(1.0, np.linalg.norm(y)):
        raise RuntimeError(f"dual solver did not reach an interpolator at alpha = {alpha}")
    return theta


def converged(data: dict, cfg: dict) -> np.ndarray:
    """Runs that reached interpolation: only these are compared with the limit argmin phi_alpha."""
    return data["residual"] < cfg["interpolation_tol"]


def loglog_slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope of log y against log x."""
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def theory_distances(X, y, alphas, theta_l1, theta_l2) -> tuple[np.ndarray, np.ndarray]:
    """Distances of argmin phi_alpha to the min-L1 and min-L2 interpolators."""
    sol = np.array([min_potential(X, y, a) for a in alphas])
    return np.linalg.norm(sol - theta_l1, axis=1), np.linalg.norm(sol - theta_l2, axis=1)


# ----------------------------------------------------------------------------------------------

def gradient_descent(X, y, alphas, iterations, step, progress=None):
    """GD on (u, v) for all alphas at once; returns theta = u * v of shape (len(alphas), d)."""
    n, d = X.shape
    lip = np.linalg.eigvalsh(X.T @ X / n).max()
    # theta-space curvature is lip * (u^2 + v^2) <= lip * 2 sqrt(theta^2 + alpha^4): scale the
    # step down for large alpha, where u^2 + v^2 ~ 2 alpha^2 stays large along the whole path.
    eta = (step / (lip * np.maximum(1.0, 2 * alphas**2)))[:, None]
    u = np.sqrt(2) * alphas[:, None] * np.ones((len(alphas), d))
    v = np.zeros_like(u)
    xt, xn = np.ascontiguousarray(X.T), X / n
    blocks = [iterations // 20] * 20
    blocks[-1] += iterations - sum(blocks)
    for block in (progress(blocks, "diagonal GD blocks") if progress else blocks):
        for _ in range(block):
            g = ((u * v) @ xt - y) @ xn  # gradient of L with respect to theta
            u, v = u - eta * g * v, v - eta * g * u
    return u * v, u**2 - v**2


def compute(cfg: dict, device: str) -> dict:
    from figgen.core.progress import progress

    X, y, target = draw_problem(cfg)
    theta_l1, theta_l2 = min_l1(X, y), min_l2(X, y)
    alphas = np.geomspace(cfg["alpha_min"], cfg["alpha_max"], cfg["num_alpha"])
    theta, balance = gradient_descent(X, y, alphas, cfg["iterations"], cfg["step"], progress)
    theta_phi = np.array([min_potential(X, y, a) for a in alphas])
    # The same minimiser with the effective scales alpha_i^2 = (u_i^2 - v_i^2) / 2 at the end of
    # training (the heuristic of the notes: discrete steps shrink the scale coordinatewise).
    theta_eff = np.array([min_potential(X, y, np.sqrt(0.5 * b)) for b in balance])
    grid = np.geomspace(cfg["alpha_min"], cfg["alpha_max"], cfg["num_alpha_theory"])
    th_l1, th_l2 = theory_distances(X, y, grid, theta_l1, theta_l2)
    return {
        "alpha": alphas, "theta": theta, "theta_phi": theta_phi,
        "dist_l1": np.linalg.norm(theta - theta_l1, axis=1),
        "dist_l2": np.linalg.norm(theta - theta_l2, axis=1),
        "dist_phi": np.linalg.norm(theta - theta_phi, axis=1),
        "dist_phi_eff": np.linalg.norm(theta - theta_eff, axis=1),
        "residual": np.linalg.norm(theta @ X.T - y, axis=1),
        "alpha_eff_sq": 0.5 * balance,
        "alpha_theory": grid, "theory_l1": th_l1, "theory_l2": th_l2,
        "theta_star": target, "theta_l1": theta_l1, "theta_l2": theta_l2, "X": X, "y": y,
    }


def plot(data: dict, cfg: dict):
    from matplotlib.legend_handler import HandlerTuple

    from figgen.core.style import PALETTE, new_figure

    def _latex_number(x: float) -> str:
        e = np.log10(x)
        return f"10^{{{e:.0f}}}" if abs(e - round(e)) < 1e-9 and abs(e) > 1.5 else f"{x:.2g}"

    fig, (ax0, ax1) = new_figure(rel_width=1.0, ncols=2, ratio=0.75)
    a, grid = data["alpha"], data["alpha_theory"]
    ax0.plot(grid, data["theory_l1"], color=PALETTE["blue"], lw=1.0,
             label=r"$\|\theta_\alpha^\phi - \theta_{\ell_1}\|$")
    ax0.plot(grid, data["theory_l2"], color=PALETTE["vermillion"], lw=1.0,
             label=r"$\|\theta_\alpha^\phi - \theta_{\ell_2}\|$")
    ok = converged(data, cfg)
    ax0.plot(a[ok], data["dist_l1"][ok], "o", color=PALETTE["blue"],
             label=r"GD: $\|\theta_\infty - \theta_{\ell_1}\|$")
    ax0.plot(a[ok], data["dist_l2"][ok], "s", color=PALETTE["vermillion"],
             label=r"GD: $\|\theta_\infty - \theta_{\ell_2}\|$")
    # Runs stopped before interpolation: drawn hollow, since they are not the limit of training; one
    # legend entry shows both hollow shapes.
    if (~ok).any():
        hollow = (ax0.plot(a[~ok], data["dist_l1"][~ok], "o", mfc="none", color=PALETTE["blue"])[0],
                  ax0.plot(a[~ok], data["dist_l2"][~ok], "s", mfc="none", color=PALETTE["vermillion"])[0])
    ax0.set_xscale("log")
    ax0.set_yscale("log")
    # Two empty decades below the smallest distance plotted (about 3e-6, GD at the largest scale from
    # min-L2): the legend sits there, under the markers of the smallest scales instead of over them.
    ax0.set_ylim(1e-9, 5)
    ax0.set_xlabel(r"initialisation scale $\alpha$")
    ax0.set_ylabel("distance")
    handles, labels = ax0.get_legend_handles_labels()
    if (~ok).any():
        handles.append(hollow)
        labels.append("GD, not yet interpolating")
    ax0.legend(handles, labels, fontsize=6, loc="lower left", handler_map={tuple: HandlerTuple(ndivide=None)})
    ax0.set_title(r"(a) from $\ell_1$ (rich) to $\ell_2$ (kernel)")

    idx = np.arange(len(data["theta_star"]))
    ax1.axhline(0, color=PALETTE["black"], lw=0.5)
    ax1.plot(idx, data["theta_l2"], "-", color=PALETTE["vermillion"], lw=0.8, label=r"$\theta_{\ell_2}$")
    ax1.plot(idx, data["theta_star"], "o", ms=6, mfc="none", color=PALETTE["black"],
             label=r"$\theta_\star = \theta_{\ell_1}$")
    first = int(np.flatnonzero(ok)[0])  # the smallest scale that interpolates
    ax1.plot(idx, data["theta"][first], ".", color=PALETTE["blue"],
             label=rf"GD, $\alpha={_latex_number(a[first])}$")
    ax1.plot(idx, data["theta"][-1], "x", ms=4, color=PALETTE["vermillion"],
             label=rf"GD, $\alpha={_latex_number(a[-1])}$")
    ax1.set_xlabel("coordinate $i$")
    ax1.set_ylabel(r"$\theta_i$")
    ax1.legend(fontsize=6, loc="lower left")
    ax1.set_title("(b) the interpolators")
    return fig


def relative_gap(data: dict) -> np.ndarray:
    """||theta_GD - theta_phi|| over the smaller of the line's two distances at the same alpha.

    By the triangle inequality each marker then lies within this fraction of its line.
    """
    to_l1 = np.linalg.norm(data["theta_phi"] - data["theta_l1"], axis=1)
    to_l2 = np.linalg.norm(data["theta_phi"] - data["theta_l2"], axis=1)
    return data["dist_phi"] / np.minimum(to_l1, to_l2)


def crossover(data: dict, level: float = 0.1) -> tuple[float, float]:
    """Range of alpha where argmin phi_alpha is farther than `level` * ||theta_l1 - theta_l2|| from both."""
    scale = level * np.linalg.norm(data["theta_l1"] - data["theta_l2"])
    inside = (data["theory_l1"] > scale) & (data["theory_l2"] > scale)
    return float(data["alpha_theory"][inside].min()), float(data["alpha_theory"][inside].max())


def _round_up(x: float, digits: int = 2) -> float:
    """x rounded up to `digits` significant digits, so that "at most" stays true."""
    e = np.floor(np.log10(x)) - digits + 1
    return float(f"{np.ceil(x / 10**e) * 10**e:.{digits}g}")


def caption_params(data: dict, cfg: dict) -> dict:
    ok = converged(data, cfg)
    a = data["alpha"]
    small = data["alpha_theory"] <= 10 * data["alpha_theory"][0]   # the smallest decade of the line
    lo, hi = crossover(data)
    first = np.flatnonzero(ok)[0]
    return {
        "converged_alpha_min": float(f"{a[ok].min():.2g}"),
        "num_unconverged": int((~ok).sum()),
        "unconverged_alpha_max": float(f"{a[~ok].max():.2g}") if (~ok).any() else 0.0,
        "alpha_smallest": float(a[0]),
        "alpha_largest": float(a[-1]),
        "dist_l1_smallest_converged": float(f"{data['dist_l1'][first]:.1e}"),
        "dist_l1_phi_smallest_converged": float(f"{np.linalg.norm(data['theta_phi'][first] - data['theta_l1']):.1e}"),
        "dist_l2_largest": float(f"{data['dist_l2'][-1]:.1e}"),
        "theory_l1_slope": round(loglog_slope(data["alpha_theory"][small], data["theory_l1"][small]), 2),
        "crossover_lo": float(f"{lo:.1g}"),
        "crossover_hi": float(f"{hi:.1g}"),
        "crossover_decades": round(float(np.log10(hi / lo)), 1),
        # "residual up to": rounded up (3.08e-4 must not print as 3e-4).
        "max_residual": _round_up(float(data["residual"].max())),
        "max_dist_phi_eff_converged": _round_up(float(data['dist_phi_eff'][ok].max())),
        "max_dist_phi_converged": _round_up(float(data['dist_phi'][ok].max())),
    }


def claims(data: dict, cfg: dict) -> dict:
    """The claims of CLAIMS on one run's data (constants here, not at module level: the data's hash
    covers every module-level statement but ALT, CLAIMS and the drawing functions)."""
    from figgen.core.claims import at_least, at_most, between, count_of, holds

    def line_offset(data):
        # How far each marker sits from its line at the same alpha, relative to the line: the larger
        # over the two distances of panel (a) (the line through alpha is argmin phi_alpha itself).
        return np.max([np.abs(np.linalg.norm(data["theta"] - data[ref], axis=1)
                              / np.linalg.norm(data["theta_phi"] - data[ref], axis=1) - 1)
                       for ref in ("theta_l1", "theta_l2")], axis=0)

    # "On the lines": a marker within this many per cent of the distance its line plots at the same
    # alpha, 0.02 decades on the log axis, a tenth of a marker's height (a 3.5 pt marker spans about
    # 0.2 decades of panel (a)); GD's limit replaced by the minimiser of a neighbouring alpha, or a
    # small-scale run stopped before interpolation, misses by more.
    on_line_percent = 5.0
    # A kernel-regime slope off -4 by 0.1 moves the end of the decade of alpha >= 1 by a tenth of a
    # decade, half a marker's height; the O(alpha^-8) corrections of the expansion bend it less.
    kernel_slope_tol = 0.1
    # "Nearly all" of the gap between GD and argmin phi_alpha explained by the effective scales: at
    # least 90 % of it, a factor 10 on the distance.
    effective_factor = 10.0
    # "On the min-L2 line" in panel (b): within 1 % of ||theta_l1 - theta_l2||, under a third of a
    # marker there (a marker spans about 3 % of that panel's height).
    on_l2_share = 0.01
    # "The balancedness has fallen": by at least one per cent somewhere (round-off moves it by 1e-15).
    balance_fallen = 0.99
    # Differences between interpolators are resolved to the run's interpolation tolerance.
    resolution = cfg["interpolation_tol"]

    ok = converged(data, cfg)
    a = data["alpha"]
    offset = 100 * line_offset(data)
    filled_max = float(offset[ok].max())
    hollow = offset[~ok]                      # ordered by alpha, smallest first
    off = hollow > filled_max
    n_off = int(off.sum())
    prefix = n_off > 0 and bool(off[:n_off].all()) and n_off < len(hollow)
    # The runs short of interpolation: at least one, and exactly the smallest scales (ok is False on a
    # prefix of the alphas, sorted increasingly, and True after it).
    n_unfinished = int((~ok).sum())
    # The steps against the divergence threshold: at the end, the Hessian of L(u, v) in (u, v) is
    # J^T (X^T X / n) J with J = [diag v, diag u] (plus a term in the residual, below 1e-4 here: 7e-5 on the runs short of interpolation), whose
    # top eigenvalue is that of A^1/2 diag(u^2 + v^2) A^1/2, and u^2 + v^2 = 2 sqrt(theta^2 +
    # alpha_eff^4) by the balance. GD diverges once step * curvature exceeds 2; "not near" it: at most
    # a tenth of that.
    gram = data["X"].T @ data["X"] / data["X"].shape[0]
    lip = np.linalg.eigvalsh(gram).max()
    sharp = []
    for alpha_k, theta_k, eff_k in zip(a, data["theta"], data["alpha_eff_sq"]):
        root = np.sqrt(2 * np.sqrt(theta_k ** 2 + eff_k ** 2))
        eta_k = cfg["step"] / (lip * max(1.0, 2 * alpha_k ** 2))
        sharp.append(eta_k * np.linalg.eigvalsh(root[:, None] * gram * root[None, :]).max())
    unfinished_prefix = n_unfinished >= 1 and bool((~ok)[:n_unfinished].all()) and bool(ok[n_unfinished:].all())

    to_l1_gd = np.linalg.norm(data["theta"] - data["theta_l1"], axis=1)
    to_l1_phi = np.linalg.norm(data["theta_phi"] - data["theta_l1"], axis=1)
    l1_excess = np.abs(data["theta"]).sum(axis=1) - np.abs(data["theta_phi"]).sum(axis=1)
    l1_gd, l2_gd = data["dist_l1"][ok], data["dist_l2"][ok]
    large = ok & (a >= 1)
    slope = loglog_slope(a[large], data["dist_l2"][large]) if large.sum() >= 2 else float("nan")
    ratio = data["alpha_eff_sq"] / a[:, None] ** 2
    on_support = data["theta_star"] != 0
    shrink = -np.log(ratio)
    support_over_off = shrink[:, on_support].mean(axis=1) / shrink[:, ~on_support].mean(axis=1)
    explained = data["dist_phi"][ok] / data["dist_phi_eff"][ok]
    mass_on = np.abs(data["theta"][:, on_support]).sum(axis=1) - np.abs(data["theta_phi"][:, on_support]).sum(axis=1)
    mass_off = np.abs(data["theta"][:, ~on_support]).sum(axis=1) - np.abs(data["theta_phi"][:, ~on_support]).sum(axis=1)
    spread = np.linalg.norm(data["theta_l1"] - data["theta_l2"])
    return {
        "filled_on_lines": at_most(filled_max, on_line_percent, digits=1, unit=" %"),
        "hollow_smallest_off": holds(
            prefix, f"{n_off} of {len(hollow)} non-interpolating runs farther than {filled_max:.3g} % "
                    f"(offsets {', '.join(f'{x:.3g}' for x in hollow)} %)",
            CLAIMS["hollow_smallest_off"]),
        "smallest_unfinished": holds(
            unfinished_prefix, f"{n_unfinished} of {len(ok)} runs short of interpolation after "
                               f"{cfg['iterations']} steps, at alpha {', '.join(f'{x:.2g}' for x in a[~ok])}",
            CLAIMS["smallest_unfinished"]),
        "l1_is_target": holds(bool(np.linalg.norm(data["theta_l1"] - data["theta_star"]) <= resolution),
                              f"||theta_l1 - theta_star|| = {np.linalg.norm(data['theta_l1'] - data['theta_star']):.3g}",
                              CLAIMS["l1_is_target"]),
        "small_steps": at_most(max(sharp), 0.2, digits=2),
        "hollow_max_offset": at_least(hollow[0] if len(hollow) else 0.0, on_line_percent, digits=0, unit=" %"),
        "regimes_cross": holds(
            bool(l1_gd[0] < l2_gd[0] and l2_gd[-1] < l1_gd[-1]
                 and np.all(np.diff(l1_gd) > -resolution) and np.all(np.diff(l2_gd) < resolution)),
            f"distances to min-L1 {l1_gd[0]:.3g} to {l1_gd[-1]:.3g}, to min-L2 {l2_gd[0]:.3g} to {l2_gd[-1]:.3g}",
            CLAIMS["regimes_cross"]),
        "largest_on_l2": at_most(data["dist_l2"][-1] / spread, on_l2_share, digits=4),
        "l2_dense": count_of(np.abs(data["theta_l2"]) > resolution, CLAIMS["l2_dense"], "coordinates"),
        "kernel_slope": between(slope, -4 - kernel_slope_tol, -4 + kernel_slope_tol, digits=2),
        "balance_fell": at_most(ratio.min(), balance_fallen, digits=2),
        "effective_scale_explains": at_least(explained.min(), effective_factor, digits=0),
        "support_shrinks_more": at_least(support_over_off[ok].min(), 1.0, digits=0),
        "weight_off_support": count_of((mass_on[ok] < -resolution) & (mass_off[ok] > resolution),
                                       CLAIMS["weight_off_support"], "interpolating runs"),
        "gd_farther_from_l1": count_of(to_l1_gd[ok] - to_l1_phi[ok] > resolution, CLAIMS["gd_farther_from_l1"],
                                       "interpolating runs"),
        "gd_larger_l1_norm": count_of(l1_excess[ok] > resolution, CLAIMS["gd_larger_l1_norm"],
                                      "interpolating runs"),
    }
