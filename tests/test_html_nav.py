"""Getting around the HTML edition (docs/html.md, "Getting around"): a sheet's page links its
released solutions, the chapters it covers and the sheets before and after it; the course page's
section pointers open the sections; the checklist numbers its questions as its PDF does; the
bibliography links arXiv ids and DOIs and names each back-link after the place it returns to.

On a copy of the fixture course with three sheets (the second's solutions and the third not
released on the fixture's day), a bibliography with identifiers, citations in a list, an exercise
and a solution, and a checklist whose questions continue from one list to the next."""
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import copy_course
from coursebuild import bibliography
from coursebuild.html import LTX

SHEETS = """
  - id: hw2
    title: Weak duality
  - id: hw3
    title: Review
    solutions: false
"""
# The second sheet goes with the lecture that names a range of the second chapter's sections;
# its solutions and the third sheet come out after the fixture's day.
LECTURES = """
      - homework: hw2
        release: 2024-03-19
      - solutions: hw2
        release: 2099-01-01
  - date: 2024-03-26
    topics: [Review]
    materials:
      - homework: hw3
        release: 2099-01-01
"""
REFERENCES = r"""
@article{sample2021hull,
  author        = {Sample, Ben},
  title         = {Hulls of random points},
  journal       = {Imaginary Journal of Geometry},
  year          = {2021},
  eprint        = {2101.00001},
  archivePrefix = {arXiv},
  doi           = {10.1000/ijg.2021.7},
}

@misc{sample2022notes,
  author = {Sample, Ben},
  title  = {Notes on duality},
  year   = {2022},
  url    = {https://example.org/duality-notes},
  note   = {arXiv:2202.00002},
}
"""
CITING = r"""
Two facts of the literature:
\begin{itemize}
  \item random hulls \citep{sample2021hull};
  \item notes \citep{sample2022notes}.
\end{itemize}

\begin{exercise}\label{ex:fx-nav-cited}
  Read \citet{sample2022notes} and \citet{sample2021hull}.
\end{exercise}
"""
QUESTIONS = r"""
\begin{enumerate}[label=\textbf{Q\arabic*.}, ref=Q\arabic*, series=quiz, leftmargin=*]
  \item\label{q:fx-nav-first} Is every norm induced by an inner product?
  \item Is the unit ball of a norm convex?
\end{enumerate}

Between the two lists of questions.

\begin{enumerate}[resume*=quiz]
  \item\label{q:fx-nav-third} Is the intersection of two balls convex?
\end{enumerate}

The answers to \ref{q:fx-nav-first} and \ref{q:fx-nav-third} are yes.
"""


def _append(path: Path, text: str, after: str | None = None) -> None:
    old = path.read_text()
    if after is None:
        path.write_text(old + text)
        return
    assert after in old, f"{path.name} no longer holds {after!r}: update this test's edit"
    path.write_text(old.replace(after, after + text, 1))


@pytest.fixture(scope="module")
def nav(fixture_course, tmp_path_factory):
    course = copy_course(fixture_course, tmp_path_factory.mktemp("nav") / "course", html=True)
    root = course.root
    _append(root / "syllabus.yaml", SHEETS, after="    title: Separating hyperplanes\n")
    _append(root / "syllabus.yaml", LECTURES, after="        sections: [sec:fx-duality-weak, sec:fx-duality-strong]\n")
    (root / "notes/homework/hw2.tex").write_text(
        "\\begin{problem}[Weak duality]\\label{hw2:fx-weak}\n  Prove \\cref{prop:fx-weak}.\n"
        "\\begin{solution}\n  As in \\citet{sample2022notes}: the infimum is at most each value.\n\\end{solution}\n"
        "\\end{problem}\n")
    (root / "notes/homework/hw3.tex").write_text(
        "\\begin{problem}[Review]\\label{hw3:fx-review}\n  Is a half-space convex?\n\\end{problem}\n")
    _append(root / "notes/references.bib", REFERENCES)
    _append(root / "notes/chapters/duality.tex", CITING)
    _append(root / "notes/maths-checklist.tex", QUESTIONS)
    course.doit()
    return course


