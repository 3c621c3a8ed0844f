"""Revisions, on the fixture course with a scripted git history: a chapter is released, a theorem in
it is corrected (with a `Revision:` trailer), then only a comment is edited. The page lists exactly
the correction, with its day, reason and section, and links a latexdiff PDF that shows the old and
the new wording; the comment edit is no revision. And the normalisation that decides it."""
import json
import re
import shutil

import html5lib
import pytest

from conftest import ROOT, commit, copy_course, git
from coursebuild.revisions import changed_sections, code_key, normalise, sections

CHAPTER = "notes/chapters/convex-sets.tex"
RELEASE = "2024-03-05"
OLD = "Let $C \\subseteq \\R^d$ be closed, convex and non-empty"
WRONG = "Let $C \\subseteq \\R^d$ be bounded, convex and non-empty"
REASON = "The separation theorem needs a closed set: an open disc and a point of its boundary have no strict separation."


# --- The normalisation ---------------------------------------------------------------------------

def test_comments_go_but_escaped_percent_signs_stay():
    assert normalise("a 50\\% rate % a comment\nb") == "a 50\\% rate b"
    # \\ is a line break: the % after it does start a comment (an even number of backslashes).
    assert normalise("end\\\\% comment\nnext") == "end\\\\next"
    # TeX drops a comment with its line break and the next line's indentation: no space there.
    assert normalise("wo%\n   rd") == "word"
    assert normalise("A\n  % a note to self\nB") == normalise("A\nB") == "A B"


def test_whitespace_is_collapsed_but_a_paragraph_break_is_not():
    assert normalise("a  b\n\tc  \n") == normalise("a b c") == "a b c"
    assert normalise("a\n\n\n   b") == normalise("a\n \nb") == "a\n\nb"
    assert normalise("a\n\nb") != normalise("a b")  # a new paragraph is rendered differently


def test_student_sheet_ignores_its_solutions():
    sheet = "\\begin{problem}Q\n\\begin{solution}S\\end{solution}\n\\end{problem}"
    edited = sheet.replace("S", "S, corrected")
    assert normalise(sheet, without_solutions=True) == normalise(edited, without_solutions=True)
    assert normalise(sheet) != normalise(edited)


def test_changed_sections_are_those_whose_text_changed():
    text = "Intro.\n\\section{First}\\label{a} One.\n\\section[Short]{Second $\\{x\\}$} Two.\n\\subsection{Third} Three."
    assert list(sections(normalise(text))) == ["introduction", "First", "Second $\\{x\\}$", "Third"]
    assert changed_sections(normalise(text), normalise(text.replace("Two", "2"))) == ["Second $\\{x\\}$"]
    assert changed_sections(normalise(text), normalise(text.replace("Three.", "Three. % why\n"))) == []
    assert changed_sections(normalise(text), normalise(text.replace("{Third}", "{Fourth}"))) == ["Fourth", "Third"]


def test_a_figure_module_counts_by_its_code_not_its_comments():
    code = b'"""Doc."""\nCONFIG = {"n": 10}  # small\n\n\ndef f():\n    """Doc."""\n    return 1\n'
    assert code_key(code) == code_key(b'CONFIG = {"n": 10}\ndef f():\n    return 1\n')
    assert code_key(code) != code_key(code.replace(b"10", b"20"))


# --- The fixture history -------------------------------------------------------------------------

