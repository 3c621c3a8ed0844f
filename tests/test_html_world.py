"""The HTML edition with what a course brings from elsewhere: its own images, an environment LaTeXML
has no binding for, subfigures, its own declarations for LaTeXML; and the time limit of a conversion.
On a fixture course with these added (docs/html.md)."""
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from conftest import FIXTURE_DAY, Course, copy_course, make_fixture_course
from coursebuild import html as edition
from coursebuild import htmlbindings
from coursebuild.page import section_numbers as aux_numbers

CHAPTER = "notes/chapters/convex-sets.tex"
PAGE = "dist/html/01-convex-sets.html"


def png(width: int, height: int, rgb: tuple) -> bytes:
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def add_to_preamble(root: Path, text: str) -> None:
    """The course's preamble: the first file syllabus.yaml names under `preamble:`, else notation.tex."""
    import yaml

    named = (yaml.safe_load((root / "syllabus.yaml").read_text()) or {}).get("preamble") or ["notes/notation.tex"]
    with open(root / named[0], "a", encoding="utf-8") as f:
        f.write(text)


# ------------------------------------------------------------------------------------------
# Without a build

def test_declarations_become_a_binding_and_bad_ones_are_located(tmp_path):
    declared = tmp_path / "html-bindings.yaml"
    declared.write_text("environments: [mdframed]\nmacros:\n  '\\pagenote': '\\textbf{#1} and #2'\n")
    environments, macros = htmlbindings.read(declared)
    assert environments == ["mdframed"] and macros == {"\\pagenote": "\\textbf{#1} and #2"}
    perl = htmlbindings.binding(environments, macros)
    assert "course_plain_environment('mdframed', 'course_declared');" in perl
    assert "DefMacro('\\\\pagenote{}{}', '\\\\textbf{#1} and #2'" in perl
    declared.write_text("environments: [mdframed]\nmacros:\n  pagenote: x\n")
    with pytest.raises(htmlbindings.BindingsError, match=r"html-bindings.yaml:3: macros: 'pagenote' is not"):
        htmlbindings.read(declared)


def test_an_error_is_located_in_the_course_not_in_tex_live_and_names_the_unbound_package():
    log = ("Warning:course_unbound_package:fancybox LaTeXML has no binding for package fancybox: it is not read\n"
           "\tat notation.tex; line 3 col 1 - line 3 col 20\n"
           "Error:undefined:\\ovalbox The token T_CS[\\ovalbox] is not defined.\n"
           "\tat expl3-code.tex; line 900 col 1 - line 900 col 4\n"
           "\tat convex-sets.tex; line 12 col 3 - line 12 col 14\n")
    found = edition.problems(log, {"convex-sets.tex": "notes/chapters/convex-sets.tex"})
    assert len(found) == 1 and found[0].startswith("notes/chapters/convex-sets.tex:12: LaTeXML error (undefined:\\ovalbox)")
    assert "no binding for fancybox" in found[0]


def test_an_image_missing_or_without_a_text_alternative_is_refused_at_its_line(tmp_path, monkeypatch):
    import xml.etree.ElementTree as ET

    from coursebuild import paths

    monkeypatch.setattr(paths, "NOTES", tmp_path)
    (tmp_path / "images").mkdir()
    (tmp_path / "images/here.png").write_bytes(png(2, 2, (0, 0, 0)))
    source = tmp_path / "chapter.tex"
    source.write_text("Text.\n\\includegraphics{images/gone.png}\n\\includegraphics[width=2cm]{images/here}\n")

    def xml(body):
        return ET.fromstring(f'<document xmlns="{edition.LTX}" xmlns:xml="http://www.w3.org/XML/1998/namespace">'
                             f'{body}</document>')

    with pytest.raises(edition.HtmlError, match=r"chapter.tex:2: image 'images/gone.png' is not a file under"):
        edition.images_in(xml('<para><graphics graphic="images/gone.png" xml:id="g1"/></para>'), str(source))
    with pytest.raises(edition.HtmlError, match=r"chapter.tex:3: image 'images/here' has no text alternative"):
        edition.images_in(xml('<para><graphics graphic="images/here" xml:id="g2"/></para>'), str(source))
    captioned = xml('<figure><graphics graphic="images/here" xml:id="g2"/>'
                    '<caption><tag>Figure 1.1: </tag>A <text>black</text> square.</caption></figure>')
    assert edition.images_in(captioned, str(source)) == {"g2": ("images/images/here.png", "A black square.")}


# ------------------------------------------------------------------------------------------
# A fixture course with an image, a subfigure, mdframed and a declaration, built once.

