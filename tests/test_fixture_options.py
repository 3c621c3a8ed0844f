"""The syllabus' options end to end, on a copy of the built fixture course: a sheet with an id of
the author's and no solutions, no checklist, two weekly meetings, a due date, a chapter removed and
a figure module no document shows. One rebuild carries them all (each costs half a minute); what it
must leave in dist/ is what the new syllabus makes, and nothing else."""
import datetime as dt
import os
import re
import shutil

import pytest

from conftest import FIXTURE_FIGURE
from coursebuild.render import long_date
from coursebuild.syllabus import load

pytestmark = pytest.mark.slow

NEW_ID = "ps-1"
MEETINGS = [("Monday", "08:30", "10:00"), ("Thursday", "13:15", "14:45")]
UNSHOWN = f"{FIXTURE_FIGURE}_unshown"  # a figure module that no document shows


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, f"test out of date: {old!r} not in the fixture's syllabus.yaml"
    return text.replace(old, new, 1)


def _remove_chapter(root, chapter_id: str) -> None:
    """The chapter out of the list and the schedule (its rows keep their topics)."""
    path = root / "syllabus.yaml"
    text = re.sub(rf"  - id: {chapter_id}\n    title: [^\n]*\n", "", path.read_text())
    text = re.sub(rf"      - chapter: {chapter_id}\n(        [^\n]*\n)*", "", text)
    path.write_text(re.sub(r"    materials:\n(?=  - |\Z)", "", text))


def _last_chapter(root):
    return load(root / "syllabus.yaml").chapters[-1]


def test_the_syllabus_options_shape_what_is_built_and_published(fixture_copy_html):
    c, root = fixture_copy_html, fixture_copy_html.root
    s = load(root / "syllabus.yaml")
    old_sheet, removed = s.homework[0].id, s.chapters[-1]
    old_pdfs = {p.relative_to(root).as_posix() for p in (root / "dist").rglob("*.pdf")}
    assert f"dist/solutions/{old_sheet}-solutions.pdf" in old_pdfs and "dist/maths-checklist.pdf" in old_pdfs
    assert f"dist/notes/{removed.stem}.pdf" in old_pdfs
    styles = {name: os.stat(root / name).st_mtime_ns for name in ("dist/course.css", "dist/html/notes.css")}

    # The sheet renamed, without solutions, with a due date; no checklist; two meetings.
    (root / "notes" / "homework" / f"{old_sheet}.tex").rename(root / "notes" / "homework" / f"{NEW_ID}.tex")
    text = re.sub(rf"\b{old_sheet}\b", NEW_ID, (root / "syllabus.yaml").read_text())
    text = re.sub(rf"(  - id: {NEW_ID}\n    title: [^\n]*\n)", r"\1    solutions: false\n", text)
    text = re.sub(rf"      - solutions: {NEW_ID}\n(        release: [^\n]*\n)?", "", text)
    release = re.search(rf"      - homework: {NEW_ID}\n        release: (\S+)\n", text).group(1)
    due = dt.date.fromisoformat(release) + dt.timedelta(days=10)
    text = _edit(text, f"        release: {release}\n", f"        release: {release}\n        due: {due}\n")
    text = re.sub(r"\nchecklist:\n(  [^\n]*\n)+", "\n", text)
    meetings = "".join(f'    - {{day: {d}, start: "{a}", end: "{b}"}}\n' for d, a, b in MEETINGS)
    text = re.sub(r"  class_times:\n(    [^\n]*\n)+", "  class_times:\n" + meetings, text)
    (root / "syllabus.yaml").write_text(text)
    _remove_chapter(root, removed.id)
    shutil.copy(root / "figgen" / f"{FIXTURE_FIGURE}.py", root / "figgen" / f"{UNSHOWN}.py")

    assert not [line for line in c.doit("list", "--all").stdout.splitlines() if UNSHOWN in line]
    c.doit()

    dist = {p.relative_to(root).as_posix() for p in (root / "dist").rglob("*") if p.is_file()}
    # The sheet: its PDF and page under the new id, no solutions anywhere, nothing of the old id.
    assert {f"dist/homework/{NEW_ID}.pdf", f"dist/html/{NEW_ID}.html"} <= dist
    assert not [f for f in dist if "solutions" in f or old_sheet in f], dist
    assert not (root / "dist" / "solutions").exists()
    header = " ".join(c.pdf_text(f"dist/homework/{NEW_ID}.pdf").split())
    assert "Homework 1:" in header and f"Due {long_date(due)}" in header
    sheet_page = (root / "dist" / "html" / f"{NEW_ID}.html").read_text()
    assert f"Due {long_date(due)}" in sheet_page
    # No checklist, no removed chapter: neither PDF nor page, nor a link to them.
    assert not [f for f in dist if "checklist" in f or removed.stem in f], dist
    page = (root / "dist" / "index.html").read_text()
    assert "checklist" not in page.lower() and removed.stem not in page and "solutions" not in page.lower()
    assert f'href="homework/{NEW_ID}.pdf"' in page
    # Every meeting and the due date on the course page.
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    for day, start, end in MEETINGS:
        assert f"{day}s, {start}\u2013{end}" in text
    assert f"due {long_date(due)}" in text
    # The module no document shows was neither computed nor drawn; `python -m figgen` still runs it.
    assert not list((root / "figures").rglob(f"{UNSHOWN}.*"))
    # The style sheets did not change: they were not rewritten.
    assert styles == {name: os.stat(root / name).st_mtime_ns for name in styles}
    run = c.doit("list")  # the build still loads, and the module runs on request
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "figgen", UNSHOWN, "--mode", "quick", "--device", "cpu"], cwd=root,
                   check=True, capture_output=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert (root / "figures" / f"{UNSHOWN}.pdf").is_file() and run.returncode == 0


