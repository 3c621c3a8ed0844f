"""Cross-references from a chapter's own PDF to other chapters, numbered as in the full notes.

Which labels a document takes from other documents is what LaTeX itself found undefined when it
compiled the document (coursebuild/latex.py reads the log): a wrapper such as
\\newcommand\\lemmaref[1]{\\hyperref[lem:#1]{Lemma~\\ref{lem:#1}}} counts as well as \\cref. Each
compilation adds what it found to the document's list of quoted labels, less the labels the
document defines itself (its own .aux); a label it stops quoting stays listed, which costs at most
a recompilation with the same output when that label's number changes.

The full notes' .aux holds every label's number. For each chapter (and homework sheet) we copy
the entries of the labels it quotes into a small file that its wrapper reads. Each entry names
the full notes' PDF as the link's file, so a click on "Theorem 5.24" in the chapter's PDF opens
the full notes there (hyperref writes a GoToR link, as xr-hyper would). The file is rewritten only
when its content changes, so a chapter rebuilds only when a number it quotes has changed.
"""
from __future__ import annotations

import re
from pathlib import Path

from corelib import atomic

_NEWLABEL = re.compile(r"^\\newlabel\{([^}]+)\}(.*)$", re.M)


def _groups(text: str) -> list[str]:
    """Top-level brace groups of text, e.g. '{{a}{b}}' -> ['{a}{b}']."""
    groups, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                groups.append(text[start:i])
    return groups


def aux_labels(aux_text: str, link_file: str = "") -> dict[str, str]:
    """label -> the body of its \\newlabel line, its link pointing into `link_file`.

    Page numbers are dropped: they would be the full notes' pages, and keeping them would rebuild
    every chapter whenever an earlier chapter grows by a page.
    """
    out = {}
    for key, rest in _NEWLABEL.findall(aux_text):
        outer = _groups(rest)
        inner = _groups(outer[0]) if outer else []
        if key.endswith("@cref"):
            if len(inner) >= 2:
                rest = "{{" + inner[0] + "}{[1][][]}}"
        elif len(inner) >= 5:
            inner[1] = ""  # page
            inner[4] = link_file if inner[3] else ""  # the anchor is in that file, not here
            rest = "{" + "".join("{" + f + "}" for f in inner) + "}"
        out[key] = rest
    return out


def defined_labels(aux_text: str) -> set[str]:
    """The labels an .aux defines (cleveref's twin `X@cref` counted as X)."""
    return {key.removesuffix("@cref") for key, _ in _NEWLABEL.findall(aux_text)}


def read_quoted(path: Path) -> set[str]:
    """The labels a document quotes from other documents (one per line; none while unknown)."""
    try:
        return {line for line in path.read_text(encoding="utf-8").splitlines() if line}
    except OSError:
        return set()


def record_quoted(path: Path, found_undefined: set[str], own_aux: Path, given: bytes | None = None) -> bool:
    """Add the labels a compilation found undefined to the document's list, and those of the
    numbers file it was `given` (a number LaTeX was given is never reported undefined: without
    them, a list lost or older than the numbers file would drop labels still in use); drop those
    it now defines itself (given them again, LaTeX would say they are defined twice). True if it
    changed."""
    own = defined_labels(own_aux.read_text(errors="replace")) if own_aux.is_file() else set()
    had = defined_labels(given.decode("utf-8", errors="replace")) if given else set()
    quoted = (read_quoted(path) | set(found_undefined) | had) - own
    return atomic.write_text_if_changed(path, "".join(f"{key}\n" for key in sorted(quoted)))


def xref_source(quoted: set[str], aux_text: str, link_file: str = "") -> str:
    """The \\newlabel lines of the quoted labels that the full notes define; a label they do not
    define is left out, for LaTeX to report where it is used."""
    labels = aux_labels(aux_text, link_file)
    lines = [f"\\newlabel{{{name}}}{labels[name]}" for key in sorted(quoted) for name in (key, f"{key}@cref")
             if name in labels]
    if not lines:  # empty, like no file at all: what a document quoting nothing was compiled with
        return ""
    return "\n".join(["% Numbers of labels defined in other chapters, from the full notes' .aux.", *lines]) + "\n"


def write_xref(quoted_files: list[Path], aux: Path, target: Path, link_file: str = "") -> bool:
    """The numbers for the documents that read `target` (a sheet and its solutions share one)."""
    aux_text = aux.read_text(errors="replace") if aux.is_file() else ""
    quoted = set().union(*(read_quoted(f) for f in quoted_files))
    return atomic.write_text_if_changed(target, xref_source(quoted, aux_text, link_file))
