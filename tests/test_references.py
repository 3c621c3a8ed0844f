"""References from any macro: a chapter's PDF takes the numbers of the labels its own compilation
found undefined from the full notes, whatever macro the author wraps \\ref in; what stays undefined,
and a label defined twice, is reported at the file and line where LaTeX met it. On the fixture
course, its sources edited as an author would."""
import re
import zlib

import pytest

from coursebuild.latex import Problem, read_log
from coursebuild.page import section_numbers

# An author's reference wrapper, as notes from elsewhere define it (\hyperref around \ref).
LEMMAREF = r"\newcommand\lemmaref[1]{\hyperref[lem:#1]{Lemma~\ref{lem:#1}}}"
LEMMA = "\n\\begin{lemma}\\label{lem:fx-pythagorean}\n  $\\norm{x + y}^2 = \\norm{x}^2 + \\norm{y}^2$ when $x \\perp y$.\n\\end{lemma}\n"


def _edit(path, before: str = "", after: str = "") -> int:
    """Put text before and after a source's own; the line number of the first line after `before`."""
    text = path.read_text()
    path.write_text(before + text + after)
    return before.count("\n") + 1


def _line_of(path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _words(text: str) -> str:
    return " ".join(text.split())


def _pdf_objects(path) -> bytes:
    """A PDF's bytes with its compressed streams inflated: where its links' targets are written."""
    data = path.read_bytes()
    parts = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[m.end():]))
        except zlib.error:
            pass
    return b"".join(parts)


# A log as pdflatex writes it (one line per message), with what confuses a reader of its file
# stack: parentheses in messages, and a box's text, which is the author's, with one left open.
LOG = r"""(/course/build/tex/02-part.tex (/usr/share/texmf/tex/latex/base/report.cls
Document Class: report 2022/07/02 v1.4n Standard LaTeX document class (size option)
) (./build/tex/02-part-xref.tex)
LaTeX Warning: Label `eq:twice' multiply defined.
LaTeX Warning: Label `eq:twice@cref' multiply defined.
(/course/notes/chapters/part.tex
Overfull \hbox (3.1pt too wide) in paragraph at lines 3--4
[]\T1/lmr/m/n/10.95 on the interval [0, 1) we
 []

(hyperref) Option `colorlinks' set `true' on input line 5.
LaTeX Warning: Reference `lem:away' on page 1 undefined on input line 7.
(/course/notes/chapters/inner.tex
Package natbib Warning: Citation `nobody1900' on page 1 undefined on input line 2.
)
LaTeX Warning: Citation `nobody1900' on page 2 undefined on input line 9.
LaTeX Warning: Reference `lem:away' on page 2 undefined on input line 7.
)
LaTeX Warning: Reference `sec:end' on page 3 undefined on input line 30.
LaTeX Warning: Hyper reference `sec:link' on page 3 undefined on input line 31.
)"""


def test_the_log_says_where_each_problem_is_from_its_file_stack():
    problems, files = read_log(LOG)
    assert problems == [
        Problem("label", "eq:twice"),
        Problem("reference", "lem:away", "/course/notes/chapters/part.tex", 7),
        Problem("citation", "nobody1900", "/course/notes/chapters/inner.tex", 2),
        Problem("citation", "nobody1900", "/course/notes/chapters/part.tex", 9),
        Problem("reference", "sec:end", "/course/build/tex/02-part.tex", 30),
        Problem("reference", "sec:link", "/course/build/tex/02-part.tex", 31),
    ]
    assert "/course/notes/chapters/inner.tex" in files and "./build/tex/02-part-xref.tex" in files


@pytest.mark.slow
def test_a_wrapper_macro_across_chapters_gets_the_full_notes_number(fixture_copy):
    c = fixture_copy
    chapters = c.root / "notes/chapters"
    _edit(chapters / "convex-sets.tex", after=LEMMA)
    _edit(chapters / "duality.tex", before=LEMMAREF + "\n", after="\nBy \\lemmaref{fx-pythagorean}, nothing is lost.\n")
    c.doit()
    number = section_numbers(c.root / "build/latex/lecture-notes/lecture-notes.aux")["lem:fx-pythagorean"]
    assert number.startswith("1.")  # a number of the first chapter, which the second one quotes
    text = _words(c.pdf_text("dist/notes/02-duality.pdf"))
    assert f"By Lemma {number}, nothing is lost." in text and "??" not in text
    # Clicked, it opens the full notes beside the chapter's PDF, at the lemma.
    anchor = re.search(r"\\newlabel\{lem:fx-pythagorean\}\{\{[^}]*\}\{[^}]*\}\{[^}]*\}\{([^}]*)\}",
                       (c.root / "build/latex/lecture-notes/lecture-notes.aux").read_text())[1]
    pdf = _pdf_objects(c.root / "dist/notes/02-duality.pdf")
    assert re.search(rb"/F\s*\(\.\./lecture-notes\.pdf\)", pdf) and f"({anchor})".encode() in pdf
    # Nothing more to do: the chapter was compiled with the numbers it quotes.
    assert c.ran() == set()


