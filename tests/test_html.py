"""The HTML edition: valid pages that load nothing from the network and show nothing broken, the
PDFs' numbers, links that resolve; and on the fixture course, errors with their file and line,
incremental rebuilds and release dates. (In a browser: tests/test_html_browser.py.)"""
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import html_pages as pages, parse
from conftest import FIXTURE_FIGURE
from html_quality import nested_scroll_boxes
from coursebuild import html as edition
from coursebuild.page import section_numbers as aux_numbers

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ("LABEL:", "ltx_ERROR", "ltx_missing", "ltx_unknown", "[Uncaptioned image]", "Refer to caption")


# ------------------------------------------------------------------------------------------
# Without a build: the steps on small inputs, each shown failing on wrong ones.

def test_a_reference_is_printed_as_latexml_shows_it():
    tags = {"refnum": "5.2", "creftypecap": "Theorem", "creftypepluralcap": "Theorems"}
    assert edition.show_text("creftypecap~refnum", tags) == "Theorem\u00a05.2"
    assert edition.show_text(None, tags) == "5.2"
    assert edition.show_text("creftypepluralcap~refnum", tags) == "Theorems\u00a05.2"


def test_latexml_errors_are_reported_with_the_source_file_and_line():
    log = ("Warning:expected:foo harmless\n"
           "Error:undefined:\\frobnicate The token T_CS[\\frobnicate] is not defined.\n"
           "\tat duality.tex; line 12 col 3 - line 12 col 14\n")
    found = edition.problems(log, {"duality.tex": "notes/chapters/duality.tex"})
    assert found == ["notes/chapters/duality.tex:12: LaTeXML error (undefined:\\frobnicate): "
                     "The token T_CS[\\frobnicate] is not defined."]
    assert edition.problems("Warning:expected:foo harmless\n", {}) == []


def _xml(body: str):
    return ET.fromstring(f'<document xmlns="{edition.LTX}" xmlns:xml="http://www.w3.org/XML/1998/namespace">'
                         f'{body}</document>')


def test_a_student_sheet_drops_its_solutions_and_refuses_a_numbered_one():
    root = _xml('<para><p>Exercise.</p></para><proof class="course_solution"><para><p>Answer</p></para></proof>')
    edition.drop_solutions(root, "hw.tex")
    assert "Answer" not in "".join(root.itertext()) and "Exercise." in "".join(root.itertext())
    numbered = _xml('<proof class="course_solution"><equation labels="LABEL:eq:x" xml:id="E1"/></proof>')
    with pytest.raises(edition.HtmlError, match="hw.tex: a solution numbers"):
        edition.drop_solutions(numbered, "hw.tex")


def test_a_reference_to_another_chapter_links_its_anchor_and_number():
    root = _xml('<p><ref labelref="LABEL:thm:far" show="creftypecap~refnum"/></p>')
    quoted = {"thm:far": {"id": "Ch5.Thmtheorem2", "page": "05-x.html",
                          "tags": {"creftypecap": "Theorem", "refnum": "5.2"}}}
    edition.link_external(root, quoted, "ch.tex")
    ref = root.find(f".//{{{edition.LTX}}}ref")
    assert ref.get("href") == "05-x.html#Ch5.Thmtheorem2" and ref.text == "Theorem\u00a05.2"
    with pytest.raises(edition.HtmlError, match="no number for thm:far"):
        edition.link_external(_xml('<p><ref labelref="LABEL:thm:far" show="creftypecap"/></p>'),
                              {"thm:far": {**quoted["thm:far"], "tags": {}}}, "ch.tex")


@pytest.mark.parametrize("marker", ['<span class="ltx_ERROR undefined">\\foo</span>',
                                    '<a href="#" class="ltx_ref ltx_missing_label ltx_ref_self">LABEL:eq:x</a>',
                                    '<img src="" class="ltx_graphics ltx_missing ltx_missing_image" alt="">'])
def test_a_page_that_would_show_an_error_is_refused(marker):
    with pytest.raises(edition.HtmlError, match="would show"):
        edition.finish_article(f"<article><p>Text {marker}</p></article>", "notes/chapters/x.tex")
    assert edition.finish_article("<article><p>Text</p></article>", "x.tex") == "<article><p>Text</p></article>"


