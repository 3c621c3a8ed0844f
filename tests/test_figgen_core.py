"""figgen's infrastructure: what makes data current, modes, caption parameters, provenance,
divergence, and committed full-mode data that the code has outgrown."""
import json
import math
import shutil
from types import SimpleNamespace

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
    meta = {"mode": "quick", "config": {**runner.config(FIGURE, "quick"), "widths": [1, 2]}}
    tex = runner.figure_tex_source("ols_learning_curve", meta, {"slope": -0.5}, "https://example.org/course")
    assert r"\figsetparam{ols_learning_curve}{d}{20}" in tex
    assert r"\figsetparam{ols_learning_curve}{slope}{-0.5}" in tex
    assert r"\figsetparam{ols_learning_curve}{mode}{quick}" in tex
    assert r"\href{https://example.org/course/blob/main/figgen/ols_learning_curve.py}" in tex
    assert "quick mode" in tex
    assert r"\href" not in runner.figure_tex_source("ols_learning_curve", meta, {}, None)


# ----------------------------------------------------------------------------------------------
# ALT, the text alternative of each figure in the HTML edition.

_CAPTIONS: dict = {}


def _alt_params(name: str, mode: str) -> dict:
    """The parameters a figure's ALT is filled from in `mode`: its CONFIG for the mode, "mode", and
    its caption_params. Those are computed from the mode's own data where it is current (the build's
    quick data, the committed full data); a mode without current data (full mode of a figure whose
    full data is not committed) takes them from data of the other mode: the keys are the same,
    since every caption_params key that an ALT uses is a literal key, whatever the mode."""
    from conftest import quick_data

    module = runner.load_module(name)
    current = [m for m in (mode, "quick", "full") if status.is_current(name, m)]
    source = current[0] if current else "computed quick"
    if (name, source) not in _CAPTIONS:
        extra = {}
        if hasattr(module, "caption_params"):
            arrays, meta = store.load(name, source) if current else quick_data(name)
            extra = module.caption_params(arrays, meta["config"])
        _CAPTIONS[name, source] = extra
    return {**runner.config(name, mode), **_CAPTIONS[name, source], "mode": mode}


@pytest.mark.parametrize("name", figure_names())
def test_every_figure_has_a_plain_text_alt_that_fills_in_both_modes(name):
    module = runner.load_module(name)
    assert isinstance(getattr(module, "ALT", None), str) and module.ALT.strip(), f"figgen/{name}.py has no ALT"
    for mode in ("quick", "full"):
        alt = runner.alt_text(name, module, _alt_params(name, mode))
        # Filled and plain: no placeholder, no LaTeX, and short enough to be heard (1-3 sentences).
        assert not set("{}$\\") & set(alt), (name, mode, alt)
        assert 1 <= alt.count(". ") + 1 <= 3 and alt.endswith("."), (name, mode, alt)
    # Placeholders name parameters, never a number typed by hand beside them: the quick and full
    # texts differ exactly where their parameters do.
    quick, full = runner.config(name, "quick"), runner.config(name, "full")
    if any(quick[k] != full[k] for k in quick if f"{{{k}}}" in module.ALT):
        assert runner.alt_text(name, module, _alt_params(name, "quick")) != \
            runner.alt_text(name, module, _alt_params(name, "full"))


def test_an_alt_edit_does_not_change_the_hash(scratch_figure):
    # ALT only describes the drawing: rewording it (or annotating it) must not recompute any data.
    before = _hash(scratch_figure)
    code = scratch_figure.read_text()
    assert "\nALT = (" in code
    scratch_figure.write_text(code.replace("ALT = (", 'ALT: str = (\n    "Reworded. "', 1))
    assert _hash(scratch_figure) == before
    start = code.index("\nALT = (")
    scratch_figure.write_text(code[:start] + code[code.index("\n)\n", start) + 3:])  # no ALT at all
    assert _hash(scratch_figure) == before
    scratch_figure.write_text(code.replace("ALT = (", "OTHER = (", 1))  # any other constant counts
    assert _hash(scratch_figure) != before


def test_alt_placeholders_are_filled_as_plain_text():
    module = SimpleNamespace(ALT="Widths {widths}, rate {lr},\n  n = {n}, {flag} and {name}; {{braces}}.")
    params = {"widths": [64, 128], "lr": 1e-05, "n": np.int64(3), "flag": True, "name": "relu"}
    assert runner.alt_text("x", module, params) == "Widths 64, 128, rate 1e-05, n = 3, yes and relu; {braces}."


def test_figure_tex_source_writes_the_filled_alt(monkeypatch):
    meta = {"mode": "quick", "config": runner.config(FIGURE, "quick")}
    tex = runner.figure_tex_source(FIGURE, meta, {}, None)
    line = next(l for l in tex.splitlines() if l.startswith(rf"\figsetparam{{{FIGURE}}}{{alt}}{{"))
    assert "d = 20 features" in line and "400 draws" in line and "{d}" not in line
    monkeypatch.setattr(runner, "load_module", lambda name: SimpleNamespace(ALT="A 50% share of {d}_x & y."))
    tex = runner.figure_tex_source(FIGURE, meta, {}, None)
    assert r"\figsetparam{ols_learning_curve}{alt}{A 50\% share of 20\_x \& y.}" in tex.splitlines()


@pytest.mark.parametrize("alt, message", [
    (None, "is missing or empty"), ("   ", "is missing or empty"), (42, "is missing or empty"),
    ("Markers for {nope}.", "names {nope}, which is no parameter"),
    ("The curve $d/n$.", "must be plain text"), ("The curve \\sigma^2.", "must be plain text"),
    ("Markers for {d:.2f}.", "takes no format"), ("An open { brace.", "malformed placeholder"),
    ("The slope {latex}.", "brings $ or a backslash"),
])
def test_a_missing_or_broken_alt_fails_the_figure_with_its_file_name(monkeypatch, alt, message):
    module = SimpleNamespace() if alt is None else SimpleNamespace(ALT=alt)
    monkeypatch.setattr(runner, "load_module", lambda name: module)
    meta = {"mode": "quick", "config": runner.config(FIGURE, "quick")}
    with pytest.raises(FigureError) as err:
        runner.figure_tex_source(FIGURE, meta, {"latex": r"\ensuremath{2}"}, None)
    text = str(err.value)
    assert text.startswith(f"figgen/{FIGURE}.py: ALT") and message in text and "\n" not in text


def test_a_parameter_named_alt_is_refused():
    meta = {"mode": "quick", "config": runner.config(FIGURE, "quick")}
    with pytest.raises(FigureError, match="'alt'"):
        runner.figure_tex_source(FIGURE, meta, {"alt": 1}, None)


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
