"""The build is hard to break: LaTeX errors are summarised with their source line, hostile
syllabus values come out literally, interrupted builds lose nothing, rebuilds are byte-identical,
and lost state is rebuilt. All of it on the fixture course (tests/fixture_course/): the same
pipeline as the real course, built in seconds."""
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import FIXTURE_DAY, ROOT, Course, make_fixture_course, output_checksums

pytestmark = pytest.mark.slow


def _pdfs_are_whole(root: Path):
    for pdf in (root / "dist").rglob("*.pdf"):
        proc = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{pdf} is damaged: {proc.stderr}"
    assert not list((root / "dist").rglob(".*.tmp")), "a temporary file was left in dist/"


def _summary(output: str) -> list[str]:
    start = output.index("LaTeX ")
    lines = output[start:].splitlines()
    end = next(i for i, line in enumerate(lines) if "full log:" in line)
    return lines[: end + 1]


def test_latex_error_names_the_source_line_and_keeps_the_old_pdf(fixture_copy):
    c = fixture_copy
    chapter = c.root / "notes/chapters/duality.tex"
    before = (c.root / "dist/lecture-notes.pdf").read_bytes()
    lines = chapter.read_text().splitlines()
    lines.insert(4, r"\thismacrodoesnotexist")
    chapter.write_text("\n".join(lines) + "\n")
    proc = c.doit(check=False)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    summary = _summary(output)
    assert len(summary) <= 15
    assert "notes/chapters/duality.tex:5: Undefined control sequence." in output
    assert re.search(r"full log: build/latex/[\w-]+/[\w-]+\.log", output)
    assert "Traceback" not in output
    assert (c.root / "dist/lecture-notes.pdf").read_bytes() == before
    # Once the error is fixed, the next build completes.
    lines.pop(4)
    chapter.write_text("\n".join(lines) + "\n")
    c.doit()
    assert c.ran() == set()


def test_undefined_reference_fails_the_build(fixture_copy):
    c = fixture_copy
    chapter = c.root / "notes/chapters/convex-sets.tex"
    chapter.write_text(chapter.read_text() + "\nSee \\cref{thm:no-such-theorem} and \\citet{nobody1900}.\n")
    proc = c.doit("notes", check=False)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "reference 'thm:no-such-theorem' is undefined" in output
    assert "citation 'nobody1900' is undefined" in output
    assert re.search(r"notes/chapters/convex-sets\.tex:\d+: reference", output)


HOSTILE = {
    "input": r"\input{/etc/passwd}",
    "write18": r"\write18{touch /tmp/course-pwned}",
    "immediate": r"\immediate\write15{x}\openout15=/tmp/course-pwned2",
    "catcode": r"\catcode`\{=12 \def\x{",
    "braces": r"}}}{{ unbalanced {",
    "specials": r"& % $ # _ ^ ~ \\ < > |",
    "control": "bell\x07tab\tend",
    "unicode": "Systèmes, Données — Mézard",
    "long": "supercalifragilistic " * 150,
}


# Where each hostile value goes in the fixture's syllabus, and the PDFs that must print it.
HOSTILE_PLACES = {
    "input": (("homework", 0, "title"), ["dist/homework/hw1.pdf", "dist/solutions/hw1-solutions.pdf"]),
    "write18": (("chapters", 0, "title"), ["dist/notes/01-convex-sets.pdf", "dist/lecture-notes.pdf"]),
    # An unbreakable value goes where the type is small: a chapter heading could not break it.
    "immediate": (("course", "instructor"), ["dist/homework/hw1.pdf", "dist/lecture-notes.pdf"]),
    "catcode": (("checklist", "title"), ["dist/maths-checklist.pdf"]),
    "braces": (("chapters", 1, "title"), ["dist/notes/02-duality.pdf"]),
    "specials": (("course", "semester"), ["dist/notes/02-duality.pdf"]),
    "control": (("course", "university"), ["dist/maths-checklist.pdf"]),
    "unicode": (("course", "location"), []),
    "long": (("checklist", "subtitle"), ["dist/maths-checklist.pdf"]),
}
ON_THE_PAGE = {"input", "write18", "immediate", "braces", "specials", "control", "unicode"}


# Where the HTML edition shows some of them: chapter titles come through LaTeXML, the others
# through the page template.
ON_THE_WEB_PAGES = {"write18": "dist/html/01-convex-sets.html", "braces": "dist/html/02-duality.html",
                    "input": "dist/html/hw1.html", "catcode": "dist/html/maths-checklist.html"}


