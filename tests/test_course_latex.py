"""A course's own LaTeX, as written: its preamble files and bibliographies (syllabus.yaml: preamble,
bibliography), natbib or biblatex as its preamble chooses, a sheet's own preamble, clashes with the
engine reported at once, a missing package named with where to get it, and the Debian packages
./doit installs for the course. On the fixture course, edited the way an instructor would."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, Course, FIXTURE_SOURCES, make_fixture_course


def edit(path: Path, old: str, new: str) -> None:
    """Replace text that must be there (so that a changed fixture fails here, not silently)."""
    text = path.read_text()
    assert old in text, f"{path.name} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1))


def append(path: Path, text: str) -> int:
    """Append lines to a file; the line number of the first."""
    before = path.read_text()
    path.write_text(before + text)
    return before.count("\n") + 1


PREAMBLE_KEY = "preamble:\n  - notes/notation.tex\n"


def line_of(path: Path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


# ------------------------------------------------------------------------------------------
# The syllabus' keys, without building

def test_preamble_and_bibliography_files_must_exist(tmp_path):
    from coursebuild.syllabus import SyllabusError, load

    syllabus = tmp_path / "syllabus.yaml"
    syllabus.write_text((FIXTURE_SOURCES / "syllabus.yaml").read_text())
    edit(syllabus, PREAMBLE_KEY, "preamble:\n  - notes/notation.tex\n  - notes/macros.tex\n")
    edit(syllabus, "bibliography:\n  - notes/references.bib\n", "bibliography:\n  - notes/references.txt\n")
    edit(syllabus, "    title: Separating hyperplanes\n",
         "    title: Separating hyperplanes\n    preamble: notes/homework/hw1 preamble.tex\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notation.tex").write_text("")
    with pytest.raises(SyllabusError) as error:
        load(syllabus)
    problems = error.value.problems
    assert f"syllabus.yaml:{line_of(syllabus, '  - notes/macros.tex')}: preamble[1]: no such file: notes/macros.tex" \
        in problems[0]
    assert any(p.startswith(f"syllabus.yaml:{line_of(syllabus, '  - notes/references.txt')}: bibliography[0]: "
                            "expected a .bib file") for p in problems)
    assert any(p.startswith(f"syllabus.yaml:{line_of(syllabus, '    preamble: notes/homework/hw1 preamble.tex')}: "
                            "homework[0].preamble: expected a path") for p in problems)
    assert len(problems) == 3


def test_the_keys_default_to_nothing(tmp_path):
    from coursebuild.syllabus import load

    syllabus = tmp_path / "syllabus.yaml"
    syllabus.write_text((FIXTURE_SOURCES / "syllabus.yaml").read_text())
    edit(syllabus, PREAMBLE_KEY, "")
    edit(syllabus, "bibliography:\n  - notes/references.bib\n", "")
    s = load(syllabus)
    assert s.preamble == [] and s.bibliography == [] and s.debian_packages == []
    assert s.homework[0].preamble is None


def _wrapper_packages(syllabus: Path) -> list[str]:
    """The course's Debian packages as the ./doit wrapper reads them (its own function, run by bash)."""
    script = (ROOT / "doit").read_text()
    function = script[script.index("debian_packages_of() {"):]
    function = function[:function.index("\n}\n") + 3]
    out = subprocess.run(["bash", "-c", f"{function}\ndebian_packages_of \"$1\"", "-", str(syllabus)],
                         capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.mark.parametrize("text, expected", [
    ("debian_packages: []\n", []),
    ("debian_packages: [texlive-fonts-extra, \"cm-super\"]  # fonts\n", ["texlive-fonts-extra", "cm-super"]),
    ("debian_packages:\n  - texlive-fonts-extra  # bbm\n\n  - 'fonts-stix'\nchecklist:\n  - not-this\n",
     ["texlive-fonts-extra", "fonts-stix"]),
    ("debian_packages:\n- texlive-fonts-extra\n", ["texlive-fonts-extra"]),
])
def test_the_wrapper_reads_the_debian_packages_the_syllabus_lists(tmp_path, text, expected):
    from coursebuild.syllabus import load

    syllabus = tmp_path / "syllabus.yaml"
    syllabus.write_text((FIXTURE_SOURCES / "syllabus.yaml").read_text())
    edit(syllabus, "\nchecklist:\n", f"\n{text}checklist:\n" if "checklist:" not in text else f"\n{text}")
    for name in ("notation.tex", "references.bib"):
        (tmp_path / "notes").mkdir(exist_ok=True)
        (tmp_path / "notes" / name).write_text("")
    assert _wrapper_packages(syllabus) == expected
    if "not-this" not in text:  # what the wrapper reads is what the loader accepts
        assert load(syllabus).debian_packages == expected


def test_texlive_package_of_a_file_comes_from_tex_lives_own_database():
    from coursebuild import latex

    if not subprocess.run(["kpsewhich", "-format=texmfscripts", "texdoc/Data.tlpdb.lua"],
                          capture_output=True, text=True).stdout.strip():
        pytest.skip("this TeX Live has no texdoc database")
    assert latex.texlive_packages_with("bbm.sty") == ["bbm-macros"]
    assert latex.texlive_packages_with("no-such-package-anywhere.sty") == []


def test_every_clash_with_the_engine_is_reported_at_once(tmp_path):
    course = Course(make_fixture_course(tmp_path / "course"), html=False)
    notes = course.root / "notes"
    edit(course.root / "syllabus.yaml", PREAMBLE_KEY, "preamble:\n  - notes/notation.tex\n  - notes/macros.tex\n")
    first = append(notes / "notation.tex", "\\newcommand{\\Var}{\\operatorname{Var}}\n")
    (notes / "macros.tex").write_text("% the author's macros\n"
                                      "\\newcommand{\\figparam}[2]{#1}\n"
                                      "\\DeclareMathOperator{\\Var}{V}\n"
                                      "\\def\\courseheader{}\n")
    proc = course.doit("list", check=False)
    assert proc.returncode != 0
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines == [
        "notes/macros.tex:2: \\figparam is the engine's (a figure's parameter); give the course's macro another name",
        f"notes/macros.tex:3: \\Var is defined again (first at notes/notation.tex:{first}); keep one definition, "
        "or \\renewcommand it if the second is meant",
        "notes/macros.tex:4: \\courseheader is the engine's (the course header of every PDF); "
        "give the course's macro another name",
    ]


# ------------------------------------------------------------------------------------------
# Builds of the fixture course, edited

@pytest.mark.slow
def test_course_preamble_with_its_own_theorems_and_macros_builds_as_written(fixture_copy):
    course = fixture_copy
    notes = course.root / "notes"
    # The author's macro file, in a folder of its own, inputs a file beside it by its bare name.
    (notes / "macros").mkdir()
    (notes / "macros" / "author.tex").write_text(
        "\\usepackage{amsthm}\n"
        "\\theoremstyle{definition}\n"
        "\\newtheorem{theorem}{Result}[section]\n"  # the engine's name, the author's meaning
        "\\newtheorem{fact}[theorem]{Fact}\n"
        "\\input{more}\n")
    (notes / "macros" / "more.tex").write_text("\\newcommand{\\authorword}{AUTHORMACRO}\n")
    edit(course.root / "syllabus.yaml", PREAMBLE_KEY, "preamble:\n  - notes/notation.tex\n  - notes/macros/author.tex\n")
    append(notes / "chapters" / "convex-sets.tex",
           "\n\\begin{fact}A fact, \\authorword.\\end{fact}\n"
           # The theorem style in force after the preamble: the author's last, not the engine's.
           "\\makeatletter\\par STYLE:\\the\\thm@style.\\makeatother\n")
    ran = course.ran()
    assert "preamble" in ran  # the format holds the course's preamble files
    text = course.pdf_text("dist/notes/01-convex-sets.pdf")
    assert re.search(r"Result 1\.1\.\d+ \(Separation\)", text)
    assert re.search(r"Fact 1\.2\.\d+\. A fact, AUTHORMACRO", text)
    assert "STYLE:definition." in text
    assert not re.search(r"Theorem 1\.1\.\d+ \(Separation\)", text)  # the statement is the author's, not the engine's

    # A change to a file of the course's preamble makes a new format, and the documents follow.
    edit(notes / "macros" / "more.tex", "AUTHORMACRO", "AUTHORCHANGED")
    ran = course.ran()
    assert {"preamble", "chapter:01-convex-sets", "notes"} <= ran
    assert "AUTHORCHANGED" in course.pdf_text("dist/notes/01-convex-sets.pdf")


@pytest.mark.slow
def test_engine_theorem_style_does_not_leak_into_the_course(fixture_copy):
    course = fixture_copy
    # The author's own environment after the preamble: plain (italic), as without the engine.
    append(course.root / "notes" / "chapters" / "duality.tex",
           "\n\\makeatletter\\par STYLE:\\the\\thm@style.\\makeatother\n")
    course.doit()
    assert "STYLE:plain." in course.pdf_text("dist/notes/02-duality.pdf")


@pytest.mark.slow
def test_biblatex_course_builds_with_author_year_citations(fixture_copy):
    course = fixture_copy
    append(course.root / "notes" / "notation.tex",
           "\\usepackage[style=authoryear,natbib=true,backend=biber]{biblatex}\n")
    course.doit()
    for pdf in ("dist/notes/02-duality.pdf", "dist/lecture-notes.pdf"):
        text = " ".join(course.pdf_text(pdf).split())
        assert "half-spaces (Example, 2020)" in text, pdf
        assert "Example, Ada (2020). A Short Book on Convex Sets" in text, pdf
        assert "[1]" not in text


@pytest.mark.slow
def test_sheet_preamble_applies_to_that_sheet_only(fixture_copy):
    course = fixture_copy
    homework = course.root / "notes" / "homework"
    edit(course.root / "syllabus.yaml", "    title: Separating hyperplanes\n",
         "    title: Separating hyperplanes\n"
         "  - id: hw2\n    title: Supporting lines\n    preamble: notes/homework/hw2-preamble.tex\n")
    (homework / "hw2-preamble.tex").write_text("\\newtheorem{claim}{Claim}\n\\newcommand{\\sheetword}{SHEETTWO}\n")
    (homework / "hw2.tex").write_text(
        "\\begin{claim}\\label{hw2:claim}A claim, \\sheetword.\\end{claim}\n"
        "\\begin{problem}Prove \\cref{hw2:claim}.\n\\begin{solution}By \\sheetword.\\end{solution}\n\\end{problem}\n")
    append(homework / "hw1.tex", "\n\\providecommand{\\sheetword}{GENERIC}\\par\\sheetword\n")
    course.doit()
    for pdf in ("dist/homework/hw2.pdf", "dist/solutions/hw2-solutions.pdf"):
        text = course.pdf_text(pdf)
        assert re.search(r"Claim 1\. A claim, SHEETTWO", text), pdf
    assert "By SHEETTWO" in course.pdf_text("dist/solutions/hw2-solutions.pdf")
    assert "GENERIC" in course.pdf_text("dist/homework/hw1.pdf")

    # The sheet's preamble is a dependency of that sheet's PDFs, and of nothing else.
    edit(homework / "hw2-preamble.tex", "SHEETTWO", "SHEETTHREE")
    ran = course.ran()
    assert {"homework:hw2", "solutions:hw2"} <= ran
    assert not ran & {"preamble", "homework:hw1", "solutions:hw1", "notes", "chapter:01-convex-sets"}
    assert "SHEETTHREE" in course.pdf_text("dist/homework/hw2.pdf")


@pytest.mark.slow
def test_missing_package_is_named_in_one_line_with_its_debian_package(fixture_copy, tmp_path):
    if subprocess.run(["kpsewhich", "bbm.sty"], capture_output=True, text=True).stdout.strip():
        pytest.skip("bbm.sty is installed here")
    course = fixture_copy
    line = append(course.root / "notes" / "notation.tex", "\\usepackage{bbm}\n")
    # apt-file's index, as on a machine where it is installed: it names the Debian package.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-file").write_text("#!/bin/sh\necho texlive-fonts-extra\n")
    (bin_dir / "apt-file").chmod(0o755)
    proc = course.doit(check=False, env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert proc.returncode != 0
    wanted = [ln for ln in (proc.stdout + proc.stderr).splitlines() if "bbm.sty" in ln]
    assert len(wanted) == 1, proc.stdout + proc.stderr
    assert wanted[0].startswith(f"notes/notation.tex:{line}: package bbm (bbm.sty) is not installed; "
                                "the Debian package texlive-fonts-extra carries it: add it to debian_packages:")
    assert (course.root / "dist" / "lecture-notes.pdf").is_file()  # nothing already built is lost
