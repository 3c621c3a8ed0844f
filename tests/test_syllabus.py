"""The syllabus loader: the real syllabus states the course page's facts; bad input gives one clear
line per problem, naming syllabus.yaml, the line and the key."""
import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from coursebuild.syllabus import SyllabusError, load

ROOT = Path(__file__).resolve().parents[1]
SYLLABUS = ROOT / "syllabus.yaml"
COURSE_PAGE = ROOT.parent / "shared" / "course" / "course-page.txt"


@pytest.fixture(scope="module")
def syllabus():
    return load(SYLLABUS)


def test_course_facts(syllabus):
    c = syllabus.course
    assert c.title == "Mathematics of deep learning"
    assert c.instructor == "Dr. Bruno Loureiro"
    assert c.email == "bruno.loureiro@di.ens.fr"
    assert c.semester == "Winter 2025"
    assert [p.short for p in c.programs] == ["IASD", "MASH"]
    assert c.university == "PSL University"
    assert [(t.day, t.start, t.end) for t in c.class_times] == [("Friday", "09:00", "12:15")]
    assert len(c.topics) == 6 and len(c.literature) == 4


@pytest.mark.skipif(not COURSE_PAGE.is_file(), reason="the course page is not beside this checkout")
def test_every_fact_of_the_course_page_is_in_the_syllabus(syllabus):
    page = COURSE_PAGE.read_text()
    c = syllabus.course
    for fact in (c.title, c.instructor.removeprefix("Dr. "), c.email, c.semester, c.location, c.university):
        assert fact in page
    for program in c.programs:
        assert program.name.split(" - ")[0] in page
    for topic in c.topics:
        assert topic.rstrip(".") in page
    for book in c.literature:
        assert book.author.split(" and ")[0] in page
    assert "Undergraduate level linear algebra, analysis and probability" in c.requirement


def test_schedule_rows_in_order_with_the_no_class_row(syllabus):
    dates = [lec.date for lec in syllabus.schedule]
    assert dates == sorted(dates) and dates[0] == dt.date(2025, 1, 10) and dates[-1] == dt.date(2025, 2, 28)
    assert [lec.date for lec in syllabus.schedule if lec.no_class] == [dt.date(2025, 1, 31)]
    # Every course topic has a lecture; every chapter and sheet appears in some lecture.
    named = {(m.kind, m.ref) for lec in syllabus.schedule for m in lec.materials}
    assert {("chapter", c.id) for c in syllabus.chapters} <= named
    assert {("homework", h.id) for h in syllabus.homework} <= named


def test_chapters_are_numbered_in_order(syllabus):
    assert [c.number for c in syllabus.chapters] == list(range(1, len(syllabus.chapters) + 1))
    assert syllabus.chapters[0].stem == "01-introduction-erm"


def _problems(tmp_path, text):
    path = tmp_path / "syllabus.yaml"
    path.write_text(text)
    with pytest.raises(SyllabusError) as info:
        load(path)
    return info.value.problems


def _line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


BAD_EDITS = [
    # (description, old, new, needle on the reported line, expected message part)
    ("misspelt key", "  email: bruno", "  emial: bruno", "emial:", "course.emial: unknown key; did you mean 'email'?"),
    ("impossible date", "- date: 2025-02-14", "- date: 2025-02-30", "2025-02-30", "schedule[5].date: not a valid date"),
    ("wrong type", "  topics:\n    - Introduction", "  topics: 12\n  oldtopics:\n    - Introduction", "topics: 12", "course.topics"),
    ("unknown chapter", "chapter: implicit-bias", "chapter: implicit-bais", "implicit-bais", "did you mean 'implicit-bias'?"),
    ("duplicate id", "  - id: hw2\n", "  - id: hw1\n", "id: hw1\n    title: Approximation", "duplicate id 'hw1'"),
    ("bad e-mail", "bruno.loureiro@di.ens.fr", "bruno.loureiro", "email:", "expected an e-mail address"),
    ("bad clock", 'end: "12:15"', 'end: "25:15"', "end:", "HH:MM"),
]