def test_clean_removes_all_the_build_wrote_even_what_the_syllabus_no_longer_makes(fixture_copy):
    root = fixture_copy.root
    removed = _last_chapter(root)
    assert (root / "dist" / "notes" / f"{removed.stem}.pdf").is_file()
    committed = root / "figures" / "data" / f"{FIXTURE_FIGURE}.full.json"
    committed.parent.mkdir(parents=True, exist_ok=True)
    committed.write_text("{}\n")  # stands for committed full-mode data
    _remove_chapter(root, removed.id)
    fixture_copy.doit("clean")
    assert not [p for p in (root / "dist").rglob("*") if p.is_file()] if (root / "dist").exists() else True
    assert [p.name for p in (root / "build").rglob("*") if p.is_file()] in ([], ["doit-state.json"])
    assert not [p for p in (root / "figures").rglob("*") if p.is_file() and p != committed]
    assert committed.read_text() == "{}\n"


def test_a_figure_without_a_module_is_named_with_its_file_and_line_before_any_work(tmp_path):
    from conftest import Course, make_fixture_course

    root = make_fixture_course(tmp_path / "course")
    chapter = load(root / "syllabus.yaml").chapters[0].id
    source = root / "notes" / "chapters" / f"{chapter}.tex"
    lines = source.read_text().splitlines()
    lines.insert(2, r"\coursefigure{no_such_figure}")
    source.write_text("\n".join(lines) + "\n")
    proc = Course(root).doit(check=False)
    assert proc.returncode != 0 and "Traceback" not in proc.stdout + proc.stderr
    assert f"notes/chapters/{chapter}.tex:3: figure 'no_such_figure' has no module figgen/no_such_figure.py" \
        in proc.stderr
    assert not (root / "dist").exists() and not list((root / "figures").glob("*.pdf"))


def test_a_checklist_source_that_does_not_exist_is_named_by_its_key_before_any_work(tmp_path):
    from conftest import Course, make_fixture_course

    root = make_fixture_course(tmp_path / "course")
    path = root / "syllabus.yaml"
    text = _edit(path.read_text(), "checklist:\n", "checklist:\n  source: notes/prerequisites.tex\n")
    path.write_text(text)
    line = text.splitlines().index("  source: notes/prerequisites.tex") + 1
    proc = Course(root).doit(check=False)
    assert proc.returncode != 0 and "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr.strip() == (f"syllabus.yaml:{line}: checklist.source: no source file notes/prerequisites.tex "
                                   "for the checklist (give checklist.source, or leave out checklist for none)")
    assert not (root / "dist").exists()
