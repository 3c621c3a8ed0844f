"""End to end: a clean build of a copy of the course produces every PDF with its title and the
course header, resolves every reference, embeds every font, and rebuilds only what an edit affects."""
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from coursebuild import paths
from coursebuild.documents import documents, figures_used
from coursebuild.syllabus import load

pytestmark = pytest.mark.slow

SYLLABUS = load(paths.SYLLABUS)
DOCS = documents(SYLLABUS)
PDF_TASKS = re.compile(r"^(notes|checklist|chapter:.*|homework:.*|solutions:.*)$")


def task_of(doc) -> str:
    """The doit task that builds a document's PDF."""
    if doc.kind in ("notes", "checklist"):
        return doc.kind
    if doc.kind == "chapter":
        return f"chapter:{doc.name}"
    return f"{doc.kind}:{doc.params['homework']}"


def pdf_tasks(names):
    return {n for n in names if PDF_TASKS.match(n)}


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_pdf_has_title_header_and_no_unresolved_reference(built_course, doc):
    rel = paths.rel(doc.pdf)
    text = built_course.pdf_text(rel)
    flat = " ".join(text.split())
    assert " ".join(doc.title.split()) in flat, f"{rel} lacks its title {doc.title!r}"
    assert "Mathematics of deep learning" in flat
    if doc.kind != "notes":
        assert "PSL University" in flat and "Winter 2025" in flat
    assert "??" not in text, f"{rel} has an unresolved reference"
    assert "[?]" not in text, f"{rel} has an unresolved citation"


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_fonts_are_embedded_and_none_is_type3(built_course, doc):
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
    for sheet in SYLLABUS.homework:
        student = built_course.pdf_text(f"dist/homework/{sheet.id}.pdf")
        solutions = built_course.pdf_text(f"dist/solutions/{sheet.id}-solutions.pdf")
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


def _tracked_digest(root: Path) -> dict[str, str]:
    out = {}
    for rel in ("syllabus.yaml", *[str(p.relative_to(root)) for p in sorted((root / "notes").rglob("*"))
                                   if p.is_file()], *[str(p.relative_to(root)) for p in sorted((root / "templates").glob("*"))]):
        out[rel] = hashlib.sha256((root / rel).read_bytes()).hexdigest()
    return out


def test_incremental_builds(built_course):
    c = built_course
    root = c.root

    # Nothing changed: nothing runs.
    assert c.ran() == set()

    # One chapter edited: that chapter's PDF and the full notes, no other PDF.
    chapter = SYLLABUS.chapters[2]
    src = root / "notes" / "chapters" / f"{chapter.id}.tex"
    src.write_text(src.read_text() + "\n\nOne more sentence for the incremental test.\n")
    assert pdf_tasks(c.ran()) == {"notes", f"chapter:{chapter.stem}"}
    assert c.ran() == set()

    # A figure's drawing edited: that figure is redrawn (not recomputed), and exactly the
    # documents that include it rebuild.
    figure = "ols_learning_curve"
    users = {d for d in DOCS if figure in figures_used([root / paths.rel(s) for s in d.sources])}
    expected = {task_of(d) for d in users}
    assert expected, f"no document shows {figure}"
    module = root / "figgen" / f"{figure}.py"
    module.write_text(module.read_text() + PLOT_EDIT)
    ran = c.ran()
    assert f"figure:{figure}" in ran and f"figdata:{figure}" not in ran
    assert pdf_tasks(ran) == expected

    # Its computation edited (another seed): recomputed, redrawn, and the same documents rebuild.
    code = module.read_text()
    edited = re.sub(r'("quick"\s*:\s*\{[^}]*"seed"\s*:\s*)(\d+)', lambda m: m[1] + str(int(m[2]) + 1), code, count=1)
    assert edited != code, "the figure's quick CONFIG has no seed"
    module.write_text(edited)
    ran = c.ran()
    assert {f"figdata:{figure}", f"figure:{figure}"} <= ran
    assert pdf_tasks(ran) == expected
    assert not any(n.startswith(("figdata:", "figure:")) and not n.endswith(f":{figure}") for n in ran)

    # syllabus.yaml edited: only documents whose rendered LaTeX changed.
    syllabus = root / "syllabus.yaml"
    text = syllabus.read_text()
    assert "title: Universality and Barron space" in text
    syllabus.write_text(text.replace("title: Universality and Barron space", "title: Universality & Barron space"))
    assert pdf_tasks(c.ran()) == {"homework:hw3", "solutions:hw3"}
    assert "Universality & Barron space" in c.pdf_text("dist/homework/hw3.pdf")

    # A comment-only edit of the syllabus changes no rendered LaTeX: no PDF rebuilds.
    syllabus.write_text(syllabus.read_text() + "\n# a comment\n")
    assert pdf_tasks(c.ran()) == set()

    # A file deleted from dist/ comes back.
    (root / "dist" / "homework" / "hw2.pdf").unlink()
    assert pdf_tasks(c.ran()) == {"homework:hw2"}
    assert (root / "dist" / "homework" / "hw2.pdf").is_file()



def test_clean_removes_generated_files_only(built_course, tmp_path):
    # On a copy, so that the other tests keep their build.
    from conftest import Course

    root = tmp_path / "copy"
    shutil.copytree(built_course.root, root, symlinks=True)
    c = Course(root)
    before = _tracked_digest(root)
    c.doit("clean")
    assert not list((root / "dist").rglob("*.pdf"))
    assert not list((root / "build" / "tex").glob("*.tex"))
    assert not list((root / "figures").glob("*.pdf"))
    assert _tracked_digest(root) == before
    assert all((root / "figures" / "data" / p.name).is_file() for p in (built_course.root / "figures" / "data").glob("*.full.*"))


def test_doit_list_reads_like_a_table_of_contents(built_course):
    out = built_course.doit("list").stdout.splitlines()
    names = [line.split()[0] for line in out]
    assert names[:3] == ["figdata", "figure", "tex"]
    assert {"notes", "chapter", "homework", "solutions", "checklist", "test", "watch"} <= set(names)
    assert all(len(line.split(None, 1)) == 2 for line in out), "a task without a doc line"


def test_full_notes_hold_every_chapter_in_the_table_of_contents(built_course):
    text = " ".join(built_course.pdf_text("dist/lecture-notes.pdf").split())
    assert "Contents" in text
    for chapter in SYLLABUS.chapters:
        assert f"{chapter.number} {chapter.title}" in text
        assert text.count(chapter.title) >= 2, f"{chapter.title} is not both in the contents and a heading"
    assert "Bibliography" in text