def edit(root, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"{rel} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def history(fixture_course, tmp_path_factory):
    """The fixture course built with no commit, then the history committed and built once more.

    It starts from a copy of the session's build of the fixture course (no commit either)."""
    course = copy_course(fixture_course, tmp_path_factory.mktemp("revisions") / "course", html=True)
    root = course.root
    shutil.copy(ROOT / ".gitignore", root / ".gitignore")
    # The chapter is released on 5 March; the course as first committed states the theorem wrongly.
    edit(root, "syllabus.yaml", "      - chapter: convex-sets\n", f"      - chapter: convex-sets\n        release: {RELEASE}\n")
    edit(root, CHAPTER, OLD, WRONG)
    # Without any commit: no revisions, no failure.
    course.doit()
    course.unversioned = json.loads((root / "build/revisions.json").read_text())["documents"]
    course.first = commit(root, "The fixture course", "2024-03-01")
    edit(root, CHAPTER, WRONG, OLD)
    course.fix = commit(root, f"Chapter 1: the separation theorem is for closed sets\n\nRevision: {REASON}\n",
                        "2024-03-08")
    edit(root, CHAPTER, "\\begin{proof}", "% The proof follows the textbook.\n\n\n\\begin{proof}")
    course.comment = commit(root, "Chapter 1: a comment for the instructor", "2024-03-15")
    course.doit()
    return course


def page_text(course) -> str:
    html = (course.root / "dist/index.html").read_text()
    return re.sub(r"<[^>]+>", "", html)


def test_without_history_nothing_is_revised(history):
    assert history.unversioned and all(not d["revisions"] for d in history.unversioned.values())


def test_the_correction_is_one_revision_and_the_comment_none(history):
    docs = json.loads((history.root / "build/revisions.json").read_text())["documents"]
    chapter = docs["01-convex-sets"]
    assert chapter["released"] == RELEASE and chapter["as_released"] == history.first
    assert chapter["revisions"] == [{"date": "2024-03-08", "commit": history.fix, "sections": ["Convex sets"],
                                     "figures": [], "syllabus": False, "reason": REASON}]
    assert chapter["last_revised"] == "2024-03-08"
    assert chapter["changes_pdf"] == "changes/01-convex-sets-changes.pdf"
    # The full notes hold the chapter; the other documents did not change.
    assert [(r["commit"], r["sections"]) for r in docs["lecture-notes"]["revisions"]] == [
        (history.fix, ["Chapter 1, Convex sets"])]
    assert all(not docs[n]["revisions"] for n in ("02-duality", "hw1", "hw1-solutions", "maths-checklist"))


def test_page_lists_the_revision_with_its_day_reason_and_section(history):
    html = (history.root / "dist/index.html").read_text()
    html5lib.HTMLParser(strict=True).parse(html)
    section = re.search(r'<section id="revisions">(.*?)</section>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert len(items) == 1  # one commit: the correction (the comment edit is not there)
    text = " ".join(re.sub(r"<[^>]+>", "", items[0]).split())
    assert text.startswith("8 March 2024: Chapter 1: Convex sets and separation (what changed); "
                           "Lecture notes (all chapters) (what changed).")
    assert "Changed: Chapter 1, Convex sets." in text and REASON in text
    assert history.comment not in html and "15 March 2024" not in html
    # Beside the chapter in the list of notes: revised, with its changes PDF.
    assert ('revised on <time datetime="2024-03-08">8 March 2024</time>: '
            '<a href="changes/01-convex-sets-changes.pdf">what changed</a>') in html


def test_the_chapters_web_page_carries_the_same_notice(history):
    page = (history.root / "dist/html/01-convex-sets.html").read_text()
    notice = re.search(r'<p class="revised" role="note">(.*?)</p>', page, re.S)
    assert notice, "no revision notice on the revised chapter's page"
    text = " ".join(re.sub(r"<[^>]+>", "", notice.group(1)).split())
    assert text == "Revised on 8 March 2024 since its release; changed: Convex sets · what changed (PDF)."
    assert 'href="../changes/01-convex-sets-changes.pdf"' in notice.group(1)
    duality = (history.root / "dist/html/02-duality.html").read_text()
    assert 'class="revised"' not in duality
    # Each page states its version, as its PDF does: the last commit that changed what it is made of.
    assert f"version 2024-03-15 ({history.comment})" in page and f"version 2024-03-01 ({history.first})" in duality


def test_changes_pdf_shows_old_and_new_wording(history):
    changes = " ".join(history.pdf_text("dist/changes/01-convex-sets-changes.pdf").split())
    assert "bounded" in changes and "closed" in changes  # deleted and added, both shown
    assert "What changed since the version released on 5 March 2024" in changes
    chapter = " ".join(history.pdf_text("dist/notes/01-convex-sets.pdf").split())
    assert "closed, convex and non-empty" in chapter and "bounded" not in chapter
    assert (history.root / "dist/changes/lecture-notes-changes.pdf").is_file()
    assert sorted(p.name for p in (history.root / "dist/changes").iterdir()) == [
        "01-convex-sets-changes.pdf", "lecture-notes-changes.pdf"]


def test_a_rebuild_does_nothing_and_the_page_is_the_same(history):
    page = (history.root / "dist/index.html").read_bytes()
    assert history.ran() == set()
    (history.root / "dist/index.html").unlink()
    assert history.ran("page") == {"page"}
    assert (history.root / "dist/index.html").read_bytes() == page
