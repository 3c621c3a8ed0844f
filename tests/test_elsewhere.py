"""Notes from elsewhere (tests/fixture_elsewhere/), laid over this repository in place of its
course: an author's own macro file (packages, theorem environments of his own, reference wrappers
across chapters), biblatex, his images, an environment LaTeXML does not know, a problem set with
an id that is not hwN and no solutions, two meetings a week and no checklist. Every PDF and page
builds whole, each of those reaches them as the author wrote it, and dist/ holds nothing of this
repository's own course."""
import re
import subprocess

import pytest

from browser import parse
from conftest import ELSEWHERE_SOURCES
from coursebuild import paths
from coursebuild.documents import documents
from coursebuild.page import section_numbers
from coursebuild.syllabus import load
from test_calendar import calendar_problems

pytestmark = pytest.mark.slow


def text_of(course, rel: str) -> str:
    return " ".join(course.pdf_text(rel).split())


def test_dist_holds_exactly_what_its_syllabus_makes(elsewhere_course):
    c = elsewhere_course
    docs = c.documents()
    assert all(d.released for d in docs)
    made = {str(d.pdf.relative_to(paths.ROOT)) for d in docs}
    made |= {f"dist/html/{d.name}.html" for d in docs}  # the full notes' page too: all chapters on one
    made |= {"dist/index.html", "dist/course.css", "dist/course.ics", "dist/html/notes.css"}
    found = {str(p.relative_to(c.root)) for p in (c.root / "dist").rglob("*") if p.is_file()
             and not p.is_relative_to(c.root / "dist/html/figures") and not p.is_relative_to(c.root / "dist/html/images")}
    assert found == made
    # Its own figure module, and none of this repository's, was computed and drawn.
    own = {p.stem for p in (ELSEWHERE_SOURCES / "figgen").glob("*.py")}
    assert {p.stem for p in (c.root / "figures").glob("*.pdf")} == own
    assert {p.stem for p in (c.root / "dist/html/figures").glob("*.svg")} == own


def test_nothing_of_this_repositorys_course_is_published(elsewhere_course):
    # What this checkout's course names and states, less what the other course shares with it (all
    # of it, where the course in this checkout is that one).
    ours, theirs = load(paths.SYLLABUS), elsewhere_course.syllabus()
    names = {d.name for d in documents(ours)} - {d.name for d in documents(theirs)}
    published = {p.stem for p in (elsewhere_course.root / "dist").rglob("*") if p.is_file()}
    assert not names & published
    stated = theirs.model_dump_json()
    facts = [f for f in (ours.course.title, ours.course.instructor, *[c.title for c in ours.chapters]) if f not in stated]
    texts = [text_of(elsewhere_course, str(p.relative_to(elsewhere_course.root)))
             for p in (elsewhere_course.root / "dist").rglob("*.pdf")]
    texts += [p.read_text() for p in (elsewhere_course.root / "dist").rglob("*.html")]
    assert not [f for f in facts for t in texts if f in t]


def test_references_through_the_authors_wrappers_take_the_full_notes_numbers(elsewhere_course):
    c = elsewhere_course
    notes = section_numbers(c.root / "build/latex/lecture-notes/lecture-notes.aux")
    chapter2 = text_of(c, "dist/notes/02-spectral-mixing.pdf")
    sheet = text_of(c, "dist/homework/ps1.pdf")
    # \lemmaref{x} is \hyperref[lem:x]{Lemma~\ref*{lem:x}}: chapter 2 and the sheet quote chapter 1.
    for label, text in (("lem:self-adjoint", chapter2), ("lem:tv-l1", chapter2), ("lem:detailed-balance", sheet)):
        assert notes[label].startswith("1.") and f"Lemma {notes[label]}" in text, label
    for text in (chapter2, sheet):
        assert "??" not in text
    page = (c.root / "dist/html/02-spectral-mixing.html").read_text()
    assert re.search(rf'href="01-finite-chains.html#[^"]+"[^>]*>{re.escape(notes["lem:self-adjoint"])}<', page)


def test_the_authors_environments_and_biblatex_citations_print_as_he_wrote_them(elsewhere_course):
    c = elsewhere_course
    notes = text_of(c, "dist/lecture-notes.pdf")
    aux = section_numbers(c.root / "build/latex/lecture-notes/lecture-notes.aux")
    # His own theorem-like environments, numbered within the section as his macro file says.
    for name, label in (("Observation", "obs:constants"), ("Fact", "fact:unique"), ("Claim", "claim:monotone")):
        assert re.fullmatch(r"1\.\d+\.\d+", aux[label]), (label, aux[label])
        assert f"{name} {aux[label]}." in notes, name
    # biblatex, author-year, with the bibliography it prints (no numbered citation of natbib's).
    assert "Levin and Peres 2017" in notes and not re.search(r"\[\d+\]", notes)
    assert "Bibliography" in notes and "(cit. on p." in notes  # his backref=true: biblatex's own back-references
    page = (c.root / "dist/html/02-spectral-mixing.html").read_text()
    assert "Levin and Peres" in page and "ltx_bibliography" in page


def test_images_and_an_unknown_environment_reach_the_pdf_and_the_page(elsewhere_course):
    c = elsewhere_course
    listed = subprocess.run(["pdfimages", "-list", str(c.root / "dist/notes/02-spectral-mixing.pdf")],
                            capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert len(listed) >= 2  # the two pictures of the subfigure pair (PNGs)
    for chapter in ("01-finite-chains", "02-spectral-mixing"):
        page = c.root / "dist/html" / f"{chapter}.html"
        images = re.findall(r'<img src="(images/[^"]+)"[^>]*alt="([^"]+)"', page.read_text())
        assert images, chapter
        for src, alt in images:
            assert (page.parent / src).is_file() and len(alt) > 12, (chapter, src)
    # The mdframed box of chapter 1: its content, as a plain block.
    assert "Conventions." in (c.root / "dist/html/01-finite-chains.html").read_text()
    assert "Conventions." in text_of(c, "dist/notes/01-finite-chains.pdf")


def test_the_course_page_follows_its_syllabus(elsewhere_course):
    c = elsewhere_course
    s = c.syllabus()
    html = (c.root / "dist/index.html").read_text()
    links = parse(html)
    text = " ".join(" ".join(links.text).split())
    for meeting in s.course.class_times:
        assert meeting.text in text
    sheet = s.homework[0]
    assert not sheet.solutions and f"homework/{sheet.id}.pdf" in links.hrefs
    assert not [h for h in links.hrefs if "solutions" in h or "checklist" in h]
    due = s.due(sheet.id)
    assert f'datetime="{due.isoformat()}"' in html
    # Its calendar: two meetings a week, and the sheet's due date.
    calendar = (c.root / "dist/course.ics").read_bytes()
    assert calendar_problems(calendar, s) == [] and b"DTSTART;VALUE=DATE:" + due.strftime("%Y%m%d").encode() in calendar
    assert 'href="course.ics">Calendar of the lectures and due dates</a>' in html
    # Its book without an address is listed without a link, not with href="None".
    assert 'href="None"' not in html and [b for b in s.course.literature if b.url is None]