def test_a_figure_without_a_text_alternative_is_refused():
    article = '<article><img src="" id="F1.g1" class="ltx_graphics ltx_missing ltx_missing_image" alt="x"></article>'
    placed = edition.place_figures(article, {"F1.g1": ("spectra", "A histogram.")}, "x.tex")
    assert placed == ('<article><a class="course_figure_link" href="figures/spectra.svg"><img src="figures/spectra.svg" '
                      'id="F1.g1" class="ltx_graphics" alt="A histogram."></a></article>')
    with pytest.raises(edition.HtmlError, match="figure spectra has no text alternative"):
        edition.place_figures(article, {"F1.g1": ("spectra", " ")}, "x.tex")


def _chapter_article(number: int, body: str) -> str:
    """A chapter's article as htmlpost leaves it: its title an <h1>, its sections <h2>, its references after it."""
    return (f'<article class="ltx_document"><section id="Ch{number}" class="ltx_chapter">'
            f'<h1 class="ltx_title ltx_title_chapter">Chapter {number}</h1><section id="Ch{number}.S1" class="ltx_section">'
            f'<h2 class="ltx_title ltx_title_section">{number}.1</h2>{body}</section></section>'
            '<section id="bib" class="ltx_bibliography"><h2 class="ltx_title ltx_title_bibliography">References</h2>'
            '<ul id="bib.L1"><li id="bib.bib1">A book on <math id="bib.m1" display="inline"><mi>ε</mi></math></li></ul></section>'
            '<div class="ltx_rdf" about="" property="dcterms:title" content="x"></div></article>')


def test_the_notes_on_one_page_keep_each_chapter_s_ids_and_rename_those_that_repeat():
    from collections import Counter

    from coursebuild import onepage

    first = _chapter_article(1, '<p id="Ch1.S1.p1"><a href="#bib.bib1">[1]</a> <a href="#Ch1.S1">here</a></p>')
    second = _chapter_article(2, '<p id="Ch2.S1.p1"><a href="01-a.html#Ch1.S1">1.1</a> <a href="01-a.html">ch. 1</a> '
                                 '<a href="09-z.html#Ch9.E1">9.1</a> <a href="#bib.bib1">[1]</a> '
                                 '<img src="figures/f.svg" alt="f"></p>')
    page = onepage.assemble([("01-a", first), ("02-b", second)])
    ids = re.findall(r' id="([^"]+)"', page)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    # A chapter's own ids stay; the bibliography's get the chapter's id (an XML name, as a <math>'s id
    # must be: the page's name may start with a digit); links follow them.
    assert {"Ch1", "Ch1.S1", "Ch2.S1.p1", "Ch1.bib.bib1", "Ch2.bib.bib1", "Ch2.bib.L1", "Ch2.bib.m1"} <= set(ids)
    assert all(re.match(r"[A-Za-z_]", i) for i in ids), ids
    hrefs = re.findall(r' href="([^"]+)"', page)
    assert hrefs == ["#Ch1.bib.bib1", "#Ch1.S1", "#Ch1.S1", "#Ch1", "09-z.html#Ch9.E1", "#Ch2.bib.bib1"]
    assert 'src="figures/f.svg"' in page and "ltx_rdf" not in page
    # One level below the page's <h1>: chapters <h2>, sections and each chapter's references <h3>.
    assert re.findall(r"<h(\d) class=\"ltx_title ltx_title_(\w+)", page) == [
        ("2", "chapter"), ("3", "section"), ("3", "bibliography")] * 2
    assert page.count("<article") == 1
    # Two chapters that would give one id twice are refused, with the id and the chapters.
    with pytest.raises(edition.HtmlError, match="id 'Ch1' would be given twice \\(in 01-a, 02-b\\)"):
        onepage.assemble([("01-a", first), ("02-b", first)])


def _levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


