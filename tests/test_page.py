"""The course page: it states what syllabus.yaml says, every link resolves, release dates hold
back what is not out yet, it is valid self-contained HTML, and a real browser shows it without
horizontal overflow at a desktop and a phone width. It marks and links the lecture of the day it is
built for, or the next, publishes and links the course's calendar, and reads well in a browser:
the schedule on the phone's first screen with its cells labelled, light and dark schemes that axe
passes, links named by their visible text and tap targets of 24 px (browser.check_course_page, shown
failing on a wrong page)."""
import datetime as dt
import re
from html import escape, unescape
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import OVERFLOWING, check_course_page, launch, parse
from conftest import FIXTURE_DAY
from coursebuild import paths
from coursebuild.ics import course_calendar
from coursebuild.syllabus import load
from test_calendar import calendar_problems

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def page(course, *args):
    """The page as built; with doit arguments (date=..., preview=1), rebuilt with them first."""
    if args:
        course.doit("page", *args)
    html = (course.root / "dist" / "index.html").read_text()
    return html, parse(html)


def test_every_local_link_resolves(built_course):
    html, links = page(built_course)
    local = [h for h in links.hrefs if not urlparse(h).scheme]
    released = [d for d in built_course.documents() if d.released]
    # Every released PDF is linked (and its page, with the HTML edition).
    assert {str(d.pdf.relative_to(paths.DIST)) for d in released} <= set(local)
    for href in local:  # a section pointer links a place on a chapter's page (html/NAME.html#ID)
        assert (built_course.root / "dist" / urlparse(href).path).is_file(), href
    for href in links.hrefs:
        assert urlparse(href).scheme in ("", "https", "http", "mailto"), href


def test_page_states_what_the_syllabus_says(built_course):
    s = load(built_course.root / "syllabus.yaml")
    html, links = page(built_course)
    text = " ".join(" ".join(links.text).split())
    c = s.course
    for fact in (c.title, c.instructor, c.email, c.semester, c.location, c.evaluation, *[t.text for t in c.class_times],
                 c.university, " ".join(c.description.split()), " ".join(c.requirement.split())):
        assert fact in text, fact
    for program in c.programs:
        assert program.name in text
    for topic in c.topics:
        assert topic in text
    for book in c.literature:
        assert book.title in text and (book.url is None or f'href="{book.url}"' in html)
    assert 'href="None"' not in html
    for lecture in s.schedule:
        assert f'datetime="{lecture.date.isoformat()}"' in html
        for topic in lecture.topics:
            assert topic in text
    assert "No class" in text
    for chapter in s.chapters:
        assert f"Chapter {chapter.number}: {chapter.title}" in text


def test_section_pointers_come_from_the_notes_numbering(built_course):
    s = load(built_course.root / "syllabus.yaml")
    aux = (built_course.root / "build/latex/lecture-notes/lecture-notes.aux").read_text()
    numbers = dict(re.findall(r"\\newlabel\{([^}@]+)\}\{\{([^}]*)\}", aux))
    _, links = page(built_course)
    text = " ".join(" ".join(links.text).split())
    pointers = [m for lec in s.schedule for m in lec.materials if m.sections]
    assert pointers
    for m in pointers:
        first, last = (numbers[k] for k in m.sections)
        assert f"Sec. {first} to {last} of chapter {s.chapter(m.chapter).number}" in text


def test_pdf_links_show_size_and_page_count(built_course):
    html, _ = page(built_course)
    found = re.findall(r'<a href="([^":]+\.pdf)">[^<]*</a> <span class="meta">\(([^)]*)\)', html)
    # Every released PDF, with its size and page count (a schedule row may link one again).
    released = {str(d.pdf.relative_to(paths.DIST)) for d in built_course.documents() if d.released}
    assert {href for href, _ in found} == released
    for href, detail in found:
        pdf = built_course.root / "dist" / href
        pages = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                   text=True).stdout, re.M).group(1))
        assert re.fullmatch(rf"PDF, \d+(\.\d)? (kB|MB), {pages} pages?", detail), (href, detail)