def _page(course, name: str):
    import html5lib

    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(
        (course.root / "dist/html" / f"{name}.html").read_text(encoding="utf-8"))


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _links(page, label: str) -> dict[str, str]:
    """Visible text -> href of the links in the page's <nav> with this aria-label."""
    navs = [n for n in page.iter("nav") if n.get("aria-label") == label]
    return {_text(a): a.get("href") for n in navs for a in n.iter("a")}


def _anchor(course, page: str, label: str) -> str:
    return json.loads((course.root / f"build/html/{page}.labels.json").read_text())["defines"][label]["id"]


# ------------------------------------------------------------------------------------------
# Without a build

def _xml(body: str):
    return ET.fromstring(f'<document xmlns="{LTX}" xmlns:xml="http://www.w3.org/XML/1998/namespace">{body}</document>')


def test_identifiers_of_the_bibliography_link_and_links_show_what_they_open():
    root = _xml('<bibentry key="a"><bib-links>2101.00001</bib-links><bib-data role="archiveprefix">arXiv</bib-data>'
                '<bib-identifier scheme="doi" id="10.1000/x(1)" href="https://dx.doi.org/10.1000/x%281%29">Document'
                '</bib-identifier><bib-url href="https://example.org/a">Link</bib-url>'
                '<bib-note role="annotation">See arXiv:2202.00002v2, or doi:10.1000/y.z.</bib-note></bibentry>'
                '<bibentry key="b"><bib-links>2101.00003</bib-links></bibentry>')
    bibliography.link_identifiers(root)
    shown = {(e.tag.split("}")[1], e.get("href"), e.text) for e in root.iter() if e.get("href")}
    assert shown == {("bib-identifier", "https://arxiv.org/abs/2101.00001", "arXiv:2101.00001"),
                     ("bib-identifier", "https://doi.org/10.1000/x(1)", "doi:10.1000/x(1)"),
                     ("bib-url", "https://example.org/a", "https://example.org/a"),
                     ("ref", "https://arxiv.org/abs/2202.00002v2", "arXiv:2202.00002v2"),
                     ("ref", "https://doi.org/10.1000/y.z", "doi:10.1000/y.z")}
    note = root.find(f".//{{{LTX}}}bib-note")
    assert "".join(note.itertext()) == "See arXiv:2202.00002v2, or doi:10.1000/y.z."
    # An eprint that nothing says is arXiv's stays as it is.
    assert root.findall(f".//{{{LTX}}}bib-links")[-1].text == "2101.00003"


def test_back_links_are_named_after_the_numbered_place_they_return_to():
    def tags(kind, number):
        return (f'<tags><tag role="creftypecap">{kind}</tag><tag role="refnum">{number}</tag>'
                f'<tag role="typerefnum">x</tag></tags>')

    root = _xml(f'<para xml:id="p0"/><section xml:id="S1">{tags("Section", "2.1")}<itemize><item xml:id="S1.i1">'
                f'{tags("Item", "1")}<para xml:id="S1.i1.p1"/></item></itemize>'
                f'<theorem xml:id="T1">{tags("Exercise", "3")}<para xml:id="T1.p1"/>'
                f'<proof class="course_solution"><para xml:id="T1.p2"/></proof></theorem></section>')
    places = bibliography.place_names(root)
    assert places["S1.i1.p1"] == "Section\u00a02.1" and places["T1.p1"] == "Exercise\u00a03"
    assert places["T1.p2"] == "Solution of Exercise\u00a03" and places["p0"] == "the introduction"
    link = '<a href="#{}" title="t" class="ltx_ref"><span class="ltx_text ltx_ref_tag">{}</span></a>'
    article = ('<span class="ltx_bibblock ltx_bib_cited">Cited by: '
               + ",\n".join(link.format(i, t) for i, t in [("S1.i1.p1", "1st item"), ("T1.p1", "item (a)"),
                                                           ("S1", "§2.1")]) + ".\n</span>")
    named = bibliography.name_back_links(article, places)
    assert re.findall(r'href="#([^"]+)"[^>]*>([^<]*)</a>', named) == [
        ("S1.i1.p1", "Section\u00a02.1"), ("T1.p1", "Exercise\u00a03"), ("S1", "Section\u00a02.1 (2nd citation)")]


