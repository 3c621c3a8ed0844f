"""Mixing of a lazy random walk with random conductances on a cycle, between its spectral bounds.

Theory. Edge (x, x+1) of the n-cycle carries a conductance c drawn uniformly from [1, spread];
the walk steps along an edge with probability proportional to its conductance, and the lazy walk
stays put with probability 1/2. It is reversible with respect to pi(x) proportional to the sum of
the conductances at x, its eigenvalues lie in [0, 1], and with lambda_* the second largest,
    (1/2) lambda_*^t <= d(t) <= (1/2) lambda_*^t sqrt((1 - pi_min) / pi_min),
where d(t) is the largest total variation distance between P^t(x, .) and pi over starting
states x (Levin and Peres 2017, Markov Chains and Mixing Times, ch. 12; chapter 2 of the notes
proves both). The distances are computed exactly from the matrix powers; the seed draws the
conductances.
"""
from __future__ import annotations

import numpy as np

from figgen.core.progress import progress

CONFIG = {
    "quick": {"n_states": 24, "spread": 4.0, "t_max": 600, "seed": 0},
    "full": {"n_states": 64, "spread": 4.0, "t_max": 4000, "seed": 0},
}

ALT = (
    "One panel: the worst-case total variation distance to equilibrium of a lazy random walk on a "
    "cycle of {n_states} states with random conductances, against the time t from 0 to {t_max}, "
    "logarithmic vertical axis, with the spectral lower and upper bounds as dashed lines and the "
    "level 1/4 as a dotted line. The distance falls geometrically and stays between the two bounds."
)


def transition_matrix(conductances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lazy walk's matrix and its stationary law, from the conductances of edges (x, x+1)."""
    n = len(conductances)
    x = np.arange(n)
    weights = np.zeros((n, n))
    weights[x, (x + 1) % n] = conductances
    weights[(x + 1) % n, x] = conductances
    at_state = weights.sum(axis=1)
    walk = weights / at_state[:, None]
    return (np.eye(n) + walk) / 2, at_state / at_state.sum()


def second_eigenvalue(matrix: np.ndarray, pi: np.ndarray) -> float:
    """lambda_*: reversibility makes D^(1/2) P D^(-1/2) symmetric, with the spectrum of P."""
    root = np.sqrt(pi)
    symmetric = root[:, None] * matrix / root[None, :]
    eigenvalues = np.linalg.eigvalsh((symmetric + symmetric.T) / 2)
    return float(np.sort(np.abs(eigenvalues))[-2])


def tv_lower(t: np.ndarray, lam_star: float) -> np.ndarray:
    """d(t) >= lambda_*^t / 2, for every chain with an eigenvalue lambda_*."""
    return 0.5 * lam_star ** np.asarray(t, dtype=float)


def tv_upper(t: np.ndarray, lam_star: float, pi_min: float) -> np.ndarray:
    """d(t) <= lambda_*^t sqrt((1 - pi_min) / pi_min) / 2, for a reversible chain."""
    return tv_lower(t, lam_star) * np.sqrt((1 - pi_min) / pi_min)


def mixing_time(distance: np.ndarray, eps: float = 0.25) -> int:
    """The first time t at which d(t) <= eps (d is non-increasing)."""
    return int(np.argmax(distance <= eps))


def compute(cfg: dict, device: str) -> dict:
    rng = np.random.default_rng(cfg["seed"])
    conductances = rng.uniform(1.0, cfg["spread"], size=cfg["n_states"])
    matrix, pi = transition_matrix(conductances)
    power = np.eye(cfg["n_states"])
    distance = np.empty(cfg["t_max"] + 1)
    for t in progress(range(cfg["t_max"] + 1), "time steps"):
        distance[t] = 0.5 * np.abs(power - pi[None, :]).sum(axis=1).max()
        power = power @ matrix
    return {"t": np.arange(cfg["t_max"] + 1), "distance": distance, "pi": pi,
            "lam_star": np.array(second_eigenvalue(matrix, pi))}


def plot(data: dict, cfg: dict):
    from figgen.core.style import PALETTE, new_figure

    fig, ax = new_figure(rel_width=0.7)
    t, lam, pi_min = data["t"], float(data["lam_star"]), float(data["pi"].min())
    ax.plot(t, tv_upper(t, lam, pi_min), "--", color=PALETTE["black"], label="upper bound")
    ax.plot(t, data["distance"], color=PALETTE["blue"], label="$d(t)$")
    ax.plot(t, tv_lower(t, lam), "--", color=PALETTE["vermillion"], label="lower bound")
    ax.axhline(0.25, linestyle=":", color=PALETTE["black"], linewidth=0.8)
    ax.set_yscale("log")
    ax.set_ylim(bottom=max(float(data["distance"].min()) / 2, 1e-6), top=1.5)
    ax.set_xlabel("time $t$")
    ax.set_ylabel("distance to equilibrium")
    ax.legend()
    return fig


def caption_params(data: dict, cfg: dict) -> dict:
    lam = float(data["lam_star"])
    return {"t_mix": mixing_time(data["distance"]), "t_rel": round(1 / (1 - lam), 1)}
