"""The one LaTeX escaping function: every value from syllabus.yaml passes through it.

A value comes out exactly as typed: specials become commands, ligature-forming pairs are broken
with an empty group, control characters are shown by their code point, and characters the notes'
fonts cannot typeset are spelled out rather than breaking the build.
"""
from __future__ import annotations

import unicodedata

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    # Typed quotes stay straight: T1 would print ` and ' as curly quotes.
    "'": r"\textquotesingle{}",
    "`": r"\textasciigrave{}",
    "\u00a0": "~",
    "\u2013": "--",
    "\u2014": "---",
    "\u2018": "`",
    "\u2019": "'",
    "\u201c": "``",
    "\u201d": "''",
    "\u2026": r"\ldots{}",
    "\u00ab": r"\guillemotleft{}",
    "\u00bb": r"\guillemotright{}",
}
# T1 font ligatures: for each second character, the first characters it would fuse with.
_LIGATURE_START = {"-": "-", ",": ","}
# In a URL only the characters that break \href's argument need care.
_URL_SPECIALS = {"\\": "/", "{": "%7B", "}": "%7D", "%": r"\%", "#": r"\#", "^": "%5E", "~": r"\~", " ": "%20"}


def _typesettable(ch: str) -> bool:
    """Latin-1 and the Latin Extended-A letters are covered by T1 + utf8 inputenc."""
    return ord(ch) < 0x250


def escape_latex(value: object, url: bool = False) -> str:
    text = "" if value is None else str(value)
    if url:
        return "".join(_URL_SPECIALS.get(ch, ch) for ch in text)
    out: list[str] = []
    for ch in text:
        if ch in _SPECIALS:
            out.append(_SPECIALS[ch])
        elif ch in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.append(rf"\textless{{}}U+{ord(ch):04X}\textgreater{{}}")
        elif out and _LIGATURE_START.get(ch, "").find(out[-1][-1:]) >= 0 and out[-1][-1:]:
            out.append("{}" + ch)  # "--", "''", "?`", ",," would become dashes and quotes
        elif not _typesettable(ch):
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            out.append(rf"\textless{{}}{name.lower()}\textgreater{{}}")
        else:
            out.append(ch)
    return "".join(out)
