"""The syllabus loader, on the fixture course's syllabus: it loads into typed objects, and bad
input gives one clear line per problem, naming syllabus.yaml, the line and the key."""
import re
import subprocess
from pathlib import Path

import pytest

from coursebuild.syllabus import SyllabusError, load

ROOT = Path(__file__).resolve().parents[1]
SYLLABUS = ROOT / "tests" / "fixture_course" / "syllabus.yaml"


@pytest.fixture(scope="module")
def syllabus():
    return load(SYLLABUS)


def test_the_fixture_syllabus_loads_as_written(syllabus):
    c = syllabus.course
    assert c.title == "Convex geometry for signal recovery" and c.semester == "Spring 2024"
    assert [p.short for p in c.programs] == ["SIGRE"] and c.literature[0].cite == "example2020convex"
    assert [lec.no_class for lec in syllabus.schedule] == [False, True, False]
    assert syllabus.schedule[0].materials[2].kind == "solutions"


@pytest.mark.parametrize("tag", ["fr", "de-CH", "zh-Hant-TW", "es-419", "sr-Latn-RS", "en-US-x-twain", '"no"'])
def test_the_course_language_is_a_bcp_47_tag_english_by_default(syllabus, tmp_path, tag):
    from conftest import fixture_syllabus

    assert syllabus.course.language == "en"  # the fixture names none
    text = SYLLABUS.read_text().replace("  repository: null\n", f"  repository: null\n  language: {tag}\n", 1)
    assert load(fixture_syllabus(tmp_path, text)).course.language == tag.strip('"')


def test_chapters_are_numbered_in_order(syllabus):
    assert [c.number for c in syllabus.chapters] == list(range(1, len(syllabus.chapters) + 1))
    assert [c.stem for c in syllabus.chapters] == ["01-convex-sets", "02-duality"]


def _problems(tmp_path, text):
    from conftest import fixture_syllabus

    path = fixture_syllabus(tmp_path, text)
    with pytest.raises(SyllabusError) as info:
        load(path)
    return info.value.problems


def _line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


BAD_EDITS = [
    # (description, old, new, needle on the reported line, expected message part)
    ("misspelt key", "  email: ada", "  emial: ada", "emial:", "course.emial: unknown key; did you mean 'email'?"),
    ("impossible date", "- date: 2024-03-19", "- date: 2024-02-30", "2024-02-30", "schedule[2].date: not a valid date"),
    ("wrong type", "  topics:\n    - Convex sets", "  topics: 12\n  oldtopics:\n    - Convex sets", "topics: 12", "course.topics"),
    ("unknown chapter", "chapter: duality", "chapter: dualty", "dualty", "did you mean 'duality'?"),
    ("duplicate id", "  - id: duality\n", "  - id: convex-sets\n", "id: convex-sets\n    title: Duality",
     "duplicate id 'convex-sets'"),
    ("bad e-mail", "ada.example@example.org", "ada.example", "email:", "expected an e-mail address"),
    ("bad clock", '"16:00"', '"25:00"', '"25:00"', "HH:MM"),
    ("language by name", "  repository: null\n", "  repository: null\n  language: english\n", "language: english",
     "course.language: expected a BCP 47 language tag"),
    ("language with an underscore", "  repository: null\n", "  repository: null\n  language: fr_FR\n", "language: fr_FR",
     "course.language: expected a BCP 47 language tag"),
    ("language read as a boolean", "  repository: null\n", "  repository: null\n  language: no\n", "language: no",
     "course.language: expected a language tag; write it in quotes"),
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
    if needle.startswith("id: convex-sets\n"):  # the second of the two, not the first
        assert bad.splitlines()[line - 1].strip() == "- id: convex-sets" and line > _line_of(bad, "- id: convex-sets")
    else:
        assert needle.split("\n")[0] in bad.splitlines()[line - 1]


def test_every_problem_is_reported_in_one_run(tmp_path):
    # All but those that undo others: the duplicate id would leave no chapter 'duality' to suggest,
    # the bad e-mail is under the key misspelt, and one language key is all a course holds.
    edits = [e for e in BAD_EDITS if e[0] not in ("duplicate id", "bad e-mail", "language with an underscore",
                                                  "language read as a boolean")]
    text = SYLLABUS.read_text()
    for _, old, new, _, _ in edits:
        text = text.replace(old, new, 1)
    problems = _problems(tmp_path, text)
    for _, _, _, _, message in edits:
        assert any(message in p for p in problems), (message, problems)


def test_invalid_yaml_names_the_line(tmp_path):
    problems = _problems(tmp_path, "course:\n  title: [unclosed\n")
    assert len(problems) == 1 and re.match(r"syllabus\.yaml:\d+: not valid YAML", problems[0])


def test_doit_reports_a_bad_syllabus_in_one_line_without_traceback(tmp_path):
    from conftest import make_fixture_course

    copy = make_fixture_course(tmp_path / "c")
    (copy / "syllabus.yaml").write_text(SYLLABUS.read_text().replace("  email:", "  emial:"))
    proc = subprocess.run([str(ROOT / ".venv/bin/doit"), "list"], cwd=copy, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    assert re.search(r"^syllabus\.yaml:\d+: course\.emial: unknown key; did you mean 'email'\?$", proc.stderr, re.M)


def test_a_file_that_is_not_utf8_is_reported_by_line_and_column(tmp_path):
    text = SYLLABUS.read_text()
    line = _line_of(text, "  location:")
    bad = text.encode("utf-8").replace(b"  location: Room", b"  location: Ro\xe9m")
    path = tmp_path / "syllabus.yaml"
    path.write_bytes(bad)
    with pytest.raises(SyllabusError) as info:
        load(path)
    # "  location: Ro" is 14 characters: the bad byte is the 15th.
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
