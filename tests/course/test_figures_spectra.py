"""Chapter 5 (random matrix tools): the spectra figures against the semicircle and Marchenko-Pastur laws.

Each check is a function of the data that returns the list of what fails (empty when the data
matches the theory). Every tolerance comes from the size of the run:
- Kolmogorov-Smirnov distance: at most twice the rigidity scale sqrt(2) log(N)/(pi d sqrt(reps)) of
  the modules' `ks_scale` (what the pooled spectra achieve: 3.6e-4 to 6.5e-4 at full size). The
  Dvoretzky-Kiefer-Wolfowitz bound sqrt(log(2/alpha)/(2m)) for m independent points does not apply
  (eigenvalues repel) and would be 20 to 40 times larger: 0.0154 at the full size m = 16000 and
  alpha = 1e-3, which eigenvalues scaled by 1.02 pass (their distance is 0.005 to 0.009).
- Extreme eigenvalues: each draw's extreme eigenvalue lies between the Tracy-Widom quantiles
  (alpha/2 and 1 - alpha/2, Bonferroni over every edge of every draw) around the finite-size
  centring of the edge, on the scale d^(-2/3) (Wigner) or s_pm of `mp.edge_scales`.
- Exact moments: the mean eigenvalue of X^T X/n has mean 1 and variance 2/(n d) per draw, the
  second moment of a GOE draw mean (d+1)/d and variance 4(d+1)/d^3; both within Z standard errors.
  The higher moments of the semicircle are implied by the distribution function: for eigenvalues
  in [-R, R], |int x^2k d(F_d - F)| <= 2 KS R^2k (integrate by parts), with the KS tolerance.
- Atom at 0: the fraction of numerically zero eigenvalues is d - n over d, within half an eigenvalue
  of 1 - 1/gamma because n = round(d/gamma): tolerance 1/d.
Every check is also run on deliberately wrong data (every eigenvalue scaled by 1.02 or 0.98, the
theory of a wrong ratio, a Wishart spectrum in place of a Wigner one) to see it fail, and on the
committed full-mode data, which is what the PDFs show.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.stats import gamma as gamma_law

from figgen import marchenko_pastur as mp
from figgen import wigner_semicircle as ws
from conftest import committed_full_data, figure_determinism_test, quick_data

ALPHA = 1e-3  # family-wise false-alarm level of each check
Z = 4.0  # two-sided normal quantile for the exact moments (p = 6e-5)
KS_FACTOR = 2.0  # the supremum of the counting field fluctuates by tens of per cent around its leading order


def tw1_quantile(p: float) -> float:
    """Quantile of the Tracy-Widom law of beta = 1, by the shifted-gamma approximation
    Gamma(46.446, 0.186054) - 9.84801 of Chiani (2014), which matches its mean -1.2065 and
    standard deviation 1.2680."""
    return float(gamma_law.ppf(p, 46.446, scale=0.186054) - 9.84801)


@pytest.fixture(scope="module")
def quick():
    """Both figures computed once in quick mode (shared with the determinism test)."""
    return {name: quick_data(name) for name in ("marchenko_pastur", "wigner_semicircle")}


@pytest.fixture(scope="module")
def full():
    """The committed full-mode data of both figures."""
    return {name: committed_full_data(name) for name in ("marchenko_pastur", "wigner_semicircle")}


# ------------------------------------------------------------------------------------------------
# Checks, as functions of the data


def _tw_band(count: int) -> tuple[float, float]:
    """Tracy-Widom quantiles for `count` edge comparisons at family-wise level ALPHA."""
    a = ALPHA / count
    return tw1_quantile(a / 2), tw1_quantile(1 - a / 2)


def check_mp(data: dict, theory_gammas=None) -> list[str]:
    """Each panel against the Marchenko-Pastur law of its ratio (or of `theory_gammas`)."""
    failures = []
    gammas = data["gammas"] if theory_gammas is None else theory_gammas
    reps = data["lmax"].shape[1]
    d = data["eigs"].shape[1] // reps
    q_lo, q_hi = _tw_band(2 * reps * len(gammas))
    for i, gamma in enumerate(gammas):
        eigs, n = data["eigs"][i], int(data["n"][i])
        ks = mp.ks_distance(eigs, lambda x, g=gamma: mp.mp_cdf(x, g))
        ks_tol = KS_FACTOR * mp.ks_scale(n, d, reps)
        if ks > ks_tol:
            failures.append(f"gamma={gamma}: KS distance {ks:.5f} > {ks_tol:.5f}")
        # The finite-size centring uses the run's n and d; the limit edges are those of `gamma`.
        e = mp.edge_scales(n, d)
        lo, hi = mp.mp_edges(gamma)
        shift_lo, shift_hi = e["lo"] - mp.mp_edges(d / n)[0], e["hi"] - mp.mp_edges(d / n)[1]
        band_hi = (hi + shift_hi + e["s_hi"] * q_lo, hi + shift_hi + e["s_hi"] * q_hi)
        band_lo = (lo + shift_lo - e["s_lo"] * q_hi, lo + shift_lo - e["s_lo"] * q_lo)
        for name, observed, (a, b) in (("lower", data["lmin"][i], band_lo), ("upper", data["lmax"][i], band_hi)):
            bad = (observed < a) | (observed > b)
            if bad.any():
                failures.append(f"gamma={gamma}: {name} edge {observed[bad][0]:.4f} outside [{a:.4f}, {b:.4f}]")
        atom = np.mean(eigs == 0)
        if abs(atom - mp.mp_atom(gamma)) > 1.0 / d:
            failures.append(f"gamma={gamma}: atom mass {atom:.4f}, theory {mp.mp_atom(gamma):.4f}")
        # (1/d) tr X^T X/n is the mean of n d independent squares: mean 1, variance 2/(n d).
        se = np.sqrt(2.0 / (n * d * reps))
        if abs(eigs.mean() - 1.0) > Z * se:
            failures.append(f"gamma={gamma}: mean eigenvalue {eigs.mean():.5f}, 1 +- {Z * se:.5f}")
    return failures


def check_wigner(data: dict) -> list[str]:
    failures = []
    reps = len(data["lmax"])
    d = len(data["eigs"]) // reps
    ks = ws.ks_distance(data["eigs"], ws.semicircle_cdf)
    ks_tol = KS_FACTOR * ws.ks_scale(d, reps)
    if ks > ks_tol:
        failures.append(f"KS distance {ks:.5f} > {ks_tol:.5f}")
    q_lo, q_hi = _tw_band(2 * reps)
    s = d ** (-2 / 3)
    for name, observed, (a, b) in (("lower", data["lmin"], (-2 - s * q_hi, -2 - s * q_lo)),
                                   ("upper", data["lmax"], (2 + s * q_lo, 2 + s * q_hi))):
        bad = (observed < a) | (observed > b)
        if bad.any():
            failures.append(f"{name} edge {observed[bad][0]:.4f} outside [{a:.4f}, {b:.4f}]")
    k = np.asarray(data["k"])
    mean = data["moments"].mean(axis=0)
    m2, v2 = ws.second_moment_law(d)
    if abs(mean[0] - m2) > Z * np.sqrt(v2 / reps):
        failures.append(f"second moment {mean[0]:.5f}, exact mean {m2:.5f} +- {Z * np.sqrt(v2 / reps):.5f}")
    catalan = np.array([ws.catalan(int(j)) for j in k], dtype=float)
    R = max(2.0 + d ** (-2 / 3) * q_hi, float(np.max(np.abs(data["eigs"]))))
    budget = 2 * ks_tol * R ** (2 * k)
    bad = np.abs(mean - catalan) > budget
    if bad.any():
        j = int(np.argmax(bad))
        failures.append(f"moments off the Catalan numbers: order {2 * k[j]} gives {mean[j]:.4f} "
                        f"against {catalan[j]:.0f} +- {budget[j]:.4f}")
    return failures


def scaled_mp(data: dict, factor: float) -> dict:
    return {**data, "eigs": data["eigs"] * factor, "lmin": data["lmin"] * factor,
            "lmax": data["lmax"] * factor}


def scaled_wigner(data: dict, factor: float) -> dict:
    return {**data, "eigs": factor * data["eigs"], "lmin": factor * data["lmin"],
            "lmax": factor * data["lmax"], "moments": data["moments"] * factor ** (2 * data["k"])[None, :]}


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
# The quick-mode data and the committed full-mode data


def test_mp_data_matches_theory(quick):
    data, meta = quick["marchenko_pastur"]
    assert meta["config"]["d"] == 1000 and 0.5 in meta["config"]["gammas"]
    assert check_mp(data) == []


def test_mp_full_data_matches_theory(full):
    data, meta = full["marchenko_pastur"]
    assert meta["mode"] == "full" and data["lmax"].shape[1] == meta["config"]["reps"] > 1
    assert check_mp(data) == []


@pytest.mark.parametrize("mode", ["quick", "full"])
@pytest.mark.parametrize("factor", [1.02, 0.98])
def test_mp_check_fails_on_scaled_eigenvalues(quick, full, mode, factor):
    data = (quick if mode == "quick" else full)["marchenko_pastur"][0]
    failures = check_mp(scaled_mp(data, factor))
    assert failures, f"eigenvalues scaled by {factor} should fail"
    # The scale error is seen by the distribution function and the exact trace, not only the edges.
    assert any("mean eigenvalue" in f for f in failures)
    if mode == "full":
        assert any("KS" in f for f in failures) and any("edge" in f for f in failures)


def test_mp_check_fails_on_wrong_data(quick):
    data = quick["marchenko_pastur"][0]
    assert check_mp(data, theory_gammas=1.2 * data["gammas"]), "theory of ratio 1.2 gamma should fail"
    wrong = {**data, "eigs": data["eigs"][::-1], "lmin": data["lmin"][::-1],
             "lmax": data["lmax"][::-1]}
    assert check_mp(wrong), "panels with swapped ratios should fail"
    # An atom that is one eigenvalue in a hundred too heavy fails.
    eigs = data["eigs"].copy()
    g = int(np.argmax(data["gammas"]))
    positive = np.flatnonzero(eigs[g] > 0)
    eigs[g, positive[: eigs.shape[1] // 100]] = 0.0
    assert any("atom" in f for f in check_mp({**data, "eigs": eigs}))


def test_mp_atom_is_measured(quick, full):
    """The zeros of the atom are found in the d x d spectrum: the numerical zeros sit far below the
    smallest nonzero eigenvalue, and every draw has exactly d - n of them."""
    for data, meta in (quick["marchenko_pastur"], full["marchenko_pastur"]):
        d, reps = meta["config"]["d"], meta["config"]["reps"]
        for i, (gamma, n) in enumerate(zip(data["gammas"], data["n"])):
            counts = (data["eigs"][i].reshape(reps, d) == 0).sum(axis=1)
            assert np.all(counts == max(d - int(n), 0))
            if gamma > 1:
                assert data["zero_max"][i].max() < 1e-6 * data["lmin"][i].min()
    with pytest.raises(AssertionError):
        assert check_mp({**data, "eigs": np.where(data["eigs"] == 0, 1e-3, data["eigs"])}) == []


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


def test_wigner_full_data_matches_theory(full):
    data, meta = full["wigner_semicircle"]
    assert meta["mode"] == "full" and len(data["lmax"]) == meta["config"]["reps"] > 1
    assert check_wigner(data) == []


@pytest.mark.parametrize("mode", ["quick", "full"])
@pytest.mark.parametrize("factor", [1.02, 0.98])
def test_wigner_check_fails_on_scaled_eigenvalues(quick, full, mode, factor):
    data = (quick if mode == "quick" else full)["wigner_semicircle"][0]
    failures = check_wigner(scaled_wigner(data, factor))
    assert any("KS" in f for f in failures) and any("second moment" in f for f in failures)
    if mode == "full":
        assert any("edge" in f for f in failures)


def test_wigner_check_fails_on_wrong_data(quick):
    data = quick["wigner_semicircle"][0]
    assert check_wigner(scaled_wigner(data, 1.2)), "eigenvalues scaled by 1.2 should fail"
    # A centred Marchenko-Pastur spectrum (ratio 1/2, rescaled to variance 1) is not a semicircle.
    e = quick["marchenko_pastur"][0]["eigs"][0]
    fake = (e - 1.0) / np.sqrt(0.5)
    wishart = {**data, "eigs": fake, "lmin": np.array([fake.min()]), "lmax": np.array([fake.max()]),
               "moments": np.array([[np.mean(fake ** (2 * k)) for k in data["k"]]])}
    failures = check_wigner(wishart)
    assert any("KS" in f for f in failures) and any("moments" in f for f in failures)


def test_tracy_widom_quantiles():
    """The approximation reproduces the known mean and spread of TW1."""
    assert tw1_quantile(0.5) == pytest.approx(-1.27, abs=0.01)
    assert tw1_quantile(0.99) - tw1_quantile(0.01) == pytest.approx(5.89, abs=0.05)


def test_caption_params(quick, full):
    for src in (quick, full):
        data, meta = src["marchenko_pastur"]
        params = mp.caption_params(data, meta["config"])
        assert set(params) >= {"ks_max", "ks0", "ks1", "atom_measured", "atom_theory"}
        assert params["atom_measured"] == params["atom_theory"] == "0.500"
        wdata, wmeta = src["wigner_semicircle"]
        wp = ws.caption_params(wdata, wmeta["config"])
        assert wp["ks"] <= KS_FACTOR * ws.ks_scale(wmeta["config"]["d"], wmeta["config"]["reps"])


test_quick_mode_is_deterministic = figure_determinism_test("marchenko_pastur", "wigner_semicircle")
