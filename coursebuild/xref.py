"""Cross-references from a chapter's own PDF to other chapters, numbered as in the full notes.

The full notes are compiled first; their .aux holds every label's number. For each chapter (and
homework sheet) we copy the entries of the labels it uses but does not define into a small file
that its wrapper reads. Each entry names the full notes' PDF as the link's file, so a click on
"Theorem 5.24" in the chapter's PDF opens the full notes there (hyperref writes a GoToR link, as
xr-hyper would). The file is rewritten only when its content changes, so a chapter rebuilds only
when a number it quotes has changed.
"""
from __future__ import annotations

import re
from pathlib import Path

from corelib import atomic

_LABEL_DEF = re.compile(r"\\label\s*\{([^}]+)\}")
_REF_USE = re.compile(r"\\(?:[cC]ref|[cC]refrange|[cC]pageref|labelcref|ref|eqref|pageref|autoref|nameref)\*?\s*\{([^}]+)\}(?:\s*\{([^}]+)\})?")
_NEWLABEL = re.compile(r"^\\newlabel\{([^}]+)\}(.*)$", re.M)
_COMMENT = re.compile(r"(?<!\\)%.*")


def labels_used(source: str) -> tuple[set[str], set[str]]:
    """(labels referenced, labels defined) in a LaTeX source."""
    text = _COMMENT.sub("", source)
    defined = {m.strip() for m in _LABEL_DEF.findall(text)}
    used = set()
    for first, second in _REF_USE.findall(text):
        for group in (first, second):
            used |= {k.strip() for k in group.split(",") if k.strip()}
    return used, defined


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


def xref_source(chapter_source: str, aux_text: str, own_labels: set[str] = frozenset(), link_file: str = "") -> str:
    used, defined = labels_used(chapter_source)
    labels = aux_labels(aux_text, link_file)
    external = sorted(used - defined - set(own_labels))
    lines = ["% Numbers of labels defined in other chapters, from the full notes' .aux."]
    for key in external:
        for name in (key, f"{key}@cref"):
            if name in labels:
                lines.append(f"\\newlabel{{{name}}}{labels[name]}")
    return "\n".join(lines) + "\n"


def write_xref(chapter_tex: Path, aux: Path, target: Path, chapter_id: str, link_file: str = "") -> bool:
    aux_text = aux.read_text(errors="replace") if aux.is_file() else ""
    text = xref_source(chapter_tex.read_text(encoding="utf-8"), aux_text, {f"ch:{chapter_id}"}, link_file)
    return atomic.write_text_if_changed(target, text)
