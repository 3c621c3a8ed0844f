"""The course page: it states what syllabus.yaml says, every link resolves, release dates hold
back what is not out yet, it is valid self-contained HTML, and a real browser shows it without
horizontal overflow at a desktop and a phone width."""
import re
from html import escape
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import OVERFLOWING, launch, parse
from coursebuild import paths
from coursebuild.syllabus import load

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
    for href in local:
        assert (built_course.root / "dist" / href).is_file(), href
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
