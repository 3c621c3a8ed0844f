"""Version stamps, on the fixture course with a scripted git history: each document's version is the
date and commit of the last change to what it is made from, a syllabus edit versions only the
documents whose wrapper it changes, and the PDF prints it. Without history: "unversioned"."""
import json
import shutil

import pytest

from conftest import ROOT, commit, git

pytestmark = pytest.mark.slow

DOCS = {"lecture-notes", "01-convex-sets", "02-duality", "hw1", "hw1-solutions", "maths-checklist"}


def versions(course) -> dict[str, tuple]:
    course.doit("versions")
    found = json.loads((course.root / "build/tex/versions.json").read_text())["documents"]
    assert set(found) == DOCS
    return {name: (v["date"], v["commit"], v["modified"]) if v else "unversioned" for name, v in found.items()}


def edit(root, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"{rel} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1))


def test_versions_follow_the_commits_that_changed_each_document(fixture_copy):
    c = fixture_copy
    root = c.root
    # The fixture course's `git init` has no commit: every document says so instead of failing.
    assert versions(c) == {name: "unversioned" for name in DOCS}
    assert "unversioned" in c.pdf_text("dist/homework/hw1.pdf")

    shutil.copy(ROOT / ".gitignore", root / ".gitignore")  # commit the sources, not the build
    first = commit(root, "The fixture course", "2024-03-01")
    v1 = versions(c)
    assert v1 == {name: ("2024-03-01", first, False) for name in DOCS}

    edit(root, "notes/chapters/convex-sets.tex", "\\section", "% edited\nA first sentence.\n\n\\section")
    convex = commit(root, "Chapter 1: one more sentence", "2024-03-08")
    v2 = versions(c)
    assert v2 == {**v1, "01-convex-sets": ("2024-03-08", convex, False), "lecture-notes": ("2024-03-08", convex, False)}

    edit(root, "notes/chapters/duality.tex", "\\section", "Another sentence.\n\n\\section")
    duality = commit(root, "Chapter 2: one more sentence", "2024-03-15")
    v3 = versions(c)
    # Two documents changed in different commits show different versions; the first chapter,
    # unchanged since, keeps its own.
    assert v3["02-duality"] == ("2024-03-15", duality, False) != v3["01-convex-sets"] == v2["01-convex-sets"]
    assert v3 == {**v2, "02-duality": v3["02-duality"], "lecture-notes": ("2024-03-15", duality, False)}

    unchanged = (root / "build/tex/01-convex-sets-version.tex").stat().st_mtime_ns
    edit(root, "syllabus.yaml", "title: Separating hyperplanes", "title: Separating and supporting hyperplanes")
    syllabus = commit(root, "Homework 1 is retitled", "2024-03-22")
    v4 = versions(c)
    # The syllabus edit changed the sheets' wrappers only: no other version moves.
    assert v4 == {**v3, "hw1": ("2024-03-22", syllabus, False), "hw1-solutions": ("2024-03-22", syllabus, False)}
    # ... and no other document's version file is rewritten, so no other PDF recompiles.
    assert (root / "build/tex/01-convex-sets-version.tex").stat().st_mtime_ns == unchanged
    cache = json.loads((root / "build/versions-cache.json").read_text())["commits"]
    assert {h[:7]: sorted(names) for h, names in cache.items() if h.startswith(syllabus)} == {
        syllabus: ["hw1", "hw1-solutions"]}
    assert c.ran("versions") == set()  # HEAD and the status unchanged: nothing to recompute

    # An uncommitted edit is said so, on that document only.
    edit(root, "notes/maths-checklist.tex", "\\section", "An uncommitted line.\n\n\\section")
    assert versions(c) == {**v4, "maths-checklist": ("2024-03-01", first, True)}
    git(root, "checkout", "--", "notes/maths-checklist.tex")
    assert versions(c) == v4

    # The PDF prints its version; building it re-renders and recompiles that sheet only.
    ran = c.ran("homework:hw1")
    assert {n for n in ran if n.startswith(("tex:", "homework:", "solutions:", "chapter:"))} == {"tex:hw1", "homework:hw1"}
    text = " ".join(c.pdf_text("dist/homework/hw1.pdf").split())
    assert f"version 2024-03-22 ({syllabus})" in text and "Separating and supporting hyperplanes" in text
