"""End to end: the build of the course produces every PDF with its title and the course header,
resolves every reference and embeds every font; and, on the fixture course (tests/fixture_course/),
rebuilds only what an edit affects, a chapter before the full notes, and prints no fact of the real
course that its own syllabus does not state."""
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from coursebuild import paths
from coursebuild.documents import cites, documents, figures_used
from coursebuild.syllabus import load

pytestmark = pytest.mark.slow

SYLLABUS = load(paths.SYLLABUS)
DOCS = documents(SYLLABUS)
PDF_TASKS = re.compile(r"^(notes|checklist|chapter:.*|homework:.*|solutions:.*)$")


def pdf_tasks(names):
    return {n for n in names if PDF_TASKS.match(n)}


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_document_builds(built_course, doc):
    built_course.require(doc)


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_pdf_has_title_header_and_no_unresolved_reference(built_course, doc):
    built_course.require(doc)
    rel = paths.rel(doc.pdf)
    text = built_course.pdf_text(rel)
    flat = " ".join(text.split())
    assert " ".join(doc.title.split()) in flat, f"{rel} lacks its title {doc.title!r}"
    course = SYLLABUS.course
    assert " ".join(course.title.split()) in flat
    if doc.kind != "notes":
        assert course.university in flat and course.semester in flat
    assert "??" not in text, f"{rel} has an unresolved reference"
    assert "[?]" not in text, f"{rel} has an unresolved citation"


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_fonts_are_embedded_and_none_is_type3(built_course, doc):
    built_course.require(doc)
    out = subprocess.run(["pdffonts", str(built_course.root / paths.rel(doc.pdf))], capture_output=True,
                         text=True, check=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for line in out:
        assert "Type 3" not in line, line
        assert re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line), line
        emb = line.split()[-5]
        assert emb == "yes", f"font not embedded: {line}"


def _labels(aux: Path) -> dict[str, str]:
    return dict(re.findall(r"\\newlabel\{([^}@]+)\}\{\{([^}]*)\}", aux.read_text(errors="replace")))


def test_chapter_pdfs_number_everything_as_the_full_notes(built_course):
    full = _labels(built_course.root / paths.rel(next(d for d in DOCS if d.kind == "notes").aux))
    for chapter in SYLLABUS.chapters:
        doc = next(d for d in DOCS if d.name == chapter.stem)
        own = _labels(built_course.root / paths.rel(doc.aux))
        assert own, f"{chapter.stem} defines no label"
        for key, number in own.items():
            assert full.get(key) == number, f"{key}: {number} in {chapter.stem}, {full.get(key)} in the full notes"


def test_student_sheets_hold_no_solution(built_course):
    sheets = {d.name: d for d in DOCS if d.kind in ("homework", "solutions")}
    for sheet in [d for d in sheets.values() if f"{d.name}-solutions" in sheets]:
        student = built_course.pdf_text(paths.rel(sheet.pdf))
        solutions = built_course.pdf_text(paths.rel(sheets[f"{sheet.name}-solutions"].pdf))
        assert "Solution." not in student
        assert solutions.count("Solution.") >= 1
        assert len(solutions) > len(student)


# Redefines plot() around the original one: only drawing code changes, so the data's hash does not.
PLOT_EDIT = '''

def plot(data, cfg, _drawn_before=plot):
    fig = _drawn_before(data, cfg)
    fig.axes[0].set_title("edited by the incremental-build test")
    return fig
'''

FIXTURE_CHAPTER = "notes/chapters/convex-sets.tex"  # shows the figure; the other chapter and hw1 quote it


def _tracked_digest(root: Path) -> dict[str, str]:
    out = {}
    for rel in ("syllabus.yaml", *[str(p.relative_to(root)) for p in sorted((root / "notes").rglob("*"))
                                   if p.is_file()], *[str(p.relative_to(root)) for p in sorted((root / "templates").rglob("*"))
                                     if p.is_file()]):
        out[rel] = hashlib.sha256((root / rel).read_bytes()).hexdigest()
    return out


