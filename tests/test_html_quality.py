"""The HTML edition reads like mathematics (issue 20), on the fixture course's pages: no Nu Html
Checker error, no axe-core violation of any rule at 390 px dark and 1280 px light, MathML with its
scripts on their bases, numbers whole and display limits below and above, no misreading in the
speech of any formula (ClearSpeak and MathSpeak). What the browser shows of the fixture's pages (axe,
the layout, the Tab key) is tests/test_html_browser_layout.py; the browser's measure (browser.browse)
is shown failing on a wrong page here.

Each check is also shown failing on a page made wrong on purpose (the tests after the first four),
so that a check that could not fail would be seen. bench/bench_html_quality.py counts the same
on a whole edition.
"""
from __future__ import annotations

import pytest

import html_quality as quality
from browser import VIEWS, browse
from speech_patterns import PATTERNS, VOCABULARY, misreadings

# The counts of page_structure that must be zero.
STRUCTURE_DEFECTS = ("detached_scripts", "split_numbers", "limits_beside", "math_tabindex")


def edition(course) -> list:
    """Every page of the course's HTML edition, and its course page."""
    return sorted((course.root / "dist" / "html").glob("*.html")) + [course.root / "dist" / "index.html"]


@pytest.mark.slow
def test_no_page_has_a_nu_checker_error(fixture_course):
    import tools

    pages = edition(fixture_course)
    assert len(pages) > 2
    assert tools.nu_errors(pages) == []


@pytest.mark.slow
def test_scripts_sit_on_their_bases_numbers_are_whole_limits_below_and_no_heading_skips(fixture_course):
    found = {}
    for page in edition(fixture_course):
        text = page.read_text(encoding="utf-8")
        counts = quality.page_structure(text)
        wrong = {k: counts[k] for k in STRUCTURE_DEFECTS if counts[k]}
        if quality.heading_skips(text):
            wrong["heading_skips"] = quality.heading_skips(text)
        if wrong:
            found[page.name] = wrong
    assert found == {}


@pytest.mark.slow
def test_no_formula_is_misread_by_the_speech_rule_engine(fixture_course):
    import tools

    distinct = {quality.formula_key(m): m for page in edition(fixture_course)
                for m in quality.formulas(page.read_text(encoding="utf-8"))}
    assert len(distinct) > 20
    misread, vocabulary = {}, set()
    for domain in tools.DOMAINS:
        for key, spoken in zip(distinct, tools.speech(distinct, domain)):
            found = set(misreadings(spoken))
            vocabulary |= found & VOCABULARY
            if found - VOCABULARY:
                misread.setdefault(domain, []).append((sorted(found - VOCABULARY), spoken))
    assert misread == {}
    # The fixture's transpose is read by the engine's one word for its character (VOCABULARY): seen, so
    # that the split above is tested on real speech.
    assert "transpose as down tack" in vocabulary


# The checks on pages made wrong on purpose.

