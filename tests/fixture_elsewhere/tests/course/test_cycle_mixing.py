"""The Markov-chain course's check of its one figure: the exact distance to equilibrium of the lazy
walk lies between the spectral bounds at every time, and a wrong spectral gap is caught."""
import numpy as np

from conftest import quick_data
from figgen.cycle_mixing import tv_lower, tv_upper


def outside_the_bounds(data: dict) -> list[int]:
    """The times t at which d(t) leaves [lambda_*^t / 2, lambda_*^t sqrt((1 - pi_min)/pi_min) / 2]."""
    t, distance, lam = data["t"], data["distance"], float(data["lam_star"])
    low, high = tv_lower(t, lam), tv_upper(t, lam, float(data["pi"].min()))
    slack = 1e-12  # floating-point rounding of the matrix powers, far below any bound
    return [int(s) for s in t[(distance < low - slack) | (distance > high + slack)]]


def test_the_distance_lies_between_the_spectral_bounds():
    data, _ = quick_data("cycle_mixing")
    assert len(data["t"]) > 10 and outside_the_bounds(data) == []


def test_a_wrong_spectral_gap_is_caught():
    data, _ = quick_data("cycle_mixing")
    data["lam_star"] = np.array(float(data["lam_star"]) ** 1.5)  # a gap too large: the upper bound falls below d
    assert outside_the_bounds(data)
