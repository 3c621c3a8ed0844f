"""What the HTML edition's pages are measured by (bench/bench_html_quality.py on a whole edition,
tests/test_html_quality.py on the fixture course's): the structure of their MathML, the speech of
every formula (tools.speech, judged by speech_patterns) and the Nu Html Checker (tools.nu_errors):
what the page's text says. What a browser shows of it (axe-core with every rule, the layout, the Tab
stops) is tests/browser.py's browse(), for the bench and the tests alike.

Every function here reads pages; none knows a course.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

# A formula as the page writes it (MathML never nests a <math>).
MATH = re.compile(r"<math\b.*?</math>", re.S)
# What differs between two copies of one formula on different pages, or on one page twice.
PAGE_ONLY = re.compile(r"""\s(?:id|tabindex|xml:id)=("[^"]*"|'[^']*')""")
SCRIPTS = ("msub", "msup", "msubsup")
# Elements whose children are each an argument in its place (base, script, numerator...): two <mn>
# side by side there are two numbers, a sub- and a superscript say.
SCRIPT_BASES = {*SCRIPTS, "munder", "mover", "munderover", "mmultiscripts"}
ARGUMENTS = {*SCRIPTS, "munder", "mover", "munderover", "mfrac", "mroot", "mmultiscripts"}
# Operators whose limits TeX sets below and above in a display: the n-ary symbols, and the
# named operators with \limits (\lim, \max, ... and the argmin-like ones a notation defines).
BIG_SYMBOLS = set("∑∏∐⋃⋂⨁⨂⨀⨄⨆⋁⋀∫∬∭∮")
BIG_NAMES = {"lim", "limsup", "liminf", "lim sup", "lim inf", "max", "min", "sup", "inf", "argmin", "argmax",
             "arg min", "arg max", "det", "Pr", "gcd", "esssup", "ess sup"}
# Integrals keep their limits beside them in TeX's displays too: not counted as a defect.
BESIDE_BY_RULE = set("∫∬∭∮")
# \underbrace, \overbrace and their brackets: TeX sets the label below (above) in every style.
BRACES = set("⏟⏞︸︷⎵⎴")


def formulas(page_html: str) -> list[str]:
    """Every <math> element of a page, as its source text."""
    return MATH.findall(page_html)


def formula_key(mathml: str) -> str:
    """A formula without what only places it on its page (ids, tab index): two copies of a
    formula speak alike, so the speech of an edition is computed once per key."""
    return PAGE_ONLY.sub("", mathml)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element) -> str:
    return "".join(element.itertext()).strip()


def _is_empty(element) -> bool:
    return element is not None and not len(element) and not _text(element)


def _is_big_operator(element) -> bool:
    if element is None:
        return False
    name = _local(element.tag)
    text = _text(element).replace("\u2061", "").replace("\u2009", " ").strip()
    if name == "mo" and text in BIG_SYMBOLS - BESIDE_BY_RULE:
        return True
    return name in ("mi", "mo", "mrow") and text in BIG_NAMES


def _is_brace(element) -> bool:
    """An <munder>/<mover> whose under/over part is a brace's glyph: \\underbrace{...} before its label."""
    return (element is not None and _local(element.tag) in ("munder", "mover") and len(element) == 2
            and _local(element[1].tag) == "mo" and _text(element[1]) in BRACES)