def test_release_dates_hold_back_unreleased_material(fixture_copy):
    # The fixture course releases hw1 on 2024-03-05 and its solutions on 2024-03-12.
    c = fixture_copy
    root = c.root
    c.doit("date=2024-03-06")  # publish and withdraw PDFs for that day
    html, links = page(c, "date=2024-03-06")
    assert "homework/hw1.pdf" in links.hrefs and "notes/01-convex-sets.pdf" in links.hrefs
    assert "solutions/hw1-solutions.pdf" not in links.hrefs
    assert not (root / "dist/solutions/hw1-solutions.pdf").exists()
    assert (root / "build/unreleased/solutions/hw1-solutions.pdf").is_file()
    assert "available 12 March 2024" in html and "preview" not in html
    # Before the sheet's own day, neither the sheet nor its solutions.
    html, links = page(c, "date=2024-03-04")
    assert "homework/hw1.pdf" not in links.hrefs and "available 5 March 2024" in html
    # The instructor's preview ignores release dates.
    html, links = page(c, "date=2024-03-06", "preview=1")
    assert "solutions/hw1-solutions.pdf" in links.hrefs
    # Back to today: everything of 2024 is out.
    c.doit()
    html, links = page(c)
    assert (root / "dist/solutions/hw1-solutions.pdf").is_file() and "solutions/hw1-solutions.pdf" in links.hrefs
    assert "preview" not in html


def test_page_is_valid_self_contained_html(built_course):
    import html5lib

    html, links = page(built_course)
    html5lib.HTMLParser(strict=True).parse(html)  # raises on any parse error
    assert links.scripts == 0
    css = [r for r in links.resources]
    assert css == ["course.css"] and (built_course.root / "dist" / "course.css").is_file()
    stylesheet = (built_course.root / "dist" / "course.css").read_text()
    assert "@import" not in stylesheet and "url(" not in stylesheet and "@font-face" not in stylesheet
    assert "@media print" in stylesheet


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_browser_shows_the_page_without_horizontal_overflow(built_course, width, height):
    from playwright.sync_api import sync_playwright

    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page(built_course)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            tab = browser.new_page(viewport={"width": width, "height": height})
            tab.goto((built_course.root / "dist" / "index.html").as_uri())
            scroll_width, inner_width = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            wide = tab.evaluate(OVERFLOWING)
            tab.screenshot(path=str(shots / f"course-page-{width}px.png"), full_page=True)
            assert tab.locator("table").count() == 1 and tab.locator("h1").inner_text() == built_course.syllabus().course.title
        finally:
            browser.close()
    assert scroll_width <= inner_width, f"horizontal overflow at {width}px: {scroll_width} > {inner_width}: {wide}"
    assert not wide


def test_serve_answers_on_localhost(built_course):
    import socket
    import urllib.request

    page(built_course)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(ROOT / ".venv/bin/python"), "-m", "coursebuild.page", str(port)],
                              cwd=built_course.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2) as r:
                    body = r.read().decode()
                break
            except OSError:
                import time

                time.sleep(0.1)
        else:
            raise AssertionError("the preview server did not answer")
        assert f"<h1>{escape(built_course.syllabus().course.title)}</h1>" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lecture-notes.pdf", timeout=5) as r:
            assert r.read(5) == b"%PDF-"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _header(html: str) -> str:
    """The page above its main content: what a reader sees first."""
    return html.split("<main>", 1)[0]


def test_the_coming_lecture_is_marked_and_linked_at_the_top(fixture_copy):
    c = fixture_copy
    s = c.syllabus()
    lectures = [lec.date for lec in s.schedule if not lec.no_class]
    first, second, last = lectures[0], lectures[1], lectures[-1]
    assert [lec for lec in s.schedule if lec.no_class and first < lec.date < second], "test out of date"
    one = dt.timedelta(days=1)
    # (the day of the build, the lecture the page marks, how it names it)
    cases = [(first, first, "Today's lecture"),
             (first + one, second, "This week's lecture" if (second - first).days < 8 else "Next lecture"),
             (last - 2 * one, last, "This week's lecture"),
             (last + one, None, None)]
    for day, lecture, label in cases:
        html, links = page(c, f"date={day}")
        marked = re.findall(r'<tr id="lecture-([\d-]+)"[^>]*\baria-current="date"', html)
        assert html.count("aria-current") == len(marked), day
        if lecture is None:  # the term is over: nothing marked, nothing linked
            assert marked == [] and "#lecture-" not in _header(html), day
            continue
        assert marked == [lecture.isoformat()], (day, marked)
        header = unescape(" ".join(re.sub(r"<[^>]+>", " ", _header(html)).split()))
        assert f'href="#lecture-{lecture.isoformat()}"' in _header(html), day
        assert f"{label}: {lecture:%A} {lecture.day} {lecture:%B %Y}" in header, (day, header)
        assert f"lecture-{lecture.isoformat()}" in parse(html).ids


