"""The build is hard to break: LaTeX errors are summarised with their source line, hostile
syllabus values come out literally, interrupted builds lose nothing, rebuilds are byte-identical,
and lost state is rebuilt."""
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOT, Course, copy_project, output_checksums

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


def test_latex_error_names_the_source_line_and_keeps_the_old_pdf(course_copy):
    c = course_copy
    chapter = c.root / "notes/chapters/lazy-limit.tex"
    before = (c.root / "dist/lecture-notes.pdf").read_bytes()
    lines = chapter.read_text().splitlines()
    lines.insert(4, r"\thismacrodoesnotexist")
    chapter.write_text("\n".join(lines) + "\n")
    proc = c.doit(check=False)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    summary = _summary(output)
    assert len(summary) <= 15
    assert "notes/chapters/lazy-limit.tex:5: Undefined control sequence." in output
    assert re.search(r"full log: build/latex/[\w-]+/[\w-]+\.log", output)
    assert "Traceback" not in output
    assert (c.root / "dist/lecture-notes.pdf").read_bytes() == before


def test_undefined_reference_fails_the_build(course_copy):
    c = course_copy
    chapter = c.root / "notes/chapters/implicit-bias.tex"
    chapter.write_text(chapter.read_text() + "\nSee \\cref{thm:no-such-theorem} and \\citet{nobody1900}.\n")
    proc = c.doit("notes", check=False)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "reference 'thm:no-such-theorem' is undefined" in output
    assert "citation 'nobody1900' is undefined" in output
    assert re.search(r"notes/chapters/implicit-bias\.tex:\d+: reference", output)


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


def test_hostile_values_appear_literally_and_nothing_runs(course_copy):
    c = course_copy
    for marker in ("/tmp/course-pwned", "/tmp/course-pwned2"):
        Path(marker).unlink(missing_ok=True)
    syllabus = c.root / "syllabus.yaml"
    text = syllabus.read_text()
    import yaml

    def quoted(value):
        return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10**9).splitlines()[0]

    titles = iter(HOSTILE.items())
    # Homework titles reach LaTeX and the page; the evaluation text reaches the page.
    for sheet in ("hw1", "hw2", "hw3", "hw4", "hw5", "hw6", "hw7"):
        key, value = next(titles)
        text = re.sub(rf"(- id: {sheet}\n    title: ).*", lambda m: m[1] + quoted(value), text)
    key, value = next(titles)
    text = re.sub(r"(  location: ).*", lambda m: m[1] + quoted(value), text)
    syllabus.write_text(text)
    before = set(os.listdir(c.root))
    c.doit("-n", "2")
    assert not Path("/tmp/course-pwned").exists() and not Path("/tmp/course-pwned2").exists()
    assert set(os.listdir(c.root)) == before, "something was written outside build/, dist/ and figures/"
    from coursebuild.syllabus import load

    s = load(syllabus)
    page = (c.root / "dist/index.html").read_text()
    import html as htmllib

    page_text = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    def squeeze(text):  # line breaks and hyphenation differ between a PDF and the source
        return re.sub(r"[\s-]+", "", text)

    for sheet in s.homework:
        shown = squeeze(sheet.title.replace("\x07", "<U+0007>"))
        assert shown[:200] in squeeze(c.pdf_text(f"dist/homework/{sheet.id}.pdf")), sheet.title
        assert shown[:200] in squeeze(page_text), sheet.title
    assert "root:x:0:0" not in c.pdf_text("dist/homework/hw1.pdf")
    assert squeeze(s.course.location)[:200] in squeeze(page_text)


def _build_and_kill(c: Course, after: float):
    proc = subprocess.Popen([str(ROOT / ".venv/bin/doit"), "-n", "2"], cwd=c.root, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(after)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_killed_builds_leave_good_outputs_and_the_next_build_completes(course_copy):
    c = course_copy
    chapter = c.root / "notes/chapters/double-descent.tex"
    for i, after in enumerate((0.5, 2.0, 4.0, 8.0)):
        chapter.write_text(chapter.read_text() + f"\nEdit number {i} before an interrupted build.\n")
        old = output_checksums(c.root)
        _build_and_kill(c, after)
        _pdfs_are_whole(c.root)
        now = output_checksums(c.root)
        assert set(old) <= set(now), "an output disappeared"
    c.doit("-n", "2")
    _pdfs_are_whole(c.root)
    text = c.pdf_text("dist/notes/06-double-descent.pdf")
    assert "Edit number 3 before an interrupted build." in " ".join(text.split())
    assert "??" not in text


def test_damaged_or_deleted_state_is_rebuilt_not_a_crash(course_copy):
    c = course_copy
    state = c.root / "build/doit-state.json"
    assert state.is_file()
    state.write_text('{"truncated": ')
    proc = c.doit()
    assert "damaged" in proc.stderr
    _pdfs_are_whole(c.root)
    subprocess.run(["rm", "-rf", str(c.root / "build")], check=True)
    c.doit("-n", "2")
    _pdfs_are_whole(c.root)
    assert c.ran() == set()


def test_two_clean_builds_are_byte_identical(built_course, tmp_path):
    second = Course(copy_project(tmp_path / "second"))
    second.doit("-n", "2")
    assert output_checksums(second.root) == built_course.initial
