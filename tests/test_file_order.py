"""How `./doit test` shares the test files between its xdist workers (tests/conftest.py): the costly
files go first, the one that builds the shared fixture course leading, and the quick unit tests
last, to even out the end of the run."""
import pytest

from conftest import _file_order


class FakeItem:
    def __init__(self, nodeid, fixtures=(), slow=False):
        self.nodeid, self.fixturenames, self.slow = nodeid, list(fixtures), slow

    def get_closest_marker(self, name):
        return pytest.mark.slow.mark if name == "slow" and self.slow else None


def order(*items):
    files = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)
    return _file_order(files)


def test_the_costly_files_go_first_and_the_shared_build_leads():
    files = order(
        FakeItem("tests/test_quick.py::test_parse"),
        FakeItem("tests/test_edits.py::test_edit", fixtures=("fixture_copy", "fixture_course")),
        FakeItem("tests/test_reads.py::test_read", fixtures=("fixture_course",)),
        FakeItem("tests/test_figures.py::test_check"),
        FakeItem("tests/test_figures.py::test_rerun", slow=True),
        FakeItem("tests/test_other.py::test_other", fixtures=("elsewhere_course",)),
        FakeItem("tests/test_more.py::test_more"),
        FakeItem("tests/test_page.py::test_page", fixtures=("built_course",)),
    )
    assert files == ["tests/test_edits.py",  # builds the fixture course while the other worker...
                     "tests/test_figures.py", "tests/test_other.py", "tests/test_page.py",  # ...runs these
                     "tests/test_reads.py",  # reads the fixture course, built by then
                     "tests/test_quick.py", "tests/test_more.py"]  # quick ones last, in collection order


def test_without_the_fixture_course_the_heavy_files_still_lead():
    assert order(FakeItem("tests/test_a.py::test_1"), FakeItem("tests/test_b.py::test_2", slow=True)) == \
        ["tests/test_b.py", "tests/test_a.py"]


def test_among_heavy_files_those_with_more_builds_of_their_own_go_first():
    copy = ("fixture_copy", "fixture_course")
    files = order(FakeItem("tests/test_lead.py::test_0", fixtures=("fixture_course",)),
                  FakeItem("tests/test_one.py::test_1", fixtures=copy),
                  FakeItem("tests/test_reads.py::test_1", fixtures=("fixture_course",), slow=True),
                  FakeItem("tests/test_two.py::test_1", fixtures=copy),
                  FakeItem("tests/test_two.py::test_2", fixtures=("fixture_copy_html", "fixture_course")),
                  FakeItem("tests/test_rerun.py::test_1", slow=True),
                  FakeItem("tests/test_rerun.py::test_2", slow=True),
                  FakeItem("tests/test_shared.py::test_1", fixtures=("elsewhere_course",), slow=True))
    assert files == ["tests/test_lead.py", "tests/test_rerun.py", "tests/test_shared.py",
                     "tests/test_two.py", "tests/test_one.py", "tests/test_reads.py"]
