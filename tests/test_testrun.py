"""`./doit test` runs every test even when a document fails to build: the build goes on past the
failure, and that document's checks fail with the build's message while the others pass."""
import pytest

from coursebuild.testrun import failures

DOIT_OUTPUT = """\
.  notes
TaskFailed - taskid:notes
LaTeX failed on lecture-notes
notes/chapters/duality.tex:3: Undefined control sequence.
  full log: build/latex/lecture-notes/lecture-notes.log

UnmetDependency - taskid:xref
notes

########################################
TaskError - taskid:page
a page error
"""


def test_failures_are_read_task_by_task_from_doits_output():
    found = failures(DOIT_OUTPUT)
    assert list(found) == ["notes", "xref", "page"]
    assert found["notes"].splitlines()[1] == "notes/chapters/duality.tex:3: Undefined control sequence."
    assert found["xref"] == "notes" and found["page"] == "a page error"
    assert failures(".  notes\n.  page\n") == {}


PROBE = '''
import pytest
from conftest import Course

def pytest_generate_tests(metafunc):
    if "name" in metafunc.fixturenames:
        from coursebuild.documents import documents
        from coursebuild.syllabus import load
        metafunc.parametrize("name", [d.name for d in documents(load("syllabus.yaml"))])

def test_document(built_course, name):
    built_course.require(next(d for d in built_course.documents() if d.name == name))

def test_that_reads_no_build():
    assert 1 + 1 == 2
'''


@pytest.mark.slow
def test_a_document_that_fails_fails_its_own_checks_and_every_other_test_runs(fixture_copy):
    c = fixture_copy
    (c.root / "tests" / "test_probe.py").write_text(PROBE)  # beside the engine's conftest.py
    chapter = c.root / "notes/chapters/duality.tex"
    text = chapter.read_text()
    line = text[:text.index("Weak duality")].count("\n") + 1
    chapter.write_text(text.replace("Weak duality", r"Weak duality \undefinedmacro", 1))
    proc = c.doit("test", "--", "tests/test_probe.py", "-p", "no:cacheprovider", "-n", "0", "-rA", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "passed tests/test_probe.py::test_that_reads_no_build" in out.replace("PASSED", "passed")
    assert "PASSED tests/test_probe.py::test_document[01-convex-sets]" in out
    assert "PASSED tests/test_probe.py::test_document[hw1]" in out
    for failed in ("02-duality", "lecture-notes"):
        assert f"FAILED tests/test_probe.py::test_document[{failed}]" in out, out[-3000:]
    assert f"duality.tex:{line}: Undefined control sequence." in out
    assert "2 failed" in out and "build task(s) failed" in out