def test_a_place_cited_again_and_again_counts_its_citations_in_english():
    assert [bibliography.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th", "112th"]
    link = '<a href="#S1" class="ltx_ref"><span class="ltx_text ltx_ref_tag">x</span></a>'
    article = '<span class="ltx_bibblock ltx_bib_cited">Cited by: ' + ", ".join([link] * 21) + ".</span>"
    named = bibliography.name_back_links(article, {"S1": "Section 1"})
    assert named.count("Section 1 (") == 20 and "Section 1 (21st citation)" in named


def test_a_range_of_one_section_is_named_as_that_section():
    from types import SimpleNamespace

    from coursebuild.navigation import sections_label

    chapter = SimpleNamespace(number=3, title="T")
    assert sections_label("3.1", "3.1", chapter) == "Sec. 3.1 of chapter 3: T"
    assert sections_label("3.1", "3.2", chapter) == "Sec. 3.1 to 3.2 of chapter 3: T"


# ------------------------------------------------------------------------------------------
# On the fixture course

@pytest.mark.slow
def test_a_sheet_links_its_released_solutions_the_chapters_it_covers_and_the_sheets_around_it(nav):
    hw1, hw2, solutions = _page(nav, "hw1"), _page(nav, "hw2"), _page(nav, "hw1-solutions")
    assert _links(hw1, "Related pages") == {"Solutions to homework 1": "hw1-solutions.html",
                                            "Chapter 1: Convex sets and separation": "01-convex-sets.html"}
    assert _links(hw1, "Other pages") == {"Course page": "../index.html", "Homework 2 →": "hw2.html"}
    # Its solutions and the next sheet are not out: neither is linked. The lecture's sections are.
    first = _anchor(nav, "02-duality", "sec:fx-duality-weak")
    assert _links(hw2, "Related pages") == {"Sec. 2.1 to 2.2 of chapter 2: Duality": f"02-duality.html#{first}"}
    assert _links(hw2, "Other pages") == {"← Homework 1": "hw1.html", "Course page": "../index.html"}
    assert first in {e.get("id") for e in _page(nav, "02-duality").iter()}
    # Solutions link back to their sheet; the next solutions are not out.
    assert _links(solutions, "Related pages") == {"Homework 1: Separating hyperplanes": "hw1.html",
                                                  "Chapter 1: Convex sets and separation": "01-convex-sets.html"}
    assert _links(solutions, "Other pages") == {"Course page": "../index.html"}
    # No page links a page that is not released (it is not in dist/html/).
    dist = nav.root / "dist/html"
    for page in dist.glob("*.html"):
        for href in re.findall(r'href="([^"#:]+\.html)', page.read_text()):
            assert (dist / href).is_file(), (page.name, href)


@pytest.mark.slow
def test_a_release_links_the_released_page_from_the_pages_around_it(nav, tmp_path):
    later = copy_course(nav, tmp_path / "later", html=True)
    later.doit("date=2099-01-02")
    assert _links(_page(later, "hw2"), "Related pages")["Solutions to homework 2"] == "hw2-solutions.html"
    assert _links(_page(later, "hw2"), "Other pages")["Homework 3 →"] == "hw3.html"
    assert _links(_page(later, "hw1-solutions"), "Other pages")["Solutions to homework 2 →"] == "hw2-solutions.html"
    # The third sheet has no solutions: the second's solutions have none after them.
    assert _links(_page(later, "hw2-solutions"), "Other pages") == {"← Solutions to homework 1": "hw1-solutions.html",
                                                                    "Course page": "../index.html"}


@pytest.mark.slow
def test_the_course_page_s_section_pointers_open_the_sections(nav):
    import html5lib

    page = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse((nav.root / "dist/index.html").read_text())
    item = next(li for li in page.iter("li") if _text(li).startswith("Sec. 2.1 to 2.2"))
    links = {_text(a): a.get("href") for a in item.iter("a")}
    first, last = (_anchor(nav, "02-duality", k) for k in ("sec:fx-duality-weak", "sec:fx-duality-strong"))
    # The PDF's link as before; each end of the range opens its section on the chapter's page.
    assert links == {"Sec. 2.1 to 2.2 of chapter 2: Duality": "notes/02-duality.pdf",
                     "Sec. 2.1": f"html/02-duality.html#{first}", "Sec. 2.2": f"html/02-duality.html#{last}"}
    ids = {e.get("id") for e in _page(nav, "02-duality").iter()}
    assert {first, last} <= ids and first != last


@pytest.mark.slow
def test_the_checklist_numbers_its_questions_as_its_pdf_does(nav):
    page = _page(nav, "maths-checklist")
    tags = [_text(t) for t in page.iter("span") if "ltx_tag_item" in (t.get("class") or "")]
    assert tags == ["Q1.", "Q2.", "Q3."]
    assert "The answers to Q1 and Q3 are yes." in _text(page.find(".//article"))
    pdf = " ".join(nav.pdf_text("dist/maths-checklist.pdf").split())
    assert "Q3. Is the intersection of two balls convex?" in pdf and "answers to Q1 and Q3" in pdf


@pytest.mark.slow
def test_the_bibliography_links_identifiers_and_names_where_each_back_link_returns(nav):
    page = _page(nav, "02-duality")
    bib = next(s for s in page.iter("section") if "ltx_bibliography" in (s.get("class") or ""))
    links = {_text(a): a.get("href") for a in bib.iter("a")}
    assert links["arXiv:2101.00001"] == "https://arxiv.org/abs/2101.00001"
    assert links["doi:10.1000/ijg.2021.7"] == "https://doi.org/10.1000/ijg.2021.7"
    assert links["arXiv:2202.00002"] == "https://arxiv.org/abs/2202.00002"
    assert links["https://example.org/duality-notes"] == "https://example.org/duality-notes"
    # Each citation's way back is named after its place: the section of the list, the exercise.
    defines = json.loads((nav.root / "build/html/02-duality.labels.json").read_text())["defines"]
    section, exercise = (defines[k]["tags"] for k in ("sec:fx-duality-strong", "ex:fx-nav-cited"))
    expected = [f"{t['creftypecap']} {t['refnum']}" for t in (section, exercise)]
    sample = [e for e in bib.iter("li") if "Sample" in _text(e)]
    assert sample, "the fixture's cited entry is not in the bibliography"
    for entry in sample:
        cited = [s for s in entry.iter("span") if "ltx_bib_cited" in (s.get("class") or "")]
        assert [_text(a) for a in cited[0].iter("a")] == expected, _text(entry)
    # The solution's citation returns to its exercise's solution (the solutions' text, released or not).
    solutions = (nav.root / "build/html/hw2-solutions.article.html").read_text()
    assert re.search(r"Cited by: <a [^>]*>Solution of Exercise\u00a01</a>", solutions)
    # No link anywhere is named "Link" or "Document".
    for name in (p.name for p in (nav.root / "dist/html").glob("*.html")):
        assert not {t for t in (_text(a) for a in _page(nav, name[:-5]).iter("a")) if t in ("Link", "Document")}, name
