"""The syllabus' optional keys, at the loader: any sheet id, sheets without solutions, no checklist
or another checklist source, several weekly meetings, a due date per sheet. Each test edits the
fixture course's syllabus (never the real one) and checks what the loader and the documents make of
it, or that a mistake is reported as syllabus.yaml:LINE: key.path: message."""
import re
from pathlib import Path

import pytest

from coursebuild import paths
from coursebuild.documents import CHECKLIST, documents
from coursebuild.syllabus import SyllabusError, load
from coursebuild.tex import render_document

FIXTURE = Path(__file__).resolve().parent / "fixture_course" / "syllabus.yaml"
TEXT = FIXTURE.read_text()


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, f"test out of date: {old!r} not in the fixture's syllabus.yaml"
    return text.replace(old, new, 1)


def _write(tmp_path, text: str) -> Path:
    from conftest import fixture_syllabus

    return fixture_syllabus(tmp_path, text)


def _load(tmp_path, text: str):
    return load(_write(tmp_path, text))


def _problem(tmp_path, text: str, message: str) -> tuple[int, str]:
    """The one reported problem holding `message`: (its line, that line of the file)."""
    with pytest.raises(SyllabusError) as info:
        _load(tmp_path, text)
    matching = [p for p in info.value.problems if message in p]
    assert matching, info.value.problems
    line = int(re.match(r"syllabus\.yaml:(\d+): ", matching[0]).group(1))
    return line, text.splitlines()[line - 1]


def _sheet_id() -> str:
    return load(FIXTURE).homework[0].id


def _renamed(text: str, new_id: str) -> str:
    """The fixture's syllabus with its sheet renamed everywhere."""
    return re.sub(rf"\b{re.escape(_sheet_id())}\b", new_id, text)


def _two_sheets(text: str, first: str, second: str) -> str:
    """A second sheet before `first` in the list and in the first lecture's materials."""
    text = _edit(text, f"  - id: {first}\n", f"  - id: {second}\n    title: Another sheet\n  - id: {first}\n")
    return _edit(text, f"      - homework: {first}\n", f"      - homework: {second}\n      - homework: {first}\n")


# Sheet ids and numbers -------------------------------------------------------------------------

def test_a_sheet_id_of_letters_digits_and_dashes_is_accepted_and_numbered_by_position(tmp_path):
    s = _load(tmp_path, _two_sheets(_renamed(TEXT, "ps-a"), "ps-a", "problem-set-0"))
    assert [(h.id, h.number) for h in s.homework] == [("problem-set-0", 1), ("ps-a", 2)]
    names = {d.name for d in documents(s)}
    assert {"ps-a", "ps-a-solutions", "problem-set-0", "problem-set-0-solutions"} <= names


def test_the_sheet_header_prints_its_position_not_a_number_from_its_id(tmp_path):
    s = _load(tmp_path, _two_sheets(_renamed(TEXT, "sheet7"), "sheet7", "intro"))
    doc = next(d for d in documents(s) if d.name == "sheet7")
    tex = render_document(doc, s)
    assert "Homework 2:" in tex and "Homework 7" not in tex


@pytest.mark.parametrize("bad", ["ps_1", "ps--1", "-ps1", "ps 1"])
def test_a_sheet_id_with_other_characters_is_a_located_error(tmp_path, bad):
    text = _renamed(TEXT, bad)
    line, shown = _problem(tmp_path, text, "homework[0].id: String should match pattern")
    assert shown.strip() == f"- id: {bad}"


# Sheets without solutions ----------------------------------------------------------------------

def _without_solutions(text: str) -> str:
    """The fixture's sheet with `solutions: false`, and its schedule without a solutions material."""
    sheet = _sheet_id()
    text = re.sub(rf"(  - id: {sheet}\n    title: [^\n]*\n)", r"\1    solutions: false\n", text)
    return re.sub(rf"      - solutions: {sheet}\n(        release: [^\n]*\n)?", "", text)


def test_a_sheet_without_solutions_has_no_solutions_document(tmp_path):
    s = _load(tmp_path, _without_solutions(TEXT))
    sheet = s.homework[0]
    assert sheet.solutions is False
    kinds = {d.kind for d in documents(s)}
    assert "homework" in kinds and "solutions" not in kinds
    assert not [d for d in documents(s) if d.pdf.is_relative_to(paths.DIST / "solutions")]


def test_listing_the_solutions_of_a_sheet_without_solutions_is_a_located_error(tmp_path):
    sheet = _sheet_id()
    text = _edit(_without_solutions(TEXT), f"      - homework: {sheet}\n",
                 f"      - homework: {sheet}\n      - solutions: {sheet}\n")
    line, shown = _problem(tmp_path, text, "has solutions: false")
    assert shown.strip() == f"- solutions: {sheet}"
    assert re.search(r"schedule\[\d+\]\.materials\[\d+\]\.solutions: homework sheet", _messages(tmp_path, text))


def _messages(tmp_path, text) -> str:
    with pytest.raises(SyllabusError) as info:
        _load(tmp_path, text)
    return str(info.value)


# The checklist ---------------------------------------------------------------------------------

def _without_checklist(text: str) -> str:
    return re.sub(r"\nchecklist:\n(  [^\n]*\n)+", "\n", text)


def test_a_syllabus_without_a_checklist_has_no_checklist_document(tmp_path):
    s = _load(tmp_path, _without_checklist(TEXT))
    assert s.checklist is None
    assert CHECKLIST not in {d.name for d in documents(s)}