def test_incremental_builds(fixture_copy):
    from conftest import FIXTURE_FIGURE

    c = fixture_copy
    root = c.root

    # Nothing changed: nothing runs, in a copy of the build as in the build itself (which made the
    # HTML edition too; this test's later builds leave it out, as fixture_copy's do).
    assert c.ran("html=yes") == set()

    # One chapter edited, quoting no new number: that chapter's PDF and the full notes, no other PDF.
    src = root / FIXTURE_CHAPTER
    src.write_text(src.read_text() + "\n\nOne more sentence for the incremental test.\n")
    assert pdf_tasks(c.ran()) == {"notes", "chapter:01-convex-sets"}
    assert c.ran() == set()

    # A figure's drawing edited: that figure is redrawn (not recomputed), and exactly the
    # documents that include it rebuild.
    module = root / "figgen" / f"{FIXTURE_FIGURE}.py"
    module.write_text(module.read_text() + PLOT_EDIT)
    ran = c.ran()
    assert f"figure:{FIXTURE_FIGURE}" in ran and f"figdata:{FIXTURE_FIGURE}" not in ran
    assert pdf_tasks(ran) == {"notes", "chapter:01-convex-sets"}

    # Its computation edited (another seed): recomputed, redrawn, and the same documents rebuild.
    code = module.read_text()
    edited = re.sub(r'("quick"\s*:\s*\{[^}]*"seed"\s*:\s*)(\d+)', lambda m: m[1] + str(int(m[2]) + 1), code, count=1)
    assert edited != code, "the figure's quick CONFIG has no seed"
    module.write_text(edited)
    ran = c.ran()
    assert {f"figdata:{FIXTURE_FIGURE}", f"figure:{FIXTURE_FIGURE}"} <= ran
    assert pdf_tasks(ran) == {"notes", "chapter:01-convex-sets"}

    # syllabus.yaml edited: only documents whose rendered LaTeX changed.
    syllabus = root / "syllabus.yaml"
    text = syllabus.read_text()
    assert "title: Separating hyperplanes" in text
    syllabus.write_text(text.replace("title: Separating hyperplanes", "title: Separating & supporting hyperplanes"))
    assert pdf_tasks(c.ran()) == {"homework:hw1", "solutions:hw1"}
    assert "Separating & supporting hyperplanes" in " ".join(c.pdf_text("dist/homework/hw1.pdf").split())

    # A comment-only edit of the syllabus changes no rendered LaTeX: no PDF rebuilds.
    syllabus.write_text(syllabus.read_text() + "\n# a comment\n")
    assert pdf_tasks(c.ran()) == set()

    # A file deleted from dist/ comes back.
    (root / "dist" / "homework" / "hw1.pdf").unlink()
    assert pdf_tasks(c.ran()) == {"homework:hw1"}
    assert (root / "dist" / "homework" / "hw1.pdf").is_file()


def _mtime(c, rel: str) -> int:
    return (c.root / rel).stat().st_mtime_ns


def test_a_chapter_is_rebuilt_before_the_full_notes_and_again_only_when_its_numbers_change(fixture_copy):
    c = fixture_copy
    quoting = c.root / "notes/chapters/duality.tex"  # quotes Theorem 1.2 and equation (1.1)
    assert "Theorem 1.2" in " ".join(c.pdf_text("dist/notes/02-duality.pdf").split())

    # An edit of a chapter that changes no number: its PDF comes first, with one compilation.
    quoting.write_text(quoting.read_text() + "\nA sentence that changes no number.\n")
    ran = c.ran("-n", "1")
    assert pdf_tasks(ran) == {"notes", "chapter:02-duality"} and not any(n.startswith("renumber:") for n in ran)
    assert _mtime(c, "dist/notes/02-duality.pdf") < _mtime(c, "dist/lecture-notes.pdf")

    # A statement inserted before the separation theorem renumbers it (1.2 -> 1.3): the chapter
    # that was edited comes first, then the full notes, then the documents that quote the
    # number are compiled again with the new one, and only they.
    edited = c.root / "notes/chapters/convex-sets.tex"
    edited.write_text(edited.read_text().replace("\\begin{theorem}[Separation]",
                                                 "\\begin{remark}An inserted remark.\\end{remark}\n\n\\begin{theorem}[Separation]"))
    ran = c.ran("-n", "1")
    assert {n for n in ran if n.startswith("renumber:")} == {"renumber:02-duality", "renumber:hw1", "renumber:hw1-solutions"}
    assert pdf_tasks(ran) == {"notes", "chapter:01-convex-sets"}
    assert _mtime(c, "dist/notes/01-convex-sets.pdf") < _mtime(c, "dist/lecture-notes.pdf")
    for pdf in ("dist/notes/02-duality.pdf", "dist/homework/hw1.pdf", "dist/solutions/hw1-solutions.pdf"):
        text = " ".join(c.pdf_text(pdf).split())
        assert "Theorem 1.3" in text and "Theorem 1.2" not in text, pdf
    assert c.ran() == set()

    # A new reference to another chapter: unknown to the chapter's first pass, resolved after the
    # full notes, with no error and no "??" in what is published.
    quoting.write_text(quoting.read_text() + "\nSee also \\cref{ex:fx-ball}.\n")
    c.doit()
    text = " ".join(c.pdf_text("dist/notes/02-duality.pdf").split())
    assert "Exercise 1.1" in text and "??" not in text