def test_the_structure_counts_see_detached_scripts_split_numbers_and_limits_beside():
    detached = '<math><mi>x</mi><msub><mi></mi><mi>i</mi></msub><mo>+</mo><mi>y</mi><msubsup><mi></mi><mn>1</mn><mn>2</mn></msubsup></math>'
    split = '<math><mn>2</mn><mo>.</mo><mn>2</mn><mn>5</mn><mo>+</mo><mn>1</mn><mn>0</mn><mn>0</mn><mo>+</mo><mn>7</mn></math>'
    beside = ('<math display="block"><mo>∑</mo><msub><mi></mi><mi>i</mi></msub><msub><mi>a</mi><mi>i</mi></msub>'
              '<mo>+</mo><msub><mo>∏</mo><mi>j</mi></msub><mo>+</mo><msub><mi>min</mi><mi>x</mi></msub><mi>f</mi></math>')
    assert quality.structure(detached) == {"detached_scripts": 2, "split_numbers": 0, "limits_beside": 0}
    assert quality.structure(split) == {"detached_scripts": 0, "split_numbers": 2, "limits_beside": 0}
    assert quality.structure(beside) == {"detached_scripts": 1, "split_numbers": 0, "limits_beside": 3}
    # The same, well made: scripts on their bases, whole numbers, limits below in the display;
    # inline, TeX itself sets limits beside, and an integral's stay beside in a display too.
    good = ('<math display="block"><munder><mo>∑</mo><mi>i</mi></munder><msub><mi>a</mi><mi>i</mi></msub>'
            '<mo>+</mo><mn>2.25</mn><mo>+</mo><msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup><mi>f</mi></math>')
    inline = '<math><msub><mo>∑</mo><mi>i</mi></msub><msub><mi>a</mi><mi>i</mi></msub><mo>=</mo><mn>100</mn></math>'
    assert quality.structure(good) == quality.structure(inline) == {"detached_scripts": 0, "split_numbers": 0, "limits_beside": 0}
    page = f'<p>{detached} and <math tabindex="0"><mi>x</mi></math> and {beside}</p>'
    assert quality.page_structure(page) == {"formulas": 3, "displays": 1, "detached_scripts": 3, "split_numbers": 0,
                                            "limits_beside": 3, "math_tabindex": 1}


def test_a_skipped_heading_level_is_seen():
    assert quality.heading_skips("<h1>T</h1><h2>A</h2><h3>B</h3><h2>C</h2><h3>D</h3>") == []
    assert quality.heading_skips("<h1>Sheet</h1><h6 class=x>Exercise <b>1</b></h6>") == ["h1 -> h6 Exercise 1"]


def test_a_formula_key_drops_only_what_places_it_on_its_page():
    one = '<math id="Ch1.E1.m1" class="ltx_Math" display="block" tabindex="0"><mi>x</mi></math>'
    two = '<math id="Ch2.E5.m1" class="ltx_Math" display="block"><mi>x</mi></math>'
    assert quality.formula_key(one) == quality.formula_key(two)
    assert quality.formula_key(one) != quality.formula_key(two.replace("<mi>x", "<mi>y"))


# Misread MathML as LaTeXML's --noparse wrote it, and the same formula well made: the speech of
# the first shows the pattern, the second's none (in both domains, where the domain shows it).
MISREAD = {
    "script on nothing": ('<mi>f</mi><msup><mi></mi><mo>′</mo></msup><mo>(</mo><mi>u</mi><mo>)</mo>',
                          '<msup><mi>f</mi><mo>′</mo></msup><mo>(</mo><mi>u</mi><mo>)</mo>'),
    "power of times": ('<mo>‖</mo><mi>x</mi><mo>‖</mo><msup><mi></mi><mn>2</mn></msup>',
                       '<msup><mrow><mo>‖</mo><mi>x</mi><mo>‖</mo></mrow><mn>2</mn></msup>'),
    "limits as scripts": ('<mo>∑</mo><msub><mi></mi><mi>i</mi></msub><msub><mi>a</mi><mi>i</mi></msub>',
                          '<munder><mo>∑</mo><mi>i</mi></munder><msub><mi>a</mi><mi>i</mi></msub>'),
    "number in pieces": ('<mn>2</mn><mo>.</mo><mn>2</mn><mn>5</mn>', '<mn>2.25</mn>'),
    "name spelled out": ('<mi mathvariant="normal">R</mi><mi mathvariant="normal">e</mi><mi mathvariant="normal">L</mi>'
                         '<mi mathvariant="normal">U</mi><mo>(</mo><mi>t</mi><mo>)</mo>',
                         '<mi>ReLU</mi><mo>\u2061</mo><mo>(</mo><mi>t</mi><mo>)</mo>'),
    "transpose as down tack": ('<msup><mi>X</mi><mo>⊤</mo></msup>', '<msup><mi>X</mi><mi>T</mi></msup>'),
    "star as a power": ('<msup><mi>f</mi><mo>∗</mo></msup><mo>(</mo><mi>x</mi><mo>)</mo>',
                        '<msub><mi>f</mi><mo>∗</mo></msub><mo>(</mo><mi>x</mi><mo>)</mo>'),
    "upright symbol called normal": ('<mi mathvariant="normal">∞</mi>', '<mi>∞</mi>'),
    "placeholder dot as times": ('<mi>f</mi><mo>(</mo><mo>⋅</mo><mo>)</mo>', '<mi>f</mi>'),
}