def test_the_checklist_source_defaults_and_can_be_named(tmp_path):
    default = next(d for d in documents(load(FIXTURE)) if d.name == CHECKLIST)
    assert default.sources == (paths.CHECKLIST_SOURCE,)
    text = _edit(TEXT, "checklist:\n", "checklist:\n  source: notes/before-we-start.tex\n")
    s = _load(tmp_path, text)
    doc = next(d for d in documents(s) if d.name == CHECKLIST)
    assert doc.sources == (paths.ROOT / "notes" / "before-we-start.tex",)
    assert r"\input{notes/before-we-start}" in render_document(doc, s)


@pytest.mark.parametrize("bad", ["/etc/passwd.tex", "notes/../../x.tex", "notes/checklist.md", "elsewhere/c.tex"])
def test_a_checklist_source_outside_notes_is_a_located_error(tmp_path, bad):
    text = _edit(TEXT, "checklist:\n", f"checklist:\n  source: {bad}\n")
    line, shown = _problem(tmp_path, text, "checklist.source: expected a .tex file under notes/")
    assert bad in shown


# Weekly meetings -------------------------------------------------------------------------------

MEETINGS = '''  class_times:
    - {day: Monday, start: "08:30", end: "10:00"}
    - {day: Wednesday, start: "16:15", end: "17:45"}
'''


def _with_meetings(text: str, meetings: str) -> str:
    return re.sub(r"  class_times:\n(    [^\n]*\n)+", meetings, text)


def test_several_weekly_meetings_are_kept_in_order(tmp_path):
    s = _load(tmp_path, _with_meetings(TEXT, MEETINGS))
    assert [t.text for t in s.course.class_times] == ["Mondays, 08:30\u201310:00", "Wednesdays, 16:15\u201317:45"]


def test_the_single_meeting_form_says_a_list_is_expected(tmp_path):
    text = _with_meetings(TEXT, '  class_times:\n    day: Monday\n    start: "08:30"\n    end: "10:00"\n')
    line, shown = _problem(tmp_path, text, "course.class_times: expected a list of weekly meetings")
    assert shown.strip() == "class_times:"


def test_a_bad_meeting_is_located_by_its_index(tmp_path):
    text = _with_meetings(TEXT, MEETINGS.replace('end: "17:45"', 'end: "15:00"'))
    line, shown = _problem(tmp_path, text, "course.class_times[1]: end 15:00 is not after start 16:15")
    assert "Wednesday" in shown


def test_overlapping_meetings_are_an_error(tmp_path):
    text = _with_meetings(TEXT, MEETINGS.replace("Wednesday, start: \"16:15\"", "Monday, start: \"09:45\""))
    line, shown = _problem(tmp_path, text, "course.class_times: meeting 2 overlaps meeting 1")
    assert shown.strip() == "class_times:"


def test_no_meeting_at_all_is_an_error(tmp_path):
    _problem(tmp_path, _with_meetings(TEXT, "  class_times: []\n"), "course.class_times: List should have at least 1 item")


# Due dates -------------------------------------------------------------------------------------

def _release_line(text: str) -> tuple[str, str]:
    """The fixture sheet's homework material and its release date."""
    sheet = _sheet_id()
    m = re.search(rf"      - homework: {sheet}\n        release: (\S+)\n", text)
    assert m, "test out of date: the fixture's sheet has no release date"
    return m.group(0), m.group(1)


def _with_due(text: str, due: str) -> str:
    material, _ = _release_line(text)
    return _edit(text, material, material + f"        due: {due}\n")


def test_a_due_date_is_read_and_printed_in_the_sheet_header(tmp_path):
    import datetime as dt

    _, release = _release_line(TEXT)
    due = dt.date.fromisoformat(release) + dt.timedelta(days=9)
    s = _load(tmp_path, _with_due(TEXT, due.isoformat()))
    sheet = s.homework[0]
    assert s.due(sheet.id) == due
    doc = next(d for d in documents(s) if d.name == sheet.id)
    assert f"Due {due.day} {due:%B %Y}" in render_document(doc, s)


def test_a_sheet_without_a_due_date_prints_none(tmp_path):
    s = load(FIXTURE)
    doc = next(d for d in documents(s) if d.name == s.homework[0].id)
    assert s.due(s.homework[0].id) is None and "Due " not in render_document(doc, s)


def test_a_due_date_not_after_the_release_is_a_located_error(tmp_path):
    _, release = _release_line(TEXT)
    line, shown = _problem(tmp_path, _with_due(TEXT, release), f"due {release} is not after release {release}")
    assert "release:" in shown or "homework:" in shown or "due:" in shown


def test_a_due_date_on_a_chapter_is_a_located_error(tmp_path):
    chapter = load(FIXTURE).chapters[0].id
    text = _edit(TEXT, f"      - chapter: {chapter}\n", f"      - chapter: {chapter}\n        due: 2000-01-01\n")
    line, shown = _problem(tmp_path, text, "due applies to a homework material only")
    assert f"chapter: {chapter}" in shown


def test_an_impossible_due_date_is_a_located_error(tmp_path):
    line, shown = _problem(tmp_path, _with_due(TEXT, "2001-02-30"), "not a valid date")
    assert "due: 2001-02-30" in shown


def test_two_different_due_dates_for_one_sheet_are_an_error(tmp_path):
    import datetime as dt

    sheet = _sheet_id()
    material, release = _release_line(TEXT)
    later = dt.date.fromisoformat(release) + dt.timedelta(days=7)
    text = _edit(TEXT, material, material + f"        due: {later}\n      - homework: {sheet}\n"
                 f"        due: {later + dt.timedelta(days=1)}\n")
    line, shown = _problem(tmp_path, text, f"a second due date for '{sheet}'")
    assert shown.strip() == f"due: {later + dt.timedelta(days=1)}"
