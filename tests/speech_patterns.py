"""Misreadings in the Speech Rule Engine's English speech of a formula (ClearSpeak or MathSpeak):
each a regular expression over the spoken text that reveals a defect of the MathML it was read
from, with why. Found by reading the speech of the whole course's edition at 2a7b5de
(6,240 distinct formulas; docs/html.md gives counts and samples); only patterns that are wrong
wherever they occur, so that a correct formula never matches one.
"""
from __future__ import annotations

import re

# SRE's names of the operators whose limits TeX sets below and above in a display.
_BIG = r"sum|product|coproduct|integral|union|intersection|min|max|sup|inf|supremum|infimum|lim|limit|argmin|argmax"

PATTERNS: dict[str, tuple[re.Pattern, str]] = {name: (re.compile(regex), why) for name, regex, why in [
    ("script on nothing",
     r"^(?:sub|super|prime|squared|cubed|raised to|to the)\b|\b(?:of|(?<!metric of )times) (?:sub|super|prime)\b"
     r"|\bof (?:squared|cubed|raised to|to the)\b",
     "a sub- or superscript set after its base on an empty one: f'(u) read \"f of prime times u\", g_t \"g of sub t\""),
    ("power of times",
     r"(?<!metric of )\btimes (?:squared|cubed|raised to|to the)\b",  # a norm's placeholder dot: the pattern below
     "a power on nothing after a closing bracket or norm: the squared norm read \"the metric of x times squared\""),
    ("limits as scripts",
     rf"\b(?:{_BIG})\b (?:of |over )?(?:sub|super|raised to)\b",
     "a sum's or minimum's limits as scripts on nothing after it: \"the sum of sub i equals 1 to the n-th power\""),
    ("number in pieces",
     r"^(?!.*\bmatrix Row \d)(?:.*?)\b\d+ (?:(?:period|point) )?\d+\b",  # a matrix's entries are listed so
     "a number as several <mn>: 2.25 read \"2 period 2 5\", 8192 \"8 1 9 2\" (not MathSpeak's \"0 2nd Column\")"),
    ("name spelled out",
     r"\bnormal (?:upper )?[A-Za-z] normal (?:upper )?[A-Za-z]\b",
     "an upright name as separate letters: ReLU read \"normal R normal e normal L normal U\""),
    ("transpose as down tack",
     r"\bdown tack\b",
     "the transpose sign U+22A4 read by its character name: X^T read \"X raised to the down tack power\""),
    ("conditioning bar as divides",
     r"\bdivides\b",
     "the bar of a conditional probability read as divisibility: p(y|x) read \"p of y divides x\""),
    ("star as a power",
     r"\b(?:asterisk|star) power\b",
     "an optimum's star read as an exponent: f^*(x) read \"the asterisk power of f\""),
    ("Delta as triangle",
     r"\btriangle\b",
     "a capital Delta read as a triangle (SRE's ClearSpeak name of an upright U+0394)"),
    ("upright symbol called normal",
     r"\bnormal (?:infinity|script [a-z]|partial|nabla)\b",
     "mathvariant=normal on a symbol that has no other form: \\infty read \"normal infinity\", \\ell \"normal script l\""),
    ("placeholder dot as times",
     r"\b(?:comma|open paren|open bracket|left angle bracket|metric of) times\b|\btimes (?:comma|close paren|close bracket|right angle bracket)\b",
     "a product beside a comma or bracket is no product: the argument's place in <w, \\cdot> read \"w comma times\""),
    ("speech engine error",
     r"^\[SRE error",
     "the engine could not read the MathML at all"),
]}


# The patterns that depend on a character alone, not on the MathML's structure: SRE 4.1.5 has this one word
# for it (in ClearSpeak with its default preferences), and no markup found changes it, MathML's `intent`
# included, which it does not read (docs/html.md, "Mathematics"). They are counted and reported; the
# others are defects of the MathML, which the rewrite must leave none of.
VOCABULARY = {"transpose as down tack", "Delta as triangle", "star as a power", "placeholder dot as times"}


def misreadings(spoken: str) -> list[str]:
    """The names of the PATTERNS found in a formula's speech, in the catalogue's order."""
    return [name for name, (pattern, _) in PATTERNS.items() if pattern.search(spoken)]