def test_headings_nest_as_the_text_does_and_never_skip_a_level():
    """LaTeXML's levels (statements and proofs <h6>, a \\paragraph <h4>) nested under the title they follow."""
    # A chapter as latexmlpost writes it: its title <h2>, sections <h3>, a paragraph, statements, references.
    chapter = ('<h2 class="ltx_title ltx_title_chapter">C</h2><h3 class="ltx_title ltx_title_section">S</h3>'
               '<h6 class="ltx_title ltx_title_theorem">Theorem</h6><h6 class="ltx_title ltx_title_proof">Proof</h6>'
               '<h4 class="ltx_title ltx_title_paragraph">P</h4><h6 class="ltx_title ltx_title_theorem">Remark</h6>'
               '<h3 class="ltx_title ltx_title_section">T</h3><h2 class="ltx_title ltx_title_bibliography">R</h2>')
    assert _levels(edition.finish_article(f"<article>{chapter}</article>", "x.tex")) == [1, 2, 3, 3, 3, 4, 2, 2]
    # A sheet: the template's <h1>, then its exercises and solutions, and references LaTeXML makes an <h1>.
    sheet = '<h6 class="ltx_title">Exercise 1</h6><h6 class="ltx_title">Solution</h6><h1 class="ltx_title">R</h1>'
    assert _levels(edition.finish_article(f"<article>{sheet}</article>", "x.tex")) == [2, 2, 2]


def test_displays_code_and_long_formulas_scroll_in_boxes_that_hold_the_keyboard_s_stop():
    """No tabindex on <math> nor on LaTeXML's layout tables (role="presentation"): the box's inner
    element is the Tab stop (notes.css hides it while the box fits), a region named after its
    equations' numbers, or numbered on its page."""
    from coursebuild.pagelayout import number_boxes

    number = '<span class="ltx_tag ltx_tag_equation ltx_align_right">(1.2)</span>'
    long_tex = "x_1 + x_2 + x_3 + x_4 + x_5 + x_6 + x_7 + x_8"
    article = (f'<article><table id="E1" class="ltx_equation ltx_eqn_table"><tr><td>{number}</td></tr></table>'
               '<table class="ltx_equation ltx_eqn_table"><tr><td>y</td></tr></table>'
               f'<p><math id="m1" class="ltx_Math" alttext="{long_tex}" display="inline"><mi>x</mi></math> and '
               '<math id="m2" class="ltx_Math" alttext="x" display="inline"><mi>x</mi></math></p>'
               '<pre class="ltx_verbatim">run</pre>'
               # An aligned display: LaTeXML writes its cells as inline formulas, however long.
               '<table class="ltx_equationgroup ltx_eqn_align ltx_eqn_table"><tr><td>'
               f'<math id="m3" class="ltx_Math" alttext="\\displaystyle {long_tex}" display="inline"><mi>x</mi></math>'
               '</td></tr></table>'
               # A table of data: one box for the whole table, none for the long formula in its cell.
               '<table class="ltx_tabular ltx_align_middle"><tr><td>'
               f'<math id="m4" class="ltx_Math" alttext="{long_tex}" display="inline"><mi>x</mi></math>'
               '</td></tr></table></article>')
    page = number_boxes(edition.finish_article(article, "x.tex"))
    assert nested_scroll_boxes(page) == []
    assert "tabindex" not in re.sub(r'<(div|span) class="course_scroll_focus" tabindex="0"', "", page)
    focus = '<{0} class="course_scroll_focus" tabindex="0" role="region" aria-label="{1}">'
    assert (f'<div class="course_scroll course_display">{focus.format("div", "Equation (1.2)")}'
            '<table role="presentation" id="E1" class="ltx_equation') in page
    assert f'{focus.format("div", "Formula 1")}<table role="presentation" class="ltx_equation' in page
    assert (f'<span class="course_scroll course_inline">{focus.format("span", "Formula 2")}<math id="m1"' in page
            and '</math></span></span> and <math id="m2"' in page)
    assert f'<div class="course_scroll course_code">{focus.format("div", "Code 1")}<pre class="ltx_verbatim">' in page
    assert f'{focus.format("div", "Formula 3")}<table role="presentation" class="ltx_equationgroup' in page
    assert (f'<div class="course_scroll course_table">{focus.format("div", "Scrollable table 1")}'
            '<table class="ltx_tabular ltx_align_middle"><tr><td><math id="m4"') in page
    assert page.count("course_scroll_focus") == 6


