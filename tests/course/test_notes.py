"""This course's conventions for its notes (docs/authoring.md), not rules of the engine: every
figure is shown somewhere, every citation has an entry, each chapter has statements, proofs, a
figure, citations and exercises, and each sheet 3-5 exercises with solutions and a computation."""
import re
from collections import Counter

import pytest

from coursebuild import paths
from coursebuild.documents import figures_used
from coursebuild.syllabus import load
from figgen.core.paths import figure_names

S = load(paths.SYLLABUS)
CHAPTERS = [paths.chapter_source(c.id) for c in S.chapters]
SHEETS = [paths.homework_source(h.id) for h in S.homework]
ALL_SOURCES = [*CHAPTERS, *SHEETS, *([paths.ROOT / S.checklist.source] if S.checklist else [])]
BIB = "\n".join(paths.course_file(f).read_text() for f in S.bibliography)
BIB_KEYS = re.findall(r"^@\w+\{([^,\s]+),", BIB, re.M)


def strip_comments(text):
    return re.sub(r"(?<!\\)%.*", "", text)


def test_every_source_named_in_the_syllabus_exists():
    missing = [paths.rel(p) for p in ALL_SOURCES if not p.is_file()]
    assert not missing


def test_every_figure_is_shown_by_some_document():
    # A chapter shows most; a homework computation's figure is shown by its solutions.
    shown = set(figures_used([*CHAPTERS, *SHEETS]))
    assert set(figure_names()) - shown == set()


def test_bibliography_keys_are_unique_and_hold_the_recommended_literature():
    duplicates = [k for k, n in Counter(BIB_KEYS).items() if n > 1]
    assert not duplicates
    for book in S.course.literature:
        assert book.cite in BIB_KEYS, book.title


def test_every_citation_has_an_entry():
    cited = set()
    for src in ALL_SOURCES:
        for group in re.findall(r"\\(?:cite[a-zA-Z]*|nocite)\*?(?:\[[^\]]*\])*\{([^}]*)\}", strip_comments(src.read_text())):
            cited |= {k.strip() for k in group.split(",") if k.strip()}
    assert cited - set(BIB_KEYS) == set()


@pytest.mark.parametrize("src", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_has_statements_figure_citations_and_exercises(src):
    text = strip_comments(src.read_text())
    assert not re.search(r"\\(chapter|documentclass|begin\{document\}|bibliography)\b", text), \
        "the build adds the chapter heading and bibliography"
    assert re.search(r"\\begin\{(theorem|proposition|lemma)\}", text)
    assert r"\begin{proof}" in text
    assert re.search(r"\\coursefigure", text)
    assert re.search(r"\\cite[tp]?\{", text)
    assert re.search(r"\\section\*?\{Exercises\}", text)
    assert len(re.findall(r"\\begin\{exercise\}", text)) >= 3
    assert not re.search(r"lorem ipsum|TODO|TBD|FIXME", text, re.I)


@pytest.mark.parametrize("src", SHEETS, ids=[p.stem for p in SHEETS])
def test_sheet_has_three_to_five_exercises_each_with_a_solution(src):
    text = strip_comments(src.read_text())
    problems = len(re.findall(r"\\begin\{problem\}", text))
    assert 3 <= problems <= 5
    assert len(re.findall(r"\\begin\{solution\}", text)) >= problems
    assert re.search(r"figgen/|python -m figgen", text), "no computational exercise using figgen"


def test_every_chapter_has_the_labels_the_schedule_points_to():
    for lecture in S.schedule:
        for m in lecture.materials:
            if m.sections:
                labels = set(re.findall(r"\\label\{([^}]+)\}", paths.chapter_source(m.chapter).read_text()))
                assert set(m.sections) <= labels, (m.chapter, m.sections)
