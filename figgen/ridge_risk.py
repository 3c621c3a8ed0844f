"""Ridge regression in the proportional regime: risk, bias and variance against gamma = p/n.

Model: x ~ N(0, I_p), y = <theta*, x> + noise of variance sigma^2, ||theta*|| = r, n samples,
estimator theta_hat = (X^T X + n lambda I)^{-1} X^T y, risk ||theta_hat - theta*||^2 (the excess
prediction risk for isotropic x). The simulation splits each fit into its bias part
||theta_hat(X theta*) - theta*||^2 (noise-free labels) and its variance part ||theta_hat(noise)||^2.

Theory (Hastie, Montanari, Rosset, Tibshirani 2022; Dobriban and Wager 2018): with
kappa = (lambda - 1 + gamma + sqrt((1 - gamma - lambda)^2 + 4 lambda)) / 2, the positive root of
kappa^2 - (lambda - 1 + gamma) kappa - lambda = 0, as n, p -> infinity with p/n -> gamma,
  bias -> kappa^2 r^2 / ((1 + kappa)^2 - gamma),  variance -> sigma^2 gamma / ((1 + kappa)^2 - gamma).
It follows from the Marchenko-Pastur law through its Stieltjes transform (lecture notes, ch. 6).
The optimal penalty is lambda* = sigma^2 gamma / r^2, whose risk r^2 kappa/(1 + kappa) has no peak.
"""
from __future__ import annotations

import numpy as np
import torch

from figgen.core.progress import progress

CONFIG = {
    "quick": {"n": 100, "gammas": [0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0],
              "lambdas": [0.01, 0.1, 1.0], "reps": 20, "r": 1.0, "sigma": 0.5, "seed": 0},
    "full": {"n": 800, "gammas": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1,
                                  1.2, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0],
             "lambdas": [0.01, 0.1, 1.0], "reps": 100, "r": 1.0, "sigma": 0.5, "seed": 0},
}

# What chapter 6, homework 5 and the text alternative say the data shows (claims() checks them).
# Four standard errors: 52 (quick) to 88 (full) markers, each two-sided at p = 6e-5, share a false alarm
# of 3e-3 to 6e-3.
CLAIMS = {
    "risk_matches_theory": "every simulated risk (all penalties, the optimal one included) lies within 4 of its "
                           "standard errors of the limit; the value printed is the largest relative deviation "
                           "(per cent)",
    "sem_largest_near_threshold": "the largest standard error of a simulated risk is that of the smallest "
                                  "penalty at a grid point with |gamma - 1| <= 0.1",
    "risk_peak_small_lambda": "for the smallest penalty the largest simulated risk is at |gamma - 1| <= 0.1",
    "variance_peak_small_lambda": "for the smallest penalty the largest simulated variance is at |gamma - 1| <= "
                                  "0.1 and at least twice every simulated variance at |gamma - 1| >= 0.4",
    "penalty_lowers_peak": "the largest simulated variance decreases strictly from each penalty to the next "
                           "larger one",
    "optimal_no_peak": "with the optimal penalty the simulated risk increases along the grid of gamma: no step "
                       "goes down by more than 4 standard errors of the difference",
}
ALT_CLAIMS = ["risk_matches_theory", "risk_peak_small_lambda", "variance_peak_small_lambda", "optimal_no_peak"]

ALT = (
    "Three panels against gamma = p/n with n = {n}: the risk, the bias and the variance of ridge "
    "regression, as simulation markers (mean over {reps} draws) beside lines of the proportional-limit "
    "theory, for penalties lambda = {lambdas} and for the optimal penalty sigma squared gamma over r "
    "squared, with a dashed line for the ridgeless limit in the risk panel. The smallest penalty "
    "gives a sharp peak of the risk and the variance near gamma = 1; the optimal penalty gives a risk "
    "without a peak."
)


def kappa(gamma, lam):
    """Positive root of kappa^2 - (lam - 1 + gamma) kappa - lam = 0 (equivalently
    kappa = lam + gamma kappa / (1 + kappa)); lam = 0 gives max(gamma - 1, 0)."""
    gamma, lam = np.asarray(gamma, dtype=float), np.asarray(lam, dtype=float)
    return (lam - 1 + gamma + np.sqrt((1 - gamma - lam) ** 2 + 4 * lam)) / 2