@pytest.mark.slow
def test_the_speech_patterns_catch_each_misreading_and_pass_its_well_made_formula():
    import tools

    wrong = [f"<math>{bad}</math>" for bad, _ in MISREAD.values()]
    right = [f"<math>{good}</math>" for _, good in MISREAD.values()]
    spoken = {domain: tools.speech(wrong + right, domain) for domain in tools.DOMAINS}
    for i, name in enumerate(MISREAD):
        assert name in misreadings(spoken["clearspeak"][i]), (name, spoken["clearspeak"][i])
        for domain in tools.DOMAINS:
            assert misreadings(spoken[domain][len(MISREAD) + i]) == [], (name, domain, spoken[domain][len(MISREAD) + i])
    # A conditioning bar and a capital Delta: what ClearSpeak says of them however they are written.
    assert misreadings("p of open paren y divides x close paren") == ["conditioning bar as divides"]
    assert misreadings("normal triangle sub t") == ["Delta as triangle"]
    assert misreadings("[SRE error: Processing error for expression <math><mo>(</mo>]") == ["speech engine error"]
    # The norm of a placeholder, squared or with its index: the dot's word, not a script on nothing.
    assert misreadings("one half the metric of times squared") == ["placeholder dot as times"]
    assert misreadings("the metric of times sub infinity") == ["placeholder dot as times"]
    assert misreadings("the metric of x times squared") == ["power of times"]
    # A matrix's entries are listed with spaces: no number in pieces there.
    assert misreadings("A equals the 2 by 2 matrix Row 1: 0 1 Row 2: 0 0") == []
    assert misreadings("x equals 2 period 2 5") == ["number in pieces"]
    assert VOCABULARY < set(PATTERNS)
    assert set(PATTERNS) == set(MISREAD) | {"conditioning bar as divides", "Delta as triangle", "speech engine error"}


@pytest.mark.slow
def test_the_nu_checker_sees_a_tabindex_on_math_and_a_skipped_heading(tmp_path):
    import tools

    good = "<!DOCTYPE html>\n<html lang=en><title>t</title>\n<h1>T</h1>\n<p><math><mi>x</mi></math></p>\n"
    bad = good.replace("<math>", '<math tabindex="0">').replace("<p>", "<h3>B</h3>\n<p>")
    (tmp_path / "good.html").write_text(good)
    (tmp_path / "bad page.html").write_text(bad)
    found = sorted(tools.nu_errors([tmp_path / "good.html", tmp_path / "bad page.html"]))
    assert [(f, line) for f, line, _ in found] == [(str(tmp_path / "bad page.html"), 4), (str(tmp_path / "bad page.html"), 5)]
    assert "skipping 1 heading level" in found[0][2] and "“tabindex” not allowed on element “math”" in found[1][2]


