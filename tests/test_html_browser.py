"""The HTML edition in a real browser (Debian's Chromium): no accessibility violation of impact
serious or critical (axe-core) on any chapter page, and no horizontal scrolling of the text on a
phone (browser.check_pages says how); the sheets are in test_html_browser_sheets.py, so that the two
run side by side (axe takes seconds a page). And the two checks, shown failing on wrong pages."""
import re
from pathlib import Path

import pytest

from browser import AXE_SERIOUS, axe_source, check_pages, html_pages, launch
from coursebuild.pagelayout import scroll_boxes

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_every_chapter_page_passes_axe_and_fits_a_phone(built_course):
    built_course.require_html()
    pages = {p: kind for p, kind in html_pages(built_course).items() if kind == "chapter"}
    assert len(pages) == len([d for d in built_course.documents() if d.kind == "chapter" and d.released])
    violations, overflow = check_pages(pages)
    assert not violations, violations
    assert not overflow, overflow


def test_the_overflow_check_sees_a_formula_too_wide_for_a_phone(tmp_path):
    """The check above on deliberately wrong pages: a wide unboxed formula fails, a boxed one passes."""
    from playwright.sync_api import sync_playwright

    css = (ROOT / "templates" / "notes.css").read_text()
    wide = "<math><mi>x</mi>" + "<mo>+</mo><mi>y</mi>" * 120 + "</math>"
    boxed = scroll_boxes(f'<table class="ltx_equation"><tr><td>{wide}</td></tr></table>')
    pages = {"bare": f"<!DOCTYPE html><html lang=en><title>t</title><p>{wide.replace('<math>', '<math display=block>')}</p>",
             "styled": f"<!DOCTYPE html><html lang=en><title>t</title><style>{css}</style><main>{boxed}</main>"}
    found = {}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for name, text in pages.items():
                (tmp_path / f"{name}.html").write_text(text)
                tab = browser.new_page(viewport={"width": 390, "height": 844})
                tab.goto((tmp_path / f"{name}.html").as_uri())
                found[name] = tab.evaluate("document.documentElement.scrollWidth > window.innerWidth")
                tab.close()
        finally:
            browser.close()
    assert found == {"bare": True, "styled": False}


def test_the_axe_check_sees_an_image_without_a_text_alternative(tmp_path):
    from playwright.sync_api import sync_playwright

    (tmp_path / "p.html").write_text('<!DOCTYPE html><html lang=en><title>t</title><main><img src="x.svg"></main>')
    with sync_playwright() as p:
        browser = launch(p)
        try:
            tab = browser.new_page()
            tab.goto((tmp_path / "p.html").as_uri())
            tab.add_script_tag(content=axe_source())
            found = tab.evaluate(AXE_SERIOUS, None)
        finally:
            browser.close()
    assert [v[0] for v in found] == ["image-alt"]