# ------------------------------------------------------------------------------------------
# The real course, as ./doit built it.

@pytest.mark.slow
def test_every_page_is_valid_html_that_loads_nothing_from_the_network(built_course):
    built_course.require_html()
    import html5lib

    found = pages(built_course)
    docs = {d.name: d for d in built_course.documents()}
    released = {d.name for d in docs.values() if d.released}
    # Every released document has its page (but one whose build failed: its own check says why).
    assert released - built_course.failed() <= {p.stem for p in found} <= released
    for page, kind in found.items():
        text = page.read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True).parse(text)  # raises on any parse error
        links = parse(text)
        assert links.scripts == 0, page.name
        for url in links.resources:
            assert url and not urlparse(url).scheme and not url.startswith("//"), (page.name, url)
            assert (page.parent / url).is_file(), (page.name, url)
        # Mathematics in the source is MathML on the page.
        source = " ".join(p.read_text() for p in docs[page.stem].sources)
        assert "<math" in text or not re.search(r"\$|\\\[|\\begin\{(equation|align)", source), page.name
        for marker in BROKEN:
            assert marker not in text, (page.name, marker)
        assert not re.search(r"<img(?![^>]*\balt=\"[^\"]{12,})", text), f"{page.name}: an image without a real alt"
        # Colours come from notes.css alone: the browser test checks contrast on a page of each kind.
        assert not re.search(r'style="[^"]*color|mathcolor=|mathbackground=', text), f"{page.name} sets a colour"
    css = (built_course.root / "dist" / "html" / "notes.css").read_text()
    assert "url(" not in css and "@import" not in css and "prefers-color-scheme: dark" in css


@pytest.mark.slow
def test_numbers_in_the_pages_are_the_numbers_of_the_pdfs(built_course):
    """Every label of every chapter: its number on its page is the full notes' (.aux); every
    exercise of every sheet: its number is the sheet PDF's."""
    built_course.require_html()
    root = built_course.root
    notes = aux_numbers(root / "build/latex/lecture-notes/lecture-notes.aux")
    kinds = set()
    for page in [p for p, kind in pages(built_course).items() if kind == "chapter"]:
        index = json.loads((root / "build/html" / page.name.replace(".html", ".labels.json")).read_text())["defines"]
        links = parse(page.read_text(encoding="utf-8"))
        for label, entry in index.items():
            if label in notes and entry["tags"].get("refnum"):
                assert entry["tags"]["refnum"].strip("()") == notes[label], (page.name, label)
                assert entry["id"] in links.ids, (page.name, label)
                kinds.add(label.split(":")[0])
    assert kinds, "no numbered label on any chapter's page"
    # Every label of the notes is on some chapter's page.
    documents = built_course.documents()
    defined = set()
    for chapter in [d for d in documents if d.kind == "chapter"]:
        defined |= set(json.loads((root / "build/html" / f"{chapter.name}.labels.json").read_text())["defines"])
    assert not {k for k in notes if not k.startswith("ch:")} - defined
    # Every numbered exercise or statement of a sheet: the number of the sheet's PDF.
    for solutions in [d for d in documents if d.kind == "solutions"]:
        name = solutions.params["homework"]
        own = aux_numbers(root / "build/latex" / name / f"{name}.aux")
        index = json.loads((root / "build/html" / f"{solutions.name}.labels.json").read_text())["defines"]
        assert all(index[k]["tags"]["refnum"] == v for k, v in own.items() if k in index and v), name


@pytest.mark.slow
def test_every_local_link_and_anchor_of_every_page_resolves(built_course):
    built_course.require_html()
    dist = built_course.root / "dist"
    ids = {p: parse(p.read_text(encoding="utf-8")).ids for p in [*pages(built_course), dist / "index.html"]}
    checked = 0
    for page in ids:
        for href in parse(page.read_text(encoding="utf-8")).hrefs:
            url = urlparse(href)
            if url.scheme:
                assert url.scheme in ("https", "http", "mailto"), (page.name, href)
                continue
            target = (page.parent / url.path).resolve() if url.path else page
            assert target.is_file(), (page.name, href)
            if url.fragment:
                assert url.fragment in ids.get(target, set()), (page.name, href)
            checked += 1
    assert checked >= len(ids)
    # The course page links a page and a PDF of each chapter; a chapter page links its neighbours.
    course_page = (dist / "index.html").read_text()
    chapters = [d for d in built_course.documents() if d.kind == "chapter" and d.released]
    for i, chapter in enumerate(chapters):
        assert f'href="html/{chapter.name}.html"' in course_page and f'href="notes/{chapter.name}.pdf"' in course_page
        text = (dist / "html" / f"{chapter.name}.html").read_text()
        for neighbour in chapters[max(i - 1, 0):i] + chapters[i + 1:i + 2]:
            assert f'href="{neighbour.name}.html"' in text, (chapter.name, neighbour.name)


