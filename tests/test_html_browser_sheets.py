"""The HTML edition's homework sheets, solutions and checklist in a real browser: as the chapters in
test_html_browser.py (in a file of its own, so that the two run side by side)."""
import pytest

from browser import check_pages, html_pages, page_kind

pytestmark = pytest.mark.slow


def test_every_sheet_solutions_and_checklist_page_passes_axe_and_fits_a_phone(built_course):
    pages = [p for p in html_pages(built_course) if page_kind(p) != "chapter"]
    assert {page_kind(p) for p in pages} == {"sheet", "solutions", "maths-checklist"} and len(pages) == 15
    violations, overflow = check_pages(pages)
    assert not violations, violations
    assert not overflow, overflow