def test_hostile_values_appear_literally_and_nothing_runs(fixture_copy_html):
    import html as htmllib

    import yaml

    c = fixture_copy_html
    for marker in ("/tmp/course-pwned", "/tmp/course-pwned2"):
        Path(marker).unlink(missing_ok=True)
    syllabus = c.root / "syllabus.yaml"
    data = yaml.safe_load(syllabus.read_text())
    for key, (where, _) in HOSTILE_PLACES.items():
        node = data
        for part in where[:-1]:
            node = node[part]
        node[where[-1]] = HOSTILE[key]
    syllabus.write_text(yaml.safe_dump(data, allow_unicode=True, width=10**9, sort_keys=False))
    before = set(os.listdir(c.root))
    c.doit()
    assert not Path("/tmp/course-pwned").exists() and not Path("/tmp/course-pwned2").exists()
    assert set(os.listdir(c.root)) == before, "something was written outside build/, dist/ and figures/"
    page = (c.root / "dist/index.html").read_text()
    page_text = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())

    def squeeze(text):  # line breaks and hyphenation differ between a PDF and the source
        return re.sub(r"[\s-]+", "", text)

    for key, (_, pdfs) in HOSTILE_PLACES.items():
        shown = squeeze(HOSTILE[key].replace("\x07", "<U+0007>"))
        for pdf in pdfs:
            assert shown[:200] in squeeze(c.pdf_text(pdf)), (key, pdf)
        if key in ON_THE_PAGE:
            assert shown[:200] in squeeze(page_text), (key, "index.html")
        if key in ON_THE_WEB_PAGES:
            web = (c.root / ON_THE_WEB_PAGES[key]).read_text()
            assert shown[:200] in squeeze(htmllib.unescape(re.sub(r"<[^>]+>", " ", web))), (key, ON_THE_WEB_PAGES[key])
    assert "root:x:0:0" not in c.pdf_text("dist/homework/hw1.pdf")


def _build_and_kill(c: Course, after: float):
    env = {**os.environ, **({"COURSE_DATE": c.day} if c.day else {})}
    proc = subprocess.Popen([str(ROOT / ".venv/bin/doit")], cwd=c.root, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    time.sleep(after)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_killed_builds_leave_good_outputs_and_the_next_build_completes(fixture_copy):
    c = fixture_copy
    chapter = c.root / "notes/chapters/duality.tex"
    # Killed while loading, while the chapter compiles, while the notes compile, near the end.
    for i, after in enumerate((0.3, 1.0, 2.0, 3.5)):
        chapter.write_text(chapter.read_text() + f"\nEdit number {i} before an interrupted build.\n")
        old = output_checksums(c.root)
        _build_and_kill(c, after)
        _pdfs_are_whole(c.root)
        now = output_checksums(c.root)
        assert set(old) <= set(now), "an output disappeared"
    c.doit()
    _pdfs_are_whole(c.root)
    text = c.pdf_text("dist/notes/02-duality.pdf")
    assert "Edit number 3 before an interrupted build." in " ".join(text.split())
    assert "??" not in text


def test_damaged_or_deleted_state_is_rebuilt_not_a_crash(fixture_copy):
    c = fixture_copy
    state = c.root / "build/doit-state.json"
    assert state.is_file()
    state.write_text('{"truncated": ')
    proc = c.doit()
    assert "damaged" in proc.stderr
    _pdfs_are_whole(c.root)
    subprocess.run(["rm", "-rf", str(c.root / "build")], check=True)
    c.doit()
    _pdfs_are_whole(c.root)
    assert c.ran() == set()


def test_two_clean_builds_are_byte_identical(fixture_course, tmp_path):
    # The session's first clean build is one of the pair; this one runs in another directory.
    second = Course(make_fixture_course(tmp_path / "second"), FIXTURE_DAY)
    second.doit()
    assert output_checksums(second.root) == fixture_course.initial


def test_a_document_that_failed_on_a_missing_figure_builds_once_the_figure_exists(fixture_copy):
    # A first compilation that failed because a figure was not made yet (here: deleted, and the
    # chapter compiled by hand) must not be repeated from latexmk's records once the figure exists.
    import shutil

    from conftest import FIXTURE_FIGURE

    c = fixture_copy
    for suffix in (".tex", ".pdf"):
        (c.root / "figures" / f"{FIXTURE_FIGURE}{suffix}").unlink()
    doc = "01-convex-sets"
    shutil.rmtree(c.root / "build" / "latex" / doc)
    failed = subprocess.run([str(ROOT / ".venv/bin/python"), "-c",
                             "from coursebuild import actions, paths; import sys; "
                             f"d = paths.BUILD_TEX / '{doc}.tex'; "
                             f"r = actions.compile_pdf('{doc}', str(d), str(paths.BUILD_LATEX / '{doc}'), "
                             f"str(paths.BUILD / 'scratch.pdf')); sys.exit(0 if r is True else 3)"],
                            cwd=c.root, capture_output=True, text=True)
    assert failed.returncode == 3, failed.stdout + failed.stderr
    proc = c.doit()
    assert f"figure:{FIXTURE_FIGURE}" in proc.stdout
    assert "Figure 1.1" in " ".join(c.pdf_text(f"dist/notes/{doc}.pdf").split())
