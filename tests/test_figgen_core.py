"""figgen's infrastructure: what makes data current, modes, caption parameters, provenance,
divergence, and committed full-mode data that the code has outgrown."""
import json
import math
import shutil

import numpy as np
import pytest

from conftest import ROOT

from figgen.core import hashing, runner, status, store
from figgen.core.modes import FigureError
from figgen.core.paths import DATA, FIGGEN, figure_names, module_path

FIGURE = "ols_learning_curve"


@pytest.fixture
def scratch_figure(tmp_path, monkeypatch):
    """A copy of figgen/ in a temporary tree, so the tests can edit a figure module."""
    import figgen.core.paths as fpaths

    root = tmp_path / "proj"
    shutil.copytree(FIGGEN, root / "figgen", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(hashing, "LIB", root / "figgen" / "lib")
    monkeypatch.setattr(hashing, "module_path", lambda name: root / "figgen" / f"{name}.py")
    monkeypatch.setattr(fpaths, "DATA", root / "figures" / "data")
    return root / "figgen" / f"{FIGURE}.py"


def _hash(path):
    cfg = hashing.read_config(FIGURE)["quick"]
    return hashing.compute_hash(FIGURE, "quick", cfg)


def test_restyling_comments_and_docstrings_do_not_change_the_hash(scratch_figure):
    before = _hash(scratch_figure)
    code = scratch_figure.read_text()
    scratch_figure.write_text("# a new comment\n" + code.replace("def plot(data: dict, cfg: dict):",
                                                              "def plot(data: dict, cfg: dict):\n    title = 'x'", 1))
    assert _hash(scratch_figure) == before


def test_computation_edits_change_the_hash(scratch_figure):
    before = _hash(scratch_figure)
    code = scratch_figure.read_text()
    scratch_figure.write_text(code + "\nEXTRA_CONSTANT = 1\n")
    assert _hash(scratch_figure) != before


def test_a_figure_that_runs_another_ones_code_is_recomputed_when_that_code_changes(scratch_figure):
    # hw7_cloning runs speciation_cloning's cloning experiment with other settings.
    importer, imported = "hw7_cloning", scratch_figure.parent / "speciation_cloning.py"
    cfg = hashing.read_config(importer)["quick"]
    before = hashing.compute_hash(importer, "quick", cfg)
    code = imported.read_text()
    imported.write_text(code + "\n# restyled\n")
    assert hashing.compute_hash(importer, "quick", cfg) == before  # a comment is not a computation
    imported.write_text(code + "\nEXTRA_CONSTANT = 1\n")
    assert hashing.compute_hash(importer, "quick", cfg) != before


def test_config_and_mode_enter_the_hash():
    cfg = hashing.read_config(FIGURE)
    assert hashing.compute_hash(FIGURE, "quick", cfg["quick"]) != hashing.compute_hash(FIGURE, "full", cfg["full"])
    changed = dict(cfg["quick"], seed=cfg["quick"]["seed"] + 1)
    assert hashing.compute_hash(FIGURE, "quick", changed) != hashing.compute_hash(FIGURE, "quick", cfg["quick"])


def test_every_figure_has_a_literal_config_with_both_modes_and_a_seed():
    assert len(figure_names()) >= 15
    for name in figure_names():
        cfg = hashing.read_config(name)
        assert set(cfg) == {"quick", "full"}, name
        assert "seed" in cfg["quick"] and "seed" in cfg["full"], name


def test_mode_resolution(monkeypatch):
    monkeypatch.setenv("FIGGEN_MODE", "quick")
    assert status.resolve_mode(FIGURE) == "quick"
    monkeypatch.setenv("FIGGEN_MODE", "full")
    assert status.resolve_mode(FIGURE) == "full"
    monkeypatch.setenv("FIGGEN_MODE", "auto")
    monkeypatch.setenv("FIGGEN_DEVICE", "cpu")
    expected = "full" if status.is_current(FIGURE, "full") else "quick"
    assert status.resolve_mode(FIGURE) == expected
    monkeypatch.setenv("FIGGEN_MODE", "sideways")
    with pytest.raises(FigureError):
        status.resolve_mode(FIGURE)


def test_divergence_fails_loudly_with_the_figure_name():
    with pytest.raises(FigureError, match="figure lazy_weight_change: data\\['loss'\\] has NaN"):
        runner.check_finite("lazy_weight_change", {"loss": np.array([1.0, math.nan])})
    runner.check_finite("x", {"n": np.arange(3)})


@pytest.mark.parametrize("value, latex", [
    (20, "20"), (0.5, "0.5"), (1e-5, r"\ensuremath{10^{-5}}"), (2.5e-4, r"\ensuremath{2.5\times 10^{-4}}"),
    (200000.0, r"\ensuremath{2\times 10^{5}}"), ([64, 128], "64, 128"), (True, "yes"), ("relu_x", r"relu\_x"),
])
def test_caption_parameters_format(value, latex):
    assert runner.format_param(value) == latex


def test_figure_tex_names_script_mode_and_links_the_repository():
    meta = {"mode": "quick", "config": {"d": 20, "widths": [1, 2]}}
    tex = runner.figure_tex_source("ols_learning_curve", meta, {"slope": -0.5}, "https://example.org/course")
    assert r"\figsetparam{ols_learning_curve}{d}{20}" in tex
    assert r"\figsetparam{ols_learning_curve}{slope}{-0.5}" in tex
    assert r"\figsetparam{ols_learning_curve}{mode}{quick}" in tex
    assert r"\href{https://example.org/course/blob/main/figgen/ols_learning_curve.py}" in tex
    assert "quick mode" in tex
    assert r"\href" not in runner.figure_tex_source("ols_learning_curve", meta, {}, None)


def test_saved_data_round_trips_and_is_byte_stable(tmp_path, monkeypatch):
    import figgen.core.paths as fpaths

    monkeypatch.setattr(fpaths, "DATA", tmp_path)
    monkeypatch.setattr(store, "data_paths", lambda name, mode: (tmp_path / f"{name}.{mode}.npz", tmp_path / f"{name}.{mode}.json"))
    arrays = {"n": np.arange(5), "err": np.linspace(0, 1, 5)}
    store.save("x", "quick", arrays, {"hash": "abc"})
    first = (tmp_path / "x.quick.npz").read_bytes()
    loaded, meta = store.load("x", "quick")
    assert meta == {"hash": "abc"} and all(np.array_equal(loaded[k], arrays[k]) for k in arrays)
    store.save("x", "quick", arrays, {"hash": "abc"})
    assert (tmp_path / "x.quick.npz").read_bytes() == first


def test_committed_full_data_is_current():
    """Full-mode data in figures/data/ must match today's code, or a fresh clone draws stale figures."""
    stale = [name for name in figure_names() if status.stale_committed(name)]
    messages = [f"figures/data/{name}.full.json no longer matches figgen/{name}.py or its CONFIG['full']; "
                f"regenerate it with `python -m figgen {name} --mode full` (on a GPU machine) and commit it"
                for name in stale]
    assert not stale, "\n".join(messages)


def test_committed_full_data_records_its_provenance():
    for js in sorted(DATA.glob("*.full.json")):
        meta = json.loads(js.read_text())
        assert {"figure", "mode", "config", "seed", "device", "versions", "wall_time_s", "hash"} <= set(meta), js
        assert meta["mode"] == "full" and module_path(meta["figure"]).is_file()


def test_stale_full_data_is_detected(scratch_figure, monkeypatch):
    import figgen.core.paths as fpaths

    data = fpaths.DATA
    data.mkdir(parents=True)
    monkeypatch.setattr(status, "data_paths", lambda name, mode: (data / f"{name}.{mode}.npz", data / f"{name}.{mode}.json"))
    monkeypatch.setattr(status, "read_config", hashing.read_config)
    cfg = hashing.read_config(FIGURE)["full"]
    (data / f"{FIGURE}.full.npz").write_bytes(b"")
    (data / f"{FIGURE}.full.json").write_text(json.dumps({"hash": hashing.compute_hash(FIGURE, "full", cfg)}))
    assert not status.stale_committed(FIGURE)
    scratch_figure.write_text(scratch_figure.read_text() + "\nNEW_CONSTANT = 2\n")
    assert status.stale_committed(FIGURE)


def _imported_packages(package: str) -> dict[str, set[str]]:
    """Top-level names each module of a package imports (statically, wherever the import sits)."""
    import ast

    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_packages_depend_one_way():
    # coursebuild -> figgen -> corelib: the figures never reach up into the build.
    for package, forbidden in (("figgen", {"coursebuild"}), ("corelib", {"coursebuild", "figgen"})):
        for module, names in _imported_packages(package).items():
            assert not names & forbidden, f"{module} imports {sorted(names & forbidden)}"
    assert any("corelib" in names for names in _imported_packages("figgen").values())