@pytest.mark.slow
def test_the_browser_checks_see_a_display_cut_off_without_a_cue_a_hidden_number_and_extra_tab_stops(tmp_path):
    """One page, as LaTeXML lays out a wide numbered display, at 390 px: its scroll box cut off
    with no cue, its number out of view, an inline formula lowered, a <math> and a box that fits
    in the Tab order, a skipped heading (axe's heading-order too). Then a second display whose box
    draws a cue (a scroll shadow), and a third made as the course makes its boxes: the keyboard's
    element inside the box that scrolls, hidden while the box does not scroll (a scroll-state
    query); all three fit at 1280 px, where the third is no Tab stop and the first two are extra."""
    wide = "<mi>x</mi>" + "<mo>+</mo><mi>y</mi>" * 30
    box = ('<table class="eq" tabindex="0" style="display:block; overflow-x:auto{cue}"><tr><td>'
           f'<math display="block">{wide}</math></td><td><span class="ltx_tag_equation">(1.1)</span></td></tr></table>')
    course_box = (f'<div class="box"><div class="focus" tabindex="0" role="region" aria-label="Formula 1">'
                  f'<math display="block">{wide}</math></div></div>')
    style = ("<style>.box { overflow-x: auto; overflow-y: hidden; container-type: scroll-state; background-image: linear-gradient(#888, #fff) }"
             " @container not scroll-state(scrollable: x) { .focus { visibility: hidden } .focus > * { visibility: visible } }"
             "</style>")
    page = (f"<!DOCTYPE html><html lang=en><title>t</title>{style}<main><h1>T</h1><h3>S</h3>"
            + box.format(cue="") + box.format(cue="; background-image: linear-gradient(to left, #888, #fff 2em)")
            + course_box + '<p>Inline <math tabindex="0" style="vertical-align:-0.3em"><mi>z</mi></math>.</p>'
            + '<div tabindex="0">short</div></main>')
    (tmp_path / "p.html").write_text(page)
    found = browse([tmp_path / "p.html"], keys=True)[tmp_path / "p.html"]
    phone, desk = found["390px dark"], found["1280px light"]
    counts = ("boxes", "displays", "cut", "no_cue", "numbers", "numbers_hidden", "inline_off_baseline", "tab_stops",
              "extra_tab_stops", "math_tabindex", "heading_skips")
    assert {k: phone["layout"][k] for k in counts} == {
        "boxes": 3, "displays": 3, "cut": 3, "no_cue": 1, "numbers": 2, "numbers_hidden": 2, "inline_off_baseline": 1,
        "tab_stops": 5, "extra_tab_stops": 2, "math_tabindex": 1, "heading_skips": 1}
    assert "heading-order" in phone["axe"] and "heading-order" in desk["axe"]
    assert {k: desk["layout"][k] for k in ("cut", "tab_stops", "extra_tab_stops")} == {"cut": 0, "tab_stops": 4, "extra_tab_stops": 4}
    # The static count agrees with the Tab key: the same stops, the same ones scrolling.
    for seen in (phone, desk):
        stops = [stop for stop in seen["tab_stops"] if not stop[3]]
        assert len(stops) == seen["layout"]["tab_stops"]
        assert sum(1 for stop in stops if not stop[4]) == seen["layout"]["extra_tab_stops"]
    # The well-made page: the same displays, each in a box that scrolls with a cue, its number kept in
    # view beside it, inline formulas on their line (one inside a block that scrolls), and no other Tab
    # stop: no defect at 390 px.
    right = (f"<!DOCTYPE html><html lang=en><title>t</title>{style}<main><h1>T</h1><h2>S</h2>"
             f'<div class="box"><div class="focus" tabindex="0" role="region" aria-label="Equation (1.1)">'
             f'<math display="block">{wide}</math></div></div><span class="ltx_tag_equation">(1.1)</span>'
             '<p>Inline <math><mi>z</mi></math>.</p>'
             '<div style="overflow-x: auto"><p>A table that scrolls has <math><mi>w</mi></math> on its line too.</p></div></main>')
    (tmp_path / "right.html").write_text(right)
    seen = browse([tmp_path / "right.html"], views=VIEWS[:1], axe=False)[tmp_path / "right.html"]["390px dark"]["layout"]
    assert {k: seen[k] for k in counts} == {
        "boxes": 2, "displays": 1, "cut": 1, "no_cue": 0, "numbers": 1, "numbers_hidden": 0, "inline_off_baseline": 0,
        "tab_stops": 1, "extra_tab_stops": 0, "math_tabindex": 0, "heading_skips": 0}
