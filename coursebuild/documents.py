"""The documents of the course: what each is made from and where its PDF goes.

A Document is plain data that dodo.py turns into tasks and the renderer into LaTeX. Its `sources`
are the hand-written files it inputs; figures are found by scanning them (see `figures_used`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from coursebuild import paths
from coursebuild.release import is_released
from coursebuild.textfile import read_utf8
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the schema imports pydantic, which a build with nothing to do never needs
    from coursebuild.syllabus import Syllabus

FULL_NOTES = "lecture-notes"
CHECKLIST = "maths-checklist"


@dataclass(frozen=True)
class Document:
    name: str                 # unique; also the LaTeX job name
    kind: str                 # notes | chapter | homework | solutions | checklist
    template: str             # templates/<template>
    pdf: Path                 # where the finished PDF is published
    sources: tuple[Path, ...] # hand-written LaTeX it inputs
    title: str                # what the first page says (checked by the tests)
    preamble: tuple[Path, ...] = ()  # its own preamble additions, after the shared one (a sheet's)
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def released(self) -> bool:
        return not self.pdf.is_relative_to(paths.UNRELEASED)

    @property
    def dist_pdf(self) -> Path:
        """Where the PDF goes once released."""
        return self.pdf if self.released else paths.DIST / self.pdf.relative_to(paths.UNRELEASED)

    @property
    def html(self) -> Path:
        """Its page in the HTML edition, published beside the PDFs on the same release date."""
        return (paths.DIST_HTML if self.released else paths.UNRELEASED / "html") / f"{self.name}.html"

    @property
    def dist_html(self) -> Path:
        return paths.DIST_HTML / f"{self.name}.html"

    @property
    def tex(self) -> Path:
        return paths.BUILD_TEX / f"{self.name}.tex"

    @property
    def outdir(self) -> Path:
        return paths.BUILD_LATEX / self.name

    @property
    def built_pdf(self) -> Path:
        return self.outdir / f"{self.name}.pdf"

    @property
    def aux(self) -> Path:
        return self.outdir / f"{self.name}.aux"


def publish_path(dist_path: Path, released: bool) -> Path:
    """Released PDFs go to dist/; the others to build/unreleased/, out of students' reach."""
    return dist_path if released else paths.UNRELEASED / dist_path.relative_to(paths.DIST)


def documents(s: Syllabus) -> list[Document]:
    docs = _documents(s)
    return [d if is_released(d.name, s) else replace(d, pdf=publish_path(d.pdf, False)) for d in docs]


def _documents(s: Syllabus) -> list[Document]:
    docs = [Document(FULL_NOTES, "notes", "notes.tex.j2", paths.DIST / f"{FULL_NOTES}.pdf",
                     tuple(paths.chapter_source(c.id) for c in s.chapters), s.course.title)]
    for c in s.chapters:
        docs.append(Document(c.stem, "chapter", "chapter.tex.j2", paths.DIST / "notes" / f"{c.stem}.pdf",
                             (paths.chapter_source(c.id),), c.title, params={"chapter": c.id}))
    for h in s.homework:
        source = (paths.homework_source(h.id),)
        own = (paths.course_file(h.preamble),) if h.preamble else ()
        docs.append(Document(h.id, "homework", "homework.tex.j2", paths.DIST / "homework" / f"{h.id}.pdf",
                             source, h.title, own, {"homework": h.id, "solutions": False}))
        if h.solutions:
            docs.append(Document(solutions_name(h.id), "solutions", "homework.tex.j2",
                                 paths.DIST / "solutions" / f"{solutions_name(h.id)}.pdf",
                                 source, h.title, own, {"homework": h.id, "solutions": True}))
    if s.checklist is not None:
        docs.append(Document(CHECKLIST, "checklist", "checklist.tex.j2", paths.DIST / f"{CHECKLIST}.pdf",
                             (paths.ROOT / s.checklist.source,), s.checklist.title))
    return docs


def solutions_name(homework_id: str) -> str:
    """The document of a sheet with its solutions (only for a sheet that has solutions)."""
    return f"{homework_id}-solutions"


# What names a figure: its picture, one of its parameters, or one of its claims.
_COURSEFIGURE = r"coursefigure(?:\[[^\]]*\])?"
FIGURE_MACROS = rf"\\(?:{_COURSEFIGURE}|figparam|figclaim|figclaimvalue)"
_FIGURE_USE = re.compile(FIGURE_MACROS + r"\s*\{([^}]+)\}")
_FIGURE_SHOWN = re.compile(rf"\\{_COURSEFIGURE}\s*\{{\s*([^}}]+?)\s*\}}")
_CLAIM_USE = re.compile(r"\\figclaim(?:value)?\s*\{\s*([^}]+?)\s*\}\s*\{\s*([^}]+?)\s*\}")
# natbib's \\cite, \\citet, \\citep... and biblatex's \\textcite, \\parencite, \\autocite, \\footcite...
_CITE = re.compile(r"\\(?:[a-zA-Z]*cite[a-zA-Z]*|nocite)\s*(?:\[[^\]]*\]\s*)*\{")
_COMMENT = re.compile(r"(?<!\\)%.*")


