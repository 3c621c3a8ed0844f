"""figgen's infrastructure, on the fixture course's figure module: what makes data current, modes,
caption parameters, provenance, divergence, and committed full-mode data that the code has
outgrown. (The checks every figure module of the course must pass: tests/test_figure_modules.py.)"""
import json
import math
import shutil
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import FIXTURE_FIGURE as FIGURE, FIXTURE_SOURCES, ROOT

import figgen
from figgen.core import hashing, runner, status, store
from figgen.core import paths as fpaths
from figgen.core.modes import FigureError

# A second module that runs the fixture figure's code, as a homework figure may run a chapter's.
IMPORTER = "fixture_importer"
IMPORTER_CODE = f'''
from figgen.{FIGURE} import in_a_half_plane

CONFIG = {{"quick": {{"seed": 1}}, "full": {{"seed": 1}}}}


def compute(cfg, device):
    return {{"hit": in_a_half_plane(__import__("numpy").zeros((1, 3)))}}
'''


@pytest.fixture(autouse=True)
def scratch_figure(tmp_path, monkeypatch):
    """figgen/ of a project that holds the fixture course's figure module (and one that imports
    it), in a temporary tree the tests may edit; the figure module's path."""
    scratch = tmp_path / "proj" / "figgen"
    (scratch / "lib").mkdir(parents=True)
    shutil.copy2(FIXTURE_SOURCES / "figgen" / f"{FIGURE}.py", scratch / f"{FIGURE}.py")
    (scratch / f"{IMPORTER}.py").write_text(IMPORTER_CODE)
    monkeypatch.setattr(fpaths, "FIGGEN", scratch)
    monkeypatch.setattr(fpaths, "DATA", tmp_path / "proj" / "figures" / "data")
    monkeypatch.setattr(hashing, "LIB", scratch / "lib")
    monkeypatch.setattr(figgen, "__path__", [str(scratch), *figgen.__path__])
    yield scratch / f"{FIGURE}.py"
    import sys

    for name in (FIGURE, IMPORTER):
        sys.modules.pop(f"figgen.{name}", None)


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
    importer, imported = IMPORTER, scratch_figure
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
    with pytest.raises(FigureError, match="figure some_figure: data\\['loss'\\] has NaN"):
        runner.check_finite("some_figure", {"loss": np.array([1.0, math.nan])})
    runner.check_finite("x", {"n": np.arange(3)})


@pytest.mark.parametrize("value, latex", [
    (20, "20"), (0.5, "0.5"), (1e-5, r"\ensuremath{10^{-5}}"), (2.5e-4, r"\ensuremath{2.5\times 10^{-4}}"),
    (200000.0, r"\ensuremath{2\times 10^{5}}"), ([64, 128], "64, 128"), (True, "yes"), ("relu_x", r"relu\_x"),
])
def test_caption_parameters_format(value, latex):
    assert runner.format_param(value) == latex


def test_figure_tex_names_script_mode_and_links_the_repository():
    meta = {"mode": "quick", "config": {**runner.config(FIGURE, "quick"), "widths": [1, 2]}}
    tex = runner.figure_tex_source(FIGURE, meta, {"slope": -0.5}, "https://example.org/course")
    assert rf"\figsetparam{{{FIGURE}}}{{reps}}{{4000}}" in tex
    assert rf"\figsetparam{{{FIGURE}}}{{slope}}{{-0.5}}" in tex
    assert rf"\figsetparam{{{FIGURE}}}{{mode}}{{quick}}" in tex
    assert rf"\href{{https://example.org/course/blob/main/figgen/{FIGURE}.py}}" in tex
    assert "quick mode" in tex
    assert r"\href" not in runner.figure_tex_source(FIGURE, meta, {}, None)
    # At the commit the document is built from, when the build knows it.
    at_commit = runner.figure_tex_source(FIGURE, meta, {}, "https://example.org/course", "0123abc" * 5)
    assert rf"\href{{https://example.org/course/blob/{'0123abc' * 5}/figgen/{FIGURE}.py}}" in at_commit


# ----------------------------------------------------------------------------------------------
# ALT, the text alternative of each figure in the HTML edition.

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
    assert "from 3 to 12" in line and "4000 draws" in line and "{reps}" not in line
    monkeypatch.setattr(runner, "load_module", lambda name: SimpleNamespace(ALT="A 50% share of {reps}_x & y."))
    tex = runner.figure_tex_source(FIGURE, meta, {}, None)
    assert rf"\figsetparam{{{FIGURE}}}{{alt}}{{A 50\% share of 4000\_x \& y.}}" in tex.splitlines()


@pytest.mark.parametrize("alt, message", [
    (None, "is missing or empty"), ("   ", "is missing or empty"), (42, "is missing or empty"),
    ("Markers for {nope}.", "names {nope}, which is no parameter"),
    ("The curve $d/n$.", "must be plain text"), ("The curve \\sigma^2.", "must be plain text"),
    ("Markers for {reps:.2f}.", "takes no format"), ("An open { brace.", "malformed placeholder"),
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


def test_saved_data_round_trips_and_is_byte_stable(tmp_path):
    # In a folder of its own (as the tests' shared quick-mode data is), not in figures/data.
    arrays = {"n": np.arange(5), "err": np.linspace(0, 1, 5)}
    store.save("x", "quick", arrays, {"hash": "abc"}, tmp_path)
    first = (tmp_path / "x.quick.npz").read_bytes()
    loaded, meta = store.load("x", "quick", tmp_path)
    assert meta == {"hash": "abc"} and all(np.array_equal(loaded[k], arrays[k]) for k in arrays)
    store.save("x", "quick", arrays, {"hash": "abc"}, tmp_path)
    assert (tmp_path / "x.quick.npz").read_bytes() == first


def test_stale_full_data_is_detected(scratch_figure, monkeypatch):
    import figgen.core.paths as fpaths

    data = fpaths.DATA
    data.mkdir(parents=True)
    monkeypatch.setattr(status, "data_paths", lambda name, mode, directory=None: (data / f"{name}.{mode}.npz",
                                                                                 data / f"{name}.{mode}.json"))
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


def test_a_drawing_pdflatex_refuses_fails_in_one_line_naming_the_module(scratch_figure, monkeypatch):
    """A label with an undefined macro (or a drawing too big for TeX) stops the figure with TeX's
    own error line, not a traceback of matplotlib's subprocess."""
    monkeypatch.setenv("FIGGEN_MODE", "quick")
    code = scratch_figure.read_text()
    broken = code.replace('ax.set_xlabel("number of points $n$")', 'ax.set_xlabel(r"$\\nosuchmacro$")')
    assert broken != code
    scratch_figure.write_text(broken)
    runner.compute(FIGURE, "quick", device="cpu")
    with pytest.raises(FigureError) as failure:
        runner.plot(FIGURE)
    message = str(failure.value)
    assert message.startswith(f"figgen/{FIGURE}.py: pdflatex could not typeset the drawing of quick-mode data")
    assert "Undefined control sequence" in message and "\n" not in message
