"""The HTML edition in a real browser (Debian's Chromium): no accessibility violation of impact
serious or critical (axe-core) on any page, and no horizontal scrolling of the text on a phone.
In a file of its own, so that it runs beside the other test files (axe takes seconds a page)."""
import re
from pathlib import Path

import pytest

from browser import AXE_SERIOUS, OVERFLOWING, axe_source, launch

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
# axe's rules that judge the style sheet rather than a page's content.
STYLE_RULES = ["color-contrast", "link-in-text-block", "target-size"]


def kind(page: Path) -> str:
    name = page.stem
    return ("chapter" if re.match(r"\d\d-", name) else "solutions" if name.endswith("-solutions")
            else "sheet" if name.startswith("hw") else name)


def test_every_page_passes_axe_and_fits_a_phone(built_course):
    """Every page at 390 px in the dark scheme: no horizontal overflow, and every rule of axe but
    the three that judge the style sheet's choices (colour contrast, links told apart from text,
    target sizes), which are three quarters of axe's time on a chapter. The first page of each
    kind with every rule, at 390 px dark and at 1280 px light: colours and sizes come from
    notes.css alone (the validity test checks that no page sets a colour of its own), so a page of
    each kind shows the pairs its kind can. Screenshots: every page at 390 px, one of each kind at
    1280 px."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    axe = axe_source()
    pages = sorted((built_course.root / "dist" / "html").glob("*.html"))
    first_of_kind = {}
    for page in pages:
        first_of_kind.setdefault(kind(page), page)
    assert set(first_of_kind) == {"chapter", "sheet", "solutions", "maths-checklist"}
    violations, overflow, checked = {}, {}, []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for width, height, scheme in ((390, 844, "dark"), (1280, 900, "light")):
                tab = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                tab.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
                for page in pages:
                    full = first_of_kind[kind(page)] == page
                    if width == 1280 and not full:
                        continue
                    tab.goto(page.as_uri())
                    tab.screenshot(path=str(SHOTS / f"{page.stem}-{width}px.png"))
                    if width == 390:
                        scroll, inner = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                        wide = tab.evaluate(OVERFLOWING)
                        if scroll > inner or wide:
                            overflow[page.name] = (scroll, wide[:5])
                    tab.add_script_tag(content=axe)
                    found = tab.evaluate(AXE_SERIOUS, None if full else STYLE_RULES)
                    checked.append((page.name, width, full))
                    if found:
                        violations[f"{page.name} at {width}px ({scheme})"] = found
                tab.close()
        finally:
            browser.close()
    assert len(checked) == len(pages) + 4
    assert not violations, violations
    assert not overflow, overflow


def test_the_overflow_check_sees_a_formula_too_wide_for_a_phone(tmp_path):
    """The check above on deliberately wrong pages: a wide unboxed formula fails, a boxed one passes."""
    from playwright.sync_api import sync_playwright

    css = (ROOT / "templates" / "notes.css").read_text()
    wide = "<math><mi>x</mi>" + "<mo>+</mo><mi>y</mi>" * 120 + "</math>"
    pages = {"bare": f"<!DOCTYPE html><html lang=en><title>t</title><p>{wide.replace('<math>', '<math display=block>')}</p>",
             "styled": f"<!DOCTYPE html><html lang=en><title>t</title><style>{css}</style><main>"
                       f"<table tabindex=0 class=ltx_equation><tr><td>{wide}</td></tr></table></main>"}
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
