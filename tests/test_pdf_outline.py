"""What a PDF reader and a screen reader find in every PDF of a course: bookmarks (the outline) and
the document's language (/Lang in the catalog, syllabus.yaml: course.language). On the fixture
course: its sheet's bookmarks are its exercises as printed, its checklist's are its sections,
starred ones included, and a syllabus with another language declares that one everywhere."""
from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from conftest import Course

pytestmark = pytest.mark.slow  # each reads a build of the fixture course


def outline(path) -> list:
    """The bookmarks' titles, a nested list as the reader shows them (children after their parent)."""
    def titles(items):
        return [titles(i) if isinstance(i, list) else i.title for i in items]

    return titles(PdfReader(path).outline)


def language(path) -> str | None:
    lang = PdfReader(path).trailer["/Root"].get("/Lang")
    return None if lang is None else str(lang)


def pdfs(course: Course) -> list:
    found = sorted((course.root / "dist").rglob("*.pdf"))
    assert found, "the build made no PDF"
    return found


def test_every_pdf_has_bookmarks_and_declares_the_default_language(fixture_course):
    # The fixture's syllabus names no language: English, as before the key existed.
    for pdf in pdfs(fixture_course):
        rel = pdf.relative_to(fixture_course.root)
        assert outline(pdf), f"{rel} has no bookmarks"
        assert language(pdf) == "en", f"{rel} declares the language {language(pdf)!r}"


@pytest.mark.parametrize("sheet", ["dist/homework/hw1.pdf", "dist/solutions/hw1-solutions.pdf"])
def test_a_sheets_bookmarks_are_its_exercises_as_printed(fixture_course, sheet):
    printed = re.findall(r"^\s*(Exercise \d+ \([^)\n]*\))\.", fixture_course.pdf_text(sheet), re.MULTILINE)
    assert len(printed) == 3, printed  # the fixture's sheet has three titled exercises
    assert outline(fixture_course.root / sheet) == printed


def test_the_checklists_bookmarks_are_its_sections_starred_ones_too(fixture_course):
    # The fixture's checklist has a numbered section and, under it, a starred subsection.
    assert outline(fixture_course.root / "dist/maths-checklist.pdf") == ["Linear algebra", ["Self-test"]]


def test_the_syllabus_language_is_declared_by_every_pdf_and_page(fixture_copy_html):
    c = fixture_copy_html
    syllabus = c.root / "syllabus.yaml"
    text = syllabus.read_text()
    assert "  repository: null\n" in text, "test out of date: the fixture's syllabus changed"
    syllabus.write_text(text.replace("  repository: null\n", "  repository: null\n  language: fr\n", 1))
    c.doit()
    for pdf in pdfs(c):
        assert language(pdf) == "fr", f"{pdf.relative_to(c.root)} declares {language(pdf)!r}"
    pages = [c.root / "dist" / "index.html", *sorted((c.root / "dist" / "html").glob("*.html"))]
    assert len(pages) > 1, "the build made no page of the HTML edition"
    for page in pages:
        assert '<html lang="fr">' in page.read_text(encoding="utf-8"), page.relative_to(c.root)
