"""Permalinks of the HTML edition (coursebuild/permalinks.py): every section heading, theorem-like
statement, numbered equation and figure links to itself, with a name that says what it links to;
the link is out of sight at rest and shown on hover and on keyboard focus (notes.css, no script)."""
import json

import pytest

from browser import check_pages, launch
from coursebuild.documents import FULL_NOTES
from coursebuild.permalinks import add_permalinks

# What each labelled element's link is called on the fixture course's pages (label -> name).
NAMES = {
    "01-convex-sets": {"ch:convex-sets": "Chapter 1", "sec:fx-convex-sets": "Section 1.1",
                       "def:fx-convex": "Definition 1.1", "thm:fx-separation": "Theorem 1.2",
                       "eq:fx-separation": "equation (1.1)", "sec:fx-computation": "Section 1.2",
                       "fig:fx-wendel": "Figure 1.1", "ex:fx-ball": "Exercise 1.1"},
    "02-duality": {"ch:duality": "Chapter 2", "sec:fx-duality-weak": "Section 2.1", "prop:fx-weak": "Proposition 2.1",
                   "sec:fx-duality-strong": "Section 2.2", "ex:fx-strong": "Exercise 2.1"},
    "hw1": {"hw1:fx-line": "Exercise 1", "hw1:fx-intersection": "Exercise 2", "hw1:fx-union": "Exercise 3"},
    "hw1-solutions": {"hw1:fx-line": "Exercise 1", "hw1:fx-intersection": "Exercise 2", "hw1:fx-union": "Exercise 3"},
}


def _tree(page):
    """(id -> element, element -> parent, the permalinks) of a page, as a strict HTML5 parser reads it."""
    import html5lib

    root = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page.read_text(encoding="utf-8"))
    parents = {child: parent for parent in root.iter() for child in parent}
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    links = [a for a in root.iter("a") if "course_permalink" in (a.get("class") or "").split()]
    return by_id, parents, links


def _numbered(root, parents):
    """The elements the page's permalinks must cover: sections, statements, figures (not their
    panels) and numbered equations (the table or row that holds the number)."""
    out = []
    for e in root.iter():
        classes = (e.get("class") or "").split()
        if e.tag == "section" or "ltx_theorem" in classes:
            out.append(e)
        elif e.tag == "figure" and not any(a.tag == "figure" for a in _ancestors(e, parents)):
            out.append(e)
        elif "ltx_tag_equation" in classes:
            out.append(next(a for a in _ancestors(e, parents) if a.tag in ("table", "tbody") and a.get("id")))
    return out


def _ancestors(element, parents):
    while element in parents:
        element = parents[element]
        yield element


@pytest.mark.slow
def test_each_heading_statement_equation_and_figure_links_to_itself(fixture_course):
    pages = sorted((fixture_course.root / "dist" / "html").glob("*.html"))
    covered = set()
    for page in pages:
        by_id, parents, links = _tree(page)
        # Each link points at an element that holds it (the heading, title, number or caption of
        # its own element), and each section, statement, figure and numbered equation has one.
        for a in links:
            target = by_id.get(a.get("href", "").removeprefix("#"))
            assert target is not None and target in _ancestors(a, parents), (page.name, a.get("href"))
            assert a.get("aria-label", "").startswith("Link to "), (page.name, a.get("aria-label"))
        targets = [a.get("href") for a in links]
        assert len(targets) == len(set(targets)), page.name
        article = next(e for e in by_id.values() if e.tag == "main").find("article")
        for element in _numbered(article, parents):
            assert f"#{element.get('id')}" in targets, (page.name, element.get("id"))
            covered.add(element.get("class").split()[0] if element.get("class") else element.tag)
        # What each labelled element's link is called (on the page of all chapters too).
        names = {a.get("href"): a.get("aria-label") for a in links}
        chapters = [s for s in NAMES if s[:1].isdigit()]
        for stem in [page.stem] if page.stem in NAMES else chapters if page.stem == FULL_NOTES else []:
            converted = stem if stem != "hw1" else "hw1-solutions"
            index = json.loads((fixture_course.root / "build/html" / f"{converted}.labels.json").read_text())["defines"]
            for label, name in NAMES[stem].items():
                assert names.get(f"#{index[label]['id']}") == f"Link to {name}", (page.name, label)
    # Every kind of the issue is on some page of the fixture course, and so is an unnumbered section.
    assert {"ltx_chapter", "ltx_section", "ltx_theorem", "ltx_equation", "ltx_figure", "ltx_bibliography"} <= covered
    _, _, links = _tree(fixture_course.root / "dist" / "html" / "02-duality.html")
    assert "Link to the section “References”" in {a.get("aria-label") for a in links}