def test_nothing_of_the_real_course_is_printed_in_another_course(fixture_course):
    # Every fact of this checkout's course that the fixture course does not state itself.
    c = SYLLABUS.course
    facts = [c.title, c.university, c.instructor, c.email, c.semester, c.location, c.evaluation,
             *[p.short for p in c.programs], *[p.name for p in c.programs], *[lit.title for lit in c.literature],
             *[ch.title for ch in SYLLABUS.chapters], *[h.title for h in SYLLABUS.homework],
             *([SYLLABUS.checklist.title] if SYLLABUS.checklist else []), *[t.text for t in c.class_times]]
    fixture = fixture_course.root
    own = " ".join(fixture_course.syllabus().model_dump_json().split())
    facts = [f for f in facts if f not in own]
    assert len(facts) > 10
    texts = {str(p.relative_to(fixture)): " ".join(fixture_course.pdf_text(str(p.relative_to(fixture))).split())
             for p in sorted((fixture / "dist").rglob("*.pdf"))}
    texts["dist/index.html"] = " ".join((fixture / "dist/index.html").read_text().split())
    assert len(texts) == 7
    for name, text in texts.items():
        found = [f for f in facts if f in text]
        # The level is a short word ("M2"): it must not appear as a word.
        if c.level not in own and re.search(rf"\b{re.escape(c.level)}\b", text):
            found.append(c.level)
        assert not found, f"{name} prints {found} of the real course"
    header = texts["dist/homework/hw1.pdf"]
    assert "SIGRE L3, Institute of Imaginary Sciences" in header and "Prof. Ada Example" in header


def test_clean_removes_generated_files_only(fixture_copy_html):
    c = fixture_copy_html
    root = c.root
    before = _tracked_digest(root)
    c.doit("clean")
    assert not list((root / "dist").rglob("*.pdf"))
    assert not list((root / "build" / "tex").glob("*.tex"))
    assert not list((root / "figures").glob("*.pdf"))
    assert not (root / "build" / "fmt" / "course.fmt").exists()
    assert not [p for p in (root / "dist" / "html").rglob("*") if p.is_file()]  # pages, style sheet, figures
    assert not list((root / "build" / "html").rglob("*.xml"))
    assert _tracked_digest(root) == before


def test_clean_keeps_committed_full_mode_data(fixture_copy):
    # Full-mode data is committed (a GPU's hours); `doit clean` removes only what the build made.
    from conftest import FIXTURE_FIGURE

    data = fixture_copy.root / "figures" / "data"
    committed = [data / f"{FIXTURE_FIGURE}.full.npz", data / f"{FIXTURE_FIGURE}.full.json"]
    for path in committed:
        path.write_bytes(b"committed")
    assert list(data.glob("*.quick.*"))
    fixture_copy.doit("clean")
    assert all(p.read_bytes() == b"committed" for p in committed)
    assert not list(data.glob("*.quick.*"))


def test_doit_list_reads_like_a_table_of_contents(built_course):
    out = built_course.doit("list").stdout.splitlines()
    names = [line.split()[0] for line in out]
    assert names[:4] == ["figdata", "figure", "tex", "preamble"]
    assert {"notes", "chapter", "homework", "solutions", "checklist", "renumber", "test", "watch"} <= set(names)
    assert all(len(line.split(None, 1)) == 2 for line in out), "a task without a doc line"


def test_full_notes_hold_every_chapter_in_the_table_of_contents(built_course):
    text = " ".join(built_course.pdf_text("dist/lecture-notes.pdf").split())
    assert "Contents" in text
    for chapter in SYLLABUS.chapters:
        assert f"{chapter.number} {chapter.title}" in text
        assert text.count(chapter.title) >= 2, f"{chapter.title} is not both in the contents and a heading"
    # A bibliography (report class: natbib's and biblatex's heading alike) where the notes cite.
    notes = next(d for d in DOCS if d.kind == "notes")
    assert ("Bibliography" in text) == cites(notes.sources)
