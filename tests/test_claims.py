"""Claims: a sentence that says what a figure's data shows is checked on that data by the build.

On the fixture course, whose chapter cites two claims of its figure module (one in a sentence,
one printing its value) and whose figure's text alternative states one: a computation gone wrong
stops the build at the sentence and publishes nothing; a claim cited but not declared, or
declared but cited nowhere, stops the task list at its line. The helpers round in the direction
that keeps a sentence true.
"""
import re

import pytest
from conftest import FIXTURE_FIGURE, make_fixture_course

from figgen.core import claims
from figgen.core.modes import FigureError

CHAPTER = "notes/chapters/convex-sets.tex"
MODULE = f"figgen/{FIXTURE_FIGURE}.py"


def _line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# ----------------------------------------------------------------------------------------------
# The helpers: printed values never overstate.

@pytest.mark.parametrize("x, digits, up, down", [
    (0.0203, 2, 0.03, 0.02),    # "within 0.02" would be false: a within rounds up
    (3.596, 2, 3.6, 3.59),      # "at least 3.60" would be false: an at-least rounds down
    (0.12, 2, 0.12, 0.12),      # a value already on the grid stays (0.12000000000000001 is 0.12)
    (5.2448, 2, 5.25, 5.24),
    (-1.234, 1, -1.2, -1.3),
])
def test_rounding_keeps_the_sentence_true(x, digits, up, down):
    assert claims.round_up(x, digits) == pytest.approx(up)
    assert claims.round_down(x, digits) == pytest.approx(down)
    assert claims.round_up(x, digits) >= x - 1e-12 and claims.round_down(x, digits) <= x + 1e-12


def test_verdicts_compare_and_print_in_the_safe_direction():
    assert claims.at_most(0.0203, 0.05).value == "0.03" and claims.at_most(0.0203, 0.05).holds
    assert not claims.at_most(0.06, 0.05).holds
    assert claims.at_least(3.596, 3.5).value == "3.59" and claims.at_least(3.596, 3.5).holds
    assert not claims.at_least(3.4, 3.5).holds
    assert claims.between(1.0, 0.9, 1.1).holds and not claims.between(1.2, 0.9, 1.1).holds
    assert claims.count_of([True, True], "every run").holds and not claims.count_of([True, False], "every run").holds
    assert claims.count_of([], "every run").holds is False  # "every run" of no run claims nothing
    assert claims.count_of([True, False], "every run").measured == "1 of 2 runs"


class _Module:
    def __init__(self, verdicts):
        self._verdicts = verdicts

    def claims(self, data, cfg):
        return self._verdicts


def test_a_module_evaluates_exactly_the_claims_it_declares():
    ok = claims.holds(True, "yes", "yes")
    declared = {"a": 3, "b": 4}
    assert set(claims.evaluate("f", _Module({"a": ok, "b": ok}), declared, {}, {})) == {"a", "b"}
    with pytest.raises(FigureError, match="not evaluated: b"):
        claims.evaluate("f", _Module({"a": ok}), declared, {}, {})
    with pytest.raises(FigureError, match="not declared: c"):
        claims.evaluate("f", _Module({"a": ok, "b": ok, "c": ok}), declared, {}, {})
    with pytest.raises(FigureError, match="Verdict"):
        claims.evaluate("f", _Module({"a": True, "b": ok}), declared, {}, {})


# ----------------------------------------------------------------------------------------------
# The build.

@pytest.mark.slow
def test_a_computation_gone_wrong_stops_the_build_at_the_sentence(fixture_copy):
    """A bug that makes the figure's data contradict its chapter: one located line per sentence,
    with the measured value and the mode, and the last good PDFs stay in dist/."""
    c = fixture_copy
    module = c.root / MODULE
    chapter = c.root / CHAPTER
    published = {p: p.read_bytes() for p in (c.root / "dist").rglob("*.pdf")}
    good = module.read_text()
    # Points in the first quadrant are always in a half-plane: every share becomes 1.
    broken = good.replace('rng.standard_normal((cfg["reps"], n, 2))', 'rng.random((cfg["reps"], n, 2))')
    assert broken != good
    module.write_text(broken)
    proc = c.doit(check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    sentence = _line_of(chapter, r"\figclaimvalue{" + FIXTURE_FIGURE + "}{follows_theory}")
    shown = _line_of(chapter, r"\coursefigure{" + FIXTURE_FIGURE + "}")
    assert re.search(rf"^{CHAPTER}:{sentence}: claim {FIXTURE_FIGURE}/follows_theory fails on the "
                     r"quick-mode data: measured [\d.]+, claimed at most 4$", output, re.M), output
    assert re.search(rf"^{CHAPTER}:{shown}: the text alternative of figure {FIXTURE_FIGURE} .* "
                     rf"{FIXTURE_FIGURE}/follows_theory, which fails on the quick-mode data", output, re.M)
    # The claim that still holds is not reported.
    assert "triangle_mostly_outside" not in output
    assert "Traceback" not in output
    assert {p: p.read_bytes() for p in (c.root / "dist").rglob("*.pdf")} == published
    # Fixed, the build goes through.
    module.write_text(good)
    c.doit()


def _task_list(root):
    import subprocess

    return subprocess.run(["./doit", "list"], cwd=root, capture_output=True, text=True)


@pytest.mark.slow
def test_a_claim_cited_but_not_declared_or_declared_but_cited_nowhere_stops_at_its_line(tmp_path):
    """Both are found when the task list is made, before anything is computed or compiled."""
    root = make_fixture_course(tmp_path / "course")
    chapter = root / CHAPTER
    good = chapter.read_text()

    chapter.write_text(good.replace("{triangle_mostly_outside}", "{triangle_always_outside}"))
    proc = _task_list(root)
    line = _line_of(chapter, "{triangle_always_outside}")
    assert proc.returncode != 0
    assert (f"{CHAPTER}:{line}: claim 'triangle_always_outside' is not declared by {MODULE} "
            "(its CLAIMS: follows_theory, triangle_mostly_outside)") in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr

    chapter.write_text(good.replace(r"\figclaim{" + FIXTURE_FIGURE + "}{triangle_mostly_outside}", ""))
    proc = _task_list(root)
    line = _line_of(root / MODULE, '"triangle_mostly_outside":')
    assert proc.returncode != 0
    assert f"{MODULE}:{line}: claim 'triangle_mostly_outside' is cited by no document" in proc.stdout + proc.stderr

    chapter.write_text(good)
    assert _task_list(root).returncode == 0
