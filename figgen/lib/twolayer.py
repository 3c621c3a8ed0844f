"""Two-layer ReLU networks f(x) = s * sum_j a_j relu(<w_j, x>), many of them at once.

Used by the lazy-limit figures (chapter 4). A batch of B networks of one width m is stored as
first-layer weights ``Wt`` of shape (B, d, m) (column j is w_j) and second-layer weights ``a`` of
shape (B, 1, m); the output scale s is m^{-1/2} in the NTK (lazy) parametrisation and 1/m in the
mean-field one. Gradients are written out by hand: for the square loss they are three small
matrix products, which is much faster on a CPU than autograd for these shapes.

The analytic NTK of the m^{-1/2} parametrisation with w_j ~ N(0, I_d), a_j ~ N(0, 1) is
(Jacot, Gabriel, Hongler 2018; the two expectations are the arc-cosine kernels of degree 0 and 1
of Cho and Saul 2009)

    K(x, x') = <x, x'> (pi - t) / (2 pi)                                  (gradient in w)
             + ||x|| ||x'|| (sin t + (pi - t) cos t) / (2 pi)             (gradient in a)

with t the angle between x and x'.
"""
from __future__ import annotations

import numpy as np
import torch


def sphere_inputs(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """n points drawn uniformly on the unit sphere of R^d, as an (n, d) array."""
    x = rng.standard_normal((n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _angles(X: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inner products, products of norms and angles between the rows of X and of Z."""
    ip = X @ Z.T
    norms = np.outer(np.linalg.norm(X, axis=1), np.linalg.norm(Z, axis=1))
    u = np.clip(ip / norms, -1.0, 1.0)
    return ip, norms, np.arccos(u)


def relu_ntk_parts(X: np.ndarray, Z: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The two parts of the analytic ReLU NTK: gradient in the first layer, in the second layer."""
    Z = X if Z is None else Z
    ip, norms, t = _angles(np.asarray(X, float), np.asarray(Z, float))
    first = ip * (np.pi - t) / (2 * np.pi)
    second = norms * (np.sin(t) + (np.pi - t) * np.cos(t)) / (2 * np.pi)
    return first, second


def relu_ntk(X: np.ndarray, Z: np.ndarray | None = None) -> np.ndarray:
    """Analytic NTK K(x_i, z_k) of the m^{-1/2}-scaled two-layer ReLU network at initialisation."""
    first, second = relu_ntk_parts(X, Z)
    return first + second


def init_params(batch: int, m: int, d: int, gen: torch.Generator, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Standard Gaussian weights for `batch` networks of width m: Wt (B, d, m) and a (B, 1, m)."""
    Wt = torch.randn(batch, d, m, generator=gen).to(device)
    a = torch.randn(batch, 1, m, generator=gen).to(device)
    return Wt, a


def forward(Wt: torch.Tensor, a: torch.Tensor, X: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Outputs (B, n) of B networks on the rows of X (n, d); scale has shape (B,)."""
    h = torch.relu(torch.matmul(X, Wt))
    return (h * a).sum(-1) * scale[:, None]


def empirical_ntk(Wt: torch.Tensor, a: torch.Tensor, X: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Gram matrices (B, n, n) of the tangent kernel sum_p df/dtheta_p(x) df/dtheta_p(x').

    With s the output scale: s^2 sum_j [relu(w_j.x) relu(w_j.x') + a_j^2 1{w_j.x>0} 1{w_j.x'>0} <x,x'>].
    """
    z = torch.matmul(X, Wt)                                  # (B, n, m)
    h = torch.relu(z)
    mask = torch.sign(h)                                     # 1{z > 0} as floats
    second = torch.bmm(h, h.transpose(1, 2))
    first = torch.bmm(mask * a**2, mask.transpose(1, 2)) * (X @ X.T)
    return (first + second) * scale[:, None, None] ** 2


def param_sq_norm(Wt: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Squared Euclidean norm of all parameters of each network, shape (B,)."""
    return (Wt**2).sum((1, 2)) + (a**2).sum((1, 2))


def train_gd(Wt: torch.Tensor, a: torch.Tensor, X: torch.Tensor, y: torch.Tensor, scale: torch.Tensor,
             lr: torch.Tensor, steps: int) -> torch.Tensor:
    """Full-batch GD on (1/2n) sum_i (f(x_i) - y_i)^2 for B networks of one width, in place.

    Both layers are trained, network b with step size lr[b]. Returns the loss before the last step,
    shape (B,). Gradients: with r_i the residuals and 1_ij = 1{w_j.x_i > 0},
    dL/dw_j = (s a_j / n) sum_i r_i 1_ij x_i and dL/da_j = (s / n) sum_i r_i relu(w_j.x_i)
    = <w_j, (s / n) sum_i r_i 1_ij x_i>, which saves a pass over the (n, m) activations.
    """
    n = X.shape[0]
    Xt = X.T.contiguous()
    s = scale[:, None, None]
    step = (lr * scale / n)[:, None, None]
    yc = y[:, None]
    r = torch.zeros(Wt.shape[0], n, 1, dtype=Wt.dtype, device=Wt.device)
    for _ in range(steps):
        h = torch.relu(torch.matmul(X, Wt))                  # (B, n, m)
        r = (h * a).sum(-1, keepdim=True).mul_(s).sub_(yc)   # (B, n, 1) residuals
        g = torch.matmul(Xt, h.sign_().mul_(r))             # (B, d, m): sum_i r_i 1_ij x_i
        ga = (Wt * g).sum(1, keepdim=True)                  # (B, 1, m): sum_i r_i relu(w_j.x_i)
        Wt.sub_(g.mul_(a * step))
        a.sub_(ga.mul_(step))
    return 0.5 * (r**2).mean((1, 2))