def theory(gamma, lam, r: float, sigma: float) -> dict:
    """Limiting bias, variance and risk of ridge with penalty n * lam (Hastie et al. 2022)."""
    k = kappa(gamma, lam)
    denom = (1 + k) ** 2 - np.asarray(gamma, dtype=float)
    bias = k ** 2 * r ** 2 / denom
    var = sigma ** 2 * np.asarray(gamma, dtype=float) / denom
    return {"bias": bias, "variance": var, "risk": bias + var}


def optimal_lambda(gamma, r: float, sigma: float):
    """lambda* = sigma^2 gamma / r^2: ridge is then the posterior mean for theta* ~ N(0, r^2 I_p / p)."""
    return sigma ** 2 * np.asarray(gamma, dtype=float) / r ** 2


def _ridge(X: torch.Tensor, Y: torch.Tensor, lam: torch.Tensor) -> torch.Tensor:
    """(X^T X + n lam I)^{-1} X^T Y for a batch, through the smaller of the two Gram matrices.

    X: (b, n, p); Y: (b, n, k); lam: (b,) penalties, one per batch element.
    """
    b, n, p = X.shape
    shift = (n * lam).view(b, 1, 1)
    if p <= n:
        A = X.transpose(1, 2) @ X + shift * torch.eye(p, dtype=X.dtype, device=X.device)
        return torch.cholesky_solve(X.transpose(1, 2) @ Y, torch.linalg.cholesky(A))
    A = X @ X.transpose(1, 2) + shift * torch.eye(n, dtype=X.dtype, device=X.device)
    return X.transpose(1, 2) @ torch.cholesky_solve(Y, torch.linalg.cholesky(A))


def compute(cfg: dict, device: str) -> dict:
    gen = torch.Generator(device=device).manual_seed(cfg["seed"])
    n, reps, r, sigma = cfg["n"], cfg["reps"], cfg["r"], cfg["sigma"]
    gammas = np.asarray(cfg["gammas"], dtype=float)
    ps = np.round(gammas * n).astype(int)
    # The penalties in cfg, then the optimal one (which depends on gamma): columns of the output.
    L = len(cfg["lambdas"]) + 1
    out = {k: np.empty((len(ps), L)) for k in ("bias", "variance", "risk", "sem")}
    for i, p in enumerate(progress(ps, "dimensions")):
        p = int(p)
        lams = list(cfg["lambdas"]) + [float(optimal_lambda(p / n, r, sigma))]
        X = torch.randn(reps, n, p, generator=gen, dtype=torch.float64, device=device)
        theta = torch.randn(reps, p, 1, generator=gen, dtype=torch.float64, device=device)
        theta = r * theta / theta.norm(dim=1, keepdim=True)
        eps = sigma * torch.randn(reps, n, 1, generator=gen, dtype=torch.float64, device=device)
        # Every penalty on the same draws: stack them along the batch dimension.
        Xb = X.repeat(L, 1, 1)
        Yb = torch.cat([X @ theta, eps], dim=2).repeat(L, 1, 1)
        lam = torch.tensor(lams, dtype=torch.float64, device=device).repeat_interleave(reps)
        sol = _ridge(Xb, Yb, lam).view(L, reps, p, 2)
        bias = ((sol[..., 0] - theta.view(1, reps, p)) ** 2).sum(-1)
        var = (sol[..., 1] ** 2).sum(-1)
        risk = ((sol[..., 0] + sol[..., 1] - theta.view(1, reps, p)) ** 2).sum(-1)
        out["bias"][i] = bias.mean(1).cpu().numpy()
        out["variance"][i] = var.mean(1).cpu().numpy()
        out["risk"][i] = risk.mean(1).cpu().numpy()
        out["sem"][i] = (risk.std(1) / np.sqrt(reps)).cpu().numpy()
    return {"gamma": ps / n, **out}


