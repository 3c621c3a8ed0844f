"""Every figure has a determinism test in its chapter's test file (conftest.figure_determinism_test)."""
import re

from conftest import ROOT

from figgen.core.paths import figure_names

_DECLARED = re.compile(r"figure_determinism_test\(([^)]*)\)")


def test_every_figure_has_a_determinism_test():
    declared = []
    for path in sorted((ROOT / "tests" / "course").glob("test_figures_*.py")):
        for args in _DECLARED.findall(path.read_text()):
            declared += re.findall(r'"([a-z0-9_]+)"', args)
    assert sorted(declared) == figure_names(), "a figure without (or with two) determinism tests"