ADDED = r"""
The wording is \fxwording.

\begin{figure}[ht]
  \centering
  \includegraphics[width=.3\linewidth,alt={A red square seen from above.}]{images/square.png}
  \caption{An image of the notes.}\label{fig:fx-square}
\end{figure}

\begin{figure}[ht]
  \begin{subfigure}{.4\linewidth}\includegraphics{images/square}\caption{Left square.}\label{fig:fx-left}\end{subfigure}
  \begin{subfigure}{.4\linewidth}\includegraphics{images/square.png}\caption{Right square.}\label{fig:fx-right}\end{subfigure}
  \caption{Two squares.}\label{fig:fx-two}
\end{figure}
The right one is \ref{fig:fx-right}.

\begin{mdframed}[linecolor=gray]
  A framed remark of the fixture course.
\end{mdframed}

\begin{mdframed}
  A second framed remark.
\end{mdframed}
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Course, str]:
    root = make_fixture_course(tmp_path_factory.mktemp("world") / "course")
    (root / "notes/images").mkdir(parents=True)
    (root / "notes/images/square.png").write_bytes(png(8, 6, (200, 30, 30)))
    add_to_preamble(root, "\\usepackage{mdframed}\n\\usepackage{subcaption}\n"
                          "\\newcommand{\\fxwording}{the wording of the PDF}\n")
    # The page says otherwise: the course's declaration wins over its preamble's \newcommand.
    (root / "notes/html-bindings.yaml").write_text("macros:\n  '\\fxwording': 'the wording of the page'\n")
    chapter = root / CHAPTER
    chapter.write_text(chapter.read_text() + ADDED)
    course = Course(root, FIXTURE_DAY)
    proc = course.doit()
    return course, proc.stdout + proc.stderr


@pytest.mark.slow
def test_an_image_of_the_notes_shows_on_the_page_with_its_alt_and_in_the_pdf(world):
    course, _ = world
    page = (course.root / PAGE).read_text()
    images = re.findall(r'<img src="images/images/square\.png"[^>]*alt="([^"]*)"', page)
    # The alt given, then each subfigure's caption.
    assert images == ["A red square seen from above.", "Left square.", "Right square."]
    assert (course.root / "dist/html/images/images/square.png").read_bytes() == \
        (course.root / "notes/images/square.png").read_bytes()
    assert "ltx_missing" not in page
    listed = subprocess.run(["pdfimages", "-list", str(course.root / "dist/notes/01-convex-sets.pdf")],
                            capture_output=True, text=True, check=True).stdout
    assert len([ln for ln in listed.splitlines() if re.match(r"\s*\d+\s+\d+\s+image\s+8\s+6\b", ln)]) == 3


@pytest.mark.slow
def test_an_environment_latexml_cannot_bind_degrades_with_one_warning(world):
    course, output = world
    page = (course.root / PAGE).read_text()
    assert "A framed remark of the fixture course." in page and "A second framed remark." in page
    warnings = [ln for ln in output.splitlines() if "no binding for environment {mdframed}" in ln]
    assert len(warnings) == 1 and warnings[0].startswith(f"{CHAPTER}:"), warnings


@pytest.mark.slow
def test_a_declared_macro_is_what_the_page_shows(world):
    course, _ = world
    assert "the wording of the page" in (course.root / PAGE).read_text()
    assert "the wording of the PDF" in course.pdf_text("dist/notes/01-convex-sets.pdf")


@pytest.mark.slow
def test_subfigure_numbers_on_the_page_are_the_pdfs(world):
    import json

    course, _ = world
    pdf = aux_numbers(course.root / "build/latex/01-convex-sets/01-convex-sets.aux")
    page = json.loads((course.root / "build/html/01-convex-sets.labels.json").read_text())["defines"]
    for label in ("fig:fx-left", "fig:fx-right", "fig:fx-two", "fig:fx-square"):
        assert page[label]["tags"]["refnum"] == pdf[label], label
    assert pdf["fig:fx-right"].endswith("b")


@pytest.mark.slow
def test_replacing_an_image_rebuilds_the_pdfs_that_include_it(world, tmp_path):
    copy = copy_course(world[0], tmp_path / "copy", html=False)
    (copy.root / "notes/images/square.png").write_bytes(png(8, 6, (30, 30, 200)))
    ran = copy.ran()
    assert {"chapter:01-convex-sets", "notes"} <= ran and "chapter:02-duality" not in ran, ran


@pytest.mark.slow
def test_a_conversion_over_its_time_limit_fails_naming_the_document(world, tmp_path):
    copy = copy_course(world[0], tmp_path / "copy", html=True)
    chapter = copy.root / CHAPTER
    chapter.write_text(chapter.read_text() + "\nOne more sentence.\n")
    proc = copy.doit("latexml:01-convex-sets", "html_timeout=0.2", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in out
    assert "01-convex-sets: the HTML conversion took longer than its limit of 0.2 s" in out


@pytest.mark.slow
def test_the_page_with_images_and_plain_blocks_passes_the_validators(world):
    """What tests/test_html.py and tests/test_html_browser.py check of every page: strict HTML5,
    nothing loaded from elsewhere, axe-core without serious violations, a phone's width."""
    import html5lib

    from browser import check_pages, parse

    course, _ = world
    page = course.root / PAGE
    text = page.read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(text)
    for url in parse(text).resources:
        assert (page.parent / url).is_file(), url
    violations, overflow = check_pages({page: "chapter"})
    assert not violations and not overflow, (violations, overflow)