# ------------------------------------------------------------------------------------------
# The fixture course: what a build does with errors, edits and release dates.

@pytest.mark.slow
def test_the_fixture_course_has_its_pages_and_the_course_page_links_both_formats(fixture_course):
    dist = fixture_course.root / "dist"
    names = {p.name for p in pages(fixture_course)}
    assert names == {"01-convex-sets.html", "02-duality.html", "hw1.html", "hw1-solutions.html",
                     "maths-checklist.html", "lecture-notes.html"}
    course_page = (dist / "index.html").read_text()
    for name in names:
        assert f'href="html/{name}"' in course_page, name
    duality = (dist / "html" / "02-duality.html").read_text()
    assert "Convex geometry for signal recovery" in duality and "Chapter 2" in duality
    assert "unversioned" in duality  # the fixture course has no commit: its version is unknown, not an error
    assert (dist / "html" / "figures" / f"{FIXTURE_FIGURE}.svg").is_file()
    student = (dist / "html" / "hw1.html").read_text()
    solutions = (dist / "html" / "hw1-solutions.html").read_text()
    assert "course_solution" in solutions and "course_solution" not in student
    # \width is the course's macro (LaTeXML predefines it, LaTeX does not): the page shows its m.
    assert re.search(r'alttext="m\^\{-1/2\}" display="inline">(<mrow>)?<msup><mi>m</mi>', duality)
    # The fixture's aligned display has a long cell: it scrolls with its display, in no box of its own.
    for page in pages(fixture_course):
        assert nested_scroll_boxes(page.read_text()) == [], page.name


def _paragraphs(page: Path) -> list[str]:
    """The text of each paragraph of a page's article, spaces normalised."""
    import html5lib

    root = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page.read_text(encoding="utf-8"))
    return [" ".join("".join(p.itertext()).split()) for p in root.iter("p") if "ltx_p" in (p.get("class") or "")]


