"""How `./doit test` shares the tests between its xdist workers (tests/conftest.py): a file, or the
group its tests name, is one unit; the costly units go first, the one that builds the shared fixture
course leading, and the quick unit tests last, to even out the end of the run."""
import pytest

from conftest import _unit_order, work_unit


class FakeItem:
    def __init__(self, nodeid, fixtures=(), slow=False, group=None):
        self.nodeid, self.fixturenames = nodeid, list(fixtures)
        self._marks = {**({"slow": pytest.mark.slow.mark} if slow else {}),
                       **({"xdist_group": pytest.mark.xdist_group(group).mark} if group else {})}

    def get_closest_marker(self, name):
        return self._marks.get(name)

    def iter_markers(self, name):
        return [self._marks[name]] if name in self._marks else []


def order(*items):
    units = {}
    for item in items:
        units.setdefault(work_unit(item), []).append(item)
    return _unit_order(units)


def test_a_file_is_a_unit_unless_its_tests_name_a_group():
    assert work_unit(FakeItem("tests/test_a.py::test_x[1]")) == "tests/test_a.py"
    assert work_unit(FakeItem("tests/test_a.py::test_x", group="figures")) == "figures"


def test_the_costly_units_go_first_and_the_shared_build_leads():
    units = order(
        FakeItem("tests/test_quick.py::test_parse"),
        FakeItem("tests/test_edits.py::test_edit", fixtures=("fixture_copy", "fixture_course")),
        FakeItem("tests/test_reads.py::test_read", fixtures=("fixture_course",)),
        FakeItem("tests/test_figures.py::test_rerun", slow=True),
        FakeItem("tests/test_other.py::test_other", fixtures=("elsewhere_course",)),
        FakeItem("tests/test_more.py::test_more"),
        FakeItem("tests/test_page.py::test_page", fixtures=("built_course",)),
    )
    assert units == ["tests/test_edits.py",  # builds the fixture course while the other worker...
                     "tests/test_figures.py", "tests/test_other.py", "tests/test_page.py",  # ...runs these
                     "tests/test_reads.py",  # reads the fixture course, built by then
                     "tests/test_quick.py", "tests/test_more.py"]  # quick ones last, in collection order


def test_the_tests_of_a_unit_stay_together_whatever_their_order_in_the_files():
    units = order(FakeItem("tests/test_a.py::test_1", group="shared"), FakeItem("tests/test_b.py::test_2"),
                  FakeItem("tests/test_c.py::test_3", group="shared", slow=True))
    assert units == ["shared", "tests/test_b.py"]