def test_the_calendar_is_published_and_linked(fixture_course):
    c = fixture_course
    s = c.syllabus()
    data = (c.root / "dist" / "course.ics").read_bytes()
    assert data == course_calendar(s, dt.date.fromisoformat(FIXTURE_DAY))
    assert calendar_problems(data, s) == []
    html = (c.root / "dist" / "index.html").read_text()
    assert 'href="course.ics"' in _header(html)


def test_this_courses_calendar_holds_its_schedule(built_course):
    html, _ = page(built_course)
    data = (built_course.root / "dist" / "course.ics").read_bytes()
    assert calendar_problems(data, built_course.syllabus()) == []
    assert 'href="course.ics"' in _header(html)


def _assert_reads_well(found: dict) -> None:
    """The checks of check_course_page that every course page passes."""
    for view in found["axe"]:
        assert not found["axe"][view], (view, found["axe"][view])
        assert not found["small"][view], (view, found["small"][view][:5])
        assert not found["overflow"][view], (view, found["overflow"][view][:5])
        # "Click HTML" finds every link that reads HTML.
        assert found["html_names"][view] == found["html_links"][view], view
        # The reader's scheme: a light page, or a dark one.
        assert found["paper"][view] > 0.8 if view.endswith("light") else found["paper"][view] < 0.2, view
        # Stacked on a phone, each cell of the schedule says what it holds; side by side, the headings do.
        if view.startswith("390px"):
            assert {"Topics", "Materials"} <= set(found["labels"][view]), view
        else:
            assert found["labels"][view] == [], view
    row = found["first_row"]
    assert row and row["top"] < row["screen"] and row["topics"] <= row["screen"], row


def test_a_browser_shows_the_marked_page_in_both_schemes_on_a_phone(fixture_copy_html):
    c = fixture_copy_html
    first = next(lec.date for lec in c.syllabus().schedule if not lec.no_class)
    html, _ = page(c, f"date={first}")  # its first lecture marked, its sheet out, its solutions not
    assert 'aria-current="date"' in html and 'href="html/' in html
    found = check_course_page(c.root / "dist" / "index.html", shots="fixture-course-page")
    _assert_reads_well(found)
    assert found["html_links"]["390px light"] > 0


def test_the_course_page_reads_well_in_a_browser(built_course):
    page(built_course)
    _assert_reads_well(check_course_page(built_course.root / "dist" / "index.html", shots="course-page"))


def test_the_browser_checks_see_a_page_that_reads_badly(tmp_path):
    """check_course_page on a wrong page: a link named without its visible text, a small link, no
    dark scheme but a dark link colour, the schedule a screen down with unlabelled cells."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><meta name="viewport" content="width=device-width">'
        '<title>t</title><style>a { color: #333; } @media (prefers-color-scheme: dark) { body { background: #000; } }'
        ' .tall { height: 1200px; }</style><main><div class="tall"><p>Some text.</p></div>'
        '<section id="schedule"><table><tr><td>Mar 05</td><td><ul><li>A topic</li></ul></td>'
        '<td><a href="x.pdf">Chapter 1</a> <a href="x.html" aria-label="Chapter 1, web page">HTML</a></td></tr>'
        '</table></section></main></html>')
    found = check_course_page(tmp_path / "index.html")
    phone, dark = "390px light", "390px dark"
    assert "label-content-name-mismatch" in {v[0] for v in found["axe"][phone]}
    assert "color-contrast" in {v[0] for v in found["axe"][dark]}
    assert {t for t, _, _ in found["small"][phone]} == {"Chapter 1", "HTML"}
    assert found["html_names"][phone] == 0 and found["html_links"][phone] == 1
    assert found["labels"][phone] == [] and found["paper"]["1280px dark"] < 0.2
    assert found["first_row"]["top"] > found["first_row"]["screen"]
    with pytest.raises(AssertionError):
        _assert_reads_well(found)