@pytest.mark.slow
def test_the_notes_on_one_page_hold_every_chapter_with_unique_ids_and_links_inside_the_page(fixture_course):
    """dist/html/lecture-notes.html: every chapter's text, so that a browser's find searches them all."""
    from collections import Counter

    import html5lib

    dist = fixture_course.root / "dist"
    page = dist / "html" / "lecture-notes.html"
    text = page.read_text(encoding="utf-8")
    root = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
    chapters = [d for d in fixture_course.documents() if d.kind == "chapter"]
    assert chapters and all(d.released for d in chapters)
    # Every paragraph of every chapter's page, in the chapters' order.
    shown = " ".join(_paragraphs(page))
    at = 0
    for chapter in chapters:
        for paragraph in _paragraphs(dist / "html" / f"{chapter.name}.html"):
            assert paragraph in shown, (chapter.name, paragraph)
        at = shown.index(_paragraphs(dist / "html" / f"{chapter.name}.html")[0], at)
    # Each id once; each link to a place of the notes lands on this page.
    ids = Counter(e.get("id") for e in root.iter() if e.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []
    hrefs = [a.get("href") for a in root.iter("a")]
    inside = [h for h in hrefs if h.startswith("#")]
    assert len(inside) > 10 and all(h[1:] in ids for h in inside), [h for h in inside if h[1:] not in ids]
    assert not [h for h in hrefs if any(h.startswith(f"{c.name}.html") for c in chapters)]
    # One <h1>, the page's; each chapter's title an <h2>, its sections and references <h3>.
    levels = [int(e.tag[1]) for e in root.iter() if re.fullmatch(r"h[1-6]", str(e.tag))]
    assert levels.count(1) == 1 and levels[0] == 1
    titles = {e.tag for e in root.iter() if "ltx_title_chapter" in (e.get("class") or "")}
    sections = {e.tag for e in root.iter() if re.search(r"ltx_title_(section|bibliography)\b", e.get("class") or "")}
    assert titles == {"h2"} and sections == {"h3"}
    # The course page links it beside the full notes' PDF; each chapter's page links its place on it.
    course_page = (dist / "index.html").read_text()
    assert re.search(r'href="lecture-notes\.pdf".*?href="html/lecture-notes\.html"', course_page, re.S)
    for chapter in chapters:
        link = re.search(r'href="lecture-notes\.html#([^"]+)"', (dist / "html" / f"{chapter.name}.html").read_text())
        assert link and link[1] in ids, chapter.name


@pytest.mark.slow
def test_a_chapter_edit_reconverts_only_its_page(fixture_copy_html):
    source = fixture_copy_html.root / "notes/chapters/duality.tex"
    source.write_text(source.read_text() + "\nA sentence added by the HTML test.\n")
    ran = fixture_copy_html.ran()
    converted = {t for t in ran if t.startswith(("latexml:", "htmlpost:", "html:"))}
    # Its page, and the page of all chapters, which is assembled from the pages' text (not converted).
    assert converted == {"latexml:02-duality", "htmlpost:02-duality", "html:02-duality",
                         "htmlpost:lecture-notes", "html:lecture-notes"}, ran
    assert "A sentence added by the HTML test." in (fixture_copy_html.root / "dist/html/02-duality.html").read_text()
    assert "A sentence added by the HTML test." in (fixture_copy_html.root / "dist/html/lecture-notes.html").read_text()
    assert not {t for t in fixture_copy_html.ran() if t.startswith(("latexml:", "htmlpost:", "html:"))}


@pytest.mark.slow
def test_an_undefined_macro_fails_with_its_file_and_line_and_keeps_the_old_page(fixture_copy_html):
    source = fixture_copy_html.root / "notes/chapters/duality.tex"
    page = fixture_copy_html.root / "dist/html/02-duality.html"
    before = page.read_bytes()
    lines = source.read_text().splitlines()
    lines.insert(3, r"\providecommand{\onlyinpdf}{}\onlyinpdf \htmlfrobnicate{x}")
    source.write_text("\n".join(lines) + "\n")
    # pdflatex would stop at the same macro: convert alone to see the HTML conversion's own report.
    proc = fixture_copy_html.doit("latexml:02-duality", check=False)
    assert proc.returncode != 0
    assert "notes/chapters/duality.tex:4: LaTeXML error (undefined:\\htmlfrobnicate)" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert page.read_bytes() == before


@pytest.mark.slow
def test_release_dates_hold_back_pages_as_they_hold_back_pdfs(fixture_copy_html):
    # The second chapter out two weeks after the first: the page of all chapters holds the first only.
    syllabus = fixture_copy_html.root / "syllabus.yaml"
    syllabus.write_text(syllabus.read_text().replace("- chapter: duality\n", "- chapter: duality\n        release: 2024-03-19\n"))
    fixture_copy_html.doit("date=2024-03-06")
    html = fixture_copy_html.root / "dist/html"
    assert (html / "hw1.html").is_file() and not (html / "hw1-solutions.html").exists()
    assert 'href="html/hw1-solutions.html"' not in (fixture_copy_html.root / "dist/index.html").read_text()
    assert (fixture_copy_html.root / "build/unreleased/html/hw1-solutions.html").is_file()
    assert not (html / "02-duality.html").exists()
    shown = " ".join(_paragraphs(html / "lecture-notes.html"))
    assert all(p in shown for p in _paragraphs(html / "01-convex-sets.html"))
    assert not [p for p in _paragraphs(fixture_copy_html.root / "build/unreleased/html/02-duality.html") if p in shown]
    fixture_copy_html.doit()  # the day after their release
    assert (html / "hw1-solutions.html").is_file()
    shown = " ".join(_paragraphs(html / "lecture-notes.html"))
    assert all(p in shown for p in _paragraphs(html / "02-duality.html"))
