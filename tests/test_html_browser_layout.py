"""The HTML edition in a real browser (Debian's Chromium), on the fixture course: a chapter, a sheet,
its solutions, the page of all chapters and the course page, each on a phone in the dark scheme and
on a desktop in the light (browser.VIEWS), in one browser. axe-core with every rule it has (best
practices, AAA contrast, experimental) finds nothing; headings never skip a level; no <math> has a
tabindex and the Tab key stops only on links and on boxes that scroll; a display wider than the phone
shows that it scrolls and keeps its number in sight; inline formulas sit on the text's baseline; a
figure opens full size. (coursebuild/pagelayout.py, templates/notes.css; docs/html.md, "Phone and keyboard".)
It is browser.LAYOUT that bench/bench_html_quality.py counts over a whole edition: the Tab key pressed
through each page here is what that static count is held to.

The fixture's chapter 1 has what this needs: a numbered display and an unnumbered one wider than a
phone, a long inline formula, a figure."""
import pytest

from browser import VIEWS, browse, view_name

pytestmark = pytest.mark.slow

PAGES = ("01-convex-sets.html", "hw1.html", "hw1-solutions.html", "lecture-notes.html")
PHONE, DESKTOP = (view_name(w, scheme) for w, _, scheme in VIEWS)
# LAYOUT's counts that are zero on a page well made, in every view.
DEFECTS = ("no_cue", "numbers_hidden", "inline_off_baseline", "extra_tab_stops", "math_tabindex", "heading_skips")


@pytest.fixture(scope="module")
def layout(fixture_course):
    html = fixture_course.root / "dist" / "html"
    found = browse([html / page for page in PAGES] + [fixture_course.root / "dist" / "index.html"], keys=True)
    found = {page.name: views for page, views in found.items()}
    assert set(found) == {*PAGES, "index.html"} and all(set(views) == {PHONE, DESKTOP} for views in found.values())
    return found


def _each(layout):
    for page, views in layout.items():
        for view, seen in views.items():
            yield page, view, seen


def test_axe_with_every_rule_finds_nothing(layout):
    found = {(page, view): seen["axe"] for page, view, seen in _each(layout) if seen["axe"]}
    assert not found, found


def test_no_layout_defect_headings_in_order_and_no_formula_takes_a_tabindex(layout):
    found = {(page, view): {k: seen["layout"][k] for k in DEFECTS if seen["layout"][k]} for page, view, seen in _each(layout)}
    assert {k: v for k, v in found.items() if v} == {}
    assert all(not seen["layout"]["skips"] for _, _, seen in _each(layout))


def test_the_tab_key_stops_on_links_and_on_the_boxes_that_scroll_only(layout):
    for page, view, seen in _each(layout):
        stops, counted = seen["tab_stops"], seen["layout"]
        others = [stop for stop in stops if not stop[3] and not stop[4]]
        assert not others, (page, view, others)
        # Every box that scrolls is reached, and none more (a box that fits is no stop); the static
        # count the bench reports agrees with the keys.
        assert sum(1 for stop in stops if stop[4]) == counted["cut"] == counted["tab_stops"], (page, view)
        assert sum(1 for stop in stops if not stop[3]) == counted["tab_stops"], (page, view)
        assert seen["page_width"][0] <= seen["page_width"][1], (page, view, seen["page_width"])
    # The fixture's chapter has boxes that scroll on a phone and none on a desktop.
    assert layout["01-convex-sets.html"][PHONE]["layout"]["cut"] >= 3
    assert layout["01-convex-sets.html"][DESKTOP]["layout"]["cut"] == 0


def test_a_display_wider_than_a_phone_shows_that_it_scrolls_and_keeps_its_number_in_sight(layout):
    for page in ("01-convex-sets.html", "lecture-notes.html"):
        seen = layout[page][PHONE]["layout"]
        boxes = seen["cut_boxes"]
        kinds = {kind for classes, _, _ in boxes for kind in classes.split()}
        assert {"course_display", "course_inline", "course_table"} <= kinds, (page, boxes)  # a table too
        assert all(cue for _, cue, _ in boxes), (page, boxes)
        numbers = [number for _, _, number in boxes if number]
        assert numbers and all(shown for _, shown in numbers), (page, numbers)
        assert any("course_display" in classes.split() and not number for classes, _, number in boxes), (page, boxes)
        assert seen["numbers"] > len(numbers) and seen["numbers_hidden"] == 0, (page, seen)


def test_inline_formulas_sit_on_the_baseline_and_figures_open_full_size(layout):
    for page, view, seen in _each(layout):
        assert seen["layout"]["baseline"] == [], (page, view, seen["layout"]["baseline"])
        assert all(linked for _, linked in seen["layout"]["figures"]), (page, view, seen["layout"]["figures"])
    chapter = layout["01-convex-sets.html"][PHONE]["layout"]
    assert chapter["inline"] >= 10 and chapter["figures"], chapter