@pytest.mark.slow
def test_undefined_references_are_reported_where_they_are_used_each_on_one_line(fixture_copy):
    c = fixture_copy
    duality, convex = c.root / "notes/chapters/duality.tex", c.root / "notes/chapters/convex-sets.tex"
    _edit(duality, before=LEMMAREF + "\n", after="\nBy \\lemmaref{fx-nowhere}, nothing.\n")
    _edit(convex, after="\nSee \\cref{thm:fx-nowhere}.\n")
    before = (c.root / "dist/lecture-notes.pdf").read_bytes()
    proc = c.doit(check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in output
    # Both in one run, each at the line that used it, though the wrapper's \ref is in line 1.
    assert (f"notes/chapters/duality.tex:{_line_of(duality, 'fx-nowhere')}: reference 'lem:fx-nowhere' is undefined"
            in output)
    assert (f"notes/chapters/convex-sets.tex:{_line_of(convex, 'thm:fx-nowhere')}: "
            "reference 'thm:fx-nowhere' is undefined") in output
    assert (c.root / "dist/lecture-notes.pdf").read_bytes() == before


@pytest.mark.slow
def test_an_undefined_citation_is_reported_at_each_place_it_is_used(fixture_copy):
    c = fixture_copy
    duality, convex = c.root / "notes/chapters/duality.tex", c.root / "notes/chapters/convex-sets.tex"
    # The same unknown key in two chapters: the second place is its own, not the first one's.
    _edit(convex, after="\nAs in \\citep{fx-nobody1900}.\n")
    _edit(duality, before="% a comment that moves every line down\n\n",
          after="\nAs shown by \\citet{fx-nobody1900}.\n")
    proc = c.doit(check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in output
    for source in (convex, duality):
        place = f"{source.relative_to(c.root)}:{_line_of(source, 'fx-nobody1900')}"
        assert f"{place}: citation 'fx-nobody1900' is undefined" in output


@pytest.mark.slow
def test_a_label_defined_in_two_chapters_fails_the_build_naming_both_places(fixture_copy):
    c = fixture_copy
    duality, convex = c.root / "notes/chapters/duality.tex", c.root / "notes/chapters/convex-sets.tex"
    figure = "\n\\begin{figure}[ht]\n  \\centering\n  \\caption{A figure.}\n  \\label{fig:enter-label}\n\\end{figure}\n"
    _edit(convex, after=figure)
    _edit(duality, before="% moved down\n" * 3, after=figure)
    before = (c.root / "dist/lecture-notes.pdf").read_bytes()
    proc = c.doit(check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in output
    first = f"notes/chapters/convex-sets.tex:{_line_of(convex, 'fig:enter-label')}"
    second = f"notes/chapters/duality.tex:{_line_of(duality, 'fig:enter-label')}"
    found = [line.strip() for line in output.splitlines() if "'fig:enter-label' is defined more than once" in line]
    assert f"{first}: label 'fig:enter-label' is defined more than once (also at {second})" in found
    assert f"{second}: label 'fig:enter-label' is defined more than once (also at {first})" in found
    assert (c.root / "dist/lecture-notes.pdf").read_bytes() == before


@pytest.mark.slow
def test_a_label_defined_twice_in_one_sheet_fails_its_build(fixture_copy):
    c = fixture_copy
    sheet = c.root / "notes/homework/hw1.tex"
    text = sheet.read_text()
    assert "\\label{hw1:fx-union}" in text
    sheet.write_text(text.replace("\\label{hw1:fx-union}", "\\label{hw1:fx-line}"))
    proc = c.doit(check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    places = [f"notes/homework/hw1.tex:{n}" for n, line in enumerate(sheet.read_text().splitlines(), 1)
              if "\\label{hw1:fx-line}" in line]
    assert len(places) == 2
    assert re.search(rf"{re.escape(places[1])}: label 'hw1:fx-line' is defined more than once "
                     rf"\(also at {re.escape(places[0])}\)", output)


@pytest.mark.slow
def test_a_label_moved_into_the_chapter_that_quoted_it_is_its_own_not_defined_twice(fixture_copy):
    c = fixture_copy
    duality, convex = c.root / "notes/chapters/duality.tex", c.root / "notes/chapters/convex-sets.tex"
    exercise = "\\begin{exercise}\\label{ex:fx-ball}\n  Show that a Euclidean ball is convex.\n\\end{exercise}\n"
    assert exercise in convex.read_text()
    _edit(duality, after="\nSee \\cref{ex:fx-ball}.\n")
    c.doit()  # quoted from the first chapter
    convex.write_text(convex.read_text().replace(exercise, ""))
    _edit(duality, after="\n" + exercise)
    c.doit()
    number = section_numbers(c.root / "build/latex/lecture-notes/lecture-notes.aux")["ex:fx-ball"]
    assert number.startswith("2.")
    assert f"See Exercise {number}." in _words(c.pdf_text("dist/notes/02-duality.pdf"))
    assert c.ran() == set()