def test_a_figure_s_panels_and_an_unnumbered_row_get_no_link_of_their_own():
    """Shapes of latexmlpost's HTML the fixture course has not: a subfigure, an align with an
    unnumbered row and a numbered one, an unnumbered statement and a \\paragraph."""
    article = (
        '<figure id="Ch3.F2" class="ltx_figure"><figure id="Ch3.F2.sf1" class="ltx_figure ltx_figure_panel">'
        '<figcaption class="ltx_caption"><span class="ltx_tag ltx_tag_figure">(a) </span>Left.</figcaption></figure>'
        '<figcaption class="ltx_caption"><span class="ltx_tag ltx_tag_figure">Figure 3.2: </span>Both.</figcaption></figure>'
        '<table tabindex="0" id="Ch3.EGx1" class="ltx_equationgroup ltx_eqn_align ltx_eqn_table">'
        '<tbody id="Ch3.Ex1"><tr><td>a</td></tr></tbody>'
        '<tbody id="Ch3.E4"><tr><td class="ltx_eqn_cell ltx_eqn_eqno"><span class="ltx_tag ltx_tag_equation '
        'ltx_align_right">(3.4)</span></td></tr></tbody></table>'
        '<div id="Ch3.Thmremark1" class="ltx_theorem ltx_theorem_remark">\n<h5 class="ltx_title ltx_runin '
        'ltx_title_theorem"><span class="ltx_text ltx_font_bold">Remark.</span></h5></div>'
        '<section id="Ch3.S1.SS0.SSS0.Px1" class="ltx_paragraph">\n<h4 class="ltx_title ltx_title_paragraph">'
        'Three puzzles.</h4></section>')
    linked = add_permalinks(article)
    assert linked.count('class="course_permalink"') == 4
    assert 'Both.<a class="course_permalink" href="#Ch3.F2" aria-label="Link to Figure 3.2"></a></figcaption>' in linked
    assert '(3.4)</span><a class="course_permalink" href="#Ch3.E4" aria-label="Link to equation (3.4)">' in linked
    assert 'href="#Ch3.Thmremark1" aria-label="Link to Remark"' in linked
    assert 'href="#Ch3.S1.SS0.SSS0.Px1" aria-label="Link to the paragraph “Three puzzles”"' in linked


@pytest.mark.slow
def test_a_permalink_is_hidden_at_rest_and_shown_on_hover_and_keyboard_focus(fixture_course):
    """In Chromium: the statement's link is transparent until the pointer is over the statement or
    the Tab key reaches the link; its accessible name is the browser's own computation. The pages
    with their links still pass axe (every rule) and fit a phone."""
    from playwright.sync_api import sync_playwright

    html = fixture_course.root / "dist" / "html"
    opacity = "id => getComputedStyle(document.querySelector(`a.course_permalink[href='#${id}']`)).opacity"
    seen = {}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto((html / "01-convex-sets.html").as_uri())
            theorem = tab.evaluate("document.querySelector('.ltx_theorem_theorem').id")
            seen["rest"] = tab.evaluate(opacity, theorem)
            tab.hover(f"[id='{theorem}'] .ltx_title")
            seen["hover"] = tab.evaluate(opacity, theorem)
            tab.mouse.move(0, 0)
            seen["away"] = tab.evaluate(opacity, theorem)
            for _ in range(40):  # the skip link, the navigation, the contents, then the text's links
                tab.keyboard.press("Tab")
                if tab.evaluate("document.activeElement.getAttribute('href')") == f"#{theorem}":
                    break
            seen["focus"] = tab.evaluate(opacity, theorem)
            seen["named"] = tab.get_by_role("link", name="Link to Theorem 1.2", exact=True).count()
        finally:
            browser.close()
    assert seen == {"rest": "0", "hover": "1", "away": "0", "focus": "1", "named": 1}
    chapters = {page: "chapter" for page in sorted(html.glob("0*.html"))}
    # And the page of all chapters (on the fixture course, a second or two; on a real course it is
    # every chapter again, which tests/test_html_browser.py checks one by one).
    chapters[html / "lecture-notes.html"] = "notes"
    violations, overflow = check_pages(chapters)
    assert not violations and not overflow, (violations, overflow)