@pytest.mark.parametrize("what, old, new, needle, message", BAD_EDITS, ids=[b[0] for b in BAD_EDITS])
def test_bad_syllabus_gives_file_line_and_key(tmp_path, what, old, new, needle, message):
    text = SYLLABUS.read_text()
    assert old in text, f"test out of date: {old!r} not in syllabus.yaml"
    bad = text.replace(old, new, 1)
    problems = _problems(tmp_path, bad)
    matching = [p for p in problems if message in p]
    assert matching, problems
    line = int(re.match(r"syllabus\.yaml:(\d+): ", matching[0]).group(1))
    if needle == "id: hw1\n    title: Approximation":
        assert bad.splitlines()[line - 1].strip() == "- id: hw1" and line > _line_of(bad, "- id: hw1")
    else:
        assert needle.split("\n")[0] in bad.splitlines()[line - 1]


def test_every_problem_is_reported_in_one_run(tmp_path):
    text = SYLLABUS.read_text()
    for _, old, new, _, _ in BAD_EDITS[:5]:
        text = text.replace(old, new, 1)
    problems = _problems(tmp_path, text)
    for _, _, _, _, message in BAD_EDITS[:5]:
        assert any(message in p for p in problems), (message, problems)


def test_invalid_yaml_names_the_line(tmp_path):
    problems = _problems(tmp_path, "course:\n  title: [unclosed\n")
    assert len(problems) == 1 and re.match(r"syllabus\.yaml:\d+: not valid YAML", problems[0])


def test_doit_reports_a_bad_syllabus_in_one_line_without_traceback(tmp_path):
    from conftest import copy_project

    copy = copy_project(tmp_path / "c")
    (copy / "syllabus.yaml").write_text(SYLLABUS.read_text().replace("  email:", "  emial:"))
    proc = subprocess.run([str(ROOT / ".venv/bin/doit"), "list"], cwd=copy, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    assert re.search(r"^syllabus\.yaml:\d+: course\.emial: unknown key; did you mean 'email'\?$", proc.stderr, re.M)


def test_a_file_that_is_not_utf8_is_reported_by_line_and_column(tmp_path):
    text = SYLLABUS.read_text()
    line = _line_of(text, "  location:")
    bad = text.encode("utf-8").replace(b"  location: Check", b"  location: Ch\xe9ck")
    path = tmp_path / "syllabus.yaml"
    path.write_bytes(bad)
    with pytest.raises(SyllabusError) as info:
        load(path)
    # "  location: Ch" is 14 characters: the bad byte is the 15th.
    assert info.value.problems == [f"syllabus.yaml:{line}:15: not UTF-8 text (byte 0xe9: invalid continuation byte); "
                                   "save the file as UTF-8"]


def _doit_in_fixture(tmp_path, edit):
    from conftest import make_fixture_course

    root = make_fixture_course(tmp_path / "fx")
    edit(root)
    proc = subprocess.run([str(ROOT / ".venv/bin/doit")], cwd=root, capture_output=True, text=True)
    return root, proc


def test_a_missing_chapter_source_is_reported_before_any_task_runs(tmp_path):
    def misname(root):
        syllabus = root / "syllabus.yaml"
        text = syllabus.read_text()
        syllabus.write_text(text.replace("  - id: duality\n", "  - id: dualty\n").replace("chapter: duality", "chapter: dualty"))

    root, proc = _doit_in_fixture(tmp_path, misname)
    assert proc.returncode == 2
    line = _line_of((root / "syllabus.yaml").read_text(), "- id: dualty")
    assert proc.stderr.strip().splitlines() == [
        f"syllabus.yaml:{line}: chapters[1].id: no source file notes/chapters/dualty.tex for 'dualty'"]
    assert not (root / "build" / "doit-state.json").exists() and not (root / "figures" / "data").exists()
    assert "figdata" not in proc.stdout and "Traceback" not in proc.stdout + proc.stderr


def test_a_source_that_is_not_utf8_is_reported_by_line_and_column(tmp_path):
    def latin1(root):
        chapter = root / "notes/chapters/duality.tex"
        text = chapter.read_text()
        chapter.write_bytes(text.replace("Weak duality", "Weak dualit\xe9").encode("latin-1"))

    root, proc = _doit_in_fixture(tmp_path, latin1)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "notes/chapters/duality.tex:1:21: not UTF-8 text (byte 0xe9: invalid continuation byte); save the file as UTF-8"]