def _text(path: Path) -> str:
    try:
        return _COMMENT.sub("", read_utf8(path, shown_as=paths.rel(path)))
    except FileNotFoundError:
        return ""


def figures_used(sources) -> list[str]:
    """Figures named by \\coursefigure, \\figparam or a claim in the sources, sorted, without repeats."""
    return sorted({m.group(1).strip() for src in sources for m in _FIGURE_USE.finditer(_text(src))})


# \includegraphics[options]{path}: options may hold braces (alt={...}), one level deep.
_INCLUDEGRAPHICS = re.compile(r"\\includegraphics\*?\s*(?:\[(?P<options>(?:[^\[\]{}]|\{[^{}]*\})*)\])?\s*\{(?P<path>[^}#]+)\}")
_ALT = re.compile(r"(?:^|,)\s*alt\s*=\s*(?:\{(?P<braced>[^{}]*)\}|(?P<plain>[^,]*))")
# What pdflatex tries, in its order, for a path written without an extension; and what the HTML
# edition can show (a PDF as SVG, the others as they are).
IMAGE_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class ImageUse:
    """One \\includegraphics of a source: where it is, the path as written, the file under notes/."""
    source: Path
    line: int
    written: str
    file: Path | None  # None: no such image under notes/
    alt: str | None    # \\includegraphics[alt={...}], if given

    @property
    def where(self) -> str:
        return f"{paths.rel(self.source)}:{self.line}"


def resolve_image(written: str) -> Path | None:
    """An image path as the author wrote it, relative to notes/ (as TEXINPUTS finds it for the PDF)."""
    base = paths.NOTES / written.strip()
    candidates = [base] if base.suffix.lower() in IMAGE_EXTENSIONS else [base.with_name(base.name + e) for e in IMAGE_EXTENSIONS]
    return next((c for c in candidates if c.is_file()), None)


def image_uses(sources) -> list[ImageUse]:
    """Every \\includegraphics of the sources, in order (comments left out)."""
    found = []
    for src in sources:
        text = _text(src)
        for m in _INCLUDEGRAPHICS.finditer(text):
            alt = _ALT.search(m["options"] or "")
            found.append(ImageUse(Path(src), text.count("\n", 0, m.start()) + 1, m["path"].strip(),
                                  resolve_image(m["path"]), (alt["braced"] if alt["braced"] is not None else alt["plain"]).strip()
                                  if alt else None))
    return found


def images_used(sources) -> list[Path]:
    """The image files under notes/ that the sources include, sorted, without repeats."""
    return sorted({use.file for use in image_uses(sources) if use.file})


# A script a sheet tells students to run: `figgen/NAME.py` or `python -m figgen NAME`, its
# underscores written \_ in LaTeX or not.
_NAME = r"((?:[A-Za-z0-9_]|\\_)+)"
_SCRIPT = re.compile(rf"figgen/{_NAME}\.py|python3?\s+-m\s+figgen\s+{_NAME}")


def scripts_named(sources) -> list[str]:
    """The figure scripts (`figgen/NAME.py`) a document's sources name, sorted, without repeats:
    only modules that exist (a sheet may ask students to write a new one), LaTeX comments aside,
    as for the figures it shows."""
    from figgen.core.paths import module_path

    found = set()
    for src in sources:
        for m in _SCRIPT.finditer(_text(src)):
            name = (m.group(1) or m.group(2)).replace("\\_", "_")
            if module_path(name).is_file():
                found.add(f"figgen/{name}.py")
    return sorted(found)


@dataclass(frozen=True)
class ClaimUse:
    """A sentence that cites a figure's claim: \\figclaim{figure}{claim} at source:line."""
    source: Path
    line: int
    figure: str
    claim: str
    in_alt: bool = False  # stated by the figure's text alternative, at the \\coursefigure showing it

    @property
    def where(self) -> str:
        return f"{paths.rel(self.source)}:{self.line}"


def claims_cited(sources, alt_claims=None) -> list[ClaimUse]:
    """Every claim a document's sources cite, with its line, LaTeX comments aside (solutions
    included: a sheet and its solutions are one source, and both must be true). With
    `alt_claims` (figure -> the claims its ALT text states), a \\coursefigure cites those too: the
    HTML edition shows that text with the figure."""
    found = []
    for src in sources:
        text = _text(src)  # comments are cut line by line, so the line numbers stay the file's
        found += [ClaimUse(src, text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2))
                  for m in _CLAIM_USE.finditer(text)]
        if alt_claims is not None:
            found += [ClaimUse(src, text.count("\n", 0, m.start()) + 1, m.group(1), claim, in_alt=True)
                      for m in _FIGURE_SHOWN.finditer(text) for claim in alt_claims(m.group(1))]
    return found


_SOLUTION = re.compile(r"\\begin\{solution\}.*?\\end\{solution\}", re.S)


def cites(sources, without_solutions: bool = False) -> bool:
    """Whether the sources cite anything (a student sheet ignores citations in its solutions)."""
    texts = (_text(src) for src in sources)
    if without_solutions:
        texts = (_SOLUTION.sub("", t) for t in texts)
    return any(_CITE.search(t) for t in texts)
