"""Every path of the project, in one place; nothing else spells out a file name."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYLLABUS = ROOT / "syllabus.yaml"
NOTES = ROOT / "notes"
CHAPTERS = NOTES / "chapters"
HOMEWORK = NOTES / "homework"
CHECKLIST_SOURCE = NOTES / "maths-checklist.tex"  # unless syllabus.yaml names another (checklist.source)
TEMPLATES = ROOT / "templates"
# The engine's own LaTeX, which serves any course: course.sty (headers, figures, solutions, the
# theorem environments a course's preamble has not defined) and the template of the shared preamble.
ENGINE_LATEX = TEMPLATES / "latex"
COURSE_STY = ENGINE_LATEX / "course.sty"
PREAMBLE_TEMPLATE = "latex/preamble.tex.j2"
FIGURES = ROOT / "figures"
BUILD = ROOT / "build"
DOIT_STATE = BUILD / "doit-state.json"  # doit's record of what is up to date
BUILD_TEX = BUILD / "tex"        # rendered LaTeX wrappers and cross-reference files
BUILD_LATEX = BUILD / "latex"    # one latexmk output directory per document
DIST = ROOT / "dist"
UNRELEASED = BUILD / "unreleased"  # PDFs built before their release date
# What every document shares up to \endofdump: the course's preamble files (syllabus.yaml: preamble)
# and course.sty, rendered from PREAMBLE_TEMPLATE, then precompiled into FORMAT (coursebuild/preamble.py).
# Not "preamble.tex": a course's own file of that name must not be shadowed on TeX's search path.
# Beside the format, so that a cache of build/fmt/ (the publishing workflow) keeps both.
FORMAT = BUILD / "fmt" / "course.fmt"
PREAMBLE = FORMAT.with_name("course-preamble.tex")
STAGING = BUILD / "staging"  # where outputs are written before they are renamed into dist/
VERSIONS = BUILD_TEX / "versions.json"  # each document's version, from git (coursebuild/versions.py)
# The HTML edition (coursebuild/html.py): LaTeXML's bindings (the engine's, and the one made from
# the course's declarations), its work files, the pages.
LATEXML_BINDINGS = TEMPLATES / "latex"
HTML_DECLARATIONS = NOTES / "html-bindings.yaml"  # optional: what the course binds for LaTeXML
BUILD_HTML = BUILD / "html"
HTML_DECLARED = BUILD_HTML / "course-declared.ltxml"
DIST_HTML = DIST / "html"
HTML_BIBLIOGRAPHY = BUILD_HTML / "references.bib.xml"
HTML_CSS = "notes.css"  # templates/notes.css, beside the pages
REVISIONS = BUILD / "revisions.json"  # each document's revisions since its release (coursebuild/revisions.py)
BUILD_CHANGES = BUILD / "changes"  # latexdiff's sources and runs of the "what changed" PDFs


def course_file(name: str) -> Path:
    """A file the syllabus names (preamble:, bibliography:), relative to the project."""
    return ROOT / name


def chapter_source(chapter_id: str) -> Path:
    return CHAPTERS / f"{chapter_id}.tex"


def homework_source(homework_id: str) -> Path:
    return HOMEWORK / f"{homework_id}.tex"


def xref_file(stem: str) -> Path:
    """Labels of other chapters that a chapter's own PDF refers to, taken from the full notes."""
    return BUILD_TEX / f"{stem}-xref.tex"


def quoted_labels(doc_name: str) -> Path:
    """The labels a document takes from other documents, as its compilations found them undefined
    (coursebuild/xref.py). Beside the wrappers, not in the document's latexmk directory, which a
    failed build may empty: the list is what the numbers file is made from."""
    return BUILD_TEX / f"{doc_name}-quoted.txt"


def version_file(doc_name: str) -> Path:
    """The document's version (\\courseversion), which its wrapper inputs: rewritten only when it changes."""
    return BUILD_TEX / f"{doc_name}-version.tex"


def html_xml(doc_name: str) -> Path:
    return BUILD_HTML / f"{doc_name}.xml"


def html_labels(doc_name: str) -> Path:
    """The labels a document defines, with their anchors and numbers in its page."""
    return BUILD_HTML / f"{doc_name}.labels.json"


def html_refs(doc_name: str) -> Path:
    """The labels of other chapters that a document's page quotes."""
    return BUILD_HTML / f"{doc_name}.refs.json"


def html_article(doc_name: str) -> Path:
    """A page's text as latexmlpost made it, before the page template goes around it."""
    return BUILD_HTML / f"{doc_name}.article.html"


def html_figure(figure: str) -> Path:
    return BUILD_HTML / "figures" / f"{figure}.svg"


def html_image(image: Path) -> Path:
    """An image of the notes as a page shows it: a PDF as SVG, a PNG or JPEG as it is, under images/
    by its path below notes/."""
    shown = Path(image).relative_to(NOTES)
    return BUILD_HTML / "images" / (shown.with_suffix(".svg") if shown.suffix.lower() == ".pdf" else shown)


def changes_pdf(doc_name: str) -> Path:
    """The "what changed" PDF of a revised document: its source as released against now."""
    return DIST / "changes" / f"{doc_name}-changes.pdf"


def changes_base(doc_name: str) -> Path:
    """The commit a document was released at, for its changes PDF (empty: not revised)."""
    return BUILD_CHANGES / f"{doc_name}.base"


def xref_used(doc_name: str) -> Path:
    """The cross-reference numbers a document's PDF was last compiled with (see dodo.py: renumber)."""
    return BUILD_LATEX / doc_name / "xref-used.tex"


_ROOT_PREFIX = str(ROOT) + os.sep


def rel(path: Path | str) -> str:
    """A path as the user sees it, relative to the project (for messages and doit's task lists).

    dodo.py names some hundred paths on every run: those already spelt under ROOT are cut as text,
    without the file-system look-ups of resolve(), which took a third of a build with nothing to do.
    """
    text = os.fspath(path)
    if text.startswith(_ROOT_PREFIX):
        return text[len(_ROOT_PREFIX):]
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return text