def structure(mathml: str) -> dict[str, int]:
    """Defects of one formula's MathML, counted:

    - detached_scripts: a sub- or superscript whose base is empty (LaTeXML's --noparse output sets
      the script after its base, on nothing);
    - split_numbers: a number written as several <mn> (digits one by one, or a decimal point as an
      <mo> between two <mn>): each maximal run of such siblings counts once;
    - limits_beside: in display style (_rows), a big operator (BIG_SYMBOLS, BIG_NAMES) with its limits as
      scripts (msub/msup/msubsup, or detached scripts right after it) rather than below and above
      (munder/mover/munderover); and in any style, a brace (\\underbrace) with its label as a script.
    """
    try:
        root = ET.fromstring(mathml)
    except ET.ParseError as error:  # LaTeXML writes MathML as XML: anything else is a defect of its own
        raise ValueError(f"a formula that is not well-formed XML ({error}): {mathml[:120]}") from None
    found = Counter(detached_scripts=0, split_numbers=0, limits_beside=0)
    # A display, or an aligned display's cell, which LaTeXML writes inline with its TeX begun by \displaystyle.
    display = root.get("display") == "block" or re.match(r"\\displaystyle(?![A-Za-z])", root.get("alttext") or "")
    for parent, display in _rows(root, bool(display)):
        children = list(parent)
        if _local(parent.tag) in ARGUMENTS:  # its children are its arguments, not a row to read on
            children = []
        run = 0
        for i, child in enumerate(children):
            name = _local(child.tag)
            if name in SCRIPTS:
                base = child[0] if len(child) else None
                if _is_empty(base):
                    found["detached_scripts"] += 1
                    previous = children[i - 1] if i else None
                    # the first of the detached scripts after an operator is its limits
                    if (display and _is_big_operator(previous)) or _is_brace(previous):
                        found["limits_beside"] += 1
                elif (display and _is_big_operator(base)) or _is_brace(base):
                    found["limits_beside"] += 1
            # a run of digits: <mn> siblings, with a "." <mo> only between two <mn>
            if name == "mn":
                run += 1
            elif not (name == "mo" and _text(child) == "." and run and i + 1 < len(children)
                      and _local(children[i + 1].tag) == "mn"):
                found["split_numbers"] += run > 1
                run = 0
        found["split_numbers"] += run > 1
    return dict(found)


def _rows(element, display: bool):
    """Each element with whether it is in display style: as in TeX, a fraction's parts, scripts, limits and
    roots are in text style (a script's base keeps the style around it), and so (counted as such, not to guess) is a table inside a formula: a matrix or
    cases, whose limits TeX sets beside, or an aligned block, whose limits it sets below."""
    yield element, display
    name = _local(element.tag)
    for index, child in enumerate(element):
        # A script's base keeps the style around it (TeX sets only the scripts smaller); a root's index does not.
        keeps = index == 0 and name in SCRIPT_BASES
        yield from _rows(child, display and (keeps or name not in ARGUMENTS | {"mtable"}))


def page_structure(page_html: str) -> dict[str, int]:
    """structure() summed over a page's formulas, with how many there are ("formulas"), how many
    are displays, and how many <math> carry a tabindex (not allowed there, and a Tab stop)."""
    total = Counter(formulas=0, displays=0, detached_scripts=0, split_numbers=0, limits_beside=0, math_tabindex=0)
    for mathml in formulas(page_html):
        total["formulas"] += 1
        opening = mathml[:mathml.index(">")]
        total["displays"] += 'display="block"' in opening
        total["math_tabindex"] += bool(re.search(r"\stabindex=", opening))
        total.update(structure(mathml))
    return dict(total)


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels: list[tuple[int, str]] = []
        self._open: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self._open, self._text = int(tag[1]), []

    def handle_endtag(self, tag):
        if self._open is not None and tag == f"h{self._open}":
            self.levels.append((self._open, " ".join("".join(self._text).split())[:60]))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)


def heading_skips(page_html: str) -> list[str]:
    """Headings more than one level below the heading before them (an h1 then an h3), as
    "h1 -> h3 title": a screen reader's list of headings then has a hole (axe's heading-order,
    which also flags the first one being other than h1)."""
    parser = _Headings()
    parser.feed(page_html)
    skips, previous = [], None
    for level, title in parser.levels:
        if previous is not None and level > previous + 1:
            skips.append(f"h{previous} -> h{level} {title}")
        previous = level
    return skips


class _ScrollBoxes(HTMLParser):
    """The scroll boxes (class course_scroll) that sit inside another."""

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, bool]] = []  # each open element, and whether it is a scroll box
        self.nested: list[str] = []

    def handle_starttag(self, tag, attrs):
        box = "course_scroll" in (dict(attrs).get("class") or "").split()
        if box and any(b for _, b in self.open):
            self.nested.append(self.get_starttag_text())
        if tag not in _VOID:
            self.open.append((tag, box))

    def handle_startendtag(self, tag, attrs):  # <mspace/>: opens and closes nothing
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        # An end tag closes its element and whatever HTML left open inside it (a <p> closed by its end).
        if any(t == tag for t, _ in self.open):
            while self.open.pop()[0] != tag:
                pass


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def nested_scroll_boxes(page: str) -> list[str]:
    """The opening tags of scroll boxes inside another scroll box: one formula would be two Tab
    stops and two regions of the page (coursebuild/pagelayout.py boxes each once)."""
    parser = _ScrollBoxes()
    parser.feed(page)
    return parser.nested
