"""The HTML edition's homework sheets, solutions and checklist in a real browser: as the chapters in
test_html_browser.py (in a file of its own, so that the two run side by side)."""
import pytest

from browser import check_pages, html_pages

pytestmark = pytest.mark.slow


def test_every_sheet_solutions_and_checklist_page_passes_axe_and_fits_a_phone(built_course):
    built_course.require_html()
    # Not the page of all chapters: it is the chapters' text again (test_html_browser.py checks them),
    # and axe would take as long on it as on every chapter (the fixture course's is checked, in
    # test_html_permalinks.py).
    pages = {p: kind for p, kind in html_pages(built_course).items() if kind not in ("chapter", "notes")}
    expected = {d.name for d in built_course.documents() if d.kind not in ("chapter", "notes") and d.released}
    assert {p.stem for p in pages} == expected
    violations, overflow = check_pages(pages)
    assert not violations, violations
    assert not overflow, overflow
