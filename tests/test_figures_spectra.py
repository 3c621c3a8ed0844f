"""Chapter 5 (random matrix tools): the spectra figures against the semicircle and Marchenko-Pastur laws.

Each check is a function of the data that returns the list of what fails (empty when the data
matches the theory within the tolerances of the course reference: Kolmogorov-Smirnov distance
<= 0.02, edges within 5 % of the upper edge). Every check is also run on deliberately wrong data
(eigenvalues scaled by 1.2, the theory of a wrong ratio, a Wishart spectrum in place of a Wigner
one) to see it fail.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from figgen import marchenko_pastur as mp
from figgen import wigner_semicircle as ws
from conftest import quick_data

KS_TOL = 0.02
EDGE_TOL = 0.05
MOMENT_TOL = 0.05


@pytest.fixture(scope="module")
def quick():
    """Both figures computed once in quick mode (shared with the determinism test)."""
    return {name: quick_data(name) for name in ("marchenko_pastur", "wigner_semicircle")}


# ------------------------------------------------------------------------------------------------
# Checks, as functions of the data


def check_mp(data: dict, theory_gammas=None) -> list[str]:
    """Each panel against the Marchenko-Pastur law of its ratio (or of `theory_gammas`)."""
    failures = []
    gammas = data["gammas"] if theory_gammas is None else theory_gammas
    for i, gamma in enumerate(gammas):
        eigs = data["eigs"][i]
        ks = mp.ks_distance(eigs, lambda x, g=gamma: mp.mp_cdf(x, g))
        if ks > KS_TOL:
            failures.append(f"gamma={gamma}: KS distance {ks:.4f} > {KS_TOL}")
        lo, hi = mp.mp_edges(gamma)
        for name, observed, edge in (("lower", data["lmin"][i], lo), ("upper", data["lmax"][i], hi)):
            err = np.max(np.abs(observed - edge)) / hi
            if err > EDGE_TOL:
                failures.append(f"gamma={gamma}: {name} edge off by {err:.3f} of g+ (> {EDGE_TOL})")
        atom = np.mean(eigs == 0)
        if abs(atom - mp.mp_atom(gamma)) > 0.01:
            failures.append(f"gamma={gamma}: atom mass {atom:.3f}, theory {mp.mp_atom(gamma):.3f}")
    return failures


def check_wigner(data: dict) -> list[str]:
    failures = []
    ks = ws.ks_distance(data["eigs"], ws.semicircle_cdf)
    if ks > KS_TOL:
        failures.append(f"KS distance {ks:.4f} > {KS_TOL}")
    for name, observed, edge in (("lower", data["lmin"], -2.0), ("upper", data["lmax"], 2.0)):
        err = np.max(np.abs(observed - edge))
        if err > EDGE_TOL:
            failures.append(f"{name} edge off by {err:.3f} (> {EDGE_TOL})")
    catalan = np.array([ws.catalan(int(k)) for k in data["k"]], dtype=float)
    rel = np.abs(data["moments"].mean(axis=0) / catalan - 1)
    if rel.max() > MOMENT_TOL:
        failures.append(f"moments off the Catalan numbers by {rel.max():.3f} (> {MOMENT_TOL})")
    return failures


def scaled_mp(data: dict, factor: float) -> dict:
    return {**data, "eigs": data["eigs"] * factor, "lmin": data["lmin"] * factor,
            "lmax": data["lmax"] * factor}


# ------------------------------------------------------------------------------------------------
# The theory functions themselves


@pytest.mark.parametrize("gamma", [0.25, 0.5, 1.0, 2.0, 4.0])
def test_mp_density_mass_and_moments(gamma):
    lo, hi = mp.mp_edges(gamma)
    f = lambda x, k: x**k * mp.mp_density(np.array([x]), gamma)[0]  # noqa: E731
    mass = quad(f, lo, hi, args=(0,), limit=200)[0]
    assert mass == pytest.approx(min(1.0, 1.0 / gamma), abs=1e-6)
    assert mass + mp.mp_atom(gamma) == pytest.approx(1.0, abs=1e-6)
    # Mean 1 (tr of the sample covariance / d) and second moment 1 + gamma.
    assert quad(f, lo, hi, args=(1,), limit=200)[0] == pytest.approx(1.0, abs=1e-6)
    assert quad(f, lo, hi, args=(2,), limit=200)[0] == pytest.approx(1.0 + gamma, abs=1e-6)


@pytest.mark.parametrize("gamma", [0.5, 2.0])
def test_mp_cdf_matches_density(gamma):
    lo, hi = mp.mp_edges(gamma)
    xs = np.linspace(lo, hi, 9)[1:-1]
    direct = [mp.mp_atom(gamma) + quad(lambda x: mp.mp_density(np.array([x]), gamma)[0], lo, t,
                                       limit=200)[0] for t in xs]
    assert np.allclose(mp.mp_cdf(xs, gamma), direct, atol=1e-6)
    assert mp.mp_cdf(np.array([-1e-12]), gamma)[0] == 0.0
    assert mp.mp_cdf(np.array([0.0]), gamma)[0] == pytest.approx(mp.mp_atom(gamma))
    assert mp.mp_cdf(np.array([hi]), gamma)[0] == 1.0


@pytest.mark.parametrize("gamma", [0.5, 2.0])
def test_mp_stieltjes_equation_and_inversion(gamma):
    z = np.array([0.3 + 0.2j, 1.0 + 1e-3j, 4.0 + 2.0j, -1.0 + 0.5j, 10.0 + 0.01j])
    m = mp.mp_stieltjes(z, gamma)
    assert np.allclose(gamma * z * m**2 + (z - 1 + gamma) * m + 1, 0, atol=1e-10)
    assert np.all(m.imag > 0)  # Stieltjes transforms map the upper half-plane to itself
    lo, hi = mp.mp_edges(gamma)
    x = np.linspace(lo, hi, 7)[1:-1]
    recovered = mp.mp_stieltjes(x + 1e-9j, gamma).imag / np.pi
    assert np.allclose(recovered, mp.mp_density(x, gamma), rtol=1e-5)
    # Direct integral against the law, atom included.
    z0 = 1.5 + 0.7j
    re = quad(lambda t: (mp.mp_density(np.array([t]), gamma)[0] / (t - z0)).real, lo, hi, limit=200)[0]
    im = quad(lambda t: (mp.mp_density(np.array([t]), gamma)[0] / (t - z0)).imag, lo, hi, limit=200)[0]
    direct = re + 1j * im + mp.mp_atom(gamma) / (0 - z0)
    assert mp.mp_stieltjes(z0, gamma) == pytest.approx(direct, abs=1e-7)


def test_semicircle_theory():
    assert ws.semicircle_cdf(np.array([-2.0, 0.0, 2.0])) == pytest.approx([0.0, 0.5, 1.0])
    for k in range(1, 6):
        moment = quad(lambda x: x ** (2 * k) * ws.semicircle_density(np.array([x]))[0], -2, 2)[0]
        assert moment == pytest.approx(ws.catalan(k), rel=1e-7)
    assert [ws.catalan(k) for k in range(6)] == [1, 1, 2, 5, 14, 42]
    z = np.array([0.5 + 0.1j, -3.0 + 1e-3j, 1j, 5.0 + 5.0j])
    m = ws.semicircle_stieltjes(z)
    assert np.allclose(m, -1 / (z + m))  # the self-consistent equation of the chapter
    assert np.all(m.imag > 0)
    x = np.linspace(-1.9, 1.9, 7)
    assert np.allclose(ws.semicircle_stieltjes(x + 1e-10j).imag / np.pi, ws.semicircle_density(x), rtol=1e-6)


# ------------------------------------------------------------------------------------------------
# The quick-mode data


def test_mp_data_matches_theory(quick):
    data, meta = quick["marchenko_pastur"]
    assert meta["config"]["d"] == 500 and 0.5 in meta["config"]["gammas"]
    assert check_mp(data) == []


def test_mp_check_fails_on_wrong_data(quick):
    data = quick["marchenko_pastur"][0]
    assert check_mp(scaled_mp(data, 1.2)), "eigenvalues scaled by 1.2 should fail"
    assert check_mp(data, theory_gammas=1.2 * data["gammas"]), "theory of ratio 1.2 gamma should fail"
    wrong = {**data, "eigs": data["eigs"][::-1], "lmin": data["lmin"][::-1],
             "lmax": data["lmax"][::-1]}
    assert check_mp(wrong), "panels with swapped ratios should fail"


def test_mp_stieltjes_of_data(quick):
    """The Stieltjes transform of each empirical spectrum is close to m(z) off the real axis."""
    data = quick["marchenko_pastur"][0]
    z = np.array([0.5 + 0.5j, 1.0 + 0.3j, 2.0 + 0.5j])
    for gamma, eigs in zip(data["gammas"], data["eigs"]):
        emp = np.mean(1.0 / (eigs[:, None] - z[None, :]), axis=0)
        assert np.max(np.abs(emp - mp.mp_stieltjes(z, gamma))) < 0.02
        assert np.max(np.abs(emp - mp.mp_stieltjes(z, 1.2 * gamma))) > 0.02


def test_wigner_data_matches_theory(quick):
    assert check_wigner(quick["wigner_semicircle"][0]) == []


def test_wigner_check_fails_on_wrong_data(quick):
    data = quick["wigner_semicircle"][0]
    scaled = {**data, "eigs": 1.2 * data["eigs"], "lmin": 1.2 * data["lmin"], "lmax": 1.2 * data["lmax"],
              "moments": data["moments"] * 1.2 ** (2 * data["k"])[None, :]}
    assert check_wigner(scaled), "eigenvalues scaled by 1.2 should fail"
    # A centred Marchenko-Pastur spectrum (ratio 1/2, rescaled to variance 1) is not a semicircle.
    e = quick["marchenko_pastur"][0]["eigs"][0]
    fake = (e - 1.0) / np.sqrt(0.5)
    wishart = {**data, "eigs": fake, "lmin": np.array([fake.min()]), "lmax": np.array([fake.max()]),
               "moments": np.array([[np.mean(fake ** (2 * k)) for k in data["k"]]])}
    failures = check_wigner(wishart)
    assert any("KS" in f for f in failures) and any("moments" in f for f in failures)


def test_caption_params(quick):
    data, meta = quick["marchenko_pastur"]
    params = mp.caption_params(data, meta["config"])
    assert params["ks_max"] <= KS_TOL
    assert set(params) >= {"ks_max", "ks0", "ks1"}
    wdata, wmeta = quick["wigner_semicircle"]
    assert ws.caption_params(wdata, wmeta["config"])["ks"] <= KS_TOL