def plot(data: dict, cfg: dict):
    from figgen.core.style import PALETTE, new_figure

    fig, axs = new_figure(rel_width=1.0, ratio=0.95, nrows=1, ncols=3)
    r, sigma = cfg["r"], cfg["sigma"]
    g = np.linspace(0.02, float(data["gamma"].max()) * 1.02, 600)
    colours = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"], PALETTE["purple"]]
    labels = [rf"$\lambda={lam:g}$" for lam in cfg["lambdas"]] + [r"$\lambda^\star=\sigma^2\gamma/r^2$"]
    for j, (colour, label) in enumerate(zip(colours, labels)):
        lam = optimal_lambda(g, r, sigma) if j == len(cfg["lambdas"]) else cfg["lambdas"][j]
        th = theory(g, lam, r, sigma)
        for ax, key in zip(axs, ("risk", "bias", "variance")):
            ax.plot(g, th[key], color=colour, label=label)
            ax.plot(data["gamma"], data[key][:, j], "o", color=colour, ms=2.8)
    ridgeless = np.where(g < 1, sigma ** 2 * g / np.abs(1 - g), r ** 2 * (1 - 1 / g) + sigma ** 2 / np.abs(g - 1))
    axs[0].plot(g, ridgeless, color=PALETTE["black"], lw=0.7, ls="--", label=r"$\lambda\to0$")
    for ax, title in zip(axs, ("risk", "bias", "variance")):
        ax.set_title(title)
        ax.set_xlabel(r"$\gamma=p/n$")
        ax.axvline(1.0, color=PALETTE["black"], lw=0.4, alpha=0.5)
    axs[0].set_ylim(0, 2.0)
    axs[1].set_ylim(0, 1.05 * r ** 2)
    axs[2].set_ylim(0, 1.2)
    handles, labels = axs[0].get_legend_handles_labels()
    axs[2].legend(handles, labels, loc="upper right", fontsize=6.5, handlelength=1.4)
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    # The largest deviation of the simulations from the theory is printed by the claim
    # risk_matches_theory (rounded up).
    out = {}
    # Values of the limiting risk quoted in homework 5, on a fine grid of gamma (theory only).
    r, sigma = cfg["r"], cfg["sigma"]
    g = np.linspace(0.2, 4.0, 3801)
    for j, lam in enumerate(cfg["lambdas"]):
        risk = theory(g, lam, r, sigma)["risk"]
        out[f"peak{j}"] = f"{risk.max():.2f}"
        out[f"peak_gamma{j}"] = f"{g[np.argmax(risk)]:.2f}"
        out[f"risk_first{j}"] = f"{risk[0]:.2f}"
        out[f"risk_last{j}"] = f"{risk[-1]:.2f}"
    return out


def claims(data: dict, cfg: dict) -> dict:
    from figgen.core.claims import Verdict, holds, round_up

    r, sigma, g = cfg["r"], cfg["sigma"], data["gamma"]
    lams = [np.full(g.shape, lam) for lam in cfg["lambdas"]] + [optimal_lambda(g, r, sigma)]
    th = np.stack([theory(g, lam, r, sigma)["risk"] for lam in lams], axis=1)
    risk, sem, var = data["risk"], data["sem"], data["variance"]
    z = np.abs(risk - th) / sem
    near, far = np.abs(g - 1) <= 0.1 + 1e-9, np.abs(g - 1) >= 0.4 - 1e-9
    i_sem, j_sem = np.unravel_index(np.argmax(sem), sem.shape)
    i_var = int(np.argmax(var[:, 0]))
    peaks = var[:, :len(cfg["lambdas"])].max(axis=0)
    step = np.diff(risk[:, -1]) / np.sqrt(sem[1:, -1] ** 2 + sem[:-1, -1] ** 2)
    return {
        "risk_matches_theory": Verdict(bool(np.all(z <= 4.0)), f"largest deviation {z.max():.2f} standard errors",
                                       "at most 4 standard errors",
                                       f"{round_up(100 * float(np.max(np.abs(risk / th - 1))), 1):.1f}"),
        "sem_largest_near_threshold": holds(bool(j_sem == 0 and near[i_sem]),
                                            f"largest at penalty {lams[j_sem][i_sem]:.3g}, gamma = {g[i_sem]:g}",
                                            CLAIMS["sem_largest_near_threshold"]),
        "risk_peak_small_lambda": holds(bool(near[int(np.argmax(risk[:, 0]))]),
                                        f"largest at gamma = {g[int(np.argmax(risk[:, 0]))]:g}",
                                        "at |gamma - 1| <= 0.1"),
        "variance_peak_small_lambda": holds(bool(near[i_var] and var[i_var, 0] >= 2 * var[far, 0].max()),
                                            f"largest {var[i_var, 0]:.3g} at gamma = {g[i_var]:g}, largest at "
                                            f"|gamma - 1| >= 0.4: {var[far, 0].max():.3g}",
                                            CLAIMS["variance_peak_small_lambda"]),
        "penalty_lowers_peak": holds(bool(np.all(np.diff(peaks) < 0)),
                                     "peaks " + ", ".join(f"{x:.3g}" for x in peaks), CLAIMS["penalty_lowers_peak"]),
        "optimal_no_peak": holds(bool(np.all(step >= -4.0)), f"smallest step {step.min():.2f} standard errors",
                                 "no step below -4 standard errors"),
    }
