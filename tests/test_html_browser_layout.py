"""The HTML edition's layout in a real browser (Debian's Chromium), on the fixture course: a chapter,
a sheet, its solutions, the page of all chapters and the course page, each on a phone in the dark
scheme and on a desktop in the light (browser.LAYOUT_VIEWS). axe-core with every rule it has (best
practices, AAA contrast, experimental) finds nothing; headings never skip a level; no <math> has a
tabindex and the Tab key stops only on links and on boxes that scroll; a display wider than the phone
shows that it scrolls and keeps its number in sight; inline formulas sit on the text's baseline; a
figure opens full size. (coursebuild/pagelayout.py, templates/notes.css; docs/html.md, "Phone and keyboard".)

The fixture's chapter 1 has what this needs: a numbered display and an unnumbered one wider than a
phone, a long inline formula, a figure."""
import pytest

from browser import LAYOUT_VIEWS, check_layout

pytestmark = pytest.mark.slow

PAGES = ("01-convex-sets.html", "hw1.html", "hw1-solutions.html", "lecture-notes.html")
PHONE, DESKTOP = (f"{w}px {scheme}" for w, _, scheme in LAYOUT_VIEWS)


@pytest.fixture(scope="module")
def layout(fixture_course):
    html = fixture_course.root / "dist" / "html"
    found = check_layout([html / page for page in PAGES] + [fixture_course.root / "dist" / "index.html"])
    assert set(found) == {*PAGES, "index.html"} and all(set(views) == {PHONE, DESKTOP} for views in found.values())
    return found


def _each(layout):
    for page, views in layout.items():
        for view, seen in views.items():
            yield page, view, seen


def test_axe_with_every_rule_finds_nothing(layout):
    found = {(page, view): seen["axe"] for page, view, seen in _each(layout) if seen["axe"]}
    assert not found, found


def test_headings_never_skip_a_level_and_no_formula_takes_a_tabindex(layout):
    assert {(page, view): seen["layout"]["skips"] for page, view, seen in _each(layout) if seen["layout"]["skips"]} == {}
    assert {page: seen["layout"]["math_tabindex"] for page, _, seen in _each(layout)} == dict.fromkeys(layout, 0)


def test_the_tab_key_stops_on_links_and_on_the_boxes_that_scroll_only(layout):
    for page, view, seen in _each(layout):
        stops = seen["tab_stops"]
        others = [stop for stop in stops if not stop[3] and not stop[4]]
        assert not others, (page, view, others)
        # Every box that scrolls is reached, and none more (a box that fits is no stop).
        scrolling = len(seen["layout"]["boxes"])
        assert sum(1 for stop in stops if stop[4]) == scrolling, (page, view)
        assert seen["page_width"][0] <= seen["page_width"][1], (page, view, seen["page_width"])
    # The fixture's chapter has boxes that scroll on a phone and none on a desktop.
    assert len(layout["01-convex-sets.html"][PHONE]["layout"]["boxes"]) >= 3
    assert layout["01-convex-sets.html"][DESKTOP]["layout"]["boxes"] == []


def test_a_display_wider_than_a_phone_shows_that_it_scrolls_and_keeps_its_number_in_sight(layout):
    for page in ("01-convex-sets.html", "lecture-notes.html"):
        boxes = layout[page][PHONE]["layout"]["boxes"]
        kinds = {kind for kind, _, _ in boxes}
        assert {"course_display", "course_inline"} <= kinds, (page, boxes)
        assert all(cue for _, cue, _ in boxes), (page, boxes)
        numbers = [number for kind, _, number in boxes if number]
        assert numbers and all(shown for _, shown in numbers), (page, numbers)
        assert any(kind == "course_display" and not number for kind, _, number in boxes), (page, boxes)


def test_inline_formulas_sit_on_the_baseline_and_figures_open_full_size(layout):
    for page, view, seen in _each(layout):
        assert seen["layout"]["baseline"] == [], (page, view, seen["layout"]["baseline"])
        assert all(linked for _, linked in seen["layout"]["figures"]), (page, view, seen["layout"]["figures"])
    chapter = layout["01-convex-sets.html"][PHONE]["layout"]
    assert chapter["inline"] >= 10 and chapter["figures"], chapter
