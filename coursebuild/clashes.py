"""Clashes between the course's preamble files and the engine, found before any LaTeX runs.

course.sty defines a theorem-like environment, `solution` or `problem` only where the course's
preamble has not, so those never clash. What cannot give way is the engine's own interface, which
the templates and figgen rely on (\\coursefigure, \\figparam, \\showsolutions, ...), and a macro
that two of the course's files both define with \\newcommand: LaTeX would stop on the first such
problem only, or (\\DeclareRobustCommand, \\def) silently keep the other meaning. Every clash is
reported at once, each as FILE:LINE: message.
"""
from __future__ import annotations

import re
from pathlib import Path

from coursebuild import paths
from coursebuild.textfile import read_utf8

# The engine's macros (templates/latex/course.sty, preamble.tex.j2, base.tex.j2, the version file).
ENGINE_MACROS = {
    "coursefigure": "a figure made by figgen",
    "figparam": "a figure's parameter",
    "figsetparam": "a figure's parameters, written by figgen",
    "figclaim": "a sentence checked by a figure's claim",
    "figclaimvalue": "the value a figure's claim measured",
    "figsetclaim": "a figure's claims, written by figgen",
    "showsolutions": "the solutions sheet's switch",
    "coursebibliography": "the bibliography of a document",
    "courseinputpreamble": "the input of a preamble file",
    "courseheader": "the course header of every PDF",
    "coursetitleblock": "the title lines under the header",
    "courseversion": "the version of every PDF",
    "courseversionquery": "the version of every PDF, URL-encoded for its report link",
    "coursereport": "the link that reports an error in a PDF",
}

# A definition and the name it defines: \newcommand{\x}, \newcommand*\x, \DeclareMathOperator{\x},
# \def\x, \let\x ... (a \renewcommand or \providecommand of one's own name is no second definition).
_DEFINITION = re.compile(
    r"\\(?P<kind>newcommand|renewcommand|providecommand|DeclareRobustCommand|NewDocumentCommand|"
    r"RenewDocumentCommand|ProvideDocumentCommand|DeclareDocumentCommand|DeclareMathOperator|"
    r"DeclarePairedDelimiter[A-Za-z]*|[gex]?def|let|global\\[gex]?def)\*?\s*\{?\s*\\(?P<name>[A-Za-z@]+)")
_NEW = ("newcommand", "NewDocumentCommand", "DeclareMathOperator", "DeclarePairedDelimiter")
_COMMENT = re.compile(r"(?<!\\)%.*")


def definitions(path: Path):
    """(line, kind, name) of each macro a file defines, comments aside."""
    for number, line in enumerate(read_utf8(path, shown_as=paths.rel(path)).splitlines(), 1):
        for match in _DEFINITION.finditer(_COMMENT.sub("", line)):
            yield number, match["kind"], match["name"]


def clashes(shared: list[Path], own: list[Path] = ()) -> list[str]:
    """Every clash in the course's preamble files (`shared`, in order) and in the documents' own
    (sheets' preambles, each read after the shared ones), as 'FILE:LINE: message'."""
    problems: list[str] = []
    first: dict[str, str] = {}  # a name \newcommand'ed in the shared files -> where

    def check(path: Path, defined: dict[str, str]):
        for number, kind, name in definitions(path):
            where = f"{paths.rel(path)}:{number}"
            if name in ENGINE_MACROS:
                problems.append(f"{where}: \\{name} is the engine's ({ENGINE_MACROS[name]}); "
                                f"give the course's macro another name")
            elif kind.startswith(_NEW):
                if name in defined and defined[name] != where:
                    problems.append(f"{where}: \\{name} is defined again (first at {defined[name]}); "
                                    "keep one definition, or \\renewcommand it if the second is meant")
                defined.setdefault(name, where)

    for path in dict.fromkeys(shared):
        check(path, first)
    for path in dict.fromkeys(own):
        check(path, dict(first))
    return problems
