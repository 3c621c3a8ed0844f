"""The course's repository (issue 21, items 4 and 5): the course page links it, a document links
the figure scripts its source names, a figure's provenance links its module at the commit it was
built from, and each chapter and sheet, page and PDF, links the new-issue form naming itself and
its version. Without a repository (syllabus or forge), none of these links."""
import subprocess
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from coursebuild import forge

REPO = "https://example.org/forge/course"
GITHUB = {"GITHUB_SERVER_URL": "https://forge.example.net", "GITHUB_REPOSITORY": "someone/a-course"}


def pdf_uris(pdf) -> list[str]:
    from pypdf import PdfReader

    return [a.get_object()["/A"]["/URI"] for page in PdfReader(pdf).pages for a in page.get("/Annots") or []
            if "/URI" in a.get_object().get("/A", {})]


def html_links(page) -> list[tuple[str, str]]:
    """(href, text) of each link of a page, parsed strictly (a parse error fails)."""
    import html5lib

    root = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page.read_text(encoding="utf-8"))
    return [(a.get("href"), "".join(a.itertext())) for a in root.iter("a")]


def with_repository(course, value: str) -> None:
    syllabus = course.root / "syllabus.yaml"
    text = syllabus.read_text()
    assert "  repository: null\n" in text
    syllabus.write_text(text.replace("  repository: null\n", f"  repository: {value}\n"))


def test_the_repository_is_the_syllabus_s_else_the_forge_s(monkeypatch):
    for var in GITHUB:
        monkeypatch.delenv(var, raising=False)
    assert forge.repository(None) is None
    assert forge.repository(REPO + "/") == REPO
    for var, value in GITHUB.items():
        monkeypatch.setenv(var, value)
    assert forge.repository(None) == "https://forge.example.net/someone/a-course"
    assert forge.repository(REPO) == REPO


def test_the_report_link_names_the_document_and_its_version_encoded():
    url = forge.report_url(REPO, "Homework 2: Sets & lines", "version 2026-01-01 (abc1234)")
    assert url.startswith(REPO + "/issues/new?")
    query = parse_qs(urlparse(url).query)
    assert query["title"] == ["Error in Homework 2: Sets & lines"]
    assert "Document: Homework 2: Sets & lines\nVersion: version 2026-01-01 (abc1234)" in query["body"][0]
    assert "section" in query["body"][0].lower()


@pytest.mark.slow
def test_with_a_repository_the_pages_and_pdfs_link_it_the_scripts_and_the_report_form(fixture_copy_html):
    course = fixture_copy_html
    with_repository(course, REPO)
    sheet = course.root / "notes" / "homework" / "hw1.tex"
    sheet.write_text(sheet.read_text() + "\nRedraw it with \\texttt{python -m figgen wendel\\_halfplane}.\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "add", "-A"], cwd=course.root, check=True)
    subprocess.run([*git, "commit", "-qm", "fixture"], cwd=course.root, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=course.root, check=True, capture_output=True,
                            text=True).stdout.strip()
    short = commit[:7]
    course.doit()
    dist = course.root / "dist"
    script = f"{REPO}/blob/main/figgen/wendel_halfplane.py"

    assert (REPO, REPO) in html_links(dist / "index.html")

    links = html_links(dist / "html" / "hw1.html")
    assert (script, "figgen/wendel_halfplane.py") in links
    reports = [(href, text) for href, text in links if href.startswith(REPO + "/issues/new?")]
    assert len(reports) == 1 and "Report an error" in reports[0][1]
    body = parse_qs(urlparse(reports[0][0]).query)["body"][0]
    assert "Homework 1" in body and short in body

    uris = pdf_uris(dist / "homework" / "hw1.pdf")
    assert script in uris
    report = [u for u in uris if u.startswith(REPO + "/issues/new?")]
    assert len(report) == 1
    assert "Homework 1" in unquote(report[0]) and short in unquote(report[0])

    chapters = {pdf.name: pdf_uris(pdf) for pdf in (dist / "notes").glob("*.pdf")}
    provenance = f"{REPO}/blob/{commit}/figgen/wendel_halfplane.py"
    assert any(provenance in uris for uris in chapters.values()), chapters
    assert all(any(u.startswith(REPO + "/issues/new?") for u in uris) for uris in chapters.values())
    assert any(provenance == href for page in (dist / "html").glob("*.html") for href, _ in html_links(page))


@pytest.mark.slow
def test_without_a_repository_nothing_links_one(fixture_course):
    dist = fixture_course.root / "dist"
    for page in [dist / "index.html", *(dist / "html").glob("*.html")]:
        assert not [href for href, _ in html_links(page) if "/issues/new" in href or "/blob/" in href], page
    for pdf in dist.rglob("*.pdf"):
        assert not [u for u in pdf_uris(pdf) if "/issues/new" in u or "/blob/" in u], pdf


@pytest.mark.slow
def test_in_the_publishing_workflow_the_forge_s_repository_is_linked(fixture_copy):
    # Only the course page's task: the forge's variables reach it as they reach every task.
    fixture_copy.doit("-s", "page", env=GITHUB)
    links = html_links(fixture_copy.root / "dist" / "index.html")
    assert ("https://forge.example.net/someone/a-course",) * 2 in links
